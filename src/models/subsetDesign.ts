/**
 * Row subsets of a prepared design (feols's `fixefRmSingletons`, as reghdfe and fixest's
 * `fixef.rm = "singleton"`).
 */
import type { Design } from './formula/design.js';

/**
 * The design without the rows marked in `drop` (fixed-effect singletons): y, X, weights, extra
 * columns and input rows subset; fixed-effect levels still present keep R's sorted order and
 * are re-coded densely.
 *
 * @example
 * subsetDesign(design, singletonMask(design.fixedEffects)).n; // rows left
 */
export function subsetDesign(design: Design, drop: Uint8Array): Design {
  const n = design.n;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (drop[i] === 0) keep.push(i);
  const m = keep.length;
  const y = Float64Array.from(keep, (i) => design.y[i]!);
  const X = new Float64Array(m * design.k);
  for (let j = 0; j < design.k; j++) for (let r = 0; r < m; r++) X[j * m + r] = design.X[j * n + keep[r]!]!;
  // Levels still present keep R's sorted order; codes are made dense again.
  const fixedEffects = design.fixedEffects.map((fe) => {
    const present = new Uint8Array(fe.nLevels);
    for (let r = 0; r < m; r++) present[fe.codes[keep[r]!]!] = 1;
    const order = new Int32Array(fe.nLevels).fill(-1);
    const levels: string[] = [];
    for (let l = 0; l < fe.nLevels; l++) if (present[l]) order[l] = levels.push(fe.levels[l]!) - 1;
    const codes = new Int32Array(m);
    for (let r = 0; r < m; r++) codes[r] = order[fe.codes[keep[r]!]!]!;
    // Varying slopes (fixest `id[x]`) follow their rows.
    const slopes = fe.slopes === undefined ? {} : { slopes: fe.slopes.map((x) => Float64Array.from(keep, (i) => x[i]!)), slopeNames: fe.slopeNames, constant: fe.constant };
    return { name: fe.name, codes, nLevels: levels.length, levels, ...slopes };
  });
  const extra: Design['extra'] = Object.create(null);
  for (const name of Object.keys(design.extra)) {
    const column = design.extra[name]!;
    extra[name] = column instanceof Float64Array ? Float64Array.from(keep, (i) => column[i]!) : keep.map((i) => column[i]!);
  }
  return {
    ...design,
    y,
    X,
    n: m,
    rows: Int32Array.from(keep, (i) => design.rows[i]!),
    weights: design.weights === undefined ? undefined : Float64Array.from(keep, (i) => design.weights![i]!),
    fixedEffects,
    extra,
  };
}
