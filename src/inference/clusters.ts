/**
 * Cluster codes: a cluster column → dense integer codes 0..g−1, intersections of clusters for
 * multiway clustering (Cameron, Gelbach & Miller 2011), and fixest's test of whether a fixed
 * effect is nested in a cluster (every level of the fixed effect lies in exactly one cluster).
 *
 * Dimension symbols: n = rows used, g = clusters.
 */
import { CausalPanelError } from '../errors.js';

/** A clustering: one code per row (0..nClusters−1; −1 = missing) and the number of clusters. */
export interface ClusterCodes {
  /** Name of the clustering (the column, or `a & b` for an intersection). */
  readonly name: string;
  /** Code of each row, 0..nClusters−1 (−1 = missing). */
  readonly codes: Int32Array;
  /** Number of distinct clusters. */
  readonly nClusters: number;
  /** Set when codes[i] = ⌊i/`length`⌋ (an absorbed fixed effect in blocks): passes may skip reading `codes`. */
  readonly blocks?: { readonly length: number };
}

/**
 * Encodes the values of a cluster column at `rows` as dense codes in order of first appearance.
 *
 * Integer-valued numeric columns with a moderate range use a direct lookup table (one pass, no
 * hashing), which keeps clustering of a million-row panel to a few milliseconds.
 *
 * @param name column name (used in messages)
 * @param column numbers (NaN = missing) or text (null = missing)
 * @param rows the rows to encode (default: all)
 * @example
 * clusterCodes('id', new Float64Array([7, 3, 7]));
 * // { name: 'id', codes: Int32Array [0, 1, 0], nClusters: 2 }
 */
