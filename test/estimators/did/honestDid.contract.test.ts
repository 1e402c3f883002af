/**
 * honestDid's contract: the three input forms (plain β̂/Σ, an eventStudy result, an attgt dynamic
 * aggregate) give the intervals of the same β̂ and Σ; options are checked with typed errors and
 * suggestions; the caller's input is not mutated; the result is a Result (kind, tidy at any level,
 * summary, toJSON) with a breakdown value consistent with its rows.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { did2s } from '../../../src/estimators/did/did2s.js';
import { didImputation } from '../../../src/estimators/did/didImputation.js';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { honestDid } from '../../../src/estimators/did/honestDid.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';
import { thrown } from '../../helpers/thrown.js';

const o = loadOracle<{ betahat: number[]; sigma: number[][]; numPrePeriods: number; numPostPeriods: number }>('honestdid_mpdta_first').results;
const plain = { betahat: o.betahat, sigma: o.sigma, numPrePeriods: o.numPrePeriods, numPostPeriods: o.numPostPeriods };
const quick = { type: 'smoothness', M: [0, 0.02], method: 'Conditional', gridPoints: 101 } as const;

describe('honestDid input forms', () => {
  const mpdta = loadDataset('mpdta.csv');

  it('an eventStudy result: rows and vcov() are the reference-free β̂ and Σ (HonestDiD oracle to 1e-10), same intervals as the plain form', () => {
    const es = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
    const estimated = es.rows.filter((r) => r.reference !== true);
    const V = es.vcov();
    estimated.forEach((row, i) => {
      expect(Math.abs(row.estimate - o.betahat[i]!)).toBeLessThan(1e-10 * Math.abs(o.betahat[i]!));
      V[i]!.forEach((v, j) => expect(Math.abs(v - o.sigma[i]![j]!)).toBeLessThan(1e-10 * Math.abs(o.sigma[i]![j]!)));
    });
    const fromResult = honestDid(es, quick);
    const fromPlain = honestDid({ betahat: estimated.map((r) => r.estimate), sigma: V, numPrePeriods: 3, numPostPeriods: 4 }, quick);
    expect(fromResult.rows).toEqual(fromPlain.rows);
    expect(fromResult.times).toEqual([-4, -3, -2, 0, 1, 2, 3]);
  });

  it("a Sun–Abraham eventStudy: vcov() is W·V·Wᵀ of the cohort-share-weighted rows (its diagonal is the rows' SE²)", () => {
    const sa = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'sunab' });
    const estimated = sa.rows.filter((r) => r.reference !== true);
    const V = sa.vcov();
    expect(V).toHaveLength(estimated.length);
    estimated.forEach((row, i) => {
      expect(Math.abs(Math.sqrt(V[i]![i]!) - row.stdError)).toBeLessThan(1e-12 * row.stdError);
      V[i]!.forEach((v, j) => expect(v).toBe(V[j]![i]!));
    });
    const hd = honestDid(sa, quick);
    expect(hd.times).toEqual(estimated.map((r) => r.e));
  });

  it('an attgt dynamic aggregate: the universal-base-period reference row is dropped and Σ = ΨᵀΨ/n²', () => {
    const agg = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', basePeriod: 'universal' }).aggregate('dynamic');
    const hd = honestDid(agg, quick);
    const keep = agg.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.e !== -1);
    const psi = agg.influence();
    const n = agg.n;
    const sigma = keep.map(({ i: a }) => keep.map(({ i: b }) => {
      let s = 0;
      for (let u = 0; u < n; u++) s += psi[u + a * n]! * psi[u + b * n]!;
      return s / (n * n);
    }));
    keep.forEach(({ r }, i) => expect(Math.sqrt(sigma[i]![i]!)).toBeCloseTo(r.stdError, 12));
    const fromPlain = honestDid({ betahat: keep.map(({ r }) => r.estimate), sigma, numPrePeriods: 3, numPostPeriods: 4 }, quick);
    expect(hd.rows).toEqual(fromPlain.rows);
  });

  it('results whose vcov() follows `terms` (didImputation, did2s event study): the event-time rows are picked by term; rows without e are skipped', () => {
    const bjs = didImputation({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', horizons: true, pretrends: true });
    const V = bjs.vcov();
    const hd = honestDid(bjs, quick);
    expect(hd.times).toEqual([-4, -3, -2, 0, 1, 2, 3]);
    const fromPlain = honestDid({ betahat: bjs.rows.map((r) => r.estimate), sigma: V, numPrePeriods: 3, numPostPeriods: 4 }, quick);
    expect(hd.rows).toEqual(fromPlain.rows);
    // did2s's event study (second stage i(rel_year, ref = c(-1, -1000))): the same reading.
    const cohort = mpdta.numeric('first.treat', 'test');
    const year = mpdta.numeric('year', 'test');
    const withRel = mpdta.withColumns({
      treat_post: Float64Array.from(cohort, (g, i) => (g > 0 && year[i]! >= g ? 1 : 0)),
      rel_year: Float64Array.from(cohort, (g, i) => (g > 0 ? year[i]! - g : -1000)),
    });
    const gardner = did2s({ data: withRel, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(rel_year, ref = c(-1, -1000))', treatment: 'treat_post', clusters: 'countyreal' });
    const fromDid2s = honestDid(gardner, quick);
    expect(fromDid2s.times).toEqual([-4, -3, -2, 0, 1, 2, 3]);
    expect(fromDid2s.rows).toEqual(honestDid({ betahat: gardner.rows.map((r) => r.estimate), sigma: gardner.vcov(), numPrePeriods: 3, numPostPeriods: 4 }, quick).rows);
    // A covariate row (no e) listed first in terms: it is left out of β̂ and Σ.
    const rows = [{ term: 'x', estimate: 9, e: undefined }, ...o.betahat.map((b, i) => ({ term: `e${i}`, estimate: b, e: [-4, -3, -2, 0, 1, 2, 3][i]! }))];
    const big = [[1, ...o.sigma.map(() => 0.5)], ...o.sigma.map((row) => [0.5, ...row])];
    const withCovariate = { rows, terms: rows.map((r) => r.term), vcov: () => big };
    expect(honestDid(withCovariate, quick).rows).toEqual(honestDid(plain, quick).rows);
  });

  it("an attgt aggregate with did's default varying base period is refused (HonestDiD's honest_did does too)", () => {
    const varying = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }).aggregate('dynamic');
    const e = thrown(() => honestDid(varying, quick));
    expect(e.code).toBe('invalid_option');
    expect(e.message).toContain("basePeriod: 'universal'");
  });

  it("default grids are HonestDiD's: Mbar = seq(0, 2, length.out = 10); M from 0 to the pre-periods' bound", () => {
    const rm = honestDid(plain, { method: 'Conditional', gridPoints: 21 });
    expect(rm.rows.map((r) => r.M)).toEqual(Array.from({ length: 10 }, (_, i) => (i === 9 ? 2 : i * (2 / 9))));
    const sd = honestDid(plain, { type: 'smoothness', flciQuantile: 'exact' });
    // DeltaSD_upperBound_Mpre: max over ±(β₋₂ − 2β₋₃ + β₋₄) of the difference + z₀.₉₅ · its SE.
    const a = [1, -2, 1];
    const diff = a.reduce((acc, v, i) => acc + v * o.betahat[i]!, 0);
    const variance = a.reduce((acc, v, i) => acc + v * a.reduce((s, w, j) => s + o.sigma[i]![j]! * w, 0), 0);
    const upper = Math.abs(diff) + 1.6448536269514722 * Math.sqrt(variance);
    expect(sd.rows).toHaveLength(10);
    expect(sd.rows[9]!.M).toBeCloseTo(upper, 14);
  });

  it('postPeriod picks an event time; "average" weights the post periods equally; lVec overrides', () => {
    expect(honestDid(plain, { ...quick, postPeriod: 2 }).lVec).toEqual([0, 0, 1, 0]);
    expect(honestDid(plain, { ...quick, postPeriod: 'average' }).lVec).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(honestDid(plain, { ...quick, lVec: [0.5, 0.5, 0, 0] }).lVec).toEqual([0.5, 0.5, 0, 0]);
  });
});

describe('honestDid options and errors', () => {
  it('R names get suggestions: alpha → level, l_vec → lVec, Mvec → M', () => {
    const alpha = thrown(() => honestDid(plain, { alpha: 0.05 } as never));
    expect(alpha.code).toBe('unknown_option');
    expect(alpha.message).toContain('level: 0.95');
    expect(thrown(() => honestDid(plain, { l_vec: [1, 0, 0, 0] } as never)).message).toContain('lVec');
    expect(thrown(() => honestDid(plain, { Mvec: [0] } as never)).message).toContain('"M"');
  });

  it("HonestDiD's shape and sign restrictions are unknown options that say they are not supported", () => {
    const e = thrown(() => honestDid(plain, { monotonicityDirection: 'increasing' } as never));
    expect(e.code).toBe('unknown_option');
    expect(e.message).toContain('not supported');
  });

  it.each([
    [{ type: 'relativeMagnitudes', method: 'FLCI' }, 'relative magnitudes support methods'],
    [{ type: 'relativeMagnitudes', M: [1] }, 'take Mbar, not M'],
    [{ Mbar: [-1] }, 'option "Mbar" must be'],
    [{ Mbar: [] }, 'option "Mbar" must be'],
    [{ postPeriod: -2 }, 'postPeriod -2 is not a post-period event time'],
    [{ lVec: [1, 0] }, 'lVec has 2 weights for 4 post periods'],
    [{ level: 1.5 }, 'option "level" must be'],
    [{ gridPoints: 1 }, 'option "gridPoints" must be'],
    [{ method: 'C-G' }, 'option "method" must be one of'],
  ])('invalid_option for %j', (options, message) => {
    const e = thrown(() => honestDid(plain, options as never));
    expect(e.code).toBe('invalid_option');
    expect(e.message).toContain(message);
    expect(e.message.startsWith('honestDid: ')).toBe(true);
  });

  it('bad inputs: not an event study, non-conformable, asymmetric or non-finite Σ', () => {
    expect(thrown(() => honestDid(42 as never)).code).toBe('invalid_option');
    expect(thrown(() => honestDid({ rows: [] } as never)).code).toBe('invalid_option');
    expect(thrown(() => honestDid({ ...plain, numPrePeriods: 2 })).message).toContain('do not conform');
    const asym = o.sigma.map((row) => [...row]);
    asym[0]![1] = asym[0]![1]! * 2;
    expect(thrown(() => honestDid({ ...plain, sigma: asym })).message).toContain('symmetric');
    expect(thrown(() => honestDid({ ...plain, betahat: [NaN, ...o.betahat.slice(1)] })).code).toBe('non_finite');
  });

  it('one post period: the tests without nuisance parameters; the FLCI equals the four-period one for e = 0', () => {
    const one = { betahat: o.betahat.slice(0, 4), sigma: o.sigma.slice(0, 4).map((r) => r.slice(0, 4)), numPrePeriods: 3, numPostPeriods: 1 };
    // Δ^RM(0) pins the post-period bias to 0: the robust interval is close to the original one.
    const rm = honestDid(one, { type: 'relativeMagnitudes', Mbar: [0], method: 'Conditional', gridPoints: 401 });
    const width = rm.original.ub - rm.original.lb;
    expect(Math.abs(rm.rows[0]!.lb - rm.original.lb)).toBeLessThan(0.05 * width);
    expect(Math.abs(rm.rows[0]!.ub - rm.original.ub)).toBeLessThan(0.05 * width);
    for (const method of ['C-LF', 'Conditional', 'C-F'] as const) {
      const sd = honestDid(one, { type: 'smoothness', M: [0.01], method, gridPoints: 201, flciQuantile: 'exact' });
      expect(sd.rows[0]!.lb).toBeLessThan(sd.estimate);
      expect(sd.rows[0]!.ub).toBeGreaterThan(sd.estimate);
    }
    // The FLCI for l = e₁ uses only the pre-periods and the first post period.
    const flciOracle = loadOracle<{ flciExactFoldedNormal: { M: number; lb: number; ub: number }[] }>('honestdid_mpdta_first').results.flciExactFoldedNormal;
    const flci = honestDid(one, { type: 'smoothness', M: [0.01, 0.02], flciQuantile: 'exact' });
    flci.rows.forEach((row) => {
      const want = flciOracle.find((r) => r.M === row.M)!;
      expect(Math.abs(row.lb - want.lb)).toBeLessThan(1e-6 * Math.abs(want.lb));
      expect(Math.abs(row.ub - want.ub)).toBeLessThan(1e-6 * Math.abs(want.ub));
    });
  });

  it('does not mutate the caller’s input', () => {
    const input = structuredClone(plain);
    const before = JSON.stringify(input);
    honestDid(input, quick);
    honestDid(input, { type: 'smoothness', M: [0.01], flciQuantile: 'exact' });
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('HonestDidResult', () => {
  const hd = honestDid(plain, quick);

  it('is a Result: kind, frozen rows, tidy() Estimates with the seven fields, summary, toJSON', () => {
    expect(hd.kind).toBe('honestDid');
    expect(Object.isFrozen(hd.rows)).toBe(true);
    const tidy = hd.tidy();
    expect(tidy.map((r) => r.term)).toEqual(['Original', 'M = 0', 'M = 0.02']);
    for (const row of tidy) expect(Object.keys(row).sort()).toEqual(['confHigh', 'confLow', 'estimate', 'pValue', 'statistic', 'stdError', 'term']);
    expect(tidy[0]!.estimate).toBeCloseTo(o.betahat[3]!, 15);
    expect(hd.summary()).toContain('HonestDiD sensitivity analysis');
    const json = hd.toJSON() as Record<string, unknown>;
    expect(json.kind).toBe('honestDid');
    expect(JSON.parse(JSON.stringify(json)).rows).toHaveLength(2);
  });

  it('tidy(level) recomputes: a 90% interval lies inside the 95% one', () => {
    const t95 = hd.tidy();
    const t90 = hd.tidy(0.9);
    t90.forEach((row, i) => {
      expect(row.confLow).toBeGreaterThanOrEqual(t95[i]!.confLow);
      expect(row.confHigh).toBeLessThanOrEqual(t95[i]!.confHigh);
    });
    expect(thrown(() => hd.tidy(2)).code).toBe('invalid_option');
  });

  it('an interval reaching an end of the θ grid, or empty, is a honest_grid_limits note (HonestDiD warns)', () => {
    const wide = honestDid(plain, { type: 'relativeMagnitudes', Mbar: [0, 5], method: 'Conditional', gridPoints: 101 });
    expect(wide.notes).toEqual([{ code: 'honest_grid_limits', parameter: 'Mbar', open: [5], empty: [] }]);
    expect(wide.noteLines()[0]).toContain('open at an end of the θ grid for Mbar = 5');
    const off = honestDid(plain, { type: 'relativeMagnitudes', Mbar: [0], method: 'Conditional', gridPoints: 51, gridLb: 0.5, gridUb: 1 });
    expect(off.rows[0]!.lb).toBeNaN();
    expect(off.notes).toEqual([{ code: 'honest_grid_limits', parameter: 'Mbar', open: [], empty: [0] }]);
    expect(hd.notes).toEqual([]);
  });

  it('the breakdown value is the largest M up to which every interval excludes 0', () => {
    // A strongly significant effect with flat pre-trends: excludes 0 at small M̄, not at large.
    const strong = { betahat: [0, 0.001, -0.001, 0.1, 0.1], sigma: [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1e-4 : 0))), numPrePeriods: 3, numPostPeriods: 2 };
    const r = honestDid(strong, { type: 'relativeMagnitudes', Mbar: [0, 1, 5, 20], method: 'Conditional', gridPoints: 201 });
    const excludes = r.rows.map((row) => row.lb > 0 || row.ub < 0);
    expect(excludes[0]).toBe(true);
    expect(excludes[3]).toBe(false);
    const firstIncluding = excludes.indexOf(false);
    expect(r.breakdown).toBe(r.rows[firstIncluding - 1]!.M);
  });
});
