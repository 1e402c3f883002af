/**
 * Callaway & Sant'Anna (2021) group-time average treatment effects ATT(g,t) for staggered
 * adoption, "Difference-in-Differences with multiple time periods", J. Econometrics 225(2).
 *
 * Reimplements did 2.5.1's `att_gt` (faster_mode path: `pre_process_did2`, `compute.att_gt2`;
 * https://github.com/bcallaway11/did/tree/master/R): every ATT(g,t) is a 2×2 DiD between cohort g
 * and the comparison group (never-treated, or not-yet-treated by period max(t, base) + anticipation),
 * with base period g − 1 − anticipation for post-treatment cells and t − 1 (`varying`) or
 * g − 1 − anticipation (`universal`) for pre-treatment cells. The 2×2 blocks are DRDID's
 * estimators (`drdid.ts`); covariates and sampling weights are taken from the earlier of the two
 * periods. Each cell's influence function is rescaled by n/n₁ (n₁ = units in the 2×2) and stored
 * in an n × p matrix; SE = sqrt(mean(ψ²)/n), pointwise intervals use the normal quantile, and the
 * pre-test is did's Wald statistic n·θᵀV⁻¹θ over pre-treatment cells (χ² with as many df).
 *
 * Data handling follows did: cohort 0 / missing / Infinity = never treated; cohorts beyond the
 * last period (+ anticipation) count as never treated; units treated in the first period are
 * dropped (noted); panels are balanced by dropping units with gaps (noted).
 *
 * Performance: the panel is reshaped once into unit × period `Float64Array`s with units sorted by
 * (cohort, id), so every treated or comparison group is a contiguous range; the logit propensity
 * score is fitted once per (cohort, comparison set, covariate period) and reused across periods
 * (it does not depend on t when covariates and weights are time-invariant — did refits it, with
 * identical results).
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import { toFrame } from '../../data/fromInput.js';
import type { Frame } from '../../data/frame.js';
import { indexPanel, type PanelBounds } from '../../data/panel.js';
import { chisqUpper, normalQuantile } from '../../numerics/distributions.js';
import { invertSymmetric } from '../../numerics/cholesky.js';
import { influenceSE } from '../../inference/influence.js';
import { multiplierBootstrap } from '../../inference/bootstrap.js';
import { waldInference } from '../../inference/intervals.js';
import type { Estimate } from '../../estimate.js';
import { renderSummary } from '../../report/summary.js';
import { controlXpxInverse, drdidPanel, normalizeWeights, drdidRc, fitPropensity, type PropensityFit, type TwoByTwo } from './drdid.js';
import { aggregateAttgt, type AggregateOptions, type AggregationInference, type AggregationType, type AttgtAggregate, type AttgtCells } from './aggregate.js';
import { validateAttgt, type AttgtOptions, type AttgtParams } from './validateAttgt.js';

export type { AttgtOptions, AttgtParams } from './validateAttgt.js';

const FN = 'attgt';
const SE_ZERO = Math.sqrt(2.220446049250313e-16) * 10;

/** One ATT(g,t). */
export interface AttgtRow {
  group: number;
  time: number;
  att: number;
  stdError: number;
  confLow: number;
  confHigh: number;
  /** True for post-treatment cells (group ≤ time). */
  post: boolean;
}

/** did's Wald pre-test of parallel trends over the pre-treatment ATT(g,t)s. */
export interface AttgtPretest {
  statistic: number;
  df: number;
  pValue: number;
}

/** Result of {@link attgt}. */
export interface AttgtResult {
  rows: AttgtRow[];
  /** p-value of the pre-test (NaN when it cannot be computed: no pre-periods or singular vcov). */
  pretestPValue: number;
  pretest: AttgtPretest;
  /** Critical value of the row intervals (normal quantile, or the bootstrap sup-t value). */
  criticalValue: number;
  /** Observations (rows) used. */
  nobs: number;
  /** Units (panel) or observations (repeated cross-sections): the rows of `influence()`. */
  n: number;
  /** Row labels of `influence()`: unit ids (panel) or 0-based input rows (cross-sections). */
  ids: (number | string)[];
  notes: Note[];
  params: AttgtParams;
  /** Aggregates the ATT(g,t)s, as did's `aggte`. */
  aggregate(type: AggregationType, options?: AggregateOptions): AttgtAggregate;
  /** n×p influence functions (column-major), as did's `inffunc`. */
  influence(): Float64Array;
  /** p×p variance matrix of the ATT(g,t)s (ΨᵀΨ/n²), as rows of numbers. */
  vcov(): number[][];
  /** The inputs aggregation works from. */
  cells(): AttgtCells;
  tidy(): Estimate[];
  summary(): string;
  toJSON(): object;
}

/** A copy with non-finite numbers replaced by null (JSON cannot carry NaN). */
function jsonNumbers<T extends object>(row: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  return out;
}

interface Cell {
  group: number;
  time: number;
  att: number;
  post: boolean;
  /** Universal-base normalisation cell (att 0 by construction). */
  reference: boolean;
}

interface Prepared {
  n: number;
  nobs: number;
  ids: (number | string)[];
  periods: Float64Array;
  glist: Float64Array;
  /** Cohort per influence row (Infinity = never). */
  cohort: Float64Array;
  /** Normalised weight per influence row (for pg). */
  weights: Float64Array;
  notes: Note[];
}

interface PanelData extends Prepared {
  kind: 'panel';
  /** n × T outcome matrix, column-major by period. */
  Y: Float64Array;
  /** Covariate matrices n × T per covariate. */
  Xs: Float64Array[];
  covariatesInvariant: boolean;
  /** n × T weights. */
  W: Float64Array | undefined;
  weightsInvariant: boolean;
  /** Start of each cohort's unit range; units are sorted by cohort. */
  cohortStart: Map<number, number>;
  cohortEnd: Map<number, number>;
}

interface RcData extends Prepared {
  kind: 'rc';
  y: Float64Array;
  period: Int32Array;
  /** n × k design (intercept + covariates). */
  X: Float64Array;
  k: number;
  w: Float64Array | undefined;
}

/** did's cohort coding: 0, missing and Infinity mean never treated (Infinity). */
function cohortCode(v: number): number {
  return Number.isNaN(v) || v === 0 ? Infinity : v;
}

function isInteger(x: number): boolean {
  return Number.isFinite(x) && Math.floor(x) === x;
}

interface Columns {
  y: Float64Array;
  t: Float64Array;
  /** The cohort column as given (validated: 0 / missing / Infinity or a non-negative integer). */
  gRaw: Float64Array;
  /** Cohort per input row with 0 / missing coded as Infinity (built on first use). */
  g: () => Float64Array;
  xs: Float64Array[];
  w: Float64Array | undefined;
  unitCol: Float64Array | readonly (string | null)[] | undefined;
  keep: Int32Array;
  notes: Note[];
  /** Last period among complete rows. */
  tMax: number;
  /** Whether a complete row has cohort 0 / missing / Infinity. */
  anyNever: boolean;
  /** Largest finite cohort among complete rows. */
  gMaxFinite: number;
  /** Ranges of the complete rows' (integer) times and numeric unit ids, for indexPanel. */
  bounds: PanelBounds;
}

