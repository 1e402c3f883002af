/**
 * Greedy nearest-neighbour matching on a scalar distance, as MatchIt 4.5.1's `nn_matchC_vec`.
 *
 * MatchIt sorts all units by distance (stable, ascending: R's `sort.list`, radix), then for each
 * matching round r = 1..ratio and each treated unit in matching order (`m.order`), takes the
 * closest still-available control to the left and to the right in sorted order and keeps the
 * left one when the two are equally far (`|d_left − d_i| <= |d_right − d_i|`). A control is
 * skipped when it is treated, already matched to this treated unit (rounds > 1 with
 * replacement), or used up (`times_matched >= reuse.max`: 1 without replacement, unlimited
 * with). A caliper stops the search at the first eligible control that is farther than the
 * caliper. Source: kosukeimai/MatchIt@80f32f3 (4.5.1) `src/nn_matchC_vec.cpp`.
 *
 * MatchIt finds the neighbours by walking over every position (O(n) per treated unit, O(n²)
 * overall). Here the walk skips used controls through two union–find "next available
 * position" arrays with path halving, so the whole match is O(n log n) for the sort plus
 * near-constant work per match — with exactly the same candidates in the same order, hence
 * identical matched sets and tie-breaking.
 *
 * Also here: Mahalanobis nearest-neighbour matching (`nn_matchC`) and matching within exact
 * strata (`matchit2nearest` with `exact`). The match matrix and the weights and subclasses
 * derived from it are in `matchMatrix.ts`.
 *
 * Dimension symbols: n = units, n1 = treated units, r = ratio.
 */
import type { MatchMatrix } from './matchMatrix.js';
import { stableOrder } from './stableOrder.js';

/**
 * Options of {@link nearestNeighborMatch}, already validated (see `validateMatchit.ts`).
 *
 * @example
 * const params: NearestParams = { ratio: 1, replace: false, caliper: null, order: Int32Array.of(1, 0) };
 */
export interface NearestParams {
  /** Controls per treated unit (MatchIt `ratio`), integer ≥ 1. */
  readonly ratio: number;
  /** Match with replacement (MatchIt `replace`). */
  readonly replace: boolean;
  /** Absolute caliper on the distance (already multiplied by the SD when `std.caliper`); null = none. */
  readonly caliper: number | null;
  /**
   * Matching order: indices into the treated units in data order (0 = first treated row), as
   * MatchIt's `ord` (`order(distance[treat == 1], decreasing = TRUE)` for `m.order = "largest"`).
   */
  readonly order: Int32Array;
  /** Units excluded from matching (MatchIt `discarded`, e.g. by common support); 1 = discarded. */
  readonly discarded?: Uint8Array;
  /**
   * Reproduce MatchIt 4.5.1–4.5.3 exactly: its C++ called `abs()` on doubles, which resolved to
   * the integer `abs` on Linux/gcc, so every |difference| < 1 became 0. Consequences: the left
   * (lower-distance) neighbour always wins, and a caliper on a propensity score never binds.
   * Fixed in MatchIt 4.5.4 (NEWS: "calipers would not work properly on some systems", #163).
   * The same code compared 0-based with 1-based indices when skipping controls already matched
   * to the treated unit (rounds ≥ 2); this flag reproduces that too.
   */
  readonly legacyIntegerAbs?: boolean;
}

/** Union–find over sorted positions: `find(p)` = nearest available position ≥ p (right) or ≤ p (left). */
function findRoot(parent: Int32Array, start: number): number {
  let p = start;
  while (parent[p] !== p) {
    const grand = parent[parent[p]!]!;
    parent[p] = grand; // path halving
    p = grand;
  }
  return p;
}

