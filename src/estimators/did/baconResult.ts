/**
 * The result of `baconDecomposition()`: the 2×2 comparisons, their weights and estimates, the
 * sums by comparison type, and the identity with the TWFE coefficient.
 */
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { opt } from '../../options.js';
import { formatInteger, formatSignif } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';

/**
 * bacondecomp's comparison types. Without covariates: earlier vs later treated, later vs
 * earlier treated (the comparison whose weight makes TWFE biased under dynamic effects),
 * treated vs never treated, later vs always treated. With covariates each pair of timing groups
 * appears once, and two treated groups are `'Both Treated'`.
 *
 * @example
 * const type: BaconType = 'Later vs Earlier Treated';
 */
export type BaconType = 'Earlier vs Later Treated' | 'Later vs Earlier Treated' | 'Treated vs Untreated' | 'Later vs Always Treated' | 'Both Treated';

/**
 * One 2×2 comparison: the treated and comparison timing groups (first treated period;
 * `Infinity` = never treated, bacondecomp's 99999), its DiD estimate and its weight.
 *
 * @example
 * const bacon = baconDecomposition({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' });
 * bacon.comparisons[0]; // { treated: 2004, untreated: 2006, estimate: ≈ -0.0456079, weight: ≈ 0.00529318, type: 'Earlier vs Later Treated' }
 */
export interface BaconComparison {
  treated: number;
  untreated: number;
  estimate: number;
  weight: number;
  type: BaconType;
}

/** Everything a {@link BaconResult} holds. */
export interface BaconResultInit {
  outcome: string;
  comparisons: BaconComparison[];
  twfeCoefficient: number;
  Omega?: number;
  betaWithin?: number;
  nobs: number;
  nUnits: number;
  notes: readonly Note[];
}

/** Label of a timing group. */
function groupLabel(g: number): string {
  return Number.isFinite(g) ? String(g) : 'never';
}

/**
 * Result of `baconDecomposition()`: `comparisons` (every 2×2 with its weight and estimate,
 * weights summing to 1), `weightedSum` (Σ weight·estimate), `byType` (weight and weighted mean
 * estimate per comparison type), `twfeCoefficient`, and with covariates `Omega` and
 * `betaWithin` (TWFE = Ω·β̂_w + (1 − Ω)·weightedSum). `tidy()` gives one row per comparison
 * (no SEs: NaN); kind `'bacon'`.
 *
 * @example
 * const bacon = baconDecomposition({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' });
 * bacon.byType['Treated vs Untreated']; // { weight: ≈ 0.862774, estimate: ≈ -0.0407397 }
 */
export class BaconResult extends Result {
  readonly kind = 'bacon';
  readonly outcome: string;
  /** Every 2×2 comparison, ordered by treated group, then comparison group. */
  readonly comparisons: readonly Readonly<BaconComparison>[];
  /** Σ weight · estimate over the comparisons. */
  readonly weightedSum: number;
  /** Total weight and weighted mean estimate per comparison type. */
  readonly byType: Readonly<Partial<Record<BaconType, { weight: number; estimate: number }>>>;
  /** The TWFE coefficient of the treatment (fixest's feols(y ~ treat [+ covariates] | unit + time)). */
  readonly twfeCoefficient: number;
  /** With covariates: the within-timing-group share Ω of the residualised treatment variance. */
  readonly Omega?: number;
  /** With covariates: the within-group estimate β̂_w. */
  readonly betaWithin?: number;
  readonly nobs: number;
  readonly nUnits: number;

  /** @internal use `baconDecomposition()`. */
  constructor(init: BaconResultInit) {
    super(init.notes);
    this.outcome = init.outcome;
    const sorted = [...init.comparisons].sort((a, b) => a.treated - b.treated || a.untreated - b.untreated);
    this.comparisons = Object.freeze(sorted.map((c) => Object.freeze({ ...c })));
    let sum = 0;
    const byType: Partial<Record<BaconType, { weight: number; estimate: number }>> = {};
    for (const c of sorted) {
      sum += c.weight * c.estimate;
      const entry = (byType[c.type] ??= { weight: 0, estimate: 0 });
      entry.weight += c.weight;
      entry.estimate += c.weight * c.estimate;
    }
    for (const entry of Object.values(byType)) entry.estimate /= entry.weight;
    this.weightedSum = sum;
    this.byType = Object.freeze(Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, Object.freeze(v)])));
    this.twfeCoefficient = init.twfeCoefficient;
    if (init.Omega !== undefined) {
      this.Omega = init.Omega;
      this.betaWithin = init.betaWithin;
    }
    this.nobs = init.nobs;
    this.nUnits = init.nUnits;
  }

  /**
   * One row per comparison (`'2004 vs never'`): the 2×2 estimate, NaN inference (the
   * decomposition has no standard errors).
   *
   * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
   * @example bacon.tidy()[0].term; // '2004 vs 2006'
   */
  tidy(level?: number): Estimate[] {
    if (level !== undefined) opt.level().read(level, { fn: this.kind, key: 'level' });
    return this.comparisons.map((c) => ({ term: `${groupLabel(c.treated)} vs ${groupLabel(c.untreated)}`, estimate: c.estimate, stdError: NaN, statistic: NaN, pValue: NaN, confLow: NaN, confHigh: NaN }));
  }

  protected summaryParts(): SummaryParts {
    const rows = Object.entries(this.byType).map(([type, v]) => [type, formatSignif(v!.weight), formatSignif(v!.estimate)]);
    const meta: [string, string][] = [
      ['Observations', formatInteger(this.nobs)],
      ['Units', formatInteger(this.nUnits)],
      ['TWFE coefficient', formatSignif(this.twfeCoefficient)],
      ['Weighted sum of 2x2s', formatSignif(this.weightedSum)],
    ];
    if (this.Omega !== undefined) meta.push(['Omega (within share)', formatSignif(this.Omega)], ['Within estimate', formatSignif(this.betaWithin!)]);
    return {
      title: `Goodman-Bacon decomposition, Dep. Var.: ${this.outcome}`,
      meta,
      rows: [],
      footer: ['By comparison type (weight, average estimate):', ...rows.map((r) => `  ${r[0]}: ${r[1]}, ${r[2]}`)],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      outcome: this.outcome,
      comparisons: this.comparisons,
      weightedSum: this.weightedSum,
      byType: this.byType,
      twfeCoefficient: this.twfeCoefficient,
      Omega: this.Omega ?? null,
      betaWithin: this.betaWithin ?? null,
      nobs: this.nobs,
      nUnits: this.nUnits,
    };
  }
}
