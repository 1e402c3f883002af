/**
 * GLM families as R's `family` objects: gaussian(identity), binomial(logit) and binomial(probit),
 * each a frozen record of the link g, its inverse, μ′ = dμ/dη, the variance function V, the
 * unit deviance (`dev.resids`), the start μ₀ (`initialize`) and the AIC term (`aic`). This is the
 * only place links are defined: `irls`, `glm`, mediation and matching read them from here.
 *
 * Sources (R 4.2.2): `src/library/stats/R/family.R` (`binomial`, `gaussian`, `make.link`) and
 * `src/library/stats/src/family.c` (`logit_link`, `logit_linkinv`, `logit_mu_eta`,
 * `binomial_dev_resids`), https://github.com/wch/r-source/blob/R-4-2-branch/src/library/stats/src/family.c;
 * the standard normal density as `src/nmath/dnorm.c`.
 *
 * Clamping, exactly as R:
 * - logit g⁻¹(η) = t/(1 + t) with t = e^η, replaced by DBL_EPSILON for η < −30 and by
 *   1/DBL_EPSILON for η > 30; μ′(η) = DBL_EPSILON for |η| > 30, else e^η/(1 + e^η)².
 * - probit g⁻¹(η) = Φ(η) with η clamped to ±(−Φ⁻¹(DBL_EPSILON)) = ±8.125890664701906;
 *   μ′(η) = max(φ(η), DBL_EPSILON).
 * Φ comes from `distributions.ts` (stdlib), which agrees with R's `pnorm` to ~1e-14 relative in
 * the far tail (exactly in the bulk); everything else here is R's arithmetic operation for operation.
 *
 * The scalar functions (`logitScale`, `logitMean`, `logitMuEtaInside`, `logitLinkinv`,
 * `logitMuEta`, `probitLinkinv`, `probitMuEta`, `binomialDevResid`) are exported so that the IRLS
 * row passes call them directly (small functions the engine inlines): the hot loops and the
 * records share one definition. The logit is split around t = e^η and r = 1/(1 + t), so that a
 * pass inside ±30 needs one exponential and one division per row; μ = t·r and μ′ = μ·r equal R's
 * t/(1 + t) and t/(1 + t)² to rounding (R's bits cannot be matched anyway: its exp is the C
 * library's).
 */
import { CausalPanelError } from '../errors.js';
import { normalCdf, normalQuantile } from './distributions.js';
import { exp, lgamma, log } from './elementary.js';

/**
 * Error family (R `family`).
 *
 * @example
 * glm('treat ~ age + educ', lalonde, { family: 'binomial' satisfies FamilyName }).family; // 'binomial'
 */
export type FamilyName = 'gaussian' | 'binomial' | 'poisson';
/**
 * Link function (R `link`).
 *
 * @example
 * glm('treat ~ age + educ', lalonde, { family: 'binomial', link: 'probit' satisfies LinkName }).link; // 'probit'
 */
export type LinkName = 'identity' | 'logit' | 'probit' | 'log';

/**
 * A GLM family with its link, as R's `family` object (`binomial(link = "probit")` etc.). Frozen;
 * every function is scalar (one observation).
 */
export interface GlmFamily {
  /** R `family`. */
  readonly family: FamilyName;
  /** R `link`. */
  readonly link: LinkName;
  /** η = g(μ) (R `linkfun`). */
  readonly linkfun: (mu: number) => number;
  /** μ = g⁻¹(η) (R `linkinv`, with R's clamping). */
  readonly linkinv: (eta: number) => number;
  /** μ′(η) = dμ/dη (R `mu.eta`, with R's clamping). */
  readonly muEta: (eta: number) => number;
  /** V(μ) (R `variance`). */
  readonly variance: (mu: number) => number;
  /** Deviance contribution of one observation with prior weight `wt` (R `dev.resids(y, mu, wt)`). */
  readonly devResid: (y: number, mu: number, wt: number) => number;
  /** Starting mean μ₀ of one observation (R `initialize`'s `mustart`). */
  readonly mustart: (y: number, wt: number) => number;
  /**
   * R's `aic(y, n, mu, wt, dev)`: −2·log-likelihood (+ 2 for gaussian's dispersion); `glm.fit`
   * adds 2·rank. Over every row, as R (a zero weight makes the gaussian AIC +∞, as in R).
   */
  readonly aic: (y: ArrayLike<number>, mu: ArrayLike<number>, wt: ArrayLike<number>, dev: number) => number;
}

