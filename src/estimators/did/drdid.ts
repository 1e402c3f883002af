/**
 * 2×2 difference-in-differences with influence functions — what the panel and repeated
 * cross-section estimators share: the method names, the input and output shapes, the weight
 * normalisation and the outcome-regression pieces.
 *
 * The estimators reimplement DRDID 1.2 (https://github.com/pedrohcgs/DRDID/tree/master/R), which
 * did::att_gt calls for `est_method = "reg" | "ipw" | "dr"`: outcome regression (Heckman,
 * Ichimura & Todd 1997), standardised inverse-probability weighting (Abadie 2005) and the locally
 * efficient doubly robust estimator (Sant'Anna & Zhao 2020, J. Econometrics 219(1)); panel data
 * in `drdidPanel.ts` (ΔY = Y₁ − Y₀), repeated cross-sections in `drdidRc.ts`, the propensity
 * score in `drdidPropensity.ts`. Same normalisation of the sampling weights to mean 1 as DRDID,
 * same influence-function terms for the estimated nuisance parameters; ψ is scaled as DRDID's
 * `att.inf.func`: se = sqrt(Σψ²)/n.
 *
 * Design matrices X are column-major n×k (n = rows of the 2×2 sample, k = columns including the
 * intercept).
 */
import { CausalPanelError } from '../../errors.js';
import { invertSymmetric } from '../../numerics/cholesky.js';
import { crossprod, crossprodVector } from '../../numerics/matrix.js';
import type { PropensityFit } from './drdidPropensity.js';

/**
 * The three 2×2 estimators: doubly robust, inverse-probability weighting, outcome regression.
 * @example attgt({ ...cs, method: 'ipw' satisfies DidMethod });
 */
export type DidMethod = 'dr' | 'ipw' | 'reg';

/** A 2×2 ATT with its influence function (one entry per observation of the 2×2 sample). */
export interface TwoByTwo {
  att: number;
  influence: Float64Array;
}

/** What the panel and repeated-cross-section 2×2 inputs share. */
export interface TwoByTwoInputBase {
  /** Treatment-group indicator (0/1). */
  D: Float64Array;
  /** n×k column-major design with intercept. */
  X: Float64Array;
  k: number;
  /** Sampling weights (normalised to mean 1 inside); all 1 when absent. */
  weights?: Float64Array;
  method: DidMethod;
  /** A propensity fit for exactly this sample and weights (reused across cells). */
  propensity?: PropensityFit;
}

const FN = 'drdid';

/**
 * Weights divided by their mean (DRDID: `i.weights / mean(i.weights)`); all ones when absent.
 *
 * @throws {CausalPanelError} `invalid_option` for a negative weight or a non-positive mean
 * @example
 * normalizeWeights(Float64Array.of(1, 3), 2); // Float64Array [0.5, 1.5]
 */
export function normalizeWeights(weights: ArrayLike<number> | undefined, n: number, into?: Float64Array): Float64Array {
  // `into` (length n) is overwritten entirely: a reused buffer gives the same values
  const out = into ?? new Float64Array(n);
  if (!weights) return out.fill(1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0)) throw new CausalPanelError('invalid_option', `${FN}: weights must be non-negative (row ${i + 1}: ${w})`, { fn: FN, row: i, value: w });
    sum += w;
  }
  const mean = sum / n;
  if (!(mean > 0)) throw new CausalPanelError('invalid_option', `${FN}: weights must have a positive mean (${mean})`, { fn: FN, value: mean });
  for (let i = 0; i < n; i++) out[i] = weights[i]! / mean;
  return out;
}

/** Σ D, its loop alone in a function (docs/numerics.md, attgt). */
function sumOf(D: Float64Array): number {
  let t = 0;
  for (let i = 0; i < D.length; i++) t += D[i]!;
  return t;
}

