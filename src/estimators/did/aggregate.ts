/**
 * Aggregation of group-time ATT(g,t)s into summary effects (Callaway & Sant'Anna 2021, §3.1.1):
 * `simple` (post-treatment cells weighted by group size), `dynamic` (event time e = t − g),
 * `group` (average post-treatment effect of each cohort) and `calendar` (each period).
 *
 * Reimplements did 2.5.1's `compute.aggte`: weights are the cohort shares pg = mean(wᵢ·1{Gᵢ = g}),
 * and because they are estimated, every weighted aggregate adds did's "weight influence function"
 * (`wif`) to the combined influence function. Window selection (`group <= t <= group + max_e`) is
 * done, as in did, on the positions of periods in the sorted union of periods and cohorts.
 * Standard errors come from the aggregated influence function (`sqrt(mean(ψ²)/n)`) or from the
 * multiplier bootstrap when the ATT(g,t)s were bootstrapped.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { waldInference } from '../../inference/intervals.js';
import type { Estimate } from '../../estimate.js';

/** Aggregation types (did's `aggte(type =)`). */
export type AggregationType = 'simple' | 'dynamic' | 'group' | 'calendar';

/** Options of `aggregate` (did's `min_e`, `max_e`, `balance_e`, `na.rm`). */
export interface AggregateOptions {
  /** Smallest event time kept (dynamic). */
  minE?: number;
  /** Largest event time kept (dynamic; also limits post periods in simple/group as did). */
  maxE?: number;
  /** Keep only cohorts observed for at least this many periods after treatment (dynamic). */
  balanceE?: number;
  /** Drop ATT(g,t)s that could not be estimated instead of failing (did's `na.rm`). */
  naRm?: boolean;
}

/** How standard errors and critical values are formed for influence functions. */
export interface AggregationInference {
  /** SE of one quantity from its n-vector influence function. */
  se(psi: Float64Array): number;
  /** Critical value for the rows (pointwise normal, or sup-t from the bootstrap), given the n×p row influence functions. */
  critical(psi: Float64Array, p: number): number;
}

/** What aggregation needs from an `attgt` fit. */
export interface AttgtCells {
  /** Cohort of each ATT(g,t) cell. */
  group: Float64Array;
  /** Period of each cell. */
  time: Float64Array;
  att: Float64Array;
  /** n×p column-major influence functions of the cells. */
  influence: Float64Array;
  n: number;
  /** Normalised sampling weight of each influence-function row (unit or observation). */
  weights: Float64Array;
  /** Cohort of each row (Infinity = never treated). */
  cohort: Float64Array;
  /** The treated cohorts (did's glist), increasing. */
  groups: Float64Array;
  /** The periods (did's tlist), increasing. */
  periods: Float64Array;
  level: number;
  inference: AggregationInference;
  /**
   * Optional, per cell: row ranges [start₀, end₀, start₁, end₁, …) outside which the cell's
   * influence column is exactly 0 (its 2×2 sample), so that aggregation skips the other rows.
   * Same results as without (only zero terms are skipped); undefined = all rows.
   */
  support?: readonly (Int32Array | undefined)[];
}

/** One aggregated row: an {@link Estimate} with its event time, cohort or period `e`. */
export type AggregateRow = Estimate & { e: number };

/** Result of an aggregation. */
export interface AttgtAggregate {
  type: AggregationType;
  overall: Estimate;
  rows: AggregateRow[];
  /** Critical value used for the rows' intervals. */
  criticalValue: number;
  notes: Note[];
  /** n×p influence functions of the rows (p = rows.length), column-major. */
  influence(): Float64Array;
  /** Influence function of the overall effect (length n). */
  overallInfluence(): Float64Array;
  tidy(): Estimate[];
  summary(): string;
  toJSON(): object;
}

const FN = 'aggregate';
const SE_ZERO = Math.sqrt(2.220446049250313e-16) * 10;

function cleanSE(se: number): number {
  return se <= SE_ZERO ? NaN : se;
}

