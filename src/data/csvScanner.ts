/**
 * The byte-level CSV scanner under `parseCsv` and `readCsv`: UTF-8 bytes in, typed columns out,
 * no per-row objects. It is incremental (`push` chunks, then `finish`), so `readCsv` can stream a
 * file that is larger than its text would be in memory.
 *
 * A column is read as numbers until a present cell is not a number (R's `type.convert`); from
 * then on it is text, and the caller reads its cells as written in a second pass over the same
 * bytes (`textPass`) — so "1.50" stays "1.50" in a text column. Numbers are parsed from the bytes
 * with Clinger's fast path (a mantissa below 2^53 and a power of ten up to 22 give the correctly
 * rounded double with one multiplication or division) and otherwise by `Number()` on the cell's
 * text, so every value equals `Number(text)`.
 */
import { CausalPanelError } from '../errors.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** What a cell holds, as the scanner classifies it. */
const MISSING = 0;
const NUMBER = 1;
const TEXT = 2;

/** Growable Float64 storage for a numeric column. */
class NumberColumn {
  values: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.values.length) this.grow();
    this.values[this.length++] = value;
  }
  grow(): void {
    const next = new Float64Array(this.values.length * 2);
    next.set(this.values);
    this.values = next;
  }
}

/** The dialect of one file: field delimiter and decimal mark (both one byte). */
export interface CsvDialect {
  readonly delimiter: number;
  readonly decimal: number;
}

/**
 * Scans CSV bytes into columns. `header` is set by the first record; `columns[j]` holds the
 * numbers of column j while it is numeric; `isText[j]` turns true at its first non-number.
 */
export class CsvScanner {
  header: string[] | undefined;
  numbers: NumberColumn[] = [];
  isText: boolean[] = [];
  /** Data records read so far. */
  rows = 0;
  /** 1-based line of the next record (for messages). */
  line = 1;
  private readonly decoder = new TextDecoder();
  private field = 0;
  private fieldText: string[] = [];
  /** The value {@link plainNumber} read. */
  private readonly parsed = new Float64Array(1);
  /** One record's values on the fast path, stored once its line end is seen. */
  private pending: Float64Array | undefined;
  /** Initial capacity of the numeric columns (from {@link CsvScanner.expectRows}). */
  private expectedRows = 1024;

  /**
   * Sizes the columns for about `rows` records before the header is read, so that a large file
   * fills them without the copies of repeated doubling.
   */
  expectRows(rows: number): void {
    this.expectedRows = Math.max(16, Math.min(Math.ceil(rows), 1 << 27));
  }

  constructor(readonly fn: string, readonly dialect: CsvDialect, private readonly textColumns?: readonly boolean[], private readonly onText?: (column: number, row: number, value: string | null) => void) {}

