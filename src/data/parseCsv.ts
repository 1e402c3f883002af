/**
 * CSV text or bytes → Frame. Empty cells, `NA`, `NaN` and `.` are missing; a column is numeric when
 * every present cell reads as a number (as R's `read.csv`).
 *
 * The bytes are read by `csvScanner.ts` (RFC 4180: quoted fields with delimiters, doubled quotes
 * and newlines; CRLF or LF; BOM removed; empty lines skipped; every record as long as the header).
 * The delimiter (`,` `;` tab `|`) and the decimal mark (`,` only with `;`, as R's `read.csv2`) are
 * found from the first lines unless given.
 */
import { CausalPanelError } from '../errors.js';
import { invalidOption, opt, readOptions, type Params } from '../options.js';
import { CsvScanner, type CsvDialect } from './csvScanner.js';
import { Frame, type Column } from './frame.js';

/**
 * Options for {@link parseCsv} and `readCsv`.
 *
 * @example
 * const options: ParseCsvOptions = { delimiter: ';' };
 * parseCsv('y;g\n1;a\n2;NA\n', options).columns.g; // ['a', null]
 */
export interface ParseCsvOptions {
  /** Field delimiter, one character (R's `sep`); by default the one of `,` `;` tab `|` that splits the first lines evenly. */
  delimiter?: string;
  /** Decimal mark, `'.'` or `','` (R's `dec`); by default `','` only when the delimiter is `;` and the first lines write numbers as `1,5`. */
  decimal?: '.' | ',';
}

const CSV_OPTIONS = {
  delimiter: opt.custom((value, at): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length !== 1 || value === '"' || value === '\n' || value === '\r') {
      throw invalidOption(at, 'one character other than a quote or a newline', value);
    }
    return value;
  }),
  decimal: opt.oneOf(['.', ','] as const),
};

/** R `read.csv` / csv-parse arguments without a counterpart here, with what happens instead. */
const CSV_UNSUPPORTED: Readonly<Record<string, string>> = {
  sep: 'use delimiter',
  dec: 'use decimal',
  header: 'the first row is always the header',
  quote: 'fields are quoted with " (RFC 4180)',
  'na.strings': 'empty cells and NA are missing',
  naStrings: 'empty cells and NA are missing',
  colClasses: 'a column is numeric when every present cell is a number, else text',
  stringsAsFactors: 'text columns stay text: ask for a factor with factor(x) in a formula',
  skip: 'remove the lines before the header from the text',
  nrows: 'take rows of the returned frame (frame.take)',
  encoding: 'the bytes are read as UTF-8',
  fileEncoding: 'the bytes are read as UTF-8',
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
 * readCsvOptions('readCsv', { delimiter: ';' }); // { delimiter: ';', decimal: undefined }
 */
export function readCsvOptions(fn: string, options: unknown): CsvParams {
  return readOptions(fn, options, CSV_OPTIONS, { unsupported: CSV_UNSUPPORTED });
}

/**
 * Parses CSV (header row first) from text or UTF-8 bytes into a {@link Frame}.
 *
 * @example
 * parseCsv('y,g\n1,a\nNA,b\n').columns.y; // Float64Array [1, NaN]
 * parseCsv('y;g\n1,5;a\n', {}).columns.y; // Float64Array [1.5] (semicolons and decimal commas found)
 * @throws {CausalPanelError} `empty_data` when there is no header or no rows; `invalid_option`
 *   naming the line of a malformed record; `unknown_option`
 */
export function parseCsv(text: string | Uint8Array, options: ParseCsvOptions = {}): Frame {
  const params = readCsvOptions('parseCsv', options);
  if (typeof text !== 'string' && !(text instanceof Uint8Array)) throw new CausalPanelError('invalid_option', `parseCsv: text must be a string or a Uint8Array (got ${typeof text})`, { fn: 'parseCsv', value: text });
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const start = bomLength(bytes);
  const scanner = new CsvScanner('parseCsv', csvDialect(bytes.subarray(start, start + 65536), params));
  scanner.expectRows(estimateRows(bytes.subarray(start, start + 65536), bytes.length - start));
  scanner.push(bytes, start, true);
  const textCells = readTextColumns(scanner, (second) => { second.push(bytes, start, true); });
  return csvFrame('parseCsv', scanner, textCells);
}

/**
 * About how many records `total` bytes hold, from the length of the lines in the first bytes
 * (10 % over, so that a file of even lines needs no second allocation).
 */
export function estimateRows(head: Uint8Array, total: number): number {
  let lines = 0;
  let last = -1;
  for (let i = 0; i < head.length; i++) if (head[i] === 0x0a) { lines++; last = i; }
  if (lines < 2) return 1024;
  return (total / ((last + 1) / lines)) * 1.1;
}

/** 3 when the bytes start with the UTF-8 byte-order mark, else 0. */
export function bomLength(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * The delimiter and decimal mark of a file from its first bytes and the options: the candidate
 * (`,` `;` tab `|`) found most often, and equally often, on the first lines outside quotes; the
 * decimal comma only with `;` and numbers written `1,5`.
 */
export function csvDialect(head: Uint8Array, params: CsvParams): CsvDialect {
  const sample = new TextDecoder().decode(head);
  const lines = sample.split(/\r?\n/).slice(0, 30).filter((line) => line !== '');
  if (head.length === 65536 && lines.length > 1) lines.pop(); // may be cut
  let delimiter = params.delimiter;
  if (delimiter === undefined) {
    delimiter = ',';
    let best = 0;
    for (const candidate of [',', ';', '\t', '|']) {
      const counts = lines.map((line) => countOutsideQuotes(line, candidate));
      const first = counts[0] ?? 0;
      if (first > best && counts.every((count) => count === first)) { delimiter = candidate; best = first; }
    }
  }
  let decimal = params.decimal;
  if (decimal === undefined) {
    const body = lines.slice(1).join('\n');
    decimal = delimiter === ';' && /(^|;)\s*-?\d+,\d+\s*(;|$)/m.test(body) && !/(^|;)\s*-?\d+\.\d+\s*(;|$)/m.test(body) ? ',' : '.';
  }
  if (decimal === delimiter) throw new CausalPanelError('invalid_option', `parseCsv: decimal and delimiter are both "${decimal}"`, { fn: 'parseCsv', value: decimal });
  return { delimiter: delimiter.charCodeAt(0), decimal: decimal.charCodeAt(0) };
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) count++;
  }
  return count;
}

