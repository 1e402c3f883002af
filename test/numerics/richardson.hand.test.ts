/**
 * Richardson derivatives by hand: polynomials of degree ≤ 3 are differentiated exactly by central
 * differences, and known derivatives of exp and log within the extrapolation's accuracy.
 */
import { describe, expect, it } from 'vitest';
import { richardsonHessian, richardsonJacobian } from '../../src/numerics/richardson.js';
import { expectAllClose } from '../helpers/expectClose.js';

describe('richardsonJacobian and richardsonHessian', () => {
  it('Jacobian of (ab, a + b², exp(a)) at (2, 3)', () => {
    const J = richardsonJacobian(([a, b]) => [a! * b!, a! + b! * b!, Math.exp(a!)], [2, 3]);
    expect(J).toHaveLength(6); // 3 functions × 2 parameters, column-major
    expectAllClose(J, [3, 1, Math.exp(2), 2, 6, 0], 1e-10, 'J', { absTol: 1e-12 });
  });
  it('Hessian of a²b + 3b² + ab³ at (1, 2)', () => {
    // ∂²/∂a² = 2b = 4, ∂²/∂a∂b = 2a + 3b² = 14, ∂²/∂b² = 6 + 6ab = 18
    const H = richardsonHessian(([a, b]) => a! * a! * b! + 3 * b! * b! + a! * b! ** 3, [1, 2]);
    expect(H[1]).toBe(H[2]); // symmetric by construction
    expectAllClose(H, [4, 14, 14, 18], 1e-9, 'H');
  });
  it('Hessian of log(x) + log(y)·x at (2, 3) (large steps: d = 0.1, as numDeriv)', () => {
    const H = richardsonHessian(([x, y]) => Math.log(x!) + Math.log(y!) * x!, [2, 3]);
    expectAllClose(H, [-1 / 4, 1 / 3, 1 / 3, -2 / 9], 1e-7, 'H');
  });
});
