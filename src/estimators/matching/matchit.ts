/**
 * `matchit()`: propensity-score and Mahalanobis matching for the ATT, as R's MatchIt 4.5.1
 * `matchit(method = "nearest")`, plus psmatch2-style kernel matching (`method = 'kernel'`).
 *
 * Pipeline (MatchIt's `matchit()`): validate → distance (glm propensity score, Mahalanobis or
 * user values) → common support (`discard`) → caliper in SDs of the distance (`std.caliper`:
 * `sd(distance[!discarded])`) → greedy matching → weights (`weights.matrix`) and subclasses
 * (`mm2subclass`) → result with balance (`summary.matchit`) and `match.data()`.
 *
 * Ho, Imai, King & Stuart (2011), "MatchIt: Nonparametric Preprocessing for Parametric Causal
 * Inference", J. Stat. Softw. 42(8). Source read: kosukeimai/MatchIt@80f32f3 (4.5.1).
 *
 * MatchIt 4.5.1–4.5.3 on Linux computed |difference| with the integer `abs()` (fixed in 4.5.4),
 * so its nearest neighbour was always the lower-score neighbour and a propensity caliper never
 * applied. `compat: '4.5.1'` reproduces those matches exactly (the oracles in
 * fixtures/oracles/matchit_*.json were made with 4.5.1); the default is the corrected algorithm.
 * `order: 'random'` uses our seeded PRNG and cannot reproduce R's `sample()`.
 *
 * `exact` (MatchIt `exact = ~ a + b`): nearest-neighbour matching within each stratum of identical
 * exact values (`matchWithinStrata` in nearest.ts), as `matchit2nearest`.
 */
import { CausalPanelError, formatNote, type Note, withFunctionName } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import type { Estimate } from '../../estimate.js';
import { balanceCovariates, balanceTable, type BalanceCovariate, type BalanceRow } from './balance.js';
import { mahalanobisCoordinates, propensityScore, type PropensityModel } from './distance.js';
import { kernelMatch } from './kernel.js';
import { matchedAtt, type MatchedAttOptions, type MatchedAttResult } from './matchedAtt.js';
import {
  matchSubclass,
  matchWeights,
  matchWithinStrata,
  nearestMultivariateMatch,
  nearestNeighborMatch,
  stableOrder,
  type MatchMatrix,
} from './nearest.js';
import { validateMatchit, type MatchitOptions, type MatchitParams } from './validateMatchit.js';
import { createRng } from '../../numerics/random.js';
import { clusterCodes, intersectClusters } from '../../inference/clusters.js';

export type { MatchitOptions } from './validateMatchit.js';
export type { BalanceRow } from './balance.js';

/** A treated unit and its matched controls (0-based input rows). */
export interface MatchedSet {
  treated: number;
  controls: number[];
}

/** What the matching produced, over the used rows (internal to the result). */
interface MatchState {
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

const SUMMARY_COLUMNS: [keyof BalanceRow, string][] = [
  ['meanTreated', 'Means Treated'],
  ['meanControl', 'Means Control'],
  ['stdMeanDiff', 'Std. Mean Diff.'],
  ['varRatio', 'Var. Ratio'],
  ['ecdfMean', 'eCDF Mean'],
  ['ecdfMax', 'eCDF Max'],
  ['stdPairDist', 'Std. Pair Dist.'],
];

/**
 * The result of {@link matchit}: distances, weights, subclasses and matched sets aligned with
 * the input rows, plus balance, matched data and the matched ATT.
 *
 * @example
 * const m = matchit({ formula: 'treat ~ age + educ + race + married + nodegree + re74 + re75', data: lalonde });
 * m.nMatched; // { treated: 185, control: 185 }
 * m.balance().after[0].term; // 'distance'
 */
export class MatchitResult {
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
  /** Units used (complete cases). */
  readonly nobs: number;
  /** Non-fatal events: dropped rows, ratio warnings, GLM notes. */
  readonly notes: readonly Note[];
  /** The propensity-score model (a GlmFit), or null for Mahalanobis / user distances. */
  readonly model: PropensityModel | null;
  readonly #state: MatchState;
  #balance: { before: BalanceRow[]; after: BalanceRow[] } | null = null;

  constructor(state: MatchState) {
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
    this.nobs = rows.length;
    this.notes = Object.freeze([...state.notes]);
    this.model = state.model;
  }

  /**
   * Balance before (all units, unweighted) and after matching (matching weights), as
   * `summary(m)$sum.all` and `$sum.matched` (MatchIt 4.5.1 defaults).
   */
  balance(): { before: BalanceRow[]; after: BalanceRow[] } {
    if (this.#balance === null) {
      const { params, covariates, weights, matches } = this.#state;
      const distance = params.distance === 'mahalanobis' ? null : this.#state.distance;
      this.#balance = {
        before: balanceTable(covariates, params.treat, distance, { weights: null }),
        after: balanceTable(covariates, params.treat, distance, { weights, matches }),
      };
    }
    return { before: this.#balance.before.map((r) => ({ ...r })), after: this.#balance.after.map((r) => ({ ...r })) };
  }

