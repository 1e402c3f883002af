/**
 * The dense two-phase simplex against LPs solved by hand: a textbook optimum, equality rows with
 * a redundant row, free variables, infeasible and unbounded problems, Beale's cycling example
 * (Dantzig's rule cycles on it without an anti-cycling rule) and a degenerate vertex.
 */
import { describe, expect, it } from 'vitest';
import { linearProgram, standardFormLp, standardFormSolver } from '../../src/numerics/linearProgram.js';
import { thrown } from '../helpers/thrown.js';

/** Column-major m × n from rows. */
const colMajor = (rows: number[][]): Float64Array => {
  const m = rows.length;
  const n = rows[0]!.length;
  const out = new Float64Array(m * n);
  rows.forEach((row, i) => row.forEach((v, j) => (out[i + j * m] = v)));
  return out;
};

describe('standardFormLp', () => {
  it('max x1 + x2 s.t. x1 + 2x2 ≤ 4, 3x1 + x2 ≤ 6 (slacks): optimum (1.6, 1.2), value 2.8', () => {
    const sol = standardFormLp([1, 1, 0, 0], colMajor([[1, 2, 1, 0], [3, 1, 0, 1]]), [4, 6], 2, 4);
    expect(sol.status).toBe('optimal');
    expect(sol.value).toBeCloseTo(2.8, 14);
    expect(sol.x[0]).toBeCloseTo(1.6, 14);
    expect(sol.x[1]).toBeCloseTo(1.2, 14);
  });

  it('a redundant equality row (twice the first) is dropped after phase one', () => {
    // max x1 + 2x2 s.t. x1 + x2 = 1, 2x1 + 2x2 = 2 → x = (0, 1), value 2
    const sol = standardFormLp([1, 2], colMajor([[1, 1], [2, 2]]), [1, 2], 2, 2);
    expect(sol.status).toBe('optimal');
    expect(sol.value).toBeCloseTo(2, 14);
    expect(Array.from(sol.x)).toEqual([0, 1]);
  });

  it('negative right-hand sides are handled (rows flipped for phase one)', () => {
    // max −x1 − x2 s.t. −x1 − x2 + s = −3 (x1 + x2 ≥ 3) → value −3
    const sol = standardFormLp([-1, -1, 0], colMajor([[-1, -1, 1]]), [-3], 1, 3);
    expect(sol.status).toBe('optimal');
    expect(sol.value).toBeCloseTo(-3, 14);
  });

  it('infeasible: x1 + x2 = −1 with x ≥ 0', () => {
    expect(standardFormLp([1, 1], colMajor([[1, 1]]), [-1], 1, 2).status).toBe('infeasible');
  });

  it('unbounded: max x1 s.t. x1 − x2 = 1', () => {
    const sol = standardFormLp([1, 0], colMajor([[1, -1]]), [1], 1, 2);
    expect(sol.status).toBe('unbounded');
    expect(sol.value).toBe(Infinity);
  });

  it("Beale's cycling example terminates at the optimum −1/20", () => {
    // min −3/4 x4 + 150 x5 − 1/50 x6 + 6 x7 s.t. two degenerate rows and x6 ≤ 1 (slacks s1..s3).
    const A = colMajor([
      [0.25, -60, -1 / 25, 9, 1, 0, 0],
      [0.5, -90, -1 / 50, 3, 0, 1, 0],
      [0, 0, 1, 0, 0, 0, 1],
    ]);
    const sol = standardFormLp([0.75, -150, 1 / 50, -6, 0, 0, 0], A, [0, 0, 1], 3, 7);
    expect(sol.status).toBe('optimal');
    expect(-sol.value).toBeCloseTo(-1 / 20, 14);
    expect(sol.x[0]).toBeCloseTo(1 / 25, 14);
    expect(sol.x[2]).toBeCloseTo(1, 14);
  });

  it('rejects non-finite input and mismatched dimensions with typed errors', () => {
    expect(thrown(() => standardFormLp([1, NaN], colMajor([[1, 1]]), [1], 1, 2)).code).toBe('invalid_option');
    expect(thrown(() => standardFormLp([1], colMajor([[1, 1]]), [1], 1, 2)).code).toBe('invalid_option');
  });
});

describe('standardFormSolver', () => {
  it('one phase one, many objectives: bit-identical to solving each LP from scratch', () => {
    const A = colMajor([[1, 2, 1, 0, -1], [3, 1, 0, 1, 2]]);
    const b = [4, 6];
    const solve = standardFormSolver(A, b, 2, 5);
    for (const c of [[1, 1, 0, 0, 0], [1, 0, 0, 0, -1], [-1, 2, 0, 0, 0.5], [0, 0, 0, 0, 0]]) {
      const warm = solve(c);
      const cold = standardFormLp(c, A, b, 2, 5);
      expect(warm.status).toBe(cold.status);
      expect(warm.value).toBe(cold.value);
      expect(Array.from(warm.x)).toEqual(Array.from(cold.x));
    }
  });

  it('reports infeasibility for every objective', () => {
    const solve = standardFormSolver(colMajor([[1, 1]]), [-1], 1, 2);
    expect(solve([1, 0]).status).toBe('infeasible');
    expect(solve([0, 1]).status).toBe('infeasible');
  });
});

describe('linearProgram', () => {
  it('free variables and ≥ rows: min x s.t. x ≥ −2, x ≤ 5 → −2', () => {
    const sol = linearProgram({ objective: [1], sense: 'min', A: [1, 1], m: 2, n: 1, dir: ['>=', '<='], rhs: [-2, 5] });
    expect(sol.status).toBe('optimal');
    expect(sol.value).toBeCloseTo(-2, 14);
    expect(sol.x[0]).toBeCloseTo(-2, 14);
  });

  it('a degenerate vertex: max x + y s.t. x + y ≤ 1, x ≤ 1, y ≤ 1, x − y = 0 → (½, ½)', () => {
    const A = colMajor([[1, 1], [1, 0], [0, 1], [1, -1]]);
    const sol = linearProgram({ objective: [1, 1], sense: 'max', A, m: 4, n: 2, dir: ['<=', '<=', '<=', '=='], rhs: [1, 1, 1, 0] });
    expect(sol.value).toBeCloseTo(1, 14);
    expect(sol.x[0]).toBeCloseTo(0.5, 14);
    expect(sol.x[1]).toBeCloseTo(0.5, 14);
  });

  it('HonestDiD-shaped: the identified set of δ₁ under |δ₁ − 2δ₀ + δ₋₁| ≤ M with δ₋₁ = 0 (δ₀ = 0 dropped) is [−M, M]', () => {
    const M = 0.3;
    // columns (δ₋₁, δ₁); rows ±(δ₋₁ + δ₁) ≤ M and δ₋₁ = 0
    const A = colMajor([[1, 1], [-1, -1], [1, 0]]);
    const max = linearProgram({ objective: [0, 1], sense: 'max', A, m: 3, n: 2, dir: ['<=', '<=', '=='], rhs: [M, M, 0] });
    const min = linearProgram({ objective: [0, 1], sense: 'min', A, m: 3, n: 2, dir: ['<=', '<=', '=='], rhs: [M, M, 0] });
    expect(max.value).toBeCloseTo(M, 14);
    expect(min.value).toBeCloseTo(-M, 14);
  });
});
