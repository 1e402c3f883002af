/**
 * The lalonde setup shared by the MatchIt oracle tests (test/estimators/matching/matchit.MatchIt*.test.ts):
 * the data, the propensity formula, the outcome-model covariates, and the balance-table fields
 * paired with MatchIt's column headers.
 */
import type { BalanceRow } from '../../src/estimators/matching/balance.js';
import { loadDataset } from './oracle.js';

export const lalonde = loadDataset('lalonde.csv');
export const FORMULA = 'treat ~ age + educ + race + married + nodegree + re74 + re75';
export const COVARIATES = 'age + educ + race + married + nodegree + re74 + re75';

/** BalanceRow fields and the matching column of MatchIt's `summary()` balance tables. */
export const BALANCE_KEYS: [keyof BalanceRow, string][] = [
  ['meanTreated', 'Means Treated'],
  ['meanControl', 'Means Control'],
  ['stdMeanDiff', 'Std. Mean Diff.'],
  ['varRatio', 'Var. Ratio'],
  ['ecdfMean', 'eCDF Mean'],
  ['ecdfMax', 'eCDF Max'],
  ['stdPairDist', 'Std. Pair Dist.'],
];