/**
 * Greedy nearest-neighbour matching of treated to control units on a scalar distance, exactly as
 * MatchIt 4.5.1 `method = "nearest"` with a vector distance (propensity score).
 *
 * @param distance distance (propensity score) of every unit
 * @param treat 1 = treated, 0 = control, per unit
 * @param params validated options; `order` gives the treated matching order
 * @returns the match matrix (treated rows in data order; −1 where no control was found)
 * @example
 * const mm = nearestNeighborMatch(Float64Array.of(0.9, 0.2, 0.85, 0.5), Uint8Array.of(1, 0, 0, 1),
 *   { ratio: 1, replace: false, caliper: null, order: Int32Array.of(0, 1) });
 * mm.controls; // Int32Array [2, 1]: unit 0 (0.9) takes 2 (0.85), unit 3 (0.5) takes 1 (0.2)
 */
export function nearestNeighborMatch(distance: Float64Array, treat: Uint8Array, params: NearestParams): MatchMatrix {
  const n = distance.length;
  const { ratio, replace, caliper, order, discarded } = params;
  const sorted = stableOrder(distance);
  const position = new Int32Array(n);
  for (let p = 0; p < n; p++) position[sorted[p]!] = p;

  let n1 = 0;
  for (let i = 0; i < n; i++) if (treat[i] === 1) n1++;
  const treatedRows = new Int32Array(n1);
  for (let i = 0, t = 0; i < n; i++) if (treat[i] === 1) treatedRows[t++] = i;

  // right[p]: next available position ≥ p (n = none); left[p + 1]: previous available ≤ p (0 = none).
  const right = new Int32Array(n + 1);
  const left = new Int32Array(n + 1);
  for (let p = 0; p <= n; p++) {
    right[p] = p;
    left[p] = p;
  }
  let available = 0;
  const remove = (p: number): void => {
    right[p] = p + 1;
    left[p + 1] = p;
  };
  for (let p = 0; p < n; p++) {
    const unit = sorted[p]!;
    if (treat[unit] === 1 || (discarded !== undefined && discarded[unit] === 1)) remove(p);
    else available++;
  }

  const controls = new Int32Array(n1 * ratio).fill(-1);
  // MatchIt 4.5.1 compared the 0-based candidate with the 1-based stored matches, so in rounds
  // ≥ 2 it skipped the unit one row *after* each earlier match instead of the match itself.
  const rowShift = params.legacyIntegerAbs === true ? 1 : 0;
  const inRow = (t: number, unit: number, filled: number): boolean => {
    for (let c = 0; c < filled; c++) {
      const earlier = controls[t * ratio + c]!;
      if (earlier >= 0 && earlier + rowShift === unit) return true;
    }
    return false;
  };
  const useCaliper = caliper !== null;
  const caliperWidth = caliper ?? Infinity;
  // C's int abs(int) after the implicit double → int conversion (truncation toward zero).
  const absDiff = params.legacyIntegerAbs === true ? (x: number): number => Math.abs(Math.trunc(x)) : Math.abs;

  for (let round = 0; round < ratio && available > 0; round++) {
    for (let o = 0; o < order.length && available > 0; o++) {
      const t = order[o]!;
      const unit = treatedRows[t]!;
      if (discarded !== undefined && discarded[unit] === 1) continue;
      const p = position[unit]!;
      const d = distance[unit]!;

      // Nearest eligible control on each side; controls already in this row are skipped first,
      // then the caliper ends the search (the check order of nn_matchC_vec's find_left/right).
      let kLeft = findRoot(left, p) - 1; // left is shifted by one: left[q + 1] describes q
      while (kLeft >= 0 && round > 0 && inRow(t, sorted[kLeft]!, round)) kLeft = findRoot(left, kLeft) - 1;
      if (kLeft >= 0 && useCaliper && absDiff(d - distance[sorted[kLeft]!]!) > caliperWidth) kLeft = -1;

      let kRight = findRoot(right, p + 1);
      while (kRight < n && round > 0 && inRow(t, sorted[kRight]!, round)) kRight = findRoot(right, kRight + 1);
      if (kRight < n && useCaliper && absDiff(d - distance[sorted[kRight]!]!) > caliperWidth) kRight = n;

      let chosen: number;
      if (kLeft >= 0 && kRight < n) {
        chosen = absDiff(distance[sorted[kLeft]!]! - d) <= absDiff(distance[sorted[kRight]!]! - d) ? kLeft : kRight;
      } else if (kLeft >= 0) chosen = kLeft;
      else if (kRight < n) chosen = kRight;
      else continue;

      controls[t * ratio + round] = sorted[chosen]!;
      if (!replace) {
        remove(chosen);
        available--;
      }
    }
  }
  return { treatedRows, ratio, controls };
}

