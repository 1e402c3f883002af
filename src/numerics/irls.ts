/**
 * Iteratively reweighted least squares for generalised linear models, reproducing R's
 * `glm.fit` (R 4.2 `src/library/stats/R/glm.R`; McCullagh & Nelder 1989, *Generalized Linear
 * Models*, §2.5) step for step, so that coefficients AND standard errors agree with R's:
 *
 * - start: binomial μ₀ = (w·y + ½)/(w + 1); gaussian μ₀ = y; η₀ = g(μ₀); dev₀ = Σ dev(y, μ₀).
 * - each iteration: z = η + (y − μ)/μ'(η), working weight W = w·μ'(η)²/V(μ), then the weighted
 *   least-squares fit of z on X by pivoted Householder QR (tolerance min(1e-7, ε/1000), as
 *   `C_Cdqrls`); new η = Xb, μ = g⁻¹(η), dev = Σ dev(y, μ).
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
  /** Starting coefficients (R `start`), length k. */
  start?: ArrayLike<number>;
  /**
   * Whether the model has an intercept, for the null deviance (R's `intercept`). Default: true
   * when some column of X is identically 1.
   */
  intercept?: boolean;
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
        muEta: (eta) => Math.max(normalPdf(eta), DBL_EPSILON),
      };
    }
    case 'identity':
      return { linkfun: (mu) => mu, linkinv: (eta) => eta, muEta: () => 1 };
  }
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
  const { family, link, weights, epsilon = 1e-8, maxIterations = 25, start } = options;
  const fn = 'irls';
  validate(X, n, k, y, options, fn);
  const prior = weights === undefined ? new Float64Array(n).fill(1) : Float64Array.from(weights);
  const { linkfun, linkinv, muEta } = linkFunctions(link);
  const intercept = options.intercept ?? hasUnitColumn(X, n, k);
  // Binomial: rows with zero weight get y = 0 (R's binomial()$initialize).
  const response = Float64Array.from(y as ArrayLike<number>);
  if (family === 'binomial') for (let i = 0; i < n; i++) if (prior[i] === 0) response[i] = 0;

  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  let coefOld: Float64Array | null = null;
  let coef = new Float64Array(k);
  if (start !== undefined) {
    coef = Float64Array.from(start as ArrayLike<number>);
    computeEta(X, n, k, coef, eta);
    for (let i = 0; i < n; i++) mu[i] = linkinv(eta[i]!);
    coefOld = Float64Array.from(coef);
  } else {
    for (let i = 0; i < n; i++) {
      const m = family === 'binomial' ? (prior[i]! * response[i]! + 0.5) / (prior[i]! + 1) : response[i]!;
      eta[i] = linkfun(m);
      mu[i] = linkinv(eta[i]!);
    }
  }
  let devOld = deviance(family, response, mu, prior);
  let dev = devOld;
  let converged = false;
  let boundary = false;
  let iterations = 0;
  const tolerance = Math.min(1e-7, epsilon / 1000);
  const scaledX = new Float64Array(n * k);
  const z = new Float64Array(n);
  const workingWeights = new Float64Array(n);
  let qr: PivotedQR | null = null;
  for (let iter = 1; iter <= maxIterations; iter++) {
    iterations = iter;
    // Working response and weights at the current (η, μ).
    for (let i = 0; i < n; i++) {
      const d = muEta(eta[i]!);
      const variance = family === 'binomial' ? mu[i]! * (1 - mu[i]!) : 1;
      const good = prior[i]! > 0 && d !== 0;
      const wi = good ? Math.sqrt((prior[i]! * d * d) / variance) : 0;
      workingWeights[i] = wi * wi;
      z[i] = good ? (eta[i]! + (response[i]! - mu[i]!) / d) * wi : 0;
    }
    for (let j = 0; j < k; j++) {
      const offset = j * n;
      for (let i = 0; i < n; i++) scaledX[offset + i] = X[offset + i]! * Math.sqrt(workingWeights[i]!);
    }
    qr = new PivotedQR(scaledX, n, k, { tolerance });
    // Björck refinement as in leastSquares (condition-gated on large problems, where it is costly).
    const solution = qr.solve(z, 2, n * k > 1e6 ? 100 : 0);
    let finite = true;
    for (let p = 0; p < qr.rank; p++) if (!Number.isFinite(solution[qr.kept[p]!]!)) finite = false;
    if (!finite) break; // R: "non-finite coefficients at iteration" → not converged
    const next = new Float64Array(k);
    for (let p = 0; p < qr.rank; p++) next[qr.kept[p]!] = solution[qr.kept[p]!]!;
    coef = next;
    computeEta(X, n, k, coef, eta);
    for (let i = 0; i < n; i++) mu[i] = linkinv(eta[i]!);
    dev = deviance(family, response, mu, prior);
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
        computeEta(X, n, k, coef, eta);
        for (let i = 0; i < n; i++) mu[i] = linkinv(eta[i]!);
        dev = deviance(family, response, mu, prior);
      }
      boundary = true;
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = Float64Array.from(coef);
  }
  if (qr === null || qr.rank === 0) {
    throw new CausalPanelError('singular_design', `${fn}: no estimable coefficient (rank ${qr?.rank ?? 0})`, { fn, value: qr?.rank ?? 0 });
  }
  const rank = qr.rank;
  const kept = qr.kept;
  const coefOut = new Float64Array(k).fill(NaN);
  for (let p = 0; p < rank; p++) coefOut[kept[p]!] = coef[kept[p]!]!;
  const workingResiduals = new Float64Array(n);
  for (let i = 0; i < n; i++) workingResiduals[i] = (response[i]! - mu[i]!) / muEta(eta[i]!);

  // Null deviance: weighted mean of y with an intercept, else μ = g⁻¹(0) (no offset).
  let nullMean: number;
  if (intercept) {
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
  const nullDeviance = deviance(family, response, new Float64Array(n).fill(nullMean), prior);

  let separationCount = 0;
  if (family === 'binomial') {
    const eps = 10 * DBL_EPSILON;
    for (let i = 0; i < n; i++) if (mu[i]! > 1 - eps || mu[i]! < eps) separationCount++;
  }
  let nGood = 0;
  for (let i = 0; i < n; i++) if (prior[i]! > 0) nGood++;
  let aic: number | undefined;
  let unitWeights = true;
  for (let i = 0; i < n; i++) if (prior[i] !== 1) unitWeights = false;
  if (family === 'binomial' && unitWeights) {
    // −2 Σ log dbinom(y; 1, μ) + 2r (binomial()$aic with m = 1)
    let loglik = 0;
    for (let i = 0; i < n; i++) loglik += response[i]! === 1 ? Math.log(mu[i]!) : response[i]! === 0 ? Math.log(1 - mu[i]!) : NaN;
    aic = Number.isNaN(loglik) ? undefined : -2 * loglik + 2 * rank;
  } else if (family === 'gaussian' && unitWeights) {
    aic = n * (Math.log((2 * Math.PI * dev) / n) + 1) + 2 + 2 * rank;
  }
  return {
    coef: coefOut,
    kept,
    rank,
    xtwxInverse: qr.xtxInverse(),
    fitted: mu,
    linearPredictor: eta,
    workingWeights,
    workingResiduals,
    deviance: dev,
    nullDeviance,
    aic,
    dfResidual: nGood - rank,
    iterations,
    converged,
    boundary,
    separation: separationCount > 0,
    separationCount,
  };
}

/** η = X·coef (NaN-free: coefficients of dropped columns are 0 during the iterations). */
function computeEta(X: Float64Array, n: number, k: number, coef: Float64Array, eta: Float64Array): void {
  eta.fill(0);
  for (let j = 0; j < k; j++) {
    const c = coef[j]!;
    if (c === 0) continue;
    const offset = j * n;
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + X[offset + i]! * c;
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
