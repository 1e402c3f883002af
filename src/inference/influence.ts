/**
 * Variance from influence functions: for an asymptotically linear estimator
 * θ̂ − θ ≈ (1/n) Σᵢ ψᵢ, Var(θ̂) ≈ (1/n²) Σᵢ ψᵢψᵢᵀ (Newey & McFadden 1994, §7). With clusters the
 * ψᵢ are first summed within clusters (Callaway & Sant'Anna 2021, Remark 10).
 *
 * Influence functions are stored as column-major n×p `Float64Array`s (`IF[i + j * n]`), one column
 * per estimated quantity, as did's `inffunc` (scaled so that `se = sqrt(mean(ψ²) / n)`).
 */
import { CausalPanelError } from '../errors.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../options.js';

/**
 * Standard error of one quantity from its influence function: sqrt(Σ ψᵢ²) / n, i.e. did's
 * `getSE` = `sqrt(mean(ψ²) / n)`.
 *
 * @example
 * influenceSE(Float64Array.of(1, -1, 1, -1)); // 0.5
 */
export function influenceSE(psi: ArrayLike<number>, offset = 0, n = psi.length - offset): number {
  return Math.sqrt(sumOfSquares(psi, offset, n)) / n;
}

/**
 * Σ ψᵢ² over `psi[offset .. offset + n)`. The loop alone in its own function, returning: a first
 * call on 10⁵ rows compiles the loop on-stack before any code after it has run, and code after
 * the loop without type feedback (here `Math.sqrt`) deoptimised that code on every later call.
 */
function sumOfSquares(psi: ArrayLike<number>, offset: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = psi[offset + i]!;
    sum += v * v;
  }
  return sum;
}

/**
 * Cluster sums of an n×p influence matrix: G×p, `S[g + j * G] = Σ_{i: c(i) = g} ψᵢⱼ`.
 *
 * @throws {CausalPanelError} `invalid_option` when a code is outside 0..G−1
 * @example
 * clusterSums(Float64Array.of(1, 2, 3), 3, 1, Int32Array.of(0, 0, 1), 2); // Float64Array [3, 3]
 */
export function clusterSums(psi: Float64Array, n: number, p: number, codes: Int32Array, nClusters: number): Float64Array {
  const out = new Float64Array(nClusters * p);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0 || c >= nClusters) throw new CausalPanelError('invalid_option', `clusterSums: cluster code out of range (row ${i + 1}: ${c})`, { fn: 'clusterSums', row: i, value: c });
  }
  for (let j = 0; j < p; j++) {
    const src = j * n;
    const dst = j * nClusters;
    for (let i = 0; i < n; i++) out[dst + codes[i]!] += psi[src + i]!;
  }
  return out;
}

/**
 * Reads a `cluster` option: an `Int32Array` of codes 0..G−1 (one per influence row), or undefined.
 *
 * @example
 * clusterCodesOption(Int32Array.of(0, 1, 0), { fn: 'influenceVcov', key: 'cluster' }); // the codes
 */
export function clusterCodesOption(value: unknown, at: OptionPath): Int32Array | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Int32Array)) throw invalidOption(at, 'an Int32Array of cluster codes', value);
  return value;
}

/**
 * Options for {@link influenceVcov}.
 *
 * @example
 * const options: InfluenceVcovOptions = { cluster: Int32Array.of(0, 0, 1, 1), nClusters: 2 };
 * influenceVcov(Float64Array.of(1, 2, 3, 4, 1, 1, 0, 0), 4, 2, options); // Float64Array [3.625, 0.375, 0.375, 0.25]
 */
export interface InfluenceVcovOptions {
  /** Cluster code per row (0..nClusters−1): ψ is summed within clusters first. */
  cluster?: Int32Array;
  nClusters?: number;
}

/**
 * p×p variance matrix of the estimates from their n×p influence functions: ΨᵀΨ / n² (or the
 * same with cluster sums in place of Ψ; did's `crossprod(rowsum(ψ, cluster)) / n`, divided by n).
 * NaN entries propagate to the affected rows and columns.
 *
 * @example
 * influenceVcov(Float64Array.of(1, -1, 2, -2), 2, 2); // Float64Array [0.5, 1, 1, 2]
 */
export function influenceVcov(psi: Float64Array, n: number, p: number, options: InfluenceVcovOptions = {}): Float64Array {
  const params = readOptions('influenceVcov', options, { cluster: opt.custom(clusterCodesOption), nClusters: opt.integer({ min: 1 }) });
  let m = n;
  let rows = psi;
  if (params.cluster) {
    const g = params.nClusters ?? Math.max(-1, ...params.cluster) + 1;
    rows = clusterSums(psi, n, p, params.cluster, g);
    m = g;
  }
  const out = new Float64Array(p * p);
  const scale = 1 / (n * n);
  for (let a = 0; a < p; a++) {
    const oa = a * m;
    for (let b = a; b < p; b++) {
      const ob = b * m;
      let sum = 0;
      for (let i = 0; i < m; i++) sum += rows[oa + i]! * rows[ob + i]!;
      out[a + b * p] = sum * scale;
      out[b + a * p] = sum * scale;
    }
  }
  return out;
}

/**
 * Influence function of a weighted combination Σⱼ wⱼ θⱼ of columns of Ψ: Ψ w (length n).
 * Columns with weight 0 are skipped (so their NaNs do not spread).
 *
 * @example
 * combineInfluence(Float64Array.of(1, 2, 3, 4), 2, [0, 1], [0.5, 0.5]); // Float64Array [2, 3]
 */
export function combineInfluence(psi: Float64Array, n: number, columns: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < columns.length; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    const o = columns[k]! * n;
    for (let i = 0; i < n; i++) out[i] += w * psi[o + i]!;
  }
  return out;
}
