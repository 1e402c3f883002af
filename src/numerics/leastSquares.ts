/**
 * Ordinary and weighted least squares by pivoted Householder QR, as R's `lm.fit` / `lm.wfit`.
 *
 * Weighted problems are solved as OLS on √w·X and √w·y (rows with w = 0 then carry no
 * information; their residuals are still y − Xb). Collinear columns are dropped exactly as R
 * does (LINPACK dqrdc2 limited pivoting, tolerance 1e-7: the later column goes), their
 * coefficients are NaN, and `xtxInverse` is (XᵀWX)⁻¹ over the kept columns. The solve uses
 * unit-norm column scaling and iterative refinement with an extra-precise residual (see
 * `qr.ts`), which reaches NIST StRD certified values to 13–15 digits (Filip, whose x¹⁰ R's rule
 * drops, to 8: see `keepIdentifiable`). Tall, well-conditioned
 * problems whose refinement is conditional (n·k > 10⁶ by default) take a streaming path first
 * (`tallFit`: one pass for R, corrected semi-normal equations) that gives the same decisions
 * and better accuracy for a fraction of the memory traffic; see docs/numerics.md.
 *
 * Dimension symbols: n = rows, k = columns, r = rank.
 */
import { CausalPanelError } from '../errors.js';
import { accurateResiduals } from './accurateResiduals.js';
import { PivotedQR } from './qr.js';
import { streamingR } from './streamingR.js';

/** Options for {@link leastSquares}. */
export interface LeastSquaresOptions {
  /** Non-negative case weights (R's `lm(weights =)`). */
  weights?: ArrayLike<number>;
  /** Rank tolerance (R's `lm(tol = 1e-7)`). */
  tolerance?: number;
  /**
   * Björck iterative-refinement steps in the solve (default 2). 0 disables refinement and the
   * extra-precise residuals: about 2× faster for n ≳ 10⁵, with the accuracy of R's `lm`
   * (≈ κ·ε relative error).
   */
  refinementSteps?: number;
  /**
   * Refine only when the scaled design's condition bound ‖R‖_F‖R⁻¹‖_F exceeds this. Default:
   * 0 (always refine) when n·k ≤ 10⁶ and n < 65,536, where refinement is cheap; 100 for taller or
   * larger designs, where the extra (double-double) passes over X cost more than the QR itself
   * and a well-conditioned plain solution is already accurate to ~1e-12 relative.
   */
  refineAbove?: number;
  /**
   * Keep a column that R's rule (relative remaining norm ρ < `tolerance`) would drop when it is
   * still identifiable: ρ ≥ `tolerance`·10⁻² and the Björck refinement of the full-rank solution
   * (residuals in double-double) converges. Default: true when refinement is unconditional
   * (n·k ≤ 10⁶ and n < 65,536); false gives R's `lm` decisions exactly. Exactly collinear columns (ρ at the
   * rounding level, ≲ 10⁻¹³) are dropped either way. See docs/numerics.md ("Which columns are
   * dropped").
   */
  keepIdentifiable?: boolean;
  /**
   * y (a Float64Array the caller owns and no longer needs) may be overwritten with the residuals:
   * the streaming path then returns them in y's array instead of a new one (on 10⁶ rows a fresh
   * array costs as much as a pass). `residuals === y` tells whether it happened; `fitted` is then
   * X·b.
   */
  overwriteY?: boolean;
  /** The caller knows y is finite (e.g. from a finite sum of its squares): skip the check pass. */
  yFinite?: boolean;
}

/** Result of {@link leastSquares}. */
export interface LeastSquaresResult {
  /** Coefficients, length k; NaN for columns dropped as collinear. */
  coef: Float64Array;
  /** Original indices of the kept columns, increasing. */
  kept: Int32Array;
  /** Original indices of the dropped columns, increasing. */
  dropped: Int32Array;
  /** Numerical rank r. */
  rank: number;
  /** y − Xb (unweighted), length n. */
  residuals: Float64Array;
  /** Xb, length n. */
  fitted: Float64Array;
  /** (XᵀWX)⁻¹ over the kept columns (r×r, column-major, in `kept` order). */
  xtxInverse: Float64Array;
  /** Σ wᵢ·residualᵢ² (the weighted residual sum of squares). */
  rss: number;
  /** The decomposition of √W·X, for further solves. */
  qr: PivotedQR;
}

