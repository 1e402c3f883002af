/**
 * Eigen-decomposition of a small symmetric matrix, S = V·diag(λ)·Vᵀ, on column-major
 * `Float64Array`s.
 *
 * Method: Householder tridiagonalisation then the implicit QL algorithm (EISPACK `tred2` /
 * `tql2`, as in JAMA), through ml-matrix's `EigenvalueDecomposition` with `assumeSymmetric`
 * (https://github.com/mljs/matrix/blob/main/src/dc/evd.js). Eigenvalues come in ascending order,
 * eigenvectors are orthonormal columns. Backward stable: ‖S − VΛVᵀ‖ = O(ε‖S‖). Meant for k×k
 * work (covariances, a vcov's positive-definite fix), O(k³).
 *
 * Dimension symbol: k = rows = columns.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Eigenvalues λ (ascending) and eigenvectors V (k×k, column-major: column j belongs to λ_j).
 *
 * @example
 * symmetricEigen(Float64Array.of(4, 0, 0, 1), 2); // { values: [1, 4], vectors: [0, 1, 1, 0] }
 */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric k×k matrix S (column-major; only symmetry is
 * assumed, not checked).
 *
 * @example
 * const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
 * values;  // Float64Array [1.0000000000000002, 3]
 * vectors; // columns ±(0.7071, −0.7071) and ±(0.7071, 0.7071)
 */
export function symmetricEigen(S: ArrayLike<number>, k: number): SymmetricEigen {
  const matrix = new Matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) matrix.set(i, j, S[i + j * k]!);
  const eig = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const values = Float64Array.from(eig.realEigenvalues);
  const V = eig.eigenvectorMatrix;
  const vectors = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) vectors[i + j * k] = V.get(i, j);
  return { values, vectors };
}
