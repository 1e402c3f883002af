/**
 * The assertion battery itself, on hand-made rows: what passes, and that each failure names the
 * row, the field, actual, expected, Δ and the tolerance — NaN positions and row pairing first.
 */
import { describe, expect, it } from 'vitest';
import { coefficientRows, expectEstimatesMatch } from './expectEstimatesMatch.js';

const oracle = [
  { term: 'x', estimate: 1, stdError: 0.5, statistic: 2, pValue: 0.05 },
  { term: 'z', estimate: -2, stdError: null, statistic: null, pValue: null },
];
const rows = [
  { term: 'z', estimate: -2 * (1 + 1e-10), stdError: NaN, statistic: NaN, pValue: NaN, confLow: NaN, confHigh: NaN },
  { term: 'x', estimate: 1 + 1e-10, stdError: 0.5, statistic: 2, pValue: 0.05, confLow: 0, confHigh: 2 },
];

const failure = (f: () => void): string => {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
};

describe('expectEstimatesMatch', () => {
  it('pairs rows by term (any order), reads null as NaN, passes within tolerance', () => {
    expectEstimatesMatch(rows, oracle, 1e-8);
    expectEstimatesMatch(rows, oracle, { estimate: 1e-8 });
  });

  it('prints actual, expected, Δ and the tolerance for every value outside it', () => {
    const message = failure(() => expectEstimatesMatch(rows, oracle, 1e-12, { label: 'fit' }));
    expect(message).toMatch(/fit\[term="x"\]\.estimate: actual 1\.0000000001, expected 1, Δ 1\.000e-10, rel 1\.000e-10 > tol rel 1\.0e-12/);
    expect(message).toMatch(/fit\[term="z"\]\.estimate/);
    expect(message).toMatch(/2 of \d+ values outside tolerance/);
  });

  it('checks NaN positions before values', () => {
    const message = failure(() => expectEstimatesMatch([{ ...rows[0]!, stdError: 1 }, rows[1]!], oracle, 1e-12));
    expect(message).toMatch(/NaN positions or fields differ/);
    expect(message).toMatch(/rows\[term="z"\]\.stdError: actual 1, expected NaN \(NaN position mismatch\)/);
    expect(message).not.toMatch(/outside tolerance/);
  });

  it('missing, extra and duplicate rows fail; allowExtraRows and ordered', () => {
    expect(failure(() => expectEstimatesMatch(rows.slice(0, 1), oracle, 1e-8))).toMatch(/no row term="x"/);
    expect(failure(() => expectEstimatesMatch([...rows, { ...rows[0]!, term: 'w' }], oracle, 1e-8))).toMatch(/extra row term="w"/);
    expectEstimatesMatch([...rows, { ...rows[0]!, term: 'w' }], oracle, 1e-8, { allowExtraRows: true });
    expect(failure(() => expectEstimatesMatch(rows, oracle, 1e-8, { ordered: true }))).toMatch(/order \[term="z", term="x"\]/);
    expect(failure(() => expectEstimatesMatch([rows[1]!, rows[1]!], oracle, 1e-8))).toMatch(/duplicate row term="x"/);
  });

  it('extra keys: pairs by the given keys, compares extra numeric fields, abs floors per oracle row', () => {
    const cells = [{ group: 2004, time: 2005, estimate: 0.1, nTreated: 20 }, { group: 2006, time: 2005, estimate: 1e-12, nTreated: 40 }];
    const ref = [{ group: 2006, time: 2005, estimate: 0, nTreated: 40 }, { group: 2004, time: 2005, estimate: 0.1, nTreated: 20 }];
    expectEstimatesMatch(cells, ref, { estimate: { rel: 1e-8, abs: 1e-10 }, nTreated: 0 }, { by: ['group', 'time'] });
    expect(failure(() => expectEstimatesMatch(cells, ref, { estimate: 1e-8 }, { by: ['group', 'time'] }))).toMatch(/group=2006 time=2005\]\.estimate/);
    expect(failure(() => expectEstimatesMatch(cells, [{ group: 2004, time: 2005, att: 1 }], 1e-8, { by: ['group', 'time'], allowExtraRows: true }))).toMatch(/\.att: missing/);
    expectEstimatesMatch([{ e: -1, estimate: 2 }], [{ estimate: 2 }], 0, { by: 'position' });
  });

  it('coefficientRows: SE = √diagonal of a column-major covariance', () => {
    expect(coefficientRows(['a', 'b'], [1, 2], [4, 0, 0, 9])).toEqual([{ term: 'a', estimate: 1, stdError: 2 }, { term: 'b', estimate: 2, stdError: 3 }]);
  });
});
