/**
 * Shared validation for the regression-based DiD estimators (did, eventStudy, psmDid): checks the
 * outcome / unit / time / treat / post / cohort / covariate columns once, drops incomplete rows
 * (reported as a note, never silently), and returns a frozen params object that the estimators
 * trust (did's `pre_process_did`, fixest's "strongly checked before").
 *
 * Conventions:
 * - `treat` and `post` must be 0/1 (booleans become 0/1 when the data is read).
 * - `treat` is the design's group indicator and must be constant within a unit; a unit whose
 *   rows disagree is an error (a unit switching groups is not a DiD design).
 * - `cohort` is the first treated period; 0, missing (NaN) or ±Infinity mean never treated
 *   (did's `mpdta` codes never-treated as 0). A missing cohort therefore does not drop the row.
 *   The cohort must be constant within a unit.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { Frame, type Column } from '../../data/frame.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { factor, type Factor } from '../../data/factor.js';
import { binaryColumn, constantWithinUnit } from '../../data/panelColumns.js';

/** Column roles of a DiD design, as given by the caller. */
export interface DidColumnsSpec {
  outcome: string;
  unit: string;
  time: string;
  treat?: string;
  post?: string;
  cohort?: string;
  covariates?: readonly string[];
  weights?: string;
  /** Extra columns that must exist and be complete (e.g. cluster variables of a vcov option). */
  extra?: readonly string[];
  /** Require `time` to be numeric (event studies compute time − cohort). */
  numericTime?: boolean;
}

/** The validated, frozen inputs of a DiD estimator. */
export interface DidData {
  readonly fn: string;
  /** The caller's data as a Frame (never modified). */
  readonly frame: Frame;
  /** Row indices (into `frame`) with every used variable present, in data order. */
  readonly rows: Int32Array;
  /** The outcome as numbers, over all rows of `frame`. */
  readonly outcome: Float64Array;
  /** Unit codes over all rows of `frame` (−1 = missing). */
  readonly unit: Factor;
  /** The time column (numeric when `numericTime`). */
  readonly time: Column;
  readonly treat?: Float64Array;
  readonly post?: Float64Array;
  /** Cohort with never-treated normalised to `Infinity`. */
  readonly cohort?: Float64Array;
  readonly covariates: readonly Float64Array[];
  readonly weights?: Float64Array;
  /** Notes from validation (rows dropped for missing values). */
  readonly notes: readonly Note[];
}

function isMissing(column: Column, row: number): boolean {
  const value = column[row];
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}

function requireString(value: unknown, option: string, fn: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new CausalPanelError('invalid_option', `${fn}: option "${option}" must be a column name (got ${value === undefined ? 'undefined' : JSON.stringify(value)})`, {
      fn,
      option,
      value,
    });
  }
  return value;
}

/** True for the never-treated codes of a cohort column: 0, missing or ±Infinity. */
export function isNeverTreated(cohort: number): boolean {
  return cohort === 0 || !Number.isFinite(cohort);
}

/**
 * Validates the columns of a DiD design and drops incomplete rows.
 *
 * @throws {CausalPanelError} `invalid_option` (missing role, non-0/1 treat or post, treat or
 *   cohort varying within a unit), `missing_column`, `non_numeric`, `non_finite` (±Infinity), `no_rows_left`,
 *   `no_treated_units`, `no_control_units`
 * @example
 * const v = validateDidData(rows, { outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' }, 'did');
 * v.rows.length; // rows with every variable present
 */
