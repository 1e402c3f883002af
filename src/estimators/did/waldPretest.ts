/**
 * The joint pre-trend test of an event study, as fixest's `wald()`: F = b'V⁻¹b / q over the q
 * pre-period coefficients b with covariance block V, on (q, df2) degrees of freedom.
 *
 * V⁻¹b is solved through a Cholesky factor of V (`inference/wald.ts`, shared with `waldTest`). When V is singular —
 * fewer clusters than pre-period coefficients, a heteroskedasticity-robust block of deficient
 * rank, cohort-specific Sun–Abraham coefficients that covariates make dependent — the statistic
 * does not exist: the test is reported as NaN with a `test_not_computed` note (fixest's `wald()`
 * reports the failure and the estimates stand), never as an error that loses the estimate.
 */
import type { Note } from '../../errors.js';
import { waldQuadraticForm } from '../../inference/wald.js';
import { fUpper } from '../../numerics/distributions.js';

/**
 * Joint Wald F test that every pre-period coefficient is 0 (fixest's `wald()`).
 *
 * @example
 * eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }).pretest;
 * // { statistic: ≈ 1.63157, df1: 3, df2: 1989, pValue: ≈ 0.180038 }
 */
export interface PreTest {
  /** F statistic; NaN when there is no pre-period coefficient or their covariance is singular. */
  statistic: number;
  /** Number of pre-period coefficients tested (q). */
  df1: number;
  /** Residual degrees of freedom of the regression (n − number of parameters). */
  df2: number;
  pValue: number;
}

/**
 * Joint Wald F test that the coefficients at `indices` are all 0: F = b'V⁻¹b / q on (q, df2),
 * as fixest's `wald()`. NaN statistic and p-value when `indices` is empty, or when their
 * covariance block is singular (then a `test_not_computed` note is pushed on `notes`).
 *
 * @param coefficients all k coefficients
 * @param vcov their k×k covariance, column-major
 * @param indices the coefficients tested
 * @param df2 denominator degrees of freedom
 * @param notes where a `test_not_computed` note goes
 * @example
 * waldPretest([1, 2], [1, 0, 0, 1], 2, [0, 1], 100).statistic; // (1 + 4) / 2 = 2.5
 * waldPretest([1, 2], [1, 1, 1, 1], 2, [0, 1], 100, notes).statistic; // NaN (singular), notes[0].code === 'test_not_computed'
 */
export function waldPretest(coefficients: ArrayLike<number>, vcov: ArrayLike<number>, k: number, indices: readonly number[], df2: number, notes: Note[] = []): PreTest {
  const q = indices.length;
  if (q === 0) return { statistic: NaN, df1: 0, df2, pValue: NaN };
  // The quadratic form of the coefficients at `indices` (a selection matrix C), as waldTest's.
  const C = new Float64Array(q * k);
  indices.forEach((index, s) => (C[s + index * q] = 1));
  const { Q } = waldQuadraticForm(C, q, coefficients, vcov, k, new Float64Array(q));
  if (Number.isNaN(Q)) {
    notes.push({ code: 'test_not_computed', test: 'Pre-trend Wald test', reason: `the covariance matrix of the ${q} pre-period coefficients is singular` });
    return { statistic: NaN, df1: q, df2, pValue: NaN };
  }
  const statistic = Q / q;
  return { statistic, df1: q, df2, pValue: fUpper(statistic, q, df2) };
}
