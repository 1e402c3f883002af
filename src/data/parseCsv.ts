/**
 * CSV text → Frame. Empty cells and `NA` are missing; a column is numeric when every present cell
 * reads as a number (as R's `read.csv`).
 *
 * The reader is a small RFC 4180 state machine (quoted fields with delimiters, doubled quotes and
 * newlines; CRLF or LF; BOM removed; empty lines skipped; every record as long as the header) —
 * the options csv-parse was called with before. It replaces csv-parse in the main entry because
 * csv-parse's Node build reads `Buffer` at load time, which breaks the browser bundle
 * (test/browser.test.ts).
 */
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
  const records = readRecords(text, delimiter);
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

function csvError(what: string, line: number): CausalPanelError {
  return new CausalPanelError('invalid_option', `parseCsv: ${what} (line ${line})`, { fn: 'parseCsv', row: line - 1 });
}

/**
 * Splits CSV text into records of raw cells (RFC 4180). Errors name the 1-based line: a record
 * whose length differs from the header's, a quote inside an unquoted field, text after a closing
 * quote, an unterminated quote.
 */
function readRecords(input: string, delimiter: string): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new CausalPanelError('invalid_option', `parseCsv: delimiter must be one character other than a quote or newline (${JSON.stringify(delimiter)})`, {
      fn: 'parseCsv',
      option: 'delimiter',
      value: delimiter,
    });
  }
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: string[][] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    // An empty line (LF or CRLF alone) is skipped, as csv-parse's skip_empty_lines.
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      i += text[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    const record: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw csvError('unterminated quoted field', recordLine);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        const next = text[i];
        if (i < n && next !== delimiter && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
          throw csvError(`unexpected ${JSON.stringify(next)} after a closing quote`, line);
        }
      } else {
        const start = i;
        while (i < n && text[i] !== delimiter && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          if (text[i] === '"') throw csvError('quote inside an unquoted field', line);
          i++;
        }
        cell = text.slice(start, i);
      }
      record.push(cell);
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      // End of record: newline or end of text.
      if (i < n) {
        i += text[i] === '\r' ? 2 : 1;
        line++;
      }
      break;
    }
    if (records.length > 0 && record.length !== records[0]!.length) {
      throw csvError(`record has ${record.length} fields, the header has ${records[0]!.length}`, recordLine);
    }
    records.push(record);
  }
  return records;
}