/**
 * Greedy nearest-neighbour matching on a multivariate distance (Mahalanobis coordinates), as
 * MatchIt 4.5.1's `nn_matchC` (`src/nn_matchC.cpp`): treated units in `order`; each takes the
 * eligible control with the smallest Euclidean distance in `coordinates` (the first such in
 * row order on ties, R's `which.min`; distances within 1e-12 relative count as ties, since
 * mathematically equal distances can differ by rounding). With replacement every treated unit takes its `ratio`
 * closest controls at once. Cost O(n1·n0·d).
 *
 * @param coordinates row-major n×dimension
 * @example
 * nearestMultivariateMatch(Float64Array.of(0, 5, 1, 4), 1, Uint8Array.of(1, 1, 0, 0),
 *   { ratio: 1, replace: false, caliper: null, order: Int32Array.of(0, 1) }).controls; // [2, 3]
 */
export function nearestMultivariateMatch(
  coordinates: Float64Array,
  dimension: number,
  treat: Uint8Array,
  params: NearestParams,
): MatchMatrix {
  const n = treat.length;
  const { ratio, replace, order, discarded } = params;
  const treatedRows: number[] = [];
  const controlRows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (treat[i] === 1) treatedRows.push(i);
    else if (!(discarded && discarded[i] === 1)) controlRows.push(i);
  }
  const n1 = treatedRows.length;
  const controls = new Int32Array(n1 * ratio).fill(-1);
  const used = new Uint8Array(n);
  let left = controlRows.length;
  const distanceTo = (a: number, b: number): number => {
    let s = 0;
    for (let d = 0; d < dimension; d++) {
      const diff = coordinates[a * dimension + d]! - coordinates[b * dimension + d]!;
      s += diff * diff;
    }
    return Math.sqrt(s);
  };
  const rounds = replace ? 1 : ratio;
  for (let round = 0; round < rounds && left > 0; round++) {
    for (let o = 0; o < order.length && left > 0; o++) {
      const t = order[o]!;
      const unit = treatedRows[t]!;
      if (discarded && discarded[unit] === 1) continue;
      if (replace) {
        const ranked = controlRows.map((c) => ({ c, d: distanceTo(unit, c) })).filter((x) => Number.isFinite(x.d));
        ranked.sort((a, b) => a.d - b.d || a.c - b.c);
        for (let j = 0; j < Math.min(ratio, ranked.length); j++) controls[t * ratio + j] = ranked[j]!.c;
        continue;
      }
      let best = -1;
      let bestDistance = Infinity;
      for (const c of controlRows) {
        if (used[c] === 1) continue;
        const d = distanceTo(unit, c);
        // Distances equal up to rounding (e.g. Δ and −Δ) are ties: the first control in row
        // order wins, as R's which.min does on exact ties.
        if (d < bestDistance * (1 - 1e-12)) {
          bestDistance = d;
          best = c;
        }
      }
      if (best < 0) continue;
      controls[t * ratio + round] = best;
      used[best] = 1;
      left--;
    }
  }
  return { treatedRows: Int32Array.from(treatedRows), ratio, controls };
}

