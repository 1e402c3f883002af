/**
 * The options of `attgt`, read once with {@link readOptions} into a frozen {@link AttgtParams}
 * (did's `DIDparams`): every value checked, every default filled in, unknown keys rejected with
 * a suggestion (`control_group` → `control`, `xformla` → `covariates`, `est_method` → `method`,
 * `bstrap`/`biters` → `bootstrap`, `idname`/`tname`/`gname`/`yname` → `unit`/`time`/`cohort`/
 * `outcome`), and did's options that attgt does not offer named as such.
 */
import type { DataInput } from '../../data/fromInput.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import { standardizeOption, type Standardize } from '../effectSize.js';
import { readWorkers, type WorkersOption } from '../../parallel/workersOption.js';
import type { DidMethod } from './drdid.js';

/**
 * Multiplier-bootstrap settings of {@link AttgtOptions}.
 * @example attgt({ ...cs, bootstrap: { reps: 999, seed: 1 } }).criticalValue; // 2.659 on mpdta: the sup-t value (> 1.96; Rademacher weights, as did)
 */
export interface AttgtBootstrapOptions {
  /** Number of bootstrap draws (did's `biters`, default 1000 there). */
  reps: number;
  /** Seed of the deterministic generator: the same seed gives bit-identical results. */
  seed: number;
  /** Uniform (sup-t) confidence bands for the ATT(g,t)s, as did's `cband` (default true). */
  uniform?: boolean;
  /**
   * Multiplier distribution. `'rademacher'` (default): ±1 with probability ½ each, the weights
   * did 2.5.1 draws (`mboot` → `BMisc::multiplier_bootstrap`, `1 − 2·round(U)`). `'mammen'`:
   * Mammen's (1993) two-point weights (mean 0, variance 1, third moment 1), which earlier
   * versions of this package drew; with heavy-tailed influence functions their IQR-based SEs
   * come out lower than did's.
   */
  weights?: 'rademacher' | 'mammen';
}

/**
 * Options of `attgt` (see the public API contract); the R argument each mirrors is named.
 * @example attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', control: 'notyet' });
 */
export interface AttgtOptions {
  /** The long panel (or repeated cross-sections): rows, columns or a Frame (did's `data`). */
  data: DataInput;
  /** Outcome column (did's `yname`). */
  outcome: string;
  /** Unit id column (did's `idname`; required for panels, unused for `panel: false`). */
  unit?: string;
  /** Time column, integer periods (did's `tname`). */
  time: string;
  /** First-treated period; 0, missing or Infinity = never treated (did's `gname`). */
  cohort: string;
  /** Numeric covariate columns of the propensity score and outcome regressions (did's `xformla`). */
  covariates?: readonly string[];
  /** Comparison group: never-treated (default) or not-yet-treated units (did's `control_group`). */
  control?: 'never' | 'notyet';
  /** 2×2 estimator: doubly robust (default), inverse-probability weighting or outcome regression (did's `est_method`). */
  method?: DidMethod;
  /** Periods of treatment anticipation (did's `anticipation`, default 0). */
  anticipation?: number;
  /** Base period for pre-treatment cells (did's `base_period`, default 'varying'). */
  basePeriod?: 'varying' | 'universal';
  /** Panel data (did's `panel`, default true); false = repeated cross-sections. */
  panel?: boolean;
  /** Multiplier bootstrap instead of analytic SEs (did's `bstrap`/`biters`/`cband`; default false). */
  bootstrap?: false | AttgtBootstrapOptions;
  /** Sampling-weight column (did's `weightsname`). */
  weights?: string;
  /** Confidence level (did's `1 − alp`, default 0.95). */
  level?: number;
  /**
   * Cluster above the unit (did's `clustervars`): a column constant within each unit, such as a
   * school or state. The unit column itself may be listed too (`['countyreal', 'state']`, as
   * did) — unit-level clustering is the default. Analytic SEs then come from cluster sums of the
   * influence functions, and the multiplier bootstrap draws one weight per cluster.
   */
  clusters?: string | readonly string[];
  /**
   * Keep units missing in some periods (did's `allow_unbalanced_panel`, default false: such
   * units are dropped to balance the panel, with a note). With true, an unbalanced panel is
   * estimated with the repeated cross-section 2×2s and the influence functions summed by unit,
   * as did; a panel that turns out balanced is estimated as a panel.
   */
  allowUnbalanced?: boolean;
  /**
   * The standard deviation effect sizes are expressed in (`effectSizes()` of the result and of
   * every aggregation): `'control-baseline'` (default: the outcome's SD over the comparison
   * units — never treated, or every unit when there are none — in the periods before the first
   * cohort's treatment), `'pooled'` (every row used) or a given σ.
   */
  standardize?: Standardize;
  /**
   * Threads for the multiplier bootstrap draws (`bootstrap: { … }`; did's `pl`/`cores`;
   * docs/parallel.md): 1 (default), n, `'auto'` or a pool from `createWorkerPool(n)`, which must
   * stay open while the result is aggregated. Same numbers as one thread, bit for bit. Analytic
   * SEs and the ATT(g,t) themselves run on the calling thread.
   */
  workers?: WorkersOption;
}

