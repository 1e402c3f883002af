/**
 * Householder QR with *limited* column pivoting, as LINPACK `dqrdc2` (the routine behind R's
 * `lm`, `qr(LAPACK = FALSE)`; R source `src/appl/dqrdc2.f`, after Dongarra et al., LINPACK
 * Users' Guide, 1979, ch. 9).
 *
 * Algorithm: the columns are first scaled to unit 2-norm (this does not change which columns are
 * dropped, since the test below is relative to each column's own norm, but it balances the
 * triangular factor and improves the accuracy of the inverse). At step l, while the norm of the
 * part of column l not yet explained by columns 0..l−1 is below `tolerance` × its original norm,
 * that column is moved to the end and the later columns shift left. So of two collinear columns
 * the LATER one is dropped, exactly as R reports `NA` for it. The reflection for column l is
 * H = I − vvᵀ/v₁ stored LINPACK style (v in the sub-diagonal of column l, v₁ in `qraux`).
 * Remaining column norms are recomputed exactly at every step (R downdates them, and recomputes
 * when cancellation exceeds 1e-6; the decisions coincide except at the tolerance boundary).
 *
 * Solutions are refined by Björck's augmented-system iteration with residuals from
 * `accurateResiduals.ts`; the one-pass R factor of tall designs is `streamingR.ts`.
 *
 * Dimension symbols: n = rows, k = columns, r = rank.
 */
import { CausalPanelError } from '../errors.js';
import { accurateDot, accurateResiduals, accurateResidualsSplit } from './accurateResiduals.js';

/** Options for {@link PivotedQR}. */
export interface PivotedQROptions {
  /** Rank tolerance relative to each column's norm, R's `lm(tol = 1e-7)`. */
  tolerance?: number;
}

/**
 * Pivoted Householder QR decomposition X·P = Q·R of an n×k column-major matrix.
 *
 * @throws {CausalPanelError} `non_finite` if X holds NaN or ±Infinity
 * @example
 * // Third column duplicates the second → dropped (R: NA for the later column)
 * const X = Float64Array.of(1, 1, 1, 1,  1, 2, 3, 4,  2, 4, 6, 8);
 * const qr = new PivotedQR(X, 4, 3);
 * qr.rank;   // 2
 * qr.kept;   // Int32Array [0, 1]
 * qr.solve(Float64Array.of(3, 5, 7, 9)); // Float64Array [1, 2, NaN]
 */
export class PivotedQR {
  /** Rows. */
  readonly n: number;
  /** Columns. */
  readonly k: number;
  /** Numerical rank r. */
  readonly rank: number;
  /** Original column index at each pivoted position (length k; the first r are kept). */
  readonly pivot: Int32Array;
  /** Original indices of the kept columns, in their original order (= pivot[0..r)). */
  readonly kept: Int32Array;
  /** Original indices of the dropped (collinear) columns, in original order. */
  readonly dropped: Int32Array;
  /** 2-norms of the original columns (the scaling applied before factorising). */
  readonly columnNorms: Float64Array;
  /** Compact factor of the scaled matrix: R on and above the diagonal, Householder vectors below. */
  private readonly factor: Float64Array;
  private readonly qraux: Float64Array;
  /** The caller's matrix, kept by reference (never written) for residual refinement. */
  private readonly original: Float64Array;
  private scaledRInverse: Float64Array | null = null;
  /** Whether the last refined {@link PivotedQR.solve} converged (true when it did not refine). */
  lastRefinementConverged = true;

