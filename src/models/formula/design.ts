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
import type { SunabDesign } from './sunab.js';
import { CausalPanelError, type Note } from '../../errors.js';
import { factor, formatRNumber, type Factor } from '../../data/factor.js';
import type { Column, Frame } from '../../data/frame.js';
import { droppedNote, MissingTracker } from '../../data/missing.js';
import { deparseName, evaluate } from './expr.js';
import { fixedEffectCodes, smallIntegerCodes, type DesignFixedEffect } from './fixedEffects.js';
import type { FormulaSpec, FormulaVariable, Level } from './parse.js';
import { checkFinite, gather, numericExpression, scanVariable } from './scan.js';
import { assembleMatrix, columnNames, termContrasts, type DesignInfo, type Resolved, type VariableCoding } from './terms.js';

export type { DesignInfo, VariableCoding } from './terms.js';
export type { DesignFixedEffect } from './fixedEffects.js';

/**
 * Options for {@link buildDesign}.
 *
 * @example
 * const options: BuildDesignOptions = { weights: 'w', extraVariables: ['id'], fn: 'did' };
 * buildDesign(parseFormula('y ~ x + g'), frame, options).extra.id; // the id column over the kept rows
 */
export interface BuildDesignOptions {
  /** Column of non-negative observation weights. */
  weights?: string;
  /** Further columns whose missing values also drop rows (e.g. cluster variables). */
  extraVariables?: readonly string[];
  /** Calling function, named in errors (default `'feols'`). */
  fn?: string;
}

/**
 * A model ready for fitting.
 *
 * @example
 * const frame = new Frame({ y: new Float64Array([1, 2, 3, NaN]), x: new Float64Array([0, 1, 5, 2]), g: ['a', 'b', 'a', 'b'] });
 * const d = buildDesign(parseFormula('y ~ x + g'), frame);
 * d.terms; // ['(Intercept)', 'x', 'gb']; d.n = 3, d.k = 3
 * d.X; // Float64Array [1, 1, 1, 0, 1, 5, 0, 1, 0] (column-major)
 * d.notes; // [{ code: 'rows_dropped_missing', count: 1, byColumn: { y: 1 } }]
 */
export interface Design {
  /** Response over the kept rows (length 0 for a one-sided formula); a copy, made on first read from the (immutable) frame. */
  y: Float64Array;
  /** Model matrix, n × k, column-major (`X[i + j * n]`), not demeaned; built on first read (see {@link designColumn}). */
  X: Float64Array;
  n: number;
  k: number;
  /** Column names of X (R / fixest coefficient names). */
  terms: string[];
  /** Whether X has an `(Intercept)` column. */
  hasIntercept: boolean;
  /** 0-based input rows kept, ascending (built on first read when every row is kept). */
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
  /** The cells of a `sunab()` term (set by feols, `formula/sunab.ts`), for `aggregate()`. */
  sunab?: SunabDesign;
}

function matchesLevel(level: Level, label: string, value: number | undefined): boolean {
  if (typeof level === 'number') return value !== undefined ? value === level : label === formatRNumber(level);
  return label === level;
}

/**
 * fixest's i(): columns for the levels that are neither `ref` nor outside `keep`. `dropFirst`
 * is fixest's automatic reference for a bare `i(f)` when the model has an intercept.
 */
/**
 * fixest's `i(f1, i.f2)`: one cell per observed (f1, f2) pair, f1 outer, named
 * `f1::a:f2::b`; `ref`/`keep` apply to f1's levels, `ref2` to f2's; with an automatic reference
 * the first observed cell is left out, as fixest does. Codes are f1·L2 + f2.
 */
