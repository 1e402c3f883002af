/**
 * Nearest-neighbour matching in order of pair distance (MatchIt `m.order = "closest"` /
 * `"farthest"`), as MatchIt 4.7.2's `nn_matchC_vec_closest` with a scalar distance.
 *
 * Each matching round r = 1..ratio: every eligible focal unit (data order) finds its nearest
 * eligible control (`find_control_vec`); the candidate pairs are ordered by their distance
 * (R's stable `order()`: ties by focal data order; decreasing for `"farthest"`). Going down that
 * list, a pair whose control is still available is matched; otherwise the focal unit searches
 * again outward from the used control, the pair's distance is updated and the pair is moved to its
 * new place in the rest of the list (`std::lower_bound` then `std::rotate`, reproduced exactly
 * below, including the binary search over the not-yet-sorted remainder) and the same position is
 * examined again. Source read: kosukeimai/MatchIt 4.7.2 `src/nn_matchC_vec_closest.cpp`,
 * `src/internal.cpp` (`find_control_vec`).
 *
 * Dimension symbols: n = units, n1 = focal units, r = ratio.
 */
import type { MatchMatrix } from './matchMatrix.js';
import type { NearestParams } from './nearest.js';
import { stableOrder } from './stableOrder.js';

/**
 * Options of {@link closestMatch}: those of nearest-neighbour matching without the focal order
 * (the pair distances set it), plus the direction.
 *
 * @example
 * const params: ClosestParams = { ratio: 1, replace: false, caliper: null, closest: true };
 */
export interface ClosestParams extends Omit<NearestParams, 'order' | 'legacyIntegerAbs'> {
  /** `true`: closest pair first (`m.order = "closest"`); `false`: farthest first (`"farthest"`). */
  readonly closest: boolean;
}

/**
 * Greedy matching of focal (treat = 1) to control units on a scalar distance, closest (or farthest)
 * pair first, exactly as MatchIt's `m.order = "closest"` / `"farthest"`.
 *
 * @param distance distance (propensity score) of every unit
 * @param treat 1 = focal, 0 = control, per unit
 * @returns the match matrix (focal rows in data order; −1 where no control was found)
 * @example
 * // focal 0.5 and 0.9; controls 0.55, 0.85: pair (0.9, 0.85) and (0.5, 0.55) are both 0.05 apart
 * closestMatch(Float64Array.of(0.5, 0.9, 0.55, 0.85), Uint8Array.of(1, 1, 0, 0),
 *   { ratio: 1, replace: false, caliper: null, closest: true }).controls; // Int32Array [2, 3]
 */
