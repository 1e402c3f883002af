/**
 * 2×2 difference-in-differences building blocks with influence functions: outcome regression
 * (Heckman, Ichimura & Todd 1997), standardised inverse-probability weighting (Abadie 2005) and
 * the locally efficient doubly robust estimator (Sant'Anna & Zhao 2020, J. Econometrics 219(1)),
 * for panel data (ΔY = Y₁ − Y₀) and for repeated cross-sections.
 *
 * These reimplement DRDID's `reg_did_panel`, `std_ipw_did_panel`, `drdid_panel` and the `_rc`
 * versions (DRDID 1.2, https://github.com/pedrohcgs/DRDID/tree/master/R), which is what
 * did::att_gt calls for `est_method = "reg" | "ipw" | "dr"`: same trimming of propensity scores
 * (ps ≤ 1 − 1e-6; controls with ps ≥ 0.995 get weight 0), same normalisation of the sampling
 * weights to mean 1, same influence-function terms for the estimated nuisance parameters. The
 * influence function ψ is scaled as DRDID's `att.inf.func`: se = sqrt(Σψ²)/n.
 *
 * Design matrices X are column-major n×k and must contain the intercept column.
 */
import { CausalPanelError } from '../../errors.js';
import { invertSymmetric } from '../../numerics/cholesky.js';
import { irls } from '../../numerics/irls.js';

/** The three 2×2 estimators. */
export type DidMethod = 'dr' | 'ipw' | 'reg';

/** A fitted logit propensity score, reusable across 2×2 cells with the same sample. */
export interface PropensityFit {
  /** P(D = 1 | X), capped at 1 − 1e-6 as DRDID does. */
  ps: Float64Array;
  /** n · (Xᵀ diag(ps(1−ps)w) X)⁻¹ (k×k), DRDID's `Hessian.ps`. */
  hessian: Float64Array;
  converged: boolean;
  iterations: number;
}

/** Per-sample IPW weights derived from a propensity fit (cached: identical for every period). */
interface IpwWeights {
  /** trim·w·D */
  wT: Float64Array;
  /** trim·w·ps(1 − D)/(1 − ps) */
  wC: Float64Array;
  /** w·(D − ps): the logit score factor */
  score: Float64Array;
}
const ipwCache = new WeakMap<PropensityFit, IpwWeights>();

/** DRDID's trimmed treated and odds weights: controls with ps ≥ 0.995 get weight 0. */
function ipwWeights(pf: PropensityFit, D: Float64Array, w: Float64Array): IpwWeights {
  const cached = ipwCache.get(pf);
  if (cached && cached.wT.length === D.length) return cached;
  const n = D.length;
  const out = { wT: new Float64Array(n), wC: new Float64Array(n), score: new Float64Array(n) };
  fillIpwWeights(pf.ps, D, w, n, out.wT, out.wC, out.score);
  ipwCache.set(pf, out);
  return out;
}

/** The row loop of {@link ipwWeights}, alone in its function (see {@link momentsPassSmall}). */
function fillIpwWeights(ps: Float64Array, D: Float64Array, w: Float64Array, n: number, wT: Float64Array, wC: Float64Array, score: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const p = ps[i]!;
    const di = D[i]!;
    const wi = w[i]!;
    const trim = di === 1 || p < 0.995 ? 1 : 0;
    wT[i] = trim * wi * di;
    wC[i] = (trim * wi * p * (1 - di)) / (1 - p);
    score[i] = wi * (di - p);
  }
}

/** A 2×2 ATT with its influence function (one entry per observation of the 2×2 sample). */
export interface TwoByTwo {
  att: number;
  influence: Float64Array;
}

/** Logit fitter: (X, n, k, y, weights) → fitted probabilities (default {@link irlsLogit}). */
export type LogitFitter = (
  X: Float64Array,
  n: number,
  k: number,
  y: Float64Array,
  weights: Float64Array,
) => { fitted: Float64Array; converged: boolean; iterations: number };

const FN = 'drdid';

/**
 * Weights divided by their mean (DRDID: `i.weights / mean(i.weights)`); all ones when absent.
 *
 * @throws {CausalPanelError} `invalid_option` for a negative weight or a non-positive mean
 * @example
 * normalizeWeights(Float64Array.of(1, 3), 2); // Float64Array [0.5, 1.5]
 */
export function normalizeWeights(weights: ArrayLike<number> | undefined, n: number): Float64Array {
  const out = new Float64Array(n);
  if (!weights) return out.fill(1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0)) throw new CausalPanelError('invalid_option', `${FN}: weights must be non-negative (row ${i + 1}: ${w})`, { fn: FN, row: i, value: w });
    sum += w;
  }
  const mean = sum / n;
  if (!(mean > 0)) throw new CausalPanelError('invalid_option', `${FN}: weights must have a positive mean (${mean})`, { fn: FN, value: mean });
  for (let i = 0; i < n; i++) out[i] = weights[i]! / mean;
  return out;
}

