/**
 * The untreated-observations model shared by the imputation estimator (`didImputation`,
 * Borusyak, Jaravel & Spiess 2024) and Gardner's two-stage estimator (`did2s`): fixed effects
 * plus covariates fitted on the untreated rows Ω₀ only, the prediction of Y(0) on every row,
 * and projections Z₀(Z₀ᵀΩZ₀)⁻c of coefficient-space vectors c onto Ω₀ — the v* weights of
 * BJS eq. (6) and the first-stage correction of did2s's GMM variance.
 *
 * Everything runs on the fixed-effect structure, never on dummies: Z = [D, X] with D the
 * fixed-effect indicators. The fixed-effect block is solved by the accelerated alternating
 * projections of `numerics/demean` (`iterate`) started from given level sums, and the covariates
 * by partialling out (X̃ = X demeaned on Ω₀):
 *   b = (X̃ᵀΩX̃)⁻¹(c_X − XᵀΩg),  Z₀h = g + X̃b,  with g = D₀(D₀ᵀΩD₀)⁻c_D.
 * Memory is O(n) for any number of fixed-effect levels, so a 10⁶-row panel fits.
 */
import { CausalPanelError } from '../../errors.js';
import { invertSymmetric } from '../../numerics/cholesky.js';
import { demean, type FixedEffectCodes } from '../../numerics/demean.js';
import { iterate } from '../../numerics/demeanAcceleration.js';
import { levelInverseWeights, type Kernel } from '../../numerics/demeanPasses.js';
import { leastSquares } from '../../numerics/leastSquares.js';
import { gather } from '../../models/formula/scan.js';

/** Convergence tolerance of the fixed-effect solves (relative to each column's scale). */
const TOLERANCE = 1e-13;
const MAX_ITERATIONS = 100000;
/** Σx̃² / Σx² below which a covariate counts as absorbed by the fixed effects (‖x̃‖/‖x‖ < 1e-10). */
const ABSORBED = 1e-20;

/**
 * Fixed-effect coefficients solving D₀ᵀΩD₀ a = S for C right-hand sides at once: `S[p]` holds the
 * level sums of dimension p interleaved (level l of column c at l·C + c). Returns the
 * coefficients in the same layout (one solution of the singular system; sums over estimable
 * combinations do not depend on which).
 *
 * @example
 * const fe = [{ codes: Int32Array.of(0, 0, 1, 1), nLevels: 2 }, { codes: Int32Array.of(0, 1, 0, 1), nLevels: 2 }];
 * solveFixedEffects(fe, [Float64Array.of(4, 6), Float64Array.of(3, 7)], 1, null); // a with a₀[g₀] + a₁[g₁] fitting y = 1, 3, 2, 4
 */
export function solveFixedEffects(fixedEffects: readonly FixedEffectCodes[], S: Float64Array[], C: number, omega: Float64Array | null, fn = 'solveFixedEffects'): Float64Array[] {
  const q = fixedEffects.length;
  const codes = fixedEffects.map((f) => f.codes);
  const nLevels = fixedEffects.map((f) => f.nLevels);
  const inverseWeights = fixedEffects.map((f, p) => levelInverseWeights(f.codes, f.nLevels, omega, p, fn));
  const betas = nLevels.map((L) => new Float64Array(L * C));
  if (q === 1) {
    const inv = inverseWeights[0]!;
    for (let l = 0; l < nLevels[0]!; l++) for (let c = 0; c < C; c++) betas[0]![l * C + c] = S[0]![l * C + c]! * inv[l]!;
    return betas;
  }
  const n = codes[0]!.length;
  const kernel: Kernel = { n, q, codes, nLevels, w: omega, inverseWeights };
  // Scale of each column: the largest first-dimension level mean (the size of the coefficients).
  const scale = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let p = 0; p < q; p++) {
      const inv = inverseWeights[p]!;
      for (let l = 0; l < nLevels[p]!; l++) s = Math.max(s, Math.abs(S[p]![l * C + c]! * inv[l]!));
    }
    scale[c] = s > 0 && Number.isFinite(s) ? s : 1;
  }
  iterate(kernel, S, scale, betas, C, TOLERANCE, MAX_ITERATIONS);
  return betas;
}

