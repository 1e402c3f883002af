/**
 * The options of attgt and aggregate (issue "One core under every estimator"): did's argument
 * names are unknown options that name ours, did's arguments we do not offer say why, bad values
 * are `invalid_option` in the one message form; and the data policy: NA or ±Infinity in the
 * outcome, time, covariates or weights drops the row (as did's pre_process_did) with a note that
 * says so, while Infinity in the cohort means never treated, as 0 does.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import type { AttgtOptions } from '../../../src/estimators/did/attgtOptions.js';
import { formatNote } from '../../../src/errors.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset } from '../../helpers/oracle.js';

const mpdta = loadDataset('mpdta.csv');
const rows = mpdta.toRows() as Record<string, number>[];
const cs = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' } as const;

/** A CausalPanelError with these fields (an asymmetric matcher for toThrow). */
const error = (fields: { code: string; message?: string | RegExp; details?: Record<string, unknown> }) =>
  expect.objectContaining({
    name: 'CausalPanelError',
    code: fields.code,
    ...(fields.message !== undefined ? { message: typeof fields.message === 'string' ? fields.message : expect.stringMatching(fields.message) } : {}),
    ...(fields.details !== undefined ? { details: expect.objectContaining(fields.details) } : {}),
  });

const attgtWith = (extra: Record<string, unknown>) => () => attgt({ ...cs, ...extra } as unknown as AttgtOptions);

describe('attgt: did argument names are unknown options that suggest ours', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['controlGroup', { controlGroup: 'notyet' }, '"control"'],
    ['control_group', { control_group: 'notyettreated' }, '"control"'],
    ['xformla', { xformla: '~lpop' }, '"covariates"'],
    ['est_method', { est_method: 'reg' }, '"method"'],
    ['bstrap', { bstrap: true }, '"bootstrap"'],
    ['biters', { biters: 999 }, 'bootstrap: { reps, seed }'],
    ['cband', { cband: false }, 'bootstrap: { reps, seed, uniform }'],
    ['idname', { idname: 'countyreal' }, '"unit"'],
    ['tname', { tname: 'year' }, '"time"'],
    ['gname', { gname: 'first.treat' }, '"cohort"'],
    ['yname', { yname: 'lemp' }, '"outcome"'],
    ['weightsname', { weightsname: 'w' }, '"weights"'],
    ['base_period', { base_period: 'universal' }, '"basePeriod"'],
    ['alp', { alp: 0.1 }, 'level: 0.9'],
    ['covariate', { covariate: ['lpop'] }, '"covariates"'],
    ['clustervars', { clustervars: ['countyreal', 'state'] }, '"clusters"'],
    ['allow_unbalanced_panel', { allow_unbalanced_panel: true }, '"allowUnbalanced"'],
  ];
  it.each(cases)('%s', (key, extra, suggestion) => {
    expect(attgtWith(extra)).toThrow(error({ code: 'unknown_option', message: `attgt: unknown option "${key}" (did you mean ${suggestion}?)`, details: { fn: 'attgt', option: key } }));
  });

  it('inside bootstrap too: bootstrap.iters is unknown', () => {
    expect(attgtWith({ bootstrap: { reps: 99, seed: 1, iters: 5 } })).toThrow(error({ code: 'unknown_option', details: { option: 'bootstrap.iters' } }));
  });
});

describe("attgt: did's arguments that attgt does not offer say so", () => {
  const keys = ['faster_mode', 'print_details', 'pl', 'cores'];
  it.each(keys)('%s', (key) => {
    expect(attgtWith({ [key]: true })).toThrow(error({ code: 'unknown_option', message: new RegExp(`^attgt: option "${key}" is not supported \\(.+\\)$`) }));
  });
});

