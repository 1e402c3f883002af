/**
 * Multiplier bootstrap for asymptotically linear estimators, as did's `mboot`
 * (https://github.com/bcallaway11/did/blob/master/R/mboot.R) with BMisc's
 * `multiplier_bootstrap`: draw b: θ*_b = √G · (1/G) Σ_c V_bc S_c, where S_c are the (cluster sums
 * of the) influence functions and V_bc are i.i.d. Rademacher weights (±1, BMisc's default, hence
 * did's) or Mammen (1993) weights (mean 0, variance 1, third moment 1).
 *
 * Standard errors are did's robust IQR-based ones: σ̂ = (q₀.₇₅ − q₀.₂₅)/(z₀.₇₅ − z₀.₂₅) of the draws
 * (order statistics ⌈0.75B⌉ and ⌈0.25B⌉), reported as σ̂·√G/n. The uniform-band critical value
 * is the (1 − α) empirical quantile (R's type 1) of the sup-t statistic maxⱼ |θ*_bj| / σ̂ⱼ
 * (Montiel Olea & Plagborg-Møller 2019). Draws use `createRng(seed)`, so the same seed gives
 * bit-identical results.
 */
import { CausalPanelError } from '../errors.js';
import { createRng, createRngFromState, MAMMEN, type Rng } from '../numerics/random.js';
import { normalQuantile } from '../numerics/distributions.js';
import { opt, readOptions } from '../options.js';
import { clusterCodesOption, clusterSums } from './influence.js';
import { runParallel, sharedCopy, sharedFloat64, type SharedArray } from '../parallel/pool.js';
import { blockStarts } from '../parallel/streamJump.js';
import { readWorkers, withWorkers, type WorkersOption } from '../parallel/workersOption.js';

/**
 * Options of {@link multiplierBootstrap}.
 *
 * @example
 * const psi = Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1) * (1 + (i % 7)));
 * const options: MultiplierBootstrapOptions = { reps: 999, seed: 1, weights: 'rademacher', level: 0.9 };
 * multiplierBootstrap(psi, 200, 1, options).se[0]; // ≈ 0.311346 (seed 1)
 */
export interface MultiplierBootstrapOptions {
  /** Number of draws B. */
  reps: number;
  /** Seed of the deterministic generator. */
  seed: number;
  /** Confidence level of the sup-t critical value (default 0.95). */
  level?: number;
  /** Multiplier distribution (default 'rademacher', as did 2.5.1's BMisc::multiplier_bootstrap; 'mammen' as Mammen 1993). */
  weights?: 'mammen' | 'rademacher';
  /** Cluster code per influence row (0..G−1): rows are summed within clusters before drawing. */
  cluster?: Int32Array;
  nClusters?: number;
  /** Threads for the draws: 1 (default), n, 'auto' or a pool from createWorkerPool (same numbers for any; docs/parallel.md). */
  workers?: WorkersOption;
}

/**
 * Result of {@link multiplierBootstrap}.
 *
 * @example
 * const psi = Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1) * (1 + (i % 7)));
 * const b = multiplierBootstrap(psi, 200, 1, { reps: 999, seed: 1 });
 * b.se;       // Float64Array [≈ 0.298368] (analytic sqrt(mean(ψ²)/n) = 0.30)
 * b.critical; // ≈ 2.0777; b.reps = 999, b.draws.length = 999 (B × p)
 */
export interface MultiplierBootstrapResult {
  /** B×p draws √G·mean(V·S), column-major (`draws[b + j * B]`), did's `bres`. */
  draws: Float64Array;
  /** Bootstrap standard error of each column (NaN for degenerate columns). */
  se: Float64Array;
  /** Sup-t critical value for uniform bands at `level` (NaN when every column is degenerate). */
  critical: number;
  reps: number;
}

const IQR_NORMAL = normalQuantile(0.75) - normalQuantile(0.25);

/** Order statistic x₍⌈q·B⌉₎ of a sorted array (1-based index clamped to 1..B), did's IQR convention. */
function orderStat(sorted: Float64Array, q: number): number {
  const B = sorted.length;
  const idx = Math.min(B, Math.max(1, Math.ceil(q * B)));
  return sorted[idx - 1]!;
}

