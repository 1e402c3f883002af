/**
 * The one never-treated rule (`data/neverTreated.ts`) in `eventStudy`, on a panel shaped like
 * fixest's `base_stagg` made here: 95 units × 10 years, 45 never treated, 50 treated in cohorts
 * 2 … 10, x1 a time-varying covariate. fixest's docs code never-treated units as 10000; that
 * must give exactly the fit with never-treated coded 0 (or missing, ±Infinity, 11) — not a cohort
 * with relative times −9999 … −9990 — and a note must say which coding was found.
 *
 * Also issue 13 item 2: Sun–Abraham with a covariate and the default clustering has 36 cohort-specific
 * pre-period coefficients whose clustered covariance block is singular (a cohort of 5–6 units
 * has up to 8 pre-period cells, more than its clusters can span; the Cholesky of the pre-trend
 * test fails at pivot 35, the crash reported); the estimate must stand, the pre-test is NaN
 * with a `test_not_computed` note, and the estimates equal those of `vcov: 'hetero'` (same
 * coefficients, a different variance) where the test exists.
 */
import { describe, expect, it } from 'vitest';
import { eventStudy, type EventStudyOptions } from '../../../src/estimators/did/eventStudy.js';
import { createRng } from '../../../src/numerics/random.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';

/** A base_stagg-like panel; `never` is the cohort code of the 45 never-treated units. */
function staggeredPanel(never: number, seed = 1) {
  const rng = createRng(seed);
  const id: number[] = [];
  const year: number[] = [];
  const cohort: number[] = [];
  const y: number[] = [];
  const x1: number[] = [];
  for (let u = 1; u <= 95; u++) {
    const g = u <= 45 ? never : 2 + ((u - 46) % 9);
    const alpha = rng.normal();
    for (let t = 1; t <= 10; t++) {
      const x = rng.normal();
      const treated = u > 45 && t >= g;
      id.push(u);
      year.push(t);
      cohort.push(g);
      x1.push(x);
      y.push(alpha + 0.1 * t + 0.5 * x + (treated ? 1 + 0.3 * (t - g) : 0) + rng.normal());
    }
  }
  return { id, year, year_treated: cohort, y, x1 };
}

const call = (never: number, extra: Partial<EventStudyOptions> = {}) =>
  eventStudy({ data: staggeredPanel(never), outcome: 'y', unit: 'id', time: 'year', cohort: 'year_treated', ...extra });

describe('eventStudy: never treated coded 0, missing, ±Infinity or after the last period (fixest 10000) is one rule', () => {
  for (const method of ['twfe', 'sunab'] as const) {
    const reference = call(0, { method });

    it(`${method}: every coding gives the fit of cohort 0, bit for bit`, () => {
      expect(reference.notes.some((n) => n.code === 'design_adjusted')).toBe(false);
      for (const never of [10000, 11, Number.NaN, Infinity, -Infinity]) {
        const es = call(never, { method });
        expectEstimatesMatch(es.tidy(), reference.tidy(), 0, { label: `${method}, never = ${never}` });
        expect(es.pretest).toEqual(reference.pretest);
        expect(es.nobs).toBe(950);
      }
    });

    it(`${method}: no relative time beyond the panel (no year::-9999 rows)`, () => {
      const es = call(10000, { method });
      expect(Math.min(...es.rows.map((r) => r.e))).toBe(-9); // cohort 10 in year 1
      expect(Math.max(...es.rows.map((r) => r.e))).toBe(8);
    });
  }

  it('the result says which coding it found (a typed note); cohort 0 needs none', () => {
    const note = (never: number) => call(never).notes.find((n) => n.code === 'design_adjusted');
    expect(note(10000)).toEqual({ code: 'design_adjusted', message: 'Cohort "year_treated": never treated coded as 10000 (after the last period, 10) (45 units); they are the never-treated controls.' });
    expect(note(Number.NaN)).toEqual({ code: 'design_adjusted', message: 'Cohort "year_treated": never treated coded as missing (45 units); they are the never-treated controls.' });
    expect(note(-Infinity)).toEqual({ code: 'design_adjusted', message: 'Cohort "year_treated": never treated coded as -Inf (45 units); they are the never-treated controls.' });
    expect(call(10000).noteLines()).toContain('NOTE: Cohort "year_treated": never treated coded as 10000 (after the last period, 10) (45 units); they are the never-treated controls.');
  });

  it('a mix of codings is listed coding by coding', () => {
    const data = staggeredPanel(0);
    const mixed = data.year_treated.map((g, i) => (g !== 0 ? g : data.id[i]! <= 20 ? 0 : data.id[i]! <= 30 ? 10000 : Number.NaN));
    const es = eventStudy({ data: { ...data, year_treated: mixed }, outcome: 'y', unit: 'id', time: 'year', cohort: 'year_treated' });
    expect(es.notes.find((n) => n.code === 'design_adjusted')).toEqual({
      code: 'design_adjusted',
      message: 'Cohort "year_treated": never treated coded as 0 (20 units), missing (15 units), 10000 (after the last period, 10) (10 units); they are the never-treated controls.',
    });
    expectEstimatesMatch(es.tidy(), call(0).tidy(), 0);
  });
});

describe('sunab with a covariate: a singular pre-trend covariance never aborts the estimate (issue 13 item 2)', () => {
  const clustered = call(10000, { method: 'sunab', covariates: ['x1'] });
  const hetero = call(10000, { method: 'sunab', covariates: ['x1'], vcov: 'hetero' });

  it('clustered by unit (the default): NaN pre-test on 36 coefficients, test_not_computed note, estimate kept', () => {
    expect(clustered.pretest.df1).toBe(36);
    expect(clustered.pretest.statistic).toBeNaN();
    expect(clustered.pretest.pValue).toBeNaN();
    expect(clustered.notes).toContainEqual({ code: 'test_not_computed', test: 'Pre-trend Wald test', reason: 'the covariance matrix of the 36 pre-period coefficients is singular' });
    expect(Number.isFinite(clustered.overall!.estimate)).toBe(true);
    expect(Number.isFinite(clustered.overall!.stdError)).toBe(true);
  });

  it('the coefficients are those of the hetero fit, whose pre-test exists', () => {
    expect(Number.isFinite(hetero.pretest.statistic)).toBe(true);
    expect(clustered.overall!.estimate).toBeCloseTo(hetero.overall!.estimate, 12);
    const point = (rows: readonly { term: string; estimate: number }[]) => rows.map((r) => ({ term: r.term, estimate: r.estimate }));
    expectEstimatesMatch(point(clustered.cohortEstimates!), point(hetero.cohortEstimates!), { estimate: 1e-12 });
  });
});
