/**
 * R's number formatting (base R 4.2.2 `format`, `round`, `signif`, `prettyNum`) and fixest 0.12.2
 * `print_coeftable` conventions; every expected string is what R prints for the call in the test name.
 */
import { describe, it, expect } from 'vitest';
import {
  formatReal, formatNumber, formatInteger, formatPValues, formatPValue, significanceStars,
  fixestDecimalRound, formatCoefColumn, roundTo, signif, formatSignif, formatFixed,
} from '../../src/report/format.js';
import { expectClose } from '../helpers/expectClose.js';

describe('formatReal reproduces R 4.2.2 format(x, digits)', () => {
  const cases: [string, number[], number, string[]][] = [
    ['format(c(1.5, 2.25, 10))', [1.5, 2.25, 10], 7, ['1.50', '2.25', '10.00']],
    ['format(pi)', [Math.PI], 7, ['3.141593']],
    ['format(pi, digits = 3)', [Math.PI], 3, ['3.14']],
    ['format(2/3, digits = 3)', [2 / 3], 3, ['0.667']],
    ['format(1e5)', [1e5], 7, ['1e+05']],
    ['format(123456)', [123456], 7, ['123456']],
    ['format(1234567.1)', [1234567.1], 7, ['1234567']],
    ['format(1e-10)', [1e-10], 7, ['1e-10']],
    ['format(1.234e-5)', [1.234e-5], 7, ['1.234e-05']],
    ['format(c(-1, 10))', [-1, 10], 7, ['-1', '10']],
    ['format(c(0.0012, 0.5), digits = 5)', [0.0012, 0.5], 5, ['0.0012', '0.5000']],
    ['format(c(0.5, 1e-10), digits = 5)', [0.5, 1e-10], 5, ['5e-01', '1e-10']],
    ['format(0.0012345678, digits = 5)', [0.0012345678], 5, ['0.0012346']],
    ['format(c(0, 1))', [0, 1], 7, ['0', '1']],
    ['format(c(NA, 1.5, Inf))', [NaN, 1.5, Infinity], 7, ['NA', '1.5', 'Inf']],
    ['format(1e200)', [1e200], 7, ['1e+200']],
  ];
  for (const [call, xs, digits, expected] of cases) {
    it(call, () => expect(formatReal(xs, digits)).toEqual(expected));
  }
  it('formatNumber(-0.5) is "-0.5" and formatNumber(-1e-20, 2) keeps the sign', () => {
    expect(formatNumber(-0.5)).toBe('-0.5');
    expect(formatNumber(-1e-20, 2)).toBe('-1e-20');
  });
});

describe('R round / signif / prettyNum', () => {
  it('round(2.345678, 2) = 2.35; signif(123456, 2) = 120000', () => {
    expectClose(roundTo(2.345678, 2), 2.35, 1e-15, 'round');
    expectClose(signif(123456, 2), 120000, 1e-15, 'signif');
    expectClose(roundTo(1234.5, -2), 1200, 1e-15, 'round(-2)');
  });
  it('prettyNum(1080, big.mark = ",") = "1,080"', () => {
    expect(formatInteger(1080)).toBe('1,080');
    expect(formatInteger(999)).toBe('999');
    expect(formatInteger(-1234567)).toBe('-1,234,567');
  });
  it('format(signif(0.4611553, 6)) = "0.461155"; sprintf("%.3f", 0.12345) = "0.123"', () => {
    expect(formatSignif(0.4611553, 6)).toBe('0.461155');
    expect(formatSignif(4.864932, 6)).toBe('4.86493');
    expect(formatFixed(0.12345, 3)).toBe('0.123');
    expect(formatFixed(NaN, 3)).toBe('NA');
  });
});

describe('fixest 0.12.2 print_coeftable conventions', () => {
  it('p-values: "< 2.2e-16" below 2.2e-16, the rest with format(digits = 5)', () => {
    expect(formatPValues([1e-20, 0.0012, 0.5])).toEqual(['< 2.2e-16', '0.0012', '0.5000']);
    expect(formatPValue(0.0012)).toBe('0.0012');
    expect(formatPValue(NaN)).toBe('NA');
    expect(formatPValue(0.123456789)).toBe('0.12346');
  });
  it("stars follow cut(p, c(-1, 0.001, 0.01, 0.05, 0.1, 100)) (right-closed)", () => {
    expect([0.0005, 0.001, 0.005, 0.01, 0.03, 0.05, 0.07, 0.1, 0.5, NaN].map(significanceStars)).toEqual([
      '***', '***', '**', '**', '*', '*', '.', '.', '', '',
    ]);
  });
  it('decimalFormat: 6 decimals when some |x| < 1, max(1, 6 - ceiling(log10|x|)) when all > 1', () => {
    const t = fixestDecimalRound([21.146819137089043, 10.655558504845393]);
    expectClose(t[0]!, 21.1468, 1e-15, 't1');
    expectClose(t[1]!, 10.6556, 1e-15, 't2');
    expect(formatCoefColumn([0.9721657765785143, 4.850645143234036])).toEqual(['0.972166', '4.850645']);
    // max(1, 6 - 4, 6 - 2) = 4 decimals, then format(digits = 7)
    expect(formatCoefColumn([1234.5678, 12.5])).toEqual(['1234.568', '12.500']);
    // some |x| < 1e-5: ceiling(-log10(min)) + 2 decimals
    expect(formatCoefColumn([3.2e-7, 0.5])).toEqual(['3.2e-07', '5.0e-01']);
  });
});
