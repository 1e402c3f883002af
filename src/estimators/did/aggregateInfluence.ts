/**
 * The influence functions of aggregated ATT(g,t)s, as did 2.5.1's `compute.aggte`: weighted
 * means Σⱼ wⱼ θⱼ with wⱼ = pgⱼ/Σpg (cohort shares pg = mean(wᵢ·1{Gᵢ = g})) and, because the
 * shares are estimated, did's weight influence function (`wif`) added; and plain means of
 * columns (the overall dynamic and calendar effects).
 *
 * Every sum runs in the order did's matrix products use, so aggregating with or without the
 * cells' support ranges gives the same bits (test/estimators/did/aggregate.did.support.test.ts).
 */

/**
 * Σ att·pg / Σ pg over `cells`, summed in the order given (did's group-size-weighted mean).
 *
 * @example
 * pgWeightedMean([1, 3], [1, 3], [0, 1]); // 2.5 (= (1·1 + 3·3) / 4)
 */
export function pgWeightedMean(att: ArrayLike<number>, pg: ArrayLike<number>, cells: readonly number[]): number {
  let s = 0;
  let spg = 0;
  for (const c of cells) {
    s += att[c]! * pg[c]!;
    spg += pg[c]!;
  }
  return s / spg;
}

/**
 * The influence function of Σⱼ wⱼ θⱼ (wⱼ = pgⱼ/Σpg over `cells`) including, with `withWif`,
 * did's `wif` term for the estimated weights: ψ = Σⱼ ψⱼ wⱼ + Σⱼ θⱼ ∂wⱼ. `cellSlot` and `rowSlot`
 * give the cohort slot of each cell and each influence row (−1: never treated); `into` receives
 * the result; `support` (per cell, row ranges outside which its ψ is 0) lets the sums skip rows.
 *
 * @example
 * // one cell, no weight term: ψ itself
 * weightedInfluence(Float64Array.of(1, 2), 2, [0], Float64Array.of(0.5), Float64Array.of(1), Int32Array.of(0),
 *   Float64Array.of(1, 1), Int32Array.of(0, -1), 1, false); // Float64Array [1, 2]
 */
export function weightedInfluence(
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
  runs?: Int32Array,
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
  if (runs) addWifRuns(out, runs, rowSlot, rowWeight, count, attSum, spg, sAttPg);
  else addWif(out, rowSlot, rowWeight, count, attSum, spg, sAttPg, n);
  return out;
}

/**
 * The runs of rows with the same (cohort slot, weight) — the test of {@link addWif} — as their
 * starts followed by n, when there are few of them (at most n/16: rows sorted by cohort with
 * equal weights); else undefined. Computed once per aggregation for every wif term.
 *
 * @example
 * slotRuns(Int32Array.of(0, 0, 1, 1), Float64Array.of(1, 1, 1, 1), 4, 2); // Int32Array [0, 2, 4]
 */
export function slotRuns(rowSlot: Int32Array, rowWeight: Float64Array, n: number, maxRuns = n >> 4): Int32Array | undefined {
  const starts = new Int32Array(maxRuns + 1);
  const m = runStarts(rowSlot, rowWeight, n, starts, maxRuns);
  if (m < 0) return undefined;
  const out = starts.slice(0, m + 1);
  out[m] = n;
  return out;
}

/** The run starts into `starts` (see {@link slotRuns}); their number, or −1 beyond maxRuns. */
function runStarts(rowSlot: Int32Array, rowWeight: Float64Array, n: number, starts: Int32Array, maxRuns: number): number {
  let lastSlot = -2;
  let lastW = NaN;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const slot = rowSlot[i]!;
    const wi = rowWeight[i]!;
    if (slot !== lastSlot || !(wi === lastW)) {
      if (m === maxRuns) return -1;
      starts[m++] = i;
      lastSlot = slot;
      lastW = wi;
    }
  }
  return m;
}

/**
 * {@link addWif} run by run ({@link slotRuns}): the value from the run's first row, as the row
 * loop recomputes it there, added to every row of the run (the same bits).
 */
function addWifRuns(out: Float64Array, runs: Int32Array, rowSlot: Int32Array, rowWeight: Float64Array, count: Float64Array, attSum: Float64Array, spg: number, sAttPg: number): void {
  const spg2 = spg * spg;
  for (let r = 0; r + 1 < runs.length; r++) {
    const a = runs[r]!;
    const slot = rowSlot[a]!;
    const wi = rowWeight[a]!;
    const cSum = (slot >= 0 ? count[slot]! * wi : 0) - spg;
    const cAtt = (slot >= 0 ? attSum[slot]! * wi : 0) - sAttPg;
    addConstant(out, cAtt / spg - (cSum * sAttPg) / spg2, a, runs[r + 1]!);
  }
}

/** out[i] += value for i in [a, b). */
function addConstant(out: Float64Array, value: number, a: number, b: number): void {
  for (let i = a; i < b; i++) out[i] += value;
}

/**
 * out[i] += Σ_k θ_k wif_k(i) (see {@link weightedInfluence}). The term depends on the row only
 * through (slot, weight), and rows of a cohort are adjacent with, often, equal weights: it is
 * recomputed only when that pair changes (the same expression, so the same bits).
 */
function addWif(out: Float64Array, rowSlot: Int32Array, rowWeight: Float64Array, count: Float64Array, attSum: Float64Array, spg: number, sAttPg: number, n: number): void {
  const spg2 = spg * spg;
  let lastSlot = -2;
  let lastW = NaN;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const slot = rowSlot[i]!;
    const wi = rowWeight[i]!;
    if (slot !== lastSlot || !(wi === lastW)) {
      const cSum = (slot >= 0 ? count[slot]! * wi : 0) - spg;
      const cAtt = (slot >= 0 ? attSum[slot]! * wi : 0) - sAttPg;
      value = cAtt / spg - (cSum * sAttPg) / spg2;
      lastSlot = slot;
      lastW = wi;
    }
    out[i] += value;
  }
}

/** out[i] += ψ[o + i]·wgt for i in [a, b). */
function addScaled(out: Float64Array, psi: Float64Array, o: number, wgt: number, a: number, b: number): void {
  for (let i = a; i < b; i++) out[i] += psi[o + i]! * wgt;
}

/**
 * Σ_k v_k/K over the columns `which` (K = which.length), row by row: the same additions in the
 * same order as one pass per column, in a single pass.
 *
 * @example
 * meanOfColumns([Float64Array.of(1, 2), Float64Array.of(3, 6)], [0, 1], 2); // Float64Array [2, 4]
 */
export function meanOfColumns(columns: readonly Float64Array[], which: readonly number[], n: number): Float64Array {
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
