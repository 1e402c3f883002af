/**
 * demean's lock-step multi-column kernel: on a balanced two-way panel the within transformation
 * has the closed form x − x̄_unit − x̄_period + x̄ (the answer fixest's demean / lm with unit and
 * period dummies give), and demeaning several columns together must give bit-for-bit what
 * demeaning each alone gives (same sums in the same order), also on unbalanced weighted panels
 * and with three fixed effects. Also the sums of squares and the shared output buffer.
 */
import { describe, expect, it } from 'vitest';
import { demean, type FixedEffectCodes } from '../../src/numerics/demean.js';
import { createRng } from '../../src/numerics/random.js';
import { expectClose } from '../helpers/expectClose.js';

function balanced(units: number, periods: number, seed: number): { fes: FixedEffectCodes[]; cols: Float64Array[] } {
  const rng = createRng(seed);
  const n = units * periods;
  const unit = Int32Array.from({ length: n }, (_, i) => Math.floor(i / periods));
  const period = Int32Array.from({ length: n }, (_, i) => i % periods);
  const cols = [0, 1, 2].map((c) => Float64Array.from({ length: n }, (_, i) => rng.normal() + c * unit[i]! * 0.1 + period[i]! * 0.3));
  return { fes: [{ codes: unit, nLevels: units }, { codes: period, nLevels: periods }], cols };
}

describe('demean (fixest demeaning.cpp algorithm) — fused multi-column kernel', () => {
  it('balanced 200×7 panel, three columns: equals the closed form x − x̄ᵤ − x̄ₜ + x̄ (lm with unit and period dummies)', () => {
    const { fes, cols } = balanced(200, 7, 1);
    const n = 1400;
    const result = demean(cols, fes);
    expect(result.converged).toBe(true);
    cols.forEach((x, c) => {
      const um = new Float64Array(200);
      const pm = new Float64Array(7);
      let mean = 0;
      for (let i = 0; i < n; i++) {
        um[fes[0]!.codes[i]!]! += x[i]! / 7;
        pm[fes[1]!.codes[i]!]! += x[i]! / 200;
        mean += x[i]! / n;
      }
      let ss = 0;
      let ssIn = 0;
      for (let i = 0; i < n; i++) {
        const expected = x[i]! - um[fes[0]!.codes[i]!]! - pm[fes[1]!.codes[i]!]! + mean;
        expectClose(result.columns[c]![i]!, expected, 1e-11, `column ${c} row ${i}`, { absTol: 1e-12 });
        ss += result.columns[c]![i]! ** 2;
        ssIn += x[i]! ** 2;
      }
      expectClose(result.outputSumSquares[c]!, ss, 1e-12, `Σx̃² column ${c}`);
      expectClose(result.inputSumSquares[c]!, ssIn, 1e-12, `Σx² column ${c}`);
    });
    // The columns are consecutive views of one buffer (feols hands them to the QR without a copy).
    expect(result.columns[1]!.buffer).toBe(result.columns[0]!.buffer);
    expect(result.columns[2]!.byteOffset).toBe(2 * n * 8);
  });

  it('together = one at a time, bit for bit: unbalanced weighted two-way and unweighted three-way panels', () => {
    const rng = createRng(7);
    const n = 3000;
    for (const q of [2, 3]) {
      const sizes = [150, 12, 5];
      const fes = sizes.slice(0, q).map((L) => ({ codes: Int32Array.from({ length: n }, () => rng.int(L)), nLevels: L }));
      const cols = [0, 1, 2, 3].map((c) => Float64Array.from({ length: n }, (_, i) => rng.normal() * (c + 1) + fes[0]!.codes[i]! * 0.01 * c));
      const weights = q === 2 ? Float64Array.from({ length: n }, () => 0.1 + rng.uniform()) : undefined;
      const together = demean(cols, fes, { weights });
      const iterations: number[] = [];
      cols.forEach((x, c) => {
        const alone = demean([x], fes, { weights });
        iterations.push(alone.iterations);
        expect(Array.from(together.columns[c]!)).toEqual(Array.from(alone.columns[0]!));
      });
      expect(together.iterations).toBe(Math.max(...iterations));
      expect(together.converged).toBe(true);
    }
  });

  it('out-of-range codes are still rejected on the fused path (3 columns, 2 effects, no weights)', () => {
    const fes = [{ codes: Int32Array.of(0, 1, 2), nLevels: 2 }, { codes: Int32Array.of(0, 0, 1), nLevels: 2 }];
    const x = Float64Array.of(1, 2, 3);
    expect(() => demean([x, x, x], fes)).toThrow(/fixed effect 0 has code 2 outside \[0, 2\) \(row 2\)/);
  });
});
