/**
 * Iteratively reweighted least squares for generalised linear models, reproducing R's
 * `glm.fit` (R 4.2 `src/library/stats/R/glm.R`; McCullagh & Nelder 1989, *Generalized Linear
 * Models*, §2.5) step for step, so that coefficients AND standard errors agree with R's:
 *
 * - start: binomial μ₀ = (w·y + ½)/(w + 1); gaussian μ₀ = y; η₀ = g(μ₀); dev₀ = Σ dev(y, μ₀).
 * - each iteration: z = η + (y − μ)/μ'(η), working weight W = w·μ'(η)²/V(μ), then the weighted
 *   least-squares fit of z on X; new η = Xb, μ = g⁻¹(η), dev = Σ dev(y, μ).
 * - the weighted fit: R's is the pivoted Householder QR of √W·X (tolerance min(1e-7, ε/1000),
 *   `C_Cdqrls`), which `solver: 'qr'` runs at every iteration. The default `'auto'` solves the
 *   same least-squares problem through the normal equations while the column-scaled design is
 *   well conditioned (condition bound ≤ 100, so dqrdc2 would pivot nothing): XᵀWX and XᵀWz are
 *   accumulated in the same pass over the rows that computes η, μ and the deviance (one pass per
 *   iteration, nothing stored but η; for the binomial logit a dedicated loop), solved by the
 *   Cholesky factor of the scaled Gram matrix, and the final coefficients get one step of
 *   iterative refinement when κ̂ > 10. Ill-conditioned or collinear iterations fall back to the
 *   QR. Both reproduce R's coefficients and SEs to ~1e-14 (lalonde: 2e-14 vs 8e-16 for 'qr');
 *   'auto' costs about one Newton–Raphson pass per iteration (≈ 5× less than the QR path at
 *   n = 10⁵, k = 3). The probit and gaussian passes store W and z, double-buffered, so the QR
 *   fallback and the refinement reuse them; for small designs their XᵀWX is formed only after a
 *   failed convergence test. The logit and probit have dedicated monomorphic passes.
 * - a non-finite deviance halves the step towards the previous coefficients (R's inner loop).
 * - convergence: |dev − dev_old| / (|dev| + 0.1) < ε (default 1e-8), at most 25 iterations.
 * - the covariance (XᵀWX)⁻¹ comes from the R factor of the LAST weighted fit, i.e. with the
 *   working weights of the start of the final iteration — exactly what `summary.glm` uses. (At
 *   R's default ε these SEs differ from the exact-MLE SEs by up to ~5e-5 relative; we match R.)
 *
 * Links and their clamping are R's: logit g⁻¹(η) = e^η/(1 + e^η) with e^η replaced by
 * DBL_EPSILON below η = −30 and 1/DBL_EPSILON above 30, μ'(η) = DBL_EPSILON outside ±30
 * (`logit_linkinv`, `logit_mu_eta` in `src/library/stats/src/family.c`); probit clamps η to
 * ±qnorm(DBL_EPSILON) and μ'(η) = max(φ(η), DBL_EPSILON) (`binomial()$linkinv`, `$mu.eta`).
 * Fitted probabilities within 10·DBL_EPSILON of 0 or 1 are counted as `separation` (R's warning
 * "fitted probabilities numerically 0 or 1 occurred").
 *
 * Dimension symbols: n = rows, k = coefficients, r = rank.
 */
import { CausalPanelError } from '../errors.js';
import { normalCdf, normalPdf, normalQuantile } from './distributions.js';
import { PivotedQR } from './qr.js';

/** Error family. */
export type IrlsFamily = 'binomial' | 'gaussian';
/** Link function. */
export type IrlsLink = 'logit' | 'probit' | 'identity';

/** Options for {@link irls} (R's `glm.fit` / `glm.control` arguments). */
export interface IrlsOptions {
  /** Error family (R `family`). */
  family: IrlsFamily;
  /** Link (R `family(link =)`); logit/probit need binomial, identity needs gaussian. */
  link: IrlsLink;
  /** Prior weights (R `weights`), non-negative. */
  weights?: ArrayLike<number>;
  /** Convergence tolerance on the relative deviance change (R `glm.control(epsilon = 1e-8)`). */
  epsilon?: number;
  /** Maximum IRLS iterations (R `glm.control(maxit = 25)`). */
  maxIterations?: number;
  /**
   * Starting coefficients (R `glm(start =)`), length k: η₀ = X·start, and the deviance there is
   * R's `devold`, so the convergence test applies from iteration 1. A warm start (e.g. the
   * full-sample estimates for bootstrap refits) reaches the same MLE in fewer iterations.
   */
  start?: ArrayLike<number>;
  /**
   * Whether the model has an intercept, for the null deviance (R's `intercept`). Default: true
   * when some column of X is identically 1.
   */
  intercept?: boolean;
  /**
   * Weighted least-squares solver of the iterations. `'auto'` (default): the normal equations
   * (Cholesky of the column-scaled XᵀWX, formed in the same pass as η, μ and the deviance) while
   * the scaled design's condition bound is ≤ 100, refined once at the end, else R's pivoted QR;
   * `'qr'`: R's pivoted Householder QR of √W·X at every iteration (slower; the reference path).
   * Both give R's coefficients and SEs to ~1e-13.
   */
  solver?: 'auto' | 'qr';
}

/** Result of {@link irls}. */
export interface IrlsResult {
  /** Coefficients, length k; NaN for columns dropped as collinear. */
  coef: Float64Array;
  /** Original indices of the kept columns, increasing. */
  kept: Int32Array;
  /** Numerical rank r. */
  rank: number;
  /** (XᵀWX)⁻¹ over the kept columns (r×r, column-major), W = working weights of the last fit. */
  xtwxInverse: Float64Array;
  /** Fitted means μ = g⁻¹(η), length n. */
  fitted: Float64Array;
  /** Linear predictor η = Xb, length n. */
  linearPredictor: Float64Array;
  /** Working weights W of the last weighted fit (R's `fit$weights`), length n. */
  workingWeights: Float64Array;
  /** Working residuals (y − μ)/μ'(η) at the final fit (R's `residuals(fit, "working")`). */
  workingResiduals: Float64Array;
  /** Residual deviance. */
  deviance: number;
  /** Null deviance (intercept-only fit, or μ = g⁻¹(0) without intercept). */
  nullDeviance: number;
  /** AIC as R reports it (unit prior weights for binomial; undefined otherwise). */
  aic?: number;
  /** Residual degrees of freedom: rows with positive weight − rank. */
  dfResidual: number;
  /** IRLS iterations performed (R's `fit$iter`). */
  iterations: number;
  /** Whether the deviance criterion was met. */
  converged: boolean;
  /** True when the step had to be halved because the deviance was not finite (R's `boundary`). */
  boundary: boolean;
  /** True when some fitted probability is within 10·DBL_EPSILON of 0 or 1 (binomial only). */
  separation: boolean;
  /** Number of such fitted probabilities. */
  separationCount: number;
}

