/**
 * The GLM family records (src/numerics/family.ts) against R 4.2.2's own family functions
 * (Debian r-base-core 4.2.2.20221110-2), at ordinary and extreme η. Every expected value below was
 * printed by R with `sprintf("%.17g", …)`:
 *
 *   eta <- c(-40, -33, -30.5, -30, -5, -1, 0, 0.5, 1, 5, 30, 30.5, 33, 40)
 *   for (l in c("logit", "probit")) { f <- binomial(link = l)
 *     f$linkinv(eta); f$mu.eta(eta); f$linkfun(c(1e-10, 0.25, 0.5, 0.9999)) }
 *   binomial()$dev.resids(c(0, 1, 0.3, 1, 0), c(0.2, 0.7, 0.4, .Machine$double.eps, 1 - .Machine$double.eps), c(1, 2, 3, 1, 1))
 *   gaussian()$dev.resids(c(1.5, -2), c(0.3, 1), c(2, 0.5)); binomial()$variance(c(0.2, 0.5, .Machine$double.eps))
 *   binomial()$aic(c(0, 1, 0.5, 1, 0), rep(1, 5), c(0.2, 0.7, 0.4, 0.9, 0.1), c(1, 2, 4, 3, 0), 0)
 *   binomial()$aic(c(0, 1, 1, 0), rep(1, 4), c(0.2, 0.7, 0.9, 0.1), rep(1, 4), 0)
 *   gaussian()$aic(1:3, rep(1, 3), c(1.1, 1.9, 3.2), c(1, 2, 0.5), 0.4); gaussian()$aic(1:3, rep(1, 3), c(1.1, 1.9, 3.2), rep(1, 3), 0.06)
 *   -qnorm(.Machine$double.eps); dnorm(c(5.5, 7.25, 38.5, 38.6))
 *
 * Tolerances: clamped values must be identical (they are constants in R). Elsewhere dnorm repeats
 * R's operations one for one and the logit forms R's t/(1 + t) and t/(1 + t)² as t·r and t·r·r
 * with r = 1/(1 + t) (one division per row in the IRLS passes); with V8's exponential instead of
 * the C library's, that is 4 ulp. Φ and Φ⁻¹ come from stdlib (numerics/distributions.ts): Φ agrees with R's
 * pnorm to ~1e-14 relative in the far tail (1e-13 here); Φ⁻¹ to 1 ulp in the bulk but only to
 * 2e-9 relative at μ = 1e-10 (stdlib computes √2·erfinv(2μ − 1), which loses the tail's digits in
 * 2μ − 1; R's qnorm uses Wichura's AS 241), so the probit linkfun is checked to 1e-8 there.
 */
import { describe, expect, it } from 'vitest';
import { DBL_EPSILON, PROBIT_THRESH, dnorm, glmFamily, logitMuEta } from '../../src/numerics/family.js';
import { expectClose } from '../helpers/expectClose.js';
import { thrown } from '../helpers/thrown.js';

const ULP4 = 4 * DBL_EPSILON;
const etas = [-40, -33, -30.5, -30, -5, -1, 0, 0.5, 1, 5, 30, 30.5, 33, 40];
const R = {
  logit: {
    linkinv: [2.2204460492503126e-16, 2.2204460492503126e-16, 2.2204460492503126e-16, 9.3576229688393001e-14, 0.0066928509242848563, 0.2689414213699951, 0.5, 0.62245933120185459, 0.7310585786300049, 0.99330714907571516, 0.99999999999990641, 0.99999999999999978, 0.99999999999999978, 0.99999999999999978],
    muEta: [2.2204460492503131e-16, 2.2204460492503131e-16, 2.2204460492503131e-16, 9.3576229688384254e-14, 0.0066480566707901563, 0.19661193324148188, 0.25, 0.23500371220159449, 0.19661193324148185, 0.0066480566707901546, 9.3576229688384229e-14, 2.2204460492503131e-16, 2.2204460492503131e-16, 2.2204460492503131e-16],
    linkfun: [-23.025850929840455, -1.0986122886681098, 0, 9.2102403669759596],
  },
  probit: {
    linkinv: [2.2204460492503284e-16, 2.2204460492503284e-16, 2.2204460492503284e-16, 2.2204460492503284e-16, 2.8665157187919391e-7, 0.15865525393145705, 0.5, 0.69146246127401301, 0.84134474606854293, 0.99999971334842808, 0.99999999999999978, 0.99999999999999978, 0.99999999999999978, 0.99999999999999978],
    muEta: [2.2204460492503131e-16, 2.2204460492503131e-16, 2.2204460492503131e-16, 2.2204460492503131e-16, 1.4867195147342977e-6, 0.24197072451914337, 0.3989422804014327, 0.35206532676429952, 0.24197072451914337, 1.4867195147342977e-6, 2.2204460492503131e-16, 2.2204460492503131e-16, 2.2204460492503131e-16, 2.2204460492503131e-16],
    linkfun: [-6.3613409024040557, -0.67448975019608171, 0, 3.7190164854557084],
  },
} as const;
const linkfunAt = [1e-10, 0.25, 0.5, 0.9999];

