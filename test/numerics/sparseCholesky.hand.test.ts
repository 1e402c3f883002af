/**
 * SparseCholesky by hand: small worked examples, and agreement with the dense Cholesky on random
 * sparse SPD matrices with the block patterns of mixed models (one factor, nested, crossed).
 */
import { describe, expect, it } from 'vitest';
import { eliminationTree, SparseCholesky, type SparsePattern } from '../../src/numerics/sparseCholesky.js';
import { choleskyFactor } from '../../src/numerics/cholesky.js';
import { createRng } from '../../src/numerics/random.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';
import { thrown } from '../helpers/thrown.js';

/** Upper-triangle CSC of a dense symmetric n×n matrix (entries ≠ 0 and the diagonal). */
function toPattern(A: number[][]): { pattern: SparsePattern; values: Float64Array } {
  const n = A.length;
  const colPtr = [0];
  const rows: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      if (A[i]![j] !== 0 || i === j) {
        rows.push(i);
        values.push(A[i]![j]!);
      }
    }
    colPtr.push(rows.length);
  }
  return { pattern: { n, colPtr: Int32Array.from(colPtr), rowIndex: Int32Array.from(rows) }, values: Float64Array.from(values) };
}

/** A random SPD matrix Z'Z + I where Z has one 1 per factor per row (crossed factors of sizes `levels`). */
function mixedModelMatrix(levels: number[], rows: number, seed: number): number[][] {
  const rng = createRng(seed);
  const q = levels.reduce((a, b) => a + b, 0);
  const A = Array.from({ length: q }, (_, i) => Array.from({ length: q }, (_, j) => (i === j ? 1 : 0)));
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    const cols = levels.map((l) => {
      const c = offset + rng.int(l);
      offset += l;
      return c;
    });
    const w = 0.5 + rng.uniform();
    for (const a of cols) for (const b of cols) A[a]![b]! += w;
  }
  return A;
}

describe('SparseCholesky: a 3×3 worked example', () => {
  // A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]]: L = [[2, 0, 0], [0.5, √2.75, 0], [0, 1/√2.75, √(2 − 1/2.75)]]
  const { pattern, values } = toPattern([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
  it('elimination tree of a tridiagonal matrix is a path', () => {
    expect([...eliminationTree(pattern)]).toEqual([1, 2, -1]);
  });
  it('factor, log-determinant and solve', () => {
    const chol = new SparseCholesky(pattern);
    chol.factor(values);
    expectAllClose(chol.lValues, [2, 0.5, Math.sqrt(2.75), 1 / Math.sqrt(2.75), Math.sqrt(2 - 1 / 2.75)], 1e-15, 'L');
    expectClose(chol.logDeterminant(), Math.log(18), 1e-15, 'log det'); // det = 4·(6 − 1) − 1·2 = 18
    expectAllClose(chol.solve([5, 5, 3]), [1, 1, 1], 1e-15, 'solve');
  });
  it('a matrix that is not positive definite is singular_design', () => {
    const chol = new SparseCholesky(pattern);
    expect(thrown(() => chol.factor(Float64Array.of(1, 2, 1, 1, 2))).code).toBe('singular_design');
  });
});

describe('SparseCholesky equals the dense Cholesky on mixed-model patterns', () => {
  const cases: [string, number[]][] = [
    ['one factor (block diagonal)', [30]],
    ['two crossed factors', [25, 4]],
    ['three crossed factors', [12, 7, 3]],
  ];
  for (const [label, levels] of cases) {
    it(label, () => {
      const A = mixedModelMatrix(levels, 200, levels.length);
      const q = A.length;
      const { pattern, values } = toPattern(A);
      const chol = new SparseCholesky(pattern);
      chol.factor(values);
      const dense = choleskyFactor(Float64Array.from(A.flatMap((row, i) => row.map((_, j) => A[j]![i]!))), q);
      // Scatter the sparse L into a dense array and compare.
      const L = new Float64Array(q * q);
      for (let j = 0; j < q; j++) for (let p = chol.lColPtr[j]!; p < chol.lColPtr[j + 1]!; p++) L[chol.lRowIndex[p]! + j * q] = chol.lValues[p]!;
      expectAllClose(L, dense, 1e-12, 'L', { absTol: 1e-13 });
      let logDet = 0;
      for (let j = 0; j < q; j++) logDet += 2 * Math.log(dense[j + j * q]!);
      expectClose(chol.logDeterminant(), logDet, 1e-13, 'log det');
      // A x = b and the columns of L⁻¹.
      const b = Float64Array.from({ length: q }, (_, i) => Math.sin(i + 1));
      const x = chol.solve(b);
      const Ax = A.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
      expectAllClose(Ax, b, 1e-12, 'A x', { absTol: 1e-13 });
      const e = new Float64Array(q);
      e[0] = 1;
      chol.forwardSolveInPlace(e);
      const { index, value } = chol.inverseColumn(0);
      const sparse = new Float64Array(q);
      index.forEach((i, t) => (sparse[i] = value[t]!));
      expectAllClose(sparse, e, 1e-12, 'L⁻¹e₀', { absTol: 1e-15 });
    });
  }
  it('refactoring with new values on the same pattern', () => {
    const A = mixedModelMatrix([10, 3], 50, 9);
    const { pattern, values } = toPattern(A);
    const chol = new SparseCholesky(pattern);
    chol.factor(values);
    const first = chol.logDeterminant();
    chol.factor(values.map((v) => 2 * v));
    expectClose(chol.logDeterminant(), first + A.length * Math.log(2), 1e-13, 'log det(2A)');
  });
});
