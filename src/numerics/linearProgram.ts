/**
 * A small dense linear-programming solver: the two-phase primal simplex method on a full tableau
 * (Dantzig's rule, switching to Bland's rule after a run of degenerate pivots so it cannot
 * cycle). It serves HonestDiD's LPs, which have a few dozen rows and columns; a dense tableau is
 * exact enough there (every pivot is on an entry > 1e-9 of its column's scale) and needs no
 * dependency, so it runs unchanged in browsers. Why not a package: `javascript-lp-solver` has no
 * phase-one feasibility tolerance control and returns no basis (HonestDiD's ARP test needs the
 * optimal dual vertex), and `glpk.js` is WebAssembly (docs/numerics.md).
 *
 * Dimensions: m = constraints, n = variables. Matrices are column-major `Float64Array`s (m × n).
 *
 * Reference: Chvátal, *Linear Programming* (1983), ch. 2–3 (two-phase method, Bland's rule).
 */
import { CausalPanelError } from '../errors.js';

/**
 * Outcome of {@link standardFormLp}.
 *
 * @example
 * standardFormLp([1, 0], [1, -1], [1], 1, 2); // { status: 'unbounded', value: Infinity, x: Float64Array [NaN, NaN] }
 */
export interface LpSolution {
  /** 'optimal', or the reason no optimum exists. */
  status: 'optimal' | 'infeasible' | 'unbounded';
  /** The optimal objective (NaN unless optimal; +Infinity when unbounded above). */
  value: number;
  /** An optimal basic solution x (length n; NaN unless optimal). */
  x: Float64Array;
}

const PIVOT_TOL = 1e-9;
const FEAS_TOL = 1e-9;

/**
 * Solves max cᵀx subject to A x = b, x ≥ 0 (A m × n, column-major) by the two-phase simplex
 * method; the optimum is a vertex (a basic solution), as a simplex code returns it.
 *
 * @throws {CausalPanelError} `invalid_option` if the dimensions disagree or an entry is not finite
 * @example
 * // max x1 + x2 s.t. x1 + 2 x2 + s1 = 4, 3 x1 + x2 + s2 = 6, all ≥ 0 → x = (1.6, 1.2), value 2.8
 * standardFormLp(Float64Array.of(1, 1, 0, 0), Float64Array.of(1, 3, 2, 1, 1, 0, 0, 1), Float64Array.of(4, 6), 2, 4);
 * // { status: 'optimal', value: 2.8, x: Float64Array [1.6, 1.2, 0, 0] }
 */
export function standardFormLp(c: ArrayLike<number>, A: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number): LpSolution {
  if (c.length !== n || A.length !== m * n || b.length !== m) {
    throw new CausalPanelError('invalid_option', `standardFormLp: dimensions disagree (c ${c.length}, A ${A.length}, b ${b.length} for ${m} × ${n})`, { fn: 'standardFormLp' });
  }
  for (let i = 0; i < A.length; i++) if (!Number.isFinite(A[i]!)) throw new CausalPanelError('invalid_option', `standardFormLp: A has a non-finite entry (${A[i]})`, { fn: 'standardFormLp', value: A[i] });
  for (let i = 0; i < m; i++) if (!Number.isFinite(b[i]!)) throw new CausalPanelError('invalid_option', `standardFormLp: b has a non-finite entry (${b[i]})`, { fn: 'standardFormLp', value: b[i] });
  for (let j = 0; j < n; j++) if (!Number.isFinite(c[j]!)) throw new CausalPanelError('invalid_option', `standardFormLp: c has a non-finite entry (${c[j]})`, { fn: 'standardFormLp', value: c[j] });
  return solveStandardForm(c, A, b, m, n);
}

/**
 * {@link standardFormLp} without the input checks, for callers that build finite inputs
 * themselves and solve many small LPs (HonestDiD's ARP test solves hundreds of thousands).
 *
 * @example
 * solveStandardForm([1, 1, 0, 0], [1, 3, 2, 1, 1, 0, 0, 1], [4, 6], 2, 4).value; // 2.8
 */
export function solveStandardForm(c: ArrayLike<number>, A: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number): LpSolution {
  const start = phaseOne(A, b, m, n);
  return start === null ? infeasible(n) : phaseTwo(start, c, m, n);
}

/**
 * A solver of max cᵀx s.t. A x = b, x ≥ 0 for one (A, b) and many objectives c: phase one (which
 * does not depend on c) runs once, and each call starts phase two from a copy of its basis, so
 * every answer is bit-identical to {@link solveStandardForm}'s.
 *
 * @example
 * const solve = standardFormSolver([1, 3, 2, 1, 1, 0, 0, 1], [4, 6], 2, 4);
 * solve([1, 1, 0, 0]).value; // 2.8
 * solve([1, 0, 0, 0]).value; // 2
 */
