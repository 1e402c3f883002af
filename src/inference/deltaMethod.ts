/**
 * The delta method: the covariance of a smooth function g(θ) of estimates with covariance V is,
 * to first order, J V Jᵀ with J = ∂g/∂θᵀ evaluated at θ̂ (Oehlert 1992, The American Statistician
 * 46(1); Sobel 1982 for the product a·b of mediation analysis, whose gradient is (b, a)).
 *
 * Dimension symbols: k = parameters θ, p = functions g. Matrices are column-major Float64Arrays;
 * the Jacobian is p×k (`J[r + j * p]` = ∂g_r/∂θ_j).
 */
import { CausalPanelError } from '../errors.js';

/**
 * Covariance J V Jᵀ (p×p) of p functions of k parameters, from their Jacobian (p×k) and V (k×k).
 *
 * @throws {CausalPanelError} `invalid_option` when the sizes disagree
 * @example
 * // Var(a·b) for a = 2, b = 3, Var(a) = 0.1, Var(b) = 0.2, independent: gradient (b, a) = (3, 2)
 * deltaMethodVcov(Float64Array.of(3, 2), 1, 2, Float64Array.of(0.1, 0, 0, 0.2)); // [1.7]
 */
export function deltaMethodVcov(jacobian: ArrayLike<number>, p: number, k: number, vcov: ArrayLike<number>): Float64Array {
  if (jacobian.length !== p * k || vcov.length !== k * k) {
    throw new CausalPanelError(
      'invalid_option',
      `deltaMethodVcov: Jacobian must be ${p}×${k} and vcov ${k}×${k} (got ${jacobian.length} and ${vcov.length} entries)`,
      { fn: 'deltaMethodVcov', value: [jacobian.length, vcov.length] },
    );
  }
  // JV (p×k), then (JV) Jᵀ (p×p).
  const jv = new Float64Array(p * k);
  for (let r = 0; r < p; r++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += (jacobian[r + l * p] as number) * (vcov[l + j * k] as number);
      jv[r + j * p] = s;
    }
  }
  const out = new Float64Array(p * p);
  for (let r = 0; r < p; r++) {
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += jv[r + j * p]! * (jacobian[c + j * p] as number);
      out[r + c * p] = s;
    }
  }
  return out;
}

/**
 * Standard error √(∇gᵀ V ∇g) of one function g(θ) from its gradient (length k) and V (k×k).
 *
 * @throws {CausalPanelError} `invalid_option` when the sizes disagree
 * @example
 * // Sobel SE of a·b: gradient (b, a)
 * deltaMethodSe(Float64Array.of(3, 2), Float64Array.of(0.1, 0, 0, 0.2)); // √1.7 = 1.3038404810405297
 */
export function deltaMethodSe(gradient: ArrayLike<number>, vcov: ArrayLike<number>): number {
  const k = gradient.length;
  return Math.sqrt(deltaMethodVcov(gradient, 1, k, vcov)[0]!);
}

/**
 * Central-difference Jacobian (p×k, column-major) of g at θ, with step h_j = ε^(1/3)·max(|θ_j|, 1)
 * (the error-balancing step of numDeriv's simple method, Nocedal & Wright §8.1).
 *
 * @example
 * numericJacobian((t) => [t[0]! * t[1]!], Float64Array.of(2, 3)); // ≈ [3, 2]
 */
export function numericJacobian(g: (theta: Float64Array) => ArrayLike<number>, theta: ArrayLike<number>): Float64Array {
  const k = theta.length;
  const point = Float64Array.from(theta);
  const p = g(point).length;
  const out = new Float64Array(p * k);
  const cubeRootEps = 6.055454452393343e-6;
  for (let j = 0; j < k; j++) {
    const h = cubeRootEps * Math.max(Math.abs(point[j]!), 1);
    const original = point[j]!;
    point[j] = original + h;
    const up = Array.from(g(point));
    point[j] = original - h;
    const down = Array.from(g(point));
    point[j] = original;
    for (let r = 0; r < p; r++) out[r + j * p] = ((up[r] as number) - (down[r] as number)) / (2 * h);
  }
  return out;
}