/**
 * Exact matching (MatchIt `exact = ~ a + b`): runs a matcher separately within each stratum of
 * identical exact values and assembles one match matrix over all units.
 *
 * MatchIt 4.5.1 `matchit2nearest` (without `unit.id`) splits the sample by the exact strata and
 * calls the matcher on each subset with its own matching order (`m.order` computed within the
 * stratum); the distance, the caliper and the discards are those of the full sample. Because
 * strata share no controls, the greedy result within a stratum does not depend on the others,
 * so processing strata one by one equals a global greedy pass that skips controls of other
 * strata. Treated units in a stratum without controls stay unmatched (−1). Cost: one grouping
 * pass (counting sort, O(n)) plus the matcher on each stratum. Nothing crosses strata (each has
 * its own order, availability and ties; the caliper and discards are fixed beforehand), so
 * `strataMatch.ts` can run them on worker threads with the same result.
 *
 * @param strata stratum code of every unit, 0..nStrata−1
 * @param treat 1 = treated, 0 = control, per unit
 * @param ratio columns of the match matrix
 * @param matchStratum matches the units `rows` (ascending unit indices) and returns a match
 *   matrix in indices local to `rows`
 * @example
 * // Two strata: {0: treated, 1: control} and {2: treated, 3: control}.
 * matchWithinStrata(Int32Array.of(0, 0, 1, 1), Uint8Array.of(1, 0, 1, 0), 1, (rows) => {
 *   const d = Float64Array.from(rows, (r) => [0.9, 0.1, 0.5, 0.45][r]!);
 *   const t = Uint8Array.from(rows, (r) => [1, 0, 1, 0][r]!);
 *   return nearestNeighborMatch(d, t, { ratio: 1, replace: false, caliper: null, order: Int32Array.of(0) });
 * }).controls; // Int32Array [1, 3]
 */
export function matchWithinStrata(
  strata: Int32Array,
  treat: Uint8Array,
  ratio: number,
  matchStratum: (rows: Int32Array) => MatchMatrix,
): MatchMatrix {
  const layout = strataLayout(strata, treat);
  const controls = new Int32Array(layout.treatedRows.length * ratio).fill(-1);
  for (let k = 0; k < layout.active.length; k++) {
    const rows = stratumRows(layout, layout.active[k]!);
    placeStratumMatches(rows, matchStratum(rows), layout.treatedIndex, ratio, controls);
  }
  return { treatedRows: layout.treatedRows, ratio, controls };
}

/**
 * The units grouped by exact stratum (see {@link strataLayout}).
 *
 * @example
 * const layout: StrataLayout = strataLayout(Int32Array.of(0, 0, 1), Uint8Array.of(1, 0, 1));
 */
export interface StrataLayout {
  /** Unit indices sorted by stratum, in row order within each stratum. */
  readonly grouped: Int32Array;
  /** Stratum s holds `grouped[start[s] .. start[s + 1])`. */
  readonly start: Int32Array;
  /** The strata with both treated and control units, ascending: the ones matched. */
  readonly active: Int32Array;
  /** Per unit: its row in the match matrix (treated units), −1 for controls. */
  readonly treatedIndex: Int32Array;
  /** Treated units in data order. */
  readonly treatedRows: Int32Array;
}

/**
 * Groups the units by stratum (counting sort, O(n)) and lists the strata to match: those without
 * treated units have nothing to match, those without controls nothing to match to.
 *
 * @param strata stratum code of every unit, 0..nStrata−1
 * @param treat 1 = treated, 0 = control, per unit
 * @example
 * strataLayout(Int32Array.of(1, 0, 1, 0), Uint8Array.of(1, 1, 0, 1)).active; // Int32Array [1]
 */
