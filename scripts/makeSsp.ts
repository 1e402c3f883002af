/**
 * Writes fixtures/ssp.csv: the simulated SSP-like school panel of the worked example.
 *
 *   npx tsx scripts/makeSsp.ts            # simulateSchoolPanel({ seed: 2019 })
 *
 * Numbers are written as JavaScript prints them (the generator already rounds outcomes,
 * mediators and covariates to 4 decimals), so the file is byte-identical on every platform.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulateSchoolPanel } from '../src/simulate/simulateSchoolPanel.js';

const SEED = 2019;
const frame = simulateSchoolPanel({ seed: SEED });
const columns = frame.names.map((name) => frame.columns[name] as Float64Array);
const lines = [frame.names.join(',')];
for (let i = 0; i < frame.nrow; i++) lines.push(columns.map((c) => String(c[i])).join(','));
const path = fileURLToPath(new URL('../fixtures/ssp.csv', import.meta.url));
writeFileSync(path, `${lines.join('\n')}\n`);
process.stdout.write(`wrote ${path}: ${frame.nrow} rows × ${frame.names.length} columns (seed ${SEED})\n`);
