/** mean, sampleSd and finiteValues against R 4.2.2's `mean`, `sd` and `x[is.finite(x)]`. */
import { describe, expect, it } from 'vitest';
import { finiteValues, mean, sampleSd } from '../../src/numerics/moments.js';
import { expectClose } from '../helpers/expectClose.js';

describe('sample moments = R mean / sd', () => {
  it('mean(1:4) = 2.5; sd(1:4) = 1.2909944487358056 (√(5/3))', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expectClose(sampleSd([1, 2, 3, 4]), Math.sqrt(5 / 3), 1e-15, 'sd(1:4)');
  });
  it('the two-pass sd keeps its digits on a large offset: sd(1e9 + c(4, 7, 13, 16)) = sd(c(4, 7, 13, 16)) = √30', () => {
    expectClose(sampleSd([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]), Math.sqrt(30), 1e-12, 'sd with offset');
  });
  it('R’s NA cases: mean of nothing, sd of fewer than two values', () => {
    expect(mean([])).toBeNaN();
    expect(sampleSd([3])).toBeNaN();
  });
  it('finiteValues keeps order and drops NaN and ±Infinity (na.rm = TRUE)', () => {
    expect(Array.from(finiteValues([3, NaN, 1, Infinity, -2, -Infinity]))).toEqual([3, 1, -2]);
    expectClose(sampleSd(finiteValues([1, NaN, 2, 3, 4])), Math.sqrt(5 / 3), 1e-15, 'sd(c(1, NA, 2, 3, 4), na.rm = TRUE)');
  });
});
