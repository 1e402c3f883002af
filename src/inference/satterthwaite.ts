/**
 * Satterthwaite degrees of freedom of a CR2 t test and the Hotelling T² (HTZ) Wald test with the
 * degrees of freedom of Pustejovsky & Tipton (2018, JBES 36(4):672–683, §3), as clubSandwich's
 * `coef_test(test = "Satterthwaite")` and `Wald_test(test = "HTZ")` (R/coef_test.R
 * `Satterthwaite_df`, R/Wald_test.R `Wald_testing`, `total_variance_mat`, `Hotelling_Tsq`).
 *
 * Both start from clubSandwich's P array, P[g, h] = y_gᵀy_h for the vectors y_1 … y_J of a
 * combination c (`cr2.ts`, `pMatrix`), so that the CR2 variance of cᵀβ̂ under the working model
 * has mean tr P and variance 2‖P‖²_F:
 *
 *   ν = 2 (tr P)² / (2 ‖P‖²_F)   (Satterthwaite_df: 2E²/V with V = 2 Σ P²).
 *
 * For q constraints with P arrays P^{st} (rows s and t of C): Ω[s, t] = tr P^{st},
 * B_st = Σ_ab Ω^{-1/2}[s, a] Ω^{-1/2}[t, b] P^{ab}, var[s, t] = Σ_gh B_st[g, h] B_ts[g, h] + Σ_gh B_ss[g, h] B_tt[g, h],
 * ν_Z = q(q + 1) / Σ_st var[s, t]; then δ = max((ν − q + 1)/ν, 0), F = δ·Q/q on (q, ν − q + 1)
 * degrees of freedom, Q = (Cβ̂ − d)ᵀ(C V Cᵀ)⁻¹(Cβ̂ − d).
 *
 * Ω^{-1/2} drops eigenvalues ≤ 1e-10 · the largest (clubSandwich: ≤ 1e-12 absolute), as `cr2.ts`.
 *
 * Dimension symbols: J = clusters, q = constraints.
 */
import { fUpper } from '../numerics/distributions.js';
import { inverseSqrtPsd } from './cr2.js';

/**
 * Satterthwaite degrees of freedom (tr P)² / ‖P‖²_F of one combination's P array (clubSandwich
 * `Satterthwaite_df`: 2E²/V with E = tr P, V = 2 Σ P²).
 *
 * @param P J×J column-major (cr2's `pMatrix(c)`)
 * @example
 * satterthwaiteDf(Float64Array.of(1, 0, 0, 1), 2); // 2 (two independent clusters of equal weight)
 */
export function satterthwaiteDf(P: Float64Array, J: number): number {
  let trace = 0;
  let frob = 0;
  for (let g = 0; g < J; g++) trace += P[g + g * J]!;
  for (let i = 0; i < J * J; i++) frob += P[i]! * P[i]!;
  return frob > 0 ? (trace * trace) / frob : NaN;
}

/** The HTZ test: clubSandwich's `Wald_test(test = "HTZ")` columns. */
export interface HotellingTest {
  /** F = δ·Q/q. */
  statistic: number;
  /** δ = (ν − q + 1)/ν (≥ 0). */
  delta: number;
  /** q. */
  df1: number;
  /** ν − q + 1. */
  df2: number;
  /** Upper F(q, ν − q + 1) probability; NaN when ν − q + 1 ≤ 0. */
  pValue: number;
}

/**
 * Hotelling T² with Pustejovsky–Tipton's ν_Z (clubSandwich `Wald_testing`, test "HTZ").
 *
 * @param P P(s, t): the J×J P array of constraint rows s and t (cr2's `pMatrix(C_s, C_t)`)
 * @param q number of constraints
 * @param Q the Wald quadratic form (Cβ̂ − d)ᵀ(C V Cᵀ)⁻¹(Cβ̂ − d)
 * @example
 * hotellingHTZ((s, t) => cr2.pMatrix(C[s], C[t]), 2, J, Q); // { statistic, delta, df1: 2, df2, pValue }
 */
export function hotellingHTZ(P: (s: number, t: number) => Float64Array, q: number, J: number, Q: number): HotellingTest {
  const B = normalisedBlocks(P, q, J);
  // var[s, t] = Σ_gh B_st[g, h] B_ts[g, h] + Σ_gh B_ss[g, h] B_tt[g, h].
  let total = 0;
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) {
      const st = B[s + t * q]!;
      const ts = B[t + s * q]!;
      const ss = B[s + s * q]!;
      const tt = B[t + t * q]!;
      for (let i = 0; i < J * J; i++) total += st[i]! * ts[i]! + ss[i]! * tt[i]!;
    }
  }
  return hotelling(Q, q, (q * (q + 1)) / total);
}

