import { describe, expect, it } from 'vitest';
import { kernelMatch } from '../../../src/estimators/matching/kernel.js';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { expectAllClose, expectClose } from '../../helpers/expectClose.js';

// Hand-computed example: treated A (p = 0.50) and B (p = 0.70); controls at 0.47, 0.52, 0.55, 0.90;
// bandwidth h = 0.06. For A, u = (p_j − 0.5)/0.06 = −1/2, 1/3, 5/6, 20/3.
// Epanechnikov ∝ 1 − u²: 3/4, 8/9, 11/36, 0 → weights 27/70, 32/70, 11/70, 0 (Σ = 70/36).
// B has no control within h → off support (unmatched, weight 0).
const score = Float64Array.of(0.5, 0.7, 0.47, 0.52, 0.55, 0.9);
const treat = Uint8Array.of(1, 1, 0, 0, 0, 0);

describe('kernel matching (psmatch2 kernel, ATT): hand-computed example', () => {
  it('Epanechnikov, bandwidth 0.06: control weights 27/70, 32/70, 11/70; B unmatched', () => {
    const result = kernelMatch(score, treat, 'epanechnikov', 0.06);
    expectAllClose(result.weights, [1, 0, 27 / 70, 32 / 70, 11 / 70, 0], 1e-14, 'weights', { absTol: 1e-15 });
    expect(result.unmatched).toEqual([1]);
    expect(result.pairs).toHaveLength(1);
    expect(result.pairs[0]!.treated).toBe(0);
    expect(result.pairs[0]!.controls).toEqual([2, 3, 4]);
    expectAllClose(result.pairs[0]!.kernelWeights, [27 / 70, 32 / 70, 11 / 70], 1e-14, 'w_ij');
  });

  it('Gaussian, bandwidth 0.06: every control weighted by exp(−u²/2) / Σ, for both treated units', () => {
    const result = kernelMatch(score, treat, 'gaussian', 0.06);
    const controls = [0.47, 0.52, 0.55, 0.9];
    const expected = [1, 1, 0, 0, 0, 0];
    for (const p of [0.5, 0.7]) {
      const k = controls.map((c) => Math.exp(-0.5 * ((c - p) / 0.06) ** 2));
      const total = k.reduce((a, b) => a + b, 0);
      k.forEach((v, j) => (expected[2 + j] += v / total));
    }
    expectAllClose(result.weights, expected, 1e-12, 'weights', { absTol: 1e-300 });
    expect(result.unmatched).toEqual([]);
    // Control weights add up to the number of matched treated units (psmatch2's _weight).
    expectClose(result.weights.slice(2).reduce((a, b) => a + b, 0), 2, 1e-14, 'Σ control weights');
  });

  it('matchit(method = "kernel") with a user distance gives ATT = ȳ_A − (27 y₁ + 32 y₂ + 11 y₃)/70, HC3 SE', () => {
    const data = { treat: Array.from(treat), p: Array.from(score), y: [10, 20, 4, 6, 8, 100] };
    const m = matchit({ formula: 'treat ~ p', data, method: 'kernel', distance: Array.from(score), bandwidth: 0.06 });
    expect(m.nMatched).toEqual({ treated: 1, control: 3 });
    expect(m.unmatched).toEqual([1]);
    expect(m.subclass.every((s) => s === null)).toBe(true);
    const att = m.att({ outcome: 'y' });
    expectClose(att.estimate.estimate, 10 - (27 * 4 + 32 * 6 + 11 * 8) / 70, 1e-12, 'kernel ATT');
    expect(att.nobs).toBe(4);
  });
});
