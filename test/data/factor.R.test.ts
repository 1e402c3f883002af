import { describe, expect, it } from 'vitest';
import { factor, formatRNumber } from '../../src/data/factor.js';

// Reference: R 4.2.2 factor(x): levels = sort(unique(x)); as.character() labels for numbers.
describe('factor: codes and levels as R factor()', () => {
  it('text: levels in sorted (C-locale) order, null → -1', () => {
    const f = factor(['white', 'black', null, 'hispan', 'black']);
    expect(f.levels).toEqual(['black', 'hispan', 'white']);
    expect(Array.from(f.codes)).toEqual([2, 0, -1, 1, 0]);
  });
  it('numeric-looking text stays text (sorted as text)', () => {
    expect(factor(['10', '9', '2']).levels).toEqual(['10', '2', '9']);
  });
  it('integers: sorted numerically, labelled as R prints them', () => {
    const f = factor(new Float64Array([2004, -1, 2003, NaN, 0, 2004]));
    expect(f.levels).toEqual(['-1', '0', '2003', '2004']);
    expect(Array.from(f.codes)).toEqual([3, 0, 2, -1, 1, 3]);
    expect(Array.from(f.values!)).toEqual([-1, 0, 2003, 2004]);
  });
  it('non-integers and wide ranges use the sorting path', () => {
    const f = factor(new Float64Array([0.5, -2.25, 1e9, 0.5, 3]));
    expect(f.levels).toEqual(['-2.25', '0.5', '3', '1e+09']);
    expect(Array.from(f.codes)).toEqual([1, 0, 3, 1, 2]);
  });
  it('row subset: only those rows are coded and only their values become levels', () => {
    const f = factor(new Float64Array([5, 6, 7, 5]), { rows: Int32Array.from([3, 2]) });
    expect(f.levels).toEqual(['5', '7']);
    expect(Array.from(f.codes)).toEqual([0, 1]);
    const t = factor(['c', 'a', 'b'], { rows: [2, 0] });
    expect(t.levels).toEqual(['b', 'c']);
    expect(Array.from(t.codes)).toEqual([0, 1]); // rows 2 ('b') and 0 ('c')
  });
  it('all missing: no levels, every code -1', () => {
    const f = factor(new Float64Array([NaN, NaN]));
    expect(f.levels).toEqual([]);
    expect(Array.from(f.codes)).toEqual([-1, -1]);
  });
  it('1e6 rows with 1e5 integer ids: codes match a sort-based reference', () => {
    const n = 1_000_000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = ((i * 7919) % 100_000) * 3 + 17;
    const f = factor(x);
    expect(f.levels.length).toBe(100_000);
    for (let i = 0; i < n; i += 9973) expect(f.codes[i]).toBe((x[i]! - 17) / 3);
  });
});

describe('formatRNumber: as R 4.2.2 as.character() for doubles', () => {
  it.each([
    [2003, '2003'],
    [-1, '-1'],
    [0.5, '0.5'],
    [100000, '1e+05'],
    [123456, '123456'],
    [1e15, '1e+15'],
    [0.0001, '1e-04'],
    [0.001, '0.001'],
    [1 / 3, '0.333333333333333'],
    [-2.5e-10, '-2.5e-10'],
    [120000, '120000'],
    [0, '0'],
    [Infinity, 'Inf'],
  ])('%s → %s', (x, expected) => {
    expect(formatRNumber(x)).toBe(expected);
  });
});

describe('factor: infinite values and mixed integers (R factor(c(Inf, 1, -Inf, NA)))', () => {
  it('±Inf are levels, sorted numerically', () => {
    const f = factor(new Float64Array([Infinity, 1, -Infinity, NaN]));
    expect(f.levels).toEqual(['-Inf', '1', 'Inf']);
    expect(Array.from(f.codes)).toEqual([2, 1, 0, -1]);
  });
  it('a non-integer after integers switches to the sorting path with the same result', () => {
    const f = factor(new Float64Array([3, 1, 2.5, 1, 3]));
    expect(f.levels).toEqual(['1', '2.5', '3']);
    expect(Array.from(f.codes)).toEqual([2, 0, 1, 0, 2]);
  });
});

describe("factor(column, { order: 'appearance' }): the one group coder for ids", () => {
  it('codes text and numbers by first appearance; missing is -1', () => {
    expect(factor(['b', 'a', null, 'b'], { order: 'appearance' })).toEqual({ codes: Int32Array.from([0, 1, -1, 0]), levels: ['b', 'a'] });
    const f = factor(new Float64Array([2004, 2003, NaN, 2004]), { order: 'appearance' });
    expect(Array.from(f.codes)).toEqual([0, 1, -1, 0]);
    expect(f.levels).toEqual(['2004', '2003']);
    expect(Array.from(f.values!)).toEqual([2004, 2003]);
  });
});
