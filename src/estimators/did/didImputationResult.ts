/**
 * The result of `didImputation()` (Borusyak, Jaravel & Spiess 2024): the imputation estimates
 * (static ATT or one per horizon), the pre-trend coefficients when asked for, their covariance,
 * and the joint pre-trend test.
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { waldInference, type Dist } from '../../inference/intervals.js';
import { opt } from '../../options.js';
import { formatInteger, formatPValue, formatSignif } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';
import type { PreTest } from './waldPretest.js';

/**
 * One row of an imputation result: an Estimate, with the event time `e` for horizon and
 * pre-trend rows (`pre: true` marks the pre-trend coefficients of the untreated-only regression).
 *
 * @example
 * const bjs = didImputation({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', horizons: true });
 * bjs.rows[0]; // { term: '0', estimate: ≈ -0.0310669, stdError: ≈ 0.0135772, …, e: 0 }
 */
export type ImputationRow = Estimate & { e?: number; pre?: boolean };

/** Everything a {@link DidImputationResult} holds. */
export interface DidImputationResultInit {
  outcome: string;
  level: number;
  rows: ImputationRow[];
  /** Covariance of the imputation estimates (column-major, in row order after the pre-trend rows). */
  imputedVcov: Float64Array;
  /** Covariance of the pre-trend coefficients (column-major). */
  preVcov: Float64Array;
  pretest?: PreTest;
  /** Distribution of the pre-trend rows' statistics (the clustered feols fit's t). */
  preDist?: Dist;
  static: boolean;
  nobs: number;
  nTreated: number;
  nUnits: number;
  nClusters: number;
  clusters: string;
  notes: readonly Note[];
}

/** The seven Estimate fields of an imputation row at `level` (normal inference, as BJS). */
function atLevel(row: ImputationRow, level: number, same: boolean): Estimate {
  const { term, estimate, stdError } = row;
  if (same || !(stdError >= 0)) return { term, estimate, stdError, statistic: row.statistic, pValue: row.pValue, confLow: row.confLow, confHigh: row.confHigh };
  return { term, ...waldInference(estimate, stdError, { kind: 'normal' }, level) };
}

/**
 * Result of `didImputation()`: `rows` (pre-trend rows with `pre: true` first, then the static
 * `'treat'` row or one row per horizon, each with its event time `e`), `vcov()` (the covariance of
 * the event-time rows, in the order of `terms`), the pre-trend Wald test `pretest`, and the usual
 * `tidy()`, `summary()`, `toJSON()`; kind `'didImputation'`.
 *
 * @example
 * const bjs = didImputation({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', horizons: true, pretrends: true });
 * bjs.terms;          // ['-4', '-3', '-2', '0', '1', '2', '3']
 * bjs.vcov().length;  // 7
 */
export class DidImputationResult extends Result {
  readonly kind = 'didImputation';
  readonly outcome: string;
  /** Confidence level of `rows` (and the default of `tidy()`). */
  readonly level: number;
  /** Pre-trend rows (e < 0), then the imputation estimates. */
  readonly rows: readonly ImputationRow[];
  /** Terms of the rows that carry an event time, in `vcov()` order. */
  readonly terms: readonly string[];
  /** Joint Wald F test of the pre-trend coefficients (undefined without `pretrends`). */
  readonly pretest?: PreTest;
  /** True for the static ATT (no horizons). */
  readonly static: boolean;
  readonly nobs: number;
  /** Treated observations (Ω₁). */
  readonly nTreated: number;
  readonly nUnits: number;
  readonly nClusters: number;
  /** Cluster column of the SEs. */
  readonly clusters: string;
  readonly #imputedVcov: Float64Array;
  readonly #preVcov: Float64Array;
  readonly #preDist: Dist;

  /** @internal use `didImputation()`. */
  constructor(init: DidImputationResultInit) {
    super(init.notes);
    this.outcome = init.outcome;
    this.level = init.level;
    this.rows = Object.freeze(init.rows.map((row) => Object.freeze({ ...row })));
    this.terms = Object.freeze(this.rows.filter((row) => row.e !== undefined).map((row) => row.term));
    if (init.pretest !== undefined) this.pretest = Object.freeze({ ...init.pretest });
    this.static = init.static;
    this.nobs = init.nobs;
    this.nTreated = init.nTreated;
    this.nUnits = init.nUnits;
    this.nClusters = init.nClusters;
    this.clusters = init.clusters;
    this.#imputedVcov = Float64Array.from(init.imputedVcov);
    this.#preVcov = Float64Array.from(init.preVcov);
    this.#preDist = init.preDist ?? { kind: 'normal' };
  }

  /**
   * Covariance matrix of the rows with an event time (order of `terms`; for a static result, the
   * 1×1 variance of the ATT). The pre-trend block comes from the untreated-only regression and the
   * imputation block from the BJS variance; the two are separate estimations and their
   * cross-covariance is reported as 0.
   *
   * @example bjs.vcov()[0][0]; // variance of the first event-time estimate
   */
  vcov(): number[][] {
    const pre = this.rows.filter((row) => row.pre === true).length;
    const post = this.rows.length - pre;
    const size = this.static ? (pre > 0 ? pre : 1) : this.rows.length;
    if (this.static && pre === 0) return [[this.#imputedVcov[0]!]];
    const out = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    for (let i = 0; i < pre; i++) for (let j = 0; j < pre; j++) out[i]![j] = this.#preVcov[i + j * pre]!;
    if (!this.static) for (let i = 0; i < post; i++) for (let j = 0; j < post; j++) out[pre + i]![pre + j] = this.#imputedVcov[i + j * post]!;
    return out;
  }

  /**
   * The rows as plain {@link Estimate}s with intervals at `level`.
   *
   * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
   * @example bjs.tidy(0.9)[0].confLow;
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: this.kind, key: 'level' });
    return this.rows.map((row) => (row.pre === true && checked !== this.level ? { term: row.term, ...waldInference(row.estimate, row.stdError, this.#preDist, checked) } : atLevel(row, checked, checked === this.level)));
  }

  protected override statisticLabel(): 'z value' {
    return 'z value';
  }

  protected summaryParts(): SummaryParts {
    const p = this.pretest;
    const footer =
      p === undefined
        ? []
        : [Number.isFinite(p.statistic) ? `Pre-trend Wald test: stat = ${formatSignif(p.statistic)}, p-value = ${formatPValue(p.pValue)}, on ${p.df1} and ${formatInteger(p.df2)} DoF` : 'Pre-trend Wald test: not computed'];
    return {
      title: `Imputation estimator (Borusyak, Jaravel & Spiess 2024), Dep. Var.: ${this.outcome}`,
      meta: [
        ['Observations', formatInteger(this.nobs)],
        ['Treated observations', formatInteger(this.nTreated)],
        ['Units', formatInteger(this.nUnits)],
        ['Standard-errors', `BJS conservative, clustered (${this.clusters}, ${formatInteger(this.nClusters)} clusters)`],
      ],
      footer,
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      outcome: this.outcome,
      level: this.level,
      rows: this.rows,
      terms: this.terms,
      vcov: this.vcov(),
      pretest: this.pretest ?? null,
      static: this.static,
      nobs: this.nobs,
      nTreated: this.nTreated,
      nUnits: this.nUnits,
      nClusters: this.nClusters,
      clusters: this.clusters,
    };
  }
}

