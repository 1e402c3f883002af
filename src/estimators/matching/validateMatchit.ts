/**
 * `matchit()`'s options and data into a frozen params object (did's `pre_process_did`, MatchIt's
 * `check.inputs` / `process.*`): options through the one reader ({@link readOptions}, unknown
 * keys rejected), then the cross-option rules, then the data — complete cases through the one
 * complete-case path (`data/missing.ts`, policy `'error'`: ±Infinity in the treatment, a
 * covariate or a user distance is a `non_finite` error, as MatchIt refuses non-finite
 * covariates). Every check happens once, here; the matching kernels trust the result.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { invalidOption, opt, readOptions, showValue, type OptionPath } from '../../options.js';
import { readWorkers, type WorkersOption } from '../../parallel/workersOption.js';
import type { Frame } from '../../data/frame.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { droppedNote, MissingTracker } from '../../data/missing.js';
import { deparse, evaluate, formulaColumns, parseFormula, type FormulaSpec } from '../../models/formula/parse.js';

/**
 * Options of `matchit()`; names are MatchIt's arguments in camelCase.
 *
 * @example
 * const options: MatchitOptions = { formula: 'treat ~ age + educ', data: lalonde, ratio: 2, caliper: 0.1, stdCaliper: true };
 */
export interface MatchitOptions {
  /** `treat ~ x1 + x2 + factor_column`: treatment (0/1) on the left, covariates on the right (MatchIt `formula`). */
  formula: string;
  /** The data (MatchIt `data`). */
  data: DataInput;
  /**
   * `'nearest'` (greedy nearest neighbour, default), `'exact'` (one subclass per combination of
   * the formula's covariates that holds both groups; MatchIt ≥ 4.6 `method = "exact"`),
   * `'cem'` (coarsened exact matching: numeric covariates cut into Sturges' number of equal-width
   * bins, as MatchIt's default `cutpoints`, then exact matching; no `k2k`),
   * `'subclass'` (propensity-score subclassification, see `subclass`) or
   * `'kernel'` (psmatch2-style kernel weights) (MatchIt `method`).
   */
  method?: 'nearest' | 'exact' | 'cem' | 'subclass' | 'kernel';
  /**
   * Number of propensity-score subclasses of `method: 'subclass'` (MatchIt `subclass`, default 6):
   * cut at quantiles of the focal group's scores (MatchIt ≥ 4.6 `matchit2subclass`).
   */
  subclass?: number;
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
  /**
   * Order in which treated units are matched (MatchIt `m.order`): default `'largest'` distance
   * first; `'data'` for Mahalanobis. `'closest'` / `'farthest'` match pairs in order of their
   * distance (smallest / largest first; MatchIt ≥ 4.6, propensity score or user distance).
   */
  order?: 'largest' | 'smallest' | 'random' | 'data' | 'closest' | 'farthest';
  /**
   * Exact-matching variables (MatchIt `exact = ~ married + nodegree`): `['married', 'nodegree']`
   * or `'married + nodegree'`. Treated units are matched only to controls with identical values
   * of all of them (nearest-neighbour matching runs within each stratum). Default: none.
   */
  exact?: string | readonly string[];
  /**
   * Target estimand (MatchIt `estimand`): `'ATT'` (default; treated units are focal and get
   * controls), `'ATC'` (controls are focal and get treated units; `order` then defaults to
   * `'smallest'` and standardized mean differences use the controls' SD) or `'ATE'` (methods
   * `'exact'`, `'cem'` and `'subclass'` only, as MatchIt; SDs pooled with equal weight).
   */
  estimand?: 'ATT' | 'ATC' | 'ATE';
  /** Seed of `order = 'random'` (our PRNG: cannot reproduce R's `sample()`; default 1). */
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
  /**
   * Threads for nearest-neighbour matching within `exact` strata (docs/parallel.md): 1 (default),
   * n, `'auto'` or a pool from `createWorkerPool(n)`. The strata are matched independently (each
   * with its own order, controls and ties; the caliper and discards are fixed over the full
   * sample first), so every option combination gives the same matches, weights and subclasses as
   * one thread, bit for bit. Without `exact`, and for methods other than `'nearest'`, matching
   * runs on the calling thread.
   */
  workers?: WorkersOption;
}

