/**
 * The boundary of the regression-based DiD estimators (did, eventStudy, psmDid): the option
 * readers they share, and the one data check — the outcome / unit / time / treat / post / cohort /
 * covariate / weight columns read once, incomplete rows dropped through the one complete-case
 * path (`data/missing.ts`, reported as a note), and a frozen {@link DidData} that the estimators
 * trust (did's `pre_process_did`, fixest's "strongly checked before").
 *
 * Conventions:
 * - Missing values (NaN, null) drop the row; ±Infinity in the outcome, a covariate, the weights,
 *   treat/post or a numeric time is a `non_finite` error, as in fixest (policy `'error'`).
 *   Unit and cluster columns are labels: ±Infinity there is a value, as in feols' fixed effects.
 * - `treat` and `post` must be 0/1 (booleans become 0/1 when the data is read).
 * - `treat` is the design's group indicator and must be constant within a unit; a unit whose
 *   rows disagree is an error (a unit switching groups is not a DiD design).
 * - `cohort` is the first treated period; 0, missing (NaN), ±Infinity or (numeric time) a period
 *   after the last observed one (fixest's 10000) mean never treated — the one rule of
 *   `data/neverTreated.ts`, reported in a note unless every never-treated unit is coded 0. A
 *   missing cohort therefore does not drop the row. The cohort must be constant within a unit.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Column, Frame } from '../../data/frame.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { factor, type Factor } from '../../data/factor.js';
import { droppedNote, MissingTracker } from '../../data/missing.js';
import { codeCohorts, neverTreatedNote } from '../../data/neverTreated.js';
import { binaryColumn, constantWithinUnit } from '../../data/panelColumns.js';
import { parseVcov, type VcovOption, type VcovSpec } from '../../inference/vcovSpec.js';
import { opt, type Reader } from '../../options.js';

/**
 * The option readers every regression DiD entry shares: `data` and the `outcome`, `unit` and
 * `time` columns (all required).
 *
 * @example
 * readOptions('did', { data: rows, outcome: 'y', unit: 'id', time: 'period' }, panelOptionSpec()).unit; // 'id'
 */
export function panelOptionSpec() {
  return {
    data: opt.required<DataInput>('a data set: a Frame, an array of rows or an object of columns'),
    outcome: opt.column({ required: true }),
    unit: opt.column({ required: true }),
    time: opt.column({ required: true }),
  };
}

/**
 * The reader of a DiD `vcov` option: as feols' (combined clusters `a^b` included), `undefined`
 * when not given — the estimator then clusters by unit, fixest's default for a model whose first
 * fixed effect is the unit ({@link defaultVcov}).
 *
 * @example
 * readOptions('did', { vcov: 'hetero' }, { vcov: vcovOption() }).vcov; // { type: 'hetero', hc: 'HC1' }
 */
export function vcovOption(): Reader<VcovSpec | undefined> {
  return opt.custom((value, at) => (value === undefined ? undefined : value === 'CR2' ? CR2_BY_UNIT : parseVcov(value as VcovOption, { fn: at.fn, combined: true })));
}

/** `vcov: 'CR2'` before the unit is known: {@link defaultVcov} clusters it by the unit. */
const CR2_BY_UNIT: VcovSpec = Object.freeze({ type: 'CR2', clusters: Object.freeze([]) });

/**
 * The variance of a DiD fit: the one given, else clustered by unit (fixest's default).
 *
 * @example
 * defaultVcov(undefined, 'id', 'did'); // { type: 'CRV1', clusters: ['id'] }
 */
export function defaultVcov(given: VcovSpec | undefined, unit: string, fn: string): VcovSpec {
  if (given === CR2_BY_UNIT) return Object.freeze({ type: 'CR2', clusters: Object.freeze([unit]) });
  return given ?? parseVcov(undefined, { fn, fixedEffects: [unit], combined: true });
}

/** Column roles of a DiD design (names already checked by the option readers). */
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

