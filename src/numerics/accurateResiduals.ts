/**
 * Residuals y − X·b and dot products accumulated with error-free transformations (Dekker's
 * TwoProduct, Knuth's TwoSum): the Dot2 algorithm of Ogita, Rump & Oishi 2005, "Accurate sum and
 * dot product", SISC 26:1955–1988. The result is as accurate as if computed in twice the working
 * precision and then rounded (error ≤ ε|result| + γ²_{n}·Σ|terms|), which is what the iterative
 * refinement of {@link PivotedQR} needs when the fit is nearly exact.
 *
 * Dimension symbols: n = rows, k = columns.
 */

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
  const sum = new Float64Array(n);
  const err = new Float64Array(n);
  accurateResidualsSplit(X, n, k, y, coef, sum, err);
  for (let i = 0; i < n; i++) sum[i] = sum[i]! + err[i]!;
  return sum;
}

/**
 * y − X·coef as an unevaluated double-double sum hi + lo (|lo| ≤ ½ulp(hi)), by the same Dot2
 * accumulation as {@link accurateResiduals} (whose result is `hi`), without the final rounding.
 * Björck refinement keeps its residual in this form: a residual rounded to double carries an
 * error ε|r| that, through Xᵀr, limits the coefficients to a relative error of about
 * κ²ε‖r‖/(‖X‖‖b‖) — the digits lost on large-residual, ill-conditioned fits (Wampler 4–5, Filip).
 * NaN coefficients (dropped columns) are skipped. `hi` and `lo` (length n) are overwritten.
 *
 * @example
 * const hi = new Float64Array(1), lo = new Float64Array(1);
 * accurateResidualsSplit(Float64Array.of(3), 1, 1, [1], [1 / 3], hi, lo); // hi + lo = 1 − 3·fl(1/3)
 */
export function accurateResidualsSplit(
  X: Float64Array,
  n: number,
  k: number,
  y: ArrayLike<number>,
  coef: ArrayLike<number>,
  hi: Float64Array,
  lo: Float64Array,
): void {
  for (let i = 0; i < n; i++) hi[i] = y[i] as number;
  lo.fill(0);
  for (let j = 0; j < k; j++) {
    const c = coef[j] as number;
    if (Number.isNaN(c) || c === 0) continue;
    const b = -c;
    const bHigh = SPLITTER * b - (SPLITTER * b - b);
    const bLow = b - bHigh;
    const offset = j * n;
    for (let i = 0; i < n; i++) {
      const x = X[offset + i]!;
      const p = x * b;
      const xHigh = SPLITTER * x - (SPLITTER * x - x);
      const xLow = x - xHigh;
      const q = xLow * bLow - (((p - xHigh * bHigh) - xLow * bHigh) - xHigh * bLow);
      const s0 = hi[i]!;
      const s = s0 + p;
      const z = s - s0;
      const e = (s0 - (s - z)) + (p - z);
      hi[i] = s;
      lo[i] = lo[i]! + (e + q);
    }
  }
  for (let i = 0; i < n; i++) {
    // TwoSum(sum, err): hi + lo exactly equals sum + err.
    const s = hi[i]!;
    const e = lo[i]!;
    const t = s + e;
    const z = t - s;
    hi[i] = t;
    lo[i] = (s - (t - z)) + (e - z);
  }
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