const DBL_EPSILON = 2.220446049250313e-16;
const THRESH = 30;
const MTHRESH = -30;
const INVEPS = 1 / DBL_EPSILON;

/** Link, inverse link and dμ/dη of R's binomial/gaussian families (with R's clamping). */
export interface LinkFunctions {
  /** g(μ) */
  linkfun(mu: number): number;
  /** g⁻¹(η) */
  linkinv(eta: number): number;
  /** dμ/dη */
  muEta(eta: number): number;
}

/**
 * R's link functions: `binomial("logit")`, `binomial("probit")`, `gaussian()`, including R's
 * clamping of the inverse link and of dμ/dη at DBL_EPSILON.
 *
 * @example
 * linkFunctions('logit').linkinv(0); // 0.5
 * linkFunctions('logit').linkinv(-40); // 2.220446049250313e-16 / (1 + 2.22e-16) (R clamps)
 */
export function linkFunctions(link: IrlsLink): LinkFunctions {
  switch (link) {
    case 'logit':
      return {
        linkfun: (mu) => Math.log(mu / (1 - mu)),
        linkinv: (eta) => {
          const t = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
          return t / (1 + t);
        },
        muEta: (eta) => {
          if (eta > THRESH || eta < MTHRESH) return DBL_EPSILON;
          const e = Math.exp(eta);
          const opexp = 1 + e;
          return e / (opexp * opexp);
        },
      };
    case 'probit': {
      const thresh = -normalQuantile(DBL_EPSILON);
      return {
        linkfun: (mu) => normalQuantile(mu),
        linkinv: (eta) => normalCdf(Math.min(Math.max(eta, -thresh), thresh)),
        muEta: (eta) => Math.max(dnorm(eta), DBL_EPSILON),
      };
    }
    case 'identity':
      return { linkfun: (mu) => mu, linkinv: (eta) => eta, muEta: () => 1 };
  }
}

const M_1_SQRT_2PI = 0.398942280401432677939946059934;

/**
 * φ(x) as R's `dnorm(x)` (`src/nmath/dnorm.c`): e^(−x²/2)/√(2π), with x split into a 16-bit
 * head and a tail above |x| = 5 so that the exponent keeps full relative accuracy. Inline
 * because it runs on every row of every probit iteration (the generic density costs ~10× more).
 */
function dnorm(x: number): number {
  const a = Math.abs(x);
  if (a < 5) return M_1_SQRT_2PI * Math.exp(-0.5 * a * a);
  if (!(a <= 38.58)) return Number.isNaN(x) ? x : 0; // below the smallest subnormal
  const head = Math.round(a * 65536) / 65536;
  const tail = a - head;
  return M_1_SQRT_2PI * (Math.exp(-0.5 * head * head) * Math.exp((-0.5 * tail - head) * tail));
}

/** y·log(y/μ), 0 when y = 0 (R's `y_log_y`). */
function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

function deviance(family: IrlsFamily, y: ArrayLike<number>, mu: Float64Array, w: Float64Array): number {
  let sum = 0;
  const n = mu.length;
  if (family === 'binomial') {
    for (let i = 0; i < n; i++) {
      const yi = y[i] as number;
      sum += 2 * w[i]! * (yLogY(yi, mu[i]!) + yLogY(1 - yi, 1 - mu[i]!));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const e = (y[i] as number) - mu[i]!;
      sum += w[i]! * e * e;
    }
  }
  return sum;
}

/**
 * Fits a GLM by IRLS exactly as R's `glm.fit` (see the file header for the algorithm).
 *
 * @throws {CausalPanelError} `invalid_option` (bad family/link pair, lengths, weights, or a
 * binomial response outside [0, 1]); `no_convergence` when no finite deviance can be found
 * (R: "no valid set of coefficients has been found"); `singular_design` when no column is kept
 * @example
 * // logit of y on (1, x)
 * const X = Float64Array.of(1, 1, 1, 1, 1, 1,  0, 1, 2, 3, 4, 5);
 * const fit = irls(X, 6, 2, Float64Array.of(0, 0, 1, 0, 1, 1), { family: 'binomial', link: 'logit' });
 * fit.converged; // true — coefficients as R's coef(glm(y ~ x, binomial))
 */
