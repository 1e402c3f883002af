/**
 * The worker pool's contract: the `workers` option's errors (with suggestions), a kernel's error in
 * a worker surfacing as a typed CausalPanelError on the caller, reuse of one pool across calls and
 * estimators, and closing (a closed pool is an error; closing twice is harmless).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { feols } from '../../src/models/feols.js';
import { boottest } from '../../src/estimators/boottest.js';
import { multiplierBootstrap } from '../../src/inference/bootstrap.js';
import { createWorkerPool, isWorkerPool, runParallel, sharedFloat64 } from '../../src/parallel/pool.js';
import { autoWorkers, readWorkers } from '../../src/parallel/workersOption.js';
import { CausalPanelError } from '../../src/errors.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const data = loadDataset('base_did_grid.csv');
const fit = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'grp' } });
const psi = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i) * (1 + (i % 5)));
const pool = createWorkerPool(2);
afterAll(() => pool.close());

describe('the workers option', () => {
  it.each([
    [0, 'boottest: option "workers" must be an integer from 1 to 16, "auto" or a pool from createWorkerPool(n); 1 runs single-threaded (got 0)'],
    [1.5, 'boottest: option "workers" must be an integer from 1 to 16, "auto" or a pool from createWorkerPool(n); did you mean 2? (got 1.5)'],
    ['two', 'boottest: option "workers" must be an integer from 1 to 16, "auto" or a pool from createWorkerPool(n); did you mean 2? (got "two")'],
    ['2', 'boottest: option "workers" must be an integer from 1 to 16, "auto" or a pool from createWorkerPool(n); did you mean 2? (got "2")'],
    [64, 'boottest: option "workers" must be an integer from 1 to 16, "auto" or a pool from createWorkerPool(n); did you mean "auto" or 16? (got 64)'],
    [{ size: 2 }, 'boottest: option "workers" must be an integer from 1 to 16, "auto" or a pool from createWorkerPool(n) (got {"size":2})'],
  ])('rejects %j with a suggestion', (value, message) => {
    const error = thrown(() => boottest(fit, { param: 'treat:post', B: 99, workers: value as never }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ fn: 'boottest', option: 'workers', value });
  });
  it('is read by multiplierBootstrap too', () => {
    expect(thrown(() => multiplierBootstrap(psi, 400, 1, { reps: 99, seed: 1, workers: 'two' as never })).message).toMatch(/^multiplierBootstrap: option "workers" .* did you mean 2\?/);
  });
  it('reads 1, n, "auto" and a pool; undefined is 1', () => {
    const at = { fn: 'f', key: 'workers' };
    expect(readWorkers(undefined, at)).toBe(1);
    expect(readWorkers(3, at)).toBe(3);
    expect(readWorkers('auto', at)).toBe('auto');
    expect(readWorkers(pool, at)).toBe(pool);
    expect(autoWorkers()).toBeGreaterThanOrEqual(1);
    expect(autoWorkers()).toBeLessThanOrEqual(8);
  });
  it('createWorkerPool rejects sizes outside 1..16', () => {
    for (const size of [0, 2.5, 17]) expect(thrown(() => createWorkerPool(size)).message).toBe(`createWorkerPool: size must be an integer from 1 to 16 (got ${size})`);
  });
});

describe('errors in a worker', () => {
  it('an unknown kernel: a typed error naming the kernel, and the pool stays usable', () => {
    const error = thrown(() => runParallel(pool, 'someFn', { kernel: 'noSuchKernel', count: 10, blockSize: 2, arrays: {}, params: {} }));
    expect(error).toBeInstanceOf(CausalPanelError);
    expect(error.message).toBe('someFn: a worker failed (unknown kernel noSuchKernel)');
    expect(error.details).toMatchObject({ fn: 'someFn', option: 'workers' });
    const b = multiplierBootstrap(psi, 400, 1, { reps: 99, seed: 1, workers: pool });
    expect(Array.from(b.draws)).toEqual(Array.from(multiplierBootstrap(psi, 400, 1, { reps: 99, seed: 1 }).draws));
  });
  it('a kernel that throws on its inputs (a missing shared array): typed error on the caller', () => {
    const draws = sharedFloat64(10);
    const error = thrown(() => runParallel(pool, 'multiplierBootstrap', { kernel: 'multiplierBootstrap', count: 10, blockSize: 5, arrays: { draws }, params: { G: 4, p: 1, B: 10, rademacher: true, blockSize: 5 } }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(/^multiplierBootstrap: a worker failed \(.+\)$/);
  });
});

describe('a CausalPanelError in a worker', () => {
  it('keeps its code, message and details on the caller', () => {
    const zeros = new Int32Array(new SharedArrayBuffer(16));
    const arrays = { a0: sharedFloat64(2), K0: sharedFloat64(4), n0: sharedFloat64(4), n1: sharedFloat64(4), cc: sharedFloat64(4), cd: sharedFloat64(4), dd: sharedFloat64(4), starts: zeros };
    const error = thrown(() => runParallel(pool, 'wildBootstrap', { kernel: 'wildBootstrapT', count: 4, blockSize: 4, arrays, params: { H: 2, nClusters: [2], factors: [1], mode: 'stream', law: 'rademacher', blockSize: 4 } }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe('createRngFromState: state must not be all zero (0, 0, 0, 0)');
    expect(error.details).toEqual({ fn: 'createRngFromState', value: [0, 0, 0, 0] });
  });
});

describe('pool reuse and closing', () => {
  it('one pool serves several calls and estimators; closing twice is harmless; a closed pool is an error', () => {
    const local = createWorkerPool(1);
    expect(isWorkerPool(local)).toBe(true);
    expect(local.size).toBe(1);
    const first = boottest(fit, { param: 'treat:post', B: 199, weights: 'webb', seed: 1, workers: local });
    const second = boottest(fit, { param: 'treat:post', B: 199, weights: 'webb', seed: 1, workers: local });
    multiplierBootstrap(psi, 400, 1, { reps: 99, seed: 2, workers: local });
    expect(Array.from(second.bootStatistics())).toEqual(Array.from(first.bootStatistics()));
    local.close();
    local.close();
    expect(local.closed).toBe(true);
    const error = thrown(() => boottest(fit, { param: 'treat:post', B: 99, weights: 'webb', workers: local }));
    expect(error.message).toBe('boottest: option "workers" is a closed worker pool');
    const terminated = createWorkerPool(1);
    terminated.terminate();
    expect(thrown(() => multiplierBootstrap(psi, 400, 1, { reps: 99, seed: 1, workers: terminated })).code).toBe('invalid_option');
  });
  it('ready resolves once the workers have started', async () => {
    await expect(pool.ready).resolves.toBeUndefined();
  });
});

describe('a worker entry that is not there', () => {
  it('is an invalid_option error at once (Node), naming the path', () => {
    const error = thrown(() => createWorkerPool(1, { workerUrl: new URL('file:///nonexistent/causal-panel/worker.js') }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe('createWorkerPool: no worker entry at file:///nonexistent/causal-panel/worker.js (the library was bundled or moved?); pass createWorkerPool(n, { workerUrl }) pointing at causal-panel/dist/worker.js');
  });
});
