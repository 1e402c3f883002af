/**
 * demean (alternating projections + Irons–Tuck, as fixest's demeaning.cpp) checked by the
 * Frisch–Waugh–Lovell theorem: OLS on FE-demeaned data must equal OLS with explicit dummy
 * variables (the self-consistency oracle fixest and pyfixest use), on unbalanced random panels.
 */
import { describe, expect, it } from 'vitest';
import { demean, type FixedEffectCodes } from '../../src/numerics/demean.js';
import { dropSingletons, singletonMask } from '../../src/numerics/singletons.js';
import { leastSquares } from '../../src/numerics/leastSquares.js';
import { createRng } from '../../src/numerics/random.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';

interface Panel { n: number; y: Float64Array; x: Float64Array[]; fes: FixedEffectCodes[]; w: Float64Array }

/** Unbalanced panel: units × periods with ~25 % of cells missing, plus a third random factor. */
function makePanel(seed: number, units: number, periods: number, groups: number): Panel {
  const rng = createRng(seed);
  const unit: number[] = [];
  const period: number[] = [];
  for (let u = 0; u < units; u++) {
    for (let t = 0; t < periods; t++) if (rng.uniform() > 0.25 || t === 0) { unit.push(u); period.push(t); }
  }
  const n = unit.length;
  const group = Int32Array.from({ length: n }, () => rng.int(groups));
  const unitEffect = Float64Array.from({ length: units }, () => 3 * rng.normal());
  const periodEffect = Float64Array.from({ length: periods }, () => rng.normal());
  const x1 = Float64Array.from({ length: n }, (_, i) => unitEffect[unit[i]!]! * 0.5 + rng.normal());
  const x2 = Float64Array.from({ length: n }, (_, i) => periodEffect[period[i]!]! + rng.normal() + 0.3 * group[i]!);
  const y = Float64Array.from({ length: n }, (_, i) => 1.5 * x1[i]! - 0.7 * x2[i]! + unitEffect[unit[i]!]! + periodEffect[period[i]!]! + group[i]! * 0.2 + rng.normal());
  const w = Float64Array.from({ length: n }, () => 0.2 + rng.uniform() * 2);
  const fes = [
    { codes: Int32Array.from(unit), nLevels: units },
    { codes: Int32Array.from(period), nLevels: periods },
    { codes: group, nLevels: groups },
  ];
  return { n, y, x: [x1, x2], fes, w };
}

/** Explicit-dummy design: intercept, the regressors, then one dummy per level (collinear ones dropped by QR). */
function dummyDesign(panel: Panel, q: number): { X: Float64Array; k: number } {
  const { n } = panel;
  const columns: Float64Array[] = [new Float64Array(n).fill(1), ...panel.x];
  for (let p = 0; p < q; p++) {
    const fe = panel.fes[p]!;
    for (let l = 1; l < fe.nLevels; l++) columns.push(Float64Array.from(fe.codes, (g) => (g === l ? 1 : 0)));
  }
  const X = new Float64Array(n * columns.length);
  columns.forEach((c, j) => X.set(c, j * n));
  return { X, k: columns.length };
}

function demeanedOls(panel: Panel, q: number, weights?: Float64Array) {
  const result = demean([panel.y, ...panel.x], panel.fes.slice(0, q), { weights });
  const [yd, ...xd] = result.columns;
  const X = new Float64Array(panel.n * xd.length);
  xd.forEach((c, j) => X.set(c!, j * panel.n));
  return { result, fit: leastSquares(X, panel.n, xd.length, yd!, { weights }) };
}