export function irls(X: Float64Array, n: number, k: number, y: ArrayLike<number>, options: IrlsOptions): IrlsResult {
  const { family, link, weights, epsilon = 1e-8, maxIterations = 25, start, solver = 'auto' } = options;
  const fn = 'irls';
  validate(X, n, k, y, options, fn);
  const prior = new Float64Array(n);
  if (weights === undefined) prior.fill(1);
  else prior.set(weights); // (not Float64Array.from: its iterator path is ~10× slower)
  const { linkfun, linkinv, muEta } = linkFunctions(link);
  // Binomial: rows with zero weight get y = 0 (R's binomial()$initialize).
  const response = new Float64Array(n);
  response.set(y);
  if (family === 'binomial') for (let i = 0; i < n; i++) if (prior[i] === 0) response[i] = 0;

  // η at the current coefficients and at the last weighted fit's (whose W and z give R's
  // `fit$weights`, the final refinement and the QR fallback); swapped every iteration.
  let eta = new Float64Array(n);
  let lastEta = new Float64Array(n);
  const mu = new Float64Array(n);
  // W and z (the storing passes' outputs): the logit's iterations never store them, so they are
  // allocated only when the QR fallback or the final refinement needs them. The other links
  // store them in every pass, double-buffered like η: (prevW, prevZ) are those of the pass that
  // computed lastEta, i.e. of the last weighted fit, so the QR fallback, the refinement and
  // R's `fit$weights` need no extra pass.
  const storesAlways = !(family === 'binomial' && link === 'logit');
  const gram = new GramSolver(k);
  const empty = storesAlways ? n : 0;
  const state: PassState = { X, n, k, family, link, linkinv, muEta, y: response, prior, mu, gram, W: new Float64Array(empty), z: new Float64Array(empty) };
  let prevW: Float64Array = new Float64Array(empty);
  let prevZ: Float64Array = new Float64Array(empty);
  const workingArrays = (): { W: Float64Array; z: Float64Array } => {
    if (state.W.length !== n) {
      state.W = new Float64Array(n);
      state.z = new Float64Array(n);
    }
    return { W: state.W, z: state.z };
  };
  let coefOld: Float64Array | null = null;
  let coef = new Float64Array(k);
  let dev: number;
  if (start !== undefined) {
    coef = Float64Array.from(start as ArrayLike<number>);
    dev = fusedPass(state, coef, eta, false);
    coefOld = Float64Array.from(coef);
  } else {
    // η₀ = g(μ₀); μ₀ takes few distinct values (two for a 0/1 response with unit weights), so
    // the last one is remembered instead of calling g on every row.
    let lastM = NaN;
    let lastValue = NaN;
    for (let i = 0; i < n; i++) {
      const m = family === 'binomial' ? (prior[i]! * response[i]! + 0.5) / (prior[i]! + 1) : response[i]!;
      if (m !== lastM) {
        lastM = m;
        lastValue = linkfun(m);
      }
      eta[i] = lastValue;
    }
    dev = fusedPass(state, null, eta, false); // μ = g⁻¹(η₀), as glm.fit's `eval(family$linkinv(eta))`
  }
  let devOld = dev;
  let converged = false;
  let boundary = false;
  let iterations = 0;
  const tolerance = Math.min(1e-7, epsilon / 1000);
  // The last weighted fit: rank, kept columns and (XᵀWX)⁻¹ (from the Gram solver or the QR).
  let rank = 0;
  let kept: Int32Array = new Int32Array(0);
  let inverse: (() => Float64Array) | null = null;
  let lastByGram = false;
  let lastSolved = false; // coef is the last weighted fit's solution (not halved, finite)
  // Links that store W and z in every pass form the next fit's XᵀWX only once the deviance test
  // has failed (the converged pass's would be wasted), from the stored W and z: while X is small
  // enough to stay in cache (n·k ≤ 2¹⁶), so the second sweep costs no memory traffic; with
  // `solver: 'qr'` the Gram matrix is never used.
  const deferGram = solver === 'qr' || (storesAlways && n * k <= 65536);
  for (let iter = 1; iter <= maxIterations; iter++) {
    iterations = iter;
    // This fit is at the current η (its XᵀWX and XᵀWz were accumulated by the pass that
    // computed η); the pass below writes the new η into the other buffer.
    [lastEta, eta] = [eta, lastEta];
    if (storesAlways) {
      [prevW, state.W] = [state.W, prevW];
      [prevZ, state.z] = [state.z, prevZ];
    }
    let solution: Float64Array | null = solver === 'qr' ? null : gram.solve();
    lastByGram = solution !== null;
    if (solution !== null) {
      rank = k;
      kept = gram.kept;
      inverse = () => gram.inverse();
    } else {
      // Ill-conditioned or collinear: R's path, the pivoted QR of √W·X (dqrdc2 drops columns).
      let W = prevW;
      let z = prevZ;
      if (!storesAlways) {
        ({ W, z } = workingArrays());
        fusedPass(state, null, lastEta, true); // W and z of this fit
      }
      const scaledX = new Float64Array(n * k); // kept by the QR for its refinement: fresh each time
      const scaledZ = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const wi = Math.sqrt(W[i]!);
        scaledZ[i] = z[i]! * wi;
        for (let j = 0; j < k; j++) scaledX[j * n + i] = X[j * n + i]! * wi;
      }
      const current = new PivotedQR(scaledX, n, k, { tolerance });
      // Björck refinement as in leastSquares (condition-gated on large problems, where it is costly).
      solution = current.solve(scaledZ, 2, n * k > 1e6 ? 100 : 0);
      rank = current.rank;
      kept = current.kept;
      inverse = () => current.xtxInverse();
    }
    let finite = true;
    for (let p = 0; p < rank; p++) if (!Number.isFinite(solution[kept[p]!]!)) finite = false;
    if (!finite) {
      lastSolved = false;
      eta.set(lastEta); // η stays at the last coefficients (and this fit's W, z are at it)
      break; // R: "non-finite coefficients at iteration" → not converged
    }
    const next = new Float64Array(k);
    for (let p = 0; p < rank; p++) next[kept[p]!] = solution[kept[p]!]!;
    coef = next;
    lastSolved = true;
    gram.idle = deferGram;
    dev = fusedPass(state, coef, eta, false);
    boundary = false;
    if (!Number.isFinite(dev)) {
      if (coefOld === null) {
        throw new CausalPanelError('no_convergence', `${fn}: no valid set of coefficients has been found (deviance ${dev} at iteration ${iter})`, {
          fn,
          value: dev,
        });
      }
      let halvings = 1;
      while (!Number.isFinite(dev)) {
        if (halvings > maxIterations) {
          throw new CausalPanelError('no_convergence', `${fn}: cannot correct step size (deviance ${dev} after ${halvings - 1} halvings)`, {
            fn,
            value: dev,
          });
        }
        halvings++;
        for (let j = 0; j < k; j++) coef[j] = (coef[j]! + coefOld[j]!) / 2;
        dev = fusedPass(state, coef, eta, false);
      }
      boundary = true;
      lastSolved = false;
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = Float64Array.from(coef);
    if (deferGram && solver !== 'qr') {
      gram.idle = false;
      gram.begin();
      for (let start = 0; start < n; start += BLOCK) gram.accumulate(X, n, state.W, state.z, start, Math.min(n, start + BLOCK));
    }
  }
  gram.idle = false;
  // W and z of the last weighted fit (R's `fit$weights`), at its η; computed when needed.
  let workingWeights: Float64Array | undefined;
  if (lastByGram && lastSolved && gram.condition > REFINE_ABOVE) {
    // The Gram solve's error is O(κ²ε): above κ̂ = 10 one refinement step with the last fit's
    // (W, z) brings the final coefficients to QR accuracy (intermediate iterates need not be
    // exact: IRLS corrects them); η, μ and the deviance are then recomputed.
    let W = prevW;
    let z = prevZ;
    if (!storesAlways) {
      ({ W, z } = workingArrays());
      fusedPass(state, null, lastEta, true);
    }
    workingWeights = W.slice();
    if (gram.refine(X, n, W, z, coef)) {
      gram.idle = true; // the Cholesky factor stays that of the last fit; no new XᵀWX needed
      dev = fusedPass(state, coef, eta, false);
    }
  }
  // μ at the final η: the logit's iteration passes do not store it; the other links' last pass
  // was at the final η and did.
  if (!storesAlways) fitted(eta, mu, link, linkinv);
  const finalEta = eta;
  const weightsEta = lastEta;
  const computeWorkingWeights = (): Float64Array => {
    const out = new Float64Array(n);
    fusedPass({ ...state, mu: new Float64Array(n), W: out, z: new Float64Array(n), gram: new GramSolver(k) }, null, weightsEta, true);
    return out;
  };
  if (inverse === null || rank === 0) {
    throw new CausalPanelError('singular_design', `${fn}: no estimable coefficient (rank ${rank})`, { fn, value: rank });
  }
  const coefOut = new Float64Array(k).fill(NaN);
  for (let p = 0; p < rank; p++) coefOut[kept[p]!] = coef[kept[p]!]!;
  // Working residuals, null deviance and AIC cost a transcendental per row each and most callers
  // (propensity scores) never read them: computed on first read.
  const computeWorkingResiduals = (): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (response[i]! - mu[i]!) / muEta(finalEta[i]!);
    return out;
  };
  // Null deviance: weighted mean of y with an intercept, else μ = g⁻¹(0) (no offset).
  const computeNullDeviance = (): number => {
    let nullMean: number;
    if (options.intercept ?? hasUnitColumn(X, n, k)) {
      let sw = 0;
      let swy = 0;
      for (let i = 0; i < n; i++) {
        sw += prior[i]!;
        swy += prior[i]! * response[i]!;
      }
      nullMean = swy / sw;
    } else {
      nullMean = linkinv(0);
    }
    return deviance(family, response, new Float64Array(n).fill(nullMean), prior);
  };

  let separationCount = 0;
  if (family === 'binomial') {
    const eps = 10 * DBL_EPSILON;
    for (let i = 0; i < n; i++) if (mu[i]! > 1 - eps || mu[i]! < eps) separationCount++;
  }
  let nGood = 0;
  let unitWeights = true;
  for (let i = 0; i < n; i++) {
    if (prior[i]! > 0) nGood++;
    if (prior[i] !== 1) unitWeights = false;
  }
  const computeAic = (): number | undefined => {
    if (family === 'binomial' && unitWeights) {
      // −2 Σ log dbinom(y; 1, μ) + 2r (binomial()$aic with m = 1)
      let loglik = 0;
      for (let i = 0; i < n; i++) loglik += response[i]! === 1 ? Math.log(mu[i]!) : response[i]! === 0 ? Math.log(1 - mu[i]!) : NaN;
      return Number.isNaN(loglik) ? undefined : -2 * loglik + 2 * rank;
    }
    if (family === 'gaussian' && unitWeights) return n * (Math.log((2 * Math.PI * dev) / n) + 1) + 2 + 2 * rank;
    return undefined;
  };
  let workingResiduals: Float64Array | undefined;
  let nullDeviance: number | undefined;
  let aic: number | undefined | null = null; // null = not computed yet
  return {
    coef: coefOut,
    kept,
    rank,
    xtwxInverse: inverse(),
    fitted: mu,
    linearPredictor: eta,
    get workingWeights(): Float64Array {
      return (workingWeights ??= storesAlways ? prevW : computeWorkingWeights());
    },
    get workingResiduals(): Float64Array {
      return (workingResiduals ??= computeWorkingResiduals());
    },
    deviance: dev,
    get nullDeviance(): number {
      return (nullDeviance ??= computeNullDeviance());
    },
    get aic(): number | undefined {
      if (aic === null) aic = computeAic();
      return aic;
    },
    dfResidual: nGood - rank,
    iterations,
    converged,
    boundary,
    separation: separationCount > 0,
    separationCount,
  };
}

