/**
 * boottest against other paths through the package: absorbed fixed effects against the same
 * model with dummies (the fixed effects outside the bootstrap clusters go through the projected
 * dummy columns; with dummies they are plain regressors), the kernel's general M_D path against
 * the projected-dummy path, and one restriction through the joint Wald path (W = t²).
 */
import { describe, expect, it } from 'vitest';
import { feols } from '../../src/models/feols.js';
import { boottest } from '../../src/estimators/boottest.js';
import { wildBootstrapT } from '../../src/inference/wildBootstrap.js';
import { wildStatisticsAt } from '../../src/inference/wildBootstrapInference.js';
import { demean } from '../../src/numerics/demean.js';
import { loadDataset } from '../helpers/oracle.js';
import { expectClose } from '../helpers/expectClose.js';

const data = loadDataset('base_did_grid.csv');
const sorted = (a: Float64Array): number[] => Array.from(a).sort((x, y) => x - y);

describe('boottest: fixed effects absorbed or as dummies', () => {
  const absorbed = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'grp' } });
  const dummies = feols('y ~ x1 + treat:post + factor(period) | id', data, { vcov: { CRV1: 'grp' } });
  for (const impose of [true, false]) {
    it(`${impose ? 'WCR' : 'WCU'}: same t, t*, p at every r and CI (ssc adj off: k differs)`, () => {
      const a = boottest(absorbed, { param: 'treat:post', impose, ssc: { adj: false } });
      const b = boottest(dummies, { param: 'treat:post', impose, ssc: { adj: false } });
      expectClose(a.statistic, b.statistic, 1e-9, 't');
      const ta = sorted(a.bootStatistics());
      const tb = sorted(b.bootStatistics());
      ta.forEach((t, i) => expectClose(t, tb[i]!, 1e-8, `t*[${i}]`, { absTol: 1e-9 }));
      for (const r of [3.5, 4, 4.5, 5, 5.5, 6]) expect(a.pValueAt(r)).toBe(b.pValueAt(r));
      expectClose(a.confInt[0], b.confInt[0], 1e-8, 'CI low');
      expectClose(a.confInt[1], b.confInt[1], 1e-8, 'CI high');
    });
  }
});

describe('boottest: the projected-dummy path with several or no nested fixed effects', () => {
  it('id + grp + period (two nested: Z stored and swept by demeaning) equals id + period', () => {
    const two = feols('y ~ x1 + treat:post | id + grp + period', data, { vcov: { CRV1: 'grp' } });
    const one = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'grp' } });
    const a = boottest(two, { param: 'treat:post' });
    const b = boottest(one, { param: 'treat:post' });
    expectClose(a.statistic, b.statistic, 1e-9, 't');
    sorted(a.bootStatistics()).forEach((t, i) => expectClose(t, sorted(b.bootStatistics())[i]!, 1e-8, `t*[${i}]`, { absTol: 1e-9 }));
  });
  it('period effects only (none nested: Z = the dummies) equal period dummies', () => {
    const absorbed = feols('y ~ x1 + treat:post | period', data, { vcov: { CRV1: 'grp' } });
    const dummies = feols('y ~ x1 + treat:post + factor(period)', data, { vcov: { CRV1: 'grp' } });
    const a = boottest(absorbed, { param: 'x1', impose: false, ssc: { adj: false } });
    const b = boottest(dummies, { param: 'x1', impose: false, ssc: { adj: false } });
    expectClose(a.statistic, b.statistic, 1e-9, 't');
    sorted(a.bootStatistics()).forEach((t, i) => expectClose(t, sorted(b.bootStatistics())[i]!, 1e-8, `t*[${i}]`, { absTol: 1e-9 }));
  });
});