/**
 * The normalised, frozen parameters of one `attgt` call (the data aside).
 * @example attgt(options).params; // { outcome: 'lemp', …, control: 'never', method: 'dr', anticipation: 0, level: 0.95 }
 */
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
  /** The cluster column beyond the unit (undefined: clustered by unit, or by observation for cross-sections). */
  readonly clusters: string | undefined;
  readonly allowUnbalanced: boolean;
  readonly standardize: Standardize;
  /** Whether `standardize` was given (a failure to compute σ is then an error, else a note). */
  readonly standardizeGiven: boolean;
}

const FN = 'attgt';

/** did's arguments that attgt does not offer, with why. */
const UNSUPPORTED: Readonly<Record<string, string>> = Object.freeze({
  faster_mode: "always on: attgt follows did's faster_mode path (pre_process_did2, compute.att_gt2)",
  print_details: 'attgt prints nothing; dropped rows, units and cells are reported as notes',
  pl: 'use workers: n (threads for the multiplier bootstrap)',
  cores: 'use workers: n (threads for the multiplier bootstrap)',
});

/** A required value read by `inner`. */
function required<T>(inner: { read(value: unknown, at: OptionPath): T | undefined }, expected: string) {
  return opt.custom((value, at): T => {
    if (value === undefined) throw invalidOption(at, expected, value);
    return inner.read(value, at) as T;
  });
}

const BOOTSTRAP_SPEC = {
  reps: required<number>(opt.integer({ min: 2 }), 'an integer ≥ 2'),
  seed: required<number>(opt.seed(), 'a finite number'),
  uniform: opt.boolean(true),
  weights: opt.oneOf(['rademacher', 'mammen'], 'rademacher'),
};

const SPEC = {
  data: opt.required<DataInput>('a data set'),
  outcome: opt.column({ required: true }),
  unit: opt.column(),
  time: opt.column({ required: true }),
  cohort: opt.column({ required: true }),
  covariates: opt.columns(),
  control: opt.oneOf(['never', 'notyet'], 'never'),
  method: opt.oneOf(['dr', 'ipw', 'reg'], 'dr'),
  anticipation: opt.integer({ min: 0, default: 0 }),
  basePeriod: opt.oneOf(['varying', 'universal'], 'varying'),
  panel: opt.boolean(true),
  bootstrap: opt.custom((value, at) => (value === undefined || value === false ? false : opt.object(BOOTSTRAP_SPEC).read(value, at)!)),
  weights: opt.column(),
  level: opt.level(),
  clusters: opt.columns(),
  allowUnbalanced: opt.boolean(false),
  standardize: standardizeOption(),
  workers: opt.custom(readWorkers),
};

/**
 * Reads the options of `attgt`: the data, and the frozen parameters (every default filled in).
 *
 * @throws {CausalPanelError} `unknown_option` (with a suggestion, or why did's option is not
 *   supported), `invalid_option` for a missing or malformed value
 * @example
 * readAttgtOptions({ data: rows, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }).params.method; // 'dr'
 * readAttgtOptions({ data: rows, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', control_group: 'notyettreated' });
 * // throws unknown_option: 'attgt: unknown option "control_group" (did you mean "control"?)'
 */
export function readAttgtOptions(options: AttgtOptions): { data: DataInput; params: AttgtParams; workers: WorkersOption } {
  // workers is how to compute, not what: kept out of the params the result reports.
  const { data, clusters: clusterList, workers, ...rest } = readOptions(FN, options, SPEC, { unsupported: UNSUPPORTED });
  if (rest.panel && rest.unit === undefined) {
    throw invalidOption({ fn: FN, key: 'unit' }, 'a column name when panel is true (did: idname is required for panel data)', undefined);
  }
  // did: the unit id among clustervars is implicit; at most one variable beyond it
  const beyond = clusterList.filter((c) => c !== rest.unit);
  if (beyond.length > 1) {
    throw invalidOption({ fn: FN, key: 'clusters' }, 'one cluster column beyond the unit (as did: "At most one cluster variable (beyond \'idname\') is supported")', clusterList);
  }
  const standardizeGiven = (options as { standardize?: unknown }).standardize !== undefined;
  return { data, params: Object.freeze({ ...rest, clusters: beyond[0], standardizeGiven }), workers };
}
