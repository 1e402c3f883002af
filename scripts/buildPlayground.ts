/**
 * Builds the playground (playground/ → out/playground/): the page, its worker, the browser build
 * of the library (dist/browser.js, from `npm run build`) as causal-panel.js, and the shipped
 * datasets under data/. A static site: any web server can serve it (module workers need http,
 * not file://).
 *
 *   npm run playground            # build it
 *   npm run playground -- --serve # build it and serve it on http://localhost:8080
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'out/playground');
const bundle = join(root, 'dist/browser.js');
if (!existsSync(bundle)) throw new Error('buildPlayground: dist/browser.js is missing; run npm run build first');
mkdirSync(join(out, 'data'), { recursive: true });
for (const file of readdirSync(join(root, 'playground'))) copyFileSync(join(root, 'playground', file), join(out, file));
copyFileSync(bundle, join(out, 'causal-panel.js'));
/** The datasets the page offers (its <select id="dataset">). */
export const PLAYGROUND_DATASETS = ['base_did.csv', 'mpdta.csv', 'lalonde.csv', 'jobs.csv'];
for (const name of PLAYGROUND_DATASETS) copyFileSync(join(root, 'fixtures/datasets', name), join(out, 'data', name));
process.stdout.write(`playground built in ${out}\n`);

if (process.argv.includes('--serve')) {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.csv': 'text/csv' };
  createServer((request, response) => {
    const path = join(out, decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname).replace(/\/$/, '/index.html'));
    if (!path.startsWith(out) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  }).listen(8080, () => process.stdout.write('serving on http://localhost:8080\n'));
}
