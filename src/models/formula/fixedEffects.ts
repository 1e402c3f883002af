/**
 * Fixed effects → integer codes over the kept rows; `a^b` combinations as one effect (fixest).
 * Level labels are built lazily: an id effect with 10⁵ levels would otherwise cost ~15 ms per fit.
 */
import { factor, type Factor } from '../../data/factor.js';
import type { Column } from '../../data/frame.js';

/** One fixed effect coded over the rows kept. */
export interface DesignFixedEffect {
  /** `id`, or `id^period` for a combination. */
  name: string;
  /** 0..nLevels-1 per kept row. */
  codes: Int32Array;
  nLevels: number;
  /** Level labels in sorted order (`a_b` for combined effects). */
  levels: string[];
}

/**
 * Codes one (possibly combined `a^b`) fixed effect over the kept rows (all rows when `rows`
 * is undefined). Combinations are numbered in sorted (first, second, …) order.
 *
 * @example
 * fixedEffectCodes('a^b', [['x', 'x', 'y'], new Float64Array([2, 1, 1])], undefined);
 * // { name: 'a^b', codes: Int32Array [1, 0, 2], nLevels: 3, levels: ['x_1', 'x_2', 'y_1'] }
 */
export function fixedEffectCodes(name: string, columns: Column[], rows: Int32Array | undefined): DesignFixedEffect {
  const factors = columns.map((c) => factor(c, rows));
  if (factors.length === 1) {
    const f = factors[0]!;
    return lazyFixedEffect(name, f.codes, levelCount(f), () => f.levels);
  }
  // Combine as mixed-radix keys, then number the keys that occur in sorted order.
  const n = factors[0]!.codes.length;
  const keys = new Float64Array(n);
  for (const f of factors) {
    const L = levelCount(f); // not f.levels: that would build every label
    const codes = f.codes;
    for (let i = 0; i < n; i++) keys[i] = keys[i]! * L + codes[i]!;
  }
  const combined = factor(keys);
  const label = (key: number): string => {
    const parts: string[] = [];
    for (let j = factors.length - 1; j >= 0; j--) {
      const L = levelCount(factors[j]!);
      parts.unshift(factors[j]!.levels[key % L]!);
      key = Math.floor(key / L);
    }
    return parts.join('_');
  };
  return lazyFixedEffect(name, combined.codes, combined.values!.length, () => Array.from(combined.values!, label));
}

/** Level labels are only built when read (fixef output), not on every fit. */
function lazyFixedEffect(name: string, codes: Int32Array, nLevels: number, makeLevels: () => string[]): DesignFixedEffect {
  let levels: string[] | undefined;
  return {
    name,
    codes,
    nLevels,
    get levels(): string[] {
      return (levels ??= makeLevels());
    },
  };
}

/** Number of levels without building the labels of a numeric factor. */
function levelCount(f: Factor): number {
  return f.values !== undefined ? f.values.length : f.levels.length;
}
