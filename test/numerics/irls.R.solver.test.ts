/**
 * irls's two weighted-least-squares solvers: the default `'auto'` (normal equations formed in the
 * same pass as η, μ and the deviance, Cholesky of the scaled XᵀWX, final refinement; R's pivoted
 * QR when the design is ill-conditioned or collinear) against `'qr'` (R 4.2.2 glm.fit's
 * pivoted Householder QR at every iteration) and against R's glm() on lalonde
 * (fixtures/oracles/matchit_nearest.json, MatchIt 4.5.1's
 * `glm(treat ~ age + educ + race + married + nodegree + re74 + re75, family = binomial)`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CausalPanelError } from '../../src/errors.js';
import { irls, type IrlsOptions } from '../../src/numerics/irls.js';
import { createRng } from '../../src/numerics/random.js';
import { lalondeDesign, type OracleCoefRow } from '../helpers/lalondeDesign.js';
import { expectClose, relativeError } from '../helpers/expectClose.js';
import { coefficientRows, expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';

type Row = OracleCoefRow;
const oracle = JSON.parse(readFileSync(new URL('../../fixtures/oracles/matchit_nearest.json', import.meta.url), 'utf8')) as {
  results: { propensityModel: Row[] };
};


/** A simulated logit design: intercept + (k − 1) covariates, P(y = 1) = logistic(Xβ). */
function simulated(n: number, k: number, seed: number): { X: Float64Array; y: Float64Array } {
  const rng = createRng(seed);
  const X = new Float64Array(n * k);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i] = 1;
    let eta = -0.4;
    for (let j = 1; j < k; j++) {
      const x = rng.normal() + 0.5 * j;
      X[j * n + i] = x;
      eta += (j % 2 === 0 ? -0.6 : 0.8) * x;
    }
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X, y };
}

/** Largest relative differences between two fits (coefficients, SEs, fitted values, deviance). */
function compare(a: ReturnType<typeof irls>, b: ReturnType<typeof irls>, k: number) {
  let coef = 0;
  let se = 0;
  let fitted = 0;
  for (let j = 0; j < k; j++) {
    coef = Math.max(coef, relativeError(a.coef[j]!, b.coef[j]!));
    se = Math.max(se, relativeError(Math.sqrt(a.xtwxInverse[j + j * k]!), Math.sqrt(b.xtwxInverse[j + j * k]!)));
  }
  for (let i = 0; i < a.fitted.length; i++) fitted = Math.max(fitted, relativeError(a.fitted[i]!, b.fitted[i]!));
  return { coef, se, fitted, deviance: relativeError(a.deviance, b.deviance) };
}

describe('irls solver "auto" vs "qr" and vs R 4.2.2 glm(binomial) on lalonde (MatchIt 4.5.1 propensity model)', () => {
  const expected = oracle.results.propensityModel;
  const { X, y, n, k } = lalondeDesign(expected.map((r) => r.term));

  for (const solver of ['auto', 'qr'] as const) {
    it(`solver '${solver}': coefficients and SEs match R's glm to 1e-10`, () => {
      const fit = irls(X, n, k, y, { family: 'binomial', link: 'logit', solver });
      expect(fit.converged).toBe(true);
      expectEstimatesMatch(coefficientRows(expected.map((r) => r.term), fit.coef, fit.xtwxInverse), expected, { estimate: 1e-10, stdError: 1e-10 }, { ordered: true });
    });
  }
});

