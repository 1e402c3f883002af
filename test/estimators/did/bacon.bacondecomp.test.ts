/**
 * baconDecomposition against bacondecomp 0.1.1 (R 4.2.2) on mpdta with
 * treat_post = first.treat > 0 & year >= first.treat: bacon_mpdta (no covariates) and
 * bacon_mpdta_lpop_year (Theorem 2 with the lpop × year controls). bacondecomp codes the never
 * treated 99999; ours is Infinity.
 *
 * Tolerances: 2×2 estimates, the TWFE coefficient, Ω and β̂_w 1e-8; weights 1e-8 (measured ≤ 3e-13
 * everywhere). bacon_mpdta_lpop is degenerate (its README line: lpop is time-invariant, the
 * reference decomposes rounding noise); only its stable parts are checked: the weights of the
 * uncontrolled decomposition and beta_hat_b = the TWFE coefficient, which is what dropping the
 * absorbed covariate gives.
 */
import { describe, expect, it } from 'vitest';
import { baconDecomposition } from '../../../src/estimators/did/bacon.js';
import { feols } from '../../../src/models/feols.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

const raw = loadDataset('mpdta.csv');
const g = raw.numeric('first.treat');
const year = raw.numeric('year');
const lpop = raw.numeric('lpop');
const LPOP_YEARS = ['lpop_2004', 'lpop_2005', 'lpop_2006', 'lpop_2007'];
const mpdta = raw.withColumns({
  treat_post: Float64Array.from(g, (v, i) => (v > 0 && year[i]! >= v ? 1 : 0)),
  ...Object.fromEntries(LPOP_YEARS.map((name) => [name, Float64Array.from(lpop, (v, i) => (year[i] === Number(name.slice(5)) ? v : 0))])),
});
const base = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' } as const;

interface TwoByTwo { treated: number; untreated: number; estimate: number; weight: number; type: string }
const key = (rows: readonly TwoByTwo[]) => rows.map((r) => ({ ...r, untreated: r.untreated === 99999 ? Infinity : r.untreated }));

describe('baconDecomposition vs bacondecomp 0.1.1 (mpdta)', () => {
  it('bacon_mpdta: every 2×2, its weight and type; the weighted sum is the TWFE coefficient', () => {
    const oracle = loadOracle('bacon_mpdta').results;
    const result = baconDecomposition(base);
    expectEstimatesMatch(result.comparisons, key(oracle.twoByTwos), { estimate: 1e-8, weight: 1e-8 }, { by: ['treated', 'untreated'] });
    for (const c of oracle.twoByTwos as TwoByTwo[]) {
      expect(result.comparisons.find((r) => r.treated === c.treated && r.untreated === (c.untreated === 99999 ? Infinity : c.untreated))!.type).toBe(c.type);
    }
    expect(result.comparisons.length).toBe(oracle.nTwoByTwos);
    expectClose(result.weightedSum, oracle.weightedSum, 1e-8, 'weighted sum');
    expectClose(result.twfeCoefficient, oracle.twfeCoefficient, 1e-8, 'TWFE coefficient');
    expectClose(result.weightedSum, result.twfeCoefficient, 1e-12, 'decomposition identity');
    for (const [type, v] of Object.entries(oracle.byType as Record<string, { weight: number; estimate: number }>)) {
      const ours = result.byType[type as keyof typeof result.byType]!;
      expectClose(ours.weight, v.weight, 1e-8, `${type} weight`);
      expectClose(ours.estimate, v.estimate, 1e-8, `${type} estimate`);
    }
  });

  it('bacon_mpdta_lpop_year: Ω, β̂_w, the 2×2s and Theorem 2 (TWFE = Ω β̂_w + (1 − Ω) Σ s β̂)', () => {
    const oracle = loadOracle('bacon_mpdta_lpop_year').results;
    const result = baconDecomposition({ ...base, covariates: LPOP_YEARS });
    expectEstimatesMatch(result.comparisons, key(oracle.twoByTwos), { estimate: 1e-8, weight: 1e-8 }, { by: ['treated', 'untreated'] });
    expectClose(result.Omega!, oracle.Omega, 1e-8, 'Omega');
    expectClose(result.betaWithin!, oracle.beta_hat_w, 1e-8, 'beta_hat_w');
    expectClose(result.weightedSum, oracle.beta_hat_b, 1e-8, 'beta_hat_b');
    expectClose(result.twfeCoefficient, oracle.twfeCoefficient, 1e-8, 'TWFE coefficient');
    const theorem2 = result.Omega! * result.betaWithin! + (1 - result.Omega!) * result.weightedSum;
    expectClose(theorem2, result.twfeCoefficient, 1e-10, 'Theorem 2 identity');
  });

  it('bacon_mpdta_lpop (degenerate in R): the time-invariant lpop is dropped with a note, leaving the uncontrolled decomposition (= beta_hat_b)', () => {
    const oracle = loadOracle('bacon_mpdta_lpop').results;
    const result = baconDecomposition({ ...base, covariates: ['lpop'] });
    expect(result.notes.find((n) => n.code === 'collinear_dropped')).toEqual({ code: 'collinear_dropped', terms: ['lpop'] });
    expect(result.Omega).toBeUndefined();
    expectClose(result.weightedSum, oracle.beta_hat_b, 1e-8, 'beta_hat_b');
    const plain = baconDecomposition(base);
    expect(result.comparisons).toEqual(plain.comparisons);
  });

  it('the TWFE coefficient is feols(lemp ~ treat_post | countyreal + year)', () => {
    const fit = feols('lemp ~ treat_post | countyreal + year', mpdta);
    expectClose(baconDecomposition(base).twfeCoefficient, fit.coef().treat_post!, 1e-12, 'TWFE');
  });
});
