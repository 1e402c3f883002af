/**
 * The passes of {@link demean} for two fixed effects whose rows form the full grid in order —
 * row i has first-dimension level ⌊i/T⌋ and second-dimension level i mod T (T = L₁): a
 * balanced panel sorted by unit, then period, one row per pair. There the level of every row is
 * known from its index, so the passes read no code arrays and need no scattered indexing; every
 * sum still runs over the same terms in the same (row) order as the general passes of
 * `demeanPasses.ts` and `demeanSweeps.ts`, so the results are identical to the last bit.
 * {@link isGrid} decides exactly (one read of the codes, only when n = L₀·L₁).
 *
 * Dimension symbols: n = rows, C = columns, L₀ = first-dimension levels, T = L₁ = second-dimension
 * levels, m = columns still iterating.
 */

/**
 * True when n = L₀·L₁ and row i has codes (⌊i/L₁⌋, i mod L₁) for every i.
 *
 * @example
 * isGrid(Int32Array.of(0, 0, 1, 1), Int32Array.of(0, 1, 0, 1), 2, 2); // true
 * isGrid(Int32Array.of(0, 0, 1, 1), Int32Array.of(1, 0, 0, 1), 2, 2); // false
 */
export function isGrid(g0: Int32Array, g1: Int32Array, L0: number, L1: number): boolean {
  const n = g0.length;
  if (g1.length !== n || L0 < 1 || L1 < 1 || L0 * L1 !== n) return false;
  let i = 0;
  for (let u = 0; u < L0; u++) {
    for (let t = 0; t < L1; t++, i++) {
      if (g0[i] !== u || g1[i] !== t) return false;
    }
  }
  return true;
}

/**
 * The first half of {@link isGrid}: true when n = L₀·L₁ = `rows` and g0[i] = ⌊i/L₁⌋ for every i.
 *
 * @example
 * isBlocks(Int32Array.of(0, 0, 1, 1), 2, 2, 4); // true
 */
export function isBlocks(g0: Int32Array, L0: number, L1: number, rows: number): boolean {
  const n = g0.length;
  if (rows !== n || L0 < 1 || L1 < 1 || L0 * L1 !== n) return false;
  let i = 0;
  for (let u = 0; u < L0; u++) {
    for (let t = 0; t < L1; t++, i++) {
      if (g0[i] !== u) return false;
    }
  }
  return true;
}

/**
 * Setup pass on the grid: level sums S₀ (stride C), S₁ (stride C) and Σx² per column, and the
 * reciprocal level counts (1/T and 1/L₀) in `inverseWeights`; with `sums`, also Σx per column
 * (row order, from 0). Column by column (the codes are not read, so the columns share nothing);
 * per column every sum runs in row order from the value in S.
 */
export function setupSumsGrid(xs: Float64Array[], L0: number, T: number, S: Float64Array[], inverseWeights: Float64Array[], sums: Float64Array | null = null): Float64Array {
  const C = xs.length;
  const S0 = S[0]!;
  const S1 = S[1]!;
  inverseWeights[0]!.fill(1 / T);
  inverseWeights[1]!.fill(1 / L0);
  if (C === 3) {
    // An empty round first (no rows): the code after the row loop then has type feedback when
    // the loop is compiled on-stack in the first fits, instead of deoptimising there (see docs/numerics.md).
    setupSumsGrid3(xs, 0, T, S0, S1, sums);
    return setupSumsGrid3(xs, L0, T, S0, S1, sums);
  }
  if (sums !== null) for (let c = 0; c < C; c++) sums[c] = columnSum(xs[c]!);
  const ss = new Float64Array(C);
  const period = new Float64Array(T);
  for (let c = 0; c < C; c++) {
    const x = xs[c]!;
    for (let t = 0; t < T; t++) period[t] = S1[t * C + c]!;
    let s = 0;
    let i = 0;
    for (let u = 0; u < L0; u++) {
      let r = S0[u * C + c]!;
      for (let t = 0; t < T; t++, i++) {
        const v = x[i]!;
        r += v;
        period[t] = period[t]! + v;
        s += v * v;
      }
      S0[u * C + c] = r;
    }
    for (let t = 0; t < T; t++) S1[t * C + c] = period[t]!;
    ss[c] = s;
  }
  return ss;
}