  /**
   * Scans every complete record of `bytes` (from `start`); returns the offset of the first byte
   * not consumed (a record cut by the chunk's end), or `bytes.length` when `final`.
   */
  push(bytes: Uint8Array, start: number, final: boolean): number {
    const n = bytes.length;
    const { delimiter } = this.dialect;
    let i = start;
    while (i < n) {
      if (this.header !== undefined && this.textColumns === undefined) {
        i = this.numericRecords(bytes, i, n);
        if (i >= n) break;
      }
      const recordStart = i;
      const recordLine = this.line;
      // Empty lines are skipped (read.csv's blank.lines.skip).
      if (bytes[i] === LF) { i++; this.line++; continue; }
      if (bytes[i] === CR) {
        if (i + 1 >= n) {
          if (!final) return this.rollback(recordStart, recordLine);
          i++; continue;
        }
        if (bytes[i + 1] !== LF) throw this.error('a carriage return that does not end a line', recordLine);
        i += 2; this.line++; continue;
      }
      this.field = 0;
      let complete = false;
      for (;;) {
        let cellStart = i;
        let cellEnd: number;
        let quoted = false;
        let hasDoubledQuote = false;
        let fast = false;
        if (bytes[i] === QUOTE) {
          quoted = true;
          i++;
          cellStart = i;
          for (;;) {
            if (i >= n) {
              if (!final) return this.rollback(recordStart, recordLine);
              throw this.error('unterminated quoted field', recordLine);
            }
            const c = bytes[i]!;
            if (c === QUOTE) {
              if (i + 1 >= n && !final) return this.rollback(recordStart, recordLine);
              if (bytes[i + 1] === QUOTE) { hasDoubledQuote = true; i += 2; continue; }
              break;
            }
            if (c === LF) this.line++;
            i++;
          }
          cellEnd = i;
          i++;
          if (i >= n && !final) return this.rollback(recordStart, recordLine);
          if (i < n) {
            const next = bytes[i]!;
            if (next !== delimiter && next !== LF && next !== CR) throw this.error(`unexpected ${JSON.stringify(String.fromCharCode(next))} after a closing quote`, this.line);
          }
        } else {
          // The common case first: a plain number of a numeric column, parsed as the bytes are scanned.
          const j = this.field;
          if (this.header !== undefined && this.textColumns === undefined && j < this.header.length && !this.isText[j]) {
            const end = plainNumber(bytes, i, n, this.dialect.decimal, delimiter, this.parsed);
            if (end >= 0 && (end < n || final)) {
              this.numbers[j]!.push(this.parsed[0]!);
              this.field++;
              fast = true;
              i = end;
            }
          }
          if (!fast) {
            while (i < n) {
              const c = bytes[i]!;
              if (c === delimiter || c === LF || c === CR) break;
              if (c === QUOTE) throw this.error('quote inside an unquoted field', this.line);
              i++;
            }
            if (i >= n && !final) return this.rollback(recordStart, recordLine);
          }
          cellEnd = i;
        }
        if (i < n && bytes[i] === CR) {
          if (i + 1 >= n && !final) return this.rollback(recordStart, recordLine);
          if (bytes[i + 1] !== LF) throw this.error('a carriage return that does not end a line', this.line);
        }
        if (!fast) this.cell(bytes, cellStart, cellEnd, quoted, hasDoubledQuote);
        if (i < n && bytes[i] === delimiter) { i++; continue; }
        if (i < n) { i += bytes[i] === CR ? 2 : 1; this.line++; }
        complete = true;
        break;
      }
      if (complete) this.endRecord(recordLine);
    }
    return n;
  }

  /**
   * The fast path over whole records whose every cell is a plain number of a numeric column
   * (the bulk of a panel file): one pass over the bytes, values parsed as they are scanned, a
   * record's values stored only once its line end is seen. Returns where it stopped — the start of
   * the first record it cannot take (a quote, text, a missing cell, the end of the chunk), which
   * the general path then reads.
   */
  private numericRecords(bytes: Uint8Array, start: number, n: number): number {
    const width = this.header!.length;
    const isText = this.isText;
    for (let j = 0; j < width; j++) if (isText[j]) return start;
    const columns = this.numbers;
    const pending = (this.pending ??= new Float64Array(width));
    const { delimiter, decimal } = this.dialect;
    let i = start;
    let records = 0;
    outer: while (i < n) {
      let p = i;
      for (let j = 0; ; j++) {
        // plainNumber's grammar, inlined: a call per cell costs a quarter of the scan (docs/numerics.md)
        let k = p;
        const negative = bytes[k] === 0x2d;
        if (negative) k++;
        let mantissa = 0;
        let scale = 0;
        let d = 0;
        const integerStart = k;
        while (k < n && (d = bytes[k]! - 0x30) >>> 0 <= 9) {
          mantissa = mantissa * 10 + d;
          k++;
        }
        let digits = k - integerStart;
        if (k < n && bytes[k] === decimal) {
          k++;
          const fractionStart = k;
          while (k < n && (d = bytes[k]! - 0x30) >>> 0 <= 9) {
            mantissa = mantissa * 10 + d;
            k++;
          }
          digits += k - fractionStart;
          scale = fractionStart - k;
        }
        if (digits === 0 || k >= n) break outer;
        let c = bytes[k]!;
        if (c === 0x65 || c === 0x45) {
          k++;
          let expNegative = false;
          if (bytes[k] === 0x2d || bytes[k] === 0x2b) { expNegative = bytes[k] === 0x2d; k++; }
          let exponent = 0;
          let expDigits = 0;
          while (k < n && (d = bytes[k]! - 0x30) >>> 0 <= 9) { exponent = exponent * 10 + d; expDigits++; k++; }
          if (expDigits === 0 || expDigits > 4 || k >= n) break outer;
          scale += expNegative ? -exponent : exponent;
          c = bytes[k]!;
        }
        if (digits > 15 || scale < -22 || scale > 22) break outer;
        const magnitude = scale >= 0 ? mantissa * POWERS_OF_TEN[scale]! : mantissa / POWERS_OF_TEN[-scale]!;
        pending[j] = negative ? -magnitude : magnitude;
        if (c === delimiter) {
          if (j + 1 >= width) break outer;
          p = k + 1;
          continue;
        }
        let end: number;
        if (c === LF) end = k + 1;
        else if (c === CR && k + 1 < n && bytes[k + 1] === LF) end = k + 2;
        else break outer;
        if (j + 1 !== width) break outer;
        for (let m = 0; m < width; m++) {
          const column = columns[m]!;
          if (column.length === column.values.length) column.grow();
          column.values[column.length++] = pending[m]!;
        }
        records++;
        i = end;
        break;
      }
    }
    this.rows += records;
    this.line += records;
    return i;
  }

