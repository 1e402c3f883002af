/**
 * The result of an event study (eventStudy(), TWFE or Sun–Abraham): event-time rows with the
 * reference period(s), the pre-trend test, and for Sun–Abraham the overall ATT and the
 * cohort-specific coefficients it aggregates. Intervals at another level are derived from the
 * stored estimates and SEs (store little, derive the rest).
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { waldInference } from '../../inference/intervals.js';
import type { OlsFit } from '../../models/feols.js';
import { opt } from '../../options.js';
import { formatInteger, formatPValue, formatSignif } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';
import type { PreTest } from './waldPretest.js';
import { standardizeRows, type StandardizeBasis } from '../effectSize.js';

/**
 * One event-time row: an Estimate with its relative time.
 *
 * @example
 * const es = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * es.rows.find((r) => r.e === -1);
 * // { term: 'year::-1', estimate: 0, stdError: NaN, statistic: NaN, pValue: NaN, confLow: NaN, confHigh: NaN, e: -1, reference: true }
 * es.rows.find((r) => r.e === 0)?.estimate; // ≈ -0.0181439
 */
export type EventTimeEstimate = Estimate & {
  /** Time relative to treatment. */
  e: number;
  /** True for the reference period: estimate 0 by construction, NaN SE (as fixest's iplot). */
  reference?: boolean;
};

/**
 * A cohort-specific coefficient of the Sun–Abraham regression.
 *
 * @example
 * const sa = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'sunab' });
 * sa.cohortEstimates?.[0]; // { term: 'year::-4:cohort::2007', estimate: ≈ 0.00330636, …, e: -4, cohort: 2007, weight: 131 }
 */
export type CohortEstimate = Estimate & { e: number; cohort: number; weight: number };

/** Everything an {@link EventStudyResult} holds. */
export interface EventStudyResultInit {
  method: 'twfe' | 'sunab';
  outcome: string;
  ref: readonly number[];
  window?: readonly [number, number];
  /** Confidence level of the rows. */
  level: number;
  rows: EventTimeEstimate[];
  pretest: PreTest;
  overall?: Estimate;
  cohortEstimates?: CohortEstimate[];
  nobs: number;
  nUnits: number;
  nClusters: number;
  vcovLabel: string;
  notes: readonly Note[];
  fit: OlsFit;
  /** Joint vcov of the non-reference rows, in row order (row-major). */
  eventVcov?: readonly (readonly number[])[];
  /** σ of the effect sizes. */
  standardize?: StandardizeBasis;
}

/** The seven Estimate fields of a row, at `level` (reference rows keep their NaN inference). */
function atLevel(row: Estimate, fit: OlsFit, level: number, same: boolean): Estimate {
  const { term, estimate, stdError } = row;
  if (same || !(stdError >= 0)) return { term, estimate, stdError, statistic: row.statistic, pValue: row.pValue, confLow: row.confLow, confHigh: row.confHigh };
  return { term, ...waldInference(estimate, stdError, fit.dist, level) };
}

/**
 * Result of `eventStudy()`: event-time `rows` (`Estimate & { e }`, the reference period included
 * with `reference: true`, estimate 0 and NaN SE), the pre-trend `pretest`, and for 'sunab' the
 * aggregated `overall` ATT and the `cohortEstimates` it came from. `tidy(level?)` gives the rows
 * (then the overall ATT) as plain {@link Estimate}s; kind `'eventStudy'`.
 *
 * @example
 * const es = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' });
 * es.rows.find((r) => r.e === 0)?.estimate; // the effect at the treatment period
 * es.pretest.pValue;                         // p-value of the joint pre-trend F test
 */
export class EventStudyResult extends Result {
  readonly kind = 'eventStudy';
  readonly method: 'twfe' | 'sunab';
  readonly outcome: string;
  readonly ref: readonly number[];
  readonly window?: readonly [number, number];
  /** Confidence level of `rows`, `overall` and `cohortEstimates` (and the default of `tidy()`). */
  readonly level: number;
  /** Event-time estimates ordered by e, the reference period(s) included. */
  readonly rows: readonly EventTimeEstimate[];
  /** The joint pre-trend F test (NaN, with a `test_not_computed` note, when it cannot be computed). */
  readonly pretest: PreTest;
  /** 'sunab': the ATT averaged over all post-treatment cells (fixest's `agg = "ATT"`). */
  readonly overall?: Estimate;
  /** 'sunab': the cohort × relative-time coefficients, fixest's term names. */
  readonly cohortEstimates?: readonly CohortEstimate[];
  readonly nobs: number;
  readonly nUnits: number;
  readonly nClusters: number;
  readonly vcovLabel: string;
  /** The underlying regression. */
  readonly fit: OlsFit;
  /** σ of {@link EventStudyResult.effectSizes} (NaN, with a note, when it could not be computed). */
  readonly standardize: StandardizeBasis;
  readonly #eventVcov: readonly (readonly number[])[];

