/**
 * glm against R 4.2.2 `glm` (via the oracle files that record it): the lalonde propensity model
 * of MatchIt 4.5.1 (fixtures/oracles/matchit_nearest.json, default epsilon and the exact MLE),
 * statsmodels 0.13.5's Newton logit (statsmodels_crosscheck.json), probit models of the
 * mediation files (mediation 4.5.1 oracles), and hand-derivable gaussian identities.
 */
import { describe, expect, it } from 'vitest';
import { glm } from '../../src/models/glm.js';
import { feols } from '../../src/models/feols.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';
import { expectFitMatches } from '../helpers/expectFitMatches.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';
import { thrown } from '../helpers/thrown.js';

const lalonde = loadDataset('lalonde.csv');
const jobs = loadDataset('jobs.csv');
const psFormula = 'treat ~ age + educ + race + married + nodegree + re74 + re75';
const matchit = loadOracle('matchit_nearest').results;

describe('glm(binomial) reproduces R glm on lalonde (MatchIt 4.5.1 propensity model)', () => {
  it('default epsilon = 1e-8: coefficients 1e-6, SEs 1e-5 (R takes SEs from the last IRLS weights)', () => {
    const fit = glm(psFormula, lalonde, { family: 'binomial' });
    expect(fit.converged).toBe(true);
    expect(fit.dist).toEqual({ kind: 'normal' });
    expectFitMatches(fit, { coefficients: matchit.propensityModel, nobs: 614 }, { coefRel: 1e-6, seRel: 1e-5, statRel: 1e-5, pRel: 1e-4 });
    // distance = fitted probabilities (MatchIt's distance).
    expectAllClose(fit.fitted().subarray(0, 10), matchit.distanceFirst10, 1e-6, 'distance');
  });
  it('tight convergence reaches the exact MLE (propensityModelTightConvergence; statsmodels agrees)', () => {
    const fit = glm(psFormula, lalonde, { family: 'binomial', epsilon: 1e-14, maxIterations: 100 });
    expectFitMatches(fit, { coefficients: matchit.propensityModelTightConvergence }, { coefRel: 1e-9, seRel: 1e-8, statRel: 1e-8, pRel: 1e-6 });
    const sm = loadOracle('statsmodels_crosscheck').results.logit_lalonde_propensity;
    expectFitMatches(fit, { coefficients: sm.coefficients }, { coefRel: 1e-9, seRel: 1e-8, statRel: 1e-8, pRel: 1e-6 });
  });
  it('predict(type = "response") on new data equals the fitted probabilities of the same rows', () => {
    const fit = glm(psFormula, lalonde, { family: 'binomial' });
    const rows = lalonde.take([0, 5, 100]);
    expectAllClose(fit.predict(rows, { type: 'response' }), [0, 5, 100].map((i) => fit.fitted()[i]!), 1e-12, 'predict');
    const eta = fit.predict(rows);
    expectClose(1 / (1 + Math.exp(-eta[0]!)), fit.fitted()[0]!, 1e-12, 'link → response');
  });
  it('deviance, null deviance and AIC are consistent: AIC = deviance + 2k for 0/1 data (R identity)', () => {
    const fit = glm(psFormula, lalonde, { family: 'binomial' });
    expectClose(fit.aic, fit.deviance + 2 * fit.k, 1e-12, 'aic');
    // Null model: p̂ = 185/614 → −2 Σ log-lik.
    const p = 185 / 614;
    expectClose(fit.nullDeviance, -2 * (185 * Math.log(p) + 429 * Math.log(1 - p)), 1e-12, 'null deviance');
  });
});

describe('glm robust variance uses the fit\'s working weights and residuals (R 4.2.2 estfun.glm)', () => {
  // R 4.2.2, lalonde.csv: g <- glm(treat ~ age + educ + race + married + nodegree + re74 + re75,
  //   data = d, family = binomial(link)); X <- model.matrix(g)
  //   ef <- residuals(g, "working") * weights(g, "working") * X   # sandwich::estfun.glm
  //   sqrt(diag(vcov(g) %*% crossprod(ef) %*% vcov(g)))           # HC0
  //   c(AIC(g), deviance(g), g$null.deviance)                      # printed with sprintf("%.17g")
  const R = {
    logit: {
      hc0: [0.9075091437325995, 0.013316481769649266, 0.059698819463404988, 0.3690046106944801, 0.28964858201074295, 0.28658869803310516, 0.3385258677008342, 3.1478725570061138e-5, 4.4822452847423397e-5],
      aicDevNull: [505.84393131049808, 487.84393131049808, 751.49208004547211],
    },
    probit: {
      hc0: [0.51148223600317999, 0.0072685374037508941, 0.033112006897527919, 0.20776471906942512, 0.15184238208878478, 0.16445746631950101, 0.19263525184829622, 1.7405596940109028e-5, 2.560576984121131e-5],
      aicDevNull: [504.12866931783299, 486.12866931783299, 751.49208004547211],
    },
  } as const;
  it.each(['logit', 'probit'] as const)('binomial(%s): HC0 SEs 1e-10, AIC, deviance and null deviance 1e-12', (link) => {
    const fit = glm(psFormula, lalonde, { family: 'binomial', link });
    const hc0 = fit.withVcov('hetero', { ssc: { adj: false, clusterAdj: false } });
    expectAllClose(Object.values(hc0.se()), R[link].hc0, 1e-10, `HC0 ${link}`);
    expectAllClose([fit.aic, fit.deviance, fit.nullDeviance], R[link].aicDevNull, 1e-12, `aic/deviance/null ${link}`);
    expect(fit.dfResidual).toBe(605);
  });
});

