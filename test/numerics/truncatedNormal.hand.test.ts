/**
 * Truncated- and folded-normal quantiles against closed forms: the untruncated and half-normal
 * cases, symmetry, the CDF identity deep in the tail (where Φ(−x) underflows and the log-scale
 * series is used), and the folded normal at μ = 0 (|Z|'s quantile is Φ⁻¹((1 + p)/2)).
 */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/numerics/distributions.js';
import { foldedNormalQuantile, truncatedNormalQuantile } from '../../src/numerics/truncatedNormal.js';

describe('truncatedNormalQuantile', () => {
  it('no truncation is the normal quantile; [0, ∞) is the half normal', () => {
    for (const p of [0.01, 0.3, 0.5, 0.9, 0.995]) {
      expect(truncatedNormalQuantile(p, -Infinity, Infinity)).toBeCloseTo(normalQuantile(p), 14);
      expect(truncatedNormalQuantile(p, 0, Infinity)).toBeCloseTo(normalQuantile((1 + p) / 2), 13);
    }
  });

  it('satisfies (Φ(x) − Φ(l)) / (Φ(u) − Φ(l)) = p on finite intervals, and the reflection identity', () => {
    for (const [l, u] of [[-1, 2], [0.5, 3], [-3, -0.5], [1.2, 1.3]] as const) {
      for (const p of [0.05, 0.5, 0.95]) {
        const x = truncatedNormalQuantile(p, l, u);
        expect((normalCdf(x) - normalCdf(l)) / (normalCdf(u) - normalCdf(l))).toBeCloseTo(p, 10);
        expect(truncatedNormalQuantile(p, l, u)).toBeCloseTo(-truncatedNormalQuantile(1 - p, -u, -l), 12);
      }
    }
  });

  it('deep right tail (l = 40, where Φ(−l) underflows): log Q(x) − log Q(l) = log(1 − p), Q by Laplace’s continued fraction', () => {
    // Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated bottom-up with 200 terms.
    const logQ = (x: number): number => {
      let cf = x;
      for (let k = 200; k >= 1; k--) cf = x + k / cf;
      return -0.5 * x * x - 0.5 * Math.log(2 * Math.PI) - Math.log(cf);
    };
    let previous = 40;
    for (const p of [0.05, 0.5, 0.95]) {
      const x = truncatedNormalQuantile(p, 40, Infinity);
      expect(x).toBeGreaterThan(previous);
      previous = x;
      expect(logQ(x) - logQ(40)).toBeCloseTo(Math.log(1 - p), 10);
    }
  });

  it('NaN for p outside [0, 1] or an empty interval; the ends at p = 0 and 1', () => {
    expect(truncatedNormalQuantile(1.5, 0, 1)).toBeNaN();
    expect(truncatedNormalQuantile(0.5, 1, 1)).toBeNaN();
    expect(truncatedNormalQuantile(0, -1, 2)).toBe(-1);
    expect(truncatedNormalQuantile(1, -1, 2)).toBe(2);
  });
});

describe('foldedNormalQuantile', () => {
  it('μ = 0: the quantile of |Z| is Φ⁻¹((1 + p)/2)', () => {
    expect(foldedNormalQuantile(0.95, 0)).toBeCloseTo(normalQuantile(0.975), 14);
    expect(foldedNormalQuantile(0.5, 0)).toBeCloseTo(normalQuantile(0.75), 14);
  });

  it('solves Φ(x − μ) − Φ(−x − μ) = p, symmetric in μ', () => {
    for (const mu of [0.3, 2, 10]) {
      const x = foldedNormalQuantile(0.95, mu);
      expect(normalCdf(x - mu) - normalCdf(-x - mu)).toBeCloseTo(0.95, 14);
      expect(foldedNormalQuantile(0.95, -mu)).toBe(x);
    }
  });
});
