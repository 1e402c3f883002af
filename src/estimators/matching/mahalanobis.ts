/**
 * The Mahalanobis distance of matching, as MatchIt 4.5.1 (`distance = "mahalanobis"`,
 * `transform_covariates()`): covariates (factors as one dummy per level) standardized with
 * `scale()`, then the pooled within-group covariance S (group-mean centred, (n − 1)/(n − 2)·cov);
 * the distance is √((xᵢ − xⱼ)ᵀ S⁻¹ (xᵢ − xⱼ)), with a generalized inverse (eigenvalues
 * > 1e-8·max) when S is singular — as it is with all the dummies of a factor. Computed as the
 * Euclidean distance between rows of X·V·D^(−1/2) (S = V·D·Vᵀ).
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
