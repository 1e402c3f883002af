/**
 * The delta method (deltaMethod.ts) on products worked out by hand: non-square Jacobians catch
 * index mix-ups that a 1×k gradient cannot, and numericJacobian is checked on polynomials whose
 * central differences are exact up to rounding. Written to kill surviving mutants
 * (docs/validation.md, "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { deltaMethodSe, deltaMethodVcov, numericJacobian } from '../../src/inference/deltaMethod.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';
import { thrown } from '../helpers/thrown.js';

describe('deltaMethodVcov: J V Jᵀ', () => {
  it('2×2: J = [[1, 2], [3, 4]], V = [[2, .5], [.5, 1]] → [[8, 19], [19, 46]]', () => {
    const J = Float64Array.of(1, 3, 2, 4);
    const V = Float64Array.of(2, 0.5, 0.5, 1);
    expect(Array.from(deltaMethodVcov(J, 2, 2, V))).toEqual([8, 19, 19, 46]);
  });
  it('2×3 Jacobian [[1, 0, 2], [0, 1, 1]] with V = diag(1, 2, 3) → [[13, 6], [6, 5]]', () => {
    const J = Float64Array.of(1, 0, 0, 1, 2, 1);
    const V = Float64Array.of(1, 0, 0, 0, 2, 0, 0, 0, 3);
    expect(Array.from(deltaMethodVcov(J, 2, 3, V))).toEqual([13, 6, 6, 5]);
  });
  it('a non-symmetric V is used as given (row × column order): J = [1, 2], V = [[1, 2], [0, 1]] → 1 + 2·2 + 4 = 9', () => {
    expect(Array.from(deltaMethodVcov(Float64Array.of(1, 2), 1, 2, Float64Array.of(1, 0, 2, 1)))).toEqual([9]);
  });
  it('sizes that disagree are invalid_option, naming both counts', () => {
    const error = thrown(() => deltaMethodVcov(Float64Array.of(1, 2, 3), 1, 2, Float64Array.of(1, 0, 0, 1)));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe('deltaMethodVcov: Jacobian must be 1×2 and vcov 2×2 (got 3 and 4 entries)');
    expect(error.details).toMatchObject({ fn: 'deltaMethodVcov', value: [3, 4] });
    expect(thrown(() => deltaMethodVcov(Float64Array.of(1, 2), 1, 2, Float64Array.of(1, 0, 0))).code).toBe('invalid_option');
  });
});

describe('deltaMethodSe: Sobel', () => {
  it('gradient (b, a) = (3, 2), Var(a) = .1, Var(b) = .2, Cov = .05 → √(0.9 + 0.8 + 2·3·2·0.05)', () => {
    expectClose(deltaMethodSe(Float64Array.of(3, 2), Float64Array.of(0.1, 0.05, 0.05, 0.2)), Math.sqrt(2.3), 1e-15, 'se');
    expectClose(deltaMethodSe(Float64Array.of(3, 2), Float64Array.of(0.1, 0, 0, 0.2)), 1.3038404810405297, 1e-15, 'se');
  });
});

describe('numericJacobian: central differences with step ε^(1/3)·max(|θ|, 1)', () => {
  it('g(t) = (t₀t₁, t₀² + 3t₁, t₁) at (2, 3): J = [[3, 2], [4, 3], [0, 1]], θ left unchanged', () => {
    const theta = Float64Array.of(2, 3);
    const J = numericJacobian((t) => [t[0]! * t[1]!, t[0]! ** 2 + 3 * t[1]!, t[1]!], theta);
    expectAllClose(J, [3, 4, 0, 2, 3, 1], 1e-9, 'J', { absTol: 1e-9 });
    expect(Array.from(theta)).toEqual([2, 3]);
  });
  it('every evaluation sees the other coordinates at θ', () => {
    const seen: number[][] = [];
    numericJacobian((t) => {
      seen.push(Array.from(t));
      return [t[0]! + t[1]!];
    }, [1, 5]);
    // the first call sizes the output; then (+h, −h) on θ₀ with θ₁ = 5, then on θ₁ with θ₀ = 1
    expect(seen).toHaveLength(5);
    expect(seen[0]).toEqual([1, 5]);
    expect(seen[1]![1]).toBe(5);
    expect(seen[2]![1]).toBe(5);
    expect(seen[1]![0]).toBeGreaterThan(1);
    expect(seen[2]![0]).toBeLessThan(1);
    expect(seen[3]![0]).toBe(1);
    expect(seen[4]![0]).toBe(1);
    expect(seen[3]![1]).toBeGreaterThan(5);
    expect(seen[4]![1]).toBeLessThan(5);
  });
  it('the step scales with |θ|: d(t³)/dt at t = 10⁶ is 3·10¹² to 1e-9 (a fixed tiny step loses ~1e-5 to rounding)', () => {
    const [d] = numericJacobian((t) => [t[0]! ** 3], [1e6]);
    expectClose(d!, 3e12, 1e-9, 'd t³ / dt');
    const [e] = numericJacobian((t) => [t[0]! ** 3], [-1e6]);
    expectClose(e!, 3e12, 1e-9, 'd t³ / dt at −10⁶');
  });
  it('near zero the step stays ε^(1/3): d(t³)/dt at t = 10⁻⁸ is h² ≈ 3.7e-11 (not 3e-16)', () => {
    const [d] = numericJacobian((t) => [t[0]! ** 3], [1e-8]);
    const h = 6.055454452393343e-6;
    expectClose(d!, 3e-16 + h * h, 1e-6, 'd t³ / dt near 0');
  });
});
