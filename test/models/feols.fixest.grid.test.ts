/**
 * feols against fixest 0.12.2 over a grid (fixtures/oracles/fixest_grid_*.json): three formulas
 * (F1 `y ~ x1 | id + period`, F2 `y ~ x1 + treat:post | id + period`, F3
 * `y ~ x1 + i(period, treat, 5) | id`) × vcov (iid, hetero, ~id, ~id + period) × weights (none,
 * `~w`) × data (base_did.csv clean, base_did_grid.csv with 49 rows missing y or x1), plus F2
 * clustered by the text column `grp`. Every cell goes through the one battery: coefficients 1e-8;
 * SE, t, p, CI and vcov 1e-6 (relative; p also passes within 1e-12 absolute, as a tiny p amplifies
 * any t error — the shared README allows p 1e-4, these cells meet 1e-6); nobs, removed rows,
 * vcov label, dof.K, G (per clustering) and t df exact; r2, within r2, adjusted r2, RMSE, σ² and SSR 1e-8.
 */
import { describe, expect, it } from 'vitest';
import { feols, type FeolsOptions } from '../../src/models/feols.js';
import { criticalValue } from '../../src/numerics/distributions.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';

/** One cell of a grid file (the fields this test reads). */
interface GridCell {
  coefficients: { term: string; estimate: number; stdError: number; statistic: number; pValue: number }[];
  vcov: number[][];
  vcovType: string;
  nClusters: number | null;
  clusterSizes?: Record<string, number> | null;
  dofK: number;
  dfT: number | null;
  nobs: number;
  nobsOrigin: number;
  nobsRemoved: number;
  removedRows: number[] | null;
  r2: number;
  wr2: number;
  ar2: number;
  rmse: number;
  sigma2: number;
  ssr: number;
  fixefSizes: Record<string, number>;
  call: string;
}

const FORMULAS = {
  F1: 'y ~ x1 | id + period',
  F2: 'y ~ x1 + treat:post | id + period',
  F3: 'y ~ x1 + i(period, treat, 5) | id',
} as const;

/** The oracle's vcov keys → feols's vcov option (F3's twoway is written ~id + period in the call). */
const VCOV: Record<string, FeolsOptions['vcov']> = {
  iid: 'iid',
  hetero: 'hetero',
  cluster: { CRV1: 'id' },
  twoway: { CRV1: 'id + period' },
  grp: { CRV1: 'grp' },
};

const grid = loadDataset('base_did_grid.csv');
const baseDid = loadDataset('base_did.csv');
// The clean files' call adds w = 0.5 + (id %% 5)·0.25 + (period %% 3)·0.1 to base_did (the same
// IEEE operations in R and here), bit for bit base_did_grid.csv's w column.
const id = baseDid.numeric('id');
const period = baseDid.numeric('period');
const w = Float64Array.from(id, (v, i) => 0.5 + (v % 5) * 0.25 + (period[i]! % 3) * 0.1);
const DATA = { clean: baseDid.withColumns({ w }), na: grid };

it("the clean files' w is base_did_grid.csv's w column, bit for bit", () => {
  expect(w).toEqual(grid.numeric('w'));
});

const FILES = [
  'fixest_grid_F1_clean',
  'fixest_grid_F1_na',
  'fixest_grid_F2_clean',
  'fixest_grid_F2_na',
  'fixest_grid_F2_na_cluster_grp',
  'fixest_grid_F3_clean',
  'fixest_grid_F3_na',
] as const;

/** [file, vcov key, weights key] for every cell of every file. */
function cellsOf(file: string): [string, string][] {
  const results = loadOracle<Record<string, Record<string, GridCell>>>(file).results;
  return Object.entries(results)
    .filter(([key]) => key !== 'crossCheck')
    .flatMap(([vcov, byWeights]) => Object.keys(byWeights).map((w) => [vcov, w] as [string, string]));
}

