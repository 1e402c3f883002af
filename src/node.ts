/**
 * causal-panel/node: file reading for Node.js (the only module that touches `node:fs`).
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { bomLength, csvDialect, csvFrame, estimateRows, readCsvOptions, readTextColumns, type ParseCsvOptions } from './data/parseCsv.js';
import { CsvScanner } from './data/csvScanner.js';
import type { Frame } from './data/frame.js';
import { parseDta, type ParseDtaOptions } from './data/parseDta.js';
import { parseSav, type ParseSavOptions } from './data/parseSav.js';
import { parseParquet, type ParseParquetOptions } from './data/parseParquet.js';

/**
 * Reads a CSV file (UTF-8) into a {@link Frame}, as {@link parseCsv} reads text. The file is read
 * in chunks of 16 MiB straight into typed columns, so its text never has to fit in memory; a
 * column that turns out to be text is read again, as written, in a second pass over the file.
 * The options are checked before the file is opened.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option`, and parseCsv's errors; a missing
 *   file rejects with Node's own error (`ENOENT`)
 * @example
 * const mpdta = await readCsv('fixtures/datasets/mpdta.csv');
 * mpdta.nrow; // 2500
 */
export async function readCsv(path: string, options: ParseCsvOptions = {}): Promise<Frame> {
  const params = readCsvOptions('readCsv', options);
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const head = new Uint8Array(Math.min(size, 65536 + 3));
    await file.read(head, 0, head.length, 0);
    const start = bomLength(head);
    const scanner = new CsvScanner('readCsv', csvDialect(head.subarray(start, start + 65536), params));
    scanner.expectRows(estimateRows(head.subarray(start), size - start));
    await scanFile(file, size, start, scanner);
    const pending: Promise<void>[] = [];
    const textCells = readTextColumns(scanner, (second) => { pending.push(scanFile(file, size, start, second)); });
    await Promise.all(pending);
    return csvFrame('readCsv', scanner, textCells);
  } finally {
    await file.close();
  }
}

const CHUNK_BYTES = 1 << 24;

/** Pushes the file through the scanner chunk by chunk, carrying a cut record over to the next chunk. */
async function scanFile(file: FileHandle, size: number, start: number, scanner: CsvScanner): Promise<void> {
  let carry = new Uint8Array(0);
  let position = start;
  do {
    const length = Math.min(CHUNK_BYTES, size - position);
    const buffer = new Uint8Array(carry.length + length);
    buffer.set(carry);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await file.read(buffer, carry.length + filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    position += filled;
    const final = position >= size || filled === 0;
    const consumed = scanner.push(buffer.subarray(0, carry.length + filled), 0, final);
    carry = buffer.slice(consumed, carry.length + filled);
    if (final) break;
  } while (position < size);
}

export { parseCsv } from './data/parseCsv.js';

/**
 * Reads a Stata `.dta` file (format 117–119) into a {@link Frame}, as {@link parseDta} reads bytes.
 *
 * @throws {CausalPanelError} parseDta's errors; a missing file rejects with Node's `ENOENT`
 * @example
 * const lalonde = await readDta('fixtures/datasets/lalonde_stata14.dta');
 * lalonde.column('race')[0]; // 'black'
 */
export async function readDta(path: string, options: ParseDtaOptions = {}): Promise<Frame> {
  return parseDta(await readFile(path), options);
}

/**
 * Reads an SPSS `.sav` file into a {@link Frame}, as {@link parseSav} reads bytes.
 *
 * @throws {CausalPanelError} parseSav's errors; a missing file rejects with Node's `ENOENT`
 * @example
 * const lalonde = await readSav('fixtures/datasets/lalonde.sav');
 * lalonde.column('race')[0]; // 'black'
 */
export async function readSav(path: string, options: ParseSavOptions = {}): Promise<Frame> {
  return parseSav(await readFile(path), options);
}

/**
 * Reads a Parquet file into a {@link Frame}, as {@link parseParquet} reads bytes.
 *
 * @throws {CausalPanelError} parseParquet's errors; a missing file rejects with Node's `ENOENT`
 * @example
 * const lalonde = await readParquet('fixtures/datasets/lalonde.parquet', { columns: ['treat', 're78'] });
 * lalonde.names; // ['treat', 're78']
 */
export async function readParquet(path: string, options: ParseParquetOptions = {}): Promise<Frame> {
  return parseParquet(await readFile(path), options);
}

export { parseDta, parseSav, parseParquet };
