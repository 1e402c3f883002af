/**
 * CR2, the bias-reduced linearization of Bell & McCaffrey (2002) as clubSandwich's
 * `vcovCR(type = "CR2")` for `lm` (Pustejovsky & Tipton 2018, JBES 36(4):672–683), for a
 * least-squares fit whose fixed effects were absorbed: the adjustment matrices are those of the
 * full model with the fixed-effect dummies, as clubSandwich computes them on `lm(y ~ x + factor(fe))`,
 * but the dummies are never formed.
 *
 * clubSandwich's conventions (R/clubSandwich.R `vcov_CR`, R/CR-adjustments.R `CR2`, working model
 * Θ = I, which is `targetVariance` for `lm`):
 *
 *   V = M · Σ_g X_gᵀ W_g A_g e_g e_gᵀ A_g W_g X_g · M,  M = (XᵀWX)⁻¹,
 *   A_g = G_g^{-1/2},  G_g = I − H_gg − H_ggᵀ + X_g M XᵀW²X M X_gᵀ,  H_gg = X_g M X_gᵀ W_g,
 *
 * with unweighted fits (`inverse_var = TRUE`) using G_g = I − X_g M X_gᵀ. Both are
 * G_g = Z_gᵀZ_g with Z_g = (I − WQ)E_g, Q = X M Xᵀ and E_g the indicator columns of the cluster's
 * rows (expand (I − QW)(I − WQ)); without weights I − Q is a symmetric idempotent and G_g is just
 * the cluster's rows of Z_g. The weight scaling of clubSandwich
 * (weights divided by their mean) cancels in every quantity.
 *
 * Without dummies: by Frisch–Waugh–Lovell the coefficient rows of M XᵀW are B X̃ᵀW (X̃ = the
 * demeaned regressors, B = (X̃ᵀWX̃)⁻¹), and the full model's Q and the operator v ↦ (I − WQ)v come
 * from `hatOperator.ts` (exact partitioned projection; iterative demeaning beyond its size limits).
 *
 * Singular blocks: G_g is singular whenever a fixed effect is nested in the cluster (the residuals
 * of a unit sum to zero). clubSandwich's `matrix_power` then uses the Moore–Penrose inverse square
 * root, dropping eigenvalues ≤ 1e-12 (absolute); its exact null eigenvalues come out as noise of
 * 1e-13…1e-12 and can land on either side. Here eigenvalues ≤ 1e-10 · the block's largest are
 * dropped (the `stableThreshold` rerun of the oracles), so a null eigenvalue is never inverted.
 *
 * The Satterthwaite degrees of freedom need, for a linear combination c of the coefficients, the
 * vectors y_g = (I − WQ) z_g with z_g = A_g W_g X̃_g B c on the rows of cluster g (zero elsewhere):
 * clubSandwich's P array (R/get_arrays.R `get_GH`, `get_P_array`) is exactly P[g, h] = y_gᵀ y_h
 * (its three H terms collapse to (I − WQ)ᵀ(I − WQ)); see `satterthwaite.ts`.
 *
 * Cost: one m×m block and its eigen-decomposition per cluster (O(Σ n_g²·(L₂ + k) + Σ n_g³)),
 * and J applications of the operator per tested combination.
 *
 * Dimension symbols: n = rows used, k = coefficients kept, J = clusters, n_g = rows of cluster g.
 */
import { CausalPanelError } from '../errors.js';
import type { FixedEffectCodes } from '../numerics/demean.js';
import { symmetricEigen } from '../numerics/symmetricEigen.js';
import type { ClusterCodes } from './clusters.js';
import { hatOperator, type HatOperator } from './hatOperator.js';
import { sandwichProduct } from './sandwich.js';

/** Everything {@link vcovCR2} needs: the arrays of a (weighted) least-squares fit. */
export interface Cr2Inputs {
  /** Calling function, for messages. */
  fn: string;
  /** Rows used. */
  n: number;
  /** Kept coefficients. */
  k: number;
  /** The k regressors after demeaning by the fixed effects (the original ones without). */
  columns: readonly Float64Array[];
  /** B = (X̃ᵀWX̃)⁻¹, k×k column-major. */
  bread: Float64Array;
  /** Residuals y − ŷ (not weighted). */
  residuals: Float64Array;
  /** Positive weights, or undefined. */
  weights?: Float64Array | undefined;
  /** The clustering (one). */
  clustering: ClusterCodes;
  /** Absorbed fixed effects (their dummies are part of the model). */
  fixedEffects: readonly FixedEffectCodes[];
}