/** Inputs and outputs of {@link fusedPass}. */
interface PassState {
  X: Float64Array;
  n: number;
  k: number;
  family: IrlsFamily;
  link: IrlsLink;
  linkinv: (eta: number) => number;
  muEta: (eta: number) => number;
  y: Float64Array;
  prior: Float64Array;
  /** μ at the pass's η (output of storing passes). */
  mu: Float64Array;
  /** Working weights (√W)² and working response z at the pass's (η, μ) (outputs of storing passes). */
  W: Float64Array;
  z: Float64Array;
  /** Receives XᵀWX and XᵀWz of the next weighted fit. */
  gram: GramSolver;
}

/**
 * One pass over the rows for new coefficients (or, with `coef` null, for the η already in
 * `eta`): η = Xb, μ = g⁻¹(η), the deviance, and at the same (η, μ) the next weighted fit's
 * XᵀWX and XᵀWz, with working weights W = (√(w·μ'(η)²/V(μ)))² and response z = η + (y − μ)/μ'(η)
 * (glm.fit's `w` and `z`; zero on rows with zero weight or μ'(η) = 0). Returns the deviance.
 * With `store`, μ, W and z are also written to `state` (for the results, the final refinement
 * and the QR fallback); without, the binomial logit runs {@link logitLightPass}, which writes η
 * only. The arithmetic per row is R's (`logit_linkinv`, `logit_mu_eta`, `binomial_dev_resids`)
 * up to an ulp: for the unclamped logit μ'(η) = V(μ) = e^η/(1 + e^η)², so W = w·μ'(η); and for
 * rows with y ∈ {0, 1} and unit prior weight the deviance terms −2·log(μ or 1 − μ) are summed
 * as the log of a running product (one log per run of factors, before the product could
 * underflow) instead of one log per row.
 */
function fusedPass(state: PassState, coef: Float64Array | null, eta: Float64Array, store: boolean): number {
  const { X, n, k, family, link, linkinv, muEta, y, prior, mu, W, z, gram } = state;
  const binomial = family === 'binomial';
  if (binomial && link === 'logit') {
    return store ? logitPass(X, n, k, coef, y, prior, eta, mu, W, z, gram) : logitLightPass(X, n, k, coef, y, prior, eta, gram);
  }
  if (binomial && link === 'probit') return probitPass(X, n, k, coef, y, prior, eta, mu, W, z, gram);
  gram.begin();
  let dev = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let i = start; i < end; i++) {
      let e: number;
      if (coef !== null) {
        e = 0;
        for (let a = 0; a < k; a++) e += X[a * n + i]! * coef[a]!;
        eta[i] = e;
      } else {
        e = eta[i]!;
      }
      const yi = y[i]!;
      const pw = prior[i]!;
      const m = linkinv(e);
      const d = muEta(e);
      dev += binomial ? 2 * pw * (yLogY(yi, m) + yLogY(1 - yi, 1 - m)) : pw * (yi - m) * (yi - m);
      mu[i] = m;
      const good = pw > 0 && d !== 0;
      let w = 0;
      if (good) {
        const variance = binomial ? m * (1 - m) : 1;
        const wi = Math.sqrt((pw * d * d) / variance);
        w = wi * wi;
      }
      W[i] = w;
      z[i] = good ? e + (yi - m) / d : 0;
    }
    // XᵀWX (upper triangle) and XᵀWz of this block, column by column while the block is in cache
    gram.accumulate(X, n, W, z, start, end);
  }
  return dev;
}

