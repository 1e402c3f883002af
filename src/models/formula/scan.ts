/**
 * First pass of `buildDesign`: reads every variable over all input rows, checks types and
 * ±Infinity, and marks missing cells (fixest: NA and infinite transformed values are dropped).
 */
import { CausalPanelError } from '../../errors.js';
import type { Column, Frame } from '../../data/frame.js';
import { evaluate, expressionColumns, type Expr } from './expr.js';
import type { FormulaVariable } from './parse.js';

/** What the first pass learned about one variable. */
export interface Scan {
  /** Numeric variable: its values over all input rows. */
  numeric?: Float64Array;
  /** Factor-like variable (factor, text column, i()): the column to code. */
  column?: Column;
  /** i(): the `var` values over all input rows. */
  with?: Float64Array;
}

/**
 * Collects missing cells: marks rows and counts per column/label, each column once.
 *
 * @throws {CausalPanelError} `non_finite`, `no_rows_left` (a column missing in every row)
 * @example
 * const t = new MissingTracker(3, 'feols');
 * t.numeric('x', new Float64Array([1, NaN, 2]), true);
 * t.marked; // 1; t.byColumn = { x: 1 }
 */
export class MissingTracker {
  readonly mask: Uint8Array;
  readonly byColumn: Record<string, number> = Object.create(null);
  /** Rows marked so far. */
  marked = 0;
  private readonly seen = new Set<string>();
  private readonly checked = new Set<string>();
  constructor(private readonly nrow: number, private readonly fn: string) {
    this.mask = new Uint8Array(nrow);
  }

  /** A column used as it is (factor, fixed effect, cluster): marks its missing cells. */
  column(name: string, values: Column): void {
    if (values instanceof Float64Array) return this.numeric(name, values, false);
    if (this.seen.has(name)) return;
    this.seen.add(name);
    const mask = this.mask;
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === null || values[i] === undefined) {
        count++;
        if (mask[i] === 0) {
          mask[i] = 1;
          this.marked++;
        }
      }
    }
    this.record(name, count);
  }

  /**
   * A numeric column: marks NaN cells and, with `finite`, throws `non_finite` on ±Infinity —
   * one pass, since `v - v` is 0 exactly for finite v.
   */
  numeric(name: string, values: Float64Array, finite: boolean): void {
    const mark = !this.seen.has(name);
    const check = finite && !this.checked.has(name);
    if (!mark && !check) return;
    this.seen.add(name);
    if (check) this.checked.add(name);
    const mask = this.mask;
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v !== 0) {
        if (v !== v) {
          count++;
          if (mark && mask[i] === 0) {
            mask[i] = 1;
            this.marked++;
          }
        } else if (check) {
          throw new CausalPanelError('non_finite', `${this.fn}: column "${name}" has a non-finite value (row ${i + 1}: ${v})`, { fn: this.fn, column: name, row: i, value: v });
        }
      }
    }
    if (mark) this.record(name, count);
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

  private record(name: string, count: number): void {
    if (count === this.nrow && count > 0) {
      throw new CausalPanelError('no_rows_left', `${this.fn}: column "${name}" is missing in every row (${count} rows)`, { fn: this.fn, column: name, value: count });
    }
    if (count > 0) this.byColumn[name] = count;
  }
}

/**
 * Throws `non_finite` at the first ±Infinity (row 1-based in the message).
 *
 * @throws {CausalPanelError} `non_finite`
 * @example
 * checkFinite(new Float64Array([1, Infinity]), 'x', 'feols'); // throws 'feols: column "x" has a non-finite value (row 2: Infinity)'
 */
export function checkFinite(values: Float64Array, column: string, fn: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === Infinity || v === -Infinity) {
      throw new CausalPanelError('non_finite', `${fn}: column "${column}" has a non-finite value (row ${i + 1}: ${v})`, { fn, column, row: i, value: v });
    }
  }
}

/**
 * Reads the numeric columns of an expression (checks type and Infinity), then evaluates it.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `non_finite`
 * @example
 * numericExpression(new Frame({ x: new Float64Array([1, 4]) }), parseExpression('sqrt(x)'), tracker, 'feols'); // [1, 2]
 */
export function numericExpression(frame: Frame, expr: Expr, tracker: MissingTracker, fn: string): Float64Array {
  for (const name of expressionColumns(expr)) {
    tracker.numeric(name, frame.numeric(name, fn), true);
  }
  return evaluate(expr, frame, fn);
}

/**
 * Reads one right-side variable: numeric values, or the column to code as a factor.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `non_finite`, `no_rows_left`
 * @example
 * scanVariable(parseFormula('y ~ g').variables[0], frame, tracker, 'feols'); // { column: ['a', 'b'] }
 */
export function scanVariable(v: FormulaVariable, frame: Frame, tracker: MissingTracker, fn: string): Scan {
  switch (v.kind) {
    case 'column': {
      const column = frame.column(v.column, fn);
      if (column instanceof Float64Array) {
        tracker.numeric(v.column, column, true);
        return { numeric: column };
      }
      tracker.column(v.column, column);
      return { column };
    }
    case 'factor': {
      const column = frame.column(v.column, fn);
      tracker.column(v.column, column);
      return { column };
    }
    case 'expr': {
      const values = numericExpression(frame, v.expr, tracker, fn);
      tracker.derived(v.label, values);
      return { numeric: values };
    }
    case 'i': {
      const column = frame.column(v.factor, fn);
      tracker.column(v.factor, column);
      if (v.with === undefined) return { column };
      const w = frame.numeric(v.with, fn);
      tracker.numeric(v.with, w, true);
      return { column, with: w };
    }
  }
}

/**
 * values[rows] as a new array (a plain copy when nothing was dropped).
 *
 * @example
 * gather(new Float64Array([5, 6, 7]), Int32Array.from([2, 0])); // Float64Array [7, 5]
 */
export function gather(values: Float64Array, rows: Int32Array): Float64Array {
  if (rows.length === values.length) return values.slice(); // nothing dropped: a plain copy
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}
