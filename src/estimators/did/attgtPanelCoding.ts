/**
 * Unit and period coding of `attgt`'s long panel: per unit its cohort and number of distinct
 * periods, the first row repeating a (unit, period), and the scatter of the rows into unit ×
 * period matrices. Codes follow the sorted unit ids and periods.
 *
 * Three coders give the same codes: {@link codePanelSorted} for rows already in unit blocks (sorted
 * by unit and time, balanced), {@link codePanelDirect} for integer ids in a compact range
 * (the common `1..N` ids: raw offsets address the tables directly, two passes over the rows and
 * no per-row code arrays — a measured fast path, see docs/numerics.md), and
 * {@link codePanelFactors} for any ids, through the shared group coder `factor()` of `data/`.
 */
import { factor } from '../../data/factor.js';
import { cohortCode, type Columns, type Sample } from './attgtData.js';

/** Placeholder for `keep` when every row is kept (the loops then index rows directly). */
const NO_ROWS = new Int32Array(0);

/**
 * The panel's unit/period coding, as `preparePanel` consumes it: per unit code its raw cohort
 * and number of distinct periods, the first position in `keep` repeating a (unit, period), and
 * how to code a row and scatter the rows into unit × period matrices.
 */
export interface PanelCoding {
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
  /**
   * When every covariate is constant within every unit: each one's values by unit rank (nKept);
   * else null. Absent where the coder cannot tell without the matrices.
   */
  invariantCovariates?(rank: Int32Array, nKept: number): Float64Array[] | null;
}

/** Called (and must throw) when a unit's cohort changes: the input row, the unit id, the two cohorts. */
export type Inconsistent = (row: number, unitId: number | string, previous: number, cohort: number) => never;

/**
 * Coding for any unit ids through `factor()` (sorted levels): code arrays, then the count and
 * scatter passes.
 *
 * @throws whatever `inconsistent` throws
 * @example
 * codePanelFactors(cols, cols.keep, fail).units; // the sorted unit ids
 */
export function codePanelFactors(cols: Columns, keep: Int32Array, inconsistent: Inconsistent): PanelCoding {
  const unitFactor = factor(cols.unitCol!, { rows: keep });
  const periodFactor = factor(cols.t, { rows: keep });
  const unitCode = unitFactor.codes;
  const periodCode = periodFactor.codes;
  const units: (number | string)[] = unitFactor.values ? Array.from(unitFactor.values) : unitFactor.levels;
  const periods = periodFactor.values!;
  const nU = units.length;
  const nT = periods.length;
  const { cohortRaw, counts, duplicate, inconsistentAt } = cohortsAndCounts(keep, unitCode, periodCode, cols.gRaw, nU, nT);
  if (inconsistentAt >= 0) {
    const row = keep[inconsistentAt]!;
    inconsistent(row, units[unitCode[inconsistentAt]!]!, cohortRaw[unitCode[inconsistentAt]!]!, cohortCode(cols.gRaw[row]!));
  }
  return {
    nU,
    nT,
    units,
    periods,
    cohortRaw,
    counts,
    duplicate,
    unitOf: (r) => unitCode[r]!,
    periodOf: (r) => periodCode[r]!,
    scatter: (rank, nKept, Y, Xs, W, w) => scatterRows(keep, unitCode, periodCode, rank, nKept, cols.y, Y, cols.xs, Xs, w, W),
  };
}

/**
 * The counting pass of {@link codePanelFactors}: each unit's cohort, the number of periods each
 * unit is observed in, the first position repeating a (unit, period) and the first whose cohort
 * differs from its unit's earlier rows (−1 if none).
 */
