import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/errors.js';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import type { MatchitOptions } from '../../../src/estimators/matching/validateMatchit.js';
import { thrown } from '../../helpers/thrown.js';

// Small data sets whose outcome is hand-checkable.
const base = {
  treat: [1, 1, 0, 0, 0, 0],
  x: [0.3, 1.2, 0.1, 0.9, 2.0, 0.5],
  g: ['a', 'b', 'a', 'b', 'a', 'b'],
};
const separated = { treat: [1, 1, 1, 0, 0, 0], x: [5, 6, 7, 1, 2, 3] };

const BAD: [string, Partial<MatchitOptions> & { data?: unknown }, ErrorCode][] = [
  ['no treated units', { data: { ...base, treat: [0, 0, 0, 0, 0, 0] } }, 'no_treated_units'],
  ['no control units', { data: { ...base, treat: [1, 1, 1, 1, 1, 1] } }, 'no_control_units'],
  ['treatment not 0/1', { data: { ...base, treat: [1, 2, 0, 0, 0, 0] } }, 'invalid_option'],
  ['treatment column missing', { formula: 'nope ~ x' }, 'missing_column'],
  ['covariate missing', { formula: 'treat ~ x + z' }, 'missing_column'],
  ['ratio 0', { ratio: 0 }, 'invalid_option'],
  ['ratio 1.5', { ratio: 1.5 }, 'invalid_option'],
  ['negative caliper', { caliper: -0.1 }, 'invalid_option'],
  ['unknown method', { method: 'optimal' as never }, 'invalid_option'],
  ['unknown distance', { distance: 'cosine' as never }, 'invalid_option'],
  ['unknown order', { order: 'nearest' as never }, 'invalid_option'],
  ['bandwidth 0', { method: 'kernel', bandwidth: 0 }, 'invalid_option'],
  ['formula without treatment', { formula: '~ x' }, 'formula_syntax'],
  ['user distance of the wrong length', { distance: [0.1, 0.2] }, 'invalid_option'],
];

describe('matchit: bad input → typed errors (MatchIt 4.5.1 stops on the same inputs)', () => {
  it.each(BAD)('%s', (_label, override, code) => {
    const error = thrown(() => matchit({ formula: 'treat ~ x', data: base, ...override } as MatchitOptions));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^matchit: /);
  });

  it('perfect separation in the propensity-score model names the separating covariate', () => {
    const error = thrown(() => matchit({ formula: 'treat ~ x', data: separated }));
    expect(error.code).toBe('perfect_separation');
    expect(error.message).toMatch(/^matchit: .*"x"/);
  });

  it('a caliper so tight that nothing matches: no_matches (MatchIt: "No units were matched")', () => {
    // Treated at 0.9 and 0.8, controls at 0.1–0.4: no control within 0.01 (stdCaliper = false).
    const data = { treat: [1, 1, 0, 0, 0], x: [1, 2, 3, 4, 5] };
    const error = thrown(() => matchit({ formula: 'treat ~ x', data, distance: [0.9, 0.8, 0.1, 0.2, 0.4], caliper: 0.01, stdCaliper: false }));
    expect(error.code).toBe('no_matches');
    expect(error.message).toMatch(/^matchit: .*caliper/);
  });

  it('ratio larger than the controls available without replacement: a note (MatchIt warns), partial matches', () => {
    // Two treated, three controls, ratio 2: "Not all treated units will get 2 matches".
    const data = { treat: [1, 1, 0, 0, 0], x: [1, 2, 3, 4, 5] };
    const m = matchit({ formula: 'treat ~ x', data, distance: [0.9, 0.5, 0.85, 0.45, 0.1], ratio: 2 });
    expect(m.notes.some((n) => n.code === 'ratio_exceeds_controls')).toBe(true);
    // Round 1, largest first: 0.9 takes 0.85, 0.5 takes 0.45; round 2: 0.9 takes 0.1 (the last control).
    expect(m.pairs).toEqual([
      { treated: 0, controls: [2, 4] },
      { treated: 1, controls: [3] },
    ]);
    // Weights: control 2 and 4 get 1/2 each from unit 0, control 3 gets 1 → rescaled to sum 3: 0.75, 1.5, 0.75.
    expect(Array.from(m.weights)).toEqual([1, 1, 0.75, 1.5, 0.75]);
  });

  it('fewer controls than treated units: note "Fewer control units than treated units"', () => {
    const data = { treat: [1, 1, 1, 0], x: [1, 2, 3, 4] };
    const m = matchit({ formula: 'treat ~ x', data, distance: [0.9, 0.5, 0.7, 0.6] });
    expect(m.notes.find((n) => n.code === 'ratio_exceeds_controls')?.code).toBe('ratio_exceeds_controls');
    expect(m.nMatched).toEqual({ treated: 1, control: 1 });
    expect(m.pairs).toEqual([{ treated: 0, controls: [3] }]); // largest score (0.9) first takes the only control
  });

  it('missing covariate values: rows dropped with a note, outputs aligned with the input rows', () => {
    const data = { treat: [1, 0, 0, 1, 0], x: [1, 2, NaN, 4, 5] };
    const m = matchit({ formula: 'treat ~ x', data, distance: [0.6, 0.5, 0.4, 0.7, 0.65] });
    expect(m.notes[0]).toMatchObject({ code: 'rows_dropped_missing', count: 1 });
    expect(m.weights.length).toBe(5);
    expect(Number.isNaN(m.distance[2]!)).toBe(true);
    expect(m.weights[2]).toBe(0);
  });
});