export function strataLayout(strata: Int32Array, treat: Uint8Array): StrataLayout {
  const n = treat.length;
  let nStrata = 0;
  for (let i = 0; i < n; i++) if (strata[i]! + 1 > nStrata) nStrata = strata[i]! + 1;
  const start = new Int32Array(nStrata + 1);
  const treatedIn = new Int32Array(nStrata);
  const controlIn = new Int32Array(nStrata);
  for (let i = 0; i < n; i++) {
    start[strata[i]! + 1]++;
    if (treat[i] === 1) treatedIn[strata[i]!]++;
    else controlIn[strata[i]!]++;
  }
  for (let s = 0; s < nStrata; s++) start[s + 1] += start[s]!;
  const grouped = new Int32Array(n);
  const fill = start.slice(0, nStrata);
  for (let i = 0; i < n; i++) grouped[fill[strata[i]!]!++] = i;

  let n1 = 0;
  const treatedIndex = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (treat[i] === 1) treatedIndex[i] = n1++;
  const treatedRows = new Int32Array(n1);
  for (let i = 0; i < n; i++) if (treat[i] === 1) treatedRows[treatedIndex[i]!] = i;
  const active: number[] = [];
  for (let s = 0; s < nStrata; s++) if (treatedIn[s] !== 0 && controlIn[s] !== 0) active.push(s);
  return { grouped, start, active: Int32Array.from(active), treatedIndex, treatedRows };
}

/**
 * The units of stratum `s` (ascending unit indices; a view into `layout.grouped`).
 *
 * @example
 * stratumRows(strataLayout(Int32Array.of(1, 0, 1), Uint8Array.of(1, 0, 0)), 1); // Int32Array [0, 2]
 */
export function stratumRows(layout: Pick<StrataLayout, 'grouped' | 'start'>, s: number): Int32Array {
  return layout.grouped.subarray(layout.start[s]!, layout.start[s + 1]!);
}

/**
 * Writes the matches of one stratum (a match matrix in indices local to `rows`) into the rows of
 * the full match matrix `controls` that belong to its treated units: strata write disjoint rows.
 *
 * @param treatedIndex per unit, its row in the full match matrix
 * @example
 * const controls = Int32Array.of(-1, -1);
 * placeStratumMatches(Int32Array.of(2, 3), { treatedRows: Int32Array.of(0), ratio: 1, controls: Int32Array.of(1) },
 *   Int32Array.of(0, -1, 1, -1), 1, controls);
 * controls; // Int32Array [-1, 3]
 */
export function placeStratumMatches(rows: Int32Array, local: MatchMatrix, treatedIndex: Int32Array, ratio: number, controls: Int32Array): void {
  for (let t = 0; t < local.treatedRows.length; t++) {
    const global = treatedIndex[rows[local.treatedRows[t]!]!]!;
    for (let c = 0; c < Math.min(ratio, local.ratio); c++) {
      const unit = local.controls[t * local.ratio + c]!;
      controls[global * ratio + c] = unit >= 0 ? rows[unit]! : -1;
    }
  }
}

/**
 * Greedy nearest-neighbour matching on Mahalanobis coordinates as MatchIt ≥ 4.6's
 * `nn_matchC_mahcovs` / `find_control_mahcovs`: units are sorted by the first coordinate; each
 * focal unit (in `order`) walks outward from its place, alternately left and right, computing the
 * squared Euclidean distance to each eligible control; a side stops once its first-coordinate gap²
 * exceeds the best distance found. A control at a distance ≤ the best replaces it (ratio 1), so
 * among equally distant controls the last one reached wins. Without replacement, `ratio` rounds of
 * one control each; with replacement, each focal unit takes its `ratio` closest at once.
 * Source read: kosukeimai/MatchIt 4.7.2 `src/nn_matchC_mahcovs.cpp`, `src/internal.cpp`.
 *
 * @param coordinates row-major n×dimension (`mahalanobisCoordinates(…, legacy = false)`)
 * @example
 * nearestMahalanobisWalk(Float64Array.of(0, 5, 1, 4), 1, Uint8Array.of(1, 1, 0, 0),
 *   { ratio: 1, replace: false, caliper: null, order: Int32Array.of(0, 1) }).controls; // [2, 3]
 */