/** DBL_EPSILON = 2⁻⁵², R's `.Machine$double.eps`. */
export const DBL_EPSILON = 2.220446049250313e-16;
/** |η| beyond which R's logit clamps e^η and μ′ (`THRESH`, `MTHRESH` in family.c). */
export const LOGIT_THRESH = 30;
/**
 * −qnorm(DBL_EPSILON): R's probit clamps η to ±this. R 4.2.2's value (stdlib's normal quantile
 * gives one ulp more).
 */
export const PROBIT_THRESH = 8.125890664701906;

/**
 * Logit link g(μ) = log(μ/(1 − μ)) (R `logit_link`).
 *
 * @example
 * logitLinkfun(0.25); // -1.0986122886681098 (R 4.2.2 binomial()$linkfun(0.25))
 */
function logitLinkfun(mu: number): number {
  return log(mu / (1 - mu));
}

/**
 * r = 1/(1 + t), the factor shared by the logit's μ and μ′ at t = e^η (inside ±30) or at R's
 * clamped t (outside).
 *
 * @example
 * logitScale(1); // 0.5
 */
export function logitScale(t: number): number {
  return 1 / (1 + t);
}

/**
 * μ = t·r with r = {@link logitScale}(t): R's t/(1 + t) (`x_d_opx`) to rounding.
 *
 * @example
 * logitMean(1, 0.5); // 0.5
 */
export function logitMean(t: number, r: number): number {
  return t * r;
}

/**
 * μ′ = μ·r inside |η| ≤ 30, from μ = {@link logitMean}(e^η, r) and r = {@link logitScale}(e^η):
 * R's e^η/(1 + e^η)² (`logit_mu_eta`) to rounding.
 *
 * @example
 * logitMuEtaInside(0.5, 0.5); // 0.25
 */
export function logitMuEtaInside(mu: number, r: number): number {
  return mu * r;
}

/**
 * Inverse logit with R's clamping (`logit_linkinv`): t/(1 + t) with t = e^η, replaced by
 * DBL_EPSILON below η = −30 and by 1/DBL_EPSILON above 30.
 *
 * @example
 * logitLinkinv(-33); // 2.2204460492503126e-16 (R 4.2.2 binomial()$linkinv(-33))
 */
export function logitLinkinv(eta: number): number {
  // (literal constants: see docs/numerics.md, Engine tuning)
  const t = eta < -30 ? 2.220446049250313e-16 : eta > 30 ? 4503599627370496 : exp(eta);
  return logitMean(t, logitScale(t));
}

/**
 * dμ/dη of the logit with R's clamping (`logit_mu_eta`): DBL_EPSILON for |η| > 30, else
 * e^η/(1 + e^η)².
 *
 * @example
 * logitMuEta(33); // 2.220446049250313e-16 (R 4.2.2 binomial()$mu.eta(33))
 */
export function logitMuEta(eta: number): number {
  if (eta > 30 || eta < -30) return 2.220446049250313e-16;
  const t = exp(eta);
  const r = logitScale(t);
  return logitMuEtaInside(logitMean(t, r), r);
}

/**
 * Probit link g(μ) = Φ⁻¹(μ) (R `qnorm`).
 *
 * @example
 * probitLinkfun(0.25); // -0.6744897501960817 (R 4.2.2 binomial("probit")$linkfun(0.25))
 */
function probitLinkfun(mu: number): number {
  return normalQuantile(mu);
}

/**
 * Inverse probit with R's clamping: Φ(η) with η clamped to ±{@link PROBIT_THRESH}.
 *
 * @example
 * probitLinkinv(0.5); // 0.691462461274013 (R 4.2.2 binomial("probit")$linkinv(0.5))
 */
export function probitLinkinv(eta: number): number {
  const thresh = 8.125890664701906; // PROBIT_THRESH, as a literal for the inlined row passes
  return normalCdf(eta < -thresh ? -thresh : eta > thresh ? thresh : eta);
}

/**
 * dμ/dη of the probit, R's `pmax(dnorm(eta), .Machine$double.eps)`.
 *
 * @example
 * probitMuEta(40); // 2.220446049250313e-16 (R 4.2.2 binomial("probit")$mu.eta(40))
 */
export function probitMuEta(eta: number): number {
  const phi = dnorm(eta);
  return phi > 2.220446049250313e-16 ? phi : 2.220446049250313e-16; // pmax(·, DBL_EPSILON); NaN stays NaN
}


