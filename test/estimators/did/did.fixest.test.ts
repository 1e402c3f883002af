/**
 * did() against fixest 0.12.2 (R 4.2.2) on base_did: the TWFE regression
 * `feols(y ~ treat_post | id + period)` under iid / hetero / cluster vcov, with a covariate, the
 * `treat:post` interaction file, and the canonical 2×2 `feols(y ~ treat + post + treat:post + x1)`.
 * Tolerances: coefficients 1e-8, SEs 1e-6, statistics/p-values 1e-6 (relative).
 * Measured agreement (node 20, this file's cases): ATT ≤ 5e-15, SE ≤ 2e-14, p ≤ 1.4e-12 relative.
 */
import { describe, expect, it } from 'vitest';
import { did } from '../../../src/estimators/did/did.js';
import { outcomeSd } from '../../../src/estimators/effectSize.js';
import { feols } from '../../../src/models/feols.js';
import type { Frame } from '../../../src/data/frame.js';
import type { VcovOption } from '../../../src/inference/vcovSpec.js';
import type { Estimate } from '../../../src/estimate.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle, type OracleCoef, type OracleFit } from '../../helpers/oracle.js';

const baseDid: Frame = loadDataset('base_did.csv');

/** Relative error record, printed at the end (agreement reported in the file header). */
const maxRel = { coef: 0, se: 0, p: 0 };
function track(kind: keyof typeof maxRel, a: number, e: number): void {
  maxRel[kind] = Math.max(maxRel[kind], Math.abs(a - e) / Math.abs(e));
}

/** fixest's tolerances (file header): coefficient 1e-8, SE / statistic / p-value 1e-6 relative. */
const TOL = { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-6 };

/** The ATT row against fixest's row for the treatment term, through the one assertion battery. */
function expectAttMatches(att: Estimate, oracle: OracleCoef, label: string): void {
  expectEstimatesMatch([{ ...att, term: oracle.term }], [oracle], TOL, { label });
  track('coef', att.estimate, oracle.estimate);
  track('se', att.stdError, oracle.stdError);
  track('p', att.pValue, oracle.pValue);
}

const twfeCases: [string, string, VcovOption | undefined][] = [
  ['fixest_twfe_did_iid', "feols(y ~ treat_post | id + period, base_did, vcov = 'iid')", 'iid'],
  ['fixest_twfe_did_hetero', "feols(y ~ treat_post | id + period, base_did, vcov = 'hetero')", 'hetero'],
  ['fixest_twfe_did_cluster', 'feols(y ~ treat_post | id + period, base_did) (default: cluster ~id)', undefined],
];

