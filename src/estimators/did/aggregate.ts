/**
 * Aggregation of group-time ATT(g,t)s into summary effects (Callaway & Sant'Anna 2021, §3.1.1):
 * `simple` (post-treatment cells weighted by group size), `dynamic` (event time e = t − g),
 * `group` (average post-treatment effect of each cohort) and `calendar` (each period).
 *
 * Reimplements did 2.5.1's `compute.aggte`: weights are the cohort shares pg = mean(wᵢ·1{Gᵢ = g}),
 * and because they are estimated, every weighted aggregate adds did's "weight influence function"
 * (`wif`, `aggregateInfluence.ts`) to the combined influence function. Window selection
 * (`group <= t <= group + max_e`) is done, as in did, on the positions of periods in the sorted
 * union of periods and cohorts. Standard errors come from the aggregated influence function
 * (`sqrt(mean(ψ²)/n)`) or from the multiplier bootstrap when the ATT(g,t)s were bootstrapped.
 */
import { resolveStandardize, standardizeOption, type Standardize, type StandardizeBasis } from '../effectSize.js';
import { CausalPanelError, type Note } from '../../errors.js';
import { invalidOption, opt, readOptions } from '../../options.js';
import { meanOfColumns, pgWeightedMean, slotRuns, weightedInfluence } from './aggregateInfluence.js';
import { AttgtAggregate } from './aggregateResult.js';

export { AttgtAggregate, type AggregateRow } from './aggregateResult.js';

/**
 * Aggregation types (did's `aggte(type =)`).
 * @example cs.aggregate('dynamic' satisfies AggregationType).rows[0].e; // −3 (event time) on mpdta
 */
export type AggregationType = 'simple' | 'dynamic' | 'group' | 'calendar';

const TYPES: readonly AggregationType[] = ['simple', 'dynamic', 'group', 'calendar'];

/**
 * Options of `aggregate` (did's `aggte` arguments in camelCase).
 * @example cs.aggregate('dynamic', { minE: -1, maxE: 1 }).rows.map((r) => r.e); // [-1, 0, 1]
 */
export interface AggregateOptions {
  /** Smallest event time kept (dynamic; did's `min_e`). */
  minE?: number;
  /** Largest event time kept (dynamic; also limits post periods in simple/group as did's `max_e`). */
  maxE?: number;
  /** Keep only cohorts observed for at least this many periods after treatment (dynamic; did's `balance_e`). */
  balanceE?: number;
  /** Drop ATT(g,t)s that could not be estimated instead of failing (did's `na.rm`). */
  naRm?: boolean;
  /** Confidence level (did's `1 − alp`; default: the attgt call's level). */
  level?: number;
  /** σ of this aggregation's `effectSizes()` (default: the attgt fit's `standardize`). */
  standardize?: Standardize;
}

/**
 * How standard errors and critical values are formed for influence functions.
 * @example cs.cells().inference.critical(new Float64Array(0), 0, 0.95); // 1.959964 (analytic SEs)
 */
export interface AggregationInference {
  /** SE of one quantity from its n-vector influence function. */
  se(psi: Float64Array): number;
  /**
   * Critical value at `level` for p quantities with n × p influence functions `psi`: pointwise
   * normal, or the bootstrap sup-t value for uniform bands (p = 0: pointwise).
   */
  critical(psi: Float64Array, p: number, level: number): number;
  /** True when `critical` never reads `psi` (pointwise normal): the rows' matrix is then built only on request. */
  pointwiseOnly?: boolean;
}

/** acc += v/K row by row (one column of {@link meanOfColumns}' sums, in its order). */
function addShare(acc: Float64Array, v: Float64Array, K: number, n: number): void {
  for (let i = 0; i < n; i++) acc[i] += v[i]! / K;
}

/**
 * What aggregation needs from an `attgt` fit.
 * @example cs.cells().n; // 500 units on mpdta; cs.cells().att.length === cs.rows.length
 */
