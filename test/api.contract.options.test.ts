/**
 * The input contract of every public entry point (issue "One core under every estimator"):
 * - an unknown or R/Stata-style option is an `unknown_option` error that names the key and
 *   suggests ours (never silently ignored: each of these once gave a quietly wrong analysis);
 * - a numeric column with a text cell is `non_numeric`, naming the column, row and value;
 * - ±Infinity is handled by one documented policy per family: an error (`non_finite`) for the
 *   regression family, matching and mediation (as fixest, lm and MatchIt); dropped with a note
 *   that says "NA or infinite values" for Callaway–Sant'Anna (as did).
 */
import { describe, expect, it } from 'vitest';
import {
  attgt,
  did,
  eventStudy,
  feols,
  glm,
  matchit,
  matchedAtt,
  mediate,
  mediateMany,
  medsens,
  productOfCoefficients,
  psmDid,
  etable,
  coefPlot,
  simulateSchoolPanel,
  parseCsv,
  type Frame,
} from '../src/index.js';
import { loadDataset } from './helpers/oracle.js';
import { thrown } from './helpers/thrown.js';

const mpdta = loadDataset('mpdta.csv');
const lalonde = loadDataset('lalonde.csv');
const jobs = loadDataset('jobs.csv');
const baseDidRaw = loadDataset('base_did.csv');
// fixest's event-study example: cohort = period 6 for treated units, never treated (0) otherwise
const baseDid = baseDidRaw.withColumns({ cohort: Float64Array.from(baseDidRaw.numeric('treat'), (t) => 6 * t) });

