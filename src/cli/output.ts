/**
 * What the CLI prints: the results of a command in one of six formats, and the plot of the main
 * result. Every JSON output has one shape, `{ kind, rows, notes, result }` — `rows` the result's
 * `tidy()` rows, `result` its full `toJSON()` — with the earlier results of a command (the
 * `attgt` table before its aggregation, the matching before the matched ATT) under `parts`.
 */
import type { Result } from '../report/result.js';

/** The output formats of `--format`. */
export const FORMATS = ['text', 'md', 'latex', 'html', 'csv', 'json'] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

function jsonShape(result: Result, level: number | undefined): Record<string, unknown> {
  return { kind: result.kind, rows: result.tidy(level), notes: result.notes, result: result.toJSON() };
}

/** Tidy rows as CSV (RFC 4180; the union of the rows' fields as columns; empty = missing). */
function csv(results: readonly Result[], level: number | undefined): string {
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

/** The text a command prints for its results in `format`. */
export async function render(results: readonly Result[], format: Format, level: number | undefined): Promise<string> {
  switch (format) {
    case 'text':
      return results.map((result) => result.summary()).join('\n\n');
    case 'json': {
      const main = jsonShape(results[results.length - 1]!, level);
      if (results.length > 1) main.parts = results.slice(0, -1).map((result) => jsonShape(result, level));
      return JSON.stringify(main, null, 2);
    }
    case 'csv':
      return csv(results, level);
    default: {
      const { etable } = await import('../report/etable.js');
      const tables = results.map((result) => result);
      const sameKind = tables.every((result) => result.kind === tables[0]!.kind);
      // fixest's etable puts comparable models side by side; different kinds get one table each.
      const groups = sameKind ? [tables] : tables.map((result) => [result]);
      return groups.map((group) => etable(group as never, { format: format === 'md' ? 'markdown' : format })).join('\n\n');
    }
  }
}

/** The SVG plot of a result, chosen by its kind (report/svg/plotResult.ts). */
export async function plot(result: Result): Promise<string> {
  return (await import('../report/svg/plotResult.js')).plotResult(result);
}
