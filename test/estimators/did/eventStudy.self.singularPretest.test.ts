/**
 * The pre-trend Wald test never aborts the estimate. With clustered SEs the meat Σ_g s_g s_gᵀ has
 * rank ≤ G − 1 (the cluster scores sum to zero), so with G = 3 clusters the 4 × 4 covariance block
 * of the 4 pre-period coefficients (e = −5 … −2 on base_did, cohort = 6·treat, ref = −1) has rank
 * ≤ 2: F = b'V⁻¹b/q does not exist. fixest's `wald()` reports the failure and keeps the fit; we
 * report NaN with a `test_not_computed` note, and the event-time estimates and SEs still equal the
 * same model fitted by feols with the same clustering (self-check, tolerance 1e-12 relative).
 * Data: fixtures/datasets/base_did.csv (fixest 0.12.2's base_did).
 */
import { describe, expect, it } from 'vitest';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { formatNote } from '../../../src/errors.js';
import { feols } from '../../../src/models/feols.js';
import { createRng } from '../../../src/numerics/random.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset } from '../../helpers/oracle.js';

const base = loadDataset('base_did.csv');
const treat = base.numeric('treat');
const id = base.numeric('id');
const data = base.withColumns({
  g: Float64Array.from(treat, (t) => 6 * t),
  third: Float64Array.from(id, (v) => v % 3),
});

describe('eventStudy: a singular pre-period covariance block gives a NaN pre-test and a note, not an error', () => {
  const es = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', covariates: ['x1'], vcov: { CRV1: 'third' } });

  it('pretest is NaN on (4, df2) degrees of freedom, with a test_not_computed note', () => {
    expect(es.pretest.df1).toBe(4);
    expect(es.pretest.statistic).toBeNaN();
    expect(es.pretest.pValue).toBeNaN();
    const note = es.notes.find((n) => n.code === 'test_not_computed');
    expect(note).toEqual({ code: 'test_not_computed', test: 'Pre-trend Wald test', reason: 'the covariance matrix of the 4 pre-period coefficients is singular' });
    expect(formatNote(note!)).toBe('NOTE: Pre-trend Wald test not computed: the covariance matrix of the 4 pre-period coefficients is singular.');
    expect(es.summary()).toContain('Pre-trend Wald test: not computed');
    expect(JSON.parse(JSON.stringify(es)).pretest.statistic).toBeNull();
  });

  it('the estimates stand: equal to feols(y ~ x1 + i(period, treat, 5) | id + period, cluster = ~third)', () => {
    const fit = feols('y ~ x1 + i(period, treat, 5) | id + period', data, { vcov: { CRV1: 'third' } });
    const byTerm = new Map(fit.tidy().map((r) => [r.term, r]));
    const rows = es.tidy().filter((_r, j) => es.rows[j]!.reference !== true);
    const oracle = es.rows.filter((r) => r.reference !== true).map((r) => ({ ...byTerm.get(`period::${r.e + 6}:treat`)!, term: r.term }));
    expect(rows.length).toBe(9);
    expectEstimatesMatch(rows, oracle, 1e-12);
    expect(es.nClusters).toBe(3);
  });

  it('with as many clusters as needed (by id) the same model has a finite pre-test and no note', () => {
    const byId = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', covariates: ['x1'] });
    expect(Number.isFinite(byId.pretest.statistic)).toBe(true);
    expect(byId.notes.some((n) => n.code === 'test_not_computed')).toBe(false);
  });
});

describe("sunab on a state-year panel with one state per cohort: vcov 'hetero' (or clustered) gives a singular pre-test, never an error", () => {
  // 20 states × 2000–2010, 12 never treated and one state in each cohort 2003 … 2010 (made here).
  // A single-unit cohort's cells are saturated: its rows fit exactly, their heteroskedasticity-
  // robust scores vanish, and the 44 × 44 pre-period block has deficient rank.
  const rng = createRng(3);
  const d = { state: [] as number[], year: [] as number[], g: [] as number[], y: [] as number[], x1: [] as number[] };
  for (let s = 1; s <= 20; s++) {
    const g = s <= 12 ? 0 : 2003 + (s - 13);
    const a = rng.normal();
    for (let t = 2000; t <= 2010; t++) {
      const x = rng.normal();
      d.state.push(s);
      d.year.push(t);
      d.g.push(g);
      d.x1.push(x);
      d.y.push(a + 0.05 * (t - 2000) + 0.3 * x + (g > 0 && t >= g ? 0.5 : 0) + 0.3 * rng.normal());
    }
  }
  const call = (vcov?: 'hetero') => eventStudy({ data: d, outcome: 'y', unit: 'state', time: 'year', cohort: 'g', method: 'sunab', covariates: ['x1'], ...(vcov ? { vcov } : {}) });

  it.each([['hetero' as const], [undefined]])('vcov %s: estimate and SE stand, pre-test NaN with test_not_computed', (vcov) => {
    const es = call(vcov);
    expect(es.nobs).toBe(220);
    expect(Number.isFinite(es.overall!.estimate)).toBe(true);
    expect(es.overall!.stdError).toBeGreaterThan(0);
    expect(es.pretest.df1).toBe(44);
    expect(es.pretest.statistic).toBeNaN();
    expect(es.notes).toContainEqual({ code: 'test_not_computed', test: 'Pre-trend Wald test', reason: 'the covariance matrix of the 44 pre-period coefficients is singular' });
  });

  it('the point estimates do not depend on the variance', () => {
    expect(call('hetero').overall!.estimate).toBe(call().overall!.estimate);
  });
});