/**
 * The cells of the columns that turned out to be text, read as written by a second scan
 * (`rescan` pushes the same bytes again through the scanner it is given).
 */
export function readTextColumns(scanner: CsvScanner, rescan: (second: CsvScanner) => void): Map<number, (string | null)[]> {
  const textColumns = scanner.isText.slice();
  const cells = new Map<number, (string | null)[]>();
  textColumns.forEach((isText, j) => { if (isText) cells.set(j, new Array<string | null>(scanner.rows).fill(null)); });
  if (cells.size === 0) return cells;
  const second = new CsvScanner(scanner.fn, scanner.dialect, textColumns, (column, row, value) => { cells.get(column)![row] = value; });
  rescan(second);
  return cells;
}

/** The frame of a finished scan. */
export function csvFrame(fn: string, scanner: CsvScanner, textCells: Map<number, (string | null)[]>): Frame {
  const header = scanner.header;
  if (header === undefined) throw new CausalPanelError('empty_data', `${fn}: no header row`, { fn });
  if (scanner.rows === 0) throw new CausalPanelError('empty_data', `${fn}: no data rows`, { fn });
  const columns: Record<string, Column> = Object.create(null);
  const names: string[] = [];
  header.forEach((rawName, j) => {
    // An unnamed column (R's write.csv row names) is called V<j>, as read.csv(header = FALSE) does.
    const name = rawName === '' ? `V${j + 1}` : rawName;
    const numbers = scanner.numbers[j]!;
    // A view when the estimate was close (no copy); a copy when it overshot by more than a quarter.
    const values = numbers.values.length <= scanner.rows * 1.25 ? numbers.values.subarray(0, scanner.rows) : numbers.values.slice(0, scanner.rows);
    columns[name] = textCells.get(j) ?? values;
    names.push(name);
  });
  return new Frame(columns, names);
}
