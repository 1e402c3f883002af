/**
 * The playground page (playground/, issue 10) in real headless Chromium: it loads with no console
 * error, runs DiD on the shipped base_did and Callaway–Sant'Anna on mpdta in its Web Worker, and
 * shows the same numbers as Node (its JSON equals the library's on the same data, bit for bit);
 * a screenshot is saved as a CI artefact under out/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attgt, did, parseCsv } from '../../src/index.js';
import { buildBrowserBundle, type BrowserBundle } from './buildBrowserBundle.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORIGIN = 'http://playground.test';
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.csv': 'text/csv' };
const shape = (result: { kind: string; tidy(): unknown; notes: unknown; toJSON(): unknown }) => JSON.parse(JSON.stringify({ kind: result.kind, rows: result.tidy(), notes: result.notes, result: result.toJSON() })) as unknown;
const dataset = (name: string) => parseCsv(readFileSync(new URL(`../../fixtures/datasets/${name}`, import.meta.url), 'utf8'));

let bundle: BrowserBundle;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`playground test: no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  bundle = await buildBrowserBundle();
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/$/, '/index.html');
    if (path === '/causal-panel.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle.code });
    const file = path.startsWith('/data/') ? new URL(`../../fixtures/datasets/${path.slice(6)}`, import.meta.url) : new URL(`../../playground${path}`, import.meta.url);
    if (!existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: types[extname(path)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

async function runOnPage(datasetName: string, method: string, fields: Record<string, string>): Promise<unknown> {
  await page.selectOption('#dataset', datasetName);
  await page.waitForFunction((name) => document.getElementById('data-info')!.textContent!.startsWith(name), datasetName);
  await page.selectOption('#method', method);
  for (const [key, value] of Object.entries(fields)) await page.selectOption(`#field-${key}`, value);
  await page.evaluate(() => { document.getElementById('json')!.textContent = ''; });
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('json')!.textContent !== '' || document.getElementById('status')!.className === 'error', undefined, { timeout: 60_000 });
  expect(await page.textContent('#status')).toBe('done');
  return JSON.parse((await page.textContent('#json'))!) as unknown;
}

describe('the playground in headless Chromium', () => {
  it('DiD on base_did shows the numbers Node computes', async () => {
    const shown = await runOnPage('base_did.csv', 'did', { outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    const node = did({ data: dataset('base_did.csv'), outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: [], standardize: 'control-baseline', level: 0.95 });
    expect(shown).toEqual(shape(node));
    expect(await page.locator('#plot svg').count()).toBe(1);
    expect(await page.locator('#etable table').count()).toBe(1);
  }, 120_000);

  it("Callaway–Sant'Anna on mpdta (dynamic aggregation) shows the numbers Node computes", async () => {
    const shown = await runOnPage('mpdta.csv', 'attgt', { outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', aggregate: 'dynamic' }) as { kind: string; parts: unknown[] };
    const cs = attgt({ data: dataset('mpdta.csv'), outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', control: 'never', method: 'dr', covariates: [], level: 0.95 });
    const aggregate = cs.aggregate('dynamic');
    expect(shown.kind).toBe('attgtAggregate');
    expect({ ...shape(aggregate) as object, parts: [shape(cs)] }).toEqual(shown);
    mkdirSync(new URL('../../out/', import.meta.url), { recursive: true });
    await page.screenshot({ path: new URL('../../out/playground.png', import.meta.url).pathname, fullPage: true });
  }, 120_000);

  it('no console error on the way', () => {
    expect(consoleErrors).toEqual([]);
  });
});
