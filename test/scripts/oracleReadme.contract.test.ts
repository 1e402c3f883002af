/**
 * fixtures/oracles/README.md (written by scripts/oracleReadme.ts) lists every oracle JSON with the
 * package, version and call recorded in the file itself, so a reader can rerun each case.
 * Regenerate with `npx tsx scripts/oracleReadme.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderOracleReadme } from '../../scripts/oracleReadme.js';

const dir = fileURLToPath(new URL('../../fixtures/oracles/', import.meta.url));
const readme = readFileSync(`${dir}README.md`, 'utf8');
const lineOf = (file: string) => readme.split('\n').find((line) => line.startsWith(`| \`${file}\` |`));
const oracleFiles = readdirSync(dir).filter((f) => f.endsWith('.json'));
const generatedLines = renderOracleReadme(dir).split('\n');

describe('fixtures/oracles/README.md', () => {
  it.each(oracleFiles)('lists %s with the package and call recorded in it', (file) => {
    const line = lineOf(file);
    expect(line, `no line for ${file}: run npx tsx scripts/oracleReadme.ts`).toBeDefined();
    const generated = generatedLines.find((l) => l.startsWith(`| \`${file}\` |`))!;
    // Columns 1–6 (file … tolerance) must be what the JSON says today; the tests column may lag.
    const columns = (text: string) => text.split(/(?<!\\)\|/).slice(1, 7);
    expect(columns(line!)).toEqual(columns(generated));
  });

  it('lists no file that does not exist', () => {
    const listed = [...readme.matchAll(/^\| `([^`]+\.json)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...oracleFiles].sort());
  });
});
