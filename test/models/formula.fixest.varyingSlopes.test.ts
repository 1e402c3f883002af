/**
 * fixest's varying slopes in feols: fixtures/oracles/fixest_formula_varying_slopes.json (fixest
 * 0.12.2, `feols(y ~ x1 | id[period] + period, base_did)` with its default vcov (clustered by id),
 * 'iid' and 'hetero'): coefficient 1e-8, SE/t 1e-6, p 1e-4; nobs, dof.K (226 iid: fixest counts
 * the 108 slopes without removing their redundancy with the period effect; 119 clustered), t df,
 * clusters and fixef sizes exact. `self`: the same coefficient (and residuals) as the explicit
 * interaction columns i(id, period) (id-specific slopes on period), for `id[period]` and the
 * slope-only `id[[period]]`, weighted too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boottest, feols, fepois, parseCsv } from 'causal-panel';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { thrown } from '../helpers/thrown.js';

const baseDid = parseCsv(readFileSync(new URL('../../fixtures/datasets/base_did.csv', import.meta.url), 'utf8'));
const o = JSON.parse(readFileSync(new URL('../../fixtures/oracles/fixest_formula_varying_slopes.json', import.meta.url), 'utf8')).results;
const TOL = { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-4 };

describe('feols y ~ x1 | id[period] + period (fixest oracle)', () => {
  const fit = feols('y ~ x1 | id[period] + period', baseDid);
  for (const [name, vcov] of [['cluster', undefined], ['iid', 'iid'], ['hetero', 'hetero']] as const) {
    it(`${name}: x1, SE, t, p; dof.K, t df, clusters exact`, () => {
      const f = vcov === undefined ? fit : fit.withVcov(vcov);
      const r = o[name];
      expectEstimatesMatch(f.tidy(), r.coefficients, TOL);
      expect(f.vcovInfo.dofK).toBe(r.dofK);
      expect(f.dist).toEqual({ kind: 't', df: r.dfT });
      expect(f.vcovInfo.nClusters).toEqual(r.nClusters === null ? null : [r.nClusters]);
      expect(f.nobs).toBe(r.nobs);
    });
  }
  it("summary prints fixest's fixed-effect and varying-slope lines", () => {
    expect(fit.summary()).toMatch(/Fixed-effects: id: 108, {2}period: 10\nVarying slopes: period \(id\): 108\n/);
  });
  it('fixef sizes (108 ids, 10 periods; the slopes are extra) and fit statistics', () => {
    expect(Object.fromEntries(fit.fixedEffects.map((f) => [f.name, f.nLevels]))).toEqual(o.cluster.fixefSizes);
    expect(Math.abs(fit.ssr - o.cluster.ssr) / o.cluster.ssr).toBeLessThan(1e-10);
    expect(Math.abs(fit.r2 - o.cluster.r2)).toBeLessThan(1e-10);
    expect(Math.abs(fit.wr2 - o.cluster.wr2)).toBeLessThan(1e-10);
    expect(Math.abs(fit.sigma ** 2 - o.cluster.sigma2) / o.cluster.sigma2).toBeLessThan(1e-10);
  });
});

describe('varying slopes = explicit interaction columns (self)', () => {
  // the first 30 units keep the explicit fits (30 slope columns) fast
  const small = baseDid.toRows().filter((r) => (r.id as number) <= 30);
  const close = (a: number, b: number) => expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-9);
  it('id[period] + period = x1 + i(id, period) | id + period', () => {
    const slopes = feols('y ~ x1 | id[period] + period', small);
    const explicit = feols('y ~ x1 + i(id, period) | id + period', small);
    close(slopes.coef().x1!, explicit.coef().x1!);
    close(slopes.ssr, explicit.ssr);
  });
  it('id[[period]] + period (slopes only) = x1 + i(id, period) | period', () => {
    const slopes = feols('y ~ x1 | id[[period]] + period', small);
    const explicit = feols('y ~ x1 + i(id, period) | period', small);
    close(slopes.coef().x1!, explicit.coef().x1!);
    close(slopes.ssr, explicit.ssr);
  });
  it('weighted, one slope dimension alone: id[x1] = i(id, x1) | id', () => {
    const rows = small.map((r, i) => ({ ...r, w: 1 + (i % 7) / 3 }));
    const slopes = feols('y ~ period | id[x1]', rows, { weights: 'w' });
    const explicit = feols('y ~ period + i(id, x1) | id', rows, { weights: 'w' });
    close(slopes.coef().period!, explicit.coef().period!);
    close(slopes.ssr, explicit.ssr);
  });
});

describe("dof.K of other slope specifications, by fixest's nparams rule (R/fixest_env.R: k + Σ sizes·(1 + |slope_flag| − (slope_flag < 0)) + 1 − #effects with intercepts)", () => {
  it('id[[period]] + period: 1 + 108 + 10 + 1 − 1 = 119 (iid); clustered by id the slope-only effect removes nothing: 119', () => {
    const fit = feols('y ~ x1 | id[[period]] + period', baseDid, { vcov: 'iid' });
    expect(fit.vcovInfo.dofK).toBe(119);
    expect(fit.withVcov({ CRV1: 'id' }).vcovInfo.dofK).toBe(119);
  });
  it('id[period, x1] + period: 1 + 108·3 + 10 + 1 − 2 = 334 (iid); clustered by id: 334 − 107 = 227', () => {
    const fit = feols('y ~ I(x1^2) | id[period, x1] + period', baseDid, { vcov: 'iid' });
    expect(fit.vcovInfo.dofK).toBe(334);
    expect(fit.withVcov({ CRV1: 'id' }).vcovInfo.dofK).toBe(227);
  });
  it('id[[period]] alone: 1 + 108 = 109 (no effect keeps its intercepts: no reference term)', () => {
    expect(feols('y ~ x1 | id[[period]]', baseDid, { vcov: 'iid' }).vcovInfo.dofK).toBe(109);
  });
});

describe('varying slopes contract', () => {
  it('a slope on a text column is non_numeric naming the column', () => {
    const rows = baseDid.toRows().map((r) => ({ ...r, label: `p${r.period}` }));
    const e = thrown(() => feols('y ~ x1 | id[label]', rows));
    expect(e.code).toBe('non_numeric');
    expect(e.details.column).toBe('label');
  });
  it('HC2/HC3/CR2/CRV3 are refused with slopes (their leverage would ignore the slopes)', () => {
    expect(thrown(() => feols('y ~ x1 | id[period] + period', baseDid, { vcov: 'HC3' })).code).toBe('invalid_option');
    expect(thrown(() => feols('y ~ x1 | id[period] + period', baseDid, { vcov: { CR2: 'id' } })).code).toBe('invalid_option');
  });
  it('fixefRmSingletons keeps the slopes on the rows left (= the fit without the singleton row)', () => {
    const rows = baseDid.toRows().filter((r, i) => r.id !== 1 || i === 0);
    const dropped = feols('y ~ x1 | id[period] + period', rows, { fixefRmSingletons: true });
    const without = feols('y ~ x1 | id[period] + period', rows.slice(1));
    expect(dropped.nobs).toBe(without.nobs);
    expect(Math.abs(dropped.coef().x1! - without.coef().x1!)).toBeLessThan(1e-12);
  });
  it('feglm / fepois refuse varying slopes (formula_syntax), not ignore them', () => {
    expect(thrown(() => fepois('y ~ x1 | id[period]', baseDid)).code).toBe('formula_syntax');
  });
  it('boottest refuses a fit with varying slopes (its fixed-effect sweeps would ignore them)', () => {
    const fit = feols('y ~ x1 | id[period] + period', baseDid);
    expect(thrown(() => boottest(fit, { param: 'x1', B: 99, seed: 1 })).message).toMatch(/varying slopes \(id\[period\]\)/);
  });
  it('a slope that is not a column name is formula_syntax', () => {
    expect(thrown(() => feols('y ~ x1 | id[log(period)]', baseDid)).code).toBe('formula_syntax');
    expect(thrown(() => feols('y ~ x1[id]', baseDid)).message).toMatch(/"x1\[id\]": varying slopes belong after "\|"/);
    expect(thrown(() => feols('y ~ x1 | id + id[period]', baseDid)).message).toMatch(/fixed effect "id" is given twice/);
  });
});
