/**
 * Cholesky (cholesky.ts) beyond the 2×2: a 3×3 factor written out by hand (every inner loop
 * runs), the relative pivot threshold on both sides, infinite pivots, the message, and solves and
 * inverses checked against the matrix. Written to kill surviving mutants (docs/validation.md,
 * "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { choleskyFactor, choleskySolve, invertSymmetric } from '../../src/numerics/cholesky.js';
import { expectAllClose } from '../helpers/expectClose.js';
import { thrown } from '../helpers/thrown.js';

// A = L Lᵀ with L = [[2, 0, 0], [1, 3, 0], [−1, 2, 1]]: A = [[4, 2, −2], [2, 10, 5], [−2, 5, 6]].
const L3 = [2, 1, -1, 0, 3, 2, 0, 0, 1];
const A3 = Float64Array.of(4, 2, -2, 2, 10, 5, -2, 5, 6);

describe('choleskyFactor', () => {
  it('3×3: recovers L exactly, upper triangle zero; only the lower triangle of A is read', () => {
    expect(Array.from(choleskyFactor(A3, 3))).toEqual(L3);
    const lowerOnly = Float64Array.from(A3);
    lowerOnly[3] = NaN; // (0, 1)
    lowerOnly[6] = NaN; // (0, 2)
    lowerOnly[7] = NaN; // (1, 2)
    expect(Array.from(choleskyFactor(lowerOnly, 3))).toEqual(L3);
  });
  it('the pivot threshold is relative to the largest diagonal element (tolerance 1e-14 by default)', () => {
    expect(() => choleskyFactor(Float64Array.of(1, 0, 0, 1e-13), 2)).not.toThrow();
    expect(thrown(() => choleskyFactor(Float64Array.of(1, 0, 0, 1e-15), 2)).code).toBe('singular_design');
    // a pivot exactly at the threshold is refused (d > tol·max, strictly)
    expect(thrown(() => choleskyFactor(Float64Array.of(1, 0, 0, 1e-14), 2)).code).toBe('singular_design');
    expect(thrown(() => choleskyFactor(Float64Array.of(1e20, 0, 0, 1e5), 2)).code).toBe('singular_design');
    expect(() => choleskyFactor(Float64Array.of(1e20, 0, 0, 1e7), 2)).not.toThrow();
    expect(thrown(() => choleskyFactor(Float64Array.of(1, 0, 0, 1e-10), 2, 'f', 1e-9)).code).toBe('singular_design');
    expect(thrown(() => choleskyFactor(Float64Array.of(1e-10, 0, 0, 1), 2, 'f', 1e-9)).code).toBe('singular_design');
    expect(thrown(() => choleskyFactor(Float64Array.of(-4, 0, 0, -1), 2)).code).toBe('singular_design');
    expect(thrown(() => choleskyFactor(Float64Array.of(0, 0, 0, 0), 2)).code).toBe('singular_design');
  });
  it('an infinite diagonal (threshold ∞) or a NaN pivot throws, naming the function and the pivot', () => {
    const error = thrown(() => choleskyFactor(Float64Array.of(1, 0, 0, Infinity), 2, 'feols'));
    expect(error.code).toBe('singular_design');
    expect(error.message).toBe('feols: matrix is not positive definite (pivot 0: 1)');
    expect(error.details).toMatchObject({ fn: 'feols', value: 1 });
    expect(thrown(() => choleskyFactor(Float64Array.of(4, 2, 0, 2, 3, 0, 0, 0, -1), 3)).message).toBe('choleskyFactor: matrix is not positive definite (pivot 2: -1)');
    expect(thrown(() => choleskyFactor(Float64Array.of(NaN, 0, 0, 1), 2)).message).toBe('choleskyFactor: matrix is not positive definite (pivot 0: NaN)');
  });
});

describe('choleskySolve and invertSymmetric on the 3×3', () => {
  it('solves A x = b for x = (1, −2, 3)', () => {
    const x = [1, -2, 3];
    const b = [0, 0, 0];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) b[i]! += A3[i + j * 3]! * x[j]!;
    expectAllClose(choleskySolve(Float64Array.from(L3), 3, b), x, 1e-14, 'x', { absTol: 1e-14 });
  });
  it('A⁻¹ = (L⁻¹)ᵀL⁻¹ element by element, exactly symmetric, with the calling name in errors', () => {
    // L⁻¹ = [[1/2, 0, 0], [−1/6, 1/3, 0], [5/6, −2/3, 1]]
    const Linv = [
      [1 / 2, 0, 0],
      [-1 / 6, 1 / 3, 0],
      [5 / 6, -2 / 3, 1],
    ];
    const expected: number[] = [];
    for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) expected.push(Linv.reduce((s, row) => s + row[i]! * row[j]!, 0));
    const inverse = invertSymmetric(A3, 3);
    expectAllClose(inverse, expected, 1e-14, 'A⁻¹', { absTol: 1e-15 });
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(inverse[i + j * 3]).toBe(inverse[j + i * 3]);
    expect(thrown(() => invertSymmetric(Float64Array.of(1, 1, 1, 1), 2, 'bread')).message).toMatch(/^bread: /);
  });
});
