/**
 * Sandwich variance estimators as pure functions of the bread B = (XᵀWX)⁻¹ (k×k), the scores
 * S (n×k, row i = xᵢ·wᵢ·eᵢ) and cluster codes — fixest's `vcov_*_internal(bread, scores, …)`,
 * sandwich's `vcovHC`/`vcovCL`, pyfixest's CRV3.
 *
 *   V = B · meat · B, meat = Σᵢ sᵢsᵢᵀ (HC0), Σᵢ sᵢsᵢᵀ/(1 − hᵢ)^δ (HC2 δ = 1, HC3 δ = 2),
 *   or Σ_g (Σ_{i∈g} sᵢ)(Σ_{i∈g} sᵢ)ᵀ (one-way cluster).
 *
 * Multiway clustering is the inclusion–exclusion sum of Cameron, Gelbach & Miller (2011,
 * JBES 29(2)) over every intersection of the clusterings; if the result has a negative
 * variance, fixest replaces it by V⁺ = U·max(Λ, 1e-10)·Uᵀ (CGM 2011 §2.3, fixest `mat_posdef_fix`).
 * CRV3 is the leave-one-cluster-out jackknife Σ_g (β₋g − β̂)(β₋g − β̂)ᵀ (MacKinnon, Nielsen &
 * Webb 2023), with β₋g = (XᵀWX − X_gᵀW_gX_g)⁻¹(XᵀWy − X_gᵀW_gy_g), as pyfixest.
 *
 * These functions return the *unadjusted* matrices; small-sample factors live in `ssc.ts`.
 *
 * Dimension symbols: n = rows used, k = coefficients, g = clusters. Matrices are column-major.
 */
import { symmetricEigen } from '../numerics/symmetricEigen.js';
import { CausalPanelError } from '../errors.js';
import type { Dist } from '../numerics/distributions.js';
import type { ClusterCodes } from './clusters.js';
import { intersectClusters } from './clusters.js';
import { adjFactor, dofK, tDegreesOfFreedom, type Ssc } from './ssc.js';
import { vcovLabel, type VcovSpec } from './vcovSpec.js';

/**
 * B·M·B for symmetric k×k B (bread) and M (meat), column-major; the result is symmetrised.
 *
 * @example
 * sandwichProduct(new Float64Array([2]), new Float64Array([3]), 1); // Float64Array [12]
 */
export function sandwichProduct(bread: Float64Array, meat: Float64Array, k: number): Float64Array {
  const tmp = new Float64Array(k * k);
  // tmp = M·B
  for (let j = 0; j < k; j++) {
    for (let l = 0; l < k; l++) {
      const b = bread[l + j * k]!;
      if (b === 0) continue;
      for (let i = 0; i < k; i++) tmp[i + j * k]! += meat[i + l * k]! * b;
    }
  }
  const out = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i <= j; i++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += bread[i + l * k]! * tmp[l + j * k]!;
      out[i + j * k] = s;
      out[j + i * k] = s;
    }
  }
  return out;
}

/**
 * Scaled copy of a matrix: `factor · matrix`.
 *
 * @example
 * scaleMatrix(new Float64Array([1, 2]), 3); // Float64Array [3, 6]
 */
export function scaleMatrix(matrix: Float64Array, factor: number): Float64Array {
  const out = new Float64Array(matrix.length);
  for (let i = 0; i < matrix.length; i++) out[i] = matrix[i]! * factor;
  return out;
}

/**
 * Meat of HC0–HC3: Σᵢ sᵢsᵢᵀ·cᵢ with cᵢ = 1 (HC0/HC1), 1/(1 − hᵢ) (HC2) or 1/(1 − hᵢ)² (HC3).
 *
 * @param scores n×k column-major scores
 * @param leverage hᵢ (needed for HC2/HC3)
 * @example
 * heteroMeat(new Float64Array([1, 2]), 2, 1); // Float64Array [5]
 */
