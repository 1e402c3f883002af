/**
 * attgt's three panel coders (attgtPanelCoding.ts) give the same fit bit for bit: rows in unit
 * blocks (mpdta as shipped, sorted by county and year: `codePanelSorted`), the same rows in
 * another order (`codePanelDirect`) and text ids (`codePanelFactors`).
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { readColumns } from '../../../src/estimators/did/attgtData.js';
import { readAttgtOptions } from '../../../src/estimators/did/attgtOptions.js';
import { toFrame } from '../../../src/data/fromInput.js';
import { loadDataset } from '../../helpers/oracle.js';

const rows = loadDataset('mpdta.csv').toRows();
const spec = { outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', covariates: ['lpop'] } as const;

/** Bounds.unitBlocks as readColumns finds it. */
function unitBlocks(data: Record<string, unknown>[]): number {
  const { data: frame, params } = readAttgtOptions({ ...spec, data });
  return readColumns(toFrame(frame, 'attgt'), params).bounds.unitBlocks;
}

/** Every number of the fit and its dynamic aggregation. */
function numbers(data: Record<string, unknown>[], method: 'dr' | 'ipw' | 'reg'): number[] {
  const fit = attgt({ ...spec, data, method });
  const agg = fit.aggregate('dynamic');
  return [...fit.rows.flatMap((r) => [r.estimate, r.stdError]), agg.overall.estimate, agg.overall.stdError, ...agg.rows.flatMap((r) => [r.estimate, r.stdError])];
}

describe('attgt panel coders (self)', () => {
  // odd rows then even rows: no longer in unit blocks
  const shuffled = [...rows.filter((_, i) => i % 2 === 1), ...rows.filter((_, i) => i % 2 === 0)];
  // one unit's rows in reverse time order: blocks, but not with the same times
  const reversedUnit = [...rows.slice(5, 10).reverse(), ...rows.slice(0, 5), ...rows.slice(10)];

  it('finds the unit blocks of mpdta as shipped and none in the reordered copies', () => {
    expect(unitBlocks(rows)).toBe(5);
    expect(unitBlocks(shuffled)).toBe(0);
    expect(unitBlocks(reversedUnit)).toBe(0);
    expect(unitBlocks(rows.slice(0, -1))).toBe(0); // the last unit incomplete
  });

  it('a time-varying covariate (full unit × period matrices) gives identical numbers in blocks and reordered', () => {
    const varying = (data: Record<string, unknown>[]) => data.map((r) => ({ ...r, lpop: (r.lpop as number) + 0.01 * ((r.year as number) - 2003) * ((r.countyreal as number) % 3) }));
    const reference = numbers(varying(rows), 'dr');
    expect(reference.every(Number.isFinite)).toBe(true);
    expect(numbers(varying(shuffled), 'dr')).toEqual(reference);
    expect(reference).not.toEqual(numbers(rows, 'dr'));
  });

  for (const method of ['dr', 'ipw', 'reg'] as const) {
    it(`${method}: blocks, reordered rows and text ids give identical numbers`, () => {
      const reference = numbers(rows, method);
      expect(reference.every(Number.isFinite)).toBe(true);
      expect(numbers(shuffled, method)).toEqual(reference);
      expect(numbers(reversedUnit, method)).toEqual(reference);
      expect(numbers(rows.map((r) => ({ ...r, countyreal: `c${String(r.countyreal).padStart(5, '0')}` })), method)).toEqual(reference);
    });
  }
});