  /**
   * MatchIt's `match.data()`: the rows with positive weight, in input order, with columns
   * `distance` (not for Mahalanobis), `weights` and `subclass` (matching without replacement) added.
   *
   * @throws {CausalPanelError} `invalid_option` when the data already has one of those columns
   */
  matchedData(): Frame {
    const { params } = this.#state;
    const keep: number[] = [];
    for (let i = 0; i < this.weights.length; i++) if (this.weights[i]! > 0) keep.push(i);
    const added: Record<string, Float64Array> = Object.create(null);
    if (params.distance !== 'mahalanobis') added.distance = Float64Array.from(keep, (i) => this.distance[i]!);
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

  /** The propensity-score model's coefficients (empty for Mahalanobis / user distances). */
  tidy(level?: number): Estimate[] {
    return this.model ? this.model.tidy(level) : [];
  }

  /** A printed summary: method, sample sizes and the balance after matching. */
  summary(): string {
    const { params } = this.#state;
    const lines: string[] = [];
    const how = params.method === 'kernel'
      ? `kernel matching (${params.kernel}, bandwidth ${params.bandwidth})`
      : `${params.ratio}:1 nearest neighbour matching ${params.replace ? 'with' : 'without'} replacement`;
    lines.push(`A matchit object\n - method: ${how}`);
    lines.push(` - distance: ${params.distance === 'mahalanobis' ? 'Mahalanobis' : params.distance === 'user' ? 'user-defined' : `propensity score (glm, ${params.distance})`}`);
    if (this.caliper !== null) lines.push(` - caliper: <distance> (${this.caliper.toPrecision(3)})`);
    lines.push(` - number of obs.: ${this.nobs} (original), ${this.nMatched.treated + this.nMatched.control} (matched)`);
    lines.push(` - matched: ${this.nMatched.treated} treated, ${this.nMatched.control} control; unmatched treated: ${this.unmatched.length}; discarded: ${this.discarded.length}`);
    lines.push('', 'Balance after matching:');
    const rows = this.balance().after;
    const width = Math.max(8, ...rows.map((r) => r.term.length));
    lines.push(`${''.padEnd(width)} ${SUMMARY_COLUMNS.map(([, label]) => label.padStart(15)).join(' ')}`);
    for (const row of rows) {
      const cells = SUMMARY_COLUMNS.map(([key]) => {
        const v = row[key] as number | null;
        return (v === null ? '' : Number(v.toPrecision(4)).toString()).padStart(15);
      });
      lines.push(`${row.term.padEnd(width)} ${cells.join(' ')}`);
    }
    for (const note of this.notes) lines.push(formatNote(note));
    return lines.join('\n');
  }

  /** Plain data: `{ kind: 'matchit', … }`. */
  toJSON(): object {
    return {
      kind: this.kind,
      treatment: this.treatment,
      nobs: this.nobs,
      nMatched: { ...this.nMatched },
      caliper: this.caliper,
      distance: Array.from(this.distance, (v) => (Number.isNaN(v) ? null : v)),
      weights: Array.from(this.weights),
      subclass: [...this.subclass],
      pairs: this.pairs.map((p) => ({ treated: p.treated, controls: [...p.controls] })),
      unmatched: [...this.unmatched],
      discarded: [...this.discarded],
      balance: this.balance(),
      model: this.tidy(),
      notes: this.notes.map((n) => ({ ...n })),
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.summary();
  }
}

/** MatchIt's `discard()`: units outside the other group's (or the common) range of the distance. */
function commonSupportMask(distance: Float64Array, treat: Uint8Array, option: MatchitParams['commonSupport']): Uint8Array {
  const n = distance.length;
  const mask = new Uint8Array(n);
  if (option === 'none') return mask;
  const range = [[Infinity, -Infinity], [Infinity, -Infinity]] as [number, number][];
  for (let i = 0; i < n; i++) {
    const r = range[treat[i]!]!;
    if (distance[i]! < r[0]) r[0] = distance[i]!;
    if (distance[i]! > r[1]) r[1] = distance[i]!;
  }
  const [min0, max0] = range[0]!;
  const [min1, max1] = range[1]!;
  for (let i = 0; i < n; i++) {
    const d = distance[i]!;
    // As MatchIt, the rule applies to every unit; units of the reference group are inside by construction.
    const out = option === 'both'
      ? d < Math.max(min0, min1) || d > Math.min(max0, max1)
      : option === 'control'
        ? d < min1 || d > max1
        : d < min0 || d > max0;
    mask[i] = out ? 1 : 0;
  }
  return mask;
}

function sampleSd(values: Float64Array, skip: Uint8Array): number {
  let count = 0;
  let mean = 0;
  for (let i = 0; i < values.length; i++) {
    if (skip[i] === 1) continue;
    count++;
    mean += (values[i]! - mean) / count;
  }
  let ss = 0;
  for (let i = 0; i < values.length; i++) if (skip[i] !== 1) ss += (values[i]! - mean) ** 2;
  return Math.sqrt(ss / (count - 1));
}

function matchingOrder(params: MatchitParams, distance: Float64Array, treat: Uint8Array = params.treat): Int32Array {
  const treatedDistance: number[] = [];
  for (let a = 0; a < treat.length; a++) if (treat[a] === 1) treatedDistance.push(distance[a]!);
  const n1 = treatedDistance.length;
  // MatchIt: with replacement (reuse.max ≥ n1) the order is "data" whatever m.order says.
  const order = params.replace && params.distance !== 'mahalanobis' ? 'data' : params.order;
  switch (order) {
    case 'largest':
      return stableOrder(treatedDistance, true);
    case 'smallest':
      return stableOrder(treatedDistance, false);
    case 'data':
      return Int32Array.from({ length: n1 }, (_, i) => i);
    case 'random': {
      // Fisher–Yates with our seeded PRNG (R's sample.int cannot be reproduced).
      const rng = createRng(params.seed);
      const out = Int32Array.from({ length: n1 }, (_, i) => i);
      for (let i = n1 - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = out[i]!;
        out[i] = out[j]!;
        out[j] = tmp;
      }
      return out;
    }
  }
}

/**
 * Matches treated to control units on a propensity score (or Mahalanobis distance) and returns
 * weights, matched sets, balance and matched data, as R's `MatchIt::matchit()`.
 *
 * Greedy nearest-neighbour matching in O(n log n) (see `nearest.ts`), identical matched sets to
 * MatchIt; kernel matching as psmatch2 (see `kernel.ts`).
 *
 * @throws {CausalPanelError} `invalid_option` (bad option, treatment not 0/1), `missing_column`,
 *   `no_treated_units`, `no_control_units`, `perfect_separation` (score model), `no_matches`
 *   (nothing matched, e.g. a caliper too tight)
 * @example
 * const m = matchit({ formula: 'treat ~ age + educ + race + married + nodegree + re74 + re75',
 *   data: lalonde, compat: '4.5.1' });
 * m.pairs[0]; // { treated: 0, controls: [484] } (MatchIt 4.5.1: row 1 ↔ row 485)
 * m.att({ outcome: 're78' }).estimate.estimate; // 770.390… (fixtures/oracles/matchit_nearest.json)
 */
export function matchit(options: MatchitOptions): MatchitResult {
  return withFunctionName('matchit', () => matchitUnlabelled(options));
}

/** {@link matchit} itself; errors of inner public functions are relabelled by the wrapper above. */
function matchitUnlabelled(options: MatchitOptions): MatchitResult {
  const params = validateMatchit(options);
  const fn = params.fn;
  const notes: Note[] = [...params.notes];
  const usedFrame = params.rows.length === params.frame.nrow ? params.frame : params.frame.take(params.rows);
  const covariates = balanceCovariates(params.spec, usedFrame, fn);
  const n = params.rows.length;
  const treat = params.treat;

  let distance: Float64Array;
  let model: PropensityModel | null = null;
  if (params.distance === 'logit' || params.distance === 'probit') {
    const fitted = propensityScore(params.spec.text, usedFrame, params.distance, fn);
    distance = fitted.distance;
    model = fitted.model;
    notes.push(...fitted.notes);
  } else if (params.distance === 'user') {
    distance = params.userDistance!;
  } else {
    distance = new Float64Array(n).fill(NaN);
  }

  const discarded = params.distance === 'mahalanobis' ? new Uint8Array(n) : commonSupportMask(distance, treat, params.commonSupport);
  let caliper: number | null = null;
  if (params.caliper !== null) caliper = params.stdCaliper ? params.caliper * sampleSd(distance, discarded) : params.caliper;

  let n1 = 0;
  for (let a = 0; a < n; a++) n1 += treat[a]!;
  const n0 = n - n1;
  // Exact strata (MatchIt `exact`): one code per observed combination of the exact columns.
  const strata = params.exact.length > 0
    ? intersectClusters(params.exact.map((name) => clusterCodes(name, usedFrame.column(name, fn)))).codes
    : null;
  if (strata !== null) {
    // matchit2nearest: stop when no stratum holds both groups; warn when some stratum has
    // fewer controls than treated (or than ratio × treated) without replacement.
    const count1 = new Map<number, number>();
    const count0 = new Map<number, number>();
    for (let a = 0; a < n; a++) {
      const counts = treat[a] === 1 ? count1 : count0;
      counts.set(strata[a]!, (counts.get(strata[a]!) ?? 0) + 1);
    }
    let common = 0;
    let short = 0;
    let shortRatio = 0;
    for (const [stratum, t] of count1) {
      const c = count0.get(stratum) ?? 0;
      if (c > 0) common++;
      if (c < t) short++;
      if (c < params.ratio * t) shortRatio++;
    }
    if (common === 0) {
      throw new CausalPanelError('no_matches', `${fn}: no matches were found: no exact stratum of ${params.exact.join(', ')} holds both treated and control units`, { fn, option: 'exact' });
    }
    if (params.method === 'nearest' && !params.replace) {
      if (short > 0) {
        notes.push({ code: 'ratio_exceeds_controls', message: `Fewer control units than treated units in some 'exact' strata (${short} of ${count1.size} strata of ${params.exact.join(', ')}); not all treated units will get a match.` });
      }
      if (params.ratio > 1 && shortRatio > 0) {
        notes.push({ code: 'ratio_exceeds_controls', message: `Not all treated units will get ${params.ratio} matches (${shortRatio} 'exact' strata have fewer than ${params.ratio} controls per treated unit).` });
      }
    }
  } else if (params.method === 'nearest' && !params.replace) {
    // MatchIt's warnings when controls run short (matchit2nearest: e_ratios).
    const available = n0 / n1;
    if (available < 1) {
      notes.push({ code: 'ratio_exceeds_controls', message: `Fewer control units than treated units (${n0} < ${n1}); not all treated units will get a match.` });
    } else if (available < params.ratio) {
      notes.push({ code: 'ratio_exceeds_controls', message: `Not all treated units will get ${params.ratio} matches (${n0} controls for ${n1} treated units).` });
    }
  }

  let weights: Float64Array;
  let subclass: (number | null)[] | null = null;
  let matches: MatchMatrix | null = null;
  let kernelPairs: MatchedSet[] | null = null;
  if (params.method === 'kernel') {
    const result = kernelMatch(distance, treat, params.kernel, params.bandwidth, discarded);
    weights = result.weights;
    kernelPairs = result.pairs.map((p) => ({ treated: p.treated, controls: p.controls }));
  } else {
    const base = { ratio: params.ratio, replace: params.replace, caliper, legacyIntegerAbs: params.legacy };
    const mahalanobis = params.distance === 'mahalanobis' ? mahalanobisCoordinates(covariates, treat, discarded, fn) : null;
    // The matcher on a set of units: distance, caliper and Mahalanobis scaling come from the
    // full sample; the matching order is computed within the set (MatchIt per exact stratum).
    const matchUnits = (d: Float64Array, t: Uint8Array, disc: Uint8Array, coordinates: Float64Array | null): MatchMatrix => {
      const nearestParams = { ...base, order: matchingOrder(params, d, t), discarded: disc };
      return mahalanobis !== null
        ? nearestMultivariateMatch(coordinates!, mahalanobis.dimension, t, nearestParams)
        : nearestNeighborMatch(d, t, nearestParams);
    };
    if (strata === null) {
      matches = matchUnits(distance, treat, discarded, mahalanobis?.coordinates ?? null);
    } else {
      matches = matchWithinStrata(strata, treat, params.ratio, (rows) => {
        let coordinates: Float64Array | null = null;
        if (mahalanobis !== null) {
          const dim = mahalanobis.dimension;
          coordinates = new Float64Array(rows.length * dim);
          rows.forEach((r, i) => coordinates!.set(mahalanobis.coordinates.subarray(r * dim, (r + 1) * dim), i * dim));
        }
        return matchUnits(
          Float64Array.from(rows, (r) => distance[r]!),
          Uint8Array.from(rows, (r) => treat[r]!),
          Uint8Array.from(rows, (r) => discarded[r]!),
          coordinates,
        );
      });
    }
    weights = matchWeights(matches, treat);
    if (!params.replace) subclass = matchSubclass(matches, n);
  }

  let sumTreated = 0;
  let sumControl = 0;
  for (let a = 0; a < n; a++) {
    if (treat[a] === 1) sumTreated += weights[a]!;
    else sumControl += weights[a]!;
  }
  if (sumTreated === 0 || sumControl === 0) {
    const why = caliper !== null ? ` within the caliper (${caliper.toPrecision(3)} on the distance)` : params.method === 'kernel' ? ` within the bandwidth (${params.bandwidth})` : '';
    throw new CausalPanelError('no_matches', `${fn}: no units were matched${why}`, { fn, option: caliper !== null ? 'caliper' : params.method === 'kernel' ? 'bandwidth' : undefined, value: caliper ?? undefined });
  }

  return new MatchitResult({ params, distance, weights, subclass, matches, kernelPairs, discarded, covariates, model, caliper, notes });
}
