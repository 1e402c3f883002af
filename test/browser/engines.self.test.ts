/**
 * Same bits in every engine (issue 13 item 6): the seeded computations of engineCases.ts —
 * createRng draws, glm logit/probit, matchit propensity scores, attgt with a covariate, mediate —
 * give bit-identical numbers (IEEE 754 patterns compared as hex) in
 *   1. Node on the sources (what a Node user runs),
 *   2. Node on the browser bundle (causal-panel/browser, minified by tsup/esbuild), and
 *   3. headless Chromium on the same bundle, loaded as a module into a page.
 * Before numerics/elementary.ts (Math.exp/Math.log, which Chromium 156 and Node 20 round
 * differently on a few percent of inputs) this failed with: rngNormal 33 of 1000 differ, glmLogit
 * 663 of 670, glmProbit 54 of 56, matchitDistance 608 of 614, attgtDr 94 of 120,
 * attgtIpwBootstrap 6 of 6 (matchit's pairs and the mediate summary happened to agree).
 *
 * Needs a Chromium: Debian's `chromium` at /usr/bin/chromium (.ci/run installs it with apt-get)
 * or the path in CHROMIUM_PATH; driven by playwright-core, which downloads no browser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as causalPanel from '../../src/index.js';
import { buildBrowserBundle, type BrowserBundle } from './buildBrowserBundle.js';
import { runEngineCases, type EngineBits, type EngineData } from './engineCases.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dataset = (name: string) => readFileSync(new URL(`../../fixtures/datasets/${name}.csv`, import.meta.url), 'utf8');
const data: EngineData = { lalonde: dataset('lalonde'), mpdta: dataset('mpdta'), jobs: dataset('jobs') };
const ORIGIN = 'http://causal-panel.test';

let bundle: BrowserBundle;
let browser: Browser | undefined;
let nodeSource: EngineBits;

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`engines test: no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  }
  bundle = await buildBrowserBundle();
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  nodeSource = runEngineCases(causalPanel, data);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** Cases whose bit patterns differ from Node-on-sources, as "case: k of n differ (first at i)". */
function differences(other: EngineBits): string[] {
  const out: string[] = [];
  for (const [name, expected] of Object.entries(nodeSource)) {
    const actual = other[name] ?? [];
    const differing = expected.map((bits, i) => (bits === actual[i] ? -1 : i)).filter((i) => i >= 0);
    if (differing.length > 0 || actual.length !== expected.length) {
      out.push(`${name}: ${differing.length} of ${expected.length} differ (first at ${differing[0]}: node ${expected[differing[0]!]} vs ${actual[differing[0]!]})`);
    }
  }
  return out;
}

describe('seeded results are bit-identical in Node and Chromium (causal-panel/browser)', () => {
  it('the cases produce the expected amount of numbers, all finite where they should be', () => {
    expect(nodeSource.rngNormal).toHaveLength(1000);
    expect(nodeSource.matchitDistance).toHaveLength(614);
    expect(nodeSource.glmLogit!.length).toBeGreaterThan(614);
    expect(Object.values(nodeSource).every((v) => v.length > 0)).toBe(true);
  });

  it('Node on the bundle = Node on the sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'causal-panel-engines-'));
    const dataPath = join(dir, 'data.json');
    writeFileSync(dataPath, JSON.stringify(data));
    const script = `import { readFileSync } from 'node:fs';
      const cp = await import(${JSON.stringify(pathToFileURL(bundle.path).href)});
      const run = (${runEngineCases.toString()});
      process.stdout.write(JSON.stringify(run(cp, JSON.parse(readFileSync(${JSON.stringify(dataPath)}, 'utf8')))));`;
    const nodeBundle = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 26 })) as EngineBits;
    expect(differences(nodeBundle)).toEqual([]);
  }, 120_000);

  it('Chromium on the bundle = Node on the sources', async () => {
    const page = await browser!.newPage();
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/browser.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle.code });
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>causal-panel engines</title>' });
    });
    await page.goto(`${ORIGIN}/`);
    // A string, not a function: vitest would rewrite a function's import() for Node.
    const program = `(async () => {
      const cp = await import('/browser.js');
      const run = (${runEngineCases.toString()});
      return run(cp, ${JSON.stringify(data)});
    })()`;
    const chromeBits = (await page.evaluate(program)) as EngineBits;
    const userAgent = await page.evaluate(() => navigator.userAgent);
    await page.close();
    expect(userAgent).toMatch(/HeadlessChrome|Chrome/);
    expect(differences(chromeBits)).toEqual([]);
  }, 180_000);
});
