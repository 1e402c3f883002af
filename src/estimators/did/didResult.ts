/**
 * The result of a difference-in-differences estimate (did(), psmDid()): the ATT, the effect in
 * SD units of the outcome, sample sizes, the 2×2 table of mean outcomes, notes and the underlying
 * regression fit. Point estimates and inference are computed once by the estimator; this class
 * only holds and presents them (store little, derive the rest).
 */
import type { Note } from '../../errors.js';
import { jsonRow, type Estimate } from '../../estimate.js';
import { renderSummary } from '../../report/summary.js';
import { formatInteger, formatSignif } from '../../report/format.js';
import type { StandardizeBasis } from '../effectSize.js';

/** Mean outcome and row count of one cell of the 2×2 design. */
export interface MeanCell {
  mean: number;
  n: number;
}

/**
 * Mean outcome by group × period over the rows used, and the raw difference in differences
 * (treated post − treated pre) − (control post − control pre).
 */
export interface DidMeans {
  treated: { pre: MeanCell; post: MeanCell };
  control: { pre: MeanCell; post: MeanCell };
  /** The unadjusted 2×2 DiD of means (equals the ATT in a balanced 2×2 without covariates). */
  diffInDiff: number;
}

/** Everything a {@link DidResult} holds. */
export interface DidResultInit<F = unknown> {
  /** Result tag for `toJSON()`: `'did'`, `'psmDid'`, … */
  kind?: string;
  /** Title line of `summary()`. */
  title?: string;
  att: Estimate;
  effectSize: Estimate;
  standardize: StandardizeBasis;
  nobs: number;
  nUnits: number;
  /** Number of clusters of the vcov (NaN when not clustered). */
  nClusters: number;
  /** Variance label, as fixest prints it (`Clustered (id)`). */
  vcovLabel: string;
  means: DidMeans;
  notes: readonly Note[];
  /** The underlying regression (an OlsFit for did()). */
  fit: F;
  /** Extra plain-data fields reported by `toJSON()` (e.g. matching diagnostics of psmDid). */
  extra?: Record<string, unknown>;
}

const inspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * A difference-in-differences result: `att`, `effectSize`, `nobs`, `nUnits`, `nClusters`,
 * `means`, `notes`, `fit`, with `tidy()`, `summary()` and `toJSON()`.
 *
 * Shared by did() and psmDid(); the latter passes `kind: 'psmDid'` and its matching summary in
 * `extra`. Subclasses may add fields.
 *
 * @example
 * const res = did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
 * res.tidy(); // [ATT row, ATT (SD) row]
 * res.toJSON().kind; // 'did'
 */
export class DidResult<F = unknown> {
  readonly kind: string;
  readonly title: string;
  /** The average treatment effect on the treated (term `'ATT'`). */
  readonly att: Estimate;
  /** The ATT in SD units of the outcome (SE scaled by the same SD; statistic and p unchanged). */
  readonly effectSize: Estimate;
  /** The SD used for `effectSize` and where it came from. */
  readonly standardize: StandardizeBasis;
  readonly nobs: number;
  readonly nUnits: number;
  readonly nClusters: number;
  readonly vcovLabel: string;
  readonly means: DidMeans;
  readonly notes: readonly Note[];
  /** The underlying regression fit. */
  readonly fit: F;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(init: DidResultInit<F>) {
    this.kind = init.kind ?? 'did';
    this.title = init.title ?? 'Difference-in-differences';
    this.att = Object.freeze({ ...init.att });
    this.effectSize = Object.freeze({ ...init.effectSize });
    this.standardize = Object.freeze({ ...init.standardize });
    this.nobs = init.nobs;
    this.nUnits = init.nUnits;
    this.nClusters = init.nClusters;
    this.vcovLabel = init.vcovLabel;
    this.means = init.means;
    this.notes = Object.freeze([...init.notes]);
    this.fit = init.fit;
    this.extra = Object.freeze({ ...(init.extra ?? {}) });
  }

  /** The ATT and the effect size as broom-style rows. */
  tidy(): Estimate[] {
    return [{ ...this.att }, { ...this.effectSize }];
  }

  /** A fixest-style printed table with the 2×2 means and notes. */
  summary(): string {
    const meta: [string, string][] = [
      ['Observations', formatInteger(this.nobs)],
      ['Units', formatInteger(this.nUnits)],
      ['Standard-errors', this.vcovLabel],
    ];
    const sdLabel = typeof this.standardize.standardize === 'number' ? 'given' : this.standardize.standardize;
    const m = this.means;
    const footer = [
      `Effect size: ATT / SD, SD = ${formatSignif(this.standardize.sd)} (${sdLabel})`,
      `Means (pre -> post): treated ${formatSignif(m.treated.pre.mean)} -> ${formatSignif(m.treated.post.mean)}, ` +
        `control ${formatSignif(m.control.pre.mean)} -> ${formatSignif(m.control.post.mean)}; raw DiD ${formatSignif(m.diffInDiff)}`,
    ];
    return renderSummary({ title: this.title, meta, rows: this.tidy(), notes: this.notes, footer });
  }

  /** Plain JSON data (non-finite numbers become `null`). */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      att: jsonRow(this.att),
      effectSize: jsonRow(this.effectSize),
      standardize: { standardize: this.standardize.standardize, sd: this.standardize.sd, n: Number.isFinite(this.standardize.n) ? this.standardize.n : null },
      nobs: this.nobs,
      nUnits: this.nUnits,
      nClusters: Number.isFinite(this.nClusters) ? this.nClusters : null,
      vcov: this.vcovLabel,
      means: JSON.parse(JSON.stringify(this.means)) as unknown,
      notes: JSON.parse(JSON.stringify(this.notes)) as unknown,
      ...JSON.parse(JSON.stringify(this.extra)),
    };
  }

  [inspect](): string {
    return this.summary();
  }
}

/**
 * Mean outcome by treated/control × pre/post over `rows`, and the raw DiD of means.
 *
 * @example
 * twoByTwoMeans([1, 2, 3, 5], [0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 2, 3]).diffInDiff; // (5-3)-(2-1) = 1
 */
export function twoByTwoMeans(outcome: ArrayLike<number>, treat: ArrayLike<number>, post: ArrayLike<number>, rows: ArrayLike<number>): DidMeans {
  const sums = [0, 0, 0, 0];
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const cell = 2 * treat[row]! + post[row]!;
    sums[cell]! += outcome[row]!;
    counts[cell]! += 1;
  }
  const cell = (j: number): MeanCell => ({ mean: counts[j]! > 0 ? sums[j]! / counts[j]! : NaN, n: counts[j]! });
  const control = { pre: cell(0), post: cell(1) };
  const treated = { pre: cell(2), post: cell(3) };
  return { treated, control, diffInDiff: treated.post.mean - treated.pre.mean - (control.post.mean - control.pre.mean) };
}
