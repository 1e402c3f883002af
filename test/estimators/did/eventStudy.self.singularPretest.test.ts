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
