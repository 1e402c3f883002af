/**
 * The Mahalanobis distance of matching, as MatchIt 4.5.1 (`distance = "mahalanobis"`,
 * `transform_covariates()`): covariates (factors as one dummy per level) standardized with
 * `scale()`, then the pooled within-group covariance S (group-mean centred, (n − 1)/(n − 2)·cov);
 * the distance is √((xᵢ − xⱼ)ᵀ S⁻¹ (xᵢ − xⱼ)), with a generalized inverse (eigenvalues
 * > 1e-8·max) when S is singular — as it is with all the dummies of a factor. Computed as the
 * Euclidean distance between rows of X·V·D^(−1/2) (S = V·D·Vᵀ).
 *
 * MatchIt ≥ 4.6 (the default here; `legacy: false`) builds the same distance in another basis,
 * which decides the search order and so the winner among equally distant controls:
 * S⁻¹ by `solve()` when det(S) > 1e-8, else the generalized inverse (`generalized_inverse`: SVD,
 * singular values > 1e-8·max); then `mahalanobize()`: the pivoted Cholesky factor R of S⁻¹
 * (`chol(pivot = TRUE)`, LAPACK `dpstf2`: largest remaining diagonal first, stop at
 * n·ε·max diagonal, the unfactored trailing rows left as they are) with its columns unpivoted,
 * and coordinates X·Rᵀ. Source read: kosukeimai/MatchIt 4.7.2 `R/dist_functions.R`
 * (`transform_covariates`, `mahalanobize`), `R/utils.R` (`generalized_inverse`).
 *
 * Dimension symbols: n = units, p = covariates that vary.
 */
import { CausalPanelError } from '../../errors.js';
import { symmetricEigen } from '../../numerics/symmetricEigen.js';
import type { BalanceCovariate } from './balance.js';

/**
 * Coordinates whose Euclidean distances are MatchIt's Mahalanobis distances (row-major n×p).
 *
 * @param covariates covariate columns (factors already expanded to dummies), used rows only
 * @param treat 0/1 per row
 * @param discarded optional mask of units left out of the covariance
 * @throws {CausalPanelError} `invalid_option` when no covariate varies
 * @example
 * const { coordinates, dimension } = mahalanobisCoordinates([{ name: 'x', values: Float64Array.of(1, 2, 3, 4) }], Uint8Array.of(1, 1, 0, 0));
 * dimension; // 1
 * Math.abs(coordinates[1] - coordinates[0]); // 1.414213562373095 = |Δx| / pooled SD (pooled variance 0.5)
 */
export function mahalanobisCoordinates(
  covariates: readonly BalanceCovariate[],
  treat: Uint8Array,
  discarded?: Uint8Array,
  fn = 'matchit',
  legacy = true,
): { coordinates: Float64Array; dimension: number } {
  const n = treat.length;
  // Drop constant columns (MatchIt: range < √ε).
  const columns = covariates.filter((c) => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of c.values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return Math.abs(max - min) >= Math.sqrt(Number.EPSILON);
  });
  if (columns.length === 0) {
    throw new CausalPanelError('invalid_option', `${fn}: no covariate varies, so a Mahalanobis distance cannot be formed`, { fn, option: 'distance' });
  }
  const p = columns.length;
  // scale(): centre and divide by the SD over all rows.
  const scaled = columns.map((c) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += c.values[i]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (c.values[i]! - mean) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    return Float64Array.from(c.values, (v) => (v - mean) / sd);
  });
  // Pooled within-group covariance over the kept units.
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!(discarded && discarded[i] === 1)) kept.push(i);
  const m = kept.length;
  const centred = scaled.map((x) => {
    const sums = [0, 0];
    const counts = [0, 0];
    for (const i of kept) {
      sums[treat[i]!] += x[i]!;
      counts[treat[i]!]++;
    }
    const means = [sums[0]! / counts[0]!, sums[1]! / counts[1]!];
    return Float64Array.from(kept, (i) => x[i]! - means[treat[i]!]!);
  });
  const groups = new Set(kept.map((i) => treat[i]!)).size;
  const S = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += centred[a]![r]! * centred[b]![r]!;
      // cov() (denominator m − 1) × (m − 1)/(m − groups)
      const v = s / (m - groups);
      S[a + b * p] = v;
      S[b + a * p] = v;
    }
  }
  const { values, vectors } = symmetricEigen(S, p);
  if (!legacy) return choleskyCoordinates(scaled, values, vectors, p, n);
  let maxValue = -Infinity;
  for (const v of values) if (v > maxValue) maxValue = v;
  const components: number[] = [];
  for (let j = 0; j < p; j++) if (values[j]! > 1e-8 * maxValue) components.push(j);
  const dimension = components.length;
  const coordinates = new Float64Array(n * dimension);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dimension; d++) {
      const j = components[d]!;
      let s = 0;
      for (let a = 0; a < p; a++) s += scaled[a]![i]! * vectors[a + j * p]!;
      coordinates[i * dimension + d] = s / Math.sqrt(values[j]!);
    }
  }
  return { coordinates, dimension };
}