/**
 * Standard normal density as R's `dnorm(x)` (`src/nmath/dnorm.c`): e^(−x²/2)/√(2π), with |x| ≥ 5
 * split into a 16-bit head and a tail so that the exponent keeps full relative accuracy.
 *
 * @example
 * dnorm(0); // 0.3989422804014327
 * dnorm(7.25); // 1.538537950561275e-12 (R 4.2.2)
 */
export function dnorm(x: number): number {
  const a = Math.abs(x);
  const invSqrt2Pi = 0.398942280401432677939946059934; // M_1_SQRT_2PI
  if (a < 5) return invSqrt2Pi * exp(-0.5 * a * a);
  // underflow to 0 above √(−2·ln 2·(DBL_MIN_EXP + 1 − DBL_MANT_DIG)) = 38.568041815493338
  if (!(a <= 38.568041815493338)) return Number.isNaN(x) ? x : 0;
  // x1 = ldexp(R_forceint(ldexp(x, 16)), -16): R_forceint is nearbyint (ties to even)
  const scaled = a * 65536;
  let whole = Math.round(scaled);
  if (whole - scaled === 0.5 && whole % 2 !== 0) whole -= 1;
  const head = whole / 65536;
  const tail = a - head;
  return invSqrt2Pi * (exp(-0.5 * head * head) * exp((-0.5 * tail - head) * tail));
}

/**
 * y·log(y/μ), 0 when y = 0 (R's `y_log_y` in family.c).
 *
 * @example
 * yLogY(0, 0.3); // 0
 */
function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * log(y / mu) : 0;
}

/**
 * Binomial deviance contribution 2·wt·(y·log(y/μ) + (1 − y)·log((1 − y)/(1 − μ)))
 * (R `binomial_dev_resids`).
 *
 * @example
 * binomialDevResid(1, 0.7, 2); // 1.4266997757549296 (R 4.2.2 binomial()$dev.resids(1, 0.7, 2))
 */
export function binomialDevResid(y: number, mu: number, wt: number): number {
  return 2 * wt * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
}

/**
 * Binomial variance μ(1 − μ).
 *
 * @example
 * binomialVariance(0.2); // 0.16000000000000003 (R 4.2.2 binomial()$variance(0.2))
 */
function binomialVariance(mu: number): number {
  return mu * (1 - mu);
}

/**
 * Binomial start μ₀ = (wt·y + ½)/(wt + 1) (R's `binomial()$initialize` for a vector response).
 *
 * @example
 * binomialMustart(1, 1); // 0.75
 */
function binomialMustart(y: number, wt: number): number {
  return (wt * y + 0.5) / (wt + 1);
}

/**
 * Gaussian deviance contribution wt·(y − μ)² (R `gaussian()$dev.resids`).
 *
 * @example
 * gaussianDevResid(1.5, 0.3, 2); // 2.88 (R 4.2.2 gives 2.8799999999999999)
 */
function gaussianDevResid(y: number, mu: number, wt: number): number {
  return wt * ((y - mu) * (y - mu));
}

/** x rounded half to even, as R's `round(x)` (C `nearbyint`). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** log C(n, x) for integers 0 ≤ x ≤ n, as a sum of logs (n is a number of trials: small). */
function logChoose(n: number, x: number): number {
  const k = Math.min(x, n - x);
  let s = 0;
  for (let i = 1; i <= k; i++) s += log((n - k + i) / i);
  return s;
}

/**
 * R's `binomial()$aic` for a vector response (m = wt trials): −2 Σ_{wt>0} log dbinom(round(wt·y);
 * round(wt), μ). The density is log C(m, s) + s·log μ + (m − s)·log(1 − μ) (R's `dbinom` uses
 * Loader's saddle-point form: the same value to rounding).
 */
function binomialAic(y: ArrayLike<number>, mu: ArrayLike<number>, wt: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const m = wt[i] as number;
    if (!(m > 0)) continue;
    const trials = roundHalfEven(m);
    const successes = roundHalfEven(m * (y[i] as number));
    const p = mu[i] as number;
    const failures = trials - successes;
    if (successes < 0 || failures < 0) return Infinity; // dbinom = 0 (R: log 0 = −Inf)
    total += logChoose(trials, successes) + (successes > 0 ? successes * log(p) : 0) + (failures > 0 ? failures * log(1 - p) : 0);
  }
  return -2 * total;
}

/** R's `gaussian()$aic`: n·(log(dev/n·2π) + 1) + 2 − Σ log wt over all n rows. */
function gaussianAic(y: ArrayLike<number>, _mu: ArrayLike<number>, wt: ArrayLike<number>, dev: number): number {
  const nobs = y.length;
  let sumLogWeights = 0;
  for (let i = 0; i < nobs; i++) sumLogWeights += log(wt[i] as number);
  return nobs * (log((dev / nobs) * 2 * Math.PI) + 1) + 2 - sumLogWeights;
}

