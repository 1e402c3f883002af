/**
 * The passes over the rows of {@link demean} that are not iterations: level weight sums, the
 * setup pass (level sums S_p[l] = Σ_{g_p(i)=l} wᵢxᵢ of every dimension and column, and Σwx² per
 * column) and the output pass (x − Σ_p β_p[g_p] and its Σwx̃²). Coefficients of several columns
 * are interleaved (level l of column c at l·C + c) so that one row's updates touch one cache
 * line; the common two-way, unweighted, two- or three-column case has fused loops. Every sum
 * runs in row order, so the results are those of each column alone.
 *
 * Dimension symbols: n = rows, C = columns, q = fixed-effect dimensions, L_p = levels of fixed
 * effect p.
 */
import { CausalPanelError } from '../errors.js';
import { residualizeGrid } from './demeanGrid.js';

/** What every demeaning pass reads: the rows' level codes, weights and level weight sums. */
export interface Kernel {
  n: number;
  q: number;
  codes: Int32Array[];
  nLevels: number[];
  w: Float64Array | null;
  /** 1 / Σ_{i∈l} wᵢ per level (0 for empty levels). */
  inverseWeights: Float64Array[];
  /**
   * Whether the rows of a level of the first dimension mostly come in runs (data sorted by it):
   * then its scatter loops carry each run's sums in registers (same additions, no store-to-load
   * chain). Set by the setup pass.
   */
  firstRuns?: boolean;
  /**
   * Two fixed effects whose rows are the full grid in order, row i = (⌊i/L₁⌋, i mod L₁)
   * (`demeanGrid.ts`): the passes then read no codes.
   */
  grid?: boolean;
}

/** Σwx² (wᵢ = 1 without weights). */
export function sumSquares(x: Float64Array, w: Float64Array | null): number {
  let s = 0;
  if (w === null) for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  else for (let i = 0; i < x.length; i++) s += w[i]! * x[i]! * x[i]!;
  return s;
}

/**
 * Σwᵢ(xᵢ − x̄)² with x̄ = Σwx/Σw (wᵢ = 1 without weights): two passes, each sum in row order.
 *
 * @example
 * centeredSumSquares(Float64Array.of(1, 2, 3), null); // 2
 */
export function centeredSumSquares(x: Float64Array, w: ArrayLike<number> | null): number {
  const n = x.length;
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === null ? 1 : (w[i] as number);
    sw += wi;
    swx += wi * x[i]!;
  }
  const center = swx / sw;
  let s = 0;
  if (w === null) {
    for (let i = 0; i < n; i++) {
      const d = x[i]! - center;
      s += d * d;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = x[i]! - center;
      s += (w[i] as number) * d * d;
    }
  }
  return s;
}

/** 1 / Σ_{g(i) = l} wᵢ per level (0 when empty), checking 0 ≤ code < L on the way. */
export function levelInverseWeights(g: Int32Array, L: number, w: Float64Array | null, p: number, fn: string): Float64Array {
  const W = new Float64Array(L);
  const n = g.length;
  for (let i = 0; i < n; i++) {
    const l = g[i]!;
    if (!(l >= 0 && l < L)) {
      throw new CausalPanelError('invalid_option', `${fn}: fixed effect ${p} has code ${l} outside [0, ${L}) (row ${i})`, { fn, row: i, value: l });
    }
    W[l] += w === null ? 1 : w[i]!;
  }
  for (let l = 0; l < L; l++) W[l] = W[l]! > 0 ? 1 / W[l]! : 0;
  return W;
}

/**
 * {@link setupSums} for two fixed effects, no weights and three columns, which also counts the
 * levels (checking the codes) and stores 1/count in `kernel.inverseWeights`: one pass instead of three.
 */