/** The result of {@link vcovCR2}. */
export interface Cr2Result {
  /** k×k column-major CR2 variance (clubSandwich's, no further factor). */
  vcov: Float64Array;
  /** Clusters whose G_g was singular (a pseudo-inverse square root was used). */
  singularClusters: number;
  /** Number of clusters J. */
  nClusters: number;
  /**
   * clubSandwich's P array for combinations c and d of the coefficients (J×J column-major):
   * P[g, h] = y^c_gᵀ y^d_h with y_g = (I − WQ)z_g, z_g = A_g W_g X̃_g B c on cluster g's rows
   * (d defaults to c: the Satterthwaite P of one combination).
   */
  pMatrix(c: ArrayLike<number>, d?: ArrayLike<number>): Float64Array;
}

/** Relative eigenvalue threshold of the pseudo-inverse square root (see the header). */
const EIGEN_THRESHOLD = 1e-10;

/** Row indices of each cluster, in row order. */
function clusterRows(clustering: ClusterCodes): Int32Array[] {
  const J = clustering.nClusters;
  const counts = new Int32Array(J);
  for (const c of clustering.codes) counts[c]!++;
  const rows = Array.from(counts, (count) => new Int32Array(count));
  const next = new Int32Array(J);
  clustering.codes.forEach((c, i) => {
    rows[c]![next[c]!++] = i;
  });
  return rows;
}

/**
 * G^{+1/2} of a symmetric positive semi-definite m×m matrix: eigenvalues ≤ 1e-10 · the largest
 * are dropped (Moore–Penrose), as clubSandwich's `matrix_power(x, -1/2)` with a relative threshold.
 *
 * @returns the matrix and whether an eigenvalue was dropped
 * @example
 * inverseSqrtPsd(Float64Array.of(4, 0, 0, 0), 2).matrix; // Float64Array [0.5, 0, 0, 0]
 */
export function inverseSqrtPsd(G: Float64Array, m: number): { matrix: Float64Array; singular: boolean } {
  const { values, vectors } = symmetricEigen(G, m);
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  const threshold = EIGEN_THRESHOLD * max;
  const scale = new Float64Array(m);
  let singular = false;
  for (let l = 0; l < m; l++) {
    if (values[l]! > threshold) scale[l] = 1 / Math.sqrt(values[l]!);
    else singular = true;
  }
  const out = new Float64Array(m * m);
  for (let l = 0; l < m; l++) {
    const s = scale[l]!;
    if (s === 0) continue;
    for (let b = 0; b < m; b++) {
      const vb = vectors[b + l * m]! * s;
      for (let a = 0; a < m; a++) out[a + b * m]! += vectors[a + l * m]! * vb;
    }
  }
  return { matrix: out, singular };
}

/**
 * The CR2 variance of a least-squares fit with absorbed fixed effects (clubSandwich
 * `vcovCR(lm(y ~ x + factor(fe), weights = w), cluster, type = "CR2")`), and what its
 * Satterthwaite degrees of freedom need.
 *
 * @param hat the full model's hat operator (default: `hatOperator(inputs)`, exact where it fits)
 * @throws {CausalPanelError} `no_convergence` when the fixed-effect projection does not converge
 * @example
 * const fit = feols('y ~ x1 + treat:post | id + period', grid, { vcov: { CRV1: 'grp' } });
 * vcovCR2({ fn: 'feols', n, k: 2, columns: XdColumns, bread, residuals, clustering, fixedEffects }).vcov;
 * // ≈ [0.0038835, 0.0177641, 0.0177641, 0.2196] (clubSandwich 0.5.8, clubsandwich_grid_twfe_grp)
 */