/**
 * {@link setupSumsGrid} for three columns read together: the three Σx² chains (one addition per
 * row each, in row order) then run side by side instead of one after another.
 */
function setupSumsGrid3(xs: Float64Array[], L0: number, T: number, S0: Float64Array, S1: Float64Array, sums: Float64Array | null): Float64Array {
  const x0 = xs[0]!;
  const x1 = xs[1]!;
  const x2 = xs[2]!;
  const period = S1.slice(0, 3 * T);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let i = 0;
  for (let u = 0; u < L0; u++) {
    const a = u * 3;
    let r0 = S0[a]!;
    let r1 = S0[a + 1]!;
    let r2 = S0[a + 2]!;
    for (let t = 0; t < T; t++, i++) {
      const v0 = x0[i]!;
      const v1 = x1[i]!;
      const v2 = x2[i]!;
      r0 += v0;
      r1 += v1;
      r2 += v2;
      const b = t * 3;
      period[b] = period[b]! + v0;
      period[b + 1] = period[b + 1]! + v1;
      period[b + 2] = period[b + 2]! + v2;
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      m0 += v0;
      m1 += v1;
      m2 += v2;
    }
    S0[a] = r0;
    S0[a + 1] = r1;
    S0[a + 2] = r2;
  }
  S1.set(period);
  if (sums !== null) sums.set([m0, m1, m2]);
  return Float64Array.of(s0, s1, s2);
}

/**
 * acc[l·m + j] −= br[gr(i)·m + j] over the rows of every level l of dimension p (p = 0: the units,
 * r = 1; p = 1: the periods, r = 0), in row order, for the m active columns.
 */
export function subtractGrid(p: number, L0: number, T: number, m: number, br: Float64Array, acc: Float64Array): void {
  if (p === 0) {
    // Unit u: its T rows subtract β₁[0], …, β₁[T − 1] in turn.
    for (let u = 0; u < L0; u++) {
      const a = u * m;
      for (let j = 0; j < m; j++) {
        let r = acc[a + j]!;
        for (let t = 0; t < T; t++) r -= br[t * m + j]!;
        acc[a + j] = r;
      }
    }
    return;
  }
  // Period t: the rows of units 0, 1, … subtract β₀[0], β₀[1], … in turn.
  if (m === 3) {
    for (let t = 0; t < T; t++) {
      const a = t * 3;
      let r0 = acc[a]!;
      let r1 = acc[a + 1]!;
      let r2 = acc[a + 2]!;
      for (let u = 0; u < L0; u++) {
        const b = u * 3;
        r0 -= br[b]!;
        r1 -= br[b + 1]!;
        r2 -= br[b + 2]!;
      }
      acc[a] = r0;
      acc[a + 1] = r1;
      acc[a + 2] = r2;
    }
    return;
  }
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < m; j++) {
      let r = acc[t * m + j]!;
      for (let u = 0; u < L0; u++) r -= br[u * m + j]!;
      acc[t * m + j] = r;
    }
  }
}

/**
 * The β₀ step on the grid in one loop: β₀[u] = (S₀[u] − β₁[0] − … − β₁[T − 1]) / T per active
 * column (the subtractions of {@link subtractGrid} then the scaling of `updateLevel`), written
 * over `beta0`; `change[j]` = max over units of |new − old| for column j (NaN counts as ∞).
 */
export function updateUnitsGrid(S0: Float64Array, inverseWeights0: Float64Array, b1: Float64Array, L0: number, T: number, m: number, beta0: Float64Array, change: Float64Array): void {
  for (let u = 0; u < L0; u++) {
    const a = u * m;
    const f = inverseWeights0[u]!;
    for (let j = 0; j < m; j++) {
      let r = S0[a + j]!;
      for (let t = 0; t < T; t++) r -= b1[t * m + j]!;
      const next = r * f;
      const d = Math.abs(next - beta0[a + j]!);
      if (!(d <= change[j]!)) change[j] = Number.isNaN(d) ? Infinity : d;
      beta0[a + j] = next;
    }
  }
}

