/**
 * The input contract of the modern-DiD entries (didImputation, did2s, baconDecomposition): typed
 * errors for designs they cannot estimate (no untreated observation to impute from, a cohort
 * never observed untreated, non-integer periods, an unbalanced panel or a non-absorbing treatment
 * for the decomposition), R argument names answered with ours, results that cannot be modified,
 * and did()'s staggered-adoption note pointing to them.
 */
import { describe, expect, it } from 'vitest';
import { baconDecomposition } from '../../../src/estimators/did/bacon.js';
import { did } from '../../../src/estimators/did/did.js';
import { did2s } from '../../../src/estimators/did/did2s.js';
import { didImputation } from '../../../src/estimators/did/didImputation.js';
import { formatNote } from '../../../src/errors.js';
import { loadDataset } from '../../helpers/oracle.js';
import { thrown } from '../../helpers/thrown.js';

const raw = loadDataset('mpdta.csv');
const year = raw.numeric('year');
const cohortRaw = raw.numeric('first.treat');
const mpdta = raw.withColumns({ treat_post: Float64Array.from(cohortRaw, (g, i) => (g > 0 && year[i]! >= g ? 1 : 0)) });
const bjs = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' } as const;
const two = { data: mpdta, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(treat_post, ref = 0)', treatment: 'treat_post', clusters: 'countyreal' } as const;
const bacon = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' } as const;

/** mpdta with column `name` replaced. */
const withColumn = (name: string, values: Float64Array) => mpdta.withColumns({ [name]: values });

describe('didImputation: designs without a counterfactual are errors', () => {
  it('a cohort never observed untreated (treated from the first period) → no_control_units naming it', () => {
    // Cohort 2004 becomes 2003: treated in every observed year.
    const error = thrown(() => didImputation({ ...bjs, data: withColumn('first.treat', Float64Array.from(cohortRaw, (g) => (g === 2004 ? 2003 : g))) }));
    expect(error.code).toBe('no_control_units');
    expect(error.message).toMatch(/cohort 2003 is never observed untreated/);
  });

  it('no never-treated unit and the last period fully treated → no_control_units naming the period', () => {
    // Never treated become cohort 2007: in 2007 every county is treated.
    const error = thrown(() => didImputation({ ...bjs, data: withColumn('first.treat', Float64Array.from(cohortRaw, (g) => (g === 0 ? 2007 : g))) }));
    expect(error.code).toBe('no_control_units');
    expect(error.message).toMatch(/period 2007/);
  });

  it('no treated unit at all → no_treated_units', () => {
    expect(thrown(() => didImputation({ ...bjs, data: withColumn('first.treat', new Float64Array(mpdta.nrow)) })).code).toBe('no_treated_units');
  });

  it('non-integer periods or cohorts → invalid_option naming the column and row', () => {
    const error = thrown(() => didImputation({ ...bjs, data: withColumn('year', Float64Array.from(year, (t, i) => (i === 7 ? t + 0.5 : t))) }));
    expect(error.code).toBe('invalid_option');
    expect(error.details).toMatchObject({ column: 'year', row: 7 });
    const cohortError = thrown(() => didImputation({ ...bjs, data: withColumn('first.treat', Float64Array.from(cohortRaw, (g) => (g === 2004 ? 2004.5 : g))) }));
    expect(cohortError.code).toBe('invalid_option');
    expect(cohortError.details.column).toBe('first.treat');
  });

  it('a horizon or pre-trend that is never observed → invalid_option listing what is', () => {
    expect(thrown(() => didImputation({ ...bjs, horizons: [0, 9] })).message).toMatch(/observed: 0, 1, 2, 3/);
    expect(thrown(() => didImputation({ ...bjs, pretrends: [-9] })).message).toMatch(/observed: -4, -3, -2, -1/);
    expect(thrown(() => didImputation({ ...bjs, horizons: [-1] as never })).code).toBe('invalid_option');
  });

  it("R's argument names are answered with ours; wtr is not supported", () => {
    expect(thrown(() => didImputation({ ...bjs, horizon: true } as never)).message).toMatch(/"horizons"/);
    expect(thrown(() => didImputation({ ...bjs, wname: 'lemp' } as never)).message).toMatch(/"weights"/);
    expect(thrown(() => didImputation({ ...bjs, cluster_var: 'countyreal' } as never)).message).toMatch(/"clusters"/);
    expect(thrown(() => didImputation({ ...bjs, wtr: ['w'] } as never)).message).toMatch(/not supported/);
  });

  it('results are frozen', () => {
    const result = didImputation({ ...bjs, horizons: true });
    expect(Object.isFrozen(result.rows)).toBe(true);
    expect(Object.isFrozen(result.rows[0])).toBe(true);
    const V = result.vcov();
    V[0]![0] = 99;
    expect(result.vcov()[0]![0]).not.toBe(99);
  });
});

describe('did2s: typed errors', () => {
  it('a first stage without fixed effects, or a two-sided formula → invalid_option', () => {
    expect(thrown(() => did2s({ ...two, firstStage: '~ lpop' })).code).toBe('invalid_option');
    expect(thrown(() => did2s({ ...two, firstStage: 'lemp ~ 0 | countyreal + year' })).code).toBe('invalid_option');
    expect(thrown(() => did2s({ ...two, secondStage: '~ treat_post | year' })).code).toBe('invalid_option');
  });

  it('a treatment that is not 0/1 → invalid_option; never treated → no_treated_units', () => {
    expect(thrown(() => did2s({ ...two, treatment: 'first.treat' })).code).toBe('invalid_option');
    expect(thrown(() => did2s({ ...two, data: withColumn('treat_post', new Float64Array(mpdta.nrow)) })).code).toBe('no_treated_units');
  });

  it('a unit treated in every period (no untreated row for its fixed effect) → no_control_units', () => {
    const treat = Float64Array.from(mpdta.numeric('treat_post'), (d, i) => (mpdta.numeric('countyreal')[i] === mpdta.numeric('countyreal')[0] ? 1 : d));
    const error = thrown(() => did2s({ ...two, data: withColumn('treat_post', treat) }));
    expect(error.code).toBe('no_control_units');
    expect(error.message).toMatch(/countyreal = /);
  });

  it('R names: first_stage → firstStage, cluster_var → clusters; the bootstrap is not supported', () => {
    expect(thrown(() => did2s({ ...two, first_stage: '~ 0 | countyreal' } as never)).message).toMatch(/"firstStage"/);
    expect(thrown(() => did2s({ ...two, cluster_var: 'countyreal' } as never)).message).toMatch(/"clusters"/);
    expect(thrown(() => did2s({ ...two, bootstrap: true } as never)).message).toMatch(/not supported/);
  });
});

describe('baconDecomposition: typed errors', () => {
  it('an unbalanced panel (a missing cell drops a row) → unbalanced_panel', () => {
    const lemp = Float64Array.from(mpdta.numeric('lemp'));
    lemp[5] = NaN;
    expect(thrown(() => baconDecomposition({ ...bacon, data: withColumn('lemp', lemp) })).code).toBe('unbalanced_panel');
  });

  it('a treatment that switches off → invalid_option (not absorbing)', () => {
    const d = Float64Array.from(mpdta.numeric('treat_post'));
    // A 2004 county untreated again in 2006.
    d[d.findIndex((_, i) => cohortRaw[i] === 2004 && year[i] === 2006)] = 0;
    expect(thrown(() => baconDecomposition({ ...bacon, data: withColumn('treat_post', d) })).message).toMatch(/absorbing/);
  });

  it('one timing group only (every unit treated at once, none never) → no_control_units; none treated → no_treated_units', () => {
    expect(thrown(() => baconDecomposition({ ...bacon, data: withColumn('treat_post', Float64Array.from(year, (t) => (t >= 2005 ? 1 : 0))) })).code).toBe('no_control_units');
    expect(thrown(() => baconDecomposition({ ...bacon, data: withColumn('treat_post', new Float64Array(mpdta.nrow)) })).code).toBe('no_treated_units');
  });

  it('R names: id_var → unit, time_var → time', () => {
    expect(thrown(() => baconDecomposition({ ...bacon, id_var: 'countyreal' } as never)).message).toMatch(/"unit"/);
    expect(thrown(() => baconDecomposition({ ...bacon, time_var: 'year' } as never)).message).toMatch(/"time"/);
  });
});

describe("did() with a staggered post names the decomposition and the robust estimators", () => {
  it('the note points to baconDecomposition, didImputation and did2s', () => {
    const treat = Float64Array.from(cohortRaw, (g) => (g > 0 ? 1 : 0));
    const result = did({ data: mpdta.withColumns({ treat }), outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat', post: 'treat_post' });
    const line = result.notes.map(formatNote).join('\n');
    expect(line).toContain('baconDecomposition()');
    expect(line).toContain('didImputation()');
    expect(line).toContain('did2s()');
  });
});
