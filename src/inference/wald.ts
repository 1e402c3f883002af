/**
 * Wald tests of q linear constraints Cβ = d on k coefficients: the quadratic form
 * Q = (Cβ̂ − d)ᵀ(C V Cᵀ)⁻¹(Cβ̂ − d), solved through a Cholesky factor (`numerics/cholesky.ts`),
 * referred to χ²(q), to F(q, df2) as Q/q (fixest `wald()`, clubSandwich "Naive-F"), or — with CR2
 * — to Pustejovsky & Tipton's HTZ approximation (`satterthwaite.ts`). A singular C V Cᵀ has no
 * statistic: NaN, and the caller notes why (never an error that loses the estimates).
 *
 * Dimension symbols: k = coefficients, q = constraints (rows of C, column-major q×k).
 */
import { CausalPanelError } from '../errors.js';
import { choleskyFactor, choleskySolve } from '../numerics/cholesky.js';

/**
 * The Wald quadratic form and the pieces of it: Cβ̂ − d, C V Cᵀ; `Q` is NaN when C V Cᵀ is singular.
 *
 * @param C q×k column-major constraint matrix
 * @param d right-hand side (length q)
 * @example
 * waldQuadraticForm(Float64Array.of(1, 0, 0, 1), 2, Float64Array.of(1, 2), Float64Array.of(1, 0, 0, 1), 2, [0, 0]).Q; // 5
 */
export function waldQuadraticForm(
  C: Float64Array,
  q: number,
  coefficients: ArrayLike<number>,
  vcov: ArrayLike<number>,
  k: number,
  d: ArrayLike<number>,
): { Q: number; contrast: Float64Array; contrastVcov: Float64Array } {
  const contrast = new Float64Array(q);
  for (let s = 0; s < q; s++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += C[s + j * q]! * coefficients[j]!;
    contrast[s] = sum - d[s]!;
  }
  // C V Cᵀ.
  const cv = new Float64Array(q * k);
  for (let j = 0; j < k; j++) {
    for (let l = 0; l < k; l++) {
      const v = vcov[l + j * k]!;
      if (v === 0) continue;
      for (let s = 0; s < q; s++) cv[s + j * q]! += C[s + l * q]! * v;
    }
  }
  const contrastVcov = new Float64Array(q * q);
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += cv[s + j * q]! * C[t + j * q]!;
      contrastVcov[s + t * q] = sum;
    }
  }
  let factor: Float64Array;
  try {
    factor = choleskyFactor(contrastVcov, q, 'waldTest');
  } catch (error) {
    if (!(error instanceof CausalPanelError) || error.code !== 'singular_design') throw error;
    return { Q: NaN, contrast, contrastVcov };
  }
  const x = choleskySolve(factor, q, contrast);
  let Q = 0;
  for (let s = 0; s < q; s++) Q += contrast[s]! * x[s]!;
  return { Q, contrast, contrastVcov };
}
