/**
 * Validation of {@link AttgtOptions} into a frozen, normalised parameter object (every default
 * filled in), so that the estimation code never re-checks options.
 */
import { CausalPanelError } from '../../errors.js';
import type { DataInput } from '../../data/fromInput.js';
import type { DidMethod } from './drdid.js';

/** Multiplier-bootstrap settings of {@link AttgtOptions}. */
export interface AttgtBootstrapOptions {
  /** Number of bootstrap draws (did's `biters`, default 1000 there). */
  reps: number;
  /** Seed of the deterministic generator: the same seed gives bit-identical results. */
  seed: number;
  /** Uniform (sup-t) confidence bands for the ATT(g,t)s, as did's `cband` (default true). */
  uniform?: boolean;
}

/** Options of `attgt` (see the public API contract). */
export interface AttgtOptions {
  data: DataInput;
  /** Outcome column. */
  outcome: string;
  /** Unit id column (required for panels; for `panel: false` it is not used). */
  unit?: string;
  /** Time column (integer periods). */
  time: string;
  /** First-treated period; 0, missing or Infinity = never treated. */
  cohort: string;
  /** Numeric covariate columns (the propensity score and outcome regressions use intercept + these). */
  covariates?: readonly string[];
  /** Comparison group: never-treated units (default) or not-yet-treated units. */
  control?: 'never' | 'notyet';
  /** 2×2 estimator: doubly robust (default), inverse-probability weighting or outcome regression. */
  method?: DidMethod;
  /** Periods of treatment anticipation (default 0). */
  anticipation?: number;
  /** Base period for pre-treatment cells (default 'varying', as did). */
  basePeriod?: 'varying' | 'universal';
  /** Panel data (default true); false = repeated cross-sections. */
  panel?: boolean;
  /** Multiplier bootstrap instead of analytic standard errors (default false, as `bstrap = FALSE`). */
  bootstrap?: false | AttgtBootstrapOptions;
  /** Sampling-weight column. */
  weights?: string;
  /** Confidence level (default 0.95). */
  level?: number;
}

/** The normalised, frozen parameters. */
export interface AttgtParams {
  readonly outcome: string;
  readonly unit: string | undefined;
  readonly time: string;
  readonly cohort: string;
  readonly covariates: readonly string[];
  readonly control: 'never' | 'notyet';
  readonly method: DidMethod;
  readonly anticipation: number;
  readonly basePeriod: 'varying' | 'universal';
  readonly panel: boolean;
  readonly bootstrap: false | Readonly<Required<AttgtBootstrapOptions>>;
  readonly weights: string | undefined;
  readonly level: number;
}

const FN = 'attgt';

function bad(option: string, what: string, value: unknown): CausalPanelError {
  return new CausalPanelError('invalid_option', `${FN}: ${what} (${JSON.stringify(value)})`, { fn: FN, option, value });
}

function columnName(options: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = options[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw bad(key, `option "${key}" must be a column name`, value);
  return value;
}

function oneOf<T extends string>(value: unknown, key: string, choices: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw bad(key, `option "${key}" must be one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

/**
 * Checks the options of `attgt` and returns them normalised and frozen.
 *
 * @throws {CausalPanelError} `invalid_option` for a missing or malformed option
 * @example
 * validateAttgt({ data: rows, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }).method; // 'dr'
 */
export function validateAttgt(options: AttgtOptions): AttgtParams {
  if (options === null || typeof options !== 'object') throw bad('options', 'options must be an object', options);
  const o = options as unknown as Record<string, unknown>;
  if (o.data === undefined || o.data === null) throw bad('data', 'option "data" is required', o.data);
  const panel = o.panel === undefined ? true : o.panel;
  if (typeof panel !== 'boolean') throw bad('panel', 'option "panel" must be true or false', panel);
  const outcome = columnName(o, 'outcome', true)!;
  const unit = columnName(o, 'unit', panel);
  const time = columnName(o, 'time', true)!;
  const cohort = columnName(o, 'cohort', true)!;
  const weights = columnName(o, 'weights', false);
  let covariates: string[] = [];
  if (o.covariates !== undefined) {
    if (!Array.isArray(o.covariates) || o.covariates.some((c) => typeof c !== 'string' || c.length === 0)) {
      throw bad('covariates', 'option "covariates" must be an array of column names', o.covariates);
    }
    covariates = [...new Set(o.covariates as string[])];
  }
  const control = oneOf(o.control, 'control', ['never', 'notyet'] as const, 'never');
  const method = oneOf(o.method, 'method', ['dr', 'ipw', 'reg'] as const, 'dr');
  const basePeriod = oneOf(o.basePeriod, 'basePeriod', ['varying', 'universal'] as const, 'varying');
  const anticipation = o.anticipation === undefined ? 0 : o.anticipation;
  if (typeof anticipation !== 'number' || !Number.isInteger(anticipation) || anticipation < 0) {
    throw bad('anticipation', 'option "anticipation" must be a non-negative integer', anticipation);
  }
  const level = o.level === undefined ? 0.95 : o.level;
  if (typeof level !== 'number' || !(level > 0 && level < 1)) throw bad('level', 'option "level" must be in (0, 1)', level);
  let bootstrap: AttgtParams['bootstrap'] = false;
  if (o.bootstrap !== undefined && o.bootstrap !== false) {
    const b = o.bootstrap as Record<string, unknown>;
    if (b === null || typeof b !== 'object') throw bad('bootstrap', 'option "bootstrap" must be false or { reps, seed }', b);
    if (typeof b.reps !== 'number' || !Number.isInteger(b.reps) || b.reps < 2) throw bad('bootstrap', 'bootstrap.reps must be an integer ≥ 2', b.reps);
    if (typeof b.seed !== 'number' || !Number.isFinite(b.seed)) throw bad('bootstrap', 'bootstrap.seed must be a finite number', b.seed);
    const uniform = b.uniform === undefined ? true : b.uniform;
    if (typeof uniform !== 'boolean') throw bad('bootstrap', 'bootstrap.uniform must be true or false', uniform);
    bootstrap = Object.freeze({ reps: b.reps, seed: b.seed, uniform });
  }
  return Object.freeze({
    outcome,
    unit,
    time,
    cohort,
    covariates: Object.freeze(covariates),
    control,
    method,
    anticipation,
    basePeriod,
    panel,
    bootstrap,
    weights,
    level,
  });
}
