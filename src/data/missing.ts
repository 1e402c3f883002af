/**
 * The one complete-case path (R's `na.omit` / `complete.cases`), with the counts that fixest's
 * `NOTE: n observations removed because of NA values (y: 2, x1: 1)` reports.
 *
 * Every estimator reads its variables through a {@link MissingTracker} (or {@link completeRows},
 * built on it) with an explicit policy for ±Infinity in numeric variables:
 * - `'error'` — a `non_finite` error naming column, row and value (fixest, lm, MatchIt);
 * - `'drop'`  — the row is dropped like a missing one and counted (did's `pre_process_did`);
 * - `'keep'`  — ±Infinity is a value (a cohort column where Infinity means never treated).
 * Dropped rows become one `rows_dropped_missing` note whose text says "NA or infinite values"
 * when infinite cells were dropped, and fixest's "NA values" otherwise.
 */
import { CausalPanelError, type Note } from '../errors.js';
import type { Column, Frame } from './frame.js';

/** What to do with ±Infinity in a numeric variable. */
export type NonFinitePolicy = 'error' | 'drop' | 'keep';

/**
 * Rows kept and what was dropped.
 *
 * @example
 * completeRows(new Frame({ y: new Float64Array([1, NaN, 3]), g: ['a', 'b', null] }), ['y', 'g']);
 * // { rows: Int32Array [0], dropped: { count: 2, byColumn: { y: 1, g: 1 }, infinite: 0 } }
 */
export interface CompleteRows {
  /** 0-based indices of the rows with no missing value in any variable, ascending. */
  rows: Int32Array;
  /**
   * `count` rows dropped; `byColumn[v]` = missing (or, under `'drop'`, infinite) cells in
   * variable v over all rows (> 0 only); `infinite` = how many of those cells were ±Infinity.
   */
  dropped: { count: number; byColumn: Record<string, number>; infinite: number };
}

/**
 * Collects missing cells over all input rows: marks rows and counts per column (each column
 * once), applying the ±Infinity policy to numeric variables.
 *
 * @throws {CausalPanelError} `non_finite` (policy `'error'`), `no_rows_left` (a column missing in
 *   every row)
 * @example
 * const t = new MissingTracker(3, 'attgt', 'drop');
 * t.numeric('y', new Float64Array([1, NaN, Infinity]));
 * t.finish().rows; // Int32Array [0]; dropped = { count: 2, byColumn: { y: 2 }, infinite: 1 }
 */
export class MissingTracker {
  #mask: Uint8Array | null = null;
  readonly byColumn: Record<string, number> = Object.create(null);
  /** Rows marked so far. */
  marked = 0;
  /** Infinite cells dropped under policy `'drop'`. */
  infinite = 0;
  private readonly seen = new Set<string>();
  private readonly checked = new Set<string>();
  constructor(
    private readonly nrow: number,
    private readonly fn: string,
    private readonly nonFinite: NonFinitePolicy = 'error',
  ) {}