export interface AttgtCells {
  /** Cohort of each ATT(g,t) cell. */
  group: Float64Array;
  /** Period of each cell. */
  time: Float64Array;
  att: Float64Array;
  /** n×p column-major influence functions of the cells. */
  influence: Float64Array;
  n: number;
  /** Input rows behind the cells (default n). */
  nobs?: number;
  /** Normalised sampling weight of each influence-function row (unit or observation). */
  weights: Float64Array;
  /** Cohort of each row (Infinity = never treated). */
  cohort: Float64Array;
  /** The treated cohorts (did's glist), increasing. */
  groups: Float64Array;
  /** The periods (did's tlist), increasing. */
  periods: Float64Array;
  /** Default confidence level. */
  level: number;
  inference: AggregationInference;
  /**
   * Optional, per cell: row ranges [start₀, end₀, start₁, end₁, …) outside which the cell's
   * influence column is exactly 0 (its 2×2 sample), so that aggregation skips the other rows.
   * Same results as without (only zero terms are skipped); undefined = all rows.
   */
  support?: readonly (Int32Array | undefined)[];
  /** σ of the effect sizes (default: none, effect sizes NaN). */
  standardize?: StandardizeBasis;
  /** σ under another `standardize` (the aggregation's `standardize` option); default: only a number works. */
  sigma?: (standardize: Standardize) => StandardizeBasis;
  /** Influence rows of treated and comparison units, and clusters (NaN: by unit), for `effectSize`. */
  sampleSizes?: { treated: number; control: number; clusters: number };
}

const FN = 'aggregate';
const SE_ZERO = Math.sqrt(2.220446049250313e-16) * 10;

/** σ of an aggregation: its own `standardize`, else the fit's (none: NaN). */
function aggregationSigma(cells: AttgtCells, standardize: Standardize | undefined): StandardizeBasis {
  if (standardize === undefined) return cells.standardize ?? { standardize: 'control-baseline', sd: NaN, n: 0 };
  if (cells.sigma) return cells.sigma(standardize);
  if (typeof standardize === 'number') return resolveStandardize(standardize, [], [], () => false, FN);
  throw invalidOption({ fn: FN, key: 'standardize' }, 'a number when the cells carry no data (or give standardize to attgt)', standardize);
}

/**
 * Treated (finite cohort) and comparison influence rows; clusters NaN (by unit).
 * @example sampleSizesOf(Float64Array.of(2004, Infinity, Infinity)); // { treated: 1, control: 2, clusters: NaN }
 */
export function sampleSizesOf(cohort: Float64Array): { treated: number; control: number; clusters: number } {
  const treated = finiteCount(cohort);
  return { treated, control: cohort.length - treated, clusters: NaN };
}

/** Number of finite entries (the row loop alone: the object built after it deoptimised it). */
function finiteCount(v: Float64Array): number {
  let count = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! - v[i]! === 0) count++;
  return count;
}

/**
 * rowSlot[i] = slot of row i's cohort (−1: none); rows of a cohort are usually adjacent, so the
 * last lookup is memoised. The row loops of aggregateAttgt sit in small functions of their own
 * (docs/numerics.md, attgt).
 */
function fillRowSlots(cohort: Float64Array, slotOf: Map<number, number>, rowSlot: Int32Array, n: number): void {
  let lastValue = NaN;
  let lastSlot = -1;
  for (let i = 0; i < n; i++) {
    const v = cohort[i]!;
    if (v !== lastValue) {
      lastValue = v;
      lastSlot = slotOf.get(v) ?? -1;
    }
    rowSlot[i] = lastSlot;
  }
}

/** pg[slot] += w[i] over the rows with a slot, in row order. */
function slotWeightSums(rowSlot: Int32Array, w: Float64Array, pg: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) if (rowSlot[i]! >= 0) pg[rowSlot[i]!] += w[i]!;
}

/** did's NA for zero SEs (reference cells, degenerate aggregates). */
function cleanSE(se: number): number {
  return se <= SE_ZERO ? NaN : se;
}

/** An event-time bound: any number but NaN (±Infinity = no bound). */
const bound = (dflt: number) =>
  opt.custom((value, at): number => {
    if (value === undefined) return dflt;
    if (typeof value !== 'number' || Number.isNaN(value)) throw invalidOption(at, 'a number', value);
    return value;
  });

/** did's aggte arguments that aggregate does not offer, with why. */
const UNSUPPORTED: Readonly<Record<string, string>> = Object.freeze({
  type: 'the type is the first argument: aggregate("dynamic", { … })',
  bstrap: 'the bootstrap is chosen in attgt({ bootstrap }) and reused by aggregate',
  biters: 'the bootstrap is chosen in attgt({ bootstrap: { reps, seed } }) and reused by aggregate',
  cband: 'uniform bands are chosen in attgt({ bootstrap: { uniform } })',
  clustervars: 'SEs are clustered as in the attgt fit (its clusters option; by unit by default, as did)',
});