function cohortsAndCounts(
  keep: Int32Array,
  unitCode: Int32Array,
  periodCode: Int32Array,
  gRaw: Float64Array,
  nU: number,
  nT: number,
): { cohortRaw: Float64Array; counts: Int32Array; duplicate: number; inconsistentAt: number } {
  const cohortRaw = new Float64Array(nU).fill(NaN);
  const seen = new Uint8Array(nU * nT);
  const counts = new Int32Array(nU);
  let duplicate = -1;
  for (let r = 0; r < keep.length; r++) {
    let c = gRaw[keep[r]!]!;
    if (c !== c || c === 0 || c === -Infinity) c = Infinity;
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
      if (!Number.isNaN(prev)) return { cohortRaw, counts, duplicate, inconsistentAt: r };
      cohortRaw[u] = c;
    }
  }
  return { cohortRaw, counts, duplicate, inconsistentAt: -1 };
}

/**
 * The scatter pass of {@link codePanelFactors}: each kept row of a kept unit (rank ≥ 0) lands in
 * its (unit, period) cell of Y, of every covariate matrix and of W. Returns the rows placed.
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
 * Coding for rows that come in unit blocks (`Bounds.unitBlocks`: the long layout sorted by unit
 * and time, every unit in every period): unit code = block index, period code = position in the
 * block, so no counting pass and a scatter that reads only the value columns. Same codes, counts
 * and cells as {@link codePanelDirect}. Null unless `keep` is the rows the blocks were found on.
 *
 * @example
 * codePanelSorted(cols, selectSample(cols, params))?.nT; // 5 on mpdta (sorted by county and year)
 */
export function codePanelSorted(cols: Columns, sample: Sample): PanelCoding | null {
  const m = cols.bounds.unitBlocks;
  const unit = cols.unitCol;
  if (m === 0 || !sample.keepIsColumns || !(unit instanceof Float64Array)) return null;
  // every row kept: the loops below read no keep[r], so the 0 … n − 1 array is never built
  const all = cols.allKept;
  const keep = all ? NO_ROWS : sample.keep;
  const nU = (all ? cols.t.length : keep.length) / m;
  const units: number[] = new Array<number>(nU);
  const cohortRaw = new Float64Array(nU);
  blockHeads(keep, all, m, nU, unit, cols.gRaw, units, cohortRaw);
  const periods = new Float64Array(m);
  for (let j = 0; j < m; j++) periods[j] = cols.t[all ? j : keep[j]!]!;
  return {
    nU,
    nT: m,
    units,
    periods,
    cohortRaw,
    counts: new Int32Array(nU).fill(m),
    duplicate: -1,
    unitOf: (r) => Math.floor(r / m),
    periodOf: (r) => r % m,
    scatter: (rank, nKept, Y, Xs, W, w) => scatterBlocks(keep, all, m, nU, rank, nKept, cols.y, Y, cols.xs, Xs, w, W),
    invariantCovariates: (rank, nKept) => {
      const out = cols.xs.map(() => new Float64Array(nKept));
      for (let j = 0; j < out.length; j++) if (!blockConstants(keep, all, m, nU, rank, cols.xs[j]!, out[j]!)) return null;
      return out;
    },
  };
}

/** out[rank[u]] = x on block u's first row, for kept blocks; false as soon as x varies within a kept block. */
function blockConstants(keep: Int32Array, all: boolean, m: number, nU: number, rank: Int32Array, x: Float64Array, out: Float64Array): boolean {
  if (all) return blockConstantsAll(m, nU, rank, x, out);
  for (let u = 0; u < nU; u++) {
    const rk = rank[u]!;
    if (rk < 0) continue;
    const r0 = u * m;
    const first = x[all ? r0 : keep[r0]!]!;
    for (let r = r0 + 1; r < r0 + m; r++) if (x[all ? r : keep[r]!] !== first) return false;
    out[rk] = first;
  }
  return true;
}

/** {@link blockConstants} when every row is kept (block u is rows u·m … u·m + m − 1). */
function blockConstantsAll(m: number, nU: number, rank: Int32Array, x: Float64Array, out: Float64Array): boolean {
  for (let u = 0; u < nU; u++) {
    const rk = rank[u]!;
    if (rk < 0) continue;
    const r0 = u * m;
    const first = x[r0]!;
    for (let r = r0 + 1; r < r0 + m; r++) if (x[r] !== first) return false;
    out[rk] = first;
  }
  return true;
}