/**
 * The validated, normalised options and data of `matchit()` (frozen).
 *
 * @example
 * validateMatchit({ formula: 'treat ~ x', data: { treat: [1, 0, 0], x: [1, 2, 3] } }).order; // 'largest'
 */
export interface MatchitParams {
  readonly fn: string;
  readonly frame: Frame;
  readonly spec: FormulaSpec;
  readonly treatment: string;
  /** Rows used (complete cases), 0-based, ascending. */
  readonly rows: Int32Array;
  /** Treatment of the used rows. */
  readonly treat: Uint8Array;
  readonly method: 'nearest' | 'exact' | 'cem' | 'subclass' | 'kernel';
  /** Number of subclasses (method 'subclass'). */
  readonly subclasses: number;
  readonly distance: 'logit' | 'probit' | 'mahalanobis' | 'user';
  /** User distances over the used rows (distance 'user'). */
  readonly userDistance: Float64Array | null;
  readonly ratio: number;
  readonly caliper: number | null;
  readonly stdCaliper: boolean;
  readonly replace: boolean;
  readonly order: 'largest' | 'smallest' | 'random' | 'data' | 'closest' | 'farthest';
  /** Target estimand: the focal group is the treated (ATT) or the control units (ATC). */
  readonly estimand: 'ATT' | 'ATC' | 'ATE';
  /** 1 = focal unit (treated for the ATT, control for the ATC), per used row: the matching kernels' "treat". */
  readonly focal: Uint8Array;
  readonly seed: number;
  /** Exact-matching columns (empty = none). */
  readonly exact: readonly string[];
  readonly commonSupport: 'none' | 'both' | 'control' | 'treated';
  readonly kernel: 'epanechnikov' | 'gaussian';
  readonly bandwidth: number;
  readonly legacy: boolean;
  /** Threads for matching within exact strata. */
  readonly workers: WorkersOption;
  readonly notes: readonly Note[];
}

/**
 * MatchIt's options we do not have, with what to use instead (psmDid reports them the same way).
 *
 * @example
 * MATCHIT_UNSUPPORTED.discard; // "MatchIt's discard: use commonSupport: 'both' | 'control' | 'treated'"
 */
export const MATCHIT_UNSUPPORTED: Readonly<Record<string, string>> = Object.freeze({
  mahvars: "MatchIt's mahvars: use distance: 'mahalanobis' to match on the formula's covariates",
  antiexact: "MatchIt's antiexact: not available; exact makes variables agree",
  discard: "MatchIt's discard: use commonSupport: 'both' | 'control' | 'treated'",
  reestimate: "MatchIt's reestimate: the propensity score is fitted once, before commonSupport",
  's.weights': "MatchIt's s.weights: sampling weights are not supported",
  link: "MatchIt's link: use distance: 'logit' or 'probit'",
});

const formulaReader = opt.custom((value, at): string => {
  if (typeof value !== 'string') throw invalidOption(at, 'a formula string like "treat ~ x1 + x2"', value);
  return value;
});

type DistanceOption = 'logit' | 'probit' | 'mahalanobis' | Float64Array;

const distanceReader = opt.custom((value, at): DistanceOption => {
  if (value === undefined) return 'logit';
  if (value === 'logit' || value === 'probit' || value === 'mahalanobis') return value;
  if (value !== null && typeof value === 'object' && typeof (value as ArrayLike<unknown>).length === 'number') {
    return Float64Array.from(value as ArrayLike<number>, Number);
  }
  throw invalidOption(at, '"logit", "probit", "mahalanobis" or a numeric vector', value);
});