/**
 * {@link fusedPass} for the binomial logit without storing μ, W or z: the IRLS iterations' pass,
 * one loop over the rows that forms η, the deviance and XᵀWX, XᵀWz row by row (the shape of a
 * Newton–Raphson pass; nothing but η is written back). The sums run in blocks of rows, with
 * scalar accumulators for k ≤ 3 (typed-array accumulators cost ~2× here), and the deviance
 * factor μ or 1 − μ is selected arithmetically: y is random, so a branch would mispredict.
 */
function logitLightPass(
  X: Float64Array,
  n: number,
  k: number,
  coef: Float64Array | null,
  y: Float64Array,
  prior: Float64Array,
  eta: Float64Array,
  gram: GramSolver,
): number {
  const acc = gram.begin();
  const small = k <= 3;
  const c0 = coef !== null ? coef[0]! : 0;
  const c1 = coef !== null && k > 1 ? coef[1]! : 0;
  const c2 = coef !== null && k > 2 ? coef[2]! : 0;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  let dev = 0;
  let product = 1;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    // packed sums of the block for k ≤ 3: g_ab = Σ W x_a x_b, h_a = Σ x_a W z
    let g00 = 0;
    let h0 = 0;
    let g01 = 0;
    let g11 = 0;
    let h1 = 0;
    let g02 = 0;
    let g12 = 0;
    let g22 = 0;
    let h2 = 0;
    for (let i = start; i < end; i++) {
      const x0 = X[i]!;
      const x1 = k > 1 ? X[o1 + i]! : 0;
      const x2 = k > 2 ? X[o2 + i]! : 0;
      let e: number;
      if (coef === null) {
        e = eta[i]!;
      } else {
        if (small) {
          e = x0 * c0;
          if (k > 1) e += x1 * c1;
          if (k > 2) e += x2 * c2;
        } else {
          e = 0;
          for (let a = 0; a < k; a++) e += X[a * n + i]! * coef[a]!;
        }
        eta[i] = e;
      }
      const yi = y[i]!;
      const pw = prior[i]!;
      const t = Math.exp(e);
      let m: number;
      let wz: number;
      let w: number;
      if (e >= MTHRESH && e <= THRESH) {
        const inv = 1 / (1 + t);
        m = t * inv;
        w = pw * m * inv;
        // W·z = W·η + W·(y − μ)/μ'(η) = W·η + w·(y − μ) when W = w·μ'(η) (no division)
        wz = w * e + pw * (yi - m);
      } else {
        const c = e < MTHRESH ? DBL_EPSILON : INVEPS;
        m = c / (1 + c);
        const d = DBL_EPSILON;
        const wi = Math.sqrt((pw * d * d) / (m * (1 - m)));
        w = wi * wi;
        wz = w * (e + (yi - m) / d);
      }
      if (pw === 1 && (yi === 1 || yi === 0)) {
        product *= yi * m + (1 - yi) * (1 - m); // μ or 1 − μ, exactly
        if (product < 1e-250) {
          dev -= 2 * Math.log(product);
          product = 1;
        }
      } else {
        dev += 2 * pw * (yLogY(yi, m) + yLogY(1 - yi, 1 - m));
      }
      if (!(pw > 0)) continue;
      if (small) {
        const wx0 = w * x0;
        g00 += wx0 * x0;
        h0 += x0 * wz;
        if (k > 1) {
          const wx1 = w * x1;
          g01 += wx1 * x0;
          g11 += wx1 * x1;
          h1 += x1 * wz;
          if (k > 2) {
            const wx2 = w * x2;
            g02 += wx2 * x0;
            g12 += wx2 * x1;
            g22 += wx2 * x2;
            h2 += x2 * wz;
          }
        }
      } else {
        let q = 0;
        for (let a = 0; a < k; a++) {
          const xa = X[a * n + i]!;
          const wx = w * xa;
          for (let b = 0; b <= a; b++) acc[q++] += wx * X[b * n + i]!;
          acc[q++] += xa * wz;
        }
      }
    }
    if (small) {
      acc[0] = g00;
      acc[1] = h0;
      if (k > 1) {
        acc[2] = g01;
        acc[3] = g11;
        acc[4] = h1;
      }
      if (k > 2) {
        acc[5] = g02;
        acc[6] = g12;
        acc[7] = g22;
        acc[8] = h2;
      }
    }
    gram.flush();
  }
  return dev - 2 * Math.log(product);
}

/**
 * {@link fusedPass} for the binomial logit, the hot path of propensity scores, in its own
 * monomorphic function: per block, η = Xb column by column, then one loop over the rows.
 */
