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
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { log2 } from '../../numerics/elementary.js';
import { clusterCodes, intersectClusters } from '../../inference/clusters.js';
import { balanceCovariates, type BalanceCovariate } from './balance.js';
import { neumaierSum } from '../../numerics/sum.js';
import { kernelMatch } from './kernel.js';
import { mahalanobisCoordinates } from './mahalanobis.js';
import { MatchitResult, type MatchedSet } from './matchitResult.js';
import { matchSubclass, matchWeights, type MatchMatrix } from './matchMatrix.js';
import { matchWithinStrata } from './nearest.js';
import { matchRows, matchStrataOnPool, matchUnits, type MatchConfig } from './strataMatch.js';
import { withWorkers } from '../../parallel/workersOption.js';
import { propensityScore, type PropensityModel } from './propensityScore.js';
import { validateMatchit, type MatchitOptions, type MatchitParams } from './validateMatchit.js';

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

/**
 * MatchIt's `exact` strata (one code per observed combination of the exact columns) and
 * `matchit2nearest`'s checks: stop when no stratum holds both groups; a note when some stratum
 * has fewer controls than treated (or than ratio × treated) without replacement.
 */
function exactStrata(params: MatchitParams, frame: Frame, notes: Note[]): Int32Array {
  const { fn, exact, ratio } = params;
  const treat = params.focal;
  const [focal, other] = groupLabels(params);
  const strata = intersectClusters(exact.map((name) => clusterCodes(name, frame.column(name, fn)))).codes;
  const count1 = new Map<number, number>();
  const count0 = new Map<number, number>();
  for (let a = 0; a < treat.length; a++) {
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
    if (c < ratio * t) shortRatio++;
  }
  if (common === 0) {
    throw new CausalPanelError('no_matches', `${fn}: no matches were found: no exact stratum of ${exact.join(', ')} holds both treated and control units`, { fn, option: 'exact' });
  }
  if (params.method === 'nearest' && !params.replace) {
    if (short > 0) {
      notes.push({ code: 'ratio_exceeds_controls', message: `Fewer ${other} units than ${focal} units in some 'exact' strata (${short} of ${count1.size} strata of ${exact.join(', ')}); not all ${focal} units will get a match.` });
    }
    if (ratio > 1 && shortRatio > 0) {
      notes.push({ code: 'ratio_exceeds_controls', message: `Not all ${focal} units will get ${ratio} matches (${shortRatio} 'exact' strata have fewer than ${ratio} ${other} units per ${focal} unit).` });
    }
  }
  return strata;
}

/** The focal and the other group's names (MatchIt's `tc`): treated/control for the ATT, reversed for the ATC. */
function groupLabels(params: MatchitParams): [string, string] {
  return params.estimand === 'ATC' ? ['control', 'treated'] : ['treated', 'control'];
}

/** MatchIt's warnings when controls run short without exact strata (`matchit2nearest`: e_ratios). */
function ratioNotes(params: MatchitParams, notes: Note[]): void {
  if (params.method !== 'nearest' || params.replace) return;
  const [focal, other] = groupLabels(params);
  let n1 = 0;
  for (let a = 0; a < params.focal.length; a++) n1 += params.focal[a]!;
  const n0 = params.focal.length - n1;
  const available = n0 / n1;
  if (available < 1) {
    notes.push({ code: 'ratio_exceeds_controls', message: `Fewer ${other} units than ${focal} units (${n0} < ${n1}); not all ${focal} units will get a match.` });
  } else if (available < params.ratio) {
    notes.push({ code: 'ratio_exceeds_controls', message: `Not all ${focal} units will get ${params.ratio} matches (${n0} ${other} units for ${n1} ${focal} units).` });
  }
}

/**
 * MatchIt's `matchit2exact` and `get_weights_from_subclass`, then `matchit()`'s normalization:
 * one subclass per combination of the covariates (factor dummies included) found in both groups,
 * numbered in order of first appearance among the units of the group of the first row
 * (`Reduce(intersect, …)` over `unique(treat)`); units of other combinations get weight 0.
 * ATT: treated 1, controls n₁ₛ/n₀ₛ; ATC: treated n₀ₛ/n₁ₛ, controls 1; then the positive weights of
 * each group are scaled to average 1 (`.make_sum_to_n`).
 */
function exactMatch(params: MatchitParams, covariates: readonly BalanceCovariate[]): { weights: Float64Array; subclass: (number | null)[] } {
  const { fn, treat } = params;
  const n = treat.length;
  const columns = params.method === 'cem' ? covariates.map((c) => sturgesBins(c.values)) : covariates.map((c) => c.values);
  const keys = Array.from({ length: n }, (_, i) => columns.map((values) => String(values[i])).join('|'));
  const seen = [new Set<string>(), new Set<string>()];
  for (let i = 0; i < n; i++) seen[treat[i]!]!.add(keys[i]!);
  const firstGroup = treat[0]!;
  const number = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (treat[i] !== firstGroup || number.has(keys[i]!) || !seen[1 - firstGroup]!.has(keys[i]!)) continue;
    number.set(keys[i]!, number.size + 1);
  }
  if (number.size === 0) throw new CausalPanelError('no_matches', `${fn}: no exact matches were found (no combination of the covariates holds both treated and control units)`, { fn, option: 'method' });
  const subclass: (number | null)[] = keys.map((k) => number.get(k) ?? null);
  return { weights: subclassWeights(params, subclass, number.size), subclass };
}

