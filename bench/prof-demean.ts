// demean of the feols bench columns (y, treated, x1 by unit + period; 1M rows): the baseline
// copy of src at OLD vs the working tree, alternated in one process.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../src/index.js';
import { demean } from '../src/numerics/demean.js';
import { panelPath } from './harness.js';
const OLD = process.env.OLD ?? '/tmp/h12-old/src/numerics/demean.ts';
const old = (await import(OLD)) as typeof import('../src/numerics/demean.js');
const panel = parseCsv(readFileSync(panelPath(100_000, 10, 1), 'utf8'));
const col = (n: string): Float64Array => Float64Array.from(panel.column(n) as ArrayLike<number>);
const y = col('y');
const t = col('treated');
const x1 = col('x1');
const unit = Int32Array.from(col('unit'), (v) => v - 1);
const period = Int32Array.from(col('period'), (v) => v - 1);
const fes = [{ codes: unit, nLevels: 100000 }, { codes: period, nLevels: 10 }];
const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < 20; i++) {
  let s = performance.now();
  const r1 = old.demean([y, t, x1], fes);
  a.push(performance.now() - s);
  s = performance.now();
  const r2 = demean([y, t, x1], fes);
  b.push(performance.now() - s);
  if (i === 0) for (let c = 0; c < 3; c++) for (let k = 0; k < 1e6; k++) if (!Object.is(r1.columns[c]![k], r2.columns[c]![k])) throw new Error(`differs at ${c},${k}`);
}
a.sort((x, z) => x - z);
b.sort((x, z) => x - z);
console.log(`demean old ${a[10]!.toFixed(1)} new ${b[10]!.toFixed(1)} (min ${a[0]!.toFixed(1)} / ${b[0]!.toFixed(1)}); bits identical`);