function logitPass(
  X: Float64Array,
  n: number,
  k: number,
  coef: Float64Array | null,
  y: Float64Array,
  prior: Float64Array,
  eta: Float64Array,
  mu: Float64Array,
  W: Float64Array,
  z: Float64Array,
  gram: GramSolver,
): number {
  gram.begin();
  let dev = 0;
  let product = 1;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    if (coef !== null) {
      const c0 = coef[0]!;
      for (let i = start; i < end; i++) eta[i] = X[i]! * c0;
      for (let a = 1; a < k; a++) {
        const c = coef[a]!;
        const oa = a * n;
        for (let i = start; i < end; i++) eta[i] = eta[i]! + X[oa + i]! * c;
      }
    }
    for (let i = start; i < end; i++) {
      const e = eta[i]!;
      const yi = y[i]!;
      const pw = prior[i]!;
      const t = Math.exp(e);
      let m: number;
      let d: number;
      let w: number;
      if (e >= MTHRESH && e <= THRESH) {
        // μ = t/(1 + t) and μ'(η) = t/(1 + t)² = V(μ), so W = w·μ'(η) and one division serves
        // all three (R's expressions up to an ulp).
        const inv = 1 / (1 + t);
        m = t * inv;
        d = m * inv;
        w = pw * d;
      } else {
        // R's clamping: e^η → DBL_EPSILON or 1/DBL_EPSILON, μ'(η) = DBL_EPSILON
        const c = e < MTHRESH ? DBL_EPSILON : INVEPS;
        m = c / (1 + c);
        d = DBL_EPSILON;
        const wi = Math.sqrt((pw * d * d) / (m * (1 - m)));
        w = wi * wi;
      }
      mu[i] = m;
      if (pw === 1 && (yi === 1 || yi === 0)) {
        product *= yi === 1 ? m : 1 - m; // each factor ≥ DBL_EPSILON/2 (η is clamped)
        if (product < 1e-250) {
          dev -= 2 * Math.log(product);
          product = 1;
        }
      } else {
        dev += 2 * pw * (yLogY(yi, m) + yLogY(1 - yi, 1 - m));
      }
      const good = pw > 0;
      W[i] = good ? w : 0;
      z[i] = good ? e + (yi - m) / d : 0;
    }
    gram.accumulate(X, n, W, z, start, end);
  }
  return dev - 2 * Math.log(product);
}

/** −qnorm(DBL_EPSILON): R's binomial("probit")$linkinv clamps η to ±this. */
const PROBIT_THRESH = -normalQuantile(DBL_EPSILON);

/**
 * {@link fusedPass} for the binomial probit (bootstrap refits of binary mediators and outcomes)
 * in its own monomorphic function, with R's arithmetic per row: μ = Φ(η clamped to ±PROBIT_THRESH),
 * μ'(η) = max(φ(η), DBL_EPSILON) with φ as R's `dnorm` ({@link dnorm}, inline), W = (√(w·μ'²/V))²,
 * z = η + (y − μ)/μ', and for y ∈ {0, 1} the deviance term 2w·log(1/μ or 1/(1 − μ)) (the same
 * bits as `yLogY`, one log). η = Xb is formed column by column per block, as in {@link logitPass}.
 * Always stores μ, W and z (the generic path's outputs), so it serves both pass kinds.
 */
function probitPass(
  X: Float64Array,
  n: number,
  k: number,
  coef: Float64Array | null,
  y: Float64Array,
  prior: Float64Array,
  eta: Float64Array,
  mu: Float64Array,
  W: Float64Array,
  z: Float64Array,
  gram: GramSolver,
): number {
  gram.begin();
  let dev = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    if (coef !== null) {
      const c0 = coef[0]!;
      for (let i = start; i < end; i++) eta[i] = X[i]! * c0;
      for (let a = 1; a < k; a++) {
        const c = coef[a]!;
        const oa = a * n;
        for (let i = start; i < end; i++) eta[i] = eta[i]! + X[oa + i]! * c;
      }
    }
    for (let i = start; i < end; i++) {
      const e = eta[i]!;
      const yi = y[i]!;
      const pw = prior[i]!;
      const m = normalCdf(e < -PROBIT_THRESH ? -PROBIT_THRESH : e > PROBIT_THRESH ? PROBIT_THRESH : e);
      const phi = dnorm(e);
      const d = phi > DBL_EPSILON ? phi : DBL_EPSILON;
      if (yi === 1) dev += 2 * pw * Math.log(1 / m);
      else if (yi === 0) dev += 2 * pw * Math.log(1 / (1 - m));
      else dev += 2 * pw * (yLogY(yi, m) + yLogY(1 - yi, 1 - m));
      mu[i] = m;
      if (pw > 0) {
        const wi = Math.sqrt((pw * d * d) / (m * (1 - m)));
        W[i] = wi * wi;
        z[i] = e + (yi - m) / d;
      } else {
        W[i] = 0;
        z[i] = 0;
      }
    }
    gram.accumulate(X, n, W, z, start, end);
  }
  return dev;
}

/** μ = g⁻¹(η) into `mu`, with the logit inlined as in {@link logitLightPass} (same bits). */
function fitted(eta: Float64Array, mu: Float64Array, link: IrlsLink, linkinv: (eta: number) => number): void {
  const n = eta.length;
  if (link !== 'logit') {
    for (let i = 0; i < n; i++) mu[i] = linkinv(eta[i]!);
    return;
  }
  for (let i = 0; i < n; i++) {
    const e = eta[i]!;
    if (e >= MTHRESH && e <= THRESH) {
      const t = Math.exp(e);
      mu[i] = t * (1 / (1 + t));
    } else {
      const c = e < MTHRESH ? DBL_EPSILON : INVEPS;
      mu[i] = c / (1 + c);
    }
  }
}

/** Rows per block of the blocked sums (error ~ (B + n/B)·ε instead of n·ε). */
const BLOCK = 1024;
/** The Gram path is used while the scaled design's condition bound stays below this. */
const GRAM_CONDITION = 100;
/** Above this condition bound the final Gram solution is refined (κ²ε ≈ 2e-14 below it). */
const REFINE_ABOVE = 10;

/**
 * Weighted least squares of z on X with weights W through the normal equations, for the
 * well-conditioned case only: XᵀWX and XᵀWz in blocked sums (filled by the passes of
 * {@link fusedPass}), Cholesky of the column-scaled Gram matrix (unit diagonal, so its factor
 * R_s is the R of the column-scaled √W·X that dqrdc2 would produce, up to signs), and on request
 * one step of iterative refinement with the residual z − Xb formed from X itself (Björck 1996,
 * *Numerical Methods for Least Squares Problems*, §2.9.3), which brings the solution to the
 * accuracy of a QR solve. Gate: every column's part orthogonal to the others must be far above
 * dqrdc2's tolerance and the condition bound ‖R_s‖_F‖R_s⁻¹‖_F ≤ 100 (then κ²ε ≤ 2e-12 for the
 * inverse); otherwise `solve` returns null and the caller runs R's pivoted QR. No n×k copy,
 * against a QR that copies, scales and sweeps X k times and refines with compensated sums.
 */
class GramSolver {
  readonly kept: Int32Array;
  /** Condition bound ‖R_s‖_F‖R_s⁻¹‖_F of the last {@link GramSolver.solve}. */
  condition = NaN;
  /** When set, {@link GramSolver.accumulate} does nothing (passes whose XᵀWX is not needed). */
  idle = false;
  private readonly k: number;
  private readonly G: Float64Array;
  private readonly h: Float64Array;
  private readonly blockH: Float64Array;
  private readonly packed: Float64Array;
  private readonly Rs: Float64Array;
  private readonly RsInv: Float64Array;
  private readonly norms: Float64Array;