export function heteroMeat(
  scores: Float64Array,
  n: number,
  k: number,
  type: 'HC0' | 'HC1' | 'HC2' | 'HC3' = 'HC0',
  leverage?: Float64Array,
): Float64Array {
  const meat = new Float64Array(k * k);
  let factor: Float64Array | null = null;
  if (type === 'HC2' || type === 'HC3') {
    if (leverage === undefined) throw new RangeError('heteroMeat: HC2/HC3 need the leverage');
    factor = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const oneMinus = 1 - leverage[i]!;
      factor[i] = type === 'HC2' ? 1 / oneMinus : 1 / (oneMinus * oneMinus);
    }
  }
  for (let a = 0; a < k; a++) {
    const colA = a * n;
    for (let b = 0; b <= a; b++) {
      const colB = b * n;
      let s = 0;
      if (factor === null) for (let i = 0; i < n; i++) s += scores[colA + i]! * scores[colB + i]!;
      else for (let i = 0; i < n; i++) s += scores[colA + i]! * scores[colB + i]! * factor[i]!;
      meat[a + b * k] = s;
      meat[b + a * k] = s;
    }
  }
  return meat;
}

/**
 * Scores in factored form, sᵢⱼ = columns[j][i] · multiplier[i] (OLS: x̃ᵢⱼ · wᵢeᵢ), so that a
 * clustered variance never materialises the n×k score matrix (on 10⁶ rows a fresh n×k array
 * costs more than the cluster sums themselves). Products are formed exactly as the materialised
 * scores would be, so the sums are identical.
 */
export interface ScoreFactors {
  /** k columns of length n (the demeaned regressors). */
  readonly columns: readonly Float64Array[];
  /** Length n (wᵢeᵢ). */
  readonly multiplier: Float64Array;
}

/**
 * Sums of the scores within each cluster (g×k column-major), one pass per column (one pass in
 * all for factored scores with k ≤ 2).
 *
 * @example
 * clusterScoreSums(new Float64Array([1, 2, 3]), 3, 1, { name: 'g', codes: new Int32Array([0, 1, 0]), nClusters: 2 });
 * // Float64Array [4, 2]
 */
export function clusterScoreSums(scores: Float64Array | ScoreFactors, n: number, k: number, clustering: ClusterCodes): Float64Array {
  const g = clustering.nClusters;
  const codes = clustering.codes;
  const sums = new Float64Array(g * k);
  if (!(scores instanceof Float64Array)) {
    const { columns, multiplier: m } = scores;
    if (k === 2) {
      // Rows of one cluster are usually consecutive (data sorted by unit): a run's two sums are
      // carried in registers from the slots' values — the same additions as sums[c] += … row by
      // row, without a store-to-load chain through memory.
      const x0 = columns[0]!;
      const x1 = columns[1]!;
      let run = -1;
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < n; i++) {
        const c = codes[i]!;
        if (c !== run) {
          if (run >= 0) {
            sums[run] = s0;
            sums[g + run] = s1;
          }
          run = c;
          s0 = sums[c]!;
          s1 = sums[g + c]!;
        }
        s0 += x0[i]! * m[i]!;
        s1 += x1[i]! * m[i]!;
      }
      if (run >= 0) {
        sums[run] = s0;
        sums[g + run] = s1;
      }
      return sums;
    }
    for (let j = 0; j < k; j++) {
      const offset = j * g;
      const x = columns[j]!;
      for (let i = 0; i < n; i++) sums[offset + codes[i]!]! += x[i]! * m[i]!;
    }
    return sums;
  }
  for (let j = 0; j < k; j++) {
    const offset = j * g;
    const col = j * n;
    for (let i = 0; i < n; i++) sums[offset + codes[i]!]! += scores[col + i]!;
  }
  return sums;
}

