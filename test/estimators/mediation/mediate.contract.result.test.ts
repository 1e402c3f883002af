/**
 * The results of mediate / mediateMany / medsens / productOfCoefficients on the one Result base:
 * kind, tidy(level) rows in the Estimate vocabulary whose fields are what the TSDoc says
 * (simulation SD, simulation p-value, percentile interval — recomputed from the same draws at
 * another level), toJSON, Node inspect; and the one complete-case path (a note naming the
 * columns of both models; ±Infinity an error, as R's lm refuses it).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CausalPanelError } from '../../../src/errors.js';
import { mediate } from '../../../src/estimators/mediation/mediate.js';
import { mediateMany } from '../../../src/estimators/mediation/mediateMany.js';
import { medsens } from '../../../src/estimators/mediation/medsens.js';
import { productOfCoefficients } from '../../../src/estimators/mediation/productOfCoefficients.js';
import { simulationPValue } from '../../../src/estimators/mediation/summarizeMediation.js';
import { waldInference } from '../../../src/inference/intervals.js';
import { normalCdf } from '../../../src/numerics/distributions.js';
import { sampleSd } from '../../../src/numerics/moments.js';
import { quantileSorted, sortedFinite } from '../../../src/numerics/quantile.js';
import { Result } from '../../../src/report/result.js';
import { expectClose } from '../../helpers/expectClose.js';
import { jobs, jobsModels } from '../../helpers/jobsModels.js';

const boot = mediate({ ...jobsModels, boot: true, sims: 300, seed: 11 });

describe('every mediation result is a Result', () => {
  const sens = medsens(boot);
  const poc = productOfCoefficients(jobsModels);
  const many = mediateMany({
    data: jobs, treat: 'treat', mediators: ['job_seek', 'job_disc'], sims: 50, seed: 2,
    mediatorModel: '{mediator} ~ treat + econ_hard + sex + age', outcomeModel: 'depress2 ~ treat + {mediator} + econ_hard + sex + age',
  });
  it.each([
    ['mediate', boot],
    ['mediateMany', many],
    ['medsens', sens],
    ['productOfCoefficients', poc],
  ] as const)('%s: kind, toJSON round trip, inspect prints summary()', (kind, result) => {
    expect(result).toBeInstanceOf(Result);
    expect(result.kind).toBe(kind);
    const json = JSON.parse(JSON.stringify(result));
    expect(json.kind).toBe(kind);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(inspect(result)).toBe(result.summary());
    expect(result.tidy().length).toBeGreaterThan(0);
  });
  it('mediateMany: rows are each mediator’s rows, term prefixed', () => {
    const rows = many.tidy(0.9);
    expect(rows).toHaveLength(20);
    expect(rows[17]).toEqual({ ...many.results.get('job_disc')!.tidy(0.9)[7]!, term: 'job_disc: ACME (average)' });
  });
});

describe('mediate tidy(): the fields its TSDoc promises (bootstrap, 300 draws)', () => {
  const draws = boot.draws().acmeControl;
  const row = boot.tidy().find((r) => r.term === 'ACME (control)')!;
  it('estimate = the acme.control leaf; stdError = SD of the draws; statistic = estimate / stdError', () => {
    expect(row.estimate).toBe(boot.acme.control.estimate);
    expectClose(row.stdError, sampleSd(draws), 1e-15, 'SD of the draws');
    expect(row.statistic).toBe(row.estimate / row.stdError);
  });
  it("pValue = mediation's simulation p-value; interval = the percentile (type-7) interval of the draws", () => {
    expect(row.pValue).toBe(simulationPValue(draws, row.estimate));
    const sorted = sortedFinite(draws);
    expect(row.confLow).toBe(quantileSorted(sorted, 0.025));
    expect(row.confHigh).toBe(quantileSorted(sorted, 0.975));
  });
  it('tidy(0.9) recomputes the intervals from the same draws; estimates, SEs and p-values do not move', () => {
    const at90 = boot.tidy(0.9).find((r) => r.term === 'ACME (control)')!;
    expect({ ...at90, confLow: 0, confHigh: 0 }).toEqual({ ...row, confLow: 0, confHigh: 0 });
    const sorted = sortedFinite(draws);
    // mediation's low <- (1 - conf.level)/2, high <- 1 - low
    expect(at90.confLow).toBe(quantileSorted(sorted, (1 - 0.9) / 2));
    expect(at90.confHigh).toBe(quantileSorted(sorted, 1 - (1 - 0.9) / 2));
    expect(boot.tidy()).toEqual(boot.tidy(0.95));
  });
  it('tidy(level) outside (0, 1) is invalid_option', () => {
    expect(() => boot.tidy(1.5)).toThrow(CausalPanelError);
    expect(() => boot.tidy(1.5)).toThrow('mediate: option "level" must be a number in (0, 1) (got 1.5)');
  });
  it('summary() prints the four rows of summary.mediate (no interaction, linear outcome) in its interval layout', () => {
    const text = boot.summary();
    expect(text).toContain('Nonparametric Bootstrap Confidence Intervals with the Percentile Method');
    expect(text).toMatch(/Estimate 95% CI Lower 95% CI Upper p-value/);
    expect(text).toContain('Sample Size Used: 899');
    expect(text).not.toContain('ACME (control)');
  });
});

describe('medsens and productOfCoefficients tidy(): normal (z) rows', () => {
  const sens = medsens(boot, { rhoBy: 0.1 });
  it('medsens: one row per grid point, ACME(ρ) with its delta-method SE, z, normal p and the curve’s interval', () => {
    const rows = sens.tidy();
    expect(rows).toHaveLength(19);
    const atZero = rows.find((r) => r.term === 'ACME, rho = 0')!;
    expectClose(atZero.estimate, -0.015744645028903236, 1e-10, 'ACME(0) = a·b (sobel_jobs_ols.json)');
    const i = rows.indexOf(atZero);
    expect(atZero.confLow).toBe(sens.acmeConfLow[i]);
    expect(atZero.confHigh).toBe(sens.acmeConfHigh[i]);
    expect(atZero.statistic).toBe(atZero.estimate / atZero.stdError);
    expect(atZero.pValue).toBe(2 * normalCdf(-Math.abs(atZero.statistic)));
    const at90 = sens.tidy(0.9)[i]!;
    expectClose(at90.confHigh - at90.estimate, 1.6448536269514722 * atZero.stdError, 1e-12, '90% half-width');
  });
  it('productOfCoefficients: tidy(0.9) is Wald inference at 0.9 on the same SEs', () => {
    const poc = productOfCoefficients(jobsModels);
    const indirect = poc.tidy(0.9)[3]!;
    expect(indirect).toEqual({ term: 'indirect', ...waldInference(poc.indirect.estimate, poc.indirect.stdError, { kind: 'normal' }, 0.9) });
    expect(poc.tidy()).toEqual([poc.a, poc.b, poc.c, poc.indirect, poc.total]);
  });
});

describe('missing and infinite values: one complete-case path (data/missing.ts), policy "error" for ±Infinity', () => {
  const age = Float64Array.from(jobs.numeric('age'), (v, i) => (i === 3 ? NaN : v)); // both models
  const seek = Float64Array.from(jobs.numeric('job_seek'), (v, i) => (i === 5 || i === 3 ? NaN : v)); // mediator
  const depress = Float64Array.from(jobs.numeric('depress2'), (v, i) => (i === 8 ? NaN : v)); // outcome only
  const withNa = jobs.withColumns({ age, job_seek: seek, depress2: depress });
  it('mediate: one rows_dropped_missing note counting each column once, over both models; nobs = the complete rows', () => {
    const res = mediate({ ...jobsModels, data: withNa, sims: 20 });
    expect(res.nobs).toBe(jobs.nrow - 3);
    const notes = res.notes.filter((note) => note.code === 'rows_dropped_missing');
    expect(notes).toEqual([{ code: 'rows_dropped_missing', count: 3, byColumn: { job_seek: 2, age: 1, depress2: 1 } }]);
    expect(res.summary()).toContain('NOTE: 3 observations removed because of NA values (job_seek: 2, age: 1, depress2: 1).');
  });
  it('productOfCoefficients: the same rows and the same note (listwise deletion, as lavaan)', () => {
    const poc = productOfCoefficients({ ...jobsModels, data: withNa });
    expect(poc.nobs).toBe(jobs.nrow - 3);
    expect(poc.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual(mediate({ ...jobsModels, data: withNa, sims: 20 }).notes.filter((note) => note.code === 'rows_dropped_missing'));
  });
  it.each([
    ['mediate', () => mediate({ ...jobsModels, data: jobs.withColumns({ econ_hard: Float64Array.from(jobs.numeric('econ_hard'), (v, i) => (i === 4 ? -Infinity : v)) }), sims: 10 })],
    ['productOfCoefficients', () => productOfCoefficients({ ...jobsModels, data: jobs.withColumns({ econ_hard: Float64Array.from(jobs.numeric('econ_hard'), (v, i) => (i === 4 ? -Infinity : v)) }) })],
  ] as const)('%s: ±Infinity in a model variable is non_finite naming column, row and value', (fn, run) => {
    expect(run).toThrow(expect.objectContaining({ name: 'CausalPanelError', code: 'non_finite', message: `${fn}: column "econ_hard" has a non-finite value (row 5: -Infinity)` }));
  });
});
