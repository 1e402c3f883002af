/**
 * The mediator and outcome equations of a linear–linear mediation analysis re-estimated jointly
 * as a seemingly unrelated regression whose error correlation is *fixed* at ρ — the estimation
 * step of R's mediation 4.5.1 `medsens()` (Imai, Keele & Yamamoto 2010, Statistical Science
 * 25(1), §4): iterated feasible GLS with Ω = [[s₁², ρ·sd₁·sd₂], [ρ·sd₁·sd₂, s₂²]] (sᵢ² = eᵢᵀeᵢ/(n−1),
 * sdᵢ the sample SD of the residuals), started at OLS and iterated until ‖β_new − β_old‖² ≤ eps;
 * V = (Xᵀ(Ω⁻¹ ⊗ I)X)⁻¹.
 *
 * The SUR system is never formed at 2n×2n: with block-diagonal X, Xᵀ(Ω⁻¹ ⊗ I)X has blocks
 * ω^{ab}·X_aᵀX_b, so only the k×k cross-products (computed once) and the residuals enter.
 *
 * Dimension symbols: n = rows, km/ky = mediator/outcome coefficients, p = km + ky.
 */
import { CausalPanelError } from '../../errors.js';
import { invertSymmetric } from '../../numerics/cholesky.js';
import { sampleSd } from '../../numerics/moments.js';

/**
 * The linear–linear system medsens needs (no absorbed fixed effects).
 *
 * @example
 * const system = mediate({ ...jobsModels, sims: 100 }).sensitivitySystem();
 * // { n: 899, km: 5, ky: 6, mediatorTreatIndex: 1, outcomeTreatIndex: 1, outcomeMediatorIndex: 2,
 * //   outcomeInteractionIndex: -1, r2Mediator: ≈ 0.0114705, r2Outcome: ≈ 0.120339, level: 0.95, … }
 * // (null for a binomial mediator or outcome)
 */
export interface MedsensSystem {
  n: number;
  /** Mediator design n×km and response. */
  mediatorX: Float64Array;
  mediatorY: Float64Array;
  km: number;
  /** Outcome design n×ky and response. */
  outcomeX: Float64Array;
  outcomeY: Float64Array;
  ky: number;
  /** Column of the treatment in the mediator design. */
  mediatorTreatIndex: number;
  /** Columns of the treatment, the mediator and the T×M interaction (−1 when absent) in the outcome design. */
  outcomeTreatIndex: number;
  outcomeMediatorIndex: number;
  outcomeInteractionIndex: number;
  /** R² of the two models (lm's `summary()$r.squared`). */
  r2Mediator: number;
  r2Outcome: number;
  /** Confidence level of the mediate() result. */
  level: number;
}

/** The cross-products of the two designs and responses (computed once per system). */
export interface SurCross {
  mm: Float64Array; // km×km
  yy: Float64Array; // ky×ky
  my: Float64Array; // km×ky
  mResp: Float64Array; // Xmᵀm
  mRespY: Float64Array; // Xmᵀy
  yRespM: Float64Array; // Xyᵀm
  yResp: Float64Array; // Xyᵀy
}

/**
 * The cross-products XₘᵀXₘ, XᵧᵀXᵧ, XₘᵀXᵧ and the designs times both responses.
 *
 * @example
 * surCrossproducts(system).mm.length; // km·km
 */
export function surCrossproducts(sys: MedsensSystem): SurCross {
  const { n, km, ky, mediatorX: Xm, outcomeX: Xy, mediatorY: m, outcomeY: y } = sys;
  const dot = (A: Float64Array, a: number, B: Float64Array, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += A[a * n + i]! * B[b * n + i]!;
    return s;
  };
  const dotV = (A: Float64Array, a: number, v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += A[a * n + i]! * v[i]!;
    return s;
  };
  const mm = new Float64Array(km * km);
  const yy = new Float64Array(ky * ky);
  const my = new Float64Array(km * ky);
  for (let a = 0; a < km; a++) for (let b = 0; b < km; b++) mm[a + b * km] = dot(Xm, a, Xm, b);
  for (let a = 0; a < ky; a++) for (let b = 0; b < ky; b++) yy[a + b * ky] = dot(Xy, a, Xy, b);
  for (let a = 0; a < km; a++) for (let b = 0; b < ky; b++) my[a + b * km] = dot(Xm, a, Xy, b);
  const mResp = new Float64Array(km);
  const mRespY = new Float64Array(km);
  const yRespM = new Float64Array(ky);
  const yResp = new Float64Array(ky);
  for (let a = 0; a < km; a++) {
    mResp[a] = dotV(Xm, a, m);
    mRespY[a] = dotV(Xm, a, y);
  }
  for (let a = 0; a < ky; a++) {
    yRespM[a] = dotV(Xy, a, m);
    yResp[a] = dotV(Xy, a, y);
  }
  return { mm, yy, my, mResp, mRespY, yRespM, yResp };
}