describe('glm(binomial, probit) reproduces R glm on jobs (mediation 4.5.1 oracles)', () => {
  it('glm(job_dich ~ treat + econ_hard + sex + age, binomial("probit"))', () => {
    const model = loadOracle('mediation_jobs_binary_mediator_boot').results.mediatorModel;
    const fit = glm('job_dich ~ treat + econ_hard + sex + age', jobs, { family: 'binomial', link: 'probit' });
    expectFitMatches(fit, { coefficients: model }, { coefRel: 1e-6, seRel: 1e-5, statRel: 1e-5, pRel: 1e-4 });
  });
  it('glm(employed ~ treat + job_seek + econ_hard + sex + age, binomial("probit")), employed = work1 == "psyemp"', () => {
    const model = loadOracle('mediation_jobs_probit_outcome_boot').results.outcomeModel;
    const work1 = jobs.column('work1') as readonly (string | null)[];
    const data = jobs.withColumns({ employed: Float64Array.from(work1, (w) => (w === 'psyemp' ? 1 : 0)) });
    const fit = glm('employed ~ treat + job_seek + econ_hard + sex + age', data, { family: 'binomial', link: 'probit' });
    expectFitMatches(fit, { coefficients: model }, { coefRel: 1e-6, seRel: 1e-5, statRel: 1e-5, pRel: 1e-4 });
  });
});

describe('glm(gaussian) = lm (hand-derivable identity)', () => {
  it('coefficients, iid SEs (t on n − k df) and HC1 equal feols', () => {
    const data = loadDataset('base_did.csv');
    const g = glm('y ~ x1 + treat', data);
    const f = feols('y ~ x1 + treat', data, { vcov: 'iid' });
    expectAllClose(g.coefficients, f.coefficients, 1e-10, 'coef');
    expectAllClose(Object.values(g.se()), Object.values(f.se()), 1e-9, 'se');
    expect(g.dist).toEqual({ kind: 't', df: 1077 });
    expectAllClose(Object.values(g.withVcov('hetero').se()), Object.values(f.withVcov('hetero').se()), 1e-9, 'HC1');
    expectClose(g.r2, f.r2, 1e-10, 'r2');
    // R: AIC of a gaussian glm = n(log(2π·RSS/n) + 1) + 2 + 2k.
    expectClose(g.aic, 1080 * (Math.log((2 * Math.PI * f.ssr) / 1080) + 1) + 2 + 2 * 3, 1e-12, 'aic');
  });
});

describe('glm errors and notes', () => {
  it('perfect separation names the variable (R would warn: fitted probabilities 0 or 1)', () => {
    const data = { y: [0, 0, 0, 0, 1, 1, 1, 1], x: [1, 2, 3, 4, 5, 6, 7, 8], z: [1, 3, 2, 5, 4, 3, 6, 1] };
    const error = thrown(() => glm('y ~ z + x', data, { family: 'binomial' }));
    expect(error.code).toBe('perfect_separation');
    expect(error.message).toContain('(variable x)');
  });
  it('binomial y outside {0, 1} is invalid_option; non-convergence is a note', () => {
    expect(() => glm('y ~ x', { y: [0, 2, 1, 0], x: [1, 2, 3, 4] }, { family: 'binomial' })).toThrowError(/binomial outcome/);
    const fit = glm(psFormula, lalonde, { family: 'binomial', maxIterations: 2 });
    expect(fit.converged).toBe(false);
    expect(fit.notes).toContainEqual({ code: 'glm_not_converged', iterations: 2 });
  });
});

describe('glm contract: clustered variance, toJSON, console.log', () => {
  it('gaussian glm clustered by id equals feols CRV1 (fixest ssc; fixest_2x2_no_fe oracle)', () => {
    const raw = loadDataset('base_did.csv');
    const oracle = loadOracle('fixest_2x2_no_fe').results;
    const fit = glm('y ~ treat + post + treat:post + x1', raw, { vcov: { CRV1: 'id' } });
    expectFitMatches(fit, oracle, { checkDof: false });
    expect(fit.vcovInfo.nClusters).toEqual([108]);
  });
  it('toJSON is plain JSON with kind "glm"; util.inspect prints the summary', async () => {
    const fit = glm(psFormula, lalonde, { family: 'binomial' });
    const json = JSON.parse(JSON.stringify(fit));
    expect(json.kind).toBe('glm');
    expect(json.coefficients).toHaveLength(fit.k);
    expect(Object.keys(json.coefficients[0])).toEqual(['term', 'estimate', 'stdError', 'statistic', 'pValue', 'confLow', 'confHigh']);
    const { inspect } = await import('node:util');
    expect(inspect(fit)).toBe(fit.summary());
    expect(fit.summary()).toContain('z value');
  });
});
