/** nelderMead by hand: known minima, with and without bounds (the boundary minimum of a singular fit). */
import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../src/numerics/nelderMead.js';
import { expectAllClose } from '../helpers/expectClose.js';

describe('nelderMead: known minima', () => {
  it('a quadratic in two variables', () => {
    const r = nelderMead(([a, b]) => (a! - 1) ** 2 + 3 * (b! + 2) ** 2 + (a! - 1) * (b! + 2), [0, 0]);
    expect(r.converged).toBe(true);
    expectAllClose(r.x, [1, -2], 0, 'x', { absTol: 1e-8 });
  });
  it("Rosenbrock's valley", () => {
    const r = nelderMead(([a, b]) => 100 * (b! - a! * a!) ** 2 + (1 - a!) ** 2, [-1.2, 1]);
    expectAllClose(r.x, [1, 1], 0, 'x', { absTol: 1e-7 });
  });
  it('a minimum outside the bounds lands on the bound', () => {
    const r = nelderMead(([a, b]) => (a! + 1) ** 2 + (b! - 2) ** 2, [1, 0], { lower: [0, -Infinity] });
    expectAllClose(r.x, [0, 2], 0, 'x', { absTol: 1e-8 });
    expect(r.value).toBeCloseTo(1, 12);
  });
  it('the evaluation budget stops it and says so', () => {
    const r = nelderMead(([a, b]) => 100 * (b! - a! * a!) ** 2 + (1 - a!) ** 2, [-1.2, 1], { maxEvaluations: 20 });
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBeLessThanOrEqual(22);
  });
});
