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
 * Work: columns are demeaned one after the other (fixest runs them in parallel), so every pass is
 * a tight loop over typed arrays and each column stops as soon as it has converged. Level weight
 * sums Σw are computed once for all columns; the level sums Σwx of every dimension and the column
 * scale come from one fused pass; no per-row objects and no allocation inside the loops. Cost for
 * two fixed effects: one setup pass, two passes per sweep, one output pass.
 *
 * Dimension symbols: n = rows, C = columns, q = fixed-effect dimensions,
 * L_p = levels of fixed effect p.
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
  /** Demeaned columns (new arrays, same order as the input). */
  columns: Float64Array[];
  /** Whether the tolerance was reached within `maxIterations` sweeps. */
  converged: boolean;
  /** Gauss–Seidel sweeps performed (0 for a single fixed effect, solved directly). */
  iterations: number;
  /** Largest relative coefficient change in the last sweep (0 when solved directly). */
  maxChange: number;
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
  if (C === 0) return { columns: [], converged: true, iterations: 0, maxChange: 0 };
  if (q === 0) return { columns: columns.map((x) => Float64Array.from(x)), converged: true, iterations: 0, maxChange: 0 };

  const w = weights === undefined ? null : Float64Array.from(weights);
  const codes = fixedEffects.map((fe) => fe.codes);
  const nLevels = fixedEffects.map((fe) => fe.nLevels);
  // Level weight sums W_p[l] (computed once for all columns) and their reciprocals (0 for
  // empty or zero-weight levels, whose coefficient then stays 0).
  let totalWeight = 0;
  const inverseWeights = nLevels.map((L, p) => {
    const W = new Float64Array(L);
    const g = codes[p]!;
    if (w === null) for (let i = 0; i < n; i++) W[g[i]!]++;
    else for (let i = 0; i < n; i++) W[g[i]!] += w[i]!;
    for (let l = 0; l < L; l++) W[l] = W[l]! > 0 ? 1 / W[l]! : 0;
    return W;
  });
  if (w === null) totalWeight = n;
  else for (let i = 0; i < n; i++) totalWeight += w[i]!;
  const kernel: Kernel = {
    n,
    q,
    codes,
    nLevels,
    w,
    inverseWeights,
    totalWeight,
    levelSums: nLevels.map((L) => new Float64Array(L)),
    betas: nLevels.map((L) => new Float64Array(L)),
    accumulator: new Float64Array(Math.max(...nLevels)),
  };
  // Columns are demeaned one after the other (as fixest does, in parallel there): each pass is
  // then a tight loop over typed arrays, and each column stops as soon as it has converged.
  const out: Float64Array[] = [];
  let converged = true;
  let iterations = 0;
  let maxChange = 0;
  for (let c = 0; c < C; c++) {
    const x = columns[c] instanceof Float64Array ? (columns[c] as Float64Array) : Float64Array.from(columns[c]!);
    const result = demeanColumn(kernel, x, tolerance, maxIterations);
    out.push(result.column);
    converged &&= result.converged;
    iterations = Math.max(iterations, result.iterations);
    maxChange = Math.max(maxChange, result.maxChange);
  }
  return { columns: out, converged, iterations, maxChange };
}

interface Kernel {
  n: number;
  q: number;
  codes: Int32Array[];
  nLevels: number[];
  w: Float64Array | null;
  /** 1 / Σ_{i∈l} wᵢ per level (0 for empty levels). */
  inverseWeights: Float64Array[];
  totalWeight: number;
  /** Work: Σ_{i∈l} wᵢxᵢ per level of each dimension, for the current column. */
  levelSums: Float64Array[];
  /** Work: current coefficients of each dimension, for the current column. */
  betas: Float64Array[];
  accumulator: Float64Array;
}

