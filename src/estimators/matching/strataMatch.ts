/**
 * Nearest-neighbour matching of one set of units (the whole sample, or one exact stratum) from a
 * plain, structured-cloneable configuration, and the exact strata run on a worker pool.
 *
 * Strata are independent (see `matchWithinStrata` in nearest.ts): each has its own matching order
 * (`m.order` within the stratum; `order = 'random'` restarts the seeded generator in every
 * stratum), its own available controls and ties, while the caliper, the discards and the
 * Mahalanobis coordinates are fixed over the full sample before matching. So a worker matches a
 * block of strata with the same code and inputs as the single-threaded loop and writes the rows of
 * their treated units (disjoint between strata) into a shared match matrix: the same matrix, bit
 * for bit, for any number of workers (docs/parallel.md).
 */
import { createRng } from '../../numerics/random.js';
import { runParallel, sharedCopy, sharedFloat64, type SharedArray, type WorkerPool } from '../../parallel/pool.js';
import { closestMatch } from './closest.js';
import type { MatchMatrix } from './matchMatrix.js';
import { nearestMahalanobisWalk, nearestMultivariateMatch, nearestNeighborMatch, placeStratumMatches, strataLayout, stratumRows } from './nearest.js';
import { stableOrder } from './stableOrder.js';

/**
 * What nearest-neighbour matching needs besides the units (plain values, so that it can be sent
 * to a worker).
 *
 * @example
 * const config: MatchConfig = { ratio: 1, replace: false, caliper: null, order: 'largest', seed: 1, legacy: false, mahalanobis: false, dimension: 0 };
 */
export interface MatchConfig {
  readonly ratio: number;
  readonly replace: boolean;
  /** Absolute caliper on the distance (null = none). */
  readonly caliper: number | null;
  /** MatchIt's `m.order`. */
  readonly order: 'largest' | 'smallest' | 'random' | 'data' | 'closest' | 'farthest';
  /** Seed of `order = 'random'`. */
  readonly seed: number;
  /** `compat: '4.5.1'`. */
  readonly legacy: boolean;
  /** Match on Mahalanobis coordinates instead of the distance. */
  readonly mahalanobis: boolean;
  /** Columns of the Mahalanobis coordinates (0 without). */
  readonly dimension: number;
}

/**
 * The focal matching order of a set of units (MatchIt's `ord`): indices into its focal units in
 * data order. With replacement (other than Mahalanobis) the order is `'data'` whatever `m.order`
 * says, as MatchIt (reuse.max ≥ n1); `'closest'` / `'farthest'` use none (the pair distances set it).
 *
 * @example
 * matchingOrder({ ratio: 1, replace: false, caliper: null, order: 'largest', seed: 1, legacy: false, mahalanobis: false, dimension: 0 },
 *   Float64Array.of(0.2, 0.5, 0.9), Uint8Array.of(1, 0, 1)); // Int32Array [1, 0]
 */
export function matchingOrder(config: MatchConfig, distance: Float64Array, treat: Uint8Array): Int32Array {
  const treatedDistance: number[] = [];
  for (let a = 0; a < treat.length; a++) if (treat[a] === 1) treatedDistance.push(distance[a]!);
  const n1 = treatedDistance.length;
  const order = config.replace && !config.mahalanobis ? 'data' : config.order;
  switch (order) {
    case 'closest':
    case 'farthest':
      return new Int32Array(0);
    case 'largest':
      return stableOrder(treatedDistance, true);
    case 'smallest':
      return stableOrder(treatedDistance, false);
    case 'data':
      return Int32Array.from({ length: n1 }, (_, i) => i);
    case 'random': {
      // Fisher–Yates with our seeded PRNG (R's sample.int cannot be reproduced).
      const rng = createRng(config.seed);
      const out = Int32Array.from({ length: n1 }, (_, i) => i);
      for (let i = n1 - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = out[i]!;
        out[i] = out[j]!;
        out[j] = tmp;
      }
      return out;
    }
  }
}

/**
 * Nearest-neighbour matching of one set of units: closest/farthest pairs, the scalar distance
 * (`nn_matchC_vec`), or Mahalanobis coordinates (`nn_matchC` with `compat: '4.5.1'`, else
 * `nn_matchC_mahcovs`; a single coordinate is matched as a scalar distance, as MatchIt ≥ 4.6).
 *
 * @param coordinates row-major units × `config.dimension` (Mahalanobis only, else null)
 * @example
 * matchUnits({ ratio: 1, replace: false, caliper: null, order: 'largest', seed: 1, legacy: false, mahalanobis: false, dimension: 0 },
 *   Float64Array.of(0.9, 0.2, 0.85), Uint8Array.of(1, 0, 0), new Uint8Array(3), null).controls; // Int32Array [2]
 */