/** R's quantile(type = 1): the ⌈pB⌉-th order statistic (for p·B > 0). */
function quantileType1(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return orderStat(sorted, p);
}

/** Draws per pass over S: S (G×p) is streamed once per batch instead of once per draw. */
const BATCH = 8;

/**
 * Draws [from, to) into `draws` (B×p column-major), taking the weights from `rng` in draw order.
 * Draws go in batches of {@link BATCH}: each batch's weights are drawn first (in the same order as
 * one draw at a time), then one pass over S accumulates every draw of the batch; each sum still
 * runs over c = 0..G−1 in order, so the bits are those of a draw-at-a-time loop.
 */
function drawRange(S: Float64Array, G: number, p: number, B: number, rademacher: boolean, rng: Rng, from: number, to: number, draws: Float64Array): void {
  const V = new Float64Array(BATCH * G);
  const sums = new Float64Array(BATCH);
  const scale = Math.sqrt(G) / G;
  for (let b0 = from; b0 < to; b0 += BATCH) {
    const m = Math.min(BATCH, to - b0);
    for (let k = 0; k < m; k++) {
      const o = k * G;
      for (let c = 0; c < G; c++) {
        const u = rng.uniform();
        V[o + c] = rademacher ? (u < 0.5 ? -1 : 1) : u < MAMMEN.probabilityLow ? MAMMEN.low : MAMMEN.high;
      }
    }
    for (let j = 0; j < p; j++) {
      const o = j * G;
      if (m === BATCH) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (let c = 0; c < G; c++) {
          const x = S[o + c]!;
          s0 += V[c]! * x;
          s1 += V[G + c]! * x;
          s2 += V[2 * G + c]! * x;
          s3 += V[3 * G + c]! * x;
          s4 += V[4 * G + c]! * x;
          s5 += V[5 * G + c]! * x;
          s6 += V[6 * G + c]! * x;
          s7 += V[7 * G + c]! * x;
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
        sums[4] = s4;
        sums[5] = s5;
        sums[6] = s6;
        sums[7] = s7;
      } else {
        for (let k = 0; k < m; k++) {
          let sum = 0;
          for (let c = 0; c < G; c++) sum += V[k * G + c]! * S[o + c]!;
          sums[k] = sum;
        }
      }
      for (let k = 0; k < m; k++) draws[b0 + k + j * B] = sums[k]! * scale;
    }
  }
}

/**
 * The worker kernel of {@link multiplierBootstrap}: draws [from, to), one block, from the block's
 * start state in the seeded stream (`starts`, see parallel/streamJump.ts).
 *
 * @example
 * // run by src/worker.ts for runParallel(pool, fn, { kernel: 'multiplierBootstrap', … })
 * multiplierBootstrapKernel({ S, starts, draws }, { G, p, B, rademacher: true, blockSize: 64 }, 0, 64);
 */
export function multiplierBootstrapKernel(arrays: Readonly<Record<string, SharedArray>>, params: Readonly<Record<string, unknown>>, from: number, to: number): void {
  const { G, p, B, rademacher, blockSize } = params as { G: number; p: number; B: number; rademacher: boolean; blockSize: number };
  const starts = arrays.starts as Int32Array;
  const block = Math.floor(from / blockSize);
  const rng = createRngFromState([starts[block * 4]!, starts[block * 4 + 1]!, starts[block * 4 + 2]!, starts[block * 4 + 3]!]);
  drawRange(arrays.S as Float64Array, G, p, B, rademacher, rng, from, to, arrays.draws as Float64Array);
}

/**
 * Multiplier bootstrap of the n×p influence functions ψ (column-major), as did's `mboot`.
 *
 * @throws {CausalPanelError} `invalid_option` for reps < 2 or mismatched sizes
 * @example
 * const psi = Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1) * (1 + (i % 7)));
 * const b = multiplierBootstrap(psi, 200, 1, { reps: 999, seed: 1 });
 * b.se[0]; // ≈ sqrt(mean(ψ²)/n) = 0.30 within Monte Carlo error
 */
