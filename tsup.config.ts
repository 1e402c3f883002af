import { defineConfig } from 'tsup';

/**
 * The Node/bundler builds (ESM + CommonJS + .d.ts). The numerical dependencies — the @stdlib
 * functions, ml-matrix and hyparquet — are bundled into dist (only the functions used: esbuild
 * drops the rest), so the package installs with no dependencies at all (35 MB and 239 @stdlib
 * packages before, for about a dozen functions); the code that runs is the same, so is every bit.
 * ESM and CJS share one chunk per entry point pair, and Frame / CausalPanelError carry a
 * Symbol.for brand, so mixing `require` and `import` is safe.
 */
export default defineConfig({
  // src/worker.ts: the worker thread entry of createWorkerPool (dist/worker.js, dist/worker.cjs, found next to the library).
  entry: ['src/index.ts', 'src/node.ts', 'src/cli.ts', 'src/duckdb.ts', 'src/worker.ts'],
  // causal-panel/duckdb only talks to a connection the caller made: DuckDB itself is an optional peer
  external: ['@duckdb/node-api'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  noExternal: [/^@stdlib\//, 'ml-matrix', 'hyparquet'],
  // @stdlib/math-base-special-gammaincinv logs through `debug`, whose Node build requires tty/util:
  // its browser build (console-free unless enabled, no Node built-ins) keeps the main entry portable.
  esbuildOptions(options) {
    options.alias = { ...options.alias, debug: 'debug/src/browser.js' };
  },
});