/**
 * Least-squares fit of y on X (n×k, column-major), optionally weighted, as R's `lm.wfit`.
 *
 * @throws {CausalPanelError} `invalid_option` if a weight is negative or not finite, or lengths
 * disagree; `non_finite` if X or y holds NaN or ±Infinity
 * @example
 * const X = Float64Array.of(1, 1, 1, 1, 1, 2, 3, 4);          // intercept, x
 * const fit = leastSquares(X, 4, 2, Float64Array.of(3, 5, 7, 9.5));
 * fit.coef;  // Float64Array [0.75, 2.15]  (R: coef(lm(y ~ x)))
 * fit.rank;  // 2
 */
export function leastSquares(
  X: Float64Array,
  n: number,
  k: number,
  y: ArrayLike<number>,
  options: LeastSquaresOptions = {},
): LeastSquaresResult {
  const { weights, tolerance = 1e-7, refinementSteps = 2, refineAbove = n * k > 1e6 || n >= TALL_ROWS ? 100 : 0 } = options;
  const keepIdentifiable = options.keepIdentifiable ?? refineAbove <= 0;
  const fn = 'leastSquares';
  if (X.length !== n * k) {
    throw new CausalPanelError('invalid_option', `${fn}: X has ${X.length} entries, expected n·k = ${n * k}`, { fn, value: X.length });
  }
  if (y.length !== n) {
    throw new CausalPanelError('invalid_option', `${fn}: y has length ${y.length}, expected ${n}`, { fn, value: y.length });
  }
  if (options.yFinite === true) {
    // checked by the caller
  } else if (y instanceof Float64Array) {
    // Monomorphic loop for the usual typed input: finite ⇔ v − v === 0.
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      if (v - v !== 0) throw new CausalPanelError('non_finite', `${fn}: y is not finite (row ${i}: ${v})`, { fn, row: i, value: v });
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = y[i] as number;
      if (!Number.isFinite(v)) throw new CausalPanelError('non_finite', `${fn}: y is not finite (row ${i}: ${v})`, { fn, row: i, value: v });
    }
  }
  let design = X;
  let response: ArrayLike<number> = y;
  let roots: Float64Array | null = null;
  if (weights) validateWeights(weights, n, fn);
  // Tall, well-conditioned problems: one streaming pass (see `tallFit`); null = use the full QR.
  if (refineAbove > 0 && n >= TALL_ROWS && k >= 1 && k <= 16 && y instanceof Float64Array) {
    const fast = tallFit(X, n, k, y, weights, tolerance, refineAbove, options.overwriteY === true);
    if (fast !== null) return fast;
  }
  if (weights) {
    roots = new Float64Array(n);
    for (let i = 0; i < n; i++) roots[i] = Math.sqrt(weights[i] as number);
    design = new Float64Array(n * k);
    for (let j = 0; j < k; j++) {
      const offset = j * n;
      for (let i = 0; i < n; i++) design[offset + i] = X[offset + i]! * roots[i]!;
    }
    const scaledY = new Float64Array(n);
    for (let i = 0; i < n; i++) scaledY[i] = (y[i] as number) * roots[i]!;
    response = scaledY;
  }
  let qr = new PivotedQR(design, n, k, { tolerance });
  const refine = refinementSteps > 0 && qr.rank > 0 && (refineAbove <= 0 || qr.conditionEstimate() > refineAbove);
  // Without refinement the residual array doubles as the scratch of Qᵀy (one n-array less).
  const work = refine ? undefined : new Float64Array(n);
  let coef: Float64Array | null = null;
  if (keepIdentifiable && refine && qr.dropped.length > 0) {
    // Borderline rank decision (Filip): refactor at a 100× smaller tolerance; keep the larger
    // rank only if the refined full-rank solution converges to the last bit.
    const wider = new PivotedQR(design, n, k, { tolerance: tolerance * IDENTIFIABLE_FACTOR });
    if (wider.rank > qr.rank) {
      const candidate = wider.solve(response, Math.max(refinementSteps, IDENTIFIABLE_STEPS));
      if (wider.lastRefinementConverged) {
        qr = wider;
        coef = candidate;
      }
    }
  }
  coef ??= qr.solve(response, refine ? refinementSteps : 0, 0, work);
  // Extra-precise residuals only go with refinement (otherwise plain, as R's qr.resid).
  const residuals = refine ? accurateResiduals(X, n, k, y, coef) : plainResiduals(X, n, k, y, coef, work);
  // The inverse costs k refinements: always gated on the condition bound (100).
  const xtxInverse = qr.xtxInverse(refinementSteps, 100);
  if (!refine && refinementSteps > 0 && qr.rank > 0 && refineAbove > 0) {
    // Large, well-conditioned, but pivoted (else the streaming path would have run): one
    // corrected-semi-normal-equations step, b += (XᵀWX)⁻¹XᵀW(y − Xb), as the streaming path.
    correctOnce(X, n, roots, coef, residuals, qr.kept, xtxInverse);
  }
  let rss = 0;
  if (roots) {
    for (let i = 0; i < n; i++) {
      const e = residuals[i]!;
      rss += roots[i]! * roots[i]! * e * e;
    }
  } else {
    for (let i = 0; i < n; i++) rss += residuals[i]! * residuals[i]!;
  }
  // ŷ = y − e is built on first use only: on 10⁶ rows a fresh array costs as much as the QR pass.
  let fitted: Float64Array | undefined;
  return {
    coef,
    kept: qr.kept,
    dropped: qr.dropped,
    rank: qr.rank,
    residuals,
    get fitted(): Float64Array {
      return (fitted ??= Float64Array.from(residuals, (e, i) => (y[i] as number) - e));
    },
    xtxInverse,
    rss,
    qr,
  };
}