describe("logit: R's family.c clamping (logit_linkinv, logit_mu_eta)", () => {
  const logit = glmFamily('binomial', 'logit');
  it.each(etas.map((eta, i) => [eta, i] as const))('η = %d: linkinv and mu.eta as R', (eta, i) => {
    const clamped = Math.abs(eta) > 30;
    if (clamped) {
      expect(logit.linkinv(eta)).toBe(R.logit.linkinv[i]);
      expect(logit.muEta(eta)).toBe(R.logit.muEta[i]);
    } else {
      expectClose(logit.linkinv(eta), R.logit.linkinv[i]!, ULP4, `linkinv(${eta})`);
      expectClose(logit.muEta(eta), R.logit.muEta[i]!, ULP4, `mu.eta(${eta})`);
    }
  });
  it('mu.eta(33) is DBL_EPSILON = 2.220446e-16, not e^33/(1 + e^33)² ≈ 4.66e-15', () => {
    expect(logitMuEta(33)).toBe(2.220446049250313e-16);
    expect(logit.muEta(-33)).toBe(DBL_EPSILON);
  });
  it('linkfun = log(μ/(1 − μ))', () => {
    linkfunAt.forEach((mu, i) => expectClose(logit.linkfun(mu), R.logit.linkfun[i]!, ULP4, `linkfun(${mu})`, { absTol: 0 }));
  });
});

describe("probit: η clamped to ±(−qnorm(DBL_EPSILON)), mu.eta = pmax(dnorm(η), DBL_EPSILON)", () => {
  const probit = glmFamily('binomial', 'probit');
  it('the threshold is R\'s −qnorm(.Machine$double.eps) = 8.125890664701906', () => {
    expect(PROBIT_THRESH).toBe(8.125890664701906);
  });
  it.each(etas.map((eta, i) => [eta, i] as const))('η = %d: linkinv and mu.eta as R', (eta, i) => {
    expectClose(probit.linkinv(eta), R.probit.linkinv[i]!, 1e-13, `linkinv(${eta})`);
    // linkinv is constant beyond the threshold, as in R
    if (Math.abs(eta) > PROBIT_THRESH) expect(probit.linkinv(eta)).toBe(probit.linkinv(Math.sign(eta) * 1e6));
    if (Math.abs(eta) >= 30) expect(probit.muEta(eta)).toBe(R.probit.muEta[i]);
    else expectClose(probit.muEta(eta), R.probit.muEta[i]!, ULP4, `mu.eta(${eta})`);
  });
  it('linkfun = qnorm(μ) (stdlib\'s quantile: 2e-9 relative at μ = 1e-10, see the header)', () => {
    linkfunAt.forEach((mu, i) => expectClose(probit.linkfun(mu), R.probit.linkfun[i]!, mu < 1e-6 ? 1e-8 : 1e-15, `linkfun(${mu})`, { absTol: 0 }));
  });
  it("dnorm as R's nmath/dnorm.c, including the split exponent above 5 and underflow above 38.568", () => {
    expectClose(dnorm(5.5), 1.0769760042543276e-7, ULP4, 'dnorm(5.5)');
    expectClose(dnorm(7.25), 1.538537950561275e-12, ULP4, 'dnorm(7.25)');
    expectClose(dnorm(-38.5), 5.434722104253712e-323, 1e-3, 'dnorm(-38.5) (subnormal)');
    expect(dnorm(38.6)).toBe(0);
    expect(dnorm(NaN)).toBeNaN();
  });
});

