/**
 * Complete-case selection (R's `na.omit` / `complete.cases`), with the counts that fixest's
 * `NOTE: n observations removed because of NA values (y: 2, x1: 1)` reports.
 */
import { CausalPanelError } from '../errors.js';
import type { Column, Frame } from './frame.js';

/** Rows kept and what was dropped. */
export interface CompleteRows {
  /** 0-based indices of the rows with no missing value in any variable, ascending. */
  rows: Int32Array;
  /** `count` rows dropped; `byColumn[v]` = missing cells in variable v (all rows, > 0 only). */
  dropped: { count: number; byColumn: Record<string, number> };
}

/**
 * Marks the missing cells (NaN or null) of `column` in `mask` (1 = missing) and returns how
 * many cells of the column are missing.
 *
 * @example
 * const mask = new Uint8Array(3);
 * markMissing(new Float64Array([1, NaN, 3]), mask); // 1; mask = [0, 1, 0]
 */
export function markMissing(column: Column | Float64Array, mask: Uint8Array): number {
  let count = 0;
  if (column instanceof Float64Array) {
    for (let i = 0; i < column.length; i++) {
      const v = column[i]!;
      if (v !== v) {
        mask[i] = 1;
        count++;
      }
    }
  } else {
    for (let i = 0; i < column.length; i++) {
      if (column[i] === null || column[i] === undefined) {
        mask[i] = 1;
        count++;
      }
    }
  }
  return count;
}

/**
 * The rows of `frame` with no missing value in any of `variables` (column names).
 *
 * @param frame the data
 * @param variables column names; duplicates are counted once
 * @param fn calling function, named in errors
 * @throws {CausalPanelError} `missing_column` for an unknown column; `no_rows_left` when a
 *   variable is missing in every row (naming it) or when no complete row remains
 * @example
 * const frame = new Frame({ y: new Float64Array([1, NaN, 3]), g: ['a', 'b', null] });
 * completeRows(frame, ['y', 'g']); // { rows: Int32Array [0], dropped: { count: 2, byColumn: { y: 1, g: 1 } } }
 */
export function completeRows(frame: Frame, variables: readonly string[], fn = 'completeRows'): CompleteRows {
  const mask = new Uint8Array(frame.nrow);
  const byColumn: Record<string, number> = Object.create(null);
  const seen = new Set<string>();
  for (const name of variables) {
    if (seen.has(name)) continue;
    seen.add(name);
    const count = markMissing(frame.column(name, fn), mask);
    if (count === frame.nrow && count > 0) {
      throw new CausalPanelError('no_rows_left', `${fn}: column "${name}" is missing in every row (${count} rows)`, { fn, column: name, value: count });
    }
    if (count > 0) byColumn[name] = count;
  }
  return finishRows(mask, byColumn, fn);
}

/**
 * Turns a missing-row mask into {@link CompleteRows}. `marked`, when known, is the number of
 * masked rows (saves a pass).
 *
 * @throws {CausalPanelError} `no_rows_left` when every row is masked
 * @example
 * finishRows(new Uint8Array([0, 1]), { y: 1 }).rows; // Int32Array [0]
 */
export function finishRows(mask: Uint8Array, byColumn: Record<string, number>, fn: string, marked?: number): CompleteRows {
  let kept = 0;
  if (marked !== undefined) kept = mask.length - marked;
  else for (let i = 0; i < mask.length; i++) if (mask[i] === 0) kept++;
  if (kept === 0) {
    const detail = Object.keys(byColumn).map((k) => `${k}: ${byColumn[k]}`).join(', ');
    throw new CausalPanelError('no_rows_left', `${fn}: no rows left after removing missing values (${mask.length} rows; missing ${detail || 'none'})`, { fn, value: mask.length });
  }
  const rows = new Int32Array(kept);
  if (kept === mask.length) for (let i = 0; i < kept; i++) rows[i] = i;
  else for (let i = 0, m = 0; i < mask.length; i++) if (mask[i] === 0) rows[m++] = i;
  return { rows, dropped: { count: mask.length - kept, byColumn } };
}
