/**
 * eventStudy(method 'sunab') — Sun & Abraham (2021) as fixest 0.12.2's `sunab(cohort, period)`
 * with `summary(agg = "period")` / `agg = "ATT"`. No R oracle file was available for sunab, so
 * the proofs are:
 * (a) base_did, where every treated unit has cohort 6: the saturated design has one cohort, so
 *     sunab must equal the TWFE event study exactly (itself checked against fixest);
 * (b) mpdta (did's data: cohorts 2004, 2006, 2007, never-treated 0): every event-time estimate
 *     equals the cohort-share-weighted average of the cohort × period coefficients of an explicit
 *     feols with those interaction columns built here by hand, and its SE equals the delta-method
 *     √(wᵀVw) computed here by hand from that fit's vcov (fixest's aggregate.fixest rule:
 *     shares = colSums(sign(model.matrix)) / sum);
 * (c) an R cross-check through a known identity: with never-treated controls and no covariates,
 *     the post-period sunab effects on mpdta equal did 2.5.1's dynamic aggregation of
 *     Callaway–Sant'Anna with never-treated controls (fixtures/oracles/did_mpdta_never_reg.json).
 */
import { describe, expect, it } from 'vitest';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { aggregateCoefficients, classifyCohorts, sunabCells } from '../../../src/estimators/did/sunab.js';
import { feols } from '../../../src/models/feols.js';
import { tCdf } from '../../../src/numerics/distributions.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

describe('sunab helpers (hand-derivable)', () => {
  it('classifyCohorts splits cohorts by the sign of their observed relative times (fixest cpp_find_never_always_treated)', () => {
    // cohort 5: e = -1, 0 → treated; cohort 9: only e < 0 → control; cohort 1: only e ≥ 0 → always treated.
    expect(classifyCohorts([-1, 0, -2, -1, 0, 1], [5, 5, 9, 9, 1, 1], [0, 1, 2, 3, 4, 5])).toEqual({ treated: [5], notYetInSample: [9], alwaysTreated: [1] });
  });
  it('sunabCells names cells as fixest i(period, f2 = cohort) and orders by e then cohort', () => {
    const cells = sunabCells([-2, -1, 0, 0, NaN], [3, 3, 3, 2, Infinity], [0, 1, 2, 3, 4], [2, 3], [-1], 'year');
    expect(cells.map((c) => c.term)).toEqual(['year::-2:cohort::3', 'year::0:cohort::2', 'year::0:cohort::3']);
    expect(cells.map((c) => c.weight)).toEqual([1, 1, 1]);
  });
  it('aggregateCoefficients: shares w/Σw, estimate Σ w b, SE √(wᵀVw)', () => {
    // b = (1, 4), weights (1, 3) → shares (0.25, 0.75); V = [[1, 0.5], [0.5, 2]].
    const agg = aggregateCoefficients([1, 4], [1, 0.5, 0.5, 2], 2, [0, 1], [1, 3]);
    expectClose(agg.estimate, 0.25 + 3, 1e-15, 'estimate');
    expectClose(agg.stdError, Math.sqrt(0.0625 * 1 + 2 * 0.25 * 0.75 * 0.5 + 0.5625 * 2), 1e-15, 'SE');
  });
});

