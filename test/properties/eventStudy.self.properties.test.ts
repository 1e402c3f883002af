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
  affineMap,
  affineOutcome,
  affineRows,
  expectSameRows,
  makePanel,
  panelSpec,
  permutation,
  permuteRows,
  relabel,
  RUNS,
  weightScale,
  withUnusedMissing,
  type Columns,
  type PanelSpec,
} from './randomPanel.js';

const variant = fc.record({
  method: fc.constantFrom<'twfe' | 'sunab'>('twfe', 'sunab'),
  covariates: fc.constantFrom<readonly string[]>([], ['x']),
  weighted: fc.boolean(),
  vcov: fc.constantFrom<EventStudyOptions['vcov']>(undefined, 'hetero'),
});
type Variant = typeof variant extends fc.Arbitrary<infer V> ? V : never;

const columns = (spec: PanelSpec) => makePanel(spec) as unknown as Columns;

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
    fc.assert(
      fc.property(panelSpec, variant, fc.integer(), (spec, v, seed) => {
        const data = columns(spec);
        expectSame(run(permuteRows(data, permutation(data.y!.length, seed)), v), run(data, v), 'permuted');
      }),
      RUNS,
    );
  });

  it('relabelling unit ids (strings, renumbered) and shifting periods with the cohorts does not change the result', () => {
    fc.assert(
      fc.property(panelSpec, variant, (spec, v) => {
        const data = columns(spec);
        const a = run(data, v);
        expectSame(run(relabel(data, 'id', (x) => `unit-${x}`), v), a, 'string unit ids');
        const shifted = relabel(relabel(relabel(data, 'id', (x) => 1000 - 7 * x), 'period', (t) => 2000 + t), 'cohort', (g) => (g === 0 ? 0 : 2000 + g));
        expectSame(run(shifted, v), a, 'renumbered units, periods + 2000');
      }),
      RUNS,
    );
  });

  it('scaling the weights by a constant does not change the result', () => {
    fc.assert(
      fc.property(panelSpec, variant, weightScale, (spec, v, c) => {
        const data = columns(spec);
        const w = { ...v, weighted: true };
        expectSame(run({ ...data, w: (data.w as number[]).map((x) => c * x) }, w), run(data, w), `weights × ${c}`);
      }),
      RUNS,
    );
  });

  it('y → a + b·y: effects × b, SEs × |b|, t × sign(b); p and the pre-trend F unchanged', () => {
    fc.assert(
      fc.property(panelSpec, variant, affineMap, (spec, v, { a, b }) => {
        const data = columns(spec);
        const r0 = run(data, v);
        const r1 = run(affineOutcome(data, 'y', a, b), v);
        const psd = r0.fit.vcovInfo.fixedPsd === true || r1.fit.vcovInfo.fixedPsd === true;
        expect(psd, 'one-way variances need no eigenvalue fix').toBe(false);
        expectSameRows(r1.tidy(), affineRows(r0.tidy(), b), `y → ${a} + ${b}·y`, 'term', Math.abs(b));
        expectSameRows(pretestRow(r1), pretestRow(r0), `y → ${a} + ${b}·y: pre-trend test`);
      }),
      RUNS,
    );
  });

  it('a missing cell in an unused column drops nothing', () => {
    fc.assert(
      fc.property(panelSpec, variant, fc.integer(), (spec, v, seed) => {
        const data = columns(spec);
        const n = data.y!.length;
        const a = run(data, v);
        const b = run(withUnusedMissing(data, n, seed), v);
        expect(b.nobs).toBe(n);
        expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
        expect(b.tidy()).toEqual(a.tidy());
        expect(b.pretest).toEqual(a.pretest);
      }),
      RUNS,
    );
  });
});