  /** @internal use `eventStudy()`. */
  constructor(init: EventStudyResultInit) {
    super(init.notes);
    this.method = init.method;
    this.outcome = init.outcome;
    this.ref = Object.freeze([...init.ref]);
    if (init.window !== undefined) this.window = Object.freeze([init.window[0], init.window[1]] as const);
    this.level = init.level;
    this.rows = Object.freeze(init.rows.map((row) => Object.freeze({ ...row })));
    this.pretest = Object.freeze({ ...init.pretest });
    if (init.overall !== undefined) this.overall = Object.freeze({ ...init.overall });
    if (init.cohortEstimates !== undefined) this.cohortEstimates = Object.freeze(init.cohortEstimates.map((row) => Object.freeze({ ...row })));
    this.nobs = init.nobs;
    this.nUnits = init.nUnits;
    this.nClusters = init.nClusters;
    this.vcovLabel = init.vcovLabel;
    this.fit = init.fit;
    this.#eventVcov = init.eventVcov ?? [];
    this.standardize = Object.freeze({ ...(init.standardize ?? { standardize: 'control-baseline', sd: NaN, n: 0 }) });
  }

  /**
   * `tidy(level)` in SD units of the outcome (σ = `standardize.sd`): estimate, SE and interval
   * divided by σ, terms suffixed `(SD)`; statistic and p-value unchanged (σ treated as fixed).
   * @example es.effectSizes().find((r) => r.term === 'period::0 (SD)')?.estimate; // the e = 0 effect in SDs
   */
  effectSizes(level: number = this.level): Estimate[] {
    return standardizeRows(this.tidy(level), this.standardize.sd);
  }

  /**
   * Joint variance matrix of the estimated (non-reference) event-time rows, in the order of
   * `rows` without the reference period(s): the input of `honestDid`. For 'sunab' each row is
   * the cohort-share-weighted sum of its cohort coefficients, so this is W·V·Wᵀ.
   *
   * @example es.vcov().length; // number of non-reference rows of es.rows
   */
  vcov(): number[][] {
    return this.#eventVcov.map((row) => [...row]);
  }

  /**
   * Event-time rows (reference included), then the overall ATT for 'sunab', as plain
   * {@link Estimate}s with exactly the seven fields (broom's tidy contract; `e` lives on `rows`),
   * with intervals at `level`.
   *
   * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
   * @example es.tidy(0.9).find((r) => r.term === 'period::0')?.confLow; // 90% lower bound at e = 0
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: this.kind, key: 'level' });
    const same = checked === this.level;
    const rows = this.rows.map((row) => atLevel(row, this.fit, checked, same));
    if (this.overall !== undefined) rows.push(atLevel(this.overall, this.fit, checked, same));
    return rows;
  }

  protected override statisticLabel(): 't value' | 'z value' {
    return this.fit.dist.kind === 'normal' ? 'z value' : 't value';
  }

  protected summaryParts(): SummaryParts {
    const p = this.pretest;
    const pretest = Number.isFinite(p.statistic)
      ? `Pre-trend Wald test: stat = ${formatSignif(p.statistic)}, p-value = ${formatPValue(p.pValue)}, on ${p.df1} and ${formatInteger(p.df2)} DoF`
      : p.df1 === 0
        ? 'Pre-trend Wald test: no pre-period coefficients'
        : 'Pre-trend Wald test: not computed';
    return {
      title: this.method === 'sunab' ? `Event study (Sun & Abraham 2021), Dep. Var.: ${this.outcome}` : `Event study (TWFE), Dep. Var.: ${this.outcome}`,
      meta: [
        ['Observations', formatInteger(this.nobs)],
        ['Units', formatInteger(this.nUnits)],
        ['Standard-errors', this.vcovLabel],
        ['Reference period', this.ref.join(', ')],
      ],
      rows: [...this.rows.filter((row) => row.reference !== true), ...(this.overall === undefined ? [] : [this.overall])],
      footer: [pretest],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      method: this.method,
      outcome: this.outcome,
      ref: this.ref,
      window: this.window ?? null,
      level: this.level,
      rows: this.rows,
      pretest: this.pretest,
      overall: this.overall ?? null,
      cohortEstimates: this.cohortEstimates ?? null,
      nobs: this.nobs,
      nUnits: this.nUnits,
      nClusters: this.nClusters,
      vcov: this.vcovLabel,
      standardize: this.standardize,
    };
  }
}
