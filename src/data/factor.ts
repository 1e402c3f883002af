/**
 * Categorical coding: a column → integer codes 0..L-1 and level labels, in R's level order.
 *
 * R's `factor(x)` sorts the unique values: numbers numerically, text by the collation order
 * (we use plain code-unit order, R's C locale, which agrees with R's default for ASCII labels).
 * Numeric levels are labelled as R's `as.character` prints them (`2003`, `-1`, `0.5`, `1e+05`).
 *
 * Speed: integer-valued numeric columns with a modest range are coded by a counting pass
 * (O(n + range)); other numbers by sorting the unique values; text through one `Map`.
 */
import type { Column } from './frame.js';

/**
 * Integer codes (−1 = missing) and the level labels they index.
 *
 * @example
 * factor(['b', 'a', null, 'b']); // { codes: Int32Array [1, 0, -1, 1], levels: ['a', 'b'] }
 */
export interface Factor {
  /** One code per (selected) row: 0..levels.length-1, or −1 when the cell is missing. */
  codes: Int32Array;
  /** Level labels in R's sorted order (or in order of first appearance). */
  levels: string[];
  /** For a numeric column: the level values, aligned with `levels`. */
  values?: Float64Array;
}

/** Options of {@link factor}. */
export interface FactorOptions {
  /** Code only these rows (0-based, in this order); only the values present there become levels. */
  rows?: ArrayLike<number>;
  /**
   * Level order: `'sorted'` (R's `factor()`, the default) or `'appearance'` (first appearance in
   * the data: unit and cluster ids, where the order is only a labelling).
   */
  order?: 'sorted' | 'appearance';
}

/**
 * Codes a column as a factor, as R's `factor()`: levels are the sorted unique non-missing values
 * (or, with `order: 'appearance'`, the unique values in order of first appearance — the one
 * group coder for unit, time and cluster ids).
 *
 * With `rows`, only those rows (0-based, in that order) are coded and only the values present
 * there become levels (as `factor()` on a row subset); `codes` then has `rows.length` entries.
 *
 * @param column numeric (NaN missing) or text (null missing) column
 * @example
 * factor(['b', 'a', null, 'b']); // { codes: Int32Array [1, 0, -1, 1], levels: ['a', 'b'] }
 * factor(new Float64Array([2004, 2003, 2004])).levels; // ['2003', '2004']
 * factor(['b', 'a', null, 'b'], { order: 'appearance' }); // { codes: Int32Array [0, 1, -1, 0], levels: ['b', 'a'] }
 */
export function factor(column: Column, options: FactorOptions = {}): Factor {
  const { rows, order = 'sorted' } = options;
  if (order === 'appearance') return appearanceFactor(column, rows);
  if (column instanceof Float64Array) return numericFactor(column, rows);
  return textFactor(column, rows);
}

/** First-appearance coding: one Map pass; numbers keep their values beside the labels. */
function appearanceFactor(column: Column, rows?: ArrayLike<number>): Factor {
  if (column instanceof Float64Array) {
    const coded = appearanceIntegerCodes(column, rows);
    if (coded !== null) return coded;
  }
  const n = rows ? rows.length : column.length;
  const codes = new Int32Array(n);
  const index = new Map<string | number, number>();
  const seen: (string | number)[] = [];
  for (let i = 0; i < n; i++) {
    const v = rows ? column[rows[i]!]! : column[i]!;
    if (v === null || v === undefined || v !== v) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = seen.length;
      index.set(v, code);
      seen.push(v);
    }
    codes[i] = code;
  }
  if (column instanceof Float64Array) {
    const values = Float64Array.from(seen as number[]);
    return { codes, levels: Array.from(values, formatRNumber), values };
  }
  return { codes, levels: seen as string[] };
}

/**
 * {@link appearanceFactor} for integer ids in a modest range (unit and school numbers): a direct
 * table instead of the Map, and a run of one id (long data sorted by unit) reuses its code. The
 * codes and values are the Map's: first appearance, NaN → −1, −0 the same level as 0 (the value
 * first seen is kept). Null at the first non-integer value, or when the range is too wide.
 */
function appearanceIntegerCodes(column: Float64Array, rows?: ArrayLike<number>): Factor | null {
  let x = column;
  if (rows) {
    // Gather first: the loops below then read one contiguous array (and stay monomorphic).
    x = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) x[i] = column[rows[i]!]!;
  }
  const n = x.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return null; // every cell missing, or only ±Infinity: the Map path
  const range = max - min + 1;
  if (!Number.isInteger(min) || !(range <= Math.max(4 * n, 1 << 16))) return null;
  const table = new Int32Array(range).fill(-1);
  const codes = new Int32Array(n);
  const seen: number[] = [];
  if (!appearanceRows(x, min, table, codes, seen)) return null;
  const values = Float64Array.from(seen);
  return { codes, levels: Array.from(values, formatRNumber), values };
}

/** The coding loop of {@link appearanceIntegerCodes}; false at the first non-integer value. */
function appearanceRows(x: Float64Array, min: number, table: Int32Array, codes: Int32Array, seen: number[]): boolean {
  let previous = NaN;
  let previousCode = -1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v === previous) {
      codes[i] = previousCode;
      continue;
    }
    if (v !== v) {
      codes[i] = -1;
      continue;
    }
    const o = v - min;
    const oi = o | 0;
    if (oi !== o) return false;
    let code = table[oi]!;
    if (code < 0) {
      code = seen.length;
      table[oi] = code;
      seen.push(v);
    }
    codes[i] = code;
    previous = v;
    previousCode = code;
  }
  return true;
}

