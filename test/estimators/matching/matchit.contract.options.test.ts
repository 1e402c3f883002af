/**
 * matchit() and matchedAtt() read every option through the one reader: MatchIt's argument names
 * (`std.caliper`, `m.order`) and misspellings are `unknown_option` errors naming our option;
 * MatchIt options we do not have (`discard`, `link`, …) say so and what to use; ±Infinity is
 * a `non_finite` error (MatchIt refuses non-finite covariates), NA rows are dropped with a note.
 */
import { describe, expect, it } from 'vitest';
import { formatNote } from '../../../src/errors.js';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { matchedAtt } from '../../../src/estimators/matching/matchedAtt.js';
import type { MatchitOptions } from '../../../src/estimators/matching/validateMatchit.js';
import { thrown } from '../../helpers/thrown.js';

const data = {
  treat: [1, 1, 0, 0, 0, 0],
  x: [0.3, 1.2, 0.1, 0.9, 2.0, 0.5],
  y: [5, 7, 1, 2, 3, 4],
};
const distance = [0.9, 0.3, 0.95, 0.35, 0.2, 0.05];

const RENAMED: [string, unknown, string][] = [
  ['std.caliper', false, 'stdCaliper'],
  ['m.order', 'smallest', 'order'],
  ['ratoi', 2, 'ratio'],
  ['replce', true, 'replace'],
  ['commonsupport', true, 'commonSupport'],
];

describe('matchit: R names and misspellings → unknown_option with the right name', () => {
  it.each(RENAMED)('%s → %s', (key, value, suggestion) => {
    const error = thrown(() => matchit({ formula: 'treat ~ x', data, distance, [key]: value } as unknown as MatchitOptions));
    expect(error.code).toBe('unknown_option');
    expect(error.details).toMatchObject({ fn: 'matchit', option: key, suggestion });
    expect(error.message).toBe(`matchit: unknown option "${key}" (did you mean "${suggestion}"?)`);
  });
});

const UNSUPPORTED: [string, unknown, string][] = [
  ['discard', 'both', 'commonSupport'],
  ['link', 'probit', "distance: 'logit' or 'probit'"],
  ['mahvars', '~ age', "distance: 'mahalanobis'"],
  ['antiexact', '~ married', 'exact'],
  ['reestimate', true, 'fitted once'],
  ['s.weights', 'w', 'sampling weights'],
];

describe("matchit: MatchIt options we do not have say so (never a silently different analysis)", () => {
  it.each(UNSUPPORTED)('%s', (key, value, mention) => {
    const error = thrown(() => matchit({ formula: 'treat ~ x', data, distance, [key]: value } as unknown as MatchitOptions));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toMatch(new RegExp(`^matchit: option "${key.replace('.', '\\.')}" is not supported \\(MatchIt's `));
    expect(error.message).toContain(mention);
  });
});

const BAD_VALUES: [string, Partial<MatchitOptions>, string][] = [
  ['ratio 1.5', { ratio: 1.5 }, 'matchit: option "ratio" must be an integer ≥ 1 (got 1.5)'],
  ['caliper 0', { caliper: 0 }, 'matchit: option "caliper" must be a finite number > 0 (got 0)'],
  ['stdCaliper "yes"', { stdCaliper: 'yes' as never }, 'matchit: option "stdCaliper" must be true or false (got "yes")'],
  ['commonSupport "all"', { commonSupport: 'all' as never }, 'matchit: option "commonSupport" must be true, false, "none", "both", "control" or "treated" (got "all")'],
  ['compat "4.5.4"', { compat: '4.5.4' as never }, 'matchit: option "compat" must be one of "4.5.1", "current" (got "4.5.4")'],
  ['exact with a formula operator', { exact: 'a * b' }, 'matchit: option "exact" must be one or more column names, e.g. ["married", "nodegree"] or "married + nodegree" (got "a * b")'],
  ['estimand "ATE" (nearest-neighbour matching)', { estimand: 'ATE' }, 'matchit: option "estimand" must be "ATT" or "ATC" with method "nearest" (MatchIt\'s ATE needs method "exact", "cem" or "subclass") (got "ATE")'],
  ['estimand "ATC" with kernel matching', { method: 'kernel', estimand: 'ATC' }, 'matchit: option "estimand" must be "ATT" with method "kernel" (psmatch2-style kernel matching weights controls to treated units) (got "ATC")'],
  ['method "exact" with a caliper', { method: 'exact', distance: undefined, caliper: 0.1 }, 'matchit: option "caliper" must be unset with method "exact" (got 0.1)'],
  ['subclass 1', { method: 'subclass', subclass: 1 }, 'matchit: option "subclass" must be an integer ≥ 2 (got 1)'],
  ['order "largest" with Mahalanobis', { distance: 'mahalanobis', order: 'largest' }, 'matchit: option "order" must be "data" or "random" with distance "mahalanobis" (got "largest")'],
];

