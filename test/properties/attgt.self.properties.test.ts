/**
 * Properties of attgt() (Callaway–Sant'Anna) on random staggered panels (fast-check, fixed seed,
 * bounded runs; panels from ./randomPanel.ts): the ATT(g,t)s, their SEs, the pre-test and the
 * simple and dynamic aggregations are unchanged by row order, by relabelling unit ids (numbers ↔
 * strings) and periods (shifted with the cohorts) and by scaling the sampling weights; under
 * y → a + b·y effects scale by b and SEs by |b| (effect sizes in SD units by sign(b)); a missing cell in an unused column drops
 * nothing. Analytic SEs only (the bootstrap's draws follow the unit order by design).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attgt } from '../../src/estimators/did/attgt.js';
import type { AttgtResult } from '../../src/estimators/did/attgtResult.js';
import type { Estimate } from '../../src/estimate.js';
import { expectClose } from '../helpers/expectClose.js';
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
  method: fc.constantFrom<'dr' | 'ipw' | 'reg'>('dr', 'ipw', 'reg'),
  control: fc.constantFrom<'never' | 'notyet'>('never', 'notyet'),
  covariates: fc.constantFrom<readonly string[]>([], ['xu']),
  weighted: fc.boolean(),
});
type Variant = typeof variant extends fc.Arbitrary<infer V> ? V : never;

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
    forPermutedPanels([variant], (data, permuted, v) => {
      expectSame(run(permuted, v), run(data, v), 'permuted');
    });
  });

  it('relabelling unit ids (strings, renumbered) and shifting periods with the cohorts does not change the result', () => {
    forPanels([variant], (data, v) => {
      const a = run(data, v);
      expectSame(run(relabel(data, 'id', (x) => `unit-${x}`), v), a, 'string unit ids');
      const shifted = shiftedPanel(data);
      expectSame(run(shifted, v), a, 'renumbered units, periods + 2000', 2000);
    });
  });

  it('scaling the sampling weights by a constant does not change the result', () => {
    forReweightedPanels([variant], (data, reweighted, c, v) => {
      const w = { ...v, weighted: true };
      expectSame(run(reweighted, w), run(data, w), `weights × ${c}`);
    });
  });

  it('y → a + b·y: effects × b, SEs × |b|, z × sign(b); p-values and the pre-test unchanged', () => {
    forAffinePanels([variant], (data, mapped, { a, b }, v) => {
      const r0 = run(data, v);
      const r1 = run(mapped, v);
      expectSameRows(rowsOf(r1), affineRows(rowsOf(r0), b), `y → ${a} + ${b}·y`, 'term', Math.abs(b));
      expectSameRows(pretestRow(r1), pretestRow(r0), `y → ${a} + ${b}·y: pre-test`);
    });
  });

  it("y → a + b·y: effect sizes (SD units, σ of the same outcome) × sign(b), their SEs unchanged — the fit's and every aggregation's", () => {
    forAffinePanels([variant], (data, mapped, { a, b }, v) => {
      const sd = (r: AttgtResult) => [...r.effectSizes(), ...r.aggregate('simple').effectSizes(), ...r.aggregate('dynamic').effectSizes().map((row) => ({ ...row, term: `dynamic ${row.term}` }))];
      const r0 = run(data, v);
      const r1 = run(mapped, v);
      expectClose(r1.standardize.sd, Math.abs(b) * r0.standardize.sd, 1e-10, 'σ × |b|');
      // (a cell's `att` is its estimate's alias)
      const expected = affineRows(sd(r0), Math.sign(b)).map((row) => ('att' in row ? { ...row, att: row.estimate } : row));
      expectSameRows(sd(r1), expected, `y → ${a} + ${b}·y: effect sizes`);
    });
  });

  it('a missing cell in an unused column drops nothing', () => {
    forPanelsWithUnusedMissing([variant], (data, holed, _n, v) => {
      const a = run(data, v);
      const b = run(holed, v);
      expect(b.nobs).toBe(a.nobs);
      expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
      expect(rowsOf(b)).toEqual(rowsOf(a));
    });
  });
});
