/**
 * The draw loops of the wild cluster bootstrap (wildBootstrap.ts): the weights of each draw and
 * the per-draw statistics, on this thread or on a worker pool. Every draw is computed by the same
 * code from the same inputs and the same weights wherever it runs, so the draws are bit-identical
 * for any number of workers: a block of draws starts its generator where the single-threaded
 * stream is at its first draw (parallel/streamJump.ts); normal weights, drawn by a rejection
 * method with no fixed stride, are drawn by the calling thread into a shared table.
 *
 * Dimension symbols: G_x = clusters of clustering x, H = bootstrap clusters, q = restrictions, B = draws.
 */
import { CausalPanelError } from '../errors.js';
import { choleskyFactor, choleskySolve } from '../numerics/cholesky.js';
import { createRng, createRngFromState, mammenWeights, normalWeights, rademacherWeights, webbWeights, type Rng } from '../numerics/random.js';
import { runParallel, sharedCopy, sharedFloat64, type SharedArray, type WorkerPool } from '../parallel/pool.js';
import { blockStarts } from '../parallel/streamJump.js';

/** Law of the bootstrap weights (fwildclusterboot `type`). @example const t: WildWeights = 'webb'; */
export type WildWeights = 'rademacher' | 'mammen' | 'webb' | 'normal';

/**
 * How to draw: B draws of `weights` from `seed`, or every Rademacher sign vector (`enumerate`).
 *
 * @example
 * const draws: WildDrawOptions = { weights: 'webb', B: 9999, seed: 1, enumerate: false };
 */
export interface WildDrawOptions {
  readonly weights: WildWeights;
  readonly B: number;
  readonly seed: number;
  readonly enumerate: boolean;
  /** Worker threads for the draws (null or absent: this thread); the numbers are the same. */
  readonly pool?: WorkerPool | null;
}

/** Largest number of bootstrap clusters whose 2^H sign vectors are enumerated. */
export const MAX_ENUMERATION_CLUSTERS = 24;

const GENERATORS = { rademacher: rademacherWeights, mammen: mammenWeights, webb: webbWeights, normal: normalWeights } as const;

/** Fills v with the weights of draw b; called for consecutive b within a block. */
type WeightSource = (b: number, v: Float64Array) => void;

/** Draw b of full enumeration: v_h = −1 where bit h of b is set (all 2^H sign vectors, the first all +1). */
function enumeratedWeights(H: number): WeightSource {
  return (b, out) => {
    for (let h = 0; h < H; h++) out[h] = Math.floor(b / 2 ** h) % 2 === 1 ? -1 : 1;
  };
}

/** Weights drawn in order from a generator (the seeded stream, or a block's start state in it). */
function streamWeights(weights: WildWeights, H: number, rng: Rng): WeightSource {
  const gen = GENERATORS[weights];
  return (_b, out) => out.set(gen(H, rng));
}

/** The number of draws: B, or 2^H under full enumeration. */
export function drawCount(options: WildDrawOptions, H: number): number {
  if (!options.enumerate) return options.B;
  if (H > MAX_ENUMERATION_CLUSTERS) {
    throw new CausalPanelError('invalid_option', `wildBootstrap: full enumeration needs at most ${MAX_ENUMERATION_CLUSTERS} bootstrap clusters (${H})`, { fn: 'wildBootstrap', option: 'enumerate', value: H });
  }
  return 2 ** H;
}

/** Per-draw output arrays of a kernel, by name. */
type DrawOutputs = Record<string, Float64Array>;

/**
 * Runs draws [0, B) of a kernel on this thread or on the pool. On the pool, a block of draws
 * takes its weights from where the single-threaded stream is at its first draw (Rademacher,
 * Mammen and Webb weights: one uniform, two generator outputs, per weight); normal weights (a
 * rejection method, so no fixed stride) are drawn here first into a shared table.
 */