export function validateDidData(data: DataInput, spec: DidColumnsSpec, fn: string): DidData {
  const frame = toFrame(data, fn);
  const outcomeName = requireString(spec.outcome, 'outcome', fn);
  const unitName = requireString(spec.unit, 'unit', fn);
  const timeName = requireString(spec.time, 'time', fn);
  const covariateNames = spec.covariates ?? [];
  if (!Array.isArray(covariateNames)) {
    throw new CausalPanelError('invalid_option', `${fn}: covariates must be an array of column names (got ${JSON.stringify(covariateNames)})`, {
      fn,
      option: 'covariates',
      value: covariateNames,
    });
  }
  covariateNames.forEach((name, j) => requireString(name, `covariates[${j}]`, fn));

  const outcome = frame.numeric(outcomeName, fn);
  const unitColumn = frame.column(unitName, fn);
  const time = spec.numericTime ? frame.numeric(timeName, fn) : frame.column(timeName, fn);
  const treat = spec.treat !== undefined ? binaryColumn(frame, requireString(spec.treat, 'treat', fn), fn) : undefined;
  const post = spec.post !== undefined ? binaryColumn(frame, requireString(spec.post, 'post', fn), fn) : undefined;
  const covariates = covariateNames.map((name) => frame.numeric(name, fn));
  const weights = spec.weights !== undefined ? frame.numeric(requireString(spec.weights, 'weights', fn), fn) : undefined;
  const extra = (spec.extra ?? []).map((name) => [name, frame.column(name, fn)] as const);
  let cohort: Float64Array | undefined;
  if (spec.cohort !== undefined) {
    const raw = frame.numeric(requireString(spec.cohort, 'cohort', fn), fn);
    cohort = Float64Array.from(raw, (v) => (isNeverTreated(v) ? Infinity : v));
  }

  // Complete cases over every used variable (the cohort is never missing: NaN = never treated).
  const checked: [string, Column][] = [
    [outcomeName, outcome],
    [unitName, unitColumn],
    [timeName, time],
  ];
  if (treat && spec.treat !== undefined) checked.push([spec.treat, treat]);
  if (post && spec.post !== undefined) checked.push([spec.post, post]);
  covariateNames.forEach((name, j) => checked.push([name, covariates[j]!]));
  if (weights && spec.weights !== undefined) checked.push([spec.weights, weights]);
  for (const [name, column] of extra) checked.push([name, column]);

  const byColumn: Record<string, number> = Object.create(null);
  const kept: number[] = [];
  for (let row = 0; row < frame.nrow; row++) {
    let complete = true;
    for (const [name, column] of checked) {
      // ±Infinity in the data is an error, as in feols (design.ts); only NaN/null/'' is missing.
      if (column instanceof Float64Array && (column[row] === Infinity || column[row] === -Infinity)) {
        throw new CausalPanelError('non_finite', `${fn}: column "${name}" has a non-finite value (row ${row + 1}: ${column[row]})`, { fn, column: name, row, value: column[row] });
      }
      if (isMissing(column, row)) {
        if (complete) byColumn[name] = (byColumn[name] ?? 0) + 1;
        complete = false;
      }
    }
    if (weights && complete && !(weights[row]! >= 0)) {
      throw new CausalPanelError('invalid_option', `${fn}: weights must be non-negative (row ${row + 1}: ${weights[row]})`, {
        fn,
        column: spec.weights,
        row,
        value: weights[row],
      });
    }
    if (complete) kept.push(row);
  }
  const rows = Int32Array.from(kept);
  const notes: Note[] = [];
  const droppedCount = frame.nrow - rows.length;
  if (droppedCount > 0) {
    const plain: Record<string, number> = {};
    for (const name of Object.keys(byColumn)) Object.defineProperty(plain, name, { value: byColumn[name], enumerable: true, writable: true, configurable: true });
    notes.push({ code: 'rows_dropped_missing', count: droppedCount, byColumn: plain });
  }
  if (rows.length === 0) {
    throw new CausalPanelError('no_rows_left', `${fn}: no rows left after removing missing values (${frame.nrow} rows)`, { fn });
  }

  const unit = factor(unitColumn, { order: 'appearance' });
  if (treat && spec.treat !== undefined) {
    constantWithinUnit(treat, unit, rows, spec.treat, fn);
    let nTreated = 0;
    for (const row of rows) nTreated += treat[row]!;
    if (nTreated === 0) throw new CausalPanelError('no_treated_units', `${fn}: no treated units (column "${spec.treat}" is 0 in every used row)`, { fn, column: spec.treat });
    if (nTreated === rows.length) throw new CausalPanelError('no_control_units', `${fn}: no control units (column "${spec.treat}" is 1 in every used row)`, { fn, column: spec.treat });
  }
  if (cohort && spec.cohort !== undefined) {
    constantWithinUnit(cohort, unit, rows, spec.cohort, fn);
    let nTreated = 0;
    for (const row of rows) if (Number.isFinite(cohort[row]!)) nTreated += 1;
    if (nTreated === 0) throw new CausalPanelError('no_treated_units', `${fn}: no treated units (column "${spec.cohort}" is never-treated in every used row)`, { fn, column: spec.cohort });
  }

  return Object.freeze({
    fn,
    frame,
    rows,
    outcome,
    unit,
    time,
    treat,
    post,
    cohort,
    covariates: Object.freeze(covariates),
    weights,
    notes: Object.freeze(notes),
  });
}

/** Names a regression formula can hold without quoting: plain identifiers, none of ours. */
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Builds the columns handed to `feols` under formula-safe names: a user's column keeps its name
 * when it is a plain identifier (so the fit reads naturally), otherwise it gets a generated
 * alias (`cp_v1`, …). Generated columns (`ATT`, event-time dummies) get fresh names. The caller's
 * data is never modified: the columns are collected into a new Frame.
 *
 * @example
 * const b = new RegressionColumns();
 * b.add('first.treat', col); // 'cp_v1'
 * b.add('y', y);             // 'y'
 */
export class RegressionColumns {
  private readonly store: Record<string, Column> = Object.create(null);
  private readonly names: string[] = [];
  private readonly byUserName = new Map<string, string>();
  private counter = 0;

  /** Adds a user column (once) and returns its formula-safe name. */
  add(userName: string, column: Column): string {
    const known = this.byUserName.get(userName);
    if (known !== undefined) return known;
    const alias = SAFE_NAME.test(userName) && !userName.startsWith('cp_') && !(userName in this.store) ? userName : this.fresh('cp_v');
    this.put(alias, column);
    this.byUserName.set(userName, alias);
    return alias;
  }

  /** Adds a generated column under `base` (or a fresh variant if taken) and returns its name. */
  addGenerated(base: string, column: Column): string {
    const name = !(base in this.store) && !this.reservedByUser(base) ? base : this.fresh(`cp_${base.replace(/[^A-Za-z0-9_]/g, '_')}_`);
    this.put(name, column);
    return name;
  }

  /** The alias of a user column added before. */
  alias(userName: string): string | undefined {
    return this.byUserName.get(userName);
  }

  /** The collected columns as a Frame. */
  frame(): Frame {
    return new Frame(this.store, this.names);
  }

  private reservedByUser(name: string): boolean {
    for (const alias of this.byUserName.values()) if (alias === name) return true;
    return false;
  }

  private fresh(prefix: string): string {
    let name: string;
    do {
      this.counter += 1;
      name = `${prefix}${this.counter}`;
    } while (name in this.store);
    return name;
  }

  private put(name: string, column: Column): void {
    this.store[name] = column;
    this.names.push(name);
  }
}