/**
 * Checks that the 2×2 sample has treated (D = 1) and control (D = 0) rows.
 *
 * @throws {CausalPanelError} `no_treated_units`, `no_control_units`
 * @example
 * checkGroups(Float64Array.of(1, 0), 'drdidPanel'); // passes
 * checkGroups(Float64Array.of(0, 0), 'drdidPanel'); // throws no_treated_units
 */
export function checkGroups(D: Float64Array, fn: string): void {
  const t = sumOf(D);
  if (t === 0) throw new CausalPanelError('no_treated_units', `${fn}: no treated units in the 2×2 sample`, { fn });
  if (t === D.length) throw new CausalPanelError('no_control_units', `${fn}: no control units in the 2×2 sample`, { fn });
}

/**
 * DRDID stops when rcond(XᵀWX) < machine epsilon; here a zero diagonal stops, and the Cholesky
 * inversion that follows rejects the rest.
 *
 * @throws {CausalPanelError} `singular_design`
 * @example
 * checkConditioning(Float64Array.of(0), 1); // throws singular_design
 */
export function checkConditioning(xpx: Float64Array, k: number): void {
  let maxDiag = 0;
  for (let j = 0; j < k; j++) maxDiag = Math.max(maxDiag, Math.abs(xpx[j + j * k]!));
  if (!(maxDiag > 0)) {
    throw new CausalPanelError('singular_design', `${FN}: the outcome regression has no observations or no variation`, { fn: FN });
  }
}

/**
 * Weighted least squares on the rows with weight > 0, in DRDID's scaling: β and (XᵀWX/n)⁻¹, the
 * sums over the weighted rows and n the full sample size.
 *
 * @throws {CausalPanelError} `singular_design`
 * @example
 * wls(Float64Array.of(1, 1, 1), 3, 1, Float64Array.of(1, 2, 9), Float64Array.of(1, 1, 0)).beta; // ≈ [1.5] (the mean of the weighted rows)
 */
export function wls(X: Float64Array, n: number, k: number, y: Float64Array, rowWeight: Float64Array): { beta: Float64Array; xpxInv: Float64Array } {
  const xpx = crossprod(X, n, k, rowWeight);
  const xty = crossprodVector(X, n, k, y, rowWeight);
  for (let j = 0; j < k * k; j++) xpx[j] = xpx[j]! / n;
  for (let a = 0; a < k; a++) xty[a] = xty[a]! / n;
  checkConditioning(xpx, k);
  const xpxInv = invertSymmetric(xpx, k, FN);
  const beta = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += xpxInv[a + b * k]! * xty[b]!;
    beta[a] = s;
  }
  return { beta, xpxInv };
}

/**
 * Σ over the controls (D = 0) of w·x xᵀ/n and w·x·ΔY/n into `xpx` (k×k, symmetric) and `xty`,
 * both zeroed by the caller.
 *
 * @example
 * const xpx = new Float64Array(1), xty = new Float64Array(1);
 * controlCrossproducts(Float64Array.of(5, 1, 3), Float64Array.of(1, 0, 0), Float64Array.of(1, 1, 1), 1, Float64Array.of(1, 1, 1), 3, xpx, xty);
 * // xpx = [2/3], xty = [4/3]
 */
export function controlCrossproducts(deltaY: Float64Array, D: Float64Array, X: Float64Array, k: number, w: Float64Array, n: number, xpx: Float64Array, xty: Float64Array): void {
  controlCrossproductSums(deltaY, D, X, k, w, n, xpx, xty);
  for (let a = 0; a < k; a++) {
    xty[a] = xty[a]! / n;
    for (let b = a; b < k; b++) {
      const v = xpx[a + b * k]! / n;
      xpx[a + b * k] = v;
      xpx[b + a * k] = v;
    }
  }
}

