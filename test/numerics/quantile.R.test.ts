/**
 * quantileSorted against R 4.2.2's `quantile(x, p, type = 7)` (the default) on small hand-checkable
 * samples; sortedFinite as R's `sort(x[is.finite(x)])`.
 */
import { describe, expect, it } from 'vitest';
import { quantileSorted, sortedFinite } from '../../src/numerics/quantile.js';
import { expectClose } from '../helpers/expectClose.js';

describe('quantileSorted = R quantile(type = 7)', () => {
  const oneTo1000 = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
  it.each<[readonly number[], number, number, string]>([
    // [sample, p, R's value, R call]
    [[1, 2, 3, 4], 0.5, 2.5, 'quantile(1:4, 0.5)'],
    [[1, 2, 3], 0.1, 1.2, 'quantile(c(3, 1, 2), 0.1): h = 1 + 2·0.1'],
    [[1, 2, 3, 4], 0, 1, 'quantile(1:4, 0) = min'],
    [[1, 2, 3, 4], 1, 4, 'quantile(1:4, 1) = max'],
    [[5, 5, 5], 0.3, 5, 'quantile(c(5, 5, 5), 0.3): equal neighbours, no interpolation'],
    [[7], 0.9, 7, 'quantile(7, 0.9)'],
  ])('%j at p = %s → %s (%s)', (sample, p, expected) => {
    expectClose(quantileSorted(Float64Array.from(sample), p), expected, 1e-15, `q(${p})`);
  });
  it('quantile(1:1000, c(.025, .975)) = 25.975, 975.025 (mediation’s 95% percentile bounds)', () => {
    expectClose(quantileSorted(oneTo1000, 0.025), 25.975, 1e-15, 'q.025');
    expectClose(quantileSorted(oneTo1000, 0.975), 975.025, 1e-15, 'q.975');
  });
  it('no values → NaN', () => {
    expect(quantileSorted(new Float64Array(0), 0.5)).toBeNaN();
  });
});

describe('sortedFinite = sort(x[is.finite(x)])', () => {
  it('drops NaN and ±Infinity, sorts numerically (not as text)', () => {
    expect(Array.from(sortedFinite([10, NaN, 9, -Infinity, 100, Infinity, -1]))).toEqual([-1, 9, 10, 100]);
  });
});