  /** Undoes the cells of a record cut by the end of a chunk; it is read again with the next one. */
  private rollback(recordStart: number, recordLine: number): number {
    this.line = recordLine;
    this.fieldText = [];
    for (const column of this.numbers) if (column.length > this.rows) column.length = this.rows;
    return recordStart;
  }

  private cell(bytes: Uint8Array, start: number, end: number, quoted: boolean, doubled: boolean): void {
    const j = this.field++;
    if (this.header === undefined) {
      this.fieldText.push(this.text(bytes, start, end, doubled));
      return;
    }
    if (j >= this.header.length) return; // counted and reported by endRecord
    if (this.textColumns !== undefined) {
      if (this.textColumns[j]) {
        const raw = this.text(bytes, start, end, doubled);
        this.onText!(j, this.rows, isMissingCell(raw) ? null : raw);
      }
      return;
    }
    if (this.isText[j]) return;
    const column = this.numbers[j]!;
    const kind = quoted ? this.classifyText(this.text(bytes, start, end, doubled), column) : this.classifyBytes(bytes, start, end, column);
    if (kind === TEXT) this.isText[j] = true;
  }

  private endRecord(line: number): void {
    if (this.header === undefined) {
      this.header = this.fieldText;
      this.fieldText = [];
      for (let j = 0; j < this.header.length; j++) {
        this.numbers.push(new NumberColumn(this.expectedRows));
        this.isText.push(false);
      }
      return;
    }
    if (this.field !== this.header.length) throw this.error(`record has ${this.field} fields, the header has ${this.header.length}`, line);
    this.rows++;
  }