/**
 * MatchIt's default `cem` coarsening (`cem_matchit`, `cutpoints = "sturges"`): `nclass.Sturges`
 * = ⌈log₂ n + 1⌉ equal-width bins between the minimum and the maximum (`seq(min, max, length =
 * bins + 1)` with the outer breaks set to ±∞), the bin number by `findInterval`. A factor's 0/1
 * dummies keep their two values apart, so factors stay exact, as in MatchIt.
 */
function sturgesBins(values: Float64Array): Float64Array {
  const n = values.length;
  const bins = Math.ceil(log2(n) + 1);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // R's seq(from, to, length.out): from + k·((to − from)/(length.out − 1)) for the inner points.
  const step = (max - min) / bins;
  const breaks = [-Infinity, ...Array.from({ length: bins - 1 }, (_, k) => (min === max ? min : min + (k + 1) * step)), Infinity];
  return Float64Array.from(values, (v) => {
    let k = 0;
    while (k < breaks.length && breaks[k]! <= v) k++;
    return k;
  });
}

/**
 * MatchIt's `get_weights_from_subclass`, then `matchit()`'s `.make_sum_to_n`: ATT: treated 1,
 * controls n₁ₛ/n₀ₛ; ATC: treated n₀ₛ/n₁ₛ, controls 1; ATE: treated 1 + n₀ₛ/n₁ₛ, controls
 * 1 + n₁ₛ/n₀ₛ; units without a subclass 0; the positive
 * weights of each group then scaled to average 1.
 */
function subclassWeights(params: MatchitParams, subclass: readonly (number | null)[], count: number): Float64Array {
  const { treat } = params;
  const n = treat.length;
  const sizes = [new Float64Array(count + 1), new Float64Array(count + 1)];
  for (let i = 0; i < n; i++) if (subclass[i] !== null) sizes[treat[i]!]![subclass[i]!]++;
  const focal = params.estimand === 'ATC' ? 0 : 1;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = subclass[i];
    if (s === null) continue;
    const t = treat[i]!;
    const ratio = sizes[1 - t]![s]! / sizes[t]![s]!;
    weights[i] = params.estimand === 'ATE' ? 1 + ratio : t === focal ? 1 : ratio;
  }
  for (const group of [0, 1]) {
    const values: number[] = [];
    for (let i = 0; i < n; i++) if (treat[i] === group && weights[i]! > 0) values.push(weights[i]!);
    const total = neumaierSum(values);
    for (let i = 0; i < n; i++) if (treat[i] === group && weights[i]! > 0) weights[i] = (values.length * weights[i]!) / total;
  }
  return weights;
}

/** R's `quantile(x, probs, type = 7)`: (1 − h)·x₍lo₎ + h·x₍hi₎ at index 1 + (n − 1)·p. */
function quantile7(values: number[], probs: readonly number[]): number[] {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  return probs.map((p) => {
    const index = 1 + Math.max(n - 1, 0) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const q = x[lo - 1]!;
    if (!(index > lo && x[hi - 1] !== q)) return q;
    const h = index - lo;
    return (1 - h) * q + h * x[hi - 1]!;
  });
}

/**
 * MatchIt ≥ 4.6's `matchit2subclass`: `subclass` subclasses cut at the quantiles
 * (`seq(0, 1, length.out = subclass + 1)`, type 7) of the focal group's distance, units placed
 * by `findInterval(all.inside = TRUE)`, subclasses renumbered 1, 2, … over those present;
 * weights as {@link subclassWeights}. A subclass without units of both groups (MatchIt then moves
 * neighbouring units into it, `subclass_scootC`) is an error here.
 */
function subclassMatch(params: MatchitParams, distance: Float64Array, discarded: Uint8Array): { weights: Float64Array; subclass: (number | null)[] } {
  const { fn, treat, subclasses } = params;
  const n = treat.length;
  const focal = params.estimand === 'ATC' ? 0 : 1;
  // The focal group's scores (ATT, ATC) or all scores (ATE).
  const focalScores: number[] = [];
  for (let i = 0; i < n; i++) if ((params.estimand === 'ATE' || treat[i] === focal) && !Number.isNaN(distance[i]!)) focalScores.push(distance[i]!);
  const by = 1 / subclasses;
  const probs = [0, ...Array.from({ length: subclasses - 1 }, (_, k) => (k + 1) * by), 1];
  const cuts = quantile7(focalScores, probs);
  const raw: (number | null)[] = new Array<number | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    if (discarded[i] === 1) continue;
    // findInterval: the number of cuts ≤ x, then all.inside clamps to 1..length(cuts) − 1.
    let k = 0;
    while (k < cuts.length && cuts[k]! <= distance[i]!) k++;
    raw[i] = Math.min(Math.max(k, 1), cuts.length - 1);
  }
  const present = [...new Set(raw.filter((v): v is number => v !== null))].sort((a, b) => a - b);
  const renumber = new Map(present.map((v, k) => [v, k + 1]));
  const subclass = raw.map((v) => (v === null ? null : renumber.get(v)!));
  const groups = [new Set<number>(), new Set<number>()];
  for (let i = 0; i < n; i++) if (subclass[i] !== null) groups[treat[i]!]!.add(subclass[i]!);
  for (const s of renumber.values()) {
    if (!groups[0]!.has(s) || !groups[1]!.has(s)) {
      throw new CausalPanelError('no_matches', `${fn}: subclass ${s} of ${present.length} holds no ${groups[0]!.has(s) ? 'treated' : 'control'} units (MatchIt would move units from neighbouring subclasses into it; this package does not): use fewer subclasses`, { fn, option: 'subclass', value: subclasses });
    }
  }
  return { weights: subclassWeights(params, subclass, present.length), subclass };
}

