/**
 * The ```ts blocks of README.md and docs/ (one program per markdown file, as
 * test/docs.examples.test.ts runs them) type-check against the public types with the options of
 * tsconfig.json, so a doc cannot show a property or option the package does not have. (A separate
 * file because a TypeScript program over all of src/ takes seconds: it runs in `npm run test:full`.)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, expect, it } from 'vitest';
import { root, writeDocPrograms } from './helpers/docsBlocks.js';

const { dir, modules } = writeDocPrograms();
let keep = false;
afterAll(() => {
  if (!keep) rmSync(dir, { recursive: true, force: true });
});

it('the ```ts blocks of README.md and docs/ type-check (tsconfig.json options)', () => {
  const files = modules.map((m) => m.path);
  expect(files.length).toBeGreaterThan(0);
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  // The programs sit in the temporary directory, where a bare import of the optional peer
  // @duckdb/node-api would not find node_modules: map it to the project's copy.
  const paths = { ...options.paths, '@duckdb/node-api': ['./node_modules/@duckdb/node-api'] };
  const program = ts.createProgram(files, { ...options, paths, noEmit: true, skipLibCheck: true });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.includes(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const lines = d.file!.text.split('\n');
      const marker = lines.slice(0, line + 1).reverse().find((l) => l.startsWith('// ---- ')) ?? '';
      return `${marker.slice(8)} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  if (problems.length > 0) keep = true;
  expect(problems, `generated modules in ${dir}`).toEqual([]);
});
