/**
 * A pool of worker threads for the embarrassingly parallel parts (bootstrap replicates), driven
 * synchronously: the estimators stay synchronous, so the calling thread posts one task to every
 * worker and then blocks in `Atomics.wait` until all have finished. Inputs and outputs are typed
 * arrays over `SharedArrayBuffer`s (shared, never copied); the control words — the next block of
 * replicates to take, how many workers are done, an error flag — are `Int32Array` slots changed
 * with `Atomics`. Workers take fixed blocks of replicates from a shared counter, and every
 * replicate is computed by the same code from the same inputs whichever worker takes it, so the
 * numbers do not depend on the number of workers or on scheduling.
 *
 * Node: `worker_threads` (reached through `process.getBuiltinModule`, Node ≥ 20.16, so that this
 * browser-safe layer imports no `node:*`). Browsers: module Web Workers; the thread that blocks
 * must itself be a Web Worker (`Atomics.wait` is forbidden on a page's main thread) and the page
 * must be cross-origin isolated (`SharedArrayBuffer`). A worker's entry is `src/worker.ts`
 * (`dist/worker.js` / `dist/worker.cjs` when built): under tsx or vitest the TypeScript entry runs
 * with `--import tsx`.
 */
import { CausalPanelError, type ErrorCode } from '../errors.js';

/** Control words (Int32 slots of the control buffer). */
const NEXT = 0;
const DONE = 1;
const ERROR = 2;
const ERROR_LENGTH = 3;
const READY = 8;
const ERROR_BYTES = 4096;
/** How long a worker may take to start (load its module) before the pool gives up. */
const STARTUP_MS = 60_000;

/** The part of a Node `Worker` / DOM `Worker` the pool uses. */
interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref?: () => void;
  /** Node's EventEmitter / the DOM's EventTarget, for a worker that fails to load. */
  on?: (event: 'error', listener: (error: unknown) => void) => void;
  addEventListener?: (type: 'error', listener: (event: { message?: string }) => void) => void;
}

/**
 * Options of {@link createWorkerPool}.
 *
 * @example
 * const options: WorkerPoolOptions = { workerUrl: '/assets/causal-panel/worker.js' };
 */
export interface WorkerPoolOptions {
  /** Where the worker entry is (default: next to the library, `worker.js` / `worker.cjs`); for bundlers that move files. */
  workerUrl?: string | URL;
}

/**
 * A pool of worker threads made by {@link createWorkerPool}; pass it as `workers: pool` to reuse
 * it across calls, and `close()` it when done.
 *
 * @example
 * const pool = createWorkerPool(2);
 * boottest(fit, { param: 'x', clusters: 'g', seed: 1, workers: pool }); // same numbers as workers: 1
 * pool.close();
 */
export interface WorkerPool {
  /** Number of worker threads. */
  readonly size: number;
  /** Resolves when every worker has started (needed in browsers before the first synchronous call). */
  readonly ready: Promise<void>;
  /** true after close() or terminate(). */
  readonly closed: boolean;
  /** Lets the workers finish what they are doing and exit. */
  close(): void;
  /** Stops the workers at once. */
  terminate(): void;
}

/**
 * A task for {@link runParallel}: the kernel (by its name in the worker's registry) applied to
 * replicates [0, count) in blocks of `blockSize`, reading and writing the shared arrays.
 *
 * @example
 * const task: ParallelTask = { kernel: 'multiplierBootstrap', count: 999, blockSize: 32, arrays: {}, params: {} };
 */
