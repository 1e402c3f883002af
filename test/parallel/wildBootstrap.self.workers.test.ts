/**
 * boottest with workers: 2 (a reused pool) against workers: 1 — every bootstrap statistic, the
 * p-values at several r and the confidence set bit for bit, for each weight law (the stream laws
 * jump to each block's start; normal weights come from a shared table), full enumeration, WCU,
 * two-way clustering and the q = 2 Wald path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { feols } from '../../src/models/feols.js';
import { boottest, type BoottestOptions } from '../../src/estimators/boottest.js';
import { createWorkerPool } from '../../src/parallel/pool.js';
import { loadDataset } from '../helpers/oracle.js';

const data = loadDataset('base_did_grid.csv');
const fit = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'grp' } });
const pool = createWorkerPool(2);
afterAll(() => pool.close());

const cases: [string, BoottestOptions][] = [
  ['rademacher drawn (B < 2^H)', { param: 'treat:post', B: 499, enumerate: false, seed: 7 }],
  ['webb', { param: 'treat:post', B: 999, weights: 'webb', seed: 3 }],
  ['mammen, WCU', { param: 'x1', B: 499, weights: 'mammen', impose: false, seed: 11 }],
  ['normal (shared table)', { param: 'treat:post', B: 333, weights: 'normal', seed: 5 }],
  ['full enumeration', { param: 'treat:post', B: 999 }],
  ['two-way clustering, bootstrap on id', { param: 'treat:post', clusters: ['grp', 'period'], bootCluster: 'id', B: 299, weights: 'webb', seed: 2 }],
  ['q = 2 (Wald)', { param: ['x1', 'treat:post'], B: 399, weights: 'webb', seed: 9 }],
];

describe('boottest: workers 2 equals workers 1 bit for bit', () => {
  for (const [name, options] of cases) {
    it(name, () => {
      const one = boottest(fit, options);
      const two = boottest(fit, { ...options, workers: pool });
      expect(Array.from(two.bootStatistics())).toEqual(Array.from(one.bootStatistics()));
      expect(two.pValue).toBe(one.pValue);
      expect(Array.from(two.confInt ?? [])).toEqual(Array.from(one.confInt ?? []));
      if (Array.isArray(options.param)) return;
      for (const r of [3.5, 4.5, 5.5]) expect(two.pValueAt(r)).toBe(one.pValueAt(r));
    });
  }
  it('a pool made for the call (workers: 2) gives the same numbers', () => {
    const options: BoottestOptions = { param: 'treat:post', B: 299, weights: 'webb', seed: 4 };
    expect(Array.from(boottest(fit, { ...options, workers: 2 }).bootStatistics())).toEqual(Array.from(boottest(fit, options).bootStatistics()));
  });
});