/**
 * One-way cluster meat Σ_g ŝ_g ŝ_gᵀ with ŝ_g the within-cluster score sums.
 *
 * @example
 * clusterMeat(new Float64Array([1, 2, 3]), 3, 1, { name: 'g', codes: new Int32Array([0, 1, 0]), nClusters: 2 });
 * // Float64Array [20]
 */
export function clusterMeat(scores: Float64Array | ScoreFactors, n: number, k: number, clustering: ClusterCodes): Float64Array {
  const g = clustering.nClusters;
  if (k === 2 && !(scores instanceof Float64Array)) {
    const streamed = contiguousMeat2(scores, n, clustering);
    if (streamed !== null) return streamed;
  }
  const sums = clusterScoreSums(scores, n, k, clustering);
  const meat = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let c = 0; c < g; c++) s += sums[c + a * g]! * sums[c + b * g]!;
      meat[a + b * k] = s;
      meat[b + a * k] = s;
    }
  }
  return meat;
}

/**
 * {@link clusterMeat} for two factored score columns when the clusters come as one run each in
 * code order (0, 0, …, 1, 1, …: data sorted by the cluster, coded by first appearance): each
 * cluster's sums are final at the end of its run, so they are added into the meat there, in
 * cluster order — the same sums and products in the same order as the general path, without the
 * g×k array or a pass over it. Null (use the general path) at the first row breaking the pattern.
 */
function contiguousMeat2(scores: ScoreFactors, n: number, clustering: ClusterCodes): Float64Array | null {
  if (clustering.blocks !== undefined && n > 0 && n === clustering.blocks.length * clustering.nClusters) {
    // Runs of B rows each (codes ⌊i/B⌋): the same pass without reading the codes.
    blockMeat2(scores, 0, clustering.blocks.length);
    return blockMeat2(scores, n, clustering.blocks.length);
  }
  const codes = clustering.codes;
  if (n === 0 || codes[0] !== 0 || codes[n - 1] !== clustering.nClusters - 1) return null;
  // An empty round first (no rows): the code after the row loop then has type feedback when the
  // loop is compiled on-stack in the first fits, instead of deoptimising there (see docs/numerics.md).
  runMeat2(scores, 0, codes);
  return runMeat2(scores, n, codes);
}

/** The pass of {@link contiguousMeat2} over rows 0 … n − 1. */
function runMeat2(scores: ScoreFactors, n: number, codes: Int32Array): Float64Array | null {
  const x0 = scores.columns[0]!;
  const x1 = scores.columns[1]!;
  const m = scores.multiplier;
  let run = 0;
  let s0 = 0;
  let s1 = 0;
  let m00 = 0;
  let m10 = 0;
  let m11 = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c !== run) {
      if (c !== run + 1) return null;
      m00 += s0 * s0;
      m10 += s1 * s0;
      m11 += s1 * s1;
      run = c;
      s0 = 0;
      s1 = 0;
    }
    s0 += x0[i]! * m[i]!;
    s1 += x1[i]! * m[i]!;
  }
  m00 += s0 * s0;
  m10 += s1 * s0;
  m11 += s1 * s1;
  return Float64Array.of(m00, m10, m10, m11);
}

/** {@link runMeat2} for clusters in runs of B rows each: the same sums and products in the same order. */
function blockMeat2(scores: ScoreFactors, n: number, B: number): Float64Array {
  const x0 = scores.columns[0]!;
  const x1 = scores.columns[1]!;
  const m = scores.multiplier;
  let m00 = 0;
  let m10 = 0;
  let m11 = 0;
  for (let start = 0; start < n; start += B) {
    let s0 = 0;
    let s1 = 0;
    const end = start + B;
    for (let i = start; i < end; i++) {
      s0 += x0[i]! * m[i]!;
      s1 += x1[i]! * m[i]!;
    }
    m00 += s0 * s0;
    m10 += s1 * s0;
    m11 += s1 * s1;
  }
  return Float64Array.of(m00, m10, m10, m11);
}

