/**
 * The one result vocabulary: broom's `term, estimate, std.error, statistic, p.value, conf.low,
 * conf.high` in camelCase. Every estimator's `tidy()` returns these rows; rows with more
 * coordinates (event time `e`, cohort `group`, period `time`) extend them.
 *
 * This file sits in the foundation layer (beside `errors.ts` and `options.ts`) so that every
 * layer — inference included — speaks the same names.
 */

/**
 * One reported quantity with its uncertainty.
 *
 * @example
 * did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' }).att;
 * // { term: 'ATT', estimate: ≈ 4.99339, stdError: ≈ 0.521434, statistic: …, pValue: …, confLow: …, confHigh: … }
 */
export interface Estimate {
  term: string;
  estimate: number;
  stdError: number;
  statistic: number;
  pValue: number;
  confLow: number;
  confHigh: number;
}

/** The fields of an {@link Estimate} without its `term`: what Wald inference derives. */
export type EstimateValues = Omit<Estimate, 'term'>;

/**
 * The seven fields of {@link Estimate}, in broom's order.
 *
 * @example
 * ESTIMATE_FIELDS; // ['term', 'estimate', 'stdError', 'statistic', 'pValue', 'confLow', 'confHigh']
 * textTable(fit.tidy().map((row) => ESTIMATE_FIELDS.map((field) => String(row[field]))), { header: [...ESTIMATE_FIELDS] });
 */
export const ESTIMATE_FIELDS = ['term', 'estimate', 'stdError', 'statistic', 'pValue', 'confLow', 'confHigh'] as const;

/**
 * Plain JSON data from a result field: typed arrays become arrays, non-finite numbers (the NaN SE
 * of a reference period, an NA statistic) become `null`, objects are copied key by key (into
 * prototype-free objects, so a `__proto__` key stays data). The one NaN → null path of every
 * `toJSON()`, so that a JSON round trip gives the same object.
 *
 * @example
 * toJsonValue({ term: 'x', estimate: 1, stdError: NaN, e: new Float64Array([1, Infinity]) });
 * // { term: 'x', estimate: 1, stdError: null, e: [1, null] }
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  if (Array.isArray(value)) return value.map((item) => { const v = toJsonValue(item); return v === undefined ? null : v; });
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === 'function') return toJsonValue(withToJSON.toJSON());
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    const v = toJsonValue((value as Record<string, unknown>)[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * A plain copy of a result row for `toJSON()` (see {@link toJsonValue}).
 *
 * @example
 * jsonRow({ term: 'x', estimate: 1, stdError: NaN }); // { term: 'x', estimate: 1, stdError: null }
 */
export function jsonRow<T extends object>(row: T): Record<string, unknown> {
  return toJsonValue(row) as Record<string, unknown>;
}