  constructor(k: number) {
    this.k = k;
    this.kept = Int32Array.from({ length: k }, (_, j) => j);
    this.G = new Float64Array(k * k);
    this.h = new Float64Array(k);
    this.blockH = new Float64Array(k);
    this.packed = new Float64Array((k * (k + 1)) / 2 + k);
    this.Rs = new Float64Array(k * k);
    this.RsInv = new Float64Array(k * k);
    this.norms = new Float64Array(k);
  }

  /**
   * Starts a new accumulation of XᵀWX and XᵀWz, either column-wise ({@link GramSolver.accumulate})
   * or row-wise into the returned packed block accumulator — for each column a: (x_a·x_0, …,
   * x_a·x_a, x_a·z) — added in by {@link GramSolver.flush}.
   */
  begin(): Float64Array {
    this.G.fill(0);
    this.h.fill(0);
    this.packed.fill(0);
    return this.packed;
  }

  /** Adds the packed block accumulator (see {@link GramSolver.begin}) and clears it. */
  flush(): void {
    const { k, G, h, packed } = this;
    let q = 0;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) G[b + a * k] = G[b + a * k]! + packed[q++]!;
      h[a] = h[a]! + packed[q++]!;
    }
    packed.fill(0);
  }

  /** Adds rows [start, end) (one block) to XᵀWX (upper triangle) and XᵀWz. */
  accumulate(X: Float64Array, n: number, W: Float64Array, z: Float64Array, start: number, end: number): void {
    if (this.idle) return;
    const { k, G, h } = this;
    // 2×2 tiles of XᵀWX: rows a, a + 1 against columns b, b + 1 share the loads of x_a, x_{a+1},
    // W, x_b, x_{b+1} (≈ 2× faster than one sum per sweep). Same bits: every entry is still
    // Σ (x_a·W)·x_b in row order, and h_a = Σ (x_a·W)·z.
    let a = 0;
    for (; a + 1 < k; a += 2) {
      const oa = a * n;
      const oa1 = oa + n;
      let s00 = 0;
      let s01 = 0;
      let s11 = 0;
      let h0 = 0;
      let h1 = 0;
      for (let i = start; i < end; i++) {
        const w = W[i]!;
        const xa = X[oa + i]!;
        const xa1 = X[oa1 + i]!;
        const wx0 = xa * w;
        const wx1 = xa1 * w;
        s00 += wx0 * xa;
        s01 += wx0 * xa1;
        s11 += wx1 * xa1;
        h0 += wx0 * z[i]!;
        h1 += wx1 * z[i]!;
      }
      G[a + a * k] = G[a + a * k]! + s00;
      G[a + (a + 1) * k] = G[a + (a + 1) * k]! + s01;
      G[a + 1 + (a + 1) * k] = G[a + 1 + (a + 1) * k]! + s11;
      h[a] = h[a]! + h0;
      h[a + 1] = h[a + 1]! + h1;
      let b = a + 2;
      for (; b + 1 < k; b += 2) {
        const ob = b * n;
        const ob1 = ob + n;
        let t00 = 0;
        let t01 = 0;
        let t10 = 0;
        let t11 = 0;
        for (let i = start; i < end; i++) {
          const w = W[i]!;
          const wx0 = X[oa + i]! * w;
          const wx1 = X[oa1 + i]! * w;
          const xb = X[ob + i]!;
          const xb1 = X[ob1 + i]!;
          t00 += wx0 * xb;
          t01 += wx0 * xb1;
          t10 += wx1 * xb;
          t11 += wx1 * xb1;
        }
        G[a + b * k] = G[a + b * k]! + t00;
        G[a + (b + 1) * k] = G[a + (b + 1) * k]! + t01;
        G[a + 1 + b * k] = G[a + 1 + b * k]! + t10;
        G[a + 1 + (b + 1) * k] = G[a + 1 + (b + 1) * k]! + t11;
      }
      if (b < k) {
        const ob = b * n;
        let t0 = 0;
        let t1 = 0;
        for (let i = start; i < end; i++) {
          const w = W[i]!;
          const xb = X[ob + i]!;
          t0 += X[oa + i]! * w * xb;
          t1 += X[oa1 + i]! * w * xb;
        }
        G[a + b * k] = G[a + b * k]! + t0;
        G[a + 1 + b * k] = G[a + 1 + b * k]! + t1;
      }
    }
    if (a < k) {
      // last row of an odd k: its diagonal entry and h
      const oa = a * n;
      let s00 = 0;
      let h0 = 0;
      for (let i = start; i < end; i++) {
        const wx = X[oa + i]! * W[i]!;
        s00 += wx * X[oa + i]!;
        h0 += wx * z[i]!;
      }
      G[a + a * k] = G[a + a * k]! + s00;
      h[a] = h[a]! + h0;
    }
  }

  /**
   * b = argmin Σ W(z − Xb)² (length k) from the accumulated XᵀWX and XᵀWz by the Cholesky factor
   * of the scaled Gram matrix, or null when the gate fails (see the class comment). The factor is
   * kept for {@link GramSolver.refine} and {@link GramSolver.inverse}.
   */
  solve(): Float64Array | null {
    const { k, G, h, Rs, RsInv, norms } = this;
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) G[b + a * k] = G[a + b * k]!;
    for (let j = 0; j < k; j++) {
      const ss = G[j + j * k]!;
      if (!(ss > 1e-290 && ss < 1e290)) return null;
      norms[j] = Math.sqrt(ss);
    }
    // Cholesky G_s = R_sᵀR_s of the scaled Gram matrix (upper R_s).
    Rs.fill(0);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i <= j; i++) {
        let sum = G[i + j * k]! / (norms[i]! * norms[j]!);
        for (let q = 0; q < i; q++) sum -= Rs[q + i * k]! * Rs[q + j * k]!;
        if (i < j) {
          Rs[i + j * k] = sum / Rs[i + i * k]!;
        } else {
          // dqrdc2 would drop (or nearly drop) this column: leave it to the QR.
          if (!(sum > 1e-6)) return null;
          Rs[j + j * k] = Math.sqrt(sum);
        }
      }
    }
    RsInv.fill(0);
    let normR = 0;
    let normInv = 0;
    for (let j = 0; j < k; j++) {
      RsInv[j + j * k] = 1 / Rs[j + j * k]!;
      for (let i = j - 1; i >= 0; i--) {
        let sum = 0;
        for (let q = i + 1; q <= j; q++) sum += Rs[i + q * k]! * RsInv[q + j * k]!;
        RsInv[i + j * k] = -sum / Rs[i + i * k]!;
      }
      for (let i = 0; i <= j; i++) {
        normR += Rs[i + j * k]! ** 2;
        normInv += RsInv[i + j * k]! ** 2;
      }
    }
    this.condition = Math.sqrt(normR * normInv);
    if (!(this.condition <= GRAM_CONDITION)) return null;
    const coef = new Float64Array(k);
    this.apply(h, coef);
    return coef;
  }

  /**
   * One step of iterative refinement of a solution of the last {@link GramSolver.solve}:
   * g = XᵀW(z − Xb) from X itself, b += (XᵀWX)⁻¹g (in place). Returns whether b changed.
   */
  refine(X: Float64Array, n: number, W: Float64Array, z: Float64Array, coef: Float64Array): boolean {
    const { k, h } = this;
    this.residualCrossproduct(X, n, W, z, coef);
    const delta = new Float64Array(k);
    this.apply(h, delta);
    let changed = false;
    for (let j = 0; j < k; j++) {
      if (delta[j] !== 0) changed = true;
      coef[j] = coef[j]! + delta[j]!;
    }
    return changed;
  }

  /** (XᵀWX)⁻¹ of the last successful solve: diag(1/‖x‖)·R_s⁻¹R_s⁻ᵀ·diag(1/‖x‖). */
  inverse(): Float64Array {
    const { k, RsInv, norms } = this;
    const out = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let sum = 0;
        for (let q = b; q < k; q++) sum += RsInv[a + q * k]! * RsInv[b + q * k]!;
        const v = sum / (norms[a]! * norms[b]!);
        out[a + b * k] = v;
        out[b + a * k] = v;
      }
    }
    return out;
  }

  /** out = diag(1/‖x‖)·R_s⁻¹R_s⁻ᵀ·diag(1/‖x‖)·g. */
  private apply(g: Float64Array, out: Float64Array): void {
    const { k, RsInv, norms } = this;
    const t = new Float64Array(k);
    for (let q = 0; q < k; q++) {
      let sum = 0;
      for (let i = 0; i <= q; i++) sum += RsInv[i + q * k]! * (g[i]! / norms[i]!);
      t[q] = sum; // R_s⁻ᵀ g_s
    }
    for (let a = 0; a < k; a++) {
      let sum = 0;
      for (let q = a; q < k; q++) sum += RsInv[a + q * k]! * t[q]!;
      out[a] = sum / norms[a]!;
    }
  }

  /** h = XᵀW(z − X·coef), in blocked sums. */
  private residualCrossproduct(X: Float64Array, n: number, W: Float64Array, z: Float64Array, coef: Float64Array): void {
    const { k, h, blockH } = this;
    h.fill(0);
    for (let start = 0; start < n; start += BLOCK) {
      const end = Math.min(n, start + BLOCK);
      blockH.fill(0);
      for (let i = start; i < end; i++) {
        let r = z[i]!;
        for (let a = 0; a < k; a++) r -= X[a * n + i]! * coef[a]!;
        const wr = W[i]! * r;
        for (let a = 0; a < k; a++) blockH[a] = blockH[a]! + X[a * n + i]! * wr;
      }
      for (let a = 0; a < k; a++) h[a] = h[a]! + blockH[a]!;
    }
  }
}