/** Options of {@link vcovClustered}. */
export interface ClusteredOptions {
  /** fixest `cluster.adj`: apply G/(G − 1). */
  clusterAdj: boolean;
  /** fixest `cluster.df`: 'min' → one G_min/(G_min − 1) overall; 'conventional' → per term. */
  clusterDf: 'min' | 'conventional';
}

/**
 * Cluster-robust variance (CRV1 without the (n − 1)/(n − K) factor), one- or multiway.
 *
 * Multiway: V = Σ over non-empty subsets s of the clusterings of (−1)^{|s|+1} V(∩s)
 * (Cameron, Gelbach & Miller 2011), each V(·) = B·meat·B. The G/(G − 1) factor follows
 * `clusterDf`, as fixest's `vcov_cluster_internal`.
 *
 * @returns the variance and G_min, the smallest number of clusters among the clusterings
 * @example
 * vcovClustered(bread, scores, n, k, [idClusters], { clusterAdj: true, clusterDf: 'min' });
 */
export function vcovClustered(
  bread: Float64Array,
  scores: Float64Array | ScoreFactors,
  n: number,
  k: number,
  clusterings: readonly ClusterCodes[],
  options: ClusteredOptions,
): { vcov: Float64Array; minClusters: number } {
  const q = clusterings.length;
  const total = new Float64Array(k * k);
  const conventional = options.clusterAdj && options.clusterDf === 'conventional';
  for (let mask = 1; mask < 1 << q; mask++) {
    const members: ClusterCodes[] = [];
    for (let c = 0; c < q; c++) if (mask & (1 << c)) members.push(clusterings[c]!);
    const clustering = intersectClusters(members);
    const meat = clusterMeat(scores, n, k, clustering);
    let sign = members.length % 2 === 1 ? 1 : -1;
    if (conventional) sign *= clustering.nClusters / (clustering.nClusters - 1);
    for (let i = 0; i < k * k; i++) total[i]! += sign * meat[i]!;
  }
  let minClusters = Infinity;
  for (const c of clusterings) minClusters = Math.min(minClusters, c.nClusters);
  // The meats are summed before one sandwich: B(ΣM)B = Σ BMB, fewer k³ products.
  let vcov = sandwichProduct(bread, total, k);
  if (options.clusterAdj && options.clusterDf === 'min') vcov = scaleMatrix(vcov, minClusters / (minClusters - 1));
  return { vcov, minClusters };
}

/**
 * Leverage hᵢ = wᵢ·xᵢᵀ(XᵀWX)⁻¹xᵢ (the diagonal of the weighted hat matrix), for HC2/HC3.
 *
 * @param X n×k column-major design, @param bread (XᵀWX)⁻¹
 * @example
 * leverage(new Float64Array([1, 1]), 2, 1, new Float64Array([0.5])); // Float64Array [0.5, 0.5]
 */
export function leverage(X: Float64Array, n: number, k: number, bread: Float64Array, weights?: Float64Array): Float64Array {
  const h = new Float64Array(n);
  // h = rowSums((X·B) ∘ X), column by column of X·B.
  const xb = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    xb.fill(0);
    for (let l = 0; l < k; l++) {
      const b = bread[l + j * k]!;
      if (b === 0) continue;
      const col = l * n;
      for (let i = 0; i < n; i++) xb[i]! += X[col + i]! * b;
    }
    const col = j * n;
    for (let i = 0; i < n; i++) h[i]! += xb[i]! * X[col + i]!;
  }
  if (weights !== undefined) for (let i = 0; i < n; i++) h[i]! *= weights[i]!;
  return h;
}

