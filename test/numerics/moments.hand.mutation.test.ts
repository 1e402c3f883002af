/**
 * moments.ts (finiteValues, mean, sampleSd) and symmetricEigen.ts on small cases worked by hand.
 * Written to kill surviving mutants (docs/validation.md, "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { finiteValues, mean, sampleSd } from '../../src/numerics/moments.js';
import { symmetricEigen } from '../../src/numerics/symmetricEigen.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';

describe('finiteValues, mean, sampleSd', () => {
  it('drops NaN and ±Infinity, keeps order; an all-finite input is copied, not aliased', () => {
    expect(Array.from(finiteValues([1, NaN, -2, Infinity, 3, -Infinity]))).toEqual([1, -2, 3]);
    const x = Float64Array.of(1, 2);
    const copy = finiteValues(x);
    expect(Array.from(copy)).toEqual([1, 2]);
    expect(copy).not.toBe(x);
    expect(finiteValues([NaN]).length).toBe(0);
  });
  it('mean and the n − 1 standard deviation; NaN when too short', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(mean([])).toBeNaN();
    expectClose(sampleSd([1, 2, 3, 6]), Math.sqrt(14 / 3), 1e-15, 'sd');
    expect(sampleSd([2, 4])).toBe(Math.SQRT2);
    expect(sampleSd([5])).toBeNaN();
    expect(sampleSd([])).toBeNaN();
  });
});

describe('symmetricEigen', () => {
  it('2×2 [[2, 1], [1, 2]]: λ = (1, 3) ascending, eigenvectors ±(1, −1)/√2 and ±(1, 1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expectAllClose(values, [1, 3], 1e-15, 'λ');
    expectClose(Math.abs(vectors[0]!), Math.SQRT1_2, 1e-15, 'v₁[0]');
    expectClose(vectors[0]! * vectors[1]!, -0.5, 1e-15, 'v₁ is (1, −1)/√2');
    expectClose(vectors[2]! * vectors[3]!, 0.5, 1e-15, 'v₂ is (1, 1)/√2');
  });
  it('3×3: V Λ Vᵀ = S, VᵀV = I, column j belongs to λ_j', () => {
    const k = 3;
    const S = Float64Array.of(4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2);
    const { values, vectors: V } = symmetricEigen(S, k);
    expect(values[0]!).toBeLessThan(values[1]!);
    expect(values[1]!).toBeLessThan(values[2]!);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        let orth = 0;
        for (let l = 0; l < k; l++) {
          s += V[i + l * k]! * values[l]! * V[j + l * k]!;
          orth += V[l + i * k]! * V[l + j * k]!;
        }
        expectClose(s, S[i + j * k]!, 1e-13, `VΛVᵀ[${i},${j}]`, { absTol: 1e-14 });
        expectClose(orth, i === j ? 1 : 0, 1e-13, `VᵀV[${i},${j}]`, { absTol: 1e-14 });
      }
      // S v_j = λ_j v_j for each column
      for (let j = 0; j < k; j++) {
        let sv = 0;
        for (let l = 0; l < k; l++) sv += S[i + l * k]! * V[l + j * k]!;
        expectClose(sv, values[j]! * V[i + j * k]!, 1e-12, `(S v_${j})[${i}]`, { absTol: 1e-13 });
      }
    }
  });
});
