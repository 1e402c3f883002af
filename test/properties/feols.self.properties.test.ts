/**
 * Properties of feols on random small panels (fast-check, fixed seed, bounded runs; panels from
 * ./randomPanel.ts): the fit is unchanged by row order, by relabelling unit and time ids (numbers
 * ↔ strings) and by scaling the weights; coefficients and SEs scale exactly (to rounding) under an
 * affine map of the outcome; absorbed fixed effects equal explicit dummies; a missing cell in an
 * unused column drops nothing, one in a used column (y, x or the weights) drops exactly its row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feols, type FeolsOptions } from '../../src/models/feols.js';
import {
  affineRows,
  expectSameRows,
  forAffinePanels,
  forPanels,
  forPanelsWithUnusedMissing,
  forPermutedPanels,
  forReweightedPanels,
  permuteRows,
  relabel,
  type Columns,
} from './randomPanel.js';

const FORMULA = 'y ~ x + treatPost | id + period';
const VCOVS: FeolsOptions['vcov'][] = ['iid', 'hetero', { CRV1: 'id' }, { CRV1: 'id + period' }];
const vcovArb = fc.constantFrom(...VCOVS);
const weighted = fc.boolean();

function fit(data: Columns, vcov: FeolsOptions['vcov'], useWeights: boolean, formula = FORMULA) {
  return feols(formula, data, { vcov, ...(useWeights ? { weights: 'w' } : {}) });
}

describe('feols: invariances on random panels', () => {
  it('row order does not change the fit', () => {
    forPermutedPanels([vcovArb, weighted], (data, permuted, vcov, useWeights) => {
      const a = fit(data, vcov, useWeights);
      const b = fit(permuted, vcov, useWeights);
      expectSameRows(b.tidy(), a.tidy(), 'permuted');
      expect(b.nobs).toBe(a.nobs);
      expect(b.vcovInfo.dofK).toBe(a.vcovInfo.dofK);
    });
  });

  it('relabelling unit and time ids (numbers → strings, numbers → other numbers) does not change the fit', () => {
    forPanels([vcovArb, weighted], (data, vcov, useWeights) => {
      const a = fit(data, vcov, useWeights);
      const strings = relabel(relabel(data, 'id', (v) => `unit-${v}`), 'period', (v) => `p${v}`);
      // Numbers whose sorted order differs from the original.
      const numbers = relabel(relabel(data, 'id', (v) => 1000 - 7 * v), 'period', (v) => (v * 37) % 11);
      expectSameRows(fit(strings, vcov, useWeights).tidy(), a.tidy(), 'string ids');
      expectSameRows(fit(numbers, vcov, useWeights).tidy(), a.tidy(), 'renumbered ids');
    });
  });

  it('scaling the weights by a constant does not change the fit', () => {
    forReweightedPanels([vcovArb], (data, reweighted, c, vcov) => {
      const a = fit(data, vcov, true);
      const b = fit(reweighted, vcov, true);
      expectSameRows(b.tidy(), a.tidy(), `weights × ${c}`);
      expect(b.r2).toBeCloseTo(a.r2, 12);
      expect(b.wr2).toBeCloseTo(a.wr2, 12);
    });
  });

  // fixest's fix of a non-positive-definite two-way variance (mat_posdef_fix) raises eigenvalues
  // below 1e-10 to 1e-10, an absolute floor: when it fires the variance is not b²·V, so only the
  // coefficients are compared (vcovInfo.fixedPsd says when; feols matches fixest there, see
  // feols.fixest.grid F3 twoway).
  const fields = (fixed: boolean) => (rows: readonly object[]) =>
    fixed ? rows.map((r) => ({ term: (r as { term: string }).term, estimate: (r as { estimate: number }).estimate })) : rows;

  it('y → a + b·y: coefficients × b, SEs × |b|, t × sign(b), p unchanged; the intercept becomes a + b·intercept', () => {
    forAffinePanels([vcovArb, weighted], (data, mapped, { a, b }, vcov, useWeights) => {
      // With absorbed fixed effects every coefficient scales (the shift goes into the FE).
      const fe = fit(data, vcov, useWeights);
      const feMapped = fit(mapped, vcov, useWeights);
      const feFields = fields(fe.vcovInfo.fixedPsd === true || feMapped.vcovInfo.fixedPsd === true);
      expectSameRows(feMapped.tidy(), feFields(affineRows(fe.tidy(), b)), `FE, y → ${a} + ${b}·y`, 'term', Math.abs(b));
      // Without them, the intercept takes the shift.
      const formula = 'y ~ x + treatPost + treat';
      const plain = fit(data, vcov, useWeights, formula);
      const plainMapped = fit(mapped, vcov, useWeights, formula);
      const fixed = plain.vcovInfo.fixedPsd === true || plainMapped.vcovInfo.fixedPsd === true;
      const slopes = (rows: readonly { term: string }[]) => rows.filter((r) => r.term !== '(Intercept)');
      expectSameRows(slopes(plainMapped.tidy()), fields(fixed)(affineRows(slopes(plain.tidy()) as never, b)), `no FE, y → ${a} + ${b}·y`, 'term', Math.abs(b));
      const i0 = plain.coef()['(Intercept)']!;
      const i1 = plainMapped.coef()['(Intercept)']!;
      expect(Math.abs(i1 - (a + b * i0))).toBeLessThanOrEqual(1e-9 * (Math.abs(a) + Math.abs(b) * (1 + Math.abs(i0))));
      if (!fixed) expect(plainMapped.se()['(Intercept)']! / (Math.abs(b) * plain.se()['(Intercept)']!)).toBeCloseTo(1, 9);
      expect(plainMapped.r2).toBeCloseTo(plain.r2, 10);
    });
  });

  it('absorbed fixed effects equal explicit dummies: coefficients and iid, hetero and clustered (fixefK full) SEs', () => {
    forPanels([weighted], (data, useWeights) => {
      const w = useWeights ? { weights: 'w' } : {};
      for (const vcov of ['iid', 'hetero', { CRV1: 'id' }] as const) {
        const absorbed = feols(FORMULA, data, { vcov, ssc: { fixefK: 'full' }, ...w });
        const dummies = feols('y ~ x + treatPost + factor(id) + factor(period)', data, { vcov, ...w });
        const keep = new Set(absorbed.terms);
        const rows = dummies.tidy().filter((r) => keep.has(r.term));
        expectSameRows(rows, absorbed.tidy(), `absorbed vs dummies, vcov ${JSON.stringify(vcov)}`, 'term', 10);
      }
    });
  });

  it('a missing cell in an unused column drops nothing', () => {
    forPanelsWithUnusedMissing([vcovArb, weighted], (data, holed, n, vcov, useWeights) => {
      const a = fit(data, vcov, useWeights);
      const b = fit(holed, vcov, useWeights);
      expect(b.nobs).toBe(n);
      expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
      expect(b.tidy()).toEqual(a.tidy());
    });
  });

  it('a missing cell in a used column drops exactly that row: the fit equals the fit without it', () => {
    forPanels([vcovArb, weighted, fc.constantFrom('y', 'x', 'w'), fc.nat()], (data, vcov, useWeights, column, at) => {
      const n = data.y!.length;
      const row = at % n;
      const holed = { ...data, [column]: (data[column] as number[]).map((v, i) => (i === row ? NaN : v)) };
      const kept = Array.from({ length: n }, (_, i) => i).filter((i) => i !== row);
      const a = fit(holed, vcov, useWeights || column === 'w');
      const b = fit(permuteRows(data, kept), vcov, useWeights || column === 'w');
      expect(a.nobs).toBe(n - 1);
      expect(a.notes.find((note) => note.code === 'rows_dropped_missing')).toMatchObject({ count: 1, byColumn: { [column]: 1 } });
      expectSameRows(a.tidy(), b.tidy(), `NaN in ${column}[${row}]`);
    });
  });
});