/**
 * The propensity logit of the 2×2 blocks: R's `glm.fit` algorithm (`irls`, binomial/logit) with
 * a tight ε = 1e-12 on the relative deviance change and up to 100 iterations, so the fit sits at
 * the MLE (to ~1e-11) that DRDID's `fastglm`/`glm` fits approximate within their own tolerance.
 * Non-convergence is reported, not thrown.
 *
 * @throws {CausalPanelError} `no_convergence` when no finite deviance can be found, `singular_design`
 * @example
 * const X = Float64Array.of(1, 1, 1, 1, 0, 1, 2, 3);
 * irlsLogit(X, 4, 2, Float64Array.of(0, 1, 0, 1), Float64Array.of(1, 1, 1, 1)).converged; // true
 */
export const irlsLogit: LogitFitter = (X, n, k, y, weights) => {
  const fit = irls(X, n, k, y, { family: 'binomial', link: 'logit', weights, epsilon: 1e-12, maxIterations: 100, intercept: true });
  return { fitted: fit.fitted, converged: fit.converged, iterations: fit.iterations };
};

function isInterceptOnly(X: Float64Array, n: number, k: number): boolean {
  if (k !== 1) return false;
  for (let i = 0; i < n; i++) if (X[i] !== 1) return false;
  return true;
}

/**
 * Fits the logit propensity score P(D = 1 | X) with normalised weights `w`, and DRDID's Hessian
 * term n·(XᵀWX)⁻¹ with W = ps(1 − ps)w evaluated at the capped fitted values.
 *
 * An intercept-only model has the closed form ps = Σ wD / Σ w (the logit MLE), so no iterations
 * are needed.
 *
 * @throws {CausalPanelError} `singular_design` when XᵀWX is not positive definite,
 *   `no_treated_units` / `no_control_units` when D is constant
 * @example
 * const X = Float64Array.of(1, 1, 1, 1);
 * fitPropensity(X, 4, 1, Float64Array.of(1, 0, 0, 0), Float64Array.of(1, 1, 1, 1)).ps; // [0.25, 0.25, 0.25, 0.25]
 */
export function fitPropensity(
  X: Float64Array,
  n: number,
  k: number,
  D: Float64Array,
  w: Float64Array,
  fitter: LogitFitter = irlsLogit,
): PropensityFit {
  let ps: Float64Array;
  let converged = true;
  let iterations = 0;
  if (isInterceptOnly(X, n, k)) {
    let swd = 0;
    let sw = 0;
    for (let i = 0; i < n; i++) {
      swd += w[i]! * D[i]!;
      sw += w[i]!;
    }
    ps = new Float64Array(n).fill(swd / sw);
  } else {
    const fit = fitter(X, n, k, D, w);
    ps = fit.fitted.slice(); // (slice: Float64Array.from takes the slow iterator path)
    converged = fit.converged;
    iterations = fit.iterations;
  }
  const cap = 1 - 1e-6;
  for (let i = 0; i < n; i++) if (ps[i]! > cap) ps[i] = cap;
  const xwx = new Float64Array(k * k);
  // v = ps(1 − ps)w once (the same products, in the same order, as inside every pair's sum)
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = ps[i]!;
    v[i] = p * (1 - p) * w[i]!;
  }
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      const oa = a * n;
      const ob = b * n;
      for (let i = 0; i < n; i++) s += v[i]! * X[oa + i]! * X[ob + i]!;
      xwx[a + b * k] = s;
      xwx[b + a * k] = s;
    }
  }
  const hessian = invertSymmetric(xwx, k, FN);
  for (let j = 0; j < k * k; j++) hessian[j] = hessian[j]! * n;
  return { ps, hessian, converged, iterations };
}

/**
 * Weighted least squares on the rows with mask > 0, in DRDID's scaling: returns β and
 * (XᵀWX / n)⁻¹ where the sum runs over the selected rows and n is the full sample size.
 */
function wls(
  X: Float64Array,
  n: number,
  k: number,
  y: Float64Array,
  rowWeight: Float64Array,
): { beta: Float64Array; xpxInv: Float64Array } {
  const xpx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const oa = a * n;
    let sy = 0;
    for (let i = 0; i < n; i++) sy += rowWeight[i]! * X[oa + i]! * y[i]!;
    xty[a] = sy / n;
    for (let b = a; b < k; b++) {
      const ob = b * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += rowWeight[i]! * X[oa + i]! * X[ob + i]!;
      xpx[a + b * k] = s / n;
      xpx[b + a * k] = s / n;
    }
  }
  checkConditioning(xpx, k);
  const xpxInv = invertSymmetric(xpx, k, FN);
  const beta = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += xpxInv[a + b * k]! * xty[b]!;
    beta[a] = s;
  }
  return { beta, xpxInv };
}

/** DRDID stops when rcond(XᵀWX) < machine epsilon; a cheap diagonal-ratio proxy plus Cholesky. */
function checkConditioning(xpx: Float64Array, k: number): void {
  let maxDiag = 0;
  for (let j = 0; j < k; j++) maxDiag = Math.max(maxDiag, Math.abs(xpx[j + j * k]!));
  if (!(maxDiag > 0)) {
    throw new CausalPanelError('singular_design', `${FN}: the outcome regression has no observations or no variation`, { fn: FN });
  }
}

function predict(X: Float64Array, n: number, k: number, beta: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const b = beta[j]!;
    const o = j * n;
    for (let i = 0; i < n; i++) out[i] += X[o + i]! * b;
  }
  return out;
}