/**
 * MatchIt ≥ 4.6's `mahalanobize(X, inv_var)`: coordinates X·Rᵀ with R the pivoted Cholesky factor
 * of S⁻¹ (or of its generalized inverse when det(S) ≤ 1e-8), columns unpivoted.
 */
function choleskyCoordinates(
  scaled: Float64Array[],
  values: Float64Array,
  vectors: Float64Array,
  p: number,
  n: number,
): { coordinates: Float64Array; dimension: number } {
  let det = 1;
  let maxValue = -Infinity;
  for (const v of values) {
    det *= v;
    if (v > maxValue) maxValue = v;
  }
  // S⁻¹ (det > 1e-8) or the generalized inverse: Σ v vᵀ / λ over the kept eigenvalues (S is
  // symmetric positive semi-definite, so its SVD is its eigendecomposition).
  const threshold = det > 1e-8 ? 0 : 1e-8 * maxValue;
  const inv = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    if (!(values[j]! > threshold)) continue;
    for (let a = 0; a < p; a++) {
      const va = vectors[a + j * p]! / values[j]!;
      for (let b = 0; b < p; b++) inv[a + b * p] += va * vectors[b + j * p]!;
    }
  }
  const R = pivotedCholesky(inv, p);
  const coordinates = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < p; k++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += scaled[a]![i]! * R[k + a * p]!;
      coordinates[i * p + k] = s;
    }
  }
  return { coordinates, dimension: p };
}

/**
 * R's `chol(A, pivot = TRUE)[, order(pivot)]` for a symmetric p×p A (column-major): LAPACK
 * `dpstf2` (upper) — at step j the largest remaining diagonal (first on ties) is pivoted in; the
 * factorization stops when it is ≤ p·ε·max diagonal, leaving that diagonal and the trailing rows'
 * (pivoted) input entries as they are; R zeroes the lower triangle. Returned with columns in the
 * original order (row k of the result is row k of the pivoted factor).
 */
function pivotedCholesky(input: Float64Array, p: number): Float64Array {
  const A = Float64Array.from(input);
  const piv = Int32Array.from({ length: p }, (_, i) => i);
  const work = new Float64Array(p);
  let maxDiag = -Infinity;
  for (let i = 0; i < p; i++) if (A[i + i * p]! > maxDiag) maxDiag = A[i + i * p]!;
  const dstop = p * (Number.EPSILON / 2) * maxDiag; // DLAMCH('Epsilon') = ε/2
  for (let j = 0; j < p; j++) {
    if (j > 0) for (let i = j; i < p; i++) work[i] += A[(j - 1) + i * p]! ** 2;
    let pvt = j;
    let ajj = A[j + j * p]! - work[j]!;
    for (let i = j + 1; i < p; i++) {
      const v = A[i + i * p]! - work[i]!;
      if (v > ajj) {
        ajj = v;
        pvt = i;
      }
    }
    if (ajj <= dstop || Number.isNaN(ajj)) {
      A[j + j * p] = ajj;
      break;
    }
    if (j !== pvt) {
      // dswap of the upper triangle, as dpstf2 (UPLO = 'U').
      A[pvt + pvt * p] = A[j + j * p]!;
      for (let k = 0; k < j; k++) {
        const t = A[k + j * p]!;
        A[k + j * p] = A[k + pvt * p]!;
        A[k + pvt * p] = t;
      }
      if (pvt < p - 1) {
        for (let k = pvt + 1; k < p; k++) {
          const t = A[j + k * p]!;
          A[j + k * p] = A[pvt + k * p]!;
          A[pvt + k * p] = t;
        }
      }
      for (let k = j + 1; k < pvt; k++) {
        const t = A[j + k * p]!;
        A[j + k * p] = A[k + pvt * p]!;
        A[k + pvt * p] = t;
      }
      const tw = work[j]!;
      work[j] = work[pvt]!;
      work[pvt] = tw;
      const tp = piv[j]!;
      piv[j] = piv[pvt]!;
      piv[pvt] = tp;
    }
    ajj = Math.sqrt(ajj);
    A[j + j * p] = ajj;
    // Row j: A(j, j+1:p) = (A(j, j+1:p) − A(1:j−1, j)ᵀ A(1:j−1, j+1:p)) / ajj.
    for (let k = j + 1; k < p; k++) {
      let s = A[j + k * p]!;
      for (let m = 0; m < j; m++) s -= A[m + j * p]! * A[m + k * p]!;
      A[j + k * p] = s * (1 / ajj); // DSCAL by 1/ajj
    }
  }
  const out = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    for (let c = 0; c < p; c++) {
      // Column c of the pivoted factor holds original variable piv[c]; R zeroes below the diagonal.
      out[k + piv[c]! * p] = k <= c ? A[k + c * p]! : 0;
    }
  }
  return out;
}