export function setupSumsFused(kernel: Kernel, xs: Float64Array[], S: Float64Array[], fn: string): Float64Array {
  const { n, codes, nLevels } = kernel;
  const g0 = codes[0]!;
  const g1 = codes[1]!;
  const L0 = nLevels[0]!;
  const L1 = nLevels[1]!;
  const W0 = kernel.inverseWeights[0]!;
  const W1 = kernel.inverseWeights[1]!;
  const S0 = S[0]!;
  const S1 = S[1]!;
  const x0 = xs[0]!;
  const x1 = xs[1]!;
  const x2 = xs[2]!;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  // Rows of one first-dimension level are usually consecutive (data sorted by unit): its three
  // sums are carried in registers over the run, starting from the slot's value, so the additions
  // are exactly those of S0[a] += v row by row without a store-to-load chain through memory.
  let run = -1;
  let r0 = 0;
  let r1 = 0;
  let r2 = 0;
  let count = 0;
  let runs = 0;
  for (let i = 0; i < n; i++) {
    const l0 = g0[i]!;
    const l1 = g1[i]!;
    if (!(l0 >= 0 && l0 < L0 && l1 >= 0 && l1 < L1)) {
      const p = l0 >= 0 && l0 < L0 ? 1 : 0;
      const l = p === 0 ? l0 : l1;
      throw new CausalPanelError('invalid_option', `${fn}: fixed effect ${p} has code ${l} outside [0, ${nLevels[p]}) (row ${i})`, { fn, row: i, value: l });
    }
    if (l0 !== run) {
      runs++;
      if (run >= 0) {
        const a = run * 3;
        S0[a] = r0;
        S0[a + 1] = r1;
        S0[a + 2] = r2;
        W0[run] = count;
      }
      run = l0;
      const a = l0 * 3;
      r0 = S0[a]!;
      r1 = S0[a + 1]!;
      r2 = S0[a + 2]!;
      count = W0[l0]!;
    }
    count++;
    W1[l1]++;
    const b = l1 * 3;
    const v0 = x0[i]!;
    const v1 = x1[i]!;
    const v2 = x2[i]!;
    r0 += v0;
    r1 += v1;
    r2 += v2;
    S1[b] += v0;
    S1[b + 1] += v1;
    S1[b + 2] += v2;
    s0 += v0 * v0;
    s1 += v1 * v1;
    s2 += v2 * v2;
  }
  if (run >= 0) {
    const a = run * 3;
    S0[a] = r0;
    S0[a + 1] = r1;
    S0[a + 2] = r2;
    W0[run] = count;
  }
  kernel.firstRuns = runs * 2 <= n;
  for (let l = 0; l < L0; l++) W0[l] = W0[l]! > 0 ? 1 / W0[l]! : 0;
  for (let l = 0; l < L1; l++) W1[l] = W1[l]! > 0 ? 1 / W1[l]! : 0;
  return Float64Array.of(s0, s1, s2);
}

/**
 * Level sums S_p[l·C + c] = Σ_{g_p(i)=l} wᵢx_c[i] and Σwx² per column (the two-way, unweighted,
 * three-column case is {@link setupSumsFused}).
 */
export function setupSums(kernel: Kernel, xs: Float64Array[], S: Float64Array[]): Float64Array {
  const { n, q, codes, w } = kernel;
  const C = xs.length;
  const ss = new Float64Array(C);
  if (C === 1) {
    // One column: the original single-column loops (no stride arithmetic).
    const x = xs[0]!;
    let s = 0;
    if (q === 2) {
      const g0 = codes[0]!;
      const g1 = codes[1]!;
      const S0 = S[0]!;
      const S1 = S[1]!;
      if (w === null) {
        for (let i = 0; i < n; i++) {
          const xi = x[i]!;
          S0[g0[i]!] += xi;
          S1[g1[i]!] += xi;
          s += xi * xi;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const wx = w[i]! * x[i]!;
          S0[g0[i]!] += wx;
          S1[g1[i]!] += wx;
          s += wx * x[i]!;
        }
      }
    } else {
      for (let p = 0; p < q; p++) {
        const Sp = S[p]!;
        const g = codes[p]!;
        if (w === null) for (let i = 0; i < n; i++) Sp[g[i]!] += x[i]!;
        else for (let i = 0; i < n; i++) Sp[g[i]!] += w[i]! * x[i]!;
      }
      s = sumSquares(x, w);
    }
    ss[0] = s;
    return ss;
  }
  for (let p = 0; p < q; p++) {
    const Sp = S[p]!;
    const g = codes[p]!;
    if (w === null && C === 2) {
      const x0 = xs[0]!;
      const x1 = xs[1]!;
      for (let i = 0; i < n; i++) {
        const base = g[i]! * 2;
        Sp[base] += x0[i]!;
        Sp[base + 1] += x1[i]!;
      }
    } else if (w === null && C === 3) {
      const x0 = xs[0]!;
      const x1 = xs[1]!;
      const x2 = xs[2]!;
      for (let i = 0; i < n; i++) {
        const base = g[i]! * 3;
        Sp[base] += x0[i]!;
        Sp[base + 1] += x1[i]!;
        Sp[base + 2] += x2[i]!;
      }
    } else {
      // Column by column: same sums, one stream at a time.
      for (let c = 0; c < C; c++) {
        const x = xs[c]!;
        if (w === null) for (let i = 0; i < n; i++) Sp[g[i]! * C + c] += x[i]!;
        else for (let i = 0; i < n; i++) Sp[g[i]! * C + c] += w[i]! * x[i]!;
      }
    }
  }
  for (let c = 0; c < C; c++) ss[c] = sumSquares(xs[c]!, w);
  return ss;
}