/** Solves the k×k system A·x = b by Gaussian elimination with partial pivoting (NaN when singular). */
function solveSmall(A: Float64Array, b: Float64Array, k: number): Float64Array {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(M[i + i * k]!));
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r + c * k]!) > Math.abs(M[p + c * k]!)) p = r;
    if (Math.abs(M[p + c * k]!) <= 1e-12 * scale) return new Float64Array(k).fill(NaN);
    if (p !== c) {
      for (let j = 0; j < k; j++) {
        const t = M[c + j * k]!;
        M[c + j * k] = M[p + j * k]!;
        M[p + j * k] = t;
      }
      const t = x[c]!;
      x[c] = x[p]!;
      x[p] = t;
    }
    const pivot = M[c + c * k]!;
    for (let r = c + 1; r < k; r++) {
      const f = M[r + c * k]! / pivot;
      if (f === 0) continue;
      for (let j = c; j < k; j++) M[r + j * k]! -= f * M[c + j * k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let j = c + 1; j < k; j++) s -= M[c + j * k]! * x[j]!;
    x[c] = s / M[c + c * k]!;
  }
  return x;
}

/**
 * CRV3 jackknife variance Σ_g (β₋g − β̂)(β₋g − β̂)ᵀ, without small-sample factors
 * (pyfixest's `vcov_crv3_fast`; pyfixest then applies the CRV1 factor G/(G−1)·(n−1)/(n−K)).
 *
 * @param X n×k design (demeaned when fixed effects are nested in the cluster)
 * @param y outcome (same transformation as X)
 * @param coef β̂
 * @example
 * vcovJackknife(X, y, n, k, coef, clustering);
 */
export function vcovJackknife(
  X: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  coef: Float64Array,
  clustering: ClusterCodes,
  weights?: Float64Array,
): Float64Array {
  const g = clustering.nClusters;
  const codes = clustering.codes;
  // Per-cluster XᵀWX (k×k) and XᵀWy, and their totals.
  const xtx = new Float64Array(g * k * k);
  const xty = new Float64Array(g * k);
  for (let a = 0; a < k; a++) {
    const colA = a * n;
    for (let b = 0; b <= a; b++) {
      const colB = b * n;
      const slot = a + b * k;
      for (let i = 0; i < n; i++) {
        const w = weights === undefined ? 1 : weights[i]!;
        xtx[codes[i]! * k * k + slot]! += X[colA + i]! * X[colB + i]! * w;
      }
    }
    for (let i = 0; i < n; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      xty[codes[i]! * k + a]! += X[colA + i]! * y[i]! * w;
    }
  }
  const totalXtx = new Float64Array(k * k);
  const totalXty = new Float64Array(k);
  for (let c = 0; c < g; c++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) totalXtx[a + b * k]! += xtx[c * k * k + a + b * k]!;
      totalXty[a]! += xty[c * k + a]!;
    }
  }
  const vcov = new Float64Array(k * k);
  const A = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  for (let c = 0; c < g; c++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) {
        const v = totalXtx[a + b * k]! - xtx[c * k * k + a + b * k]!;
        A[a + b * k] = v;
        A[b + a * k] = v;
      }
      rhs[a] = totalXty[a]! - xty[c * k + a]!;
    }
    const beta = solveSmall(A, rhs, k);
    for (let a = 0; a < k; a++) {
      const da = beta[a]! - coef[a]!;
      for (let b = 0; b < k; b++) vcov[a + b * k]! += da * (beta[b]! - coef[b]!);
    }
  }
  return vcov;
}

/**
 * Makes a variance matrix positive semi-definite when a diagonal element is negative, as fixest
 * (`mat_posdef_fix`): eigenvalues below 1e-10 are raised to 1e-10. Returns the input unchanged
 * (same object) when no diagonal element is negative.
 *
 * @example
 * fixPositiveDefinite(new Float64Array([-1, 0, 0, 1]), 2); // ≈ [1e-10, 0, 0, 1]
 */
