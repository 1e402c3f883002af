/**
 * Fixed effects → integer codes over the kept rows; `a^b` combinations as one effect (fixest).
 * Level labels are built lazily: an id effect with 10⁵ levels would otherwise cost ~15 ms per fit.
 */
import { factor, formatRNumber, type Factor } from '../../data/factor.js';
import type { Column } from '../../data/frame.js';

/**
 * One fixed effect coded over the rows kept.
 *
 * @example
 * const frame = new Frame({ y: new Float64Array([1, 2, 3]), x: new Float64Array([0, 1, 5]), id: ['u', 'u', 'v'] });
 * buildDesign(parseFormula('y ~ x | id'), frame).fixedEffects;
 * // [{ name: 'id', codes: Int32Array [0, 0, 1], nLevels: 2, levels: ['u', 'v'] }]
 */
export interface DesignFixedEffect {
  /** `id`, or `id^period` for a combination. */
  name: string;
  /** 0..nLevels-1 per kept row. */
  codes: Int32Array;
  nLevels: number;
  /** Level labels in sorted order (`a_b` for combined effects). */
  levels: string[];
  /** Varying slopes (fixest `id[x]`): the slope columns over the kept rows. */
  slopes?: Float64Array[];
  /** The slope columns' names. */
  slopeNames?: string[];
  /** With slopes: whether the levels keep their intercepts (`id[x]`) or not (`id[[x]]`). */
  constant?: boolean;
  /**
   * Set when the codes are i mod `period` over all `rows` (a period column of a balanced panel
   * sorted by unit, then period): `codes` is then built only when read, and {@link demean} checks
   * the grid layout without it.
   */
  cycle?: { period: number; rows: number };
  /**
   * Set when the codes are ⌊i/`length`⌋ over all `rows` (a unit column of a balanced panel sorted
   * by unit): `codes` is then built only when read.
   */
  blocks?: { length: number; rows: number };
}

/**
 * Codes one (possibly combined `a^b`) fixed effect over the kept rows (all rows when `rows`
 * is undefined). Combinations are numbered in sorted (first, second, …) order. `coded`: the
 * column's {@link smallIntegerCodes} over those rows, when the caller already has them.
 *
 * @example
 * fixedEffectCodes('a^b', [['x', 'x', 'y'], new Float64Array([2, 1, 1])], undefined);
 * // { name: 'a^b', codes: Int32Array [1, 0, 2], nLevels: 3, levels: ['x_1', 'x_2', 'y_1'] }
 */
