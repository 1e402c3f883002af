/**
 * bcaInterval: mediation's BC.CI on samples whose bias and acceleration are derived by hand.
 *
 * draws = (1, 2, 3, 4, 10), B = 5: mean 4, three draws below it → z₀ = Φ⁻¹(0.6) = 0.2533471031357998;
 * u = 4·(4 − x) = (12, 8, 4, 0, −24): Σu² = 800, Σu³ = −11520 → a = −11520/(6·800^{3/2}) = −0.0848528137423857.
 * At level 0.9: α₁ = Φ(z₀ + (z₀ − 1.6449)/(1 − a(z₀ − 1.6449))) = 0.0926758702021, α₂ = 0.9705019427570,
 * and the type-7 quantiles of the sorted draws there: 1 + 4α₁ = 1.3707 → 1.3707034808084,
 * 1 + 4α₂ = 4.882 → 4 + 0.882·(10 − 4) = 9.2920466261677.
 */
import { describe, expect, it } from 'vitest';
import { bcaInterval } from '../../src/numerics/bca.js';
import { expectClose } from '../helpers/expectClose.js';

describe('bcaInterval (mediation BC.CI)', () => {
  it('skewed draws (1, 2, 3, 4, 10) at level 0.9 and 0.5: the hand-derived bounds', () => {
    const [low90, high90] = bcaInterval([10, 1, 3, 2, 4], 0.9);
    expectClose(low90, 1.370703480808431, 1e-12, 'low (0.9)');
    expectClose(high90, 9.292046626167735, 1e-12, 'high (0.9)');
    const [low50, high50] = bcaInterval([1, 2, 3, 4, 10], 0.5);
    expectClose(low50, 2.708963856808876, 1e-12, 'low (0.5)');
    expectClose(high50, 6.813905460930384, 1e-12, 'high (0.5)');
  });
  it('a symmetric sample (bias 0, acceleration 0) gives the percentile interval: 1:1000 → 25.975, 975.025', () => {
    const [low, high] = bcaInterval(Float64Array.from({ length: 1000 }, (_, i) => i + 1), 0.95);
    expectClose(low, 25.975, 1e-12, 'BCa low');
    expectClose(high, 975.025, 1e-12, 'BCa high');
  });
  it('non-finite draws are skipped (na.rm = TRUE)', () => {
    expect(bcaInterval([1, NaN, 2, 3, Infinity, 4, 10], 0.9)).toEqual(bcaInterval([1, 2, 3, 4, 10], 0.9));
  });
});
