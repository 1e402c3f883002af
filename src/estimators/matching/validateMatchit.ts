/**
 * Validation of `matchit()` options into a frozen params object (did's `pre_process_did`,
 * MatchIt's `check.inputs` / `process.*`): every check happens once, here; the matching kernels
 * trust the result.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { deparse, formulaColumns, parseFormula, type FormulaSpec } from '../../models/formula/parse.js';

/** Options of `matchit()`; names are MatchIt's arguments in camelCase. */
export interface MatchitOptions {
  /** `treat ~ x1 + x2 + factor_column`: treatment (0/1) on the left, covariates on the right (MatchIt `formula`). */
  formula: string;
  /** The data (MatchIt `data`). */
  data: DataInput;
  /** `'nearest'` (greedy nearest neighbour, default) or `'kernel'` (psmatch2-style kernel weights) (MatchIt `method`). */
  method?: 'nearest' | 'kernel';
  /**
   * Distance: propensity score by `'logit'` (default; MatchIt `distance = "glm"`) or `'probit'`
   * (`link = "probit"`) regression, `'mahalanobis'`, or a numeric vector of user distances
   * aligned with the rows (MatchIt `distance = <vector>`).
   */
  distance?: 'logit' | 'probit' | 'mahalanobis' | ArrayLike<number>;
  /** Controls per treated unit (MatchIt `ratio`, default 1). */
  ratio?: number;
  /** Caliper on the distance (MatchIt `caliper`); in SDs of the distance when `stdCaliper`. */
  caliper?: number;
  /** Caliper in standard deviations of the distance over all (non-discarded) units (MatchIt `std.caliper`, default true). */
  stdCaliper?: boolean;
  /** Match with replacement (MatchIt `replace`, default false). */
  replace?: boolean;
  /** Order in which treated units are matched (MatchIt `m.order`): default `'largest'` distance first; `'data'` for Mahalanobis. */
  order?: 'largest' | 'smallest' | 'random' | 'data';
  /**
   * Exact-matching variables (MatchIt `exact = ~ married + nodegree`): `['married', 'nodegree']`
   * or `'married + nodegree'`. Treated units are matched only to controls with identical values
   * of all of them (nearest-neighbour matching runs within each stratum). Default: none.
   */
  exact?: string | readonly string[];
  /** Seed of `order = 'random'` (our PRNG: cannot reproduce R's `sample()`). */
  seed?: number;
  /** Drop units outside the common support of the distance (MatchIt `discard`): `true` = `'both'`. Default `'none'`. */
  commonSupport?: boolean | 'none' | 'both' | 'control' | 'treated';
  /** Kernel of `method = 'kernel'`: `'epanechnikov'` (default) or `'gaussian'` (psmatch2 `kerneltype`). */
  kernel?: 'epanechnikov' | 'gaussian';
  /** Kernel bandwidth on the propensity-score scale (psmatch2 `bwidth`, default 0.06). */
  bandwidth?: number;
  /**
   * `'4.5.1'` reproduces MatchIt 4.5.1–4.5.3 bit for bit, including its integer-`abs` bug
   * (always the lower neighbour, propensity calipers ignored). Default: the corrected algorithm
   * of MatchIt ≥ 4.5.4.
   */
  compat?: '4.5.1' | 'current';
}

/** The validated, normalised options. */
export interface MatchitParams {
  readonly fn: string;
  readonly frame: Frame;
  readonly spec: FormulaSpec;
  readonly treatment: string;
  /** Rows used (complete cases), 0-based, ascending. */
  readonly rows: Int32Array;
  /** Treatment of the used rows. */
  readonly treat: Uint8Array;
  readonly method: 'nearest' | 'kernel';
  readonly distance: 'logit' | 'probit' | 'mahalanobis' | 'user';
  /** User distances over the used rows (distance 'user'). */
  readonly userDistance: Float64Array | null;
  readonly ratio: number;
  readonly caliper: number | null;
  readonly stdCaliper: boolean;
  readonly replace: boolean;
  readonly order: 'largest' | 'smallest' | 'random' | 'data';
  readonly seed: number;
  /** Exact-matching columns (empty = none). */
  readonly exact: readonly string[];
  readonly commonSupport: 'none' | 'both' | 'control' | 'treated';
  readonly kernel: 'epanechnikov' | 'gaussian';
  readonly bandwidth: number;
  readonly legacy: boolean;
  readonly notes: readonly Note[];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], option: string, fn: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CausalPanelError('invalid_option', `${fn}: ${option} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${JSON.stringify(value)})`, { fn, option, value });
}