/** The untreated-rows design: fixed effects and covariates over all n analysis rows. */
export interface UntreatedDesign {
  /** Fixed-effect codes over the n rows (0-based, contiguous). */
  fixedEffects: readonly FixedEffectCodes[];
  /** Covariates, n × k column-major (k may be 0). */
  X: Float64Array;
  k: number;
  /** Covariate names (for the collinearity note). */
  terms: readonly string[];
  /** 1 for the rows of Ω₀ (untreated), 0 for the treated rows. */
  untreated: Uint8Array;
  /** Regression weights over the n rows, or null. */
  weights: Float64Array | null;
}

/** A first-stage fit on Ω₀ and what its projections need. */
export interface UntreatedFit {
  /** Indices (into the n rows) of Ω₀, ascending. */
  rows0: Int32Array;
  /** Fixed-effect codes over Ω₀. */
  fixedEffects0: FixedEffectCodes[];
  /** Indices of the covariates kept (not collinear with the fixed effects on Ω₀). */
  kept: Int32Array;
  /** Names of covariates dropped as collinear. */
  dropped: string[];
  /** Covariate coefficients over `kept`. */
  coef: Float64Array;
  /** y − Ŷ(0) on all n rows (the first-stage residual on Ω₀, the imputed effect on treated rows). */
  residual: Float64Array;
  /**
   * The fixed-effect solutions of `coSolve`'s right-hand sides (per dimension, stride C), when
   * they were solved with the fit (no covariates kept); null otherwise.
   */
  coSolved: Float64Array[] | null;
}

/**
 * Fits y = Σ_p a_p + Xβ on the untreated rows (weighted least squares with the design's
 * weights) and predicts Y(0) on every row.
 *
 * With `coSolve` (right-hand sides of the same fixed-effect system and row weights, e.g. the v*
 * projections of an unweighted imputation), their solutions come back in `coSolved` when no
 * covariate is kept (one solve for both).
 *
 * @throws {CausalPanelError} `no_control_units` when a fixed-effect level of a treated row has
 *   no untreated row (its Y(0) cannot be imputed: a unit never observed untreated, or a period
 *   in which every unit is treated); `levelName(p, level)` names it
 * @example
 * const fit = fitUntreated(design, y, 'didImputation', (p, l) => `unit ${l}`);
 * fit.residual; // y − Ŷ(0) on every row
 */
