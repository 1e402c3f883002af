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
 * β₀ step already meets the stopping rule ends there (`demeanSweeps.ts`): a balanced panel costs
 * one sweep plus one β₀ pass. Irons–Tuck acceleration of F (`demeanAcceleration.ts`): from X,
 * GX = F(X), GGX = F(GX), per column Δ = GGX − GX, Δ² = Δ − GX + X, X ← GGX − (Δ·Δ² / Δ²·Δ²) Δ.
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
 * the output x − Σ_p β_p[g_p] and its sum of squares, one fused pass (`demeanPasses.ts`). No
 * allocation inside the iteration loops. Cost for a balanced two-way panel: three passes over the
 * rows (setup, one β₁ step, one β₀ step) plus the output pass, for all columns together.
 * Singletons are in `singletons.ts`.
 *
 * Dimension symbols: n = rows, C = columns, q = fixed-effect dimensions,
 * L_p = levels of fixed effect p, m = columns still iterating.
 */
import { CausalPanelError } from '../errors.js';
import { iterate } from './demeanAcceleration.js';
import { isBlocks, isGrid, setupSumsGrid } from './demeanGrid.js';
import { demeanSlopes } from './demeanSlopes.js';
import { centeredSumSquares, levelInverseWeights, residualize, setupSums, setupSumsFused, sumSquares, type Kernel } from './demeanPasses.js';

// Singletons live in singletons.ts; re-exported so that `numerics/demean.js` keeps offering them.
export { dropSingletons, singletonMask } from './singletons.js';

/** One fixed-effect dimension: 0-based level code per row and the number of levels. */
export interface FixedEffectCodes {
  /** Level of each row, 0 ≤ code < nLevels. */
  codes: Int32Array;
  /** Number of levels L. */
  nLevels: number;
  /** Varying slopes (fixest `fe[x]`): level-specific slopes on these columns (`demeanSlopes.ts`). */
  slopes?: readonly Float64Array[];
  /** With slopes: whether the level also has its own intercept (`fe[x]`, default) or not (`fe[[x]]`). */
  constant?: boolean;
  /** Set when codes[i] = i mod `period` for all `rows`: the grid check then does not read `codes`. */
  cycle?: { period: number; rows: number };
  /** Set when codes[i] = ⌊i/`length`⌋ for all `rows`: the grid check then does not read `codes`. */
  blocks?: { length: number; rows: number };
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
  /** Also Σwᵢ(xᵢ − x̄)² of each input column (x̄ its weighted mean; a total sum of squares). */
  centered?: boolean;
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
  /**
   * With `centered`: Σwᵢ(xᵢ − x̄)² of each input column, x̄ = Σwx/Σw — the same arithmetic as
   * `centeredSumSquares` (`demeanPasses.ts`), from the setup and output passes where they allow.
   */
  centeredSumSquares?: Float64Array;
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
  const { weights, tolerance = 1e-10, maxIterations = 10000, centered = false } = options;
  const fn = 'demean';
  const C = columns.length;
  const q = fixedEffects.length;
  const n = C > 0 ? columns[0]!.length : q > 0 ? codeCount(fixedEffects[0]!) : 0;
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
    const result: DemeanResult = { columns: out, converged: true, iterations: 0, maxChange: 0, inputSumSquares: sums, outputSumSquares: Float64Array.from(sums) };
    if (centered) result.centeredSumSquares = Float64Array.from(xs, (x) => centeredSumSquares(x, w));
    return result;
  }

  if (fixedEffects.some((fe) => (fe.slopes !== undefined && fe.slopes.length > 0) || fe.constant === false)) {
    const result = demeanWithSlopes(xs, fixedEffects, w, n, tolerance, maxIterations);
    if (centered) result.centeredSumSquares = Float64Array.from(xs, (x) => centeredSumSquares(x, w));
    return result;
  }
  const nLevels = fixedEffects.map((fe) => fe.nLevels);
  const grid = q === 2 && w === null && isGridEffects(fixedEffects[0]!, fixedEffects[1]!, nLevels[0]!, nLevels[1]!);
  // On the grid no pass reads the codes (a cyclic second effect's codes are then never built).
  const codes = grid ? [new Int32Array(0), new Int32Array(0)] : fixedEffects.map((fe) => fe.codes);
  // Level weight sums W_p[l] (once for all columns; the pass also checks the codes) and their
  // reciprocals (0 for empty or zero-weight levels, whose coefficient then stays 0).
  // (The common two-way, unweighted, three-column case counts the levels inside the setup pass.)
  // A balanced panel sorted by the first then the second effect (the full grid of levels, in
  // order) has passes that read no codes (`demeanGrid.ts`); same arithmetic, same bits.
  const fusedSetup = q === 2 && w === null && C === 3;
  const inverseWeights = fusedSetup || grid ? nLevels.map((L) => new Float64Array(L)) : nLevels.map((L, p) => levelInverseWeights(codes[p]!, L, w, p, fn));
  let totalWeight = n;
  if (w !== null) {
    totalWeight = 0;
    for (let i = 0; i < n; i++) totalWeight += w[i]!;
  }
  const kernel: Kernel = { n, q, codes, nLevels, w, inverseWeights, firstRuns: false, grid };

  // Level sums S_p (interleaved, stride C) and Σwx² of every column, in one pass over the rows.
  const S = nLevels.map((L) => new Float64Array(L * C));
  // Column sums for the centred sums of squares: in the grid setup pass (Σx, row order, as
  // centeredSumSquares computes Σ1·x), else centeredSumSquares' own passes at the end.
  const columnSums = centered && grid ? new Float64Array(C) : null;
  const inputSumSquares = grid
    ? setupSumsGrid(xs, nLevels[0]!, nLevels[1]!, S, inverseWeights, columnSums)
    : fusedSetup
      ? setupSumsFused(kernel, xs, S, fn)
      : setupSums(kernel, xs, S);
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
  let centeredSums: { centers: Float64Array; out: Float64Array } | null = null;
  if (columnSums !== null) {
    // centeredSumSquares' center Σwx/Σw with w = 1: Σx / n (Σ1 = n exactly).
    const centers = Float64Array.from(columnSums, (sum) => sum / n);
    centeredSums = { centers, out: new Float64Array(C) };
  }
  const outputSumSquares = residualize(kernel, xs, finalBetas, buffer, centeredSums);
  const out: Float64Array[] = [];
  for (let c = 0; c < C; c++) out.push(buffer.subarray(c * n, (c + 1) * n));
  const result: DemeanResult = { columns: out, converged, iterations, maxChange, inputSumSquares, outputSumSquares };
  if (centered) result.centeredSumSquares = centeredSums !== null ? centeredSums.out : Float64Array.from(xs, (x) => centeredSumSquares(x, w));
  return result;
}