export interface ParallelTask {
  readonly kernel: string;
  readonly count: number;
  readonly blockSize: number;
  /** Typed arrays over SharedArrayBuffers (see {@link sharedCopy}). */
  readonly arrays: Readonly<Record<string, SharedArray>>;
  /** Plain structured-cloneable values. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A typed array the workers can share. @example const a: SharedArray = sharedFloat64(4); */
export type SharedArray = Float64Array | Int32Array | Uint8Array;

/** Internal state behind a {@link WorkerPool}. */
interface PoolState extends WorkerPool {
  readonly control: Int32Array;
  readonly errorText: Uint8Array;
  readonly started: () => boolean;
  readonly workers: readonly WorkerHandle[];
  readonly browser: boolean;
}

const POOL_STATE = Symbol.for('causal-panel.workerPool');

/**
 * Whether a value is a pool made by {@link createWorkerPool}.
 *
 * @example
 * isWorkerPool(2); // false
 */
export function isWorkerPool(value: unknown): value is WorkerPool {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[POOL_STATE] === true;
}

/**
 * A Float64Array over a new SharedArrayBuffer (zeroed).
 *
 * @example
 * sharedFloat64(3); // Float64Array [0, 0, 0] that workers can fill
 */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, length) * 8), 0, length);
}

/**
 * A copy of a typed array in shared memory (the input columns of a parallel task).
 *
 * @example
 * sharedCopy(Float64Array.of(1, 2)).buffer instanceof SharedArrayBuffer; // true
 */
export function sharedCopy<T extends SharedArray>(values: T): T {
  const Ctor = values.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => T;
  const out = new Ctor(new SharedArrayBuffer(Math.max(1, values.byteLength)), 0, values.length);
  out.set(values as never);
  return out;
}

interface NodeWorkerThreads {
  Worker: new (url: URL | string, options?: { workerData?: unknown; name?: string }) => WorkerHandle & { on(event: string, listener: (...args: unknown[]) => void): void };
}

/**
 * A Node built-in module through `process.getBuiltinModule` (Node ≥ 20.16), so that this
 * browser-safe layer has no `node:*` import; undefined in browsers and older Node.
 *
 * @example
 * nodeBuiltin<{ availableParallelism(): number }>('os')?.availableParallelism(); // 2 on a 2-core machine
 */
export function nodeBuiltin<T>(name: string): T | undefined {
  if (typeof process !== 'object' || process === null || typeof process.getBuiltinModule !== 'function') return undefined;
  return process.getBuiltinModule(name) as T | undefined;
}

/** "(place:line:col)" at the end of a stack frame (V8), or "@place:line:col" (Firefox, Safari). */
const FRAME_PLACE = /[(@\s]([a-z][a-z0-9+.-]*:\/\/[^\s()]+?|\/[^\s()]+?|[A-Za-z]:\\[^\s()]+?):\d+:\d+\)?\s*$/;

/**
 * The URL of the file this code runs from, read from a stack trace (a plain path in CommonJS).
 * Not `import.meta.url` nor `__filename`: the main entry must also bundle as a classic script,
 * where neither exists (test/index.contract.browser.test.ts).
 */
function thisFileUrl(): string | undefined {
  const stack = new Error().stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const match = FRAME_PLACE.exec(line);
    if (match === null) continue;
    const place = match[1]!;
    if (/^[A-Za-z]:\\/.test(place)) return new URL(`file:///${place.replace(/\\/g, '/')}`).href;
    return place.startsWith('/') ? new URL(`file://${place}`).href : place;
  }
  return undefined;
}

/**
 * The worker entry next to this module: from the TypeScript sources (tsx, vitest) src/worker.ts,
 * started through the small JS entry that registers tsx in the worker; built, worker.js or
 * worker.cjs (the format of the file this code is bundled in).
 */
function defaultWorkerUrl(fn: string): { url: string; tsxEntry: string | null } {
  const here = thisFileUrl();
  if (here === undefined) {
    throw new CausalPanelError('invalid_option', `${fn}: cannot locate the worker entry here; pass createWorkerPool(n, { workerUrl })`, { fn, option: 'workers' });
  }
  if (/\.ts$/.test(here)) return { url: new URL('../worker.ts', here).href, tsxEntry: new URL('./tsxWorker.mjs', here).href };
  return { url: new URL(/\.cjs$/.test(here) ? './worker.cjs' : './worker.js', here).href, tsxEntry: null };
}