/** Throws `invalid_option` unless the weights have length n and are finite and non-negative. */
function validateWeights(weights: ArrayLike<number>, n: number, fn: string): void {
  if (weights.length !== n) {
    throw new CausalPanelError('invalid_option', `${fn}: weights have length ${weights.length}, expected ${n}`, { fn, option: 'weights' });
  }
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new CausalPanelError('invalid_option', `${fn}: weights must be finite and non-negative (row ${i}: ${w})`, {
        fn,
        option: 'weights',
        row: i,
        value: w,
      });
    }
  }
}

/** A column R drops is kept when its relative remaining norm is ≥ tolerance × this (and refinement converges). */
const IDENTIFIABLE_FACTOR = 1e-2;
/** Refinement steps allowed to the full-rank solution of a borderline design. */
const IDENTIFIABLE_STEPS = 6;

/** From this many rows on, {@link leastSquares} tries the streaming fit first. */
const TALL_ROWS = 65536;

/**
 * The streaming fit of a tall problem: R of √W·X by sequential TSQR (`streamingR`: one pass
 * over X and y, no n×k copy, no Q), b from the corrected semi-normal equations (R_sᵀR_s b = XᵀWy
 * by two triangular solves, then one correction step b += (XᵀWX)⁻¹XᵀW(y − Xb) through R; Björck
 * 1987), plain residuals, (XᵀWX)⁻¹ = R⁻¹R⁻ᵀ as {@link PivotedQR.xtxInverse}. Used only where the
 * full path would take the same decisions: every column's part orthogonal to the columns before
 * it is far above the rank tolerance (so dqrdc2 would pivot nothing) and the condition bound
 * ‖R_s‖_F‖R_s⁻¹‖_F is ≤ `refineAbove` (so the full path would not refine either). Otherwise
 * returns null and the caller runs the pivoted QR. The `qr` of the result is built on first use.
 */
