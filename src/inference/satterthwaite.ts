/**
 * Satterthwaite degrees of freedom of a CR2 t test and the Hotelling T² (HTZ) Wald test with the
 * degrees of freedom of Pustejovsky & Tipton (2018, JBES 36(4):672–683, §3), as clubSandwich's
 * `coef_test(test = "Satterthwaite")` and `Wald_test(test = "HTZ")` (R/coef_test.R
 * `Satterthwaite_df`, R/Wald_test.R `Wald_testing`, `total_variance_mat`, `Hotelling_Tsq`).
 *
 * Both start from clubSandwich's P array. For a combination c of the coefficients, `cr2.ts` gives
 * vectors y_1 … y_J (one per cluster) with P[g, h] = y_gᵀy_h, so that the CR2 variance of cᵀβ̂
 * under the working model has mean tr P and variance 2‖P‖²_F:
 *
 *   ν = 2 (tr P)² / (2 ‖P‖²_F)   (Satterthwaite_df: 2E²/V with V = 2 Σ P²).
 *
 * For q constraints with vectors y^s (s = 1…q): Ω[s, t] = Σ_g y^s_gᵀ y^t_g, ỹ^s = Σ_a Ω^{-1/2}[s, a] y^a,
 * B_st[g, h] = ỹ^s_gᵀ ỹ^t_h, var[s, t] = Σ_gh B_st[g, h] B_ts[g, h] + Σ_gh B_ss[g, h] B_tt[g, h],
 * ν_Z = q(q + 1) / Σ_st var[s, t]; then δ = max((ν − q + 1)/ν, 0), F = δ·Q/q on (q, ν − q + 1)
 * degrees of freedom, Q = (Cβ̂ − d)ᵀ(C V Cᵀ)⁻¹(Cβ̂ − d).
 *
 * Ω^{-1/2} drops eigenvalues ≤ 1e-10 · the largest (clubSandwich: ≤ 1e-12 absolute), as `cr2.ts`.
 *
 * Dimension symbols: n = rows used, J = clusters, q = constraints.
 */
import { fUpper } from '../numerics/distributions.js';
import { inverseSqrtPsd } from './cr2.js';

/**
 * Gram matrix YᵀY (J×J) of J column vectors of length n (column-major n×J).
 *
 * @example
 * gram(Float64Array.of(1, 0, 0, 2), 2, 2); // Float64Array [1, 0, 0, 4]
 */
export function gram(Y: Float64Array, n: number, J: number): Float64Array {
  const out = new Float64Array(J * J);
  for (let h = 0; h < J; h++) {
    const oh = h * n;
    for (let g = 0; g <= h; g++) {
      const og = g * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += Y[og + i]! * Y[oh + i]!;
      out[g + h * J] = s;
      out[h + g * J] = s;
    }
  }
  return out;
}

/**
 * Gram matrix YᵀZ (J×J) of two sets of J vectors.
 */
function crossGram(Y: Float64Array, Z: Float64Array, n: number, J: number): Float64Array {
  const out = new Float64Array(J * J);
  for (let h = 0; h < J; h++) {
    for (let g = 0; g < J; g++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Y[g * n + i]! * Z[h * n + i]!;
      out[g + h * J] = s;
    }
  }
  return out;
}

/**
 * Satterthwaite degrees of freedom (tr P)² / ‖P‖²_F from the vectors of one combination
 * (clubSandwich `Satterthwaite_df`).
 *
 * @param Y n×J column-major (cr2's `combinationVectors(c)`)
 * @example
 * satterthwaiteDf(Float64Array.of(1, 0, 0, 1), 2, 2); // 2 (two independent clusters of equal weight)
 */
export function satterthwaiteDf(Y: Float64Array, n: number, J: number): number {
  const P = gram(Y, n, J);
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
 * @param vectors q arrays (n×J column-major), cr2's `combinationVectors` of the constraint rows
 * @param Q the Wald quadratic form (Cβ̂ − d)ᵀ(C V Cᵀ)⁻¹(Cβ̂ − d)
 * @example
 * hotellingHTZ([cr2.combinationVectors([1, 0]), cr2.combinationVectors([0, 1])], n, J, Q);
 * // { statistic, delta, df1: 2, df2, pValue }
 */
export function hotellingHTZ(vectors: readonly Float64Array[], n: number, J: number, Q: number): HotellingTest {
  const q = vectors.length;
  const omega = new Float64Array(q * q);
  for (let s = 0; s < q; s++) {
    for (let t = 0; t <= s; t++) {
      let sum = 0;
      const ys = vectors[s]!;
      const yt = vectors[t]!;
      for (let i = 0; i < n * J; i++) sum += ys[i]! * yt[i]!;
      omega[s + t * q] = sum;
      omega[t + s * q] = sum;
    }
  }
  const root = inverseSqrtPsd(omega, q).matrix;
  const tilde = Array.from({ length: q }, (_, s) => {
    const v = new Float64Array(n * J);
    for (let a = 0; a < q; a++) {
      const f = root[s + a * q]!;
      if (f === 0) continue;
      const ya = vectors[a]!;
      for (let i = 0; i < n * J; i++) v[i]! += f * ya[i]!;
    }
    return v;
  });
  // B_st for s ≤ t (B_ts = B_stᵀ).
  const B = new Map<number, Float64Array>();
  for (let s = 0; s < q; s++) for (let t = s; t < q; t++) B.set(s * q + t, s === t ? gram(tilde[s]!, n, J) : crossGram(tilde[s]!, tilde[t]!, n, J));
  const block = (s: number, t: number): { m: Float64Array; transposed: boolean } =>
    s <= t ? { m: B.get(s * q + t)!, transposed: false } : { m: B.get(t * q + s)!, transposed: true };
  let total = 0;
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) {
      const st = block(s, t);
      const ss = B.get(s * q + s)!;
      const tt = B.get(t * q + t)!;
      let sum = 0;
      for (let h = 0; h < J; h++) {
        for (let g = 0; g < J; g++) {
          // B_st[g, h] · B_ts[g, h] = B_st[g, h] · B_st[h, g].
          const a = st.transposed ? st.m[h + g * J]! : st.m[g + h * J]!;
          const b = st.transposed ? st.m[g + h * J]! : st.m[h + g * J]!;
          sum += a * b + ss[g + h * J]! * tt[g + h * J]!;
        }
      }
      total += sum;
    }
  }
  const nu = (q * (q + 1)) / total;
  const delta = Math.max((nu - q + 1) / nu, 0);
  const df2 = nu - q + 1;
  const statistic = (delta * Q) / q;
  return { statistic, delta, df1: q, df2, pValue: df2 > 0 ? fUpper(statistic, q, df2) : NaN };
}