  /** 1 for each row marked missing so far (allocated on the first mark or read). */
  get mask(): Uint8Array {
    return (this.#mask ??= new Uint8Array(this.nrow));
  }

  /** A column used as it is (factor, fixed effect, cluster, unit id): marks missing cells only. */
  column(name: string, values: Column): void {
    if (values instanceof Float64Array) return this.numeric(name, values, 'keep');
    if (this.seen.has(name)) return;
    this.seen.add(name);
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === null || values[i] === undefined) {
        count++;
        const mask = this.mask;
        if (mask[i] === 0) {
          mask[i] = 1;
          this.marked++;
        }
      }
    }
    this.record(name, count);
  }

  /**
   * A column its caller has already found to hold no missing cell (e.g. while coding it): counted
   * as read, without a pass of its own.
   */
  complete(name: string): void {
    this.seen.add(name);
  }

  /**
   * A numeric variable: marks NaN cells and applies `policy` (default: the tracker's) to
   * ±Infinity — one pass, since `v - v` is 0 exactly for finite v.
   */
  numeric(name: string, values: Float64Array, policy: NonFinitePolicy = this.nonFinite): void {
    const mark = !this.seen.has(name);
    const check = policy !== 'keep' && !this.checked.has(name);
    if (!mark && !check) return;
    this.seen.add(name);
    if (check) this.checked.add(name);
    // The usual column has no NaN or ±Infinity: a branch-free sum finds that at memory speed, and
    // only a column with such a cell is scanned cell by cell (same marks, counts and errors).
    if (allFinite(values)) return;
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v !== 0) {
        if (v !== v) {
          count++;
          const mask = this.mask;
          if (mark && mask[i] === 0) {
            mask[i] = 1;
            this.marked++;
          }
        } else if (check) {
          if (policy === 'error') {
            throw new CausalPanelError('non_finite', `${this.fn}: column "${name}" has a non-finite value (row ${i + 1}: ${v})`, { fn: this.fn, column: name, row: i, value: v });
          }
          count++;
          this.infinite++;
          const mask = this.mask;
          if (mask[i] === 0) {
            mask[i] = 1;
            this.marked++;
          }
        }
      }
    }
    if (mark || count > 0) this.record(name, count);
  }

  /** Rows where a derived value is NaN/±Inf although its inputs were present (log(0), …). */
  derived(label: string, values: Float64Array): void {
    if (this.seen.has(label)) return;
    this.seen.add(label);
    let count = 0;
    let invalid = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v !== 0) {
        invalid++;
        if (this.mask[i] === 0) {
          this.mask[i] = 1;
          this.marked++;
          count++;
        }
      }
    }
    if (invalid === this.nrow && this.nrow > 0) {
      throw new CausalPanelError('no_rows_left', `${this.fn}: "${label}" is missing or not finite in every row (${invalid} rows)`, { fn: this.fn, column: label, value: invalid });
    }
    if (count > 0) this.byColumn[label] = count;
  }

  /**
   * The rows left and the drop counts.
   * @throws {CausalPanelError} `no_rows_left` when every row is marked
   */
  finish(): CompleteRows {
    // No row marked (the mask was never needed): every row is kept.
    if (this.#mask === null && this.nrow > 0) return allRows(this.nrow, { count: 0, byColumn: this.byColumn, infinite: this.infinite });
    return finishRows(this.mask, this.byColumn, this.fn, this.marked, this.infinite);
  }

  private record(name: string, count: number): void {
    if (count === this.nrow && count > 0) {
      throw new CausalPanelError('no_rows_left', `${this.fn}: column "${name}" is missing in every row (${count} rows)`, { fn: this.fn, column: name, value: count });
    }
    if (count > 0) this.byColumn[name] = count;
  }
}

/**
 * True when every value is finite: v − v is 0 for finite v and NaN for NaN or ±Infinity, and a
 * NaN term makes the sum NaN. Four independent sums so the additions do not wait on each other.
 *
 * @example
 * allFinite(new Float64Array([1, 2, NaN])); // false
 */
export function allFinite(values: Float64Array): boolean {
  const n = values.length;
  const n4 = n - (n % 4);
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let i = 0; i < n4; i += 4) {
    const v0 = values[i]!;
    const v1 = values[i + 1]!;
    const v2 = values[i + 2]!;
    const v3 = values[i + 3]!;
    a += v0 - v0;
    b += v1 - v1;
    c += v2 - v2;
    d += v3 - v3;
  }
  for (let i = n4; i < n; i++) {
    const v = values[i]!;
    a += v - v;
  }
  return a + b + c + d === 0;
}

/** Options of {@link completeRows}. */
export interface CompleteRowsOptions {
  /** Calling function, named in errors (default `'completeRows'`). */
  fn?: string;
  /** ±Infinity in numeric variables (default `'error'`, as fixest). */
  nonFinite?: NonFinitePolicy;
  /** Numeric variables in which ±Infinity is a value, whatever the policy (e.g. a cohort column). */
  keepInfinite?: readonly string[];
}

