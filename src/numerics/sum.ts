/**
 * Compensated summation (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur Summation
 * endlicher Summen", ZAMM 54:39–51), the improved Kahan–Babuška algorithm used by d3-array's
 * `fsum` and Python's `math.fsum` ancestors.
 *
 * Error bound: |ŝ − s| ≤ 2u|s| + O(n u²) Σ|xᵢ| (u = 2⁻⁵³), i.e. the result is as if summed in
 * about twice the working precision, then rounded once. Special cases: an empty input sums to 0;
 * NaN and ±Infinity propagate as in plain summation.
 *
 * Dimension symbols: n = number of summands.
 */

/**
 * Neumaier-compensated sum of `values` (optionally a strided slice `offset`, `length`).
 *
 * @example
 * neumaierSum([1, 1e100, 1, -1e100]); // 2 (plain summation gives 0)
 */
export function neumaierSum(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let sum = 0;
  let compensation = 0;
  const end = offset + length;
  for (let i = offset; i < end; i++) {
    const x = values[i] as number;
    const t = sum + x;
    // Add the low-order bits lost by whichever operand was smaller.
    if (Math.abs(sum) >= Math.abs(x)) compensation += sum - t + x;
    else compensation += x - t + sum;
    sum = t;
  }
  return sum + compensation;
}
