/**
 * Least squares through the normal equations with fixest's collinearity rule, for tall designs.
 *
 * fixest solves feols by a Cholesky factorisation of XᵀWX (`cpp_cholesky`), dropping a column
 * when its pivot, relative to its diagonal, falls below `collin.tol` (1e-10). For n in the
 * millions and few columns this is several times faster than Householder QR (one pass builds
 * XᵀWX), and one step of iterative refinement (β += (XᵀWX)⁻¹Xᵀ W(y − Xβ)) recovers the digits
 * that forming XᵀWX loses for well-conditioned designs (Higham 2002, §20.5). No model calls it
 * any more: `feols` uses `leastSquares` (pivoted Householder QR, with a streaming TSQR path for
 * tall designs that is as fast and more accurate; docs/numerics.md, "Performance"). Kept as
 * fixest's route, for comparison and tests.
 *
 * Dimension symbols: n = rows, k = columns, r = rank.
 */
import { CausalPanelError } from '../errors.js';

/** Result of {@link normalEquationsFit}; same fields as `leastSquares` uses in `feols`. */
export interface NormalEquationsResult {
  /** Coefficients, length k; NaN for dropped columns. */
  coef: Float64Array;
  /** Indices of kept columns, increasing. */
  kept: Int32Array;
  /** Indices of dropped (collinear) columns, increasing. */
  dropped: Int32Array;
  rank: number;
  /** y − Xβ, length n. */
  residuals: Float64Array;
  /** (XᵀWX)⁻¹ over the kept columns (r×r, column-major). */
  xtxInverse: Float64Array;
  /** Σ wᵢ eᵢ². */
  rss: number;
}

/**
 * Weighted least squares by Cholesky of XᵀWX with fixest's collinearity rule and one step of
 * iterative refinement.
 *
 * @param tolerance relative pivot below which a column is collinear (fixest `collin.tol`, 1e-10)
 * @throws {CausalPanelError} `invalid_option` on mismatched lengths
 * @example
 * normalEquationsFit(Float64Array.of(1, 1, 1, 1, 1, 2, 3, 4), 4, 2, Float64Array.of(3, 5, 7, 9.5)).coef;
 * // Float64Array [0.75, 2.15] (R: coef(lm(y ~ x)))
 */
export function normalEquationsFit(
  X: Float64Array | readonly Float64Array[],
  n: number,
  k: number,
  y: Float64Array,
  weights?: Float64Array,
  tolerance = 1e-10,
): NormalEquationsResult {
  const columns: Float64Array[] = Array.isArray(X) ? [...(X as readonly Float64Array[])] : Array.from({ length: k }, (_, j) => (X as Float64Array).subarray(j * n, (j + 1) * n));
  if (columns.length !== k || columns.some((c) => c.length !== n) || y.length !== n) {
    throw new CausalPanelError('invalid_option', `normalEquationsFit: X and y do not match n = ${n}, k = ${k}`, { fn: 'normalEquationsFit' });
  }
  // XᵀWX and XᵀWy. Two columns at a time: each pass reads a pair of columns, y and w once.
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  crossproducts(columns, y, weights, n, xtx, xty);
  // Cholesky, column by column; a column whose pivot is tiny relative to its diagonal is dropped.
  const L = new Float64Array(k * k);
  const keptList: number[] = [];
  const droppedList: number[] = [];
  for (let j = 0; j < k; j++) {
    let d = xtx[j + j * k]!;
    for (const l of keptList) d -= L[j + l * k]! * L[j + l * k]!;
    if (!(d > tolerance * xtx[j + j * k]!) || xtx[j + j * k]! === 0) {
      droppedList.push(j);
      continue;
    }
    const root = Math.sqrt(d);
    L[j + j * k] = root;
    for (let i = j + 1; i < k; i++) {
      let s = xtx[i + j * k]!;
      for (const l of keptList) s -= L[i + l * k]! * L[j + l * k]!;
      L[i + j * k] = s / root;
    }
    keptList.push(j);
  }
  const r = keptList.length;
  // Inverse over the kept columns: (LLᵀ)⁻¹ = L⁻ᵀL⁻¹, via the compact r×r factor.
  const Lr = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = 0; b <= a; b++) Lr[a + b * r] = L[keptList[a]! + keptList[b]! * k]!;
  const Linv = new Float64Array(r * r);
  for (let c = 0; c < r; c++) {
    Linv[c + c * r] = 1 / Lr[c + c * r]!;
    for (let i = c + 1; i < r; i++) {
      let s = 0;
      for (let l = c; l < i; l++) s -= Lr[i + l * r]! * Linv[l + c * r]!;
      Linv[i + c * r] = s / Lr[i + i * r]!;
    }
  }
  const inverse = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let l = a; l < r; l++) s += Linv[l + a * r]! * Linv[l + b * r]!;
      inverse[a + b * r] = s;
      inverse[b + a * r] = s;
    }
  }
  const kept = keptList.map((j) => columns[j]!);
  const beta = new Float64Array(r);
  for (let a = 0; a < r; a++) {
    let s = 0;
    for (let b = 0; b < r; b++) s += inverse[a + b * r]! * xty[keptList[b]!]!;
    beta[a] = s;
  }
  // One refinement step: residuals e = y − Xβ and Xᵀ W e in a single fused pass per column.
  const residuals = Float64Array.from(y);
  subtractFit(residuals, kept, beta, n);
  const rhs = new Float64Array(r);
  for (let a = 0; a < r; a++) {
    const ca = kept[a]!;
    let s = 0;
    if (weights === undefined) for (let i = 0; i < n; i++) s += ca[i]! * residuals[i]!;
    else for (let i = 0; i < n; i++) s += ca[i]! * residuals[i]! * weights[i]!;
    rhs[a] = s;
  }
  const delta = new Float64Array(r);
  for (let a = 0; a < r; a++) {
    let s = 0;
    for (let b = 0; b < r; b++) s += inverse[a + b * r]! * rhs[b]!;
    delta[a] = s;
    beta[a]! += s;
  }
  // The residuals move by −Xδ.
  subtractFit(residuals, kept, delta, n);
  let rss = 0;
  if (weights === undefined) for (let i = 0; i < n; i++) rss += residuals[i]! * residuals[i]!;
  else for (let i = 0; i < n; i++) rss += weights[i]! * residuals[i]! * residuals[i]!;
  const coef = new Float64Array(k).fill(NaN);
  keptList.forEach((j, a) => (coef[j] = beta[a]!));
  return { coef, kept: Int32Array.from(keptList), dropped: Int32Array.from(droppedList), rank: r, residuals, xtxInverse: inverse, rss };
}

