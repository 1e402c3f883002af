/**
 * feols against fixest 0.12.2 (fixtures/oracles/fixest_*.json, base_did.csv): every oracle case,
 * through the whole pipeline (formula → design → demeaning → QR → vcov), checked with the shared
 * battery (coef 1e-8, SE / statistic / p / CI / vcov 1e-6, nobs, r2, within r2, dof.K, G, t df).
 */
import { describe, expect, it } from 'vitest';
import { feols, type FeolsOptions } from '../../src/models/feols.js';
import { Frame } from '../../src/data/frame.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';
import { expectFitMatches } from '../helpers/expectFitMatches.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';

const raw = loadDataset('base_did.csv');
const treat = raw.numeric('treat');
const post = raw.numeric('post');
// The oracles' calls use treat_post = treat * post.
const data = raw.withColumns({ treat_post: treat.map((t, i) => t * post[i]!) });

interface Case {
  oracle: string;
  formula: string;
  options: FeolsOptions;
  pick?: (results: any) => any;
}

const cases: Case[] = [
  { oracle: 'fixest_ols_hetero', formula: 'y ~ x1 + treat_post', options: { vcov: 'hetero' } },
  { oracle: 'fixest_2x2_no_fe', formula: 'y ~ treat + post + treat:post + x1', options: { vcov: { CRV1: 'id' } } },
  { oracle: 'fixest_twfe_did_iid', formula: 'y ~ treat_post | id + period', options: { vcov: 'iid' } },
  { oracle: 'fixest_twfe_did_hetero', formula: 'y ~ treat_post | id + period', options: { vcov: 'hetero' } },
  { oracle: 'fixest_twfe_did_cluster', formula: 'y ~ treat_post | id + period', options: {} },
  { oracle: 'fixest_twfe_did_cov_cluster', formula: 'y ~ x1 + treat_post | id + period', options: { vcov: { CRV1: 'id' } } },
  { oracle: 'fixest_twoway_cluster', formula: 'y ~ x1 + treat_post | id + period', options: { vcov: { CRV1: 'id + period' } } },
  { oracle: 'fixest_event_study', formula: 'y ~ x1 + i(period, treat, 5) | id + period', options: {} },
  { oracle: 'fixest_event_study_cluster', formula: 'y ~ x1 + i(period, treat, 5) | id + period', options: { vcov: { CRV1: 'id' } } },
  { oracle: 'fixest_twfe_did_interaction', formula: 'y ~ treat:post | id + period', options: {}, pick: (r) => r.cluster },
  { oracle: 'fixest_twfe_did_interaction', formula: 'y ~ treat:post | id + period', options: { vcov: 'iid' }, pick: (r) => r.iid },
  { oracle: 'fixest_twfe_did_interaction', formula: 'y ~ treat:post | id + period', options: { vcov: 'hetero' }, pick: (r) => r.hetero },
];

