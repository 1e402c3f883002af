/**
 * irls's binomial probit path and its `start` option (R glm's `start =`), as used by mediate's
 * bootstrap refits (src/estimators/mediation/simulate.ts): against R 4.2.2 `glm(employed ~ treat
 * + job_seek + econ_hard + sex + age, jobs, family = binomial('probit'))` as recorded by
 * fixtures/oracles/mediation_jobs_probit_outcome_boot.json (mediation 4.5.1), and against
 * hand-derivable values of R's `dnorm` (μ'(η) of the probit link).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glmFamily } from '../../src/numerics/family.js';
import { irls } from '../../src/numerics/irls.js';
import { createRng } from '../../src/numerics/random.js';
import { loadDataset } from '../helpers/oracle.js';
import { expectClose } from '../helpers/expectClose.js';
import { coefficientRows, expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';

interface Row { term: string; estimate: number; stdError: number }
const ref = JSON.parse(readFileSync(new URL('../../fixtures/oracles/mediation_jobs_probit_outcome_boot.json', import.meta.url), 'utf8')) as {
  call: string;
  results: { outcomeModel: Row[] };
};

/** jobs.csv → the outcome model's design (n×6, column-major) and employed = (work1 == 'psyemp'). */
function jobsProbitDesign(): { X: Float64Array; y: Float64Array; n: number; k: number } {
  const jobs = loadDataset('jobs.csv');
  const terms = ['(Intercept)', 'treat', 'job_seek', 'econ_hard', 'sex', 'age'];
  const n = jobs.nrow;
  const k = terms.length;
  const X = new Float64Array(n * k);
  X.fill(1, 0, n);
  terms.slice(1).forEach((term, j) => X.set(Float64Array.from(jobs.column(term) as ArrayLike<number>), (j + 1) * n));
  const work1 = jobs.column('work1') as readonly (string | null)[];
  return { X, y: Float64Array.from(work1, (w) => (w === 'psyemp' ? 1 : 0)), n, k };
}

describe(`irls probit vs R 4.2.2 glm (mediation 4.5.1 oracle: ${ref.call.split(';')[2]!.trim()})`, () => {
  const { X, y, n, k } = jobsProbitDesign();
  const rows = ref.results.outcomeModel;

  for (const solver of ['auto', 'qr'] as const) {
    it(`solver '${solver}': coefficients and SEs (from the last IRLS weights, as summary.glm) match R to 1e-9`, () => {
      const fit = irls(X, n, k, y, { family: 'binomial', link: 'probit', solver });
      expect(fit.converged).toBe(true);
      expectEstimatesMatch(coefficientRows(rows.map((r) => r.term), fit.coef, fit.xtwxInverse), rows, { estimate: 1e-9, stdError: 1e-9 }, { ordered: true });
    });
  }

  it('start = R coefficients (glm(start =)) on bootstrap case weights: same MLE as the cold start at ε = 1e-15 (1e-7), fewer iterations at R’s default ε', () => {
    const full = irls(X, n, k, y, { family: 'binomial', link: 'probit' });
    const rng = createRng(7);
    let warmIterations = 0;
    let coldIterations = 0;
    for (let b = 0; b < 20; b++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) w[rng.int(n)]! += 1;
      const cold = irls(X, n, k, y, { family: 'binomial', link: 'probit', weights: w, epsilon: 1e-15, maxIterations: 100 });
      const warm = irls(X, n, k, y, { family: 'binomial', link: 'probit', weights: w, start: full.coef, epsilon: 1e-15, maxIterations: 100 });
      expect(warm.converged).toBe(true);
      // Fisher scoring for the (non-canonical) probit converges linearly and the deviance test only
      // pins coefficients to ~√(ε·dev/λ) ≈ 1e-8 (the same spread between R's QR path and ours)
      for (let j = 0; j < k; j++) expectClose(warm.coef[j]!, cold.coef[j]!, 1e-7, `resample ${b} coef ${j}`, { absTol: 1e-7 });
      warmIterations += irls(X, n, k, y, { family: 'binomial', link: 'probit', weights: w, start: full.coef }).iterations;
      coldIterations += irls(X, n, k, y, { family: 'binomial', link: 'probit', weights: w }).iterations;
    }
    expect(warmIterations).toBeLessThan(coldIterations);
  });

  it('start at the converged coefficients: R stops at iteration 1 (|Δdev|/(|dev| + 0.1) < ε) with unchanged deviance', () => {
    const full = irls(X, n, k, y, { family: 'binomial', link: 'probit', epsilon: 1e-14, maxIterations: 100 });
    const again = irls(X, n, k, y, { family: 'binomial', link: 'probit', start: full.coef });
    expect(again.iterations).toBe(1);
    expectClose(again.deviance, full.deviance, 1e-12, 'deviance');
  });
});

describe("probit μ'(η) = max(dnorm(η), DBL_EPSILON) as R's binomial('probit')$mu.eta (nmath/dnorm.c)", () => {
  const { muEta } = glmFamily('binomial', 'probit');
  it('equals e^(−η²/2)/√(2π) below |η| = 5 and in the split-exponent range 5–8.1 (1e-14)', () => {
    for (const x of [0, 0.5, -1.3, 2, 4.99, 5, -6, 7.5, 8.1]) {
      expectClose(muEta(x), Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI), 1e-14, `φ(${x})`);
    }
    expectClose(muEta(0), 0.3989422804014327, 1e-15, 'φ(0) = 1/√(2π)');
  });
  it('is clamped at DBL_EPSILON where φ(η) < DBL_EPSILON (|η| > 8.38) and at ±∞', () => {
    for (const x of [8.5, -9, 40, -1e10, Infinity]) expect(muEta(x)).toBe(2.220446049250313e-16);
  });
});