/** The largest sensible pool: more threads than cores only add switching. */
export const MAX_WORKERS = 16;

/**
 * Starts `size` worker threads (Node `worker_threads`, or module Web Workers in a browser).
 * Workers are unreferenced in Node, so a pool left open does not keep the process alive, but
 * `close()` it when done.
 *
 * @throws {CausalPanelError} `invalid_option` for a size that is not an integer in 1..16, or when
 *   no worker threads or SharedArrayBuffer are available (Node < 20.16, a page that is not
 *   cross-origin isolated)
 * @example
 * const pool = createWorkerPool(2);
 * pool.size; // 2
 * pool.close();
 */
export function createWorkerPool(size: number, options: WorkerPoolOptions = {}): WorkerPool {
  const fn = 'createWorkerPool';
  if (!Number.isInteger(size) || size < 1 || size > MAX_WORKERS) {
    throw new CausalPanelError('invalid_option', `${fn}: size must be an integer from 1 to ${MAX_WORKERS} (got ${String(size)})`, { fn, option: 'size', value: size });
  }
  if (typeof SharedArrayBuffer !== 'function') {
    throw new CausalPanelError('invalid_option', `${fn}: SharedArrayBuffer is not available (a browser page must be cross-origin isolated: COOP same-origin, COEP require-corp)`, { fn, option: 'workers' });
  }
  const threads = nodeBuiltin<NodeWorkerThreads>('worker_threads');
  const DomWorker = (globalThis as { Worker?: new (url: URL | string, options?: { type?: string; name?: string }) => WorkerHandle }).Worker;
  const located = options.workerUrl === undefined ? defaultWorkerUrl(fn) : { url: String(options.workerUrl), tsxEntry: null };
  const control = new Int32Array(new SharedArrayBuffer((READY + size) * 4));
  const errorText = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  const workers: WorkerHandle[] = [];
  const browser = threads === undefined;
  if (threads !== undefined) checkEntryExists(fn, located.tsxEntry ?? located.url);
  // A worker that fails to load reports on this thread's event loop: kept for the next error message
  // (and a listener keeps Node from treating the worker's 'error' event as an uncaught exception).
  let failure: string | undefined;
  const onFailure = (error: unknown): void => {
    failure ??= String((error as { message?: string })?.message ?? error);
  };
  for (let index = 0; index < size; index++) {
    let worker: WorkerHandle;
    if (threads !== undefined) {
      // TypeScript sources: a small JS entry registers tsx in the worker, then loads the .ts entry.
      worker =
        located.tsxEntry !== null
          ? new threads.Worker(new URL(located.tsxEntry), { workerData: { entry: located.url }, name: `causal-panel worker ${index}` })
          : new threads.Worker(/^[a-z][a-z0-9+.-]*:/.test(located.url) ? new URL(located.url) : located.url, { name: `causal-panel worker ${index}` });
      worker.unref?.();
      worker.on?.('error', onFailure);
    } else if (DomWorker !== undefined) {
      worker = new DomWorker(located.url, { type: 'module', name: `causal-panel worker ${index}` });
      worker.addEventListener?.('error', (event) => onFailure(event.message ?? 'the worker script failed to load'));
    } else {
      throw new CausalPanelError('invalid_option', `${fn}: no worker threads here (Node ≥ 20.16 with worker_threads, or a browser with Web Workers)`, { fn, option: 'workers' });
    }
    worker.postMessage({ type: 'init', control, errorText, index });
    workers.push(worker);
  }
  const started = (): boolean => {
    for (let i = 0; i < size; i++) if (Atomics.load(control, READY + i) !== 1) return false;
    return true;
  };
  let closed = false;
  const ready = new Promise<void>((resolve, reject) => {
    const poll = (waited: number): void => {
      if (started()) resolve();
      else if (closed) reject(new CausalPanelError('invalid_option', `${fn}: the pool was closed before it started`, { fn, option: 'workers' }));
      else if (failure !== undefined) reject(new CausalPanelError('invalid_option', `${fn}: a worker failed to start (${failure})`, { fn, option: 'workers' }));
      else if (waited > STARTUP_MS) reject(startupError(fn));
      else setTimeout(() => poll(waited + 5), 5);
    };
    poll(0);
  });
  ready.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  const state: PoolState = {
    size,
    ready,
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const worker of workers) worker.postMessage({ type: 'close' });
    },
    terminate() {
      closed = true;
      for (const worker of workers) void worker.terminate();
    },
    control,
    errorText,
    started,
    workers,
    browser,
  };
  Object.defineProperty(state, POOL_STATE, { value: true });
  return state;
}

