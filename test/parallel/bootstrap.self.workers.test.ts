/**
 * multiplierBootstrap (did's mboot, used by attgt and its aggregations) with 2 workers against 1:
 * draws, standard errors and the sup-t critical value bit for bit, with Rademacher and Mammen
 * weights, with and without clustering, and with B not a multiple of the block size.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { multiplierBootstrap, type MultiplierBootstrapOptions } from '../../src/inference/bootstrap.js';
import { createWorkerPool } from '../../src/parallel/pool.js';

const n = 600;
const p = 5;
const psi = Float64Array.from({ length: n * p }, (_, i) => Math.sin(0.37 * i) * (1 + (i % 7)));
const cluster = Int32Array.from({ length: n }, (_, i) => i % 97);
const pool = createWorkerPool(2);
afterAll(() => pool.close());

const cases: [string, MultiplierBootstrapOptions][] = [
  ['rademacher', { reps: 999, seed: 1 }],
  ['mammen', { reps: 1001, seed: 8, weights: 'mammen', level: 0.9 }],
  ['clustered', { reps: 257, seed: 3, cluster, nClusters: 97 }],
];

describe('multiplierBootstrap: workers 2 equals workers 1 bit for bit', () => {
  for (const [name, options] of cases) {
    it(name, () => {
      const one = multiplierBootstrap(psi, n, p, options);
      const two = multiplierBootstrap(psi, n, p, { ...options, workers: pool });
      expect(Array.from(two.draws)).toEqual(Array.from(one.draws));
      expect(Array.from(two.se)).toEqual(Array.from(one.se));
      expect(two.critical).toBe(one.critical);
    });
  }
  it('"auto" gives the same numbers', () => {
    const options: MultiplierBootstrapOptions = { reps: 99, seed: 5 };
    expect(Array.from(multiplierBootstrap(psi, n, p, { ...options, workers: 'auto' }).draws)).toEqual(Array.from(multiplierBootstrap(psi, n, p, options).draws));
  });
});