/** The row loop of {@link controlCrossproducts}, alone in its function (docs/numerics.md, attgt). */
function controlCrossproductSums(deltaY: Float64Array, D: Float64Array, X: Float64Array, k: number, w: Float64Array, n: number, xpx: Float64Array, xty: Float64Array): void {
  if (k <= 3) {
    controlCrossproductsNarrow(deltaY, D, X, k, w, n, xpx, xty);
    return;
  }
  for (let i = 0; i < n; i++) {
    if (D[i] === 1) continue;
    const wi = w[i]!;
    const dy = deltaY[i]!;
    for (let a = 0; a < k; a++) {
      const xa = wi * X[i + a * n]!;
      xty[a] += xa * dy;
      for (let b = a; b < k; b++) xpx[a + b * k] += xa * X[i + b * n]!;
    }
  }
}

/**
 * {@link controlCrossproductSums} for k ≤ 3: the same products (w·x_a)·x_b and (w·x_a)·ΔY, each
 * summed in row order from the caller's value, in scalars.
 */
function controlCrossproductsNarrow(deltaY: Float64Array, D: Float64Array, X: Float64Array, k: number, w: Float64Array, n: number, xpx: Float64Array, xty: Float64Array): void {
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  let y0 = xty[0]!;
  let y1 = k > 1 ? xty[1]! : 0;
  let y2 = k > 2 ? xty[2]! : 0;
  let p00 = xpx[0]!;
  let p01 = k > 1 ? xpx[k]! : 0;
  let p11 = k > 1 ? xpx[1 + k]! : 0;
  let p02 = k > 2 ? xpx[2 * k]! : 0;
  let p12 = k > 2 ? xpx[1 + 2 * k]! : 0;
  let p22 = k > 2 ? xpx[2 + 2 * k]! : 0;
  for (let i = 0; i < n; i++) {
    if (D[i] === 1) continue;
    const wi = w[i]!;
    const dy = deltaY[i]!;
    const x0 = X[i]!;
    const x1 = k > 1 ? X[o1 + i]! : 0;
    const x2 = k > 2 ? X[o2 + i]! : 0;
    const a0 = wi * x0;
    y0 += a0 * dy;
    p00 += a0 * x0;
    if (k > 1) {
      const a1 = wi * x1;
      p01 += a0 * x1;
      y1 += a1 * dy;
      p11 += a1 * x1;
      if (k > 2) {
        const a2 = wi * x2;
        p02 += a0 * x2;
        p12 += a1 * x2;
        y2 += a2 * dy;
        p22 += a2 * x2;
      }
    }
  }
  xty[0] = y0;
  xpx[0] = p00;
  if (k > 1) {
    xty[1] = y1;
    xpx[k] = p01;
    xpx[1 + k] = p11;
  }
  if (k > 2) {
    xty[2] = y2;
    xpx[2 * k] = p02;
    xpx[1 + 2 * k] = p12;
    xpx[2 + 2 * k] = p22;
  }
}

/**
 * (XᵀWX/n)⁻¹ over the control rows (D = 0) of a 2×2 sample, DRDID's `XpX.inv` for the outcome
 * regression; reusable for every 2×2 on the same sample (it does not involve the outcome).
 *
 * @throws {CausalPanelError} `singular_design` when the control design is not of full rank
 * @example
 * controlXpxInverse(Float64Array.of(1, 1, 1), Float64Array.of(1, 0, 0), 1, undefined)[0]; // ≈ 1.5 (= 3/2, to rounding)
 */
export function controlXpxInverse(X: Float64Array, D: Float64Array, k: number, weights: Float64Array | undefined, normalized?: Float64Array): Float64Array {
  const n = D.length;
  // `normalized`: the caller's normalizeWeights(weights, n) (or ones), the same values
  const w = normalized ?? (weights ? normalizeWeights(weights, n) : new Float64Array(n).fill(1));
  const xpx = new Float64Array(k * k);
  // Σ x·ΔY is discarded here: D stands in for ΔY (finite, n long; XᵀWX does not read it)
  controlCrossproducts(D, D, X, k, w, n, xpx, new Float64Array(k));
  checkConditioning(xpx, k);
  return invertSymmetric(xpx, k, FN);
}