describe('demean ≡ explicit dummies (Frisch–Waugh–Lovell; fixest feols(y ~ x1 + x2 | fe) vs lm with factors)', () => {
  const panel = makePanel(20240601, 40, 9, 4);
  for (const q of [1, 2, 3]) {
    for (const weighted of [false, true]) {
      it(`${q} fixed effect${q > 1 ? 's' : ''}${weighted ? ', weighted' : ''}: coefficients, residuals and (XᵀWX)⁻¹ equal the dummy regression to 1e-10`, () => {
        const weights = weighted ? panel.w : undefined;
        const { result, fit } = demeanedOls(panel, q, weights);
        expect(result.converged).toBe(true);
        if (q === 1) expect(result.iterations).toBe(0);
        const { X, k } = dummyDesign(panel, q);
        const dummies = leastSquares(X, panel.n, k, panel.y, { weights });
        expectAllClose(fit.coef, [dummies.coef[1]!, dummies.coef[2]!], 1e-10, 'coef x1, x2');
        // Residuals: absolute 1e-9 on a unit-scale outcome (the demeaning tolerance is 1e-10 × RMS(y)).
        expectAllClose(fit.residuals, Array.from(dummies.residuals), 1e-9, 'residuals', { absTol: 1e-9 });
        // The x-block of (XᵀWX)⁻¹ of the dummy regression is the inverse of the demeaned crossproduct.
        const r = dummies.rank;
        const dummyInverse = dummies.xtxInverse;
        expectAllClose(fit.xtxInverse, [dummyInverse[1 + 1 * r]!, dummyInverse[2 + 1 * r]!, dummyInverse[1 + 2 * r]!, dummyInverse[2 + 2 * r]!], 1e-9, '(XᵀWX)⁻¹ x-block');
      });
    }
  }

  it('demeaned columns have zero weighted mean within every level of every fixed effect (3 FE, weighted)', () => {
    const { result } = demeanedOls(panel, 3, panel.w);
    for (const column of result.columns) {
      for (const fe of panel.fes) {
        const sums = new Float64Array(fe.nLevels);
        const scale = new Float64Array(fe.nLevels);
        for (let i = 0; i < panel.n; i++) {
          sums[fe.codes[i]!] += panel.w[i]! * column[i]!;
          scale[fe.codes[i]!] += panel.w[i]! * Math.abs(column[i]!);
        }
        for (let l = 0; l < fe.nLevels; l++) expect(Math.abs(sums[l]!)).toBeLessThanOrEqual(1e-9 * Math.max(scale[l]!, 1));
      }
    }
  });

  it('one fixed effect is the exact within transformation: x − level mean (hand-derivable)', () => {
    const fe = { codes: Int32Array.of(0, 0, 1, 1, 1), nLevels: 2 };
    const out = demean([Float64Array.of(1, 3, 10, 20, 30)], [fe]).columns[0]!;
    expectAllClose(out, [-1, 1, -10, 0, 10], 1e-15, 'within', { absTol: 1e-15 });
  });

  it('does not mutate its inputs', () => {
    const y = Float64Array.from(panel.y);
    demean([panel.y], panel.fes.slice(0, 2));
    expect(Array.from(panel.y)).toEqual(Array.from(y));
  });

  it('maxIterations too small: reports converged = false with the last change', () => {
    const result = demean([panel.y, ...panel.x], panel.fes, { maxIterations: 2, tolerance: 1e-14 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(2);
    expect(result.maxChange).toBeGreaterThan(1e-14);
  });

  it('rejects bad input with typed errors (table-driven)', () => {
    const fe = { codes: Int32Array.of(0, 1), nLevels: 2 };
    const cases: [() => unknown, string][] = [
      [() => demean([Float64Array.of(1, 2)], [{ codes: Int32Array.of(0, 2), nLevels: 2 }]), 'invalid_option'],
      [() => demean([Float64Array.of(1, NaN)], [fe]), 'non_finite'],
      [() => demean([Float64Array.of(1, 2, 3)], [fe]), 'invalid_option'],
      [() => demean([Float64Array.of(1, 2)], [fe], { weights: [1, -1] }), 'invalid_option'],
      [() => demean([Float64Array.of(1, 2)], [fe], { tolerance: 0 }), 'invalid_option'],
    ];
    for (const [call, code] of cases) expect(call).toThrow(expect.objectContaining({ code }));
  });
});

describe('fixed-effect singletons (reghdfe / fixest fixef.rm = "singleton"): iterated to a fixed point', () => {
  it('removing a singleton can create another: the cascade is followed (hand-derivable)', () => {
    // unit:   0 0 1 1 2   period: 0 1 0 2 1
    // unit 2 (row 4) and period 2 (row 3) are singletons; dropping row 3 leaves unit 1 with row 2
    // only; dropping it leaves period 0 with row 0 only; then unit 0 holds row 1 alone: all go.
    const cascade = [
      { codes: Int32Array.of(0, 0, 1, 1, 2), nLevels: 3 },
      { codes: Int32Array.of(0, 1, 0, 2, 1), nLevels: 3 },
    ];
    expect(Array.from(singletonMask(cascade))).toEqual([1, 1, 1, 1, 1]);
    expect(dropSingletons(cascade).count).toBe(5);
    // Same units, periods 0 1 0 1 1: only unit 2's row is a singleton; nothing cascades.
    const single = [cascade[0]!, { codes: Int32Array.of(0, 1, 0, 1, 1), nLevels: 2 }];
    expect(Array.from(singletonMask(single))).toEqual([0, 0, 0, 0, 1]);
    expect(dropSingletons(single).count).toBe(1);
  });
  it('dropSingletons returns the kept rows and densely recoded levels', () => {
    const fes = [
      { codes: Int32Array.of(0, 0, 1, 1, 2, 3, 3), nLevels: 4 },
      { codes: Int32Array.of(0, 1, 0, 1, 0, 0, 1), nLevels: 2 },
    ];
    const { rows, count, fixedEffects } = dropSingletons(fes);
    expect(count).toBe(1);
    expect(Array.from(rows)).toEqual([0, 1, 2, 3, 5, 6]);
    expect(fixedEffects[0]!.nLevels).toBe(3);
    expect(Array.from(fixedEffects[0]!.codes)).toEqual([0, 0, 1, 1, 2, 2]);
  });
});