describe('boottest: regression weights', () => {
  it('weighted fit: absorbed fixed effects equal dummies, and t equals the weighted CRV1 t up to the ssc', () => {
    const absorbed = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'grp' }, weights: 'w' });
    const dummies = feols('y ~ x1 + treat:post + factor(period) | id', data, { vcov: { CRV1: 'grp' }, weights: 'w' });
    const a = boottest(absorbed, { param: 'x1', ssc: { adj: false } });
    const b = boottest(dummies, { param: 'x1', ssc: { adj: false } });
    expectClose(a.statistic, b.statistic, 1e-9, 't');
    sorted(a.bootStatistics()).forEach((t, i) => expectClose(t, sorted(b.bootStatistics())[i]!, 1e-8, `t*[${i}]`, { absTol: 1e-9 }));
    // fixest's weighted CRV1 with ssc(adj = FALSE, cluster.adj = TRUE) is boottest's V with adj off.
    const fixestT = absorbed.withVcov({ CRV1: 'grp' }, { ssc: { adj: false } }).tstat().x1!;
    expectClose(a.statistic, fixestT, 1e-9, 't vs feols');
  });
});

describe('boottest: the fast algorithm against brute-force refits (textbook wild cluster bootstrap)', () => {
  // Draw b of the enumeration puts v_h = −1 on the bootstrap clusters h whose bit is set in b,
  // with clusters coded by first appearance in the estimation rows. Brute force: y* = ŷ_r + û_r·v,
  // refit with the fixed effects, t* from feols' CRV1 with boottest's ssc (fixef.K = "none").
  const fit = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'id' } });
  const restricted = feols('y ~ x1 | id + period', data, { vcov: 'iid' });
  const rows = fit.rows;
  const grp = data.column('grp') as (string | null)[];
  const order = new Map<string, number>();
  const bootCode = Array.from(rows, (row) => {
    const key = grp[row]!;
    if (!order.has(key)) order.set(key, order.size);
    return order.get(key)!;
  });
  it('WCR with bootstrap clusters coarser than the variance clusters (grp over id): t* of the first 12 draws', () => {
    const bt = boottest(fit, { param: 'treat:post', bootCluster: 'grp' });
    expect(bt.B).toBe(512);
    const tBoot = bt.bootStatistics();
    const fitted = restricted.fitted();
    const resid = restricted.residuals();
    const base = data.take(rows);
    for (let b = 0; b < 12; b++) {
      const ystar = Float64Array.from(fitted, (f, i) => f + resid[i]! * (Math.floor(b / 2 ** bootCode[i]!) % 2 === 1 ? -1 : 1));
      const refit = feols('ystar ~ x1 + treat:post | id + period', base.withColumns({ ystar }), { vcov: { CRV1: 'id' }, ssc: { fixefK: 'none', clusterDf: 'conventional' } });
      expectClose(tBoot[b]!, refit.tstat()['treat:post']!, 1e-7, `t*[${b}]`);
    }
  });
});

describe('wildBootstrapT: general M_D (demeaning) equals the projected-dummy path', () => {
  it('clusters by period: unit effects are not nested, period effects are', () => {
    const fit = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'period' } });
    const viaBoottest = boottest(fit, { param: 'x1', weights: 'webb', B: 299, seed: 3 });
    const { XdColumns } = fit.sweptRegressors();
    const n = fit.nobs;
    const k = fit.terms.length;
    const period = fit.design.fixedEffects.find((f) => f.name === 'period')!;
    const fes = fit.design.fixedEffects.map((f) => ({ codes: f.codes, nLevels: f.nLevels }));
    const G = period.nLevels;
    const adj = ((n - 1) / (n - k)) * (G / (G - 1));
    const kernel = wildBootstrapT(
      {
        n,
        k,
        X: XdColumns,
        residuals: fit.residuals(),
        coefficients: fit.coefficients,
        bread: fit.bread(),
        R: Float64Array.of(1, 0),
        q: 1,
        r: Float64Array.of(0),
        clusterings: [{ codes: period.codes, nClusters: G, factor: adj }],
        bootClusters: { codes: period.codes, nClusters: G },
        annihilate: (columns) => demean(columns, fes, { tolerance: 1e-13 }).columns,
        impose: true,
      },
      { weights: 'webb', B: 299, seed: 3, enumerate: false },
    );
    const viaKernel = wildStatisticsAt(kernel, 0);
    expectClose(viaKernel.t, viaBoottest.statistic, 1e-10, 't');
    const a = viaBoottest.bootStatistics();
    a.forEach((t, b) => expectClose(viaKernel.tBoot[b]!, t, 1e-7, `t*[${b}]`, { absTol: 1e-9 }));
  });
});
