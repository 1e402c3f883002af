/**
 * CSV text → Frame, with csv-parse. Empty cells and `NA` are missing; a column is numeric when
 * every present cell reads as a number (as R's `read.csv`).
 */
import { parse } from 'csv-parse/sync';
import { CausalPanelError } from '../errors.js';
import { Frame, type Column } from './frame.js';
import { toColumn } from './fromInput.js';

/** Options for {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Field delimiter (default `,`). */
  delimiter?: string;
}

/**
 * Parses CSV text (header row first) into a {@link Frame}.
 *
 * @example
 * parseCsv('y,g\n1,a\nNA,b\n').columns.y; // Float64Array [1, NaN]
 * @throws CausalPanelError `empty_data` when there is no header or no rows
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): Frame {
  const { delimiter = ',' } = options;
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
  } catch (error) {
    throw new CausalPanelError('invalid_option', `parseCsv: ${(error as Error).message}`, { fn: 'parseCsv' });
  }
  if (records.length === 0) throw new CausalPanelError('empty_data', 'parseCsv: no header row', { fn: 'parseCsv' });
  const header = records[0]!;
  if (records.length === 1) throw new CausalPanelError('empty_data', 'parseCsv: no data rows', { fn: 'parseCsv' });
  const nrow = records.length - 1;
  const columns: Record<string, Column> = Object.create(null);
  const names: string[] = [];
  header.forEach((rawName, j) => {
    // R's write.csv leaves the row-name column unnamed: call it "" → "...1"? keep a stable name
    const name = rawName === '' ? `V${j + 1}` : rawName;
    const cells = new Array<string>(nrow);
    for (let i = 0; i < nrow; i++) cells[i] = records[i + 1]![j]!;
    columns[name] = toColumn(cells);
    names.push(name);
  });
  return new Frame(columns, names);
}
