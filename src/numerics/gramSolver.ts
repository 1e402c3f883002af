/**
 * The weighted least-squares step of IRLS through the normal equations, for well-conditioned
 * designs: XᵀWX and XᵀWz accumulated in blocked sums by the row passes (`irlsPasses.ts`), the
 * Cholesky factor of the column-scaled Gram matrix, and one step of iterative refinement with the
 * residual z − Xb formed from X itself (Björck 1996, *Numerical Methods for Least Squares
 * Problems*, §2.9.3), which brings the solution to the accuracy of a QR solve.
 *
 * Gate (when `solve` declines, `irls` runs R's pivoted QR instead): every column's part
 * orthogonal to the others must be far above dqrdc2's tolerance (scaled pivot² > 1e-6) and the
 * condition bound ‖R_s‖_F‖R_s⁻¹‖_F ≤ 100, so that κ²ε ≤ 2e-12 for the inverse.
 * Blocked sums: error ~ (B + n/B)·ε instead of n·ε (B = 1024 rows).
 *
 * Dimension symbols: n = rows, k = coefficients.
 */

/** Rows per block of the blocked sums (error ~ (B + n/B)·ε instead of n·ε). */
export const BLOCK = 1024;
/** The Gram path is used while the scaled design's condition bound stays below this. */
const GRAM_CONDITION = 100;
/** Above this condition bound the final Gram solution is refined (κ²ε ≈ 2e-14 below it). */
export const REFINE_ABOVE = 10;

/**
 * Weighted least squares of z on X with weights W through the normal equations, for the
 * well-conditioned case only: XᵀWX and XᵀWz in blocked sums (filled by the row passes of
 * `irlsPasses.ts`), Cholesky of the column-scaled Gram matrix (unit diagonal, so its factor
 * R_s is the R of the column-scaled √W·X that dqrdc2 would produce, up to signs), and on request
 * one step of iterative refinement with the residual z − Xb formed from X itself (Björck 1996,
 * *Numerical Methods for Least Squares Problems*, §2.9.3), which brings the solution to the
 * accuracy of a QR solve. Gate: every column's part orthogonal to the others must be far above
 * dqrdc2's tolerance and the condition bound ‖R_s‖_F‖R_s⁻¹‖_F ≤ 100 (then κ²ε ≤ 2e-12 for the
 * inverse); otherwise `solve` returns null and the caller runs R's pivoted QR. No n×k copy,
 * against a QR that copies, scales and sweeps X k times and refines with compensated sums.
 *
 * @example
 * const X = Float64Array.of(1, 1, 1, 0, 1, 2); // n = 3 rows: (1, x), x = 0, 1, 2
 * const gram = new GramSolver(2);
 * gram.begin();
 * gram.accumulate(X, 3, Float64Array.of(1, 1, 1), Float64Array.of(1, 3, 5), 0, 3);
 * gram.solve(); // Float64Array [1, 2] (z = 1 + 2x)
 */
export class GramSolver {
  readonly kept: Int32Array;
  /** Condition bound ‖R_s‖_F‖R_s⁻¹‖_F of the last {@link GramSolver.solve}. */
  condition = NaN;
  /** When set, {@link GramSolver.accumulate} does nothing (passes whose XᵀWX is not needed). */
  idle = false;
  private readonly k: number;
  private readonly G: Float64Array;
  private readonly h: Float64Array;
  private readonly blockH: Float64Array;
  private readonly packed: Float64Array;
  private readonly Rs: Float64Array;
  private readonly RsInv: Float64Array;
  private readonly norms: Float64Array;

  constructor(k: number) {
    this.k = k;
    this.kept = Int32Array.from({ length: k }, (_, j) => j);
    this.G = new Float64Array(k * k);
    this.h = new Float64Array(k);
    this.blockH = new Float64Array(k);
    this.packed = new Float64Array((k * (k + 1)) / 2 + k);
    this.Rs = new Float64Array(k * k);
    this.RsInv = new Float64Array(k * k);
    this.norms = new Float64Array(k);
  }

  /**
   * Starts a new accumulation of XᵀWX and XᵀWz, either column-wise ({@link GramSolver.accumulate})
   * or row-wise into the returned packed block accumulator — for each column a: (x_a·x_0, …,
   * x_a·x_a, x_a·z) — added in by {@link GramSolver.flush}.
   */
  begin(): Float64Array {
    this.G.fill(0);
    this.h.fill(0);
    this.packed.fill(0);
    return this.packed;
  }

