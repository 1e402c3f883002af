/**
 * Small dense-matrix helpers on column-major `Float64Array`s (`A[i + j * nRows]`).
 *
 * Dimension symbols (fixest's CONVENTION): n = rows, k = columns. These are plain loops meant
 * for the k×k and n×k sizes of regression work (k ≲ a few hundred); large products over n use
 * the natural column-major order so the inner loop walks contiguous memory.
 */

/**
 * Xᵀ W X (k×k, symmetric, column-major) of an n×k matrix, with optional row weights w.
 *
 * @example
 * crossprod(Float64Array.of(1, 1, 1, 2), 2, 2); // Float64Array [2, 3, 3, 5]
 */
export function crossprod(X: Float64Array, n: number, k: number, weights?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(k * k);
  let weighted: Float64Array | null = null;
  if (weights) weighted = new Float64Array(n);
  for (let a = 0; a < k; a++) {
    const offsetA = a * n;
    if (weighted) for (let i = 0; i < n; i++) weighted[i] = (weights![i] as number) * (X[offsetA + i] as number);
    const left = weighted ?? X.subarray(offsetA, offsetA + n);
    for (let b = a; b < k; b++) {
      const offsetB = b * n;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (left[i] as number) * (X[offsetB + i] as number);
      out[a + b * k] = sum;
      out[b + a * k] = sum;
    }
  }
  return out;
}

/**
 * Xᵀ W y (length k) of an n×k matrix and an n-vector, with optional row weights w.
 *
 * @example
 * crossprodVector(Float64Array.of(1, 1, 1, 2), 2, 2, Float64Array.of(3, 4)); // [7, 11]
 */
export function crossprodVector(
  X: Float64Array,
  n: number,
  k: number,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const offset = j * n;
    let sum = 0;
    if (weights) for (let i = 0; i < n; i++) sum += (X[offset + i] as number) * (weights[i] as number) * (y[i] as number);
    else for (let i = 0; i < n; i++) sum += (X[offset + i] as number) * (y[i] as number);
    out[j] = sum;
  }
  return out;
}

/**
 * A·x (length n) for an n×k matrix A and a k-vector x.
 *
 * @example
 * matvec(Float64Array.of(1, 3, 2, 4), 2, 2, Float64Array.of(1, 1)); // [3, 7]
 */
export function matvec(A: Float64Array, n: number, k: number, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const xj = x[j] as number;
    if (xj === 0) continue;
    const offset = j * n;
    for (let i = 0; i < n; i++) out[i] += (A[offset + i] as number) * xj;
  }
  return out;
}

/**
 * Converts a column-major k×k (or n×k) matrix to an array of rows (`number[][]`), e.g. for `vcov()`.
 *
 * @example
 * toRows(Float64Array.of(1, 2, 3, 4), 2, 2); // [[1, 3], [2, 4]]
 */
export function toRows(A: Float64Array, n: number, k: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(k);
    for (let j = 0; j < k; j++) row[j] = A[i + j * n] as number;
    rows.push(row);
  }
  return rows;
}
