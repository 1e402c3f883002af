// Per-stage timings of feols on the 1M-row bench panel (median of 15 calls, ms).
import { readFileSync } from 'node:fs';
import { feols, parseCsv } from '../src/index.js';
import { parseFormula } from '../src/models/formula/parse.js';
import { buildDesign } from '../src/models/formula/design.js';
import { demean } from '../src/numerics/demean.js';
import { leastSquares } from '../src/numerics/leastSquares.js';
import { columnMatrix } from '../src/models/olsVcov.js';
import { panelPath } from './harness.js';
const panel = parseCsv(readFileSync(panelPath(100_000, 10, 1), 'utf8'));
const f = 'y ~ treated + x1 | unit + period';
const spec = parseFormula(f);
const time = (label: string, fn: () => unknown): void => {
  const t: number[] = [];
  for (let i = 0; i < 18; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  console.log(label.padEnd(14), t[9]!.toFixed(1).padStart(6), 'min', t[0]!.toFixed(1));
};
const design = buildDesign(spec, panel, { fn: 'feols', extraVariables: ['unit'] });
const n = design.n;
const cols = [design.y, design.X.subarray(0, n), design.X.subarray(n, 2 * n)];
const d = demean(cols, design.fixedEffects);
time('buildDesign', () => buildDesign(spec, panel, { fn: 'feols', extraVariables: ['unit'] }));
time('demean', () => demean(cols, design.fixedEffects));
time('leastSquares', () => leastSquares(columnMatrix(d.columns.slice(1), n), n, 2, d.columns[0]!));
time('feols', () => feols(f, panel, { vcov: { CRV1: 'unit' } }));