/** `'~ a + b'`, `'a + b'` or `['a', 'b']` → `['a', 'b']`; undefined/null → `[]`. */
function readExact(value: unknown, at: OptionPath): readonly string[] {
  if (value === undefined || value === null) return Object.freeze([]);
  const parts = typeof value === 'string'
    ? value.replace(/^\s*~/, '').split('+').map((s) => s.trim())
    : Array.isArray(value) && value.every((s) => typeof s === 'string')
      ? (value as string[]).map((s) => s.trim())
      : null;
  if (parts === null || parts.length === 0 || parts.some((s) => s === '' || /[~^*:()|]/.test(s))) {
    throw invalidOption(at, 'one or more column names, e.g. ["married", "nodegree"] or "married + nodegree"', value);
  }
  if (new Set(parts).size !== parts.length) throw invalidOption(at, 'distinct column names', value);
  return Object.freeze(parts);
}

const commonSupportReader = opt.custom((value, at): MatchitParams['commonSupport'] => {
  if (value === undefined || value === false) return 'none';
  if (value === true) return 'both';
  if (value === 'none' || value === 'both' || value === 'control' || value === 'treated') return value;
  throw invalidOption(at, 'true, false, "none", "both", "control" or "treated"', value);
});

/**
 * matchit()'s option readers (psmDid passes every key but formula, data and estimand through).
 *
 * @example
 * Object.keys(MATCHIT_SPEC).includes('stdCaliper'); // true
 */
export const MATCHIT_SPEC = {
  formula: formulaReader,
  data: opt.required<DataInput>('a data set'),
  method: opt.oneOf(['nearest', 'exact', 'cem', 'subclass', 'kernel'], 'nearest'),
  subclass: opt.integer({ min: 2, default: 6 }),
  distance: distanceReader,
  ratio: opt.integer({ min: 1, default: 1 }),
  caliper: opt.number({ min: 0, exclusiveMin: true }),
  stdCaliper: opt.boolean(true),
  replace: opt.boolean(false),
  order: opt.oneOf(['largest', 'smallest', 'random', 'data', 'closest', 'farthest']),
  estimand: opt.oneOf(['ATT', 'ATC', 'ATE'], 'ATT'),
  exact: opt.custom(readExact),
  seed: opt.seed(),
  commonSupport: commonSupportReader,
  kernel: opt.oneOf(['epanechnikov', 'gaussian'], 'epanechnikov'),
  bandwidth: opt.number({ min: 0, exclusiveMin: true, default: 0.06 }),
  compat: opt.oneOf(['4.5.1', 'current'], 'current'),
  workers: opt.custom(readWorkers),
};