/** Demeans one column; returns a new array. */
function demeanColumn(
  kernel: Kernel,
  x: Float64Array,
  tolerance: number,
  maxIterations: number,
): { column: Float64Array; converged: boolean; iterations: number; maxChange: number } {
  const { n, q, codes, nLevels, w, levelSums, betas } = kernel;
  // Level sums S_p and the column scale (weighted RMS), in one pass over the rows.
  let sumSquares = 0;
  for (let p = 0; p < q; p++) levelSums[p]!.fill(0);
  if (q === 2) {
    const g0 = codes[0]!;
    const g1 = codes[1]!;
    const S0 = levelSums[0]!;
    const S1 = levelSums[1]!;
    if (w === null) {
      for (let i = 0; i < n; i++) {
        const xi = x[i]!;
        S0[g0[i]!] += xi;
        S1[g1[i]!] += xi;
        sumSquares += xi * xi;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const wx = w[i]! * x[i]!;
        S0[g0[i]!] += wx;
        S1[g1[i]!] += wx;
        sumSquares += wx * x[i]!;
      }
    }
  } else {
    for (let p = 0; p < q; p++) {
      const S = levelSums[p]!;
      const g = codes[p]!;
      if (w === null) for (let i = 0; i < n; i++) S[g[i]!] += x[i]!;
      else for (let i = 0; i < n; i++) S[g[i]!] += w[i]! * x[i]!;
    }
    if (w === null) for (let i = 0; i < n; i++) sumSquares += x[i]! * x[i]!;
    else for (let i = 0; i < n; i++) sumSquares += w[i]! * x[i]! * x[i]!;
  }
  if (!Number.isFinite(sumSquares)) {
    throw new CausalPanelError('non_finite', `demean: column has non-finite values (sum of squares ${sumSquares})`, { fn: 'demean', value: sumSquares });
  }
  const rms = Math.sqrt(sumSquares / Math.max(kernel.totalWeight, 1e-300));
  const scale = rms > 0 && Number.isFinite(rms) ? rms : 1;

  if (q === 1) {
    levelMeans(kernel, 0);
    return { column: residualize(kernel, x), converged: true, iterations: 0, maxChange: 0 };
  }
  // State: β₁ … β_{q−1} concatenated; β₀ is derived at the start of each sweep.
  const offsets = new Int32Array(q);
  let stateLength = 0;
  for (let p = 1; p < q; p++) {
    offsets[p] = stateLength;
    stateLength += nLevels[p]!;
  }
  let X = new Float64Array(stateLength);
  let GX = new Float64Array(stateLength);
  let GGX = new Float64Array(stateLength);
  const state: SweepState = {
    offsets,
    first: true,
    previousBeta0: q === 2 ? new Float64Array(nLevels[0]!) : null,
    tolerance,
    scale,
    previousChange: Infinity,
  };

  // Stopping rule: the last change times max(1, ρ̂/(1 − ρ̂)), ρ̂ = ratio of two successive plain
  // sweep changes, estimates the remaining distance to the fixed point of a linearly converging
  // iteration; it must be ≤ tolerance (relative to the column RMS).
  let rho = 0;
  let iterations = 1;
  sweep(kernel, state, X, GX, false);
  let change = relativeChange(X, GX, scale);
  let maxChange = change;
  let converged = change <= tolerance && change === 0;
  let beta0Final = false;
  if (converged) [X, GX] = [GX, X];
  while (!converged && iterations < maxIterations) {
    // GX = F(X) came from a plain sweep, so (two fixed effects) the β₀ step of F(GX) already
    // bounds |F(GX) − GX|: β₁ is a weighted average of β₀ values (see `sweep`).
    state.previousChange = change;
    const early = sweep(kernel, state, GX, GGX, true);
    iterations++;
    if (early) {
      maxChange = state.earlyChange ?? 0;
      [X, GX] = [GX, X];
      converged = true;
      beta0Final = true;
      break;
    }
    const change2 = relativeChange(GX, GGX, scale);
    rho = change > 0 ? change2 / change : 0;
    maxChange = change2;
    if (change2 * errorFactor(rho) <= tolerance || iterations >= maxIterations) {
      [X, GGX] = [GGX, X];
      converged = change2 * errorFactor(rho) <= tolerance;
      break;
    }
    // Irons–Tuck extrapolation.
    let numerator = 0;
    let denominator = 0;
    for (let s = 0; s < stateLength; s++) {
      const deltaG = GGX[s]! - GX[s]!;
      const delta2 = deltaG - GX[s]! + X[s]!;
      numerator += deltaG * delta2;
      denominator += delta2 * delta2;
    }
    const factor = denominator > 0 ? numerator / denominator : 0;
    for (let s = 0; s < stateLength; s++) X[s] = GGX[s]! - factor * (GGX[s]! - GX[s]!);
    sweep(kernel, state, X, GX, false);
    iterations++;
    change = relativeChange(X, GX, scale);
    maxChange = change;
    if (change * errorFactor(rho) <= tolerance) {
      [X, GX] = [GX, X];
      converged = true;
    }
  }
  // Final β₀ consistent with the final state, then x − Σ_p β_p[g_p].
  // (After an early exit, betas already hold β₀ computed from the final state.)
  for (let p = 1; p < q; p++) betas[p]!.set(X.subarray(offsets[p]!, offsets[p]! + nLevels[p]!));
  if (!beta0Final) updateLevel(kernel, 0);
  return { column: residualize(kernel, x), converged, iterations, maxChange };
}

