/**
 * lalonde.csv → R's model matrix for the propensity model of fixtures/oracles/matchit_nearest.json,
 * built by hand (independently of the formula front end) so that numerics tests check irls alone:
 * treatment contrasts for `race` (levels black, hispan, white; black is the base level).
 */
import { readFileSync } from 'node:fs';

/** One coefficient row of an R glm table in the oracle files. */
export interface OracleCoefRow { term: string; estimate: number; stdError: number }

/** The model matrix for `terms` (R names such as `racehispan`) and the 0/1 `treat` response. */
export function lalondeDesign(terms: string[]): { X: Float64Array; y: Float64Array; n: number; k: number } {
  const lines = readFileSync(new URL('../../fixtures/datasets/lalonde.csv', import.meta.url), 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
  const rows = lines.slice(1).map((line) => line.split(',').map((cell) => cell.replace(/"/g, '')));
  const col = (name: string) => header.indexOf(name);
  const n = rows.length;
  const k = terms.length;
  const X = new Float64Array(n * k);
  terms.forEach((term, j) => {
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      X[i + j * n] = term === '(Intercept)' ? 1 : term.startsWith('race') ? (row[col('race')] === term.slice(4) ? 1 : 0) : Number(row[col(term)]);
    }
  });
  return { X, y: Float64Array.from(rows, (row) => Number(row[col('treat')])), n, k };
}
