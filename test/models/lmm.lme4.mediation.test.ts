/**
 * lmm against the lme4 fits inside mediation's multilevel oracles (fixtures/oracles/mediation_multilevel_*.json:
 * the mediator and outcome lmer fits of the student/school and jobs examples, lme4 1.1-31 default
 * optimiser). Random-intercept fits agree to 1e-6; for random-slope fits lme4's default BOBYQA stops
 * short (as the hsb oracles' tight refits show), so they agree to ~2e-5, and lmm's optimum is at
 * least as good: its criterion at its own θ is ≤ the criterion at lme4's θ.
 */
import { describe, expect, it } from 'vitest';
import { lmm } from '../../src/models/lmm/lmm.js';
import type { LmmFit } from '../../src/models/lmm/lmmResult.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';
import { expectClose } from '../helpers/expectClose.js';

const student = loadDataset('student.csv');
const jobs = loadDataset('jobs.csv');

interface LmerParts {
  fixef: Record<string, number>;
  theta: Record<string, number>;
  sigma: number;
  stdError?: Record<string, number>;
  isSingular?: boolean;
}

function check(fit: LmerParts & { fit: LmmFit }, tol: { rel: number; thetaAbs: number }): void {
  const { fit: ours } = fit;
  for (const [term, value] of Object.entries(fit.fixef)) expectClose(ours.coef()[term]!, value, tol.rel, `fixef ${term}`);
  expect(Object.keys(ours.theta)).toEqual(Object.keys(fit.theta));
  for (const [name, value] of Object.entries(fit.theta)) expectClose(ours.theta[name]!, value, 0, `theta ${name}`, { absTol: tol.thetaAbs });
  expectClose(ours.sigma, fit.sigma, tol.rel, 'sigma');
  for (const [term, value] of Object.entries(fit.stdError ?? {})) expectClose(ours.se()[term]!, value, tol.rel, `SE ${term}`);
  if (fit.isSingular !== undefined) expect(ours.isSingular).toBe(fit.isSingular);
  // lmm's optimum is no worse than lme4's.
  const atLme4 = ours.devfun(Object.values(fit.theta));
  expect(ours.remlCriterion).toBeLessThanOrEqual(atLme4 + 1e-9 * Math.abs(atLme4));
}

const INTERCEPT = { rel: 1e-6, thetaAbs: 1e-6 };
const SLOPE = { rel: 1e-4, thetaAbs: 1e-4 };

describe('lmm vs the lmer fits of mediation_multilevel_student', () => {
  const o = loadOracle('mediation_multilevel_student').results;
  it('mediator: attachment ~ catholic + gender + income + pared + (1 | SCH_ID)', () => {
    check({ ...o.mediatorModel, fit: lmm('attachment ~ catholic + gender + income + pared + (1 | SCH_ID)', student, { ddf: 'normal' }) }, INTERCEPT);
  });
  it('outcome: score ~ catholic * attachment + gender + income + pared + (1 + attachment | SCH_ID)', () => {
    check({ ...o.outcomeModel, fit: lmm('score ~ catholic * attachment + gender + income + pared + (1 + attachment | SCH_ID)', student, { ddf: 'normal' }) }, SLOPE);
  });
});

describe('lmm vs the lmer fit of mediation_multilevel_school', () => {
  const o = loadOracle('mediation_multilevel_school').results;
  it('outcome: late ~ free + smorale + catholic + coed + gender + income + pared + (1 | SCH_ID), with SEs', () => {
    check({ ...o.outcomeModel, fit: lmm('late ~ free + smorale + catholic + coed + gender + income + pared + (1 | SCH_ID)', student, { ddf: 'normal' }) }, INTERCEPT);
  });
});

describe('lmm vs the lmer fits of mediation_multilevel_jobs_groupout', () => {
  const o = loadOracle('mediation_multilevel_jobs_groupout').results;
  it('mediator: job_seek ~ treat + econ_hard + (1 | educ)', () => {
    check({ ...o.mediatorModel, fit: lmm('job_seek ~ treat + econ_hard + (1 | educ)', jobs, { ddf: 'normal' }) }, INTERCEPT);
  });
  it('outcome: a singular fit, the treat variance on its bound (θ = 0 exactly, as lme4)', () => {
    const fit = lmm('depress2 ~ treat + job_seek + econ_hard + (1 + treat | occp)', jobs, { ddf: 'normal' });
    check({ ...o.outcomeModel, fit }, SLOPE);
    expect(fit.theta['occp.treat']).toBe(0);
    expect(fit.notes.map((n) => n.code)).toContain('singular_fit');
  });
});
