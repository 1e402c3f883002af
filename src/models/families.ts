/**
 * GLM families and links used by `glm`: inverse link, dμ/dη, variance function, unit deviance,
 * and R's `aic()` pieces — gaussian(identity) and binomial(logit | probit), as R's `family`
 * objects (stats/R/family.R).
 */
import { CausalPanelError } from '../errors.js';
import { normalCdf, normalPdf, normalQuantile } from '../numerics/distributions.js';

/** Supported families. */
export type FamilyName = 'gaussian' | 'binomial';
/** Supported links. */
export type LinkName = 'identity' | 'logit' | 'probit';

/** A family with its link, as R's `family` object. */
export interface Family {
  readonly family: FamilyName;
  readonly link: LinkName;
  /** μ = g⁻¹(η). */
  linkinv(eta: number): number;
  /** η = g(μ). */
  linkfun(mu: number): number;
  /** dμ/dη. */
  muEta(eta: number): number;
  /** V(μ). */
  variance(mu: number): number;
  /** Unit deviance d(y, μ) (times the prior weight gives R's `dev.resids`). */
  unitDeviance(y: number, mu: number): number;
}

// R's binomial links clamp μ away from 0 and 1 by DBL_EPSILON (logit) / the probit thresholds.
const EPS = 2.220446049250313e-16;
const PROBIT_THRESH = -normalQuantile(EPS);

function ylogy(y: number, mu: number): number {
  return y > 0 ? y * Math.log(y / mu) : 0;
}

/**
 * The family object for `family` and `link` (defaults: gaussian → identity, binomial → logit).
 *
 * @throws {CausalPanelError} `invalid_option` for an unsupported family or link
 * @example
 * makeFamily('binomial', 'logit').linkinv(0); // 0.5
 */
export function makeFamily(family: FamilyName = 'gaussian', link?: LinkName, fn = 'glm'): Family {
  if (family === 'gaussian') {
    if (link !== undefined && link !== 'identity') {
      throw new CausalPanelError('invalid_option', `${fn}: the gaussian family supports link "identity" only (got "${link}")`, { fn, option: 'link', value: link });
    }
    return Object.freeze({
      family,
      link: 'identity',
      linkinv: (eta: number) => eta,
      linkfun: (mu: number) => mu,
      muEta: () => 1,
      variance: () => 1,
      unitDeviance: (y: number, mu: number) => (y - mu) * (y - mu),
    });
  }
  if (family !== 'binomial') {
    throw new CausalPanelError('invalid_option', `${fn}: family must be "gaussian" or "binomial" (got ${JSON.stringify(family)})`, { fn, option: 'family', value: family });
  }
  const variance = (mu: number) => mu * (1 - mu);
  const unitDeviance = (y: number, mu: number) => 2 * (ylogy(y, mu) + ylogy(1 - y, 1 - mu));
  const chosen = link ?? 'logit';
  if (chosen === 'logit') {
    return Object.freeze({
      family,
      link: 'logit',
      linkinv: (eta: number) => {
        const e = Math.exp(-Math.abs(eta));
        const mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
        return Math.min(Math.max(mu, EPS), 1 - EPS);
      },
      linkfun: (mu: number) => Math.log(mu / (1 - mu)),
      muEta: (eta: number) => {
        const e = Math.exp(-Math.abs(eta));
        return Math.max(e / ((1 + e) * (1 + e)), EPS);
      },
      variance,
      unitDeviance,
    });
  }
  if (chosen === 'probit') {
    return Object.freeze({
      family,
      link: 'probit',
      linkinv: (eta: number) => normalCdf(Math.min(Math.max(eta, -PROBIT_THRESH), PROBIT_THRESH)),
      linkfun: (mu: number) => normalQuantile(mu),
      muEta: (eta: number) => Math.max(normalPdf(eta), EPS),
      variance,
      unitDeviance,
    });
  }
  throw new CausalPanelError('invalid_option', `${fn}: the binomial family supports links "logit" and "probit" (got ${JSON.stringify(link)})`, { fn, option: 'link', value: link });
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/**
 * R's AIC of a fitted GLM: family `aic()` + 2·rank (gaussian counts the dispersion: + 2).
 *
 * gaussian: n·(log(2π·dev/n) + 1) + 2 − Σ log wᵢ; binomial: −2 Σ (wᵢ/mᵢ)·log dbinom(mᵢyᵢ; mᵢ, μᵢ)
 * with mᵢ = wᵢ (R's `binomial()$aic`).
 *
 * @example
 * glmAic(makeFamily('binomial'), Float64Array.of(0, 1), Float64Array.of(0.5, 0.5), undefined, 2 * 2 * Math.log(2), 1); // 4·log 2 + 2
 */
export function glmAic(family: Family, y: Float64Array, mu: Float64Array, weights: Float64Array | undefined, deviance: number, rank: number): number {
  const n = y.length;
  if (family.family === 'gaussian') {
    let nobs = 0;
    let logw = 0;
    for (let i = 0; i < n; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      if (w > 0) {
        nobs++;
        logw += Math.log(w);
      }
    }
    return nobs * (Math.log((2 * Math.PI * deviance) / nobs) + 1) + 2 - logw + 2 * rank;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const m = weights === undefined ? 1 : weights[i]!;
    if (!(m > 0)) continue;
    const trials = Math.round(m);
    const successes = Math.round(m * y[i]!);
    const p = mu[i]!;
    const logDensity = logChoose(trials, successes) + (successes > 0 ? successes * Math.log(p) : 0) + (trials - successes > 0 ? (trials - successes) * Math.log(1 - p) : 0);
    total += logDensity; // (w/m) = 1 when m = w
  }
  return -2 * total + 2 * rank;
}
