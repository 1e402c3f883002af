/**
 * The shared "matches the reference" battery (statsmodels' `CheckOLSRobust`): term names, then
 * coefficients, SEs, statistics, p-values, confidence intervals, nobs, vcov and — when the
 * oracle records them — r2, within r2, fixest's dof.K, number of clusters and t df.
 */
import { expect } from 'vitest';
import { expectAllClose, expectClose } from './expectClose.js';
import { criticalValue } from '../../src/numerics/distributions.js';
import type { Estimate } from '../../src/report/estimate.js';

/** The fields of an oracle `results` object this battery reads. */
export interface FitOracle {
  coefficients: { term: string; estimate: number; stdError: number; statistic: number; pValue: number }[];
  nobs?: number;
  vcov?: number[][] | number;
  r2?: number | null;
  wr2?: number | null;
  dofK?: number;
  nClusters?: number | null;
  dfT?: number | null;
}

/** What a fit must expose (OlsFit, GlmFit). */
export interface FitLike {
  terms: readonly string[];
  nobs: number;
  tidy(level?: number): Estimate[];
  vcov(): number[][];
  dist: { kind: 't'; df: number } | { kind: 'normal' };
  r2?: number;
  wr2?: number;
  vcovInfo?: { dofK: number; nClusters: readonly number[] | null };
}

/** Relative tolerances; defaults from the brief (coef 1e-8, SE/p/vcov 1e-6). */
export interface FitTolerances {
  coefRel?: number;
  seRel?: number;
  pRel?: number;
  vcovRel?: number;
  statRel?: number;
  r2Rel?: number;
  /** Also check dof.K, clusters and t df (fixest oracles). */
  checkDof?: boolean;
}

/** Largest relative error seen per quantity across calls (for the report). */
export const maxRelativeErrors: Record<string, number> = {};

function track(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const rel = Math.abs(actual[i]! - e) / Math.max(Math.abs(e), 1e-300);
    if (Number.isFinite(rel)) maxRelativeErrors[label] = Math.max(maxRelativeErrors[label] ?? 0, rel);
  }
}

/**
 * Asserts that `fit` reproduces `oracle` (a results object) within the tolerances.
 *
 * @example
 * expectFitMatches(feols('y ~ x1', data, { vcov: 'hetero' }), loadOracle('fixest_ols_hetero').results);
 */
export function expectFitMatches(fit: FitLike, oracle: FitOracle, tolerances: FitTolerances = {}): void {
  const { coefRel = 1e-8, seRel = 1e-6, pRel = 1e-6, vcovRel = 1e-6, statRel = 1e-6, r2Rel = 1e-8, checkDof = true } = tolerances;
  const expected = oracle.coefficients;
  expect(fit.terms, 'terms').toEqual(expected.map((c) => c.term));
  const rows = fit.tidy(0.95);
  const pick = (f: (r: Estimate) => number) => rows.map(f);
  track('coef', pick((r) => r.estimate), expected.map((c) => c.estimate));
  track('se', pick((r) => r.stdError), expected.map((c) => c.stdError));
  track('p', pick((r) => r.pValue), expected.map((c) => c.pValue));
  expectAllClose(pick((r) => r.estimate), expected.map((c) => c.estimate), coefRel, 'coef');
  expectAllClose(pick((r) => r.stdError), expected.map((c) => c.stdError), seRel, 'stdError');
  expectAllClose(pick((r) => r.statistic), expected.map((c) => c.statistic), statRel, 'statistic');
  expectAllClose(pick((r) => r.pValue), expected.map((c) => c.pValue), pRel, 'pValue');
  // Intervals: the oracle's estimate ± critical value (its t df, or normal) × its SE.
  const dist = oracle.dfT != null ? ({ kind: 't', df: oracle.dfT } as const) : fit.dist;
  const crit = criticalValue(0.95, dist);
  // The bounds can be near 0 where relative error is meaningless: allow the error that the
  // estimate and SE tolerances imply (coefRel·|b| + seRel·crit·se).
  rows.forEach((row, j) => {
    const c = expected[j]!;
    const slack = coefRel * Math.abs(c.estimate) + seRel * crit * c.stdError;
    expectClose(row.confLow, c.estimate - crit * c.stdError, seRel, `confLow[${j}]`, { absTol: slack });
    expectClose(row.confHigh, c.estimate + crit * c.stdError, seRel, `confHigh[${j}]`, { absTol: slack });
  });
  if (oracle.nobs !== undefined) expect(fit.nobs, 'nobs').toBe(oracle.nobs);
  if (oracle.vcov !== undefined) {
    const ev = typeof oracle.vcov === 'number' ? [[oracle.vcov]] : oracle.vcov;
    const av = fit.vcov();
    track('vcov', av.flat(), ev.flat());
    // Off-diagonal covariances can be ~0: floor at vcovRel × the largest diagonal scale.
    const scale = Math.max(...ev.map((row, i) => Math.abs(row[i]!)));
    expectAllClose(av.flat(), ev.flat(), vcovRel, 'vcov', { absTol: vcovRel * scale * 1e-3 });
  }
  if (oracle.r2 != null && fit.r2 !== undefined) expectClose(fit.r2, oracle.r2, r2Rel, 'r2');
  if (oracle.wr2 != null && fit.wr2 !== undefined) expectClose(fit.wr2, oracle.wr2, r2Rel, 'wr2');
  if (checkDof && fit.vcovInfo !== undefined) {
    if (oracle.dofK !== undefined) expect(fit.vcovInfo.dofK, 'dofK').toBe(oracle.dofK);
    if (oracle.nClusters !== undefined) {
      const g = fit.vcovInfo.nClusters;
      expect(g === null ? null : Math.min(...g), 'nClusters').toBe(oracle.nClusters);
    }
    if (oracle.dfT != null) {
      expect(fit.dist.kind, 'dist').toBe('t');
      if (fit.dist.kind === 't') expect(fit.dist.df, 'dfT').toBe(oracle.dfT);
    }
  }
}