/**
 * Aggregates ATT(g,t) cells into `simple`, `dynamic`, `group` or `calendar` effects, as did's `aggte`.
 *
 * @throws {CausalPanelError} `invalid_option` for an unknown type or option value, missing
 *   ATT(g,t)s without `naRm`, or an empty event-time window; `unknown_option`
 * @example
 * const fit = attgt({ data, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * aggregateAttgt(fit.cells(), 'dynamic').overall.estimate; // ≈ −0.0772 (did 2.5.1, mpdta)
 */
export function aggregateAttgt(cellsIn: AttgtCells, type: AggregationType, options: AggregateOptions = {}): AttgtAggregate {
  if (!(TYPES as readonly unknown[]).includes(type)) throw invalidOption({ fn: FN, key: 'type' }, `one of ${TYPES.map((t) => `"${t}"`).join(', ')}`, type);
  const params = readOptions(
    FN,
    options,
    {
      minE: bound(-Infinity),
      maxE: bound(Infinity),
      balanceE: opt.integer({ min: 0 }),
      naRm: opt.boolean(false),
      level: opt.level(cellsIn.level),
      standardize: opt.custom((value, at) => (value === undefined ? undefined : standardizeOption().read(value, at))),
    },
    { unsupported: UNSUPPORTED },
  );
  const { minE, maxE, balanceE } = params;
  const notes: Note[] = [];
  const { n, influence: psiAll, inference } = cellsIn;
  // drop cells that could not be estimated (did: error unless na.rm = TRUE)
  let keep: number[] = [];
  for (let j = 0; j < cellsIn.att.length; j++) if (!Number.isNaN(cellsIn.att[j]!)) keep.push(j);
  if (keep.length < cellsIn.att.length) {
    if (!params.naRm) {
      throw new CausalPanelError('invalid_option', `${FN}: ${cellsIn.att.length - keep.length} ATT(g,t) could not be estimated; pass { naRm: true } to drop them`, { fn: FN, option: 'naRm' });
    }
    notes.push({ code: 'missing_estimates_dropped', count: cellsIn.att.length - keep.length });
  }
  if (type === 'group' && params.naRm) {
    // did also drops cohorts whose post-treatment window has no estimate
    const ok = new Set<number>();
    for (const j of keep) {
      const g = cellsIn.group[j]!;
      const t = cellsIn.time[j]!;
      if (g <= t) ok.add(g);
    }
    keep = keep.filter((j) => ok.has(cellsIn.group[j]!));
  }
  if (keep.length === 0) throw new CausalPanelError('invalid_option', `${FN}: no ATT(g,t) available to aggregate`, { fn: FN });
  const p = keep.length;
  const group = keep.map((j) => cellsIn.group[j]!);
  const time = keep.map((j) => cellsIn.time[j]!);
  // typed arrays for everything the row loops read (one element kind; docs/numerics.md, attgt)
  const att = Float64Array.from(keep, (j) => cellsIn.att[j]!);
  const support = cellsIn.support ? keep.map((j) => cellsIn.support![j]) : undefined;
  // the cell influence matrix is read-only here: copy only when cells were dropped
  let psi = psiAll;
  if (p < cellsIn.att.length) {
    psi = new Float64Array(n * p);
    keep.forEach((j, c) => psi.set(psiAll.subarray(j * n, (j + 1) * n), c * n));
  }

  // positions in the sorted union of periods and cohorts (did's t2orig / orig2t), 0 = never treated
  const glistOrig = type === 'group' || params.naRm ? [...new Set(group)].sort((a, b) => a - b) : Array.from(cellsIn.groups);
  const union = [...new Set([...Array.from(cellsIn.periods), ...glistOrig])].sort((a, b) => a - b);
  const pos = new Map<number, number>();
  union.forEach((v, i) => pos.set(v, i + 1));
  const toPos = (v: number): number => (Number.isFinite(v) ? pos.get(v) ?? NaN : 0);
  const tPos = time.map(toPos);
  const gPos = group.map(toPos);

  // cohort slot (position in glist) of every row, −1 = never treated or not aggregated
  const slotOf = new Map<number, number>();
  glistOrig.forEach((g, s) => slotOf.set(g, s));
  const nSlots = glistOrig.length;
  const rowWeight = cellsIn.weights;
  const rowGroupOrig = cellsIn.cohort;
  const rowSlot = new Int32Array(n);
  fillRowSlots(rowGroupOrig, slotOf, rowSlot, n);
  // runs of equal (slot, weight): every wif term is then added run by run
  const runs = slotRuns(rowSlot, rowWeight, n);
  // cohort shares pg = mean(w · 1{G = g})
  const pgSlot = new Float64Array(nSlots);
  slotWeightSums(rowSlot, rowWeight, pgSlot, n);
  for (let s2 = 0; s2 < nSlots; s2++) pgSlot[s2] = pgSlot[s2]! / n;
  const pgOf = new Map<number, number>();
  glistOrig.forEach((g, s2) => pgOf.set(g, pgSlot[s2]!));
  const pg = Float64Array.from(group, (g) => pgOf.get(g)!);
  const cellSlot = Int32Array.from(group, (g) => slotOf.get(g) ?? -1);

  const rows: { term: string; e: number; estimate: number; stdError: number }[] = [];
  const rowPsi: Float64Array[] = [];
  // the rows' influence functions live side by side in one n × rows matrix (no copies)
  let pool: Float64Array | null = null;
  const rowBuffer = (count: number, k: number): Float64Array => {
    pool ??= new Float64Array(n * count);
    return pool.subarray(k * n, (k + 1) * n);
  };
  let overallEst: number;
  let overallPsi: Float64Array;
  let deferredRows: (() => Float64Array) | undefined;

  if (type === 'simple') {
    const keepers: number[] = [];
    for (let c = 0; c < p; c++) if (gPos[c]! <= tPos[c]! && tPos[c]! <= gPos[c]! + maxE) keepers.push(c);
    if (keepers.length === 0) throw new CausalPanelError('invalid_option', `${FN}: no post-treatment ATT(g,t) to aggregate`, { fn: FN });
    overallEst = pgWeightedMean(att, pg, keepers);
    overallPsi = weightedInfluence(psi, n, keepers, att, pg, cellSlot, rowWeight, rowSlot, nSlots, true, undefined, support, runs);
  } else if (type === 'group') {
    const glist = glistOrig;
    const attG: number[] = [];
    const pgg: number[] = [];
    for (const g of glist) {
      const gp = toPos(g);
      const which: number[] = [];
      for (let c = 0; c < p; c++) if (group[c] === g && gp <= tPos[c]! && tPos[c]! <= gp + maxE) which.push(c);
      let s = 0;
      for (const c of which) s += att[c]!;
      const a = which.length > 0 ? s / which.length : NaN;
      const slot = rowBuffer(glist.length, rowPsi.length);
      const ps = which.length > 0 ? weightedInfluence(psi, n, which, att, pg, cellSlot, rowWeight, rowSlot, nSlots, false, slot, support) : slot.fill(NaN);
      attG.push(a);
      pgg.push(pgOf.get(g)!);
      rowPsi.push(ps);
      rows.push({ term: `group:${g}`, e: g, estimate: a, stdError: cleanSE(inference.se(ps)) });
    }
    overallEst = pgWeightedMean(attG, pgg, glist.map((_, k) => k));
    const stacked = pool!;
    const idx = glist.map((_, k) => k);
    overallPsi = weightedInfluence(stacked, n, idx, Float64Array.from(attG), Float64Array.from(pgg), Int32Array.from(idx), rowWeight, rowSlot, nSlots, true, undefined, undefined, runs);
  } else if (type === 'dynamic') {
    const maxTPos = Math.max(...tPos);
    const t2orig = (q: number): number => union[q - 1]!;
    const includeBalanced = new Array<boolean>(p).fill(true);
    let eseq: number[];
    if (balanceE !== undefined) {
      for (let c = 0; c < p; c++) includeBalanced[c] = t2orig(maxTPos) - group[c]! >= balanceE;
      eseq = [...new Set(time.map((t, c) => t - group[c]!).filter((_, c) => includeBalanced[c]))].sort((a, b) => a - b);
      eseq = eseq.filter((e) => e <= balanceE && e >= balanceE - t2orig(maxTPos) + t2orig(1));
    } else {
      eseq = [...new Set(time.map((t, c) => t - group[c]!))].sort((a, b) => a - b);
    }
    eseq = eseq.filter((e) => e >= minE && e <= maxE);
    if (eseq.length === 0) {
      throw new CausalPanelError('invalid_option', `${FN}: no event times fall within the requested window (minE ${minE}, maxE ${maxE})`, { fn: FN, option: 'minE' });
    }
    const attE: number[] = [];
    const whichOf = eseq.map((e) => {
      const which: number[] = [];
      for (let c = 0; c < p; c++) if (time[c]! - group[c]! === e && includeBalanced[c]) which.push(c);
      return which;
    });
    const rowInto = (k: number, into: Float64Array): Float64Array => weightedInfluence(psi, n, whichOf[k]!, att, pg, cellSlot, rowWeight, rowSlot, nSlots, true, into, support, runs);
    const post = eseq.map((e, k) => (e >= 0 ? k : -1)).filter((k) => k >= 0);
    if (inference.pointwiseOnly === true) {
      // no row matrix needed now (10⁵ units × 13 rows: 10 MB): each row through one zeroed
      // column, the overall's Σ_k ψ_k/K added as in meanOfColumns (from +0, post rows in order),
      // and the matrix rebuilt by the same calls if the result is asked for it
      const scratch = new Float64Array(n);
      const acc = post.length > 0 ? new Float64Array(n) : undefined;
      const K = post.length;
      eseq.forEach((e, k) => {
        if (k > 0) scratch.fill(0);
        const ps = rowInto(k, scratch);
        attE.push(pgWeightedMean(att, pg, whichOf[k]!));
        rows.push({ term: `event:${e}`, e, estimate: attE[k]!, stdError: cleanSE(inference.se(ps)) });
        if (acc && e >= 0) addShare(acc, ps, K, n);
      });
      deferredRows = () => {
        const matrix = new Float64Array(n * eseq.length);
        eseq.forEach((_, k) => rowInto(k, matrix.subarray(k * n, (k + 1) * n)));
        return matrix;
      };
      overallPsi = acc ?? new Float64Array(n).fill(NaN);
    } else {
      eseq.forEach((e, k) => {
        const ps = rowInto(k, rowBuffer(eseq.length, rowPsi.length));
        attE.push(pgWeightedMean(att, pg, whichOf[k]!));
        rowPsi.push(ps);
        rows.push({ term: `event:${e}`, e, estimate: attE[k]!, stdError: cleanSE(inference.se(ps)) });
      });
      overallPsi = post.length === 0 ? new Float64Array(n).fill(NaN) : meanOfColumns(rowPsi, post, n);
    }
    if (post.length === 0) {
      overallEst = NaN;
    } else {
      let s = 0;
      for (const k of post) s += attE[k]!;
      overallEst = s / post.length;
    }
  } else {
    const minG = Math.min(...gPos);
    const tlistPos = [...new Set(tPos)];
    const calendar = tlistPos.filter((t1) => t1 >= minG && tPos.some((t, c) => t === t1 && gPos[c]! <= t));
    if (calendar.length === 0) throw new CausalPanelError('invalid_option', `${FN}: no calendar period has a post-treatment ATT(g,t)`, { fn: FN });
    const attT: number[] = [];
    for (const t1 of calendar) {
      const which: number[] = [];
      for (let c = 0; c < p; c++) if (tPos[c] === t1 && gPos[c]! <= tPos[c]!) which.push(c);
      const a = pgWeightedMean(att, pg, which);
      const ps = weightedInfluence(psi, n, which, att, pg, cellSlot, rowWeight, rowSlot, nSlots, true, rowBuffer(calendar.length, rowPsi.length), support, runs);
      const period = union[t1 - 1]!;
      attT.push(a);
      rowPsi.push(ps);
      rows.push({ term: `time:${period}`, e: period, estimate: a, stdError: cleanSE(inference.se(ps)) });
    }
    let s = 0;
    for (const a of attT) s += a;
    overallEst = s / attT.length;
    overallPsi = meanOfColumns(rowPsi, rowPsi.map((_, k) => k), n);
  }

  const overallSE = cleanSE(inference.se(overallPsi));
  return new AttgtAggregate({
    type,
    overall: { estimate: overallEst, stdError: overallSE },
    rows,
    rowInfluence: deferredRows ?? pool ?? new Float64Array(0),
    overallInfluence: overallPsi,
    n,
    nobs: cellsIn.nobs ?? n,
    level: params.level,
    inference,
    notes,
    standardize: aggregationSigma(cellsIn, params.standardize),
    sampleSizes: cellsIn.sampleSizes ?? sampleSizesOf(cellsIn.cohort),
  });
}
