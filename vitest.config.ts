import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The public package names resolve to the sources (as tsconfig.json "paths" does for tsc and tsx),
// so examples, doc blocks and tests can import 'causal-panel' exactly as a user would.
const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^causal-panel$/, replacement: src('index.ts') },
      { find: /^causal-panel\/node$/, replacement: src('node.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
  },
});
