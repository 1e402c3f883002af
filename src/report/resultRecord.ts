/**
 * One exchange shape for results, shared by the CLI (`--format json` / `csv`) and the playground:
 * `{ kind, rows, notes, result }` — the `tidy()` rows, the typed notes and the full `toJSON()` —
 * with earlier results of the same analysis (the `attgt` table before its aggregation) under
 * `parts`; and the tidy rows of several results as one CSV table.
 */
import type { Result } from './result.js';

/**
 * The exchange record of the last result, with the earlier ones under `parts`.
 *
 * @example
 * resultRecord([cs, cs.aggregate('dynamic')]).kind; // 'attgtAggregate' (parts[0].kind: 'attgt')
 */
export function resultRecord(results: readonly Result[], level?: number): Record<string, unknown> {
  const one = (result: Result): Record<string, unknown> => ({ kind: result.kind, rows: result.tidy(level), notes: result.notes, result: result.toJSON() });
  const main = one(results[results.length - 1]!);
  if (results.length > 1) main.parts = results.slice(0, -1).map(one);
  return main;
}

/**
 * The tidy rows of the results as CSV (RFC 4180): a `kind` column, then the union of the rows'
 * fields; missing values empty, ±Infinity as R writes them (`Inf`, `-Inf`).
 *
 * @example
 * tidyCsv([fit]).split('\n')[0]; // 'kind,term,estimate,stdError,statistic,pValue,confLow,confHigh'
 */
export function tidyCsv(results: readonly Result[], level?: number): string {
  const rows = results.flatMap((result) => result.tidy(level).map((row) => ({ kind: result.kind, ...row }) as Record<string, unknown>));
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const cell = (value: unknown): string => {
    if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) return '';
    const text = value === Infinity ? 'Inf' : value === -Infinity ? '-Inf' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\n');
}
