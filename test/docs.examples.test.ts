/**
 * Every ```ts code block of README.md and docs/**\/*.md runs. The blocks of one markdown file are
 * one program, in order (a later block may use what an earlier one defined, as a reader would);
 * their imports are merged at the top, and they import the package by its public names
 * ('causal-panel', 'causal-panel/node'), which vitest.config.ts resolves to src/.
 *
 * - A block marked ```ts no-run is not run (docs/architecture.md, "Examples in the docs").
 * - `console.log` in a block is captured, not printed; the library itself must print nothing
 *   (console.* and process.stdout/stderr are watched while the blocks run).
 * - `writeFileSync` from node:fs writes into a temporary directory (test/helpers/docsFs.ts).
 *
 * On failure the generated module is kept and its path printed; each block in it starts with a
 * comment naming the markdown file and line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const docsFs = fileURLToPath(new URL('./helpers/docsFs.ts', import.meta.url));

interface Block {
  line: number;
  code: string;
}

function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'api' && dir === join(root, 'docs') ? [] : walk(path);
      return name.endsWith('.md') ? [path] : [];
    });
  return [join(root, 'README.md'), ...walk(join(root, 'docs'))];
}

/** The ```ts blocks of a markdown text (not ```ts no-run), with their first line number. */
function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)(.*)$/.exec(lines[i]!.trim());
    if (open === null) continue;
    const fence = open[1]!;
    const end = lines.findIndex((line, j) => j > i && line.trim().startsWith(fence) && /^`+$/.test(line.trim()));
    if (end < 0) break;
    const lang = open[2]!;
    const flags = open[3]!.trim().split(/\s+/);
    if ((lang === 'ts' || lang === 'typescript') && !flags.includes('no-run')) {
      blocks.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return blocks;
}

const importPattern = /^import\s+(type\s+)?([\s\S]*?)\s+from\s+['"]([^'"]+)['"];?[ \t]*$/gm;

/** One module from the blocks: merged imports first, then each block's code in order. */
function programFrom(blocks: readonly Block[], source: string): string {
  const named = new Map<string, Set<string>>();
  const other = new Set<string>();
  const bodies = blocks.map((block) => {
    const body = block.code.replace(importPattern, (_all, typeOnly: string | undefined, clause: string, from: string) => {
      const target = from === 'node:fs' || from === 'fs' ? docsFs : from;
      const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
      if (braces === null) {
        other.add(`import ${typeOnly ?? ''}${clause} from ${JSON.stringify(target)};`);
      } else {
        const set = named.get(target) ?? new Set<string>();
        for (const spec of braces[1]!.split(',').map((s) => s.trim()).filter(Boolean)) set.add(typeOnly ? `type ${spec}` : spec);
        named.set(target, set);
      }
      return '';
    });
    return `// ---- ${source}:${block.line}\n${body.replace(/\bconsole\.log\(/g, '__print(')}`;
  });
  const imports = [...named].map(([from, specs]) => `import { ${[...specs].join(', ')} } from ${JSON.stringify(from)};`);
  return [
    ...imports,
    ...other,
    'const __print = (...args: unknown[]): void => { (globalThis as { __docsPrinted?: unknown[][] }).__docsPrinted?.push(args); };',
    ...bodies,
    'export {};',
    '',
  ].join('\n');
}

const workDir = mkdtempSync(join(tmpdir(), 'causal-panel-docs-'));
let keep = false;
afterAll(() => {
  if (!keep) rmSync(workDir, { recursive: true, force: true });
});

describe('the ```ts blocks of README.md and docs/ run against the public package', () => {
  it('finds the blocks (README and the guides have some)', () => {
    const counts = markdownFiles().map((file) => tsBlocks(readFileSync(file, 'utf8')).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  });

  it('skips blocks marked no-run and keeps the order', () => {
    const md = '```ts\nconst a = 1;\n```\ntext\n```ts no-run\nthrow 1;\n```\n````md\n```ts\nthrow 2;\n```\n````\n```ts\nconst b = a;\n```\n';
    expect(tsBlocks(md).map((b) => b.code)).toEqual(['const a = 1;', 'const b = a;']);
    expect(programFrom(tsBlocks("```ts\nimport { a } from 'x';\n```\n```ts\nimport { a, b } from 'x';\nconsole.log(a);\n```\n"), 'm.md'))
      .toMatch(/^import \{ a, b \} from "x";\n/);
  });

  for (const file of markdownFiles()) {
    const source = relative(root, file);
    const blocks = tsBlocks(readFileSync(file, 'utf8'));
    if (blocks.length === 0) continue;
    it(`${source}: ${blocks.length} block(s) run, and the library prints nothing`, async () => {
      const modulePath = join(workDir, `${source.replace(/[\\/]/g, '__').replace(/\.md$/, '')}.ts`);
      writeFileSync(modulePath, programFrom(blocks, source));
      const printed: unknown[][] = [];
      (globalThis as { __docsPrinted?: unknown[][] }).__docsPrinted = printed;
      const spies = [
        ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {})),
        vi.spyOn(process.stdout, 'write').mockImplementation(() => true),
        vi.spyOn(process.stderr, 'write').mockImplementation(() => true),
      ];
      let output: number[] = [];
      try {
        await import(pathToFileURL(modulePath).href);
        output = spies.map((spy) => spy.mock.calls.length);
      } catch (error) {
        keep = true;
        throw new Error(`${source}: a block failed (generated module kept: ${modulePath}): ${(error as Error).stack ?? String(error)}`);
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