/** Reads and checks the columns; drops rows with a missing value (noted). */
function readColumns(frame: Frame, p: AttgtParams): Columns {
  const y = frame.numeric(p.outcome, FN);
  const t = frame.numeric(p.time, FN);
  const gRaw = frame.numeric(p.cohort, FN);
  const xs = p.covariates.map((c) => frame.numeric(c, FN));
  const w = p.weights !== undefined ? frame.numeric(p.weights, FN) : undefined;
  const unitCol = p.panel && p.unit !== undefined ? frame.column(p.unit, FN) : undefined;
  const unitNum = unitCol instanceof Float64Array ? unitCol : undefined;
  const unitText = unitCol && !(unitCol instanceof Float64Array) ? unitCol : undefined;
  const nrow = frame.nrow;
  const byColumn: Record<string, number> = Object.create(null);
  const bump = (name: string): void => {
    byColumn[name] = (byColumn[name] ?? 0) + 1;
  };
  // one pass: completeness, then (for complete rows) integer time, cohort coding and the range
  // facts `prepare` needs (last period, presence of never-treated units, latest cohort)
  const keepAll = new Int32Array(nrow);
  let m = 0;
  let tMax = -Infinity;
  // ranges of the complete rows' times and unit ids, so that indexPanel can skip its range pass
  let tMin = Infinity;
  let uLo = Infinity;
  let uHi = -Infinity;
  let uInteger = true;
  let anyNever = false;
  let gMaxFinite = -Infinity;
  const x0 = xs.length > 0 ? xs[0]! : undefined;
  for (let i = 0; i < nrow; i++) {
    const ti = t[i]!;
    // Fast screen: the sum of the row's numeric values is finite iff every one is (a NaN or ±∞
    // propagates; a finite sum cannot overflow unless a value exceeds ~1e307, which only sends
    // the row to the exact per-column check below).
    let sum = y[i]! + ti;
    if (x0) sum += x0[i]!;
    for (let j = 1; j < xs.length; j++) sum += xs[j]![i]!;
    if (w) sum += w[i]!;
    if (unitNum) sum += unitNum[i]!;
    if (sum - sum !== 0 || (unitText && (unitText[i] === null || unitText[i] === undefined))) {
      let ok = true;
      if (!Number.isFinite(y[i]!)) (bump(p.outcome), (ok = false));
      if (!Number.isFinite(ti)) (bump(p.time), (ok = false));
      for (let j = 0; j < xs.length; j++) if (!Number.isFinite(xs[j]![i]!)) (bump(p.covariates[j]!), (ok = false));
      if (w && !Number.isFinite(w[i]!)) (bump(p.weights!), (ok = false));
      if (unitNum && !Number.isFinite(unitNum[i]!)) (bump(p.unit!), (ok = false));
      if (unitText && (unitText[i] === null || unitText[i] === undefined)) (bump(p.unit!), (ok = false));
      if (!ok) continue;
    }
    keepAll[m++] = i;
    if (Math.floor(ti) !== ti) {
      throw new CausalPanelError('invalid_option', `${FN}: time column "${p.time}" must hold integer periods (row ${i + 1}: ${ti})`, { fn: FN, column: p.time, row: i, value: ti });
    }
    if (ti > tMax) tMax = ti;
    if (ti < tMin) tMin = ti;
    if (unitNum) {
      const u = unitNum[i]!;
      if (u < uLo) uLo = u;
      if (u > uHi) uHi = u;
      if (uInteger && Math.floor(u) !== u) uInteger = false;
    }
    const v = gRaw[i]!;
    if (Number.isNaN(v) || v === 0 || v === Infinity) {
      anyNever = true;
    } else if (!isInteger(v) || v < 0) {
      throw new CausalPanelError('invalid_option', `${FN}: cohort column "${p.cohort}" must be 0 (never treated) or a non-negative integer period (row ${i + 1}: ${v})`, { fn: FN, column: p.cohort, row: i, value: v });
    } else {
      if (v > gMaxFinite) gMaxFinite = v;
    }
    if (w && w[i]! < 0) throw new CausalPanelError('invalid_option', `${FN}: weights must be non-negative (row ${i + 1}: ${w[i]})`, { fn: FN, column: p.weights, row: i, value: w[i] });
  }
  const keep = keepAll.subarray(0, m);
  const notes: Note[] = [];
  if (m < nrow) notes.push({ code: 'rows_dropped_missing', count: nrow - m, byColumn });
  if (m === 0) throw new CausalPanelError('no_rows_left', `${FN}: no rows left after removing missing values (${nrow} rows)`, { fn: FN });
  const bounds: PanelBounds = { tLo: tMin, tHi: tMax, tInteger: true, uLo, uHi, uInteger };
  // the coded cohort column is only materialised by the paths that need it (the direct panel
  // coding reads gRaw through cohortCode)
  let g: Float64Array | undefined;
  const coded = (): Float64Array => {
    if (!g) {
      g = new Float64Array(nrow);
      for (let i = 0; i < nrow; i++) g[i] = cohortCode(gRaw[i]!);
    }
    return g;
  };
  return { y, t, gRaw, g: coded, xs, w, unitCol, keep, notes, tMax, anyNever, gMaxFinite, bounds };
}

/** Rows of `keep` for which `test(row)` holds, as a new Int32Array. */
function filterRows(keep: Int32Array, test: (row: number) => boolean): Int32Array {
  const out = new Int32Array(keep.length);
  let m = 0;
  for (let r = 0; r < keep.length; r++) if (test(keep[r]!)) out[m++] = keep[r]!;
  return out.slice(0, m);
}

