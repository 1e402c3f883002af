/**
 * First pass of `buildDesign`: reads every variable over all input rows, checks types and
 * ±Infinity, and marks missing cells (fixest: NA and infinite transformed values are dropped).
 */
import { CausalPanelError } from '../../errors.js';
import type { Column, Frame } from '../../data/frame.js';
import { looksNumeric } from '../../data/parseNumber.js';
import type { MissingTracker } from '../../data/missing.js';
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
  /** The second factor of `i(f1, i.f2)`. */
  withFactor?: Column;
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
    tracker.numeric(name, frame.numeric(name, fn));
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
        tracker.numeric(v.column, column);
        return { numeric: column };
      }
      // Numbers with a few text cells are a numeric variable with bad cells, not a factor:
      // frame.numeric names the first bad cell (`factor(x)` asks for the factor).
      if (looksNumeric(column)) frame.numeric(v.column, fn);
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
      if (v.withFactor !== undefined) {
        const second = frame.column(v.withFactor, fn);
        tracker.column(v.withFactor, second);
        return { column, withFactor: second };
      }
      if (v.with === undefined) return { column };
      const w = frame.numeric(v.with, fn);
      tracker.numeric(v.with, w);
      return { column, with: w };
    }
    case 'sunab':
      // feols expands sunab() into its cell columns first (formula/sunab.ts)
      throw new CausalPanelError('formula_syntax', `${fn}: ${v.label}: sunab() is supported in feols only`, { fn, value: v.label });
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
