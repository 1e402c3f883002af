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
});
