// A/B of feols on the 1M-row bench panel: the committed baseline (a copy of src at OLD) vs the
// working tree, alternated in one process so that machine load hits both alike.
import { readFileSync } from 'node:fs';
import { feols, parseCsv } from '../src/index.js';
import { panelPath } from './harness.js';
const OLD = process.env.OLD ?? '/tmp/h12-old/src/index.ts';
const old = (await import(OLD)) as typeof import('../src/index.js');
const text = readFileSync(panelPath(100_000, 10, 1), 'utf8');
const panelNew = parseCsv(text);
const panelOld = old.parseCsv(text);
const f = 'y ~ treated + x1 | unit + period';
const o = { vcov: { CRV1: 'unit' } } as const;
const a: number[] = [];
const b: number[] = [];
const ca: number[] = [];
const cb: number[] = [];
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let i = 0; i < 3; i++) { old.feols(f, panelOld, o); feols(f, panelNew, o); }
for (let i = 0; i < Number(process.env.REPS ?? 15); i++) {
  let c = cpu();
  let s = performance.now();
  const r1 = old.feols(f, panelOld, o);
  a.push(performance.now() - s);
  ca.push(cpu() - c);
  c = cpu();
  s = performance.now();
  const r2 = feols(f, panelNew, o);
  b.push(performance.now() - s);
  cb.push(cpu() - c);
  if (i === 0) console.log('coef old', r1.coefficients, 'new', r2.coefficients, 'se', r1.se(), r2.se());
}
for (const x of [a, b, ca, cb]) x.sort((p, q) => p - q);
const med = (x: number[]): number => x[x.length >> 1]!;
console.log(`wall ms: old median ${med(a).toFixed(1)} min ${a[0]!.toFixed(1)} | new median ${med(b).toFixed(1)} min ${b[0]!.toFixed(1)} | ratio ${(med(b) / med(a)).toFixed(3)}`);
console.log(`CPU ms:  old median ${med(ca).toFixed(1)} min ${ca[0]!.toFixed(1)} | new median ${med(cb).toFixed(1)} min ${cb[0]!.toFixed(1)} | ratio ${(med(cb) / med(ca)).toFixed(3)}`);
