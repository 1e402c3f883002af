/**
 * irls vs R 4.2.2 glm(): the propensity model of fixtures/oracles/matchit_nearest.json
 * (MatchIt 4.5.1 records `glm(treat ~ age + educ + race + married + nodegree + re74 + re75,
 * family = binomial, data = lalonde)`), at R's default epsilon = 1e-8 (SEs from the last IRLS
 * weights, as summary.glm) and at the exact MLE (`propensityModelTightConvergence`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glmFamily } from '../../src/numerics/family.js';
import { irls } from '../../src/numerics/irls.js';
import { leastSquares } from '../../src/numerics/leastSquares.js';
import { lalondeDesign, type OracleCoefRow } from '../helpers/lalondeDesign.js';
import { expectClose } from '../helpers/expectClose.js';
import { coefficientRows, expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';

type Row = OracleCoefRow;
const oracle = JSON.parse(readFileSync(new URL('../../fixtures/oracles/matchit_nearest.json', import.meta.url), 'utf8')) as {
  call: string;
  results: { propensityModel: Row[]; propensityModelTightConvergence: Row[] };
};


describe('irls reproduces R glm(binomial) — MatchIt 4.5.1 propensity model on lalonde', () => {
  const expected = oracle.results.propensityModel;
  const terms = expected.map((r) => r.term);
  const { X, y, n, k } = lalondeDesign(terms);

  it('term names are the R model-matrix names of the oracle call', () => {
    expect(oracle.call).toContain('treat ~ age + educ + race + married + nodegree + re74 + re75');
    expect(terms).toEqual(['(Intercept)', 'age', 'educ', 'racehispan', 'racewhite', 'married', 'nodegree', 're74', 're75']);
  });

  it('default epsilon 1e-8: coefficients and SEs (from the last IRLS weights) match R to 1e-10 (measured 1e-15)', () => {
    const fit = irls(X, n, k, y, { family: 'binomial', link: 'logit' });
    expect(fit.converged).toBe(true);
    expect(fit.separation).toBe(false);
    expect(fit.rank).toBe(k);
    expectEstimatesMatch(coefficientRows(terms, fit.coef, fit.xtwxInverse), expected, { estimate: 1e-10, stdError: 1e-10 }, { ordered: true });
  });

  it('exact MLE (R epsilon = 1e-15, then one pass from that solution): coefficients and SEs to 1e-10 (measured 7e-16)', () => {
    const tight = oracle.results.propensityModelTightConvergence;
    const mle = irls(X, n, k, y, { family: 'binomial', link: 'logit', epsilon: 1e-15, maxIterations: 100 });
    const fit = irls(X, n, k, y, { family: 'binomial', link: 'logit', start: mle.coef, maxIterations: 1 });
    expectEstimatesMatch(coefficientRows(terms, mle.coef, fit.xtwxInverse), tight, { estimate: 1e-10, stdError: 1e-10 }, { ordered: true });
  });

  it('collinear column (race dummy duplicated): dropped as R glm does (NA), other estimates unchanged', () => {
    const Xd = new Float64Array(n * (k + 1));
    Xd.set(X);
    Xd.set(X.subarray(4 * n, 5 * n), k * n); // copy of racewhite as the last column
    const full = irls(X, n, k, y, { family: 'binomial', link: 'logit' });
    const fit = irls(Xd, n, k + 1, y, { family: 'binomial', link: 'logit' });
    expect(fit.rank).toBe(k);
    expect(Number.isNaN(fit.coef[k]!)).toBe(true);
    for (let j = 0; j < k; j++) {
      expectClose(fit.coef[j]!, full.coef[j]!, 1e-12, `coef ${terms[j]}`);
      expectClose(fit.xtwxInverse[j + j * k]!, full.xtwxInverse[j + j * k]!, 1e-10, `var ${terms[j]}`);
    }
  });

  it('integer prior weights equal replicated rows (R glm weights = case counts)', () => {
    const weights = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const rows: number[] = [];
    for (let i = 0; i < n; i++) for (let r = 0; r < weights[i]!; r++) rows.push(i);
    const m = rows.length;
    const Xr = new Float64Array(m * k);
    for (let j = 0; j < k; j++) for (let r = 0; r < m; r++) Xr[r + j * m] = X[rows[r]! + j * n]!;
    const yr = Float64Array.from(rows, (i) => y[i]!);
    const weighted = irls(X, n, k, y, { family: 'binomial', link: 'logit', weights, epsilon: 1e-14, maxIterations: 50 });
    const replicated = irls(Xr, m, k, yr, { family: 'binomial', link: 'logit', epsilon: 1e-14, maxIterations: 50 });
    // Covariances at the same point (one pass from the common solution): the converged fits'
    // covariances use the previous iterate's weights, which differ along the two paths.
    const atW = irls(X, n, k, y, { family: 'binomial', link: 'logit', weights, start: weighted.coef, maxIterations: 1 });
    const atR = irls(Xr, m, k, yr, { family: 'binomial', link: 'logit', start: weighted.coef, maxIterations: 1 });
    for (let j = 0; j < k; j++) {
      expectClose(weighted.coef[j]!, replicated.coef[j]!, 1e-9, `coef ${terms[j]}`);
      expectClose(atW.xtwxInverse[j + j * k]!, atR.xtwxInverse[j + j * k]!, 1e-10, `var ${terms[j]}`);
    }
    expectClose(weighted.deviance, replicated.deviance, 1e-10, 'deviance');
  });

  it('probit link: score equations Xᵀ(y − μ)μ\'/V = 0 hold at the converged fit (R glm probit solves them)', () => {
    const fit = irls(X, n, k, y, { family: 'binomial', link: 'probit', epsilon: 1e-14, maxIterations: 100 });
    const { muEta } = glmFamily('binomial', 'probit');
    for (let j = 0; j < k; j++) {
      let score = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        const mu = fit.fitted[i]!;
        const term = (X[i + j * n]! * (y[i]! - mu) * muEta(fit.linearPredictor[i]!)) / (mu * (1 - mu));
        score += term;
        scale += Math.abs(term);
      }
      expect(Math.abs(score) / scale).toBeLessThan(1e-8);
    }
  });
});

describe('irls: gaussian identity equals least squares; R family clamping; separation flag', () => {
  it('gaussian/identity: coefficients and (XᵀX)⁻¹ equal leastSquares, converges in 2 iterations as R', () => {
    const n = 8;
    const X = Float64Array.from([...Array(n).fill(1), 1, 3, 2, 5, 4, 6, 8, 7]);
    const y = Float64Array.of(2.1, 3.9, 3.2, 6.8, 5.1, 7.2, 9.9, 8.1);
    const fit = irls(X, n, 2, y, { family: 'gaussian', link: 'identity' });
    const ls = leastSquares(X, n, 2, y);
    expectClose(fit.coef[0]!, ls.coef[0]!, 1e-13, 'intercept');
    expectClose(fit.coef[1]!, ls.coef[1]!, 1e-13, 'slope');
    expectClose(fit.xtwxInverse[3]!, ls.xtxInverse[3]!, 1e-13, '(XᵀX)⁻¹[1,1]');
    expectClose(fit.deviance, ls.rss, 1e-12, 'deviance = RSS');
    expect(fit.iterations).toBe(2);
  });
  it('logit inverse link clamps at DBL_EPSILON beyond |η| > 30 (R family.c)', () => {
    const { linkinv, muEta } = glmFamily('binomial', 'logit');
    const eps = 2.220446049250313e-16;
    expectClose(linkinv(-31), eps / (1 + eps), 1e-15, 'linkinv(-31)');
    expectClose(linkinv(31), 1 / eps / (1 + 1 / eps), 1e-15, 'linkinv(31)');
    expect(muEta(40)).toBe(eps);
    expectClose(linkinv(0.3), 1 / (1 + Math.exp(-0.3)), 1e-15, 'linkinv(0.3)');
  });
  it('perfectly separated data: fitted probabilities numerically 0/1 are flagged (R warning)', () => {
    const n = 6;
    const X = Float64Array.from([...Array(n).fill(1), 1, 2, 3, 4, 5, 6]);
    const y = Float64Array.of(0, 0, 0, 1, 1, 1);
    const fit = irls(X, n, 2, y, { family: 'binomial', link: 'logit' });
    expect(fit.separation).toBe(true);
    expect(fit.separationCount).toBeGreaterThan(0);
  });
  it('bad inputs throw typed errors', () => {
    const X = Float64Array.of(1, 1, 0, 1);
    expect(() => irls(X, 2, 2, Float64Array.of(0, 2), { family: 'binomial', link: 'logit' })).toThrow(/binomial y must be in \[0, 1\]/);
    expect(() => irls(X, 2, 2, Float64Array.of(0, 1), { family: 'gaussian', link: 'logit' })).toThrow(/family\/link/);
  });
});
