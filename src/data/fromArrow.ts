/**
 * Apache Arrow tables (`apache-arrow`'s `Table`, or anything with its shape) as data input, read
 * structurally so that the library does not depend on the Arrow package.
 *
 * A Float64 column without nulls held in one chunk is used as it is — its `Float64Array`, not a
 * copy (Arrow's buffers are immutable by design); other numeric columns are converted to
 * `Float64Array` with nulls as NaN, BigInt (Int64) values exactly when they fit a double; text
 * and dictionary columns become text, booleans 0/1, dates their ISO text.
 */
import { CausalPanelError } from '../errors.js';
import { Frame, type Column } from './frame.js';

/** The part of an Arrow `Vector` read here. */
interface ArrowVector {
  readonly length: number;
  readonly nullCount: number;
  readonly type: { readonly typeId: number; toString(): string };
  readonly data: readonly unknown[];
  get(index: number): unknown;
  toArray(): ArrayLike<unknown>;
}

/**
 * The part of an Arrow `Table` read here.
 *
 * @example
 * const table: ArrowTableLike = tableFromArrays({ y: new Float64Array([1, 2]) }); // apache-arrow
 */
export interface ArrowTableLike {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChild(name: string): ArrowVector | null;
}

/**
 * True for an object shaped like an Arrow table.
 *
 * @example
 * isArrowTable({ y: [1, 2] }); // false
 */
export function isArrowTable(data: unknown): data is ArrowTableLike {
  if (data === null || typeof data !== 'object') return false;
  const candidate = data as Partial<ArrowTableLike>;
  return typeof candidate.getChild === 'function' && typeof candidate.numRows === 'number' && Array.isArray(candidate.schema?.fields);
}

// Arrow's Type enum: Int = 2, Float = 3, Bool = 6, Decimal = 7, Date = 8, Timestamp = 10.
const INT = 2;
const FLOAT = 3;
const BOOL = 6;

/**
 * Converts an Arrow table to a {@link Frame}.
 *
 * @throws {CausalPanelError} `empty_data` (no rows or columns), `non_finite` (an Int64 a double
 *   cannot hold exactly), `invalid_option` (a nested column)
 * @example
 * fromArrow(tableFromArrays({ y: new Float64Array([1, 2]), g: ['a', 'b'] }), 'feols').columns.g; // ['a', 'b']
 */
export function fromArrow(table: ArrowTableLike, fn: string): Frame {
  const names = table.schema.fields.map((field) => field.name);
  if (names.length === 0) throw new CausalPanelError('empty_data', `${fn}: data has no columns`, { fn });
  if (table.numRows === 0) throw new CausalPanelError('empty_data', `${fn}: data has no rows`, { fn });
  const columns: Record<string, Column> = Object.create(null);
  for (const name of names) columns[name] = arrowColumn(table.getChild(name)!, name, fn);
  return new Frame(columns, names);
}

function arrowColumn(vector: ArrowVector, name: string, fn: string): Column {
  const typeId = vector.type.typeId;
  const n = vector.length;
  if (typeId === FLOAT && vector.nullCount === 0 && vector.data.length === 1) {
    const values = vector.toArray();
    if (values instanceof Float64Array) return values;
  }
  if (typeId === INT || typeId === FLOAT || typeId === BOOL) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const value = vector.get(i);
      if (value === null || value === undefined) out[i] = NaN;
      else if (typeof value === 'bigint') {
        if (value > 9007199254740992n || value < -9007199254740992n) {
          throw new CausalPanelError('non_finite', `${fn}: column "${name}" has an integer a double cannot hold exactly (row ${i + 1}: ${value})`, { fn, column: name, row: i + 1, value: String(value) });
        }
        out[i] = Number(value);
      } else out[i] = Number(value);
    }
    return out;
  }
  const text: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const value = vector.get(i);
    if (value === null || value === undefined) text[i] = null;
    else if (value instanceof Date) text[i] = value.toISOString();
    else if (typeof value === 'object') throw new CausalPanelError('invalid_option', `${fn}: column "${name}" is nested (${vector.type.toString()}); flatten it first`, { fn, column: name });
    else text[i] = String(value);
  }
  return text;
}
