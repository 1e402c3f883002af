/**
 * Panel indexing: unit and period codes per row, the balance check, and the first-treated cohort
 * of each unit — the reshaping step every staggered-DiD estimator starts from.
 *
 * Units are coded by direct addressing when their ids are integers in a compact range (one pass,
 * no hashing: the common case of `1..N` ids), otherwise through a `Map`. Periods are few, so they
 * are coded against their sorted distinct values. Everything works on row-index arrays; no
 * per-row objects are created, which keeps 10⁶-row panels fast.
 */
import { CausalPanelError } from '../errors.js';

/** Unit and period codes of every row of a long panel. */
export interface PanelIndex {
  /** Unit code of each row, 0..nUnits−1, in the sorted order of the unit ids. */
  unitCode: Int32Array;
  /** Period code of each row, 0..nPeriods−1, in increasing time order. */
  periodCode: Int32Array;
  /** The distinct unit ids in code order (numbers sort numerically, text lexicographically). */
  units: (number | string)[];
  /** The distinct periods, increasing. */
  periods: Float64Array;
  nUnits: number;
  nPeriods: number;
}

/**
 * Marks the slots of the times and unit ids present among the rows `at` (0 = present). The row
 * loops of {@link indexPanel} are small functions of their own: V8 then optimises each loop
 * alone, instead of deoptimising and recompiling a long function whose later code has not run.
 */
function markDirect(at: Int32Array, time: Float64Array, unit: Float64Array, tLo: number, uLo: number, tSlot: Int32Array, uSlot: Int32Array): void {
  for (let i = 0; i < at.length; i++) {
    const row = at[i]!;
    tSlot[time[row]! - tLo] = 0;
    uSlot[unit[row]! - uLo] = 0;
  }
}

/** Period and unit code of every row of `at` from the numbered slots (see {@link markDirect}). */
function codeDirect(
  at: Int32Array,
  time: Float64Array,
  unit: Float64Array,
  tLo: number,
  uLo: number,
  tSlot: Int32Array,
  uSlot: Int32Array,
  periodCode: Int32Array,
  unitCode: Int32Array,
): void {
  for (let i = 0; i < at.length; i++) {
    const row = at[i]!;
    periodCode[i] = tSlot[time[row]! - tLo]!;
    unitCode[i] = uSlot[unit[row]! - uLo]!;
  }
}

/**
 * Known ranges of the times and numeric unit ids of the rows given to {@link indexPanel}: bounds
 * (they may be loose: only which values occur matters) and whether all are integers. The caller
 * vouches that every time and unit id among the rows is finite.
 */
export interface PanelBounds {
  tLo: number;
  tHi: number;
  tInteger: boolean;
  uLo: number;
  uHi: number;
  uInteger: boolean;
}

/**
 * Codes units and periods of the rows `rows` (all rows when omitted) of a long panel. With
 * `bounds` (see {@link PanelBounds}) the first of its three passes over the rows is skipped.
 *
 * Unit codes follow the sorted unit ids; period codes follow increasing time. Missing ids or
 * times must have been removed by the caller.
 *
 * @throws {CausalPanelError} `non_finite` for a missing unit id or time among `rows`
 * @example
 * const ix = indexPanel(Float64Array.of(7, 7, 3, 3), Float64Array.of(1, 2, 1, 2));
 * ix.units;     // [3, 7]
 * ix.unitCode;  // Int32Array [1, 1, 0, 0]
 * ix.periodCode; // Int32Array [0, 1, 0, 1]
 */
