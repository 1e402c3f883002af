/**
 * The result of `matchit()`: distances, weights, subclasses and matched sets aligned with the
 * input rows; balance (`summary.matchit`), matched data (`match.data`) and the matched ATT; the
 * propensity-score model's rows as `tidy()`. Built on the one result base ({@link Result}).
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import type { Estimate } from '../../estimate.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { formatFixed, formatInteger } from '../../report/format.js';
import { textTable } from '../../report/textTable.js';
import { balanceTable, type BalanceCovariate, type BalanceRow } from './balance.js';
import { matchedAtt, type MatchedAttOptions, type MatchedAttResult } from './matchedAtt.js';
import type { MatchMatrix } from './matchMatrix.js';
import type { PropensityModel } from './propensityScore.js';
import type { MatchitParams } from './validateMatchit.js';

/**
 * A treated unit and its matched controls (0-based input rows).
 *
 * @example
 * m.pairs[0]; // { treated: 0, controls: [484] } (MatchIt 4.5.1: row 1 ↔ row 485)
 */
export interface MatchedSet {
  treated: number;
  controls: number[];
}

/**
 * What the matching produced, over the used rows (built by `matchit()`).
 *
 * @example
 * new MatchitResult({ params, distance, weights, subclass, matches, kernelPairs: null, discarded, covariates, model, caliper: null, notes: [] });
 */
export interface MatchitState {
  params: MatchitParams;
  /** Distance over used rows (NaN for Mahalanobis). */
  distance: Float64Array;
  weights: Float64Array;
  subclass: (number | null)[] | null;
  matches: MatchMatrix | null;
  kernelPairs: MatchedSet[] | null;
  discarded: Uint8Array;
  covariates: BalanceCovariate[];
  model: PropensityModel | null;
  caliper: number | null;
  notes: Note[];
}

/** Columns of the printed balance tables: field and MatchIt's header. */
const BALANCE_COLUMNS: [keyof BalanceRow, string][] = [
  ['meanTreated', 'Means Treated'],
  ['meanControl', 'Means Control'],
  ['stdMeanDiff', 'Std. Mean Diff.'],
  ['varRatio', 'Var. Ratio'],
  ['ecdfMean', 'eCDF Mean'],
  ['ecdfMax', 'eCDF Max'],
  ['stdPairDist', 'Std. Pair Dist.'],
];

/** A balance table as `print(summary(m))` shows it: 4 decimals, NA as "." (MatchIt's `round_df_char`). */
function balanceText(rows: readonly BalanceRow[], columns: readonly [keyof BalanceRow, string][]): string {
  const body = rows.map((row) => [row.term, ...columns.map(([key]) => {
    const v = row[key] as number | null;
    return v === null ? '.' : formatFixed(v, 4);
  })]);
  return textTable(body, { header: ['', ...columns.map(([, label]) => label)] });
}

/**
 * The result of `matchit()`: distances, weights, subclasses and matched sets aligned with the
 * input rows, plus balance, matched data and the matched ATT.
 *
 * `tidy()` returns the propensity-score model's coefficient rows — MatchIt's `m$model`, as broom
 * tidies a glm (z statistics) — and an empty array for Mahalanobis or user-supplied distances.
 * `summary()` prints the matching, MatchIt's balance tables (all and matched data) and sample
 * sizes.
 *
 * @example
 * const m = matchit({ formula: 'treat ~ age + educ + race + married + nodegree + re74 + re75', data: lalonde, compat: '4.5.1' });
 * m.kind;                     // 'matchit'
 * m.nMatched;                 // { treated: 185, control: 185 }
 * m.balance().after[0].term;  // 'distance'
 * m.tidy()[0].term;           // '(Intercept)' (the propensity-score glm, MatchIt's m$model)
 */
export class MatchitResult extends Result {
  /** Always 'matchit'. */
  readonly kind = 'matchit' as const;
  /** Distance (propensity score) per input row; NaN for rows not used and with Mahalanobis matching. */
  readonly distance: Float64Array;
  /** Matching weights per input row (0 = unmatched, dropped or discarded). */
  readonly weights: Float64Array;
  /** Matched-set number per input row (MatchIt's numbering); null when unmatched or with replacement/kernel. */
  readonly subclass: (number | null)[];
  /** Each matched treated unit with its controls, treated in row order. */
  readonly pairs: MatchedSet[];
  /** Matched units by group (MatchIt's `nn["Matched", ]`). */
  readonly nMatched: { treated: number; control: number };
  /** Treated rows that got no match (not counting discarded ones). */
  readonly unmatched: number[];
  /** Rows discarded by `commonSupport`. */
  readonly discarded: number[];
  /** Absolute caliper applied to the distance (after `stdCaliper` scaling), or null. */
  readonly caliper: number | null;
  /** Name of the treatment column. */
  readonly treatment: string;
  /** Whether matched sets are independent clusters (nearest without replacement). */
  readonly hasSubclass: boolean;
  /** True when the subclasses are matched sets (nearest neighbour without replacement), false for exact-matching strata. */
  readonly subclassesArePairs: boolean;
  /** Units used (complete cases). */
  readonly nobs: number;
  /** The propensity-score model (a GlmFit), or null for Mahalanobis / user distances. */
  readonly model: PropensityModel | null;
  readonly #state: MatchitState;
  #balance: { before: BalanceRow[]; after: BalanceRow[] } | null = null;