export function fitUntreated(
  design: UntreatedDesign,
  y: Float64Array,
  fn: string,
  levelName: (p: number, level: number) => string,
  coSolve?: { levelSums: Float64Array[]; C: number },
): UntreatedFit {
  const n = y.length;
  const { untreated, k, weights } = design;
  let n0 = 0;
  for (let i = 0; i < n; i++) n0 += untreated[i]!;
  if (n0 === 0) throw new CausalPanelError('no_control_units', `${fn}: no untreated observations to fit Y(0) on (0 of ${n} rows)`, { fn });
  const rows0 = new Int32Array(n0);
  for (let i = 0, j = 0; i < n; i++) if (untreated[i] === 1) rows0[j++] = i;
  const fixedEffects0 = design.fixedEffects.map((f) => {
    const codes = new Int32Array(n0);
    const all = f.codes;
    for (let j = 0; j < n0; j++) codes[j] = all[rows0[j]!]!;
    return { codes, nLevels: f.nLevels };
  });
  // Every level used by a treated row needs untreated rows.
  design.fixedEffects.forEach((f, p) => {
    const seen = new Uint8Array(f.nLevels);
    const codes0 = fixedEffects0[p]!.codes;
    for (let r = 0; r < n0; r++) seen[codes0[r]!] = 1;
    const codes = f.codes;
    for (let i = 0; i < n; i++) {
      if (seen[codes[i]!] === 0) {
        throw new CausalPanelError('no_control_units', `${fn}: ${levelName(p, codes[i]!)} has no untreated observation, so its Y(0) cannot be imputed (row ${i + 1})`, { fn, row: i });
      }
    }
  });
  const w0 = weights === null ? null : gather(weights, rows0);
  const y0 = gather(y, rows0);

  // Covariates: partial the fixed effects out on Ω₀, then least squares (collinear ones dropped).
  let kept = new Int32Array(0);
  let coef = new Float64Array(0);
  const dropped: string[] = [];
  if (k > 0) {
    const X0 = Array.from({ length: k }, (_, j) => gather(design.X.subarray(j * n, (j + 1) * n), rows0));
    const dm = demean([y0, ...X0], fixedEffects0, { ...(w0 === null ? {} : { weights: w0 }), tolerance: TOLERANCE, maxIterations: MAX_ITERATIONS });
    // A covariate the fixed effects absorb (constant within units, say) leaves only rounding
    // noise after demeaning: dropped as collinear, as fixest does, before least squares can
    // mistake the noise for a regressor.
    const live = Array.from({ length: k }, (_, j) => j).filter((j) => dm.outputSumSquares[j + 1]! > ABSORBED * dm.inputSumSquares[j + 1]!);
    const Xt = new Float64Array(n0 * live.length);
    live.forEach((j, t) => Xt.set(dm.columns[j + 1]!, t * n0));
    const ls = leastSquares(Xt, n0, live.length, dm.columns[0]!, w0 === null ? {} : { weights: w0 });
    kept = Int32Array.from(ls.kept, (t) => live[t]!);
    coef = Float64Array.from(ls.kept, (t) => ls.coef[t]!);
    for (let j = 0; j < k; j++) if (!kept.includes(j)) dropped.push(design.terms[j]!);
  }
  // Fixed-effect coefficients of y − Xβ on Ω₀.
  // Xβ on every row (no array at all without covariates).
  const xb = kept.length === 0 ? null : new Float64Array(n);
  if (xb !== null) kept.forEach((j, t) => {
    const b = coef[t]!;
    for (let i = 0; i < n; i++) xb[i] += design.X[i + j * n]! * b;
  });
  const v0 = new Float64Array(n0);
  for (let r = 0; r < n0; r++) {
    const i = rows0[r]!;
    v0[r] = (xb === null ? y[i]! : y[i]! - xb[i]!) * (w0 === null ? 1 : w0[r]!);
  }
  const S = fixedEffects0.map((f) => {
    const sums = new Float64Array(f.nLevels);
    const codes = f.codes;
    for (let r = 0; r < n0; r++) sums[codes[r]!] += v0[r]!;
    return sums;
  });
  // Without covariates the fixed-effect system of Ω₀ is the same for the fit and for further
  // right-hand sides with the same row weights (`coSolve`): one lock-step solve serves both
  // (each column's arithmetic is that of solving it alone).
  const together = coSolve !== undefined && xb === null;
  const width = together ? coSolve.C + 1 : 1;
  const system = together ? S.map((sums, p) => interleave(sums, coSolve.levelSums[p]!, coSolve.C)) : S;
  const betas = solveFixedEffects(fixedEffects0, system, width, w0, fn);
  const residual = new Float64Array(n);
  if (xb === null) residual.set(y);
  else for (let i = 0; i < n; i++) residual[i] = y[i]! - xb[i]!;
  design.fixedEffects.forEach((f, p) => {
    const codes = f.codes;
    const b = betas[p]!;
    for (let i = 0; i < n; i++) residual[i]! -= b[codes[i]! * width]!;
  });
  const coSolved = together ? betas.map((b) => deinterleave(b, coSolve.C)) : null;
  return { rows0, fixedEffects0, kept, dropped, coef, residual, coSolved };
}

/** [a | B] interleaved: level l holds a[l] then B's C values (stride C + 1). */
function interleave(a: Float64Array, B: Float64Array, C: number): Float64Array {
  const out = new Float64Array(a.length * (C + 1));
  for (let l = 0; l < a.length; l++) {
    out[l * (C + 1)] = a[l]!;
    for (let c = 0; c < C; c++) out[l * (C + 1) + 1 + c] = B[l * C + c]!;
  }
  return out;
}

/** The columns 1..C of a stride-(C + 1) array, as a stride-C array. */
function deinterleave(b: Float64Array, C: number): Float64Array {
  const levels = b.length / (C + 1);
  const out = new Float64Array(levels * C);
  for (let l = 0; l < levels; l++) for (let c = 0; c < C; c++) out[l * C + c] = b[l * (C + 1) + 1 + c]!;
  return out;
}

/**
 * Projections Z₀(Z₀ᵀΩZ₀)⁻c onto the untreated rows for C coefficient-space vectors c at once,
 * with row weights ω on Ω₀ (BJS's v* weights, did2s's first-stage correction).
 *
 * @example
 * const projector = new UntreatedProjector(design, fit, omega0);
 * projector.project(levelSums, covariateSums, C); // n₀ × C column-major
 */
export class UntreatedProjector {
  readonly #fit: UntreatedFit;
  readonly #omega: Float64Array | null;
  /** Covariates (kept) demeaned on Ω₀ with weights ω, n₀ × kk. */
  readonly #Xt: Float64Array;
  /** Covariates (kept) on Ω₀, n₀ × kk. */
  readonly #X0: Float64Array;
  /** (X̃ᵀΩX̃)⁻¹, kk × kk. */
  readonly #inverse: Float64Array;
  readonly kk: number;