/** Fills XᵀWX (k×k) and XᵀWy, pairing columns so that each pass over the rows does 3–5 products. */
function crossproducts(columns: readonly Float64Array[], y: Float64Array, weights: Float64Array | undefined, n: number, xtx: Float64Array, xty: Float64Array): void {
  const k = columns.length;
  for (let a = 0; a < k; a += 2) {
    const ca = columns[a]!;
    const cb = a + 1 < k ? columns[a + 1]! : null;
    // Diagonal block (a, a+1) with Xᵀy.
    let saa = 0;
    let sab = 0;
    let sbb = 0;
    let say = 0;
    let sby = 0;
    if (cb !== null) {
      if (weights === undefined) {
        for (let i = 0; i < n; i++) {
          const xa = ca[i]!;
          const xb = cb[i]!;
          const yi = y[i]!;
          saa += xa * xa;
          sab += xa * xb;
          sbb += xb * xb;
          say += xa * yi;
          sby += xb * yi;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const w = weights[i]!;
          const xa = ca[i]! * w;
          const xb = cb[i]!;
          const yi = y[i]!;
          saa += xa * ca[i]!;
          sab += xa * xb;
          sbb += xb * xb * w;
          say += xa * yi;
          sby += xb * w * yi;
        }
      }
      xtx[a + a * k] = saa;
      xtx[a + 1 + a * k] = sab;
      xtx[a + (a + 1) * k] = sab;
      xtx[a + 1 + (a + 1) * k] = sbb;
      xty[a] = say;
      xty[a + 1] = sby;
    } else {
      if (weights === undefined) {
        for (let i = 0; i < n; i++) {
          saa += ca[i]! * ca[i]!;
          say += ca[i]! * y[i]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const xa = ca[i]! * weights[i]!;
          saa += xa * ca[i]!;
          say += xa * y[i]!;
        }
      }
      xtx[a + a * k] = saa;
      xty[a] = say;
    }
    // Off-diagonal blocks with earlier columns.
    for (let b = 0; b < a; b++) {
      const cc = columns[b]!;
      for (const [j, cj] of cb === null ? ([[a, ca]] as const) : ([[a, ca], [a + 1, cb]] as const)) {
        let sum = 0;
        if (weights === undefined) for (let i = 0; i < n; i++) sum += cj[i]! * cc[i]!;
        else for (let i = 0; i < n; i++) sum += cj[i]! * cc[i]! * weights[i]!;
        xtx[j + b * k] = sum;
        xtx[b + j * k] = sum;
      }
    }
  }
}

/** e ← e − Σⱼ columnⱼ·bⱼ, two columns per pass. */
function subtractFit(residuals: Float64Array, columns: readonly Float64Array[], b: Float64Array, n: number): void {
  let j = 0;
  for (; j + 1 < columns.length; j += 2) {
    const c0 = columns[j]!;
    const c1 = columns[j + 1]!;
    const b0 = b[j]!;
    const b1 = b[j + 1]!;
    for (let i = 0; i < n; i++) residuals[i]! -= c0[i]! * b0 + c1[i]! * b1;
  }
  if (j < columns.length) {
    const c0 = columns[j]!;
    const b0 = b[j]!;
    for (let i = 0; i < n; i++) residuals[i]! -= c0[i]! * b0;
  }
}