/** Σ att·pg / Σ pg over `cells`, summed in the order given (did's group-size-weighted mean). */
function pgWeightedMean(att: ArrayLike<number>, pg: ArrayLike<number>, cells: readonly number[]): number {
  let s = 0;
  let spg = 0;
  for (const c of cells) {
    s += att[c]! * pg[c]!;
    spg += pg[c]!;
  }
  return s / spg;
}

/**
 * The influence function of Σⱼ wⱼ θⱼ (wⱼ = pgⱼ/Σpg over `cells`) including did's `wif` term for the
 * estimated weights: ψ = Σⱼ ψⱼ wⱼ + Σⱼ θⱼ ∂wⱼ.
 */
function weightedInfluence(
  psi: Float64Array,
  n: number,
  cells: readonly number[],
  att: Float64Array,
  pg: Float64Array,
  cellSlot: Int32Array,
  rowWeight: Float64Array,
  rowSlot: Int32Array,
  nSlots: number,
  withWif: boolean,
  into?: Float64Array,
  support?: readonly (Int32Array | undefined)[],
): Float64Array {
  let spg = 0;
  let sAttPg = 0;
  for (const c of cells) {
    spg += pg[c]!;
    sAttPg += att[c]! * pg[c]!;
  }
  const out = into ?? new Float64Array(n);
  const m = cells.length;
  const offsets = Int32Array.from(cells, (c) => c * n);
  const wgts = Float64Array.from(cells, (c) => pg[c]! / spg);
  let finiteWeights = true;
  for (let j = 0; j < m; j++) if (!Number.isFinite(wgts[j]!)) finiteWeights = false;
  if (support && finiteWeights && cells.every((c) => support[c] !== undefined)) {
    // one pass per cell over its support only, in cell order: for every row the same additions
    // in the same order as the row loop below, minus the terms ψ = 0 outside the support (adding
    // a ±0 product to a sum that starts at +0 never changes its bits)
    for (let j = 0; j < m; j++) {
      const ranges = support[cells[j]!]!;
      const o = offsets[j]!;
      const wgt = wgts[j]!;
      for (let q = 0; q < ranges.length; q += 2) addScaled(out, psi, o, wgt, ranges[q]!, ranges[q + 1]!);
    }
  } else if (m === 1) {
    const o = offsets[0]!;
    const wgt = wgts[0]!;
    for (let i = 0; i < n; i++) out[i] += psi[o + i]! * wgt;
  } else {
    // one pass over the rows, the cells inner (same additions in the same order as a pass per
    // cell, without re-reading and re-writing `out` m times)
    for (let i = 0; i < n; i++) {
      let sum = out[i]!;
      for (let j = 0; j < m; j++) sum += psi[offsets[j]! + i]! * wgts[j]!;
      out[i] = sum;
    }
  }
  if (!withWif) return out;
  // did's wif: wif_k(i) = (wᵢ1{Gᵢ=g_k} − pg_k)/Spg − (Σ_k' (wᵢ1{Gᵢ=g_k'} − pg_k'))·pg_k/Spg², and
  // Σ_k θ_k wif_k(i) depends on row i only through its cohort slot: with m(s) = #cells of cohort s
  // and a(s) = Σ θ over those cells, it is (wᵢa(sᵢ) − Σθpg)/Spg − (wᵢm(sᵢ) − Spg)·Σθpg/Spg².
  const count = new Float64Array(nSlots);
  const attSum = new Float64Array(nSlots);
  for (const c of cells) {
    const slot = cellSlot[c]!;
    count[slot]++;
    attSum[slot] += att[c]!;
  }
  const spg2 = spg * spg;
  for (let i = 0; i < n; i++) {
    const slot = rowSlot[i]!;
    const wi = rowWeight[i]!;
    const cSum = (slot >= 0 ? count[slot]! * wi : 0) - spg;
    const cAtt = (slot >= 0 ? attSum[slot]! * wi : 0) - sAttPg;
    out[i] += cAtt / spg - (cSum * sAttPg) / spg2;
  }
  return out;
}

