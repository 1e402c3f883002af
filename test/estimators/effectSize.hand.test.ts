/**
 * effectSize helpers against hand-derivable answers: R's `sd()` (n − 1 denominator) on small
 * vectors, and the scaling rule of standardizeEstimate (estimate, SE, CI ÷ SD; statistic, p kept).
 */
import { describe, expect, it } from 'vitest';
import { outcomeSd, resolveStandardize, standardizeEstimate } from '../../src/estimators/effectSize.js';
import { CausalPanelError } from '../../src/errors.js';
import { expectClose } from '../helpers/expectClose.js';

describe('outcomeSd: sample SD with n − 1, as R sd()', () => {
  it('sd(1:4) = sqrt(5/3) (R 4.2.2)', () => {
    expectClose(outcomeSd([1, 2, 3, 4], [0, 1, 2, 3]), Math.sqrt(5 / 3), 1e-15, 'sd(1:4)');
  });
  it('restricted by a row predicate: sd(c(1, 2)) = sqrt(1/2)', () => {
    expectClose(outcomeSd([1, 2, 3, 4], [0, 1, 2, 3], (row) => row < 2), Math.SQRT1_2, 1e-15, 'sd(c(1,2))');
  });
  it('only the listed rows are used, NaN skipped: sd(c(3, 10)) = 7/sqrt(2)', () => {
    expectClose(outcomeSd([1, NaN, 3, 10], [1, 2, 3]), 7 / Math.SQRT2, 1e-15, 'sd(c(3,10))');
  });
  it('is stable for a large mean (Welford): sd(1e9 + c(1, 2, 3)) = 1', () => {
    expectClose(outcomeSd([1e9 + 1, 1e9 + 2, 1e9 + 3], [0, 1, 2]), 1, 1e-12, 'sd(1e9 + 1:3)');
  });
  it('fewer than two values → NaN', () => {
    expect(outcomeSd([5], [0])).toBeNaN();
  });
});

describe('standardizeEstimate: SD units with the SD treated as fixed', () => {
  const att = { term: 'ATT', estimate: 2, stdError: 0.5, statistic: 4, pValue: 6.334e-5, confLow: 1.02, confHigh: 2.98 };
  it('divides estimate, SE and CI by the SD; statistic and p unchanged', () => {
    const es = standardizeEstimate(att, 4);
    expect(es.term).toBe('ATT (SD)');
    expectClose(es.estimate, 0.5, 1e-15, 'estimate');
    expectClose(es.stdError, 0.125, 1e-15, 'stdError');
    expectClose(es.confLow, 0.255, 1e-15, 'confLow');
    expectClose(es.confHigh, 0.745, 1e-15, 'confHigh');
    expect(es.statistic).toBe(4);
    expect(es.pValue).toBe(6.334e-5);
    expect(standardizeEstimate(att, 4, 'd').term).toBe('d');
  });
  it.each([0, -1, NaN, Infinity])('rejects sd = %s with invalid_option', (sd) => {
    expect(() => standardizeEstimate(att, sd)).toThrowError(CausalPanelError);
    try {
      standardizeEstimate(att, sd);
    } catch (e) {
      expect((e as CausalPanelError).code).toBe('invalid_option');
    }
  });
});

describe('resolveStandardize', () => {
  const y = [1, 2, 3, 4, 10, 20];
  const rows = [0, 1, 2, 3, 4, 5];
  it("'control-baseline' uses the predicate's rows, 'pooled' all rows, a number itself", () => {
    expectClose(resolveStandardize('control-baseline', y, rows, (r) => r < 4, 'did').sd, Math.sqrt(5 / 3), 1e-15, 'baseline');
    const pooled = resolveStandardize('pooled', y, rows, (r) => r < 4, 'did');
    expect(pooled.n).toBe(6);
    expectClose(pooled.sd, outcomeSd(y, rows), 1e-15, 'pooled');
    expect(resolveStandardize(3, y, rows, () => true, 'did').sd).toBe(3);
  });
  it.each([['nope'], [0], [-2]])('rejects %s with invalid_option', (value) => {
    expect(() => resolveStandardize(value as never, y, rows, () => true, 'did')).toThrowError(/standardize/);
  });
  it('an empty or constant reference group is an invalid_option error', () => {
    expect(() => resolveStandardize('control-baseline', y, rows, () => false, 'did')).toThrowError(/control-baseline/);
  });
});
