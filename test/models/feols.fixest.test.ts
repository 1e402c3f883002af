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
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';

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
    // Within slope Σx̃ỹ/Σx̃² after dropping g = 3: g1 has x̃ = (−1, 1), ỹ = (−0.5, 0.5);
    // g2 has x̃ = (−1.5, 1.5), ỹ = (−0.5, 0.5) → (1 + 1.5)/(2 + 4.5) = 2.5/6.5.
    expectClose(fit.coef().x!, 2.5 / 6.5, 1e-12, 'within slope');
    expect(feols('y ~ x | g', extra, { vcov: 'iid' }).nobs).toBe(5);
  });
});

describe('feols vs statsmodels 0.13.5 (statsmodels_crosscheck.json) and sandwich 3.0-2', () => {
  const sm = loadOracle('statsmodels_crosscheck').results;
  it("smf.ols('y ~ treat + post + treat:post + x1').fit(cov_type='cluster', groups=id, use_t=True) = fixest CRV1", () => {
    const fit = feols('y ~ treat + post + treat:post + x1', data, { vcov: { CRV1: 'id' } });
    expectFitMatches(fit, { coefficients: sm.ols_2x2_cluster.coefficients }, { checkDof: false });
  });
  it("smf.ols('y ~ treat_post + C(id) + C(period)'): iid, HC1 and all-dummies cluster = feols with absorbed FE and ssc fixefK 'full'", () => {
    const d = sm.twfe_dummies;
    const fit = feols('y ~ treat_post | id + period', data, { vcov: 'iid' });
    expectClose(fit.coef().treat_post!, d.estimate, 1e-10, 'estimate');
    expectClose(fit.se().treat_post!, d.stdErrorIid, 1e-8, 'iid');
    expectClose(fit.withVcov('HC1').se().treat_post!, d.stdErrorHC1, 1e-8, 'HC1');
    expectClose(fit.withVcov({ CRV1: 'id' }, { ssc: { fixefK: 'full' } }).se().treat_post!, d.stdErrorClusterAllDummiesInK, 1e-8, 'cluster, all dummies in K');
    const vcovCL = loadOracle('lm_sandwich_twfe_cluster').results;
    const cl = feols('y ~ treat_post | id + period', data, { vcov: { CRV1: 'id' }, ssc: { fixefK: 'full' } });
    expectClose(cl.se().treat_post!, vcovCL.stdErrorVcovCLHC1, 1e-8, 'sandwich::vcovCL HC1');
    expect(cl.vcovInfo.dofK).toBe(vcovCL.KAllDummies);
  });
});

/**
 * Σ_g (β₋g − β̂)(β₋g − β̂)ᵀ (k×k, column-major) over the clusters g of `id`, β₋g refitted on the
 * data without cluster g: the brute-force CRV3 sum before its small-sample factor.
 */
function leaveOneClusterOut(formula: string, b: Float64Array): { sum: Float64Array; G: number; k: number } {
  const ids = data.numeric('id');
  const levels = [...new Set(ids)];
  const k = b.length;
  const sum = new Float64Array(k * k);
  for (const g of levels) {
    const rows: number[] = [];
    ids.forEach((v, i) => v !== g && rows.push(i));
    const bg = feols(formula, data.take(rows), { vcov: 'iid' }).coefficients;
    for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) sum[a + c * k]! += (bg[a]! - b[a]!) * (bg[c]! - b[c]!);
  }
  return { sum, G: levels.length, k };
}

