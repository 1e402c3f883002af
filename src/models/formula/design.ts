/**
 * FormulaSpec × Frame → Design: response, model matrix, fixed-effect codes, weights, rows used.
 *
 * Matches R's `model.frame` + `model.matrix` (and fixest's handling of `i()`, `|` fixed effects
 * and NA/infinite values): complete cases over every variable used; text columns become
 * factors with levels sorted over the rows kept; treatment contrasts by R's TermCode rule
 * (`terms.ts`); with fixed effects there is no intercept column, but factors are coded as if
 * there were one (fixest's "fake intercept").
 *
 * Values that become NaN or ±Infinity through a transformation (`log(0)`, `log(-1)`) are
 * treated as missing and the row is dropped, as fixest does; an ±Infinity in the data itself is
 * an error (`non_finite`), because it is almost always a data problem.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { factor, formatRNumber, type Factor } from '../../data/factor.js';
import type { Column, Frame } from '../../data/frame.js';
import { finishRows, markMissing } from '../../data/missing.js';
import { deparseName, evaluate, expressionColumns } from './expr.js';
import type { FormulaSpec, FormulaVariable, Level } from './parse.js';
import { assembleMatrix, columnNames, termContrasts, type DesignInfo, type Resolved, type VariableCoding } from './terms.js';

export type { DesignInfo, VariableCoding } from './terms.js';

/** Options for {@link buildDesign}. */
export interface BuildDesignOptions {
  /** Column of non-negative observation weights. */
  weights?: string;
  /** Further columns whose missing values also drop rows (e.g. cluster variables). */
  extraVariables?: readonly string[];
  /** Calling function, named in errors (default `'feols'`). */
  fn?: string;
}

/** One fixed effect coded over the rows kept. */
export interface DesignFixedEffect {
  /** `id`, or `id^period` for a combination. */
  name: string;
  /** 0..nLevels-1 per kept row. */
  codes: Int32Array;
  nLevels: number;
  /** Level labels in sorted order (`a_b` for combined effects). */
  levels: string[];
}

/** A model ready for fitting. */
export interface Design {
  /** Response over the kept rows (length 0 for a one-sided formula). */
  y: Float64Array;
  /** Model matrix, n × k, column-major (`X[i + j * n]`), not demeaned. */
  X: Float64Array;
  n: number;
  k: number;
  /** Column names of X (R / fixest coefficient names). */
  terms: string[];
  /** Whether X has an `(Intercept)` column. */
  hasIntercept: boolean;
  /** 0-based input rows kept, ascending. */
  rows: Int32Array;
  /** Weights over the kept rows, when `weights` was given. */
  weights?: Float64Array;
  fixedEffects: DesignFixedEffect[];
  notes: Note[];
  /** R's text of the response (`log(wage)`), or null. */
  responseLabel: string | null;
  /** Everything {@link modelMatrix} needs to rebuild X on new data (also `assign`, term codings). */
  info: DesignInfo;
  /** Extra columns requested with `extraVariables`, over the kept rows (for clusters). */
  extra: Record<string, Column>;
}

/** What the first pass learned about one variable. */
interface Scan {
  /** Numeric variable: its values over all input rows. */
  numeric?: Float64Array;
  /** Factor-like variable (factor, text column, i()): the column to code. */
  column?: Column;
  /** i(): the `var` values over all input rows. */
  with?: Float64Array;
}

/** Collects missing cells: marks rows and counts per column/label, each column once. */
class MissingTracker {
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

function checkFinite(values: Float64Array, column: string, fn: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === Infinity || v === -Infinity) {
      throw new CausalPanelError('non_finite', `${fn}: column "${column}" has a non-finite value (row ${i + 1}: ${v})`, { fn, column, row: i, value: v });
    }
  }
}

/** Reads the numeric columns of an expression (checks type and Infinity), then evaluates it. */
function numericExpression(frame: Frame, expr: Parameters<typeof evaluate>[0], tracker: MissingTracker, fn: string): Float64Array {
  for (const name of expressionColumns(expr)) {
    tracker.numeric(name, frame.numeric(name, fn), true);
  }
  return evaluate(expr, frame, fn);
}