describe('attgt: bad option values are invalid_option in the one message form', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['control', { control: 'notyettreated' }, 'attgt: option "control" must be one of "never", "notyet" (got "notyettreated")'],
    ['method', { method: 'ols' }, 'attgt: option "method" must be one of "dr", "ipw", "reg" (got "ols")'],
    ['anticipation', { anticipation: 0.5 }, 'attgt: option "anticipation" must be an integer ≥ 0 (got 0.5)'],
    ['level', { level: 95 }, 'attgt: option "level" must be a number in (0, 1) (got 95)'],
    ['panel', { panel: 'no' }, 'attgt: option "panel" must be true or false (got "no")'],
    ['covariates', { covariates: [1] }, 'attgt: option "covariates" must be an array of column names (got [1])'],
    ['bootstrap.reps', { bootstrap: { seed: 1 } }, 'attgt: option "bootstrap.reps" must be an integer ≥ 2 (got undefined)'],
    ['bootstrap.seed', { bootstrap: { reps: 99, seed: 'a' } }, 'attgt: option "bootstrap.seed" must be a finite number (got "a")'],
    ['unit', { unit: undefined }, 'attgt: option "unit" must be a column name when panel is true (did: idname is required for panel data) (got undefined)'],
  ];
  it.each(cases)('%s', (_key, extra, message) => {
    expect(attgtWith(extra)).toThrow(error({ code: 'invalid_option', message }));
  });

  it('panel: false needs no unit', () => {
    expect(attgt({ data: mpdta, outcome: 'lemp', time: 'year', cohort: 'first.treat', panel: false }).n).toBe(2500);
  });
});

