/**
 * Distribution functions for inference, from the precise `@stdlib/stats-base-dists-*` packages
 * (never a table-based normal CDF). Upper tails are computed as lower tails of the negated
 * statistic so that tiny p-values keep their digits (R's `pt(-|t|, df) * 2`).
 */
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileStd from '@stdlib/stats-base-dists-normal-quantile';
import normalPdfStd from '@stdlib/stats-base-dists-normal-pdf';
import tCdfStd from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';
import fCdfStd from '@stdlib/stats-base-dists-f-cdf';
import chisqCdfStd from '@stdlib/stats-base-dists-chisquare-cdf';
import gammaincStd from '@stdlib/math-base-special-gammainc';

/**
 * The reference distribution of a test statistic.
 *
 * @example
 * feols('y ~ x1 | id + period', baseDid, { vcov: { CRV1: 'id' } }).dist; // { kind: 't', df: 107 }
 * glm('treat ~ age + educ', lalonde, { family: 'binomial' }).dist; // { kind: 'normal' }
 */
export type Dist = { kind: 't'; df: number } | { kind: 'normal' };

/** Standard normal CDF Φ(x). @example normalCdf(1.959963984540054); // 0.975 */
export function normalCdf(x: number): number {
  return normalCdfStd(x, 0, 1);
}

/** Standard normal density φ(x). @example normalPdf(0); // 0.3989422804014327 */
export function normalPdf(x: number): number {
  return normalPdfStd(x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p). @example normalQuantile(0.975); // 1.959963984540054 */
export function normalQuantile(p: number): number {
  return normalQuantileStd(p, 0, 1);
}

/** Student t CDF with `df` degrees of freedom. @example tCdf(0, 5); // 0.5 */
export function tCdf(x: number, df: number): number {
  return tCdfStd(x, df);
}

/** Student t quantile. @example tQuantile(0.975, 10); // 2.228138851986274 */
export function tQuantile(p: number, df: number): number {
  return tQuantileStd(p, df);
}

/** F CDF with (df1, df2) degrees of freedom. @example fCdf(1, 2, 2); // 0.5 */
export function fCdf(x: number, df1: number, df2: number): number {
  return fCdfStd(x, df1, df2);
}

/** Upper tail of F: P(F > x), as R's `pf(x, df1, df2, lower.tail = FALSE)`. */
export function fUpper(x: number, df1: number, df2: number): number {
  // 1 - cdf loses digits for tiny p; use the beta symmetry through the swapped F.
  if (x <= 0) return 1;
  return fCdfStd((1 / x), df2, df1);
}

/** χ² CDF with `df` degrees of freedom. @example chisqCdf(3.841458820694124, 1); // 0.95 */
export function chisqCdf(x: number, df: number): number {
  return chisqCdfStd(x, df);
}

/**
 * Upper tail of χ²: P(X > x), as R's `pchisq(x, df, lower.tail = FALSE)`: the regularized upper
 * incomplete gamma Q(df/2, x/2) directly, since 1 − cdf is 0 for every p below 1.1e-16.
 * @example chisqUpper(100, 1); // 1.5239706048320995e-23 (R: 1.5239706048321054e-23)
 */
export function chisqUpper(x: number, df: number): number {
  if (Number.isNaN(x) || !(df >= 0)) return NaN;
  if (x <= 0) return 1;
  return gammaincStd(x / 2, df / 2, true, true);
}

/** Two-sided p-value of a statistic under `dist`: 2·P(T > |stat|). */
export function twoSidedPValue(statistic: number, dist: Dist): number {
  if (Number.isNaN(statistic)) return NaN;
  const tail = dist.kind === 't' ? tCdf(-Math.abs(statistic), dist.df) : normalCdf(-Math.abs(statistic));
  return 2 * tail;
}

/** Critical value for a two-sided interval of `level` under `dist`. */
export function criticalValue(level: number, dist: Dist): number {
  const p = 1 - (1 - level) / 2;
  return dist.kind === 't' ? tQuantile(p, dist.df) : normalQuantile(p);
}