describe('did() reproduces fixest 0.12.2 TWFE DiD on base_did', () => {
  it.each(twfeCases)('%s: %s', (file, _call, vcov) => {
    const oracle = loadOracle<OracleFit>(file);
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', vcov });
    expectAttMatches(res.att, oracle.results.coefficients[0]!, file);
    expect(res.nobs).toBe(oracle.results.nobs);
    expect(res.nUnits).toBe(108);
    if (oracle.results.nClusters !== null) expect(res.nClusters).toBe(oracle.results.nClusters);
    else expect(res.nClusters).toBeNaN();
  });

  it('fixest_twfe_did_cov_cluster: feols(y ~ x1 + treat_post | id + period, base_did, cluster = ~id)', () => {
    const oracle = loadOracle<OracleFit>('fixest_twfe_did_cov_cluster');
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'], vcov: { CRV1: 'id' } });
    const [x1, treatPost] = oracle.results.coefficients;
    expectAttMatches(res.att, treatPost!, 'ATT');
    // The covariate's coefficient and the full vcov come through the underlying fit.
    expectEstimatesMatch(res.fit.tidy().filter((r) => r.term === 'x1'), [x1!], TOL, { label: 'x1' });
    const v = res.fit.vcov();
    expectClose(v[0]![1]!, oracle.results.vcov[0]![1]!, 1e-6, 'cov(x1, ATT)');
  });

  it('fixest_twoway_cluster: feols(y ~ x1 + treat_post | id + period, base_did, cluster = ~id + period)', () => {
    const oracle = loadOracle<OracleFit>('fixest_twoway_cluster');
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'], vcov: { CRV1: 'id + period' } });
    expectAttMatches(res.att, oracle.results.coefficients[1]!, 'ATT (two-way clustered)');
    expect(res.nClusters).toBe(oracle.results.nClusters);
    expect(res.vcovLabel).toBe('Clustered (id & period)');
  });

  it.each(['cluster', 'iid', 'hetero'] as const)('fixest_twfe_did_interaction (%s): feols(y ~ treat:post | id + period, base_did)', (key) => {
    const oracle = loadOracle<Record<string, OracleFit>>('fixest_twfe_did_interaction');
    const vcov: VcovOption | undefined = key === 'cluster' ? undefined : key;
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', vcov });
    expectAttMatches(res.att, oracle.results[key]!.coefficients[0]!, `treat:post (${key})`);
  });

  it('fixest_2x2_no_fe: feols(y ~ treat + post + treat:post + x1, base_did, cluster = ~id) via fixedEffects: false', () => {
    const oracle = loadOracle<OracleFit>('fixest_2x2_no_fe');
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'], fixedEffects: false });
    const byTerm = new Map(oracle.results.coefficients.map((c) => [c.term, c]));
    expectAttMatches(res.att, byTerm.get('treat:post')!, 'treat:post');
    const terms = ['(Intercept)', 'treat', 'post', 'x1'];
    expectEstimatesMatch(
      res.fit.tidy().filter((r) => terms.includes(r.term)),
      terms.map((term) => byTerm.get(term)!),
      { estimate: 1e-8, stdError: 1e-6 },
      { label: 'fixest_2x2_no_fe' },
    );
    // Full 5×5 vcov in R's order: (Intercept), treat, post, x1, treat:post.
    const v = res.fit.vcov();
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expectClose(v[i]![j]!, oracle.results.vcov[i]![j]!, 1e-6, `vcov[${i}][${j}]`);
    expect(res.nClusters).toBe(108);
  });

  it('means table: the raw 2×2 DiD of means equals the TWFE ATT on the balanced base_did panel (no covariates)', () => {
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    // Hand derivation: group × period means from the data.
    const y = baseDid.numeric('y');
    const treat = baseDid.numeric('treat');
    const post = baseDid.numeric('post');
    const sums = [0, 0, 0, 0];
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < baseDid.nrow; i++) {
      const cell = 2 * treat[i]! + post[i]!;
      sums[cell]! += y[i]!;
      counts[cell]! += 1;
    }
    const m = sums.map((s, j) => s / counts[j]!);
    expectClose(res.means.control.pre.mean, m[0]!, 1e-12, 'control pre');
    expectClose(res.means.treated.post.mean, m[3]!, 1e-12, 'treated post');
    expect(res.means.treated.pre.n + res.means.treated.post.n + res.means.control.pre.n + res.means.control.post.n).toBe(1080);
    expectClose(res.means.diffInDiff, m[3]! - m[2]! - (m[1]! - m[0]!), 1e-12, 'raw DiD');
    expectClose(res.means.diffInDiff, res.att.estimate, 1e-10, 'raw DiD = TWFE ATT (balanced, no covariates)');
  });

  it('effect size (default control-baseline): ATT / SD(y | treat = 0, post = 0), SE scaled, statistic and p unchanged', () => {
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    const y = baseDid.numeric('y');
    const treat = baseDid.numeric('treat');
    const post = baseDid.numeric('post');
    const control = [...Array(baseDid.nrow).keys()].filter((i) => treat[i] === 0 && post[i] === 0).map((i) => y[i]!);
    const mean = control.reduce((a, b) => a + b, 0) / control.length;
    const sd = Math.sqrt(control.reduce((a, b) => a + (b - mean) ** 2, 0) / (control.length - 1));
    expectClose(res.standardize.sd, sd, 1e-12, 'control-baseline SD');
    expectClose(res.effectSize.estimate, res.att.estimate / sd, 1e-12, 'effect size');
    expectClose(res.effectSize.stdError, res.att.stdError / sd, 1e-12, 'effect size SE');
    expect(res.effectSize.statistic).toBe(res.att.statistic);
    expect(res.effectSize.pValue).toBe(res.att.pValue);
    const pooled = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', standardize: 'pooled' });
    expectClose(pooled.standardize.sd, outcomeSd(y, [...Array(baseDid.nrow).keys()]), 1e-12, 'pooled SD');
    const given = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', standardize: 2 });
    expectClose(given.effectSize.estimate, given.att.estimate / 2, 1e-15, 'given SD');
  });

  it('repeated cross-sections: rows are individuals grouped in schools (unit = school): equals feols(y ~ treat_post | school + period, cluster = ~school)', () => {
    // Schools of 4 ids with the same treatment status: 40 rows per school, 4 per school × period.
    const id = baseDid.numeric('id');
    const treat = baseDid.numeric('treat');
    const post = baseDid.numeric('post');
    const school = Float64Array.from(id, (v, i) => treat[i]! * 1000 + Math.floor((v - 1) / 4));
    const data = baseDid.withColumns({ school, treat_post: Float64Array.from(treat, (t, i) => t * post[i]!) });
    const res = did({ data, outcome: 'y', unit: 'school', time: 'period', treat: 'treat', post: 'post' });
    const fit = feols('y ~ treat_post | school + period', data, { vcov: { CRV1: 'school' } });
    expectClose(res.att.estimate, fit.coef().treat_post!, 1e-12, 'ATT');
    expectClose(res.att.stdError, fit.se().treat_post!, 1e-12, 'SE');
    expect(res.nUnits).toBe(new Set(school).size);
    expect(res.nClusters).toBe(res.nUnits);
    expect(res.nobs).toBe(1080);
    expect(res.vcovLabel).toBe('Clustered (school)');
  });

  it('units seen in one period only (treat x post constant within unit): the group indicator replaces unit FE = feols(y ~ treat + treat_post | period)', () => {
    const treat = baseDid.numeric('treat');
    const post = baseDid.numeric('post');
    const data = baseDid.withColumns({ person: Float64Array.from(treat, (_t, i) => i), treat_post: Float64Array.from(treat, (t, i) => t * post[i]!) });
    const res = did({ data, outcome: 'y', unit: 'person', time: 'period', treat: 'treat', post: 'post', vcov: 'hetero' });
    const fit = feols('y ~ treat + treat_post | period', data, { vcov: 'hetero' });
    expectClose(res.att.estimate, fit.coef().treat_post!, 1e-12, 'ATT');
    expectClose(res.att.stdError, fit.se().treat_post!, 1e-12, 'SE');
    expect(res.notes.some((n) => n.code === 'design_adjusted')).toBe(true);
  });

  it('weights: equals feols(y ~ treat_post | id + period, weights = ~w) on the same data', () => {
    const treat = baseDid.numeric('treat');
    const post = baseDid.numeric('post');
    const data = baseDid.withColumns({ w: Float64Array.from(treat, (_t, i) => 1 + (i % 7) / 3), treat_post: Float64Array.from(treat, (t, i) => t * post[i]!) });
    const res = did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', weights: 'w' });
    const fit = feols('y ~ treat_post | id + period', data, { weights: 'w' });
    expectClose(res.att.estimate, fit.coef().treat_post!, 1e-12, 'ATT');
    expectClose(res.att.stdError, fit.se().treat_post!, 1e-12, 'SE');
  });

  it('result contract: tidy() has the seven Estimate fields, toJSON() is plain JSON with kind "did", summary() prints the ATT', () => {
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    const rows = res.tidy();
    expect(rows.map((r) => r.term)).toEqual(['ATT', 'ATT (SD)']);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['confHigh', 'confLow', 'estimate', 'pValue', 'statistic', 'stdError', 'term']);
    const json = JSON.parse(JSON.stringify(res.toJSON()));
    expect(json.kind).toBe('did');
    expect(json.nobs).toBe(1080);
    expect(json.att.estimate).toBe(res.att.estimate);
    expect(res.summary()).toContain('ATT');
    expect(res.summary()).toContain('Clustered (id)');
  });

  it('reports its agreement with fixest', () => {
    expect(maxRel.coef).toBeLessThan(1e-8);
    expect(maxRel.se).toBeLessThan(1e-6);
  });
});