function numericFactor(column: Float64Array, rows?: ArrayLike<number>): Factor {
  let x = column;
  if (rows && !(rows.length === column.length && isIdentity(rows))) {
    // Gather first: the coding loops below then run over one contiguous array.
    x = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) x[i] = column[rows[i]!]!;
  }
  const n = x.length;
  // NaN fails both comparisons, so missing cells drop out of min/max without a branch.
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const codes = new Int32Array(n);
  if (min === Infinity && max === -Infinity) {
    // every cell missing (or only ±Infinity, which the sorting path handles)
    let missing = true;
    for (let i = 0; i < n && missing; i++) missing = x[i] !== x[i];
    if (missing) {
      codes.fill(-1);
      return { codes, levels: [], values: new Float64Array(0) };
    }
  }
  const range = max - min + 1;
  if (Number.isInteger(min) && range <= Math.max(4 * n, 1 << 16)) {
    const coded = countingCodes(x, min, range, codes);
    if (coded !== null) return coded;
  }
  return sortingCodes(x, codes);
}

/**
 * Integer values in a modest range: store offsets v − min and mark the values seen; when every
 * value in the range occurs (ids, years) the offsets already are the codes. Returns null at the
 * first non-integer value. `(v - min) | 0` keeps V8 on the int32 typed-array path.
 */
function countingCodes(x: Float64Array, min: number, range: number, codes: Int32Array): Factor | null {
  const n = x.length;
  const slot = new Int32Array(range);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v === v) {
      const o = v - min;
      const oi = o | 0;
      if (oi !== o) return null;
      codes[i] = oi;
      slot[oi] = 1;
    } else codes[i] = -1;
  }
  let count = 0;
  for (let s = 0; s < range; s++) if (slot[s] === 1) slot[s] = ++count;
  const values = new Float64Array(count);
  for (let s = 0; s < range; s++) if (slot[s]! > 0) values[slot[s]! - 1] = s + min;
  if (count < range) {
    for (let i = 0; i < n; i++) {
      const o = codes[i]!;
      if (o >= 0) codes[i] = slot[o]! - 1;
    }
  }
  return withLazyLevels(codes, values);
}

/** Any numbers: sort the present values, keep the distinct ones, code by binary search. */
function sortingCodes(x: Float64Array, codes: Int32Array): Factor {
  const n = x.length;
  let present = 0;
  for (let i = 0; i < n; i++) if (x[i] === x[i]) present++;
  const sorted = new Float64Array(present);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v === v) sorted[m++] = v;
  }
  sorted.sort();
  let count = 0;
  for (let i = 0; i < present; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i]!;
  const values = sorted.slice(0, count);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    codes[i] = v === v ? lowerBound(values, v) : -1;
  }
  return withLazyLevels(codes, values);
}

/** Labels are built on first use: an id column with 10⁵ levels costs ~15 ms to label. */
function withLazyLevels(codes: Int32Array, values: Float64Array): Factor {
  let levels: string[] | undefined;
  return {
    codes,
    values,
    get levels(): string[] {
      return (levels ??= Array.from(values, formatRNumber));
    },
  };
}

/**
 * True when rows = 0, 1, …, n−1 (nothing dropped), so no gather is needed.
 *
 * @example
 * isIdentity([0, 1, 2]); // true
 * isIdentity([0, 2]);    // false
 */
export function isIdentity(rows: ArrayLike<number>): boolean {
  for (let i = 0; i < rows.length; i++) if (rows[i] !== i) return false;
  return true;
}

function textFactor(column: readonly (string | null)[], rows?: ArrayLike<number>): Factor {
  const { codes, levels: seen } = appearanceFactor(column, rows);
  const n = codes.length;
  // Renumber the first-appearance codes into sorted order (C-locale: code-unit comparison).
  const order = seen.map((_, j) => j).sort((a, b) => (seen[a]! < seen[b]! ? -1 : seen[a]! > seen[b]! ? 1 : 0));
  const remap = new Int32Array(seen.length);
  order.forEach((old, rank) => (remap[old] = rank));
  for (let i = 0; i < n; i++) if (codes[i]! >= 0) codes[i] = remap[codes[i]!]!;
  return { codes, levels: order.map((j) => seen[j]!) };
}

/** Index of the first element ≥ v in a sorted array (v is known to be present). */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Formats a number as R's `as.character()` / `deparse()` do: up to 15 significant digits, fixed
 * notation unless scientific is shorter (`100000` → `1e+05`, `0.0001` → `1e-04`, `2003` → `2003`).
 *
 * @example
 * formatRNumber(100000); // '1e+05'
 * formatRNumber(-0.5);   // '-0.5'
 */
export function formatRNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return '0';
  const sign = x < 0 ? '-' : '';
  const ax = Math.abs(x);
  if (Number.isInteger(ax) && ax < 1e15) {
    // Fast path for integers (ids, years): fixed unless trailing zeros make scientific shorter.
    const s = String(ax);
    if (s.length <= 5 || s[s.length - 1] !== '0') return sign + s;
  }
  const [mantissa, expText] = ax.toExponential(14).split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const exponent = Number(expText);
  const sci = `${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  let fixed: string;
  if (exponent >= digits.length - 1) fixed = digits + '0'.repeat(exponent - digits.length + 1);
  else if (exponent >= 0) fixed = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else fixed = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return sign + (fixed.length <= sci.length ? fixed : sci);
}
