/**
 * Small dense helpers (matrix.ts, cholesky.ts, sum.ts) against hand-derivable answers.
 */
import { describe, expect, it } from 'vitest';
import { choleskyFactor, choleskySolve, invertSymmetric } from '../../src/numerics/cholesky.js';
import { crossprod, crossprodVector, matvec, toRows } from '../../src/numerics/matrix.js';
import { neumaierSum } from '../../src/numerics/sum.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';

describe('matrix.ts: column-major products (hand-derivable)', () => {
  // X = [[1, 2], [3, 4], [5, 6]] (3×2), column-major [1, 3, 5, 2, 4, 6]
  const X = Float64Array.of(1, 3, 5, 2, 4, 6);
  it('crossprod XᵀX = [[35, 44], [44, 56]]; weighted XᵀWX with w = (1, 0, 2) = [[51, 62], [62, 76]]', () => {
    expect(Array.from(crossprod(X, 3, 2))).toEqual([35, 44, 44, 56]);
    expect(Array.from(crossprod(X, 3, 2, [1, 0, 2]))).toEqual([51, 62, 62, 76]);
  });
  it('crossprodVector Xᵀy, matvec Xb, toRows', () => {
    expect(Array.from(crossprodVector(X, 3, 2, [1, 1, 1]))).toEqual([9, 12]);
    expect(Array.from(crossprodVector(X, 3, 2, [1, 1, 1], [1, 0, 2]))).toEqual([11, 14]);
    expect(Array.from(matvec(X, 3, 2, [1, -1]))).toEqual([-1, -1, -1]);
    expect(toRows(X, 3, 2)).toEqual([[1, 2], [3, 4], [5, 6]]);
  });
});

describe('cholesky.ts: SPD factor, solve, inverse (Golub & Van Loan §4.2)', () => {
  it('2×2: L of [[4, 2], [2, 3]] is [[2, 0], [1, √2]]; inverse [[3/8, −1/4], [−1/4, 1/2]]', () => {
    const A = Float64Array.of(4, 2, 2, 3);
    const L = choleskyFactor(A, 2);
    expectAllClose(L, [2, 1, 0, Math.SQRT2], 1e-15, 'L', { absTol: 0 });
    expectAllClose(invertSymmetric(A, 2), [0.375, -0.25, -0.25, 0.5], 1e-15, 'inverse');
    expectAllClose(choleskySolve(L, 2, [6, 5]), [1, 1], 1e-15, 'solve');
  });
  it('4×4 Hilbert-like SPD matrix: A · A⁻¹ = I to 1e-10', () => {
    const k = 4;
    const A = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) A[i + j * k] = 1 / (i + j + 1) + (i === j ? 0.1 : 0);
    const inverse = invertSymmetric(A, k);
    const product = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let p = 0; p < k; p++) product[i + j * k] += A[i + p * k]! * inverse[p + j * k]!;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expectClose(product[i + j * k]!, i === j ? 1 : 0, 1e-10, `(A A⁻¹)[${i},${j}]`, { absTol: 1e-10 });
  });
  it('singular or indefinite matrices throw singular_design', () => {
    expect(() => invertSymmetric(Float64Array.of(1, 1, 1, 1), 2)).toThrow(expect.objectContaining({ code: 'singular_design' }));
    expect(() => invertSymmetric(Float64Array.of(1, 2, 2, 1), 2)).toThrow(expect.objectContaining({ code: 'singular_design' }));
  });
});

describe('sum.ts: Neumaier compensated summation (Neumaier 1974)', () => {
  it('recovers what plain summation loses: [1, 1e100, 1, −1e100] sums to 2', () => {
    expect(neumaierSum([1, 1e100, 1, -1e100])).toBe(2);
    expect([1, 1e100, 1, -1e100].reduce((a, b) => a + b, 0)).toBe(0);
  });
  it('0.1 added 10 times is exactly 1 (plain: 0.9999999999999999); a strided slice', () => {
    expect(neumaierSum(new Array(10).fill(0.1))).toBe(1);
    expect(neumaierSum([5, 1, 2, 3, 7], 1, 3)).toBe(6);
  });
});
