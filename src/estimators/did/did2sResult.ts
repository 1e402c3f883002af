/**
 * The result of `did2s()` (Gardner's two-stage DiD): second-stage coefficients with the
 * GMM-corrected clustered covariance.
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { waldInference, type Dist } from '../../inference/intervals.js';
import { opt } from '../../options.js';
import { formatInteger } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';

/**
 * One second-stage coefficient; `e` is its event time when the term is an `i()` level
 * (`rel_year::-2` → e = −2).
 *
 * @example
 * const es = did2s({ data: mpdta2, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(rel_year, ref = c(-1, -1000))', treatment: 'treat_post', clusters: 'countyreal' }); // rel_year = year − first.treat, −1000 for the never treated
 * es.rows[0]; // { term: 'rel_year::-4', estimate: ≈ -0.00984916, stdError: ≈ 0.00900093, …, e: -4 }
 */
export type Did2sRow = Estimate & { e?: number };

/** Everything a {@link Did2sResult} holds. */
export interface Did2sResultInit {
  outcome: string;
  firstStage: string;
  secondStage: string;
  level: number;
  rows: Did2sRow[];
  /** k × k column-major covariance of the rows. */
  vcov: Float64Array;
  dist: Dist;
  nobs: number;
  nTreated: number;
  nClusters: number;
  clusters: string;
  notes: readonly Note[];
}

/**
 * Result of `did2s()`: `rows` (second-stage coefficients, with `e` for event-time terms),
 * `terms`, `vcov()` (the GMM-corrected clustered covariance, in `terms` order), `tidy()`,
 * `summary()`, `toJSON()`; kind `'did2s'`.
 *
 * @example
 * const fit = did2s({ data: mpdta, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(treat_post, ref = 0)', treatment: 'treat_post', clusters: 'countyreal' });
 * fit.terms;          // ['treat_post::1']
 * fit.vcov()[0][0];   // ≈ 0.000181668 (did2s 1.2.0)
 */
export class Did2sResult extends Result {
  readonly kind = 'did2s';
  readonly outcome: string;
  readonly firstStage: string;
  readonly secondStage: string;
  /** Confidence level of `rows` (and the default of `tidy()`). */
  readonly level: number;
  readonly rows: readonly Did2sRow[];
  /** Row terms, in `vcov()` order. */
  readonly terms: readonly string[];
  /** Distribution of the statistics: t on n − k degrees of freedom (fixest's summary). */
  readonly dist: Dist;
  readonly nobs: number;
  /** Treated observations (left out of the first stage). */
  readonly nTreated: number;
  readonly nClusters: number;
  readonly clusters: string;
  readonly #vcov: Float64Array;

  /** @internal use `did2s()`. */
  constructor(init: Did2sResultInit) {
    super(init.notes);
    this.outcome = init.outcome;
    this.firstStage = init.firstStage;
    this.secondStage = init.secondStage;
    this.level = init.level;
    this.rows = Object.freeze(init.rows.map((row) => Object.freeze({ ...row })));
    this.terms = Object.freeze(this.rows.map((row) => row.term));
    this.dist = Object.freeze({ ...init.dist });
    this.nobs = init.nobs;
    this.nTreated = init.nTreated;
    this.nClusters = init.nClusters;
    this.clusters = init.clusters;
    this.#vcov = Float64Array.from(init.vcov);
  }

  /**
   * The GMM-corrected clustered covariance of the rows (a new array of rows, `terms` order).
   *
   * @example fit.vcov()[0][0];
   */
  vcov(): number[][] {
    const k = this.rows.length;
    return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => this.#vcov[i + j * k]!));
  }

  /**
   * The rows as plain {@link Estimate}s with intervals at `level`.
   *
   * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
   * @example fit.tidy(0.9)[0].confLow;
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: this.kind, key: 'level' });
    return this.rows.map(({ term, estimate, stdError }) => ({ term, ...waldInference(estimate, stdError, this.dist, checked) }));
  }

  protected summaryParts(): SummaryParts {
    return {
      title: `Two-stage DiD (Gardner 2021), Dep. Var.: ${this.outcome}`,
      meta: [
        ['Observations', formatInteger(this.nobs)],
        ['Treated observations', formatInteger(this.nTreated)],
        ['First stage', this.firstStage],
        ['Second stage', this.secondStage],
        ['Standard-errors', `GMM-corrected, clustered (${this.clusters}, ${formatInteger(this.nClusters)} clusters)`],
      ],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      outcome: this.outcome,
      firstStage: this.firstStage,
      secondStage: this.secondStage,
      level: this.level,
      rows: this.rows,
      terms: this.terms,
      vcov: this.vcov(),
      nobs: this.nobs,
      nTreated: this.nTreated,
      nClusters: this.nClusters,
      clusters: this.clusters,
    };
  }
}
