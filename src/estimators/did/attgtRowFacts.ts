/**
 * The row-facts pass of `attgt`'s data step (`attgtData.ts`): one pass over the complete rows
 * finds what the checks and the panel coding need (bad times, cohorts and weights, never-treated
 * codings, time and unit ranges, unit blocks, finiteness), with a faster route when the rows come
 * in unit blocks (`blockFacts`).
 */
import { allFinite as allFiniteColumn } from '../../data/missing.js';
import type { Bounds } from './attgtData.js';

/**
 * One pass over the complete rows (`keep`; null: all rows): the first non-integer time, bad
 * cohort and negative weight (−1 if none), whether a never-treated row exists, the latest finite
 * cohort, the ranges of times and numeric unit ids (the direct panel coding reads them), and
 * whether the time, the unit ids and the columns `finite` hold only finite values.
 */
export function rowFacts(
  keepIn: Int32Array | null,
  t: Float64Array,
  gRaw: Float64Array,
  w: Float64Array | undefined,
  unit: Float64Array | undefined,
  finite: readonly Float64Array[],
): RowFacts {
  if (keepIn === null && unit !== undefined && t.length > 0) {
    const fast = blockFacts(t, gRaw, w, unit, finite);
    if (fast !== null) return fast;
  }
  const keep = keepIn ?? new Int32Array(0);
  const count = keepIn ? keepIn.length : t.length;
  // the first two `finite` columns inline, the rest in a loop
  const f0 = finite.length > 0 ? finite[0]! : undefined;
  const f1 = finite.length > 1 ? finite[1]! : undefined;
  let allFinite = true;
  let tLo = Infinity;
  let tHi = -Infinity;
  let uLo = Infinity;
  let uHi = -Infinity;
  let uInteger = true;
  let anyNever = false;
  let anyNeverNotZero = false;
  let gMaxFinite = -Infinity;
  let badTime = -1;
  let badCohort = -1;
  let badWeight = -1;
  // every row complete (the usual case): keep[r] = r, and the loop skips reading it
  const all = count === t.length;
  // unit blocks (Bounds.unitBlocks): m = first block's length (0 while unknown), the current
  // block's first position, unit and cohort; `blocked` turns false at the first violation
  let blocked = unit !== undefined && count > 0;
  let m = 0;
  let blockStart = 0;
  let blockUnit = NaN;
  let blockCohort = NaN;
  // a unit id or cohort equal to the previous row's needs no new check (the first row with that
  // value was checked, and the first bad row is the one recorded): long data repeats both
  let prevU = NaN;
  let prevV = NaN;
  for (let r = 0; r < count; r++) {
    const i = all ? r : keep[r]!;
    const ti = t[i]!;
    if (Math.floor(ti) !== ti && badTime < 0) badTime = i;
    if (f0 && !(ti - ti === 0 && f0[i]! - f0[i]! === 0 && (!f1 || f1[i]! - f1[i]! === 0))) allFinite = false;
    for (let c = 2; c < finite.length; c++) if (!(finite[c]![i]! - finite[c]![i]! === 0)) allFinite = false;
    if (ti > tHi) tHi = ti;
    if (ti < tLo) tLo = ti;
    const v = gRaw[i]!;
    const newV = !(v === prevV); // NaN is always new
    if (unit) {
      const u = unit[i]!;
      if (!(u === prevU)) {
        if (u < uLo) uLo = u;
        if (u > uHi) uHi = u;
        if (uInteger && Math.floor(u) !== u) uInteger = false;
        if (!(u - u === 0)) allFinite = false;
        prevU = u;
      }
      if (blocked) {
        if (u !== blockUnit) {
          // a new block: the previous one complete, ids increasing
          if (r > 0 && m === 0) m = r;
          if ((r > 0 && r - blockStart !== m) || !(u > blockUnit || r === 0)) blocked = false;
          blockStart = r;
          blockUnit = u;
          blockCohort = v !== v || v === 0 || v === -Infinity ? Infinity : v; // cohortCode, inlined
        } else if (newV && (v !== v || v === 0 || v === -Infinity ? Infinity : v) !== blockCohort) blocked = false;
        // times: strictly increasing within the first block, then the first block's times
        const j = r - blockStart;
        if (m === 0 ? j > 0 && !(ti > t[all ? r - 1 : keep[r - 1]!]!) : j >= m || ti !== t[all ? j : keep[j]!]) blocked = false;
      }
    }
    if (newV) {
      prevV = v;
      if (v !== v || v === 0 || v === Infinity || v === -Infinity) {
        anyNever = true;
        if (v !== 0) anyNeverNotZero = true;
      } else if (!(v > 0 && Math.floor(v) === v && v !== Infinity)) {
        if (badCohort < 0) badCohort = i;
      } else if (v > gMaxFinite) gMaxFinite = v;
    }
    if (w && w[i]! < 0 && badWeight < 0) badWeight = i;
  }
  if (blocked && m === 0) m = count; // a single unit
  if (blocked && count - blockStart !== m) blocked = false;
  return { badTime, badCohort, badWeight, anyNever, anyNeverNotZero, gMaxFinite, bounds: { tLo, tHi, uLo, uHi, uInteger, unitBlocks: blocked ? m : 0 }, allFinite };
}