/** Residuals resp − Xβ of one equation (β at `offset` of the stacked coefficients). */
function residuals(X: Float64Array, n: number, k: number, resp: Float64Array, beta: Float64Array, offset: number): Float64Array {
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = resp[i]!;
  for (let j = 0; j < k; j++) {
    const b = beta[offset + j]!;
    for (let i = 0; i < n; i++) e[i]! -= X[j * n + i]! * b;
  }
  return e;
}

/**
 * The separate OLS fits of the two equations, stacked (the SUR's start).
 *
 * @throws {CausalPanelError} `singular_design`
 * @example
 * olsStart(system, surCrossproducts(system)).length; // km + ky
 */
export function olsStart(sys: MedsensSystem, cross: SurCross): Float64Array {
  const { km, ky } = sys;
  const im = invertSymmetric(cross.mm, km, 'medsens');
  const iy = invertSymmetric(cross.yy, ky, 'medsens');
  const start = new Float64Array(km + ky);
  for (let a = 0; a < km; a++) {
    let s = 0;
    for (let b = 0; b < km; b++) s += im[a + b * km]! * cross.mResp[b]!;
    start[a] = s;
  }
  for (let a = 0; a < ky; a++) {
    let s = 0;
    for (let b = 0; b < ky; b++) s += iy[a + b * ky]! * cross.yResp[b]!;
    start[km + a] = s;
  }
  return start;
}

/**
 * Iterated SUR at fixed ρ: the stacked coefficients (km + ky) and their covariance (p×p).
 *
 * @throws {CausalPanelError} `no_convergence` after 1000 iterations, `singular_design`
 * @example
 * const { beta, vcov } = surAtRho(system, cross, 0, Math.sqrt(2.220446049250313e-16), olsStart(system, cross));
 * // at ρ = 0: beta = the OLS coefficients
 */
export function surAtRho(sys: MedsensSystem, cross: SurCross, rho: number, eps: number, start: Float64Array): { beta: Float64Array; vcov: Float64Array } {
  const { n, km, ky } = sys;
  const p = km + ky;
  let beta: Float64Array = Float64Array.from(start);
  let vcov: Float64Array = new Float64Array(p * p);
  let dif = 1;
  let iterations = 0;
  while (Math.abs(dif) > eps) {
    if (++iterations > 1000) {
      throw new CausalPanelError('no_convergence', `medsens: SUR iteration did not converge at rho = ${rho} (last change ${dif})`, { fn: 'medsens', value: rho });
    }
    const e1 = residuals(sys.mediatorX, n, km, sys.mediatorY, beta, 0);
    const e2 = residuals(sys.outcomeX, n, ky, sys.outcomeY, beta, km);
    let s11 = 0;
    let s22 = 0;
    for (let i = 0; i < n; i++) {
      s11 += e1[i]! * e1[i]!;
      s22 += e2[i]! * e2[i]!;
    }
    s11 /= n - 1;
    s22 /= n - 1;
    const s12 = rho * sampleSd(e1) * sampleSd(e2);
    const det = s11 * s22 - s12 * s12;
    const w11 = s22 / det;
    const w22 = s11 / det;
    const w12 = -s12 / det;
    const A = new Float64Array(p * p);
    const rhs = new Float64Array(p);
    for (let a = 0; a < km; a++) {
      for (let b = 0; b < km; b++) A[a + b * p] = w11 * cross.mm[a + b * km]!;
      for (let b = 0; b < ky; b++) {
        const v = w12 * cross.my[a + b * km]!;
        A[a + (km + b) * p] = v;
        A[km + b + a * p] = v;
      }
      rhs[a] = w11 * cross.mResp[a]! + w12 * cross.mRespY[a]!;
    }
    for (let a = 0; a < ky; a++) {
      for (let b = 0; b < ky; b++) A[km + a + (km + b) * p] = w22 * cross.yy[a + b * ky]!;
      rhs[km + a] = w12 * cross.yRespM[a]! + w22 * cross.yResp[a]!;
    }
    vcov = invertSymmetric(A, p, 'medsens');
    const next = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += vcov[a + b * p]! * rhs[b]!;
      next[a] = s;
    }
    dif = 0;
    for (let a = 0; a < p; a++) dif += (next[a]! - beta[a]!) ** 2;
    beta = next;
  }
  return { beta, vcov };
}