function crossCoding(v: Extract<FormulaVariable, { kind: 'i' }>, f: Factor, f2: Factor, dropFirst: boolean): { coding: VariableCoding; codes: Int32Array } {
  const L2 = f2.levels.length;
  const codes = new Int32Array(f.codes.length);
  const observed = new Uint8Array(f.levels.length * L2);
  for (let i = 0; i < codes.length; i++) {
    const a = f.codes[i]!;
    const b = f2.codes[i]!;
    codes[i] = a >= 0 && b >= 0 ? a * L2 + b : -1;
    if (codes[i]! >= 0) observed[codes[i]!] = 1;
  }
  const kept = new Int32Array(observed.length).fill(-1);
  const names: string[] = [];
  const levels: string[] = [];
  let first = true;
  f.levels.forEach((a, ia) => {
    f2.levels.forEach((b, ib) => {
      const cell = ia * L2 + ib;
      levels.push(`${a}:${b}`);
      if (!observed[cell]) return;
      if ((v.refFirst || dropFirst) && first) {
        first = false;
        return;
      }
      first = false;
      if (v.ref.some((r) => matchesLevel(r, a, f.values?.[ia]))) return;
      if (v.keep !== undefined && !v.keep.some((r) => matchesLevel(r, a, f.values?.[ia]))) return;
      if (v.ref2 !== undefined && v.ref2.some((r) => matchesLevel(r, b, f2.values?.[ib]))) return;
      kept[cell] = names.length;
      names.push(`${deparseName(v.factor)}::${a}:${deparseName(v.withFactor!)}::${b}`);
    });
  });
  return { coding: { kind: 'i', levels, kept, names }, codes };
}

function iCoding(v: Extract<FormulaVariable, { kind: 'i' }>, f: Factor, dropFirst: boolean): VariableCoding {
  const kept = new Int32Array(f.levels.length).fill(-1);
  const names: string[] = [];
  const prefix = deparseName(v.factor) + '::';
  const suffix = v.with !== undefined ? ':' + deparseName(v.with) : '';
  f.levels.forEach((label, j) => {
    const value = f.values?.[j];
    if ((v.refFirst || dropFirst) && j === 0) return;
    if (v.ref.some((r) => matchesLevel(r, label, value))) return;
    if (v.keep !== undefined && !v.keep.some((r) => matchesLevel(r, label, value))) return;
    kept[j] = names.length;
    names.push(prefix + label + suffix);
  });
  return { kind: 'i', levels: f.levels, ...(f.values ? { values: f.values } : {}), kept, names };
}

/**
 * Which `i()` variables get fixest's automatic reference (first level dropped): bare `i(f)`
 * terms without `var`, `ref` or `keep`, when the model has an intercept; without one, every such
 * term but the first (fixest 0.12 `fixest_model_matrix` → `i_ref`).
 */
