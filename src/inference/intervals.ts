/**
 * Statistic, p-value and confidence interval from an estimate, its SE and the reference
 * distribution: the single place where Wald inference is derived (statsmodels' chain).
 */
import type { EstimateValues } from '../estimate.js';
import { criticalValue, twoSidedPValue, type Dist } from '../numerics/distributions.js';

/**
 * Wald inference for one quantity: the fields of an Estimate without `term`.
 *
 * @example
 * const inference: WaldInference = waldInference(2, 1, { kind: 'normal' });
 * inference.pValue; // 0.04550026389635844
 */
export type WaldInference = EstimateValues;

/**
 * Wald statistic, two-sided p-value and `level` interval for `estimate` with `stdError`.
 *
 * @example
 * waldInference(2, 1, { kind: 'normal' }, 0.95);
 * // { estimate: 2, stdError: 1, statistic: 2, pValue: 0.0455…, confLow: 0.0400…, confHigh: 3.9599… }
 */
export function waldInference(estimate: number, stdError: number, dist: Dist, level = 0.95): WaldInference {
  const statistic = estimate / stdError;
  const critical = criticalValue(level, dist);
  return {
    estimate,
    stdError,
    statistic,
    pValue: twoSidedPValue(statistic, dist),
    confLow: estimate - critical * stdError,
    confHigh: estimate + critical * stdError,
  };
}

export type { Dist };