export function standardFormSolver(A: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number): (c: ArrayLike<number>) => LpSolution {
  let start: PhaseOne | null | undefined;
  return (c) => {
    if (start === undefined) start = phaseOne(A, b, m, n);
    return start === null ? infeasible(n) : phaseTwo(start, c, m, n);
  };
}

function infeasible(n: number): LpSolution {
  return { status: 'infeasible', value: NaN, x: new Float64Array(n).fill(NaN) };
}

/** The feasible tableau after phase one (artificials driven out, redundant rows inactive). */
interface PhaseOne {
  T: Float64Array;
  basis: Int32Array;
  active: Uint8Array;
  width: number;
  pivotTol: number;
}

/** Phase one: a basic feasible solution of A x = b, x ≥ 0, or null when there is none. */
function phaseOne(A: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number): PhaseOne | null {
  // Tableau rows 0..m-1 are constraints, row m the objective; columns 0..n-1 the variables,
  // n..n+m-1 the artificials, n+m the right-hand side. Row-major for pivoting speed.
  const width = n + m + 1;
  const T = new Float64Array((m + 1) * width);
  const basis = new Int32Array(m);
  let scale = 0;
  for (let i = 0; i < m; i++) {
    const sign = b[i]! < 0 ? -1 : 1;
    for (let j = 0; j < n; j++) {
      T[i * width + j] = sign * A[i + j * m]!;
      scale = Math.max(scale, Math.abs(A[i + j * m]!));
    }
    T[i * width + n + i] = 1;
    T[i * width + n + m] = sign * b[i]!;
    basis[i] = n + i;
  }
  const pivotTol = PIVOT_TOL * Math.max(1, scale);

  // Minimise the sum of artificials = maximise −Σ artificials. Reduced costs in the objective
  // row: z_j − c_j form, so a negative entry marks an improving column.
  const obj = m * width;
  for (let j = 0; j < width; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += T[i * width + j]!;
    T[obj + j] = j >= n && j < n + m ? 0 : -s;
  }
  const phase1 = runSimplex(T, basis, m, width, n + m, pivotTol);
  if (phase1 === 'unbounded') throw new CausalPanelError('no_convergence', 'standardFormLp: phase one unbounded (numerical failure)', { fn: 'standardFormLp' });
  let bScale = 1;
  for (let i = 0; i < m; i++) bScale = Math.max(bScale, Math.abs(b[i]!));
  if (-T[obj + n + m]! > FEAS_TOL * bScale) return null;

  // Drive artificials out of the basis (degenerate pivots); a row with no usable column is redundant.
  const active = new Uint8Array(m).fill(1);
  for (let i = 0; i < m; i++) {
    if (basis[i]! < n) continue;
    let best = -1;
    let bestAbs = pivotTol;
    for (let j = 0; j < n; j++) {
      const v = Math.abs(T[i * width + j]!);
      if (v > bestAbs) {
        bestAbs = v;
        best = j;
      }
    }
    if (best >= 0) pivot(T, basis, m, width, i, best);
    else active[i] = 0;
  }
  return { T, basis, active, width, pivotTol };
}

/** Phase two from a copy of phase one's tableau: the real objective max cᵀx. */
function phaseTwo(start: PhaseOne, c: ArrayLike<number>, m: number, n: number): LpSolution {
  const { width, pivotTol, active } = start;
  const T = start.T.slice();
  const basis = start.basis.slice();
  const obj = m * width;
  // Reduced costs z_j − c_j over the basis.
  for (let j = 0; j < width; j++) T[obj + j] = 0;
  for (let j = 0; j < n; j++) T[obj + j] = -c[j]!;
  for (let i = 0; i < m; i++) {
    const cb = basis[i]! < n ? c[basis[i]!]! : 0;
    if (cb === 0 || !active[i]) continue;
    for (let j = 0; j < width; j++) T[obj + j] += cb * T[i * width + j]!;
  }
  // Artificials may not re-enter: only the first n columns are candidates.
  const phase2 = runSimplex(T, basis, m, width, n, pivotTol, active);
  if (phase2 === 'unbounded') return { status: 'unbounded', value: Infinity, x: new Float64Array(n).fill(NaN) };
  const x = new Float64Array(n);
  for (let i = 0; i < m; i++) if (active[i] && basis[i]! < n) x[basis[i]!] = Math.max(0, T[i * width + n + m]!);
  let value = 0;
  for (let j = 0; j < n; j++) value += c[j]! * x[j]!;
  return { status: 'optimal', value, x };
}