/** Number of rows coded (without building a cyclic effect's codes). */
function codeCount(fe: FixedEffectCodes): number {
  return fe.cycle !== undefined ? fe.cycle.rows : fe.blocks !== undefined ? fe.blocks.rows : fe.codes.length;
}

/**
 * {@link isGrid} for two effects; when the second is cyclic with period L₁ only the first one's
 * codes are read (the second's are (i mod L₁) by construction), and none when the first is also
 * in blocks of L₁ (codes ⌊i/L₁⌋).
 */
function isGridEffects(first: FixedEffectCodes, second: FixedEffectCodes, L0: number, L1: number): boolean {
  if (second.cycle !== undefined && first.blocks !== undefined) {
    return second.cycle.period === L1 && first.blocks.length === L1 && first.blocks.rows === second.cycle.rows && L0 * L1 === second.cycle.rows;
  }
  if (second.cycle !== undefined && second.cycle.period === L1) return isBlocks(first.codes, L0, L1, second.cycle.rows);
  return isGrid(first.codes, second.codes, L0, L1);
}

/** The varying-slope path: plain alternating projections per column (`demeanSlopes.ts`). */
function demeanWithSlopes(xs: Float64Array[], fixedEffects: FixedEffectCodes[], w: Float64Array | null, n: number, tolerance: number, maxIterations: number): DemeanResult {
  fixedEffects.forEach((fe, p) => {
    for (const x of fe.slopes ?? []) {
      if (x.length !== n) throw new CausalPanelError('invalid_option', `demean: slope of fixed effect ${p} has length ${x.length}, expected ${n}`, { fn: 'demean', value: x.length });
    }
    for (let i = 0; i < n; i++) {
      const g = fe.codes[i]!;
      if (!(g >= 0 && g < fe.nLevels)) throw new CausalPanelError('invalid_option', `demean: fixed effect ${p} has code ${g} at row ${i} (levels 0..${fe.nLevels - 1})`, { fn: 'demean', row: i, value: g });
    }
  });
  let totalWeight = n;
  if (w !== null) {
    totalWeight = 0;
    for (let i = 0; i < n; i++) totalWeight += w[i]!;
  }
  const inputSumSquares = Float64Array.from(xs, (x) => sumSquares(x, w));
  const scale = Float64Array.from(inputSumSquares, (ss) => {
    if (!Number.isFinite(ss)) throw new CausalPanelError('non_finite', `demean: column has non-finite values (sum of squares ${ss})`, { fn: 'demean', value: ss });
    const rms = Math.sqrt(ss / Math.max(totalWeight, 1e-300));
    return rms > 0 && Number.isFinite(rms) ? rms : 1;
  });
  const result = demeanSlopes(xs, fixedEffects, w, scale, tolerance, maxIterations);
  const C = xs.length;
  const buffer = new Float64Array(n * C);
  const columns = result.columns.map((x, c) => {
    buffer.set(x, c * n);
    return buffer.subarray(c * n, (c + 1) * n);
  });
  const outputSumSquares = Float64Array.from(columns, (x) => sumSquares(x, w));
  return { columns, converged: result.converged, iterations: result.iterations, maxChange: result.maxChange, inputSumSquares, outputSumSquares };
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
    const count = codeCount(fe);
    if (count !== n) {
      throw new CausalPanelError('invalid_option', `${fn}: fixed effect ${p} has ${count} codes, expected ${n}`, { fn, value: count });
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