/** β_p = S_p / W_p (level means of x; the one-fixed-effect solution). */
function levelMeans(kernel: Kernel, p: number): void {
  const S = kernel.levelSums[p]!;
  const inv = kernel.inverseWeights[p]!;
  const beta = kernel.betas[p]!;
  for (let l = 0; l < beta.length; l++) beta[l] = S[l]! * inv[l]!;
}

/**
 * β_p[l] = (S_p[l] − Σ_{i: g_p(i) = l} wᵢ Σ_{r≠p} β_r[g_r(i)]) / W_p[l], from the current
 * `kernel.betas` (betas[p] itself is not read).
 */
function updateLevel(kernel: Kernel, p: number): void {
  const { n, q, codes, w, betas } = kernel;
  const L = kernel.nLevels[p]!;
  const acc = kernel.accumulator;
  acc.set(kernel.levelSums[p]!);
  const gp = codes[p]!;
  if (q === 2) {
    // Fast path: one other dimension.
    const gr = codes[1 - p]!;
    const br = betas[1 - p]!;
    if (w === null) for (let i = 0; i < n; i++) acc[gp[i]!] -= br[gr[i]!]!;
    else for (let i = 0; i < n; i++) acc[gp[i]!] -= w[i]! * br[gr[i]!]!;
  } else {
    for (let r = 0; r < q; r++) {
      if (r === p) continue;
      const gr = codes[r]!;
      const br = betas[r]!;
      if (w === null) for (let i = 0; i < n; i++) acc[gp[i]!] -= br[gr[i]!]!;
      else for (let i = 0; i < n; i++) acc[gp[i]!] -= w[i]! * br[gr[i]!]!;
    }
  }
  const inv = kernel.inverseWeights[p]!;
  const beta = betas[p]!;
  for (let l = 0; l < L; l++) beta[l] = acc[l]! * inv[l]!;
}

interface SweepState {
  offsets: Int32Array;
  /** True before the first sweep (state 0: β₀ is the plain level mean). */
  first: boolean;
  /** β₀ of the previous sweep (two fixed effects only), for the early exit. */
  previousBeta0: Float64Array | null;
  /** Convergence tolerance (relative to `scale`). */
  tolerance: number;
  /** Column scale (weighted RMS). */
  scale: number;
  /** Relative change of the previous plain sweep, for the contraction estimate ρ̂. */
  previousChange: number;
  /** max |Δβ₀| / scale of the sweep that exited early. */
  earlyChange?: number;
}

