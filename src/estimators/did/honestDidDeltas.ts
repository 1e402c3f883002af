/**
 * The restriction sets Δ = {δ : A δ ≤ d} of HonestDiD 0.2.6 and the identified sets they imply:
 * smoothness Δ^SD(M) (`.create_A_SD`, `.create_d_SD`, `.compute_IDset_DeltaSD`, R/deltasd.R) and
 * relative magnitudes Δ^RM(M̄) for one choice of the maximal pre-period violation
 * (`.create_A_RM` with its s and sign, R/deltarm.R). Columns are the event-study coefficients
 * without the reference period: numPre pre-period ones, then numPost post-period ones.
 */
import { linearProgram } from '../../numerics/linearProgram.js';
import type { Matrix } from './honestDidArp.js';

/** Removes column `drop` of each row. */
function dropColumn(A: Matrix, drop: number): Matrix {
  return A.map((row) => row.filter((_, j) => j !== drop));
}

/** A of Δ^SD: ±(δ_{t+1} − 2δ_t + δ_{t−1}) ≤ M for every t, with δ₀ = 0 dropped (`.create_A_SD`). */
export function createASd(numPre: number, numPost: number): Matrix {
  const T = numPre + numPost;
  const rows: Matrix = [];
  for (let r = 0; r < T - 1; r++) {
    const row = new Array<number>(T + 1).fill(0);
    row[r] = 1;
    row[r + 1] = -2;
    row[r + 2] = 1;
    rows.push(row);
  }
  const Atilde = dropColumn(rows, numPre);
  return [...Atilde, ...Atilde.map((row) => row.map((v) => -v))];
}

/** Rows of A touching a post-period coefficient (HonestDiD's rowsForARP with postPeriodMomentsOnly). */
export function postPeriodRows(A: Matrix, numPre: number): number[] {
  const out: number[] = [];
  A.forEach((row, i) => {
    if (row.slice(numPre).some((v) => v !== 0)) out.push(i);
  });
  return out;
}

/**
 * A of Δ^RM(M̄) for maximal pre-period violation at s ∈ {−(numPre−1), …, 0}, of sign `maxPositive`
 * (`.create_A_RM`): |δ_{t+1} − δ_t| ≤ (M̄ for post t) · (the violation at s), zero rows removed.
 */
export function createARm(numPre: number, numPost: number, mbar: number, s: number, maxPositive: boolean): Matrix {
  const T = numPre + numPost;
  const Atilde: Matrix = [];
  for (let r = 0; r < T; r++) {
    const row = new Array<number>(T + 1).fill(0);
    row[r] = -1;
    row[r + 1] = 1;
    Atilde.push(row);
  }
  const vMaxDif = new Array<number>(T + 1).fill(0);
  // R's v_max_dif[(numPre + s):(numPre + 1 + s)] <- c(−1, 1), 1-based.
  vMaxDif[numPre + s - 1] = -1;
  vMaxDif[numPre + s] = 1;
  const sign = maxPositive ? 1 : -1;
  const ub: Matrix = [];
  for (let r = 0; r < numPre; r++) ub.push(vMaxDif.map((v) => sign * v));
  for (let r = 0; r < numPost; r++) ub.push(vMaxDif.map((v) => sign * mbar * v));
  const A: Matrix = [...Atilde.map((row, r) => row.map((v, j) => v - ub[r]![j]!)), ...Atilde.map((row, r) => row.map((v, j) => -v - ub[r]![j]!))];
  const kept = A.filter((row) => row.reduce((acc, v) => acc + v * v, 0) > 1e-10);
  return dropColumn(kept, numPre);
}

/**
 * The identified set of l'δ_post under Δ^SD(M) when β = 0 (`.compute_IDset_DeltaSD` with
 * trueBeta = 0): max and min of l'δ_post over A δ ≤ M, δ_pre = 0.
 */
export function idSetSd(M: number, lVec: readonly number[], numPre: number, numPost: number): { lb: number; ub: number } {
  const A = createASd(numPre, numPost);
  const T = numPre + numPost;
  const rows: Matrix = [...A];
  const dir: ('<=' | '==')[] = A.map(() => '<=');
  const rhs: number[] = A.map(() => M);
  for (let i = 0; i < numPre; i++) {
    const row = new Array<number>(T).fill(0);
    row[i] = 1;
    rows.push(row);
    dir.push('==');
    rhs.push(0);
  }
  const m = rows.length;
  const flat = new Float64Array(m * T);
  rows.forEach((row, i) => row.forEach((v, j) => (flat[i + j * m] = v)));
  const objective = [...new Array<number>(numPre).fill(0), ...lVec];
  const max = linearProgram({ objective, sense: 'max', A: flat, m, n: T, dir, rhs });
  const min = linearProgram({ objective, sense: 'min', A: flat, m, n: T, dir, rhs });
  if (max.status !== 'optimal' && min.status !== 'optimal') return { lb: 0, ub: 0 };
  return { lb: -max.value, ub: -min.value };
}
