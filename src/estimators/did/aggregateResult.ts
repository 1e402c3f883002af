/**
 * The result of aggregating ATT(g,t)s (did's `aggte`): the overall effect and one row per event
 * time, cohort or period, with the influence functions they were computed from, so that other
 * confidence levels are derived rather than stored.
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { waldInference } from '../../inference/intervals.js';
import { formatInteger, formatSignif } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';
import type { AggregationInference, AggregationType } from './aggregate.js';
import { standardizeRows, type StandardizeBasis } from '../effectSize.js';

/**
 * One aggregated row: an {@link Estimate} with its event time, cohort or period `e`.
 * @example cs.aggregate('group').rows[0]; // { term: 'group:2004', estimate: −0.0797, …, e: 2004 } on mpdta
 */
export type AggregateRow = Estimate & { e: number };

/** Everything an {@link AttgtAggregate} holds. */
export interface AttgtAggregateInit {
  type: AggregationType;
  /** The aggregated estimates and their SEs: the overall effect first, then the rows. */
  overall: { estimate: number; stdError: number };
  rows: readonly { term: string; e: number; estimate: number; stdError: number }[];
  /**
   * n × rows influence functions of the rows (column-major), or how to build them (the same
   * values) when the inference reads no row matrix; and n of the overall effect.
   */
  rowInfluence: Float64Array | (() => Float64Array);
  overallInfluence: Float64Array;
  n: number;
  nobs: number;
  level: number;
  inference: AggregationInference;
  notes: readonly Note[];
  /** σ of the effect sizes (from the attgt fit). */
  standardize: StandardizeBasis;
  /** Treated and comparison influence rows and clusters (NaN: by unit). */
  sampleSizes: { treated: number; control: number; clusters: number };
}

/** Wald row with the interval estimate ± critical·SE (normal statistic and p-value). */
function estimateRow(term: string, estimate: number, stdError: number, critical: number, level: number): Estimate {
  const w = waldInference(estimate, stdError, { kind: 'normal' }, level);
  return { term, estimate, stdError, statistic: w.statistic, pValue: w.pValue, confLow: estimate - critical * stdError, confHigh: estimate + critical * stdError };
}

/**
 * Aggregated ATT(g,t)s, as did's `aggte`: `overall` (term `'ATT'`) and `rows` (terms
 * `event:e`, `group:g`, `time:t`, each with its `e`). Row intervals use the pointwise normal
 * critical value, or the bootstrap sup-t value when the ATT(g,t)s were bootstrapped with uniform
 * bands; the overall interval is pointwise.
 *
 * @example
 * const agg = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }).aggregate('dynamic');
 * agg.kind;                 // 'attgtAggregate'
 * agg.overall.estimate;     // −0.07724 (did 2.5.1 aggte(type = "dynamic"), fixtures/oracles/did_mpdta_never_dr.json)
 * agg.rows[0];              // { term: 'event:-3', estimate: 0.03051, stdError: 0.01503, …, e: -3 }
 */
export class AttgtAggregate extends Result {
  readonly kind = 'attgtAggregate';
  readonly type: AggregationType;
  readonly overall: Estimate;
  readonly rows: readonly AggregateRow[];
  /** Critical value of the rows' intervals. */
  readonly criticalValue: number;
  /** Input rows used by the attgt fit. */
  readonly nobs: number;
  /** Rows of the influence functions: units (panel) or observations (cross-sections). */
  readonly n: number;
  readonly level: number;
  /** σ of {@link AttgtAggregate.effectSizes}: the attgt fit's. */
  readonly standardize: StandardizeBasis;
  /** Influence rows (units, or observations) of treated and comparison units, and the clusters of the SEs (NaN: by unit); `effectSize` reads them. */
  readonly sampleSizes: { readonly treated: number; readonly control: number; readonly clusters: number };
  #rowInfluence: Float64Array | (() => Float64Array);
  readonly #overallInfluence: Float64Array;
  readonly #inference: AggregationInference;
  readonly #rowCount: number;

