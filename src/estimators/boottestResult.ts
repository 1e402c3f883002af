/**
 * The result of {@link boottest}: the wild cluster bootstrap test of Rβ = r (fwildclusterboot's
 * `boottest` / `mboottest` output), with the bootstrap draws kept so that the p-value at another
 * null value and the confidence set at another level are recomputed without new draws.
 */
import type { Note } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { Result, type SummaryParts } from '../report/result.js';
import type { WildBootstrapT, WildPValueType, WildWeights } from '../inference/wildBootstrap.js';
import { bootstrapPValue, wildConfidenceInterval, wildPValue, wildStatisticsAt } from '../inference/wildBootstrapInference.js';

/**
 * Everything a {@link BoottestResult} holds.
 *
 * @example
 * const init: Pick<BoottestInit, 'param' | 'weights' | 'impose'> = { param: ['treat:post'], weights: 'rademacher', impose: true };
 */
export interface BoottestInit {
  param: readonly string[];
  /** Restriction rows over `param` (q × m). */
  R: readonly (readonly number[])[];
  r: readonly number[];
  weights: WildWeights;
  impose: boolean;
  pValueType: WildPValueType;
  level: number;
  confInt: boolean;
  /** Count the draws that tie with the statistic as at least as extreme (default false: excluded). */
  countTies: boolean;
  nobs: number;
  nClusters: readonly number[];
  nBootClusters: number;
  clusters: readonly string[];
  bootClusters: readonly string[];
  /** q = 1: the kernel's draws (polynomials in r). */
  boot?: WildBootstrapT;
  /** q > 1: the Wald statistic and its draws. */
  wald?: { wald: number; waldBoot: Float64Array; B: number; enumerated: boolean };
  notes: readonly Note[];
}

/**
 * A wild cluster bootstrap test. One restriction: `statistic` is boottest's t, `pValue` the
 * bootstrap p-value of `pValueType`, `confInt` the confidence set by test inversion. Several
 * restrictions: `statistic` is the Wald statistic (not divided by q) and there is no interval.
 *
 * @example
 * const bt = boottest(fit, { param: 'treat:post', clusters: 'grp', seed: 1 });
 * bt.statistic; bt.pValue; bt.confInt; bt.pValueAt(4.5); bt.tidy();
 */
export class BoottestResult extends Result {
  readonly kind = 'boottest' as const;
  readonly param: readonly string[];
  readonly R: readonly (readonly number[])[];
  readonly r: readonly number[];
  readonly weights: WildWeights;
  readonly impose: boolean;
  readonly pValueType: WildPValueType;
  readonly level: number;
  /** Rβ̂ (one restriction), else NaN. */
  readonly estimate: number;
  /** boottest's t (one restriction) or the Wald statistic. */
  readonly statistic: number;
  readonly pValue: number;
  /** Draws whose statistic ties with the sample one (within 1e-9, relative): not counted as exceeding it unless `countTies`. */
  readonly ties: number;
  /** Whether tying draws count as at least as extreme. */
  readonly countTies: boolean;
  /** Confidence set at `level` by inverting the p-value (NaN when not computed). */
  readonly confInt: readonly [number, number];
  /** Draws made (2^H under full enumeration). */
  readonly B: number;
  /** Draws with a valid (positive) variance, the p-value's denominator. */
  readonly drawsUsed: number;
  readonly fullEnumeration: boolean;
  readonly nobs: number;
  readonly nClusters: readonly number[];
  readonly nBootClusters: number;
  readonly clusters: readonly string[];
  readonly bootClusters: readonly string[];
  readonly #boot: WildBootstrapT | undefined;
  readonly #wald: BoottestInit['wald'];
  readonly #confIntWanted: boolean;

  /** @internal use {@link boottest}. */
  constructor(init: BoottestInit) {
    super(init.notes);
    this.param = Object.freeze([...init.param]);
    this.R = Object.freeze(init.R.map((row) => Object.freeze([...row])));
    this.r = Object.freeze([...init.r]);
    this.weights = init.weights;
    this.impose = init.impose;
    this.pValueType = init.pValueType;
    this.level = init.level;
    this.nobs = init.nobs;
    this.nClusters = Object.freeze([...init.nClusters]);
    this.nBootClusters = init.nBootClusters;
    this.clusters = Object.freeze([...init.clusters]);
    this.bootClusters = Object.freeze([...init.bootClusters]);
    this.#boot = init.boot;
    this.#wald = init.wald;
    this.#confIntWanted = init.confInt;
    this.countTies = init.countTies;
    if (init.boot !== undefined) {
      const boot = init.boot;
      const p = wildPValue(boot, init.r[0]!, init.pValueType, init.countTies);
      this.estimate = boot.estimate;
      this.statistic = p.t;
      this.pValue = p.pValue;
      this.ties = p.ties;
      this.drawsUsed = p.draws;
      this.B = boot.B;
      this.fullEnumeration = boot.enumerated;
      this.confInt = this.confint(init.level);
    } else {
      const w = init.wald!;
      const p = bootstrapPValue(w.wald, w.waldBoot, '>', init.countTies);
      this.estimate = NaN;
      this.statistic = w.wald;
      this.pValue = p.pValue;
      this.ties = p.ties;
      this.drawsUsed = p.draws;
      this.B = w.B;
      this.fullEnumeration = w.enumerated;
      this.confInt = [NaN, NaN];
    }
  }