const cs = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' };
const twfe = { data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' };
const med = {
  data: jobs,
  mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
  outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
  treat: 'treat',
  mediator: 'job_seek',
  sims: 20,
  seed: 1,
};
const matchArgs = { formula: 'treat ~ age + educ + re74 + re75', data: lalonde };
const psmArgs = { ...twfe, covariates: ['x1'] };

/** [entry, call with the bad option, the key, the suggestion shown in the message]. */
const UNKNOWN: readonly [string, () => unknown, string, string][] = [
  ['feols', () => feols('y ~ x1', baseDid, { cluster: 'id' } as never), 'cluster', 'vcov: { CRV1: "id" }'],
  ['feols', () => feols('y ~ x1', baseDid, { weight: 'x1' } as never), 'weight', '"weights"'],
  ['glm', () => glm('treat ~ age', lalonde, { family: 'binomial', weight: 'age' } as never), 'weight', '"weights"'],
  ['did', () => did({ ...twfe, cluster: 'id' } as never), 'cluster', 'vcov: { CRV1: "id" }'],
  ['eventStudy', () => eventStudy({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', cohort: 'cohort', reference: -1 } as never), 'reference', '"ref"'],
  ['attgt', () => attgt({ ...cs, controlGroup: 'notyet' } as never), 'controlGroup', '"control"'],
  ['attgt', () => attgt({ ...cs, xformla: '~lpop' } as never), 'xformla', '"covariates"'],
  ['attgt', () => attgt({ ...cs, est_method: 'reg' } as never), 'est_method', '"method"'],
  ['aggregate', () => attgt(cs).aggregate('dynamic', { min_e: -3 } as never), 'min_e', '"minE"'],
  ['matchit', () => matchit({ ...matchArgs, 'std.caliper': true } as never), 'std.caliper', '"stdCaliper"'],
  ['matchit', () => matchit({ ...matchArgs, 'm.order': 'largest' } as never), 'm.order', '"order"'],
  ['psmDid', () => psmDid({ ...psmArgs, cluster: 'id' } as never), 'cluster', 'vcov: { CRV1: "id" }'],
  ['mediate', () => mediate({ ...med, sim: 10 } as never), 'sim', '"sims"'],
  ['mediate', () => mediate({ ...med, 'treat.value': 1 } as never), 'treat.value', '"treatValue"'],
];

describe('every public entry rejects an option it does not know, suggesting ours', () => {
  it.each(UNKNOWN)('%s: %s', (entry, call, key, suggestion) => {
    const error = thrown(call);
    expect(error.code).toBe('unknown_option');
    expect(error.message).toContain(`unknown option "${key}" (did you mean ${suggestion}?)`);
    expect(error.message.startsWith(`${entry}: `)).toBe(true);
    expect(error.details.option).toBe(key);
  });

  it("an option of the reference package that is not supported says so (MatchIt's s.weights)", () => {
    const error = thrown(() => matchit({ ...matchArgs, 's.weights': 'w' } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toMatch(/^matchit: option "s\.weights" is not supported \(.*sampling weights/);
  });

  it('the other entries reject unknown options too', () => {
    const m = matchit(matchArgs);
    const med1 = mediate(med);
    const calls: [string, () => unknown][] = [
      ['matchedAtt', () => matchedAtt(m, { outcome: 're78', clusters: 'subclass' } as never)],
      ['mediateMany', () => mediateMany({ ...med, mediators: undefined, nsim: 5 } as never)],
      ['medsens', () => medsens(med1, { rho_by: 0.1 } as never)],
      ['productOfCoefficients', () => productOfCoefficients({ ...med, sims: undefined, seed: undefined, varinace: 'ml' } as never)],
      ['etable', () => etable([feols('y ~ x1', baseDid)], { digit: 3 } as never)],
      ['coefPlot', () => coefPlot(feols('y ~ x1', baseDid).tidy(), { titel: 'x' } as never)],
      ['simulateSchoolPanel', () => simulateSchoolPanel({ seeed: 1 } as never)],
      ['parseCsv', () => parseCsv('a,b\n1,2\n', { delimeter: ';' } as never)],
    ];
    for (const [entry, call] of calls) {
      const error = thrown(call);
      expect(error.code, entry).toBe('unknown_option');
    }
  });
});

/** lalonde-like rows where `age` has one text cell at row index 7 (row 8 in messages). */
function withTextCell(frame: Frame, column: string, index: number, value: string): Record<string, unknown>[] {
  const rows = frame.toRows() as Record<string, unknown>[];
  return rows.map((row, i) => (i === index ? { ...row, [column]: value } : row));
}
function withCell(frame: Frame, column: string, index: number, value: number): Frame {
  const values = Float64Array.from(frame.numeric(column));
  values[index] = value;
  return frame.withColumns({ [column]: values });
}

describe('a numeric column with a text cell is non_numeric, naming the column, row and value', () => {
  const cases: [string, () => unknown, string][] = [
    ['feols', () => feols('re78 ~ age', withTextCell(lalonde, 'age', 7, 'abc')), 'age'],
    ['glm', () => glm('treat ~ age', withTextCell(lalonde, 'age', 7, 'abc'), { family: 'binomial' }), 'age'],
    ['matchit', () => matchit({ formula: 'treat ~ age + educ', data: withTextCell(lalonde, 'age', 7, 'abc') }), 'age'],
    ['did', () => did({ ...twfe, data: withTextCell(baseDid, 'y', 7, 'abc') }), 'y'],
    ['attgt', () => attgt({ ...cs, data: withTextCell(mpdta, 'lemp', 7, 'abc') }), 'lemp'],
    ['mediate', () => mediate({ ...med, data: withTextCell(jobs, 'age', 7, 'abc') }), 'age'],
  ];
  it.each(cases)('%s', (entry, call, column) => {
    const error = thrown(call);
    expect(error.code).toBe('non_numeric');
    expect(error.message).toContain(`column "${column}" is not numeric (row 8: "abc")`);
    expect(error.details).toMatchObject({ column, row: 7, value: 'abc' });
    expect(error.message.startsWith(`${entry}: `)).toBe(true);
  });
  it('factor(x) still asks for the factor', () => {
    expect(feols('re78 ~ factor(age)', withTextCell(lalonde, 'age', 7, 'abc')).terms).toContain('factor(age)abc');
  });
});

describe('±Infinity: one documented policy per family', () => {
  const errors: [string, () => unknown, string][] = [
    ['feols', () => feols('re78 ~ age', withCell(lalonde, 're78', 3, Infinity)), 're78'],
    ['glm', () => glm('treat ~ age', withCell(lalonde, 'age', 3, -Infinity), { family: 'binomial' }), 'age'],
    ['did', () => did({ ...twfe, data: withCell(baseDid, 'y', 3, Infinity) }), 'y'],
    ['eventStudy', () => eventStudy({ data: withCell(baseDid, 'y', 3, Infinity), outcome: 'y', unit: 'id', time: 'period', cohort: 'cohort' }), 'y'],
    ['psmDid', () => psmDid({ ...psmArgs, data: withCell(baseDid, 'x1', 3, Infinity) }), 'x1'],
    ['matchit', () => matchit({ ...matchArgs, data: withCell(lalonde, 'age', 3, Infinity) }), 'age'],
    ['mediate', () => mediate({ ...med, data: withCell(jobs, 'econ_hard', 3, Infinity) }), 'econ_hard'],
  ];
  it.each(errors)('%s: non_finite error (as fixest / lm / MatchIt)', (entry, call, column) => {
    const error = thrown(call);
    expect(error.code).toBe('non_finite');
    expect(error.message).toContain(`column "${column}"`);
    expect(error.details).toMatchObject({ column, row: 3 });
  });
  it('attgt: the row is dropped and the note says "NA or infinite values" (as did)', () => {
    const result = attgt({ ...cs, data: withCell(withCell(mpdta, 'lemp', 3, Infinity), 'lemp', 4, -Infinity) });
    const note = result.notes.find((n) => n.code === 'rows_dropped_missing');
    expect(note).toBeDefined();
    expect(result.summary()).toContain('NA or infinite values');
  });
});