function autoReferences(spec: FormulaSpec, intercept: boolean): Set<number> {
  const out = new Set<number>();
  let naked = 0;
  for (const term of spec.terms) {
    if (term.variables.length !== 1) continue;
    const v = spec.variables[term.variables[0]!]!;
    if (v.kind !== 'i') continue;
    naked++;
    if (!intercept && naked === 1) continue;
    if (v.with === undefined && v.ref.length === 0 && !v.refFirst && v.keep === undefined) out.add(term.variables[0]!);
  }
  return out;
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
 *   complete row), `singular_design` (a factor with one level in the rows used, as R)
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
  // A fixed effect of small non-negative integers (ids, years) is coded over all rows here: such a
  // column has no missing cell, so it needs no pass of the tracker, and the codes are kept when
  // no row is dropped.
  const feCoded: (ReturnType<typeof smallIntegerCodes> | undefined)[] = [];
  const feColumns = spec.fixedEffects.map((fe, j) =>
    fe.variables.map((name) => {
      const column = frame.column(name, fn);
      if (fe.variables.length === 1 && column instanceof Float64Array) {
        const coded = smallIntegerCodes(column, undefined);
        if (coded !== null) {
          feCoded[j] = coded;
          tracker.complete(name);
          return column;
        }
      }
      tracker.column(name, column);
      return column;
    }),
  );
  // Varying slopes (fixest `id[x]`): numeric columns (a text column is non_numeric).
  const slopeColumns = spec.fixedEffects.map((fe) =>
    (fe.slopes ?? []).map((name) => {
      const column = frame.numeric(name, fn);
      tracker.numeric(name, column);
      return column;
    }),
  );
  let weights: Float64Array | null = null;
  if (options.weights !== undefined) {
    weights = frame.numeric(options.weights, fn);
    tracker.numeric(options.weights, weights);
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

  const complete = tracker.finish();
  const { dropped } = complete;
  const notes: Note[] = [];
  const missingNote = droppedNote(dropped);
  if (missingNote !== null) notes.push(missingNote);
  // fixest drops 0-weight observations (they count neither in n nor in the clusters) and says so.
  // Nothing dropped (the usual case): the kept rows are 0 … N − 1 and are built only when read.
  const kept = weights !== null ? dropZeroWeights(complete.rows, weights, notes, fn) : dropped.count > 0 ? complete.rows : undefined;
  const n = kept === undefined ? N : kept.length;
  const subset = kept !== undefined && n < N ? kept : undefined; // nothing dropped: code the columns as they are
  const allRows = (): Int32Array => kept ?? complete.rows;
  /** values over the kept rows, as a new array. */
  const overRows = (values: Float64Array): Float64Array => (subset === undefined ? values.slice() : gather(values, subset));

  // Pass 2: code factors over the kept rows (levels present there, as model.matrix does).
  // With fixed effects fixest builds the matrix with the formula's intercept and then drops that
  // column ("fake intercept"): factors keep treatment contrasts, and bare i() terms get an
  // automatic reference whenever there is an intercept or a fixed effect.
  const codingIntercept = spec.intercept || spec.fixedEffects.length > 0;
  const autoRef = autoReferences(spec, codingIntercept);
  // Variables only in removed terms (`a + b - b`) still drop rows (R's model.frame) but make no columns.
  const used = new Set(spec.terms.flatMap((t) => t.variables));
  const codings: VariableCoding[] = [];
  const resolved: Resolved[] = [];
  spec.variables.forEach((v, j) => {
    const s = scans[j]!;
    if (s.numeric !== undefined) {
      codings.push({ kind: 'numeric' });
      // X is filled straight from the column (assembleMatrix copies or gathers the kept rows).
      resolved.push(subset === undefined ? { kind: 'numeric', values: s.numeric } : { kind: 'numeric', values: s.numeric, rows: subset });
      return;
    }
    const f = factor(s.column!, { rows: subset });
    if (v.kind === 'i' && v.withFactor !== undefined) {
      const cross = crossCoding(v, f, factor(s.withFactor!, { rows: subset }), autoRef.has(j));
      codings.push(cross.coding);
      resolved.push({ kind: 'coded', codes: cross.codes });
    } else if (v.kind === 'i') {
      codings.push(iCoding(v, f, autoRef.has(j)));
      resolved.push({ kind: 'coded', codes: f.codes, ...(s.with ? { values: overRows(s.with) } : {}) });
    } else {
      if (f.levels.length < 2 && used.has(j)) {
        // As R's model.matrix: "contrasts can be applied only to factors with 2 or more levels"
        throw new CausalPanelError('singular_design', `${fn}: factor "${v.label}" has a single level in the rows used ("${f.levels[0]}"); a factor needs 2 or more levels`, { fn, column: v.columns[0]!, value: f.levels[0] });
      }
      codings.push({ kind: 'factor', levels: f.levels, ...(f.values ? { values: f.values } : {}) });
      resolved.push({ kind: 'coded', codes: f.codes });
    }
  });

  const hasIntercept = spec.intercept && spec.fixedEffects.length === 0;
  const isFactor = codings.map((c) => c.kind === 'factor');
  const partial = { spec, hasIntercept, codings, contrasts: termContrasts(spec, isFactor, spec.intercept) };
  const { terms, assign } = columnNames(partial);
  const info: DesignInfo = { ...partial, terms, assign };
  // X is assembled on first read. A column that is a numeric variable used as it is over all
  // rows is the data column itself: feols reads such columns through `designColumn` and, with
  // fixed effects, never needs the n×k copy.
  let X: Float64Array | undefined;
  let y: Float64Array | undefined;
  const sources: (Float64Array | null)[] = terms.map((_, c) => {
    const t = assign[c]!;
    if (subset !== undefined || t < 0) return null;
    const vars = spec.terms[t]!.variables;
    return vars.length === 1 && codings[vars[0]!]!.kind === 'numeric' ? scans[vars[0]!]!.numeric! : null;
  });

  const fixedEffects = spec.fixedEffects.map((fe, j) => {
    const coded = fixedEffectCodes(fe.name, feColumns[j]!, subset, subset === undefined ? (feCoded[j] ?? null) : null);
    if (fe.slopes === undefined) return coded;
    coded.slopes = slopeColumns[j]!.map(overRows);
    coded.slopeNames = fe.slopes;
    coded.constant = fe.constant ?? true;
    return coded;
  });
  const extra: Record<string, Column> = Object.create(null);
  // Gathered on first read: a cluster column that is also a fixed effect (the usual case) is
  // never read, and on 10⁶ rows the copy costs as much as a demeaning pass.
  extraNames.forEach((name, j) => {
    const column = extraColumns[j]!;
    let value: Column | undefined;
    Object.defineProperty(extra, name, {
      enumerable: true,
      get: () => (value ??= column instanceof Float64Array ? overRows(column) : Array.from(allRows(), (r) => column[r]!)),
    });
  });

  const design: Design = {
    // A copy, made on first read (feols reads the response through `designResponse`).
    get y(): Float64Array {
      return (y ??= response === null ? new Float64Array(0) : subset === undefined ? response.slice() : gather(response, subset));
    },
    get X(): Float64Array {
      return (X ??= assembleMatrix(info, resolved, n));
    },
    n,
    k: terms.length,
    terms,
    hasIntercept,
    get rows(): Int32Array {
      return allRows();
    },
    fixedEffects,
    notes,
    responseLabel: spec.responseLabel,
    info,
    extra,
  };
  if (weights !== null) design.weights = overRows(weights);
  // Not enumerable: a design copied with `{ ...design }` (and new X) reads its own X.
  const source: DesignSource = { columns: sources, response: response !== null && subset === undefined ? response : null };
  Object.defineProperty(design, SOURCE, { value: source, enumerable: false });
  return design;
}