  private text(bytes: Uint8Array, start: number, end: number, doubled: boolean): string {
    let ascii = end - start <= 32;
    for (let k = start; ascii && k < end; k++) if (bytes[k]! >= 0x80) ascii = false;
    const text = ascii ? String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]) : this.decoder.decode(bytes.subarray(start, end));
    return doubled ? text.replaceAll('""', '"') : text;
  }

  /** Reads an unquoted cell as missing or a number straight from the bytes; TEXT otherwise. */
  private classifyBytes(bytes: Uint8Array, start: number, end: number, column: NumberColumn): number {
    let a = start;
    let b = end;
    while (a < b && (bytes[a] === SPACE || bytes[a] === TAB)) a++;
    while (b > a && (bytes[b - 1] === SPACE || bytes[b - 1] === TAB)) b--;
    if (a === b) { column.push(NaN); return MISSING; }
    // within the trimmed cell a number must reach its end (no delimiter can stand inside it)
    if (plainNumber(bytes, a, b, this.dialect.decimal, this.dialect.delimiter, this.parsed) === b) {
      column.push(this.parsed[0]!);
      return NUMBER;
    }
    return this.classifyText(this.text(bytes, start, end, false), column);
  }

  /** The slow path: the cell's text through the one number reader's rules. */
  private classifyText(raw: string, column: NumberColumn): number {
    const text = raw.trim();
    if (isMissingCell(text)) { column.push(NaN); return MISSING; }
    const value = readNumberText(this.dialect.decimal === 0x2c ? text.replace(',', '.') : text, this.dialect.decimal === 0x2c && text.includes('.'));
    if (value === undefined) return TEXT;
    column.push(value);
    return NUMBER;
  }

  private error(what: string, line: number): CausalPanelError {
    return new CausalPanelError('invalid_option', `${this.fn}: ${what} (line ${line})`, { fn: this.fn, row: line - 1 });
  }
}

/**
 * Reads a plain number starting at `i` — optional `-`, digits, decimal mark, digits, an
 * exponent — that ends at a delimiter or line end, with at most 15 significant digits and a
 * power of ten within ±22 (so one multiplication or division is correctly rounded); returns
 * where it ends and leaves the value in `out[0]`, or −1 for anything else (read by the slow path).
 */
function plainNumber(bytes: Uint8Array, start: number, n: number, decimal: number, delimiter: number, out: Float64Array): number {
  let k = start;
  const negative = bytes[k] === 0x2d;
  if (negative) k++;
  let mantissa = 0;
  let scale = 0;
  let d = 0;
  // Leading zeros count as digits too: a rare longer number takes the exact slow path.
  const integerStart = k;
  while (k < n && (d = bytes[k]! - 0x30) >>> 0 <= 9) {
    mantissa = mantissa * 10 + d;
    k++;
  }
  let digits = k - integerStart;
  if (k < n && bytes[k] === decimal) {
    k++;
    const fractionStart = k;
    while (k < n && (d = bytes[k]! - 0x30) >>> 0 <= 9) {
      mantissa = mantissa * 10 + d;
      k++;
    }
    digits += k - fractionStart;
    scale = fractionStart - k;
  }
  if (digits === 0) return -1;
  if (k < n && (bytes[k] === 0x65 || bytes[k] === 0x45)) {
    k++;
    let expNegative = false;
    if (bytes[k] === 0x2d || bytes[k] === 0x2b) { expNegative = bytes[k] === 0x2d; k++; }
    let exponent = 0;
    let expDigits = 0;
    while (k < n && (d = bytes[k]! - 0x30) >>> 0 <= 9) { exponent = exponent * 10 + d; expDigits++; k++; }
    if (expDigits === 0 || expDigits > 4) return -1;
    scale += expNegative ? -exponent : exponent;
  }
  if (k < n) {
    const c = bytes[k]!;
    if (c !== delimiter && c !== LF && c !== CR) return -1;
  }
  if (digits > 15 || scale < -22 || scale > 22) return -1;
  const magnitude = scale >= 0 ? mantissa * POWERS_OF_TEN[scale]! : mantissa / POWERS_OF_TEN[-scale]!;
  out[0] = negative ? -magnitude : magnitude;
  return k;
}

/** Cells meaning "missing" in a data file: empty, `NA`, `NaN`, Stata's `.`. */
export function isMissingCell(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || trimmed === 'NA' || trimmed === 'NaN' || trimmed === '.';
}

/** R's `type.convert` numbers: decimals, exponents, `Inf`, `TRUE`/`FALSE`; `undefined` otherwise. */
function readNumberText(text: string, refuse: boolean): number | undefined {
  if (refuse) return undefined;
  if (text === 'Inf' || text === 'Infinity' || text === '+Inf') return Infinity;
  if (text === '-Inf' || text === '-Infinity') return -Infinity;
  if (text === 'TRUE') return 1;
  if (text === 'FALSE') return 0;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}
