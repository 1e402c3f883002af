/**
 * DataInput → Frame: accepts a Frame, an Arrow table (`fromArrow.ts`), an array of row objects, or
 * an object of columns.
 *
 * A column becomes a `Float64Array` when every non-missing cell is a number (or numeric text,
 * as csv-parse gives); otherwise it stays text. Booleans become 0/1. The caller's arrays are
 * copied, never referenced, so later changes to them cannot change a fit.
 */
import { CausalPanelError } from '../errors.js';
import { Frame, type Column } from './frame.js';
import { fromArrow, isArrowTable, type ArrowTableLike } from './fromArrow.js';
import { isMissingText, parseNumber } from './parseNumber.js';

/**
 * What estimators accept as data.
 *
 * @example
 * const data: DataInput = { y: [1, 2, 3], x: [0, 1, 1] }; // or [{ y: 1, x: 0 }, …], a Frame, or an Arrow Table
 * feols('y ~ x', data).nobs; // 3
 */
export type DataInput = Frame | ArrowTableLike | readonly Record<string, unknown>[] | Readonly<Record<string, ArrayLike<unknown>>>;

/**
 * Converts any {@link DataInput} to a {@link Frame}.
 *
 * @example
 * toFrame([{ y: 1, g: 'a' }, { y: '2', g: 'b' }]).columns.y; // Float64Array [1, 2]
 * @throws CausalPanelError `empty_data` when there are no rows or no columns
 */
export function toFrame(data: DataInput, fn = 'toFrame'): Frame {
  if (data instanceof Frame) return data;
  if (data === null || typeof data !== 'object') {
    throw new CausalPanelError('invalid_option', `${fn}: data must be a Frame, an array of rows or an object of columns (got ${data === null ? 'null' : typeof data})`, { fn, option: 'data' });
  }
  if (isArrowTable(data)) return fromArrow(data, fn);
  if (Array.isArray(data)) return fromRows(data as readonly Record<string, unknown>[], fn);
  return fromColumns(data as Readonly<Record<string, ArrayLike<unknown>>>, fn);
}

function fromRows(rows: readonly Record<string, unknown>[], fn: string): Frame {
  if (rows.length === 0) throw new CausalPanelError('empty_data', `${fn}: data has no rows`, { fn });
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const name of Object.keys(row)) {
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
  }
  const columns: Record<string, Column> = Object.create(null);
  for (const name of names) {
    const cells = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      cells[i] = Object.prototype.hasOwnProperty.call(row, name) ? row[name] : undefined;
    }
    columns[name] = toColumn(cells);
  }
  return new Frame(columns, names);
}

function fromColumns(input: Readonly<Record<string, ArrayLike<unknown>>>, fn: string): Frame {
  const names = Object.keys(input);
  if (names.length === 0) throw new CausalPanelError('empty_data', `${fn}: data has no columns`, { fn });
  const columns: Record<string, Column> = Object.create(null);
  for (const name of names) {
    const cells = input[name];
    if (cells === null || typeof cells !== 'object' || typeof (cells as ArrayLike<unknown>).length !== 'number') {
      throw new CausalPanelError('invalid_option', `${fn}: column "${name}" is not an array`, { fn, column: name });
    }
    columns[name] = toColumn(cells);
  }
  const frame = new Frame(columns, names);
  if (frame.nrow === 0) throw new CausalPanelError('empty_data', `${fn}: data has no rows`, { fn });
  return frame;
}

/** Converts raw cells to a numeric column when every present cell is a number, else text. */
export function toColumn(cells: ArrayLike<unknown>): Column {
  const n = cells.length;
  if (cells instanceof Float64Array) return Float64Array.from(cells);
  const numbers = new Float64Array(n);
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const cell = cells[i];
    if (isMissingText(cell)) {
      numbers[i] = NaN;
    } else if (typeof cell === 'number') {
      numbers[i] = cell;
    } else if (typeof cell === 'boolean') {
      numbers[i] = cell ? 1 : 0;
    } else if (typeof cell === 'string') {
      const parsed = parseNumber(cell);
      if (parsed === undefined) {
        numeric = false;
        break;
      }
      numbers[i] = parsed;
    } else {
      numeric = false;
      break;
    }
  }
  if (numeric) return numbers;
  const text = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const cell = cells[i];
    text[i] = isMissingText(cell) ? null : String(cell);
  }
  return text;
}
