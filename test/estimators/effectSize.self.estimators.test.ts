/**
 * The `standardize` option and `effectSizes()` of every estimator that has them — attgt (and its
 * aggregations), eventStudy, matchedAtt, mediate — against another path through the package: σ
 * recomputed with `outcomeSd` on the reference rows each documents, and every effect-size row
 * equal to its `tidy()` row divided by σ (statistic and p kept). Then the contract: a bad value
 * is invalid_option; a given option whose σ cannot be computed is an error; the default only
 * leaves NaN effect sizes and a note.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../src/estimators/did/attgt.js';
import { eventStudy } from '../../src/estimators/did/eventStudy.js';
import { effectSize, outcomeSd, standardizeEstimate } from '../../src/estimators/effectSize.js';
import { matchit } from '../../src/estimators/matching/matchit.js';
import { mediate } from '../../src/estimators/mediation/mediate.js';
import type { Estimate } from '../../src/estimate.js';
import { expectClose } from '../helpers/expectClose.js';
import { jobs, jobsModels } from '../helpers/jobsModels.js';
import { FORMULA, lalonde } from '../helpers/matchitLalonde.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const mpdta = loadDataset('mpdta.csv');
const lemp = mpdta.numeric('lemp');
const year = mpdta.numeric('year');
const first = mpdta.numeric('first.treat');
const all = Int32Array.from({ length: mpdta.nrow }, (_, i) => i);
// never-treated counties before the first cohort (2004) is treated: 2003
const baselineSd = outcomeSd(lemp, all, (i) => first[i] === 0 && year[i]! < 2004);
const pooledSd = outcomeSd(lemp, all);
const cs = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' } as const;

/** Each effect-size row is the tidy row / σ. */
function expectScaled(sizes: readonly Estimate[], rows: readonly Estimate[], sd: number, label: string): void {
  expect(sizes.length, label).toBe(rows.length);
  sizes.forEach((s, j) => {
    const expected = standardizeEstimate(rows[j]!, sd);
    expect(s.term).toBe(expected.term);
    for (const key of ['estimate', 'stdError', 'confLow', 'confHigh'] as const) expectClose(s[key], expected[key], 1e-15, `${label} ${s.term} ${key}`);
    expect([s.statistic, s.pValue]).toEqual([rows[j]!.statistic, rows[j]!.pValue]);
  });
}

describe('attgt standardize: σ over never-treated counties in 2003, pooled, or given', () => {
  it("default 'control-baseline' = sd(lemp[first.treat == 0 & year == 2003]); every row and aggregation ÷ σ", () => {
    const fit = attgt(cs);
    expect(fit.standardize).toEqual({ standardize: 'control-baseline', sd: baselineSd, n: 309 });
    expectScaled(fit.effectSizes(), fit.tidy(), baselineSd, 'cells');
    for (const type of ['simple', 'dynamic', 'group', 'calendar'] as const) {
      const agg = fit.aggregate(type);
      expect(agg.standardize.sd).toBe(baselineSd);
      expectScaled(agg.effectSizes(), agg.tidy(), baselineSd, type);
      expectScaled(agg.effectSizes(0.9), agg.tidy(0.9), baselineSd, `${type} at 90%`);
    }
  });

  it("'pooled' = sd(lemp); a number is σ itself; unbalanced and cross-section fits too", () => {
    // (the panel path sums unit × period, not row order: the last bits may differ)
    expectClose(attgt({ ...cs, standardize: 'pooled' }).standardize.sd, pooledSd, 1e-14, 'pooled σ');
    const given = attgt({ ...cs, standardize: 2 });
    expectScaled(given.effectSizes(), given.tidy(), 2, 'given');
    const rc = attgt({ ...cs, panel: false });
    expectClose(rc.standardize.sd, baselineSd, 1e-14, 'cross-section σ');
    const ub = loadDataset('mpdta_unbalanced.csv');
    const unbalanced = attgt({ ...cs, data: ub, allowUnbalanced: true });
    const ubFirst = ub.numeric('first.treat');
    const ubYear = ub.numeric('year');
    const ubSd = outcomeSd(ub.numeric('lemp'), Int32Array.from({ length: ub.nrow }, (_, i) => i), (i) => ubFirst[i] === 0 && ubYear[i]! < 2004);
    expectClose(unbalanced.standardize.sd, ubSd, 1e-14, 'unbalanced σ');
  });

  it('bad values are invalid_option; a given σ that cannot be computed is an error, the default a NaN and a note', () => {
    expect(thrown(() => attgt({ ...cs, standardize: 'glass' as never })).code).toBe('invalid_option');
    const constant = (mpdta.toRows() as Record<string, number>[]).map((r) => (r['first.treat'] === 0 && r.year === 2003 ? { ...r, lemp: 5 } : r));
    expect(thrown(() => attgt({ ...cs, data: constant, standardize: 'control-baseline' })).code).toBe('invalid_option');
    const fit = attgt({ ...cs, data: constant });
    expect(fit.standardize.sd).toBeNaN();
    expect(fit.effectSizes()[0]!.estimate).toBeNaN();
    expect(Number.isFinite(fit.rows[0]!.estimate)).toBe(true);
    expect(fit.notes.some((n) => n.code === 'test_not_computed' && n.test === 'Effect sizes in SD units')).toBe(true);
  });

  it("an aggregation's own standardize overrides the fit's σ ('pooled', 'control-baseline', a number); a bad value is invalid_option", () => {
    const fit = attgt(cs);
    const pooled = fit.aggregate('dynamic', { standardize: 'pooled' });
    expectClose(pooled.standardize.sd, pooledSd, 1e-14, 'pooled σ');
    expectScaled(pooled.effectSizes(), pooled.tidy(), pooled.standardize.sd, 'dynamic pooled');
    expect(fit.aggregate('simple', { standardize: 'control-baseline' }).standardize).toEqual(fit.standardize);
    expect(attgt({ ...cs, standardize: 'pooled' }).aggregate('simple', { standardize: 'control-baseline' }).standardize.sd).toBe(baselineSd);
    expect(fit.aggregate('group', { standardize: 3 }).standardize.sd).toBe(3);
    expect(thrown(() => fit.aggregate('simple', { standardize: 'glass' as never })).code).toBe('invalid_option');
  });

  it('effectSize(aggregation) reads its overall ATT, σ and group sizes (500 counties, 191 treated)', () => {
    const agg = attgt({ ...cs, standardize: 'pooled' }).aggregate('simple');
    expect(agg.sampleSizes).toEqual({ treated: 191, control: 309, clusters: NaN });
    expectScaled([effectSize(agg, { type: 'sd' }).estimate], [agg.overall], agg.standardize.sd, 'effectSize sd');
    expect(thrown(() => effectSize(agg, { icc: 0.2 })).code).toBe('invalid_option'); // not clustered
  });
});