/** The data columns behind a design built over all rows (see {@link designColumn}). */
interface DesignSource {
  /** Per column of X: the numeric data column it equals, or null. */
  columns: (Float64Array | null)[];
  /** The response over all rows, when nothing was dropped. */
  response: Float64Array | null;
}

const SOURCE = Symbol('designSource');

function sourceOf(design: Design): DesignSource | undefined {
  return (design as { [SOURCE]?: DesignSource })[SOURCE];
}

/**
 * Column j of `design.X` (length n): the data column itself when it is a numeric variable used
 * as it is over all rows (X is then not assembled), else a view of X. Read only.
 *
 * @example
 * const d = buildDesign(parseFormula('y ~ x'), new Frame({ y: new Float64Array([1, 2]), x: new Float64Array([3, 5]) }));
 * designColumn(d, 1); // Float64Array [3, 5] (the frame's column x)
 */
export function designColumn(design: Design, j: number): Float64Array {
  const source = sourceOf(design)?.columns[j];
  if (source !== undefined && source !== null && source.length === design.n) return source;
  return design.X.subarray(j * design.n, (j + 1) * design.n);
}

/**
 * The response over the kept rows without copying it when nothing was dropped (`design.y` is a
 * copy). Read only.
 *
 * @example
 * designResponse(buildDesign(parseFormula('y ~ x'), new Frame({ y: new Float64Array([1, 2]), x: new Float64Array([3, 5]) }))); // Float64Array [1, 2]
 */
export function designResponse(design: Design): Float64Array {
  const response = sourceOf(design)?.response;
  return response !== undefined && response !== null && response.length === design.n ? response : design.y;
}

/**
 * Result of {@link modelMatrix}.
 *
 * @example
 * // d = buildDesign(parseFormula('y ~ x + g'), frame), fitted where g has levels 'a', 'b'
 * modelMatrix(d.info, new Frame({ x: new Float64Array([2, NaN]), g: ['b', 'a'] }));
 * // { X: Float64Array [1, NaN, 2, NaN, 1, NaN], n: 2, k: 3, terms: ['(Intercept)', 'x', 'gb'], rows: Int32Array [0] }
 */
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

/** Removes rows whose weight is 0 (fixest's rule) and records a `zero_weight_dropped` note. */
function dropZeroWeights(rows: Int32Array, weights: Float64Array, notes: Note[], fn: string): Int32Array {
  let zeros = 0;
  for (let i = 0; i < rows.length; i++) if (weights[rows[i]!] === 0) zeros++;
  if (zeros === 0) return rows;
  if (zeros === rows.length) throw new CausalPanelError('no_rows_left', `${fn}: every observation has weight 0`, { fn, option: 'weights' });
  const kept = new Int32Array(rows.length - zeros);
  let next = 0;
  for (let i = 0; i < rows.length; i++) if (weights[rows[i]!] !== 0) kept[next++] = rows[i]!;
  notes.push({ code: 'zero_weight_dropped', count: zeros });
  return kept;
}
