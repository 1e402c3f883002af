/**
 * The MatchIt 4.7.2 grid (fixtures/oracles/matchit_new_*.json): the default (corrected) algorithm
 * against MatchIt ≥ 4.5.4 on lalonde. Tolerances from the oracles' README: weights, subclasses and
 * sample sizes exact; balance and the matched effect 1e-10 relative; distance 1e-8.
 */
import { describe, expect, it } from 'vitest';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import type { MatchitOptions } from '../../../src/estimators/matching/validateMatchit.js';
import type { BalanceRow } from '../../../src/estimators/matching/balance.js';
import { expectAllClose, expectClose } from '../../helpers/expectClose.js';
import { loadOracle } from '../../helpers/oracle.js';
import { BALANCE_KEYS, COVARIATES, FORMULA, lalonde } from '../../helpers/matchitLalonde.js';

function expectBalance(actual: BalanceRow[], expected: Record<string, number | string | null>[], label: string): void {
  expect(actual.map((r) => r.term)).toEqual(expected.map((r) => r.term));
  actual.forEach((row, r) => {
    for (const [key, rKey] of BALANCE_KEYS) {
      const e = expected[r]![rKey] as number | null;
      const a = row[key] as number | null;
      if (e === null) expect(a, `${label} ${row.term} ${rKey}`).toBeNull();
      else expectClose(a as number, e, 1e-10, `${label} ${row.term} ${rKey}`, { absTol: 1e-13 });
    }
  });
}

interface GridCase {
  file: string;
  options: Partial<MatchitOptions>;
  formula?: string;
}

const CASES: GridCase[] = [
  { file: 'matchit_new_nearest', options: {} },
  { file: 'matchit_new_nearest_caliper', options: { caliper: 0.1 } },
  { file: 'matchit_new_nearest_replace', options: { replace: true } },
  { file: 'matchit_new_nearest_ratio2', options: { ratio: 2 } },
  { file: 'matchit_new_nearest_closest', options: { order: 'closest' } },
  { file: 'matchit_new_nearest_atc', options: { estimand: 'ATC' } },
  { file: 'matchit_new_exact', options: { method: 'exact' }, formula: 'treat ~ married + nodegree + race' },
  { file: 'matchit_new_cem', options: { method: 'cem' }, formula: 'treat ~ age + educ + race + married + nodegree' },
  { file: 'matchit_new_subclass6', options: { method: 'subclass', subclass: 6 } },
];

describe.each(CASES)('matchit vs MatchIt 4.7.2 on lalonde: $file', ({ file, options, formula = FORMULA }) => {
  const oracle = loadOracle(file);
  const expected = oracle.results;
  const m = matchit({ formula, data: lalonde, ...options });

  it(`${oracle.call}: sample sizes, weights and subclasses identical`, () => {
    expect(m.nMatched).toEqual(expected.nMatched);
    expect(Array.from(m.weights)).toEqual(expected.weights);
    if (expected.subclass !== undefined) expect(m.subclass).toEqual(expected.subclass);
  });

  it('distance within 1e-8', () => {
    if (expected.distanceFirst10 !== undefined) expectAllClose(m.distance.slice(0, 10), expected.distanceFirst10, 1e-8, 'distance');
  });

  it('summary(m): every balance cell before and after within 1e-10', () => {
    const balance = m.balance();
    expectBalance(balance.before, expected.balance.before, 'before');
    expectBalance(balance.after, expected.balance.after, 'after');
  });

  it(`${expected.outcomeModel}: effect, SE and p within 1e-10`, () => {
    for (const [key, covariates] of [['att', undefined], ['attWithCovariates', COVARIATES]] as const) {
      const fit = m.att({ outcome: 're78', ...(covariates === undefined ? {} : { covariates }) });
      const want = expected[key];
      expectClose(fit.estimate.estimate, want.estimate, 1e-10, `${key} estimate`);
      expectClose(fit.estimate.stdError, want.stdError, 1e-10, `${key} se`);
      expectClose(fit.estimate.pValue, want.pValue, 1e-10, `${key} p`);
      expect(fit.nobs).toBe(want.nobs);
    }
    // Methods without pairs: the oracle's att is HC3 (the vignette); the subclass-clustered SE is given for reference.
    if (expected.attClusterSubclass !== undefined) {
      const fit = m.att({ outcome: 're78', vcov: { CRV1: 'subclass' } });
      expectClose(fit.estimate.stdError, expected.attClusterSubclass.stdError, 1e-10, 'att se clustered by subclass');
    }
  });
});
