/**
 * attgt's multiplier bootstrap on workers (did's mboot; `workers` is attgt's option): the cells'
 * bootstrap SEs, the uniform critical value and every aggregation's SEs and band equal the
 * one-thread result bit for bit, with 2 workers made for the call and with a reused pool
 * (aggregations run later draw again on the pool). mpdta, did 2.5.1's example data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { attgt } from '../../src/estimators/did/attgt.js';
import { createWorkerPool } from '../../src/parallel/pool.js';
import { loadDataset } from '../helpers/oracle.js';

const mpdta = loadDataset('mpdta.csv');
const pool = createWorkerPool(2);
afterAll(() => pool.close());

const options = {
  data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat',
  covariates: ['lpop'], bootstrap: { reps: 400, seed: 7 },
} as const;

describe('attgt({ bootstrap, workers }): the same numbers as one thread', () => {
  const one = attgt(options);
  it('workers: 2 (a pool made for the call) — cells and critical value, bit for bit', () => {
    const two = attgt({ ...options, workers: 2 });
    expect(two.tidy()).toEqual(one.tidy());
    expect(two.criticalValue).toBe(one.criticalValue);
    expect(one.criticalValue).toBeGreaterThan(1.96); // a sup-t band, not the pointwise value
  });
  it('a reused pool — every aggregation', () => {
    const pooled = attgt({ ...options, workers: pool });
    for (const type of ['simple', 'dynamic', 'group', 'calendar'] as const) {
      expect(pooled.aggregate(type).tidy()).toEqual(one.aggregate(type).tidy());
    }
  });
  it("workers is not a param of the result (its JSON stays the same); did's cores points to it", () => {
    expect(JSON.stringify(attgt({ ...options, workers: pool }).toJSON())).toBe(JSON.stringify(one.toJSON()));
    expect(() => attgt({ ...options, cores: 2 } as never)).toThrow(/cores.*workers/);
  });
});
