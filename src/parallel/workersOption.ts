/**
 * The `workers` option of the estimators with a parallel part: `1` (the default: the
 * single-threaded path), an integer n > 1 (a pool of n threads made for the call and closed after
 * it), `'auto'` (the available parallelism, at most {@link AUTO_MAX_WORKERS}; 1 where only one core
 * is available or where this thread may not block, so `'auto'` never fails) or a pool made by
 * `createWorkerPool(n)` (reused across calls; the caller closes it).
 */
import { CausalPanelError } from '../errors.js';
import { invalidOption, type OptionPath } from '../options.js';
import { blockingError, canBlock, createWorkerPool, isWorkerPool, MAX_WORKERS, nodeBuiltin, type WorkerPool } from './pool.js';

/**
 * The `workers` option as written by the user.
 *
 * @example
 * const w: WorkersOption = 'auto';
 */
export type WorkersOption = number | 'auto' | WorkerPool;

/** The cap of `'auto'`: replicate loops gain little beyond a few threads and each costs memory. */
export const AUTO_MAX_WORKERS = 8;

const NUMBER_WORDS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, six: 6, eight: 8 };

/**
 * Reads `workers` (for `opt.custom`): a positive integer ≤ 16, `'auto'` or a worker pool.
 *
 * @throws {CausalPanelError} `invalid_option` with a suggestion for anything else
 * @example
 * readWorkers(2, { fn: 'boottest', key: 'workers' }); // 2
 * readWorkers(undefined, { fn: 'boottest', key: 'workers' }); // 1
 */
export function readWorkers(value: unknown, at: OptionPath): WorkersOption {
  if (value === undefined) return 1;
  if (isWorkerPool(value)) return value;
  if (value === 'auto') return value;
  const expected = `an integer from 1 to ${MAX_WORKERS}, "auto" or a pool from createWorkerPool(n)`;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1 && value <= MAX_WORKERS) return value;
    const hint = !Number.isFinite(value) || value < 1 ? '; 1 runs single-threaded' : Number.isInteger(value) ? `; did you mean "auto" or ${MAX_WORKERS}?` : `; did you mean ${Math.max(1, Math.min(MAX_WORKERS, Math.round(value)))}?`;
    throw invalidOption(at, `${expected}${hint}`, value);
  }
  if (typeof value === 'string') {
    const word = NUMBER_WORDS[value.trim().toLowerCase()];
    const numeric = Number(value);
    const suggestion = word !== undefined ? String(word) : Number.isInteger(numeric) && numeric >= 1 && numeric <= MAX_WORKERS ? String(numeric) : '"auto"';
    throw invalidOption(at, `${expected}; did you mean ${suggestion}?`, value);
  }
  throw invalidOption(at, expected, value);
}

/** Cores this thread can use: os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser. */
function availableParallelism(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus?: () => unknown[] }>('os');
  const count = os?.availableParallelism?.() ?? os?.cpus?.().length ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * The number of threads `'auto'` stands for here.
 *
 * @example
 * autoWorkers(); // 2 on a 2-core machine (1 on a page's main thread)
 */
export function autoWorkers(): number {
  if (typeof SharedArrayBuffer !== 'function' || !canBlock()) return 1;
  return Math.min(AUTO_MAX_WORKERS, availableParallelism());
}

/**
 * Runs `body` with the pool `workers` asks for (null: single-threaded), closing a pool it made.
 *
 * @throws {CausalPanelError} whatever `body` or `createWorkerPool` throws
 * @example
 * withWorkers('boottest', 2, (pool) => pool?.size); // 2 (the pool is closed afterwards)
 */
export function withWorkers<T>(fn: string, workers: WorkersOption, body: (pool: WorkerPool | null) => T): T {
  if (isWorkerPool(workers)) {
    if (workers.closed) throw new CausalPanelError('invalid_option', `${fn}: option "workers" is a closed worker pool`, { fn, option: 'workers' });
    return body(workers);
  }
  const size = workers === 'auto' ? autoWorkers() : workers;
  if (size <= 1) return body(null);
  if (typeof SharedArrayBuffer === 'function' && !canBlock()) throw blockingError(fn);
  let pool: WorkerPool;
  try {
    pool = createWorkerPool(size);
  } catch (error) {
    if (error instanceof CausalPanelError) throw new CausalPanelError(error.code, error.message.replace(/^createWorkerPool:/, `${fn}: option "workers":`), { ...error.details, fn });
    throw error;
  }
  try {
    return body(pool);
  } finally {
    pool.terminate();
  }
}
