/**
 * The results of attgt and aggregate as the common result base promises them: classes on
 * `Result` with lower-camelCase `kind`s, rows in the `Estimate` vocabulary (plus `group`, `time`,
 * `att` for ATT(g,t)s and `e` for aggregations), `tidy(level)` derived from the stored SEs and
 * influence functions, one summary renderer, plain JSON, `etable` input; and did's pre-test as
 * NaN with a `test_not_computed` note when its covariance is singular.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { AttgtResult } from '../../../src/estimators/did/attgtResult.js';
import { AttgtAggregate } from '../../../src/estimators/did/aggregateResult.js';
import { ESTIMATE_FIELDS } from '../../../src/estimate.js';
import { normalCdf, normalQuantile } from '../../../src/numerics/distributions.js';
import { etable } from '../../../src/report/etable.js';
import { Result } from '../../../src/report/result.js';
import { expectClose } from '../../helpers/expectClose.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

const mpdta = loadDataset('mpdta.csv');
const cs = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' } as const;
const fit = attgt(cs);
const oracle = loadOracle<{ attgt: { group: number; time: number; att: number; stdError: number }[]; simple: { overallAtt: number } }>('did_mpdta_never_dr');

describe("attgt(...) is a Result of kind 'attgt' with Estimate rows", () => {
  it('class, kind, JSON kind', () => {
    expect(fit).toBeInstanceOf(AttgtResult);
    expect(fit).toBeInstanceOf(Result);
    expect(fit.kind).toBe('attgt');
    const json = JSON.parse(JSON.stringify(fit));
    expect(json.kind).toBe('attgt');
    expect(json.rows[0].term).toBe('ATT(2004,2004)');
    expect(json.params).toMatchObject({ method: 'dr', control: 'never', unit: 'countyreal', weights: null });
    expect(json.params.data).toBeUndefined();
  });

  it('rows: the seven Estimate fields, then group, time, att (= estimate) and post, in did order', () => {
    expect(fit.rows.map((r) => [r.group, r.time])).toEqual(oracle.results.attgt.map((r) => [r.group, r.time]));
    for (const row of fit.rows) {
      expect(Object.keys(row)).toEqual([...ESTIMATE_FIELDS, 'group', 'time', 'att', 'post']);
      expect(row.term).toBe(`ATT(${row.group},${row.time})`);
      expect(row.att).toBe(row.estimate);
      expect(row.post).toBe(row.group <= row.time);
      expect(row.statistic).toBe(row.estimate / row.stdError);
      expectClose(row.pValue, 2 * normalCdf(-Math.abs(row.statistic)), 1e-12, `${row.term} p`);
    }
  });

  it('tidy() is the rows without the extra fields; tidy(0.9) uses z at 0.95', () => {
    const tidy = fit.tidy();
    tidy.forEach((row, j) => expect(row).toEqual({ term: fit.rows[j]!.term, estimate: fit.rows[j]!.estimate, stdError: fit.rows[j]!.stdError, statistic: fit.rows[j]!.statistic, pValue: fit.rows[j]!.pValue, confLow: fit.rows[j]!.confLow, confHigh: fit.rows[j]!.confHigh }));
    const z = normalQuantile(0.95);
    fit.tidy(0.9).forEach((row, j) => {
      expectClose(row.confHigh - row.estimate, z * fit.rows[j]!.stdError, 1e-12, `${row.term} half-width at 90%`);
      expect(row.pValue).toBe(fit.rows[j]!.pValue);
    });
  });

  it('vcov() is ΨᵀΨ/n² with the squared SEs on its diagonal', () => {
    const v = fit.vcov();
    fit.rows.forEach((row, j) => expectClose(Math.sqrt(v[j]![j]!), row.stdError, 1e-12, `√vcov ${row.term}`));
  });

  it('summary(): the one renderer (z value table, pre-test footer); inspect prints it', () => {
    const text = fit.summary();
    expect(text).toContain('Pr(>|z|)');
    expect(text).toMatch(/ATT\(2004,2004\) -0\.010503 +0\.023251/);
    expect(text).toContain('P-value for pre-test of parallel trends assumption: 0.16812');
    expect(inspect(fit)).toBe(text);
  });

  it('bootstrap with uniform bands: tidy(level) re-derives the sup-t value from the same seeded draws', () => {
    const boot = attgt({ ...cs, bootstrap: { reps: 499, seed: 11 } });
    expect(boot.tidy(0.95)).toEqual(boot.tidy());
    const at90 = boot.tidy(0.9);
    const crit90 = (at90[0]!.confHigh - at90[0]!.estimate) / at90[0]!.stdError;
    expect(crit90).toBeGreaterThan(normalQuantile(0.95));
    expect(crit90).toBeLessThan(boot.criticalValue);
    expect(attgt({ ...cs, bootstrap: { reps: 499, seed: 11 } }).tidy(0.9)).toEqual(at90);
  });
});

describe("aggregate(...) is a Result of kind 'attgtAggregate'", () => {
  const simple = fit.aggregate('simple');
  const dynamic = fit.aggregate('dynamic');

  it('class, kind, nobs, JSON', () => {
    expect(simple).toBeInstanceOf(AttgtAggregate);
    expect(simple).toBeInstanceOf(Result);
    expect(simple.kind).toBe('attgtAggregate');
    expect(simple.nobs).toBe(2500);
    expect(JSON.parse(JSON.stringify(dynamic))).toMatchObject({ kind: 'attgtAggregate', type: 'dynamic', nobs: 2500, overall: { term: 'ATT' } });
  });

  it('rows are Estimate & { e }; tidy() leads with the overall ATT', () => {
    for (const row of dynamic.rows) {
      expect(Object.keys(row)).toEqual([...ESTIMATE_FIELDS, 'e']);
      expect(row.term).toBe(`event:${row.e}`);
    }
    expect(dynamic.tidy().map((r) => r.term)).toEqual(['ATT', ...dynamic.rows.map((r) => r.term)]);
  });

  it('tidy(0.9) equals aggregating with { level: 0.9 }', () => {
    expect(dynamic.tidy(0.9)).toEqual(fit.aggregate('dynamic', { level: 0.9 }).tidy());
    const z = normalQuantile(0.95);
    const overall = dynamic.tidy(0.9)[0]!;
    expectClose(overall.confHigh - overall.estimate, z * overall.stdError, 1e-12, 'overall half-width at 90%');
  });

  it('summary(): the one renderer; inspect prints it', () => {
    const text = dynamic.summary();
    expect(text).toContain('type: dynamic');
    expect(text).toContain('Pr(>|z|)');
    expect(text).toMatch(/event:-3/);
    expect(inspect(dynamic)).toBe(text);
  });

  it("etable([attgt(...).aggregate('simple')]) prints the overall ATT (did 2.5.1: −0.0400) and the observations", () => {
    expectClose(simple.overall.estimate, oracle.results.simple.overallAtt, 1e-8, 'simple ATT');
    const table = etable([simple]);
    expect(table).toMatch(/^ATT +-0\.0(399|400)\*+ \(0\.0120\)/m);
    expect(table).toContain('2,500');
  });
});

describe("did's Wald pre-test", () => {
  it('a singular covariance gives NaN and a test_not_computed note, and keeps the estimates', () => {
    // two cohorts whose units all change alike in the pre-periods: their pre-treatment ATT(g,t)s
    // take all their variance from the same never-treated units, so their ψ columns coincide
    const data: Record<string, number>[] = [];
    let id = 0;
    for (let u = 0; u < 12; u++, id++) for (let t = 1; t <= 4; t++) data.push({ id, t, g: 0, y: 0.3 * t + Math.sin(u * 7.1 + t * 1.3) });
    for (const g of [3, 4]) for (let u = 0; u < 6; u++, id++) for (let t = 1; t <= 4; t++) data.push({ id, t, g, y: 0.5 * t + (t >= g ? 1 : 0) });
    const res = attgt({ data, outcome: 'y', unit: 'id', time: 't', cohort: 'g', method: 'reg' });
    expect(res.pretest.df).toBe(3);
    expect(Number.isNaN(res.pretest.statistic)).toBe(true);
    expect(Number.isNaN(res.pretestPValue)).toBe(true);
    expect(res.notes).toContainEqual(expect.objectContaining({ code: 'test_not_computed' }));
    expect(res.rows.every((r) => Number.isFinite(r.estimate) && Number.isFinite(r.stdError))).toBe(true);
    expect(res.summary()).toContain('P-value for pre-test of parallel trends assumption: NA');
  });
});