describe('eventStudy standardize: the same σ rule', () => {
  it("'control-baseline' (default) and 'pooled'; effectSizes() = tidy() ÷ σ", () => {
    const es = eventStudy(cs);
    expect(es.standardize.sd).toBe(baselineSd);
    expectScaled(es.effectSizes(), es.tidy(), baselineSd, 'twfe');
    const sa = eventStudy({ ...cs, method: 'sunab', standardize: 'pooled' });
    expect(sa.standardize.sd).toBe(pooledSd);
    expectScaled(sa.effectSizes(0.9), sa.tidy(0.9), pooledSd, 'sunab at 90%');
  });

  it("cohorts treated before the sample (kept by 'sunab') do not move the baseline: σ stays the 2003 never-treated one", () => {
    const rows = (mpdta.toRows() as Record<string, number>[]).map((r) => (r.countyreal! < 8050 && r['first.treat'] === 2004 ? { ...r, 'first.treat': 2002 } : r));
    const sa = eventStudy({ ...cs, data: rows, method: 'sunab' });
    expect(sa.standardize).toEqual({ standardize: 'control-baseline', sd: baselineSd, n: 309 });
  });
});

describe('matchedAtt standardize: σ of the matched controls (or pooled, or given)', () => {
  it('the ATT ÷ σ of re78 among matched controls (weights > 0)', () => {
    const m = matchit({ formula: FORMULA, data: lalonde });
    const att = m.att({ outcome: 're78' });
    const md = m.matchedData();
    const re78 = md.numeric('re78');
    const treat = md.numeric('treat');
    const rows = Int32Array.from({ length: md.nrow }, (_, i) => i);
    const sd = outcomeSd(re78, rows, (i) => treat[i] === 0);
    expect(att.standardize.sd).toBe(sd);
    expectScaled([att.effectSize], [att.estimate], sd, 'matched ATT');
    expect(m.att({ outcome: 're78', standardize: 'pooled' }).standardize.sd).toBe(outcomeSd(re78, rows));
  });
});

describe('mediate standardize: ACME, ADE and total ÷ σ of the outcome at the control value', () => {
  it('jobs: σ = sd(depress2[treat == 0]); the proportions mediated are left out', () => {
    const res = mediate({ ...jobsModels, sims: 50, seed: 1 });
    const y = jobs.numeric('depress2');
    const t = jobs.numeric('treat');
    const sd = outcomeSd(y, Int32Array.from({ length: jobs.nrow }, (_, i) => i), (i) => t[i] === 0);
    expectClose(res.standardize.sd, sd, 1e-14, 'σ');
    const rows = res.tidy().filter((r) => !r.term.startsWith('Prop.'));
    expectScaled(res.effectSizes(), rows, res.standardize.sd, 'mediate');
    expect(mediate({ ...jobsModels, sims: 50, seed: 1, standardize: 0.5 }).effectSizes()[0]!.estimate).toBe(rows[0]!.estimate / 0.5);
  });
});
