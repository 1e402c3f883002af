/**
 * fixest's sunab() inside feols: fixtures/oracles/fixest_formula_sunab_mpdta.json (fixest 0.12.2,
 * `feols(lemp ~ sunab(first.treat, year) | countyreal + year, mpdta)`): the 12 cohort × period
 * cells with their 12×12 vcov (summary(agg = FALSE)), the period aggregation (year::-4 … year::3,
 * fixest's default display), agg = 'ATT' and agg = 'cohort'; nobs, dof.K, clusters and fixef sizes
 * exact. The same fit must come out of eventStudy({ method: 'sunab' }) (one implementation).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventStudy, feols, parseCsv } from 'causal-panel';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { thrown } from '../helpers/thrown.js';

const mpdta = parseCsv(readFileSync(new URL('../../fixtures/datasets/mpdta.csv', import.meta.url), 'utf8'));
const o = JSON.parse(readFileSync(new URL('../../fixtures/oracles/fixest_formula_sunab_mpdta.json', import.meta.url), 'utf8')).results;
const TOL = { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-4 };
const FORMULA = 'lemp ~ sunab(first.treat, year) | countyreal + year';

describe('feols sunab(first.treat, year) on mpdta', () => {
  const fit = feols(FORMULA, mpdta);
  it('cohort × period cells: fixest names, estimates, SEs and the full vcov (agg = FALSE)', () => {
    expect(fit.terms).toEqual(o.cohortPeriod.coefficients.map((c: { term: string }) => c.term));
    expectEstimatesMatch(fit.tidy(), o.cohortPeriod.coefficients, TOL);
    const v = fit.vcov();
    let worst = 0;
    o.cohortPeriod.vcov.forEach((row: number[], a: number) => row.forEach((x, b) => (worst = Math.max(worst, Math.abs(v[a]![b]! - x) / Math.abs(o.cohortPeriod.vcov[a][a])))));
    expect(worst).toBeLessThan(1e-6);
  });
  it('nobs, dof.K, clusters, fixed-effect sizes and fit statistics exact (as fixest)', () => {
    expect(fit.nobs).toBe(o.periods.nobs);
    expect(fit.vcovInfo.dofK).toBe(o.periods.dofK);
    expect(fit.vcovInfo.nClusters).toEqual([o.periods.nClusters]);
    expect(fit.dist).toEqual({ kind: 't', df: o.periods.dfT });
    expect(Object.fromEntries(fit.fixedEffects.map((f) => [f.name, f.nLevels]))).toEqual(o.periods.fixefSizes);
    expect(Math.abs(fit.ssr - o.periods.ssr) / o.periods.ssr).toBeLessThan(1e-10);
    expect(Math.abs(fit.r2 - o.periods.r2)).toBeLessThan(1e-10);
  });
  it("aggregate('period') = fixest's default summary: year::-4 … year::3 (ref -1 left out)", () => {
    const rows = fit.aggregate('period');
    expect(rows.map((r) => r.term)).toEqual(o.periods.coefficients.map((c: { term: string }) => c.term));
    expectEstimatesMatch(rows, o.periods.coefficients, TOL);
    expect(fit.aggregate()).toEqual(rows);
  });
  it("aggregate('ATT') and aggregate('cohort') = summary(agg = 'ATT' / 'cohort')", () => {
    expectEstimatesMatch(fit.aggregate('ATT'), o.att.coefficients, TOL);
    expectEstimatesMatch(fit.aggregate('cohort'), o.cohort.coefficients, TOL);
  });
  it("eventStudy({ method: 'sunab' }) gives the same cells and aggregates (one implementation)", () => {
    const es = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'sunab' });
    const cells = es.cohortEstimates!;
    expectEstimatesMatch(fit.tidy(), cells.map(({ term, estimate, stdError, statistic, pValue }) => ({ term, estimate, stdError, statistic, pValue })), { estimate: 1e-12, stdError: 1e-10, statistic: 1e-10, pValue: 1e-8 });
    const periods = es.rows.filter((r) => r.reference !== true);
    expectEstimatesMatch(fit.aggregate('period'), periods.map(({ term, estimate, stdError }) => ({ term, estimate, stdError })), { estimate: 1e-12, stdError: 1e-10 });
    expect(Math.abs(fit.aggregate('ATT')[0]!.estimate - es.overall!.estimate)).toBeLessThan(1e-14);
  });
  it('weighted: the same as eventStudy with weights (cells weighted by their summed weights, fixest use_weights = TRUE)', () => {
    const w = mpdta.withColumns({ w: Float64Array.from({ length: mpdta.nrow }, (_, i) => 1 + (i % 3)) });
    const wfit = feols(FORMULA, w, { weights: 'w' });
    const es = eventStudy({ data: w, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'sunab', weights: 'w' });
    const periods = es.rows.filter((r) => r.reference !== true);
    expectEstimatesMatch(wfit.aggregate('period'), periods.map(({ term, estimate, stdError }) => ({ term, estimate, stdError })), { estimate: 1e-12, stdError: 1e-10 });
    expect(Math.abs(wfit.aggregate('ATT')[0]!.estimate - es.overall!.estimate)).toBeLessThan(1e-14);
    expect(Math.abs(wfit.aggregate('ATT')[0]!.estimate - fit.aggregate('ATT')[0]!.estimate)).toBeGreaterThan(1e-4);
  });
  it("a cohort that is not an observed period is never treated (fixest R/did.R: setdiff(cohort, period)), with a note", () => {
    // without the 2006 rows, cohort 2006 is not a period of the data: fixest makes it a control
    const no2006 = mpdta.take(Int32Array.from(Array.from(mpdta.numeric('year'), (y, i) => (y === 2006 ? -1 : i)).filter((i) => i >= 0)));
    const gap = feols(FORMULA, no2006);
    expect(gap.terms.some((t) => t.endsWith('cohort::2006'))).toBe(false);
    expect(gap.notes.some((n) => n.code === 'design_adjusted' && /cohort 2006 not among the observed periods/.test(n.message))).toBe(true);
    const recoded = no2006.withColumns({ g: Float64Array.from(no2006.numeric('first.treat'), (g) => (g === 2006 ? 0 : g)) });
    const control = feols('lemp ~ sunab(g, year) | countyreal + year', recoded);
    expect(gap.terms.map((t) => t)).toEqual([...control.terms]);
    gap.terms.forEach((_, j) => expect(Math.abs(gap.coefficients[j]! - control.coefficients[j]!)).toBeLessThan(1e-13));
  });
  it("a relative period (0, negative and positive values: fixest's CASE_1) is used as it is: same fit as the calendar period", () => {
    const year = mpdta.numeric('year');
    const g = mpdta.numeric('first.treat');
    const withRel = mpdta.withColumns({ rel: Float64Array.from(year, (y, i) => (g[i] === 0 ? -1000 : y - g[i]!)) });
    const rel = feols('lemp ~ sunab(first.treat, rel) | countyreal + year', withRel);
    expect(rel.terms).toEqual(fit.terms.map((t) => t.replace(/^year::/, 'rel::')));
    rel.terms.forEach((_, j) => expect(Math.abs(rel.coefficients[j]! - fit.coefficients[j]!)).toBeLessThan(1e-13));
  });
  it('withVcov keeps the cells: aggregate() uses the new vcov (√(wᵀVw) by hand)', () => {
    const iid = fit.withVcov('iid');
    const att = iid.aggregate('ATT')[0]!;
    const post = iid.terms.map((t, j) => ({ t, j })).filter(({ t }) => !/::-\d/.test(t));
    const counts = post.map(({ j }) => { let c = 0; for (let i = 0; i < iid.design.n; i++) if (iid.design.X[i + iid.design.terms.indexOf(iid.terms[j]!) * iid.design.n] !== 0) c++; return c; });
    const total = counts.reduce((a, b) => a + b, 0);
    const V = iid.vcov();
    let variance = 0;
    post.forEach((a, x) => post.forEach((b, y) => (variance += (counts[x]! / total) * (counts[y]! / total) * V[a.j]![b.j]!)));
    expect(Math.abs(att.stdError - Math.sqrt(variance)) / att.stdError).toBeLessThan(1e-12);
    expect(att.stdError).not.toBeCloseTo(fit.aggregate('ATT')[0]!.stdError, 6);
  });
  it('ref.p moves the reference: ref.p = c(-1, -4) drops year::-4 as well', () => {
    const two = feols('lemp ~ sunab(first.treat, year, ref.p = c(-1, -4)) | countyreal + year', mpdta);
    expect(two.terms).not.toContain('year::-4:cohort::2007');
    expect(two.aggregate('period').map((r) => r.term)).toEqual(['year::-3', 'year::-2', 'year::0', 'year::1', 'year::2', 'year::3']);
  });
});

describe('sunab() contract', () => {
  it('a non-numeric cohort is non_numeric naming the column and row', () => {
    const rows = mpdta.toRows().slice(0, 50).map((r, i) => ({ ...r, first: i === 7 ? 'soon' : String(r['first.treat']) }));
    const e = thrown(() => feols('lemp ~ sunab(first, year) | countyreal + year', rows));
    expect(e.code).toBe('non_numeric');
    expect(e.details.column).toBe('first');
  });
  it('sunab() interacted, twice, or with an unsupported argument is formula_syntax', () => {
    expect(thrown(() => feols('lemp ~ sunab(first.treat, year):lpop | countyreal', mpdta)).code).toBe('formula_syntax');
    expect(thrown(() => feols('lemp ~ sunab(first.treat, year, bin = "bin::2") | countyreal', mpdta)).message).toMatch(/argument "bin" is not supported/);
  });
  it('no cohort observed before and after treatment: no_treated_units', () => {
    const rows = mpdta.toRows().map((r) => ({ ...r, g: 2010 }));
    expect(thrown(() => feols('lemp ~ sunab(g, year) | countyreal + year', rows.map((r, i) => ({ ...r, g: i % 2 === 0 ? 0 : 2003 })))).code).toBe('no_treated_units');
  });
  it('aggregate() on a fit without sunab() is invalid_option', () => {
    expect(thrown(() => feols('lemp ~ lpop | year', mpdta).aggregate('ATT')).code).toBe('invalid_option');
  });
});
