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
 * Dimension symbols: n = rows, k = columns, r = rank.
 */
import { CausalPanelError } from '../errors.js';

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
    if (this.rank === 0 || refinementSteps <= 0) return coef;
    if (refineAbove > 0 && !(this.conditionEstimate() > refineAbove)) return coef;
    this.refineAugmented(y, null, coef, this.residuals(y, coef), refinementSteps);
    return coef;
  }
  /**
   * Björck refinement of the augmented system r + Xb = y, X_sᵀr = c (X_s = the scaled kept
   * columns; y = null means 0, c = null means 0), updating `coef` (original coordinates,
   * length k) and `residual` (length n) in place.
   */
  private refineAugmented(
    y: ArrayLike<number> | null,
    c: Float64Array | null,
    coef: Float64Array,
    residual: Float64Array,
    steps: number,
  ): void {
    const { n, rank: r, factor: a } = this;
    const X = this.original;
    const zeros = y === null ? new Float64Array(n) : null;
    for (let step = 0; step < steps; step++) {
      // f = y − r − Xb, g = c − X_sᵀr, both with error-free transformations.
      const f = accurateResiduals(X, n, this.k, y ?? zeros!, coef);
      for (let i = 0; i < n; i++) f[i] = f[i]! - residual[i]!;
      const h = new Float64Array(r);
      for (let p = 0; p < r; p++) {
        const j = this.pivot[p]!;
        h[p] = (c ? c[p]! : 0) - accurateDot(X, j * n, residual, n) / this.columnNorms[j]!;
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
      for (let i = 0; i < n; i++) residual[i] = residual[i]! + deltaResidual[i]!;
      let significant = false;
      for (let p = 0; p < r; p++) {
        const j = this.pivot[p]!;
        const delta = deltaScaled[p]! / this.columnNorms[j]!;
        if (Math.abs(delta) > 4.440892098500626e-16 * Math.abs(coef[j]!)) significant = true;
        coef[j] = coef[j]! + delta;
      }
      if (!significant) break;
    }
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
        const residual = accurateResiduals(this.original, this.n, this.k, new Float64Array(this.n), coef);
        c.fill(0);
        c[q] = -1;
        this.refineAugmented(null, c, coef, residual, refinementSteps);
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

  /** The upper-triangular R (r×r, column-major, in kept order) of the UNSCALED X: R_s·diag(norms). */
  rFactor(): Float64Array {
    const { n, rank: r, factor: a } = this;
    const out = new Float64Array(r * r);
    for (let j = 0; j < r; j++) {
      const norm = this.columnNorms[this.pivot[j]!]!;
      for (let i = 0; i <= j; i++) out[i + j * r] = a[i + j * n]! * norm;
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

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split constant

/**
 * y − X·coef computed with error-free transformations (Dekker TwoProduct, Knuth TwoSum; the
 * Dot2 algorithm of Ogita, Rump & Oishi 2005): as accurate as if computed in quadruple precision,
 * then rounded. NaN coefficients (dropped columns) are skipped.
 *
 * @example
 * accurateResiduals(Float64Array.of(1, 1), 2, 1, Float64Array.of(1, 3), [2]); // [-1, 1]
 */
export function accurateResiduals(
  X: Float64Array,
  n: number,
  k: number,
  y: ArrayLike<number>,
  coef: ArrayLike<number>,
): Float64Array {
  const sum = Float64Array.from(y as ArrayLike<number>);
  const err = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const c = coef[j] as number;
    if (Number.isNaN(c) || c === 0) continue;
    const b = -c;
    const bHigh = SPLITTER * b - (SPLITTER * b - b);
    const bLow = b - bHigh;
    const offset = j * n;
    for (let i = 0; i < n; i++) {
      const x = X[offset + i]!;
      // TwoProduct(x, b) = p + q exactly
      const p = x * b;
      const xHigh = SPLITTER * x - (SPLITTER * x - x);
      const xLow = x - xHigh;
      const q = xLow * bLow - (((p - xHigh * bHigh) - xLow * bHigh) - xHigh * bLow);
      // TwoSum(sum, p) = s + e exactly
      const s0 = sum[i]!;
      const s = s0 + p;
      const z = s - s0;
      const e = (s0 - (s - z)) + (p - z);
      sum[i] = s;
      err[i] = err[i]! + (e + q);
    }
  }
  for (let i = 0; i < n; i++) sum[i] = sum[i]! + err[i]!;
  return sum;
}

/**
 * Σ a[offset + i]·b[i] for i < n, accumulated with Dot2 (Ogita, Rump & Oishi 2005): as accurate
 * as quadruple-precision accumulation, then rounded.
 *
 * @example
 * accurateDot(Float64Array.of(1e16, 1, -1e16), 0, Float64Array.of(1, 1, 1), 3); // 1
 */
export function accurateDot(a: ArrayLike<number>, offset: number, b: ArrayLike<number>, n: number): number {
  let sum = 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    const x = a[offset + i] as number;
    const c = b[i] as number;
    const p = x * c;
    const xHigh = SPLITTER * x - (SPLITTER * x - x);
    const xLow = x - xHigh;
    const cHigh = SPLITTER * c - (SPLITTER * c - c);
    const cLow = c - cHigh;
    const q = xLow * cLow - (((p - xHigh * cHigh) - xLow * cHigh) - xHigh * cLow);
    const s = sum + p;
    const z = s - sum;
    err += (sum - (s - z)) + (p - z) + q;
    sum = s;
  }
  return sum + err;
}

/** Result of {@link streamingR}. */
export interface StreamingR {
  /** Upper-triangular R of [√w·X  √w·y] ((k+1)×(k+1), column-major); the last column is [Qᵀ√w·y; ±‖residual‖]. */
  R: Float64Array;
  /** Σᵢ (√wᵢ·xᵢⱼ)² of each column of X (plain sums, for the column scaling). */
  sumSquares: Float64Array;
  /** XᵀWy (only when not augmented; zeros otherwise). */
  xty: Float64Array;
}

/** Rows per block of {@link streamingR}: the block buffer, (k + 1 + 1024)·(k + 1) doubles, stays in cache. */
const STREAM_BLOCK = 1024;

/**
 * The R factor of the tall matrix [√w·X  √w·y] by sequential TSQR: Householder QR of row blocks,
 * each stacked under the R of the rows before it (Demmel, Grigori, Hoemmen & Langou 2012,
 * "Communication-optimal parallel and sequential QR and LU factorizations", SISC 34:A206;
 * Golub & Van Loan §5.2.2). X and y are read once, in order; Q is never formed and the n×k
 * matrix is never copied, so for n ≫ k this costs one pass over the data instead of the ~10 of
 * the column-oriented {@link PivotedQR}. The reflections are the same LINPACK Householder
 * reflections (backward stable as a whole, Higham 2002 §19.3), without pivoting: callers use
 * this only after checking that the columns are far from collinear. The column sums of squares
 * come from the same pass (column scaling commutes with Householder QR, so R·diag(1/‖xⱼ‖) is the
 * R of the scaled matrix).
 *
 * With `augment = false` only X is factorised (R is k×k) and XᵀWy is accumulated in the same
 * pass instead (for the semi-normal equations).
 *
 * @param X n×k column-major, @param y length n, @param roots optional √w per row
 * @example
 * const { R } = streamingR(Float64Array.of(1, 1, 1, 1, 2, 3), 3, 2, Float64Array.of(1, 2, 4));
 * // |R[0]| = √3 (norm of the first column)
 */
export function streamingR(X: Float64Array, n: number, k: number, y: Float64Array, roots: Float64Array | null = null, augment = true): StreamingR {
  const p = augment ? k + 1 : k;
  const xty = new Float64Array(k);
  const ld = p + STREAM_BLOCK;
  const B = new Float64Array(ld * p);
  const sumSquares = new Float64Array(k);
  const blockSS = new Float64Array(p); // Σ over the block rows of B[i, j]², kept current
  const dots = new Float64Array(p);
  const ts = new Float64Array(p);
  if (!augment && k === 2) return streamingR2(X, n, y, roots);
  for (let r0 = 0; r0 < n; r0 += STREAM_BLOCK) {
    const m = Math.min(STREAM_BLOCK, n - r0);
    const rows = p + m;
    // Rows p … p+m−1 of B: the block (rows 0 … p−1 hold the current R, zero below its diagonal).
    for (let j = 0; j < p; j++) {
      const src = j < k ? X : y;
      const offset = j < k ? j * n + r0 : r0; // j = k only when augmented
      const col = j * ld + p;
      let ss = 0;
      if (augment) {
        if (roots === null) {
          for (let i = 0; i < m; i++) {
            const v = src[offset + i]!;
            B[col + i] = v;
            ss += v * v;
          }
        } else {
          for (let i = 0; i < m; i++) {
            const v = src[offset + i]! * roots[r0 + i]!;
            B[col + i] = v;
            ss += v * v;
          }
        }
      } else {
        // Also XᵀWy, from the same reads.
        let s = 0;
        if (roots === null) {
          for (let i = 0; i < m; i++) {
            const v = src[offset + i]!;
            B[col + i] = v;
            ss += v * v;
            s += v * y[r0 + i]!;
          }
        } else {
          for (let i = 0; i < m; i++) {
            const root = roots[r0 + i]!;
            const v = src[offset + i]! * root;
            B[col + i] = v;
            ss += v * v;
            s += v * y[r0 + i]! * root;
          }
        }
        xty[j]! += s;
      }
      blockSS[j] = ss;
      if (j < k) sumSquares[j]! += ss;
    }
    // Householder on the stacked [R; block]: reflection l touches row l and the block rows only.
    // Per step two fused passes over the block: scale column l while forming its dot products
    // with the later columns, then update the later columns while re-forming their sums of squares.
    for (let l = 0; l < p; l++) {
      const cl = l * ld;
      let nrmxl = Math.sqrt(B[cl + l]! * B[cl + l]! + blockSS[l]!);
      if (nrmxl === 0) continue;
      if (B[cl + l]! !== 0) nrmxl = B[cl + l]! < 0 ? -nrmxl : nrmxl;
      const inv = 1 / nrmxl;
      const v1 = 1 + B[cl + l]! * inv;
      const later = p - l - 1;
      if (later === 0) {
        // Last column: its reflection would only act on later columns (none; Q is not kept).
      } else if (later === 1) {
        const c1 = cl + ld;
        let d1 = v1 * B[c1 + l]!;
        for (let i = p; i < rows; i++) {
          const v = B[cl + i]! * inv;
          B[cl + i] = v;
          d1 += v * B[c1 + i]!;
        }
        const t1 = -d1 / v1;
        B[c1 + l] = B[c1 + l]! + t1 * v1;
        let s1 = 0;
        for (let i = p; i < rows; i++) {
          const u = B[c1 + i]! + t1 * B[cl + i]!;
          B[c1 + i] = u;
          s1 += u * u;
        }
        blockSS[l + 1] = s1;
      } else if (later === 2) {
        const c1 = cl + ld;
        const c2 = c1 + ld;
        let d1 = v1 * B[c1 + l]!;
        let d2 = v1 * B[c2 + l]!;
        for (let i = p; i < rows; i++) {
          const v = B[cl + i]! * inv;
          B[cl + i] = v;
          d1 += v * B[c1 + i]!;
          d2 += v * B[c2 + i]!;
        }
        const t1 = -d1 / v1;
        const t2 = -d2 / v1;
        B[c1 + l] = B[c1 + l]! + t1 * v1;
        B[c2 + l] = B[c2 + l]! + t2 * v1;
        let s1 = 0;
        let s2 = 0;
        for (let i = p; i < rows; i++) {
          const v = B[cl + i]!;
          const u1 = B[c1 + i]! + t1 * v;
          const u2 = B[c2 + i]! + t2 * v;
          B[c1 + i] = u1;
          B[c2 + i] = u2;
          s1 += u1 * u1;
          s2 += u2 * u2;
        }
        blockSS[l + 1] = s1;
        blockSS[l + 2] = s2;
      } else {
        for (let j = l + 1; j < p; j++) dots[j] = v1 * B[j * ld + l]!;
        for (let i = p; i < rows; i++) {
          const v = B[cl + i]! * inv;
          B[cl + i] = v;
          for (let j = l + 1; j < p; j++) dots[j] = dots[j]! + v * B[j * ld + i]!;
        }
        for (let j = l + 1; j < p; j++) {
          const t = -dots[j]! / v1;
          ts[j] = t;
          B[j * ld + l] = B[j * ld + l]! + t * v1;
        }
        for (let j = l + 1; j < p; j++) {
          const cj = j * ld;
          const t = ts[j]!;
          let ss = 0;
          for (let i = p; i < rows; i++) {
            const u = B[cj + i]! + t * B[cl + i]!;
            B[cj + i] = u;
            ss += u * u;
          }
          blockSS[j] = ss;
        }
      }
      B[cl + l] = -nrmxl;
    }
  }
  const R = new Float64Array(p * p);
  for (let j = 0; j < p; j++) for (let i = 0; i <= j; i++) R[i + j * p] = B[i + j * ld]!;
  return { R, sumSquares, xty };
}

/**
 * {@link streamingR} for two columns without y: the same operations in the same order, but the
 * block is never copied — its two reflection steps only need sums over the rows, re-read from X
 * while they are in cache (three read-only passes per block instead of copy + two read-write).
 */
function streamingR2(X: Float64Array, n: number, y: Float64Array, roots: Float64Array | null): StreamingR {
  let r00 = 0;
  let r01 = 0;
  let r11 = 0;
  let ss0 = 0;
  let ss1 = 0;
  let xty0 = 0;
  let xty1 = 0;
  for (let r0 = 0; r0 < n; r0 += STREAM_BLOCK) {
    const end = Math.min(n, r0 + STREAM_BLOCK);
    // Pass 1: Σa², Σb² (a, b = √w·x of the block) and XᵀWy.
    let sa = 0;
    let sb = 0;
    let ya = 0;
    let yb = 0;
    if (roots === null) {
      for (let i = r0; i < end; i++) {
        const a = X[i]!;
        const b = X[n + i]!;
        sa += a * a;
        sb += b * b;
        ya += a * y[i]!;
        yb += b * y[i]!;
      }
    } else {
      for (let i = r0; i < end; i++) {
        const root = roots[i]!;
        const a = X[i]! * root;
        const b = X[n + i]! * root;
        sa += a * a;
        sb += b * b;
        ya += a * y[i]! * root;
        yb += b * y[i]! * root;
      }
    }
    ss0 += sa;
    ss1 += sb;
    xty0 += ya;
    xty1 += yb;
    // Reflection 0 on [r00 r01; block]: v = (1 + r00/ν, a/ν), applied to column 1.
    let nrm = Math.sqrt(r00 * r00 + sa);
    let sb1 = sb; // Σ over the block of column 1 after reflection 0
    if (nrm !== 0) {
      if (r00 !== 0) nrm = r00 < 0 ? -nrm : nrm;
      const inv = 1 / nrm;
      const v1 = 1 + r00 * inv;
      // Pass 2: dot = v1·r01 + Σ (a/ν)·b.
      let dot = v1 * r01;
      if (roots === null) {
        for (let i = r0; i < end; i++) dot += X[i]! * inv * X[n + i]!;
      } else {
        for (let i = r0; i < end; i++) {
          const root = roots[i]!;
          dot += X[i]! * root * inv * (X[n + i]! * root);
        }
      }
      const t = -dot / v1;
      r01 = r01 + t * v1;
      // Pass 3: Σ (b + t·a/ν)².
      sb1 = 0;
      if (roots === null) {
        for (let i = r0; i < end; i++) {
          const u = X[n + i]! + t * (X[i]! * inv);
          sb1 += u * u;
        }
      } else {
        for (let i = r0; i < end; i++) {
          const root = roots[i]!;
          const u = X[n + i]! * root + t * (X[i]! * root * inv);
          sb1 += u * u;
        }
      }
      r00 = -nrm;
    }
    // Reflection 1 on [r11; block column 1]: only its length matters (no later column).
    let nrm1 = Math.sqrt(r11 * r11 + sb1);
    if (nrm1 !== 0) {
      if (r11 !== 0) nrm1 = r11 < 0 ? -nrm1 : nrm1;
      r11 = -nrm1;
    }
  }
  return { R: Float64Array.of(r00, 0, r01, r11), sumSquares: Float64Array.of(ss0, ss1), xty: Float64Array.of(xty0, xty1) };
}