describe('matchit: bad option values → invalid_option in the one message form', () => {
  it.each(BAD_VALUES)('%s', (_label, override, message) => {
    const error = thrown(() => matchit({ formula: 'treat ~ x', data, distance, ...override }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe(message);
  });
});

describe("matchit: missing and infinite values (policy 'error', as MatchIt)", () => {
  it('+Infinity in a covariate: non_finite naming column, row and value', () => {
    const error = thrown(() => matchit({ formula: 'treat ~ x', data: { ...data, x: [0.3, 1.2, Infinity, 0.9, 2.0, 0.5] }, distance }));
    expect(error.code).toBe('non_finite');
    expect(error.details).toMatchObject({ fn: 'matchit', column: 'x', row: 2, value: Infinity });
    expect(error.message).toBe('matchit: column "x" has a non-finite value (row 3: Infinity)');
  });

  it('-Infinity in the treatment and in a user distance: non_finite', () => {
    expect(thrown(() => matchit({ formula: 'treat ~ x', data: { ...data, treat: [1, -Infinity, 0, 0, 0, 0] }, distance })).code).toBe('non_finite');
    const error = thrown(() => matchit({ formula: 'treat ~ x', data, distance: [0.9, 0.3, -Infinity, 0.35, 0.2, 0.05] }));
    expect(error.code).toBe('non_finite');
    expect(error.details).toMatchObject({ column: 'distance', row: 2 });
  });

  it('NA in a covariate and in the user distance: both rows dropped, one "NA values" note counting each column', () => {
    const m = matchit({ formula: 'treat ~ x', data: { ...data, x: [0.3, 1.2, NaN, 0.9, 2.0, 0.5] }, distance: [0.9, 0.3, 0.95, 0.35, NaN, 0.05] });
    expect(m.notes[0]).toEqual({ code: 'rows_dropped_missing', count: 2, byColumn: { x: 1, distance: 1 } });
    expect(formatNote(m.notes[0]!)).toMatch(/^NOTE: 2 observations removed because of NA values/);
    // Rows 2 and 4 left out: 0.9 takes 0.35 (the only control left above 0.3), 0.3 takes 0.05.
    expect(m.pairs).toEqual([
      { treated: 0, controls: [3] },
      { treated: 1, controls: [5] },
    ]);
    expect(m.weights[2]).toBe(0);
    expect(m.weights[4]).toBe(0);
  });

  it('a derived covariate that is not finite (log(0)) drops its row with a note, so glm and balance see the same rows', () => {
    const m = matchit({ formula: 'treat ~ log(x)', data: { ...data, x: [0.3, 1.2, 0, 0.9, 2.0, 0.5] } });
    expect(m.notes[0]).toMatchObject({ code: 'rows_dropped_missing', count: 1, byColumn: { 'log(x)': 1 } });
    expect(m.nobs).toBe(5);
    expect(Number.isNaN(m.distance[2]!)).toBe(true);
    expect(m.distance.filter((d) => !Number.isNaN(d))).toHaveLength(5);
    expect(m.balance().before.map((r) => r.term)).toEqual(['distance', 'log(x)']);
  });
});

describe('matchedAtt: options through the one reader', () => {
  const m = matchit({ formula: 'treat ~ x', data, distance });

  it.each([
    ['covs', 'x', 'covariates'],
    ['se', 'HC1', 'vcov'],
    ['conf_level', 0.9, 'level'],
    ['outcom', 'y', 'outcome'],
  ] as [string, unknown, string][])('%s → %s', (key, value, suggestion) => {
    const error = thrown(() => matchedAtt(m, { outcome: 'y', [key]: value } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.details).toMatchObject({ fn: 'matchedAtt', option: key, suggestion });
  });

  it('the same checks through m.att(); bad vcov and level values are invalid_option', () => {
    expect(thrown(() => m.att({ outcome: 'y', sims: 10 } as never)).code).toBe('unknown_option');
    expect(thrown(() => m.att({ outcome: 'y', vcov: 'HC5' as never })).code).toBe('invalid_option');
    const level = thrown(() => m.att({ outcome: 'y', level: 95 }));
    expect(level.message).toBe('matchedAtt: option "level" must be a number in (0, 1) (got 95)');
    expect(thrown(() => m.att({} as never)).message).toBe('matchedAtt: option "outcome" is required (a column name)');
  });

  it('tidy(level) recomputes the interval on the residual df; the estimate and SE stay', () => {
    const att = m.att({ outcome: 'y', vcov: 'HC1' });
    const [at95] = att.tidy();
    const [at90] = att.tidy(0.9);
    expect(at90!.estimate).toBe(at95!.estimate);
    expect(at90!.stdError).toBe(at95!.stdError);
    expect(at90!.confHigh - at90!.confLow).toBeLessThan(at95!.confHigh - at95!.confLow);
    // Symmetric around the estimate: estimate ± t(df, 0.95)·SE.
    expect(at90!.confHigh - at90!.estimate).toBeCloseTo(at90!.estimate - at90!.confLow, 12);
  });
});