/** Each block's unit id and cohort (cohortCode), from its first row. */
function blockHeads(keep: Int32Array, all: boolean, m: number, nU: number, unit: Float64Array, gRaw: Float64Array, units: number[], cohortRaw: Float64Array): void {
  for (let u = 0; u < nU; u++) {
    const row = all ? u * m : keep[u * m]!;
    units[u] = unit[row]!;
    const c = gRaw[row]!;
    cohortRaw[u] = c !== c || c === 0 || c === -Infinity ? Infinity : c;
  }
}

/** The scatter of {@link codePanelSorted}: block u's row j lands in cell rank[u] + j·nKept. */
function scatterBlocks(
  keep: Int32Array,
  all: boolean,
  m: number,
  nU: number,
  rank: Int32Array,
  nKept: number,
  y: Float64Array,
  Y: Float64Array,
  xs: Float64Array[],
  Xs: Float64Array[],
  w: Float64Array | undefined,
  W: Float64Array | undefined,
): number {
  if (all && !W && Xs.length === 0) return scatterBlocksY(m, nU, rank, nKept, y, Y);
  let nobs = 0;
  const X0 = Xs[0];
  const x0 = xs[0];
  for (let u = 0; u < nU; u++) {
    const rk = rank[u]!;
    if (rk < 0) continue;
    nobs += m;
    for (let j = 0, r = u * m, cell = rk; j < m; j++, r++, cell += nKept) {
      const row = all ? r : keep[r]!;
      Y[cell] = y[row]!;
      if (X0) X0[cell] = x0![row]!;
      for (let q = 1; q < Xs.length; q++) Xs[q]![cell] = xs[q]![row]!;
      if (W) W[cell] = w![row]!;
    }
  }
  return nobs;
}

/**
 * {@link scatterBlocks} of the outcome alone over all rows (no weights, covariates constant
 * within units or none: the usual case): a loop without the general one's per-row tests, about
 * half its time on 10⁶ rows.
 */
function scatterBlocksY(m: number, nU: number, rank: Int32Array, nKept: number, y: Float64Array, Y: Float64Array): number {
  let nobs = 0;
  for (let u = 0; u < nU; u++) {
    const rk = rank[u]!;
    if (rk < 0) continue;
    nobs += m;
    for (let j = 0, r = u * m, cell = rk; j < m; j++, r++, cell += nKept) Y[cell] = y[r]!;
  }
  return nobs;
}

/**
 * Coding for integer unit ids and times in compact ranges: the raw offsets id − min and t − min
 * address the tables directly, so no per-row code arrays are built and the rows are read twice
 * (count, scatter) instead of four times. Same codes, counts and cells as
 * {@link codePanelFactors}. Null when the unit ids are not integers in a compact range.
 *
 * @throws whatever `inconsistent` throws
 * @example
 * codePanelDirect(cols, cols.keep, fail)?.nU; // 500 on mpdta (countyreal ids)
 */
export function codePanelDirect(cols: Columns, keep: Int32Array, inconsistent: Inconsistent): PanelCoding | null {
  const unit = cols.unitCol;
  const b = cols.bounds;
  const m = keep.length;
  if (!(unit instanceof Float64Array) || !b.uInteger || m === 0) return null;
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
 * The counting pass of {@link codePanelDirect}: per raw unit offset the cohort and the number of
 * distinct periods, which period offsets occur, the first position repeating a (unit, period)
 * and the first whose cohort differs from its unit's earlier rows (−1 if none).
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
  const all = keep.length === t.length; // keep[r] = r (see rowFacts)
  for (let r = 0; r < keep.length; r++) {
    const row = all ? r : keep[r]!;
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
    if (c !== c || c === 0 || c === -Infinity) c = Infinity; // cohortCode, inlined
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
  const all = keep.length === t.length; // keep[r] = r (see rowFacts)
  for (let r = 0; r < keep.length; r++) {
    const row = all ? r : keep[r]!;
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
