import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const requireFromHere = createRequire(import.meta.url);

// The public package names resolve to the sources (as tsconfig.json "paths" does for tsc and tsx),
// so examples, doc blocks and tests can import 'causal-panel' exactly as a user would.
const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

/**
 * The slowest files (Monte Carlo comparisons with R's draws, panels of 10⁵–10⁶ rows, a TypeScript
 * program over src/ for the doc blocks): run by
 * `npm run test:full` (projects "fast" and "slow"), which CI runs; `npm test` runs project "fast" only.
 */
const SLOW = [
  'test/browser/engines.self.test.ts',
  'test/browser/playground.self.test.ts',
  'test/parallel/pool.self.browser.test.ts',
  'test/docs.examples.types.test.ts',
  'test/estimators/boottest.hand.simulation.test.ts',
  'test/estimators/did/honestDid.HonestDiD.all.test.ts',
  'test/estimators/did/didImputation.hand.simulated.test.ts',
  'test/estimators/mediation/mediate.mediation.test.ts',
  'test/estimators/mediation/mediate.mediation.multilevel.test.ts',
  'test/models/feols.hand.tall.test.ts',
  'test/numerics/leastSquares.hand.tall.test.ts',
];

export default defineConfig({
  resolve: {
    alias: [
      { find: /^causal-panel$/, replacement: src('index.ts') },
      { find: /^causal-panel\/node$/, replacement: src('node.ts') },
      { find: /^causal-panel\/duckdb$/, replacement: src('duckdb.ts') },
      // The docs programs are written to the temporary directory, where a bare import of the optional
      // peer would not find node_modules: resolve it from the project.
      { find: /^@duckdb\/node-api$/, replacement: '@duckdb/node-api', customResolver: (id: string) => ({ id: requireFromHere.resolve(id), external: true }) },
    ],
  },
  test: {
    exclude: ['bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    // Both cores (vitest's default leaves one idle on a 2-core machine: cores − 1 workers), and
    // one module graph per worker instead of one per file: the library keeps no global state, and
    // tests restore what they spy on.
    pool: 'threads',
    maxWorkers: 2,
    minWorkers: 2,
    isolate: false,
    // test/**/*.test-d.ts (expectTypeOf) are checked by `tsc --noEmit`, the first half of `npm test`.
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['bench/**', 'node_modules/**', ...SLOW] } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