export function fixedEffectCodes(
  name: string,
  columns: Column[],
  rows: Int32Array | undefined,
  coded: { codes: Int32Array; values: Float64Array } | null = null,
): DesignFixedEffect {
  if (columns.length === 1 && columns[0] instanceof Float64Array) {
    const fast = coded ?? smallIntegerCodes(columns[0], rows);
    if (fast !== null) return lazyFixedEffect(name, fast, fast.values.length, () => Array.from(fast.values, formatRNumber));
  }
  const factors = columns.map((c) => factor(c, { rows }));
  if (factors.length === 1) {
    const f = factors[0]!;
    return lazyFixedEffect(name, f, levelCount(f), () => f.levels);
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
  return lazyFixedEffect(name, combined, combined.values!.length, () => Array.from(combined.values!, label));
}

/**
 * Level labels are only built when read (fixef output), not on every fit; so are the codes of a
 * cyclic column (`coded.cycle`), which the grid passes of demean never read.
 */
function lazyFixedEffect(
  name: string,
  coded: { readonly codes: Int32Array; cycle?: { period: number; rows: number }; blocks?: { length: number; rows: number } },
  nLevels: number,
  makeLevels: () => string[],
): DesignFixedEffect {
  let levels: string[] | undefined;
  const lazy = coded.cycle !== undefined || coded.blocks !== undefined;
  const effect: DesignFixedEffect = {
    name,
    // A data property unless the codes are built on read (loops elsewhere index fe.codes[i]).
    codes: lazy ? new Int32Array(0) : coded.codes,
    nLevels,
    get levels(): string[] {
      return (levels ??= makeLevels());
    },
  };
  if (lazy) {
    Object.defineProperty(effect, 'codes', { get: () => coded.codes, enumerable: true, configurable: true });
    if (coded.cycle !== undefined) effect.cycle = coded.cycle;
    if (coded.blocks !== undefined) effect.blocks = coded.blocks;
  }
  return effect;
}

/** Number of levels without building the labels of a numeric factor. */
function levelCount(f: Factor): number {
  return f.values !== undefined ? f.values.length : f.levels.length;
}

/** Largest value coded through the direct table of {@link smallIntegerCodes} (a 4 MiB table). */
const SMALL_INTEGER_LIMIT = 1 << 20;

/**
 * One-pass coding of a column of small non-negative integers (ids, years, periods) — the usual
 * fixed effect — with the same result as `factor()`: codes in sorted level order and the sorted
 * level values. A direct table indexed by the value gives first-appearance codes; they are
 * renumbered in sorted order only when the values did not first appear in increasing order
 * (panels sorted by id and period never need it). Returns null (use `factor()`) at the first
 * value that is missing, negative, fractional or ≥ 2²⁰.
 *
 * @example
 * smallIntegerCodes(new Float64Array([2003, 2001, 2003]), undefined);
 * // { codes: Int32Array [1, 0, 1], values: Float64Array [2001, 2003] }
 */
export function smallIntegerCodes(column: Float64Array, rows: Int32Array | undefined): SmallIntegerCodes | null {
  let x = column;
  if (rows !== undefined && !isIdentity(rows, column.length)) {
    // Gather first: the pass then runs over one contiguous array.
    x = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) x[i] = column[rows[i]!]!;
  }
  const n = x.length;
  const period = cyclePeriod(x);
  if (period > 0) {
    // Codes i mod period (first appearance = sorted order, as the row pass would give), built
    // only when read.
    let codes: Int32Array | undefined;
    return {
      get codes(): Int32Array {
        return (codes ??= cycleCodes(n, period));
      },
      values: Float64Array.from(x.subarray(0, period), (v) => v + 0), // + 0: −0 → 0 as the table gives
      cycle: { period, rows: n },
    };
  }
  const length = blockLength(x);
  if (length > 0) {
    // Codes ⌊i/length⌋ (one level per block, in increasing order), built only when read.
    let codes: Int32Array | undefined;
    const values = new Float64Array(n / length);
    for (let u = 0; u < values.length; u++) values[u] = x[u * length]! + 0; // + 0: −0 → 0 as the table gives
    return {
      get codes(): Int32Array {
        return (codes ??= blockCodes(n, length));
      },
      values,
      blocks: { length, rows: n },
    };
  }
  const codes = new Int32Array(n);
  // First-appearance codes through a direct table indexed by the value, grown (between calls of
  // the row pass) as larger values appear.
  const state: CodeState = { table: new Int32Array(1024).fill(-1), next: 0, last: -1, max: -1, increasing: true, previous: NaN, previousCode: -1 };
  // An empty round first: the code after codeRows' loop then has type feedback when the loop is
  // compiled on-stack (without it that code was compiled with none and deoptimised on every call).
  codeRows(x, codes, state, n);
  let i = 0;
  for (;;) {
    i = codeRows(x, codes, state, i);
    if (i === n) break;
    if (i < 0) return null;
    const iv = x[i]! | 0;
    if (iv >= SMALL_INTEGER_LIMIT) return null;
    state.table = grownTable(state.table, iv);
  }
  const { table, next, max } = state;
  const values = new Float64Array(next);
  const rank = new Int32Array(next);
  sortedRanks(table, max, rank, values);
  if (!state.increasing) renumber(codes, rank);
  return { codes, values };
}

/** What {@link smallIntegerCodes} returns; `cycle` when the codes are i mod period (built on first read). */
export interface SmallIntegerCodes {
  readonly codes: Int32Array;
  values: Float64Array;
  cycle?: { period: number; rows: number };
  blocks?: { length: number; rows: number };
}

/**
 * B when x is runs of exactly B ≥ 2 equal values, n/B ≥ 2 runs, with values integers in
 * [0, 2²⁰) increasing from run to run; else 0. One read of x, stopping at the first row that breaks it.
 */
function blockLength(x: Float64Array): number {
  const n = x.length;
  if (n < 4) return 0;
  const first = x[0]!;
  if ((first | 0) !== first || first < 0) return 0;
  let B = 1;
  while (B < n && x[B] === first) B++;
  if (B < 2 || B >= n || n % B !== 0) return 0;
  for (let start = B; start < n; start += B) {
    const v = x[start]!;
    if (!(v > x[start - 1]!) || (v | 0) !== v || v >= SMALL_INTEGER_LIMIT) return 0;
    const end = start + B;
    for (let i = start + 1; i < end; i++) if (x[i] !== v) return 0;
  }
  return B;
}

/** codes[i] = ⌊i/length⌋. */
function blockCodes(n: number, length: number): Int32Array {
  const codes = new Int32Array(n);
  for (let i = 0, u = 0; i < n; u++) {
    const end = i + length;
    for (; i < end; i++) codes[i] = u;
  }
  return codes;
}

/**
 * P when x[0] < x[1] < … < x[P−1] are integers in [0, 2²⁰), 2 ≤ P < n, n is a multiple of P and
 * x[i] = x[i − P] for every i ≥ P; else 0. One read of x, stopping at the first row that breaks it.
 */
function cyclePeriod(x: Float64Array): number {
  const n = x.length;
  if (n < 4) return 0;
  let previous = x[0]!;
  if ((previous | 0) !== previous || previous < 0) return 0;
  let P = 1;
  for (; P < n; P++) {
    const v = x[P]!;
    if (!(v > previous)) break;
    if ((v | 0) !== v || v >= SMALL_INTEGER_LIMIT) return 0;
    previous = v;
  }
  if (P < 2 || P >= n || n % P !== 0) return 0;
  for (let i = P; i < n; i++) if (x[i] !== x[i - P]) return 0;
  return P;
}

