/**
 * `node:fs` for the code blocks of the docs run by test/docs.examples.test.ts: everything is the
 * real module except `writeFileSync`, which writes into a temporary directory (by base name) so
 * that a doc block such as `writeFileSync('attgt.svg', svg)` leaves no file in the repository.
 */
import { mkdirSync, writeFileSync as realWriteFileSync, type WriteFileOptions } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export * from 'node:fs';

/** Where the doc blocks' files go. */
export const docsOutDir = join(tmpdir(), 'causal-panel-docs-out');

/** `writeFileSync` redirected to {@link docsOutDir}. @example writeFileSync('a.svg', '<svg/>') */
export function writeFileSync(file: string, data: string | NodeJS.ArrayBufferView, options?: WriteFileOptions): void {
  mkdirSync(docsOutDir, { recursive: true });
  realWriteFileSync(join(docsOutDir, basename(String(file))), data, options);
}
