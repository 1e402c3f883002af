/**
 * A fitted model against its reference (statsmodels' `CheckOLSRobust`): term names and order,
 * then the coefficient rows through the one battery ({@link expectEstimatesMatch}: estimates,
 * SEs, statistics, p-values, confidence intervals), then what a fit adds to its rows: nobs, vcov
 * and — when the oracle records them — r2, within r2, fixest's dof.K, number of clusters and t df.
 */
import { expect } from 'vitest';
import { expectAllClose, expectClose } from './expectClose.js';
import { expectEstimatesMatch } from './expectEstimatesMatch.js';
import { criticalValue } from '../../src/numerics/distributions.js';

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
  tidy(level?: number): readonly object[];
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
  // Intervals: the oracle's estimate ± critical value (its t df, or normal) × its SE. The bounds
  // can be near 0 where relative error is meaningless: allow the error that the estimate and SE
  // tolerances imply (coefRel·|b| + seRel·crit·se).
  const dist = oracle.dfT != null ? ({ kind: 't', df: oracle.dfT } as const) : fit.dist;
  const crit = criticalValue(0.95, dist);
  const oracleRows = expected.map((c) => ({ ...c, confLow: c.estimate - crit * c.stdError, confHigh: c.estimate + crit * c.stdError }));
  const slack = (row: object) => {
    const c = row as { estimate: number; stdError: number };
    return coefRel * Math.abs(c.estimate) + seRel * crit * c.stdError;
  };
  expectEstimatesMatch(fit.tidy(0.95), oracleRows, {
    estimate: coefRel,
    stdError: seRel,
    statistic: statRel,
    pValue: pRel,
    confLow: { rel: seRel, abs: slack },
    confHigh: { rel: seRel, abs: slack },
  }, { label: 'coefficients', ordered: true });
  if (oracle.nobs !== undefined) expect(fit.nobs, 'nobs').toBe(oracle.nobs);
  if (oracle.vcov !== undefined) {
    const ev = typeof oracle.vcov === 'number' ? [[oracle.vcov]] : oracle.vcov;
    const av = fit.vcov();
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
