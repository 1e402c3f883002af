/**
 * The R factor of a tall matrix in one pass over its rows, by sequential TSQR (see
 * {@link streamingR}). Used by `leastSquares` for well-conditioned tall designs.
 *
 * Dimension symbols: n = rows, k = columns, p = k + 1 when y is appended.
 */

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
  if (!augment && k === 2) {
    // An empty round first (no rows): the code after the row loop then has type feedback when
    // the loop is compiled on-stack in the first fits, instead of deoptimising there (see docs/numerics.md).
    streamingR2(X, 0, y, roots);
    return streamingR2(X, n, y, roots);
  }
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
