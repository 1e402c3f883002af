/**
 * Multilevel mediate (lmm fits) against mediation 4.5.1's `mediate()` with lmer fits
 * (fixtures/oracles/mediation_multilevel_{school,student,jobs_groupout}.json, sims = 1000).
 *
 * Every reported value is Monte Carlo, and our random stream is not R's, so nothing can agree to
 * rounding. The tolerances are Monte Carlo error bounds at 4 standard errors, computed from our
 * own draws (sd = the draws' SD, `stdError` of each leaf; s = 1000 draws in both runs):
 * - point estimate (a mean of draws) vs the oracle's `expectation` (the exact mean of the
 *   estimator over its draws for these linear models): 4·sd/√s;
 * - point estimate vs R's point estimate (two independent Monte Carlo means): 4·√2·sd/√s;
 * - interval bounds (2.5% / 97.5% quantiles of the draws): a quantile's standard error is
 *   √(q(1−q)/s)/f(x_q) ≈ 0.0845·sd at q = 0.025 for a normal law, so two runs differ by at most
 *   4·√2·0.0845·sd ≈ 0.48·sd — we allow 0.5·sd;
 * - p-value 2·min(share > 0, share < 0): the share's standard error √(π(1−π)/s), π = p/2 (from
 *   the larger of the two p-values), doubled for p, √2 for two runs, 4 standard errors, plus 2/s
 *   for the discreteness;
 * - proportion mediated (a median of ratios): the median's standard error 1.2533·σ̃/√s, σ̃ the
 *   robust SD (IQR/1.349 of our ratio draws, from its interval width / 3.92 as a normal proxy), ×4√2.
 */
import { describe, it, expect } from 'vitest';
import { lmm } from '../../../src/models/lmm/lmm.js';
import { mediate } from '../../../src/estimators/mediation/mediate.js';
import type { MediationEstimate, MediationTriple } from '../../../src/estimators/mediation/summarizeMediation.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

const SIMS = 1000;
type Leaf = { estimate: number; confLow: number; confHigh: number; pValue: number };
type Triple = { control: Leaf; treated: Leaf; average: Leaf };
type OracleMediation = { acme: Triple; ade: Triple; total: Leaf; propMediated: Triple; byGroup: { groupName: string; nGroups: number; groups: Array<Record<string, Leaf> & { group: string | number }> } };

/** ours (a leaf with the SD of its draws) vs R's leaf, within the bounds of the file header. */
function expectLeafClose(ours: MediationEstimate, r: Leaf, label: string): void {
  const sd = ours.stdError;
  const meanBound = (4 * Math.SQRT2 * sd) / Math.sqrt(SIMS);
  expect(Math.abs(ours.estimate - r.estimate), `${label} estimate ${ours.estimate} vs ${r.estimate}`).toBeLessThanOrEqual(meanBound);
  expect(Math.abs(ours.confLow - r.confLow), `${label} confLow ${ours.confLow} vs ${r.confLow}`).toBeLessThanOrEqual(0.5 * sd);
  expect(Math.abs(ours.confHigh - r.confHigh), `${label} confHigh ${ours.confHigh} vs ${r.confHigh}`).toBeLessThanOrEqual(0.5 * sd);
  expectPClose(ours.pValue, r.pValue, label);
}

function expectPClose(ours: number, r: number, label: string): void {
  const pi = Math.max(ours, r) / 2;
  const bound = 2 * 4 * Math.SQRT2 * Math.sqrt((pi * (1 - pi)) / SIMS) + 2 / SIMS;
  expect(Math.abs(ours - r), `${label} p ${ours} vs ${r}`).toBeLessThanOrEqual(bound);
}

function expectTripleClose(ours: MediationTriple, r: Triple, label: string): void {
  for (const key of ['control', 'treated', 'average'] as const) expectLeafClose(ours[key], r[key], `${label}.${key}`);
}

/** Proportion mediated: a median of ratio draws (bound in the file header). */
function expectPropClose(ours: MediationTriple, r: Triple): void {
  for (const key of ['control', 'treated', 'average'] as const) {
    const robustSd = (ours[key].confHigh - ours[key].confLow) / 3.92;
    const bound = (4 * Math.SQRT2 * 1.2533 * robustSd) / Math.sqrt(SIMS);
    expect(Math.abs(ours[key].estimate - r[key].estimate), `propMediated.${key}`).toBeLessThanOrEqual(bound);
    expectPClose(ours[key].pValue, r[key].pValue, `propMediated.${key}`);
  }
}

/** Our estimate vs the exact expectation of the estimator: 4·sd/√s. */
function expectNearExpectation(ours: MediationEstimate, expected: number, label: string): void {
  expect(Math.abs(ours.estimate - expected), `${label} ${ours.estimate} vs E = ${expected}`).toBeLessThanOrEqual((4 * ours.stdError) / Math.sqrt(SIMS));
}

function expectResultClose(res: ReturnType<typeof mediate>, r: OracleMediation): void {
  expectTripleClose(res.acme, r.acme, 'acme');
  expectTripleClose(res.ade, r.ade, 'ade');
  expectLeafClose(res.total, r.total, 'total');
  expectPropClose(res.propMediated, r.propMediated);
}

