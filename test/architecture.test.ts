/**
 * The layer rule of docs/architecture.md: every file in src/ imports only from the layers its own
 * layer may use, and only src/node.ts and src/cli.ts touch `node:*` (the main entry stays
 * browser-safe).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

const allowed: Record<string, string[]> = {
  errors: [],
  numerics: ['errors'],
  data: ['errors'],
  inference: ['errors', 'numerics'],
  report: ['errors'],
  simulate: ['errors', 'data', 'numerics'],
  models: ['errors', 'data', 'numerics', 'inference', 'report'],
  estimators: ['errors', 'data', 'numerics', 'inference', 'report', 'models'],
};
const entryFiles = new Set(['index', 'node', 'cli']);
const nodeAllowed = new Set(['node', 'cli']);

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(path: string): string {
  const rel = relative(srcRoot, path).replace(/\\/g, '/');
  const first = rel.split('/')[0]!;
  return first.replace(/\.(ts|js)$/, '');
}

const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('architecture: imports respect the layer table (docs/architecture.md)', () => {
  const files = listTs(srcRoot);
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const file of files) {
    const layer = layerOf(file);
    it(`${relative(srcRoot, file)} imports only allowed layers`, () => {
      const text = readFileSync(file, 'utf8');
      const violations: string[] = [];
      for (const match of text.matchAll(importPattern)) {
        const spec = match[1] ?? match[2]!;
        if (spec.startsWith('node:') || spec === 'fs' || spec === 'path') {
          if (!nodeAllowed.has(layer)) violations.push(`${spec} (node built-in)`);
          continue;
        }
        if (!spec.startsWith('.')) continue; // npm packages
        const target = layerOf(resolve(dirname(file), spec));
        if (target === layer || entryFiles.has(layer)) continue;
        if (!(allowed[layer] ?? []).includes(target)) violations.push(`${spec} (layer ${target})`);
      }
      expect(violations, `${layer} may import only: ${(allowed[layer] ?? ['everything']).join(', ')}`).toEqual([]);
    });
  }
});