  /**
   * Factorises X (n×k, column-major). X is not modified; it is kept by reference for
   * {@link PivotedQR.solve}'s iterative refinement, so do not mutate it while the QR is in use.
   */
  constructor(X: Float64Array, n: number, k: number, options: PivotedQROptions = {}) {
    const { tolerance = 1e-7 } = options;
    this.n = n;
    this.k = k;
    this.original = X;
    const a = new Float64Array(n * k);
    const norms = new Float64Array(k);
    // tail[j]: Σ_{i ≥ l} a[i, j]² of the column now at position j, valid for the coming step l
    // (NaN = unknown). The scaling pass and each update pass produce it for free, which saves
    // the norm pass of the next step; the sums run in the same order, so the value is the same.
    const tail = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const offset = j * n;
      const norm = robustNorm(X, offset, n);
      if (!Number.isFinite(norm)) {
        throw new CausalPanelError('non_finite', `PivotedQR: column ${j} has non-finite values (norm ${norm})`, { fn: 'PivotedQR', value: norm });
      }
      norms[j] = norm;
      const scale = norm > 0 ? 1 / norm : 1;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const v = (X[offset + i] as number) * scale;
        a[offset + i] = v;
        ss += v * v;
      }
      tail[j] = ss;
    }
    this.columnNorms = norms;
    const pivot = new Int32Array(k);
    for (let j = 0; j < k; j++) pivot[j] = j;
    // After scaling every non-zero column has norm 1; a zero column has reference norm 1 so it is
    // always dropped (R's work(j,2) = 1 when the norm is 0).
    const qraux = new Float64Array(k);
    const remaining = new Float64Array(k);
    for (let j = 0; j < k; j++) remaining[j] = norms[j]! > 0 ? 1 : 0;
    const steps = Math.min(n, k);
    let last = k; // columns [last, k) have been moved to the end as negligible
    let column: Float64Array | null = null; // scratch for cycling a column (rare)
    const dots = new Float64Array(k);
    for (let l = 0; l < steps; l++) {
      // Cycle negligible columns to the end (dqrdc2's label 80 loop).
      while (l < last && !(remaining[l]! >= tolerance)) {
        column ??= new Float64Array(n);
        column.set(a.subarray(l * n, (l + 1) * n));
        a.copyWithin(l * n, (l + 1) * n, k * n);
        a.set(column, (k - 1) * n);
        const p = pivot[l]!;
        const rem = remaining[l]!;
        pivot.copyWithin(l, l + 1, k);
        remaining.copyWithin(l, l + 1, k);
        pivot[k - 1] = p;
        remaining[k - 1] = rem;
        tail.fill(NaN); // rare: recompute norms rather than track the moves
        last--;
      }
      if (l === n - 1) break; // nothing below the diagonal to annihilate (dqrdc2: l == n)
      const offsetL = l * n;
      let nrmxl = tail[l]!;
      if (Number.isNaN(nrmxl)) {
        nrmxl = 0;
        for (let i = l; i < n; i++) nrmxl += a[offsetL + i]! * a[offsetL + i]!;
      }
      nrmxl = Math.sqrt(nrmxl);
      if (nrmxl === 0) continue;
      if (a[offsetL + l]! !== 0) nrmxl = a[offsetL + l]! < 0 ? -nrmxl : nrmxl;
      const inv = 1 / nrmxl;
      // Scale column l into the Householder vector and, in the same pass, form its dot products
      // with the later columns (each sum in row order, as separate passes would).
      a[offsetL + l] = 1 + a[offsetL + l]! * inv;
      const v1 = a[offsetL + l]!;
      const later = k - l - 1;
      if (later === 0) {
        for (let i = l + 1; i < n; i++) a[offsetL + i] = a[offsetL + i]! * inv;
      } else if (later === 1) {
        const offsetJ = offsetL + n;
        let dot = v1 * a[offsetJ + l]!;
        for (let i = l + 1; i < n; i++) {
          const v = a[offsetL + i]! * inv;
          a[offsetL + i] = v;
          dot += v * a[offsetJ + i]!;
        }
        dots[l + 1] = dot;
      } else {
        for (let j = l + 1; j < k; j++) dots[j] = v1 * a[j * n + l]!;
        for (let i = l + 1; i < n; i++) {
          const v = a[offsetL + i]! * inv;
          a[offsetL + i] = v;
          for (let j = l + 1; j < k; j++) dots[j] = dots[j]! + v * a[j * n + i]!;
        }
      }
      for (let j = l + 1; j < k; j++) {
        const offsetJ = j * n;
        const t = -dots[j]! / v1;
        a[offsetJ + l] = a[offsetJ + l]! + t * v1;
        let sumSquares = 0;
        for (let i = l + 1; i < n; i++) {
          const value = a[offsetJ + i]! + t * a[offsetL + i]!;
          a[offsetJ + i] = value;
          sumSquares += value * value;
        }
        tail[j] = sumSquares; // = Σ_{i ≥ l+1}: the norm² of step l + 1 if column j is next
        // Norm of the part of column j orthogonal to columns 0..l (relative to its original norm 1).
        if (remaining[j]! > 0) remaining[j] = Math.sqrt(sumSquares);
      }
      qraux[l] = v1;
      a[offsetL + l] = -nrmxl;
    }
    const rank = Math.min(last, n);
    this.rank = rank;
    this.pivot = pivot;
    this.factor = a;
    this.qraux = qraux;
    this.kept = pivot.slice(0, rank);
    this.dropped = pivot.slice(rank).sort();
  }

  /**
   * Applies Qᵀ to a copy of y (length n) and returns it; `out` (length n), when given, receives
   * the copy instead of a new array (it may be y itself).
   */
  qty(y: ArrayLike<number>, out: Float64Array = new Float64Array(this.n)): Float64Array {
    const { n, factor: a, qraux } = this;
    if (out !== y) out.set(y);
    const steps = Math.min(this.rank, n - 1);
    // Reflection l's update pass also accumulates reflection l + 1's dot product (rows > l + 1
    // are final once updated), so the reflections cost one pass each instead of two. Every sum
    // runs in row order, exactly as in the two-pass form.
    let dot = NaN; // dot product of the next reflection, when already formed
    for (let l = 0; l < steps; l++) {
      const v1 = qraux[l]!;
      if (v1 === 0) {
        dot = NaN;
        continue;
      }
      const offsetL = l * n;
      if (Number.isNaN(dot)) {
        dot = v1 * out[l]!;
        for (let i = l + 1; i < n; i++) dot += a[offsetL + i]! * out[i]!;
      }
      const t = -dot / v1;
      out[l] = out[l]! + t * v1;
      const next = l + 1 < steps ? qraux[l + 1]! : 0;
      if (next === 0 || l + 1 >= n) {
        for (let i = l + 1; i < n; i++) out[i] = out[i]! + t * a[offsetL + i]!;
        dot = NaN;
      } else {
        const offsetN = offsetL + n;
        const first = out[l + 1]! + t * a[offsetL + l + 1]!;
        out[l + 1] = first;
        let nextDot = next * first;
        for (let i = l + 2; i < n; i++) {
          const v = out[i]! + t * a[offsetL + i]!;
          out[i] = v;
          nextDot += a[offsetN + i]! * v;
        }
        dot = nextDot;
      }
    }
    return out;
  }

  /** Least-squares coefficients of the scaled, pivoted problem (length r), no refinement. */
  private solveScaled(y: ArrayLike<number>, work?: Float64Array): Float64Array {
    const { n, rank: r, factor: a } = this;
    const qty = this.qty(y, work);
    const b = new Float64Array(r);
    for (let i = r - 1; i >= 0; i--) {
      let sum = qty[i]!;
      for (let j = i + 1; j < r; j++) sum -= a[i + j * n]! * b[j]!;
      b[i] = sum / a[i + i * n]!;
    }
    return b;
  }

  /** One QR solve mapped back to original column order and scale (length k, NaN for dropped). */
  private solveOnce(y: ArrayLike<number>, work?: Float64Array): Float64Array {
    const scaled = this.solveScaled(y, work);
    const coef = new Float64Array(this.k).fill(NaN);
    for (let p = 0; p < this.rank; p++) {
      const j = this.pivot[p]!;
      coef[j] = scaled[p]! / this.columnNorms[j]!;
    }
    return coef;
  }

  /** Applies Q to a copy of v (length n): the reflections in reverse order. */
  qv(v: ArrayLike<number>): Float64Array {
    const { n, factor: a, qraux } = this;
    const out = Float64Array.from(v as ArrayLike<number>);
    const steps = Math.min(this.rank, n - 1);
    for (let l = steps - 1; l >= 0; l--) {
      const v1 = qraux[l]!;
      if (v1 === 0) continue;
      const offsetL = l * n;
      let dot = v1 * out[l]!;
      for (let i = l + 1; i < n; i++) dot += a[offsetL + i]! * out[i]!;
      const t = -dot / v1;
      out[l] = out[l]! + t * v1;
      for (let i = l + 1; i < n; i++) out[i] = out[i]! + t * a[offsetL + i]!;
    }
    return out;
  }

  /**
   * Least-squares solution b = argmin ‖y − Xb‖ (length k; NaN for dropped columns).
   *
   * Refined by Björck's iterative refinement of the augmented system [I X; Xᵀ 0][r; b] = [y; 0]
   * (Björck 1967, "Iterative refinement of linear least squares solutions I", BIT 7:257–278;
   * Golub & Van Loan §5.3.8), with both residuals f = y − r − Xb and g = −Xᵀr formed by
   * error-free transformations (Ogita, Rump & Oishi 2005, Dot2). Unlike plain refinement of b
   * alone, this removes the κ²‖r‖ term of the error, so ill-conditioned problems with a
   * non-zero residual (Longley) also converge to full precision. At most `refinementSteps`
   * steps; stops once the correction is below 2 ulp of every coefficient. With `refineAbove` > 0
   * refinement is skipped when {@link PivotedQR.conditionEstimate} ≤ refineAbove (the plain
   * solution's relative error is then ≲ κ²ε ≈ 1e-11 or better). `work` (length n), when given,
   * is used as scratch for Qᵀy instead of a new array (its contents are overwritten).
   */
  solve(y: ArrayLike<number>, refinementSteps = 2, refineAbove = 0, work?: Float64Array): Float64Array {
    const coef = this.solveOnce(y, work);
    this.lastRefinementConverged = true;
    if (this.rank === 0 || refinementSteps <= 0) return coef;
    if (refineAbove > 0 && !(this.conditionEstimate() > refineAbove)) return coef;
    this.lastRefinementConverged = this.refineAugmented(y, null, coef, refinementSteps);
    return coef;
  }
  /**
   * Björck refinement of the augmented system r + Xb = y, X_sᵀr = c (X_s = the scaled kept
   * columns; y = null means 0, c = null means 0), updating `coef` (original coordinates,
   * length k) in place. The residual r is carried as a double-double (hi + lo) and both
   * f = y − r − Xb and g = c − X_sᵀr are formed with error-free transformations, so the fixed
   * point is the exact solution of the double-precision data to about ε relative in b, however
   * large ‖r‖ is (a residual held in double limits b to ≈ κ²ε‖r‖/(‖X‖‖b‖)). Returns whether it
   * converged: the last correction was below 2 ulp of every coefficient.
   */
  private refineAugmented(y: ArrayLike<number> | null, c: Float64Array | null, coef: Float64Array, steps: number): boolean {
    const { n, rank: r, factor: a } = this;
    const X = this.original;
    const target = y ?? new Float64Array(n);
    const residual = new Float64Array(n);
    const residualLow = new Float64Array(n);
    accurateResidualsSplit(X, n, this.k, target, coef, residual, residualLow);
    const f = new Float64Array(n);
    const fLow = new Float64Array(n);
    for (let step = 0; step < steps; step++) {
      // f = y − r − Xb, g = c − X_sᵀr, both with error-free transformations.
      accurateResidualsSplit(X, n, this.k, target, coef, f, fLow);
      for (let i = 0; i < n; i++) f[i] = (f[i]! - residual[i]!) + (fLow[i]! - residualLow[i]!);
      const h = new Float64Array(r);
      for (let p = 0; p < r; p++) {
        const j = this.pivot[p]!;
        let low = 0;
        const offset = j * n;
        for (let i = 0; i < n; i++) low += X[offset + i]! * residualLow[i]!;
        h[p] = (c ? c[p]! : 0) - (accurateDot(X, offset, residual, n) + low) / this.columnNorms[j]!;
      }
      // Solve Rᵀh = g (forward substitution), d = Qᵀf.
      for (let i = 0; i < r; i++) {
        let sum = h[i]!;
        for (let p = 0; p < i; p++) sum -= a[p + i * n]! * h[p]!;
        h[i] = sum / a[i + i * n]!;
      }
      const d = this.qty(f);
      // δb_s = R⁻¹(d₁ − h); δr = Q[h; d₂].
      const deltaScaled = new Float64Array(r);
      for (let i = r - 1; i >= 0; i--) {
        let sum = d[i]! - h[i]!;
        for (let p = i + 1; p < r; p++) sum -= a[i + p * n]! * deltaScaled[p]!;
        deltaScaled[i] = sum / a[i + i * n]!;
      }
      for (let i = 0; i < r; i++) d[i] = h[i]!;
      const deltaResidual = this.qv(d);
      for (let i = 0; i < n; i++) {
        // (hi, lo) += δr: TwoSum of the high parts, the rounding error joins the low part.
        const s0 = residual[i]!;
        const p = deltaResidual[i]!;
        const s = s0 + p;
        const z = s - s0;
        const low = residualLow[i]! + ((s0 - (s - z)) + (p - z));
        const t = s + low;
        residual[i] = t;
        residualLow[i] = low - (t - s);
      }
      let significant = false;
      for (let p = 0; p < r; p++) {
        const j = this.pivot[p]!;
        const delta = deltaScaled[p]! / this.columnNorms[j]!;
        if (Math.abs(delta) > 4.440892098500626e-16 * Math.abs(coef[j]!)) significant = true;
        coef[j] = coef[j]! + delta;
      }
      if (!significant) return true;
    }
    return false;
  }

  /**
   * Residuals y − X·coef (coef of length k; NaN entries are treated as 0), accumulated with
   * Dot2 (twice-working-precision products and sums), so they are accurate even when the fit is
   * nearly exact.
   */
  residuals(y: ArrayLike<number>, coef: ArrayLike<number>): Float64Array {
    return accurateResiduals(this.original, this.n, this.k, y, coef);
  }

  /** R⁻¹ of the scaled, pivoted factor (r×r upper triangular, column-major), cached. */
  private scaledInverse(): Float64Array {
    if (this.scaledRInverse) return this.scaledRInverse;
    const { n, rank: r, factor: a } = this;
    const inv = new Float64Array(r * r);
    for (let j = 0; j < r; j++) {
      inv[j + j * r] = 1 / a[j + j * n]!;
      for (let i = j - 1; i >= 0; i--) {
        let sum = 0;
        for (let p = i + 1; p <= j; p++) sum += a[i + p * n]! * inv[p + j * r]!;
        inv[i + j * r] = -sum / a[i + i * n]!;
      }
    }
    this.scaledRInverse = inv;
    return inv;
  }

  /**
   * An upper bound of the 2-norm condition number of the column-scaled kept design:
   * ‖R_s‖_F · ‖R_s⁻¹‖_F ≥ κ₂(X_s) (at most r times too large). Used to decide whether
   * iterative refinement is worth its cost.
   */
  conditionEstimate(): number {
    const { n, rank: r, factor: a } = this;
    if (r === 0) return NaN;
    const inv = this.scaledInverse();
    let normR = 0;
    let normInv = 0;
    for (let j = 0; j < r; j++) {
      for (let i = 0; i <= j; i++) {
        normR += a[i + j * n]! ** 2;
        normInv += inv[i + j * r]! ** 2;
      }
    }
    return Math.sqrt(normR * normInv);
  }

  /**
   * (XᵀX)⁻¹ restricted to the kept columns, r×r column-major in `kept` order (= R's
   * `chol2inv(qr$qr[1:r, 1:r])` for `lm`, i.e. the unscaled covariance).
   *
   * When the scaled design is ill-conditioned (κ̂ > `refineAbove`, default 100: the plain
   * R⁻¹R⁻ᵀ then loses about 2·log10 κ digits), each column is refined as the solution of the
   * augmented system r + Xb = 0, Xᵀr = −eⱼ by Björck's method (see {@link PivotedQR.solve}),
   * which restores full precision (Longley SE LRE 12.7 → 14.9).
   */
  xtxInverse(refinementSteps = 2, refineAbove = 100): Float64Array {
    const r = this.rank;
    const inv = this.scaledInverse();
    const out = new Float64Array(r * r);
    for (let a = 0; a < r; a++) {
      for (let b = a; b < r; b++) {
        // (R⁻¹R⁻ᵀ)_{ab} = Σ_p R⁻¹_{ap} R⁻¹_{bp}, p ≥ max(a, b) = b
        let sum = 0;
        for (let p = b; p < r; p++) sum += inv[a + p * r]! * inv[b + p * r]!;
        out[a + b * r] = sum;
        out[b + a * r] = sum;
      }
    }
    if (refinementSteps > 0 && this.conditionEstimate() > refineAbove) {
      const coef = new Float64Array(this.k);
      const c = new Float64Array(r);
      for (let q = 0; q < r; q++) {
        coef.fill(0);
        for (let p = 0; p < r; p++) coef[this.pivot[p]!] = out[p + q * r]! / this.columnNorms[this.pivot[p]!]!;
        c.fill(0);
        c[q] = -1;
        this.refineAugmented(null, c, coef, refinementSteps);
        for (let p = 0; p < r; p++) out[p + q * r] = coef[this.pivot[p]!]! * this.columnNorms[this.pivot[p]!]!;
      }
      // Symmetrise: average the two refined triangles.
      for (let a = 0; a < r; a++) {
        for (let b = a + 1; b < r; b++) {
          const mean = 0.5 * (out[a + b * r]! + out[b + a * r]!);
          out[a + b * r] = mean;
          out[b + a * r] = mean;
        }
      }
    }
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < r; b++) {
        out[a + b * r] = out[a + b * r]! / (this.columnNorms[this.pivot[a]!]! * this.columnNorms[this.pivot[b]!]!);
      }
    }
    return out;
  }
}

/** 2-norm of a[offset .. offset+length) without overflow or underflow (LAPACK dnrm2 scaling). */
function robustNorm(a: ArrayLike<number>, offset: number, length: number): number {
  // Fast path: plain sum of squares, valid unless it overflowed or underflowed.
  let plain = 0;
  for (let i = 0; i < length; i++) {
    const v = a[offset + i] as number;
    plain += v * v;
  }
  if (plain > 1e-290 && plain < 1e290) return Math.sqrt(plain);
  let scale = 0;
  for (let i = 0; i < length; i++) scale = Math.max(scale, Math.abs(a[offset + i] as number));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const v = (a[offset + i] as number) / scale;
    sum += v * v;
  }
  return scale * Math.sqrt(sum);
}
