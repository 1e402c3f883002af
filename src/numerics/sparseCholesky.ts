/**
 * Sparse Cholesky factorisation A = LLᵀ of a symmetric positive-definite matrix in compressed
 * sparse column form, by the up-looking algorithm of Davis (Direct Methods for Sparse Linear
 * Systems, SIAM 2006, §4.1–4.4: `cs_etree`, `cs_ereach`, `cs_chol`).
 *
 * The symbolic analysis (elimination tree, pattern of L) is done once for a pattern; `factor`
 * then fills L for any values on that pattern — the mixed-model deviance refactors the same
 * pattern at every θ, as lme4 reuses CHOLMOD's symbolic factor. No fill-reducing permutation
 * is applied: the caller orders the unknowns (lme4's order — grouping factors by decreasing
 * number of levels — makes nested and one-factor systems fill-free).
 *
 * Storage: the upper triangle of A by columns (`colPtr`, `rowIndex` ascending within a column,
 * diagonal last), L by columns (diagonal first). Dimension symbol: n = rows = columns.
 */
import { CausalPanelError } from '../errors.js';
import { log } from './elementary.js';

/**
 * The pattern of the upper triangle of a symmetric n×n matrix, by columns.
 *
 * @example
 * // [[4, 1, 0], [1, 3, 1], [0, 1, 2]]: column 0 holds row 0; column 1 rows 0, 1; column 2 rows 1, 2
 * const pattern: SparsePattern = { n: 3, colPtr: Int32Array.of(0, 1, 3, 5), rowIndex: Int32Array.of(0, 0, 1, 1, 2) };
 */
export interface SparsePattern {
  readonly n: number;
  /** n + 1 offsets into `rowIndex`. */
  readonly colPtr: Int32Array;
  /** Row of each stored entry; rows ≤ the column, ascending within a column. */
  readonly rowIndex: Int32Array;
}

/**
 * A symbolic Cholesky factor of one pattern, refactored numerically by {@link SparseCholesky.factor}.
 *
 * @example
 * const pattern = { n: 3, colPtr: Int32Array.of(0, 1, 3, 5), rowIndex: Int32Array.of(0, 0, 1, 1, 2) };
 * const chol = new SparseCholesky(pattern);
 * chol.factor(Float64Array.of(4, 1, 3, 1, 2));
 * chol.solve(Float64Array.of(5, 5, 3)); // [1, 1, 1]
 * chol.logDeterminant(); // log(det A) = log(18)
 */
export class SparseCholesky {
  readonly n: number;
  /** Elimination tree: parent of each column (−1 for a root). */
  readonly parent: Int32Array;
  /** Column pointers of L (n + 1). */
  readonly lColPtr: Int32Array;
  /** Row indices of L (diagonal first in each column). */
  readonly lRowIndex: Int32Array;
  /** Values of L (valid after `factor`). */
  readonly lValues: Float64Array;
  readonly #pattern: SparsePattern;
  readonly #stack: Int32Array;
  readonly #mark: Int32Array;
  readonly #work: Float64Array;
  readonly #next: Int32Array;

  constructor(pattern: SparsePattern) {
    const n = pattern.n;
    this.n = n;
    this.#pattern = pattern;
    this.parent = eliminationTree(pattern);
    this.#stack = new Int32Array(n);
    this.#mark = new Int32Array(n).fill(-1);
    this.#work = new Float64Array(n);
    this.#next = new Int32Array(n);
    // Column counts of L from the row patterns (each row k of L is a reach in the tree).
    const counts = new Int32Array(n).fill(1);
    for (let k = 0; k < n; k++) {
      const top = this.#reach(k);
      for (let t = top; t < n; t++) counts[this.#stack[t]!]!++;
    }
    const colPtr = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) colPtr[j + 1] = colPtr[j]! + counts[j]!;
    this.lColPtr = colPtr;
    this.lRowIndex = new Int32Array(colPtr[n]!);
    this.lValues = new Float64Array(colPtr[n]!);
  }