export function runDraws(
  options: WildDrawOptions,
  task: { H: number; B: number; kernel: string; inputs: Record<string, Float64Array>; params: Record<string, unknown>; outputs: DrawOutputs },
  run: (weights: WeightSource, from: number, to: number, out: DrawOutputs) => void,
): void {
  const { H, B, outputs } = task;
  const pool = options.pool ?? null;
  if (pool === null) {
    run(options.enumerate ? enumeratedWeights(H) : streamWeights(options.weights, H, createRng(options.seed)), 0, B, outputs);
    return;
  }
  const blockSize = Math.max(1, Math.ceil(B / (pool.size * 8)));
  const blocks = Math.ceil(B / blockSize);
  const arrays: Record<string, SharedArray> = {};
  for (const [name, values] of Object.entries(task.inputs)) arrays[name] = sharedCopy(values);
  let mode: Record<string, unknown> = { mode: 'enumerate' };
  if (!options.enumerate && options.weights === 'normal') {
    const table = sharedFloat64(B * H);
    const rng = createRng(options.seed);
    for (let b = 0; b < B; b++) table.set(normalWeights(H, rng), b * H);
    arrays.table = table;
    mode = { mode: 'table' };
  } else if (!options.enumerate) {
    arrays.starts = sharedCopy(blockStarts(options.seed, blocks, 2 * H * blockSize));
    mode = { mode: 'stream', law: options.weights };
  }
  const shared: DrawOutputs = {};
  for (const name of Object.keys(outputs)) shared[name] = arrays[name] = sharedFloat64(outputs[name]!.length);
  runParallel(pool, 'wildBootstrap', { kernel: task.kernel, count: B, blockSize, arrays, params: { ...task.params, ...mode, H, blockSize } });
  for (const name of Object.keys(outputs)) outputs[name]!.set(shared[name]!);
}

/** The weight source of a worker's block starting at draw `from` (see runDraws). */
function blockWeights(arrays: Readonly<Record<string, SharedArray>>, params: Readonly<Record<string, unknown>>, from: number): WeightSource {
  const H = params.H as number;
  if (params.mode === 'enumerate') return enumeratedWeights(H);
  if (params.mode === 'table') {
    const table = arrays.table as Float64Array;
    return (b, out) => out.set(table.subarray(b * H, (b + 1) * H));
  }
  const starts = arrays.starts as Int32Array;
  const block = Math.floor(from / (params.blockSize as number));
  const state = [starts[block * 4]!, starts[block * 4 + 1]!, starts[block * 4 + 2]!, starts[block * 4 + 3]!] as const;
  return streamWeights(params.law as WildWeights, H, createRngFromState(state));
}

/** Concatenates the per-clustering K matrices (a kernel input). */
export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Splits a concatenation back into the G_x·H·q pieces. */
function split(all: Float64Array, nClusters: readonly number[], size: number): Float64Array[] {
  const out: Float64Array[] = [];
  let offset = 0;
  for (const G of nClusters) {
    out.push(all.subarray(offset, offset + G * size));
    offset += G * size;
  }
  return out;
}

/** What a draw of the one-restriction bootstrap needs (independent of the draw). */
export interface TDrawInputs {
  readonly H: number;
  readonly nClusters: readonly number[];
  readonly factors: readonly number[];
  readonly a0: Float64Array;
  readonly a1: Float64Array | null;
  readonly K0: readonly Float64Array[];
  readonly K1: readonly Float64Array[] | null;
}

/** Draws [from, to) of {@link wildBootstrapT}: numerator and variance polynomials in r. */
export function tDrawRange(inp: TDrawInputs, weights: WeightSource, from: number, to: number, out: DrawOutputs): void {
  const { H, a0, a1, K0: K0s, K1: K1s } = inp;
  const n0 = out.n0!;
  const n1 = out.n1!;
  const cc = out.cc!;
  const cd = out.cd!;
  const dd = out.dd!;
  const v = new Float64Array(H);
  const c0 = new Float64Array(Math.max(...inp.nClusters));
  for (let b = from; b < to; b++) {
    weights(b, v);
    let s0 = 0;
    let s1 = 0;
    for (let h = 0; h < H; h++) {
      s0 += a0[h]! * v[h]!;
      if (a1 !== null) s1 += a1[h]! * v[h]!;
    }
    n0[b] = s0;
    n1[b] = s1;
    let CC = 0;
    let CD = 0;
    let DD = 0;
    for (let x = 0; x < inp.nClusters.length; x++) {
      const nClusters = inp.nClusters[x]!;
      const factor = inp.factors[x]!;
      if (K1s === null) {
        scoresOfDraw(K0s[x]!, nClusters, H, v, c0);
        let sCC = 0;
        for (let g = 0; g < nClusters; g++) sCC += c0[g]! * c0[g]!;
        CC += factor * sCC;
        continue;
      }
      // Both score vectors in one pass over K₀ and K₁.
      const K0 = K0s[x]!;
      const K1 = K1s[x]!;
      let sCC = 0;
      let sCD = 0;
      let sDD = 0;
      for (let g = 0; g < nClusters; g++) {
        let a = 0;
        let c = 0;
        const base = g * H;
        for (let h = 0; h < H; h++) {
          const vh = v[h]!;
          a += K0[base + h]! * vh;
          c += K1[base + h]! * vh;
        }
        sCC += a * a;
        sCD += a * c;
        sDD += c * c;
      }
      CC += factor * sCC;
      CD += factor * sCD;
      DD += factor * sDD;
    }
    cc[b] = CC;
    cd[b] = CD;
    dd[b] = DD;
  }
}

