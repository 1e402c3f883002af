/**
 * Bound-constrained Nelder–Mead minimisation with restarts (Nelder & Mead 1965; the adaptive
 * coefficients of Gao & Han 2012; restarts as recommended by Kelley 1999).
 *
 * Why this optimiser for the mixed-model deviance: the profiled deviance over θ is smooth,
 * cheap (a sparse refactorisation) and low-dimensional, with simple lower bounds (variances ≥ 0)
 * where singular fits sit. Nelder–Mead needs no derivatives, handles the bounds by projecting
 * trial points onto them, and restarting from a fresh simplex around the best point until a
 * restart no longer improves the value guards against the simplex collapsing early — so it
 * converges tighter than lme4's default BOBYQA stopping rule (xtol_abs 1e-8), which the
 * mixed-model oracles show stops ~1e-5 short of the optimum in θ.
 *
 * Dimension symbol: d = number of parameters.
 */

/**
 * Options of {@link nelderMead}.
 *
 * @example
 * const options: NelderMeadOptions = { lower: [0], xTolerance: 1e-10, maxEvaluations: 5000 };
 */
export interface NelderMeadOptions {
  /** Lower bounds (−Infinity when absent). */
  lower?: readonly number[];
  /** Upper bounds (+Infinity when absent). */
  upper?: readonly number[];
  /** Initial step per coordinate (default 0.2·max(|x₀|, 1), as lme4's Nelder_Mead; restarts use 1% of it). */
  step?: readonly number[];
  /** Stop when the simplex spans less than this in every coordinate (default 1e-10). */
  xTolerance?: number;
  /** …and the function values differ by less than this, relative to |f| + 1e-300 (default 1e-15). */
  fTolerance?: number;
  /** Evaluation budget (default 100000). */
  maxEvaluations?: number;
  /** Restarts after convergence (default 3): stop early when a restart improves f by ≤ fTolerance. */
  restarts?: number;
}

/**
 * Result of {@link nelderMead}.
 *
 * @example
 * nelderMead(([a, b]) => (a! - 1) ** 2 + (b! + 2) ** 2, [0, 0]); // { x: [1, -2], value: ~0, converged: true, … }
 */
export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
  converged: boolean;
  restarts: number;
}

/**
 * Minimises `f` from `x0` within the bounds.
 *
 * @example
 * const result = nelderMead(([x]) => (x! - 3) ** 2, [1], { lower: [0] });
 * result.x; // [3] (to ~1e-10)
 */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const d = x0.length;
  const lower = options.lower ?? new Array<number>(d).fill(-Infinity);
  const upper = options.upper ?? new Array<number>(d).fill(Infinity);
  const xTol = options.xTolerance ?? 1e-10;
  const fTol = options.fTolerance ?? 1e-15;
  const maxEval = options.maxEvaluations ?? 100000;
  const maxRestarts = options.restarts ?? 3;
  let evaluations = 0;
  const clamp = (x: number[]): number[] => x.map((v, j) => Math.min(upper[j]!, Math.max(lower[j]!, v)));
  const evaluate = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  // Adaptive coefficients (Gao & Han 2012) keep the method effective beyond a few dimensions.
  const alpha = 1;
  const beta = 1 + 2 / Math.max(d, 2);
  const gamma = 0.75 - 1 / (2 * Math.max(d, 2));
  const delta = 1 - 1 / Math.max(d, 2);

  let best = clamp([...x0]);
  let bestValue = evaluate(best);
  let converged = false;
  let restarts = 0;
  for (let round = 0; round <= maxRestarts; round++) {
    const scale = round === 0 ? 1 : 1e-2;
    const simplex: number[][] = [best];
    const values: number[] = [bestValue];
    for (let j = 0; j < d; j++) {
      const base = options.step?.[j] ?? 0.2 * Math.max(Math.abs(best[j]!), 1);
      let step = base * scale;
      const v = [...best];
      // Step away from a bound the point sits on.
      if (v[j]! + step > upper[j]!) step = -step;
      v[j] = v[j]! + step;
      const w = clamp(v);
      simplex.push(w);
      values.push(evaluate(w));
    }
    converged = false;
    while (evaluations < maxEval) {
      const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
      const s = order.map((i) => simplex[i]!);
      const fv = order.map((i) => values[i]!);
      simplex.splice(0, simplex.length, ...s);
      values.splice(0, values.length, ...fv);
      const spread = Math.max(...simplex.slice(1).map((p) => Math.max(...p.map((v, j) => Math.abs(v - simplex[0]![j]!)))));
      if (spread <= xTol && fv[d]! - fv[0]! <= fTol * (Math.abs(fv[0]!) + 1e-300)) {
        converged = true;
        break;
      }
      if (spread === 0) {
        converged = true;
        break;
      }
      const centroid = new Array<number>(d).fill(0);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) centroid[j]! += simplex[i]![j]! / d;
      const worst = simplex[d]!;
      const along = (t: number): number[] => clamp(centroid.map((c, j) => c + t * (c - worst[j]!)));
      const xr = along(alpha);
      const fr = evaluate(xr);
      if (fr < fv[0]!) {
        const xe = along(alpha * beta);
        const fe = evaluate(xe);
        if (fe < fr) {
          simplex[d] = xe;
          values[d] = fe;
        } else {
          simplex[d] = xr;
          values[d] = fr;
        }
        continue;
      }
      if (fr < fv[d - 1]!) {
        simplex[d] = xr;
        values[d] = fr;
        continue;
      }
      const outside = fr < fv[d]!;
      const xc = along(outside ? gamma : -gamma);
      const fc = evaluate(xc);
      if (fc < (outside ? fr : fv[d]!)) {
        simplex[d] = xc;
        values[d] = fc;
        continue;
      }
      // Shrink towards the best vertex.
      for (let i = 1; i <= d; i++) {
        simplex[i] = clamp(simplex[i]!.map((v, j) => simplex[0]![j]! + delta * (v - simplex[0]![j]!)));
        values[i] = evaluate(simplex[i]!);
      }
    }
    let bi = 0;
    for (let i = 1; i < values.length; i++) if (values[i]! < values[bi]!) bi = i;
    const improvement = bestValue - values[bi]!;
    if (values[bi]! <= bestValue) {
      best = simplex[bi]!;
      bestValue = values[bi]!;
    }
    if (!converged || evaluations >= maxEval) break;
    if (round > 0 && improvement <= fTol * (Math.abs(bestValue) + 1e-300)) break;
    if (round < maxRestarts) restarts++;
  }
  return { x: best, value: bestValue, evaluations, converged, restarts };
}