/**
 * The rows of `frame` with no missing value in any of `variables` (column names), ±Infinity
 * handled by `options.nonFinite`.
 *
 * @param frame the data
 * @param variables column names; duplicates are counted once
 * @throws {CausalPanelError} `missing_column` for an unknown column; `non_finite` (policy
 *   `'error'`); `no_rows_left` when a variable is missing in every row (naming it) or when no
 *   complete row remains
 * @example
 * const frame = new Frame({ y: new Float64Array([1, NaN, 3, Infinity]), g: ['a', 'b', null, 'c'] });
 * completeRows(frame, ['y', 'g'], { nonFinite: 'drop' });
 * // { rows: Int32Array [0], dropped: { count: 3, byColumn: { y: 2, g: 1 }, infinite: 1 } }
 */
export function completeRows(frame: Frame, variables: readonly string[], options: CompleteRowsOptions = {}): CompleteRows {
  const fn = options.fn ?? 'completeRows';
  const tracker = new MissingTracker(frame.nrow, fn, options.nonFinite ?? 'error');
  const keep = new Set(options.keepInfinite ?? []);
  for (const name of variables) {
    const column = frame.column(name, fn);
    if (column instanceof Float64Array) tracker.numeric(name, column, keep.has(name) ? 'keep' : undefined);
    else tracker.column(name, column);
  }
  return tracker.finish();
}

/**
 * The `rows_dropped_missing` note for `dropped`, or null when nothing was dropped.
 *
 * @example
 * droppedNote({ count: 2, byColumn: { y: 2 }, infinite: 1 });
 * // { code: 'rows_dropped_missing', count: 2, byColumn: { y: 2 }, infinite: 1 }
 */
export function droppedNote(dropped: CompleteRows['dropped']): Note | null {
  if (dropped.count === 0) return null;
  return { code: 'rows_dropped_missing', count: dropped.count, byColumn: { ...dropped.byColumn }, ...(dropped.infinite > 0 ? { infinite: dropped.infinite } : {}) };
}

/**
 * Turns a missing-row mask into {@link CompleteRows}. `marked`, when known, is the number of
 * masked rows (saves a pass).
 *
 * @throws {CausalPanelError} `no_rows_left` when every row is masked
 * @example
 * finishRows(new Uint8Array([0, 1]), { y: 1 }, 'f').rows; // Int32Array [0]
 */
export function finishRows(mask: Uint8Array, byColumn: Record<string, number>, fn: string, marked?: number, infinite = 0): CompleteRows {
  let kept = 0;
  if (marked !== undefined) kept = mask.length - marked;
  else for (let i = 0; i < mask.length; i++) if (mask[i] === 0) kept++;
  if (kept === 0) {
    const detail = Object.keys(byColumn).map((k) => `${k}: ${byColumn[k]}`).join(', ');
    throw new CausalPanelError('no_rows_left', `${fn}: no rows left after removing missing values (${mask.length} rows; missing ${detail || 'none'})`, { fn, value: mask.length });
  }
  const dropped = { count: mask.length - kept, byColumn, infinite };
  if (kept === mask.length) return allRows(kept, dropped);
  const rows = new Int32Array(kept);
  for (let i = 0, m = 0; i < mask.length; i++) if (mask[i] === 0) rows[m++] = i;
  return { rows, dropped };
}

/**
 * Every one of n rows kept: rows 0, 1, …, n − 1, built on first read (a caller that only needs
 * to know that every row is kept never pays for a 4n-byte array).
 */
function allRows(n: number, dropped: CompleteRows['dropped']): CompleteRows {
  let rows: Int32Array | undefined;
  return {
    get rows(): Int32Array {
      if (rows === undefined) {
        rows = new Int32Array(n);
        for (let i = 0; i < n; i++) rows[i] = i;
      }
      return rows;
    },
    dropped,
  };
}