/**
 * The worker kernel of {@link wildBootstrapT}: draws [from, to) from shared inputs.
 *
 * @example
 * // run by src/worker.ts for the pool of boottest(fit, { …, workers: 2 })
 * wildBootstrapTKernel({ a0, K0, n0, n1, cc, cd, dd, starts }, { H, nClusters, factors, mode: 'stream', law: 'webb', blockSize }, 0, 64);
 */
export function wildBootstrapTKernel(arrays: Readonly<Record<string, SharedArray>>, params: Readonly<Record<string, unknown>>, from: number, to: number): void {
  const H = params.H as number;
  const nClusters = params.nClusters as number[];
  const a1 = (arrays.a1 as Float64Array | undefined) ?? null;
  const inputs: TDrawInputs = {
    H,
    nClusters,
    factors: params.factors as number[],
    a0: arrays.a0 as Float64Array,
    a1,
    K0: split(arrays.K0 as Float64Array, nClusters, H),
    K1: a1 === null ? null : split(arrays.K1 as Float64Array, nClusters, H),
  };
  tDrawRange(inputs, blockWeights(arrays, params, from), from, to, arrays as DrawOutputs);
}

/** What a draw of the q-restriction Wald bootstrap needs. */
export interface WaldDrawInputs {
  readonly H: number;
  readonly q: number;
  readonly nClusters: readonly number[];
  readonly factors: readonly number[];
  readonly a: Float64Array;
  readonly K: readonly Float64Array[];
}

/** Draws [from, to) of {@link wildBootstrapWald}: the Wald statistic of each draw. */
export function waldDrawRange(inp: WaldDrawInputs, weights: WeightSource, from: number, to: number, out: DrawOutputs): void {
  const { H, q, a } = inp;
  const waldBoot = out.waldBoot!;
  const v = new Float64Array(H);
  const num = new Float64Array(q);
  const Vb = new Float64Array(q * q);
  const c = new Float64Array(q);
  for (let b = from; b < to; b++) {
    weights(b, v);
    num.fill(0);
    Vb.fill(0);
    for (let h = 0; h < H; h++) for (let i = 0; i < q; i++) num[i]! += a[h * q + i]! * v[h]!;
    inp.nClusters.forEach((nClusters, x) => {
      const Kx = inp.K[x]!;
      const factor = inp.factors[x]!;
      for (let g = 0; g < nClusters; g++) {
        c.fill(0);
        for (let h = 0; h < H; h++) {
          const vh = v[h]!;
          for (let i = 0; i < q; i++) c[i]! += Kx[(g * H + h) * q + i]! * vh;
        }
        for (let i = 0; i < q; i++) for (let l = 0; l < q; l++) Vb[i + l * q]! += factor * c[i]! * c[l]!;
      }
    });
    waldBoot[b] = quadraticForm(Vb, num, q);
  }
}

/**
 * The worker kernel of {@link wildBootstrapWald}: draws [from, to) from shared inputs.
 *
 * @example
 * // run by src/worker.ts for the pool of boottest(fit, { param: ['x1', 'x2'], …, workers: 2 })
 * wildBootstrapWaldKernel({ a, K, waldBoot, starts }, { H, q: 2, nClusters, factors, mode: 'stream', law: 'rademacher', blockSize }, 0, 64);
 */
export function wildBootstrapWaldKernel(arrays: Readonly<Record<string, SharedArray>>, params: Readonly<Record<string, unknown>>, from: number, to: number): void {
  const H = params.H as number;
  const q = params.q as number;
  const nClusters = params.nClusters as number[];
  const inputs: WaldDrawInputs = { H, q, nClusters, factors: params.factors as number[], a: arrays.a as Float64Array, K: split(arrays.K as Float64Array, nClusters, H * q) };
  waldDrawRange(inputs, blockWeights(arrays, params, from), from, to, arrays as DrawOutputs);
}

/** Σ_h M[(g·H + h)·q + i]·v_h for every g (q = 1 fast path folded in by the caller). */
function scoresOfDraw(Kx: Float64Array, G: number, H: number, v: Float64Array, out: Float64Array): void {
  for (let g = 0; g < G; g++) {
    let s = 0;
    const base = g * H;
    for (let h = 0; h < H; h++) s += Kx[base + h]! * v[h]!;
    out[g] = s;
  }
}

/** xᵀV⁻¹x, NaN when V is not positive definite. */
export function quadraticForm(V: Float64Array, x: Float64Array, q: number): number {
  let L: Float64Array;
  try {
    L = choleskyFactor(V, q, 'wildBootstrap', 0);
  } catch {
    return NaN;
  }
  const y = choleskySolve(L, q, x);
  let s = 0;
  for (let i = 0; i < q; i++) s += x[i]! * y[i]!;
  return s;
}
