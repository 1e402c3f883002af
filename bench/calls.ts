/**
 * Runs one benchmark task `calls` times on a generated panel, for instruction counting:
 * `bash bench/instructions.sh` runs it under callgrind with 1 and with 6 calls and prints the
 * instructions of one call (the difference / 5). They do not depend on what else the machine is
 * doing, but node's JIT and GC make them vary between runs of the same code: compare several. Usage: `tsx bench/calls.ts <feols|attgt> <calls> [units]`.
 */
import { readFileSync } from 'node:fs';
import { attgt, feols, parseCsv } from '../src/index.js';
import { panelPath } from './harness.js';

const [task = 'feols', callsText = '1', unitsText = '20000'] = process.argv.slice(2);
const panel = parseCsv(readFileSync(panelPath(Number(unitsText), 10, 1), 'utf8'));
const tasks: Record<string, () => unknown> = {
  feols: () => feols('y ~ treated + x1 | unit + period', panel, { vcov: { CRV1: 'unit' } }),
  attgt: () => attgt({ data: panel, outcome: 'y', unit: 'unit', time: 'period', cohort: 'cohort', covariates: ['x2'], method: 'dr', control: 'never' }).aggregate('dynamic'),
};
const run = tasks[task];
if (run === undefined) throw new Error(`bench/calls: unknown task "${task}" (feols, attgt)`);
for (let i = 0; i < Number(callsText); i++) run();