/** `'~ a + b'`, `'a + b'` or `['a', 'b']` → `['a', 'b']`; undefined → `[]`. */
function parseExact(value: unknown, fn: string): string[] {
  if (value === undefined || value === null) return [];
  const parts = typeof value === 'string'
    ? value.replace(/^\s*~/, '').split('+').map((s) => s.trim())
    : Array.isArray(value) && value.every((s) => typeof s === 'string')
      ? (value as string[]).map((s) => s.trim())
      : null;
  if (parts === null || parts.length === 0 || parts.some((s) => s === '' || /[~^*:()|]/.test(s))) {
    throw new CausalPanelError('invalid_option', `${fn}: exact must name one or more columns, e.g. ["married", "nodegree"] or "married + nodegree" (got ${JSON.stringify(value)})`, { fn, option: 'exact', value });
  }
  if (new Set(parts).size !== parts.length) {
    throw new CausalPanelError('invalid_option', `${fn}: exact names a column twice (got ${JSON.stringify(value)})`, { fn, option: 'exact', value });
  }
  return parts;
}

function isMissing(value: unknown): boolean {
  return value === null || (typeof value === 'number' && Number.isNaN(value));
}

/**
 * Checks `matchit()` options and the data; returns frozen params.
 *
 * @throws {CausalPanelError} `invalid_option`, `missing_column`, `non_numeric`, `no_treated_units`,
 *   `no_control_units`, `no_rows_left`, `formula_syntax`
 * @example
 * validateMatchit({ formula: 'treat ~ x', data: { treat: [1, 0], x: [1, 2] } }).ratio; // 1
 */
