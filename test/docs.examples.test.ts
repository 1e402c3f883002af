/**
 * Every ```ts code block of README.md and docs/**\/*.md runs. The blocks of one markdown file are
 * one program, in order (a later block may use what an earlier one defined, as a reader would);
 * their imports are merged at the top, and they import the package by its public names
 * ('causal-panel', 'causal-panel/node'), which vitest.config.ts resolves to src/
 * (test/helpers/docsBlocks.ts builds the programs).
 *
 * - A block marked ```ts no-run is not run (docs/architecture.md, "Examples in the docs").
 * - `console.log` in a block is captured, not printed; the library itself must print nothing
 *   (console.* and process.stdout/stderr are watched while the blocks run).
 * - `writeFileSync` from node:fs writes into a temporary directory (test/helpers/docsFs.ts).
 *
 * On failure the generated module is kept and its path printed; each block in it starts with a
 * comment naming the markdown file and line. test/docs.examples.types.test.ts type-checks them.
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { programFrom, tsBlocks, writeDocPrograms } from './helpers/docsBlocks.js';

const { dir, modules } = writeDocPrograms();
let keep = false;
afterAll(() => {
  if (!keep) rmSync(dir, { recursive: true, force: true });
});

describe('the ```ts blocks of README.md and docs/ run against the public package', () => {
  it('finds the blocks (README and the guides have some)', () => {
    expect(modules.reduce((n, m) => n + m.blocks.length, 0)).toBeGreaterThan(10);
  });

  it('skips blocks marked no-run, keeps the order, merges imports', () => {
    const md = '```ts\nconst a = 1;\n```\ntext\n```ts no-run\nthrow 1;\n```\n````md\n```ts\nthrow 2;\n```\n````\n```ts\nconst b = a;\n```\n';
    expect(tsBlocks(md).map((b) => b.code)).toEqual(['const a = 1;', 'const b = a;']);
    expect(programFrom(tsBlocks("```ts\nimport { a } from 'x';\n```\n```ts\nimport { a, b } from 'x';\nconsole.log(a);\n```\n"), 'm.md'))
      .toMatch(/^import \{ a, b \} from "x";\n/);
  });

  for (const { source, path, blocks } of modules) {
    it(`${source}: ${blocks.length} block(s) run, and the library prints nothing`, async () => {
      const printed: unknown[][] = [];
      (globalThis as { __docsPrinted?: unknown[][] }).__docsPrinted = printed;
      const spies = [
        ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {})),
        vi.spyOn(process.stdout, 'write').mockImplementation(() => true),
        vi.spyOn(process.stderr, 'write').mockImplementation(() => true),
      ];
      let output: number[] = [];
      try {
        await import(pathToFileURL(path).href);
        output = spies.map((spy) => spy.mock.calls.length);
      } catch (error) {
        keep = true;
        throw new Error(`${source}: a block failed (generated module kept: ${path}): ${(error as Error).stack ?? String(error)}`);
      } finally {
        spies.forEach((spy) => spy.mockRestore());
        delete (globalThis as { __docsPrinted?: unknown[][] }).__docsPrinted;
      }
      expect(output, 'console.* / stdout / stderr calls made by the library').toEqual(output.map(() => 0));
      const logs = blocks.some((b) => /\bconsole\.log\(/.test(b.code));
      expect(printed.length > 0, 'the blocks\' console.log calls ran').toBe(logs);
    });
  }
});
