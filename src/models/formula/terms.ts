/**
 * Term coding and matrix assembly, as R's `model.matrix` (stats/src/model.c).
 *
 * Each variable becomes a *block*: a numeric column, a factor (one column per coded level) or a
 * fixest `i()` (one column per kept level, times `var`). Every block has at most one non-zero
 * per row, so a block is stored as (column index per row, value per row). An interaction is the
 * product of its blocks — still one non-zero per row — with columns in R's order (first variable
 * varying fastest) and names joined by `:`.
 *
 * Factor coding follows R's TermCode heuristic (Chambers & Hastie 1992, *Statistical Models
 * in S*, p. 38): in term T, factor f is coded by treatment contrasts (first level dropped) when
 * T without f is empty or is contained in a preceding term; otherwise by one dummy per level.
 * Without an intercept, the first factor of the first term containing a factor gets dummies.
 */
import type { FormulaSpec } from './parse.js';

/**
 * How one variable of the right side is represented (fixed at fit time).
 *
 * @example
 * buildDesign(parseFormula('y ~ x + g'), frame).info.codings; // [{ kind: 'numeric' }, { kind: 'factor', levels: ['a', 'b'] }]
 * buildDesign(parseFormula('y ~ i(g, x, ref = "a")'), frame).info.codings;
 * // [{ kind: 'i', levels: ['a', 'b'], kept: Int32Array [-1, 0], names: ['g::b:x'] }]
 */
export type VariableCoding =
  | { kind: 'numeric' }
  | { kind: 'factor'; levels: string[]; values?: Float64Array }
  /** `i()`: `levels`/`values` are all levels seen at fit; `kept` = their column, −1 if dropped. */
  | { kind: 'i'; levels: string[]; values?: Float64Array; kept: Int32Array; names: string[] };

/** Per-row data of one variable over the rows of the matrix being built. */
export type Resolved =
  /** `values[rows[i]]` when `rows` is given (gathered straight into X), else `values[i]`. */
  | { kind: 'numeric'; values: Float64Array; rows?: Int32Array }
  /** codes into the coding's levels; −1 = zero row (missing or unseen `i()` level). */
  | { kind: 'coded'; codes: Int32Array; values?: Float64Array };

/**
 * Everything needed to rebuild the same columns on new data.
 *
 * @example
 * const info = buildDesign(parseFormula('y ~ x + g'), frame).info;
 * info.terms; // ['(Intercept)', 'x', 'gb']
 * info.assign; // Int32Array [-1, 0, 1]
 * modelMatrix(info, newFrame).terms; // the same columns on new data
 */
export interface DesignInfo {
  spec: FormulaSpec;
  /** Whether X has an `(Intercept)` column (false with fixed effects, as fixest). */
  hasIntercept: boolean;
  /** One coding per `spec.variables` entry. */
  codings: VariableCoding[];
  /** Per term, per variable of the term: `true` = treatment contrasts, `false` = all dummies. */
  contrasts: boolean[][];
  /** Column names of X. */
  terms: string[];
  /** Column → index into `spec.terms` (−1 for the intercept), as R's `assign` attribute (0-based). */
  assign: Int32Array;
}

/**
 * R's TermCode: for each term and each of its factor variables, contrasts (`true`) or dummies.
 *
 * @param intercept whether the formula has an intercept (kept for coding even when fixed effects
 *   remove its column, as fixest's fake intercept)
 * @param isFactor which variables are factors
 * @example
 * // y ~ x + x:f and y ~ x:f, with f a factor (variable 1):
 * termContrasts(parseFormula('y ~ x + x:f'), [false, true], true); // [[true], [true, true]]  → x:fb, x:fc
 * termContrasts(parseFormula('y ~ x:f'), [false, true], true);     // [[true, false]]         → x:fa, x:fb, x:fc
 */
export function termContrasts(spec: FormulaSpec, isFactor: readonly boolean[], intercept: boolean): boolean[][] {
  const out = spec.terms.map((term, t) =>
    term.variables.map((v) => {
      if (!isFactor[v]) return true;
      const rest = term.variables.filter((w) => w !== v);
      if (rest.length === 0) return true;
      for (let p = 0; p < t; p++) {
        const previous = spec.terms[p]!.variables;
        if (rest.every((w) => previous.includes(w))) return true;
      }
      return false;
    }),
  );
  if (!intercept) {
    search: for (let t = 0; t < spec.terms.length; t++) {
      const vars = spec.terms[t]!.variables;
      for (let j = 0; j < vars.length; j++) {
        if (isFactor[vars[j]!]) {
          out[t]![j] = false;
          break search;
        }
      }
    }
  }
  return out;
}

interface Block {
  ncol: number;
  names: string[];
  /** Column per row (−1 = all zero), or null for a single dense column. */
  index: Int32Array | null;
  /** Value per row, or null for 1. */
  values: Float64Array | null;
  /** Dense single column only: row i is `values[rows[i]]`. */
  rows?: Int32Array;
}