const identity = (x: number): number => x;

const GAUSSIAN_IDENTITY: GlmFamily = Object.freeze({
  family: 'gaussian',
  link: 'identity',
  linkfun: identity,
  linkinv: identity,
  muEta: () => 1,
  variance: () => 1,
  devResid: gaussianDevResid,
  mustart: (y: number) => y,
  aic: gaussianAic,
});

const BINOMIAL_LOGIT: GlmFamily = Object.freeze({
  family: 'binomial',
  link: 'logit',
  linkfun: logitLinkfun,
  linkinv: logitLinkinv,
  muEta: logitMuEta,
  variance: binomialVariance,
  devResid: binomialDevResid,
  mustart: binomialMustart,
  aic: binomialAic,
});

const BINOMIAL_PROBIT: GlmFamily = Object.freeze({
  family: 'binomial',
  link: 'probit',
  linkfun: probitLinkfun,
  linkinv: probitLinkinv,
  muEta: probitMuEta,
  variance: binomialVariance,
  devResid: binomialDevResid,
  mustart: binomialMustart,
  aic: binomialAic,
});

/** R's `poisson()$linkinv` and `$mu.eta`: pmax(exp(η), DBL_EPSILON). */
function poissonLinkinv(eta: number): number {
  const mu = exp(eta);
  return mu > DBL_EPSILON ? mu : DBL_EPSILON;
}

/** R's `poisson()$dev.resids`: 2·wt·(y·log(y/μ) − (y − μ)), with y·log(y/μ) = 0 at y = 0. */
function poissonDevResid(y: number, mu: number, wt: number): number {
  return 2 * wt * ((y > 0 ? y * log(y / mu) : 0) - (y - mu));
}

/** −2·Σ wt·log dpois(y; μ) with lgamma for y! (so that non-integer y, as fixest allows, have a value). */
function poissonAic(y: ArrayLike<number>, mu: ArrayLike<number>, wt: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i] as number;
    const mi = mu[i] as number;
    total += (wt[i] as number) * ((yi > 0 ? yi * log(mi) : 0) - mi - lgamma(yi + 1));
  }
  return -2 * total;
}

const POISSON_LOG: GlmFamily = Object.freeze({
  family: 'poisson',
  link: 'log',
  linkfun: (mu: number) => log(mu),
  linkinv: poissonLinkinv,
  muEta: poissonLinkinv,
  variance: (mu: number) => mu,
  devResid: poissonDevResid,
  mustart: (y: number) => y + 0.1,
  aic: poissonAic,
});

/**
 * The frozen family record of `family` with `link` (defaults as R: gaussian → identity,
 * binomial → logit, poisson → log). The same object is returned on every call.
 *
 * @throws {CausalPanelError} `invalid_option` for an unknown family or a link the family does not support
 * @example
 * const logit = glmFamily('binomial', 'logit');
 * logit.linkinv(0); // 0.5
 * logit.muEta(33); // 2.220446049250313e-16 (R 4.2.2 binomial()$mu.eta(33))
 * glmFamily('gaussian').link; // 'identity'
 */
export function glmFamily(family: FamilyName = 'gaussian', link?: LinkName, fn = 'glm'): GlmFamily {
  if (family === 'gaussian') {
    if (link === undefined || link === 'identity') return GAUSSIAN_IDENTITY;
    throw new CausalPanelError('invalid_option', `${fn}: the gaussian family supports link "identity" only (got ${JSON.stringify(link)})`, { fn, option: 'link', value: link });
  }
  if (family === 'binomial') {
    if (link === undefined || link === 'logit') return BINOMIAL_LOGIT;
    if (link === 'probit') return BINOMIAL_PROBIT;
    throw new CausalPanelError('invalid_option', `${fn}: the binomial family supports links "logit" and "probit" (got ${JSON.stringify(link)})`, { fn, option: 'link', value: link });
  }
  if (family === 'poisson') {
    if (link === undefined || link === 'log') return POISSON_LOG;
    throw new CausalPanelError('invalid_option', `${fn}: the poisson family supports link "log" only (got ${JSON.stringify(link)})`, { fn, option: 'link', value: link });
  }
  throw new CausalPanelError('invalid_option', `${fn}: family must be "gaussian", "binomial" or "poisson" (got ${JSON.stringify(family)})`, { fn, option: 'family', value: family });
}