describe('aggregate: options read once, did names suggested', () => {
  const fit = attgt(cs);
  const unknown: [string, Record<string, unknown>, string][] = [
    ['min_e', { min_e: -3 }, 'attgt: unknown option "min_e" (did you mean "minE"?)'],
    ['max_e', { max_e: 3 }, 'attgt: unknown option "max_e" (did you mean "maxE"?)'],
    ['balance_e', { balance_e: 1 }, 'attgt: unknown option "balance_e" (did you mean "balanceE"?)'],
    ['na.rm', { 'na.rm': true }, 'attgt: unknown option "na.rm" (did you mean "naRm"?)'],
    ['alp', { alp: 0.1 }, 'attgt: unknown option "alp" (did you mean level: 0.9?)'],
  ];
  it.each(unknown)('%s', (_key, options, message) => {
    // aggregate runs outside attgt's call: its own name leads the message
    expect(() => fit.aggregate('dynamic', options as never)).toThrow(error({ code: 'unknown_option', message: message.replace(/^attgt: /, 'aggregate: ') }));
  });

  it.each(['type', 'bstrap', 'biters', 'cband', 'clustervars'])('%s is not supported here, with why', (key) => {
    expect(() => fit.aggregate('dynamic', { [key]: 1 } as never)).toThrow(error({ code: 'unknown_option', message: new RegExp(`^aggregate: option "${key}" is not supported \\(.+\\)$`) }));
  });

  it.each([
    ['minE', { minE: Number.NaN }, 'aggregate: option "minE" must be a number (got NaN)'],
    ['balanceE', { balanceE: -1 }, 'aggregate: option "balanceE" must be an integer ≥ 0 (got -1)'],
    ['naRm', { naRm: 1 }, 'aggregate: option "naRm" must be true or false (got 1)'],
    ['level', { level: 1 }, 'aggregate: option "level" must be a number in (0, 1) (got 1)'],
  ] as const)('%s: invalid_option', (_key, options, message) => {
    expect(() => fit.aggregate('dynamic', options as never)).toThrow(error({ code: 'invalid_option', message }));
  });

  it('the type is checked in the same form', () => {
    expect(() => fit.aggregate('weekly' as never)).toThrow(error({ code: 'invalid_option', message: 'aggregate: option "type" must be one of "simple", "dynamic", "group", "calendar" (got "weekly")' }));
  });

  it('minE / maxE / balanceE give did windows; ±Infinity means no bound', () => {
    const all = fit.aggregate('dynamic');
    expect(all.rows.map((r) => r.e)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(fit.aggregate('dynamic', { minE: -Infinity, maxE: Infinity }).rows).toEqual(all.rows);
    expect(fit.aggregate('dynamic', { minE: -1, maxE: 1 }).rows.map((r) => r.e)).toEqual([-1, 0, 1]);
  });
});

describe('attgt data policy (did): NA or ±Infinity rows are dropped and noted; Infinity in the cohort = never treated', () => {
  const withCell = (column: string, index: number, value: number) => rows.map((r, i) => (i === index ? { ...r, [column]: value } : r));
  const reference = attgt({ ...cs, covariates: ['lpop'] });

  it.each([
    ['lemp', Infinity],
    ['lemp', -Infinity],
    ['year', Infinity],
    ['lpop', -Infinity],
    ['w', Infinity],
  ] as const)('%s = %s: the row is dropped, counted as infinite, and the note says "NA or infinite values"', (column, value) => {
    const data = withCell(column, 7, value).map((r) => ({ ...r, w: r.w ?? 1 }));
    const fit = attgt({ ...cs, data, covariates: ['lpop'], weights: 'w' });
    const note = fit.notes.find((n) => n.code === 'rows_dropped_missing');
    expect(note).toEqual({ code: 'rows_dropped_missing', count: 1, byColumn: { [column]: 1 }, infinite: 1 });
    expect(formatNote(note!)).toBe(`NOTE: 1 observation removed because of NA or infinite values (${column}: 1).`);
    // the row's unit then has a gap and is dropped too, as did balances the panel
    expect(fit.n).toBe(499);
  });

  it('a missing (NaN) outcome is "NA values", as fixest words it', () => {
    const fit = attgt({ ...cs, data: withCell('lemp', 7, Number.NaN) });
    expect(fit.noteLines()[0]).toBe('NOTE: 1 observation removed because of NA values (lemp: 1).');
  });

  it('cohort ±Infinity, missing or after the last period equals cohort 0 (never treated): same numbers, no rows dropped, a note says which coding', () => {
    const cases: [number, string][] = [
      [Infinity, 'Inf'],
      [-Infinity, '-Inf'],
      [Number.NaN, 'missing'],
      [10000, '10000 (after the last period, 2007)'],
    ];
    for (const [never, coded] of cases) {
      const data = rows.map((r) => (r['first.treat'] === 0 ? { ...r, 'first.treat': never } : r));
      const fit = attgt({ ...cs, data, covariates: ['lpop'] });
      expect(fit.notes).toEqual([{ code: 'design_adjusted', message: `Cohort "first.treat": never treated coded as ${coded} (309 units); they are the never-treated controls.` }]);
      expectEstimatesMatch(fit.rows, reference.rows, { estimate: 0, stdError: 0 }, { by: 'term', ordered: true, label: `cohort ${never}` });
    }
  });

  it('a cohort that is not a period (2004.5, −3) is invalid_option naming the row', () => {
    expect(() => attgt({ ...cs, data: withCell('first.treat', 4, 2004.5) })).toThrow(error({ code: 'invalid_option', details: { column: 'first.treat', row: 4 } }));
    expect(() => attgt({ ...cs, data: withCell('first.treat', 4, -3) })).toThrow(error({ code: 'invalid_option', details: { column: 'first.treat', row: 4 } }));
  });

  it('text unit ids (coded by factor, in text order) give the numbers of the integer ids', () => {
    const data = rows.map((r) => ({ ...r, countyreal: `county-${r.countyreal}` }));
    const fit = attgt({ ...cs, data, covariates: ['lpop'] });
    expectEstimatesMatch(fit.rows, reference.rows, { estimate: 1e-12, stdError: 1e-12 }, { by: 'term', ordered: true, label: 'text ids' });
    expect(fit.ids[0]).toMatch(/^county-/);
  });
});

describe('attgt: a cohort after the last period is never treated whatever the anticipation (did: gname > max(tname))', () => {
  const mpdtaRows = loadDataset('mpdta.csv').toRows();
  const spec = { outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', anticipation: 1 } as const;

  it('never-treated units coded 2008 (one period after 2007) give the fit with them coded 0, and a note', () => {
    const reference = attgt({ ...spec, data: mpdtaRows });
    const fit = attgt({ ...spec, data: mpdtaRows.map((r) => (r['first.treat'] === 0 ? { ...r, 'first.treat': 2008 } : r)) });
    expect(fit.rows.some((r) => r.group === 2008)).toBe(false);
    expectEstimatesMatch(fit.rows, reference.rows, { estimate: 0, stdError: 0 }, { by: 'term', ordered: true });
    expect(fit.notes).toContainEqual({ code: 'design_adjusted', message: 'Cohort "first.treat": never treated coded as 2008 (after the last period, 2007) (309 units); they are the never-treated controls.' });
  });
});