/** v = A m for k×k A. */
function kmul(A: Float64Array, k: number, m: Float64Array): Float64Array {
  const out = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += A[a + b * k]! * m[b]!;
    out[a] = s;
  }
  return out;
}

/** colMeans(v ∘ X) over n rows. */
function colMeansWeighted(X: Float64Array, n: number, k: number, v: Float64Array): Float64Array {
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i]! * X[o + i]!;
    out[j] = s / n;
  }
  return out;
}

/** Row-wise dot x_iᵀ a, for all rows. */
function rowDot(X: Float64Array, n: number, k: number, a: Float64Array): Float64Array {
  return predict(X, n, k, a);
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Σ D (the loop alone: checks after a hot loop that never ran before would deopt its OSR code). */
function sumOf(D: Float64Array): number {
  let t = 0;
  for (let i = 0; i < D.length; i++) t += D[i]!;
  return t;
}

function checkGroups(D: Float64Array, fn: string): void {
  const t = sumOf(D);
  if (t === 0) throw new CausalPanelError('no_treated_units', `${fn}: no treated units in the 2×2 sample`, { fn });
  if (t === D.length) throw new CausalPanelError('no_control_units', `${fn}: no control units in the 2×2 sample`, { fn });
}

/** What the panel and repeated-cross-section 2×2 inputs share. */
export interface TwoByTwoInputBase {
  /** Treatment-group indicator (0/1). */
  D: Float64Array;
  /** n×k column-major design with intercept. */
  X: Float64Array;
  k: number;
  /** Sampling weights (normalised to mean 1 inside); all 1 when absent. */
  weights?: Float64Array;
  method: DidMethod;
  /** A propensity fit for exactly this sample and weights (reused across cells). */
  propensity?: PropensityFit;
  /** Logit fitter used when `propensity` is absent and covariates are present (default {@link irlsLogit}). */
  fitter?: LogitFitter;
}

/** Input of {@link drdidPanel}: one row per unit. */
export interface PanelTwoByTwoInput extends TwoByTwoInputBase {
  /** Y(post) − Y(pre) per unit. */
  deltaY: Float64Array;
  /** Optional buffer (length ≥ n) that receives ψ, to avoid an allocation per cell. */
  out?: Float64Array;
  /**
   * Precomputed outcome-regression pieces for this sample: (XᵀWX/n)⁻¹ over the controls (fixed
   * for a sample) and XᵀWΔY/n over the controls (computed while ΔY is built). Saves a pass.
   */
  ols?: { xpxInv: Float64Array; xty: Float64Array };
  /**
   * `weights` already normalised to mean 1 (or all ones without weights), as
   * {@link normalizeWeights} returns them: reused across cells on the same sample instead of an
   * n-length allocation per call. Takes precedence over `weights`.
   */
  normalizedWeights?: Float64Array;
}

/**
 * 2×2 DiD ATT on panel data with its influence function: DRDID's `drdid_panel` (`dr`),
 * `std_ipw_did_panel` (`ipw`) and `reg_did_panel` (`reg`).
 *
 * @throws {CausalPanelError} `no_treated_units`, `no_control_units`, `singular_design`
 * @example
 * const r = drdidPanel({ deltaY: Float64Array.of(3, 1, 2), D: Float64Array.of(1, 0, 0),
 *   X: Float64Array.of(1, 1, 1), k: 1, method: 'dr' });
 * r.att; // 1.5 (= 3 − mean(1, 2))
 */
export function drdidPanel(input: PanelTwoByTwoInput): TwoByTwo {
  const fn = 'drdidPanel';
  const { deltaY, D, X, k, method } = input;
  const n = D.length;
  checkGroups(D, fn);
  // Three fused passes over the rows, each its own small function (one hot loop apiece, so the
  // JIT optimises them whole); no n-length temporaries besides ψ. The 2×2 runs once per
  // ATT(g,t) cell on up to millions of units.
  const w = input.normalizedWeights ?? (input.weights ? normalizeWeights(input.weights, n) : new Float64Array(n).fill(1));
  const code = method === 'reg' ? REG : method === 'ipw' ? IPW : DR;

  // pass A: outcome regression of ΔY on X among controls, (XᵀWX/n)⁻¹ in DRDID's scaling
  const beta = new Float64Array(k);
  let xpxInv: Float64Array = new Float64Array(k * k);
  if (code !== IPW && input.ols) {
    xpxInv = input.ols.xpxInv;
    beta.set(kmul(xpxInv, k, input.ols.xty));
  } else if (code !== IPW) {
    const xpx = new Float64Array(k * k);
    const xty = new Float64Array(k);
    controlCrossproducts(deltaY, D, X, k, w, n, xpx, xty);
    checkConditioning(xpx, k);
    xpxInv = invertSymmetric(xpx, k, FN);
    beta.set(kmul(xpxInv, k, xty));
  }
  const pf = code !== REG ? input.propensity ?? fitPropensity(X, n, k, D, w, input.fitter) : undefined;
  const hessian = pf ? pf.hessian : new Float64Array(k * k);
  // treated / odds weights and logit scores: for reg both "weights" are w·D and the score is unused
  let iw: IpwWeights;
  if (pf) iw = ipwWeights(pf, D, w);
  else {
    const wD = product(w, D, n);
    iw = { wT: wD, wC: wD, score: wD };
  }

  // pass B: the means and moment vectors
  const sums = new Float64Array(4); // Σ wT·v, Σ wC·v, Σ wT, Σ wC
  const M1 = new Float64Array(k); // Σ wT x
  const M3 = new Float64Array(k); // Σ wC x
  const A = new Float64Array(k); // Σ wC·v·x
  momentsPass(code, deltaY, X, k, n, beta, iw.wT, iw.wC, sums, M1, M3, A);
  const mwT = sums[2]! / n;
  const mwC = sums[3]! / n;
  const etaTreat = sums[0]! / n / mwT;
  const etaCont = sums[1]! / n / mwC;
  for (let a = 0; a < k; a++) {
    M1[a] = M1[a]! / n;
    M3[a] = M3[a]! / n;
    A[a] = A[a]! / n - etaCont * M3[a]!; // colMeans(wC·(v − η_C)·x)
  }
  const a1 = code !== IPW ? kmul(xpxInv, k, M1) : M1;
  const a3 = code === DR ? kmul(xpxInv, k, M3) : M3;
  const b2 = code !== REG ? kmul(hessian, k, A) : A;

  // pass C: influence function
  const influence = input.out ? input.out.subarray(0, n) : new Float64Array(n);
  influencePass(code, deltaY, D, X, k, w, n, beta, iw.wT, iw.wC, iw.score, a1, a3, b2, etaTreat, etaCont, mwT, mwC, influence);
  return { att: etaTreat - etaCont, influence };
}

const REG = 0;
const IPW = 1;
const DR = 2;

/**
 * (XᵀWX/n)⁻¹ over the control rows (D = 0) of a 2×2 sample, DRDID's `XpX.inv` for the outcome
 * regression; reusable for every 2×2 on the same sample (it does not involve the outcome).
 *
 * @throws {CausalPanelError} `singular_design` when the control design is not of full rank
 * @example
 * controlXpxInverse(Float64Array.of(1, 1, 1), Float64Array.of(1, 0, 0), 1, undefined)[0]; // 1.5 (= 3/2)
 */
export function controlXpxInverse(X: Float64Array, D: Float64Array, k: number, weights: Float64Array | undefined): Float64Array {
  const n = D.length;
  const w = weights ? normalizeWeights(weights, n) : new Float64Array(n).fill(1);
  const xpx = new Float64Array(k * k);
  controlCrossproducts(new Float64Array(n), D, X, k, w, n, xpx, new Float64Array(k));
  checkConditioning(xpx, k);
  return invertSymmetric(xpx, k, FN);
}

/** Elementwise a·b (length n). */
function product(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  return out;
}

/** Σ over controls of w·x xᵀ/n and w·x·ΔY/n (upper triangle filled symmetric). */
function controlCrossproducts(deltaY: Float64Array, D: Float64Array, X: Float64Array, k: number, w: Float64Array, n: number, xpx: Float64Array, xty: Float64Array): void {
  controlCrossproductSums(deltaY, D, X, k, w, n, xpx, xty);
  for (let a = 0; a < k; a++) {
    xty[a] = xty[a]! / n;
    for (let b = a; b < k; b++) {
      const v = xpx[a + b * k]! / n;
      xpx[a + b * k] = v;
      xpx[b + a * k] = v;
    }
  }
}

/** The row loop of {@link controlCrossproducts}, alone in its function (see {@link momentsPassSmall}). */
function controlCrossproductSums(deltaY: Float64Array, D: Float64Array, X: Float64Array, k: number, w: Float64Array, n: number, xpx: Float64Array, xty: Float64Array): void {
  for (let i = 0; i < n; i++) {
    if (D[i] === 1) continue;
    const wi = w[i]!;
    const dy = deltaY[i]!;
    for (let a = 0; a < k; a++) {
      const xa = wi * X[i + a * n]!;
      xty[a] += xa * dy;
      for (let b = a; b < k; b++) xpx[a + b * k] += xa * X[i + b * n]!;
    }
  }
}

/**
 * Pass B of {@link drdidPanel}: weighted sums of the outcome term v and the moment vectors.
 *
 * The row loop runs twice: first over no rows, then over all n. A first call on 10⁴–10⁶ rows gets
 * its loop compiled on-stack before the code after the loop has ever run; that code (the stores
 * of the accumulators) then had no type feedback, and the compiled loop deoptimised at its exit
 * on every cell of the first attgt call (~4× slower pass). The empty round runs the post-loop
 * code once first, so its feedback exists when the loop is compiled; the accumulators start
 * from the zeros it stores, so the sums are the same bits.
 */
function momentsPass(
  code: number,
  deltaY: Float64Array,
  X: Float64Array,
  k: number,
  n: number,
  beta: Float64Array,
  wTs: Float64Array,
  wCs: Float64Array,
  sums: Float64Array,
  M1: Float64Array,
  M3: Float64Array,
  A: Float64Array,
): void {
  // [ΣwT·v, ΣwC·v, ΣwT, ΣwC, M1₀..₂, M3₀..₂, A₀..₂]; columns 3.. accumulate in M1, M3, A
  const acc = new Float64Array(13);
  momentsRows(code, deltaY, X, k, n, beta, wTs, wCs, acc, M1, M3, A, 0);
  momentsRows(code, deltaY, X, k, n, beta, wTs, wCs, acc, M1, M3, A, n);
  for (let j = 0; j < 4; j++) sums[j] = acc[j]!;
  // the callers pass zeroed accumulators: adding to 0 keeps the bits of a sum accumulated in place
  for (let a = 0; a < Math.min(k, 3); a++) {
    M1[a] += acc[4 + a]!;
    M3[a] += acc[7 + a]!;
    A[a] += acc[10 + a]!;
  }
}

/**
 * The row loop of {@link momentsPass} over rows 0..rows−1, continuing the accumulators `acc`
 * (see {@link momentsPass}). Columns 0–2 use scalar accumulators (typed-array accumulators
 * updated on every row cost about twice as much), columns 3.. accumulate in M1, M3, A; each sum
 * runs over the rows in order, so the bits do not depend on which kind holds it.
 */
function momentsRows(
  code: number,
  deltaY: Float64Array,
  X: Float64Array,
  k: number,
  n: number,
  beta: Float64Array,
  wTs: Float64Array,
  wCs: Float64Array,
  acc: Float64Array,
  M1: Float64Array,
  M3: Float64Array,
  A: Float64Array,
  rows: number,
): void {
  let sT = acc[0]!;
  let sC = acc[1]!;
  let swT = acc[2]!;
  let swC = acc[3]!;
  let m10 = acc[4]!;
  let m11 = acc[5]!;
  let m12 = acc[6]!;
  let m30 = acc[7]!;
  let m31 = acc[8]!;
  let m32 = acc[9]!;
  let a0 = acc[10]!;
  let a1 = acc[11]!;
  let a2 = acc[12]!;
  const b0 = beta[0]!;
  const b1 = k > 1 ? beta[1]! : 0;
  const b2 = k > 2 ? beta[2]! : 0;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  for (let i = 0; i < rows; i++) {
    const x0 = X[i]!;
    const x1 = k > 1 ? X[o1 + i]! : 0;
    const x2 = k > 2 ? X[o2 + i]! : 0;
    let fit = 0;
    if (code !== IPW) {
      fit += x0 * b0;
      if (k > 1) fit += x1 * b1;
      if (k > 2) fit += x2 * b2;
      for (let a = 3; a < k; a++) fit += X[i + a * n]! * beta[a]!;
    }
    const wT = wTs[i]!;
    const wC = wCs[i]!;
    let v: number;
    if (code === REG) {
      // reg_did_panel: both means are over the treated (w.cont = w·D)
      sT += wT * deltaY[i]!;
      sC += wT * fit;
      v = 0;
    } else {
      v = code === DR ? deltaY[i]! - fit : deltaY[i]!;
      sT += wT * v;
      sC += wC * v;
    }
    swT += wT;
    swC += wC;
    m10 += wT * x0;
    m30 += wC * x0;
    a0 += wC * v * x0;
    if (k > 1) {
      m11 += wT * x1;
      m31 += wC * x1;
      a1 += wC * v * x1;
    }
    if (k > 2) {
      m12 += wT * x2;
      m32 += wC * x2;
      a2 += wC * v * x2;
    }
    for (let a = 3; a < k; a++) {
      const x = X[i + a * n]!;
      M1[a] += wT * x;
      M3[a] += wC * x;
      A[a] += wC * v * x;
    }
  }
  acc[0] = sT;
  acc[1] = sC;
  acc[2] = swT;
  acc[3] = swC;
  acc[4] = m10;
  acc[5] = m11;
  acc[6] = m12;
  acc[7] = m30;
  acc[8] = m31;
  acc[9] = m32;
  acc[10] = a0;
  acc[11] = a1;
  acc[12] = a2;
}

/** Pass C of {@link drdidPanel}: ψᵢ with the estimation-effect corrections of the nuisance fits. */
function influencePass(
  code: number,
  deltaY: Float64Array,
  D: Float64Array,
  X: Float64Array,
  k: number,
  w: Float64Array,
  n: number,
  beta: Float64Array,
  wTs: Float64Array,
  wCs: Float64Array,
  scores: Float64Array,
  a1: Float64Array,
  a3: Float64Array,
  b2: Float64Array,
  etaTreat: number,
  etaCont: number,
  mwT: number,
  mwC: number,
  influence: Float64Array,
): void {
  // k ≤ 3: the coefficient vectors in scalars (no typed-array loads per row and column); the
  // products are added in the same order as the generic loop, so the bits are the same
  const small = k <= 3;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  const beta0 = beta[0]!;
  const beta1 = k > 1 ? beta[1]! : 0;
  const beta2 = k > 2 ? beta[2]! : 0;
  const a10 = a1[0]!;
  const a11 = k > 1 ? a1[1]! : 0;
  const a12 = k > 2 ? a1[2]! : 0;
  const a30 = a3[0]!;
  const a31 = k > 1 ? a3[1]! : 0;
  const a32 = k > 2 ? a3[2]! : 0;
  const b20 = b2[0]!;
  const b21 = k > 1 ? b2[1]! : 0;
  const b22 = k > 2 ? b2[2]! : 0;
  for (let i = 0; i < n; i++) {
    let fit = 0;
    let xa1 = 0;
    let xa3 = 0;
    let xb2 = 0;
    if (small) {
      const x0 = X[i]!;
      fit += x0 * beta0;
      xa1 += x0 * a10;
      xa3 += x0 * a30;
      xb2 += x0 * b20;
      if (k > 1) {
        const x1 = X[o1 + i]!;
        fit += x1 * beta1;
        xa1 += x1 * a11;
        xa3 += x1 * a31;
        xb2 += x1 * b21;
      }
      if (k > 2) {
        const x2 = X[o2 + i]!;
        fit += x2 * beta2;
        xa1 += x2 * a12;
        xa3 += x2 * a32;
        xb2 += x2 * b22;
      }
    } else {
      for (let a = 0; a < k; a++) {
        const x = X[i + a * n]!;
        fit += x * beta[a]!;
        xa1 += x * a1[a]!;
        xa3 += x * a3[a]!;
        xb2 += x * b2[a]!;
      }
    }
    // w(1 − D)(ΔY − x'β)·x'(XᵀWX/n)⁻¹M: the outcome regression's linear representation
    const olsRes = code !== IPW ? w[i]! * (1 - D[i]!) * (deltaY[i]! - fit) : 0;
    const wT = wTs[i]!;
    if (code === REG) {
      influence[i] = (wT * deltaY[i]! - wT * etaTreat) / mwT - (wT * fit - wT * etaCont + olsRes * xa1) / mwT;
      continue;
    }
    const wC = wCs[i]!;
    const v = code === DR ? deltaY[i]! - fit : deltaY[i]!;
    // w(D − ps)·x'H·M2: the propensity score's linear representation
    const score = scores[i]!;
    if (code === IPW) {
      influence[i] = (wT * v - wT * etaTreat) / mwT - (wC * v - wC * etaCont + score * xb2) / mwC;
    } else {
      influence[i] = (wT * v - wT * etaTreat - olsRes * xa1) / mwT - (wC * v - wC * etaCont + score * xb2 - olsRes * xa3) / mwC;
    }
  }
}

/** Input of {@link drdidRc}. */
export interface RcTwoByTwoInput extends TwoByTwoInputBase {
  /** Outcome per observation. */
  y: Float64Array;
  /** 1 when the observation is from the post period, else 0. */
  post: Float64Array;
}

/**
 * 2×2 DiD ATT on repeated cross-sections with its influence function: DRDID's `drdid_rc`
 * (locally efficient doubly robust, `dr`), `std_ipw_did_rc` (`ipw`) and `reg_did_rc` (`reg`).
 *
 * @throws {CausalPanelError} `no_treated_units`, `no_control_units`, `singular_design`
 * @example
 * const r = drdidRc({ y: Float64Array.of(1, 4, 1, 2), post: Float64Array.of(0, 1, 0, 1),
 *   D: Float64Array.of(1, 1, 0, 0), X: Float64Array.of(1, 1, 1, 1), k: 1, method: 'reg' });
 * r.att; // 2 (= (4 − 1) − (2 − 1))
 */
export function drdidRc(input: RcTwoByTwoInput): TwoByTwo {
  const fn = 'drdidRc';
  const { y, post, D, X, k, method } = input;
  const n = D.length;
  checkGroups(D, fn);
  const w = normalizeWeights(input.weights, n);
  const mask = (d: number, p: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = D[i] === d && post[i] === p ? w[i]! : 0;
    return out;
  };

  if (method === 'reg') {
    const wPre = mask(0, 0);
    const wPost = mask(0, 1);
    const fPre = wls(X, n, k, y, wPre);
    const fPost = wls(X, n, k, y, wPost);
    const outPre = predict(X, n, k, fPre.beta);
    const outPost = predict(X, n, k, fPost.beta);
    const wTreatPre = mask(1, 0);
    const wTreatPost = mask(1, 1);
    const wCont = new Float64Array(n);
    for (let i = 0; i < n; i++) wCont[i] = w[i]! * D[i]!;
    const mTP = mean(wTreatPre);
    const mTQ = mean(wTreatPost);
    const mC = mean(wCont);
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      s1 += wTreatPre[i]! * y[i]!;
      s2 += wTreatPost[i]! * y[i]!;
      s3 += wCont[i]! * (outPost[i]! - outPre[i]!);
    }
    const etaTreatPre = s1 / n / mTP;
    const etaTreatPost = s2 / n / mTQ;
    const etaCont = s3 / n / mC;
    const M1 = colMeansWeighted(X, n, k, wCont);
    const xPost = rowDot(X, n, k, kmul(fPost.xpxInv, k, M1));
    const xPre = rowDot(X, n, k, kmul(fPre.xpxInv, k, M1));
    const influence = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const infTreat = (wTreatPost[i]! * (y[i]! - etaTreatPost)) / mTQ - (wTreatPre[i]! * (y[i]! - etaTreatPre)) / mTP;
      const c1 = wCont[i]! * (outPost[i]! - outPre[i]!) - wCont[i]! * etaCont;
      const c2post = wPost[i]! * (y[i]! - outPost[i]!) * xPost[i]!;
      const c2pre = wPre[i]! * (y[i]! - outPre[i]!) * xPre[i]!;
      influence[i] = infTreat - (c1 + c2post - c2pre) / mC;
    }
    return { att: etaTreatPost - etaTreatPre - etaCont, influence };
  }

  const pf = input.propensity ?? fitPropensity(X, n, k, D, w, input.fitter);
  const ps = pf.ps;
  const trim = new Float64Array(n);
  for (let i = 0; i < n; i++) trim[i] = D[i] === 1 ? 1 : ps[i]! < 0.995 ? 1 : 0;
  const wTreatPre = new Float64Array(n);
  const wTreatPost = new Float64Array(n);
  const wContPre = new Float64Array(n);
  const wContPost = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = trim[i]! * w[i]!;
    wTreatPre[i] = base * D[i]! * (1 - post[i]!);
    wTreatPost[i] = base * D[i]! * post[i]!;
    const odds = (base * ps[i]! * (1 - D[i]!)) / (1 - ps[i]!);
    wContPre[i] = odds * (1 - post[i]!);
    wContPost[i] = odds * post[i]!;
  }
  const mTP = mean(wTreatPre);
  const mTQ = mean(wTreatPost);
  const mCP = mean(wContPre);
  const mCQ = mean(wContPost);

  if (method === 'ipw') {
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      a += wTreatPre[i]! * y[i]!;
      b += wTreatPost[i]! * y[i]!;
      c += wContPre[i]! * y[i]!;
      d += wContPost[i]! * y[i]!;
    }
    const attTreatPre = a / n / mTP;
    const attTreatPost = b / n / mTQ;
    const attContPre = c / n / mCP;
    const attContPost = d / n / mCQ;
    const vPre = new Float64Array(n);
    const vPost = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      vPre[i] = wContPre[i]! * (y[i]! - attContPre);
      vPost[i] = wContPost[i]! * (y[i]! - attContPost);
    }
    const m2pre = colMeansWeighted(X, n, k, vPre);
    const m2post = colMeansWeighted(X, n, k, vPost);
    const m2 = new Float64Array(k);
    for (let j = 0; j < k; j++) m2[j] = m2post[j]! / mCQ - m2pre[j]! / mCP;
    const xb = rowDot(X, n, k, kmul(pf.hessian, k, m2));
    const influence = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const infTreat = (wTreatPost[i]! * (y[i]! - attTreatPost)) / mTQ - (wTreatPre[i]! * (y[i]! - attTreatPre)) / mTP;
      const score = w[i]! * (D[i]! - ps[i]!);
      const infCont = (wContPost[i]! * (y[i]! - attContPost)) / mCQ - (wContPre[i]! * (y[i]! - attContPre)) / mCP + score * xb[i]!;
      influence[i] = infTreat - infCont;
    }
    return { att: attTreatPost - attTreatPre - (attContPost - attContPre), influence };
  }

  // doubly robust, locally efficient (drdid_rc)
  const wC0 = mask(0, 0);
  const wC1 = mask(0, 1);
  const wT0 = mask(1, 0);
  const wT1 = mask(1, 1);
  const fC0 = wls(X, n, k, y, wC0);
  const fC1 = wls(X, n, k, y, wC1);
  const fT0 = wls(X, n, k, y, wT0);
  const fT1 = wls(X, n, k, y, wT1);
  const oC0 = predict(X, n, k, fC0.beta);
  const oC1 = predict(X, n, k, fC1.beta);
  const oT0 = predict(X, n, k, fT0.beta);
  const oT1 = predict(X, n, k, fT1.beta);
  const oC = new Float64Array(n);
  for (let i = 0; i < n; i++) oC[i] = post[i]! * oC1[i]! + (1 - post[i]!) * oC0[i]!;
  const wd = new Float64Array(n);
  const wdt1 = new Float64Array(n);
  const wdt0 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = trim[i]! * w[i]! * D[i]!;
    wd[i] = base;
    wdt1[i] = base * post[i]!;
    wdt0[i] = base * (1 - post[i]!);
  }
  const mD = mean(wd);
  const mD1 = mean(wdt1);
  const mD0 = mean(wdt0);
  const etaTreatPre = new Float64Array(n);
  const etaTreatPost = new Float64Array(n);
  const etaContPre = new Float64Array(n);
  const etaContPost = new Float64Array(n);
  const etaDPost = new Float64Array(n);
  const etaDt1Post = new Float64Array(n);
  const etaDPre = new Float64Array(n);
  const etaDt0Pre = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = y[i]! - oC[i]!;
    etaTreatPre[i] = (wTreatPre[i]! * r) / mTP;
    etaTreatPost[i] = (wTreatPost[i]! * r) / mTQ;
    etaContPre[i] = (wContPre[i]! * r) / mCP;
    etaContPost[i] = (wContPost[i]! * r) / mCQ;
    const dPost = oT1[i]! - oC1[i]!;
    const dPre = oT0[i]! - oC0[i]!;
    etaDPost[i] = (wd[i]! * dPost) / mD;
    etaDt1Post[i] = (wdt1[i]! * dPost) / mD1;
    etaDPre[i] = (wd[i]! * dPre) / mD;
    etaDt0Pre[i] = (wdt0[i]! * dPre) / mD0;
  }
  const attTreatPre = mean(etaTreatPre);
  const attTreatPost = mean(etaTreatPost);
  const attContPre = mean(etaContPre);
  const attContPost = mean(etaContPost);
  const attDPost = mean(etaDPost);
  const attDt1Post = mean(etaDt1Post);
  const attDPre = mean(etaDPre);
  const attDt0Pre = mean(etaDt0Pre);
  const att = attTreatPost - attTreatPre - (attContPost - attContPre) + (attDPost - attDt1Post) - (attDPre - attDt0Pre);

  // outcome-regression linear representations: alr_j(i) = w_j(i)(y − o_j)(i) x_iᵀ (XpX_j)⁻¹
  // and their products with moment vectors reduce to scalars per row.
  const neg = (v: Float64Array, s: number): Float64Array => {
    for (let j = 0; j < v.length; j++) v[j] = -v[j]! / s;
    return v;
  };
  // M1.post = −colMeans(w.treat.post · post · X)/mean(w.treat.post); post is 0/1 so post·w.treat.post = w.treat.post
  const M1post = neg(colMeansWeighted(X, n, k, wTreatPost), mTQ);
  const M1pre = neg(colMeansWeighted(X, n, k, wTreatPre), mTP);
  const M3post = neg(colMeansWeighted(X, n, k, wContPost), mCQ);
  const M3pre = neg(colMeansWeighted(X, n, k, wContPre), mCP);
  const v2pre = new Float64Array(n);
  const v2post = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    v2pre[i] = wContPre[i]! * (y[i]! - oC[i]! - attContPre);
    v2post[i] = wContPost[i]! * (y[i]! - oC[i]! - attContPost);
  }
  const m2pre = colMeansWeighted(X, n, k, v2pre);
  const m2post = colMeansWeighted(X, n, k, v2post);
  const m2 = new Float64Array(k);
  for (let j = 0; j < k; j++) m2[j] = m2post[j]! / mCQ - m2pre[j]! / mCP;
  const momPostV = new Float64Array(n);
  const momPreV = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    momPostV[i] = wd[i]! / mD - wdt1[i]! / mD1;
    momPreV[i] = wd[i]! / mD - wdt0[i]! / mD0;
  }
  const momPost = colMeansWeighted(X, n, k, momPostV);
  const momPre = colMeansWeighted(X, n, k, momPreV);

  // x_iᵀ (XpX_j)⁻¹ m for each needed (j, m)
  const xC1M1 = rowDot(X, n, k, kmul(fC1.xpxInv, k, M1post));
  const xC0M1 = rowDot(X, n, k, kmul(fC0.xpxInv, k, M1pre));
  const xC1M3 = rowDot(X, n, k, kmul(fC1.xpxInv, k, M3post));
  const xC0M3 = rowDot(X, n, k, kmul(fC0.xpxInv, k, M3pre));
  const xT1mom = rowDot(X, n, k, kmul(fT1.xpxInv, k, momPost));
  const xC1mom = rowDot(X, n, k, kmul(fC1.xpxInv, k, momPost));
  const xT0mom = rowDot(X, n, k, kmul(fT0.xpxInv, k, momPre));
  const xC0mom = rowDot(X, n, k, kmul(fC0.xpxInv, k, momPre));
  const xPs = rowDot(X, n, k, kmul(pf.hessian, k, m2));

  const influence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const eC0 = wC0[i]! * (y[i]! - oC0[i]!);
    const eC1 = wC1[i]! * (y[i]! - oC1[i]!);
    const eT0 = wT0[i]! * (y[i]! - oT0[i]!);
    const eT1 = wT1[i]! * (y[i]! - oT1[i]!);
    const infTreatPre = etaTreatPre[i]! - (wTreatPre[i]! * attTreatPre) / mTP;
    const infTreatPost = etaTreatPost[i]! - (wTreatPost[i]! * attTreatPost) / mTQ;
    const infTreatOr = eC1 * xC1M1[i]! + eC0 * xC0M1[i]!;
    const infContPre = etaContPre[i]! - (wContPre[i]! * attContPre) / mCP;
    const infContPost = etaContPost[i]! - (wContPost[i]! * attContPost) / mCQ;
    const infContPs = w[i]! * (D[i]! - ps[i]!) * xPs[i]!;
    const infContOr = eC1 * xC1M3[i]! + eC0 * xC0M3[i]!;
    const infEff =
      etaDPost[i]! - (wd[i]! * attDPost) / mD -
      (etaDt1Post[i]! - (wdt1[i]! * attDt1Post) / mD1) -
      (etaDPre[i]! - (wd[i]! * attDPre) / mD - (etaDt0Pre[i]! - (wdt0[i]! * attDt0Pre) / mD0));
    const infOrPost = eT1 * xT1mom[i]! - eC1 * xC1mom[i]!;
    const infOrPre = eT0 * xT0mom[i]! - eC0 * xC0mom[i]!;
    const infTreat = infTreatPost - infTreatPre + infTreatOr;
    const infCont = infContPost - infContPre + infContPs + infContOr;
    influence[i] = infTreat - infCont + infEff + (infOrPost - infOrPre);
  }
  return { att, influence };
}