/** codes[i] = i mod period. */
function cycleCodes(n: number, period: number): Int32Array {
  const codes = new Int32Array(n);
  for (let i = 0, t = 0; i < n; i++) {
    codes[i] = t;
    if (++t === period) t = 0;
  }
  return codes;
}

/** Where the row pass of {@link smallIntegerCodes} stands between calls. */
interface CodeState {
  table: Int32Array;
  next: number;
  last: number;
  max: number;
  increasing: boolean;
  previous: number;
  previousCode: number;
}

/**
 * Codes rows from `from` on; returns n when done, −1 at a value that is not a non-negative
 * integer (NaN fails iv !== v), or the row whose value needs a larger table (grown outside, so
 * that the loop has no rarely taken branch).
 */
function codeRows(x: Float64Array, codes: Int32Array, state: CodeState, from: number): number {
  const n = x.length;
  const table = state.table;
  const size = table.length;
  let { next, last, max, increasing, previous, previousCode } = state;
  let i = from;
  for (; i < n; i++) {
    const v = x[i]!;
    if (v === previous) {
      // A run of one value (data sorted by it): same code, no table lookup.
      codes[i] = previousCode;
      continue;
    }
    const iv = v | 0;
    if (iv !== v || iv < 0) {
      i = -1;
      break;
    }
    if (iv >= size) break;
    let code = table[iv]!;
    if (code < 0) {
      code = next++;
      table[iv] = code;
      if (iv < last) increasing = false;
      last = iv;
      if (iv > max) max = iv;
    }
    codes[i] = code;
    previous = v;
    previousCode = code;
  }
  state.next = next;
  state.last = last;
  state.max = max;
  state.increasing = increasing;
  state.previous = previous;
  state.previousCode = previousCode;
  return i;
}

/** The code table grown to hold index iv (new slots −1). */
function grownTable(table: Int32Array, iv: number): Int32Array {
  const grown = new Int32Array(Math.min(SMALL_INTEGER_LIMIT, Math.max(2 * table.length, iv + 1))).fill(-1);
  grown.set(table);
  return grown;
}

/** rank[first-appearance code] = sorted position, and the level values in sorted order. */
function sortedRanks(table: Int32Array, max: number, rank: Int32Array, values: Float64Array): void {
  let r = 0;
  for (let value = 0; value <= max; value++) {
    const code = table[value]!;
    if (code >= 0) {
      rank[code] = r;
      values[r++] = value;
    }
  }
}

/** codes[i] = rank[codes[i]] (first-appearance codes to sorted-level codes). */
function renumber(codes: Int32Array, rank: Int32Array): void {
  for (let i = 0; i < codes.length; i++) codes[i] = rank[codes[i]!]!;
}

/** True when rows = 0, 1, …, length − 1. */
function isIdentity(rows: Int32Array, length: number): boolean {
  if (rows.length !== length) return false;
  for (let i = 0; i < length; i++) if (rows[i] !== i) return false;
  return true;
}

/**
 * The fixed-effect sizes that fixest's K (`dof.K`, `nparams`) counts, with varying slopes: one
 * entry per fixed effect (its levels, so that `fixef.K = "nested"` removes a nested effect's
 * levels as fixest does) plus, when there are slopes, one entry P chosen so that
 * `fixestNparams(k, sizes)` = fixest's `nparams` (R/fixest_env.R): k + Σ sizes·(1 + |slope_flag|
 * − (slope_flag < 0)) + (1 − #effects with level intercepts, when there is one). So P = S −
 * Σ_{slope-only} levels + (#slope-only + 1, or q when no effect keeps its intercepts), with S the
 * number of slope coefficients: fixest's 226 for `y ~ x1 | id[period] + period` on base_did (P =
 * 109), and 119 clustered by id. The caller marks the P entry, and slope-only effects (fixest's
 * `fixef_sizes_ok = 0`), as not nested.
 *
 * @example
 * fixefSizesWithSlopes([{ nLevels: 108, slopes: [period], constant: true }, { nLevels: 10 }]); // [108, 10, 109]
 */
export function fixefSizesWithSlopes(fixedEffects: readonly Pick<DesignFixedEffect, 'nLevels' | 'slopes' | 'constant'>[]): number[] {
  const sizes = fixedEffects.map((f) => f.nLevels);
  if (!fixedEffects.some((f) => f.slopes !== undefined && f.slopes.length > 0)) return sizes;
  let p = 0;
  let slopeOnly = 0;
  for (const f of fixedEffects) {
    p += f.nLevels * (f.slopes?.length ?? 0);
    if (f.constant === false) {
      p -= f.nLevels;
      slopeOnly++;
    }
  }
  sizes.push(p + (slopeOnly < fixedEffects.length ? slopeOnly + 1 : fixedEffects.length));
  return sizes;
}
