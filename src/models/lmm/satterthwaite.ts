/**
 * Satterthwaite's degrees of freedom for fixed-effect contrasts of a linear mixed model, as
 * lmerTest 3.1-3 computes them (Kuznetsova, Brockhoff & Christensen 2017, J. Stat. Softw. 82(13);
 * lmerTest R/lmer.R `as_lmerModLT`, R/contest.R `contest1D`):
 *
 * - the variance parameters are φ = (θ, σ); A = vcov(φ̂) = 2 H⁺, with H the Hessian of lmerTest's
 *   deviance in φ (`devfun_vp`) by numDeriv's Richardson `hessian`, H⁺ its Moore–Penrose inverse
 *   over eigenvalues > 1e-8;
 * - Jⱼ = ∂ vcov(β̂)/∂φⱼ with vcov(β̂)(φ) = σ² (RX RXᵀ)⁻¹ at θ, by numDeriv's Richardson `jacobian`;
 * - for a contrast l: df = 2 (lᵀVl)² / (gᵀ A g), gⱼ = lᵀ Jⱼ l.
 *
 * The numerical derivatives are mirrored step for step (`numerics/richardson.ts`), so the degrees
 * of freedom agree with lmerTest to the accuracy of the variance parameters, not only of the
 * derivative.
 *
 * Dimension symbols: p fixed effects, m = nθ + 1 variance parameters.
 */
import { richardsonHessian, richardsonJacobian } from '../../numerics/richardson.js';
import { symmetricEigen } from '../../numerics/symmetricEigen.js';
import type { LmmSystem } from './deviance.js';

/**
 * What Satterthwaite's method needs for any contrast.
 *
 * @example
 * const s = satterthwaiteParts(system, theta, sigma, true);
 * satterthwaiteDf(s, vcov, [0, 1, 0]); // df of the second coefficient
 */
export interface SatterthwaiteParts {
  /** vcov of (θ, σ): 2 H⁺, m × m column-major. */
  vcovVarpar: Float64Array;
  /** ∂ vcov(β̂)/∂φⱼ, each p × p column-major. */
  jacobian: Float64Array[];
  /** Eigenvalues of H (for convergence checks as lmerTest: negative or near 0 means trouble). */
  hessianEigenvalues: Float64Array;
  m: number;
  p: number;
}

/**
 * The Hessian-based variance of (θ, σ) and the Jacobian of vcov(β̂), at the fit.
 *
 * @example satterthwaiteParts(system, theta, sigma, reml);
 */
export function satterthwaiteParts(system: LmmSystem, theta: readonly number[], sigma: number, reml: boolean): SatterthwaiteParts {
  const varpar = [...theta, sigma];
  const m = varpar.length;
  const p = system.p;
  const H = richardsonHessian((x) => system.devianceAtSigma(x.slice(0, m - 1), x[m - 1]!, reml), varpar);
  const eig = symmetricEigen(H, m);
  const tol = 1e-8;
  const A = new Float64Array(m * m);
  for (let e = 0; e < m; e++) {
    const value = eig.values[e]!;
    if (!(value > tol)) continue;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) A[a + b * m]! += (2 * eig.vectors[a + e * m]! * eig.vectors[b + e * m]!) / value;
    }
  }
  const J = richardsonJacobian((x) => system.covBeta(x.slice(0, m - 1), x[m - 1]!), varpar);
  const pp = p * p;
  const jacobian = Array.from({ length: m }, (_, j) => J.slice(j * pp, (j + 1) * pp));
  return { vcovVarpar: A, jacobian, hessianEigenvalues: Float64Array.from(eig.values), m, p };
}

function quadraticForm(l: readonly number[], M: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += l[a]! * M[a + b * k]! * l[b]!;
  return s;
}

/**
 * Satterthwaite df of the contrast lᵀβ (lmerTest `contest1D`).
 *
 * @example satterthwaiteDf(parts, vcovBeta, [0, 1, 0, 0]); // e.g. 154.9
 */
export function satterthwaiteDf(parts: SatterthwaiteParts, vcovBeta: ArrayLike<number>, l: readonly number[]): number {
  const { p, m } = parts;
  const variance = quadraticForm(l, vcovBeta, p);
  const grad = parts.jacobian.map((Jj) => quadraticForm(l, Jj, p));
  const denominator = quadraticForm(grad, parts.vcovVarpar, m);
  return (2 * variance * variance) / denominator;
}

/**
 * Satterthwaite F test of Lβ = 0 for a q × p contrast matrix L of full row rank (lmerTest
 * `contestMD`): with VL = L V Lᵀ = P D Pᵀ, F = Σₘ (Pₘᵀ L β)² / dₘ / q over the q positive
 * eigenvalues, νₘ = 2 dₘ² / (gₘᵀ A gₘ) for the contrasts Pₘᵀ L, and the denominator df from
 * E = Σ νₘ / (νₘ − 2): 2E / (E − q) (2 when some νₘ ≤ 2; their mean when all are equal).
 *
 * @example satterthwaiteF(parts, vcovBeta, beta, [[0, 1, 0, 0]]); // { F, numDf: 1, denDf }
 */
export function satterthwaiteF(parts: SatterthwaiteParts, vcovBeta: ArrayLike<number>, beta: ArrayLike<number>, L: readonly (readonly number[])[]): { F: number; numDf: number; denDf: number } {
  const { p } = parts;
  const k = L.length;
  const VL = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += L[a]![i]! * vcovBeta[i + j * p]! * L[b]![j]!;
      VL[a + b * k] = s;
    }
  }
  const eig = symmetricEigen(VL, k);
  // lmerTest orders eigenvalues decreasingly; symmetricEigen gives them ascending.
  const order = Array.from({ length: k }, (_, i) => k - 1 - i);
  const largest = eig.values[order[0]!]!;
  const tol = Math.max(Math.sqrt(2.220446049250313e-16) * largest, 0);
  const kept = order.filter((e) => eig.values[e]! > tol);
  const q = kept.length;
  let sum = 0;
  const nu: number[] = [];
  for (const e of kept) {
    const contrast = new Array<number>(p).fill(0);
    for (let a = 0; a < k; a++) for (let i = 0; i < p; i++) contrast[i]! += eig.vectors[a + e * k]! * L[a]![i]!;
    let lb = 0;
    for (let i = 0; i < p; i++) lb += contrast[i]! * beta[i]!;
    const d = eig.values[e]!;
    sum += (lb * lb) / d;
    nu.push(satterthwaiteDf(parts, vcovBeta, contrast));
  }
  let denDf: number;
  if (q === 1) denDf = nu[0]!;
  else if (nu.every((v) => Math.abs(v - nu[0]!) < 1e-8)) denDf = nu.reduce((s, v) => s + v, 0) / q;
  else if (nu.some((v) => v <= 2)) denDf = 2;
  else {
    const E = nu.reduce((s, v) => s + v / (v - 2), 0);
    denDf = (2 * E) / (E - q);
  }
  return { F: sum / q, numDf: q, denDf };
}