function prepare(frame: Frame, p: AttgtParams): PanelData | RcData {
  const cols = readColumns(frame, p);
  const notes = cols.notes;
  let keep = cols.keep;
  const { t } = cols;

  // weights normalised to mean 1 over the complete rows (did normalises before any other filter)
  let w: Float64Array | undefined;
  if (cols.w) {
    let s = 0;
    for (let r = 0; r < keep.length; r++) s += cols.w[keep[r]!]!;
    const mean = s / keep.length;
    if (!(mean > 0)) throw new CausalPanelError('invalid_option', `${FN}: weights must have a positive mean (${mean})`, { fn: FN, column: p.weights, value: mean });
    w = new Float64Array(frame.nrow);
    for (let r = 0; r < keep.length; r++) w[keep[r]!] = cols.w[keep[r]!]! / mean;
  }

  // cohorts after the last period (+ anticipation) behave as never treated
  const lastTreat = cols.tMax + p.anticipation;
  const hasNever = cols.anyNever || cols.gMaxFinite > lastTreat;
  // without never-treated units every finite cohort is ≤ lastTreat, so the latest is the maximum
  const latest = cols.gMaxFinite;
  const cohortOf = (row: number): number => {
    const c = cohortCode(cols.gRaw[row]!);
    return c > lastTreat ? Infinity : c;
  };
  let dropLatest = false;
  if (!hasNever) {
    if (p.control === 'never') {
      throw new CausalPanelError(
        'no_control_units',
        `${FN}: no never-treated units, so control = 'never' has no comparison group; use control: 'notyet' to compare with not-yet-treated units`,
        { fn: FN, option: 'control', value: p.control },
      );
    }
    // did: keep the periods before the last cohort is treated; that cohort is only a comparison group
    const cutoff = latest - p.anticipation;
    keep = filterRows(keep, (i) => t[i]! < cutoff);
    dropLatest = true;
    notes.push({ code: 'design_adjusted', message: `No never-treated units: periods from ${cutoff} on were dropped and cohort ${latest} serves only as a comparison group (as did).` });
    if (keep.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no periods left before the last cohort is treated`, { fn: FN });
  }
  if (p.panel) return preparePanel(cols, p, keep, lastTreat, w, notes, dropLatest ? latest : Infinity);
  return prepareRc(cols, p, keep, cohortOf, w, notes, dropLatest ? latest : Infinity);
}

/**
 * One pass over the kept rows (its own small function, so that V8 optimises it alone, without
 * the deopt–recompile cycles of a long function's later, not-yet-run code): each unit's cohort
 * (`inconsistent` is called, and must throw, when a unit's cohort changes), the number of periods
 * each unit is observed in, and the first row repeating a (unit, period) (−1 if none).
 */
function cohortsAndCounts(
  keep: Int32Array,
  unitCode: Int32Array,
  periodCode: Int32Array,
  g: Float64Array,
  nU: number,
  nT: number,
  inconsistent: (row: number, unit: number, previous: number, cohort: number) => never,
): { cohortRaw: Float64Array; counts: Int32Array; duplicate: number } {
  const cohortRaw = new Float64Array(nU).fill(NaN);
  const seen = new Uint8Array(nU * nT);
  const counts = new Int32Array(nU);
  let duplicate = -1;
  for (let r = 0; r < keep.length; r++) {
    const row = keep[r]!;
    const c = g[row]!;
    const u = unitCode[r]!;
    const cell = u + periodCode[r]! * nU;
    if (seen[cell] === 1) {
      if (duplicate < 0) duplicate = r;
    } else {
      seen[cell] = 1;
      counts[u]++;
    }
    const prev = cohortRaw[u]!;
    if (prev !== c) {
      if (!Number.isNaN(prev)) inconsistent(row, u, prev, c);
      cohortRaw[u] = c;
    }
  }
  return { cohortRaw, counts, duplicate };
}

/**
 * The scatter pass of {@link preparePanel} (a small function of its own, see
 * {@link cohortsAndCounts}): each kept row of a kept unit (rank ≥ 0) lands in its (unit, period)
 * cell of Y, of every covariate matrix and of W. Returns the number of rows placed.
 */
function scatterRows(
  keep: Int32Array,
  unitCode: Int32Array,
  periodCode: Int32Array,
  rank: Int32Array,
  nU: number,
  y: Float64Array,
  Y: Float64Array,
  xs: Float64Array[],
  Xs: Float64Array[],
  w: Float64Array | undefined,
  W: Float64Array | undefined,
): number {
  let nobs = 0;
  const X0 = Xs[0];
  const x0 = xs[0];
  for (let r = 0; r < keep.length; r++) {
    const u = rank[unitCode[r]!]!;
    if (u < 0) continue;
    nobs++;
    const row = keep[r]!;
    const cell = u + periodCode[r]! * nU;
    Y[cell] = y[row]!;
    if (X0) X0[cell] = x0![row]!;
    for (let j = 1; j < Xs.length; j++) Xs[j]![cell] = xs[j]![row]!;
    if (W) W[cell] = w![row]!;
  }
  return nobs;
}

/**
 * The panel's unit/period coding, as {@link preparePanel} consumes it: per unit code its raw
 * cohort and number of distinct periods, the first position in `keep` repeating a (unit, period),
 * and how to code a row and scatter the rows into unit × period matrices.
 */
interface PanelCoding {
  nU: number;
  nT: number;
  units: (number | string)[];
  periods: Float64Array;
  cohortRaw: Float64Array;
  counts: Int32Array;
  duplicate: number;
  /** Unit code of keep[r]. */
  unitOf(r: number): number;
  /** Period code of keep[r]. */
  periodOf(r: number): number;
  /** Scatters the kept rows of kept units (rank ≥ 0, by unit code) into Y, Xs, W; returns rows placed. */
  scatter(rank: Int32Array, nKept: number, Y: Float64Array, Xs: Float64Array[], W: Float64Array | undefined, w: Float64Array | undefined): number;
}

type Inconsistent = (row: number, unitId: number | string, previous: number, cohort: number) => never;

/** Coding through {@link indexPanel} (any unit ids): code arrays, then the count and scatter passes. */
function codePanelIndexed(cols: Columns, keep: Int32Array, inconsistent: Inconsistent): PanelCoding {
  const index = indexPanel(cols.unitCol!, cols.t, keep, FN, cols.bounds);
  const { unitCode, periodCode } = index;
  const nU = index.nUnits;
  const nT = index.nPeriods;
  const { cohortRaw, counts, duplicate } = cohortsAndCounts(keep, unitCode, periodCode, cols.g(), nU, nT, (row, u, prev, c) => inconsistent(row, index.units[u]!, prev, c));
  return {
    nU,
    nT,
    units: index.units,
    periods: index.periods,
    cohortRaw,
    counts,
    duplicate,
    unitOf: (r) => unitCode[r]!,
    periodOf: (r) => periodCode[r]!,
    scatter: (rank, nKept, Y, Xs, W, w) => scatterRows(keep, unitCode, periodCode, rank, nKept, cols.y, Y, cols.xs, Xs, w, W),
  };
}

/**
 * Coding for integer unit ids and times in compact ranges (the common `1..N` ids): the raw
 * offsets id − min and t − min address the tables directly, so no per-row code arrays are built
 * and the rows are read twice (count, scatter) instead of four times. Same codes, counts and
 * cells as {@link codePanelIndexed} (codes follow the sorted ids and periods). Null when the
 * ranges are not compact.
 */
function codePanelDirect(cols: Columns, keep: Int32Array, inconsistent: Inconsistent): PanelCoding | null {
  const unit = cols.unitCol;
  const b = cols.bounds;
  const m = keep.length;
  if (!(unit instanceof Float64Array) || !b.uInteger || !b.tInteger || m === 0) return null;
  const uRange = b.uHi - b.uLo + 1;
  const tRange = b.tHi - b.tLo + 1;
  if (!(uRange <= 4 * m + 1024 && tRange <= 4096 && uRange * tRange <= 8 * m + 1_000_000)) return null;
  const raw = rawCounts(keep, unit, cols.t, cols.gRaw, b.uLo, b.tLo, uRange, tRange);
  if (raw.inconsistent >= 0) {
    const row = keep[raw.inconsistent]!;
    const ru = unit[row]! - b.uLo;
    inconsistent(row, unit[row]!, raw.cohortRaw[ru]!, cohortCode(cols.gRaw[row]!));
  }
  // codes: present ids / periods in increasing order
  const uSlot = new Int32Array(uRange);
  const units: number[] = [];
  for (let v = 0; v < uRange; v++) {
    if (raw.counts[v]! > 0) {
      uSlot[v] = units.length;
      units.push(v + b.uLo);
    } else uSlot[v] = -1;
  }
  const tSlot = new Int32Array(tRange).fill(-1);
  const periodList: number[] = [];
  for (let v = 0; v < tRange; v++) if (raw.tPresent[v] === 1) (tSlot[v] = periodList.length), periodList.push(v + b.tLo);
  const nU = units.length;
  const cohortRaw = new Float64Array(nU);
  const counts = new Int32Array(nU);
  for (let v = 0; v < uRange; v++) {
    const s = uSlot[v]!;
    if (s >= 0) {
      cohortRaw[s] = raw.cohortRaw[v]!;
      counts[s] = raw.counts[v]!;
    }
  }
  const uLo = b.uLo;
  const tLo = b.tLo;
  const t = cols.t;
  return {
    nU,
    nT: periodList.length,
    units,
    periods: Float64Array.from(periodList),
    cohortRaw,
    counts,
    duplicate: raw.duplicate,
    unitOf: (r) => uSlot[unit[keep[r]!]! - uLo]!,
    periodOf: (r) => tSlot[t[keep[r]!]! - tLo]!,
    scatter: (rank, nKept, Y, Xs, W, w) => {
      // rank by raw offset: one lookup per row
      const rankRaw = new Int32Array(uRange).fill(-1);
      for (let v = 0; v < uRange; v++) if (uSlot[v]! >= 0) rankRaw[v] = rank[uSlot[v]!]!;
      return scatterDirect(keep, unit, t, uLo, tLo, rankRaw, tSlot, nKept, cols.y, Y, cols.xs, Xs, w, W);
    },
  };
}

/**
 * The counting pass of {@link codePanelDirect} (its own function, see {@link cohortsAndCounts}):
 * per raw unit offset the cohort and the number of distinct periods, which period offsets occur,
 * the first position repeating a (unit, period) and the first whose cohort differs from its
 * unit's earlier rows (−1 if none).
 */
function rawCounts(
  keep: Int32Array,
  unit: Float64Array,
  t: Float64Array,
  gRaw: Float64Array,
  uLo: number,
  tLo: number,
  uRange: number,
  tRange: number,
): { cohortRaw: Float64Array; counts: Int32Array; tPresent: Uint8Array; duplicate: number; inconsistent: number } {
  const cohortRaw = new Float64Array(uRange).fill(NaN);
  const counts = new Int32Array(uRange);
  const seen = new Uint8Array(uRange * tRange);
  const tPresent = new Uint8Array(tRange);
  let duplicate = -1;
  for (let r = 0; r < keep.length; r++) {
    const row = keep[r]!;
    const u = unit[row]! - uLo;
    const tt = t[row]! - tLo;
    const cell = u + tt * uRange;
    tPresent[tt] = 1;
    if (seen[cell] === 1) {
      if (duplicate < 0) duplicate = r;
    } else {
      seen[cell] = 1;
      counts[u]++;
    }
    let c = gRaw[row]!;
    if (c !== c || c === 0) c = Infinity; // cohortCode, inlined
    const prev = cohortRaw[u]!;
    if (prev !== c) {
      if (!Number.isNaN(prev)) return { cohortRaw, counts, tPresent, duplicate, inconsistent: r };
      cohortRaw[u] = c;
    }
  }
  return { cohortRaw, counts, tPresent, duplicate, inconsistent: -1 };
}

/** The scatter pass of {@link codePanelDirect} (see {@link scatterRows}). */
function scatterDirect(
  keep: Int32Array,
  unit: Float64Array,
  t: Float64Array,
  uLo: number,
  tLo: number,
  rankRaw: Int32Array,
  tSlot: Int32Array,
  nU: number,
  y: Float64Array,
  Y: Float64Array,
  xs: Float64Array[],
  Xs: Float64Array[],
  w: Float64Array | undefined,
  W: Float64Array | undefined,
): number {
  let nobs = 0;
  const X0 = Xs[0];
  const x0 = xs[0];
  for (let r = 0; r < keep.length; r++) {
    const row = keep[r]!;
    const u = rankRaw[unit[row]! - uLo]!;
    if (u < 0) continue;
    nobs++;
    const cell = u + tSlot[t[row]! - tLo]! * nU;
    Y[cell] = y[row]!;
    if (X0) X0[cell] = x0![row]!;
    for (let j = 1; j < Xs.length; j++) Xs[j]![cell] = xs[j]![row]!;
    if (W) W[cell] = w![row]!;
  }
  return nobs;
}

// The per-unit loops of preparePanel, each a small function of its own (see cohortsAndCounts):
// inside the long function V8 ran them deoptimised.

/** Cohort per unit (after lastTreat → never), and the units treated by `firstLimit` (dropped). */
function unitCohorts(cohortRaw: Float64Array, nU: number, lastTreat: number, firstLimit: number): { cohortU: Float64Array; drop: Uint8Array; early: number } {
  const cohortU = new Float64Array(nU);
  const drop = new Uint8Array(nU);
  let early = 0;
  for (let u = 0; u < nU; u++) {
    const raw = cohortRaw[u]!;
    const c = raw > lastTreat ? Infinity : raw;
    cohortU[u] = c;
    if (Number.isFinite(c) && c <= firstLimit) {
      drop[u] = 1;
      early++;
    }
  }
  return { cohortU, drop, early };
}

/** Marks the units not seen in every period as dropped; returns how many were newly dropped. */
function dropGaps(counts: Int32Array, drop: Uint8Array, nU: number, nT: number): number {
  let gaps = 0;
  for (let u = 0; u < nU; u++) {
    if (counts[u] !== nT && drop[u] === 0) {
      drop[u] = 1;
      gaps++;
    }
  }
  return gaps;
}

/** Distinct cohorts in order of appearance and each unit's index among them (a short scan: cohorts are few). */
function cohortSlots(cohortU: Float64Array, nU: number): { cohortValues: number[]; unitSlot: Int32Array } {
  const cohortValues: number[] = [];
  const unitSlot = new Int32Array(nU);
  for (let u = 0; u < nU; u++) {
    const c = cohortU[u]!;
    let j = 0;
    while (j < cohortValues.length && cohortValues[j] !== c) j++;
    if (j === cohortValues.length) cohortValues.push(c);
    unitSlot[u] = j;
  }
  return { cohortValues, unitSlot };
}

/** bucketCount[slot + 1] += 1 per kept unit; returns the number of kept units. */
function countBuckets(unitSlot: Int32Array, drop: Uint8Array, nU: number, bucketCount: Int32Array): number {
  let nKept = 0;
  for (let u = 0; u < nU; u++) {
    if (drop[u] === 0) {
      bucketCount[unitSlot[u]! + 1]++;
      nKept++;
    }
  }
  return nKept;
}

/** Each kept unit's rank in (cohort, id) order, with its cohort and id at that rank. */
function placeUnits(
  drop: Uint8Array,
  unitSlot: Int32Array,
  fillPos: Int32Array,
  cohortU: Float64Array,
  unitIds: readonly (number | string)[],
  nU: number,
  rank: Int32Array,
  cohort: Float64Array,
  ids: (number | string)[],
): void {
  for (let u = 0; u < nU; u++) {
    if (drop[u] === 1) continue;
    const r = fillPos[unitSlot[u]!]!++;
    rank[u] = r;
    cohort[r] = cohortU[u]!;
    ids[r] = unitIds[u]!;
  }
}

/** Whether every period's column of the n × T matrix M equals the first. */
function timeInvariant(M: Float64Array, nU: number, nT: number): boolean {
  for (let tt = 1; tt < nT; tt++) {
    const o = tt * nU;
    for (let u = 0; u < nU; u++) if (M[o + u] !== M[u]) return false;
  }
  return true;
}

function preparePanel(
  cols: Columns,
  p: AttgtParams,
  keepIn: Int32Array,
  lastTreat: number,
  w: Float64Array | undefined,
  notes: Note[],
  excludeFrom: number,
): PanelData {
  const keep = keepIn;
  // the complete rows' ranges bound those of any subset of them (keep may have been filtered).
  // Cohort per unit; it must not change over time (did: "The treatment must be irreversible").
  // The same pass checks the panel structure (checkBalance's work, fused: one pass over the rows
  // instead of two): a unit seen twice in a period is an error, units with gaps are dropped.
  const inconsistent: Inconsistent = (row, unitId, prev, c) => {
    throw new CausalPanelError(
      'invalid_option',
      `${FN}: column "${p.cohort}" must be constant within each unit (the treatment is irreversible), but unit ${unitId} has ${prev === Infinity ? 0 : prev} and ${c === Infinity ? 0 : c} (row ${row + 1})`,
      { fn: FN, column: p.cohort, row, value: c },
    );
  };
  const coding = codePanelDirect(cols, keep, inconsistent) ?? codePanelIndexed(cols, keep, inconsistent);
  const { cohortRaw, counts, duplicate, periods } = coding;
  let nU = coding.nU;
  const nT = coding.nT;
  // cohorts after the last period (+ anticipation) are never treated within the sample
  // units already treated in the first period have no pre-period: dropped, as did
  const { cohortU, drop, early } = unitCohorts(cohortRaw, nU, lastTreat, periods[0]! + p.anticipation);
  if (early > 0) notes.push({ code: 'units_dropped', count: early, reason: `already treated in the first period${p.anticipation > 0 ? ` (anticipation ${p.anticipation})` : ''}` });
  // a unit seen twice in a period is an error; units with gaps are dropped (did's balancing)
  if (duplicate >= 0) {
    const u = coding.units[coding.unitOf(duplicate)];
    const t = periods[coding.periodOf(duplicate)];
    throw new CausalPanelError('invalid_option', `${FN}: unit ${u} is observed more than once in period ${t}`, { fn: FN, value: u });
  }
  const gaps = dropGaps(counts, drop, nU, nT);
  if (gaps > 0) notes.push({ code: 'units_dropped', count: gaps, reason: 'missing in some periods (panel balanced by dropping them, as did)' });
  // every period must still be observed; otherwise re-index on the remaining rows (rare)
  if (early + gaps > 0) {
    const seenPeriod = new Uint8Array(nT);
    for (let r = 0; r < keep.length; r++) if (drop[coding.unitOf(r)] === 0) seenPeriod[coding.periodOf(r)] = 1;
    if (seenPeriod.some((s) => s === 0)) {
      const kept = filterRowsIndexed(keep, (r) => drop[coding.unitOf(r)] === 0);
      if (kept.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no units left after dropping units treated in the first period or with gaps`, { fn: FN });
      return preparePanel(cols, p, kept, lastTreat, w, notes, excludeFrom);
    }
  }
  // order the kept units by (cohort, id): every cohort is then a contiguous range
  // distinct cohorts are few: a unit's slot is found by a short scan of the sorted values
  const { cohortValues, unitSlot } = cohortSlots(cohortU, nU);
  const order = cohortValues.map((_, j) => j).sort((a, b) => cohortValues[a]! - cohortValues[b]!);
  const rankOfSlot = new Int32Array(cohortValues.length);
  order.forEach((j, r) => (rankOfSlot[j] = r));
  for (let u = 0; u < nU; u++) unitSlot[u] = rankOfSlot[unitSlot[u]!]!;
  cohortValues.sort((a, b) => a - b);
  const bucketCount = new Int32Array(cohortValues.length + 1);
  const nKept = countBuckets(unitSlot, drop, nU, bucketCount);
  if (nKept === 0) throw new CausalPanelError('no_rows_left', `${FN}: no units left after dropping units treated in the first period or with gaps`, { fn: FN });
  for (let j = 1; j < bucketCount.length; j++) bucketCount[j] += bucketCount[j - 1]!;
  const cohortStart = new Map<number, number>();
  const cohortEnd = new Map<number, number>();
  cohortValues.forEach((c, j) => {
    if (bucketCount[j + 1]! > bucketCount[j]!) {
      cohortStart.set(c, bucketCount[j]!);
      cohortEnd.set(c, bucketCount[j + 1]!);
    }
  });
  const rank = new Int32Array(nU).fill(-1);
  const fillPos = bucketCount.slice(0, cohortValues.length);
  const cohort = new Float64Array(nKept);
  const ids: (number | string)[] = new Array(nKept);
  placeUnits(drop, unitSlot, fillPos, cohortU, coding.units, nU, rank, cohort, ids);
  nU = nKept;
  // unit × period matrices (column-major by period)
  const Y = new Float64Array(nU * nT);
  const Xs = cols.xs.map(() => new Float64Array(nU * nT));
  const W = w ? new Float64Array(nU * nT) : undefined;
  // one scatter pass: each kept row lands in its (unit, period) cell of every matrix
  const nobs = coding.scatter(rank, nU, Y, Xs, W, w);
  const invariant = (M: Float64Array): boolean => timeInvariant(M, nU, nT);
  const covariatesInvariant = Xs.every(invariant);
  const weightsInvariant = W ? invariant(W) : true;
  const glist = [...cohortStart.keys()].filter((c) => Number.isFinite(c) && c > periods[0]! + p.anticipation && c < excludeFrom);
  if (glist.length === 0) {
    throw new CausalPanelError('no_treated_units', `${FN}: no treated cohort with a pre-treatment period (cohort column "${p.cohort}": first treated period, 0 = never treated)`, { fn: FN, column: p.cohort });
  }
  checkGroupSizes(cohortStart, cohortEnd, p.covariates.length, p, notes);
  // cohort shares use each unit's first-period weight, as did's time-invariant data
  const weightsU = W ? W.slice(0, nU) : new Float64Array(nU).fill(1);
  return {
    kind: 'panel',
    n: nU,
    nobs,
    ids,
    periods,
    glist: Float64Array.from(glist),
    cohort,
    weights: weightsU,
    notes,
    Y,
    Xs,
    covariatesInvariant,
    W,
    weightsInvariant,
    cohortStart,
    cohortEnd,
  };
}

