/**
 * The one "matches the reference" assertion battery (statsmodels' `CheckOLSRobust`, stdlib's
 * tolerance-printing asserts) for rows in the `Estimate` vocabulary: `term, estimate, stdError,
 * statistic, pValue, confLow, confHigh`, plus any extra coordinates or counts a row carries
 * (`e`, `group`, `time`, `nTreated`, …).
 *
 * Order of checks, each failing with every offending cell listed:
 * 1. rows are paired with the oracle's by key (`term` unless `by` says otherwise); missing,
 *    duplicated and (unless allowed) extra rows fail first;
 * 2. NaN positions (JSON `null` in an oracle is NaN) must agree field by field;
 * 3. values: |actual − expected| / max(|expected|, 1e-300) ≤ rel, or |Δ| ≤ abs when a floor is
 *    given. ±Infinity matches only itself. Failures print actual, expected, Δ, rel and tolerance.
 *
 * A field is checked when the oracle row has it and the tolerance names it (a number tolerance
 * names every numeric field of the oracle rows).
 */
import { expect } from 'vitest';
import { relativeError } from './expectClose.js';

/** A row under test or an oracle row: an Estimate, or any object with named numeric fields. */
export type EstimateRowLike = object;
type Fields = Readonly<Record<string, unknown>>;

/** Relative tolerance, or relative with an absolute floor (a number, or per oracle row). */
export type FieldTolerance =
  | number
  | { rel: number; abs?: number | ((oracleRow: EstimateRowLike) => number) };

/**
 * One relative tolerance for every numeric field of the oracle rows, or one per field name
 * (`default` covering fields not named). Fields without a tolerance are not compared.
 */
export type EstimateTolerance = number | { readonly [field: string]: FieldTolerance | undefined; default?: FieldTolerance };