export function clusterCodes(
  name: string,
  column: Float64Array | readonly (string | null)[],
  rows?: ArrayLike<number>,
): ClusterCodes {
  const n = rows === undefined ? column.length : rows.length;
  const codes = new Int32Array(n);
  if (column instanceof Float64Array) {
    let min = Infinity;
    let max = -Infinity;
    let integral = true;
    for (let i = 0; i < n; i++) {
      const v = column[rows === undefined ? i : rows[i]!]!;
      if (Number.isNaN(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (integral && !Number.isInteger(v)) integral = false;
    }
    if (integral && max - min <= 4 * n + 1024) {
      const table = new Int32Array(max - min + 1).fill(-1);
      let next = 0;
      for (let i = 0; i < n; i++) {
        const v = column[rows === undefined ? i : rows[i]!]!;
        if (Number.isNaN(v)) {
          codes[i] = -1;
          continue;
        }
        const slot = v - min;
        let code = table[slot]!;
        if (code < 0) {
          code = next++;
          table[slot] = code;
        }
        codes[i] = code;
      }
      return { name, codes, nClusters: next };
    }
    return { name, codes, nClusters: codeInOrderSeen(codes, (i) => {
      const v = column[rows === undefined ? i : rows[i]!]!;
      return Number.isNaN(v) ? null : v;
    }) };
  }
  return { name, codes, nClusters: codeInOrderSeen(codes, (i) => column[rows === undefined ? i : rows[i]!] ?? null) };
}

/** Codes 0, 1, … in order of first appearance (−1 for a null key) into `codes`; returns the count. */
function codeInOrderSeen<K>(codes: Int32Array, keyAt: (i: number) => K | null): number {
  const seen = new Map<K, number>();
  for (let i = 0; i < codes.length; i++) {
    const key = keyAt(i);
    if (key === null) {
      codes[i] = -1;
      continue;
    }
    let code = seen.get(key);
    if (code === undefined) {
      code = seen.size;
      seen.set(key, code);
    }
    codes[i] = code;
  }
  return seen.size;
}

/**
 * The intersection of several clusterings (rows share a cluster when they share every one), as
 * needed by the inclusion–exclusion terms of multiway clustering.
 *
 * @example
 * intersectClusters([clusterCodes('a', new Float64Array([1, 1, 2])), clusterCodes('b', new Float64Array([1, 2, 2]))]).nClusters; // 3
 */
export function intersectClusters(clusterings: readonly ClusterCodes[]): ClusterCodes {
  if (clusterings.length === 1) return clusterings[0]!;
  let current = clusterings[0]!;
  for (let c = 1; c < clusterings.length; c++) {
    const other = clusterings[c]!;
    const n = current.codes.length;
    const codes = new Int32Array(n);
    const width = other.nClusters;
    // Pair codes a*width + b are < 2^53, so a Map over them is exact; a dense table when small.
    const size = current.nClusters * width;
    let next = 0;
    if (size <= 4 * n + 1024) {
      const table = new Int32Array(size).fill(-1);
      for (let i = 0; i < n; i++) {
        const a = current.codes[i]!;
        const b = other.codes[i]!;
        if (a < 0 || b < 0) {
          codes[i] = -1;
          continue;
        }
        const key = a * width + b;
        let code = table[key]!;
        if (code < 0) {
          code = next++;
          table[key] = code;
        }
        codes[i] = code;
      }
    } else {
      const seen = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const a = current.codes[i]!;
        const b = other.codes[i]!;
        if (a < 0 || b < 0) {
          codes[i] = -1;
          continue;
        }
        const key = a * width + b;
        let code = seen.get(key);
        if (code === undefined) {
          code = next++;
          seen.set(key, code);
        }
        codes[i] = code;
      }
    }
    current = { name: `${current.name} & ${other.name}`, codes, nClusters: next };
  }
  return current;
}

/**
 * True when the fixed effect with codes `fixefCodes` (0..nLevels−1) is nested in the clustering:
 * each fixed-effect level occurs in exactly one cluster (fixest's `cpp_check_nested`).
 *
 * @example
 * isNestedIn(new Int32Array([0, 0, 1]), 2, clusterCodes('g', new Float64Array([5, 5, 6]))); // true
 */
export function isNestedIn(fixefCodes: Int32Array, nLevels: number, clustering: ClusterCodes): boolean {
  const owner = new Int32Array(nLevels).fill(-1);
  const codes = clustering.codes;
  for (let i = 0; i < fixefCodes.length; i++) {
    const level = fixefCodes[i]!;
    const cluster = codes[i]!;
    if (level < 0) continue;
    const seen = owner[level]!;
    if (seen < 0) owner[level] = cluster;
    else if (seen !== cluster) return false;
  }
  return true;
}

/**
 * {@link isNestedIn} for a fixed effect whose codes are i mod `period` (`DesignFixedEffect.cycle`),
 * without building them: the same pass with the level counted along.
 *
 * @example
 * isCycleNestedIn(2, 4, clusterCodes('g', new Float64Array([5, 6, 5, 6]))); // true
 */
export function isCycleNestedIn(period: number, rows: number, clustering: ClusterCodes): boolean {
  const owner = new Int32Array(period).fill(-1);
  // Clusters in blocks: their codes ⌊i/B⌋ are counted along too.
  const B = clustering.blocks?.length ?? 0;
  const codes = B > 0 ? null : clustering.codes;
  for (let i = 0, level = 0, block = 0, inBlock = 0; i < rows; i++) {
    const cluster = codes === null ? block : codes[i]!;
    if (++inBlock === B) {
      inBlock = 0;
      block++;
    }
    const seen = owner[level]!;
    if (seen < 0) owner[level] = cluster;
    else if (seen !== cluster) return false;
    if (++level === period) level = 0;
  }
  return true;
}

/**
 * Throws `too_few_clusters` when a clustering has fewer than two clusters (a cluster-robust
 * variance needs G ≥ 2: the G/(G−1) factor and the t(G−1) reference are undefined otherwise).
 *
 * @throws {CausalPanelError} `too_few_clusters` naming the column
 * @example
 * checkClusterCount(clusterCodes('id', new Float64Array([1, 2])), 'feols'); // ok
 */
export function checkClusterCount(clustering: ClusterCodes, fn: string): void {
  if (clustering.nClusters < 2) {
    throw new CausalPanelError(
      'too_few_clusters',
      `${fn}: clustering by "${clustering.name}" needs at least 2 clusters (found ${clustering.nClusters})`,
      { fn, column: clustering.name, value: clustering.nClusters },
    );
  }
}

/**
 * A combined clustering (fixest's `cluster = ~a^b`): one clustering whose clusters are the observed
 * combinations of the components' values, named with fixest's spelling `a^b`. Unlike multiway
 * clustering this is a single dimension, built as the intersection of the components.
 *
 * @param name the term as written, e.g. `'id^period'`
 * @param components the clusterings of each component, on the same rows
 * @example
 * combinedClusters('a^b', [clusterCodes('a', new Float64Array([1, 1, 2])), clusterCodes('b', new Float64Array([1, 2, 2]))]);
 * // { name: 'a^b', codes: Int32Array [0, 1, 2], nClusters: 3 }
 */
export function combinedClusters(name: string, components: readonly ClusterCodes[]): ClusterCodes {
  const joint = intersectClusters(components);
  return { name, codes: joint.codes, nClusters: joint.nClusters };
}