/** Pivots the tableau on (row, col): col enters the basis, the row's variable leaves. */
function pivot(T: Float64Array, basis: Int32Array, m: number, width: number, row: number, col: number): void {
  const rowStart = row * width;
  const p = T[rowStart + col]!;
  for (let j = 0; j < width; j++) T[rowStart + j] = T[rowStart + j]! / p;
  T[rowStart + col] = 1;
  for (let i = 0; i <= m; i++) {
    if (i === row) continue;
    const f = T[i * width + col]!;
    if (f === 0) continue;
    const start = i * width;
    for (let j = 0; j < width; j++) T[start + j] = T[start + j]! - f * T[rowStart + j]!;
    T[start + col] = 0;
  }
  basis[row] = col;
}

/** Primal simplex iterations on a feasible tableau; `candidates` columns may enter. */
function runSimplex(T: Float64Array, basis: Int32Array, m: number, width: number, candidates: number, pivotTol: number, active?: Uint8Array): 'optimal' | 'unbounded' {
  const obj = m * width;
  const rhs = width - 1;
  let degenerateRun = 0;
  const maxIterations = 50 * (m + candidates) + 1000;
  for (let iter = 0; iter < maxIterations; iter++) {
    const bland = degenerateRun > 20;
    let col = -1;
    let most = -1e-11;
    for (let j = 0; j < candidates; j++) {
      const r = T[obj + j]!;
      if (r < most) {
        col = j;
        if (bland) break;
        most = r;
      }
    }
    if (col < 0) return 'optimal';
    let row = -1;
    let ratio = Infinity;
    for (let i = 0; i < m; i++) {
      if (active !== undefined && !active[i]) continue;
      const a = T[i * width + col]!;
      if (a <= pivotTol) continue;
      const r = Math.max(0, T[i * width + rhs]!) / a;
      if (r < ratio - 1e-14 || (r <= ratio + 1e-14 && row >= 0 && basis[i]! < basis[row]!)) {
        ratio = r;
        row = i;
      }
    }
    if (row < 0) return 'unbounded';
    degenerateRun = ratio === 0 ? degenerateRun + 1 : 0;
    pivot(T, basis, m, width, row, col);
  }
  throw new CausalPanelError('no_convergence', `standardFormLp: no optimum after ${maxIterations} pivots`, { fn: 'standardFormLp' });
}

/**
 * A general LP for {@link linearProgram}: rows of constraints with their directions.
 *
 * @example
 * const lp: LinearProgram = { objective: [1, 1], sense: 'max', A: [1, 3, 2, 1], m: 2, n: 2, dir: ['<=', '<='], rhs: [4, 6], free: false };
 * linearProgram(lp).value; // 2.8
 */
export interface LinearProgram {
  /** Objective coefficients (length n). */
  objective: ArrayLike<number>;
  /** 'max' or 'min'. */
  sense: 'max' | 'min';
  /** Constraint matrix, m × n column-major. */
  A: ArrayLike<number>;
  m: number;
  n: number;
  /** Direction of each row. */
  dir: readonly ('<=' | '>=' | '==')[];
  rhs: ArrayLike<number>;
  /** Variables that are free (unbounded below); the others are ≥ 0. Default: all free. */
  free?: boolean;
}

/**
 * Solves a general LP (rows ≤, ≥ or =, variables free or non-negative) by rewriting it in
 * standard form (free x = x⁺ − x⁻, slack per inequality) for {@link standardFormLp}.
 *
 * @example
 * // min x s.t. x ≥ 2, x ≤ 5 (x free) → value 2
 * linearProgram({ objective: [1], sense: 'min', A: [1, 1], m: 2, n: 1, dir: ['>=', '<='], rhs: [2, 5] }).value; // 2
 */
export function linearProgram(lp: LinearProgram): LpSolution {
  const { m, n, A, dir, rhs } = lp;
  const free = lp.free ?? true;
  const nx = free ? 2 * n : n;
  let nSlack = 0;
  for (const d of dir) if (d !== '==') nSlack++;
  const N = nx + nSlack;
  const S = new Float64Array(m * N);
  let slack = nx;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      S[i + j * m] = A[i + j * m]!;
      if (free) S[i + (n + j) * m] = -A[i + j * m]!;
    }
    if (dir[i] === '<=') S[i + slack++ * m] = 1;
    else if (dir[i] === '>=') S[i + slack++ * m] = -1;
  }
  const c = new Float64Array(N);
  const sign = lp.sense === 'max' ? 1 : -1;
  for (let j = 0; j < n; j++) {
    c[j] = sign * lp.objective[j]!;
    if (free) c[n + j] = -sign * lp.objective[j]!;
  }
  const sol = standardFormLp(c, S, rhs, m, N);
  if (sol.status !== 'optimal') return { status: sol.status, value: sol.status === 'unbounded' ? sign * Infinity : NaN, x: new Float64Array(n).fill(NaN) };
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = free ? sol.x[j]! - sol.x[n + j]! : sol.x[j]!;
  return { status: 'optimal', value: sign * sol.value, x };
}
