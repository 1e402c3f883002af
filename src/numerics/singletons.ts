/**
 * Fixed-effect singletons: rows whose level, in some fixed-effect dimension, holds a single
 * observation — iterated to a fixed point, because removing a singleton can create new ones
 * (Correia 2015, "Singletons, cluster-robust standard errors and fixed effects", reghdfe;
 * fixest `fixef.rm = "singleton"`).
 *
 * Dimension symbols: n = rows, L = levels.
 */
import type { FixedEffectCodes } from './demean.js';

/**
 * Marks fixed-effect singletons: rows whose level, in some fixed-effect dimension, holds a single
 * observation — iterated to a fixed point, because removing a singleton can create new ones
 * (Correia 2015, "Singletons, cluster-robust standard errors and fixed effects", reghdfe;
 * fixest `fixef.rm = "singleton"`).
 *
 * @returns a mask with 1 for rows to drop
 * @example
 * singletonMask([{ codes: Int32Array.of(0, 0, 1), nLevels: 2 }]); // Uint8Array [0, 0, 1]
 */
export function singletonMask(fixedEffects: FixedEffectCodes[]): Uint8Array {
  const n = fixedEffects.length > 0 ? fixedEffects[0]!.codes.length : 0;
  const drop = new Uint8Array(n);
  const counts = fixedEffects.map((fe) => new Int32Array(fe.nLevels));
  fixedEffects.forEach((fe, p) => {
    const count = counts[p]!;
    for (let i = 0; i < n; i++) count[fe.codes[i]!]++;
  });
  let changed = true;
  while (changed) {
    changed = false;
    for (let p = 0; p < fixedEffects.length; p++) {
      const g = fixedEffects[p]!.codes;
      const count = counts[p]!;
      for (let i = 0; i < n; i++) {
        if (drop[i] === 0 && count[g[i]!] === 1) {
          drop[i] = 1;
          changed = true;
          for (let r = 0; r < fixedEffects.length; r++) counts[r]![fixedEffects[r]!.codes[i]!]--;
        }
      }
    }
  }
  return drop;
}

/**
 * Removes fixed-effect singletons: the rows kept (increasing) and the fixed effects recoded on
 * them (surviving levels renumbered densely, keeping their original order).
 *
 * @example
 * const { rows, count } = dropSingletons([{ codes: Int32Array.of(0, 0, 1), nLevels: 2 }]);
 * rows;  // Int32Array [0, 1]
 * count; // 1
 */
export function dropSingletons(fixedEffects: FixedEffectCodes[]): {
  rows: Int32Array;
  mask: Uint8Array;
  count: number;
  fixedEffects: FixedEffectCodes[];
} {
  const mask = singletonMask(fixedEffects);
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  const rows = new Int32Array(mask.length - count);
  for (let i = 0, r = 0; i < mask.length; i++) if (mask[i] === 0) rows[r++] = i;
  const recoded = fixedEffects.map((fe) => {
    const map = new Int32Array(fe.nLevels).fill(-1);
    const codes = new Int32Array(rows.length);
    let next = 0;
    // Keep the original level order (ascending old code) so level labels stay sorted.
    const present = new Uint8Array(fe.nLevels);
    for (let r = 0; r < rows.length; r++) present[fe.codes[rows[r]!]!] = 1;
    for (let l = 0; l < fe.nLevels; l++) if (present[l] === 1) map[l] = next++;
    for (let r = 0; r < rows.length; r++) codes[r] = map[fe.codes[rows[r]!]!]!;
    return { codes, nLevels: next };
  });
  return { rows, mask, count, fixedEffects: recoded };
}