export function multiplierBootstrap(psi: Float64Array, n: number, p: number, options: MultiplierBootstrapOptions): MultiplierBootstrapResult {
  const fn = 'multiplierBootstrap';
  const params = readOptions(fn, options, {
    reps: opt.integer({ min: 2 }),
    seed: opt.seed(),
    level: opt.level(),
    weights: opt.oneOf(['mammen', 'rademacher'], 'rademacher'),
    cluster: opt.custom((value, at) => clusterCodesOption(value, at)),
    nClusters: opt.integer({ min: 1 }),
    workers: opt.custom(readWorkers),
  });
  if (params.reps === undefined) throw new CausalPanelError('invalid_option', `${fn}: option "reps" is required (an integer ≥ 2)`, { fn, option: 'reps' });
  if (params.seed === undefined) throw new CausalPanelError('invalid_option', `${fn}: option "seed" is required (a finite number)`, { fn, option: 'seed' });
  const B = params.reps;
  if (psi.length !== n * p) throw new CausalPanelError('invalid_option', `${fn}: influence matrix has ${psi.length} entries, expected n·p = ${n * p}`, { fn, value: psi.length });
  const level = params.level;
  let S = psi;
  let G = n;
  if (params.cluster) {
    G = params.nClusters ?? Math.max(-1, ...params.cluster) + 1;
    S = clusterSums(psi, n, p, params.cluster, G);
  }
  const rademacher = params.weights === 'rademacher';
  const draws = withWorkers(fn, params.workers, (pool) => {
    if (pool === null) {
      const out = new Float64Array(B * p);
      drawRange(S, G, p, B, rademacher, createRng(params.seed), 0, B, out);
      return out;
    }
    // Blocks of draws, each starting where the single-threaded stream would be (G uniforms of two outputs per draw).
    const blockSize = Math.max(1, Math.ceil(B / (pool.size * 8)));
    const blocks = Math.ceil(B / blockSize);
    const out = sharedFloat64(B * p);
    runParallel(pool, fn, {
      kernel: 'multiplierBootstrap',
      count: B,
      blockSize,
      arrays: { S: sharedCopy(S), starts: sharedCopy(blockStarts(params.seed!, blocks, 2 * G * blockSize)), draws: out },
      params: { G, p, B, rademacher, blockSize },
    });
    return Float64Array.from(out);
  });
  // standard errors from the IQR; degenerate columns (NaN or ~0 draws) get NaN, as mboot
  const se = new Float64Array(p);
  const sigma = new Float64Array(p);
  const col = new Float64Array(B);
  const degenerateTol = Math.sqrt(2.220446049250313e-16) * 10;
  for (let j = 0; j < p; j++) {
    let ss = 0;
    let bad = false;
    for (let b = 0; b < B; b++) {
      const x = draws[b + j * B]!;
      col[b] = x;
      if (Number.isNaN(x)) bad = true;
      ss += x * x;
    }
    if (bad || !(ss > degenerateTol)) {
      se[j] = NaN;
      sigma[j] = NaN;
      continue;
    }
    const sorted = Float64Array.from(col).sort();
    sigma[j] = (orderStat(sorted, 0.75) - orderStat(sorted, 0.25)) / IQR_NORMAL;
    se[j] = (sigma[j]! * Math.sqrt(G)) / n;
  }
  // sup-t statistic per draw over the non-degenerate columns
  const supT: number[] = [];
  for (let b = 0; b < B; b++) {
    let m = -Infinity;
    for (let j = 0; j < p; j++) {
      const s = sigma[j]!;
      if (!(s > 0)) continue;
      const z = Math.abs(draws[b + j * B]! / s);
      if (z > m) m = z;
    }
    if (Number.isFinite(m)) supT.push(m);
  }
  const critical = quantileType1(Float64Array.from(supT).sort(), level);
  return { draws, se, critical, reps: B };
}