  /** Adds the packed block accumulator (see {@link GramSolver.begin}) and clears it. */
  flush(): void {
    const { k, G, h, packed } = this;
    let q = 0;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) G[b + a * k] = G[b + a * k]! + packed[q++]!;
      h[a] = h[a]! + packed[q++]!;
    }
    packed.fill(0);
  }

  /** Adds rows [start, end) (one block) to XᵀWX (upper triangle) and XᵀWz. */
  accumulate(X: Float64Array, n: number, W: Float64Array, z: Float64Array, start: number, end: number): void {
    if (this.idle) return;
    const { k, G, h } = this;
    // 2×2 tiles of XᵀWX (rows a, a + 1 against columns b, b + 1 share their loads; see
    // docs/numerics.md, Engine tuning). Every entry is still Σ (x_a·W)·x_b in row order.
    let a = 0;
    for (; a + 1 < k; a += 2) {
      const oa = a * n;
      const oa1 = oa + n;
      let s00 = 0;
      let s01 = 0;
      let s11 = 0;
      let h0 = 0;
      let h1 = 0;
      for (let i = start; i < end; i++) {
        const w = W[i]!;
        const xa = X[oa + i]!;
        const xa1 = X[oa1 + i]!;
        const wx0 = xa * w;
        const wx1 = xa1 * w;
        s00 += wx0 * xa;
        s01 += wx0 * xa1;
        s11 += wx1 * xa1;
        h0 += wx0 * z[i]!;
        h1 += wx1 * z[i]!;
      }
      G[a + a * k] = G[a + a * k]! + s00;
      G[a + (a + 1) * k] = G[a + (a + 1) * k]! + s01;
      G[a + 1 + (a + 1) * k] = G[a + 1 + (a + 1) * k]! + s11;
      h[a] = h[a]! + h0;
      h[a + 1] = h[a + 1]! + h1;
      let b = a + 2;
      for (; b + 1 < k; b += 2) {
        const ob = b * n;
        const ob1 = ob + n;
        let t00 = 0;
        let t01 = 0;
        let t10 = 0;
        let t11 = 0;
        for (let i = start; i < end; i++) {
          const w = W[i]!;
          const wx0 = X[oa + i]! * w;
          const wx1 = X[oa1 + i]! * w;
          const xb = X[ob + i]!;
          const xb1 = X[ob1 + i]!;
          t00 += wx0 * xb;
          t01 += wx0 * xb1;
          t10 += wx1 * xb;
          t11 += wx1 * xb1;
        }
        G[a + b * k] = G[a + b * k]! + t00;
        G[a + (b + 1) * k] = G[a + (b + 1) * k]! + t01;
        G[a + 1 + b * k] = G[a + 1 + b * k]! + t10;
        G[a + 1 + (b + 1) * k] = G[a + 1 + (b + 1) * k]! + t11;
      }
      if (b < k) {
        const ob = b * n;
        let t0 = 0;
        let t1 = 0;
        for (let i = start; i < end; i++) {
          const w = W[i]!;
          const xb = X[ob + i]!;
          t0 += X[oa + i]! * w * xb;
          t1 += X[oa1 + i]! * w * xb;
        }
        G[a + b * k] = G[a + b * k]! + t0;
        G[a + 1 + b * k] = G[a + 1 + b * k]! + t1;
      }
    }
    if (a < k) {
      // last row of an odd k: its diagonal entry and h
      const oa = a * n;
      let s00 = 0;
      let h0 = 0;
      for (let i = start; i < end; i++) {
        const wx = X[oa + i]! * W[i]!;
        s00 += wx * X[oa + i]!;
        h0 += wx * z[i]!;
      }
      G[a + a * k] = G[a + a * k]! + s00;
      h[a] = h[a]! + h0;
    }
  }

  /**
   * b = argmin Σ W(z − Xb)² (length k) from the accumulated XᵀWX and XᵀWz by the Cholesky factor
   * of the scaled Gram matrix, or null when the gate fails (see the class comment). The factor is
   * kept for {@link GramSolver.refine} and {@link GramSolver.inverse}.
   */
  solve(): Float64Array | null {
    const { k, G, h, Rs, RsInv, norms } = this;
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) G[b + a * k] = G[a + b * k]!;
    for (let j = 0; j < k; j++) {
      const ss = G[j + j * k]!;
      if (!(ss > 1e-290 && ss < 1e290)) return null;
      norms[j] = Math.sqrt(ss);
    }
    // Cholesky G_s = R_sᵀR_s of the scaled Gram matrix (upper R_s).
    Rs.fill(0);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i <= j; i++) {
        let sum = G[i + j * k]! / (norms[i]! * norms[j]!);
        for (let q = 0; q < i; q++) sum -= Rs[q + i * k]! * Rs[q + j * k]!;
        if (i < j) {
          Rs[i + j * k] = sum / Rs[i + i * k]!;
        } else {
          // dqrdc2 would drop (or nearly drop) this column: leave it to the QR.
          if (!(sum > 1e-6)) return null;
          Rs[j + j * k] = Math.sqrt(sum);
        }
      }
    }
    RsInv.fill(0);
    let normR = 0;
    let normInv = 0;
    for (let j = 0; j < k; j++) {
      RsInv[j + j * k] = 1 / Rs[j + j * k]!;
      for (let i = j - 1; i >= 0; i--) {
        let sum = 0;
        for (let q = i + 1; q <= j; q++) sum += Rs[i + q * k]! * RsInv[q + j * k]!;
        RsInv[i + j * k] = -sum / Rs[i + i * k]!;
      }
      for (let i = 0; i <= j; i++) {
        normR += Rs[i + j * k]! ** 2;
        normInv += RsInv[i + j * k]! ** 2;
      }
    }
    this.condition = Math.sqrt(normR * normInv);
    if (!(this.condition <= GRAM_CONDITION)) return null;
    const coef = new Float64Array(k);
    this.apply(h, coef);
    return coef;
  }

  /**
   * One step of iterative refinement of a solution of the last {@link GramSolver.solve}:
   * g = XᵀW(z − Xb) from X itself, b += (XᵀWX)⁻¹g (in place). Returns whether b changed.
   */
  refine(X: Float64Array, n: number, W: Float64Array, z: Float64Array, coef: Float64Array): boolean {
    const { k, h } = this;
    this.residualCrossproduct(X, n, W, z, coef);
    const delta = new Float64Array(k);
    this.apply(h, delta);
    let changed = false;
    for (let j = 0; j < k; j++) {
      if (delta[j] !== 0) changed = true;
      coef[j] = coef[j]! + delta[j]!;
    }
    return changed;
  }

  /** (XᵀWX)⁻¹ of the last successful solve: diag(1/‖x‖)·R_s⁻¹R_s⁻ᵀ·diag(1/‖x‖). */
  inverse(): Float64Array {
    const { k, RsInv, norms } = this;
    const out = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let sum = 0;
        for (let q = b; q < k; q++) sum += RsInv[a + q * k]! * RsInv[b + q * k]!;
        const v = sum / (norms[a]! * norms[b]!);
        out[a + b * k] = v;
        out[b + a * k] = v;
      }
    }
    return out;
  }

  /** out = diag(1/‖x‖)·R_s⁻¹R_s⁻ᵀ·diag(1/‖x‖)·g. */
  private apply(g: Float64Array, out: Float64Array): void {
    const { k, RsInv, norms } = this;
    const t = new Float64Array(k);
    for (let q = 0; q < k; q++) {
      let sum = 0;
      for (let i = 0; i <= q; i++) sum += RsInv[i + q * k]! * (g[i]! / norms[i]!);
      t[q] = sum; // R_s⁻ᵀ g_s
    }
    for (let a = 0; a < k; a++) {
      let sum = 0;
      for (let q = a; q < k; q++) sum += RsInv[a + q * k]! * t[q]!;
      out[a] = sum / norms[a]!;
    }
  }

  /** h = XᵀW(z − X·coef), in blocked sums. */
  private residualCrossproduct(X: Float64Array, n: number, W: Float64Array, z: Float64Array, coef: Float64Array): void {
    const { k, h, blockH } = this;
    h.fill(0);
    for (let start = 0; start < n; start += BLOCK) {
      const end = Math.min(n, start + BLOCK);
      blockH.fill(0);
      for (let i = start; i < end; i++) {
        let r = z[i]!;
        for (let a = 0; a < k; a++) r -= X[a * n + i]! * coef[a]!;
        const wr = W[i]! * r;
        for (let a = 0; a < k; a++) blockH[a] = blockH[a]! + X[a * n + i]! * wr;
      }
      for (let a = 0; a < k; a++) h[a] = h[a]! + blockH[a]!;
    }
  }
}
