/**
 * causal-panel/node: file reading for Node.js (the only module that touches `node:fs`).
 */
import { readFile } from 'node:fs/promises';
import { parseCsv, type ParseCsvOptions } from './data/parseCsv.js';
import type { Frame } from './data/frame.js';

/**
 * Reads a CSV file into a {@link Frame}.
 *
 * @example
 * const mpdta = await readCsv('fixtures/datasets/mpdta.csv');
 * mpdta.nrow; // 2500
 */
export async function readCsv(path: string, options: ParseCsvOptions = {}): Promise<Frame> {
  const text = await readFile(path, 'utf8');
  return parseCsv(text, options);
}

export { parseCsv } from './data/parseCsv.js';
