/**
 * Standard errors and critical values of the ATT(g,t)s, as did 2.5.1: analytic SEs from the
 * influence functions, sqrt(Σψ²)/n, with pointwise normal intervals (`bstrap = FALSE`), or did's
 * multiplier bootstrap (`mboot`: Rademacher weights as `BMisc::multiplier_bootstrap` draws them, or
 * Mammen's with `bootstrap: { weights: 'mammen' }`; IQR-based SEs, sup-t critical value for
 * uniform bands when `cband = TRUE`). SEs at or below √ε·10 are NA, as did reports reference cells.
 * The same choice is handed on to the aggregations. With clusters above the unit (did's
 * `clustervars`) the influence functions are summed within clusters first: analytic SEs
 * sqrt(Σ_c S_c²)/n and one bootstrap multiplier per cluster (Callaway & Sant'Anna 2021, Remark 10).
 */
import type { WorkersOption } from '../../parallel/workersOption.js';
import { multiplierBootstrap } from '../../inference/bootstrap.js';
import { clusterSums, influenceSE } from '../../inference/influence.js';
import type { ClusterCodes } from '../../inference/clusters.js';
import { normalQuantile } from '../../numerics/distributions.js';
import type { AggregationInference } from './aggregate.js';
import type { AttgtParams } from './attgtOptions.js';

const SE_ZERO = Math.sqrt(2.220446049250313e-16) * 10;

/** Inference for the cells of one `attgt` fit. */
export interface CellInference {
  /** SE per cell (NaN: not estimated, or a reference cell). */
  se: Float64Array;
  /** Critical value of the cell intervals at `level`. */
  critical(level: number): number;
  /** How aggregations of the cells get their SEs and critical values. */
  aggregation: AggregationInference;
  /** The clusters above the unit, if any (their sums of ψ enter every SE). */
  cluster: ClusterCodes | undefined;
}

/**
 * did's clustered SE from cluster sums of one influence column: sqrt(Σ_c S_c²)/n (no G/(G−1),
 * as did 2.5.1's `getSE` and `att_gt`).
 */
function clusteredSE(psi: Float64Array, offset: number, n: number, cluster: ClusterCodes): number {
  const S = clusterSums(psi.subarray(offset, offset + n), n, 1, cluster.codes, cluster.nClusters);
  let s = 0;
  for (let c = 0; c < S.length; c++) s += S[c]! * S[c]!;
  return Math.sqrt(s) / n;
}

/** Whether `ranges` (flat [a, b) pairs) are disjoint, increasing and within [0, n]. */
function ascendingRanges(ranges: Int32Array, n: number): boolean {
  let end = 0;
  for (let q = 0; q < ranges.length; q += 2) {
    if (!(ranges[q]! >= end && ranges[q + 1]! >= ranges[q]!)) return false;
    end = ranges[q + 1]!;
  }
  return end <= n;
}

/**
 * `influenceSE` of a column whose ψ is 0 outside the increasing row ranges `ranges`: Σψ² over
 * those rows only. The skipped terms are +0 and the sum of squares starts at +0, so the same
 * additions in the same order give the same bits as the full sum.
 */
function supportSE(psi: Float64Array, offset: number, n: number, ranges: Int32Array): number {
  let sum = 0;
  for (let q = 0; q < ranges.length; q += 2) sum = addSquares(psi, offset + ranges[q]!, offset + ranges[q + 1]!, sum);
  return Math.sqrt(sum) / n;
}

/** sum + Σ psi[i]² for i in [a, b) (the loop alone in its function; docs/numerics.md, attgt). */
function addSquares(psi: Float64Array, a: number, b: number, sum: number): number {
  for (let i = a; i < b; i++) {
    const v = psi[i]!;
    sum += v * v;
  }
  return sum;
}

const pointwise = (level: number): number => normalQuantile(1 - (1 - level) / 2);

/**
 * SEs and critical values of the cells from their n × p influence matrix ψ (see the file header).
 *
 * @example
 * const inf = cellInference(psi, n, att, params);
 * inf.se[0];          // 0.02325 for ATT(2004,2004) on mpdta (did 2.5.1)
 * inf.critical(0.95); // 1.959964 (analytic)
 */
export function cellInference(
  psi: Float64Array,
  n: number,
  att: Float64Array,
  params: AttgtParams,
  cluster?: ClusterCodes,
  workers: WorkersOption = 1,
  support?: readonly (Int32Array | undefined)[],
): CellInference {
  const p = att.length;
  const se = new Float64Array(p);
  const columnSE = cluster ? (v: Float64Array, o: number, m: number) => clusteredSE(v, o, m, cluster) : influenceSE;
  for (let j = 0; j < p; j++) {
    const ranges = support?.[j];
    const s = Number.isNaN(att[j]!) ? NaN : !cluster && ranges !== undefined && ascendingRanges(ranges, n) ? supportSE(psi, j * n, n, ranges) : columnSE(psi, j * n, n);
    se[j] = s <= SE_ZERO ? NaN : s;
  }
  const boot = params.bootstrap;
  if (!boot) {
    return {
      se,
      critical: pointwise,
      aggregation: { se: (v) => columnSE(v, 0, v.length), critical: (_m, _q, level) => pointwise(level), pointwiseOnly: true },
      cluster,
    };
  }
  // one multiplier per cluster when clustered (did's mboot on rowsum(ψ, cluster))
  const clusterOptions = cluster ? { cluster: cluster.codes, nClusters: cluster.nClusters } : {};
  const draws = (m: Float64Array, q: number, level: number) => multiplierBootstrap(m, n, q, { reps: boot.reps, seed: boot.seed, level, weights: boot.weights, workers, ...clusterOptions });
  // the cells with an SE, side by side
  const valid: number[] = [];
  for (let j = 0; j < p; j++) if (!Number.isNaN(se[j]!)) valid.push(j);
  const validColumns = (): Float64Array => {
    const sub = new Float64Array(n * valid.length);
    valid.forEach((j, c) => sub.set(psi.subarray(j * n, (j + 1) * n), c * n));
    return sub;
  };
  const first = draws(validColumns(), valid.length, params.level);
  valid.forEach((j, c) => {
    const s = first.se[c]!;
    se[j] = s <= SE_ZERO ? NaN : s;
  });
  const uniformCritical = (result: { critical: number }, level: number): number =>
    boot.uniform && valid.length > 0 && Number.isFinite(result.critical) ? result.critical : pointwise(level);
  const atLevel = uniformCritical(first, params.level);
  return {
    se,
    critical: (level) => (level === params.level ? atLevel : boot.uniform && valid.length > 0 ? uniformCritical(draws(validColumns(), valid.length, level), level) : pointwise(level)),
    aggregation: {
      se: (v) => draws(v, 1, params.level).se[0]!,
      critical: (m, q, level) => {
        const z = pointwise(level);
        if (!boot.uniform || q === 0) return z;
        const c = draws(m, q, level).critical;
        return Number.isFinite(c) && c >= z ? c : z;
      },
    },
    cluster,
  };
}
