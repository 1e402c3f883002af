/**
 * Refits of the mediator and outcome models on a bootstrap resample, through resample *counts*
 * (weights = multiplicities) — mathematically the fit on the duplicated rows that `boot::boot`
 * gives R's mediation:
 * - linear models: the normal equations XᵀCX β = XᵀCy by Cholesky (a column whose pivot is
 *   ≤ 1e-11 of its diagonal is aliased: coefficient 0, as `lm` gives NA and `predict` uses 0),
 *   σ̂ = √(Σcᵢrᵢ²/(Σcᵢ − rank − absorbed)); with absorbed fixed effects the resample is demeaned
 *   with the counts first (numerics/demean.ts);
 * - packed cross-products: per-row wᵢ·[upper(xᵢxᵢᵀ), xᵢyᵢ, yᵢ²] summed over the drawn rows, so a
 *   resample of two linear models costs O(drawn rows · k²) with no pass over the others;
 * - binomial models: the project's IRLS (numerics/irls.ts, R's `glm.fit`), warm-started at the
 *   full-sample estimates (R's `start`: the same MLE in fewer iterations).
 *
 * Dimension symbols: n = rows, k = coefficients. Matrices are column-major (`X[i + j * n]`).
 */
import { CausalPanelError } from '../../errors.js';
import { demean, type FixedEffectCodes } from '../../numerics/demean.js';
import type { GlmFamily } from '../../numerics/family.js';
import { irls, type IrlsResult } from '../../numerics/irls.js';
import { matvecInto } from './kernelModel.js';

/** Workspace of the weighted refits of one model. */
export interface RefitWork {
  xtwx: Float64Array;
  xtwz: Float64Array;
  L: Float64Array;
  beta: Float64Array;
  eta: Float64Array;
}

/**
 * A refit workspace for n rows and k coefficients.
 *
 * @example
 * createWork(899, 5).beta.length; // 5
 */
export function createWork(n: number, k: number): RefitWork {
  return { xtwx: new Float64Array(k * k), xtwz: new Float64Array(k), L: new Float64Array(k * k), beta: new Float64Array(k), eta: new Float64Array(n) };
}

/**
 * Solves (XᵀWX) β = XᵀWz in place by Cholesky and returns the rank (0 = failure). A column whose
 * pivot is ≤ 1e-11 of its own diagonal (e.g. the dummy of a level absent from the resample) is
 * aliased: its coefficient is 0, as R's lm sets it NA and predict() treats it as 0.
 */
function choleskySolveInPlace(work: RefitWork, k: number): number {
  const { xtwx: A, L, xtwz: b, beta } = work;
  L.fill(0);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    const diagonal = A[j + j * k]!;
    let d = diagonal;
    for (let p = 0; p < j; p++) d -= L[j + p * k]! ** 2;
    if (!Number.isFinite(d)) return 0;
    if (!(d > 1e-11 * diagonal) || diagonal <= 0) continue; // aliased: L column stays 0
    rank++;
    const root = Math.sqrt(d);
    L[j + j * k] = root;
    for (let i = j + 1; i < k; i++) {
      let s = A[i + j * k]!;
      for (let p = 0; p < j; p++) s -= L[i + p * k]! * L[j + p * k]!;
      L[i + j * k] = s / root;
    }
  }
  if (rank === 0) return 0;
  for (let i = 0; i < k; i++) {
    const lii = L[i + i * k]!;
    if (lii === 0) {
      beta[i] = 0;
      continue;
    }
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= L[i + p * k]! * beta[p]!;
    beta[i] = s / lii;
  }
  for (let i = k - 1; i >= 0; i--) {
    const lii = L[i + i * k]!;
    if (lii === 0) continue;
    let s = beta[i]!;
    for (let p = i + 1; p < k; p++) s -= L[p + i * k]! * beta[p]!;
    beta[i] = s / lii;
  }
  return rank;
}

/** Forms XᵀWX and XᵀWz (lower triangle mirrored) for weights w and working response z. */
function formNormalEquations(X: Float64Array, n: number, k: number, w: Float64Array, z: Float64Array, work: RefitWork): void {
  const { xtwx, xtwz } = work;
  for (let a = 0; a < k; a++) {
    const baseA = a * n;
    let sz = 0;
    for (let i = 0; i < n; i++) sz += w[i]! * X[baseA + i]! * z[i]!;
    xtwz[a] = sz;
    for (let b = a; b < k; b++) {
      const baseB = b * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += w[i]! * X[baseA + i]! * X[baseB + i]!;
      xtwx[a + b * k] = s;
      xtwx[b + a * k] = s;
    }
  }
}

/**
 * Weighted least squares through the normal equations into `work.beta`; returns
 * σ̂ = √(Σ wᵢrᵢ² / (rowsUsed − rank − absorbedDof)), or NaN when the resample is singular. With
 * `fixedEffects`, X and y are first demeaned with the weights w (levels not drawn have zero
 * weight and drop out) and the levels present count as absorbed degrees of freedom.
 *
 * @example
 * const sigma = refitLinear(X, n, k, y, counts, n, 0, createWork(n, k)); // work.beta = the resample's OLS
 */