function tallFit(
  X: Float64Array,
  n: number,
  k: number,
  y: Float64Array,
  weights: ArrayLike<number> | undefined,
  tolerance: number,
  refineAbove: number,
  overwriteY: boolean,
): LeastSquaresResult | null {
  let roots: Float64Array | null = null;
  if (weights) {
    roots = new Float64Array(n);
    for (let i = 0; i < n; i++) roots[i] = Math.sqrt(weights[i] as number);
  }
  // R of √W·X only (the semi-normal equations need no Qᵀy; XᵀWy comes from the same pass).
  const { R, sumSquares, xty } = streamingR(X, n, k, y, roots, false);
  const p = k;
  // Column scaling as PivotedQR (unit 2-norms); plain sums of squares outside the safe range
  // (overflow, underflow, non-finite data) go to the full path, which scales robustly or throws.
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const ss = sumSquares[j]!;
    if (!(ss > 1e-290 && ss < 1e290)) return null;
    norms[j] = Math.sqrt(ss);
  }
  const Rs = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let i = 0; i <= j; i++) Rs[i + j * k] = R[i + j * p]! / norms[j]!;
  for (let j = 0; j < k; j++) {
    const d = Rs[j + j * k]!;
    if (!(Math.abs(d) > 10 * tolerance) || !Number.isFinite(d)) return null; // dqrdc2 would pivot here
  }
  // R_s⁻¹ (upper triangular), then the condition bound ‖R_s‖_F‖R_s⁻¹‖_F.
  const inv = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    inv[j + j * k] = 1 / Rs[j + j * k]!;
    for (let i = j - 1; i >= 0; i--) {
      let sum = 0;
      for (let q = i + 1; q <= j; q++) sum += Rs[i + q * k]! * inv[q + j * k]!;
      inv[i + j * k] = -sum / Rs[i + i * k]!;
    }
  }
  let normR = 0;
  let normInv = 0;
  for (let j = 0; j < k; j++) {
    for (let i = 0; i <= j; i++) {
      normR += Rs[i + j * k]! ** 2;
      normInv += inv[i + j * k]! ** 2;
    }
  }
  const condition = Math.sqrt(normR * normInv);
  if (!(condition <= refineAbove)) return null;
  // Semi-normal equations R_sᵀR_s b_s = XᵀWy/‖x‖ (two triangular solves), then the original scale.
  const coef = new Float64Array(k);
  solveSemiNormal(Rs, k, xty, norms, coef);
  // One step of the corrected semi-normal equations (Björck 1987, "Stability analysis of the
  // method of seminormal equations for linear least squares problems", LAA 88:31): with
  // r = y − Xb and g = XᵀWr from one fused pass, b += (XᵀWX)⁻¹g through R. For κ ≤ 100 this
  // leaves an error at the level of a backward-stable QR solve or better (measured on 10⁶ rows:
  // 5e-16 relative vs. the Björck-refined full QR, whose unrefined solve is off by 6e-14).
  // Each row reads y[i] before writing residuals[i], so y's own array can take them.
  const residuals = overwriteY ? y : new Float64Array(n);
  const g = new Float64Array(k);
  if (k === 2 && roots === null) {
    // The common case in one pass: r and Xᵀr together. An empty round first (no rows), so that
    // the code after the loop has type feedback when the loop is compiled on-stack in the first
    // fits (see docs/numerics.md).
    residualsAndGradient2(X, n, 0, y, coef, residuals, g);
    residualsAndGradient2(X, n, n, y, coef, residuals, g);
  } else {
    for (let i = 0; i < n; i++) {
      let e = y[i]!;
      for (let j = 0; j < k; j++) e -= X[j * n + i]! * coef[j]!;
      residuals[i] = e;
    }
  }
  for (let j = 0; j < k && !(k === 2 && roots === null); j++) {
    let sum = 0;
    const offset = j * n;
    if (roots === null) for (let i = 0; i < n; i++) sum += X[offset + i]! * residuals[i]!;
    else for (let i = 0; i < n; i++) sum += X[offset + i]! * roots[i]! * roots[i]! * residuals[i]!;
    g[j] = sum;
  }
  const delta = new Float64Array(k);
  solveSemiNormal(Rs, k, g, norms, delta);
  for (let j = 0; j < k; j++) coef[j] = coef[j]! + delta[j]!;
  let rss = 0;
  if (k === 2 && roots === null) {
    correctResiduals2(X, n, 0, delta, residuals);
    rss = correctResiduals2(X, n, n, delta, residuals);
  } else {
    for (let i = 0; i < n; i++) {
      let e = residuals[i]!;
      for (let j = 0; j < k; j++) e -= X[j * n + i]! * delta[j]!;
      residuals[i] = e;
      rss += roots === null ? e * e : roots[i]! * roots[i]! * e * e;
    }
  }
  // (XᵀWX)⁻¹ = diag(1/‖x‖)·R_s⁻¹R_s⁻ᵀ·diag(1/‖x‖), as PivotedQR.xtxInverse (no refinement at this condition).
  const xtxInverse = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let sum = 0;
      for (let q = b; q < k; q++) sum += inv[a + q * k]! * inv[b + q * k]!;
      xtxInverse[a + b * k] = sum;
      xtxInverse[b + a * k] = sum;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) xtxInverse[a + b * k] = xtxInverse[a + b * k]! / (norms[a]! * norms[b]!);
  const kept = Int32Array.from({ length: k }, (_, j) => j);
  let fitted: Float64Array | undefined;
  let qr: PivotedQR | undefined;
  return {
    coef,
    kept,
    dropped: new Int32Array(0),
    rank: k,
    residuals,
    get fitted(): Float64Array {
      if (fitted === undefined) {
        if (overwriteY) {
          fitted = new Float64Array(n);
          for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) fitted[i] = fitted[i]! + X[j * n + i]! * coef[j]!;
        } else fitted = Float64Array.from(residuals, (e, i) => y[i]! - e);
      }
      return fitted;
    },
    xtxInverse,
    rss,
    get qr(): PivotedQR {
      if (qr === undefined) {
        let design = X;
        if (roots) {
          design = new Float64Array(n * k);
          for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) design[j * n + i] = X[j * n + i]! * roots[i]!;
        }
        qr = new PivotedQR(design, n, k, { tolerance });
      }
      return qr;
    },
  };
}

