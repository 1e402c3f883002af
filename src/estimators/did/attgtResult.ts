/**
 * The result of `attgt`: the ATT(g,t) rows, did's pre-test, and the influence functions they
 * come from (did's `inffunc`), from which the vcov, other confidence levels and the
 * aggregations (`aggregate`, did's `aggte`) are derived.
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { influenceVcov } from '../../inference/influence.js';
import { waldInference } from '../../inference/intervals.js';
import { toRows } from '../../numerics/matrix.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { aggregateAttgt, sampleSizesOf, type AggregateOptions, type AggregationType, type AttgtCells } from './aggregate.js';
import type { AttgtAggregate } from './aggregateResult.js';
import type { Cell } from './attgtCells.js';
import type { CellInference } from './attgtInference.js';
import type { AttgtParams } from './attgtOptions.js';
import type { AttgtPretest } from './attgtPretest.js';
import { standardizeRows, type Standardize, type StandardizeBasis } from '../effectSize.js';
import { formatSignif } from '../../report/format.js';

/**
 * One ATT(g,t): an {@link Estimate} (term `ATT(g,t)`) with its cohort `group` and period `time`.
 * `att` is the same number as `estimate` (the public API's name for it, as did's `att`).
 * @example cs.rows[0]; // { term: 'ATT(2004,2004)', estimate: −0.01050, …, group: 2004, time: 2004, att: −0.01050, post: true }
 */
export type AttgtRow = Estimate & {
  group: number;
  time: number;
  /** Alias of `estimate`. */
  att: number;
  /** True for post-treatment cells (group ≤ time). */
  post: boolean;
};

/** Everything an {@link AttgtResult} holds. */
export interface AttgtResultInit {
  cells: readonly Cell[];
  /** n × p influence functions of the cells (column-major). */
  psi: Float64Array;
  /** Per cell, the row ranges its ψ column can be non-zero on. */
  support: readonly (Int32Array | undefined)[];
  inference: CellInference;
  pretest: AttgtPretest;
  params: AttgtParams;
  nobs: number;
  n: number;
  ids: (number | string)[];
  /** Per influence row: normalised weight and cohort (Infinity = never treated). */
  rowWeights: Float64Array;
  rowCohorts: Float64Array;
  groups: Float64Array;
  periods: Float64Array;
  notes: readonly Note[];
  /** σ of the effect sizes. */
  standardize: StandardizeBasis;
  /** σ under another `standardize` (an aggregation's override). */
  sigma?: (standardize: Standardize) => StandardizeBasis;
}

/** The rows at `level`: estimate ± critical·SE, normal statistic and p-value. */
function cellRows(cells: readonly Cell[], se: Float64Array, critical: number, level: number): AttgtRow[] {
  return cells.map((c, j) => {
    const s = se[j]!;
    const w = waldInference(c.att, s, { kind: 'normal' }, level);
    return { term: `ATT(${c.group},${c.time})`, estimate: c.att, stdError: s, statistic: w.statistic, pValue: w.pValue, confLow: c.att - critical * s, confHigh: c.att + critical * s, group: c.group, time: c.time, att: c.att, post: c.post };
  });
}

/**
 * Group-time average treatment effects, as did's `MP` object: `rows` (one {@link AttgtRow} per
 * ATT(g,t), in did's order), `pretest`/`pretestPValue` (did's Wald pre-test), `nobs`, `n`, `notes`,
 * with `aggregate(type)`, `influence()`, `vcov()` and `tidy(level?)`.
 *
 * @example
 * const cs = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * cs.kind;           // 'attgt'
 * cs.rows[0].term;   // 'ATT(2004,2004)'; estimate −0.01050, stdError 0.02325 (did 2.5.1)
 * cs.pretestPValue;  // 0.16812
 */
export class AttgtResult extends Result {
  readonly kind = 'attgt';
  readonly rows: readonly AttgtRow[];
  /** p-value of the pre-test (NaN when it cannot be computed: no pre-periods or singular vcov). */
  readonly pretestPValue: number;
  readonly pretest: AttgtPretest;
  /** Critical value of the row intervals (normal quantile, or the bootstrap sup-t value). */
  readonly criticalValue: number;
  /** Observations (input rows) used. */
  readonly nobs: number;
  /** Units (panel) or observations (repeated cross-sections): the rows of `influence()`. */
  readonly n: number;
  /** Row labels of `influence()`: unit ids (panel) or 0-based input rows (cross-sections). */
  readonly ids: readonly (number | string)[];
  readonly params: AttgtParams;
  /** σ of {@link AttgtResult.effectSizes} (NaN, with a note, when it could not be computed). */
  readonly standardize: StandardizeBasis;
  /** Clusters of the SEs: the cluster column and their number (undefined: clustered by unit). */
  readonly clusters: { readonly name: string; readonly count: number } | undefined;
  readonly #init: AttgtResultInit;

  constructor(init: AttgtResultInit) {
    super(init.notes);
    this.#init = init;
    this.params = init.params;
    this.nobs = init.nobs;
    this.n = init.n;
    this.ids = Object.freeze(init.ids);
    this.pretest = Object.freeze({ ...init.pretest });
    this.pretestPValue = init.pretest.pValue;
    this.standardize = Object.freeze({ ...init.standardize });
    const cluster = init.inference.cluster;
    this.clusters = cluster ? Object.freeze({ name: cluster.name, count: cluster.nClusters }) : undefined;
    this.criticalValue = init.inference.critical(init.params.level);
    this.rows = Object.freeze(cellRows(init.cells, init.inference.se, this.criticalValue, init.params.level).map((r) => Object.freeze(r)));
  }

