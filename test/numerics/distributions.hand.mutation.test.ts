/**
 * The distribution wrappers (distributions.ts) against closed forms: F(2, d₂) has
 * P(F > x) = (1 + 2x/d₂)^(−d₂/2), F(2, 2) has CDF x/(1 + x), χ²(2) has P(X > x) = e^(−x/2), the
 * Cauchy (t₁) CDF is ½ + atan(x)/π. Written to kill surviving mutants (docs/validation.md,
 * "Mutation testing"): argument order, tails and the two-sided doubling.
 */
import { describe, expect, it } from 'vitest';
import { chisqCdf, chisqUpper, criticalValue, fCdf, fUpper, normalCdf, normalPdf, normalQuantile, tCdf, tQuantile, twoSidedPValue } from '../../src/numerics/distributions.js';
import { expectClose } from '../helpers/expectClose.js';

describe('F and χ² tails', () => {
  it('fCdf(x, 2, 2) = x/(1 + x); fUpper its complement', () => {
    expectClose(fCdf(3, 2, 2), 0.75, 1e-14, 'fCdf(3, 2, 2)');
    expectClose(fUpper(3, 2, 2), 0.25, 1e-14, 'fUpper(3, 2, 2)');
  });
  it('fUpper(x, 2, d₂) = (1 + 2x/d₂)^(−d₂/2): the degrees of freedom are not interchangeable', () => {
    expectClose(fUpper(2, 2, 4), 0.25, 1e-14, 'fUpper(2, 2, 4)');
    expectClose(fUpper(1, 2, 10), (1 + 2 / 10) ** -5, 1e-13, 'fUpper(1, 2, 10)');
    expectClose(fCdf(1, 2, 10), 1 - (1 + 2 / 10) ** -5, 1e-13, 'fCdf(1, 2, 10)');
  });
  it('fUpper keeps digits far in the tail where 1 − CDF would be 0 (or 4.4e-16)', () => {
    expectClose(fUpper(1e3, 2, 4), (1 + 1e3 / 2) ** -2, 1e-12, 'fUpper(1e3, 2, 4)');
    // @stdlib's F CDF near 0 (reached through the swapped F) is good to ~1e-11 relative at
    // P ≈ 4e-10 and only ~6e-9 at P ≈ 4e-16 (measured; R's pf is exact there): a known limit,
    // hence 1e-7 here — still 10⁶ times tighter than the 0.11 error of 1 − fCdf.
    const x = 1e8;
    expectClose(fUpper(x, 2, 4), (1 + x / 2) ** -2, 1e-7, 'fUpper(1e8, 2, 4)');
  });
  it('fUpper of x ≤ 0 is 1', () => {
    expect(fUpper(0, 3, 7)).toBe(1);
    expect(fUpper(-2, 3, 7)).toBe(1);
  });
  it('χ²(2): CDF 1 − e^(−x/2), upper tail e^(−x/2); χ²(1) at 3.8415 is 0.95', () => {
    expectClose(chisqCdf(2, 2), 1 - Math.exp(-1), 1e-14, 'chisqCdf(2, 2)');
    expectClose(chisqUpper(2, 2), Math.exp(-1), 1e-14, 'chisqUpper(2, 2)');
    expectClose(chisqUpper(3.841458820694124, 1), 0.05, 1e-12, 'chisqUpper(3.84, 1)');
  });
  it('χ² upper tail keeps its digits far out, where 1 − CDF is 0 (R 4.x pchisq(lower.tail = FALSE))', () => {
    // χ²(2) has the closed form e^(−x/2); R: pchisq(100, 1, lower.tail = FALSE) = 1.5239706048321054e-23.
    expectClose(chisqUpper(200, 2), Math.exp(-100), 1e-13, 'chisqUpper(200, 2)');
    expectClose(chisqUpper(100, 1), 1.5239706048321054e-23, 1e-12, 'chisqUpper(100, 1)');
    expect(chisqUpper(0, 3)).toBe(1);
    expect(chisqUpper(NaN, 3)).toBeNaN();
  });
});

describe('normal and t', () => {
  it('standard normal only: Φ(0) = ½, φ(0) = 1/√(2π), φ(1) = e^(−½)/√(2π), Φ⁻¹(0.975)', () => {
    expect(normalCdf(0)).toBe(0.5);
    expectClose(normalCdf(1.959963984540054), 0.975, 1e-15, 'Φ');
    expectClose(normalPdf(0), 1 / Math.sqrt(2 * Math.PI), 1e-15, 'φ(0)');
    expectClose(normalPdf(1), Math.exp(-0.5) / Math.sqrt(2 * Math.PI), 1e-15, 'φ(1)');
    expectClose(normalQuantile(0.975), 1.959963984540054, 1e-15, 'Φ⁻¹');
  });
  it('t₁ is Cauchy: CDF(1) = ¾, quantile(¾) = 1; t₁₀ quantile(0.975)', () => {
    expectClose(tCdf(1, 1), 0.75, 1e-14, 'tCdf(1, 1)');
    expectClose(tQuantile(0.75, 1), 1, 1e-13, 'tQuantile(0.75, 1)');
    expectClose(tQuantile(0.975, 10), 2.228138851986274, 1e-14, 'tQuantile(0.975, 10)');
  });
});

describe('twoSidedPValue and criticalValue', () => {
  it('2·P(T > |t|) under t and under the normal, the same for ±t; NaN stays NaN', () => {
    expectClose(twoSidedPValue(2.228138851986274, { kind: 't', df: 10 }), 0.05, 1e-13, 'p t₁₀');
    expectClose(twoSidedPValue(-2.228138851986274, { kind: 't', df: 10 }), 0.05, 1e-13, 'p t₁₀ (−)');
    expectClose(twoSidedPValue(1, { kind: 't', df: 1 }), 0.5, 1e-14, 'p Cauchy');
    expectClose(twoSidedPValue(1.959963984540054, { kind: 'normal' }), 0.05, 1e-13, 'p normal');
    expectClose(twoSidedPValue(-2, { kind: 'normal' }), 0.04550026389635844, 1e-14, 'p normal (−2)');
    expect(twoSidedPValue(0, { kind: 'normal' })).toBe(1);
    expect(twoSidedPValue(NaN, { kind: 'normal' })).toBeNaN();
    expect(twoSidedPValue(NaN, { kind: 't', df: 3 })).toBeNaN();
  });
  it('the two-sided critical value of a level', () => {
    expectClose(criticalValue(0.95, { kind: 'normal' }), 1.959963984540054, 1e-15, 'z 95%');
    expectClose(criticalValue(0.9, { kind: 'normal' }), 1.6448536269514722, 1e-15, 'z 90%');
    expectClose(criticalValue(0.95, { kind: 't', df: 10 }), 2.228138851986274, 1e-14, 't₁₀ 95%');
    expectClose(criticalValue(0.5, { kind: 't', df: 1 }), 1, 1e-13, 't₁ 50%');
  });
});