describe('feols reproduces fixest 0.12.2 on base_did', () => {
  it.each(cases)('$oracle: feols($formula, vcov = $options.vcov)', (c) => {
    const oracle = loadOracle(c.oracle);
    const results = c.pick ? c.pick(oracle.results) : oracle.results;
    const fit = feols(c.formula, data, c.options);
    expectFitMatches(fit, results);
    if (results.fixefSizes && !Array.isArray(results.fixefSizes)) {
      expect(Object.fromEntries(fit.fixedEffects.map((f) => [f.name, f.nLevels]))).toEqual(results.fixefSizes);
    }
    expect(fit.notes.filter((note) => note.code === 'collinear_dropped')).toEqual([]);
  });

  it('withVcov re-uses the estimates: twfe cluster → iid / hetero / two-way equal the direct fits (fixest summary(est, vcov =))', () => {
    const base = feols('y ~ x1 + treat_post | id + period', data);
    for (const [vcov, name] of [['iid', null], ['hetero', null], [{ CRV1: 'id + period' }, 'fixest_twoway_cluster']] as const) {
      const again = base.withVcov(vcov as never);
      const direct = feols('y ~ x1 + treat_post | id + period', data, { vcov: vcov as never });
      expectAllClose(again.vcovMatrix, direct.vcovMatrix, 1e-12, `withVcov ${JSON.stringify(vcov)}`);
      expect(again.coefficients).toEqual(base.coefficients);
      if (name) expectFitMatches(again, loadOracle(name).results);
    }
    // The original is unchanged.
    expectFitMatches(base, loadOracle('fixest_twfe_did_cov_cluster').results);
  });

  it('absorbed fixed effects equal explicit dummies (FWL): coefficient and iid SE of y ~ treat_post + factor(id) + factor(period)', () => {
    const absorbed = feols('y ~ treat_post | id + period', data, { vcov: 'iid' });
    const dummies = feols('y ~ treat_post + factor(id) + factor(period)', data, { vcov: 'iid' });
    expectClose(dummies.coef().treat_post!, absorbed.coef().treat_post!, 1e-10, 'coef');
    expectClose(dummies.se().treat_post!, absorbed.se().treat_post!, 1e-9, 'iid se');
    expectClose(dummies.r2, absorbed.r2, 1e-10, 'r2');
  });

  it('residuals and fitted add up to y; the summary names the SE type and fixed effects', () => {
    const fit = feols('y ~ x1 + treat_post | id + period', data);
    const y = data.numeric('y');
    const e = fit.residuals();
    const f = fit.fitted();
    for (let i = 0; i < fit.nobs; i++) expectClose(e[i]! + f[i]!, y[i]!, 1e-12, `row ${i}`);
    const text = fit.summary();
    expect(text).toContain('Clustered (id)');
    expect(text).toContain('id: 108');
    expect(text).toContain('treat_post');
    expect(JSON.parse(JSON.stringify(fit)).kind).toBe('feols');
  });

  it('predict on new data without fixed effects equals Xβ (hand-derived)', () => {
    const fit = feols('y ~ x1 + treat_post', data);
    const b = fit.coef();
    const p = fit.predict([{ x1: 2, treat_post: 1 }, { x1: -1, treat_post: 0 }]);
    expectClose(p[0]!, b['(Intercept)']! + 2 * b.x1! + b.treat_post!, 1e-14, 'pred 0');
    expectClose(p[1]!, b['(Intercept)']! - b.x1!, 1e-14, 'pred 1');
  });

  it('weights: fixest weighted feols equals OLS on √w-scaled data (hand-derived) and drops nothing', () => {
    const w = Float64Array.from({ length: data.nrow }, (_, i) => 1 + (i % 3));
    const weighted = data.withColumns({ w });
    const fit = feols('y ~ x1 + treat_post', weighted, { weights: 'w', vcov: 'iid' });
    // Duplicating each row w times gives the same coefficients.
    const rows: number[] = [];
    for (let i = 0; i < data.nrow; i++) for (let r = 0; r < w[i]!; r++) rows.push(i);
    const dup = feols('y ~ x1 + treat_post', data.take(rows), { vcov: 'iid' });
    expectAllClose(fit.coefficients, dup.coefficients, 1e-10, 'weighted coef');
    expect(fit.nobs).toBe(data.nrow);
  });
});

describe('feols notes and options (fixest 0.12.2 behaviour)', () => {
  it('a regressor collinear with the fixed effects is removed with a note (treat with id FE), as fixest', () => {
    const fit = feols('y ~ treat + treat_post | id + period', data);
    expect(fit.terms).toEqual(['treat_post']);
    expect(fit.notes).toContainEqual({ code: 'collinear_dropped', terms: ['treat'] });
    expectFitMatches(fit, loadOracle('fixest_twfe_did_cluster').results);
  });
  it('fixefRmSingletons drops singleton rows and notes them (reghdfe)', () => {
    const extra = new Frame({ y: Float64Array.of(1, 2, 3, 4, 5), x: Float64Array.of(1, 3, 2, 5, 4), g: Float64Array.of(1, 1, 2, 2, 3) });
    const fit = feols('y ~ x | g', extra, { fixefRmSingletons: true, vcov: 'iid' });
    expect(fit.nobs).toBe(4);
    expect(fit.notes).toContainEqual({ code: 'singletons_removed', count: 1 });
    // Within g: (1,1),(3,2) and (2,3),(5,4): slope = Σx̃ỹ/Σx̃² = (1·0.5·2 + 1.5·0.5·2) / (1 + 1 + 2.25 + 2.25)... hand value:
    // g1: x̃ = (−1, 1), ỹ = (−0.5, 0.5); g2: x̃ = (−1.5, 1.5), ỹ = (−0.5, 0.5) → (1 + 1.5)/(2 + 4.5) = 2.5/6.5.
    expectClose(fit.coef().x!, 2.5 / 6.5, 1e-12, 'within slope');
    expect(feols('y ~ x | g', extra, { vcov: 'iid' }).nobs).toBe(5);
  });
});