/** The cross-option rules (MatchIt's `check.inputs`), each in the one message form. */
function checkCombinations(o: { method: string; distance: DistanceOption; caliper: number | undefined; order: string | undefined; commonSupport: string; exact: readonly string[]; compat: string; estimand: string }, fn: string): void {
  const at = (key: string): OptionPath => ({ fn, key });
  if (o.method === 'subclass') {
    if (o.compat === '4.5.1') throw invalidOption(at('method'), '"nearest" or "kernel" with compat "4.5.1" (method "subclass" follows MatchIt 4.7.2)', o.method);
    if (o.distance === 'mahalanobis') throw invalidOption(at('distance'), '"logit", "probit" or a numeric vector with method "subclass" (subclasses are cut on a propensity score)', o.distance);
    if (o.caliper !== undefined) throw invalidOption(at('caliper'), 'unset with method "subclass"', o.caliper);
    if (o.exact.length > 0) throw invalidOption(at('exact'), 'unset with method "subclass"', o.exact);
  }
  if (o.method === 'exact' || o.method === 'cem') {
    const m = o.method;
    if (o.compat === '4.5.1') throw invalidOption(at('method'), `"nearest" or "kernel" with compat "4.5.1" (method "${m}" follows MatchIt 4.7.2)`, o.method);
    if (o.distance !== 'logit') throw invalidOption(at('distance'), `unset with method "${m}" (${m} matching uses no distance)`, o.distance instanceof Float64Array ? 'a numeric vector' : o.distance);
    if (o.caliper !== undefined) throw invalidOption(at('caliper'), `unset with method "${m}"`, o.caliper);
    if (o.exact.length > 0) throw invalidOption(at('exact'), `unset with method "${m}" (the formula's covariates are matched exactly)`, o.exact);
    if (o.commonSupport !== 'none') throw invalidOption(at('commonSupport'), `"none" with method "${m}" (common support needs a distance)`, o.commonSupport);
  }
  if (o.estimand === 'ATE' && (o.method === 'nearest' || o.method === 'kernel')) {
    throw invalidOption(at('estimand'), `"ATT" or "ATC" with method "${o.method}" (MatchIt's ATE needs method "exact", "cem" or "subclass")`, o.estimand);
  }
  if (o.estimand !== 'ATT') {
    if (o.method === 'kernel') throw invalidOption(at('estimand'), '"ATT" with method "kernel" (psmatch2-style kernel matching weights controls to treated units)', o.estimand);
    if (o.compat === '4.5.1') throw invalidOption(at('estimand'), '"ATT" with compat "4.5.1" (the MatchIt 4.5.1 reproduction covers the ATT)', o.estimand);
  }
  if (o.order === 'closest' || o.order === 'farthest') {
    if (o.compat === '4.5.1') throw invalidOption(at('order'), '"largest", "smallest", "random" or "data" with compat "4.5.1" (MatchIt 4.5.1 had no "closest" / "farthest")', o.order);
    if (o.distance === 'mahalanobis') throw invalidOption(at('order'), '"data" or "random" with distance "mahalanobis" ("closest" / "farthest" are implemented for a propensity score or user distance)', o.order);
  }
  if (o.distance === 'mahalanobis') {
    if (o.method === 'kernel') throw invalidOption(at('distance'), '"logit", "probit" or a numeric vector with method "kernel" (kernel matching needs a propensity score)', o.distance);
    if (o.caliper !== undefined) throw invalidOption(at('caliper'), 'unset with distance "mahalanobis" (a caliper applies to a propensity score or user distance)', o.caliper);
    if (o.order === 'largest' || o.order === 'smallest') throw invalidOption(at('order'), '"data" or "random" with distance "mahalanobis"', o.order);
    if (o.commonSupport !== 'none') throw invalidOption(at('commonSupport'), '"none" with distance "mahalanobis" (common support needs a propensity score)', o.commonSupport);
  }
  if (o.exact.length > 0 && o.method === 'kernel') throw invalidOption(at('exact'), 'unset with method "kernel" (exact matching is available with method "nearest")', o.exact);
}

/**
 * Checks `matchit()` options and the data; returns frozen params.
 *
 * @throws {CausalPanelError} `unknown_option` (with a suggestion: `std.caliper` → `stdCaliper`,
 *   `m.order` → `order`; MatchIt's `estimand`, `discard`, … say what to use), `invalid_option`,
 *   `missing_column`, `non_numeric`, `non_finite`, `no_treated_units`, `no_control_units`,
 *   `no_rows_left`, `formula_syntax`
 * @example
 * validateMatchit({ formula: 'treat ~ x', data: { treat: [1, 0], x: [1, 2] } }).ratio; // 1
 * validateMatchit({ formula: 'treat ~ x', data, 'm.order': 'data' });
 * // throws unknown_option: 'matchit: unknown option "m.order" (did you mean "order"?)'
 */