export function validateMatchit(options: MatchitOptions, fn = 'matchit'): MatchitParams {
  if (options === null || typeof options !== 'object') {
    throw new CausalPanelError('invalid_option', `${fn}: options must be an object (got ${String(options)})`, { fn });
  }
  const {
    formula,
    data,
    method = 'nearest',
    distance = 'logit',
    ratio = 1,
    caliper,
    stdCaliper = true,
    replace = false,
    seed = 1,
    commonSupport = 'none',
    kernel = 'epanechnikov',
    bandwidth = 0.06,
    compat = 'current',
  } = options;
  if (typeof formula !== 'string') {
    throw new CausalPanelError('invalid_option', `${fn}: formula must be a string like "treat ~ x1 + x2" (got ${typeof formula})`, { fn, option: 'formula' });
  }
  const spec = parseFormula(formula, fn);
  if (spec.response === null || spec.response.type !== 'name') {
    throw new CausalPanelError('formula_syntax', `${fn}: the left side of the formula must be the treatment column (got "${spec.responseLabel ?? ''}")`, { fn, value: formula });
  }
  if (spec.fixedEffects.length > 0) {
    throw new CausalPanelError('formula_syntax', `${fn}: fixed effects (| …) are not allowed in a propensity-score formula (${formula})`, { fn, value: formula });
  }
  const treatment = spec.response.name;
  const frame = toFrame(data, fn);
  const checkedMethod = oneOf(method, ['nearest', 'kernel'] as const, 'method', fn);
  let checkedDistance: MatchitParams['distance'];
  let userValues: Float64Array | null = null;
  if (typeof distance === 'string') checkedDistance = oneOf(distance, ['logit', 'probit', 'mahalanobis'] as const, 'distance', fn);
  else if (distance !== null && typeof distance === 'object' && typeof (distance as ArrayLike<number>).length === 'number') {
    if (distance.length !== frame.nrow) {
      throw new CausalPanelError('invalid_option', `${fn}: a numeric distance must have one value per row (${distance.length} values for ${frame.nrow} rows)`, { fn, option: 'distance', value: distance.length });
    }
    checkedDistance = 'user';
    userValues = Float64Array.from(distance as ArrayLike<number>, Number);
  } else {
    throw new CausalPanelError('invalid_option', `${fn}: distance must be "logit", "probit", "mahalanobis" or a numeric vector (got ${String(distance)})`, { fn, option: 'distance', value: distance });
  }
  if (checkedMethod === 'kernel' && checkedDistance === 'mahalanobis') {
    throw new CausalPanelError('invalid_option', `${fn}: kernel matching needs a propensity score, not distance "mahalanobis"`, { fn, option: 'distance', value: distance });
  }
  if (!(typeof ratio === 'number' && Number.isInteger(ratio) && ratio >= 1)) {
    throw new CausalPanelError('invalid_option', `${fn}: ratio must be a whole number ≥ 1 (got ${String(ratio)})`, { fn, option: 'ratio', value: ratio });
  }
  if (caliper !== undefined && caliper !== null && !(typeof caliper === 'number' && Number.isFinite(caliper) && caliper > 0)) {
    throw new CausalPanelError('invalid_option', `${fn}: caliper must be a positive number (got ${String(caliper)})`, { fn, option: 'caliper', value: caliper });
  }
  if (caliper !== undefined && caliper !== null && checkedDistance === 'mahalanobis') {
    throw new CausalPanelError('invalid_option', `${fn}: a caliper on the distance needs a propensity score or user distance, not "mahalanobis"`, { fn, option: 'caliper', value: caliper });
  }
  if (typeof stdCaliper !== 'boolean') throw new CausalPanelError('invalid_option', `${fn}: stdCaliper must be true or false (got ${String(stdCaliper)})`, { fn, option: 'stdCaliper', value: stdCaliper });
  if (typeof replace !== 'boolean') throw new CausalPanelError('invalid_option', `${fn}: replace must be true or false (got ${String(replace)})`, { fn, option: 'replace', value: replace });
  const order = oneOf(options.order ?? (checkedDistance === 'mahalanobis' ? 'data' : 'largest'), ['largest', 'smallest', 'random', 'data'] as const, 'order', fn);
  if (checkedDistance === 'mahalanobis' && (order === 'largest' || order === 'smallest')) {
    throw new CausalPanelError('invalid_option', `${fn}: order must be "data" or "random" with distance "mahalanobis" (got "${order}")`, { fn, option: 'order', value: order });
  }
  if (!(typeof seed === 'number' && Number.isFinite(seed))) throw new CausalPanelError('invalid_option', `${fn}: seed must be a number (got ${String(seed)})`, { fn, option: 'seed', value: seed });
  const support = commonSupport === true ? 'both' : commonSupport === false ? 'none' : oneOf(commonSupport, ['none', 'both', 'control', 'treated'] as const, 'commonSupport', fn);
  if (support !== 'none' && checkedDistance === 'mahalanobis') {
    throw new CausalPanelError('invalid_option', `${fn}: commonSupport needs a propensity score, not distance "mahalanobis"`, { fn, option: 'commonSupport', value: commonSupport });
  }
  const checkedKernel = oneOf(kernel, ['epanechnikov', 'gaussian'] as const, 'kernel', fn);
  if (!(typeof bandwidth === 'number' && Number.isFinite(bandwidth) && bandwidth > 0)) {
    throw new CausalPanelError('invalid_option', `${fn}: bandwidth must be a positive number (got ${String(bandwidth)})`, { fn, option: 'bandwidth', value: bandwidth });
  }
  const checkedCompat = oneOf(compat, ['4.5.1', 'current'] as const, 'compat', fn);
  const exact = parseExact(options.exact, fn);
  if (exact.length > 0 && checkedMethod === 'kernel') {
    throw new CausalPanelError('invalid_option', `${fn}: exact is available with method "nearest" only (got method "kernel")`, { fn, option: 'exact', value: options.exact });
  }
  for (const name of exact) frame.column(name, fn); // missing_column before any work

  // Complete cases over the treatment and every covariate column (MatchIt stops on missing
  // values; we drop the rows and say so, as every estimator here does).
  const columns = [treatment, ...formulaColumns(spec).filter((c) => c !== treatment)];
  for (const name of exact) if (!columns.includes(name)) columns.push(name);
  const n = frame.nrow;
  const keep = new Uint8Array(n).fill(1);
  const byColumn: Record<string, number> = Object.create(null);
  for (const name of columns) {
    const column = frame.column(name, fn);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (isMissing(column[i]) && keep[i] === 1) {
        keep[i] = 0;
        count++;
      }
    }
    if (count > 0) byColumn[name] = count;
  }
  if (userValues) {
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(userValues[i]!) && keep[i] === 1) {
        keep[i] = 0;
        count++;
      }
    }
    if (count > 0) byColumn.distance = count;
  }
  const rowList: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) rowList.push(i);
  const notes: Note[] = [];
  if (rowList.length < n) notes.push({ code: 'rows_dropped_missing', count: n - rowList.length, byColumn });
  if (rowList.length === 0) throw new CausalPanelError('no_rows_left', `${fn}: no complete rows (every row has a missing value)`, { fn });
  const rows = Int32Array.from(rowList);

  const treatColumn = frame.numeric(treatment, fn);
  const treat = new Uint8Array(rows.length);
  let n1 = 0;
  for (let a = 0; a < rows.length; a++) {
    const v = treatColumn[rows[a]!]!;
    if (v !== 0 && v !== 1) {
      throw new CausalPanelError('invalid_option', `${fn}: treatment "${treatment}" must be 0/1 (row ${rows[a]! + 1}: ${v})`, { fn, column: treatment, row: rows[a]!, value: v });
    }
    treat[a] = v;
    n1 += v;
  }
  if (n1 === 0) throw new CausalPanelError('no_treated_units', `${fn}: no treated units (${treatment} = 1) in the data`, { fn, column: treatment });
  if (n1 === rows.length) throw new CausalPanelError('no_control_units', `${fn}: no control units (${treatment} = 0) in the data`, { fn, column: treatment });
  if (checkedDistance === 'mahalanobis' && spec.variables.length === 0) {
    throw new CausalPanelError('invalid_option', `${fn}: covariates must be given in the formula with distance "mahalanobis" (${deparse(spec.response)} ~ …)`, { fn, option: 'formula' });
  }

  return Object.freeze({
    fn,
    frame,
    spec,
    treatment,
    rows,
    treat,
    method: checkedMethod,
    distance: checkedDistance,
    userDistance: userValues ? Float64Array.from(rows, (i) => userValues![i]!) : null,
    ratio,
    caliper: caliper ?? null,
    stdCaliper,
    replace,
    order,
    seed,
    exact: Object.freeze(exact),
    commonSupport: support,
    kernel: checkedKernel,
    bandwidth,
    legacy: checkedCompat === '4.5.1',
    notes,
  });
}
