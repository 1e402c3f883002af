/**
 * The result of `honestDid`: robust confidence intervals for θ = l'β_post over a vector of M
 * (smoothness) or M̄ (relative magnitudes), the original interval, and the breakdown value.
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { opt } from '../../options.js';
import { formatSignif } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';
import type { HonestMethod, HonestType, SensitivityRow } from './honestDidCompute.js';

/** Everything a {@link HonestDidResult} holds. */
export interface HonestDidResultInit {
  type: HonestType;
  method: HonestMethod;
  level: number;
  lVec: readonly number[];
  times: readonly number[];
  numPre: number;
  numPost: number;
  estimate: number;
  stdError: number;
  original: { lb: number; ub: number };
  rows: readonly SensitivityRow[];
  breakdown: number | null;
  flciQuantile: 'simulated' | 'exact';
  notes: readonly Note[];
  /** The intervals at another level (tidy(level)). */
  recompute: (level: number) => { original: { lb: number; ub: number }; rows: readonly SensitivityRow[] };
}

/**
 * HonestDiD sensitivity results, kind `'honestDid'`. `rows` hold one robust interval
 * `{ M, lb, ub }` per M (or M̄; FLCI rows add the estimator's `optimalVec` and `halfLength`),
 * `original` the usual interval, `breakdown` the largest M of the grid up to which every robust
 * interval excludes 0 (null if the first does not). `tidy()` gives the original interval then
 * one row per M, as Estimates whose estimate and SE are θ̂ = l'β̂ and its SE and whose
 * confLow/confHigh are the interval.
 *
 * @example
 * const hd = honestDid(es, { type: 'smoothness', M: [0, 0.01, 0.02] });
 * hd.tidy()[0].term; // 'Original'
 * hd.tidy()[1].term; // 'M = 0'
 */
export class HonestDidResult extends Result {
  readonly kind = 'honestDid';
  readonly type: HonestType;
  readonly method: HonestMethod;
  readonly level: number;
  /** Weights on the post periods defining θ. */
  readonly lVec: readonly number[];
  /** Event times of the coefficients used (pre then post; the reference omitted). */
  readonly times: readonly number[];
  readonly numPrePeriods: number;
  readonly numPostPeriods: number;
  /** θ̂ = l'β̂_post and its standard error. */
  readonly estimate: number;
  readonly stdError: number;
  readonly original: { readonly lb: number; readonly ub: number };
  readonly rows: readonly SensitivityRow[];
  readonly breakdown: number | null;
  /** The FLCI's folded-normal quantile: HonestDiD's simulated one or the exact one. */
  readonly flciQuantile: 'simulated' | 'exact';
  readonly #recompute: HonestDidResultInit['recompute'];

  /** @internal use `honestDid()`. */
  constructor(init: HonestDidResultInit) {
    super(init.notes);
    this.type = init.type;
    this.method = init.method;
    this.level = init.level;
    this.lVec = Object.freeze([...init.lVec]);
    this.times = Object.freeze([...init.times]);
    this.numPrePeriods = init.numPre;
    this.numPostPeriods = init.numPost;
    this.estimate = init.estimate;
    this.stdError = init.stdError;
    this.original = Object.freeze({ ...init.original });
    this.rows = Object.freeze(
      init.rows.map(({ openAtGridEnd: _open, ...row }) => Object.freeze({ ...row, ...(row.optimalVec !== undefined ? { optimalVec: Object.freeze([...row.optimalVec]) } : {}) })),
    );
    this.breakdown = init.breakdown;
    this.flciQuantile = init.flciQuantile;
    this.#recompute = init.recompute;
  }

  /** Name of the sensitivity parameter: 'M' or 'Mbar'. */
  get parameter(): 'M' | 'Mbar' {
    return this.type === 'smoothness' ? 'M' : 'Mbar';
  }

  /**
   * The original interval, then one row per M (or M̄), as {@link Estimate}s at `level`
   * (recomputed when it differs from the result's level).
   *
   * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
   * @example hd.tidy(0.9)[1].confLow; // robust 90% lower bound at the first M
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: this.kind, key: 'level' });
    const { original, rows } = checked === this.level ? { original: this.original, rows: this.rows } : this.#recompute(checked);
    const base = { estimate: this.estimate, stdError: this.stdError, statistic: NaN, pValue: NaN };
    return [
      { term: 'Original', ...base, confLow: original.lb, confHigh: original.ub },
      ...rows.map((row) => ({ term: `${this.parameter} = ${row.M}`, ...base, confLow: row.lb, confHigh: row.ub })),
    ];
  }

  protected summaryParts(): SummaryParts {
    const label = this.type === 'smoothness' ? 'smoothness, Δ^SD(M)' : 'relative magnitudes, Δ^RM(Mbar)';
    const target = this.lVec.every((v) => v === this.lVec[0]) && this.numPostPeriods > 1 ? 'average of the post periods' : `l = (${this.lVec.map((v) => formatSignif(v)).join(', ')})`;
    return {
      title: `HonestDiD sensitivity analysis (${label}), method: ${this.method}`,
      meta: [
        ['Parameter', target],
        ['Pre / post periods', `${this.numPrePeriods} / ${this.numPostPeriods}`],
        ['Confidence level', formatSignif(this.level)],
      ],
      rowsLayout: 'intervals',
      level: this.level,
      footer: [this.breakdown === null ? `Breakdown value: none (the interval at the smallest ${this.parameter} includes 0)` : `Breakdown value: ${this.parameter} = ${this.breakdown}`],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      type: this.type,
      method: this.method,
      level: this.level,
      lVec: this.lVec,
      times: this.times,
      numPrePeriods: this.numPrePeriods,
      numPostPeriods: this.numPostPeriods,
      estimate: this.estimate,
      stdError: this.stdError,
      original: this.original,
      rows: this.rows,
      breakdown: this.breakdown,
      flciQuantile: this.flciQuantile,
    };
  }
}
