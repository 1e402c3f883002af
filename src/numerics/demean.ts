/**
 * Weighted demeaning by q-way fixed effects: alternating projections (Gauss–Seidel sweeps over
 * the fixed-effect dimensions) in the space of fixed-effect coefficients, with Irons–Tuck
 * acceleration, as fixest's `demeaning.cpp` (Bergé 2018, "Efficient estimation of maximum
 * likelihood models with multiple fixed-effects: the R package FENmlm", CREA DP 18-13;
 * Gaure 2013, "OLS with multiple high dimensional category variables", CSDA 66:8–18;
 * Irons & Tuck 1969, "A version of the Aitken accelerator for computer iteration", IJNME 1:275).
 *
 * Algorithm: for a column x, find coefficients β₀ … β_{q−1} (one per level of each fixed effect)
 * minimising Σ wᵢ (xᵢ − Σ_p β_p[g_p(i)])²; the demeaned column is xᵢ − Σ_p β_p[g_p(i)]. One
 * Gauss–Seidel sweep F updates β₀, β₁, … in turn, each as the weighted level mean of x minus the
 * other fixed effects. The state of the iteration is (β₁ … β_{q−1}); β₀ is a function of it (so
 * for two fixed effects the state is only β₁, as in fixest). With two fixed effects a sweep whose
 * β₀ step already meets the stopping rule ends there (see `sweep`): a balanced panel costs one
 * sweep plus one β₀ pass.
 * Irons–Tuck: from X, GX = F(X), GGX = F(GX), per column
 *   Δ = GGX − GX, Δ² = Δ − GX + X, X ← GGX − (Δ·Δ² / Δ²·Δ²) Δ.
 * One fixed effect is solved exactly in one pass; balanced two-way panels converge in one sweep.
 *
 * Convergence: with c = max |Δβ| of a sweep / scale (scale = weighted RMS of the original column)
 * and ρ̂ the ratio of two successive plain-sweep changes, stop when c·max(1, ρ̂/(1 − ρ̂)) ≤
 * `tolerance` — an estimate of the remaining distance to the fixed point, not just the last step.
 * (fixest's `fixef.tol = 1e-6` bounds |Δβ| / (0.1 + |β|) on the raw scale instead; our default
 * 1e-10 is far tighter, so that demeaned values agree with the exact projection to ~1e-9
 * relative even on slowly converging panels.)
 *
 * Work: every column follows its own iteration (own Irons–Tuck factor, own stopping point), but
 * the columns still iterating are advanced in lock-step, so that each pass over the rows reads
 * the fixed-effect codes once for all of them. Coefficients of the active columns are stored
 * interleaved (level l of column j at l·m + j, m = active columns): the m updates of one row touch
 * one cache line. A column that has converged leaves the block (the block is compacted), so it
 * costs no further work and its arithmetic — every sum in the same order — is exactly that of
 * demeaning it alone. Level weight sums Σw (and the code range check) take one pass per
 * dimension; level sums Σwx of every dimension and column, and the column scales, one fused pass;
 * the output x − Σ_p β_p[g_p] and its sum of squares, one fused pass. No allocation inside the
 * iteration loops. Cost for a balanced two-way panel: three passes over the rows (setup, one β₁
 * step, one β₀ step) plus the output pass, for all columns together.
 *
 * Dimension symbols: n = rows, C = columns, q = fixed-effect dimensions,
 * L_p = levels of fixed effect p, m = columns still iterating.
 */
import { CausalPanelError } from '../errors.js';

/** One fixed-effect dimension: 0-based level code per row and the number of levels. */
export interface FixedEffectCodes {
  /** Level of each row, 0 ≤ code < nLevels. */
  codes: Int32Array;
  /** Number of levels L. */
  nLevels: number;
}

/** Options for {@link demean}. */
export interface DemeanOptions {
  /** Non-negative row weights (fixest `weights`). */
  weights?: ArrayLike<number>;
  /**
   * Convergence tolerance on the estimated distance to the fixed point, relative to each
   * column's RMS (default 1e-10; fixest's `fixef.tol` measures something looser, see header).
   */
  tolerance?: number;
  /** Maximum Gauss–Seidel sweeps (fixest `fixef.iter`, default 10000). */
  maxIterations?: number;
}