/** Like filterRows but the test receives the position r in `keep`. */
function filterRowsIndexed(keep: Int32Array, test: (r: number) => boolean): Int32Array {
  const out = new Int32Array(keep.length);
  let m = 0;
  for (let r = 0; r < keep.length; r++) if (test(r)) out[m++] = keep[r]!;
  return out.slice(0, m);
}

function prepareRc(
  cols: Columns,
  p: AttgtParams,
  keepIn: Int32Array,
  cohortOf: (row: number) => number,
  w: Float64Array | undefined,
  notes: Note[],
  excludeFrom: number,
): RcData {
  const t = cols.t;
  let tMin = Infinity;
  for (let r = 0; r < keepIn.length; r++) if (t[keepIn[r]!]! < tMin) tMin = t[keepIn[r]!]!;
  // observations of cohorts treated in the first period are dropped, as did
  const keep = filterRows(keepIn, (i) => {
    const c = cohortOf(i);
    return !(Number.isFinite(c) && c <= tMin + p.anticipation);
  });
  if (keep.length < keepIn.length) notes.push({ code: 'units_dropped', count: keepIn.length - keep.length, reason: 'observations of cohorts already treated in the first period' });
  if (keep.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no rows left after dropping cohorts treated in the first period`, { fn: FN });
  const n = keep.length;
  const periodSet = [...new Set(Array.from(keep, (i) => t[i]!))].sort((a, b) => a - b);
  const periods = Float64Array.from(periodSet);
  const pIndex = new Map<number, number>();
  periodSet.forEach((v, j) => pIndex.set(v, j));
  const nCov = p.covariates.length;
  const k = nCov + 1;
  const y = new Float64Array(n);
  const period = new Int32Array(n);
  const cohort = new Float64Array(n);
  const X = new Float64Array(n * k);
  const wr = w ? new Float64Array(n) : undefined;
  for (let r = 0; r < n; r++) {
    const i = keep[r]!;
    y[r] = cols.y[i]!;
    period[r] = pIndex.get(t[i]!)!;
    cohort[r] = cohortOf(i);
    X[r] = 1;
    for (let j = 0; j < nCov; j++) X[r + (j + 1) * n] = cols.xs[j]![i]!;
    if (wr) wr[r] = w![i]!;
  }
  const counts = new Map<number, number>();
  for (let r = 0; r < n; r++) counts.set(cohort[r]!, (counts.get(cohort[r]!) ?? 0) + 1);
  const glist = [...counts.keys()].filter((c) => Number.isFinite(c) && c > periods[0]! + p.anticipation && c < excludeFrom).sort((a, b) => a - b);
  if (glist.length === 0) {
    throw new CausalPanelError('no_treated_units', `${FN}: no treated cohort with a pre-treatment period (cohort column "${p.cohort}")`, { fn: FN, column: p.cohort });
  }
  // did's size check divides a cohort's observations by the number of periods
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  for (const [c, m] of counts) {
    start.set(c, 0);
    end.set(c, m / periods.length);
  }
  checkGroupSizes(start, end, nCov, p, notes);
  return {
    kind: 'rc',
    n,
    nobs: n,
    ids: Array.from(keep),
    periods,
    glist: Float64Array.from(glist),
    cohort,
    weights: wr ?? new Float64Array(n).fill(1),
    notes,
    y,
    period,
    X,
    k,
    w: wr,
  };
}

/** did warns for cohorts with fewer than (covariates + 5) units and stops if the never-treated group is that small. */
function checkGroupSizes(start: Map<number, number>, end: Map<number, number>, nCov: number, p: AttgtParams, notes: Note[]): void {
  const required = nCov + 5;
  const small: number[] = [];
  for (const [c, s] of start) if (end.get(c)! - s < required) small.push(c);
  if (small.length === 0) return;
  if (small.includes(Infinity) && p.control === 'never') {
    throw new CausalPanelError(
      'no_control_units',
      `${FN}: the never-treated group is too small to serve as a comparison group (fewer than ${required} units); use control: 'notyet'`,
      { fn: FN, option: 'control' },
    );
  }
  notes.push({ code: 'small_groups', groups: small.map((c) => String(Number.isFinite(c) ? c : 0)), minimum: required });
}

/** Runs every ATT(g,t) 2×2 and fills the n×p influence matrix. */
function estimateCells(d: PanelData | RcData, p: AttgtParams): { cells: Cell[]; psi: Float64Array; support: (Int32Array | undefined)[] } {
  const { periods, glist, n } = d;
  const nT = periods.length;
  const varying = p.basePeriod === 'varying';
  const tfac = varying ? 1 : 0;
  const tCount = varying ? nT - 1 : nT;
  // the cells, in did's order (cohort-major, then period)
  const specs: { g: number; t0: number; cur: number; pret: number; post: boolean }[] = [];
  for (const g of glist) {
    // last period index with period + anticipation < g
    let pretG = -1;
    for (let j = 0; j < nT; j++) if (periods[j]! + p.anticipation < g) pretG = j;
    for (let t0 = 0; t0 < tCount; t0++) {
      const cur = t0 + tfac;
      const post = g <= periods[cur]!;
      const pret = post || !varying ? pretG : t0;
      if (pret < 0) continue; // no pre-treatment period for this cohort (did drops the cell)
      specs.push({ g, t0, cur, pret, post });
    }
  }
  const cells: Cell[] = [];
  const psi = new Float64Array(n * specs.length);
  const psCache = new Map<string, PanelSample>();
  // buffers reused by every panel cell (ΔY and ψ of the 2×2 sample)
  const scratch: PanelScratch = { deltaY: new Float64Array(d.kind === 'panel' ? n : 0), influence: new Float64Array(d.kind === 'panel' ? n : 0), support: undefined };
  // per cell, the row ranges its ψ column can be non-zero on (panel cells: its 2×2 sample)
  const support: (Int32Array | undefined)[] = [];
  const k = p.covariates.length + 1;
  specs.forEach(({ g, t0, cur, pret, post }, j) => {
    const column = psi.subarray(j * n, (j + 1) * n);
    if (!varying && periods[pret] === periods[cur]) {
      // universal base period: the reference cell is 0 by construction
      cells.push({ group: g, time: periods[cur]!, att: 0, post, reference: true });
      support.push(new Int32Array(0)); // ψ ≡ 0
      return;
    }
    const cutoff = p.control === 'notyet' ? periods[Math.max(t0, pret) + tfac]! + p.anticipation : Infinity;
    const cell: Cell = { group: g, time: periods[cur]!, att: NaN, post, reference: false };
    scratch.support = undefined;
    try {
      const att = d.kind === 'panel' ? panelCell(d, p, g, cur, pret, Math.min(pret, t0), cutoff, k, psCache, scratch, column) : rcCell(d, p, g, cur, pret, cutoff, column);
      cell.att = att;
    } catch (e) {
      if (!(e instanceof CausalPanelError)) throw e;
      d.notes.push({ code: 'cells_not_estimated', cells: [`ATT(${g},${periods[cur]})`], reason: `${e.message}; as did` });
    }
    if (Number.isNaN(cell.att)) {
      cell.att = NaN;
      column.fill(NaN);
    }
    support.push(Number.isNaN(cell.att) ? undefined : scratch.support);
    cells.push(cell);
  });
  return { cells, psi, support };
}

/**
 * ΔY = Y(cur) − Y(pre) over the 2×2 sample (row ranges `flat`: the treated range first, then the
 * control ranges) and, over the controls, XᵀWΔY (not yet divided by n₁) into `xty`, the only
 * outcome-dependent piece of the outcome regression. A small function of its own, see
 * {@link cohortsAndCounts}.
 */
function deltaYAndXty(
  Y: Float64Array,
  y1: number,
  y0: number,
  flat: Int32Array,
  deltaY: Float64Array,
  wN: Float64Array | undefined,
  Xs: Float64Array,
  n1: number,
  k: number,
  xty: Float64Array,
): void {
  const r0 = differenceRange(Y, y1, y0, flat[0]!, flat[1]!, deltaY, 0);
  let r = r0;
  for (let q = 2; q < flat.length; q += 2) r = differenceRange(Y, y1, y0, flat[q]!, flat[q + 1]!, deltaY, r);
  // one pass per column, each summing in row order from 0 (xty is zeroed): the same bits as a
  // fused pass; separate monomorphic loops for with / without weights
  for (let j = 0; j < k; j++) xty[j] += wN ? weightedDotRange(wN, deltaY, Xs, j * n1, r0, r) : dotRange(deltaY, Xs, j * n1, r0, r);
}

/**
 * ΔY[r…] = Y[y1 + u] − Y[y0 + u] for u in [a, b); returns the next r. Each row loop of this file
 * sits alone in a small function that only returns after it: a first call on 10⁵ rows compiles
 * the loop on-stack before the code after it has run, and post-loop code without type feedback
 * made that code deoptimise at the loop exit on every cell of the first attgt call.
 */
function differenceRange(Y: Float64Array, y1: number, y0: number, a: number, b: number, deltaY: Float64Array, r: number): number {
  for (let u = a; u < b; u++, r++) deltaY[r] = Y[y1 + u]! - Y[y0 + u]!;
  return r;
}

/** Σ_{r ∈ [from, to)} dy[r]·X[off + r]. */
function dotRange(dy: Float64Array, X: Float64Array, off: number, from: number, to: number): number {
  let s = 0;
  for (let r = from; r < to; r++) s += dy[r]! * X[off + r]!;
  return s;
}

/** Σ_{r ∈ [from, to)} (w[r]·dy[r])·X[off + r]. */
function weightedDotRange(w: Float64Array, dy: Float64Array, X: Float64Array, off: number, from: number, to: number): number {
  let s = 0;
  for (let r = from; r < to; r++) s += w[r]! * dy[r]! * X[off + r]!;
  return s;
}

/** ψ[u] = scale·inf[r] over the sample's row ranges (`flat`), r counting through the sample. */
function scatterPsi(psi: Float64Array, inf: Float64Array, flat: Int32Array, scale: number): void {
  let r = 0;
  for (let q = 0; q < flat.length; q += 2) r = scatterRange(psi, inf, flat[q]!, flat[q + 1]!, scale, r);
}

/** ψ[u] = scale·inf[r] for u in [a, b), r counting on; returns the next r (see {@link differenceRange}). */
function scatterRange(psi: Float64Array, inf: Float64Array, a: number, b: number, scale: number, r: number): number {
  for (let u = a; u < b; u++, r++) psi[u] = scale * inf[r]!;
  return r;
}

/** D, the design [1, x…] and the weights of a 2×2 sample (row ranges `flat`), covariates at offset xo. */
function buildSample(
  flat: Int32Array,
  tStart: number,
  tEnd: number,
  xo: number,
  Xd: Float64Array[],
  Wd: Float64Array | undefined,
  k: number,
  n1: number,
  D: Float64Array,
  X: Float64Array,
  w: Float64Array | undefined,
): void {
  let r = 0;
  for (let q = 0; q < flat.length; q += 2) {
    const b = flat[q + 1]!;
    for (let u = flat[q]!; u < b; u++, r++) {
      D[r] = u >= tStart && u < tEnd ? 1 : 0;
      X[r] = 1;
      for (let j = 0; j < k - 1; j++) X[r + (j + 1) * n1] = Xd[j]![xo + u]!;
      if (w) w[r] = Wd![xo + u]!;
    }
  }
}

/** One panel ATT(g,t): treated = cohort g; controls = cohort > cutoff (≠ g). */
function panelCell(
  d: PanelData,
  p: AttgtParams,
  g: number,
  cur: number,
  pret: number,
  covPeriod: number,
  cutoff: number,
  k: number,
  cache: Map<string, PanelSample>,
  scratch: PanelScratch,
  psi: Float64Array,
): number {
  const n = d.n;
  const tStart = d.cohortStart.get(g)!;
  const tEnd = d.cohortEnd.get(g)!;
  // control range: units are sorted by cohort, so cohorts > cutoff (or never treated) form a suffix
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = d.cohort[mid]!;
    if (c > cutoff || c === Infinity) hi = mid;
    else lo = mid + 1;
  }
  const cStart = lo;
  // sample: the treated range, then the control ranges without it
  const ranges: [number, number][] = [[tStart, tEnd]];
  if (cStart < tStart) ranges.push([cStart, tStart]);
  if (Math.max(cStart, tEnd) < n) ranges.push([Math.max(cStart, tEnd), n]);
  const nTreat = tEnd - tStart;
  let n1 = 0;
  for (const [a, b] of ranges) n1 += b - a;
  if (n1 === nTreat) {
    d.notes.push({ code: 'cells_not_estimated', cells: [`ATT(${g},${d.periods[cur]})`], reason: 'no comparison units, as did' });
    return NaN;
  }
  // design, treatment indicator, weights and propensity score depend on the sample and on the
  // covariate period only: built once and shared by every period of the cohort
  const invariant = d.covariatesInvariant && d.weightsInvariant;
  const key = `${g}|${cStart}|${invariant ? -1 : covPeriod}`;
  let sample = cache.get(key);
  if (!sample) {
    const D = new Float64Array(n1);
    const X = new Float64Array(n1 * k);
    const w = d.W ? new Float64Array(n1) : undefined;
    buildSample(Int32Array.from(ranges.flat()), tStart, tEnd, covPeriod * n, d.Xs, d.W, k, n1, D, X, w);
    // every field present from the start: one hidden class for all samples (no JIT deopts)
    sample = { D, X, w, propensity: undefined, xpxInv: undefined, wNorm: undefined };
    if (p.method !== 'reg') {
      sample.propensity = fitPropensity(X, n1, k, D, normalize(w, n1));
      if (!sample.propensity.converged) d.notes.push({ code: 'glm_not_converged', iterations: sample.propensity.iterations });
    }
    cache.set(key, sample);
  }
  const deltaY = scratch.deltaY.subarray(0, n1);
  const y1 = cur * n;
  const y0 = pret * n;
  const Y = d.Y;
  const flat = Int32Array.from(ranges.flat());
  const xty = new Float64Array(k);
  // (normalizeWeights: the same numbers as DRDID's i.weights, and its error for a zero mean)
  sample.wNorm ??= normalizeWeights(sample.w, n1);
  deltaYAndXty(Y, y1, y0, flat, deltaY, sample.w ? sample.wNorm : undefined, sample.X, n1, k, xty);
  let ols: { xpxInv: Float64Array; xty: Float64Array } | undefined;
  if (p.method !== 'ipw') {
    sample.xpxInv ??= controlXpxInverse(sample.X, sample.D, k, sample.w);
    for (let j = 0; j < k; j++) xty[j] = xty[j]! / n1;
    ols = { xpxInv: sample.xpxInv, xty };
  }
  // the normalised weights (all ones without weights) are the sample's, shared by its cells
  const res: TwoByTwo = drdidPanel({ deltaY, D: sample.D, X: sample.X, k, weights: sample.w, normalizedWeights: sample.wNorm, method: p.method, propensity: sample.propensity, out: scratch.influence, ols });
  const scale = n / n1;
  const inf = res.influence;
  scatterPsi(psi, inf, flat, scale);
  scratch.support = flat;
  return res.att;
}

/** Buffers shared by the panel cells, and the support of the last cell's ψ (row ranges, flat). */
interface PanelScratch {
  deltaY: Float64Array;
  influence: Float64Array;
  support: Int32Array | undefined;
}

/** The 2×2 sample of one cohort and comparison set, shared across periods. */
interface PanelSample {
  D: Float64Array;
  X: Float64Array;
  w: Float64Array | undefined;
  propensity: PropensityFit | undefined;
  /** (XᵀWX/n)⁻¹ over the sample's controls. */
  xpxInv: Float64Array | undefined;
  /** Weights normalised to mean 1 over the sample (DRDID's i.weights); all ones without weights. */
  wNorm: Float64Array | undefined;
}

function normalize(w: Float64Array | undefined, n: number): Float64Array {
  const out = new Float64Array(n);
  if (!w) return out.fill(1);
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i]!;
  const m = s / n;
  for (let i = 0; i < n; i++) out[i] = w[i]! / m;
  return out;
}

/** One repeated-cross-section ATT(g,t). */
function rcCell(d: RcData, p: AttgtParams, g: number, cur: number, pret: number, cutoff: number, psi: Float64Array): number {
  const n = d.n;
  const rows: number[] = [];
  for (let r = 0; r < n; r++) {
    const per = d.period[r]!;
    if (per !== cur && per !== pret) continue;
    const c = d.cohort[r]!;
    if (c === g || (p.control === 'never' ? c === Infinity : c > cutoff)) rows.push(r);
  }
  const n1 = rows.length;
  const k = d.k;
  const y = new Float64Array(n1);
  const post = new Float64Array(n1);
  const D = new Float64Array(n1);
  const X = new Float64Array(n1 * k);
  const w = d.w ? new Float64Array(n1) : undefined;
  let c11 = 0;
  let c10 = 0;
  let c01 = 0;
  let c00 = 0;
  rows.forEach((r, i) => {
    y[i] = d.y[r]!;
    post[i] = d.period[r] === cur ? 1 : 0;
    D[i] = d.cohort[r] === g ? 1 : 0;
    for (let j = 0; j < k; j++) X[i + j * n1] = d.X[r + j * n]!;
    if (w) w[i] = d.w![r]!;
    if (D[i] === 1) post[i] === 1 ? c11++ : c10++;
    else post[i] === 1 ? c01++ : c00++;
  });
  if (c11 === 0 || c10 === 0 || c01 === 0 || c00 === 0) {
    d.notes.push({ code: 'cells_not_estimated', cells: [`ATT(${g},${d.periods[cur]})`], reason: 'an empty treated or comparison group in one of its periods, as did' });
    return NaN;
  }
  const res = drdidRc({ y, post, D, X, k, weights: w, method: p.method });
  const scale = n / n1;
  rows.forEach((r, i) => (psi[r] = scale * res.influence[i]!));
  return res.att;
}

/**
 * Group-time average treatment effects ATT(g,t) of Callaway & Sant'Anna (2021), as did::att_gt.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (bad option,
 *   non-integer time, cohort varying within a unit), `no_control_units` (no never-treated units
 *   with control 'never'), `no_treated_units`, `no_rows_left`
 * @example
 * const fit = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year',
 *   cohort: 'first.treat', covariates: ['lpop'] });
 * fit.rows[0]; // { group: 2004, time: 2004, att: −0.01453, stdError: 0.02213, … } (did 2.5.1, fixtures/oracles/did_mpdta_never_dr_lpop.json)
 * fit.aggregate('dynamic').overall.estimate; // −0.08035
 */
export function attgt(options: AttgtOptions): AttgtResult {
  return withFunctionName('attgt', () => attgtUnlabelled(options));
}

/** {@link attgt} itself; errors of inner public functions are relabelled by the wrapper above. */
function attgtUnlabelled(options: AttgtOptions): AttgtResult {
  const params = validateAttgt(options);
  const frame = toFrame(options.data, FN);
  const d = prepare(frame, params);
  const { cells, psi, support } = estimateCells(d, params);
  const n = d.n;
  const p = cells.length;
  const level = params.level;
  const notes = d.notes;

  // analytic SEs: sqrt(mean(ψ²)/n); zero SEs (reference cells) are NA, as did
  const se = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const s = Number.isNaN(cells[j]!.att) ? NaN : influenceSE(psi, j * n, n);
    se[j] = s <= SE_ZERO ? NaN : s;
  }

  let critical = normalQuantile(1 - (1 - level) / 2);
  const boot = params.bootstrap;
  let inference: AggregationInference;
  if (boot) {
    const valid: number[] = [];
    for (let j = 0; j < p; j++) if (!Number.isNaN(se[j]!)) valid.push(j);
    const sub = new Float64Array(n * valid.length);
    valid.forEach((j, c) => sub.set(psi.subarray(j * n, (j + 1) * n), c * n));
    const b = multiplierBootstrap(sub, n, valid.length, { reps: boot.reps, seed: boot.seed, level });
    valid.forEach((j, c) => {
      const s = b.se[c]!;
      se[j] = s <= SE_ZERO ? NaN : s;
    });
    if (boot.uniform && valid.length > 0 && Number.isFinite(b.critical)) critical = b.critical;
    inference = {
      se: (v) => multiplierBootstrap(v, n, 1, { reps: boot.reps, seed: boot.seed, level }).se[0]!,
      critical: (m, q) => {
        const pointwise = normalQuantile(1 - (1 - level) / 2);
        if (!boot.uniform || q === 0) return pointwise;
        const c = multiplierBootstrap(m, n, q, { reps: boot.reps, seed: boot.seed, level }).critical;
        return Number.isFinite(c) && c >= pointwise ? c : pointwise;
      },
    };
  } else {
    const z = critical;
    inference = { se: (v) => influenceSE(v, 0, v.length), critical: () => z };
  }

  const rows: AttgtRow[] = cells.map((c, j) => ({
    group: c.group,
    time: c.time,
    att: c.att,
    stdError: se[j]!,
    confLow: c.att - critical * se[j]!,
    confHigh: c.att + critical * se[j]!,
    post: c.post,
  }));

  const pretest = waldPretest(cells, psi, n, se, notes);

  const att = Float64Array.from(cells, (c) => c.att);
  const cellsData = (): AttgtCells => ({
    group: Float64Array.from(cells, (c) => c.group),
    time: Float64Array.from(cells, (c) => c.time),
    att: Float64Array.from(att),
    influence: psi,
    n,
    weights: d.weights,
    cohort: d.cohort,
    groups: d.glist,
    periods: d.periods,
    level,
    inference,
    support,
  });

  const tidy = (): Estimate[] =>
    rows.map((r) => {
      const wi = waldInference(r.att, r.stdError, { kind: 'normal' }, level);
      return { term: `ATT(${r.group},${r.time})`, estimate: r.att, stdError: r.stdError, statistic: wi.statistic, pValue: wi.pValue, confLow: r.confLow, confHigh: r.confHigh };
    });

  const result: AttgtResult = {
    rows,
    pretestPValue: pretest.pValue,
    pretest,
    criticalValue: critical,
    nobs: d.nobs,
    n,
    ids: d.ids,
    notes,
    params,
    aggregate: (type, opts) => aggregateAttgt(cellsData(), type, opts),
    influence: () => Float64Array.from(psi),
    vcov: () => {
      const S = crossprodColumns(psi, n, cells.map((_, j) => j));
      return Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => S[a + b * p]! / (n * n)));
    },
    cells: cellsData,
    tidy,
    summary: () =>
      renderSummary({
        title: `Group-time average treatment effects (Callaway & Sant'Anna 2021), method: ${params.method}, control: ${params.control === 'never' ? 'never treated' : 'not yet treated'}`,
        meta: [
          ['Observations', String(d.nobs)],
          [params.panel ? 'Units' : 'Cross-section observations', String(n)],
          ['Standard errors', boot ? `multiplier bootstrap (${boot.reps} draws${boot.uniform ? ', uniform bands' : ''})` : 'analytic (influence function)'],
        ],
        rows: tidy(),
        notes,
        footer: [`P-value for pre-test of parallel trends assumption: ${Number.isNaN(pretest.pValue) ? 'NA' : pretest.pValue.toPrecision(5)}`],
        statisticLabel: 'z value',
      }),
    toJSON: () => ({
      kind: 'AttgtResult',
      // JSON has no undefined or NaN: absent options and non-finite numbers are written as null.
      params: { ...params, unit: params.unit ?? null, weights: params.weights ?? null, covariates: [...params.covariates] },
      rows: rows.map((r) => jsonNumbers(r)),
      pretest: jsonNumbers(pretest),
      criticalValue: critical,
      nobs: d.nobs,
      n,
      notes: notes.map((x) => ({ ...x })),
    }),
  };
  Object.defineProperty(result, Symbol.for('nodejs.util.inspect.custom'), { value: () => result.summary(), enumerable: false });
  return result;
}

