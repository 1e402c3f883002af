/**
 * createRng (xoshiro128** seeded by splitmix32): determinism, the published xoshiro128**
 * algorithm, and moments of every draw type against their exact values within Monte Carlo error.
 */
import { describe, expect, it } from 'vitest';
import { MAMMEN, createRng, createRngFromState, mammenWeights, multivariateNormalDraws, rademacherWeights } from '../../src/numerics/random.js';
import { expectClose } from '../helpers/expectClose.js';

function moments(values: ArrayLike<number>): { mean: number; variance: number; third: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let variance = 0;
  let third = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    variance += d * d;
    third += d * d * d;
  }
  return { mean, variance: variance / values.length, third: third / values.length };
}

describe('createRng: reproducible streams', () => {
  it('the same seed gives bit-identical uniform, normal and int streams; other seeds differ', () => {
    const a = createRng(2024);
    const b = createRng(2024);
    const c = createRng(2025);
    for (let i = 0; i < 1000; i++) {
      expect(a.uniform()).toBe(b.uniform());
      expect(a.normal()).toBe(b.normal());
      expect(a.int(17)).toBe(b.int(17));
    }
    const x = createRng(2024).uniform();
    expect(x).not.toBe(c.uniform());
  });
  it('nextUint32 follows the xoshiro128** reference recurrence (Blackman & Vigna, prng.di.unimi.it)', () => {
    // Independent transcription of the reference C code with uint32 arithmetic via BigInt.
    const mask = 0xffffffffn;
    const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & mask;
    let s = [0x12345678n, 0x9abcdef0n, 0x0fedcba9n, 0x87654321n];
    const reference: number[] = [];
    for (let i = 0; i < 20; i++) {
      reference.push(Number((rotl((s[1]! * 5n) & mask, 7n) * 9n) & mask));
      const t = (s[1]! << 9n) & mask;
      s[2] = s[2]! ^ s[0]!;
      s[3] = s[3]! ^ s[1]!;
      s[1] = s[1]! ^ s[2]!;
      s[0] = s[0]! ^ s[3]!;
      s[2] = s[2]! ^ t;
      s[3] = rotl(s[3]!, 11n);
    }
    const rng = createRngFromState([0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321]);
    expect(Array.from({ length: 20 }, () => rng.nextUint32())).toEqual(reference);
    expect(createRngFromState([1, 2, 3, 4]).nextUint32()).toBe(11520); // rotl(2·5, 7)·9 by hand
  });
  it('uniform draws lie in [0, 1) with mean 1/2 and variance 1/12 (n = 200000, 5 SE)', () => {
    const rng = createRng(1);
    const n = 200_000;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = rng.uniform();
    expect(Math.min(...u.subarray(0, 1000))).toBeGreaterThanOrEqual(0);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const m = moments(u);
    expectClose(m.mean, 0.5, 0, 'mean', { absTol: 5 * Math.sqrt(1 / 12 / n) });
    expectClose(m.variance, 1 / 12, 0.01, 'variance');
  });
  it('normal draws: mean 0, variance 1, skewness 0 (n = 200000, 5 SE)', () => {
    const rng = createRng(99);
    const n = 200_000;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    const m = moments(z);
    expectClose(m.mean, 0, 0, 'mean', { absTol: 5 / Math.sqrt(n) });
    expectClose(m.variance, 1, 5 * Math.sqrt(2 / n), 'variance');
    expectClose(m.third, 0, 0, 'third moment', { absTol: 5 * Math.sqrt(15 / n) });
  });
  it('int(n) is uniform on {0, …, n−1}: each of 7 cells within 5 SE of n/7', () => {
    const rng = createRng(5);
    const counts = new Array<number>(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[rng.int(7)]!++;
    const se = Math.sqrt((n * (1 / 7) * (6 / 7)));
    for (const count of counts) expectClose(count, n / 7, 0, 'cell count', { absTol: 5 * se });
  });
});

describe('bootstrap multiplier weights (Mammen 1993; Rademacher)', () => {
  it('Mammen weights: exact moments of the two-point law (0, 1, 1) and Monte Carlo agreement', () => {
    const { low, high, probabilityLow: p } = MAMMEN;
    expectClose(p * low + (1 - p) * high, 0, 0, 'E v', { absTol: 1e-15 });
    expectClose(p * low ** 2 + (1 - p) * high ** 2, 1, 1e-15, 'E v²');
    expectClose(p * low ** 3 + (1 - p) * high ** 3, 1, 1e-14, 'E v³');
    const m = moments(mammenWeights(200_000, createRng(3)));
    expectClose(m.mean, 0, 0, 'mean', { absTol: 5 / Math.sqrt(200_000) });
    expectClose(m.variance, 1, 0.02, 'variance');
  });
  it('Rademacher weights are ±1 with mean 0', () => {
    const v = rademacherWeights(100_000, createRng(4));
    expect(v.every((x) => x === 1 || x === -1)).toBe(true);
    expectClose(moments(v).mean, 0, 0, 'mean', { absTol: 5 / Math.sqrt(100_000) });
  });
});

describe('multivariateNormalDraws (Cholesky; MASS::mvrnorm gives the same law)', () => {
  it('sample mean and covariance match (mean, Σ) within Monte Carlo error; singular Σ allowed', () => {
    const mean = Float64Array.of(1, -2, 0.5);
    // Σ = [[2, 0.6, 2], [0.6, 1, 0.6], [2, 0.6, 2]]: third = first (singular, semi-definite)
    const cov = Float64Array.of(2, 0.6, 2, 0.6, 1, 0.6, 2, 0.6, 2);
    const draws = 100_000;
    const sims = multivariateNormalDraws(mean, cov, 3, draws, createRng(11));
    const cols = [0, 1, 2].map((j) => sims.subarray(j * draws, (j + 1) * draws));
    for (let j = 0; j < 3; j++) expectClose(moments(cols[j]!).mean, mean[j]!, 0, `mean ${j}`, { absTol: 5 * Math.sqrt(cov[j * 4]! / draws) });
    let c01 = 0;
    for (let d = 0; d < draws; d++) c01 += (cols[0]![d]! - mean[0]!) * (cols[1]![d]! - mean[1]!);
    expectClose(c01 / draws, 0.6, 0.05, 'cov(0, 1)');
    expectClose(moments(cols[0]!).variance, 2, 0.03, 'var 0');
    let maxGap = 0;
    for (let d = 0; d < draws; d++) maxGap = Math.max(maxGap, Math.abs(cols[2]![d]! - cols[0]![d]! - (mean[2]! - mean[0]!)));
    expect(maxGap).toBeLessThan(1e-12);
  });
});
