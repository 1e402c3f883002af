/**
 * The result of a difference-in-differences estimate (did(), and psmDid() through its subclass):
 * the ATT, the effect in SD units of the outcome, sample sizes, the 2×2 table of mean outcomes,
 * notes and the underlying regression fit. The estimator computes the ATT once; the effect size
 * and the rows at another confidence level are derived from it (store little, derive the rest).
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { waldInference } from '../../inference/intervals.js';
import type { OlsFit } from '../../models/feols.js';
import { opt } from '../../options.js';
import { formatInteger, formatSignif } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { textTable } from '../../report/textTable.js';
import { standardizeEstimate, type StandardizeBasis } from '../effectSize.js';

/**
 * Mean outcome and row count of one cell of the 2×2 design.
 *
 * @example
 * did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' }).means.treated.post;
 * // { mean: 6.171998662087372, n: 275 }
 */
export interface MeanCell {
  mean: number;
  n: number;
}

/**
 * Mean outcome by group × period over the rows used, and the raw difference in differences
 * (treated post − treated pre) − (control post − control pre).
 *
 * @example
 * twoByTwoMeans([1, 2, 3, 5], [0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 2, 3]);
 * // { treated: { pre: { mean: 3, n: 1 }, post: { mean: 5, n: 1 } },
 * //   control: { pre: { mean: 1, n: 1 }, post: { mean: 2, n: 1 } }, diffInDiff: 1 }
 */
export interface DidMeans {
  treated: { pre: MeanCell; post: MeanCell };
  control: { pre: MeanCell; post: MeanCell };
  /** The unadjusted 2×2 DiD of means (equals the ATT in a balanced 2×2 without covariates). */
  diffInDiff: number;
}

/**
 * Everything a {@link DidResult} holds.
 *
 * @example
 * const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
 * const init: Omit<DidResultInit, 'means' | 'fit' | 'notes'> = {
 *   title: res.title, // 'TWFE difference-in-differences, Dep. Var.: y'
 *   att: res.att, level: res.level, standardize: res.standardize,
 *   nobs: res.nobs, nUnits: res.nUnits, nClusters: res.nClusters, vcovLabel: res.vcovLabel, // 1080, 108, 108, 'Clustered (id)'
 * };
 */
export interface DidResultInit {
  /** Title line of `summary()`. */
  title: string;
  /** The ATT at `level` (term `'ATT'`). */
  att: Estimate;
  /** Confidence level of `att`. */
  level: number;
  standardize: StandardizeBasis;
  nobs: number;
  nUnits: number;
  /** Number of clusters of the vcov (NaN when not clustered). */
  nClusters: number;
  /** Variance label, as fixest prints it (`Clustered (id)`). */
  vcovLabel: string;
  means: DidMeans;
  notes: readonly Note[];
  /** The underlying regression. */
  fit: OlsFit;
}

/**
 * A difference-in-differences result: `att`, `effectSize`, `nobs`, `nUnits`, `nClusters`,
 * `means`, `notes`, `fit`, with `tidy(level?)`, `summary()` and `toJSON()` (kind `'did'`).
 *
 * @example
 * const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
 * res.tidy().map((r) => r.term); // ['ATT', 'ATT (SD)']
 * res.toJSON().kind;             // 'did'
 */
export class DidResult extends Result {
  readonly kind: string = 'did';
  readonly title: string;
  /** The average treatment effect on the treated (term `'ATT'`) at `level`. */
  readonly att: Estimate;
  /** The ATT in SD units of the outcome (SE scaled by the same SD; statistic and p unchanged). */
  readonly effectSize: Estimate;
  /** The SD used for `effectSize` and where it came from. */
  readonly standardize: StandardizeBasis;
  /** Confidence level of `att` and `effectSize` (and the default of `tidy()`). */
  readonly level: number;
  readonly nobs: number;
  readonly nUnits: number;
  readonly nClusters: number;
  readonly vcovLabel: string;
  readonly means: DidMeans;
  /** The underlying regression fit. */
  readonly fit: OlsFit;

