/**
 * The optimal fixed-length confidence interval (FLCI) of Rambachan & Roth under Δ^SD(M) — HonestDiD
 * 0.2.6's `findOptimalFLCI` (R/flci.R) — with the second-order-cone programs it hands to CVXR/ECOS
 * solved exactly instead.
 *
 * HonestDiD's procedure: the affine estimator a + vᵀβ̂ has post weights l and pre weights
 * l_pre = D²c, where c (length K = numPre) is the double cumulative sum of l_pre with its last
 * entry fixed at S = Σ t·l_t. Its worst-case bias over Δ^SD(M) is M·(C + |S| + Σ_{i<K} |c_i|) and its
 * variance is a quadratic in z = c_{1..K−1}. For each bound h on the SD, the least-bias
 * estimator solves  min Σ|z_i|  s.t.  Var(z) ≤ h²  (ECOS there). The half-length is
 * cv_{1−α}(bias/h)·h with cv the folded-normal quantile; h* comes from HonestDiD's bisection on
 * the numerical derivative of the half-length between h_min (least variance) and h₀ (z = 0),
 * with the same step `dif`, iteration cap and failure rule, then its 100-point grid if it fails.
 *
 * The inner problem is solved exactly: at the optimum some coordinates of z are 0 and the rest
 * have fixed signs σ; on that face the objective is the linear σᵀz, whose minimum over the
 * ellipsoid is closed form (z₀ − r H⁻¹σ / √(σᵀH⁻¹σ)). Enumerating the 3^(K−1) faces and keeping
 * the best sign-consistent candidate is exact, and cheap for the pre-period counts of event
 * studies (K ≤ 9 → ≤ 6561 faces of size ≤ 8). The folded-normal quantile is a parameter: exact
 * (`foldedNormalQuantile`, the default here) or HonestDiD's simulation from R's seed-0 draws
 * (`simulatedFoldedQuantile`), see docs/honest-did.md.
 */
import { CausalPanelError } from '../../errors.js';
import { log, pow } from '../../numerics/elementary.js';
import { foldedNormalQuantile } from '../../numerics/truncatedNormal.js';
import { dot, inverse, matVec, type Matrix } from './honestDidArp.js';

/** Largest number of pre-periods the exact face enumeration accepts. */
export const FLCI_MAX_PRE_PERIODS = 9;

/** The FLCI: affine weights, half-length and interval. */
export interface Flci {
  /** Weights on (pre, post) coefficients: the estimator is optimalVec·β̂. */
  optimalVec: number[];
  optimalHalfLength: number;
  lb: number;
  ub: number;
  /** The SD bound h* of the optimal estimator. */
  h: number;
  /** 'bisection' (HonestDiD's derivative bisection) or 'grid' (its 100-point fallback). */
  search: 'bisection' | 'grid';
}

interface Quadratic {
  K: number;
  S: number;
  /** Bias constant C + |S|. */
  biasConstant: number;
  /** Var(z) = zᵀHz + 2gᵀz + v0 (z of length K − 1). */
  H: Matrix;
  g: number[];
  v0: number;
  /** l_pre = P z + q. */
  P: Matrix;
  q: number[];
}

