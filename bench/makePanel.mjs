#!/usr/bin/env node
// Copied verbatim from the project brief's shared/bench/make-panel.mjs (the generator R's timings in
// fixtures/oracles/timings*.json were measured on), so benchmarks run from a fresh clone.
// Writes a synthetic school panel as CSV, deterministically from a seed, for benchmarks that must
// run the same data through causal-panel and through the R reference packages.
//
//   node make-panel.mjs --units 100000 --periods 10 --seed 1 > panel.csv
//
// Columns: unit, school (units nested in schools of ~50), period (1..T), cohort (first treated
// period; 0 = never treated), treated (0/1 in that row), x1 (time-varying covariate), x2 (baseline
// covariate), y. y = unit effect + period effect + 0.5*x1 + 0.3*x2 + effect(event time) + noise,
// with dynamic effects growing from 0.5 to 0.8 after adoption; cohorts depend on x2 (selection).
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const units = arg('units', 100000), periods = arg('periods', 10), seed = arg('seed', 1);

// mulberry32: small, fast, reproducible PRNG; Box-Muller for normals
let s = seed >>> 0;
const unif = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const norm = () => Math.sqrt(-2 * Math.log(1 - unif())) * Math.cos(2 * Math.PI * unif());

const periodEffect = Array.from({ length: periods }, (_, t) => 0.1 * t + 0.2 * norm());
const cohorts = [0, 0, Math.ceil(periods * 0.4), Math.ceil(periods * 0.6), Math.ceil(periods * 0.8)];
const out = process.stdout;
let buf = 'unit,school,period,cohort,treated,x1,x2,y\n';
for (let u = 1; u <= units; u++) {
  const school = Math.ceil(u / 50);
  const x2 = norm();
  const alpha = 0.5 * x2 + norm();
  // selection: weaker baseline (low x2) units are more likely to be treated, and earlier
  const pick = Math.min(cohorts.length - 1, Math.max(0, Math.floor(unif() * cohorts.length - 0.6 * x2)));
  const cohort = cohorts[pick];
  for (let t = 1; t <= periods; t++) {
    const x1 = 0.3 * t + norm();
    const treated = cohort > 0 && t >= cohort ? 1 : 0;
    const effect = treated ? 0.5 + 0.1 * Math.min(3, t - cohort) : 0;
    const y = alpha + periodEffect[t - 1] + 0.5 * x1 + 0.3 * x2 + effect + norm();
    buf += `${u},${school},${t},${cohort},${treated},${x1.toFixed(6)},${x2.toFixed(6)},${y.toFixed(6)}\n`;
  }
  if (buf.length > 1 << 20) { out.write(buf); buf = ''; }
}
out.write(buf);
