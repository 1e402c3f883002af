/**
 * The two simulated quantities of HonestDiD 0.2.6, reproduced draw for draw from R's stream
 * (`set.seed(0)`, Mersenne-Twister, normals by inversion; numerics/rRandom.ts):
 *
 * - `.qfoldednormal(p, mu)`: the type-7 p-quantile of |Z + μ| over 10⁶ draws Z (the FLCI's
 *   critical value). The draws are sorted once; for each μ the quantile's order statistics come
 *   from merging the two sorted runs z + μ (z ≥ −μ) and −(z + μ) (z < −μ) by bisection, O(log n).
 * - `.compute_least_favorable_cv` with nuisance parameters: the (1 − κ)-quantile of η over 1000
 *   draws ξ ~ N(0, Σ), where ξ = Z·Σ^{1/2} as `mvtnorm::rmvnorm(method = "eigen")` forms it (the
 *   symmetric square root V·diag(√max(λ, 0))·Vᵀ, which does not depend on the eigenvectors' signs)
 *   and η is the LP value min η s.t. ξ − X δ ≤ η·sd.
 */
import { quantileSorted } from '../../numerics/quantile.js';
import { rStream } from '../../numerics/rRandom.js';
import { symmetricEigen } from '../../numerics/symmetricEigen.js';
import { dualPolytope, etaLp, type Matrix } from './honestDidArp.js';

/** A folded-normal quantile function q(p, μ). */
export type FoldedQuantile = (p: number, mu: number) => number;

/**
 * HonestDiD's simulated folded-normal quantile: R's `set.seed(seed); z <- rnorm(numSims)`, then
 * `quantile(abs(z + mu), p)`. The draws are made on the first call.
 *
 * @example
 * const q = simulatedFoldedQuantile();
 * q(0.95, 0); // ≈ 1.96 (HonestDiD's Monte Carlo value on R's seed-0 draws)
 */
export function simulatedFoldedQuantile(numSims = 1e6, seed = 0): FoldedQuantile {
  let sorted: Float64Array | undefined;
  return (p, mu) => {
    if (sorted === undefined) {
      const stream = rStream(seed);
      sorted = new Float64Array(numSims);
      for (let i = 0; i < numSims; i++) sorted[i] = stream.norm();
      sorted.sort();
    }
    const z = sorted;
    const n = z.length;
    // First index with z ≥ −μ.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (z[mid]! + mu >= 0) hi = mid;
      else lo = mid + 1;
    }
    const j = lo;
    const nA = n - j;
    const nB = j;
    const a = (i: number): number => z[j + i]! + mu;
    const b = (i: number): number => -(z[j - 1 - i]! + mu);
    const select = (t: number): number => {
      let low = Math.max(0, t + 1 - nB);
      let high = Math.min(t + 1, nA);
      while (low <= high) {
        const i = (low + high) >>> 1;
        const k = t + 1 - i;
        const aLeft = i > 0 ? a(i - 1) : -Infinity;
        const aRight = i < nA ? a(i) : Infinity;
        const bLeft = k > 0 ? b(k - 1) : -Infinity;
        const bRight = k < nB ? b(k) : Infinity;
        if (aLeft > bRight) high = i - 1;
        else if (bLeft > aRight) low = i + 1;
        else return Math.max(aLeft, bLeft);
      }
      return NaN;
    };
    const view = new Proxy({ length: n } as ArrayLike<number>, { get: (target, key) => (key === 'length' ? n : select(Number(key))) });
    return quantileSorted(view, p);
  };
}

/**
 * `mvtnorm::rmvnorm`'s factor (method "eigen"): R = V·diag(√max(λ, 0))·Vᵀ, so that a row z of
 * standard normals gives the draw z·R ~ N(0, Σ).
 *
 * @example
 * symmetricRoot([[4, 0], [0, 9]]); // [[2, 0], [0, 3]]
 */
export function symmetricRoot(sigma: Matrix): Matrix {
  const d = sigma.length;
  const S = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i + j * d] = sigma[i]![j]!;
  const { values, vectors } = symmetricEigen(S, d);
  const root: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let l = 0; l < d; l++) {
    const s = Math.sqrt(Math.max(values[l]!, 0));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vi = vectors[i + l * d]! * s;
      for (let j = 0; j < d; j++) root[i]![j]! += vi * vectors[j + l * d]!;
    }
  }
  return root;
}

/**
 * `.compute_least_favorable_cv(X_T, sigma, hybrid_kappa, sims = 1000, rowsForARP, seed = 0)` with
 * nuisance parameters (X and sigma already restricted to the ARP rows).
 *
 * @example
 * leastFavorableCv([[1], [-1]], [[1, 0], [0, 1]], 0.005); // the 99.5% point of η over R's seed-0 draws
 */
export function leastFavorableCv(X: Matrix, sigma: Matrix, kappa: number, sims = 1000, seed = 0): number {
  const d = sigma.length;
  const root = symmetricRoot(sigma);
  const sd = sigma.map((row, i) => Math.sqrt(row[i]!));
  const polytope = dualPolytope(X, sd);
  const stream = rStream(seed);
  const etas: number[] = [];
  const z = new Array<number>(d);
  for (let r = 0; r < sims; r++) {
    for (let i = 0; i < d; i++) z[i] = stream.norm();
    const xi = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) {
      const zi = z[i]!;
      for (let j = 0; j < d; j++) xi[j]! += zi * root[i]![j]!;
    }
    const lp = etaLp(xi, polytope);
    if (lp.status === 'optimal') etas.push(lp.eta);
  }
  return quantileSorted(Float64Array.from(etas).sort(), 1 - kappa);
}