  /** @internal use `did()` or `psmDid()`. */
  constructor(init: DidResultInit) {
    super(init.notes);
    this.title = init.title;
    this.att = Object.freeze({ ...init.att });
    this.standardize = Object.freeze({ ...init.standardize });
    this.effectSize = Object.freeze(standardizeEstimate(this.att, this.standardize.sd, 'ATT (SD)'));
    this.level = init.level;
    this.nobs = init.nobs;
    this.nUnits = init.nUnits;
    this.nClusters = init.nClusters;
    this.vcovLabel = init.vcovLabel;
    this.means = Object.freeze({
      treated: Object.freeze({ pre: Object.freeze({ ...init.means.treated.pre }), post: Object.freeze({ ...init.means.treated.post }) }),
      control: Object.freeze({ pre: Object.freeze({ ...init.means.control.pre }), post: Object.freeze({ ...init.means.control.post }) }),
      diffInDiff: init.means.diffInDiff,
    });
    this.fit = init.fit;
  }

  /**
   * The ATT and the effect size as {@link Estimate} rows, with intervals at `level`.
   *
   * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
   * @example res.tidy(0.9)[0].confLow; // the 90% lower bound of the ATT
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: this.kind, key: 'level' });
    const att: Estimate = checked === this.level ? { ...this.att } : { term: 'ATT', ...waldInference(this.att.estimate, this.att.stdError, this.fit.dist, checked) };
    return [att, standardizeEstimate(att, this.standardize.sd, 'ATT (SD)')];
  }

  protected override statisticLabel(): 't value' | 'z value' {
    return this.fit.dist.kind === 'normal' ? 'z value' : 't value';
  }

  protected summaryParts(): SummaryParts {
    return didSummaryParts(this);
  }

  protected jsonFields(): Record<string, unknown> {
    return didJsonFields(this);
  }
}

/** What the summary and JSON of a 2×2/TWFE DiD result read (DidResult, and DuckDB's pushdown result). */
export interface DidSummaryFields {
  readonly title: string;
  readonly att: Estimate;
  readonly effectSize: Estimate;
  readonly standardize: StandardizeBasis;
  readonly level: number;
  readonly nobs: number;
  readonly nUnits: number;
  readonly nClusters: number;
  readonly vcovLabel: string;
  readonly means: DidMeans;
}

/**
 * The summary of a DiD result: counts, SE type, effect-size basis and the 2×2 table of means
 * (`extraMeta` rows go after the others).
 *
 * @example
 * didSummaryParts(did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' })).meta[0];
 * // ['Observations', '1,080']
 */
export function didSummaryParts(r: DidSummaryFields, extraMeta: readonly (readonly [string, string])[] = []): SummaryParts {
  const sdLabel = typeof r.standardize.standardize === 'number' ? 'given' : r.standardize.standardize;
  const m = r.means;
  const cell = (c: MeanCell): string => `${formatSignif(c.mean)} (${formatInteger(c.n)})`;
  const means = textTable(
    [
      ['treated', cell(m.treated.pre), cell(m.treated.post), formatSignif(m.treated.post.mean - m.treated.pre.mean)],
      ['control', cell(m.control.pre), cell(m.control.post), formatSignif(m.control.post.mean - m.control.pre.mean)],
    ],
    { header: ['', 'pre (n)', 'post (n)', 'post - pre'] },
  );
  return {
    title: r.title,
    meta: [
      ['Observations', formatInteger(r.nobs)],
      ['Units', formatInteger(r.nUnits)],
      ['Standard-errors', r.vcovLabel],
      ['Effect size', `ATT / SD, SD = ${formatSignif(r.standardize.sd)} (${sdLabel})`],
      ...extraMeta.map(([k, v]) => [k, v] as [string, string]),
    ],
    tables: [{ heading: `Mean outcome (raw DiD of means: ${formatSignif(m.diffInDiff)})`, body: means }],
  };
}

/**
 * The JSON fields of a DiD result.
 *
 * @example
 * Object.keys(didJsonFields(res)); // ['title', 'att', 'effectSize', 'standardize', 'level', 'nobs', 'nUnits', 'nClusters', 'vcov', 'means']
 */
export function didJsonFields(r: DidSummaryFields): Record<string, unknown> {
  return {
    title: r.title,
    att: r.att,
    effectSize: r.effectSize,
    standardize: r.standardize,
    level: r.level,
    nobs: r.nobs,
    nUnits: r.nUnits,
    nClusters: r.nClusters,
    vcov: r.vcovLabel,
    means: r.means,
  };
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