  constructor(init: AttgtAggregateInit) {
    super(init.notes);
    this.type = init.type;
    this.n = init.n;
    this.nobs = init.nobs;
    this.level = init.level;
    this.standardize = Object.freeze({ ...init.standardize });
    this.sampleSizes = Object.freeze({ ...init.sampleSizes });
    this.#rowInfluence = init.rowInfluence;
    this.#overallInfluence = init.overallInfluence;
    this.#inference = init.inference;
    this.#rowCount = init.rows.length;
    this.criticalValue = this.#rowCritical(init.level);
    this.overall = Object.freeze(estimateRow('ATT', init.overall.estimate, init.overall.stdError, init.inference.critical(new Float64Array(0), 0, init.level), init.level));
    this.rows = Object.freeze(init.rows.map((r) => Object.freeze({ ...estimateRow(r.term, r.estimate, r.stdError, this.criticalValue, init.level), e: r.e })));
  }

  /** Critical value of the rows at `level`: pointwise normal, or the bootstrap sup-t value. */
  #rowCritical(level: number): number {
    const q = this.#rowCount;
    return this.#inference.critical(q > 0 && this.#inference.pointwiseOnly !== true ? this.#rowMatrix() : new Float64Array(0), q, level);
  }

  /** The rows' influence matrix, built on first use when the aggregation deferred it. */
  #rowMatrix(): Float64Array {
    if (typeof this.#rowInfluence === 'function') this.#rowInfluence = this.#rowInfluence();
    return this.#rowInfluence;
  }

  /**
   * n × rows influence functions of the rows (column-major), a copy.
   * @example agg.influence().length; // n × agg.rows.length
   */
  influence(): Float64Array {
    return Float64Array.from(this.#rowMatrix());
  }

  /**
   * Influence function of the overall effect (length n), a copy.
   * @example agg.overallInfluence().length; // n
   */
  overallInfluence(): Float64Array {
    return Float64Array.from(this.#overallInfluence);
  }

  /**
   * The overall effect (term `'ATT'`), then the rows, as {@link Estimate}s at `level`.
   * @example agg.tidy()[0].term; // 'ATT'
   */
  tidy(level: number = this.level): Estimate[] {
    if (level === this.level) return [{ ...this.overall }, ...this.rows.map(({ e: _e, ...est }) => ({ ...est }))];
    const critical = this.#rowCritical(level);
    const overall = estimateRow('ATT', this.overall.estimate, this.overall.stdError, this.#inference.critical(new Float64Array(0), 0, level), level);
    return [overall, ...this.rows.map((r) => estimateRow(r.term, r.estimate, r.stdError, critical, level))];
  }

  /**
   * The overall effect and the rows in SD units of the outcome (σ of the attgt fit): estimate,
   * SE and interval divided by σ, terms suffixed `(SD)`; statistic and p-value unchanged.
   * @example agg.effectSizes()[0]; // { term: 'ATT (SD)', estimate: −0.05243, stdError: 0.01355, … } (dynamic, mpdta, σ = 1.47326)
   */
  effectSizes(level: number = this.level): Estimate[] {
    return standardizeRows(this.tidy(level), this.standardize.sd);
  }

  protected override statisticLabel(): 'z value' {
    return 'z value';
  }

  protected summaryParts(): SummaryParts {
    return {
      title: `Aggregated group-time average treatment effects (did::aggte), type: ${this.type}`,
      meta: [['Observations', formatInteger(this.nobs)]],
      footer: [
        `${formatSignif(this.level * 100)}% intervals; critical value of the ${this.type === 'simple' ? 'overall effect' : 'rows'}: ${formatSignif(this.type === 'simple' ? this.#inference.critical(new Float64Array(0), 0, this.level) : this.criticalValue, 4)}`,
        ...this.#effectSizeLine(),
      ],
    };
  }

  /** The overall effect in SD units, when σ is known. */
  #effectSizeLine(): string[] {
    const b = this.standardize;
    if (!(b.sd > 0)) return [];
    const es = standardizeRows([this.overall], b.sd)[0]!;
    return [`Overall effect in SD units: ${formatSignif(es.estimate)} (SE ${formatSignif(es.stdError)}), SD = ${formatSignif(b.sd)} (${typeof b.standardize === 'number' ? 'given' : b.standardize})`];
  }

  protected jsonFields(): Record<string, unknown> {
    return { type: this.type, overall: this.overall, rows: this.rows, criticalValue: this.criticalValue, nobs: this.nobs, n: this.n, level: this.level, standardize: this.standardize };
  }
}