export function refitLinear(
  X: Float64Array, n: number, k: number, y: Float64Array, w: Float64Array, rowsUsed: number, absorbedDof: number, work: RefitWork,
  fixedEffects: FixedEffectCodes[] | null = null,
): number {
  if (fixedEffects !== null) {
    const columns: Float64Array[] = [];
    for (let j = 0; j < k; j++) columns.push(X.subarray(j * n, (j + 1) * n));
    columns.push(y);
    const demeaned = demean(columns, fixedEffects, { weights: w }).columns;
    const Xd = new Float64Array(n * k);
    for (let j = 0; j < k; j++) Xd.set(demeaned[j]!, j * n);
    let present = 0;
    for (const fe of fixedEffects) {
      const seen = new Uint8Array(fe.nLevels);
      for (let i = 0; i < n; i++) if (w[i]! > 0) seen[fe.codes[i]!] = 1;
      for (let l = 0; l < fe.nLevels; l++) present += seen[l]!;
    }
    return refitLinear(Xd, n, k, demeaned[k]!, w, rowsUsed, present - (fixedEffects.length - 1), work, null);
  }
  formNormalEquations(X, n, k, w, y, work);
  const rank = choleskySolveInPlace(work, k);
  if (rank === 0) return NaN;
  const { beta, eta } = work;
  matvecInto(eta, X, n, k, beta, null);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    const r = y[i]! - eta[i]!;
    rss += w[i]! * r * r;
  }
  return Math.sqrt(rss / (rowsUsed - rank - absorbedDof));
}

/**
 * Refits a binomial GLM on a resample (prior weights w = resample multiplicities) with
 * {@link irls}, warm-started at `start`. Coefficients of columns dropped as collinear (e.g. a
 * level absent from the resample) are set to 0, as predict() treats R's NA. Writes `beta`;
 * false when no finite fit exists (the replicate is skipped, R's `na.rm = TRUE`).
 *
 * @example
 * refitBinomial(X, n, k, y, counts, glmFamily('binomial', 'probit'), fullSampleCoef, work.beta); // true
 */
export function refitBinomial(X: Float64Array, n: number, k: number, y: Float64Array, w: Float64Array, family: GlmFamily, start: Float64Array, beta: Float64Array): boolean {
  // an aliased full-sample coefficient (NA in R) starts at 0, not NaN
  const warm = start.every(Number.isFinite) ? start : start.map((c) => (Number.isFinite(c) ? c : 0));
  let fit: IrlsResult;
  try {
    fit = irls(X, n, k, y, { family: family.family, link: family.link, weights: w, start: warm });
  } catch (error) {
    // no valid coefficients / singular resample: the replicate is skipped
    if (error instanceof CausalPanelError) return false;
    throw error;
  }
  beta.fill(0);
  for (let p = 0; p < fit.rank; p++) {
    const j = fit.kept[p]!;
    const c = fit.coef[j]!;
    if (!Number.isFinite(c)) return false; // R: "non-finite coefficients at iteration"
    beta[j] = c;
  }
  return true;
}

/**
 * Length of one packed row: upper triangle of xxᵀ, x·y, y² for k columns.
 *
 * @example
 * packedLength(3); // 10
 */
export function packedLength(k: number): number {
  return (k * (k + 1)) / 2 + k + 1;
}

/**
 * Row-major per-row cross-product contributions [upper(xᵢxᵢᵀ), xᵢyᵢ, yᵢ²] of one linear model,
 * written at column `at` of a row of width `width`: a resample's XᵀCX, XᵀCy and yᵀCy are then
 * count-weighted sums of these rows.
 *
 * @example
 * packRows(X, n, k, y, rows, width, 0); // rows[i·width .. i·width + packedLength(k)) = row i's terms
 */
export function packRows(X: Float64Array, n: number, k: number, y: Float64Array, out: Float64Array, width: number, at: number): void {
  for (let i = 0; i < n; i++) {
    let c = i * width + at;
    for (let a = 0; a < k; a++) {
      const xa = X[a * n + i]!;
      for (let b = a; b < k; b++) out[c++] = xa * X[b * n + i]!;
    }
    for (let a = 0; a < k; a++) out[c++] = X[a * n + i]! * y[i]!;
    out[c] = y[i]! * y[i]!;
  }
}

/**
 * Solves the packed normal equations at offset `at` of `acc` into `work.beta`; returns σ̂ from
 * RSS = yᵀCy − βᵀXᵀCy (NaN when singular).
 *
 * @example
 * const sigma = solvePacked(acc, 0, k, rowsUsed, 0, work); // work.beta = the resample's OLS
 */
export function solvePacked(acc: Float64Array, at: number, k: number, rowsUsed: number, absorbedDof: number, work: RefitWork): number {
  const { xtwx, xtwz, beta } = work;
  let c = at;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      xtwx[a + b * k] = acc[c]!;
      xtwx[b + a * k] = acc[c++]!;
    }
  }
  for (let a = 0; a < k; a++) xtwz[a] = acc[c++]!;
  const yy = acc[c]!;
  const rank = choleskySolveInPlace(work, k);
  if (rank === 0) return NaN;
  let fitted = 0;
  for (let a = 0; a < k; a++) fitted += beta[a]! * xtwz[a]!;
  const rss = Math.max(yy - fitted, 0);
  return Math.sqrt(rss / (rowsUsed - rank - absorbedDof));
}