  /**
   * Aggregates the ATT(g,t)s, as did's `aggte`.
   * @throws {CausalPanelError} `invalid_option`, `unknown_option` (see {@link aggregateAttgt})
   * @example cs.aggregate('dynamic').overall.estimate; // −0.07724 on mpdta (did 2.5.1)
   */
  aggregate(type: AggregationType, options?: AggregateOptions): AttgtAggregate {
    return aggregateAttgt(this.cells(), type, options);
  }

  /**
   * The inputs aggregation works from (shares the influence matrix; do not modify it).
   * @example aggregateAttgt(cs.cells(), 'simple').overall.estimate; // −0.03995 on mpdta (did 2.5.1)
   */
  cells(): AttgtCells {
    const init = this.#init;
    return {
      group: Float64Array.from(init.cells, (c) => c.group),
      time: Float64Array.from(init.cells, (c) => c.time),
      att: Float64Array.from(init.cells, (c) => c.att),
      influence: init.psi,
      n: init.n,
      nobs: init.nobs,
      weights: init.rowWeights,
      cohort: init.rowCohorts,
      groups: init.groups,
      periods: init.periods,
      level: init.params.level,
      inference: init.inference.aggregation,
      support: init.support,
      standardize: this.standardize,
      ...(init.sigma ? { sigma: init.sigma } : {}),
      sampleSizes: { ...sampleSizesOf(init.rowCohorts), clusters: init.inference.cluster?.nClusters ?? NaN },
    };
  }

  /**
   * The rows in SD units of the outcome (σ = `standardize.sd`): estimate, SE and interval
   * divided by σ, term `ATT(g,t) (SD)`; statistic and p-value unchanged (σ treated as fixed).
   * @example cs.effectSizes()[0]; // { term: 'ATT(2004,2004) (SD)', estimate: −0.00713, stdError: 0.01578, …, att: −0.00713 } on mpdta (σ = 1.47326)
   */
  effectSizes(level: number = this.params.level): AttgtRow[] {
    const rows = level === this.params.level ? this.rows : cellRows(this.#init.cells, this.#init.inference.se, this.#init.inference.critical(level), level);
    // `att` is the alias of `estimate`: scaled with it
    return standardizeRows(rows, this.standardize.sd).map((r) => ({ ...r, att: r.estimate }));
  }

  /**
   * n × p influence functions (column-major), as did's `inffunc`, a copy.
   * @example cs.influence().length; // n × rows.length
   */
  influence(): Float64Array {
    return Float64Array.from(this.#init.psi);
  }

  /**
   * p × p variance matrix of the ATT(g,t)s, ΨᵀΨ/n² (clustered: cluster sums of Ψ), as rows of numbers.
   * @example cs.vcov()[0][0]; // ≈ stdError² of the first row (analytic SEs)
   */
  vcov(): number[][] {
    const p = this.#init.cells.length;
    const c = this.#init.inference.cluster;
    return toRows(influenceVcov(this.#init.psi, this.n, p, c ? { cluster: c.codes, nClusters: c.nClusters } : {}), p, p);
  }

  /**
   * The rows as {@link Estimate}s at `level` (default: the fit's).
   * @example cs.tidy()[0]; // { term: 'ATT(2004,2004)', estimate: −0.01050, stdError: 0.02325, … }
   */
  tidy(level: number = this.params.level): Estimate[] {
    const rows = level === this.params.level ? this.rows : cellRows(this.#init.cells, this.#init.inference.se, this.#init.inference.critical(level), level);
    return rows.map(({ term, estimate, stdError, statistic, pValue, confLow, confHigh }) => ({ term, estimate, stdError, statistic, pValue, confLow, confHigh }));
  }

  protected override statisticLabel(): 'z value' {
    return 'z value';
  }

  protected summaryParts(): SummaryParts {
    const p = this.params;
    const boot = p.bootstrap;
    const pValue = this.pretest.pValue;
    return {
      title: `Group-time average treatment effects (Callaway & Sant'Anna 2021), method: ${p.method}, control: ${p.control === 'never' ? 'never treated' : 'not yet treated'}`,
      meta: [
        ['Observations', String(this.nobs)],
        [p.panel ? 'Units' : 'Cross-section observations', String(this.n)],
        ['Standard errors', `${boot ? `multiplier bootstrap (${boot.reps} draws, ${boot.weights === 'mammen' ? 'Mammen' : 'Rademacher'} weights${boot.uniform ? ', uniform bands' : ''})` : 'analytic (influence function)'}${this.clusters ? `, clustered by ${this.clusters.name} (${this.clusters.count} clusters)` : ''}`],
        ['Effect sizes', `ATT / SD, SD = ${formatSignif(this.standardize.sd)} (${typeof this.standardize.standardize === 'number' ? 'given' : this.standardize.standardize})`],
      ],
      footer: [`P-value for pre-test of parallel trends assumption: ${Number.isNaN(pValue) ? 'NA' : pValue.toPrecision(5)}`],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    const p = this.params;
    return {
      // absent options are written as null, so every attgt JSON has the same keys
      params: { ...p, unit: p.unit ?? null, weights: p.weights ?? null, clusters: p.clusters ?? null },
      rows: this.rows,
      pretest: this.pretest,
      criticalValue: this.criticalValue,
      standardize: this.standardize,
      clusters: this.clusters ?? null,
      nobs: this.nobs,
      n: this.n,
    };
  }
}
