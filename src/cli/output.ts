/**
 * What the CLI prints: the results of a command in one of six formats, and the plot of the main
 * result. Every JSON output has one shape, `{ kind, rows, notes, result }` — `rows` the result's
 * `tidy()` rows, `result` its full `toJSON()` — with the earlier results of a command (the
 * `attgt` table before its aggregation, the matching before the matched ATT) under `parts`.
 */
import type { Result } from '../report/result.js';
import { resultRecord, tidyCsv } from '../report/resultRecord.js';

/** The output formats of `--format`. */
export const FORMATS = ['text', 'md', 'latex', 'html', 'csv', 'json'] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

/** The text a command prints for its results in `format`. */
export async function render(results: readonly Result[], format: Format, level: number | undefined): Promise<string> {
  switch (format) {
    case 'text':
      return results.map((result) => result.summary()).join('\n\n');
    case 'json':
      return JSON.stringify(resultRecord(results, level), null, 2);
    case 'csv':
      return tidyCsv(results, level);
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