/**
 * One Gauss–Seidel sweep: state `input` (β₁ … β_{q−1}) → `output`.
 *
 * With two fixed effects and `allowEarlyExit` (the input is the output of the previous plain
 * sweep, so input = f₁(β₀_prev)), the sweep stops after its β₀ step when c = max |β₀ − β₀_prev|
 * passes the stopping rule (c·max(1, ρ̂/(1 − ρ̂)) ≤ tol·scale): since each β₁ level is a
 * weighted average of β₀ values, f₁ is non-expansive in the max norm, so the skipped β₁ step
 * would change the state by at most c. Returns true on
 * such an early exit (betas then hold β₀ consistent with the input state).
 */
function sweep(kernel: Kernel, state: SweepState, input: Float64Array, output: Float64Array, allowEarlyExit: boolean): boolean {
  const { q, nLevels, betas } = kernel;
  const { offsets } = state;
  for (let p = 1; p < q; p++) betas[p]!.set(input.subarray(offsets[p]!, offsets[p]! + nLevels[p]!));
  // From the zero start, β₀ is simply the level mean: skip the pass.
  if (state.first) levelMeans(kernel, 0);
  else updateLevel(kernel, 0);
  state.first = false;
  const previous = state.previousBeta0;
  if (previous !== null) {
    const beta0 = betas[0]!;
    if (allowEarlyExit) {
      let change = 0;
      for (let l = 0; l < beta0.length; l++) {
        const d = Math.abs(beta0[l]! - previous[l]!);
        if (!(d <= change)) change = Number.isNaN(d) ? Infinity : d;
      }
      const relative = change / state.scale;
      const rho = state.previousChange > 0 ? relative / state.previousChange : 0;
      if (relative * errorFactor(rho) <= state.tolerance) {
        state.earlyChange = relative;
        return true;
      }
    }
    previous.set(beta0);
  }
  for (let p = 1; p < q; p++) {
    updateLevel(kernel, p); // Gauss–Seidel: later dimensions see the new values
    output.set(betas[p]!, offsets[p]!);
  }
  return false;
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

/** max over coefficients of |a − b| / scale. */
function relativeChange(a: Float64Array, b: Float64Array, scale: number): number {
  let max = 0;
  for (let s = 0; s < a.length; s++) {
    const change = Math.abs(a[s]! - b[s]!);
    if (!(change <= max)) max = Number.isNaN(change) ? Infinity : change;
  }
  return max / scale;
}

/** New column xᵢ − Σ_p β_p[g_p(i)]. */
function residualize(kernel: Kernel, x: Float64Array): Float64Array {
  const { n, q, codes, betas } = kernel;
  const result = new Float64Array(n);
  if (q === 1) {
    const g0 = codes[0]!;
    const b0 = betas[0]!;
    for (let i = 0; i < n; i++) result[i] = x[i]! - b0[g0[i]!]!;
  } else if (q === 2) {
    const g0 = codes[0]!;
    const g1 = codes[1]!;
    const b0 = betas[0]!;
    const b1 = betas[1]!;
    for (let i = 0; i < n; i++) result[i] = x[i]! - b0[g0[i]!]! - b1[g1[i]!]!;
  } else {
    result.set(x);
    for (let p = 0; p < q; p++) {
      const g = codes[p]!;
      const beta = betas[p]!;
      for (let i = 0; i < n; i++) result[i] = result[i]! - beta[g[i]!]!;
    }
  }
  return result;
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
  fixedEffects.forEach((fe, p) => {
    if (fe.codes.length !== n) {
      throw new CausalPanelError('invalid_option', `${fn}: fixed effect ${p} has ${fe.codes.length} codes, expected ${n}`, { fn, value: fe.codes.length });
    }
    const L = fe.nLevels;
    for (let i = 0; i < n; i++) {
      const g = fe.codes[i]!;
      if (!(g >= 0 && g < L)) {
        throw new CausalPanelError('invalid_option', `${fn}: fixed effect ${p} has code ${g} outside [0, ${L}) (row ${i})`, { fn, row: i, value: g });
      }
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