/** Result of {@link demean}. */
export interface DemeanResult {
  /**
   * Demeaned columns (new arrays, same order as the input). They are consecutive views of one
   * n×C column-major buffer (`columns[c].buffer`), so a caller can use several of them as a
   * matrix without copying.
   */
  columns: Float64Array[];
  /** Whether the tolerance was reached within `maxIterations` sweeps. */
  converged: boolean;
  /** Gauss–Seidel sweeps performed (0 for a single fixed effect, solved directly). */
  iterations: number;
  /** Largest relative coefficient change in the last sweep (0 when solved directly). */
  maxChange: number;
  /** Σ wᵢxᵢ² of each input column (wᵢ = 1 without weights), from the setup pass. */
  inputSumSquares: Float64Array;
  /** Σ wᵢx̃ᵢ² of each demeaned column, from the output pass. */
  outputSumSquares: Float64Array;
}

/**
 * Demeans columns by one or more fixed effects (weighted alternating projections, Irons–Tuck
 * accelerated), as fixest's `demean()`.
 *
 * @throws {CausalPanelError} `invalid_option` for mismatched lengths, out-of-range codes, or
 * negative/non-finite weights; `non_finite` if a column holds NaN or ±Infinity
 * @example
 * const fe = { codes: Int32Array.of(0, 0, 1, 1), nLevels: 2 };
 * demean([Float64Array.of(1, 3, 10, 20)], [fe]).columns[0]; // Float64Array [-1, 1, -5, 5]
 */
export function demean(
  columns: ArrayLike<number>[],
  fixedEffects: FixedEffectCodes[],
  options: DemeanOptions = {},
): DemeanResult {
  const { weights, tolerance = 1e-10, maxIterations = 10000 } = options;
  const fn = 'demean';
  const C = columns.length;
  const q = fixedEffects.length;
  const n = C > 0 ? columns[0]!.length : q > 0 ? fixedEffects[0]!.codes.length : 0;
  validate(columns, fixedEffects, weights, n, fn);
  if (!(tolerance > 0)) {
    throw new CausalPanelError('invalid_option', `${fn}: tolerance must be positive (${tolerance})`, { fn, option: 'tolerance', value: tolerance });
  }
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new CausalPanelError('invalid_option', `${fn}: maxIterations must be a positive integer (${maxIterations})`, {
      fn,
      option: 'maxIterations',
      value: maxIterations,
    });
  }
  const empty = new Float64Array(0);
  if (C === 0) return { columns: [], converged: true, iterations: 0, maxChange: 0, inputSumSquares: empty, outputSumSquares: empty };
  const xs = columns.map((x) => (x instanceof Float64Array ? x : Float64Array.from(x)));
  const w = weights === undefined ? null : Float64Array.from(weights);
  if (q === 0) {
    const buffer = new Float64Array(n * C);
    const out = xs.map((x, c) => {
      buffer.set(x, c * n);
      return buffer.subarray(c * n, (c + 1) * n);
    });
    const sums = Float64Array.from(xs, (x) => sumSquares(x, w));
    return { columns: out, converged: true, iterations: 0, maxChange: 0, inputSumSquares: sums, outputSumSquares: Float64Array.from(sums) };
  }

  const codes = fixedEffects.map((fe) => fe.codes);
  const nLevels = fixedEffects.map((fe) => fe.nLevels);
  // Level weight sums W_p[l] (once for all columns; the pass also checks the codes) and their
  // reciprocals (0 for empty or zero-weight levels, whose coefficient then stays 0).
  // (The common two-way, unweighted, three-column case counts the levels inside the setup pass.)
  const fusedSetup = q === 2 && w === null && C === 3;
  const inverseWeights = fusedSetup ? nLevels.map((L) => new Float64Array(L)) : nLevels.map((L, p) => levelInverseWeights(codes[p]!, L, w, p, fn));
  let totalWeight = n;
  if (w !== null) {
    totalWeight = 0;
    for (let i = 0; i < n; i++) totalWeight += w[i]!;
  }
  let maxLevels = 0;
  for (const L of nLevels) maxLevels = Math.max(maxLevels, L);
  const kernel: Kernel = { n, q, codes, nLevels, w, inverseWeights, accumulator: new Float64Array(maxLevels * C) };

  // Level sums S_p (interleaved, stride C) and Σwx² of every column, in one pass over the rows.
  const S = nLevels.map((L) => new Float64Array(L * C));
  const inputSumSquares = fusedSetup ? setupSumsFused(kernel, xs, S, fn) : setupSums(kernel, xs, S);
  const scale = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const ss = inputSumSquares[c]!;
    if (!Number.isFinite(ss)) {
      throw new CausalPanelError('non_finite', `demean: column has non-finite values (sum of squares ${ss})`, { fn: 'demean', value: ss });
    }
    const rms = Math.sqrt(ss / Math.max(totalWeight, 1e-300));
    scale[c] = rms > 0 && Number.isFinite(rms) ? rms : 1;
  }

  // Final coefficients of every column, interleaved with stride C.
  const finalBetas = nLevels.map((L) => new Float64Array(L * C));
  let converged = true;
  let iterations = 0;
  let maxChange = 0;
  if (q === 1) {
    const inv = inverseWeights[0]!;
    const S0 = S[0]!;
    const b0 = finalBetas[0]!;
    for (let l = 0; l < nLevels[0]!; l++) for (let c = 0; c < C; c++) b0[l * C + c] = S0[l * C + c]! * inv[l]!;
  } else {
    const outcome = iterate(kernel, S, scale, finalBetas, C, tolerance, maxIterations);
    converged = outcome.converged;
    iterations = outcome.iterations;
    maxChange = outcome.maxChange;
  }
  const buffer = new Float64Array(n * C);
  const outputSumSquares = residualize(kernel, xs, finalBetas, buffer);
  const out: Float64Array[] = [];
  for (let c = 0; c < C; c++) out.push(buffer.subarray(c * n, (c + 1) * n));
  return { columns: out, converged, iterations, maxChange, inputSumSquares, outputSumSquares };
}