export function validateMatchit(options: MatchitOptions, fn = 'matchit'): MatchitParams {
  const o = readOptions(fn, options, MATCHIT_SPEC, { unsupported: MATCHIT_UNSUPPORTED });
  checkCombinations(o, fn);
  const spec = parseFormula(o.formula, fn);
  if (spec.response === null || spec.response.type !== 'name') {
    throw new CausalPanelError('formula_syntax', `${fn}: the left side of the formula must be the treatment column (got "${spec.responseLabel ?? ''}")`, { fn, value: o.formula });
  }
  if (spec.fixedEffects.length > 0) {
    throw new CausalPanelError('formula_syntax', `${fn}: fixed effects (| …) are not allowed in a propensity-score formula (${o.formula})`, { fn, value: o.formula });
  }
  if (o.distance === 'mahalanobis' && spec.variables.length === 0) {
    throw new CausalPanelError('invalid_option', `${fn}: covariates must be given in the formula with distance "mahalanobis" (${deparse(spec.response)} ~ …)`, { fn, option: 'formula' });
  }
  const treatment = spec.response.name;
  const frame = toFrame(o.data, fn);
  const userValues = o.distance instanceof Float64Array ? o.distance : null;
  if (userValues !== null && userValues.length !== frame.nrow) {
    throw new CausalPanelError('invalid_option', `${fn}: option "distance" must be a numeric vector with one value per row (got ${userValues.length} values for ${frame.nrow} rows)`, { fn, option: 'distance', value: userValues.length });
  }
  for (const name of o.exact) frame.column(name, fn); // missing_column before any work

  // Complete cases over the treatment, every covariate column, derived covariates (log(0) is not
  // finite) and the user distance. NA rows are dropped with a note; ±Infinity is an error.
  const tracker = new MissingTracker(frame.nrow, fn, 'error');
  const columns = [treatment, ...formulaColumns(spec).filter((c) => c !== treatment)];
  for (const name of o.exact) if (!columns.includes(name)) columns.push(name);
  for (const name of columns) {
    const column = frame.column(name, fn);
    if (column instanceof Float64Array) tracker.numeric(name, column);
    else tracker.column(name, column);
  }
  for (const variable of spec.variables) if (variable.kind === 'expr') tracker.derived(variable.label, evaluate(variable.expr, frame, fn));
  if (userValues !== null) tracker.numeric(columns.includes('distance') ? 'distance (option)' : 'distance', userValues);
  const { rows, dropped } = tracker.finish();
  const notes: Note[] = [];
  const note = droppedNote(dropped);
  if (note !== null) notes.push(note);

  const treatColumn = frame.numeric(treatment, fn);
  const treat = new Uint8Array(rows.length);
  let n1 = 0;
  for (let a = 0; a < rows.length; a++) {
    const v = treatColumn[rows[a]!]!;
    if (v !== 0 && v !== 1) {
      throw new CausalPanelError('invalid_option', `${fn}: treatment "${treatment}" must be 0/1 (row ${rows[a]! + 1}: ${showValue(v)})`, { fn, column: treatment, row: rows[a]!, value: v });
    }
    treat[a] = v;
    n1 += v;
  }
  if (n1 === 0) throw new CausalPanelError('no_treated_units', `${fn}: no treated units (${treatment} = 1) in the data`, { fn, column: treatment });
  if (n1 === rows.length) throw new CausalPanelError('no_control_units', `${fn}: no control units (${treatment} = 0) in the data`, { fn, column: treatment });

  return Object.freeze({
    fn,
    frame,
    spec,
    treatment,
    rows,
    treat,
    method: o.method,
    subclasses: o.subclass,
    distance: userValues !== null ? 'user' : (o.distance as 'logit' | 'probit' | 'mahalanobis'),
    userDistance: userValues !== null ? Float64Array.from(rows, (i) => userValues[i]!) : null,
    ratio: o.ratio,
    caliper: o.caliper ?? null,
    stdCaliper: o.stdCaliper,
    replace: o.replace,
    order: o.order ?? (o.distance === 'mahalanobis' ? 'data' : o.estimand === 'ATC' ? 'smallest' : 'largest'),
    estimand: o.estimand,
    focal: o.estimand === 'ATC' ? treat.map((v) => 1 - v) : treat,
    seed: o.seed ?? 1,
    exact: o.exact,
    commonSupport: o.commonSupport,
    kernel: o.kernel,
    bandwidth: o.bandwidth,
    legacy: o.compat === '4.5.1',
    workers: o.workers,
    notes: Object.freeze(notes),
  });
}