  /** @internal use `matchit()`. */
  constructor(state: MatchitState) {
    super(state.notes);
    const { params } = state;
    const n = params.frame.nrow;
    const rows = params.rows;
    this.#state = state;
    const distance = new Float64Array(n).fill(NaN);
    const weights = new Float64Array(n);
    const subclass = new Array<number | null>(n).fill(null);
    for (let a = 0; a < rows.length; a++) {
      distance[rows[a]!] = state.distance[a]!;
      weights[rows[a]!] = state.weights[a]!;
      if (state.subclass) subclass[rows[a]!] = state.subclass[a]!;
    }
    this.distance = distance;
    this.weights = weights;
    this.subclass = subclass;
    const pairs: MatchedSet[] = [];
    const unmatched: number[] = [];
    if (state.matches) {
      const { treatedRows, ratio, controls } = state.matches;
      for (let t = 0; t < treatedRows.length; t++) {
        const set: number[] = [];
        for (let c = 0; c < ratio; c++) {
          const unit = controls[t * ratio + c]!;
          if (unit >= 0) set.push(rows[unit]!);
        }
        const treatedUnit = treatedRows[t]!;
        if (set.length > 0) pairs.push({ treated: rows[treatedUnit]!, controls: set });
        else if (state.discarded[treatedUnit] !== 1) unmatched.push(rows[treatedUnit]!);
      }
    } else if (state.kernelPairs) {
      for (const set of state.kernelPairs) pairs.push({ treated: rows[set.treated]!, controls: set.controls.map((c) => rows[c]!) });
      for (let a = 0; a < rows.length; a++) {
        if (params.treat[a] === 1 && state.weights[a] === 0 && state.discarded[a] !== 1) unmatched.push(rows[a]!);
      }
    }
    this.pairs = pairs;
    this.unmatched = unmatched;
    let treated = 0;
    let control = 0;
    const discarded: number[] = [];
    for (let a = 0; a < rows.length; a++) {
      if (state.weights[a]! > 0) {
        if (params.treat[a] === 1) treated++;
        else control++;
      }
      if (state.discarded[a] === 1) discarded.push(rows[a]!);
    }
    this.nMatched = { treated, control };
    this.discarded = discarded;
    this.caliper = state.caliper;
    this.treatment = params.treatment;
    this.hasSubclass = state.subclass !== null;
    this.subclassesArePairs = state.subclass !== null && params.method === 'nearest';
    this.nobs = rows.length;
    this.model = state.model;
  }