function scanVariable(v: FormulaVariable, frame: Frame, tracker: MissingTracker, fn: string): Scan {
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

function gather(values: Float64Array, rows: Int32Array): Float64Array {
  if (rows.length === values.length) return values.slice(); // nothing dropped: a plain copy
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

function matchesLevel(level: Level, label: string, value: number | undefined): boolean {
  if (typeof level === 'number') return value !== undefined ? value === level : label === formatRNumber(level);
  return label === level;
}

/** fixest's i(): columns for the levels that are neither `ref` nor outside `keep`. */
function iCoding(v: Extract<FormulaVariable, { kind: 'i' }>, f: Factor): VariableCoding {
  const kept = new Int32Array(f.levels.length).fill(-1);
  const names: string[] = [];
  const prefix = deparseName(v.factor) + '::';
  const suffix = v.with !== undefined ? ':' + deparseName(v.with) : '';
  f.levels.forEach((label, j) => {
    const value = f.values?.[j];
    if (v.refFirst && j === 0) return;
    if (v.ref.some((r) => matchesLevel(r, label, value))) return;
    if (v.keep !== undefined && !v.keep.some((r) => matchesLevel(r, label, value))) return;
    kept[j] = names.length;
    names.push(prefix + label + suffix);
  });
  return { kind: 'i', levels: f.levels, ...(f.values ? { values: f.values } : {}), kept, names };
}

/** Codes one (possibly combined `a^b`) fixed effect over the kept rows. */
function fixedEffectCodes(name: string, columns: Column[], rows: Int32Array): DesignFixedEffect {
  const factors = columns.map((c) => factor(c, rows));
  if (factors.length === 1) {
    const f = factors[0]!;
    return lazyFixedEffect(name, f.codes, f.values ? f.values.length : f.levels.length, () => f.levels);
  }
  // Combine as mixed-radix keys, then number the keys that occur in sorted order.
  const n = rows.length;
  const keys = new Float64Array(n);
  for (const f of factors) {
    const L = f.levels.length;
    for (let i = 0; i < n; i++) keys[i] = keys[i]! * L + f.codes[i]!;
  }
  const combined = factor(keys);
  const label = (key: number): string => {
    const parts: string[] = [];
    for (let j = factors.length - 1; j >= 0; j--) {
      const L = factors[j]!.levels.length;
      parts.unshift(factors[j]!.levels[key % L]!);
      key = Math.floor(key / L);
    }
    return parts.join('_');
  };
  return lazyFixedEffect(name, combined.codes, combined.values!.length, () => Array.from(combined.values!, label));
}

/** Level labels are only built when read (fixef output), not on every fit. */
function lazyFixedEffect(name: string, codes: Int32Array, nLevels: number, makeLevels: () => string[]): DesignFixedEffect {
  let levels: string[] | undefined;
  return {
    name,
    codes,
    nLevels,
    get levels(): string[] {
      return (levels ??= makeLevels());
    },
  };
}

/**
 * Builds the response, model matrix and fixed-effect codes of a parsed formula on a frame.
 *
 * Rows with a missing value (NaN / null) in any variable used — response, regressors, fixed
 * effects, weights, `extraVariables` — are dropped and reported in a `rows_dropped_missing`
 * note (`byColumn`: missing cells per column over all rows). Column names and order follow
 * R's `model.matrix` and fixest (`(Intercept)`, `racehispan`, `treat:post`, `period::1:treat`).
 *
 * @param spec from `parseFormula`
 * @param frame the data (not modified)
 * @throws {CausalPanelError} `missing_column`, `non_numeric` (text where a number is needed),
 *   `non_finite` (±Infinity in a numeric column; row is 1-based in the message),
 *   `invalid_option` (negative weight), `no_rows_left` (a column missing everywhere, or no
 *   complete row)
 * @example
 * const d = buildDesign(parseFormula('y ~ x + g'), new Frame({ y: new Float64Array([1, 2, 3]), x: new Float64Array([0, 1, 5]), g: ['a', 'b', 'a'] }));
 * d.terms; // ['(Intercept)', 'x', 'gb']
 */
export function buildDesign(spec: FormulaSpec, frame: Frame, options: BuildDesignOptions = {}): Design {
  const fn = options.fn ?? 'feols';
  const N = frame.nrow;
  const tracker = new MissingTracker(N, fn);

  // Pass 1: read and check every variable over all rows, marking missing cells.
  let response: Float64Array | null = null;
  if (spec.response !== null) {
    response = numericExpression(frame, spec.response, tracker, fn);
    if (spec.response.type !== 'name') tracker.derived(spec.responseLabel!, response);
  }
  const scans = spec.variables.map((v) => scanVariable(v, frame, tracker, fn));
  const feColumns = spec.fixedEffects.map((fe) =>
    fe.variables.map((name) => {
      const column = frame.column(name, fn);
      tracker.column(name, column);
      return column;
    }),
  );
  let weights: Float64Array | null = null;
  if (options.weights !== undefined) {
    weights = frame.numeric(options.weights, fn);
    tracker.numeric(options.weights, weights, true);
    for (let i = 0; i < N; i++) {
      if (weights[i]! < 0) {
        throw new CausalPanelError('invalid_option', `${fn}: weights "${options.weights}" must be non-negative (row ${i + 1}: ${weights[i]})`, { fn, option: 'weights', column: options.weights, row: i, value: weights[i] });
      }
    }
  }
  const extraNames = [...new Set(options.extraVariables ?? [])];
  const extraColumns = extraNames.map((name) => {
    const column = frame.column(name, fn);
    tracker.column(name, column);
    return column;
  });

  const { rows, dropped } = finishRows(tracker.mask, tracker.byColumn, fn, tracker.marked);
  const n = rows.length;
  const notes: Note[] = [];
  if (dropped.count > 0) notes.push({ code: 'rows_dropped_missing', count: dropped.count, byColumn: dropped.byColumn });

  // Pass 2: code factors over the kept rows (levels present there, as model.matrix does).
  const codings: VariableCoding[] = [];
  const resolved: Resolved[] = [];
  spec.variables.forEach((v, j) => {
    const s = scans[j]!;
    if (s.numeric !== undefined) {
      codings.push({ kind: 'numeric' });
      // Nothing dropped: X is filled straight from the column (assembleMatrix copies).
      resolved.push({ kind: 'numeric', values: dropped.count === 0 ? s.numeric : gather(s.numeric, rows) });
      return;
    }
    const f = factor(s.column!, rows);
    if (v.kind === 'i') {
      codings.push(iCoding(v, f));
      resolved.push({ kind: 'coded', codes: f.codes, ...(s.with ? { values: gather(s.with, rows) } : {}) });
    } else {
      codings.push({ kind: 'factor', levels: f.levels, ...(f.values ? { values: f.values } : {}) });
      resolved.push({ kind: 'coded', codes: f.codes });
    }
  });

  const hasIntercept = spec.intercept && spec.fixedEffects.length === 0;
  const isFactor = codings.map((c) => c.kind === 'factor');
  const partial = { spec, hasIntercept, codings, contrasts: termContrasts(spec, isFactor, spec.intercept) };
  const { terms, assign } = columnNames(partial);
  const info: DesignInfo = { ...partial, terms, assign };
  const X = assembleMatrix(info, resolved, n);

  const fixedEffects = spec.fixedEffects.map((fe, j) => fixedEffectCodes(fe.name, feColumns[j]!, rows));
  const extra: Record<string, Column> = Object.create(null);
  extraNames.forEach((name, j) => {
    const column = extraColumns[j]!;
    extra[name] = column instanceof Float64Array ? gather(column, rows) : Array.from(rows, (r) => column[r]!);
  });

  const design: Design = {
    y: response === null ? new Float64Array(0) : gather(response, rows),
    X,
    n,
    k: terms.length,
    terms,
    hasIntercept,
    rows,
    fixedEffects,
    notes,
    responseLabel: spec.responseLabel,
    info,
    extra,
  };
  if (weights !== null) design.weights = gather(weights, rows);
  return design;
}

/** Result of {@link modelMatrix}. */
export interface ModelMatrix {
  /** frame.nrow × k, column-major; rows with a missing regressor are NaN. */
  X: Float64Array;
  n: number;
  k: number;
  terms: string[];
  /** 0-based rows with no missing regressor (where X is usable). */
  rows: Int32Array;
}

/** Codes a column against the levels seen at fit time; −2 marks a level never seen. */
function codeAgainst(column: Column, levels: string[], values: Float64Array | undefined): Int32Array {
  const n = column.length;
  const codes = new Int32Array(n);
  if (column instanceof Float64Array && values !== undefined) {
    const index = new Map<number, number>();
    values.forEach((v, j) => index.set(v, j));
    for (let i = 0; i < n; i++) {
      const v = column[i]!;
      codes[i] = v !== v ? -1 : (index.get(v) ?? -2);
    }
    return codes;
  }
  const index = new Map<string, number>();
  levels.forEach((l, j) => index.set(l, j));
  for (let i = 0; i < n; i++) {
    const v = column[i];
    if (v === null || v === undefined || (typeof v === 'number' && v !== v)) codes[i] = -1;
    else codes[i] = index.get(typeof v === 'number' ? formatRNumber(v) : v) ?? -2;
  }
  return codes;
}

/**
 * Rebuilds a fit's model matrix on new data: same columns, same factor levels and contrasts
 * (as R's `predict(fit, newdata)` / `model.matrix(terms(fit), newdata)`). Used for predictions
 * and by mediation, which sets the treatment to 0 and 1.
 *
 * The response, fixed effects and weights are not needed. Rows with a missing regressor get NaN
 * in every column and are left out of `rows`. A transformed value that is NaN (`log(0)`) counts
 * as missing. An `i()` level not seen at fit time gives a zero row for that term (fixest).
 *
 * @param info `design.info` from {@link buildDesign}
 * @param frame new data
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `non_finite`, and
 *   `invalid_option` when a factor has a level that was not in the fitted data
 * @example
 * const d = buildDesign(parseFormula('y ~ x + g'), data);
 * modelMatrix(d.info, data.withColumns({ x: new Float64Array(data.nrow) })).X; // x set to 0
 */
export function modelMatrix(info: DesignInfo, frame: Frame, options: { fn?: string } = {}): ModelMatrix {
  const fn = options.fn ?? 'modelMatrix';
  const N = frame.nrow;
  const tracker = new MissingTracker(N, fn);
  const missing = tracker.mask;
  const resolved: Resolved[] = info.spec.variables.map((v, j) => {
    const coding = info.codings[j]!;
    if (coding.kind === 'numeric') {
      let values: Float64Array;
      if (v.kind === 'expr') values = evaluate(v.expr, frame, fn);
      else values = frame.numeric((v as { column: string }).column, fn);
      for (const name of v.columns) checkFinite(frame.numeric(name, fn), name, fn);
      for (let i = 0; i < N; i++) if (values[i]! - values[i]! !== 0) missing[i] = 1;
      return { kind: 'numeric', values };
    }
    const name = v.kind === 'i' ? v.factor : (v as { column: string }).column;
    const codes = codeAgainst(frame.column(name, fn), coding.levels, coding.values);
    for (let i = 0; i < N; i++) {
      if (codes[i] === -1) missing[i] = 1;
      else if (codes[i] === -2) {
        if (coding.kind === 'i') codes[i] = -1;
        else {
          const cell = frame.column(name, fn)[i];
          throw new CausalPanelError('invalid_option', `${fn}: factor "${name}" has a level not seen in the fitted data (row ${i + 1}: "${cell}")`, { fn, column: name, row: i, value: cell });
        }
      }
    }
    if (v.kind === 'i' && v.with !== undefined) {
      const w = frame.numeric(v.with, fn);
      checkFinite(w, v.with, fn);
      for (let i = 0; i < N; i++) if (w[i] !== w[i]) missing[i] = 1;
      return { kind: 'coded', codes, values: w };
    }
    return { kind: 'coded', codes };
  });
  const X = assembleMatrix(info, resolved, N);
  const k = info.terms.length;
  let complete = 0;
  for (let i = 0; i < N; i++) {
    if (missing[i] === 1) for (let j = 0; j < k; j++) X[i + j * N] = NaN;
    else complete++;
  }
  const rows = new Int32Array(complete);
  for (let i = 0, m = 0; i < N; i++) if (missing[i] === 0) rows[m++] = i;
  return { X, n: N, k, terms: [...info.terms], rows };
}
