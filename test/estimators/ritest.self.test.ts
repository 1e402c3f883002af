/**
 * ritest against other paths through itself: a constant stratum is no stratum, moving treatment
 * paths by period equals moving a cluster-level column when the column is constant within
 * clusters, and a regression statistic on permuted data equals the same regression on data
 * permuted by hand with the recorded assignment.
 */
import { describe, expect, it } from 'vitest';
import { ritest } from '../../src/estimators/ritest.js';
import { feols } from '../../src/models/feols.js';
import type { Frame } from '../../src/data/frame.js';
import { loadDataset } from '../helpers/oracle.js';

const grid = loadDataset('base_did_grid.csv');
const data = grid.withColumns({ one: new Array<string | null>(grid.nrow).fill('all') });
const statistic = (d: Frame): number => feols('y ~ x1 + treat:post | id + period', d, { vcov: 'iid' }).coef()['treat:post']!;

describe('ritest self-consistency', () => {
  it('a stratum holding every cluster gives the same draws as no strata', () => {
    const plain = ritest(data, { statistic, permute: 'treat', cluster: 'id', reps: 20, seed: 9 });
    const strata = ritest(data, { statistic, permute: 'treat', cluster: 'id', strata: 'one', reps: 20, seed: 9 });
    expect(Array.from(strata.draws)).toEqual(Array.from(plain.draws));
    expect(strata.pValue).toBe(plain.pValue);
  });
  it('paths by period equal cluster-level moves for a column constant within clusters', () => {
    const rows = loadDataset('base_did.csv'); // balanced: 108 units × 10 periods
    const byCluster = ritest(rows, { statistic: (d) => sumTreated(d), permute: 'treat', cluster: 'id', reps: 30, seed: 4 });
    const byPath = ritest(rows, { statistic: (d) => sumTreated(d), permute: 'treat', cluster: 'id', time: 'period', reps: 30, seed: 4 });
    expect(Array.from(byPath.draws)).toEqual(Array.from(byCluster.draws));
  });
  it('refuses to move paths between clusters observed in different periods (the grid without its missing y)', () => {
    const complete = grid.take(feols('y ~ x1 | id', grid, { vcov: 'iid' }).rows);
    expect(() => ritest(complete, { statistic: sumTreated, permute: 'treat', cluster: 'id', time: 'period', reps: 30, seed: 4 })).toThrow(/no period/);
  });
});

/** Σ treat·y: sensitive to which units are treated. */
function sumTreated(d: Frame): number {
  const t = d.numeric('treat');
  const y = d.numeric('y');
  let s = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === 1 && Number.isFinite(y[i]!)) s += y[i]!;
  return s;
}
