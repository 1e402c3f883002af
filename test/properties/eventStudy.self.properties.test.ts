/**
 * Properties of eventStudy() (TWFE and Sun–Abraham) on random staggered panels (fast-check, fixed
 * seed, bounded runs; panels from ./randomPanel.ts): the event-time rows and the pre-trend test
 * are unchanged by row order, by relabelling unit ids (numbers ↔ strings) and periods (shifted
 * with the cohorts: event times stay) and by scaling the weights; under y → a + b·y the effects
 * scale by b and their SEs by |b| while the pre-trend F is unchanged; a missing cell in an unused
 * column drops nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventStudy, type EventStudyOptions } from '../../src/estimators/did/eventStudy.js';
import type { EventStudyResult } from '../../src/estimators/did/eventStudyResult.js';
import {
  affineRows,
  expectSameRows,
  forAffinePanels,
  forPanels,
  forPanelsWithUnusedMissing,
  forPermutedPanels,
  forReweightedPanels,
  relabel,
  shiftedPanel,
  type Columns,
} from './randomPanel.js';

const variant = fc.record({
  method: fc.constantFrom<'twfe' | 'sunab'>('twfe', 'sunab'),
  covariates: fc.constantFrom<readonly string[]>([], ['x']),
  weighted: fc.boolean(),
  vcov: fc.constantFrom<EventStudyOptions['vcov']>(undefined, 'hetero'),
});
type Variant = typeof variant extends fc.Arbitrary<infer V> ? V : never;

function run(data: Columns, v: Variant): EventStudyResult {
  return eventStudy({
    data,
    outcome: 'y',
    unit: 'id',
    time: 'period',
    cohort: 'cohort',
    method: v.method,
    covariates: v.covariates,
    ...(v.vcov === undefined ? {} : { vcov: v.vcov }),
    ...(v.weighted ? { weights: 'w' } : {}),
  });
}

/** The pre-trend test as a row (NaN when it cannot be computed). */
const pretestRow = (r: EventStudyResult) => [{ term: 'pretest', statistic: r.pretest.statistic, pValue: r.pretest.pValue, df1: r.pretest.df1, df2: r.pretest.df2 }];

function expectSame(b: EventStudyResult, a: EventStudyResult, label: string): void {
  expect(a.tidy().length, `${label}: rows`).toBeGreaterThan(1);
  expectSameRows(b.tidy(), a.tidy(), label);
  expectSameRows(pretestRow(b), pretestRow(a), `${label}: pre-trend test`);
  expect([b.nobs, b.nUnits, b.nClusters]).toEqual([a.nobs, a.nUnits, a.nClusters]);
}

describe('eventStudy: invariances on random staggered panels', () => {
  it('row order does not change the result', () => {
    forPermutedPanels([variant], (data, permuted, v) => {
      expectSame(run(permuted, v), run(data, v), 'permuted');
    });
  });

  it('relabelling unit ids (strings, renumbered) and shifting periods with the cohorts does not change the result', () => {
    forPanels([variant], (data, v) => {
      const a = run(data, v);
      expectSame(run(relabel(data, 'id', (x) => `unit-${x}`), v), a, 'string unit ids');
      const shifted = shiftedPanel(data);
      expectSame(run(shifted, v), a, 'renumbered units, periods + 2000');
    });
  });

  it('scaling the weights by a constant does not change the result', () => {
    forReweightedPanels([variant], (data, reweighted, c, v) => {
      const w = { ...v, weighted: true };
      expectSame(run(reweighted, w), run(data, w), `weights × ${c}`);
    });
  });

  it('y → a + b·y: effects × b, SEs × |b|, t × sign(b); p and the pre-trend F unchanged', () => {
    forAffinePanels([variant], (data, mapped, { a, b }, v) => {
      const r0 = run(data, v);
      const r1 = run(mapped, v);
      const psd = r0.fit.vcovInfo.fixedPsd === true || r1.fit.vcovInfo.fixedPsd === true;
      expect(psd, 'one-way variances need no eigenvalue fix').toBe(false);
      expectSameRows(r1.tidy(), affineRows(r0.tidy(), b), `y → ${a} + ${b}·y`, 'term', Math.abs(b));
      expectSameRows(pretestRow(r1), pretestRow(r0), `y → ${a} + ${b}·y: pre-trend test`);
    });
  });

  it('y → a + b·y: effect sizes (SD units) × sign(b), their SEs unchanged', () => {
    forAffinePanels([variant], (data, mapped, { a, b }, v) => {
      const r0 = run(data, v);
      const r1 = run(mapped, v);
      expectSameRows(r1.effectSizes(), affineRows(r0.effectSizes(), Math.sign(b)), `y → ${a} + ${b}·y: effect sizes`);
    });
  });

  it('a missing cell in an unused column drops nothing', () => {
    forPanelsWithUnusedMissing([variant], (data, holed, n, v) => {
      const a = run(data, v);
      const b = run(holed, v);
      expect(b.nobs).toBe(n);
      expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
      expect(b.tidy()).toEqual(a.tidy());
      expect(b.pretest).toEqual(a.pretest);
    });
  });
});
