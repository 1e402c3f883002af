/**
 * effectSize helpers against hand-derivable answers: R's `sd()` (n − 1 denominator) on small
 * vectors, the scaling rule of standardizeEstimate (estimate, SE, CI ÷ SD; statistic, p kept),
 * and Hedges' g for cluster designs — Hedges (2007, J. Educ. Behav. Stat. 32(4):341–370, §4:
 * d_T = γ·Δ/S_T, V = (Nᵀ + Nᶜ)/(NᵀNᶜ)·(1 + (n − 1)ρ) + d²/(2h)) with the WWC Handbook v5.0
 * (2022) correction ω = 1 − 3/(4h − 1) and h of its eq. E.21 — on small designs worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { effectSize, hedgesG, outcomeSd, resolveStandardize, standardizeEstimate } from '../../src/estimators/effectSize.js';
import { CausalPanelError } from '../../src/errors.js';
import { expectClose } from '../helpers/expectClose.js';
import { thrown } from '../helpers/thrown.js';

describe('outcomeSd: sample SD with n − 1, as R sd()', () => {
  it('sd(1:4) = sqrt(5/3) (R 4.2.2)', () => {
    expectClose(outcomeSd([1, 2, 3, 4], [0, 1, 2, 3]), Math.sqrt(5 / 3), 1e-15, 'sd(1:4)');
  });
  it('restricted by a row predicate: sd(c(1, 2)) = sqrt(1/2)', () => {
    expectClose(outcomeSd([1, 2, 3, 4], [0, 1, 2, 3], (row) => row < 2), Math.SQRT1_2, 1e-15, 'sd(c(1,2))');
  });
  it('only the listed rows are used, NaN skipped: sd(c(3, 10)) = 7/sqrt(2)', () => {
    expectClose(outcomeSd([1, NaN, 3, 10], [1, 2, 3]), 7 / Math.SQRT2, 1e-15, 'sd(c(3,10))');
  });
  it('is stable for a large mean (Welford): sd(1e9 + c(1, 2, 3)) = 1', () => {
    expectClose(outcomeSd([1e9 + 1, 1e9 + 2, 1e9 + 3], [0, 1, 2]), 1, 1e-12, 'sd(1e9 + 1:3)');
  });
  it('fewer than two values → NaN', () => {
    expect(outcomeSd([5], [0])).toBeNaN();
  });
});

describe('standardizeEstimate: SD units with the SD treated as fixed', () => {
  const att = { term: 'ATT', estimate: 2, stdError: 0.5, statistic: 4, pValue: 6.334e-5, confLow: 1.02, confHigh: 2.98 };
  it('divides estimate, SE and CI by the SD; statistic and p unchanged', () => {
    const es = standardizeEstimate(att, 4);
    expect(es.term).toBe('ATT (SD)');
    expectClose(es.estimate, 0.5, 1e-15, 'estimate');
    expectClose(es.stdError, 0.125, 1e-15, 'stdError');
    expectClose(es.confLow, 0.255, 1e-15, 'confLow');
    expectClose(es.confHigh, 0.745, 1e-15, 'confHigh');
    expect(es.statistic).toBe(4);
    expect(es.pValue).toBe(6.334e-5);
    expect(standardizeEstimate(att, 4, 'd').term).toBe('d');
  });
  it.each([0, -1, NaN, Infinity])('rejects sd = %s with invalid_option', (sd) => {
    expect(() => standardizeEstimate(att, sd)).toThrowError(CausalPanelError);
    try {
      standardizeEstimate(att, sd);
    } catch (e) {
      expect((e as CausalPanelError).code).toBe('invalid_option');
    }
  });
});

describe('resolveStandardize', () => {
  const y = [1, 2, 3, 4, 10, 20];
  const rows = [0, 1, 2, 3, 4, 5];
  it("'control-baseline' uses the predicate's rows, 'pooled' all rows, a number itself", () => {
    expectClose(resolveStandardize('control-baseline', y, rows, (r) => r < 4, 'did').sd, Math.sqrt(5 / 3), 1e-15, 'baseline');
    const pooled = resolveStandardize('pooled', y, rows, (r) => r < 4, 'did');
    expect(pooled.n).toBe(6);
    expectClose(pooled.sd, outcomeSd(y, rows), 1e-15, 'pooled');
    expect(resolveStandardize(3, y, rows, () => true, 'did').sd).toBe(3);
  });
  it.each([['nope'], [0], [-2]])('rejects %s with invalid_option', (value) => {
    expect(() => resolveStandardize(value as never, y, rows, () => true, 'did')).toThrowError(/standardize/);
  });
  it('an empty or constant reference group is an invalid_option error', () => {
    expect(() => resolveStandardize('control-baseline', y, rows, () => false, 'did')).toThrowError(/control-baseline/);
  });
});

describe("hedgesG: Hedges (2007) d_T with the WWC small-sample correction, by hand", () => {
  it('no clustering (ρ = 0): g = (1 − 3/(4N − 9))·Δ/S, SE = ω·√(N/(NᵀNᶜ) + d²/(2(N − 2)))', () => {
    // N = 200, Δ/S = 5/10: ω = 1 − 3/791, d = 0.5, V(d) = 200/10⁴ + 0.25/396
    const g = hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100 });
    const omega = 1 - 3 / 791;
    expectClose(g.omega, omega, 1e-15, 'ω');
    expectClose(g.df, 198, 1e-15, 'h = N − 2');
    expect([g.gamma, g.eta, g.clusterSize]).toEqual([1, 1, 1]);
    expectClose(g.estimate, omega * 0.5, 1e-15, 'g');
    expectClose(g.stdError, omega * Math.sqrt(0.02 + 0.25 / 396), 1e-15, 'SE');
    expectClose(g.statistic, g.estimate / g.stdError, 1e-15, 'z');
    expect(g.seSource).toBe('design');
  });

  it('cluster design (N = 200 in M = 20 clusters of n = 10, ρ = 0.2): γ, η, h (WWC 2022 eq. E.21), g and its SE', () => {
    const g = hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.2, clusters: 20 });
    // γ² = 1 − 2·9·0.2/198 = 1 − 3.6/198; η = 1 + 9·0.2 = 2.8
    const gamma = Math.sqrt(1 - 3.6 / 198);
    // h = (198 − 3.6)² / (198·0.8² + 10·180·0.2² + 2·180·0.2·0.8) = 194.4² / (126.72 + 72 + 57.6)
    const h = (194.4 * 194.4) / 256.32;
    const omega = 1 - 3 / (4 * h - 1);
    const d = gamma * 0.5;
    expectClose(g.clusterSize, 10, 1e-15, 'n = N/M');
    expectClose(g.gamma, gamma, 1e-15, 'γ');
    expectClose(g.eta, 2.8, 1e-15, 'η');
    expectClose(g.df, h, 1e-13, 'h');
    expectClose(g.d, d, 1e-15, 'd_T');
    expectClose(g.estimate, omega * d, 1e-14, 'g');
    expectClose(g.stdError, omega * Math.sqrt((200 / 10000) * 2.8 + (d * d) / (2 * h)), 1e-14, 'SE (design)');
    // the same with the cluster size given instead of the number of clusters
    expect(hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.2, clusterSize: 10 }).estimate).toBe(g.estimate);
  });

  it("h agrees with VIVECampbell's df_h(N_total = 100, ICC = 0.1, avg_grp_size = 5) = 94.4 (its documented example)", () => {
    // (98 − 0.8)² / (98·0.81 + 5·90·0.01 + 2·90·0.1·0.9) = 9447.84 / 100.08
    const g = hedgesG({ difference: 1, sd: 1, nTreated: 50, nControl: 50, icc: 0.1, clusterSize: 5 });
    expectClose(g.df, 9447.84 / 100.08, 1e-14, 'h');
    expect(Math.round(g.df * 100) / 100).toBe(94.4);
  });

  it("with the analysis' SE of the difference: SE = ω·√(γ²(SE/S)² + d²/(2h))", () => {
    const g = hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.2, clusters: 20, stdError: 2 });
    const gamma2 = 1 - 3.6 / 198;
    const h = (194.4 * 194.4) / 256.32;
    const omega = 1 - 3 / (4 * h - 1);
    const d = Math.sqrt(gamma2) * 0.5;
    expectClose(g.stdError, omega * Math.sqrt(gamma2 * 0.04 + (d * d) / (2 * h)), 1e-14, 'SE (model)');
    expect(g.seSource).toBe('model');
  });

  it('bad designs are invalid_option: ICC without cluster size, γ² ≤ 0, non-positive SD or group', () => {
    expect(thrown(() => hedgesG({ difference: 1, sd: 1, nTreated: 10, nControl: 10, icc: 0.1 })).code).toBe('invalid_option');
    expect(thrown(() => hedgesG({ difference: 1, sd: 1, nTreated: 10, nControl: 10, icc: 1, clusterSize: 10 })).message).toMatch(/too few individuals per cluster/);
    expect(thrown(() => hedgesG({ difference: 1, sd: 0, nTreated: 10, nControl: 10 })).code).toBe('invalid_option');
    expect(thrown(() => hedgesG({ difference: 1, sd: 1, nTreated: 0, nControl: 10 })).code).toBe('invalid_option');
    expect(thrown(() => hedgesG({ difference: 1, sd: 1, nTreated: 10, nControl: 10, icc: 1.5, clusterSize: 2 })).code).toBe('invalid_option');
  });
});

describe('effectSize: a result → SD units, Hedges g or the WWC cluster-adjusted g', () => {
  const estimate = { term: 'ATT', estimate: 5, stdError: 2, statistic: 2.5, pValue: 0.0124, confLow: 1.08, confHigh: 8.92 };
  const source = { estimate, sd: 10, nTreated: 100, nControl: 100, nClusters: 20 };

  it("'sd' divides the estimate, SE and interval by σ (standardizeEstimate)", () => {
    const es = effectSize(source, { type: 'sd' });
    expect(es.estimate).toEqual(standardizeEstimate(estimate, 10));
    expect(es.kind).toBe('effectSize');
  });

  it("'wwc' (default, ICC 0.20) is hedgesG with the cluster size N/M and the estimate's SE", () => {
    const es = effectSize(source);
    const g = hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.2, clusters: 20, stdError: 2 });
    expect(es.estimate).toMatchObject({ term: "ATT (Hedges' g, WWC)", estimate: g.estimate, stdError: g.stdError });
    expect(es.details).toMatchObject({ icc: 0.2, clusterSize: 10, seSource: 'model' });
    expect(effectSize(source, { se: 'design', icc: 0.1 }).estimate.stdError).toBe(hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.1, clusters: 20 }).stdError);
  });

  it("with the estimate's SE, g keeps the source's p-value and interval critical value (e.g. t or Satterthwaite df); with a level, a normal interval", () => {
    // the source's interval 5 ± 1.96·2 (critical 1.96); a t(8) source would carry its 2.306
    const tSource = { ...source, estimate: { ...estimate, pValue: 0.037, confLow: 5 - 2.306 * 2, confHigh: 5 + 2.306 * 2 } };
    const es = effectSize(tSource).estimate;
    expect(es.pValue).toBe(0.037);
    expectClose((es.confHigh - es.confLow) / (2 * es.stdError), 2.306, 1e-12, 'critical value carried over');
    expect(effectSize(tSource).level).toBeNaN();
    const normal = effectSize(tSource, { level: 0.9 });
    expectClose((normal.estimate.confHigh - normal.estimate.confLow) / (2 * normal.estimate.stdError), 1.6448536269514722, 1e-12, 'normal 90%');
    expect(normal.estimate.pValue).not.toBe(0.037);
  });

  it("'hedgesG' ignores clustering (ρ = 0); an ICC needs a clustered source", () => {
    expect(effectSize(source, { type: 'hedgesG' }).details).toMatchObject({ icc: 0, df: 198 });
    const unclustered = { estimate, sd: 10, nTreated: 100, nControl: 100 };
    expect(thrown(() => effectSize(unclustered, { icc: 0.2 })).code).toBe('invalid_option');
    // the clusters option supplies the number of clusters: design SE by default (the source's SE is not clustered)
    const given = effectSize(unclustered, { icc: 0.2, clusters: 20 });
    expect(given.details).toMatchObject({ clusterSize: 10, seSource: 'design' });
    expect(given.estimate.stdError).toBe(hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.2, clusters: 20 }).stdError);
    expect(thrown(() => effectSize(source, { type: 'cohen' as never })).code).toBe('invalid_option');
    expect(thrown(() => effectSize(source, { ICC: 0.2 } as never)).code).toBe('unknown_option');
  });
});
