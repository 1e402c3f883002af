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
