/**
 * The one result vocabulary: broom's `term, estimate, std.error, statistic, p.value, conf.low,
 * conf.high` in camelCase. Every estimator's `tidy()` returns these rows.
 */

/** One reported quantity with its uncertainty. */
export interface Estimate {
  term: string;
  estimate: number;
  stdError: number;
  statistic: number;
  pValue: number;
  confLow: number;
  confHigh: number;
}

/** The seven fields of {@link Estimate}, in broom's order. */
export const ESTIMATE_FIELDS = ['term', 'estimate', 'stdError', 'statistic', 'pValue', 'confLow', 'confHigh'] as const;
