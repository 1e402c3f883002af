/**
 * causal-panel/node: file reading for Node.js (the only module that touches `node:fs`).
 */
import { readFile } from 'node:fs/promises';
import { parseCsv, readCsvOptions, type ParseCsvOptions } from './data/parseCsv.js';
import type { Frame } from './data/frame.js';

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
