/**
 * attgt's `clusters` and `allowUnbalanced` options: did 2.5.1's rules (`clustervars` strips the
 * unit id, allows one variable beyond it, refuses a cluster varying within a unit; rows with a
 * missing cluster are dropped; `allow_unbalanced_panel` defaults to FALSE, dropping units with
 * gaps, and a balanced panel is estimated as a panel), and identities: clustering by a copy of
 * the unit id gives the unit-level SEs, for panels, unbalanced panels and cross-sections.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { simulateSchoolPanel } from '../../../src/simulate/simulateSchoolPanel.js';
import { expectClose } from '../../helpers/expectClose.js';
import { loadDataset } from '../../helpers/oracle.js';
import { thrown } from '../../helpers/thrown.js';

const rows: Record<string, number>[] = (loadDataset('mpdta.csv').toRows() as Record<string, number>[]).map((r) => ({ ...r, state: Math.floor(r.countyreal! / 1000), copy: r.countyreal! }));
const unbalanced = (loadDataset('mpdta_unbalanced.csv').toRows() as Record<string, number>[]).map((r) => ({ ...r, copy: r.countyreal! }));
const base = { outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'reg' } as const;

const sameSEs = (a: ReturnType<typeof attgt>, b: ReturnType<typeof attgt>, label: string) => {
  a.rows.forEach((r, j) => {
    expect(r.att).toBe(b.rows[j]!.att);
    expectClose(r.stdError, b.rows[j]!.stdError, 1e-12, `${label} ${r.term}`);
  });
  expectClose(a.aggregate('dynamic').overall.stdError, b.aggregate('dynamic').overall.stdError, 1e-12, `${label} dynamic`);
  expectClose(a.pretestPValue, b.pretestPValue, 1e-10, `${label} pre-test`);
};

describe('attgt clusters: did 2.5.1 clustervars rules', () => {
  it('the unit alone (clusters: unit or [unit]) is the default unit-level clustering', () => {
    const plain = attgt({ data: rows, ...base });
    for (const clusters of ['countyreal', ['countyreal']]) {
      const fit = attgt({ data: rows, ...base, clusters });
      expect(fit.clusters).toBeUndefined();
      expect(fit.params.clusters).toBeUndefined();
      sameSEs(fit, plain, 'unit');
    }
  });

  it('two cluster columns beyond the unit are invalid_option (did: at most one)', () => {
    const error = thrown(() => attgt({ data: rows, ...base, clusters: ['state', 'copy'] }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(/^attgt: option "clusters" must be one cluster column beyond the unit/);
  });

  it('a cluster varying within a unit is invalid_option naming the column and row (did: time-varying cluster variables are not supported)', () => {
    const varying = rows.map((r) => (r.countyreal === 8001 && r.year === 2005 ? { ...r, state: 99 } : r));
    const error = thrown(() => attgt({ data: varying, ...base, clusters: 'state' }));
    expect(error.code).toBe('invalid_option');
    expect(error.details).toMatchObject({ fn: 'attgt', column: 'state', value: 99 });
  });

  it('a missing cluster column is missing_column; a single cluster is too_few_clusters', () => {
    expect(thrown(() => attgt({ data: rows, ...base, clusters: 'school' })).code).toBe('missing_column');
    expect(thrown(() => attgt({ data: rows.map((r) => ({ ...r, one: 1 })), ...base, clusters: 'one' })).code).toBe('too_few_clusters');
  });

  it('rows with a missing cluster are dropped and noted (did drops incomplete cases)', () => {
    const holes = rows.map((r) => (r.countyreal === 8001 ? { ...r, state: NaN } : r));
    const fit = attgt({ data: holes, ...base, clusters: 'state' });
    expect(fit.n).toBe(499);
    expect(fit.notes.find((n) => n.code === 'rows_dropped_missing')).toMatchObject({ count: 5, byColumn: { state: 5 } });
  });

  it('clusters = a copy of the unit id reproduces the unit-level SEs (panel, analytic)', () => {
    sameSEs(attgt({ data: rows, ...base, clusters: 'copy' }), attgt({ data: rows, ...base }), 'panel copy');
  });

  it('…and with the bootstrap: one multiplier per cluster = one per unit, so the same draws', () => {
    const bootstrap = { reps: 199, seed: 3 };
    const a = attgt({ data: rows, ...base, clusters: 'copy', bootstrap });
    const b = attgt({ data: rows, ...base, bootstrap });
    // clusters are coded in order of first appearance of the units: the same order as the rows of ψ
    a.rows.forEach((r, j) => expectClose(r.stdError, b.rows[j]!.stdError, 1e-12, r.term));
  });

  it('repeated cross-sections: clusters by observation label; a unique label per row = the default', () => {
    const labelled = rows.map((r, i) => ({ ...r, obs: i }));
    const rc = { outcome: 'lemp', time: 'year', cohort: 'first.treat', method: 'reg', panel: false } as const;
    sameSEs(attgt({ data: labelled, ...rc, clusters: 'obs' }), attgt({ data: labelled, ...rc }), 'rc');
    const byState = attgt({ data: labelled, ...rc, clusters: 'state' });
    expect(byState.clusters).toEqual({ name: 'state', count: 29 });
  });

  it('no few_clusters note with 120 schools, 40 of them treated (SSP-like cross-sections by school)', () => {
    const ssp = simulateSchoolPanel({ seed: 2, studentsPerSchool: 2 });
    const fit = attgt({ data: ssp, outcome: 'math', time: 'year', cohort: 'cohort', panel: false, clusters: 'school', method: 'reg' });
    expect(fit.clusters).toEqual({ name: 'school', count: 120 });
    expect(fit.notes.filter((n) => n.code === 'few_clusters')).toEqual([]);
    const few = attgt({ data: simulateSchoolPanel({ seed: 2, studentsPerSchool: 2, schools: 60, treatedSchools: 8, lateSchools: 0 }), outcome: 'math', time: 'year', cohort: 'cohort', panel: false, clusters: 'school', method: 'reg' });
    expect(few.notes.find((n) => n.code === 'few_clusters')).toMatchObject({ cluster: 'school', clusters: 60, treatedClusters: 8 });
  });

  it('the summary and JSON name the clusters', () => {
    const fit = attgt({ data: rows, ...base, clusters: 'state' });
    expect(fit.summary()).toMatch(/clustered by state \(29 clusters\)/);
    expect(fit.toJSON()).toMatchObject({ clusters: { name: 'state', count: 29 }, params: { clusters: 'state' } });
  });
});

describe('attgt allowUnbalanced: did 2.5.1 allow_unbalanced_panel', () => {
  it('default false: units with gaps are dropped, with a note saying how many (125 counties lack 2004)', () => {
    const fit = attgt({ data: unbalanced, ...base });
    expect(fit.n).toBe(375);
    expect(fit.notes.find((n) => n.code === 'units_dropped')).toMatchObject({ count: 125 });
  });

  it('true on a balanced panel is the panel estimator (did: "You have a balanced panel")', () => {
    const a = attgt({ data: rows, ...base, covariates: ['lpop'], method: 'dr', allowUnbalanced: true });
    const b = attgt({ data: rows, ...base, covariates: ['lpop'], method: 'dr' });
    expect(a.rows).toEqual(b.rows);
    expect(a.notes.some((n) => n.code === 'design_adjusted')).toBe(false);
  });

  it('clustering an unbalanced panel by a copy of the unit id gives its unit-level SEs', () => {
    const opts = { data: unbalanced, ...base, allowUnbalanced: true } as const;
    sameSEs(attgt({ ...opts, clusters: 'copy' }), attgt(opts), 'unbalanced copy');
  });

  it('influence rows are units: n = 500 counties, nobs = 2375 rows, ids are county ids', () => {
    const fit = attgt({ data: unbalanced, ...base, allowUnbalanced: true });
    expect([fit.n, fit.nobs]).toEqual([500, 2375]);
    expect(new Set(fit.ids).size).toBe(500);
    expect(fit.influence().length).toBe(500 * fit.rows.length);
  });
});
