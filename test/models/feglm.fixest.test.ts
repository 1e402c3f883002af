/**
 * feglm / fepois against fixest 0.12.2 (fixtures/oracles/fixest_feglm_{logit,probit}_grid.json on
 * base_did_grid with ybin = y > 0; fixest_fepois_trade.json on fixest's trade data). Each file's
 * `exact` block is the MLE (stats::glm with the fixed effects as dummies, polished) with fixest's
 * small-sample factors: coefficients 1e-8, SEs 1e-6, p 1e-4 relative; the `default` block is
 * fixest's own early stop, matched by `compat: 'fixest'` within its stated 1e-5 / 2e-4; deviance
 * and log-likelihoods 1e-10; removed groups and counts exactly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feglm, fepois, parseCsv, type FeglmFit } from 'causal-panel';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { thrown } from '../helpers/thrown.js';

const read = (name: string) => parseCsv(readFileSync(new URL(`../../fixtures/datasets/${name}`, import.meta.url), 'utf8'));
const oracle = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/oracles/${name}.json`, import.meta.url), 'utf8')).results;
const grid = read('base_did_grid.csv');
const y = grid.numeric('y');
const gridBin = grid.withColumns({ ybin: Float64Array.from(y, (v) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : 0)) });
const trade = read('trade.csv');
const VCOVS = ['cluster', 'hetero', 'iid'] as const;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

const cases: { name: string; fit: (compat?: 'fixest') => FeglmFit }[] = [
  { name: 'fixest_feglm_logit_grid', fit: (compat) => feglm('ybin ~ x1 | id + period', gridBin, { family: 'binomial', link: 'logit', ...(compat ? { compat } : {}) }) },
  { name: 'fixest_feglm_probit_grid', fit: (compat) => feglm('ybin ~ x1 | id + period', gridBin, { family: 'binomial', link: 'probit', ...(compat ? { compat } : {}) }) },
  { name: 'fixest_fepois_trade', fit: (compat) => fepois('Euros ~ log(dist_km) | Origin + Destination + Product + Year', trade, compat ? { compat } : {}) },
];

describe.each(cases)('$name', ({ name, fit: make }) => {
  const o = oracle(name);
  const fit = make();
  it.each(VCOVS)('%s: coefficients, SEs, z and p at the MLE (exact block)', (vcov) => {
    const f = vcov === 'cluster' ? fit : fit.withVcov(vcov);
    expectEstimatesMatch(f.tidy(), o[vcov].exact.coefficients, { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-4 });
    expect(rel(f.vcov()[0]![0]!, o[vcov].exact.vcov[0][0])).toBeLessThan(1e-6);
    expect(rel(f.deviance, o[vcov].exact.deviance)).toBeLessThan(1e-10);
    expect(f.nobs).toBe(o[vcov].exact.nobs);
  });
  it('counts, removed groups, dof and fit statistics as fixest', () => {
    const d = o.cluster.default;
    expect(fit.nobsRemovedFixef).toBe(d.nobsRemovedFixef);
    for (const [fe, levels] of Object.entries(d.fixefRemoved as Record<string, number[]>)) expect(fit.fixefRemoved[fe]).toEqual(levels.map(String));
    expect(fit.fixefSizes).toEqual(d.fixefSizes);
    expect(fit.vcovInfo.dofK).toBe(d.dofK);
    expect(fit.vcovInfo.nClusters).toEqual([d.nClusters]);
    expect(rel(fit.loglik, d.loglik)).toBeLessThan(1e-8);
    expect(rel(fit.llNull, d.llNull)).toBeLessThan(1e-10);
    expect(fit.pseudoR2).toBeCloseTo(d.pr2, 7);
    expect(fit.adjustedPseudoR2).toBeCloseTo(d.pseudoR2, 7);
    expect(fit.sqCor).toBeCloseTo(d.sqCor, 5);
    expect(fit.dist).toEqual({ kind: 'normal' });
  });
  it("compat: 'fixest' reproduces fixest's early stop (default block, coef 1e-5, SE 2e-4)", () => {
    const compat = make('fixest');
    for (const vcov of VCOVS) {
      const f = vcov === 'cluster' ? compat : compat.withVcov(vcov);
      expectEstimatesMatch(f.tidy(), o[vcov].default.coefficients, { estimate: 1e-5, stdError: 2e-4, statistic: 2e-4, pValue: 1e-2 });
    }
    expect(compat.iterations).toBe(o.cluster.default.iterations);
  });
});

describe('feglm: bad input and partial effects', () => {
  it('a negative count or a binomial outcome outside [0, 1] names its row', () => {
    const bad = parseCsv('y,x,g\n1,0,a\n-1,1,a\n2,0,b\n0,1,b\n');
    const error = thrown(() => fepois('y ~ x | g', bad));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe('fepois: the outcome must hold non-negative counts for the poisson family (row 2: -1)');
    expect(thrown(() => feglm('y ~ x | g', bad, { family: 'binomial' })).message).toMatch(/values in \[0, 1\]/);
  });
  it("fixest's glm.tol is glmTol; every group perfect is no_rows_left; CR2 is feols-only", () => {
    expect(thrown(() => fepois('Euros ~ log(dist_km) | Origin', trade, { 'glm.tol': 1e-9 } as never)).message).toMatch(/glmTol/);
    expect(thrown(() => fepois('y ~ x | g', parseCsv('y,x,g\n0,1,a\n0,2,a\n0,1,b\n0,3,b\n'))).code).toBe('no_rows_left');
    expect(thrown(() => fepois('Euros ~ log(dist_km) | Origin', trade, { vcov: { CR2: 'Origin' } })).message).toMatch(/CR2 is available for feols only/);
  });
  it('logit average partial effect = β·mean μ(1 − μ), with a delta-method SE', () => {
    const fit = feglm('ybin ~ x1 | id + period', gridBin, { family: 'binomial' });
    const mu = fit.fitted();
    let density = 0;
    for (const m of mu) density += (m * (1 - m)) / mu.length;
    const [ape] = fit.averagePartialEffects();
    expect(ape!.estimate).toBeCloseTo(fit.coef().x1! * density, 12);
    expect(ape!.stdError).toBeGreaterThan(0);
    expect(ape!.stdError).toBeLessThan(fit.se().x1!);
    expect(thrown(() => fepois('Euros ~ log(dist_km) | Origin', trade).averagePartialEffects()).code).toBe('invalid_option');
  });
});
