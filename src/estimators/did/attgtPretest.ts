/**
 * did 2.5.1's Wald pre-test of parallel trends over the pre-treatment ATT(g,t)s (`att_gt`'s
 * `W`/`Wpval`): Σ = ΨᵀΨ/n² is the vcov of the cells, W = θᵀΣ⁻¹θ = n·θᵀV⁻¹θ with did's V = ΨᵀΨ/n.
 */
import type { Note } from '../../errors.js';
import type { ClusterCodes } from '../../inference/clusters.js';
import { clusterSums } from '../../inference/influence.js';
import { invertSymmetric } from '../../numerics/cholesky.js';
import { chisqUpper } from '../../numerics/distributions.js';
import type { Cell } from './attgtCells.js';

/**
 * did's Wald pre-test of parallel trends over the pre-treatment ATT(g,t)s.
 * @example cs.pretest; // { statistic: 7.7912, df: 5, pValue: 0.16812 } on mpdta (did 2.5.1: p = 0.16812)
 */
export interface AttgtPretest {
  statistic: number;
  df: number;
  pValue: number;
}

const FN = 'attgt';

/**
 * ΨᵀΨ over the columns `cols` of the n-row matrix ψ, in row blocks so that the columns stream
 * through cache once (not once per pair).
 */
function crossprodColumns(psi: Float64Array, n: number, cols: readonly number[]): Float64Array {
  const q = cols.length;
  const S = new Float64Array(q * q);
  const BLOCK = 512;
  // A cell's ψ is zero outside its 2×2 sample (its cohort and its comparison units, contiguous
  // ranges since units are sorted by cohort): blocks where either column is all zero are
  // skipped. Their block sums would be ±0, so the result is bit-for-bit the full sum's.
  const nBlocks = Math.ceil(n / BLOCK);
  const live = new Uint8Array(q * nBlocks);
  let finite = true;
  for (let a = 0; a < q; a++) if (!markLiveBlocks(psi, cols[a]! * n, n, BLOCK, live, a * nBlocks)) finite = false;
  if (!finite) live.fill(1);
  const partners = new Int32Array(q);
  for (let blk = 0; blk < nBlocks; blk++) {
    const start = blk * BLOCK;
    const end = Math.min(n, start + BLOCK);
    for (let a = 0; a < q; a++) {
      if (live[a * nBlocks + blk] === 0) continue;
      const oa = cols[a]! * n;
      // the live columns b ≥ a, four (then two, then one) sums at a time sharing the loads of a
      let m = 0;
      for (let b = a; b < q; b++) if (live[b * nBlocks + blk] === 1) partners[m++] = b;
      let j = 0;
      for (; j + 4 <= m; j += 4) {
        const b0 = partners[j]!;
        const b1 = partners[j + 1]!;
        const b2 = partners[j + 2]!;
        const b3 = partners[j + 3]!;
        blockDots4(psi, oa, cols[b0]! * n, cols[b1]! * n, cols[b2]! * n, cols[b3]! * n, start, end, S, a + b0 * q, a + b1 * q, a + b2 * q, a + b3 * q);
      }
      for (; j + 2 <= m; j += 2) {
        const b0 = partners[j]!;
        const b1 = partners[j + 1]!;
        blockDots(psi, oa, cols[b0]! * n, cols[b1]! * n, start, end, S, a + b0 * q, a + b1 * q);
      }
      if (j < m) {
        const ob = cols[partners[j]!]! * n;
        let sum = 0;
        for (let i = start; i < end; i++) sum += psi[oa + i]! * psi[ob + i]!;
        S[a + partners[j]! * q] += sum;
      }
    }
  }
  for (let a = 0; a < q; a++) for (let b = a + 1; b < q; b++) S[b + a * q] = S[a + b * q]!;
  return S;
}

/** As {@link blockDots} for four columns. */
function blockDots4(psi: Float64Array, oa: number, o1: number, o2: number, o3: number, o4: number, start: number, end: number, S: Float64Array, s1: number, s2: number, s3: number, s4: number): void {
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let sum4 = 0;
  for (let i = start; i < end; i++) {
    const v = psi[oa + i]!;
    sum1 += v * psi[o1 + i]!;
    sum2 += v * psi[o2 + i]!;
    sum3 += v * psi[o3 + i]!;
    sum4 += v * psi[o4 + i]!;
  }
  S[s1] += sum1;
  S[s2] += sum2;
  S[s3] += sum3;
  S[s4] += sum4;
}