describe('(a) sunab equals the TWFE event study when all treated units share one cohort (base_did, cohort = 6·treat)', () => {
  const base = loadDataset('base_did.csv');
  const treat = base.numeric('treat');
  const data = base.withColumns({ g: Float64Array.from(treat, (t) => 6 * t) });
  const twfe = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', covariates: ['x1'] });
  const sunab = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', covariates: ['x1'], method: 'sunab' });

  it('same event-time estimates, SEs and p-values (1e-10), same pre-trend test', () => {
    expect(sunab.rows.map((r) => r.e)).toEqual(twfe.rows.map((r) => r.e));
    sunab.rows.forEach((row, j) => {
      const other = twfe.rows[j]!;
      if (row.reference) return expect(other.reference).toBe(true);
      expectClose(row.estimate, other.estimate, 1e-10, `e=${row.e} estimate`);
      expectClose(row.stdError, other.stdError, 1e-10, `e=${row.e} SE`);
      expectClose(row.pValue, other.pValue, 1e-8, `e=${row.e} p`);
    });
    expectClose(sunab.pretest.statistic, twfe.pretest.statistic, 1e-10, 'pretest F');
    expect(sunab.pretest.df2).toBe(twfe.pretest.df2);
    expect(sunab.cohortEstimates!.map((c) => c.term)).toContain('period::0:cohort::6');
  });

  it('overall ATT = row-count-weighted mean of the e ≥ 0 coefficients with SE √(wᵀVw) (fixest summary(agg = "ATT"))', () => {
    const post = twfe.rows.filter((r) => r.e >= 0);
    const period = data.numeric('period');
    const counts = post.map((r) => [...period].filter((p, i) => treat[i] === 1 && p - 6 === r.e).length);
    const total = counts.reduce((a, b) => a + b, 0);
    const w = counts.map((c) => c / total);
    const estimate = post.reduce((s, r, j) => s + w[j]! * r.estimate, 0);
    const V = twfe.fit.vcov();
    const idx = post.map((r) => twfe.fit.terms.indexOf(`e_${r.e}`));
    let variance = 0;
    for (let a = 0; a < idx.length; a++) for (let b = 0; b < idx.length; b++) variance += w[a]! * w[b]! * V[idx[a]!]![idx[b]!]!;
    expectClose(sunab.overall!.estimate, estimate, 1e-10, 'overall ATT');
    expectClose(sunab.overall!.stdError, Math.sqrt(variance), 1e-10, 'overall SE');
    expect(sunab.overall!.term).toBe('ATT');
  });
});