describe('irls solver "auto" (normal equations) equals "qr" (R glm.fit\'s QR) on well-conditioned simulated logits', () => {
  for (const [n, k] of [[20000, 2], [20000, 3], [5000, 6]] as const) {
    it(`n = ${n}, k = ${k}: same iterations; coefficients, SEs, fitted values and deviance within 1e-12`, () => {
      const { X, y } = simulated(n, k, 11 + k);
      const options: IrlsOptions = { family: 'binomial', link: 'logit', epsilon: 1e-12, maxIterations: 50 };
      const auto = irls(X, n, k, y, options);
      const qr = irls(X, n, k, y, { ...options, solver: 'qr' });
      expect(auto.iterations).toBe(qr.iterations);
      const d = compare(auto, qr, k);
      expect(d.coef).toBeLessThan(1e-12);
      expect(d.se).toBeLessThan(1e-12);
      expect(d.fitted).toBeLessThan(1e-12);
      expect(d.deviance).toBeLessThan(1e-12);
      // the working weights of the last fit are R's fit$weights = μ(1 − μ) at its η
      for (let i = 0; i < n; i += 997) expectClose(auto.workingWeights[i]!, qr.workingWeights[i]!, 1e-12, `W[${i}]`);
    });
  }

  it('the MLE solves the score equations Xᵀ(y − μ) = 0 (hand-derivable optimality condition) to 1e-9 of Σ|x|', () => {
    const n = 30000;
    const k = 3;
    const { X, y } = simulated(n, k, 5);
    const fit = irls(X, n, k, y, { family: 'binomial', link: 'logit', epsilon: 1e-14, maxIterations: 50 });
    for (let j = 0; j < k; j++) {
      let score = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        score += X[j * n + i]! * (y[i]! - fit.fitted[i]!);
        scale += Math.abs(X[j * n + i]!);
      }
      expect(Math.abs(score) / scale).toBeLessThan(1e-9);
    }
  });

  it('prior weights, fractional responses, probit and gaussian families: auto equals qr within 1e-12', () => {
    const n = 8000;
    const k = 3;
    const { X, y } = simulated(n, k, 21);
    const rng = createRng(3);
    const weights = Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
    weights[7] = 0; // a zero-weight row (R: no contribution, y treated as 0)
    const fractional = Float64Array.from(y, (v, i) => (i % 3 === 0 ? 0.25 + 0.5 * v : v));
    const cases: [string, IrlsOptions, Float64Array][] = [
      ['weighted logit', { family: 'binomial', link: 'logit', weights }, y],
      ['fractional logit', { family: 'binomial', link: 'logit' }, fractional],
      ['probit', { family: 'binomial', link: 'probit' }, y],
      ['gaussian', { family: 'gaussian', link: 'identity', weights }, fractional],
    ];
    for (const [label, options, response] of cases) {
      const tight = { ...options, epsilon: 1e-13, maxIterations: 50 };
      const d = compare(irls(X, n, k, response, tight), irls(X, n, k, response, { ...tight, solver: 'qr' }), k);
      expect(d.coef, label).toBeLessThan(1e-12);
      expect(d.se, label).toBeLessThan(1e-12);
      expect(d.deviance, label).toBeLessThan(1e-12);
    }
  });

  it('a collinear column (x₃ = 2·x₂) is dropped as R does (NaN coefficient, rank k − 1) by both solvers', () => {
    const n = 3000;
    const { X: X2, y } = simulated(n, 2, 8);
    const X = new Float64Array(n * 3);
    X.set(X2);
    for (let i = 0; i < n; i++) X[2 * n + i] = 2 * X2[n + i]!;
    const auto = irls(X, n, 3, y, { family: 'binomial', link: 'logit' });
    const qr = irls(X, n, 3, y, { family: 'binomial', link: 'logit', solver: 'qr' });
    const reference = irls(X2, n, 2, y, { family: 'binomial', link: 'logit' });
    for (const fit of [auto, qr]) {
      expect(fit.rank).toBe(2);
      expect(Array.from(fit.kept)).toEqual([0, 1]);
      expect(Number.isNaN(fit.coef[2]!)).toBe(true);
      expectClose(fit.coef[1]!, reference.coef[1]!, 1e-12, 'slope');
    }
  });

  it("rejects an unknown solver with invalid_option", () => {
    const { X, y } = simulated(100, 2, 1);
    expect(() => irls(X, 100, 2, y, { family: 'binomial', link: 'logit', solver: 'lu' as 'qr' })).toThrow(CausalPanelError);
  });
});