/** S[s1] += Σ ψ[oa+i]·ψ[o1+i] and S[s2] += Σ ψ[oa+i]·ψ[o2+i] over [start, end), each summed in row order. */
function blockDots(psi: Float64Array, oa: number, o1: number, o2: number, start: number, end: number, S: Float64Array, s1: number, s2: number): void {
  let sum1 = 0;
  let sum2 = 0;
  for (let i = start; i < end; i++) {
    const v = psi[oa + i]!;
    sum1 += v * psi[o1 + i]!;
    sum2 += v * psi[o2 + i]!;
  }
  S[s1] += sum1;
  S[s2] += sum2;
}

/**
 * live[out + blk] = 1 when the column at `offset` has a non-zero entry in block blk. Returns
 * false when the column holds ±Infinity (0·∞ would then not be 0: no block may be skipped).
 */
function markLiveBlocks(psi: Float64Array, offset: number, n: number, block: number, live: Uint8Array, out: number): boolean {
  let finite = true;
  for (let start = 0, blk = 0; start < n; start += block, blk++) {
    const end = Math.min(n, start + block);
    let any = false;
    for (let i = start; i < end; i++) {
      const v = psi[offset + i]!;
      if (v !== 0) any = true;
      if (v === Infinity || v === -Infinity) finite = false;
    }
    if (any) live[out + blk] = 1;
  }
  return finite;
}

/**
 * did's Wald pre-test of parallel trends: W = n·θᵀV⁻¹θ over the pre-treatment cells with a finite
 * SE, χ² with as many df. With no such cell, or a singular V, the statistic and p-value are NaN
 * (a singular V adds a `test_not_computed` note, as did warns and reports NA). Clustered above
 * the unit, V is formed from cluster sums; with the bootstrap as well, did reports no test (NaN
 * and a note).
 *
 * @example
 * attgtPretest(cells, psi, n, se, notes).pValue; // 0.16812 on mpdta (did 2.5.1 prints 0.16812)
 */
export function attgtPretest(cells: readonly Cell[], psi: Float64Array, n: number, se: Float64Array, notes: Note[], clustering?: { cluster: ClusterCodes; bootstrap: boolean }): AttgtPretest {
  const pre: number[] = [];
  cells.forEach((c, j) => {
    if (c.group > c.time && !Number.isNaN(se[j]!)) pre.push(j);
  });
  const q = pre.length;
  if (q === 0) return { statistic: NaN, df: 0, pValue: NaN };
  if (clustering?.bootstrap) {
    // did: with clusters beyond the unit its V is the unclustered one when bootstrapping, so no test
    notes.push({ code: 'test_not_computed', test: 'Pre-test of parallel trends', reason: `not reported when clustering by "${clustering.cluster.name}" with the bootstrap (as did: use the bootstrap intervals)` });
    return { statistic: NaN, df: q, pValue: NaN };
  }
  // Σ = ΨᵀΨ/n² (the vcov of the estimates), so W = θᵀΣ⁻¹θ = n·θᵀV⁻¹θ with did's V = ΨᵀΨ/n;
  // clustered: the cluster sums of Ψ in place of its rows (did's crossprod(rowsum(ψ, cluster))/n)
  const c = clustering?.cluster;
  const S = c ? crossprodColumns(clusterSums(psi, n, cells.length, c.codes, c.nClusters), c.nClusters, pre) : crossprodColumns(psi, n, pre);
  for (let j = 0; j < q * q; j++) S[j] = S[j]! / (n * n);
  let inv: Float64Array;
  try {
    inv = invertSymmetric(S, q, FN);
  } catch {
    notes.push({ code: 'test_not_computed', test: 'Pre-test of parallel trends', reason: 'singular covariance matrix of the pre-treatment ATT(g,t) (as did)' });
    return { statistic: NaN, df: q, pValue: NaN };
  }
  let stat = 0;
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) stat += cells[pre[a]!]!.att * inv[a + b * q]! * cells[pre[b]!]!.att;
  return { statistic: stat, df: q, pValue: chisqUpper(stat, q) };
}