describe('variance, dev.resids, initialize and aic as R', () => {
  const logit = glmFamily('binomial', 'logit');
  const gaussian = glmFamily('gaussian');
  it('binomial dev.resids 2·wt·(y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))), also at clamped μ', () => {
    const y = [0, 1, 0.3, 1, 0];
    const mu = [0.2, 0.7, 0.4, DBL_EPSILON, 1 - DBL_EPSILON];
    const wt = [1, 2, 3, 1, 1];
    const expected = [0.44628710262841953, 1.4266997757549296, 0.12960512486127923, 72.087306778234307, 72.087306778234307];
    y.forEach((yi, i) => expectClose(logit.devResid(yi, mu[i]!, wt[i]!), expected[i]!, ULP4, `dev.resids[${i}]`));
  });
  it('gaussian dev.resids wt·(y − μ)², variances', () => {
    expectClose(gaussian.devResid(1.5, 0.3, 2), 2.8799999999999999, ULP4, 'gaussian dev.resids[0]');
    expectClose(gaussian.devResid(-2, 1, 0.5), 4.5, ULP4, 'gaussian dev.resids[1]');
    expect([0.2, 0.5, DBL_EPSILON].map(logit.variance)).toEqual([0.16000000000000003, 0.25, 2.2204460492503126e-16]);
    expect(gaussian.variance(3)).toBe(1);
    expect(gaussian.muEta(3)).toBe(1);
  });
  it('mustart: binomial (wt·y + ½)/(wt + 1), gaussian y', () => {
    expect(logit.mustart(1, 1)).toBe(0.75);
    expect(logit.mustart(0, 3)).toBe(0.125);
    expect(gaussian.mustart(2.5, 7)).toBe(2.5);
  });
  it('aic: binomial with integer, fractional-success and zero weights; gaussian with weights', () => {
    expectClose(logit.aic([0, 1, 0.5, 1, 0], [0.2, 0.7, 0.4, 0.9, 0.1], [1, 2, 4, 3, 0], 0), 4.6300964564347797, 1e-14, 'binomial aic (weights)');
    expectClose(logit.aic([0, 1, 1, 0], [0.2, 0.7, 0.9, 0.1], [1, 1, 1, 1], 0), 1.5810790531371894, 1e-14, 'binomial aic');
    expectClose(gaussian.aic([1, 2, 3], [1.1, 1.9, 3.2], [1, 2, 0.5], 0.4), 4.4689221376012416, 1e-14, 'gaussian aic (weights)');
    expectClose(gaussian.aic([1, 2, 3], [1.1, 1.9, 3.2], [1, 1, 1], 0.06), -1.2224378170564019, 1e-14, 'gaussian aic');
    // R: a zero prior weight makes the gaussian AIC +Inf (−Σ log wt)
    expect(gaussian.aic([1, 2, 3], [1.1, 1.9, 3.2], [1, 0, 1], 0.06)).toBe(Infinity);
  });
});

describe('glmFamily: frozen records, R defaults, typed errors', () => {
  it('defaults: gaussian → identity, binomial → logit; the same frozen object every time', () => {
    expect(glmFamily('gaussian').link).toBe('identity');
    expect(glmFamily('binomial').link).toBe('logit');
    expect(glmFamily('binomial', 'logit')).toBe(glmFamily('binomial'));
    expect(Object.isFrozen(glmFamily('binomial', 'probit'))).toBe(true);
  });
  it.each([
    ['gaussian', 'logit'],
    ['binomial', 'identity'],
    ['poisson', 'logit'],
    ['gamma', undefined],
  ])('%s/%s throws invalid_option', (family, link) => {
    const error = thrown(() => glmFamily(family as 'gaussian', link as 'logit' | undefined, 'glm'));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(/^glm: /);
  });
});