/** What {@link rowFacts} finds. */
interface RowFacts {
  badTime: number;
  badCohort: number;
  badWeight: number;
  anyNever: boolean;
  anyNeverNotZero: boolean;
  gMaxFinite: number;
  bounds: Bounds;
  allFinite: boolean;
}

/**
 * {@link rowFacts} over all rows when they come in unit blocks (Bounds.unitBlocks) whose raw
 * cohort value is constant within each block (NaN counted equal to NaN): then the time checks
 * need the first block only and the cohort and unit checks one row per block, so the per-row
 * work is three equality tests plus one finiteness pass per column. The same facts as the
 * general loop; null (nothing decided) at the first row breaking that layout or a non-finite
 * unit id, and the general loop runs instead.
 */
function blockFacts(t: Float64Array, gRaw: Float64Array, w: Float64Array | undefined, unit: Float64Array, finite: readonly Float64Array[]): RowFacts | null {
  const count = t.length;
  const u0 = unit[0]!;
  if (!(u0 - u0 === 0)) return null;
  let m = 1;
  while (m < count && unit[m] === u0) m++;
  if (count % m !== 0) return null;
  // the first block's times: strictly increasing (NaN fails), the first non-integer one
  let badTime = -1;
  let allFinite = true;
  for (let j = 0; j < m; j++) {
    const tj = t[j]!;
    if (j > 0 && !(tj > t[j - 1]!)) return null;
    if (Math.floor(tj) !== tj && badTime < 0) badTime = j;
    if (finite.length > 0 && !(tj - tj === 0)) allFinite = false; // as the general loop: t counts with the columns
  }
  // the first two `finite` columns checked with the blocks (one pass over the rows), the rest alone
  const f0 = finite.length > 0 ? finite[0]! : unit; // unit: finite here
  const f1 = finite.length > 1 ? finite[1]! : f0;
  let uInteger = true;
  let anyNever = false;
  let anyNeverNotZero = false;
  let gMaxFinite = -Infinity;
  let badCohort = -1;
  let uHi = -Infinity;
  for (let s = 0; s < count; s += m) {
    const u = unit[s]!;
    if (!(u > uHi) || !(u - u === 0)) return null;
    uHi = u;
    if (uInteger && Math.floor(u) !== u) uInteger = false;
    const v = gRaw[s]!;
    const check = sameBlock(unit, t, gRaw, f0, f1, s, m, u, v);
    if (check < 0) return null;
    if (check === 0) allFinite = false;
    if (v !== v || v === 0 || v === Infinity || v === -Infinity) {
      anyNever = true;
      if (v !== 0) anyNeverNotZero = true;
    } else if (!(v > 0 && Math.floor(v) === v)) {
      if (badCohort < 0) badCohort = s;
    } else if (v > gMaxFinite) gMaxFinite = v;
  }
  for (let c = 2; c < finite.length && allFinite; c++) allFinite = allFiniteColumn(finite[c]!);
  const badWeight = w ? firstNegative(w) : -1;
  const bounds = { tLo: t[0]!, tHi: t[m - 1]!, uLo: u0, uHi, uInteger, unitBlocks: m };
  return { badTime, badCohort, badWeight, anyNever, anyNeverNotZero, gMaxFinite, bounds, allFinite };
}

/**
 * Rows s … s + m − 1 of {@link blockFacts}: −1 unless they all have unit u, cohort v (NaN equal
 * to NaN) and the first block's times; else 1 if f0 and f1 are finite there, 0 if not.
 */
function sameBlock(unit: Float64Array, t: Float64Array, gRaw: Float64Array, f0: Float64Array, f1: Float64Array, s: number, m: number, u: number, v: number): number {
  // x·0 is ±0 for finite x and NaN otherwise: the sum is NaN iff some value is not finite
  let zero = 0;
  for (let j = 0; j < m; j++) {
    const i = s + j;
    const g = gRaw[i]!;
    if (unit[i] !== u || t[i] !== t[j] || (g !== v && !(g !== g && v !== v))) return -1;
    zero += f0[i]! * 0 + f1[i]! * 0;
  }
  return zero === 0 ? 1 : 0;
}

/** The first negative value's position, −1 if none. */
function firstNegative(x: Float64Array): number {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) return i;
  return -1;
}