/**
 * Nearest-neighbour matching (MatchIt `method = "nearest"`) on the distance or Mahalanobis
 * coordinates, within exact strata when given: the distance, caliper and Mahalanobis scaling come
 * from the full sample; the matching order is computed within each set of units matched together.
 */
function nearestMatches(
  params: MatchitParams,
  distance: Float64Array,
  discarded: Uint8Array,
  caliper: number | null,
  mahalanobis: { coordinates: Float64Array; dimension: number } | null,
  strata: Int32Array | null,
): MatchMatrix {
  const treat = params.focal;
  const config: MatchConfig = {
    ratio: params.ratio,
    replace: params.replace,
    caliper,
    order: params.order,
    seed: params.seed,
    legacy: params.legacy,
    mahalanobis: mahalanobis !== null,
    dimension: mahalanobis?.dimension ?? 0,
  };
  const coordinates = mahalanobis?.coordinates ?? null;
  if (strata === null) return matchUnits(config, distance, treat, discarded, coordinates);
  return withWorkers(params.fn, params.workers, (pool) =>
    pool === null
      ? matchWithinStrata(strata, treat, params.ratio, (rows) => matchRows(config, rows, distance, treat, discarded, coordinates))
      : matchStrataOnPool(pool, params.fn, strata, treat, config, distance, discarded, coordinates),
  );
}

/**
 * Matches treated to control units on a propensity score (or Mahalanobis distance) and returns
 * weights, matched sets, balance and matched data, as R's `MatchIt::matchit()`.
 *
 * Greedy nearest-neighbour matching in O(n log n) (see `nearest.ts`), identical matched sets to
 * MatchIt; kernel matching as psmatch2 (see `kernel.ts`). Options are MatchIt's arguments in
 * camelCase (`stdCaliper` ↔ `std.caliper`, `order` ↔ `m.order`, `commonSupport` ↔ `discard`);
 * an unknown option is an error that names the right one.
 *
 * @throws {CausalPanelError} `unknown_option` (misspelled or unsupported MatchIt option such as
 *   `estimand`), `invalid_option` (bad option value, treatment not 0/1), `missing_column`,
 *   `non_numeric`, `non_finite` (±Infinity in the treatment or a covariate), `no_treated_units`,
 *   `no_control_units`, `perfect_separation` (score model), `no_matches` (nothing matched, e.g. a
 *   caliper too tight)
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
  const { fn, treat } = params;
  const notes: Note[] = [...params.notes];
  const usedFrame = params.rows.length === params.frame.nrow ? params.frame : params.frame.take(params.rows);
  const covariates = balanceCovariates(params.spec, usedFrame, fn);
  const n = params.rows.length;

  let distance: Float64Array;
  let model: PropensityModel | null = null;
  if (params.method === 'exact' || params.method === 'cem') {
    distance = new Float64Array(n).fill(NaN);
  } else if (params.distance === 'logit' || params.distance === 'probit') {
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

  let strata: Int32Array | null = null;
  if (params.exact.length > 0) strata = exactStrata(params, usedFrame, notes);
  else if (params.method === 'nearest') ratioNotes(params, notes);

  let weights: Float64Array;
  let subclass: (number | null)[] | null = null;
  let matches: MatchMatrix | null = null;
  let kernelPairs: MatchedSet[] | null = null;
  if (params.method === 'exact' || params.method === 'cem') {
    ({ weights, subclass } = exactMatch(params, covariates));
  } else if (params.method === 'subclass') {
    ({ weights, subclass } = subclassMatch(params, distance, discarded));
  } else if (params.method === 'kernel') {
    const result = kernelMatch(distance, treat, params.kernel, params.bandwidth, discarded);
    weights = result.weights;
    kernelPairs = result.pairs.map((p) => ({ treated: p.treated, controls: p.controls }));
  } else {
    const mahalanobis = params.distance === 'mahalanobis' ? mahalanobisCoordinates(covariates, treat, discarded, fn, params.legacy) : null;
    matches = nearestMatches(params, distance, discarded, caliper, mahalanobis, strata);
    weights = matchWeights(matches, params.focal);
    if (!params.replace) subclass = matchSubclass(matches, n, params.legacy);
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