interface Kernel {
  n: number;
  q: number;
  codes: Int32Array[];
  nLevels: number[];
  w: Float64Array | null;
  /** 1 / Σ_{i∈l} wᵢ per level (0 for empty levels). */
  inverseWeights: Float64Array[];
  /** Work array, at least max L_p × C. */
  accumulator: Float64Array;
}

/** Σwx² (wᵢ = 1 without weights). */
function sumSquares(x: Float64Array, w: Float64Array | null): number {
  let s = 0;
  if (w === null) for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  else for (let i = 0; i < x.length; i++) s += w[i]! * x[i]! * x[i]!;
  return s;
}

/** 1 / Σ_{g(i) = l} wᵢ per level (0 when empty), checking 0 ≤ code < L on the way. */
function levelInverseWeights(g: Int32Array, L: number, w: Float64Array | null, p: number, fn: string): Float64Array {
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
function setupSumsFused(kernel: Kernel, xs: Float64Array[], S: Float64Array[], fn: string): Float64Array {
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
  for (let i = 0; i < n; i++) {
    const l0 = g0[i]!;
    const l1 = g1[i]!;
    if (!(l0 >= 0 && l0 < L0 && l1 >= 0 && l1 < L1)) {
      const p = l0 >= 0 && l0 < L0 ? 1 : 0;
      const l = p === 0 ? l0 : l1;
      throw new CausalPanelError('invalid_option', `${fn}: fixed effect ${p} has code ${l} outside [0, ${nLevels[p]}) (row ${i})`, { fn, row: i, value: l });
    }
    W0[l0]++;
    W1[l1]++;
    const a = l0 * 3;
    const b = l1 * 3;
    const v0 = x0[i]!;
    const v1 = x1[i]!;
    const v2 = x2[i]!;
    S0[a] += v0;
    S0[a + 1] += v1;
    S0[a + 2] += v2;
    S1[b] += v0;
    S1[b + 1] += v1;
    S1[b + 2] += v2;
    s0 += v0 * v0;
    s1 += v1 * v1;
    s2 += v2 * v2;
  }
  for (let l = 0; l < L0; l++) W0[l] = W0[l]! > 0 ? 1 / W0[l]! : 0;
  for (let l = 0; l < L1; l++) W1[l] = W1[l]! > 0 ? 1 / W1[l]! : 0;
  return Float64Array.of(s0, s1, s2);
}

/** Level sums S_p[l·C + c] = Σ_{g_p(i)=l} wᵢx_c[i] and Σwx² per column, one pass over the rows. */
function setupSums(kernel: Kernel, xs: Float64Array[], S: Float64Array[]): Float64Array {
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
  if (q === 2 && w === null && C === 3) {
    // The common feols case (y and two regressors, two-way effects): one pass for everything.
    const g0 = codes[0]!;
    const g1 = codes[1]!;
    const S0 = S[0]!;
    const S1 = S[1]!;
    const x0 = xs[0]!;
    const x1 = xs[1]!;
    const x2 = xs[2]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const a = g0[i]! * 3;
      const b = g1[i]! * 3;
      const v0 = x0[i]!;
      const v1 = x1[i]!;
      const v2 = x2[i]!;
      S0[a] += v0;
      S0[a + 1] += v1;
      S0[a + 2] += v2;
      S1[b] += v0;
      S1[b + 1] += v1;
      S1[b + 2] += v2;
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
    }
    ss[0] = s0;
    ss[1] = s1;
    ss[2] = s2;
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
 * subtracting in the order p = 0, 1, …; returns Σwx̃² per column.
 */
function residualize(kernel: Kernel, xs: Float64Array[], betas: Float64Array[], out: Float64Array): Float64Array {
  const { n, q, codes, w } = kernel;
  const C = xs.length;
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

/**
 * The columns still iterating (m of them), with interleaved per-level arrays (stride m) and
 * per-column scalars. `slots[j]` is the input column of slot j.
 */
interface Block {
  m: number;
  slots: number[];
  /** Level sums per dimension. */
  S: Float64Array[];
  /** Current coefficients per dimension. */
  betas: Float64Array[];
  /** Iteration states (β₁ … β_{q−1} concatenated, stride m). */
  X: Float64Array;
  GX: Float64Array;
  GGX: Float64Array;
  /** β₀ of the previous sweep (two fixed effects only), for the early exit. */
  previousBeta0: Float64Array | null;
  scale: Float64Array;
  /** Relative change of the last plain sweep. */
  change: Float64Array;
  /** Relative change of the previous plain sweep (for ρ̂ in the early exit). */
  previousChange: Float64Array;
  rho: Float64Array;
}

/** Keeps the slots with keep[j] = true (copies every strided array). */
function compact(block: Block, keep: Uint8Array): void {
  const m = block.m;
  const kept: number[] = [];
  for (let j = 0; j < m; j++) if (keep[j] === 1) kept.push(j);
  const m2 = kept.length;
  if (m2 === m) return;
  const strided = (a: Float64Array): Float64Array => {
    const rows = a.length / m;
    const b = new Float64Array(rows * m2);
    for (let r = 0; r < rows; r++) for (let t = 0; t < m2; t++) b[r * m2 + t] = a[r * m + kept[t]!]!;
    return b;
  };
  block.S = block.S.map(strided);
  block.betas = block.betas.map(strided);
  block.X = strided(block.X);
  block.GX = strided(block.GX);
  block.GGX = strided(block.GGX);
  if (block.previousBeta0 !== null) block.previousBeta0 = strided(block.previousBeta0);
  block.scale = strided(block.scale);
  block.change = strided(block.change);
  block.previousChange = strided(block.previousChange);
  block.rho = strided(block.rho);
  block.slots = kept.map((j) => block.slots[j]!);
  block.m = m2;
}

/**
 * Runs the accelerated iteration (q ≥ 2) for all columns in lock-step; writes every column's
 * final coefficients into `finalBetas` (stride C).
 */
function iterate(
  kernel: Kernel,
  S: Float64Array[],
  scale: Float64Array,
  finalBetas: Float64Array[],
  C: number,
  tolerance: number,
  maxIterations: number,
): { converged: boolean; iterations: number; maxChange: number } {
  const { q, nLevels } = kernel;
  const offsets = new Int32Array(q);
  let stateLength = 0;
  for (let p = 1; p < q; p++) {
    offsets[p] = stateLength;
    stateLength += nLevels[p]!;
  }
  const block: Block = {
    m: C,
    slots: Array.from({ length: C }, (_, c) => c),
    S: S.map((a) => Float64Array.from(a)),
    betas: nLevels.map((L) => new Float64Array(L * C)),
    X: new Float64Array(stateLength * C),
    GX: new Float64Array(stateLength * C),
    GGX: new Float64Array(stateLength * C),
    previousBeta0: q === 2 ? new Float64Array(nLevels[0]! * C) : null,
    scale: Float64Array.from(scale),
    change: new Float64Array(C),
    previousChange: new Float64Array(C).fill(Infinity),
    rho: new Float64Array(C),
  };
  let converged = true;
  let iterations = 0;
  let maxChange = 0;
  // Columns whose β₀ must still be computed from their final state (one fused pass at the end).
  const needBeta0: number[] = [];
  const keep = new Uint8Array(C);
  /** Records slot j as finished with state `state` (and β₀ from block.betas when `beta0Final`). */
  const retire = (j: number, state: Float64Array, beta0Final: boolean, ok: boolean, change: number, its: number): void => {
    const c = block.slots[j]!;
    const m = block.m;
    for (let p = 1; p < q; p++) {
      const fb = finalBetas[p]!;
      const base = offsets[p]!;
      for (let l = 0; l < nLevels[p]!; l++) fb[l * C + c] = state[(base + l) * m + j]!;
    }
    if (beta0Final) {
      const fb = finalBetas[0]!;
      const b0 = block.betas[0]!;
      for (let l = 0; l < nLevels[0]!; l++) fb[l * C + c] = b0[l * m + j]!;
    } else needBeta0.push(c);
    converged &&= ok;
    iterations = Math.max(iterations, its);
    maxChange = Math.max(maxChange, change);
    keep[j] = 0;
  };

  let its = 1;
  sweep(kernel, block, offsets, 'X', 'GX', true, false, tolerance, retire, keep, its);
  relativeChanges(block, block.X, block.GX, block.change);
  keep.fill(1, 0, block.m);
  for (let j = 0; j < block.m; j++) {
    const change = block.change[j]!;
    if (change <= tolerance && change === 0) retire(j, block.GX, false, true, change, its);
    else if (its >= maxIterations) retire(j, block.X, false, false, change, its);
  }
  compact(block, keep);
  while (block.m > 0) {
    // GX = F(X) came from a plain sweep, so (two fixed effects) the β₀ step of F(GX) already
    // bounds |F(GX) − GX|: β₁ is a weighted average of β₀ values (see `sweep`).
    block.previousChange.set(block.change);
    its++;
    sweep(kernel, block, offsets, 'GX', 'GGX', false, true, tolerance, retire, keep, its);
    if (block.m === 0) break;
    const change2 = new Float64Array(block.m);
    relativeChanges(block, block.GX, block.GGX, change2);
    keep.fill(1, 0, block.m);
    for (let j = 0; j < block.m; j++) {
      const change = block.change[j]!;
      const rho = change > 0 ? change2[j]! / change : 0;
      block.rho[j] = rho;
      const ok = change2[j]! * errorFactor(rho) <= tolerance;
      if (ok || its >= maxIterations) retire(j, block.GGX, false, ok, change2[j]!, its);
    }
    compact(block, keep);
    if (block.m === 0) break;
    ironsTuck(block, stateLength);
    its++;
    sweep(kernel, block, offsets, 'X', 'GX', false, false, tolerance, retire, keep, its);
    relativeChanges(block, block.X, block.GX, block.change);
    keep.fill(1, 0, block.m);
    for (let j = 0; j < block.m; j++) {
      const change = block.change[j]!;
      if (change * errorFactor(block.rho[j]!) <= tolerance) retire(j, block.GX, false, true, change, its);
      else if (its >= maxIterations) retire(j, block.X, false, false, change, its);
    }
    compact(block, keep);
  }
  // β₀ consistent with the final state, for the columns that did not exit after a β₀ step.
  if (needBeta0.length > 0) {
    const r = needBeta0.length;
    const sub: Block = { ...block, m: r, slots: needBeta0, S: [], betas: [] };
    sub.S = [gatherStrided(S[0]!, C, needBeta0)]; // updateLevel(0) reads only S[0]
    sub.betas = nLevels.map((L) => new Float64Array(L * r));
    for (let p = 1; p < q; p++) sub.betas[p] = gatherStrided(finalBetas[p]!, C, needBeta0);
    updateLevel(kernel, sub, 0);
    const b0 = sub.betas[0]!;
    const fb = finalBetas[0]!;
    for (let l = 0; l < nLevels[0]!; l++) for (let t = 0; t < r; t++) fb[l * C + needBeta0[t]!] = b0[l * r + t]!;
  }
  return { converged, iterations, maxChange };
}

/** Columns `cols` of a stride-C interleaved array, as a stride-cols.length array. */
function gatherStrided(a: Float64Array, C: number, cols: number[]): Float64Array {
  const rows = a.length / C;
  const r = cols.length;
  const out = new Float64Array(rows * r);
  for (let l = 0; l < rows; l++) for (let t = 0; t < r; t++) out[l * r + t] = a[l * C + cols[t]!]!;
  return out;
}

/** Irons–Tuck extrapolation per column: X ← GGX − (Δ·Δ²/Δ²·Δ²)(GGX − GX). */
function ironsTuck(block: Block, stateLength: number): void {
  const { m, X, GX, GGX } = block;
  const numerator = new Float64Array(m);
  const denominator = new Float64Array(m);
  for (let s = 0; s < stateLength; s++) {
    const base = s * m;
    for (let j = 0; j < m; j++) {
      const deltaG = GGX[base + j]! - GX[base + j]!;
      const delta2 = deltaG - GX[base + j]! + X[base + j]!;
      numerator[j] += deltaG * delta2;
      denominator[j] += delta2 * delta2;
    }
  }
  const factor = new Float64Array(m);
  for (let j = 0; j < m; j++) factor[j] = denominator[j]! > 0 ? numerator[j]! / denominator[j]! : 0;
  for (let s = 0; s < stateLength; s++) {
    const base = s * m;
    for (let j = 0; j < m; j++) X[base + j] = GGX[base + j]! - factor[j]! * (GGX[base + j]! - GX[base + j]!);
  }
}

/** Per column: max over coefficients of |a − b| / scale (NaN counts as ∞). */
function relativeChanges(block: Block, a: Float64Array, b: Float64Array, out: Float64Array): void {
  const m = block.m;
  const rows = a.length / Math.max(m, 1);
  out.fill(0, 0, m);
  for (let s = 0; s < rows; s++) {
    const base = s * m;
    for (let j = 0; j < m; j++) {
      const change = Math.abs(a[base + j]! - b[base + j]!);
      if (!(change <= out[j]!)) out[j] = Number.isNaN(change) ? Infinity : change;
    }
  }
  for (let j = 0; j < m; j++) out[j] = out[j]! / block.scale[j]!;
}

/**
 * β_p[l] = (S_p[l] − Σ_{i: g_p(i) = l} wᵢ Σ_{r≠p} β_r[g_r(i)]) / W_p[l] for every active column,
 * from the current `block.betas` (betas[p] itself is not read). Per column the sums run in row
 * order, exactly as for a single column.
 */
function updateLevel(kernel: Kernel, block: Block, p: number): void {
  const { n, q, codes, w } = kernel;
  const m = block.m;
  const L = kernel.nLevels[p]!;
  const acc = kernel.accumulator;
  acc.set(block.S[p]!);
  const gp = codes[p]!;
  for (let r = 0; r < q; r++) {
    if (r === p) continue;
    const gr = codes[r]!;
    const br = block.betas[r]!;
    if (m === 1) {
      if (w === null) for (let i = 0; i < n; i++) acc[gp[i]!] -= br[gr[i]!]!;
      else for (let i = 0; i < n; i++) acc[gp[i]!] -= w[i]! * br[gr[i]!]!;
    } else if (m === 2) {
      if (w === null) {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 2;
          const b = gr[i]! * 2;
          acc[a] -= br[b]!;
          acc[a + 1] -= br[b + 1]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 2;
          const b = gr[i]! * 2;
          const wi = w[i]!;
          acc[a] -= wi * br[b]!;
          acc[a + 1] -= wi * br[b + 1]!;
        }
      }
    } else if (m === 3) {
      if (w === null) {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 3;
          const b = gr[i]! * 3;
          acc[a] -= br[b]!;
          acc[a + 1] -= br[b + 1]!;
          acc[a + 2] -= br[b + 2]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 3;
          const b = gr[i]! * 3;
          const wi = w[i]!;
          acc[a] -= wi * br[b]!;
          acc[a + 1] -= wi * br[b + 1]!;
          acc[a + 2] -= wi * br[b + 2]!;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const a = gp[i]! * m;
        const b = gr[i]! * m;
        if (w === null) for (let j = 0; j < m; j++) acc[a + j] -= br[b + j]!;
        else {
          const wi = w[i]!;
          for (let j = 0; j < m; j++) acc[a + j] -= wi * br[b + j]!;
        }
      }
    }
  }
  const inv = kernel.inverseWeights[p]!;
  const beta = block.betas[p]!;
  for (let l = 0; l < L; l++) {
    const f = inv[l]!;
    const base = l * m;
    for (let j = 0; j < m; j++) beta[base + j] = acc[base + j]! * f;
  }
}

/**
 * One Gauss–Seidel sweep of every active column: state `input` (β₁ … β_{q−1}) → `output`.
 *
 * With two fixed effects and `allowEarlyExit` (the input is the output of the previous plain
 * sweep, so input = f₁(β₀_prev)), a column stops after its β₀ step when c = max |β₀ − β₀_prev|
 * passes the stopping rule (c·max(1, ρ̂/(1 − ρ̂)) ≤ tol·scale): since each β₁ level is a
 * weighted average of β₀ values, f₁ is non-expansive in the max norm, so the skipped β₁ step
 * would change the state by at most c. Such columns are retired (with β₀ consistent with the
 * input state) and the block compacted before the β₁ step.
 */
function sweep(
  kernel: Kernel,
  block: Block,
  offsets: Int32Array,
  inputName: 'X' | 'GX',
  outputName: 'GX' | 'GGX',
  first: boolean,
  allowEarlyExit: boolean,
  tolerance: number,
  retire: (j: number, state: Float64Array, beta0Final: boolean, ok: boolean, change: number, its: number) => void,
  keep: Uint8Array,
  its: number,
): void {
  const { q, nLevels } = kernel;
  let m = block.m;
  const input = block[inputName];
  for (let p = 1; p < q; p++) block.betas[p]!.set(input.subarray(offsets[p]! * m, (offsets[p]! + nLevels[p]!) * m));
  // From the zero start, β₀ is simply the level mean: skip the pass.
  if (first) {
    const S0 = block.S[0]!;
    const inv = kernel.inverseWeights[0]!;
    const b0 = block.betas[0]!;
    for (let l = 0; l < nLevels[0]!; l++) for (let j = 0; j < m; j++) b0[l * m + j] = S0[l * m + j]! * inv[l]!;
  } else updateLevel(kernel, block, 0);
  if (block.previousBeta0 !== null) {
    if (allowEarlyExit) {
      const beta0 = block.betas[0]!;
      const previous = block.previousBeta0;
      const L0 = nLevels[0]!;
      const change = new Float64Array(m);
      for (let l = 0; l < L0; l++) {
        const base = l * m;
        for (let j = 0; j < m; j++) {
          const d = Math.abs(beta0[base + j]! - previous[base + j]!);
          if (!(d <= change[j]!)) change[j] = Number.isNaN(d) ? Infinity : d;
        }
      }
      keep.fill(1, 0, m);
      let exits = 0;
      for (let j = 0; j < m; j++) {
        const relative = change[j]! / block.scale[j]!;
        const rho = block.previousChange[j]! > 0 ? relative / block.previousChange[j]! : 0;
        if (relative * errorFactor(rho) <= tolerance) {
          retire(j, input, true, true, relative, its);
          exits++;
        }
      }
      if (exits > 0) {
        compact(block, keep);
        m = block.m;
        if (m === 0) return;
      }
    }
    block.previousBeta0!.set(block.betas[0]!);
  }
  // After a compaction the block holds new (compacted) arrays: write into the current one.
  const out = block[outputName];
  for (let p = 1; p < q; p++) {
    updateLevel(kernel, block, p); // Gauss–Seidel: later dimensions see the new values
    out.set(block.betas[p]!, offsets[p]! * m);
  }
}

/**
 * Distance-to-fixed-point factor for a linearly converging iteration with contraction ρ̂:
 * ‖x_k − x*‖ ≤ ‖x_k − x_{k−1}‖ · ρ/(1 − ρ); at least 1, capped at 1000 when ρ̂ is ≥ 0.999 or
 * unreliable.
 */
function errorFactor(rho: number): number {
  if (!(rho >= 0)) return 1000;
  if (rho < 0.5) return 1;
  return rho < 0.999 ? rho / (1 - rho) : 1000;
}

function validate(
  columns: ArrayLike<number>[],
  fixedEffects: FixedEffectCodes[],
  weights: ArrayLike<number> | undefined,
  n: number,
  fn: string,
): void {
  columns.forEach((x, c) => {
    if (x.length !== n) {
      throw new CausalPanelError('invalid_option', `${fn}: column ${c} has length ${x.length}, expected ${n}`, { fn, value: x.length });
    }
  });
  // Code ranges are checked in the level-weight pass (levelInverseWeights).
  fixedEffects.forEach((fe, p) => {
    if (fe.codes.length !== n) {
      throw new CausalPanelError('invalid_option', `${fn}: fixed effect ${p} has ${fe.codes.length} codes, expected ${n}`, { fn, value: fe.codes.length });
    }
  });
  if (weights !== undefined) {
    if (weights.length !== n) {
      throw new CausalPanelError('invalid_option', `${fn}: weights have length ${weights.length}, expected ${n}`, { fn, option: 'weights' });
    }
    for (let i = 0; i < n; i++) {
      const wi = weights[i] as number;
      if (!(wi >= 0 && Number.isFinite(wi))) {
        throw new CausalPanelError('invalid_option', `${fn}: weights must be finite and non-negative (row ${i}: ${wi})`, {
          fn,
          option: 'weights',
          row: i,
          value: wi,
        });
      }
    }
  }
}

/**
 * Marks fixed-effect singletons: rows whose level, in some fixed-effect dimension, holds a single
 * observation — iterated to a fixed point, because removing a singleton can create new ones
 * (Correia 2015, "Singletons, cluster-robust standard errors and fixed effects", reghdfe;
 * fixest `fixef.rm = "singleton"`).
 *
 * @returns a mask with 1 for rows to drop
 * @example
 * singletonMask([{ codes: Int32Array.of(0, 0, 1), nLevels: 2 }]); // Uint8Array [0, 0, 1]
 */
export function singletonMask(fixedEffects: FixedEffectCodes[]): Uint8Array {
  const n = fixedEffects.length > 0 ? fixedEffects[0]!.codes.length : 0;
  const drop = new Uint8Array(n);
  const counts = fixedEffects.map((fe) => new Int32Array(fe.nLevels));
  fixedEffects.forEach((fe, p) => {
    const count = counts[p]!;
    for (let i = 0; i < n; i++) count[fe.codes[i]!]++;
  });
  let changed = true;
  while (changed) {
    changed = false;
    for (let p = 0; p < fixedEffects.length; p++) {
      const g = fixedEffects[p]!.codes;
      const count = counts[p]!;
      for (let i = 0; i < n; i++) {
        if (drop[i] === 0 && count[g[i]!] === 1) {
          drop[i] = 1;
          changed = true;
          for (let r = 0; r < fixedEffects.length; r++) counts[r]![fixedEffects[r]!.codes[i]!]--;
        }
      }
    }
  }
  return drop;
}

/**
 * Number of fixed-effect singleton rows (see {@link singletonMask}).
 *
 * @example
 * countSingletons([{ codes: Int32Array.of(0, 0, 1), nLevels: 2 }]); // 1
 */
export function countSingletons(fixedEffects: FixedEffectCodes[]): number {
  const mask = singletonMask(fixedEffects);
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  return count;
}

/**
 * Removes fixed-effect singletons: the rows kept (increasing) and the fixed effects recoded on
 * them (surviving levels renumbered densely, keeping their original order).
 *
 * @example
 * const { rows, count } = dropSingletons([{ codes: Int32Array.of(0, 0, 1), nLevels: 2 }]);
 * rows;  // Int32Array [0, 1]
 * count; // 1
 */
export function dropSingletons(fixedEffects: FixedEffectCodes[]): {
  rows: Int32Array;
  mask: Uint8Array;
  count: number;
  fixedEffects: FixedEffectCodes[];
} {
  const mask = singletonMask(fixedEffects);
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  const rows = new Int32Array(mask.length - count);
  for (let i = 0, r = 0; i < mask.length; i++) if (mask[i] === 0) rows[r++] = i;
  const recoded = fixedEffects.map((fe) => {
    const map = new Int32Array(fe.nLevels).fill(-1);
    const codes = new Int32Array(rows.length);
    let next = 0;
    // Keep the original level order (ascending old code) so level labels stay sorted.
    const present = new Uint8Array(fe.nLevels);
    for (let r = 0; r < rows.length; r++) present[fe.codes[rows[r]!]!] = 1;
    for (let l = 0; l < fe.nLevels; l++) if (present[l] === 1) map[l] = next++;
    for (let r = 0; r < rows.length; r++) codes[r] = map[fe.codes[rows[r]!]!]!;
    return { codes, nLevels: next };
  });
  return { rows, mask, count, fixedEffects: recoded };
}
