/**
 * The propensity score of DRDID's 2×2 estimators: a weighted logit P(D = 1 | X), its Hessian
 * term n·(XᵀWX)⁻¹ with W = ps(1 − ps)w, and the trimmed inverse-probability weights built from it
 * (DRDID 1.2: fitted values capped at 1 − 1e-6; controls with ps ≥ 0.995 get weight 0).
 *
 * The logit is fitted by Newton–Raphson to the MLE (`drdidNewton.ts`: one pass per iteration,
 * no deviance) or, where that declines (|η| > 30, a degenerate or collinear design, no
 * convergence), by R's `glm.fit` algorithm (`irls`, binomial/logit) with a tight ε = 1e-12 on
 * the relative deviance change and up to 100 iterations; both sit at the MLE (to ~1e-12) that
 * DRDID's `fastglm`/`glm` fits approximate within their own tolerance. Non-convergence is
 * reported (`converged: false`), not thrown.
 */
import { invertSymmetric } from '../../numerics/cholesky.js';
import { irls } from '../../numerics/irls.js';
import { crossprod } from '../../numerics/matrix.js';
import { newtonLogit } from './drdidNewton.js';

/** A fitted logit propensity score, reusable across 2×2 cells with the same sample. */
export interface PropensityFit {
  /** P(D = 1 | X), capped at 1 − 1e-6 as DRDID does. */
  ps: Float64Array;
  /** n · (Xᵀ diag(ps(1−ps)w) X)⁻¹ (k×k), DRDID's `Hessian.ps`. */
  hessian: Float64Array;
  converged: boolean;
  iterations: number;
}

const FN = 'drdid';

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
 *   `no_convergence` when no finite deviance can be found
 * @example
 * const X = Float64Array.of(1, 1, 1, 1);
 * fitPropensity(X, 4, 1, Float64Array.of(1, 0, 0, 0), Float64Array.of(1, 1, 1, 1)).ps; // [0.25, 0.25, 0.25, 0.25]
 */
export function fitPropensity(X: Float64Array, n: number, k: number, D: Float64Array, w: Float64Array, psInto?: Float64Array): PropensityFit {
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
    const newton = newtonLogit(X, n, k, D, w, psInto);
    if (newton && !capAny(newton.ps, n)) {
      // no fitted value reaches the cap: the information of the final pass is DRDID's XᵀWX
      const hessian = invertSymmetric(newton.information, k, FN);
      for (let j = 0; j < k * k; j++) hessian[j] = hessian[j]! * n;
      return { ps: newton.ps, hessian, converged: true, iterations: newton.iterations };
    }
    const fit = irls(X, n, k, D, { family: 'binomial', link: 'logit', weights: w, epsilon: 1e-12, maxIterations: 100, intercept: true });
    ps = fit.fitted.slice(); // (slice: Float64Array.from takes the slow iterator path)
    converged = fit.converged;
    iterations = fit.iterations;
  }
  const cap = 1 - 1e-6;
  for (let i = 0; i < n; i++) if (ps[i]! > cap) ps[i] = cap;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = ps[i]!;
    v[i] = p * (1 - p) * w[i]!;
  }
  const hessian = invertSymmetric(crossprod(X, n, k, v), k, FN);
  for (let j = 0; j < k * k; j++) hessian[j] = hessian[j]! * n;
  return { ps, hessian, converged, iterations };
}

/** Whether some fitted value exceeds DRDID's cap 1 − 1e-6. */
function capAny(ps: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (ps[i]! > 1 - 1e-6) return true;
  return false;
}

/** Per-sample IPW weights derived from a propensity fit (identical for every period of a sample). */
export interface IpwWeights {
  /** trim·w·D */
  wT: Float64Array;
  /** trim·w·ps(1 − D)/(1 − ps) */
  wC: Float64Array;
  /** w·(D − ps): the logit score factor */
  score: Float64Array;
}

const ipwCache = new WeakMap<PropensityFit, IpwWeights>();

/**
 * DRDID's trimmed treated and odds weights (controls with ps ≥ 0.995 get weight 0) and the logit
 * score factor; cached per propensity fit, since every period of a sample shares them.
 *
 * @example
 * const pf = fitPropensity(Float64Array.of(1, 1), 2, 1, Float64Array.of(1, 0), Float64Array.of(1, 1));
 * ipwWeights(pf, Float64Array.of(1, 0), Float64Array.of(1, 1)).wC; // [0, 1] (odds 0.5/0.5 for the control)
 */
export function ipwWeights(pf: PropensityFit, D: Float64Array, w: Float64Array): IpwWeights {
  const cached = ipwCache.get(pf);
  if (cached && cached.wT.length === D.length) return cached;
  const n = D.length;
  const out = { wT: new Float64Array(n), wC: new Float64Array(n), score: new Float64Array(n) };
  fillIpwWeights(pf.ps, D, w, n, out.wT, out.wC, out.score);
  ipwCache.set(pf, out);
  return out;
}

/** The row loop of {@link ipwWeights}, alone in its function (docs/numerics.md, attgt). */
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
