/**
 * The fixed-effect tests of a mixed-model fit under each `ddf` method, from what the fit keeps:
 * Satterthwaite (lmerTest), Kenward–Roger (pbkrtest), or none ('normal': z tests). Shared by
 * {@link lmm} and `LmmFit.withDdf`, so switching the method never refits the model.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { LmmSystem } from './deviance.js';
import { kenwardRoger, kenwardRogerDf } from './kenwardRoger.js';
import type { ReTerm } from './reTerms.js';
import { satterthwaiteDf, satterthwaiteParts, type SatterthwaiteParts } from './satterthwaite.js';

/** The degrees-of-freedom methods of {@link lmm}. @example const ddf: LmmDdf = 'Kenward-Roger'; */
export type LmmDdf = 'Satterthwaite' | 'Kenward-Roger' | 'normal';

/**
 * What the tests need from a fit.
 *
 * @example
 * const context: DdfContext = { system, terms, X, n, p, theta, sigma, reml, vcov, weighted: false };
 */
export interface DdfContext {
  system: LmmSystem;
  terms: readonly ReTerm[];
  /** The fixed-effects model matrix (kept columns), n × p. */
  X: Float64Array;
  n: number;
  p: number;
  theta: readonly number[];
  sigma: number;
  reml: boolean;
  /** lme4's vcov(β̂). */
  vcov: Float64Array;
  /** Whether the fit has prior weights (pbkrtest's Σ has none). */
  weighted: boolean;
}

/**
 * Degrees of freedom, the variance the t tests use, and Satterthwaite's ingredients (for F tests).
 *
 * @example ddfTests('Satterthwaite', context).df; // one per coefficient
 */
export interface DdfTests {
  df: Float64Array;
  testVcov: Float64Array;
  satterthwaite: SatterthwaiteParts | null;
  notes: Note[];
}

const unit = (p: number, j: number): number[] => Array.from({ length: p }, (_, i) => (i === j ? 1 : 0));

/**
 * Computes the tests of a fit under `ddf`.
 *
 * @throws {CausalPanelError} `invalid_option` for Kenward–Roger on an ML fit, or on random terms
 *   with more than one grouping factor or with weights
 * @example ddfTests('Kenward-Roger', context).testVcov; // pbkrtest's Φ_A
 */
export function ddfTests(ddf: LmmDdf, c: DdfContext): DdfTests {
  const { p } = c;
  const notes: Note[] = [];
  if (ddf === 'normal' || p === 0) return { df: new Float64Array(p).fill(Infinity), testVcov: c.vcov, satterthwaite: null, notes };
  if (ddf === 'Kenward-Roger') {
    if (!c.reml) throw new CausalPanelError('invalid_option', "lmm: ddf 'Kenward-Roger' needs a REML fit (REML: true), as pbkrtest and lmerTest", { fn: 'lmm', option: 'ddf', value: 'Kenward-Roger' });
    if (c.weighted) throw new CausalPanelError('invalid_option', "lmm: ddf 'Kenward-Roger' is not available with weights (pbkrtest's Σ has an identity residual part); use 'Satterthwaite'", { fn: 'lmm', option: 'ddf', value: 'Kenward-Roger' });
    const kr = kenwardRoger(c.terms, c.X, c.n, p, c.theta, c.sigma, c.vcov);
    const df = Float64Array.from({ length: p }, (_, j) => kenwardRogerDf(kr, c.vcov, [unit(p, j)]));
    return { df, testVcov: kr.vcovAdj, satterthwaite: null, notes };
  }
  const parts = satterthwaiteParts(c.system, c.theta, c.sigma, c.reml);
  const df = Float64Array.from({ length: p }, (_, j) => satterthwaiteDf(parts, c.vcov, unit(p, j)));
  const bad = [...parts.hessianEigenvalues].filter((v) => !(v > 1e-8));
  if (bad.length > 0) {
    notes.push({ code: 'test_not_computed', test: 'part of the Satterthwaite variance', reason: `the deviance Hessian over (θ, σ) has ${bad.length} eigenvalue(s) ≤ 1e-8 (${bad.map((v) => v.toExponential(1)).join(', ')}): the fit may not have converged, or sits on a boundary` });
  }
  return { df, testVcov: c.vcov, satterthwaite: parts, notes };
}