export function closestMatch(distance: Float64Array, treat: Uint8Array, params: ClosestParams): MatchMatrix {
  const n = distance.length;
  const { ratio, replace, closest, discarded } = params;
  const sorted = stableOrder(distance);
  const position = new Int32Array(n);
  for (let p = 0; p < n; p++) position[sorted[p]!] = p;

  const focalRows: number[] = [];
  for (let i = 0; i < n; i++) if (treat[i] === 1) focalRows.push(i);
  const n1 = focalRows.length;
  const focalIndex = new Int32Array(n).fill(-1);
  focalRows.forEach((row, t) => (focalIndex[row] = t));

  const eligible = new Uint8Array(n);
  const nEligible = [0, 0];
  for (let i = 0; i < n; i++) {
    if (discarded !== undefined && discarded[i] === 1) continue;
    eligible[i] = 1;
    nEligible[treat[i]!]++;
  }
  const timesMatched = new Int32Array(n);
  const allowed = (unit: number): number => (treat[unit] === 1 ? ratio : replace ? Infinity : 1);

  let caliper = params.caliper;
  if (caliper === null) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const d of distance) {
      if (!Number.isFinite(d)) continue;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    caliper = hi - lo + 1;
  }
  const caliperWidth = caliper;

  const controls = new Int32Array(n1 * ratio).fill(-1);
  const filled = new Int32Array(n1);

  /** `find_control_vec` with ratio 1: the nearest eligible control, searching outward from the starts. */
  const findControl = (unit: number, round: number, previous: number): number => {
    const t = focalIndex[unit]!;
    const ii = position[unit]!;
    const starts: number[] = [];
    if (round > 1) for (let c = 0; c < filled[t]!; c++) starts.push(position[controls[t * ratio + c]!]!);
    if (previous >= 0) starts.push(position[previous]!);
    const di = distance[unit]!;
    let iil = ii;
    let iir = ii;
    let minDist = 0;
    if (starts.length > 0) {
      starts.push(ii);
      iil = Math.min(...starts);
      iir = Math.max(...starts);
      if (iil === ii) minDist = Math.abs(di - distance[sorted[iir]!]!);
      else if (iir === ii) minDist = Math.abs(di - distance[sorted[iil]!]!);
      else minDist = Math.max(Math.abs(di - distance[sorted[iil]!]!), Math.abs(di - distance[sorted[iir]!]!));
    }
    const inRow = (candidate: number): boolean => {
      if (round <= 1) return false;
      for (let c = 0; c < filled[t]!; c++) if (controls[t * ratio + c] === candidate) return true;
      return false;
    };
    let lStop = false;
    let rStop = false;
    let left = false;
    let nLeft = 0;
    let nRight = 0;
    const candidates: number[] = [];
    const candidateDist: number[] = [];
    while (!lStop || !rStop) {
      left = lStop ? false : rStop ? true : !left;
      let iz: number;
      if (left) {
        if (iil <= 0 || nLeft === 1) {
          lStop = true;
          continue;
        }
        iz = sorted[--iil]!;
      } else {
        if (iir >= n - 1 || nRight === 1) {
          rStop = true;
          continue;
        }
        iz = sorted[++iir]!;
      }
      if (eligible[iz] !== 1 || treat[iz] !== 0 || inRow(iz)) continue;
      const dc = Math.abs(di - distance[iz]!);
      if (dc > caliperWidth) {
        if (left) lStop = true;
        else rStop = true;
        continue;
      }
      if (dc < minDist) continue;
      if (candidates.length >= 1 && candidateDist.some((d) => d < dc)) {
        if (left) lStop = true;
        else rStop = true;
        continue;
      }
      candidates.push(iz);
      candidateDist.push(dc);
      if (left) {
        nLeft++;
        lStop = true;
      } else {
        nRight++;
        rStop = true;
      }
    }
    if (candidates.length === 0) return -1;
    // Two candidates: std::partial_sort keeps the first found unless the second is strictly closer.
    return candidates.length === 2 && candidateDist[1]! < candidateDist[0]! ? candidates[1]! : candidates[0]!;
  };

  for (let round = 1; round <= ratio; round++) {
    const pairFocal: number[] = [];
    const pairControl: number[] = [];
    const pairDist: number[] = [];
    for (const unit of focalRows) {
      if (eligible[unit] !== 1) continue;
      const k = findControl(unit, round, -1);
      if (k < 0) {
        eligible[unit] = 0;
        nEligible[1]--;
        continue;
      }
      pairFocal.push(unit);
      pairControl.push(k);
      pairDist.push(Math.abs(distance[unit]! - distance[k]!));
    }
    const heap = Array.from(stableOrder(pairDist, !closest));
    const before = closest ? (a: number, b: number): boolean => pairDist[a]! < pairDist[b]! : (a: number, b: number): boolean => pairDist[a]! >= pairDist[b]!;
    let i = 0;
    while (nEligible[0]! > 0 && nEligible[1]! > 0 && i < heap.length) {
      const h = heap[i]!;
      const unit = pairFocal[h]!;
      if (eligible[unit] !== 1) {
        i++;
        continue;
      }
      const control = pairControl[h]!;
      if (eligible[control] !== 1) {
        const k = findControl(unit, round, control);
        if (k < 0) {
          eligible[unit] = 0;
          nEligible[1]--;
          continue;
        }
        pairControl[h] = k;
        pairDist[h] = Math.abs(distance[unit]! - distance[k]!);
        // libstdc++ std::lower_bound over heap[i..] with the comparator, then std::rotate.
        let first = i;
        let len = heap.length - i;
        while (len > 0) {
          const half = len >> 1;
          const middle = first + half;
          if (before(heap[middle]!, h)) {
            first = middle + 1;
            len = len - half - 1;
          } else {
            len = half;
          }
        }
        if (first !== i) {
          heap.splice(i, 1);
          heap.splice(first - 1, 0, h);
        }
        continue;
      }
      const t = focalIndex[unit]!;
      controls[t * ratio + filled[t]!] = control;
      filled[t]++;
      for (const matched of [control, unit]) {
        if (eligible[matched] !== 1) continue;
        timesMatched[matched]++;
        if (timesMatched[matched]! >= allowed(matched)) {
          eligible[matched] = 0;
          nEligible[treat[matched]!]--;
        }
      }
      i++;
    }
  }
  return { treatedRows: Int32Array.from(focalRows), ratio, controls };
}
