/**
 * Cholesky factorisation A = LLᵀ of a small symmetric positive-definite k×k matrix, and the
 * inverse and linear solves built on it (Golub & Van Loan, Matrix Computations, 4th ed., §4.2).
 *
 * Column-major storage; only the lower triangle of A is read. A pivot dⱼ ≤ tol·max(Aᵢᵢ)
 * (tol = 1e-14 by default, i.e. A is numerically not positive definite) throws `singular_design`.
 * Dimension symbols: k = rows = columns.
 */
import { CausalPanelError } from '../errors.js';

/**
 * Lower-triangular Cholesky factor L (column-major, upper triangle zero) of an SPD k×k matrix.
 *
 * @throws {CausalPanelError} `singular_design` when A is not numerically positive definite
 * @example
 * choleskyFactor(Float64Array.of(4, 2, 2, 3), 2); // [2, 1, 0, 1.4142135623730951]
 */
export function choleskyFactor(A: ArrayLike<number>, k: number, fn = 'choleskyFactor', tolerance = 1e-14): Float64Array {
  const L = new Float64Array(k * k);
  let maxDiagonal = 0;
  for (let j = 0; j < k; j++) maxDiagonal = Math.max(maxDiagonal, Math.abs(A[j + j * k] as number));
  const threshold = tolerance * maxDiagonal;
  for (let j = 0; j < k; j++) {
    let diagonal = A[j + j * k] as number;
    for (let p = 0; p < j; p++) diagonal -= (L[j + p * k] as number) ** 2;
    if (!(diagonal > threshold) || !Number.isFinite(diagonal)) {
      throw new CausalPanelError('singular_design', `${fn}: matrix is not positive definite (pivot ${j}: ${diagonal})`, {
        fn,
        value: diagonal,
      });
    }
    const root = Math.sqrt(diagonal);
    L[j + j * k] = root;
    for (let i = j + 1; i < k; i++) {
      let sum = A[i + j * k] as number;
      for (let p = 0; p < j; p++) sum -= (L[i + p * k] as number) * (L[j + p * k] as number);
      L[i + j * k] = sum / root;
    }
  }
  return L;
}

/**
 * Solves A x = b for SPD A given its Cholesky factor L (forward then back substitution).
 *
 * @example
 * choleskySolve(choleskyFactor(Float64Array.of(4, 2, 2, 3), 2), 2, Float64Array.of(6, 5)); // [1, 1]
 */
export function choleskySolve(L: Float64Array, k: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b as ArrayLike<number>);
  for (let i = 0; i < k; i++) {
    let sum = x[i] as number;
    for (let p = 0; p < i; p++) sum -= (L[i + p * k] as number) * (x[p] as number);
    x[i] = sum / (L[i + i * k] as number);
  }
  for (let i = k - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let p = i + 1; p < k; p++) sum -= (L[p + i * k] as number) * (x[p] as number);
    x[i] = sum / (L[i + i * k] as number);
  }
  return x;
}

/**
 * Inverse of a small symmetric positive-definite k×k matrix via Cholesky: A⁻¹ = L⁻ᵀL⁻¹.
 *
 * Used for breads (XᵀWX)⁻¹ and Mahalanobis metrics. The result is exactly symmetric.
 *
 * @throws {CausalPanelError} `singular_design` when A is not numerically positive definite
 * @example
 * invertSymmetric(Float64Array.of(4, 2, 2, 3), 2); // [0.375, -0.25, -0.25, 0.5]
 */
export function invertSymmetric(A: ArrayLike<number>, k: number, fn = 'invertSymmetric'): Float64Array {
  const L = choleskyFactor(A, k, fn);
  // Linv = L⁻¹ (lower triangular), column by column.
  const Linv = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    Linv[j + j * k] = 1 / (L[j + j * k] as number);
    for (let i = j + 1; i < k; i++) {
      let sum = 0;
      for (let p = j; p < i; p++) sum -= (L[i + p * k] as number) * (Linv[p + j * k] as number);
      Linv[i + j * k] = sum / (L[i + i * k] as number);
    }
  }
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let sum = 0;
      for (let p = b; p < k; p++) sum += (Linv[p + a * k] as number) * (Linv[p + b * k] as number);
      out[a + b * k] = sum;
      out[b + a * k] = sum;
    }
  }
  return out;
}
