/**
 * demean's grid passes (`numerics/demeanGrid.ts`): for two fixed effects whose rows are the full
 * grid in order (a balanced panel sorted by unit, then period) the passes read no codes but must
 * give bit for bit what the general passes give. Weights of exactly 1 take the general (weighted)
 * passes with the same arithmetic (1·x = x), so they are the reference here.
 */
import { describe, expect, it } from 'vitest';
import { demean } from '../../src/numerics/demean.js';
import { isGrid } from '../../src/numerics/demeanGrid.js';
import { centeredSumSquares } from '../../src/numerics/demeanPasses.js';
import { createRng } from '../../src/numerics/random.js';

function grid(units: number, periods: number): { unit: Int32Array; period: Int32Array } {
  const n = units * periods;
  return {
    unit: Int32Array.from({ length: n }, (_, i) => Math.floor(i / periods)),
    period: Int32Array.from({ length: n }, (_, i) => i % periods),
  };
}

describe('demean on the full grid (balanced panel sorted by unit, then period)', () => {
  it('isGrid: exact detection', () => {
    const { unit, period } = grid(3, 4);
    expect(isGrid(unit, period, 3, 4)).toBe(true);
    expect(isGrid(period, unit, 4, 3)).toBe(false); // sorted by period, then unit: not this grid
    const swapped = Int32Array.from(period);
    swapped[5] = 2;
    swapped[6] = 1;
    expect(isGrid(unit, swapped, 3, 4)).toBe(false);
    expect(isGrid(unit.subarray(0, 8), period.subarray(0, 8), 3, 4)).toBe(false); // unbalanced: n ≠ L₀L₁
    expect(isGrid(unit, period, 3, 5)).toBe(false);
  });

  it('bit for bit the general passes, for 1–4 columns and several shapes', () => {
    const rng = createRng(12);
    for (const [units, periods] of [[40, 7], [25, 1], [1, 9], [60, 2]] as const) {
      const { unit, period } = grid(units, periods);
      const n = units * periods;
      const fes = [{ codes: unit, nLevels: units }, { codes: period, nLevels: periods }];
      const ones = new Float64Array(n).fill(1);
      for (let C = 1; C <= 4; C++) {
        const cols = Array.from({ length: C }, (_, c) => Float64Array.from({ length: n }, (_, i) => rng.normal() * (c + 1) + unit[i]! * 0.05 + period[i]! * 0.3 * c));
        const fast = demean(cols, fes, { centered: true });
        const general = demean(cols, fes, { weights: ones, centered: true });
        expect(fast.iterations).toBe(general.iterations);
        expect(fast.converged).toBe(true);
        for (let c = 0; c < C; c++) {
          expect(Object.is(fast.inputSumSquares[c], general.inputSumSquares[c])).toBe(true);
          expect(Object.is(fast.outputSumSquares[c], general.outputSumSquares[c])).toBe(true);
          // Σ(x − x̄)² from the grid passes = the two-pass centeredSumSquares, bit for bit
          expect(Object.is(fast.centeredSumSquares![c], centeredSumSquares(cols[c]!, null))).toBe(true);
          expect(Object.is(general.centeredSumSquares![c], centeredSumSquares(cols[c]!, ones))).toBe(true);
          for (let i = 0; i < n; i++) {
            if (!Object.is(fast.columns[c]![i], general.columns[c]![i])) throw new Error(`${units}×${periods}, C = ${C}: column ${c} row ${i} differs`);
          }
        }
      }
    }
  });
});

describe('demean with a cyclic second effect (codes i mod period, not built on the grid)', () => {
  it('takes the grid passes without reading the cyclic codes and gives the same bits; off the grid it reads them', () => {
    const rng = createRng(12);
    const { unit, period } = grid(7, 5);
    const xs = [0, 1, 2].map(() => Float64Array.from({ length: 35 }, () => rng.normal()));
    const reference = demean(xs, [{ codes: unit, nLevels: 7 }, { codes: period, nLevels: 5 }], { centered: true });
    let reads = 0;
    const cyclic = { get codes(): Int32Array { reads++; return period; }, nLevels: 5, cycle: { period: 5, rows: 35 } };
    const result = demean(xs, [{ codes: unit, nLevels: 7 }, cyclic], { centered: true });
    expect(reads).toBe(0);
    result.columns.forEach((x, c) => expect(Array.from(x)).toEqual(Array.from(reference.columns[c]!)));
    expect(Array.from(result.centeredSumSquares!)).toEqual(Array.from(reference.centeredSumSquares!));
    // First effect not in blocks of 5: the general passes, which read the codes.
    const shuffledUnit = Int32Array.from(unit).reverse();
    const general = demean(xs, [{ codes: shuffledUnit, nLevels: 7 }, cyclic]);
    expect(reads).toBeGreaterThan(0);
    const generalReference = demean(xs, [{ codes: shuffledUnit, nLevels: 7 }, { codes: period, nLevels: 5 }]);
    general.columns.forEach((x, c) => expect(Array.from(x)).toEqual(Array.from(generalReference.columns[c]!)));
  });
});

describe('demean with both effects marked (blocks of L₁, cycle of L₁)', () => {
  it('takes the grid passes reading neither effect\'s codes, same bits', () => {
    const rng = createRng(13);
    const { unit, period } = grid(6, 4);
    const xs = [0, 1, 2].map(() => Float64Array.from({ length: 24 }, () => rng.normal()));
    const reference = demean(xs, [{ codes: unit, nLevels: 6 }, { codes: period, nLevels: 4 }]);
    let reads = 0;
    const blocks = { get codes(): Int32Array { reads++; return unit; }, nLevels: 6, blocks: { length: 4, rows: 24 } };
    const cyclic = { get codes(): Int32Array { reads++; return period; }, nLevels: 4, cycle: { period: 4, rows: 24 } };
    const result = demean(xs, [blocks, cyclic]);
    expect(reads).toBe(0);
    result.columns.forEach((x, c) => expect(Array.from(x)).toEqual(Array.from(reference.columns[c]!)));
  });
});