export function indexPanel(
  unit: Float64Array | readonly (string | null)[],
  time: Float64Array,
  rows?: Int32Array,
  fn = 'indexPanel',
  bounds?: PanelBounds,
): PanelIndex {
  const m = rows ? rows.length : time.length;
  // materialise the row list once so the hot loops below index plain typed arrays
  const at: Int32Array = rows ?? Int32Array.from({ length: m }, (_, i) => i);
  const unitNum = unit instanceof Float64Array ? unit : undefined;
  // pass 1: ranges of times and (numeric) unit ids — skipped when the caller knows them
  let tLo = Infinity;
  let tHi = -Infinity;
  let tInteger = true;
  let uLo = Infinity;
  let uHi = -Infinity;
  let uInteger = unitNum !== undefined;
  if (bounds && m > 0) {
    ({ tLo, tHi, tInteger } = bounds);
    if (unitNum) ({ uLo, uHi, uInteger } = bounds);
  }
  if (!bounds) for (let i = 0; i < m; i++) {
    const row = at[i]!;
    const t = time[row]!;
    if (!Number.isFinite(t)) throw new CausalPanelError('non_finite', `${fn}: time is missing or not finite (row ${row + 1}: ${t})`, { fn, row, value: t });
    if (t < tLo) tLo = t;
    if (t > tHi) tHi = t;
    if (tInteger && Math.floor(t) !== t) tInteger = false;
    if (unitNum) {
      const u = unitNum[row]!;
      if (!Number.isFinite(u)) throw new CausalPanelError('non_finite', `${fn}: unit id is missing or not finite (row ${row + 1}: ${u})`, { fn, row, value: u });
      if (u < uLo) uLo = u;
      if (u > uHi) uHi = u;
      if (uInteger && Math.floor(u) !== u) uInteger = false;
    }
  }
  const periodCode = new Int32Array(m);
  const unitCode = new Int32Array(m);
  const tDirect = m > 0 && tInteger && tHi - tLo < 1e6;
  const uDirect = m > 0 && uInteger && uHi - uLo <= 4 * m + 1024;
  // direct addressing: integer ids in a compact range are numbered through a presence table
  let periods: Float64Array;
  let units: (number | string)[] = [];
  if (tDirect && uDirect) {
    // the common case, fused: one marking pass and one coding pass for both columns
    const tSlot = new Int32Array(tHi - tLo + 1).fill(-1);
    const uSlot = new Int32Array(uHi - uLo + 1).fill(-1);
    markDirect(at, time, unitNum!, tLo, uLo, tSlot, uSlot);
    const list: number[] = [];
    for (let v = 0; v < tSlot.length; v++) if (tSlot[v] === 0) (tSlot[v] = list.length), list.push(v + tLo);
    periods = Float64Array.from(list);
    for (let v = 0; v < uSlot.length; v++) if (uSlot[v] === 0) (uSlot[v] = units.length), units.push(v + uLo);
    codeDirect(at, time, unitNum!, tLo, uLo, tSlot, uSlot, periodCode, unitCode);
    return { unitCode, periodCode, units, periods, nUnits: units.length, nPeriods: periods.length };
  }
  if (tDirect) {
    const lookup = new Int32Array(tHi - tLo + 1).fill(-1);
    for (let i = 0; i < m; i++) lookup[time[at[i]!]! - tLo] = 0;
    const list: number[] = [];
    for (let v = 0; v < lookup.length; v++) if (lookup[v] === 0) (lookup[v] = list.length), list.push(v + tLo);
    periods = Float64Array.from(list);
    for (let i = 0; i < m; i++) periodCode[i] = lookup[time[at[i]!]! - tLo]!;
  } else {
    const periodSet = new Set<number>();
    for (let i = 0; i < m; i++) periodSet.add(time[at[i]!]!);
    periods = Float64Array.from(periodSet).sort();
    const map = new Map<number, number>();
    for (let j = 0; j < periods.length; j++) map.set(periods[j]!, j);
    for (let i = 0; i < m; i++) periodCode[i] = map.get(time[at[i]!]!)!;
  }
  if (unitNum && uDirect) {
    const slot = new Int32Array(uHi - uLo + 1).fill(-1);
    for (let i = 0; i < m; i++) slot[unitNum[at[i]!]! - uLo] = 0;
    for (let v = 0; v < slot.length; v++) if (slot[v] === 0) (slot[v] = units.length), units.push(v + uLo);
    for (let i = 0; i < m; i++) unitCode[i] = slot[unitNum[at[i]!]! - uLo]!;
  } else if (unitNum) {
    const distinct = new Set<number>();
    for (let i = 0; i < m; i++) distinct.add(unitNum[at[i]!]!);
    const sorted = Float64Array.from(distinct).sort();
    const map = new Map<number, number>();
    for (let j = 0; j < sorted.length; j++) map.set(sorted[j]!, j);
    for (let i = 0; i < m; i++) unitCode[i] = map.get(unitNum[at[i]!]!)!;
    units = Array.from(sorted);
  } else {
    const text = unit as readonly (string | null)[];
    const distinct = new Set<string>();
    for (let i = 0; i < m; i++) {
      const u = text[at[i]!];
      if (u === null || u === undefined) throw new CausalPanelError('non_finite', `${fn}: unit id is missing (row ${at[i]! + 1})`, { fn, row: at[i]!, value: u });
      distinct.add(u);
    }
    const sorted = Array.from(distinct).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const map = new Map<string, number>();
    for (let j = 0; j < sorted.length; j++) map.set(sorted[j]!, j);
    for (let i = 0; i < m; i++) unitCode[i] = map.get(text[at[i]!] as string)!;
    units = sorted;
  }
  return { unitCode, periodCode, units, periods, nUnits: units.length, nPeriods: periods.length };
}