  /** Pattern of row k of L (excluding k) in `#stack[top..n)`, in topological order (cs_ereach). */
  #reach(k: number): number {
    const { colPtr, rowIndex } = this.#pattern;
    const n = this.n;
    const stack = this.#stack;
    const mark = this.#mark;
    const parent = this.parent;
    let top = n;
    mark[k] = k;
    for (let p = colPtr[k]!; p < colPtr[k + 1]!; p++) {
      let i = rowIndex[p]!;
      if (i > k) continue;
      let len = 0;
      // Walk up the tree from i until a node already on this row's path.
      const path = this.#next;
      for (; mark[i] !== k; i = parent[i]!) {
        path[len++] = i;
        mark[i] = k;
      }
      while (len > 0) stack[--top] = path[--len]!;
    }
    return top;
  }

  /**
   * Numeric factorisation of A (values on the analysed pattern, in its order).
   *
   * @throws {CausalPanelError} `singular_design` when A is not positive definite
   * @example chol.factor(values); chol.logDeterminant();
   */
  factor(values: ArrayLike<number>): void {
    const { colPtr, rowIndex } = this.#pattern;
    const n = this.n;
    const Lp = this.lColPtr;
    const Li = this.lRowIndex;
    const Lx = this.lValues;
    const x = this.#work;
    const stack = this.#stack;
    const fill = Int32Array.from(Lp.subarray(0, n));
    for (let k = 0; k < n; k++) {
      const top = this.#reach(k);
      x[k] = 0;
      for (let p = colPtr[k]!; p < colPtr[k + 1]!; p++) {
        const i = rowIndex[p]!;
        if (i <= k) x[i] = values[p]!;
      }
      let d = x[k]!;
      x[k] = 0;
      for (let t = top; t < n; t++) {
        const i = stack[t]!;
        const lki = x[i]! / Lx[Lp[i]!]!;
        x[i] = 0;
        const end = fill[i]!;
        for (let p = Lp[i]! + 1; p < end; p++) x[Li[p]!]! -= Lx[p]! * lki;
        d -= lki * lki;
        const p = fill[i]!++;
        Li[p] = k;
        Lx[p] = lki;
      }
      if (!(d > 0) || !Number.isFinite(d)) {
        throw new CausalPanelError('singular_design', `SparseCholesky: matrix is not positive definite (pivot ${k}: ${d})`, { fn: 'SparseCholesky', value: d });
      }
      const p = fill[k]!++;
      Li[p] = k;
      Lx[p] = Math.sqrt(d);
    }
  }

  /** log det A = 2 Σ log Lᵢᵢ. @example chol.logDeterminant(); */
  logDeterminant(): number {
    let sum = 0;
    for (let j = 0; j < this.n; j++) sum += log(this.lValues[this.lColPtr[j]!]!);
    return 2 * sum;
  }

  /** Solves L x = b in place (forward substitution). @example chol.forwardSolveInPlace(b); */
  forwardSolveInPlace(b: Float64Array): void {
    const Lp = this.lColPtr;
    const Li = this.lRowIndex;
    const Lx = this.lValues;
    for (let j = 0; j < this.n; j++) {
      const xj = (b[j] = b[j]! / Lx[Lp[j]!]!);
      if (xj === 0) continue;
      for (let p = Lp[j]! + 1; p < Lp[j + 1]!; p++) b[Li[p]!]! -= Lx[p]! * xj;
    }
  }

  /** Solves Lᵀ x = b in place (back substitution). @example chol.backSolveInPlace(b); */
  backSolveInPlace(b: Float64Array): void {
    const Lp = this.lColPtr;
    const Li = this.lRowIndex;
    const Lx = this.lValues;
    for (let j = this.n - 1; j >= 0; j--) {
      let sum = b[j]!;
      for (let p = Lp[j]! + 1; p < Lp[j + 1]!; p++) sum -= Lx[p]! * b[Li[p]!]!;
      b[j] = sum / Lx[Lp[j]!]!;
    }
  }

  /** Solves A x = b (a copy is returned). @example chol.solve(Float64Array.of(5, 5, 3)); // [1, 1, 1] */
  solve(b: ArrayLike<number>): Float64Array {
    const x = Float64Array.from(b);
    this.forwardSolveInPlace(x);
    this.backSolveInPlace(x);
    return x;
  }

  /**
   * L⁻¹ eⱼ restricted to its nonzeros: the ancestors of j in the elimination tree (j first, then
   * up the tree). Used for diagonal blocks of A⁻¹: (A⁻¹)ᵣₛ = (L⁻¹eᵣ)·(L⁻¹eₛ).
   *
   * @example
   * const { index, value } = chol.inverseColumn(0); // rows and values of L⁻¹e₀
   */
  inverseColumn(j: number): { index: number[]; value: number[] } {
    const Lp = this.lColPtr;
    const Li = this.lRowIndex;
    const Lx = this.lValues;
    const x = this.#work;
    const index: number[] = [];
    for (let c = j; c !== -1; c = this.parent[c]!) index.push(c);
    x[j] = 1;
    const value: number[] = [];
    for (const c of index) {
      const xc = x[c]! / Lx[Lp[c]!]!;
      value.push(xc);
      for (let p = Lp[c]! + 1; p < Lp[c + 1]!; p++) x[Li[p]!]! -= Lx[p]! * xc;
    }
    for (const c of index) x[c] = 0;
    return { index, value };
  }
}

/**
 * Elimination tree of a symmetric matrix from its upper triangle (Liu 1986; cs_etree).
 *
 * @example
 * eliminationTree({ n: 3, colPtr: Int32Array.of(0, 1, 3, 5), rowIndex: Int32Array.of(0, 0, 1, 1, 2) }); // [1, 2, -1]
 */
export function eliminationTree(pattern: SparsePattern): Int32Array {
  const { n, colPtr, rowIndex } = pattern;
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    for (let p = colPtr[k]!; p < colPtr[k + 1]!; p++) {
      let i = rowIndex[p]!;
      while (i !== -1 && i < k) {
        const next = ancestor[i]!;
        ancestor[i] = k;
        if (next === -1) parent[i] = k;
        i = next;
      }
    }
  }
  return parent;
}
