import { describe, expect, it } from 'vitest';
import { allFinite, MissingTracker } from '../../src/data/missing.js';
import { thrown } from '../helpers/thrown.js';

// The branch-free pre-check of MissingTracker.numeric: every position of the four interleaved
// sums and of the tail, each kind of non-finite value, and the same marks/errors afterwards.
describe('allFinite: the pre-check before the cell-by-cell scan', () => {
  it('is false for a NaN or ±Infinity at any position (4-way body and tail), true otherwise', () => {
    for (const n of [0, 1, 3, 4, 5, 8, 11]) {
      const base = Float64Array.from({ length: n }, (_, i) => (i % 3) - 1.5e300 * (i % 2));
      expect(allFinite(base)).toBe(true);
      for (let p = 0; p < n; p++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const x = base.slice();
          x[p] = bad;
          expect(allFinite(x)).toBe(false);
        }
      }
    }
  });

  it('leaves the tracker marks, counts and errors as the cell-by-cell scan gives them', () => {
    const t = new MissingTracker(6, 'feols');
    t.numeric('a', Float64Array.of(1, 2, 3, 4, 5, 6));
    t.numeric('b', Float64Array.of(1, NaN, 3, 4, 5, NaN));
    const r = t.finish();
    expect(Array.from(r.rows)).toEqual([0, 2, 3, 4]);
    expect({ ...r.dropped.byColumn }).toEqual({ b: 2 });
    const e = thrown(() => new MissingTracker(5, 'feols').numeric('x', Float64Array.of(1, 2, 3, 4, -Infinity)));
    expect(e.code).toBe('non_finite');
    expect(e.message).toBe('feols: column "x" has a non-finite value (row 5: -Infinity)');
  });
});