/**
 * ΨᵀΨ over the columns `cols` of the n-row matrix ψ, in row blocks so that the columns stream
 * through cache once (not once per pair).
 */
function crossprodColumns(psi: Float64Array, n: number, cols: readonly number[]): Float64Array {
  const q = cols.length;
  const S = new Float64Array(q * q);
  const BLOCK = 512;
  // A cell's ψ is zero outside its 2×2 sample (its cohort and its comparison units, contiguous
  // ranges since units are sorted by cohort): blocks where either column is all zero are
  // skipped. Their block sums would be ±0, so the result is bit-for-bit the full sum's.
  const nBlocks = Math.ceil(n / BLOCK);
  const live = new Uint8Array(q * nBlocks);
  let finite = true;
  for (let a = 0; a < q; a++) if (!markLiveBlocks(psi, cols[a]! * n, n, BLOCK, live, a * nBlocks)) finite = false;
  if (!finite) live.fill(1);
  for (let blk = 0; blk < nBlocks; blk++) {
    const start = blk * BLOCK;
    const end = Math.min(n, start + BLOCK);
    for (let a = 0; a < q; a++) {
      if (live[a * nBlocks + blk] === 0) continue;
      const oa = cols[a]! * n;
      for (let b = a; b < q; b++) {
        if (live[b * nBlocks + blk] === 0) continue;
        const ob = cols[b]! * n;
        let sum = 0;
        for (let i = start; i < end; i++) sum += psi[oa + i]! * psi[ob + i]!;
        S[a + b * q] += sum;
      }
    }
  }
  for (let a = 0; a < q; a++) for (let b = a + 1; b < q; b++) S[b + a * q] = S[a + b * q]!;
  return S;
}