/** How rows are paired and labelled. */
export interface EstimatesMatchOptions {
  /** Key field(s) pairing a row with its oracle row, or `'position'`. Default `'term'`. */
  by?: string | readonly string[];
  /** Prefix of every failure message. Default `'rows'`. */
  label?: string;
  /** The rows must come in the oracle's order (checked on the keys). Default false. */
  ordered?: boolean;
  /** Rows without an oracle row are allowed (the oracle covers a subset). Default false. */
  allowExtraRows?: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function toNumber(value: unknown): number | undefined {
  if (value === null) return NaN;
  return typeof value === 'number' ? value : undefined;
}

function keyOf(row: Fields, keys: readonly string[]): string {
  return keys.map((k) => `${k}=${typeof row[k] === 'string' ? JSON.stringify(row[k]) : String(row[k])}`).join(' ');
}

function fieldTolerance(tol: EstimateTolerance, field: string): FieldTolerance | undefined {
  if (typeof tol === 'number') return tol;
  return tol[field] ?? tol.default;
}

function formatTolerance(rel: number, abs: number | undefined): string {
  return `tol rel ${rel.toExponential(1)}${abs !== undefined && abs > 0 ? ` or |Δ| ≤ ${abs.toExponential(1)}` : ''}`;
}

/**
 * Asserts that `rows` reproduce `oracleRows` within `tol` (see the file header for the checks).
 *
 * @example
 * expectEstimatesMatch(fit.tidy(), oracle.results.coefficients, { estimate: 1e-8, stdError: 1e-6, pValue: 1e-6 });
 * expectEstimatesMatch(agg.rows, oracleRows, 1e-6, { by: ['group', 'time'] });
 */
export function expectEstimatesMatch(
  rows: readonly EstimateRowLike[],
  oracleRows: readonly EstimateRowLike[],
  tol: EstimateTolerance,
  options: EstimatesMatchOptions = {},
): void {
  const { by = 'term', label = 'rows', ordered = false, allowExtraRows = false } = options;
  const keys = by === 'position' ? [] : typeof by === 'string' ? [by] : [...by];
  const rowKey = (row: EstimateRowLike, index: number) => (keys.length === 0 ? `#${index}` : keyOf(row as Fields, keys));

  // 1. Pair rows by key.
  const problems: string[] = [];
  const actualByKey = new Map<string, Fields>();
  rows.forEach((row, i) => {
    if (!isObject(row)) problems.push(`${label}[${i}]: not an object (${String(row)})`);
    const key = rowKey(row, i);
    if (actualByKey.has(key)) problems.push(`${label}: duplicate row ${key}`);
    actualByKey.set(key, row as Fields);
  });
  const pairs: { key: string; actual: Fields; expected: Fields }[] = [];
  const seen = new Set<string>();
  oracleRows.forEach((expected, i) => {
    const key = rowKey(expected, i);
    if (seen.has(key)) problems.push(`${label}: duplicate oracle row ${key}`);
    seen.add(key);
    const actual = actualByKey.get(key);
    if (actual === undefined) problems.push(`${label}: no row ${key} (oracle row ${i})`);
    else pairs.push({ key, actual, expected: expected as Fields });
  });
  if (!allowExtraRows) {
    for (const key of actualByKey.keys()) if (!seen.has(key)) problems.push(`${label}: extra row ${key} (not in the oracle)`);
  }
  if (ordered && problems.length === 0) {
    const actualOrder = rows.map(rowKey).filter((k) => seen.has(k));
    const expectedOrder = oracleRows.map(rowKey);
    if (actualOrder.join('\n') !== expectedOrder.join('\n')) {
      problems.push(`${label}: order [${actualOrder.join(', ')}], expected [${expectedOrder.join(', ')}]`);
    }
  }
  if (problems.length > 0) expect.fail(problems.join('\n'));

  // The fields to compare, per pair: numeric (or null) in the oracle row, with a tolerance.
  const checks: { key: string; field: string; actual: number | undefined; expected: number; tolerance: FieldTolerance; oracleRow: EstimateRowLike }[] = [];
  for (const { key, actual, expected } of pairs) {
    for (const field of Object.keys(expected)) {
      if (keys.includes(field)) continue;
      const e = toNumber(expected[field]);
      const tolerance = fieldTolerance(tol, field);
      if (e === undefined || tolerance === undefined) continue;
      checks.push({ key, field, actual: toNumber(actual[field]), expected: e, tolerance, oracleRow: expected });
    }
  }

  // 2. Missing fields and NaN positions.
  for (const c of checks) {
    if (c.actual === undefined) {
      problems.push(`${label}[${c.key}].${c.field}: missing (expected ${c.expected})`);
    } else if (Number.isNaN(c.actual) !== Number.isNaN(c.expected)) {
      problems.push(`${label}[${c.key}].${c.field}: actual ${c.actual}, expected ${c.expected} (NaN position mismatch)`);
    }
  }
  if (problems.length > 0) expect.fail(`${label}: NaN positions or fields differ\n${problems.join('\n')}`);

  // 3. Values.
  for (const c of checks) {
    const a = c.actual!;
    const e = c.expected;
    if (Number.isNaN(e)) continue;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) problems.push(`${label}[${c.key}].${c.field}: actual ${a}, expected ${e}`);
      continue;
    }
    const rel = typeof c.tolerance === 'number' ? c.tolerance : c.tolerance.rel;
    const absSpec = typeof c.tolerance === 'number' ? undefined : c.tolerance.abs;
    const abs = typeof absSpec === 'function' ? absSpec(c.oracleRow) : absSpec;
    const delta = Math.abs(a - e);
    const relError = relativeError(a, e);
    if (relError <= rel || (abs !== undefined && delta <= abs)) continue;
    problems.push(
      `${label}[${c.key}].${c.field}: actual ${a}, expected ${e}, Δ ${delta.toExponential(3)}, ` +
        `rel ${relError.toExponential(3)} > ${formatTolerance(rel, abs)}`,
    );
  }
  if (problems.length > 0) expect.fail(`${label}: ${problems.length} of ${checks.length} values outside tolerance\n${problems.join('\n')}`);
}

/**
 * Rows `{ term, estimate, stdError }` from a coefficient vector and its k×k column-major
 * covariance (SE = √diagonal), for kernels that return arrays rather than `Estimate` rows.
 *
 * @example
 * coefficientRows(['(Intercept)', 'x'], fit.coef, fit.xtwxInverse); // [{ term: '(Intercept)', estimate, stdError }, …]
 */
export function coefficientRows(
  terms: readonly string[],
  coef: ArrayLike<number>,
  covariance: ArrayLike<number>,
): { term: string; estimate: number; stdError: number }[] {
  const k = terms.length;
  return terms.map((term, j) => ({ term, estimate: coef[j]!, stdError: Math.sqrt(covariance[j + j * k]!) }));
}
