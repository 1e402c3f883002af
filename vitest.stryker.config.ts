import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Used only by `npm run mutation` (stryker.config.json), never by `npm test`: the fast tests that
// exercise src/numerics and src/inference, as one plain project (the Stryker vitest runner drives a
// single project, one worker, and picks per mutant the tests that cover it).
const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^causal-panel$/, replacement: src('index.ts') },
      { find: /^causal-panel\/node$/, replacement: src('node.ts') },
    ],
  },
  test: {
    include: ['test/numerics/**/*.test.ts', 'test/inference/**/*.test.ts', 'test/models/**/*.test.ts'],
    // Tall panels (10⁵–10⁶ rows) would make every mutant slow (they belong to the slow project); the
    // formula tests check model.matrix semantics, not the numerical core.
    exclude: ['test/**/*.tall.test.ts', 'test/models/formula/**', 'bench/**', 'node_modules/**'],
    testTimeout: 60_000,
  },
});