/** In Node, a missing worker entry (the library bundled into another file) is an error now, not after the startup timeout. */
function checkEntryExists(fn: string, entry: string): void {
  if (!entry.startsWith('file:')) return;
  const fs = nodeBuiltin<{ existsSync(path: URL): boolean }>('fs');
  if (fs !== undefined && !fs.existsSync(new URL(entry))) {
    throw new CausalPanelError('invalid_option', `${fn}: no worker entry at ${entry} (the library was bundled or moved?); pass createWorkerPool(n, { workerUrl }) pointing at causal-panel/dist/worker.js`, { fn, option: 'workers', value: entry });
  }
}

function startupError(fn: string): CausalPanelError {
  return new CausalPanelError('invalid_option', `${fn}: the workers did not start within ${STARTUP_MS / 1000} s (is the worker entry reachable? see docs/parallel.md)`, { fn, option: 'workers' });
}

/**
 * Whether this thread may block in `Atomics.wait` (false on a browser page's main thread).
 *
 * @example
 * canBlock(); // true in Node and in a Web Worker
 */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The error for `workers` on a thread that may not block (a browser page's main thread).
 *
 * @example
 * blockingError('boottest').message; // 'boottest: option "workers" needs a thread that may block …'
 */
export function blockingError(fn: string): CausalPanelError {
  return new CausalPanelError('invalid_option', `${fn}: option "workers" needs a thread that may block (a Web Worker or Node), not a page's main thread; run the estimator in a Web Worker or use workers: 1`, { fn, option: 'workers' });
}

/**
 * Runs a task on every worker of the pool and blocks until all are done. A kernel's error (in any
 * worker) is rethrown here as a CausalPanelError with its code and message.
 *
 * @throws {CausalPanelError} the kernel's error; `invalid_option` for a closed pool, a pool not yet
 *   started in a browser, or a thread that may not block
 * @example
 * const pool = createWorkerPool(2);
 * const out = sharedFloat64(1000);
 * runParallel(pool, 'fn', { kernel: 'multiplierBootstrap', count: 1000, blockSize: 50, arrays: { out, ... }, params: {} });
 * pool.close();
 */
export function runParallel(pool: WorkerPool, fn: string, task: ParallelTask): void {
  const state = pool as PoolState;
  if (pool.closed) throw new CausalPanelError('invalid_option', `${fn}: option "workers" is a closed worker pool`, { fn, option: 'workers' });
  if (!canBlock()) throw blockingError(fn);
  const { control } = state;
  if (!state.started()) {
    if (state.browser) throw new CausalPanelError('invalid_option', `${fn}: the worker pool has not started yet (await pool.ready first)`, { fn, option: 'workers' });
    for (let i = 0; i < pool.size; i++) {
      if (Atomics.wait(control, READY + i, 0, STARTUP_MS) === 'timed-out') throw startupError(fn);
    }
  }
  Atomics.store(control, NEXT, 0);
  Atomics.store(control, DONE, 0);
  Atomics.store(control, ERROR, 0);
  const blocks = Math.ceil(task.count / task.blockSize);
  for (const worker of state.workers) {
    worker.postMessage({ type: 'task', kernel: task.kernel, count: task.count, blockSize: task.blockSize, blocks, arrays: task.arrays, params: task.params });
  }
  for (;;) {
    const done = Atomics.load(control, DONE);
    if (done >= pool.size) break;
    Atomics.wait(control, DONE, done);
  }
  if (Atomics.load(control, ERROR) !== 0) {
    const length = Atomics.load(control, ERROR_LENGTH);
    const text = new TextDecoder().decode(state.errorText.slice(0, length));
    let parsed: { code?: ErrorCode; message?: string; name?: string; details?: Record<string, unknown> };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = { message: text };
    }
    const message = parsed.name === 'CausalPanelError' ? String(parsed.message) : `${fn}: a worker failed (${String(parsed.message)})`;
    if (parsed.name === 'CausalPanelError' && parsed.code) throw new CausalPanelError(parsed.code, message, { ...(parsed.details ?? {}) });
    throw new CausalPanelError('invalid_option', message, { fn, option: 'workers' });
  }
}

