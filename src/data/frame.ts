/**
 * Frame: an immutable columnar table.
 *
 * Numeric columns are `Float64Array` (missing = NaN); text columns are `(string | null)[]`
 * (missing = null). `columns` is created without a prototype so that a column called
 * `__proto__` or `constructor` is just a column.
 */
import { CausalPanelError } from '../errors.js';
import { parseNumber } from './parseNumber.js';

/**
 * One column: numbers (NaN = missing) or text (null = missing).
 *
 * @example
 * const g: Column = ['a', null];
 * new Frame({ y: new Float64Array([1, NaN]), g }).column('g'); // ['a', null]
 */
export type Column = Float64Array | readonly (string | null)[];

/** The brand every Frame carries, shared by all copies of the library in a process. */
const FRAME_BRAND = Symbol.for('causal-panel.Frame');

/**
 * An immutable columnar table. It keeps the arrays it is given without copying them, so they are
 * the Frame's from then on: do not change them afterwards. Results may read them after the fit
 * (feols builds its design matrix and fitted values when first asked for). Data given as rows or
 * as plain columns (`DataInput`) is copied into a new Frame.
 *
 * @example
 * const frame = new Frame({ y: new Float64Array([1, 2]), g: ['a', 'b'] });
 * frame.nrow; // 2
 */
export class Frame {
  /**
   * `instanceof Frame` checks a brand registered with `Symbol.for`, so a Frame made by another copy
   * of this module — the CommonJS and ESM builds loaded side by side, or a bundle — is a Frame too.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FRAME_BRAND] === true;
  }

  /** Column name → column; a prototype-free object. */
  readonly columns: Readonly<Record<string, Column>>;
  /** Column names in order. */
  readonly names: readonly string[];
  /** Number of rows. */
  readonly nrow: number;

  constructor(columns: Record<string, Column>, names?: readonly string[]) {
    const ordered = names ?? Object.keys(columns);
    const store: Record<string, Column> = Object.create(null);
    let nrow = -1;
    for (const name of ordered) {
      const column = columns[name];
      if (column === undefined) throw new CausalPanelError('missing_column', `Frame: column "${name}" not found`, { fn: 'Frame', column: name });
      if (nrow === -1) nrow = column.length;
      else if (column.length !== nrow) {
        throw new CausalPanelError('invalid_option', `Frame: column "${name}" has ${column.length} rows, expected ${nrow}`, { fn: 'Frame', column: name, value: column.length });
      }
      store[name] = column;
    }
    this.columns = Object.freeze(store);
    this.names = Object.freeze([...ordered]);
    this.nrow = Math.max(nrow, 0);
    Object.defineProperty(this, FRAME_BRAND, { value: true });
    Object.freeze(this);
  }

  /** True when the frame has a column of this name. */
  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.columns, name);
  }

  /**
   * The column called `name`.
   * @throws CausalPanelError `missing_column` naming `fn` and the available columns.
   */
  column(name: string, fn = 'Frame'): Column {
    if (!this.has(name)) {
      throw new CausalPanelError('missing_column', `${fn}: column "${name}" not found in data (columns: ${this.names.join(', ')})`, { fn, column: name });
    }
    return this.columns[name]!;
  }

  /**
   * The column `name` as numbers.
   * @throws CausalPanelError `non_numeric` naming the first text cell, `missing_column`.
   */
  numeric(name: string, fn = 'Frame'): Float64Array {
    const column = this.column(name, fn);
    if (column instanceof Float64Array) return column;
    // Name the first cell that is not a number: in a mostly numeric column that is the culprit.
    let bad = column.findIndex((v) => v !== null && parseNumber(v) === undefined);
    if (bad < 0) bad = column.findIndex((v) => v !== null);
    throw new CausalPanelError('non_numeric', `${fn}: column "${name}" is not numeric (row ${bad + 1}: "${column[bad]}")`, { fn, column: name, row: bad, value: column[bad] });
  }

  /** True when `name` is a numeric column. */
  isNumeric(name: string): boolean {
    return this.has(name) && this.columns[name] instanceof Float64Array;
  }

  /** A new frame with the rows at `rows` (0-based indices, in that order). */
  take(rows: ArrayLike<number>): Frame {
    const out: Record<string, Column> = Object.create(null);
    for (const name of this.names) {
      const column = this.columns[name]!;
      if (column instanceof Float64Array) {
        const next = new Float64Array(rows.length);
        for (let i = 0; i < rows.length; i++) next[i] = column[rows[i]!]!;
        out[name] = next;
      } else {
        const next = new Array<string | null>(rows.length);
        for (let i = 0; i < rows.length; i++) next[i] = column[rows[i]!]!;
        out[name] = next;
      }
    }
    return new Frame(out, this.names);
  }

  /** A new frame with columns added or replaced (the original is unchanged). */
  withColumns(added: Record<string, Column>): Frame {
    const out: Record<string, Column> = Object.create(null);
    const names = [...this.names];
    for (const name of this.names) out[name] = this.columns[name]!;
    for (const name of Object.keys(added)) {
      if (!(name in out)) names.push(name);
      out[name] = added[name]!;
    }
    return new Frame(out, names);
  }

  /** Rows as plain objects (prototype-free), for display or export. */
  toRows(): Record<string, number | string | null>[] {
    const rows: Record<string, number | string | null>[] = [];
    for (let i = 0; i < this.nrow; i++) {
      const row: Record<string, number | string | null> = Object.create(null);
      for (const name of this.names) {
        const v = this.columns[name]![i]!;
        row[name] = typeof v === 'number' && Number.isNaN(v) ? null : v;
      }
      rows.push(row);
    }
    return rows;
  }

  /** Plain data: `{ kind: 'Frame', names, columns }` with numbers as arrays. */
  toJSON(): { kind: 'Frame'; nrow: number; names: string[]; columns: Record<string, (number | string | null)[]> } {
    // Prototype-free: a column named `__proto__` must be an own key, not the object's prototype.
    const columns: Record<string, (number | string | null)[]> = Object.create(null);
    for (const name of this.names) {
      const column = this.columns[name]!;
      columns[name] = column instanceof Float64Array ? Array.from(column, (v) => (Number.isNaN(v) ? null : v)) : [...column];
    }
    return { kind: 'Frame', nrow: this.nrow, names: [...this.names], columns };
  }
}
