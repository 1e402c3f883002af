/**
 * The worker pool in headless Chromium (Debian's chromium via playwright-core, as
 * test/browser/engines.self.test.ts), on the browser bundle and a browser build of src/worker.ts
 * served from localhost with COOP/COEP headers (cross-origin isolated, so SharedArrayBuffer exists):
 *   - on the page's main thread, where Atomics.wait is forbidden, `workers: 2` is a typed
 *     `invalid_option` error and `'auto'` runs single-threaded with the same numbers;
 *   - inside a module Web Worker, a pool of nested workers (after `await pool.ready`) gives
 *     multiplierBootstrap draws bit-identical to one thread.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build, type Options } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import browserConfig from '../../tsup.browser.config.js';
import { buildBrowserBundle } from '../browser/buildBrowserBundle.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser | undefined;
let server: Server | undefined;
let origin = '';

const RUNNER = `
import * as cp from '/browser.js';
self.onmessage = async () => {
  const out = { isolated: self.crossOriginIsolated };
  try {
    const psi = Float64Array.from({ length: 900 }, (_, i) => Math.sin(0.37 * i));
    const pool = cp.createWorkerPool(2);
    await pool.ready;
    const one = cp.multiplierBootstrap(psi, 300, 3, { reps: 499, seed: 2 });
    const two = cp.multiplierBootstrap(psi, 300, 3, { reps: 499, seed: 2, workers: pool });
    out.same = one.draws.every((x, i) => x === two.draws[i]);
    out.critical = [one.critical, two.critical];
    pool.close();
  } catch (e) { out.error = String((e && e.message) || e); }
  self.postMessage(out);
};`;

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`workers browser test: no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const bundle = await buildBrowserBundle();
  const workerDir = mkdtempSync(join(tmpdir(), 'causal-panel-worker-'));
  await build({ ...(browserConfig as Options), entry: { worker: 'src/worker.ts' }, outDir: workerDir, silent: true, config: false, sourcemap: false });
  const files: Record<string, string> = { '/browser.js': bundle.code, '/worker.js': readFileSync(join(workerDir, 'worker.js'), 'utf8'), '/runner.js': RUNNER };
  // A real server (nested workers' requests bypass page.route), on localhost: a secure context.
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Content-Type', files[path] === undefined ? 'text/html' : 'text/javascript');
    response.end(files[path] ?? '<!doctype html><title>causal-panel workers</title>');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://localhost:${typeof address === 'object' && address !== null ? address.port : 0}`;
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('the worker pool in Chromium', () => {
  it('main thread: workers 2 is a typed error, "auto" runs on one thread; in a Web Worker: 2 nested workers, same draws', async () => {
    const page = await browser!.newPage();
    await page.goto(`${origin}/`);
    const result = (await page.evaluate(`(async () => {
      const cp = await import('/browser.js');
      const out = { isolated: self.crossOriginIsolated };
      const psi = Float64Array.from({ length: 30 }, (_, i) => Math.sin(i));
      try { cp.multiplierBootstrap(psi, 30, 1, { reps: 99, seed: 1, workers: 2 }); out.main = 'no error'; } catch (e) { out.main = e.code + ': ' + e.message; }
      out.auto = cp.multiplierBootstrap(psi, 30, 1, { reps: 99, seed: 1, workers: 'auto' }).critical === cp.multiplierBootstrap(psi, 30, 1, { reps: 99, seed: 1 }).critical;
      const w = new Worker('/runner.js', { type: 'module' });
      out.worker = await new Promise((resolve) => {
        w.onmessage = (e) => resolve(e.data);
        w.onerror = (e) => resolve({ error: 'runner failed: ' + e.message });
        setTimeout(() => resolve({ error: 'timeout' }), 60000);
        w.postMessage('go');
      });
      return out;
    })()`)) as { isolated: boolean; main: string; auto: boolean; worker: { isolated?: boolean; same?: boolean; critical?: number[]; error?: string } };
    await page.close();
    expect(result.isolated).toBe(true);
    expect(result.main).toBe(`invalid_option: multiplierBootstrap: option "workers" needs a thread that may block (a Web Worker or Node), not a page's main thread; run the estimator in a Web Worker or use workers: 1`);
    expect(result.auto).toBe(true);
    expect(result.worker.error).toBeUndefined();
    expect(result.worker.isolated).toBe(true);
    expect(result.worker.same).toBe(true);
    expect(result.worker.critical![1]).toBe(result.worker.critical![0]);
  }, 120_000);
});
