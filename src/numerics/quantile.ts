/**
 * Sample quantiles as R's `quantile(x, probs, type = 7)` (Hyndman & Fan 1996, "Sample Quantiles
 * in Statistical Packages", The American Statistician 50(4): 361–365, definition 7), R's default:
 * with sorted values x₍₁₎ ≤ … ≤ x₍ₙ₎ and h = 1 + (n − 1)p, Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌈h⌉₎ − x₍⌊h⌋₎).
 *
 * Source: R 4.2.2 `src/library/stats/R/quantile.R` (`quantile.default`, the `type == 7` branch),
 * https://github.com/wch/r-source/blob/R-4-2-branch/src/library/stats/R/quantile.R — including its
 * rule that the interpolation is skipped when the two order statistics are equal (so that
 * ±Infinity neighbours do not give NaN).
 *
 * Special cases: no values → NaN; non-finite values are removed first by {@link sortedFinite}
 * (R's `na.rm = TRUE`).
 *
 * Dimension symbols: n = number of values.
 */

/**
 * The finite values of `x`, sorted ascending (NaN and ±Infinity removed, as R's
 * `sort(x[is.finite(x)])`).
 *
 * @example
 * sortedFinite([3, NaN, 1, Infinity, 2]); // Float64Array [1, 2, 3]
 */
export function sortedFinite(x: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out.push(x[i]!);
  return Float64Array.from(out).sort();
}

/**
 * R's `quantile(x, p, type = 7)` on values already sorted ascending (see {@link sortedFinite}).
 *
 * @param sorted values in ascending order, all finite
 * @param p probability in [0, 1]
 * @returns the type-7 quantile; NaN when there are no values
 * @example
 * quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5 (R: quantile(1:4, 0.5))
 * quantileSorted(Float64Array.from({ length: 1000 }, (_, i) => i + 1), 0.025); // 25.975 (R: quantile(1:1000, 0.025))
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const index = 1 + Math.max(n - 1, 0) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qs = sorted[lo - 1]!;
  const h = index - lo;
  const upper = sorted[hi - 1]!;
  return index > lo && upper !== qs ? (1 - h) * qs + h * upper : qs;
}