describe.each(FILES)('%s: feols reproduces fixest 0.12.2', (file) => {
  const oracle = loadOracle<Record<string, Record<string, GridCell>>>(file);
  const [, formulaKey, dataKey] = /^fixest_grid_(F\d)_(clean|na)/.exec(file)!;
  const formula = FORMULAS[formulaKey as keyof typeof FORMULAS];
  const data = DATA[dataKey as keyof typeof DATA];
  it.each(cellsOf(file))('vcov %s, weights %s', (vcovKey, weightsKey) => {
    expect(oracle.data, 'the dataset the oracle names').toBe(dataKey === 'clean' ? 'base_did.csv' : 'base_did_grid.csv');
    const cell = oracle.results[vcovKey]![weightsKey]!;
    const fit = feols(formula, data, { vcov: VCOV[vcovKey], ...(weightsKey === 'w' ? { weights: 'w' } : {}) });

    // Coefficient rows through the battery, in fixest's order.
    expect(fit.terms, 'terms').toEqual(cell.coefficients.map((c) => c.term));
    const dist = cell.dfT === null ? ({ kind: 'normal' } as const) : ({ kind: 't', df: cell.dfT } as const);
    const crit = criticalValue(0.95, dist);
    const oracleRows = cell.coefficients.map((c) => ({ ...c, confLow: c.estimate - crit * c.stdError, confHigh: c.estimate + crit * c.stdError }));
    const slack = (row: object) => {
      const c = row as { estimate: number; stdError: number };
      return 1e-8 * Math.abs(c.estimate) + 1e-6 * crit * c.stdError;
    };
    expectEstimatesMatch(
      fit.tidy(0.95),
      oracleRows,
      {
        estimate: 1e-8,
        stdError: 1e-6,
        statistic: 1e-6,
        pValue: { rel: 1e-6, abs: 1e-12 },
        confLow: { rel: 1e-6, abs: slack },
        confHigh: { rel: 1e-6, abs: slack },
      },
      { label: `${file} ${vcovKey}/${weightsKey}`, ordered: true },
    );
    const scale = Math.max(...cell.vcov.map((row, i) => Math.abs(row[i]!)));
    expectAllClose(fit.vcov().flat(), cell.vcov.flat(), 1e-6, 'vcov', { absTol: 1e-9 * scale });

    // Counts, exactly.
    expect(fit.nobs, 'nobs').toBe(cell.nobs);
    expect(data.nrow, 'nobsOrigin').toBe(cell.nobsOrigin);
    const used = new Set(fit.rows);
    const removed = Array.from({ length: data.nrow }, (_, i) => i).filter((i) => !used.has(i)).map((i) => i + 1);
    expect(removed, 'removedRows (1-based)').toEqual(cell.removedRows ?? []);
    expect(removed.length, 'nobsRemoved').toBe(cell.nobsRemoved);
    const dropped = fit.notes.find((n) => n.code === 'rows_dropped_missing');
    expect(dropped === undefined ? 0 : (dropped as { count: number }).count, 'rows_dropped_missing note').toBe(cell.nobsRemoved);
    expect(fit.vcovInfo.label, 'vcovType').toBe(cell.vcovType);
    expect(fit.vcovInfo.dofK, 'dofK').toBe(cell.dofK);
    const g = fit.vcovInfo.nClusters;
    expect(g === null ? null : Math.min(...g), 'nClusters').toBe(cell.nClusters);
    expect(g === null ? null : [...g], 'clusterSizes').toEqual(cell.clusterSizes == null ? null : Object.values(cell.clusterSizes));
    expect(fit.dist, 'dist').toEqual(dist);
    expect(Object.fromEntries(fit.fixedEffects.map((f) => [f.name, f.nLevels])), 'fixefSizes').toEqual(cell.fixefSizes);

    // Fit statistics.
    expectClose(fit.r2, cell.r2, 1e-8, 'r2');
    expectClose(fit.wr2, cell.wr2, 1e-8, 'wr2');
    expectClose(fit.adjR2, cell.ar2, 1e-8, 'ar2');
    expectClose(fit.rmse, cell.rmse, 1e-8, 'rmse');
    expectClose(fit.sigma ** 2, cell.sigma2, 1e-8, 'sigma2');
    expectClose(fit.ssr, cell.ssr, 1e-8, 'ssr');
  });
});
