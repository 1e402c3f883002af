/**
 * Singleton removal (singletons.ts, fixest's `fixef.rm = "singleton"`), on a panel where a second
 * pass is needed and surviving levels must be renumbered in their original order, worked by hand.
 * Written to kill surviving mutants (docs/validation.md, "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { dropSingletons, singletonMask } from '../../src/numerics/singletons.js';

const fe = (...codes: number[]) => ({ codes: Int32Array.from(codes), nLevels: Math.max(...codes) + 1 });

describe('singletonMask and dropSingletons', () => {
  // id = (2, 2, 0, 0, 0, 1), time = (0, 1, 0, 1, 2, 2): row 5 is the only row of id 1; once it
  // is gone, row 4 is the only row of time 2 (a second pass); ids 0 and 2 keep two rows each.
  const id = fe(2, 2, 0, 0, 0, 1);
  const time = fe(0, 1, 0, 1, 2, 2);
  it('drops the singleton and the singleton it leaves behind, nothing else', () => {
    expect(Array.from(singletonMask([id, time]))).toEqual([0, 0, 0, 0, 1, 1]);
    expect(Array.from(singletonMask([time, id]))).toEqual([0, 0, 0, 0, 1, 1]);
  });
  it('keeps the other rows and renumbers the levels left, in their original order', () => {
    const out = dropSingletons([id, time]);
    expect(out.count).toBe(2);
    expect(Array.from(out.rows)).toEqual([0, 1, 2, 3]);
    expect(Array.from(out.mask)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(out.fixedEffects.map((f) => [Array.from(f.codes), f.nLevels])).toEqual([
      [[1, 1, 0, 0], 2],
      [[0, 1, 0, 1], 2],
    ]);
  });
  it('a dropped row is never counted again: (id, time) = (0,0), (2,1), (2,1), (0,1) drops rows 1 and 4', () => {
    // time 0 has only row 1; once it is gone id 0 has only row 4, which goes too. Looking at row 1
    // again (its id now has one row) must not decrement the counts a second time and save row 4.
    expect(Array.from(singletonMask([fe(0, 2, 2, 0), fe(0, 1, 1, 1)]))).toEqual([1, 0, 0, 1]);
  });
  it('nothing to drop; one fixed effect; none at all', () => {
    const none = dropSingletons([fe(0, 0, 1, 1)]);
    expect(none.count).toBe(0);
    expect(Array.from(none.rows)).toEqual([0, 1, 2, 3]);
    expect(Array.from(singletonMask([fe(0, 1, 1, 2)]))).toEqual([1, 0, 0, 1]);
    expect(singletonMask([]).length).toBe(0);
  });
  it('does not touch the input codes', () => {
    dropSingletons([id, time]);
    expect(Array.from(id.codes)).toEqual([2, 2, 0, 0, 0, 1]);
  });
});