function expectByGroupClose(res: Parameters<typeof expectResultClose>[0] & { byGroup: readonly { group: string; acme: MediationTriple; ade: MediationTriple; total: MediationEstimate }[]; groupName: string }, r: OracleMediation): void {
  expect(res.groupName).toBe(r.byGroup.groupName);
  expect(res.byGroup.length).toBe(r.byGroup.nGroups);
  r.byGroup.groups.forEach((og, g) => {
    const ours = res.byGroup[g]!;
    expect(ours.group).toBe(String(og.group));
    expectLeafClose(ours.acme.control, og['acmeControl']!, `group ${og.group} acmeControl`);
    expectLeafClose(ours.acme.treated, og['acmeTreated']!, `group ${og.group} acmeTreated`);
    expectLeafClose(ours.ade.control, og['adeControl']!, `group ${og.group} adeControl`);
    expectLeafClose(ours.ade.treated, og['adeTreated']!, `group ${og.group} adeTreated`);
    expectLeafClose(ours.total, og['total']!, `group ${og.group} total`);
  });
}

const student = loadDataset('student.csv');

describe('mediate with lmm fits vs mediation 4.5.1', () => {
  it('school-level mediator (lm on school rows), student-level outcome (lmer), treat.value 4 vs 3', () => {
    const oracle = loadOracle('mediation_multilevel_school').results;
    const outFit = lmm('late ~ free + smorale + catholic + coed + gender + income + pared + (1 | SCH_ID)', student);
    const res = mediate({
      mediatorModel: 'smorale ~ free + catholic + coed', mediatorData: loadDataset('school.csv'), outcomeModel: outFit,
      treat: 'free', mediator: 'smorale', controlValue: 3, treatValue: 4, sims: SIMS, seed: 1,
    });
    expect(res.nobs).toBe(oracle.nobs);
    expect(res.groupLevelMediator).toBe(true);
    expectNearExpectation(res.acme.average, oracle.expectation.acme, 'acme');
    expectNearExpectation(res.ade.average, oracle.expectation.ade, 'ade');
    expectNearExpectation(res.total, oracle.expectation.total, 'total');
    expectResultClose(res, oracle);
    expectByGroupClose(res, oracle);
  });

  it('student-level mediator and outcome (both lmer, T×M interaction, random mediator slope)', () => {
    const oracle = loadOracle('mediation_multilevel_student').results;
    const medFit = lmm('attachment ~ catholic + gender + income + pared + (1 | SCH_ID)', student);
    const outFit = lmm('score ~ catholic * attachment + gender + income + pared + (1 + attachment | SCH_ID)', student);
    const res = mediate({ mediatorModel: medFit, outcomeModel: outFit, treat: 'catholic', mediator: 'attachment', sims: SIMS, seed: 1 });
    const e = oracle.expectation;
    expectNearExpectation(res.acme.treated, e.d1, 'd1');
    expectNearExpectation(res.acme.control, e.d0, 'd0');
    expectNearExpectation(res.ade.treated, e.z1, 'z1');
    expectNearExpectation(res.ade.control, e.z0, 'z0');
    expectNearExpectation(res.total, e.total, 'total');
    expect(res.interaction).toBe(true);
    expectResultClose(res, oracle);
    expectByGroupClose(res, oracle);
    // group.out = 'SCH_ID' names the group both models use: the same result.
    const withGroupOut = mediate({ mediatorModel: medFit, outcomeModel: outFit, treat: 'catholic', mediator: 'attachment', sims: SIMS, seed: 1, groupOut: 'SCH_ID' });
    expect(withGroupOut.acme.average.estimate).toBe(res.acme.average.estimate);
    expect(withGroupOut.byGroup[3]!.ade.control.estimate).toBe(res.byGroup[3]!.ade.control.estimate);
  });

  it('different grouping factors (educ for the mediator, occp with a random treatment slope for the outcome), group.out either', () => {
    const oracle = loadOracle('mediation_multilevel_jobs_groupout').results;
    const jobs = loadDataset('jobs.csv');
    const medFit = lmm('job_seek ~ treat + econ_hard + (1 | educ)', jobs);
    const outFit = lmm('depress2 ~ treat + job_seek + econ_hard + (1 + treat | occp)', jobs);
    const base = { mediatorModel: medFit, outcomeModel: outFit, treat: 'treat', mediator: 'job_seek', sims: SIMS, seed: 1 };
    const educ = mediate({ ...base, groupOut: 'educ' });
    const occp = mediate(base);
    const e = oracle.expectation;
    expectNearExpectation(educ.acme.average, e.acme, 'acme');
    expectNearExpectation(educ.ade.average, e.ade, 'ade');
    expectNearExpectation(educ.total, e.total, 'total');
    expectResultClose(educ, oracle.groupOutEduc);
    expectResultClose(occp, oracle.groupOutDefaultOccp);
    expectByGroupClose(educ, oracle.groupOutEduc);
    expectByGroupClose(occp, oracle.groupOutDefaultOccp);
    for (const g of educ.byGroup) expectNearExpectation(g.ade.control, e.adeByEduc[g.group], `ade ${g.group}`);
    for (const g of occp.byGroup) expectNearExpectation(g.ade.control, e.adeByOccp[g.group], `ade ${g.group}`);
    // The population-average draws do not depend on group.out (same seed).
    expect(occp.acme.average.estimate).toBe(educ.acme.average.estimate);
    expect(occp.total.confLow).toBe(educ.total.confLow);
  });
});
