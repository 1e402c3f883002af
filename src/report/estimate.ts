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

/**
 * A plain copy of a result row for `toJSON()`: non-finite numbers (the NaN SE of a reference
 * period, an NA statistic) become `null`, so that a JSON round trip gives the same object.
 *
 * @example
 * jsonRow({ term: 'x', estimate: 1, stdError: NaN }); // { term: 'x', estimate: 1, stdError: null }
 */
export function jsonRow<T extends object>(row: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  return out;
}
