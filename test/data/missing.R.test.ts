import { describe, expect, it } from 'vitest';
import { CausalPanelError, formatNote } from '../../src/errors.js';
import { Frame } from '../../src/data/frame.js';
import { completeRows, droppedNote, finishRows, MissingTracker } from '../../src/data/missing.js';
import { thrown } from '../helpers/thrown.js';

// Reference: R 4.2.2 complete.cases() / na.omit(): a row is kept when no used variable is NA.
describe('completeRows: as R complete.cases over the variables used', () => {
  const frame = new Frame({
    y: new Float64Array([1, NaN, 3, 4, 5]),
    g: ['a', 'b', null, 'a', 'b'],
    x: new Float64Array([NaN, NaN, 1, 2, 3]),
    unused: new Float64Array([NaN, NaN, NaN, NaN, NaN]),
  });

  it('keeps rows complete in every listed variable; counts missing cells per column', () => {
    const r = completeRows(frame, ['y', 'g', 'x']);
    expect(Array.from(r.rows)).toEqual([3, 4]);
    expect(r.dropped.count).toBe(3);
    expect({ ...r.dropped.byColumn }).toEqual({ y: 1, g: 1, x: 2 });
  });

  it('byColumn is prototype-free and lists only columns with missing cells', () => {
    const r = completeRows(frame, ['g']);
    expect(Object.getPrototypeOf(r.dropped.byColumn)).toBe(null);
    expect(Object.keys(r.dropped.byColumn)).toEqual(['g']);
    expect(Array.from(r.rows)).toEqual([0, 1, 3, 4]);
  });

  it('duplicated variables are counted once; unlisted columns are ignored', () => {
    const r = completeRows(frame, ['y', 'y']);
    expect(r.dropped).toEqual({ count: 1, byColumn: expect.objectContaining({ y: 1 }), infinite: 0 });
    expect(Array.from(r.rows)).toEqual([0, 2, 3, 4]);
  });

  it('no variables: every row is kept', () => {
    expect(Array.from(completeRows(frame, []).rows)).toEqual([0, 1, 2, 3, 4]);
  });

  const bad: { variables: string[]; code: string; message: string }[] = [
    { variables: ['nope'], code: 'missing_column', message: 'did: column "nope" not found in data' },
    { variables: ['y', 'unused'], code: 'no_rows_left', message: 'did: column "unused" is missing in every row (5 rows)' },
  ];
  it.each(bad)('$variables → $code', ({ variables, code, message }) => {
    const err = thrown(() => completeRows(frame, variables, { fn: 'did' }));
    expect(err.code).toBe(code);
    expect(err.message).toContain(message);
  });

  it('no complete row left → no_rows_left with the per-column counts', () => {
    const f = new Frame({ a: new Float64Array([NaN, 1]), b: new Float64Array([1, NaN]) });
    expect(() => completeRows(f, ['a', 'b'], { fn: 'feols' })).toThrow('feols: no rows left after removing missing values (2 rows; missing a: 1, b: 1)');
  });
});

describe('MissingTracker / finishRows', () => {
  it('marks NaN and null cells, counting each column once', () => {
    const tracker = new MissingTracker(4, 'f');
    tracker.numeric('a', new Float64Array([NaN, 1, 2, NaN]));
    tracker.column('g', ['a', null, 'b', null]);
    tracker.column('g', ['a', null, 'b', null]);
    expect(Array.from(tracker.mask)).toEqual([1, 1, 0, 1]);
    const r = tracker.finish();
    expect(Array.from(r.rows)).toEqual([2]);
    expect(r.dropped).toEqual({ count: 3, byColumn: { a: 2, g: 2 }, infinite: 0 });
  });
  it('with a known marked count gives the same rows', () => {
    const mask = new Uint8Array([0, 1, 0, 0]);
    expect(Array.from(finishRows(mask, {}, 'f', 1).rows)).toEqual([0, 2, 3]);
    expect(Array.from(finishRows(new Uint8Array(3), {}, 'f', 0).rows)).toEqual([0, 1, 2]);
  });
});

describe('the ±Infinity policy (error as fixest, drop as did, keep for cohort columns)', () => {
  const frame = new Frame({ y: new Float64Array([1, Infinity, 3, NaN]), cohort: new Float64Array([0, 2004, Infinity, 0]) });
  it("'error' names the column, row and value", () => {
    let err: unknown;
    try {
      completeRows(frame, ['y'], { fn: 'feols', nonFinite: 'error' });
    } catch (e) {
      err = e;
    }
    expect((err as CausalPanelError).code).toBe('non_finite');
    expect((err as CausalPanelError).message).toBe('feols: column "y" has a non-finite value (row 2: Infinity)');
    expect((err as CausalPanelError).details).toMatchObject({ fn: 'feols', column: 'y', row: 1, value: Infinity });
  });
  it("'drop' drops and counts infinite cells; the note says NA or infinite", () => {
    const r = completeRows(frame, ['y', 'cohort'], { nonFinite: 'drop', keepInfinite: ['cohort'] });
    expect(Array.from(r.rows)).toEqual([0, 2]);
    expect(r.dropped).toEqual({ count: 2, byColumn: { y: 2 }, infinite: 1 });
    const note = droppedNote(r.dropped)!;
    expect(formatNote(note)).toBe('NOTE: 2 observations removed because of NA or infinite values (y: 2).');
  });
  it("a note without infinite cells keeps fixest's wording", () => {
    const r = completeRows(frame, ['cohort', 'y'], { nonFinite: 'keep' });
    expect(formatNote(droppedNote(r.dropped)!)).toBe('NOTE: 1 observation removed because of NA values (y: 1).');
    expect(droppedNote(completeRows(frame, ['cohort'], { keepInfinite: ['cohort'] }).dropped)).toBeNull();
  });
});