  /**
   * Balance before (all units, unweighted) and after matching (matching weights), as
   * `summary(m)$sum.all` and `$sum.matched` (MatchIt 4.5.1 defaults). Copies: changing them
   * does not change the result.
   *
   * @example
   * m.balance().before[0]; // { term: 'distance', meanTreated: 0.5774…, meanControl: 0.1822…, stdMeanDiff: 1.7941…, … }
   */
  balance(): { before: BalanceRow[]; after: BalanceRow[] } {
    if (this.#balance === null) {
      const { params, covariates, weights, matches } = this.#state;
      const distance = params.distance === 'mahalanobis' || params.method === 'exact' || params.method === 'cem' ? null : this.#state.distance;
      const sdDenominator = params.estimand === 'ATC' ? 'control' : params.estimand === 'ATE' ? 'pooled' : 'treated';
      this.#balance = {
        before: balanceTable(covariates, params.treat, distance, { weights: null, sdDenominator }),
        after: balanceTable(covariates, params.treat, distance, { weights, matches, sdDenominator, subclass: params.method === 'exact' || params.method === 'cem' ? this.#state.subclass : null }),
      };
    }
    return { before: this.#balance.before.map((r) => ({ ...r })), after: this.#balance.after.map((r) => ({ ...r })) };
  }

  /**
   * MatchIt's `match.data()`: the rows with positive weight, in input order, with columns
   * `distance` (not for Mahalanobis), `weights` and `subclass` (matching without replacement) added.
   *
   * @throws {CausalPanelError} `invalid_option` when the data already has one of those columns
   * @example
   * m.matchedData().nrow; // 370 (185 treated + 185 controls; MatchIt 4.5.1 match.data(m))
   */
  matchedData(): Frame {
    const { params } = this.#state;
    const keep: number[] = [];
    for (let i = 0; i < this.weights.length; i++) if (this.weights[i]! > 0) keep.push(i);
    const added: Record<string, Float64Array> = Object.create(null);
    if (params.distance !== 'mahalanobis' && params.method !== 'exact' && params.method !== 'cem') added.distance = Float64Array.from(keep, (i) => this.distance[i]!);
    added.weights = Float64Array.from(keep, (i) => this.weights[i]!);
    if (this.hasSubclass) added.subclass = Float64Array.from(keep, (i) => this.subclass[i] ?? NaN);
    for (const name of Object.keys(added)) {
      if (params.frame.has(name)) {
        throw new CausalPanelError('invalid_option', `matchedData: "${name}" is already a column of the data (rename it before matching)`, { fn: 'matchedData', column: name });
      }
    }
    return params.frame.take(keep).withColumns(added);
  }

  /**
   * The ATT in the matched data by weighted regression, with pair-clustered SEs (HC3 with
   * replacement or kernel weights), as MatchIt's recommended practice. See {@link matchedAtt}.
   *
   * @example
   * m.att({ outcome: 're78' }).estimate; // { term: 'treat', estimate: 770.39, stdError: 701.58, … } (compat '4.5.1')
   */
  att(options: MatchedAttOptions): MatchedAttResult {
    return matchedAtt(this, options);
  }

  /**
   * The propensity-score model's coefficient rows (MatchIt's `m$model`, as broom tidies a glm:
   * z statistics), at `level`; an empty array for Mahalanobis or user-supplied distances.
   *
   * @example
   * m.tidy()[1]; // { term: 'age', estimate: 0.0158…, stdError: …, statistic: …, … } (glm logit of treat)
   */
  tidy(level?: number): Estimate[] {
    return this.model ? this.model.tidy(level) : [];
  }

  protected summaryParts(): SummaryParts {
    const { params } = this.#state;
    const how = params.method === 'kernel'
      ? `kernel matching (${params.kernel}, bandwidth ${params.bandwidth})`
      : params.method === 'exact' || params.method === 'cem'
        ? params.method === 'cem' ? 'coarsened exact matching (Sturges bins)' : 'exact matching'
        : params.method === 'subclass'
          ? `subclassification (${params.subclasses} subclasses)`
          : `${params.ratio}:1 nearest neighbour matching ${params.replace ? 'with' : 'without'} replacement`;
    const distance = params.method === 'exact' || params.method === 'cem'
      ? `none (${params.method})`
      : params.distance === 'mahalanobis'
      ? 'Mahalanobis'
      : params.distance === 'user' ? 'user-defined' : `propensity score (glm, ${params.distance})`;
    const meta: [string, string][] = [['Distance', distance]];
    if (this.caliper !== null) meta.push(['Caliper', `${formatFixed(this.caliper, 4)} on the distance`]);
    if (params.exact.length > 0) meta.push(['Exact', params.exact.join(', ')]);
    meta.push(['Observations', `${formatInteger(this.nobs)} (all), ${formatInteger(this.nMatched.treated + this.nMatched.control)} (matched)`]);
    const balance = this.balance();
    const after = this.#state.matches !== null || params.method === 'exact' || params.method === 'cem' ? BALANCE_COLUMNS : BALANCE_COLUMNS.slice(0, -1);
    return {
      title: `Matching (MatchIt's matchit): ${how}, treatment: ${this.treatment}`,
      meta,
      // The propensity model's rows are tidy()'s; the summary shows the matching (as MatchIt's).
      rows: [],
      tables: [
        { heading: 'Balance for all data:', body: balanceText(balance.before, BALANCE_COLUMNS.slice(0, -1)) },
        { heading: 'Balance for matched data:', body: balanceText(balance.after, after) },
        { heading: 'Sample sizes:', body: this.sampleSizes() },
      ],
    };
  }

  /** MatchIt's "Sample Sizes" table: all, matched, unmatched and discarded units by group. */
  private sampleSizes(): string {
    const { treat } = this.#state.params;
    const all = [0, 0];
    const discarded = [0, 0];
    for (let a = 0; a < treat.length; a++) {
      all[treat[a]!]!++;
      if (this.#state.discarded[a] === 1) discarded[treat[a]!]!++;
    }
    const matched = [this.nMatched.control, this.nMatched.treated];
    const line = (label: string, values: number[]): string[] => [label, String(values[0]), String(values[1])];
    return textTable([
      line('All', all),
      line('Matched', matched),
      line('Unmatched', [all[0]! - matched[0]! - discarded[0]!, all[1]! - matched[1]! - discarded[1]!]),
      line('Discarded', discarded),
    ], { header: ['', 'Control', 'Treated'] });
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      treatment: this.treatment,
      nobs: this.nobs,
      nMatched: { ...this.nMatched },
      caliper: this.caliper,
      distance: this.distance,
      weights: this.weights,
      subclass: this.subclass,
      pairs: this.pairs,
      unmatched: this.unmatched,
      discarded: this.discarded,
      balance: this.balance(),
      model: this.tidy(),
    };
  }
}