export function matchUnits(config: MatchConfig, distance: Float64Array, treat: Uint8Array, discarded: Uint8Array, coordinates: Float64Array | null): MatchMatrix {
  const { ratio, replace, caliper, legacy } = config;
  if (config.order === 'closest' || config.order === 'farthest') {
    return closestMatch(distance, treat, { ratio, replace, caliper, discarded, closest: config.order === 'closest' });
  }
  const params = { ratio, replace, caliper, legacyIntegerAbs: legacy, order: matchingOrder(config, distance, treat), discarded };
  if (!config.mahalanobis) return nearestNeighborMatch(distance, treat, params);
  if (!legacy && config.dimension === 1) return nearestNeighborMatch(coordinates!, treat, params);
  return (legacy ? nearestMultivariateMatch : nearestMahalanobisWalk)(coordinates!, config.dimension, treat, params);
}

/**
 * {@link matchUnits} on the units `rows` (one exact stratum) of the full sample's columns; the
 * result is in indices local to `rows`.
 *
 * @example
 * matchRows({ ratio: 1, replace: false, caliper: null, order: 'largest', seed: 1, legacy: false, mahalanobis: false, dimension: 0 },
 *   Int32Array.of(0, 2), Float64Array.of(0.9, 0.5, 0.85), Uint8Array.of(1, 0, 0), new Uint8Array(3), null).controls; // Int32Array [1]
 */
export function matchRows(config: MatchConfig, rows: Int32Array, distance: Float64Array, treat: Uint8Array, discarded: Uint8Array, coordinates: Float64Array | null): MatchMatrix {
  let local: Float64Array | null = null;
  if (config.mahalanobis) {
    const dim = config.dimension;
    local = new Float64Array(rows.length * dim);
    rows.forEach((r, i) => local!.set(coordinates!.subarray(r * dim, (r + 1) * dim), i * dim));
  }
  return matchUnits(
    config,
    Float64Array.from(rows, (r) => distance[r]!),
    Uint8Array.from(rows, (r) => treat[r]!),
    Uint8Array.from(rows, (r) => discarded[r]!),
    local,
  );
}

/**
 * The worker kernel: matches the active strata [from, to) and writes their rows of the shared
 * match matrix.
 *
 * @example
 * matchStrataKernel({ grouped, start, active, treatedIndex, distance, treat, discarded, coordinates, controls }, { config }, 0, 4);
 */
export function matchStrataKernel(arrays: Readonly<Record<string, SharedArray>>, params: Readonly<Record<string, unknown>>, from: number, to: number): void {
  const config = params.config as MatchConfig;
  const grouped = arrays.grouped as Int32Array;
  const start = arrays.start as Int32Array;
  const active = arrays.active as Int32Array;
  const coordinates = config.mahalanobis ? (arrays.coordinates as Float64Array) : null;
  for (let k = from; k < to; k++) {
    const rows = stratumRows({ grouped, start }, active[k]!);
    const local = matchRows(config, rows, arrays.distance as Float64Array, arrays.treat as Uint8Array, arrays.discarded as Uint8Array, coordinates);
    placeStratumMatches(rows, local, arrays.treatedIndex as Int32Array, config.ratio, arrays.controls as Int32Array);
  }
}

/**
 * Matching within exact strata on a worker pool: the same match matrix as
 * `matchWithinStrata(strata, treat, ratio, (rows) => matchRows(config, rows, …))`, with the strata
 * taken by the workers in blocks (about four blocks per worker, so that a large stratum does not
 * leave the other threads idle).
 *
 * @throws {CausalPanelError} a matcher's error, rethrown from the worker
 * @example
 * const pool = createWorkerPool(2);
 * matchStrataOnPool(pool, 'matchit', strata, treat, config, distance, discarded, null).controls; // as on one thread
 * pool.close();
 */
export function matchStrataOnPool(
  pool: WorkerPool,
  fn: string,
  strata: Int32Array,
  treat: Uint8Array,
  config: MatchConfig,
  distance: Float64Array,
  discarded: Uint8Array,
  coordinates: Float64Array | null,
): MatchMatrix {
  const layout = strataLayout(strata, treat);
  const controls = sharedCopy(new Int32Array(layout.treatedRows.length * config.ratio).fill(-1));
  const count = layout.active.length;
  if (count > 0) {
    runParallel(pool, fn, {
      kernel: 'matchitStrata',
      count,
      blockSize: Math.max(1, Math.ceil(count / (4 * pool.size))),
      arrays: {
        grouped: sharedCopy(layout.grouped),
        start: sharedCopy(layout.start),
        active: sharedCopy(layout.active),
        treatedIndex: sharedCopy(layout.treatedIndex),
        distance: sharedCopy(distance),
        treat: sharedCopy(treat),
        discarded: sharedCopy(discarded),
        coordinates: coordinates !== null ? sharedCopy(coordinates) : sharedFloat64(0),
        controls,
      },
      params: { config },
    });
  }
  return { treatedRows: layout.treatedRows, ratio: config.ratio, controls: Int32Array.from(controls) };
}
