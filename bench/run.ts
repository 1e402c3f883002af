/**
 * `npm run bench`: times causal-panel on the benchmark panels from bench/makePanel.mjs (the data
 * R's timings in fixtures/oracles/timings*.json were measured on) and prints the ratio to R.
 * Never part of `npm test`. Pass task names to run a subset: `npm run bench -- feols attgt`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attgt, feols, matchit, mediate, parseCsv, type Frame } from '../src/index.js';
import { lmm } from '../src/models/lmm/lmm.js';
import { panelPath, printTable, repoRoot, time, type Timing } from './harness.js';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const rows: { timing: Timing; rKey?: string; goalSeconds?: number }[] = [];

function loadPanel(units: number, periods: number, seed: number): Frame {
  const start = Date.now();
  const frame = parseCsv(readFileSync(panelPath(units, periods, seed), 'utf8'));
  console.error(`loaded panel ${units}×${periods} (${frame.nrow} rows) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return frame;
}

function assertFinite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new Error(`bench: ${what} is not finite (${value})`);
}

if (wanted('feols') || wanted('attgt') || wanted('matchit')) {
  const panel = loadPanel(100_000, 10, 1);
  if (wanted('feols')) {
    rows.push({
      timing: time('feols y ~ treated + x1 | unit + period, CRV1 unit (1M rows)', () => feols('y ~ treated + x1 | unit + period', panel, { vcov: { CRV1: 'unit' } }), (fit) => assertFinite(fit.se().treated!, 'feols SE')),
      rKey: 'feols_1m_2fe_cluster_1thread',
      goalSeconds: 0.158,
    });
  }
  if (wanted('attgt')) {
    rows.push({
      timing: time('attgt dr, x2, never + aggregate dynamic (1M rows)', () => attgt({ data: panel, outcome: 'y', unit: 'unit', time: 'period', cohort: 'cohort', covariates: ['x2'], method: 'dr', control: 'never' }).aggregate('dynamic'), (agg) => assertFinite(agg.overall.stdError, 'attgt dynamic SE')),
      rKey: 'attgt_1m_never_dr_x2',
      goalSeconds: 0.2,
    });
  }
  if (wanted('matchit')) {
    const baseline = baselineRows(panel);
    rows.push({
      timing: time('matchit nearest 1:1 (100k units)', () => matchit({ formula: 'treat ~ x1 + x2', data: baseline }), (m) => assertFinite(m.weights[0]!, 'matchit weights')),
      rKey: 'matchit_nearest_100k_units',
      goalSeconds: 0.5,
    });
    rows.push({
      timing: time('matchit nearest, replace, caliper 0.1 (100k units)', () => matchit({ formula: 'treat ~ x1 + x2', data: baseline, replace: true, caliper: 0.1 }), (m) => assertFinite(m.weights[0]!, 'matchit weights')),
      rKey: 'matchit_nearest_caliper_replace_100k_units',
      goalSeconds: 0.5,
    });
  }
}

if (wanted('matchit1m')) {
  const big = baselineRows(loadPanel(1_000_000, 1, 1));
  rows.push({ timing: time('matchit nearest 1:1 (1M units)', () => matchit({ formula: 'treat ~ x1 + x2', data: big }), (m) => assertFinite(m.weights[0]!, 'matchit weights'), 3) });
}

if (wanted('mediate')) {
  const jobs = parseCsv(readFileSync(join(repoRoot, 'fixtures/datasets/jobs.csv'), 'utf8'));
  const models = { mediatorModel: 'job_seek ~ treat + econ_hard + sex + age', outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age', treat: 'treat', mediator: 'job_seek' };
  rows.push({
    timing: time('mediate jobs, boot, 1000 sims', () => mediate({ data: jobs, ...models, boot: true, sims: 1000, seed: 1 }), (m) => assertFinite(m.acme.average.confLow, 'ACME CI')),
    rKey: 'mediate_jobs_boot_1000',
    goalSeconds: 0.25,
  });
  rows.push({
    timing: time('mediate jobs, quasi-Bayes, 1000 sims', () => mediate({ data: jobs, ...models, sims: 1000, seed: 1 }), (m) => assertFinite(m.acme.average.confLow, 'ACME CI')),
    rKey: 'mediate_jobs_quasibayes_1000',
  });
}

if (wanted('lmm')) {
  // The panel's school column (units nested in schools of 50: 2,000 schools), as timings_lmm.json's call.
  const panel = loadPanel(100_000, 10, 1);
  rows.push({
    timing: time('lmm y ~ x1 + treated + (1 | school), REML (1M rows, 2,000 schools)', () => lmm('y ~ x1 + treated + (1 | school)', panel), (fit) => assertFinite(fit.se().treated!, 'lmm SE')),
    rKey: 'lmer_1m_school',
    goalSeconds: 4.37,
  });
}

// Each further task is an `if (wanted('name')) { ... }` block inserted above this line.

printTable(rows);

/** The `period == 1` rows with treat = cohort > 0, as the R matching benchmark uses. */
function baselineRows(panel: Frame): Frame {
  const period = panel.numeric('period');
  const rowsAtStart: number[] = [];
  for (let i = 0; i < panel.nrow; i++) if (period[i] === 1) rowsAtStart.push(i);
  const baseline = panel.take(rowsAtStart);
  const treat = new Float64Array(baseline.nrow);
  const baseCohort = baseline.numeric('cohort');
  for (let i = 0; i < baseline.nrow; i++) treat[i] = baseCohort[i]! > 0 ? 1 : 0;
  return baseline.withColumns({ treat });
}
