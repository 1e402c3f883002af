/**
 * Sample moments: the mean and the standard deviation with the n − 1 denominator, as R's `mean(x)`
 * and `sd(x)`, summed left to right in one pass each (the two-pass sd: Σ(xᵢ − x̄)² after x̄, as R's
 * `var`; Chan, Golub & LeVeque 1983, "Algorithms for Computing the Sample Variance", The American
 * Statistician 37(3), show the two-pass form is accurate to O(nu)·κ where the one-pass
 * textbook formula is not).
 *
 * Special cases: `mean` of no values is NaN; `sampleSd` of fewer than two values is NaN (R's NA).
 * NaN and ±Infinity propagate: callers that skip them (R's `na.rm = TRUE`) filter first with
 * `sortedFinite` (quantile.ts) or {@link finiteValues}.
 *
 * Dimension symbols: n = number of values.
 */

/**
 * The finite values of `x` in their order (R's `x[is.finite(x)]`).
 *
 * @example
 * finiteValues([1, NaN, 3, -Infinity]); // Float64Array [1, 3]
 */
export function finiteValues(x: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) count++;
  if (count === x.length) return Float64Array.from(x);
  const out = new Float64Array(count);
  for (let i = 0, m = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out[m++] = x[i]!;
  return out;
}

/**
 * Arithmetic mean Σxᵢ/n, summed left to right.
 *
 * @example
 * mean([1, 2, 3, 4]); // 2.5 (R: mean(1:4))
 */
export function mean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s / n;
}

/**
 * Sample standard deviation √(Σ(xᵢ − x̄)²/(n − 1)), R's `sd(x)`.
 *
 * @example
 * sampleSd([1, 2, 3, 4]); // 1.2909944487358056 (R: sd(1:4))
 */
export function sampleSd(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  const m = mean(x);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}