export function fixPositiveDefinite(vcov: Float64Array, k: number): { vcov: Float64Array; fixed: boolean } {
  let negative = false;
  for (let i = 0; i < k; i++) if (vcov[i + i * k]! < 0) negative = true;
  if (!negative) return { vcov, fixed: false };
  const eig = symmetricEigen(vcov, k);
  const values = eig.values.map((v) => Math.max(v, 1e-10));
  const vectors = eig.vectors;
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += vectors[i + l * k]! * values[l]! * vectors[j + l * k]!;
      out[i + j * k] = s;
    }
  }
  return { vcov: out, fixed: true };
}

/** Everything {@link computeVcov} needs: arrays from the model and the validated options. */
export interface VcovInputs {
  /** Calling function, for messages. */
  fn: string;
  spec: VcovSpec;
  ssc: Ssc;
  /** Rows used. */
  n: number;
  /** Kept coefficients. */
  k: number;
  /** (XᵀWX)⁻¹, k×k. */
  bread: Float64Array;
  /** Scores n×k (xᵢ·wᵢ·eᵢ). Read only when needed (hetero; clustered without `scoreFactors`), so it may be a getter. */
  scores: Float64Array;
  /** The scores in factored form; when given, clustered variances use it instead of `scores`. */
  scoreFactors?: ScoreFactors;
  /** Σ wᵢeᵢ², for 'iid' (fixest: σ² = Σwe²/(n − K)). */
  sumSquaredResiduals: number;
  /** A fixed iid variance (GLM: φ·(XᵀWX)⁻¹) that bypasses the OLS iid formula and its ssc. */
  iidVcov?: Float64Array;
  /** Clusterings in the order of `spec.clusters` (CRV1/CRV3). */
  clusterings?: readonly ClusterCodes[];
  /** Levels of each absorbed fixed effect. */
  fixefSizes: readonly number[];
  /** Whether each fixed effect is nested in one of the clusterings (null when not clustered). */
  nested?: readonly boolean[] | null;
  /** Leverage hᵢ, for HC2/HC3. */
  leverage?: () => Float64Array;
  /** Unadjusted CRV3 jackknife sum, for CRV3. */
  jackknife?: (clustering: ClusterCodes) => Float64Array;
  /** Reference distribution family: 't' (OLS, gaussian GLM) or 'normal' (binomial GLM: z-values). */
  distKind: 't' | 'normal';
  /** Degrees of freedom for non-clustered t inference when they differ from n − K (GLM: n − k). */
  residualDf?: number;
}

/** The result of {@link computeVcov}: the matrix and everything fixest records beside it. */
export interface VcovResult {
  /** k×k column-major variance. */
  vcov: Float64Array;
  /** Reference distribution for t/z statistics. */
  dist: Dist;
  /** fixest `dof.K`. */
  dofK: number;
  /** Number of clusters in each clustering (null when not clustered). */
  nClusters: number[] | null;
  /** fixest label: 'IID', 'Heteroskedasticity-robust', 'Clustered (id)'. */
  label: string;
  /** True when the matrix had a negative variance and was made positive semi-definite. */
  fixedPsd: boolean;
}

/**
 * The variance of a fit for a {@link VcovSpec}, with fixest's small-sample corrections.
 *
 * - iid: Σwe²/(n − K)·B (fixest/lm), or `iidVcov` when given (GLM);
 * - hetero/HC1: n/(n − 1)·(n − 1)/(n − K)·B·SᵀS·B (= sandwich HC1); HC0, HC2, HC3 as
 *   `sandwich::vcovHC` (no factor);
 * - CRV1: G_min/(G_min − 1)·(n − 1)/(n − K)·Σ±B·meat·B, t on G_min − 1 df (fixest defaults);
 * - CRV3: the same factors times the jackknife sum (pyfixest).
 *
 * @throws {CausalPanelError} `invalid_option` when a needed input is missing
 * @example
 * computeVcov({ fn: 'feols', spec: { type: 'iid' }, ssc: DEFAULT_SSC, n, k, bread, scores,
 *   sumSquaredResiduals, fixefSizes: [], distKind: 't' }).vcov;
 */