  /** @param omega weights on Ω₀ (length n₀), or null for 1 */
  constructor(design: UntreatedDesign, fit: UntreatedFit, omega: Float64Array | null, fn: string) {
    this.#fit = fit;
    this.#omega = omega;
    const n = design.untreated.length;
    const n0 = fit.rows0.length;
    const kk = fit.kept.length;
    this.kk = kk;
    this.#X0 = new Float64Array(n0 * kk);
    fit.kept.forEach((j, t) => {
      for (let r = 0; r < n0; r++) this.#X0[r + t * n0] = design.X[fit.rows0[r]! + j * n]!;
    });
    this.#Xt = new Float64Array(n0 * kk);
    this.#inverse = new Float64Array(0);
    if (kk > 0) {
      const columns = Array.from({ length: kk }, (_, t) => this.#X0.subarray(t * n0, (t + 1) * n0));
      const dm = demean(columns, fit.fixedEffects0, { ...(omega === null ? {} : { weights: omega }), tolerance: TOLERANCE, maxIterations: MAX_ITERATIONS });
      for (let t = 0; t < kk; t++) this.#Xt.set(dm.columns[t]!, t * n0);
      const G = new Float64Array(kk * kk);
      for (let a = 0; a < kk; a++) {
        for (let b = 0; b <= a; b++) {
          let s = 0;
          for (let r = 0; r < n0; r++) s += this.#Xt[r + a * n0]! * this.#Xt[r + b * n0]! * (omega === null ? 1 : omega[r]!);
          G[a + b * kk] = s;
          G[b + a * kk] = s;
        }
      }
      this.#inverse = invertSymmetric(G, kk, fn);
    }
  }

  /**
   * Z₀h for each of C vectors c = (c_D, c_X): `levelSums[p]` the fixed-effect part of dimension
   * p interleaved (level l of column c at l·C + c), `covariateSums` the part of the kept
   * covariates (kk × C, column-major); `solved`, the fixed-effect solutions of `levelSums` when
   * already computed (fitUntreated's `coSolved`). Returns n₀ × C, column-major, in the order of `rows0`.
   */
  project(levelSums: Float64Array[], covariateSums: Float64Array, C: number, solved?: Float64Array[]): Float64Array {
    const fit = this.#fit;
    const n0 = fit.rows0.length;
    const kk = this.kk;
    const omega = this.#omega;
    const betas = solved ?? solveFixedEffects(fit.fixedEffects0, levelSums, C, omega);
    const out = new Float64Array(n0 * C);
    fit.fixedEffects0.forEach((f, p) => {
      const codes = f.codes;
      const b = betas[p]!;
      for (let c = 0; c < C; c++) for (let r = 0; r < n0; r++) out[r + c * n0]! += b[codes[r]! * C + c]!;
    });
    if (kk === 0) return out;
    for (let c = 0; c < C; c++) {
      const g = out.subarray(c * n0, (c + 1) * n0);
      const rhs = new Float64Array(kk);
      for (let t = 0; t < kk; t++) {
        let s = 0;
        for (let r = 0; r < n0; r++) s += this.#X0[r + t * n0]! * g[r]! * (omega === null ? 1 : omega[r]!);
        rhs[t] = covariateSums[t + c * kk]! - s;
      }
      for (let t = 0; t < kk; t++) {
        let b = 0;
        for (let u = 0; u < kk; u++) b += this.#inverse[t + u * kk]! * rhs[u]!;
        for (let r = 0; r < n0; r++) g[r] += this.#Xt[r + t * n0]! * b;
      }
    }
    return out;
  }
}

/**
 * Recodes level codes over a row subset to contiguous 0..L−1 (in order of first appearance).
 *
 * @example
 * recode(Int32Array.of(5, 2, 5, 7), Int32Array.of(0, 1, 2)); // { codes: Int32Array [0, 1, 0], nLevels: 2 }
 */
export function recode(codes: Int32Array, rows: ArrayLike<number>): FixedEffectCodes & { original: Int32Array } {
  let max = 0;
  for (let r = 0; r < rows.length; r++) max = Math.max(max, codes[rows[r]!]!);
  const map = new Int32Array(max + 1).fill(-1);
  const out = new Int32Array(rows.length);
  const original: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const c = codes[rows[r]!]!;
    if (map[c] === -1) {
      map[c] = original.length;
      original.push(c);
    }
    out[r] = map[c]!;
  }
  return { codes: out, nLevels: original.length, original: Int32Array.from(original) };
}
