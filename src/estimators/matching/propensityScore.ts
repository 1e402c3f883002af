/**
 * Distances for matching, as MatchIt 4.5.1 computes them.
 *
 * - Propensity score (`distance = "glm"`, `link = "logit" | "probit"`): R's `glm()` fit of the
 *   treatment on the formula (MatchIt fits `quasibinomial`, which has the same coefficients), then
 *   `predict(type = "response")`. The linear predictor is recomputed here as Σ_j x_ij·β_j in
 *   column order — the order of R's BLAS `dgemv` — and mapped through R's inverse link with R's
 *   clamping (logit: |η| > 30 → ε or 1/ε before e^η/(1 + e^η); probit: |η| ≤ −qnorm(ε)). Units
 *   with identical covariates then get bit-identical scores, so ties are broken by row order
 *   exactly as in MatchIt (lalonde has several such tied controls).
 * - Mahalanobis (`distance = "mahalanobis"`, `transform_covariates()`): covariates (factors as
 *   one dummy per level) standardized with `scale()`, then the pooled within-group covariance
 *   S (group-mean centred, (n − 1)/(n − 2)·cov); the distance is √((xᵢ − xⱼ)ᵀ S⁻¹ (xᵢ − xⱼ)),
 *   with a generalized inverse (eigenvalues > 1e-8·max) when S is singular — as it is with all
 *   the dummies of a factor. Computed as Euclidean distance between rows of X·V·D^(−1/2).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { glm, type GlmFit } from '../../models/glm.js';
import { buildDesign } from '../../models/formula/design.js';
import { parseFormula } from '../../models/formula/parse.js';
import { normalCdf, normalQuantile } from '../../numerics/distributions.js';
import type { BalanceCovariate } from './balance.js';

const DBL_EPSILON = 2.220446049250313e-16;
const LOGIT_THRESH = 30;
const PROBIT_THRESH = -normalQuantile(DBL_EPSILON);

/**
 * R's `binomial(link)$linkinv` with its clamping (`src/library/stats/src/family.c`, `make.link`).
 *
 * @example
 * inverseLink(0, 'logit'); // 0.5
 */
export function inverseLink(eta: number, link: 'logit' | 'probit'): number {
  if (link === 'logit') {
    const t = eta < -LOGIT_THRESH ? DBL_EPSILON : eta > LOGIT_THRESH ? 1 / DBL_EPSILON : Math.exp(eta);
    return t / (1 + t);
  }
  return normalCdf(Math.min(Math.max(eta, -PROBIT_THRESH), PROBIT_THRESH));
}

/**
 * Fitted probabilities from a column-major design X (n×k) and coefficients β, with η summed
 * over columns left to right as R's reference BLAS does (NaN coefficients — aliased columns —
 * are skipped, as R's `predict()` does).
 *
 * @example
 * predictProbabilities(Float64Array.of(1, 1, 0, 2), 2, 2, Float64Array.of(0, 1), 'logit'); // [0.5, 0.8807…]
 */
export function predictProbabilities(X: Float64Array, n: number, k: number, beta: ArrayLike<number>, link: 'logit' | 'probit'): Float64Array {
  const eta = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const b = beta[j]!;
    if (Number.isNaN(b)) continue;
    const offset = j * n;
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + X[offset + i]! * b;
  }
  for (let i = 0; i < n; i++) eta[i] = inverseLink(eta[i]!, link);
  return eta;
}

/**
 * Coordinates whose Euclidean distances are MatchIt's Mahalanobis distances (row-major n×p).
 *
 * @param covariates covariate columns (factors already expanded to dummies), used rows only
 * @param treat 0/1 per row
 * @param discarded optional mask of units left out of the covariance
 * @throws {CausalPanelError} `invalid_option` when no covariate varies
 * @example
 * const z = mahalanobisCoordinates([{ name: 'x', values: Float64Array.of(1, 2, 3, 4) }], Uint8Array.of(1, 1, 0, 0));
 * // distances between rows of z are |Δx| / pooled SD
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
    return Math.abs(max - min) >= Math.sqrt(DBL_EPSILON);
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
  const S = new Matrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += centred[a]![r]! * centred[b]![r]!;
      // cov() (denominator m − 1) × (m − 1)/(m − groups)
      const v = s / (m - groups);
      S.set(a, b, v);
      S.set(b, a, v);
    }
  }
  const eig = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const maxValue = Math.max(...values);
  const kept_ = values.map((v, j) => ({ v, j })).filter(({ v }) => v > 1e-8 * maxValue);
  const dimension = kept_.length;
  const coordinates = new Float64Array(n * dimension);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dimension; d++) {
      const { v, j } = kept_[d]!;
      let s = 0;
      for (let a = 0; a < p; a++) s += scaled[a]![i]! * vectors.get(a, j);
      coordinates[i * dimension + d] = s / Math.sqrt(v);
    }
  }
  return { coordinates, dimension };
}

/** The fitted propensity-score model (R's `m$model`): a `GlmFit`. */
export type PropensityModel = GlmFit;

/**
 * Propensity scores as MatchIt's `distance2glm`: `glm(formula, family = binomial(link))`, then
 * fitted probabilities (recomputed from X·β in column order, see the file header).
 *
 * @throws {CausalPanelError} `perfect_separation` naming the covariate that separates the groups,
 *   plus the glm's own errors (`missing_column`, `non_numeric`, …)
 * @example
 * propensityScore('treat ~ age + educ', frame, 'logit').distance; // Float64Array of P(treat = 1 | x)
 */
export function propensityScore(
  formula: string,
  frame: Frame,
  link: 'logit' | 'probit',
  fn = 'matchit',
): { distance: Float64Array; model: GlmFit; notes: Note[] } {
  let model: GlmFit;
  try {
    model = glm(formula, frame, { family: 'binomial', link });
  } catch (error) {
    // Re-label glm's separation error for the caller (the MLE of the score does not exist).
    if (error instanceof CausalPanelError && error.code === 'perfect_separation') {
      const variable = error.details.column;
      throw new CausalPanelError(
        'perfect_separation',
        `${fn}: perfect separation in the propensity-score model${variable ? `: "${variable}" splits treated from control units` : ''} (fitted probabilities 0 or 1), so the score cannot be estimated`,
        { ...error.details, fn },
      );
    }
    throw error;
  }
  const design = buildDesign(parseFormula(formula, fn), frame, { fn });
  const coef = model.coef();
  const beta = design.terms.map((term) => coef[term] ?? NaN);
  const distance = new Float64Array(frame.nrow).fill(NaN);
  const fitted = predictProbabilities(design.X, design.n, design.k, beta, link);
  for (let a = 0; a < design.rows.length; a++) distance[design.rows[a]!] = fitted[a]!;
  // Quasi-separation (probabilities at 0/1 without one separating variable): R warns, MatchIt
  // goes on; the glm note is kept on the result.
  const notes: Note[] = [...model.notes];
  return { distance, model, notes };
}