export function computeVcov(inputs: VcovInputs): VcovResult {
  const { fn, spec, ssc, n, k, bread, fixefSizes, distKind } = inputs;
  const label = vcovLabel(spec);
  const tdist = (df: number): Dist => (distKind === 't' ? { kind: 't', df } : { kind: 'normal' });
  if (spec.type === 'iid') {
    const K = dofK({ nCoef: k, fixefSizes, nested: null, fixefK: ssc.fixefK });
    const df = inputs.residualDf ?? tDegreesOfFreedom(n, K, null, ssc);
    if (inputs.iidVcov !== undefined) return { vcov: inputs.iidVcov, dist: tdist(df), dofK: K, nClusters: null, label, fixedPsd: false };
    const scale = (inputs.sumSquaredResiduals / (n - 1)) * adjFactor(n, K, ssc);
    return { vcov: scaleMatrix(bread, scale), dist: tdist(df), dofK: K, nClusters: null, label, fixedPsd: false };
  }
  if (spec.type === 'hetero') {
    const K = dofK({ nCoef: k, fixefSizes, nested: null, fixefK: ssc.fixefK });
    const df = inputs.residualDf ?? tDegreesOfFreedom(n, K, null, ssc);
    let lev: Float64Array | undefined;
    if (spec.hc === 'HC2' || spec.hc === 'HC3') {
      if (inputs.leverage === undefined) {
        throw new CausalPanelError('invalid_option', `${fn}: vcov "${spec.hc}" is not available for this model`, { fn, option: 'vcov', value: spec.hc });
      }
      lev = inputs.leverage();
    }
    const meat = heteroMeat(inputs.scores, n, k, spec.hc, lev);
    let vcov = sandwichProduct(bread, meat, k);
    if (spec.hc === 'HC1') vcov = scaleMatrix(vcov, (ssc.clusterAdj ? n / (n - 1) : 1) * adjFactor(n, K, ssc));
    return { vcov, dist: tdist(df), dofK: K, nClusters: null, label, fixedPsd: false };
  }
  if (spec.type === 'CR2') {
    // CR2 needs the full model's hat-matrix blocks, which only least squares has (inference/cr2.ts).
    throw new CausalPanelError('invalid_option', `${fn}: vcov CR2 is available for least-squares fits (feols) only`, { fn, option: 'vcov', value: spec });
  }
  const clusterings = inputs.clusterings;
  if (clusterings === undefined || clusterings.length !== spec.clusters.length) {
    throw new CausalPanelError('invalid_option', `${fn}: cluster codes are missing for ${label}`, { fn, option: 'vcov' });
  }
  const K = dofK({ nCoef: k, fixefSizes, nested: inputs.nested ?? null, fixefK: ssc.fixefK });
  const nClusters = clusterings.map((c) => c.nClusters);
  const minClusters = Math.min(...nClusters);
  let vcov: Float64Array;
  if (spec.type === 'CRV1') {
    vcov = vcovClustered(bread, inputs.scoreFactors ?? inputs.scores, n, k, clusterings, ssc).vcov;
  } else {
    if (inputs.jackknife === undefined) {
      throw new CausalPanelError('invalid_option', `${fn}: vcov CRV3 is not available for this model`, { fn, option: 'vcov' });
    }
    const G = clusterings[0]!.nClusters;
    vcov = scaleMatrix(inputs.jackknife(clusterings[0]!), ssc.clusterAdj ? G / (G - 1) : 1);
  }
  vcov = scaleMatrix(vcov, adjFactor(n, K, ssc));
  const fixed = fixPositiveDefinite(vcov, k);
  const df = tDegreesOfFreedom(n, K, minClusters, ssc);
  return { vcov: fixed.vcov, dist: tdist(df), dofK: K, nClusters, label, fixedPsd: fixed.fixed };
}