/** out[i] += ψ[o + i]·wgt for i in [a, b). */
function addScaled(out: Float64Array, psi: Float64Array, o: number, wgt: number, a: number, b: number): void {
  for (let i = a; i < b; i++) out[i] += psi[o + i]! * wgt;
}

/**
 * Σ_k v_k/K over the columns `which` (K = which.length), row by row: the same additions in the
 * same order as one pass per column, in a single pass.
 */
function meanOfColumns(columns: readonly Float64Array[], which: readonly number[], n: number): Float64Array {
  const out = new Float64Array(n);
  const K = which.length;
  const cols = which.map((k) => columns[k]!);
  if (K === 1) {
    const v = cols[0]!;
    for (let i = 0; i < n; i++) out[i] = 0 + v[i]! / K;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += cols[k]![i]! / K;
    out[i] = sum;
  }
  return out;
}

function estimateOf(term: string, estimate: number, se: number, critical: number, level: number): Estimate {
  const w = waldInference(estimate, se, { kind: 'normal' }, level);
  return {
    term,
    estimate,
    stdError: se,
    statistic: w.statistic,
    pValue: w.pValue,
    confLow: estimate - critical * se,
    confHigh: estimate + critical * se,
  };
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

function fmt(x: number): string {
  return Number.isNaN(x) ? 'NA' : x.toPrecision(6);
}

/**
 * Aggregates ATT(g,t) cells into `simple`, `dynamic`, `group` or `calendar` effects, as did's `aggte`.
 *
 * @throws {CausalPanelError} `invalid_option` for an unknown type, missing ATT(g,t)s without
 *   `naRm`, or an empty event-time window
 * @example
 * const fit = attgt({ data, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * aggregateAttgt(fit.cells(), 'dynamic').overall.estimate; // ≈ −0.0772 (did 2.5.1, mpdta)
 */
export function aggregateAttgt(cellsIn: AttgtCells, type: AggregationType, options: AggregateOptions = {}): AttgtAggregate {
  if (!['simple', 'dynamic', 'group', 'calendar'].includes(type)) {
    throw new CausalPanelError('invalid_option', `${FN}: type must be 'simple', 'dynamic', 'group' or 'calendar' (${JSON.stringify(type)})`, { fn: FN, option: 'type', value: type });
  }
  const minE = options.minE ?? -Infinity;
  const maxE = options.maxE ?? Infinity;
  const balanceE = options.balanceE;
  for (const [name, v] of [['minE', minE], ['maxE', maxE]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new CausalPanelError('invalid_option', `${FN}: ${name} must be a number (${v})`, { fn: FN, option: name, value: v });
  }
  if (balanceE !== undefined && !(Number.isInteger(balanceE) && balanceE >= 0)) {
    throw new CausalPanelError('invalid_option', `${FN}: balanceE must be a non-negative integer (${balanceE})`, { fn: FN, option: 'balanceE', value: balanceE });
  }
  const notes: Note[] = [];
  const { n, influence: psiAll, level, inference } = cellsIn;
  // drop cells that could not be estimated (did: error unless na.rm = TRUE)
  let keep: number[] = [];
  for (let j = 0; j < cellsIn.att.length; j++) if (!Number.isNaN(cellsIn.att[j]!)) keep.push(j);
  if (keep.length < cellsIn.att.length) {
    if (!options.naRm) {
      throw new CausalPanelError('invalid_option', `${FN}: ${cellsIn.att.length - keep.length} ATT(g,t) could not be estimated; pass { naRm: true } to drop them`, { fn: FN, option: 'naRm' });
    }
    notes.push({ code: 'missing_estimates_dropped', count: cellsIn.att.length - keep.length });
  }
  if (type === 'group' && options.naRm) {
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
  // typed arrays for everything the row loops read: one representation, no JIT deopts
  const att = Float64Array.from(keep, (j) => cellsIn.att[j]!);
  const support = cellsIn.support ? keep.map((j) => cellsIn.support![j]) : undefined;
  // the cell influence matrix is read-only here: copy only when cells were dropped
  let psi = psiAll;
  if (p < cellsIn.att.length) {
    psi = new Float64Array(n * p);
    keep.forEach((j, c) => psi.set(psiAll.subarray(j * n, (j + 1) * n), c * n));
  }

  // positions in the sorted union of periods and cohorts (did's t2orig / orig2t), 0 = never treated
  const glistOrig = type === 'group' || options.naRm ? [...new Set(group)].sort((a, b) => a - b) : Array.from(cellsIn.groups);
  const union = [...new Set([...Array.from(cellsIn.periods), ...glistOrig])].sort((a, b) => a - b);
  const pos = new Map<number, number>();
  union.forEach((v, i) => pos.set(v, i + 1));
  const toPos = (v: number): number => (Number.isFinite(v) ? pos.get(v) ?? NaN : 0);
  const tPos = time.map(toPos);
  const gPos = group.map(toPos);

  // cohort slot (position in glist) of every row, −1 = never treated or not aggregated; rows of a
  // cohort are usually adjacent, so the last lookup is memoised
  const slotOf = new Map<number, number>();
  glistOrig.forEach((g, s) => slotOf.set(g, s));
  const nSlots = glistOrig.length;
  const rowWeight = cellsIn.weights;
  const rowGroupOrig = cellsIn.cohort;
  const rowSlot = new Int32Array(n);
  let lastValue = NaN;
  let lastSlot = -1;
  for (let i = 0; i < n; i++) {
    const v = rowGroupOrig[i]!;
    if (v !== lastValue) {
      lastValue = v;
      lastSlot = slotOf.get(v) ?? -1;
    }
    rowSlot[i] = lastSlot;
  }
  // cohort shares pg = mean(w · 1{G = g})
  const pgSlot = new Float64Array(nSlots);
  for (let i = 0; i < n; i++) if (rowSlot[i]! >= 0) pgSlot[rowSlot[i]!] += rowWeight[i]!;
  for (let s2 = 0; s2 < nSlots; s2++) pgSlot[s2] = pgSlot[s2]! / n;
  const pgOf = new Map<number, number>();
  glistOrig.forEach((g, s2) => pgOf.set(g, pgSlot[s2]!));
  const pg = Float64Array.from(group, (g) => pgOf.get(g)!);
  const cellSlot = Int32Array.from(group, (g) => slotOf.get(g) ?? -1);

  const rows: AggregateRow[] = [];
  const rowPsi: Float64Array[] = [];
  // the rows' influence functions live side by side in one n × rows matrix (no copies)
  let pool: Float64Array | null = null;
  const rowBuffer = (count: number, k: number): Float64Array => {
    pool ??= new Float64Array(n * count);
    return pool.subarray(k * n, (k + 1) * n);
  };
  let overallEst: number;
  let overallPsi: Float64Array;
  const normalCrit = (): number => inference.critical(new Float64Array(0), 0);

  if (type === 'simple') {
    const keepers: number[] = [];
    for (let c = 0; c < p; c++) if (gPos[c]! <= tPos[c]! && tPos[c]! <= gPos[c]! + maxE) keepers.push(c);
    if (keepers.length === 0) throw new CausalPanelError('invalid_option', `${FN}: no post-treatment ATT(g,t) to aggregate`, { fn: FN });
    overallEst = pgWeightedMean(att, pg, keepers);
    overallPsi = weightedInfluence(psi, n, keepers, att, pg, cellSlot, rowWeight, rowSlot, nSlots, true, undefined, support);
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
      rows.push({ ...estimateOf(`group:${g}`, a, cleanSE(inference.se(ps)), NaN, level), e: g });
    }
    overallEst = pgWeightedMean(attG, pgg, glist.map((_, k) => k));
    const stacked = pool!;
    const idx = glist.map((_, k) => k);
    overallPsi = weightedInfluence(stacked, n, idx, Float64Array.from(attG), Float64Array.from(pgg), Int32Array.from(idx), rowWeight, rowSlot, nSlots, true);
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
    for (const e of eseq) {
      const which: number[] = [];
      for (let c = 0; c < p; c++) if (time[c]! - group[c]! === e && includeBalanced[c]) which.push(c);
      const a = pgWeightedMean(att, pg, which);
      const ps = weightedInfluence(psi, n, which, att, pg, cellSlot, rowWeight, rowSlot, nSlots, true, rowBuffer(eseq.length, rowPsi.length), support);
      attE.push(a);
      rowPsi.push(ps);
      rows.push({ ...estimateOf(`event:${e}`, a, cleanSE(inference.se(ps)), NaN, level), e });
    }
    const post = eseq.map((e, k) => (e >= 0 ? k : -1)).filter((k) => k >= 0);
    if (post.length === 0) {
      overallEst = NaN;
      overallPsi = new Float64Array(n).fill(NaN);
    } else {
      let s = 0;
      for (const k of post) s += attE[k]!;
      overallEst = s / post.length;
      overallPsi = meanOfColumns(rowPsi, post, n);
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
      const ps = weightedInfluence(psi, n, which, att, pg, cellSlot, rowWeight, rowSlot, nSlots, true, rowBuffer(calendar.length, rowPsi.length), support);
      const period = union[t1 - 1]!;
      attT.push(a);
      rowPsi.push(ps);
      rows.push({ ...estimateOf(`time:${period}`, a, cleanSE(inference.se(ps)), NaN, level), e: period });
    }
    let s = 0;
    for (const a of attT) s += a;
    overallEst = s / attT.length;
    overallPsi = meanOfColumns(rowPsi, rowPsi.map((_, k) => k), n);
  }

  // intervals for the rows: pointwise normal, or the bootstrap sup-t value for uniform bands
  const stackedRows: Float64Array = pool ?? new Float64Array(0);
  const crit = rows.length > 0 ? inference.critical(stackedRows, rowPsi.length) : normalCrit();
  for (const r of rows) {
    r.confLow = r.estimate - crit * r.stdError;
    r.confHigh = r.estimate + crit * r.stdError;
  }
  const overall = estimateOf('ATT', overallEst, cleanSE(inference.se(overallPsi)), normalCrit(), level);
  const finalOverallPsi = overallPsi;

  const result: AttgtAggregate = {
    type,
    overall,
    rows,
    criticalValue: crit,
    notes,
    influence: () => Float64Array.from(stackedRows),
    overallInfluence: () => Float64Array.from(finalOverallPsi),
    tidy: () => [{ ...overall }, ...rows.map(({ e: _e, ...est }) => ({ ...est }))],
    summary: () => {
      const label = type === 'dynamic' ? 'Event time' : type === 'group' ? 'Group' : type === 'calendar' ? 'Time' : '';
      const lines = [`Aggregate ATT (${type}), as did::aggte`, ''];
      lines.push(`Overall ATT: ${fmt(overall.estimate)}  (SE ${fmt(overall.stdError)}; ${Math.round(level * 100)}% CI ${fmt(overall.confLow)}, ${fmt(overall.confHigh)})`);
      if (rows.length > 0) {
        lines.push('', [pad(label, 10), pad('Estimate', 13), pad('Std. Error', 13), pad('CI low', 13), pad('CI high', 13)].join(' '));
        for (const r of rows) lines.push([pad(String(r.e), 10), pad(fmt(r.estimate), 13), pad(fmt(r.stdError), 13), pad(fmt(r.confLow), 13), pad(fmt(r.confHigh), 13)].join(' '));
      }
      return lines.join('\n');
    },
    toJSON: () =>
      JSON.parse(
        JSON.stringify({ kind: 'AttgtAggregate', type, overall, rows, criticalValue: crit, notes }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
      ) as object,
  };
  // Node's util.inspect hook: logging an aggregate shows its summary, as every other result.
  Object.defineProperty(result, Symbol.for('nodejs.util.inspect.custom'), { value: () => result.summary(), enumerable: false });
  return result;
}
