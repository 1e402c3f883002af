import { describe, expect, it } from 'vitest';
import { psmDid } from '../../src/estimators/psmDid.js';
import { did } from '../../src/estimators/did/did.js';
import { createRng } from '../../src/numerics/random.js';
import { CausalPanelError } from '../../src/errors.js';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { loadDataset } from '../helpers/oracle.js';

/**
 * Simulated panel with selection on a baseline covariate that also drives the outcome trend:
 * x ~ N(0, 1); P(treated) = logistic(−1 + 1.5x); y_it = α_i + 0.3t + 0.4·x·t + τ·D·post + ε,
 * τ = 2, periods 1–4, post = t ≥ 3. Treated units have higher x and so steeper trends: the
 * naive DiD is biased upward by 0.4·2·(E[x | D = 1] − E[x | D = 0]); matching on x removes it.
 */
function simulate(nUnits: number, seed: number) {
  const rng = createRng(seed);
  const rows: Record<string, number>[] = [];
  for (let i = 1; i <= nUnits; i++) {
    const x = rng.normal();
    const treated = rng.uniform() < 1 / (1 + Math.exp(-(-1 + 1.5 * x))) ? 1 : 0;
    const alpha = 0.5 * x + rng.normal();
    for (let t = 1; t <= 4; t++) {
      const post = t >= 3 ? 1 : 0;
      const y = alpha + 0.3 * t + 0.4 * x * t + 2 * treated * post + 0.5 * rng.normal();
      rows.push({ id: i, period: t, treated, post, x, y });
    }
  }
  return rows;
}

describe('psmDid: PSM on baseline covariates, then weighted TWFE DiD (did())', () => {
  const panel = simulate(1500, 11);

  it('recovers the true effect τ = 2 under selection on a trend-relevant baseline covariate (τ inside the 95% CI)', () => {
    const res = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post', covariates: ['x'], caliper: 0.2 });
    expect(res.att.confLow).toBeLessThan(2);
    expect(res.att.confHigh).toBeGreaterThan(2);
    const naive = did({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post' });
    // The naive DiD is biased; matching must move the estimate most of the way to τ.
    expect(Math.abs(naive.att.estimate - 2)).toBeGreaterThan(0.3);
    expect(Math.abs(res.att.estimate - 2)).toBeLessThan(Math.abs(naive.att.estimate - 2) / 3);
    // Balance on x after matching (MatchIt's Std. Mean Diff.) is small; before it is large.
    const before = res.balance.before.find((r) => r.term === 'x')!;
    const after = res.balance.after.find((r) => r.term === 'x')!;
    expect(Math.abs(before.stdMeanDiff!)).toBeGreaterThan(0.5);
    expect(Math.abs(after.stdMeanDiff!)).toBeLessThan(0.1); // the usual |SMD| < 0.1 balance rule (Stuart 2010)
    expect(res.kind).toBe('psmDid');
    expect(res.vcovLabel).toContain('psm_subclass');
    expect(res.nUnits).toBe(2 * res.matching.nMatched.treated);
    expect(res.nobs).toBe(4 * res.nUnits);
    expect(JSON.parse(JSON.stringify(res.toJSON())).matching.clusterBy).toBe('subclass');
  });

  it('baseline "mean" over pre-periods equals "first" for a time-constant covariate', () => {
    const a = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post', covariates: ['x'] });
    const b = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post', covariates: ['x'], baseline: 'mean' });
    expect(b.att.estimate).toBe(a.att.estimate);
  });

  it('clusterBy "unit" and matching with replacement (weights ≠ 1) run through did() weights', () => {
    const res = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post', covariates: ['x'], replace: true });
    expect(res.vcovLabel).toContain('id');
    expect(res.att.confLow).toBeLessThan(2);
    expect(res.att.confHigh).toBeGreaterThan(2);
    expect(() => psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post', covariates: ['x'], replace: true, clusterBy: 'subclass' })).toThrow(CausalPanelError);
  });
});

describe('psmDid on base_did (fixest 0.12.2 base_did) with trivial matching equals did()', () => {
  const data = loadDataset('base_did.csv');

  it('Gaussian kernel with a huge bandwidth (all controls equally weighted): same ATT as did(), clustered by id', () => {
    const plain = did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    const res = psmDid({
      data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'],
      method: 'kernel', kernel: 'gaussian', bandwidth: 1e6, clusterBy: 'unit',
    });
    // did(): 4.993390413897197 (fixest: feols(y ~ treat:post | id + period, base_did)).
    expectEstimatesMatch([plain.att], [{ term: 'ATT', estimate: 4.993390413897197 }], { estimate: 1e-8 }, { label: 'did ATT' });
    expectEstimatesMatch([res.att], [{ term: 'ATT', estimate: plain.att.estimate }], { estimate: 1e-9 }, { label: 'psmDid ATT vs did ATT' });
    expect(res.nobs).toBe(plain.nobs);
    expect(res.nUnits).toBe(108);
  });

  it('the caller\'s data are not mutated', () => {
    const before = JSON.stringify(data.toJSON());
    psmDid({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'], replace: true });
    expect(JSON.stringify(data.toJSON())).toBe(before);
  });
});
