/**
 * The layer rules of docs/architecture.md, read from the document itself so that the two cannot
 * drift: the table "| layer | may import |" (which src/ layer may import which) and the table
 * "| import | allowed only in |" (npm packages and Node built-ins). Every file in src/ must belong
 * to a layer of the table, and every import it makes must be allowed by it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcRoot = join(root, 'src');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

/** The rows of the markdown table whose header row starts with `header` (cells trimmed). */
function markdownTable(text: string, header: readonly string[]): string[][] {
  const lines = text.split('\n');
  const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const start = lines.findIndex((line) => line.trim().startsWith('|') && header.every((h, i) => cells(line)[i]?.toLowerCase() === h));
  if (start < 0) throw new Error(`docs/architecture.md: no table with header | ${header.join(' | ')} |`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

interface Layer {
  name: string;
  /** `numerics/` (a folder) or `errors.ts` (a file directly in src/). */
  members: string[];
  mayImport: Set<string>;
}

/** The layer table: the first cell names the layer (`label: members` or one member), the second what it may import. */
function readLayers(): Layer[] {
  const layers: Layer[] = [];
  for (const [first = '', second = ''] of markdownTable(doc, ['layer', 'may import'])) {
    const members = codeSpans(first);
    const label = first.includes(':') ? first.slice(0, first.indexOf(':')).trim() : members[0]!.replace(/\/$|\.ts$/, '');
    const above = layers.map((l) => l.name);
    const mayImport = new Set<string>();
    for (const word of second.split(',').map((w) => w.trim().replace(/`/g, '').replace(/\/$|\.ts$/, ''))) {
      if (word === 'everything above') above.forEach((n) => mayImport.add(n));
      else if (word === 'everything') mayImport.add('*');
      else if (word !== '' && word !== 'nothing') mayImport.add(word);
    }
    mayImport.add(label);
    layers.push({ name: label, members, mayImport });
  }
  return layers;
}

/** The import table: an npm package pattern (`@stdlib/*`) or `node:*`, and the places allowed to import it. */
function readImportRules(): { patterns: string[]; allowedIn: string[] }[] {
  return markdownTable(doc, ['import', 'allowed only in']).map(([what = '', where = '']) => ({ patterns: codeSpans(what), allowedIn: codeSpans(where) }));
}

const layers = readLayers();
const importRules = readImportRules();

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** `numerics/` for src/numerics/qr.ts, `errors.ts` for src/errors.ts. */
function placeOf(path: string): string {
  const rel = relative(srcRoot, path).replace(/\\/g, '/');
  return rel.includes('/') ? `${rel.split('/')[0]}/` : rel.replace(/\.js$/, '.ts');
}

const layerOf = (place: string): Layer | undefined => layers.find((l) => l.members.includes(place));

const matches = (spec: string, pattern: string): boolean =>
  pattern.endsWith('*') ? spec.startsWith(pattern.slice(0, -1)) : spec === pattern || spec.startsWith(`${pattern}/`);

const isNodeBuiltin = (spec: string): boolean => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);

const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

describe('architecture: the tables of docs/architecture.md', () => {
  it('parses the layer table and the import table', () => {
    expect(layers.map((l) => l.name)).toContain('numerics');
    expect(layers.every((l) => l.members.length > 0)).toBe(true);
    expect(importRules.length).toBeGreaterThan(0);
  });
  it('names only layers that exist in src/', () => {
    const missing = layers.flatMap((l) => l.members).filter((m) => {
      try {
        statSync(join(srcRoot, m));
        return false;
      } catch {
        return true;
      }
    });
    expect(missing, 'listed in docs/architecture.md but absent from src/').toEqual([]);
  });
  it('refers only to layers it defines', () => {
    const names = new Set(layers.map((l) => l.name));
    const unknown = layers.flatMap((l) => [...l.mayImport].filter((n) => n !== '*' && !names.has(n)).map((n) => `${l.name} → ${n}`));
    expect(unknown).toEqual([]);
  });
});

describe('architecture: src/ imports respect docs/architecture.md', () => {
  const files = listTs(srcRoot);
  for (const file of files) {
    const place = placeOf(file);
    it(`${relative(srcRoot, file)}`, () => {
      const layer = layerOf(place);
      expect(layer, `${place} is in no row of the layer table of docs/architecture.md`).toBeDefined();
      const text = readFileSync(file, 'utf8');
      const violations: string[] = [];
      for (const match of text.matchAll(importPattern)) {
        const spec = match[1] ?? match[2] ?? match[3]!;
        if (spec.startsWith('.')) {
          const target = layerOf(placeOf(resolve(dirname(file), spec)));
          if (target === undefined) violations.push(`${spec} (in no layer)`);
          else if (!layer!.mayImport.has('*') && !layer!.mayImport.has(target.name)) violations.push(`${spec} (layer ${target.name})`);
          continue;
        }
        const key = isNodeBuiltin(spec) && !spec.startsWith('node:') ? `node:${spec}` : spec;
        const rule = importRules.find((r) => r.patterns.some((p) => matches(key, p)));
        if (rule === undefined) violations.push(`${spec} (package not in the import table)`);
        else if (!rule.allowedIn.some((where) => where === place || (where.endsWith('/') && place === where))) {
          violations.push(`${spec} (allowed only in ${rule.allowedIn.join(', ')})`);
        }
      }
      expect(violations, `${layer!.name} may import: ${[...layer!.mayImport].join(', ')}`).toEqual([]);
    });
  }
});

describe('architecture: test file names follow docs/architecture.md (<module>.<reference>[.<topic>].test.ts)', () => {
  const references = new Set(markdownTable(doc, ['reference', 'checked against']).flatMap(([first = '']) => codeSpans(first)));
  const repositoryTests = new Set(['architecture.test.ts', 'docs.examples.test.ts', 'docs.examples.types.test.ts']);
  const testRoot = join(root, 'test');
  const testFiles = listTs(testRoot).filter((f) => f.endsWith('.test.ts')).map((f) => relative(testRoot, f).replace(/\\/g, '/'));
  it('parses the reference table', () => {
    expect(references).toContain('fixest');
    expect(references).toContain('hand');
  });
  it('every test file names its module and reference', () => {
    const wrong = testFiles.filter((file) => {
      if (repositoryTests.has(file)) return false;
      const parts = file.split('/').at(-1)!.replace(/\.test\.ts$/, '').split('.');
      return parts.length < 2 || parts.length > 3 || !references.has(parts[1]!);
    });
    expect(wrong, `allowed references: ${[...references].join(', ')}`).toEqual([]);
  });
});

describe('architecture: elementary functions only from numerics/elementary.ts (same bits in every engine)', () => {
  // ECMAScript lets each engine approximate Math.exp, log, pow, sin, … its own way; the fdlibm
  // ports in src/numerics/elementary.ts are plain IEEE arithmetic. `x ** 2` and `2 ** n` stay
  // allowed: engines compute x ** 2 as the exact product x·x (fdlibm's y = 2 case, integer-power
  // fast paths) and 2 ** n exactly (a representable result).
  const approximated = /\bMath\.(exp|expm1|log|log1p|log2|log10|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|hypot|cbrt)\b/g;
  const power = /(?<!(?:^|[^\w.])2\s*)\*\*(?!\s*2(?![\d.]))/g;
  const code = (text: string): string =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
  it('finds a violation in a sample', () => {
    expect(code('const a = Math.exp(x); // Math.log\nconst b = y ** 0.5, c = z ** 2;').match(approximated)).toEqual(['Math.exp']);
    expect(code('const b = y ** 0.5, c = z ** 2, d = 2 ** h, e = 12 ** h, s = "**";').match(power)).toHaveLength(2);
  });
  for (const file of listTs(srcRoot).filter((f) => relative(srcRoot, f).replace(/\\/g, '/') !== 'numerics/elementary.ts')) {
    it(`${relative(srcRoot, file)} uses no engine-dependent Math function or **`, () => {
      const text = code(readFileSync(file, 'utf8'));
      expect([...(text.match(approximated) ?? []), ...(text.match(power) ?? []).map(() => '** (use pow from numerics/elementary)')]).toEqual([]);
    });
  }
});