/**
 * Hotelling T² with the degrees of freedom of Pustejovsky & Tipton's "A" or "B" approximation
 * (clubSandwich `Wald_testing`, tests "HTA" and "HTB", through `covariance_array`): with
 * Cov[s, t, u, v] = Σ_gh B_sv∘B_tu + Σ_gh B_su∘B_tv, ν_A = 2 Σ_st Cov[s, t, s, t] / Σ Cov²,
 * ν_B the same over the lower-triangular (distinct) entries.
 *
 * @example
 * hotellingHT('A', (s, t) => cr2.pMatrix(C[s], C[t]), 2, J, Q).df2;
 */
export function hotellingHT(kind: 'A' | 'B', P: (s: number, t: number) => Float64Array, q: number, J: number, Q: number): HotellingTest {
  const B = normalisedBlocks(P, q, J);
  const sum = (x: Float64Array, y: Float64Array): number => {
    let acc = 0;
    for (let i = 0; i < J * J; i++) acc += x[i]! * y[i]!;
    return acc;
  };
  const cov = (s: number, t: number, u: number, v: number): number => sum(B[s + v * q]!, B[t + u * q]!) + sum(B[s + u * q]!, B[t + v * q]!);
  let varSum = 0;
  let covSquares = 0;
  if (kind === 'A') {
    for (let s = 0; s < q; s++) for (let t = 0; t < q; t++) varSum += cov(s, t, s, t);
    for (let s = 0; s < q; s++) for (let t = 0; t < q; t++) for (let u = 0; u < q; u++) for (let v = 0; v < q; v++) {
      const c = cov(s, t, u, v);
      covSquares += c * c;
    }
  } else {
    for (let s = 0; s < q; s++) for (let t = 0; t <= s; t++) varSum += cov(s, t, s, t);
    // clubSandwich's lower_arr: s, t ≤ s, u ≤ s, v ≤ (u = s ? t : u).
    for (let s = 0; s < q; s++) for (let t = 0; t <= s; t++) for (let u = 0; u <= s; u++) for (let v = 0; v <= (u === s ? t : u); v++) {
      const c = cov(s, t, u, v);
      covSquares += c * c;
    }
  }
  return hotelling(Q, q, (2 * varSum) / covSquares);
}

/** δ, F and p of a Hotelling T² approximation with ν degrees of freedom (clubSandwich `Hotelling_Tsq`). */
function hotelling(Q: number, q: number, nu: number): HotellingTest {
  const delta = Math.max((nu - q + 1) / nu, 0);
  const df2 = nu - q + 1;
  const statistic = (delta * Q) / q;
  return { statistic, delta, df1: q, df2, pValue: df2 > 0 ? fUpper(statistic, q, df2) : NaN };
}

/** B_st = Σ_ab Ω^{-1/2}[s, a] Ω^{-1/2}[t, b] P^{ab} with Ω[s, t] = tr P^{st} (q² blocks J×J, index s + t·q). */
function normalisedBlocks(P: (s: number, t: number) => Float64Array, q: number, J: number): Float64Array[] {
  const blocks: Float64Array[] = [];
  for (let s = 0; s < q; s++) for (let t = 0; t < q; t++) blocks[s + t * q] = t < s ? transpose(blocks[t + s * q]!, J) : P(s, t);
  // Ω[s, t] = tr P^{st}; its inverse square root (relative threshold, as cr2.ts).
  const omega = new Float64Array(q * q);
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) {
      let tr = 0;
      const b = blocks[s + t * q]!;
      for (let g = 0; g < J; g++) tr += b[g + g * J]!;
      omega[s + t * q] = tr;
    }
  }
  const root = inverseSqrtPsd(omega, q).matrix;
  // B_st = Σ_ab Ω^{-1/2}[s, a] Ω^{-1/2}[t, b] P^{ab}.
  const B: Float64Array[] = [];
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) {
      const out = new Float64Array(J * J);
      for (let a = 0; a < q; a++) {
        for (let b = 0; b < q; b++) {
          const f = root[s + a * q]! * root[t + b * q]!;
          if (f === 0) continue;
          const pab = blocks[a + b * q]!;
          for (let i = 0; i < J * J; i++) out[i]! += f * pab[i]!;
        }
      }
      B[s + t * q] = out;
    }
  }
  return B;
}

/** Transpose of a J×J column-major matrix (P^{ts} = (P^{st})ᵀ). */
function transpose(M: Float64Array, J: number): Float64Array {
  const out = new Float64Array(J * J);
  for (let g = 0; g < J; g++) for (let h = 0; h < J; h++) out[h + g * J] = M[g + h * J]!;
  return out;
}
