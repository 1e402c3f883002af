/**
 * demean with varying slopes (numerics/demeanSlopes.ts, fixest's `id[x]` / `id[[x]]`) checked
 * against the exact projection: the residuals of a weighted least-squares fit on explicit
 * columns (per level: a dummy and dummy × x, or dummy × x only; plus the other effects' dummies),
 * on an unbalanced random panel, with and without weights. A level whose x is constant (its
 * slope collinear with its intercept) is included on purpose.
 */
import { describe, expect, it } from 'vitest';
import { demean, type FixedEffectCodes } from '../../src/numerics/demean.js';
import { leastSquares } from '../../src/numerics/leastSquares.js';
import { createRng } from '../../src/numerics/random.js';

function panel(seed: number) {
  const rng = createRng(seed);
  const unit: number[] = [];
  const period: number[] = [];
  for (let u = 0; u < 30; u++) for (let t = 0; t < 8; t++) if (rng.uniform() > 0.2 || t < 2) { unit.push(u); period.push(t); }
  const n = unit.length;
  // unit 0's slope variable is constant: its slope is collinear with its intercept
  const x = Float64Array.from({ length: n }, (_, i) => (unit[i] === 0 ? 2 : period[i]! + 0.5 * rng.normal()));
  const y = Float64Array.from({ length: n }, (_, i) => unit[i]! * 0.1 + (1 + unit[i]! / 30) * x[i]! + period[i]! * 0.3 + rng.normal());
  const w = Float64Array.from({ length: n }, () => 0.3 + rng.uniform() * 2);
  return { n, unit: Int32Array.from(unit), period: Int32Array.from(period), x, y, w };
}

/** Residuals of y on explicit columns by weighted least squares (collinear columns dropped by QR). */
function exactResiduals(columns: Float64Array[], y: Float64Array, w: Float64Array | undefined): Float64Array {
  const n = y.length;
  const X = new Float64Array(n * columns.length);
  columns.forEach((c, j) => X.set(c, j * n));
  return leastSquares(X, n, columns.length, y, w === undefined ? {} : { weights: w }).residuals;
}

function explicitColumns(p: ReturnType<typeof panel>, constant: boolean, withPeriod: boolean): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let u = 0; u < 30; u++) {
    if (constant) cols.push(Float64Array.from(p.unit, (g) => (g === u ? 1 : 0)));
    cols.push(Float64Array.from(p.unit, (g, i) => (g === u ? p.x[i]! : 0)));
  }
  if (withPeriod) for (let t = 0; t < 8; t++) cols.push(Float64Array.from(p.period, (g) => (g === t ? 1 : 0)));
  return cols;
}

describe('demean with varying slopes = exact projection on explicit columns', () => {
  const p = panel(7);
  const cases: [string, boolean, boolean, boolean][] = [
    ['unit[x] alone (one projection)', true, false, false],
    ['unit[x] + period', true, true, false],
    ['unit[x] + period, weighted', true, true, true],
    ['unit[[x]] + period (slope only), weighted', false, true, true],
  ];
  for (const [name, constant, withPeriod, weighted] of cases) {
    it(name, () => {
      const fes: FixedEffectCodes[] = [{ codes: p.unit, nLevels: 30, slopes: [p.x], constant }];
      if (withPeriod) fes.push({ codes: p.period, nLevels: 8 });
      const w = weighted ? p.w : undefined;
      const result = demean([p.y], fes, { weights: w });
      expect(result.converged).toBe(true);
      const exact = exactResiduals(explicitColumns(p, constant, withPeriod), p.y, w);
      let scale = 0;
      for (const e of exact) scale = Math.max(scale, Math.abs(e));
      let worst = 0;
      for (let i = 0; i < p.n; i++) worst = Math.max(worst, Math.abs(result.columns[0]![i]! - exact[i]!));
      expect(worst / scale).toBeLessThan(1e-8); // measured ≤ 2e-9 (tolerance 1e-10 on the estimated distance, as demean)
    });
  }
});