function hasUnitColumn(X: Float64Array, n: number, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let all = true;
    for (let i = 0; i < n && all; i++) if (X[i + j * n] !== 1) all = false;
    if (all) return true;
  }
  return false;
}

function validate(X: Float64Array, n: number, k: number, y: ArrayLike<number>, options: IrlsOptions, fn: string): void {
  const { family, link, weights, epsilon = 1e-8, maxIterations = 25, start } = options;
  const pairOk = family === 'binomial' ? link === 'logit' || link === 'probit' : family === 'gaussian' && link === 'identity';
  if (!pairOk) {
    throw new CausalPanelError('invalid_option', `${fn}: family/link must be binomial/logit, binomial/probit or gaussian/identity (got ${family}/${link})`, {
      fn,
      option: 'link',
      value: `${family}/${link}`,
    });
  }
  if (options.solver !== undefined && options.solver !== 'auto' && options.solver !== 'qr') {
    throw new CausalPanelError('invalid_option', `${fn}: solver must be 'auto' or 'qr' (${String(options.solver)})`, { fn, option: 'solver', value: String(options.solver) });
  }
  if (X.length !== n * k) {
    throw new CausalPanelError('invalid_option', `${fn}: X has ${X.length} entries, expected n·k = ${n * k}`, { fn, value: X.length });
  }
  if (y.length !== n) throw new CausalPanelError('invalid_option', `${fn}: y has length ${y.length}, expected ${n}`, { fn, value: y.length });
  if (!(epsilon > 0)) throw new CausalPanelError('invalid_option', `${fn}: epsilon must be positive (${epsilon})`, { fn, option: 'epsilon', value: epsilon });
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new CausalPanelError('invalid_option', `${fn}: maxIterations must be a positive integer (${maxIterations})`, {
      fn,
      option: 'maxIterations',
      value: maxIterations,
    });
  }
  if (start !== undefined && start.length !== k) {
    throw new CausalPanelError('invalid_option', `${fn}: start has length ${start.length}, expected ${k}`, { fn, option: 'start', value: start.length });
  }
  if (weights !== undefined) {
    if (weights.length !== n) {
      throw new CausalPanelError('invalid_option', `${fn}: weights have length ${weights.length}, expected ${n}`, { fn, option: 'weights' });
    }
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      if (!(w >= 0 && Number.isFinite(w))) {
        throw new CausalPanelError('invalid_option', `${fn}: weights must be finite and non-negative (row ${i}: ${w})`, { fn, option: 'weights', row: i, value: w });
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const v = y[i] as number;
    if (!Number.isFinite(v)) throw new CausalPanelError('non_finite', `${fn}: y is not finite (row ${i}: ${v})`, { fn, row: i, value: v });
    if (family === 'binomial' && (v < 0 || v > 1)) {
      throw new CausalPanelError('invalid_option', `${fn}: binomial y must be in [0, 1] (row ${i}: ${v})`, { fn, row: i, value: v });
    }
  }
}