/**
 * One correction step on the kept columns: g = XᵀW(y − Xb) (residuals given), b += (XᵀWX)⁻¹g,
 * residuals −= Xδ. Updates `coef` and `residuals` in place.
 */
function correctOnce(
  X: Float64Array,
  n: number,
  roots: Float64Array | null,
  coef: Float64Array,
  residuals: Float64Array,
  kept: Int32Array,
  inverse: Float64Array,
): void {
  const r = kept.length;
  const g = new Float64Array(r);
  for (let a = 0; a < r; a++) {
    const offset = kept[a]! * n;
    let sum = 0;
    if (roots === null) for (let i = 0; i < n; i++) sum += X[offset + i]! * residuals[i]!;
    else for (let i = 0; i < n; i++) sum += X[offset + i]! * roots[i]! * roots[i]! * residuals[i]!;
    g[a] = sum;
  }
  for (let a = 0; a < r; a++) {
    let delta = 0;
    for (let b = 0; b < r; b++) delta += inverse[a + b * r]! * g[b]!;
    const j = kept[a]!;
    coef[j] = coef[j]! + delta;
    const offset = j * n;
    for (let i = 0; i < n; i++) residuals[i] = residuals[i]! - X[offset + i]! * delta;
  }
}

/** out = diag(1/‖x‖)·R_s⁻¹R_s⁻ᵀ·diag(1/‖x‖)·g (forward then back substitution). */
function solveSemiNormal(Rs: Float64Array, k: number, g: Float64Array, norms: Float64Array, out: Float64Array): void {
  const h = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = g[i]! / norms[i]!;
    for (let q = 0; q < i; q++) sum -= Rs[q + i * k]! * h[q]!;
    h[i] = sum / Rs[i + i * k]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let sum = h[i]!;
    for (let j = i + 1; j < k; j++) sum -= Rs[i + j * k]! * out[j]!;
    out[i] = sum / Rs[i + i * k]!;
  }
  for (let j = 0; j < k; j++) out[j] = out[j]! / norms[j]!;
}

/** y − X·coef in plain double precision (NaN coefficients skipped), into `target` when given. */
function plainResiduals(X: Float64Array, n: number, k: number, y: ArrayLike<number>, coef: ArrayLike<number>, target?: Float64Array): Float64Array {
  if (k === 2 && y instanceof Float64Array) {
    // One pass instead of three; (y − x₀c₀) − x₁c₁ is the same arithmetic as column by column.
    const c0 = Number.isNaN(coef[0] as number) ? 0 : (coef[0] as number);
    const c1 = Number.isNaN(coef[1] as number) ? 0 : (coef[1] as number);
    if (c0 !== 0 && c1 !== 0) {
      const out = target ?? new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = y[i]! - X[i]! * c0 - X[n + i]! * c1;
      return out;
    }
  }
  const out = target ?? new Float64Array(n);
  out.set(y);
  for (let j = 0; j < k; j++) {
    const c = coef[j] as number;
    if (Number.isNaN(c) || c === 0) continue;
    const offset = j * n;
    for (let i = 0; i < n; i++) out[i] = out[i]! - X[offset + i]! * c;
  }
  return out;
}

/**
 * r = y − x₀c₀ − x₁c₁ over rows 0 … m − 1 of a two-column X with n rows (r may be y's own array:
 * each row reads y before writing r), and g = Xᵀr in row order.
 */
function residualsAndGradient2(X: Float64Array, n: number, m: number, y: Float64Array, coef: Float64Array, residuals: Float64Array, g: Float64Array): void {
  const c0 = coef[0]!;
  const c1 = coef[1]!;
  let g0 = 0;
  let g1 = 0;
  for (let i = 0; i < m; i++) {
    const x0 = X[i]!;
    const x1 = X[n + i]!;
    const e = y[i]! - x0 * c0 - x1 * c1;
    residuals[i] = e;
    g0 += x0 * e;
    g1 += x1 * e;
  }
  g[0] = g0;
  g[1] = g1;
}

/** r −= x₀δ₀ + x₁δ₁ (as r − x₀δ₀ − x₁δ₁) over rows 0 … m − 1 of a two-column X with n rows; returns Σr² in row order. */
function correctResiduals2(X: Float64Array, n: number, m: number, delta: Float64Array, residuals: Float64Array): number {
  const d0 = delta[0]!;
  const d1 = delta[1]!;
  let rss = 0;
  for (let i = 0; i < m; i++) {
    const e = residuals[i]! - X[i]! * d0 - X[n + i]! * d1;
    residuals[i] = e;
    rss += e * e;
  }
  return rss;
}
