/**
 * did() / eventStudy() options and data policy (the API contract of issue 9):
 * - every option is read by one reader: an R/Stata name or a misspelling is an `unknown_option`
 *   error that suggests the right key (`cluster` → `vcov: { CRV1: … }`, `weight` → `weights`,
 *   `xformla`/`controls` → `covariates`, `ref.p`/`reference` → `ref`), never silently ignored;
 * - ±Infinity in the outcome, a covariate or the weights is `non_finite` (fixest's policy); a
 *   missing cell drops its row with fixest's NOTE; a cohort of ±Infinity means never treated;
 * - tidy(level) re-derives the intervals at another level from the same estimate and SE (checked
 *   against the underlying feols fit's own tidy at that level).
 * Data: fixtures/datasets/base_did.csv (fixest 0.12.2's base_did).
 */
import { describe, expect, it } from 'vitest';
import { did, type DidOptions } from '../../../src/estimators/did/did.js';
import { eventStudy, type EventStudyOptions } from '../../../src/estimators/did/eventStudy.js';
import { formatNote } from '../../../src/errors.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset } from '../../helpers/oracle.js';
import { thrown } from '../../helpers/thrown.js';

const base = loadDataset('base_did.csv');
const data = base.withColumns({ g: Float64Array.from(base.numeric('treat'), (t) => 6 * t) });
const didArgs: DidOptions = { data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' };
const esArgs: EventStudyOptions = { data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' };

describe('unknown options are errors that name the right key', () => {
  const cases: [string, () => unknown, string, string][] = [
    ["did({ cluster: 'id' })", () => did({ ...didArgs, cluster: 'id' } as never), 'cluster', 'vcov: { CRV1: "id" }'],
    ["did({ weight: 'x1' })", () => did({ ...didArgs, weight: 'x1' } as never), 'weight', 'weights'],
    ["did({ controls: ['x1'] })", () => did({ ...didArgs, controls: ['x1'] } as never), 'controls', 'covariates'],
    ["did({ xformla: '~x1' })", () => did({ ...didArgs, xformla: '~x1' } as never), 'xformla', 'covariates'],
    ['did({ fixedEffect: false })', () => did({ ...didArgs, fixedEffect: false } as never), 'fixedEffect', 'fixedEffects'],
    ["eventStudy({ 'ref.p': -2 })", () => eventStudy({ ...esArgs, 'ref.p': -2 } as never), 'ref.p', 'ref'],
    ['eventStudy({ reference: -2 })', () => eventStudy({ ...esArgs, reference: -2 } as never), 'reference', 'ref'],
    ["eventStudy({ cluster: 'id' })", () => eventStudy({ ...esArgs, cluster: 'id' } as never), 'cluster', 'vcov: { CRV1: "id" }'],
    ["eventStudy({ weight: 'x1' })", () => eventStudy({ ...esArgs, weight: 'x1' } as never), 'weight', 'weights'],
    ["eventStudy({ xformla: '~x1' })", () => eventStudy({ ...esArgs, xformla: '~x1' } as never), 'xformla', 'covariates'],
    ["eventStudy({ gname: 'g' })", () => eventStudy({ ...esArgs, gname: 'g' } as never), 'gname', 'cohort'],
  ];
  it.each(cases)('%s → unknown_option suggesting %s', (_label, run, key, suggestion) => {
    const error = thrown(run);
    expect(error.code).toBe('unknown_option');
    expect(error.details).toMatchObject({ option: key, suggestion });
    expect(error.message).toContain(`unknown option "${key}"`);
    expect(error.message).toContain(suggestion);
  });

  it('the message has the one form: fn, key, suggestion', () => {
    expect(thrown(() => did({ ...didArgs, cluster: 'id' } as never)).message).toBe('did: unknown option "cluster" (did you mean vcov: { CRV1: "id" }?)');
  });

  it.each([
    ['did level 2', () => did({ ...didArgs, level: 2 }), 'did: option "level" must be a number in (0, 1) (got 2)'],
    ['did standardize "glass"', () => did({ ...didArgs, standardize: 'glass' as never }), 'did: option "standardize" must be "control-baseline", "pooled" or a positive finite number (got "glass")'],
    ['did fixedEffects "no"', () => did({ ...didArgs, fixedEffects: 'no' as never }), 'did: option "fixedEffects" must be true or false (got "no")'],
    ['did treat missing', () => did({ ...didArgs, treat: undefined as never }), 'did: option "treat" is required (a column name)'],
    ['eventStudy method "cs"', () => eventStudy({ ...esArgs, method: 'cs' as never }), 'eventStudy: option "method" must be one of "twfe", "sunab" (got "cs")'],
    ['eventStudy ref "a"', () => eventStudy({ ...esArgs, ref: 'a' as never }), 'eventStudy: option "ref" must be a finite number or a non-empty array of them (got "a")'],
    ['eventStudy window reversed', () => eventStudy({ ...esArgs, window: [3, -3] }), 'eventStudy: option "window" must be [min, max] with finite min <= max (got [3,-3])'],
    ['eventStudy ref outside window', () => eventStudy({ ...esArgs, window: [0, 3] }), 'eventStudy: option "ref" must be inside window [0, 3] (got -1)'],
  ])('%s → invalid_option in the one message form', (_label, run, message) => {
    const error = thrown(run);
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe(message);
  });
});

describe('missing and infinite values (policy "error", as fixest)', () => {
  const withCell = (column: string, row: number, value: number) => {
    const values = Float64Array.from(data.numeric(column));
    values[row] = value;
    return data.withColumns({ [column]: values });
  };

  it.each([
    ['outcome y', 'y', Infinity],
    ['covariate x1', 'x1', -Infinity],
  ])('±Infinity in the %s is non_finite, naming column, row and value', (_label, column, value) => {
    for (const run of [
      () => did({ ...didArgs, data: withCell(column, 7, value), covariates: ['x1'] }),
      () => eventStudy({ ...esArgs, data: withCell(column, 7, value), covariates: ['x1'] }),
    ]) {
      const error = thrown(run);
      expect(error.code).toBe('non_finite');
      expect(error.details).toMatchObject({ column, row: 7, value });
      expect(error.message).toContain(`column "${column}" has a non-finite value (row 8: ${value})`);
    }
  });

  it('±Infinity in the weights is non_finite', () => {
    const w = Float64Array.from({ length: data.nrow }, () => 1);
    w[3] = Infinity;
    expect(thrown(() => did({ ...didArgs, data: data.withColumns({ w }), weights: 'w' })).code).toBe('non_finite');
  });

  it('a missing cell drops its row with fixest\'s NOTE ("NA values"), counted by column', () => {
    const res = did({ ...didArgs, data: withCell('x1', 0, NaN).withColumns({ y: Float64Array.from(data.numeric('y'), (v, i) => (i === 1 || i === 2 ? NaN : v)) }), covariates: ['x1'] });
    expect(res.nobs).toBe(1077);
    expect(res.notes[0]).toEqual({ code: 'rows_dropped_missing', count: 3, byColumn: { y: 2, x1: 1 } });
    expect(formatNote(res.notes[0]!)).toBe('NOTE: 3 observations removed because of NA values (y: 2, x1: 1).');
  });

  it('a cohort of ±Infinity is "never treated", not an error and not a dropped row', () => {
    const cohort = Float64Array.from(data.numeric('g'), (v, i) => (v === 0 ? (i % 2 === 0 ? Infinity : -Infinity) : v));
    const es = eventStudy({ ...esArgs, data: data.withColumns({ g: cohort }) });
    expect(es.nobs).toBe(1080);
    expect(es.notes.some((n) => n.code === 'rows_dropped_missing')).toBe(false);
    expectEstimatesMatch(es.tidy(), eventStudy(esArgs).tidy(), 1e-12);
  });
});

describe('tidy(level): intervals at another level from the same estimate and SE', () => {
  it('did: the ATT row at 90% equals the feols fit\'s own tidy(0.9) row', () => {
    const res = did(didArgs);
    const [att, effectSize] = res.tidy(0.9);
    const fitRow = res.fit.tidy(0.9).find((r) => r.term === 'ATT')!;
    expectEstimatesMatch([att!], [{ ...fitRow, term: 'ATT' }], 1e-14);
    expect(att!.confHigh - att!.confLow).toBeLessThan(res.att.confHigh - res.att.confLow);
    expectEstimatesMatch([effectSize!], [{ ...att!, term: 'ATT (SD)', estimate: att!.estimate / res.standardize.sd, stdError: att!.stdError / res.standardize.sd, confLow: att!.confLow / res.standardize.sd, confHigh: att!.confHigh / res.standardize.sd }], 1e-14);
    expect(res.tidy()).toEqual([res.att, res.effectSize]);
  });

  it('eventStudy: every estimated row at 90% equals the fit\'s tidy(0.9) row; reference rows stay NaN', () => {
    const es = eventStudy(esArgs);
    const fitRows = new Map(es.fit.tidy(0.9).map((r) => [r.term, r]));
    const rows = es.tidy(0.9);
    es.rows.forEach((row, j) => {
      if (row.reference) return expect(rows[j]!.confLow).toBeNaN();
      const fitRow = fitRows.get(`e_${row.e < 0 ? 'm' : ''}${Math.abs(row.e)}`)!;
      expectEstimatesMatch([rows[j]!], [{ ...fitRow, term: row.term }], 1e-14, { label: `e=${row.e}` });
    });
    expect(() => es.tidy(1.5)).toThrowError(/option "level" must be a number in \(0, 1\)/);
  });
});

describe('results extend the one Result base', () => {
  it('did: summary() through the one renderer with the 2×2 means table; toJSON() kind "did", NaN → null', () => {
    const res = did({ ...didArgs, vcov: 'iid' });
    const text = res.summary();
    expect(text.split('\n')[0]).toBe('TWFE difference-in-differences, Dep. Var.: y');
    expect(text).toContain('Mean outcome (raw DiD of means:');
    // Row counts of the 2×2 cells, counted here from the data.
    const treat = data.numeric('treat');
    const post = data.numeric('post');
    const treatedPre = treat.filter((t, i) => t === 1 && post[i] === 0).length;
    const treatedPost = treat.filter((t, i) => t === 1 && post[i] === 1).length;
    expect(text).toMatch(new RegExp(`treated\\s+\\S+ \\(${treatedPre}\\)\\s+\\S+ \\(${treatedPost}\\)`));
    const json = JSON.parse(JSON.stringify(res));
    expect(json.kind).toBe('did');
    expect(json.nClusters).toBeNull();
    expect(json.means.treated.pre.n).toBe(treatedPre);
  });

  it('eventStudy: kind "eventStudy", the reference row has null SE in JSON', () => {
    const json = JSON.parse(JSON.stringify(eventStudy(esArgs)));
    expect(json.kind).toBe('eventStudy');
    expect(json.rows.find((r: { e: number }) => r.e === -1).stdError).toBeNull();
    expect(json.notes).toEqual([]);
  });
});
