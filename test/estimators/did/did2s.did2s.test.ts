/**
 * did2s against did2s 1.2.0 (R 4.2.2) on mpdta: did2s_mpdta_static, did2s_mpdta_event_study and
 * did2s_mpdta_lpop_year (first stage with lpop × year effects).
 *
 * The oracle's second stage `i(rel_year, ref = c(-1, Inf))` codes the never treated as Inf; our
 * formula language has no Inf literal (and an infinite regressor is a data error), so they are
 * coded −1000 and the call is `i(rel_year, ref = c(-1, -1000))`: the same design. The static
 * `i(treat_post, ref = FALSE)` on a logical is `i(treat_post, ref = 0)` on 0/1 (term
 * `treat_post::1` for did2s's `treat_post::TRUE`).
 *
 * Tolerances: SEs, vcov cells (on the scale of √(VᵢᵢVⱼⱼ)) and t statistics 1e-6 (measured: SEs
 * ≤ 1.3e-9, vcov ≤ 4e-9); t on n − k degrees of freedom, as fixest's summary with the corrected
 * vcov. p-values 3e-6: a p-value's relative error is about t² times the statistic's, so the
 * reference's estimate error below (6.3e-8 at t = −3.9) moves its p by 1.03e-6. Estimates: 3e-7, the reference's own error: its first stage is fixest's
 * feols + predict, whose fixed effects stop at fixef.tol = 1e-6 (the static estimate equals
 * didimputation's to the last digit; didImputation.didimputation.test.ts checks ours against the
 * exact dense imputation at 1e-10). Here the static estimate is also checked at 1e-12 against
 * didImputation, whose imputation it is.
 */
import { describe, expect, it } from 'vitest';
import { did2s } from '../../../src/estimators/did/did2s.js';
import { didImputation } from '../../../src/estimators/did/didImputation.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

const raw = loadDataset('mpdta.csv');
const g = raw.numeric('first.treat');
const year = raw.numeric('year');
const mpdta = raw.withColumns({
  treat_post: Float64Array.from(g, (v, i) => (v > 0 && year[i]! >= v ? 1 : 0)),
  rel_year: Float64Array.from(g, (v, i) => (v > 0 ? year[i]! - v : -1000)),
});
const base = { data: mpdta, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', treatment: 'treat_post', clusters: 'countyreal' } as const;
const STATIC = '~ i(treat_post, ref = 0)';
const EVENT = '~ i(rel_year, ref = c(-1, -1000))';

interface Coef { term: string; estimate: number; stdError: number; statistic: number; pValue: number }
interface Did2sOracle { coefficients: Coef[]; vcov: number[][]; nobs: number }

function expectMatches(result: ReturnType<typeof did2s>, oracle: Did2sOracle, label: string): void {
  const rows = oracle.coefficients.map((r) => ({ ...r, term: r.term.replace('::TRUE', '::1') }));
  expectEstimatesMatch(result.rows, rows, { estimate: 3e-7, stdError: 1e-6, statistic: 1e-6, pValue: 3e-6 }, { label, ordered: true });
  const V = result.vcov();
  oracle.vcov.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(V[i]![j]! - v) / Math.sqrt(oracle.vcov[i]![i]! * oracle.vcov[j]![j]!), `${label} vcov[${i}][${j}]`).toBeLessThan(1e-6)));
  expect(result.nobs).toBe(oracle.nobs);
}

describe('did2s vs did2s 1.2.0 (mpdta)', () => {
  it('did2s_mpdta_static: ~ i(treat_post, ref = FALSE)', () => {
    const result = did2s({ ...base, secondStage: STATIC });
    expectMatches(result, loadOracle('did2s_mpdta_static').results, 'static');
    // The point estimate is the imputation estimate.
    const bjs = didImputation({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
    expectClose(result.rows[0]!.estimate, bjs.rows[0]!.estimate, 1e-12, 'did2s static = BJS static');
  });

  it('did2s_mpdta_event_study: ~ i(rel_year, ref = c(-1, Inf)); event-time rows carry e', () => {
    const result = did2s({ ...base, secondStage: EVENT });
    expectMatches(result, loadOracle('did2s_mpdta_event_study').results, 'event study');
    expect(result.rows.map((r) => r.e)).toEqual([-4, -3, -2, 0, 1, 2, 3]);
  });

  it('did2s_mpdta_lpop_year: first stage ~ i(year, lpop, ref = 2003) | countyreal + year', () => {
    const oracle = loadOracle('did2s_mpdta_lpop_year').results as { static: Did2sOracle; eventStudy: Did2sOracle };
    const firstStage = '~ i(year, lpop, ref = 2003) | countyreal + year';
    expectMatches(did2s({ ...base, firstStage, secondStage: STATIC }), oracle.static, 'lpop static');
    expectMatches(did2s({ ...base, firstStage, secondStage: EVENT }), oracle.eventStudy, 'lpop event study');
  });
});