/** The quadratic form of the variance and the bias constant in the z coordinates. */
function quadratic(sigma: Matrix, numPre: number, numPost: number, lVec: readonly number[]): Quadratic {
  const K = numPre;
  let S = 0;
  for (let t = 0; t < numPost; t++) S += (t + 1) * lVec[t]!;
  let C = 0;
  for (let s = 1; s <= numPost; s++) {
    let v = 0;
    for (let j = 1; j <= s; j++) v += j * lVec[numPost - s + j - 1]!;
    C += Math.abs(v);
  }
  C -= S;
  // l_pre = D² c with c_0 = 0: l_1 = c_1, l_2 = c_2 − 2c_1, l_i = c_i − 2c_{i−1} + c_{i−2}.
  const secondDiff = (c: readonly number[]): number[] =>
    c.map((ci, i) => ci - 2 * (i >= 1 ? c[i - 1]! : 0) + (i >= 2 ? c[i - 2]! : 0));
  const unit = (j: number): number[] => Array.from({ length: K }, (_, i) => (i === j ? 1 : 0));
  const q = secondDiff(unit(K - 1).map((v) => v * S));
  const Pcols = Array.from({ length: K - 1 }, (_, j) => secondDiff(unit(j)));
  const P: Matrix = Array.from({ length: K }, (_, i) => Pcols.map((col) => col[i]!));
  const sPre = sigma.slice(0, K).map((row) => row.slice(0, K));
  const sPrePost = sigma.slice(0, K).map((row) => row.slice(K, K + numPost));
  const sPost = sigma.slice(K, K + numPost).map((row) => row.slice(K, K + numPost));
  const crossL = matVec(sPrePost, [...lVec]);
  const sPreQ = matVec(sPre, q);
  const H: Matrix = Pcols.map((ci) => Pcols.map((cj) => dot(ci, matVec(sPre, cj))));
  const g = Pcols.map((ci) => dot(ci, sPreQ) + dot(ci, crossL));
  const v0 = dot(q, sPreQ) + 2 * dot(q, crossL) + dot([...lVec], matVec(sPost, [...lVec]));
  return { K, S, biasConstant: C + Math.abs(S), H, g, v0, P, q };
}

/** One face of the ℓ₁ ball: free coordinates with their signs, and what does not depend on h. */
interface Face {
  free: number[];
  /** Centre of the ellipsoid restricted to the face, −H_F⁻¹g_F. */
  z0: number[];
  /** Var at z0: r² = h² − varAtCentre. */
  varAtCentre: number;
  /** H_F⁻¹σ / √(σᵀH_F⁻¹σ): the unit step from the centre towards the least σᵀz. */
  direction: number[];
  sign: number[];
}

/** The 3^(K−1) − 1 non-trivial faces, each factorised once (only the radius depends on h). */
function faces(Q: Quadratic): Face[] {
  const n = Q.K - 1;
  const out: Face[] = [];
  // Each coordinate: 0 = fixed at zero, 1 = positive, 2 = negative.
  const total = pow(3, n);
  for (let code = 1; code < total; code++) {
    const free: number[] = [];
    const sign: number[] = [];
    let c = code;
    for (let i = 0; i < n; i++) {
      const t = c % 3;
      c = (c - t) / 3;
      if (t !== 0) {
        free.push(i);
        sign.push(t === 1 ? 1 : -1);
      }
    }
    const HFinv = inverse(free.map((i) => free.map((j) => Q.H[i]![j]!)));
    const gF = free.map((i) => Q.g[i]!);
    const z0 = matVec(HFinv, gF).map((v) => -v);
    const Hs = matVec(HFinv, sign);
    const norm = Math.sqrt(dot(sign, Hs));
    out.push({ free, z0, varAtCentre: Q.v0 + dot(gF, z0), direction: Hs.map((v) => v / norm), sign });
  }
  return out;
}

/** min Σ|z_i| s.t. Var(z) ≤ h², by enumerating faces; NaN value when infeasible. */
function leastBias(Q: Quadratic, allFaces: readonly Face[], h: number): { value: number; z: number[] } {
  const n = Q.K - 1;
  const h2 = h * h;
  let best = Q.v0 <= h2 * (1 + 1e-12) ? { value: 0, z: new Array<number>(n).fill(0) } : { value: Infinity, z: new Array<number>(n).fill(NaN) };
  if (n === 0) return Number.isFinite(best.value) ? best : { value: NaN, z: [] };
  for (const face of allFaces) {
    const r2raw = h2 - face.varAtCentre;
    if (r2raw < -1e-12 * h2) continue;
    const r = Math.sqrt(Math.max(0, r2raw));
    const zF = face.z0.map((v, i) => v - r * face.direction[i]!);
    if (zF.some((v, i) => face.sign[i]! * v < -1e-12 * (1 + Math.abs(v)))) continue;
    const value = zF.reduce((acc, v) => acc + Math.abs(v), 0);
    if (value < best.value) {
      const z = new Array<number>(n).fill(0);
      face.free.forEach((i, j) => (z[i] = zF[j]!));
      best = { value, z };
    }
  }
  return Number.isFinite(best.value) ? best : { value: NaN, z: best.z };
}