/**
 * The kernels a worker runs: each computes replicates [from, to) of its task.
 *
 * @example
 * const kernels: KernelRegistry = { square: (arrays, _params, from, to) => { for (let b = from; b < to; b++) arrays.out![b] = b * b; } };
 */
export type KernelRegistry = Readonly<Record<string, (arrays: Readonly<Record<string, SharedArray>>, params: Readonly<Record<string, unknown>>, from: number, to: number) => void>>;

interface WorkerScope {
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

/**
 * The worker side: waits for tasks and runs them with the given kernels. Called once by the
 * worker entry (`src/worker.ts`).
 *
 * @example
 * serveKernels({ square: (arrays, _params, from, to) => { for (let b = from; b < to; b++) arrays.out![b] = b * b; } });
 */
export function serveKernels(kernels: KernelRegistry): void {
  const scope = workerScope();
  let control: Int32Array | undefined;
  let errorText: Uint8Array | undefined;
  scope.onMessage((raw) => {
    const message = raw as { type: string; [key: string]: unknown };
    if (message.type === 'init') {
      control = message.control as Int32Array;
      errorText = message.errorText as Uint8Array;
      Atomics.store(control, READY + (message.index as number), 1);
      Atomics.notify(control, READY + (message.index as number));
      return;
    }
    if (message.type === 'close') {
      scope.close();
      return;
    }
    if (message.type !== 'task' || control === undefined || errorText === undefined) return;
    const { kernel, count, blockSize, blocks, arrays, params } = message as unknown as ParallelTask & { blocks: number };
    try {
      const run = kernels[kernel];
      if (run === undefined) throw new Error(`unknown kernel ${kernel}`);
      for (;;) {
        const block = Atomics.add(control, NEXT, 1);
        if (block >= blocks || Atomics.load(control, ERROR) !== 0) break;
        run(arrays, params, block * blockSize, Math.min(count, (block + 1) * blockSize));
      }
    } catch (error) {
      if (Atomics.compareExchange(control, ERROR, 0, 1) === 0) {
        const e = error as { name?: string; code?: string; message?: string; details?: unknown };
        const plain = { name: e?.name, code: e?.code, message: String(e?.message ?? error).slice(0, 1000) };
        let text: string;
        try {
          text = JSON.stringify({ ...plain, details: e?.details });
        } catch {
          text = JSON.stringify(plain);
        }
        const encoder = new TextEncoder();
        let bytes = encoder.encode(text);
        if (bytes.length > ERROR_BYTES) bytes = encoder.encode(JSON.stringify(plain));
        errorText.set(bytes);
        Atomics.store(control, ERROR_LENGTH, bytes.length);
      }
    } finally {
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  });
}

function workerScope(): WorkerScope {
  const threads = nodeBuiltin<{ parentPort: { on(event: 'message', listener: (message: unknown) => void): void; close(): void } | null }>('worker_threads');
  const port = threads?.parentPort;
  if (port) return { onMessage: (listener) => port.on('message', listener), close: () => port.close() };
  const self = globalThis as unknown as { addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void; close(): void };
  return { onMessage: (listener) => self.addEventListener('message', (event) => listener(event.data)), close: () => self.close() };
}