export function nearestMahalanobisWalk(
  coordinates: Float64Array,
  dimension: number,
  treat: Uint8Array,
  params: NearestParams,
): MatchMatrix {
  const n = treat.length;
  const { ratio, replace, order, discarded } = params;
  const treatedRows: number[] = [];
  for (let i = 0; i < n; i++) if (treat[i] === 1) treatedRows.push(i);
  const n1 = treatedRows.length;
  const first = Float64Array.from({ length: n }, (_, i) => coordinates[i * dimension]!);
  const sorted = stableOrder(first);
  const position = new Int32Array(n);
  for (let q = 0; q < n; q++) position[sorted[q]!] = q;
  const eligible = new Uint8Array(n);
  let controlsLeft = 0;
  for (let i = 0; i < n; i++) {
    if (discarded && discarded[i] === 1) continue;
    eligible[i] = 1;
    if (treat[i] === 0) controlsLeft++;
  }
  const controls = new Int32Array(n1 * ratio).fill(-1);
  const filled = new Int32Array(n1);
  const distanceSq = (a: number, b: number): number => {
    let s = 0;
    for (let d = 0; d < dimension; d++) {
      const diff = coordinates[a * dimension + d]! - coordinates[b * dimension + d]!;
      s += diff * diff;
    }
    return s;
  };

  /** `find_control_mahcovs`: up to `want` controls, closest first. */
  const find = (unit: number, t: number, round: number, want: number): number[] => {
    let iil = position[unit]!;
    let iir = iil;
    let lStop = false;
    let rStop = false;
    let left = false;
    let nLeft = 0;
    let nRight = 0;
    const found: { c: number; d: number }[] = [];
    const mv = first[unit]!;
    while (!lStop || !rStop) {
      left = lStop ? false : rStop ? true : !left;
      let iz: number;
      if (left) {
        if (iil <= 0 || nLeft === want) {
          lStop = true;
          continue;
        }
        iz = sorted[--iil]!;
      } else {
        if (iir >= n - 1 || nRight === want) {
          rStop = true;
          continue;
        }
        iz = sorted[++iir]!;
      }
      if (eligible[iz] !== 1 || treat[iz] !== 0) continue;
      if (round > 1) {
        let inRow = false;
        for (let c = 0; c < filled[t]!; c++) if (controls[t * ratio + c] === iz) inRow = true;
        if (inRow) continue;
      }
      const gap = Math.abs(mv - first[iz]!);
      const gapSq = gap * gap;
      if (found.length === want && found[found.length - 1]!.d < gapSq) {
        if (left) lStop = true;
        else rStop = true;
        continue;
      }
      const d = distanceSq(unit, iz);
      if (!Number.isFinite(d)) continue;
      const entry = { c: iz, d };
      if (found.length === 0) found.push(entry);
      else if (d > found[found.length - 1]!.d) {
        if (found.length === want) continue;
        found.push(entry);
      } else if (want === 1) found[0] = entry;
      else {
        if (found.length === want) found.pop();
        if (found.length > 0 && d > found[found.length - 1]!.d) found.push(entry);
        else {
          // std::lower_bound by distance: before the first entry not closer.
          let at = 0;
          while (at < found.length && found[at]!.d < d) at++;
          found.splice(at, 0, entry);
        }
      }
    }
    return found.map((f) => f.c);
  };

  if (replace) {
    for (let o = 0; o < order.length; o++) {
      const t = order[o]!;
      const unit = treatedRows[t]!;
      if (eligible[unit] !== 1) continue;
      find(unit, t, 1, ratio).forEach((c, j) => (controls[t * ratio + j] = c));
    }
    return { treatedRows: Int32Array.from(treatedRows), ratio, controls };
  }
  for (let round = 1; round <= ratio; round++) {
    for (let o = 0; o < order.length; o++) {
      if (controlsLeft === 0) break;
      const t = order[o]!;
      const unit = treatedRows[t]!;
      if (eligible[unit] !== 1) continue;
      const k = find(unit, t, round, 1);
      if (k.length === 0) {
        eligible[unit] = 0;
        continue;
      }
      controls[t * ratio + filled[t]!] = k[0]!;
      filled[t]++;
      eligible[k[0]!] = 0;
      controlsLeft--;
      if (filled[t] === ratio) eligible[unit] = 0;
    }
  }
  return { treatedRows: Int32Array.from(treatedRows), ratio, controls };
}