function variableBlock(info: DesignInfo, v: number, contrast: boolean, data: Resolved, n: number): Block {
  const coding = info.codings[v]!;
  const label = info.spec.variables[v]!.label;
  if (coding.kind === 'numeric') {
    const { values, rows } = data as { values: Float64Array; rows?: Int32Array };
    return { ncol: 1, names: [label], index: null, values, ...(rows ? { rows } : {}) };
  }
  const { codes, values } = data as { codes: Int32Array; values?: Float64Array };
  if (coding.kind === 'i') {
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) index[i] = codes[i]! >= 0 ? coding.kept[codes[i]!]! : -1;
    return { ncol: coding.names.length, names: coding.names, index, values: values ?? null };
  }
  const shift = contrast ? 1 : 0;
  const names = coding.levels.slice(shift).map((level) => label + level);
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = codes[i]! >= 0 ? codes[i]! - shift : -1;
  return { ncol: names.length, names, index, values: null };
}

function termBlock(info: DesignInfo, t: number, data: readonly Resolved[], n: number): Block {
  const term = info.spec.terms[t]!;
  const blocks = term.variables.map((v, j) => variableBlock(info, v, info.contrasts[t]![j]!, data[v]!, n));
  if (blocks.length === 1) return blocks[0]!;
  for (const b of blocks) {
    if (b.rows !== undefined) {
      // an interaction multiplies row by row: gather this column first
      const gathered = new Float64Array(n);
      for (let i = 0; i < n; i++) gathered[i] = b.values![b.rows[i]!]!;
      b.values = gathered;
      delete b.rows;
    }
  }
  let ncol = 1;
  let names = [''];
  for (const b of blocks) {
    // R: the first variable varies fastest
    const next: string[] = [];
    for (const right of b.names) for (const left of names) next.push(left === '' ? right : `${left}:${right}`);
    names = next;
    ncol *= b.ncol;
  }
  const index = new Int32Array(n);
  const values = new Float64Array(n).fill(1);
  let dense = true;
  let stride = 1;
  for (const b of blocks) {
    if (b.index !== null) {
      dense = false;
      for (let i = 0; i < n; i++) {
        const c = b.index[i]!;
        if (c < 0 || index[i]! < 0) index[i] = -1;
        else index[i] = index[i]! + c * stride;
      }
    }
    if (b.values !== null) for (let i = 0; i < n; i++) values[i] = values[i]! * b.values[i]!;
    stride *= b.ncol;
  }
  return { ncol, names, index: dense ? null : index, values };
}

/**
 * Column names and `assign` for a coding (no data needed).
 *
 * @example
 * columnNames(buildDesign(parseFormula('re78 ~ age + race'), lalonde).info).terms;
 * // ['(Intercept)', 'age', 'racehispan', 'racewhite']
 */
export function columnNames(info: Omit<DesignInfo, 'terms' | 'assign'>): { terms: string[]; assign: Int32Array } {
  const empty: Resolved[] = info.codings.map((c) => (c.kind === 'numeric' ? { kind: 'numeric', values: new Float64Array(0) } : { kind: 'coded', codes: new Int32Array(0) }));
  const terms: string[] = info.hasIntercept ? ['(Intercept)'] : [];
  const assign: number[] = info.hasIntercept ? [-1] : [];
  info.spec.terms.forEach((_, t) => {
    const b = termBlock(info as DesignInfo, t, empty, 0);
    for (const name of b.names) {
      terms.push(name);
      assign.push(t);
    }
  });
  return { terms, assign: Int32Array.from(assign) };
}

/**
 * Fills the n×k column-major matrix X from resolved variable data.
 *
 * @example
 * const info = buildDesign(parseFormula('y ~ x'), frame).info;
 * assembleMatrix(info, [{ kind: 'numeric', values: new Float64Array([2, 3]) }], 2); // [1, 1, 2, 3]
 */
export function assembleMatrix(info: DesignInfo, data: readonly Resolved[], n: number): Float64Array {
  const k = info.terms.length;
  const X = new Float64Array(n * k);
  let offset = 0;
  if (info.hasIntercept) {
    X.fill(1, 0, n);
    offset = 1;
  }
  for (let t = 0; t < info.spec.terms.length; t++) {
    const b = termBlock(info, t, data, n);
    if (b.index === null) {
      const base = offset * n;
      if (b.values === null) X.fill(1, base, base + n);
      else if (b.rows !== undefined) {
        const { values, rows } = b;
        for (let i = 0; i < n; i++) X[base + i] = values[rows[i]!]!;
      } else X.set(b.values.subarray(0, n), base);
    } else {
      const index = b.index;
      const values = b.values;
      for (let i = 0; i < n; i++) {
        const c = index[i]!;
        if (c >= 0) X[i + (offset + c) * n] = values === null ? 1 : values[i]!;
      }
    }
    offset += b.ncol;
  }
  return X;
}
