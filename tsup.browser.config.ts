import { defineConfig } from 'tsup';

/**
 * `causal-panel/browser` (dist/browser.js): one self-contained, minified ES module — every
 * dependency (ml-matrix, @stdlib/*) bundled, no bare imports, no node:* — for a `<script
 * type="module">` or an import map without a bundler. Built after the main config by `npm run
 * build` (its own pass, so that the main build's `clean` cannot race it). test/browser/
 * bundle.contract.test.ts checks that it is self-contained and within its size budget;
 * test/browser/engines.self.test.ts runs it in headless Chromium against Node.
 */
export default defineConfig({
  entry: { browser: 'src/index.ts' },
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  noExternal: [/./],
  minify: true,
  sourcemap: true,
  dts: false,
  clean: false,
  splitting: false,
  outDir: 'dist',
});