/**
 * Output pass: out[c·n + i] = x_c[i] − Σ_p β_p[g_p(i)] (coefficients interleaved with stride C),
 * subtracting in the order p = 0, 1, …; returns Σwx̃² per column. `centered` (grid passes only;
 * ignored otherwise): Σ(x − center)² per column into `centered.out`.
 */
export function residualize(
  kernel: Kernel,
  xs: Float64Array[],
  betas: Float64Array[],
  out: Float64Array,
  centered: { centers: Float64Array; out: Float64Array } | null = null,
): Float64Array {
  const { n, q, codes, w } = kernel;
  const C = xs.length;
  if (kernel.grid === true) return residualizeGrid(xs, kernel.nLevels[0]!, kernel.nLevels[1]!, betas, out, centered);
  const ss = new Float64Array(C);
  if (q === 2 && w === null && (C === 2 || C === 3)) {
    // All columns in one pass over the rows (the codes are read once).
    const g0 = codes[0]!;
    const g1 = codes[1]!;
    const b0 = betas[0]!;
    const b1 = betas[1]!;
    const x0 = xs[0]!;
    const x1 = xs[1]!;
    let s0 = 0;
    let s1 = 0;
    if (C === 2) {
      for (let i = 0; i < n; i++) {
        const a = g0[i]! * 2;
        const b = g1[i]! * 2;
        const v0 = x0[i]! - b0[a]! - b1[b]!;
        const v1 = x1[i]! - b0[a + 1]! - b1[b + 1]!;
        out[i] = v0;
        out[n + i] = v1;
        s0 += v0 * v0;
        s1 += v1 * v1;
      }
    } else {
      const x2 = xs[2]!;
      let s2 = 0;
      const n2 = 2 * n;
      for (let i = 0; i < n; i++) {
        const a = g0[i]! * 3;
        const b = g1[i]! * 3;
        const v0 = x0[i]! - b0[a]! - b1[b]!;
        const v1 = x1[i]! - b0[a + 1]! - b1[b + 1]!;
        const v2 = x2[i]! - b0[a + 2]! - b1[b + 2]!;
        out[i] = v0;
        out[n + i] = v1;
        out[n2 + i] = v2;
        s0 += v0 * v0;
        s1 += v1 * v1;
        s2 += v2 * v2;
      }
      ss[2] = s2;
    }
    ss[0] = s0;
    ss[1] = s1;
    return ss;
  }
  for (let c = 0; c < C; c++) {
    const x = xs[c]!;
    const o = c * n;
    let s = 0;
    if (q === 1) {
      const g0 = codes[0]!;
      const b0 = betas[0]!;
      if (C === 1) for (let i = 0; i < n; i++) out[o + i] = x[i]! - b0[g0[i]!]!;
      else for (let i = 0; i < n; i++) out[o + i] = x[i]! - b0[g0[i]! * C + c]!;
    } else if (q === 2) {
      const g0 = codes[0]!;
      const g1 = codes[1]!;
      const b0 = betas[0]!;
      const b1 = betas[1]!;
      if (C === 1) for (let i = 0; i < n; i++) out[o + i] = x[i]! - b0[g0[i]!]! - b1[g1[i]!]!;
      else for (let i = 0; i < n; i++) out[o + i] = x[i]! - b0[g0[i]! * C + c]! - b1[g1[i]! * C + c]!;
    } else {
      out.set(x, o);
      for (let p = 0; p < q; p++) {
        const g = codes[p]!;
        const beta = betas[p]!;
        for (let i = 0; i < n; i++) out[o + i] = out[o + i]! - beta[g[i]! * C + c]!;
      }
    }
    if (w === null) {
      for (let i = 0; i < n; i++) s += out[o + i]! * out[o + i]!;
    } else {
      for (let i = 0; i < n; i++) s += w[i]! * out[o + i]! * out[o + i]!;
    }
    ss[c] = s;
  }
  return ss;
}
