/**
 * Properties of attgt() (Callaway–Sant'Anna) on random staggered panels (fast-check, fixed seed,
 * bounded runs; panels from ./randomPanel.ts): the ATT(g,t)s, their SEs, the pre-test and the
 * simple and dynamic aggregations are unchanged by row order, by relabelling unit ids (numbers ↔
 * strings) and periods (shifted with the cohorts) and by scaling the sampling weights; under
 * y → a + b·y effects scale by b and SEs by |b|; a missing cell in an unused column drops
 * nothing. Analytic SEs only (the bootstrap's draws follow the unit order by design).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attgt } from '../../src/estimators/did/attgt.js';
import type { AttgtResult } from '../../src/estimators/did/attgtResult.js';
import type { Estimate } from '../../src/estimate.js';
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
  method: fc.constantFrom<'dr' | 'ipw' | 'reg'>('dr', 'ipw', 'reg'),
  control: fc.constantFrom<'never' | 'notyet'>('never', 'notyet'),
  covariates: fc.constantFrom<readonly string[]>([], ['xu']),
  weighted: fc.boolean(),
});
type Variant = typeof variant extends fc.Arbitrary<infer V> ? V : never;

const columns = (spec: PanelSpec) => makePanel(spec) as unknown as Columns;

function run(data: Columns, v: Variant): AttgtResult {
  return attgt({
    data,
    outcome: 'y',
    unit: 'id',
    time: 'period',
    cohort: 'cohort',
    method: v.method,
    control: v.control,
    covariates: v.covariates,
    ...(v.weighted ? { weights: 'w' } : {}),
  });
}

/** Cells, pre-test and the simple and dynamic aggregations, as rows; `shift` renames ATT(g,t) cells of shifted periods back. */
function rowsOf(r: AttgtResult, shift = 0): Estimate[] {
  const back = (term: string) => term.replace(/^ATT\((\d+),(\d+)\)$/, (_, g: string, t: string) => `ATT(${Number(g) - shift},${Number(t) - shift})`);
  const cells = r.tidy().map((row) => ({ ...row, term: back(row.term) }));
  const simple = r.aggregate('simple').tidy().map((row) => ({ ...row, term: `simple ${row.term}` }));
  const dynamic = r.aggregate('dynamic').tidy().map((row) => ({ ...row, term: `dynamic ${row.term}` }));
  return [...cells, ...simple, ...dynamic];
}

const pretestRow = (r: AttgtResult) => [{ term: 'pretest', pValue: r.pretestPValue }];

function expectSame(b: AttgtResult, a: AttgtResult, label: string, shift = 0): void {
  expect(a.tidy().length, `${label}: cells`).toBeGreaterThan(1);
  expectSameRows(rowsOf(b, shift), rowsOf(a), label);
  expectSameRows(pretestRow(b), pretestRow(a), `${label}: pre-test`);
  expect([b.nobs, b.n]).toEqual([a.nobs, a.n]);
}

describe('attgt: invariances on random staggered panels', () => {
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
        expectSame(run(shifted, v), a, 'renumbered units, periods + 2000', 2000);
      }),
      RUNS,
    );
  });

  it('scaling the sampling weights by a constant does not change the result', () => {
    fc.assert(
      fc.property(panelSpec, variant, weightScale, (spec, v, c) => {
        const data = columns(spec);
        const w = { ...v, weighted: true };
        expectSame(run({ ...data, w: (data.w as number[]).map((x) => c * x) }, w), run(data, w), `weights × ${c}`);
      }),
      RUNS,
    );
  });

  it('y → a + b·y: effects × b, SEs × |b|, z × sign(b); p-values and the pre-test unchanged', () => {
    fc.assert(
      fc.property(panelSpec, variant, affineMap, (spec, v, { a, b }) => {
        const data = columns(spec);
        const r0 = run(data, v);
        const r1 = run(affineOutcome(data, 'y', a, b), v);
        expectSameRows(rowsOf(r1), affineRows(rowsOf(r0), b), `y → ${a} + ${b}·y`, 'term', Math.abs(b));
        expectSameRows(pretestRow(r1), pretestRow(r0), `y → ${a} + ${b}·y: pre-test`);
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
        expect(b.nobs).toBe(a.nobs);
        expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
        expect(rowsOf(b)).toEqual(rowsOf(a));
      }),
      RUNS,
    );
  });
});
