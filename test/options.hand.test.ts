import { describe, expect, it } from 'vitest';
import { editDistance, opt, readOptions, suggestOption } from '../src/options.js';
import { thrown } from './helpers/thrown.js';

const spec = {
  data: opt.required<unknown>('a data set'),
  outcome: opt.column({ required: true }),
  weights: opt.column(),
  covariates: opt.columns(),
  control: opt.oneOf(['never', 'notyet'], 'never'),
  level: opt.level(),
  sims: opt.integer({ min: 1, default: 1000 }),
  caliper: opt.number({ min: 0, exclusiveMin: true }),
  replace: opt.boolean(false),
  seed: opt.seed(),
  vcov: opt.custom((value) => value as string | undefined),
  bootstrap: opt.orFalse(opt.object({ reps: opt.integer({ min: 2, default: 999 }), seed: opt.seed() })),
};

describe('readOptions: defaults, frozen params, one message form', () => {
  it('fills every default and freezes the result', () => {
    const params = readOptions('f', { data: [], outcome: 'y' }, spec);
    expect(params).toEqual({ data: [], outcome: 'y', weights: undefined, covariates: [], control: 'never', level: 0.95, sims: 1000, caliper: undefined, replace: false, seed: undefined, vcov: undefined, bootstrap: undefined });
    expect(Object.isFrozen(params)).toBe(true);
    expect(Object.isFrozen(params.covariates)).toBe(true);
  });
  it('reads nested objects with their own defaults, and false', () => {
    expect(readOptions('f', { data: [], outcome: 'y', bootstrap: { seed: 3 } }, spec).bootstrap).toEqual({ reps: 999, seed: 3 });
    expect(readOptions('f', { data: [], outcome: 'y', bootstrap: false }, spec).bootstrap).toBe(false);
  });
  it.each([
    [{ level: 2 }, 'f: option "level" must be a number in (0, 1) (got 2)'],
    [{ control: 'notyet2' }, 'f: option "control" must be one of "never", "notyet" (got "notyet2")'],
    [{ sims: 1.5 }, 'f: option "sims" must be an integer ≥ 1 (got 1.5)'],
    [{ caliper: 0 }, 'f: option "caliper" must be a finite number > 0 (got 0)'],
    [{ replace: 'yes' }, 'f: option "replace" must be true or false (got "yes")'],
    [{ covariates: ['x', 3] }, 'f: option "covariates" must be an array of column names (got ["x",3])'],
    [{ weights: '' }, 'f: option "weights" must be a column name (got "")'],
    [{ bootstrap: { reps: 1 } }, 'f: option "bootstrap.reps" must be an integer ≥ 2 (got 1)'],
  ])('%j → invalid_option', (bad, message) => {
    const error = thrown(() => readOptions('f', { data: [], outcome: 'y', ...bad }, spec));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe(message);
  });
  it('a missing required option says what it needs', () => {
    expect(thrown(() => readOptions('f', { data: [] }, spec)).message).toBe('f: option "outcome" is required (a column name)');
    expect(thrown(() => readOptions('f', { outcome: 'y' }, spec)).message).toBe('f: option "data" is required (a data set)');
    expect(thrown(() => readOptions('f', 42, spec)).message).toBe('f: options must be an object (got 42)');
  });
});

describe('unknown options are errors that suggest the right name', () => {
  it.each([
    ['weight', 'weights', '"weights"'],
    ['xformla', 'covariates', '"covariates"'],
    ['control_group', 'control', '"control"'],
    ['controlGroup', 'control', '"control"'],
    ['sim', 'sims', '"sims"'],
    ['bstrap', 'bootstrap', '"bootstrap"'],
    ['cluster', 'vcov', 'vcov: { CRV1: "id" }'],
    ['Level', 'level', '"level"'],
  ])('%s → %s', (key, suggestion, shown) => {
    const error = thrown(() => readOptions('f', { data: [], outcome: 'y', [key]: 'id' }, spec));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toBe(`f: unknown option "${key}" (did you mean ${shown}?)`);
    expect(error.details).toMatchObject({ fn: 'f', option: key, suggestion: shown.replace(/^"(.*)"$/, '$1') });
  });
  it('with nothing close, lists the known options', () => {
    const error = thrown(() => readOptions('f', { data: [], outcome: 'y', zzzzzz: 1 }, { data: spec.data, outcome: spec.outcome }));
    expect(error.message).toBe('f: unknown option "zzzzzz" (known options: data, outcome)');
  });
  it("an option of the reference package that is not supported says so", () => {
    const error = thrown(() => readOptions('matchit', { estimand: 'ATE' }, {}, { unsupported: { estimand: "MatchIt's estimand: only the ATT is estimated" } }));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toBe('matchit: option "estimand" is not supported (MatchIt\'s estimand: only the ATT is estimated)');
  });
  it('nested unknown keys name their path', () => {
    expect(thrown(() => readOptions('f', { data: [], outcome: 'y', bootstrap: { rep: 9 } }, spec)).message).toBe('f: unknown option "bootstrap.rep" (did you mean "reps"?)');
  });
  it('a __proto__ key is an unknown option, not a prototype', () => {
    const options = JSON.parse('{"data": [], "outcome": "y", "__proto__": { "polluted": 1 }}') as object;
    expect(thrown(() => readOptions('f', options, spec)).code).toBe('unknown_option');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('editDistance / suggestOption', () => {
  it('counts transpositions as one edit', () => {
    expect(editDistance('weights', 'wieghts')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('ignores case, dots and underscores; keeps far names unsuggested', () => {
    expect(suggestOption('std.caliper', ['stdCaliper'], true)).toBe('"stdCaliper"');
    expect(suggestOption('m.order', ['order'], 'largest')).toBe('"order"');
    expect(suggestOption('alp', ['level'], 0.1)).toBe('level: 0.9');
    expect(suggestOption('banana', ['level', 'seed'], 1)).toBeUndefined();
  });
});