/**
 * Output pass on the grid: out[c·n + i] = x_c[i] − β₀[u] − β₁[t] (coefficients with stride C),
 * returning Σx̃² per column (row order); with `centered`, also Σ(x − center)² per column.
 */
export function residualizeGrid(
  xs: Float64Array[],
  L0: number,
  T: number,
  betas: Float64Array[],
  out: Float64Array,
  centered: { centers: Float64Array; out: Float64Array } | null = null,
): Float64Array {
  const C = xs.length;
  const n = L0 * T;
  const b0 = betas[0]!;
  const b1 = betas[1]!;
  if (C === 3) {
    // An empty round first (no rows): the code after the row loop then has type feedback when
    // the loop is compiled on-stack in the first fits, instead of deoptimising there (see docs/numerics.md).
    residualizeGrid3(xs, 0, T, b0, b1, out, centered);
    return residualizeGrid3(xs, L0, T, b0, b1, out, centered);
  }
  if (centered !== null) for (let c = 0; c < C; c++) centered.out[c] = centeredSquares(xs[c]!, centered.centers[c]!);
  const ss = new Float64Array(C);
  const period = new Float64Array(T);
  for (let c = 0; c < C; c++) {
    const x = xs[c]!;
    const o = c * n;
    for (let t = 0; t < T; t++) period[t] = b1[t * C + c]!;
    let s = 0;
    let i = 0;
    for (let u = 0; u < L0; u++) {
      const unit = b0[u * C + c]!;
      for (let t = 0; t < T; t++, i++) {
        const v = x[i]! - unit - period[t]!;
        out[o + i] = v;
        s += v * v;
      }
    }
    ss[c] = s;
  }
  return ss;
}

/** {@link residualizeGrid} for three columns together (their Σx̃² chains side by side). */
function residualizeGrid3(
  xs: Float64Array[],
  L0: number,
  T: number,
  b0: Float64Array,
  b1: Float64Array,
  out: Float64Array,
  centered: { centers: Float64Array; out: Float64Array } | null,
): Float64Array {
  const x0 = xs[0]!;
  const x1 = xs[1]!;
  const x2 = xs[2]!;
  const n = L0 * T;
  const n2 = 2 * n;
  const period = b1.slice(0, 3 * T);
  // Σ(x − center)² beside Σx̃² (three more chains side by side; computed with center 0 and
  // dropped when not asked for, which keeps one loop).
  const c0 = centered === null ? 0 : centered.centers[0]!;
  const c1 = centered === null ? 0 : centered.centers[1]!;
  const c2 = centered === null ? 0 : centered.centers[2]!;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let q0 = 0;
  let q1 = 0;
  let q2 = 0;
  let i = 0;
  for (let u = 0; u < L0; u++) {
    const a = u * 3;
    const u0 = b0[a]!;
    const u1 = b0[a + 1]!;
    const u2 = b0[a + 2]!;
    for (let t = 0; t < T; t++, i++) {
      const b = t * 3;
      const y0 = x0[i]!;
      const y1 = x1[i]!;
      const y2 = x2[i]!;
      const v0 = y0 - u0 - period[b]!;
      const v1 = y1 - u1 - period[b + 1]!;
      const v2 = y2 - u2 - period[b + 2]!;
      out[i] = v0;
      out[n + i] = v1;
      out[n2 + i] = v2;
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      const d0 = y0 - c0;
      const d1 = y1 - c1;
      const d2 = y2 - c2;
      q0 += d0 * d0;
      q1 += d1 * d1;
      q2 += d2 * d2;
    }
  }
  if (centered !== null) centered.out.set([q0, q1, q2]);
  return Float64Array.of(s0, s1, s2);
}

/** Σx in row order. */
function columnSum(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
}

/** Σ(x − center)² in row order. */
function centeredSquares(x: Float64Array, center: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - center;
    s += d * d;
  }
  return s;
}