export function vcovCR2(inputs: Cr2Inputs, hat: HatOperator = hatOperator(inputs)): Cr2Result {
  const { n, k, columns, bread, residuals, weights, clustering } = inputs;
  const rowsOf = clusterRows(clustering);
  const J = clustering.nClusters;
  const meat = new Float64Array(k * k);
  // T_g = A_g W_g X̃_g B (n_g×k): z_g = T_g c for a combination c.
  const T: Float64Array[] = [];
  let singularClusters = 0;
  for (let g = 0; g < J; g++) {
    const rows = rowsOf[g]!;
    const m = rows.length;
    const G = hat.adjustmentBlock(rows);
    const { matrix: A, singular } = inverseSqrtPsd(G, m);
    if (singular) singularClusters++;
    // u = A_g e_g; score sum s_g = X̃_gᵀ W_g u.
    const u = new Float64Array(m);
    for (let b = 0; b < m; b++) {
      const e = residuals[rows[b]!]!;
      if (e === 0) continue;
      for (let a = 0; a < m; a++) u[a]! += A[a + b * m]! * e;
    }
    const s = new Float64Array(k);
    const wx = new Float64Array(m * k);
    for (let j = 0; j < k; j++) {
      const x = columns[j]!;
      let sum = 0;
      for (let a = 0; a < m; a++) {
        const row = rows[a]!;
        const v = (weights === undefined ? 1 : weights[row]!) * x[row]!;
        wx[a + j * m] = v;
        sum += v * u[a]!;
      }
      s[j] = sum;
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) meat[a + b * k]! += s[a]! * s[b]!;
    // T_g = A_g (W_g X̃_g) B.
    const awx = new Float64Array(m * k);
    for (let j = 0; j < k; j++) {
      for (let b = 0; b < m; b++) {
        const v = wx[b + j * m]!;
        if (v === 0) continue;
        for (let a = 0; a < m; a++) awx[a + j * m]! += A[a + b * m]! * v;
      }
    }
    const Tg = new Float64Array(m * k);
    for (let j = 0; j < k; j++) {
      for (let l = 0; l < k; l++) {
        const b = bread[l + j * k]!;
        if (b === 0) continue;
        for (let a = 0; a < m; a++) Tg[a + j * m]! += awx[a + l * m]! * b;
      }
    }
    T.push(Tg);
  }
  const vcov = sandwichProduct(bread, meat, k);
  // z_g = T_g c on cluster g's rows, for a combination c.
  const blocksOf = (c: ArrayLike<number>): Float64Array[] => {
    if (c.length !== k) throw new CausalPanelError('invalid_option', `${inputs.fn}: a combination needs ${k} weights (got ${c.length})`, { fn: inputs.fn, value: c.length });
    return rowsOf.map((rows, g) => {
      const m = rows.length;
      const Tg = T[g]!;
      const z = new Float64Array(m);
      for (let j = 0; j < k; j++) {
        const cj = c[j]!;
        if (cj === 0) continue;
        for (let a = 0; a < m; a++) z[a]! += Tg[a + j * m]! * cj;
      }
      return z;
    });
  };
  // The full n-vectors y_g = (I − WQ)z_g (the iterative operator's way to the Gram matrix).
  const vectorsOf = (z: readonly Float64Array[]): Float64Array[] =>
    hat.residualize(
      z.map((block, g) => {
        const v = new Float64Array(n);
        rowsOf[g]!.forEach((row, a) => (v[row] = block[a]!));
        return v;
      }),
    );
  const pMatrix = (c: ArrayLike<number>, d: ArrayLike<number> = c): Float64Array => {
    const zc = blocksOf(c);
    const zd = d === c ? zc : blocksOf(d);
    if (hat.residualGram !== undefined) return hat.residualGram(rowsOf, zc, zd);
    const yc = vectorsOf(zc);
    const yd = zd === zc ? yc : vectorsOf(zd);
    const P = new Float64Array(J * J);
    for (let g = 0; g < J; g++) {
      for (let h = 0; h < J; h++) {
        let s = 0;
        const a = yc[g]!;
        const b = yd[h]!;
        for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
        P[g + h * J] = s;
      }
    }
    return P;
  };
  return { vcov, singularClusters, nClusters: J, pMatrix };
}