/**
 * Reads the columns of a DiD design and drops incomplete rows.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `non_finite` (±Infinity),
 *   `invalid_option` (non-0/1 treat or post, negative weights, treat or cohort varying within a
 *   unit), `no_rows_left`, `no_treated_units`, `no_control_units`
 * @example
 * const v = validateDidData(rows, { outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' }, 'did');
 * v.rows.length; // 1080 on base_did (rows with every variable present)
 */
export function validateDidData(data: DataInput, spec: DidColumnsSpec, fn: string): DidData {
  const frame = toFrame(data, fn);
  const tracker = new MissingTracker(frame.nrow, fn, 'error');
  const outcome = frame.numeric(spec.outcome, fn);
  tracker.numeric(spec.outcome, outcome);
  const unitColumn = frame.column(spec.unit, fn);
  tracker.column(spec.unit, unitColumn);
  const time = spec.numericTime ? frame.numeric(spec.time, fn) : frame.column(spec.time, fn);
  if (spec.numericTime) tracker.numeric(spec.time, time as Float64Array);
  else tracker.column(spec.time, time);
  const treat = spec.treat !== undefined ? binaryColumn(frame, spec.treat, fn) : undefined;
  if (treat !== undefined) tracker.numeric(spec.treat!, treat);
  const post = spec.post !== undefined ? binaryColumn(frame, spec.post, fn) : undefined;
  if (post !== undefined) tracker.numeric(spec.post!, post);
  const covariates = (spec.covariates ?? []).map((name) => {
    const column = frame.numeric(name, fn);
    tracker.numeric(name, column);
    return column;
  });
  const weights = spec.weights !== undefined ? frame.numeric(spec.weights, fn) : undefined;
  if (weights !== undefined) tracker.numeric(spec.weights!, weights);
  for (const name of spec.extra ?? []) tracker.column(name, frame.column(name, fn));
  // The cohort is never missing: it is coded after the complete rows are known (data/neverTreated.ts).
  const rawCohort = spec.cohort !== undefined ? frame.numeric(spec.cohort, fn) : undefined;

  const { rows, dropped } = tracker.finish();
  if (weights !== undefined) {
    for (const row of rows) {
      if (weights[row]! < 0) {
        throw new CausalPanelError('invalid_option', `${fn}: weights "${spec.weights}" must be non-negative (row ${row + 1}: ${weights[row]})`, { fn, option: 'weights', column: spec.weights, row, value: weights[row] });
      }
    }
  }
  const note = droppedNote(dropped);

  const unit = factor(unitColumn, { order: 'appearance' });
  // The one never-treated rule: 0, missing, ±Infinity, or a period after the last observed one.
  let cohort: Float64Array | undefined;
  let cohortNote: Note | null = null;
  if (rawCohort !== undefined) {
    let lastPeriod = Infinity;
    if (spec.numericTime) {
      lastPeriod = -Infinity;
      for (const row of rows) lastPeriod = Math.max(lastPeriod, (time as Float64Array)[row]!);
    }
    const coding = codeCohorts(rawCohort, rows, lastPeriod, unit.codes);
    cohort = coding.cohort;
    cohortNote = neverTreatedNote(spec.cohort!, coding);
  }
  if (treat !== undefined) {
    constantWithinUnit(treat, unit, rows, spec.treat!, fn);
    let nTreated = 0;
    for (const row of rows) nTreated += treat[row]!;
    if (nTreated === 0) throw new CausalPanelError('no_treated_units', `${fn}: no treated units (column "${spec.treat}" is 0 in every used row)`, { fn, column: spec.treat });
    if (nTreated === rows.length) throw new CausalPanelError('no_control_units', `${fn}: no control units (column "${spec.treat}" is 1 in every used row)`, { fn, column: spec.treat });
  }
  if (cohort !== undefined) {
    constantWithinUnit(cohort, unit, rows, spec.cohort!, fn);
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
    notes: Object.freeze([note, cohortNote].filter((n): n is Note => n !== null)),
  });
}