describe('(b) sunab on mpdta equals a hand-built saturated feols aggregated by hand (no R oracle available)', () => {
  const mpdta = loadDataset('mpdta.csv');
  const year = mpdta.numeric('year');
  const cohort = mpdta.numeric('first.treat');
  const es = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'sunab' });

  // Hand-built interaction columns for every (e, g) with e ≠ −1, g ∈ {2004, 2006, 2007}.
  const cells: { e: number; g: number; name: string; count: number }[] = [];
  const columns: Record<string, Float64Array> = {};
  for (const g of [2004, 2006, 2007]) {
    for (let e = 2003 - g; e <= 2007 - g; e++) {
      if (e === -1) continue;
      const name = `c${g}_${e < 0 ? 'm' : ''}${Math.abs(e)}`;
      const column = Float64Array.from(year, (y, i) => (cohort[i] === g && y - g === e ? 1 : 0));
      columns[name] = column;
      cells.push({ e, g, name, count: column.reduce((a, b) => a + b, 0) });
    }
  }
  cells.sort((a, b) => a.e - b.e || a.g - b.g);
  const fit = feols(`lemp ~ ${cells.map((c) => c.name).join(' + ')} | countyreal + year`, mpdta.withColumns(columns), { vcov: { CRV1: 'countyreal' } });
  const coef = fit.coef();
  const V = fit.vcov();
  const index = new Map(fit.terms.map((t, i) => [t, i]));
  const df = fit.dist.kind === 't' ? fit.dist.df : Infinity;

  it('cohort-specific coefficients equal the explicit feols, with fixest term names', () => {
    expect(es.cohortEstimates!.length).toBe(cells.length);
    for (const cell of cells) {
      const row = es.cohortEstimates!.find((c) => c.e === cell.e && c.cohort === cell.g)!;
      expect(row.term).toBe(`year::${cell.e}:cohort::${cell.g}`);
      expectClose(row.estimate, coef[cell.name]!, 1e-10, `${row.term}`);
      expect(row.weight).toBe(cell.count);
    }
  });

  it('each event-time estimate = Σ_g share_g b_{g,e}, SE = √(wᵀVw), t-test on the fit df', () => {
    const events = [...new Set(cells.map((c) => c.e))].sort((a, b) => a - b);
    expect(es.rows.map((r) => r.e)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3]);
    for (const e of events) {
      const group = cells.filter((c) => c.e === e);
      const total = group.reduce((s, c) => s + c.count, 0);
      const w = group.map((c) => c.count / total);
      const estimate = group.reduce((s, c, j) => s + w[j]! * coef[c.name]!, 0);
      let variance = 0;
      group.forEach((a, i) => group.forEach((b, j) => (variance += w[i]! * w[j]! * V[index.get(a.name)!]![index.get(b.name)!]!)));
      const se = Math.sqrt(variance);
      const row = es.rows.find((r) => r.e === e)!;
      expectClose(row.estimate, estimate, 1e-10, `e=${e} estimate`);
      expectClose(row.stdError, se, 1e-10, `e=${e} SE`);
      expectClose(row.pValue, 2 * tCdf(-Math.abs(estimate / se), df), 1e-8, `e=${e} p`);
      expect(row.term).toBe(`year::${e}`);
    }
  });

  it('overall ATT averages every e ≥ 0 cell by its row count (fixest agg = "ATT")', () => {
    const group = cells.filter((c) => c.e >= 0);
    const total = group.reduce((s, c) => s + c.count, 0);
    const w = group.map((c) => c.count / total);
    const estimate = group.reduce((s, c, j) => s + w[j]! * coef[c.name]!, 0);
    let variance = 0;
    group.forEach((a, i) => group.forEach((b, j) => (variance += w[i]! * w[j]! * V[index.get(a.name)!]![index.get(b.name)!]!)));
    expectClose(es.overall!.estimate, estimate, 1e-10, 'overall');
    expectClose(es.overall!.stdError, Math.sqrt(variance), 1e-10, 'overall SE');
  });

  it('R cross-check: post-period effects equal did 2.5.1 aggte(att_gt(..., control_group = "nevertreated"), type = "dynamic") (fixtures/oracles/did_mpdta_never_reg.json)', () => {
    // With never-treated controls, no covariates and a balanced panel, each cohort coefficient at
    // e ≥ 0 is the 2×2 DiD between g − 1 and g + e against the never-treated — Callaway–Sant'Anna's
    // ATT(g, g + e) — and both weight cohorts by their size, so the point estimates coincide.
    // (SEs differ: cluster-robust regression vs influence function.)
    const oracle = loadOracle<{ dynamic: { rows: { e: number; att: number }[] } }>('did_mpdta_never_reg');
    const post = es.rows.filter((r) => r.e >= 0).map((r) => ({ e: r.e, att: r.estimate }));
    expectEstimatesMatch(post, oracle.results.dynamic.rows.filter((r) => r.e >= 0), { att: 1e-8 }, { by: 'e', label: 'sunab vs did dynamic' });
  });

  it('window [-2, 2] bins relative times before building the cohort cells (fixest bin.rel): cells at e = -2 pool e ≤ -2', () => {
    const binned = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'sunab', window: [-2, 2] });
    expect(binned.rows.map((r) => r.e)).toEqual([-2, -1, 0, 1, 2]);
    const cell = binned.cohortEstimates!.find((c) => c.e === -2 && c.cohort === 2007)!;
    // cohort 2007 is seen at e = -4, -3, -2: all three are binned into e = -2 (counted from the data).
    const count = [...year].filter((y, i) => cohort[i] === 2007 && y - 2007 <= -2).length;
    expect(cell.weight).toBe(count);
    const e2 = binned.cohortEstimates!.find((c) => c.e === 2 && c.cohort === 2004)!;
    expect(e2.weight).toBe([...year].filter((y, i) => cohort[i] === 2004 && y - 2004 >= 2).length);
  });

  it('pretest covers the 5 cohort-specific pre-period coefficients', () => {
    expect(es.pretest.df1).toBe(cells.filter((c) => c.e < 0).length);
    expect(es.nobs).toBe(2500);
    expect(es.nUnits).toBe(500);
  });
});
