/**
 * CSV text → Frame. Empty cells and `NA` are missing; a column is numeric when every present cell
 * reads as a number (as R's `read.csv`).
 *
 * The reader is a small RFC 4180 state machine (quoted fields with delimiters, doubled quotes and
 * newlines; CRLF or LF; BOM removed; empty lines skipped; every record as long as the header) —
 * the options csv-parse was called with before. It replaces csv-parse in the main entry because
 * csv-parse's Node build reads `Buffer` at load time, which breaks the browser bundle
 * (test/index.contract.browser.test.ts).
 */
import { CausalPanelError } from '../errors.js';
import { invalidOption, opt, readOptions, type Params } from '../options.js';
import { Frame, type Column } from './frame.js';
import { toColumn } from './fromInput.js';

/**
 * Options for {@link parseCsv} and `readCsv`.
 *
 * @example
 * const options: ParseCsvOptions = { delimiter: ';' };
 * parseCsv('y;g\n1;a\n2;NA\n', options).columns.g; // ['a', null]
 */
export interface ParseCsvOptions {
  /** Field delimiter, one character (default `,`; R's `sep`, csv-parse's `delimiter`). */
  delimiter?: string;
}

const CSV_OPTIONS = {
  delimiter: opt.custom((value, at): string => {
    if (value === undefined) return ',';
    if (typeof value !== 'string' || value.length !== 1 || value === '"' || value === '\n' || value === '\r') {
      throw invalidOption(at, 'one character other than a quote or a newline', value);
    }
    return value;
  }),
};

/** R `read.csv` / csv-parse arguments without a counterpart here, with what happens instead. */
const CSV_UNSUPPORTED: Readonly<Record<string, string>> = {
  sep: 'use delimiter',
  header: 'the first row is always the header',
  quote: 'fields are quoted with " (RFC 4180)',
  dec: 'the decimal mark is always "."',
  'na.strings': 'empty cells and NA are missing',
  naStrings: 'empty cells and NA are missing',
  colClasses: 'a column is numeric when every present cell is a number, else text',
  stringsAsFactors: 'text columns stay text: ask for a factor with factor(x) in a formula',
  skip: 'remove the lines before the header from the text',
  nrows: 'take rows of the returned frame (frame.take)',
  encoding: 'the text is read as UTF-8',
  fileEncoding: 'the text is read as UTF-8',
  'comment.char': 'comment lines are not recognised',
  columns: 'the first row is always the header',
  cast: 'a column is numeric when every present cell is a number, else text',
};

/** The params of {@link parseCsv} and `readCsv`. */
export type CsvParams = Params<typeof CSV_OPTIONS>;

/**
 * Reads the options of {@link parseCsv} / `readCsv` (`fn` names the caller in messages).
 *
 * @throws {CausalPanelError} `unknown_option` (R's `sep` says to use `delimiter`), `invalid_option`
 * @example
 * readCsvOptions('readCsv', { delimiter: ';' }); // { delimiter: ';' }
 */
export function readCsvOptions(fn: string, options: unknown): CsvParams {
  return readOptions(fn, options, CSV_OPTIONS, { unsupported: CSV_UNSUPPORTED });
}

/**
 * Parses CSV text (header row first) into a {@link Frame}.
 *
 * @example
 * parseCsv('y,g\n1,a\nNA,b\n').columns.y; // Float64Array [1, NaN]
 * parseCsv('y;g\n1;a\n', { delimiter: ';' }).names; // ['y', 'g']
 * @throws {CausalPanelError} `empty_data` when there is no header or no rows; `invalid_option`
 *   naming the line of a malformed record; `unknown_option`
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): Frame {
  const { delimiter } = readCsvOptions('parseCsv', options);
  if (typeof text !== 'string') throw new CausalPanelError('invalid_option', `parseCsv: text must be a string (got ${typeof text})`, { fn: 'parseCsv', value: text });
  const records = readRecords(text, delimiter);
  if (records.length === 0) throw new CausalPanelError('empty_data', 'parseCsv: no header row', { fn: 'parseCsv' });
  const header = records[0]!;
  if (records.length === 1) throw new CausalPanelError('empty_data', 'parseCsv: no data rows', { fn: 'parseCsv' });
  const nrow = records.length - 1;
  const columns: Record<string, Column> = Object.create(null);
  const names: string[] = [];
  header.forEach((rawName, j) => {
    // An unnamed column (R's write.csv row names) is called V<j>, as read.csv(header = FALSE) does.
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