/**
 * HonestDiD's optimal FLCI under Δ^SD(M) for l'β_post, at level 1 − α.
 *
 * @throws {CausalPanelError} `invalid_option` when numPre exceeds {@link FLCI_MAX_PRE_PERIODS}
 * @example
 * // mpdta event study (fixtures/oracles/honestdid_mpdta_first.json), M = 0.01:
 * findOptimalFlci(betahat, sigma, 0.01, 3, 4, [1, 0, 0, 0], 0.05); // { lb: ≈ −0.040849, ub: ≈ 0.036545, … }
 */
export function findOptimalFlci(
  betahat: readonly number[],
  sigma: Matrix,
  M: number,
  numPre: number,
  numPost: number,
  lVec: readonly number[],
  alpha: number,
  quantile: (p: number, mu: number) => number = foldedNormalQuantile,
  numPoints = 100,
): Flci {
  if (numPre > FLCI_MAX_PRE_PERIODS) {
    throw new CausalPanelError('invalid_option', `honestDid: the FLCI is solved for at most ${FLCI_MAX_PRE_PERIODS} pre-periods (got ${numPre}); use method 'Conditional'`, { fn: 'honestDid', value: numPre });
  }
  const Q = quadratic(sigma, numPre, numPost, lVec);
  const n = numPre - 1;
  const hMin = n === 0 ? Math.sqrt(Q.v0) : Math.sqrt(Q.v0 - dot(Q.g, matVec(inverse(Q.H), Q.g)));
  const h0 = Math.sqrt(Q.v0);
  const allFaces = faces(Q);
  const biasAt = (h: number): { bias: number; z: number[] } => {
    const inner = leastBias(Q, allFaces, h);
    return { bias: Q.biasConstant + inner.value, z: inner.z };
  };
  const halfLength = (h: number): number => {
    const b = biasAt(h).bias;
    return Number.isFinite(b) ? quantile(1 - alpha, (M * b) / h) * h : NaN;
  };

  let hStar = derivativeBisection(halfLength, hMin, h0, numPoints);
  let search: Flci['search'] = 'bisection';
  if (n === 0) hStar = h0;
  if (Number.isNaN(hStar)) {
    search = 'grid';
    let bestLength = Infinity;
    for (let i = 0; i < numPoints; i++) {
      const h = numPoints === 1 ? hMin : hMin + (i * (h0 - hMin)) / (numPoints - 1);
      const len = halfLength(h);
      if (len < bestLength) {
        bestLength = len;
        hStar = h;
      }
    }
  }
  const { bias, z } = biasAt(hStar);
  const lPre = matVec(Q.P, z).map((v, i) => v + Q.q[i]!);
  const optimalVec = [...lPre, ...lVec];
  const optimalHalfLength = quantile(1 - alpha, (M * bias) / hStar) * hStar;
  const centre = dot(optimalVec, [...betahat]);
  return { optimalVec, optimalHalfLength, lb: centre - optimalHalfLength, ub: centre + optimalHalfLength, h: hStar, search };
}

/** `.findOptimalCIDerivativeBisection`: h minimising f on [a, b], NaN when the search fails. */
function derivativeBisection(f: (h: number) => number, aStart: number, bStart: number, numPoints: number): number {
  let a = aStart;
  let b = bStart;
  const failTol = Math.sqrt(2.220446049250313e-16);
  const dif = Math.min((b - a) / numPoints, Math.abs(b) * pow(2.220446049250313e-16, 1 / 3));
  if (!(dif > 0)) return NaN;
  const fa = f(a);
  const fb = f(b);
  const fpa = (f(a + dif) - fa) / dif;
  const fpb = (f(b - dif) - fb) / -dif;
  let iter = 1;
  const maxIter = 10 * Math.ceil(log(Math.abs(b - a) / dif) / log(2));
  if (fpa > fpb || Number.isNaN(fa) || Number.isNaN(fb)) return NaN;
  if (fpb < 0) return b;
  if (fpa > 0) return a;
  let failed = false;
  while (!failed && Math.abs(b - a) > dif) {
    iter++;
    const x = (a + b) / 2;
    const fpx = (f(x + dif) - f(x - dif)) / (2 * dif);
    failed = fpx > fpb + failTol || fpx + failTol < fpa || iter > maxIter;
    if (fpx > 0) b = x;
    else a = x;
  }
  return failed ? NaN : (a + b) / 2;
}