/**
 * live[out + blk] = 1 when the column at `offset` has a non-zero entry in block blk. Returns
 * false when the column holds ±Infinity (0·∞ would then not be 0: no block may be skipped).
 */
function markLiveBlocks(psi: Float64Array, offset: number, n: number, block: number, live: Uint8Array, out: number): boolean {
  let finite = true;
  for (let start = 0, blk = 0; start < n; start += block, blk++) {
    const end = Math.min(n, start + block);
    let any = false;
    for (let i = start; i < end; i++) {
      const v = psi[offset + i]!;
      if (v !== 0) any = true;
      if (v === Infinity || v === -Infinity) finite = false;
    }
    if (any) live[out + blk] = 1;
  }
  return finite;
}

/** did's Wald pre-test: W = n·θᵀV⁻¹θ over pre-treatment cells with finite SE; NaN when V is singular. */
function waldPretest(cells: Cell[], psi: Float64Array, n: number, se: Float64Array, notes: Note[]): AttgtPretest {
  const pre: number[] = [];
  cells.forEach((c, j) => {
    if (c.group > c.time && !Number.isNaN(se[j]!)) pre.push(j);
  });
  const q = pre.length;
  if (q === 0) return { statistic: NaN, df: 0, pValue: NaN };
  // Σ = ΨᵀΨ/n² (the vcov of the estimates), so W = θᵀΣ⁻¹θ = n·θᵀV⁻¹θ with did's V = ΨᵀΨ/n
  const S = crossprodColumns(psi, n, pre);
  for (let j = 0; j < q * q; j++) S[j] = S[j]! / (n * n);
  let inv: Float64Array;
  try {
    inv = invertSymmetric(S, q, FN);
  } catch {
    notes.push({ code: 'test_not_computed', test: 'Pre-test of parallel trends', reason: 'singular covariance matrix of the pre-treatment ATT(g,t) (as did)' });
    return { statistic: NaN, df: q, pValue: NaN };
  }
  let stat = 0;
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) stat += cells[pre[a]!]!.att * inv[a + b * q]! * cells[pre[b]!]!.att;
  return { statistic: stat, df: q, pValue: chisqUpper(stat, q) };
}