describe('CRV3, HC2, HC3: self-consistency with brute force (pyfixest CRV3, sandwich vcovHC definitions)', () => {
  it('CRV3 = G/(G−1)·(n−1)/(n−K)·Σ_g(β₋g − β̂)(β₋g − β̂)ᵀ (pyfixest), β₋g refitted without cluster g', () => {
    const fit = feols('y ~ x1 + treat_post', data, { vcov: { CRV3: 'id' } });
    const { sum, G, k } = leaveOneClusterOut('y ~ x1 + treat_post', fit.coefficients);
    const n = fit.nobs;
    const factor = (G / (G - 1)) * ((n - 1) / (n - k));
    expectAllClose(fit.vcovMatrix, Array.from(sum, (v) => v * factor), 1e-8, 'CRV3');
    expect(fit.dist).toEqual({ kind: 't', df: G - 1 });
  });
  it('CRV3 with a fixed effect nested in the cluster (y ~ x1 + treat_post | id, CRV3 by id) = brute-force refits; non-nested FE → invalid_option', () => {
    const fit = feols('y ~ x1 + treat_post | id', data, { vcov: { CRV3: 'id' } });
    const { sum, G, k } = leaveOneClusterOut('y ~ x1 + treat_post | id', fit.coefficients);
    const n = fit.nobs;
    const K = fit.vcovInfo.dofK; // id nested in the cluster: K = coefficients + 1
    expect(K).toBe(k + 1);
    const factor = (G / (G - 1)) * ((n - 1) / (n - K));
    expectAllClose(fit.vcovMatrix, Array.from(sum, (v) => v * factor), 1e-7, 'CRV3 with FE');
    expect(() => feols('y ~ x1 + treat_post | id + period', data, { vcov: { CRV3: 'id' } })).toThrowError(/nested/);
  });
  it('HC2 / HC3 = (XᵀX)⁻¹ Σ xᵢxᵢᵀ eᵢ²/(1 − hᵢ)^δ (XᵀX)⁻¹ with hᵢ from the explicit hat matrix', () => {
    const small = data.take(Array.from({ length: 40 }, (_, i) => i * 27));
    const hc2 = feols('y ~ x1 + treat_post', small, { vcov: 'HC2' });
    const hc3 = hc2.withVcov('HC3');
    const x1 = small.numeric('x1');
    const tp = small.numeric('treat_post');
    const n = small.nrow;
    const X = (i: number) => [1, x1[i]!, tp[i]!];
    const bread = hc2.bread();
    const e = hc2.residuals();
    for (const [fit, power] of [[hc2, 1], [hc3, 2]] as const) {
      const meat = new Float64Array(9);
      for (let i = 0; i < n; i++) {
        const xi = X(i);
        let h = 0;
        for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) h += xi[a]! * bread[a + 3 * c]! * xi[c]!;
        const wgt = (e[i]! * e[i]!) / (1 - h) ** power;
        for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) meat[a + 3 * c]! += xi[a]! * xi[c]! * wgt;
      }
      const expected = new Float64Array(9);
      for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let l = 0; l < 3; l++) for (let m = 0; m < 3; m++) s += bread[a + 3 * l]! * meat[l + 3 * m]! * bread[m + 3 * c]!;
        expected[a + 3 * c] = s;
      }
      expectAllClose(fit.vcovMatrix, expected, 1e-10, `HC${power + 1}`);
    }
  });
  it('demeaning that does not converge leaves a note that the summary prints', () => {
    // Unbalanced two-way panel: drop a few rows so one sweep is not exact.
    const rows = Array.from({ length: data.nrow }, (_, i) => i).filter((i) => i % 7 !== 3);
    const fit = feols('y ~ x1 | id + period', data.take(rows), { demeanMaxIterations: 1, vcov: 'iid' });
    const note = fit.notes.find((n) => n.code === 'demean_not_converged');
    expect(note).toBeDefined();
    expect(fit.summary()).toMatch(/NOTE: demeaning did not converge/);
  });
});

describe('feols on a large stacked panel (the streaming QR path)', () => {
  it('100 stacked copies of base_did (108,000 rows, unit ids made distinct) give fixest’s TWFE coefficient', () => {
    const copies = 100;
    const n = data.nrow;
    const rows = Array.from({ length: n * copies }, (_, i) => i % n);
    const big = data.take(rows);
    const id = big.numeric('id');
    const uniqueId = Float64Array.from(id, (v, i) => v + 1000 * Math.floor(i / n));
    const fit = feols('y ~ x1 + treat_post | id + period', big.withColumns({ id: uniqueId }));
    const oracle = loadOracle('fixest_twfe_did_cov_cluster').results;
    expectEstimatesMatch(fit.tidy(), oracle.coefficients, { estimate: 1e-8 }, { ordered: true });
    expect(fit.nobs).toBe(108_000);
    expect(fit.vcovInfo.nClusters).toEqual([10_800]);
  });
});
