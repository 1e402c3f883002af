/**
 * The ```ts blocks of README.md and docs/**\/*.md as programs: one module per markdown file, the
 * blocks in order, imports merged at the top (test/docs.examples.test.ts runs them,
 * test/docs.examples.types.test.ts type-checks them).
 *
 * - A block marked ```ts no-run is left out (docs/architecture.md, "Examples in the docs").
 * - `console.log(` in a block becomes `__print(` (captured by the runner).
 * - `node:fs` becomes test/helpers/docsFs.ts (its `writeFileSync` writes into a temporary directory).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const docsFs = fileURLToPath(new URL('./docsFs.js', import.meta.url));

/** One ```ts block: its first line in the markdown file and its code. */
export interface Block {
  line: number;
  code: string;
}

/** README.md and docs/**\/*.md (not the generated docs/api/). */
export function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'api' && dir === join(root, 'docs') ? [] : walk(path);
      return name.endsWith('.md') ? [path] : [];
    });
  return [join(root, 'README.md'), ...walk(join(root, 'docs'))];
}

/**
 * The ```ts blocks of a markdown text (not ```ts no-run), with their first line number.
 *
 * @example
 * tsBlocks('```ts\nconst a = 1;\n```\n'); // [{ line: 2, code: 'const a = 1;' }]
 */
export function tsBlocks(markdown: string): Block[] {
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

/**
 * One module from the blocks: merged imports first, then each block's code in order, each after a
 * `// ---- <file>:<line>` marker.
 *
 * @example
 * programFrom(tsBlocks(readFileSync('README.md', 'utf8')), 'README.md');
 */
export function programFrom(blocks: readonly Block[], source: string): string {
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

/**
 * Writes one module per markdown file that has blocks into a new temporary directory.
 *
 * @example
 * const { dir, modules } = writeDocPrograms(); // modules: [{ source: 'README.md', path, blocks }]
 */
export function writeDocPrograms(): { dir: string; modules: { source: string; path: string; blocks: Block[] }[] } {
  const dir = mkdtempSync(join(tmpdir(), 'causal-panel-docs-'));
  const modules = markdownFiles().flatMap((file) => {
    const source = relative(root, file);
    const blocks = tsBlocks(readFileSync(file, 'utf8'));
    if (blocks.length === 0) return [];
    const path = join(dir, `${source.replace(/[\\/]/g, '__').replace(/\.md$/, '')}.ts`);
    writeFileSync(path, programFrom(blocks, source));
    return [{ source, path, blocks }];
  });
  return { dir, modules };
}