  /**
   * The bootstrap p-value of H0: Rβ = value (one restriction), from the same draws.
   *
   * @example bt.pValueAt(4.5); // 0.453125 (treat:post on base_did_grid, 9 clusters, enumeration)
   */
  pValueAt(value: number, type: WildPValueType = this.pValueType): number {
    if (this.#boot === undefined) return NaN;
    return wildPValue(this.#boot, value, type, this.countTies).pValue;
  }

  /**
   * The bootstrap t statistics at null value `value` (one restriction; NaN for dropped draws).
   *
   * @example bt.bootStatistics().length; // B
   */
  bootStatistics(value: number = this.r[0] ?? 0): Float64Array {
    if (this.#boot === undefined) return Float64Array.from(this.#wald!.waldBoot);
    return wildStatisticsAt(this.#boot, value).tBoot;
  }

  /**
   * The confidence set at `level` by test inversion (two-tailed or equal-tailed p-values; NaN
   * for one-sided types and joint tests).
   *
   * @example bt.confint(0.9); // [low, high]
   */
  confint(level: number = this.level, type: WildPValueType = this.pValueType): [number, number] {
    if (this.#boot === undefined || !this.#confIntWanted || type === '>' || type === '<') return [NaN, NaN];
    return wildConfidenceInterval(this.#boot, level, type, this.countTies);
  }

  /** The hypothesis as text, e.g. `treat:post = 0` or `x1 = 0, treat:post = 0`. */
  private hypothesis(): string {
    return this.R.map((row, i) => {
      const lhs = row.map((c, j) => (c === 1 ? this.param[j]! : `${c}*${this.param[j]!}`)).filter((_, j) => row[j] !== 0).join(' + ');
      return `${lhs} = ${this.r[i]!}`;
    }).join(', ');
  }

  /**
   * One row: the restriction, Rβ̂, the standard error boottest's t uses, t (or Wald), p-value
   * and the confidence set at `level`.
   *
   * @example bt.tidy()[0]; // { term: 'treat:post', estimate, stdError, statistic, pValue, confLow, confHigh }
   */
  tidy(level: number = this.level): Estimate[] {
    const [confLow, confHigh] = level === this.level ? this.confInt : this.confint(level);
    const term = this.R.length === 1 && this.param.length === 1 && this.R[0]![0] === 1 ? this.param[0]! : this.hypothesis();
    const stdError = this.#boot !== undefined ? this.#boot.se : NaN;
    return [{ term, estimate: this.estimate, stdError, statistic: this.statistic, pValue: this.pValue, confLow, confHigh }];
  }

  protected summaryParts(): SummaryParts {
    const kind = this.impose ? 'WCR (null imposed)' : 'WCU (null not imposed)';
    const draws = this.fullEnumeration ? `${this.B} (full enumeration)` : `${this.B}`;
    return {
      title: `Wild cluster bootstrap, ${kind}: ${this.hypothesis()}`,
      meta: [
        ['Observations', this.nobs.toLocaleString('en-US')],
        ['Clusters', `${this.clusters.join(' & ')} (${this.nClusters.join(', ')})`],
        ['Bootstrap clusters', `${this.bootClusters.join(' & ')} (${this.nBootClusters})`],
        ['Weights', this.weights],
        ['Draws', draws + (this.drawsUsed < this.B ? `, ${this.drawsUsed} with a valid variance` : '')],
        [this.#boot !== undefined ? 't statistic' : 'Wald statistic', Number(this.statistic.toPrecision(6)).toString()],
        ['p-value', `${this.#boot !== undefined ? this.pValueType : 'Wald'} = ${this.pValue} over ${this.drawsUsed} draws (${this.ties} tie${this.ties === 1 ? '' : 's'} with the statistic ${this.countTies ? 'counted' : 'excluded'})`],
      ],
      // Estimate, the inverted confidence set and the bootstrap p-value (mediation's layout).
      rowsLayout: 'intervals',
      level: this.level,
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      param: this.param,
      R: this.R,
      r: this.r,
      weights: this.weights,
      impose: this.impose,
      pValueType: this.pValueType,
      level: this.level,
      estimate: this.estimate,
      statistic: this.statistic,
      pValue: this.pValue,
      ties: this.ties,
      countTies: this.countTies,
      confInt: this.confInt,
      B: this.B,
      drawsUsed: this.drawsUsed,
      fullEnumeration: this.fullEnumeration,
      nobs: this.nobs,
      clusters: this.clusters,
      nClusters: this.nClusters,
      bootClusters: this.bootClusters,
      nBootClusters: this.nBootClusters,
    };
  }
}
