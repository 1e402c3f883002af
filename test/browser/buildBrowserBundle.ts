/**
 * Builds `causal-panel/browser` with the repository's tsup.browser.config.ts into a temporary
 * directory (never over dist/), once per test worker, and returns the file and esbuild's metafile.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Options } from 'tsup';
import browserConfig from '../../tsup.browser.config.js';

/** The built bundle: its path, its text, and esbuild's metafile for it. */
export interface BrowserBundle {
  path: string;
  code: string;
  metafile: { outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; bytes: number }> };
}

let pending: Promise<BrowserBundle> | undefined;

/** tsup with the browser config, into a fresh temporary directory, with a metafile. */
export function buildBrowserBundle(): Promise<BrowserBundle> {
  pending ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'causal-panel-browser-'));
    await build({ ...(browserConfig as Options), outDir, metafile: true, silent: true, config: false });
    const path = join(outDir, 'browser.js');
    return { path, code: readFileSync(path, 'utf8'), metafile: JSON.parse(readFileSync(join(outDir, 'metafile-esm.json'), 'utf8')) };
  })();
  return pending;
}
