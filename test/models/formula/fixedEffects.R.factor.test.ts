/**
 * The one-pass coding of integer fixed effects (smallIntegerCodes) against R's `factor()`
 * semantics as implemented by `factor()` (levels = sorted unique values, codes into them), and
 * the hand-derived example of R: factor(c(2003, 2001, 2003)) → levels "2001" "2003", codes 2 1 2.
 */
import { describe, expect, it } from 'vitest';
import { factor } from '../../../src/data/factor.js';
import { fixedEffectCodes, smallIntegerCodes } from '../../../src/models/formula/fixedEffects.js';
import { createRng } from '../../../src/numerics/random.js';

describe('smallIntegerCodes = R factor() level order (fixest fixed-effect coding)', () => {
  it('R: factor(c(2003, 2001, 2003)) has levels 2001, 2003 and codes 2, 1, 2 (1-based)', () => {
    const coded = smallIntegerCodes(Float64Array.of(2003, 2001, 2003), undefined)!;
    expect(Array.from(coded.codes)).toEqual([1, 0, 1]);
    expect(Array.from(coded.values)).toEqual([2001, 2003]);
    expect(fixedEffectCodes('year', [Float64Array.of(2003, 2001, 2003)], undefined).levels).toEqual(['2001', '2003']);
  });

  it('matches factor() on sorted, shuffled and row-subset integer columns', () => {
    const rng = createRng(3);
    for (const range of [3, 40, 5000]) {
      for (const sorted of [true, false]) {
        const n = 2000;
        let col = Float64Array.from({ length: n }, () => rng.int(range));
        if (sorted) col = col.sort();
        const rows = Int32Array.from({ length: 700 }, (_, i) => i * 2);
        for (const subset of [undefined, rows]) {
          const fast = smallIntegerCodes(col, subset)!;
          const ref = factor(col, { rows: subset });
          expect(Array.from(fast.codes)).toEqual(Array.from(ref.codes));
          expect(Array.from(fast.values)).toEqual(Array.from(ref.values!));
        }
      }
    }
  });

  it('declines (null → factor()) for missing, negative, fractional or huge values', () => {
    expect(smallIntegerCodes(Float64Array.of(1, NaN), undefined)).toBeNull();
    expect(smallIntegerCodes(Float64Array.of(1, -1), undefined)).toBeNull();
    expect(smallIntegerCodes(Float64Array.of(1, 1.5), undefined)).toBeNull();
    expect(smallIntegerCodes(Float64Array.of(1, 2 ** 21), undefined)).toBeNull();
    expect(fixedEffectCodes('g', [Float64Array.of(-1, 0.5, -1)], undefined).levels).toEqual(['-1', '0.5']);
  });

  it('a cyclic column (period of a balanced panel sorted by unit, then period): same codes and levels as factor(), codes built on read', () => {
    const cases = [
      Float64Array.from({ length: 40 }, (_, i) => 2001 + (i % 4)),
      Float64Array.from({ length: 30 }, (_, i) => [0, 2, 7][i % 3]!),
      Float64Array.from({ length: 30 }, (_, i) => [-0, 2, 7][i % 3]!),
      // breaks the cycle on the last row, on a length that is not a multiple, or is not increasing
      Float64Array.from({ length: 40 }, (_, i) => (i === 39 ? 2001 : 2001 + (i % 4))),
      Float64Array.from({ length: 42 }, (_, i) => 2001 + (i % 4)),
      Float64Array.from({ length: 40 }, (_, i) => 2004 - (i % 4)),
    ];
    cases.forEach((col, c) => {
      const coded = smallIntegerCodes(col, undefined)!;
      expect(coded.cycle !== undefined).toBe(c < 3);
      if (coded.cycle !== undefined) expect(coded.cycle).toEqual({ period: coded.values.length, rows: col.length });
      const f = factor(col);
      expect(Array.from(coded.codes)).toEqual(Array.from(f.codes));
      expect(Array.from(coded.values)).toEqual(Array.from(f.values!));
      expect(Object.is(coded.values[0], -0)).toBe(false);
      const fe = fixedEffectCodes('t', [col], undefined);
      expect(fe.levels).toEqual(f.levels);
      expect(Array.from(fe.codes)).toEqual(Array.from(f.codes));
    });
  });

  it('a column in equal blocks (unit of a balanced panel sorted by unit): same codes and levels as factor(), codes built on read', () => {
    const cases = [
      Float64Array.from({ length: 40 }, (_, i) => 3 + Math.floor(i / 4)),
      Float64Array.from({ length: 30 }, (_, i) => [-0, 2, 7][Math.floor(i / 10)]!),
      // a short last block, a decreasing block, a value off inside the last block, blocks of 1
      Float64Array.from({ length: 42 }, (_, i) => 3 + Math.floor(i / 4)),
      Float64Array.from({ length: 40 }, (_, i) => (i >= 36 ? 1 : 3 + Math.floor(i / 4))),
      Float64Array.from({ length: 40 }, (_, i) => (i === 39 ? 100 : 3 + Math.floor(i / 4))),
      Float64Array.from({ length: 40 }, (_, i) => i),
    ];
    cases.forEach((col, c) => {
      const coded = smallIntegerCodes(col, undefined)!;
      expect(coded.blocks !== undefined).toBe(c < 2);
      if (coded.blocks !== undefined) expect(coded.blocks.rows).toBe(col.length);
      const f = factor(col);
      expect(Array.from(coded.codes)).toEqual(Array.from(f.codes));
      expect(Array.from(coded.values)).toEqual(Array.from(f.values!));
      expect(Object.is(coded.values[0], -0)).toBe(false);
      const fe = fixedEffectCodes('u', [col], undefined);
      expect(fe.levels).toEqual(f.levels);
      expect(Array.from(fe.codes)).toEqual(Array.from(f.codes));
    });
  });
});
