/**
 * causal-panel/node: file reading for Node.js (the only module that touches `node:fs`).
 */
import { readFile } from 'node:fs/promises';
import { parseCsv, readCsvOptions, type ParseCsvOptions } from './data/parseCsv.js';
import type { Frame } from './data/frame.js';
import { parseDta, type ParseDtaOptions } from './data/parseDta.js';
import { parseSav, type ParseSavOptions } from './data/parseSav.js';
import { parseParquet, type ParseParquetOptions } from './data/parseParquet.js';

/**
 * Reads a CSV file (UTF-8) into a {@link Frame}, as {@link parseCsv} reads text. The options are
 * checked before the file is read.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option`, and parseCsv's errors; a missing
 *   file rejects with Node's own error (`ENOENT`)
 * @example
 * const mpdta = await readCsv('fixtures/datasets/mpdta.csv');
 * mpdta.nrow; // 2500
 */
export async function readCsv(path: string, options: ParseCsvOptions = {}): Promise<Frame> {
  const params = readCsvOptions('readCsv', options);
  const text = await readFile(path, 'utf8');
  return parseCsv(text, params);
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
