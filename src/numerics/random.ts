/**
 * Seeded, reproducible pseudo-random numbers: xoshiro128** (Blackman & Vigna 2018, "Scrambled
 * linear pseudorandom number generators", https://prng.di.unimi.it/xoshiro128starstar.c)
 * seeded through splitmix32, so any 32-bit seed gives a well-mixed state. Period 2¹²⁸ − 1.
 *
 * - `uniform()`: 53 random bits from two outputs → [0, 1) with spacing 2⁻⁵³.
 * - `normal()`: Marsaglia polar method (Marsaglia & Bray 1964), the second draw of each pair cached.
 * - `int(n)`: uniform integer in [0, n) by multiplying a 53-bit uniform (bias < n·2⁻⁵³).
 * - Multiplier weights for the wild/multiplier bootstrap: Mammen (1993) two-point weights
 *   (mean 0, variance 1, third moment 1) and Rademacher ±1.
 * - `multivariateNormalDraws`: mean + L·z with L the Cholesky factor of the covariance
 *   (semi-definite covariances allowed: a zero pivot gets a zero column). R mediation uses
 *   MASS::mvrnorm (eigen-based): the draws differ stream-wise but have the same distribution.
 *
 * The same seed always gives the same stream (bit-identical across platforms: only 32-bit integer
 * arithmetic and IEEE double operations are used). Not for cryptography.
 *
 * Dimension symbols: k = dimension of a draw, draws = number of draws.
 */
import { CausalPanelError } from '../errors.js';
import { log } from './elementary.js';

/**
 * A deterministic random source.
 *
 * @example
 * const rng: Rng = createRng(42);
 * rng.int(6); // 3 (the same on every run and platform)
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** The raw next 32-bit unsigned output. */
  nextUint32(): number;
}

/** splitmix32 step (a 32-bit variant of Steele, Lea & Flood's SplitMix), for seeding. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Creates a seeded xoshiro128** generator. Seeds are reduced to 32 bits (non-integers are
 * truncated, so use integer seeds); `undefined` means seed 1.
 *
 * @throws {CausalPanelError} `invalid_option` if the seed is not a finite number
 * @example
 * const rng = createRng(42);
 * rng.uniform(); // same value on every run and platform
 * createRng(42).normal() === createRng(42).normal(); // true
 */
export function createRng(seed: number | undefined = 1): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new CausalPanelError('invalid_option', `createRng: seed must be a finite number (${String(seed)})`, {
      fn: 'createRng',
      option: 'seed',
      value: seed,
    });
  }
  // Fold the seed's high bits in so that seeds ≥ 2³² still differ.
  const seedState = { value: (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) | 0 };
  const s0 = splitmix32(seedState);
  const s1 = splitmix32(seedState);
  const s2 = splitmix32(seedState);
  const s3 = splitmix32(seedState);
  return createRngFromState([s0, s1, s2, s3]);
}

/**
 * A xoshiro128** generator started from an explicit 128-bit state (four 32-bit words, not all
 * zero); {@link createRng} is the seeded entry point.
 *
 * @throws {CausalPanelError} `invalid_option` if the state is all zero
 * @example
 * createRngFromState([1, 2, 3, 4]).nextUint32(); // 11520 (rotl(2·5, 7)·9)
 */
export function createRngFromState(state: readonly [number, number, number, number]): Rng {
  let [s0, s1, s2, s3] = state.map((v) => v | 0) as [number, number, number, number];
  if ((s0 | s1 | s2 | s3) === 0) {
    throw new CausalPanelError('invalid_option', 'createRngFromState: state must not be all zero (0, 0, 0, 0)', {
      fn: 'createRngFromState',
      value: state,
    });
  }
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const uniform = (): number => {
    const high = nextUint32() >>> 5; // 27 bits
    const low = nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  };
  let cached = NaN;
  const normal = (): number => {
    if (!Number.isNaN(cached)) {
      const value = cached;
      cached = NaN;
      return value;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * log(s)) / s);
    cached = v * factor;
    return u * factor;
  };
  const int = (n: number): number => Math.floor(uniform() * n);
  return { uniform, normal, int, nextUint32 };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Mammen's (1993) two-point law: (1 − √5)/2 with probability (√5 + 1)/(2√5), else (1 + √5)/2.
 *
 * @example
 * MAMMEN.low; // -0.6180339887498949
 */
export const MAMMEN = Object.freeze({
  low: (1 - Math.sqrt(5)) / 2,
  high: (1 + Math.sqrt(5)) / 2,
  probabilityLow: (Math.sqrt(5) + 1) / (2 * Math.sqrt(5)),
});

/**
 * `count` Mammen (1993) multiplier weights (mean 0, variance 1, E v³ = 1), as did's `mboot`.
 *
 * @example
 * mammenWeights(3, createRng(1)); // each entry is -0.618… or 1.618…
 */
export function mammenWeights(count: number, rng: Rng): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.uniform() < MAMMEN.probabilityLow ? MAMMEN.low : MAMMEN.high;
  return out;
}

/**
 * `count` Rademacher weights (±1 with probability ½ each).
 *
 * @example
 * rademacherWeights(4, createRng(1)); // e.g. Float64Array [1, -1, -1, 1]
 */
export function rademacherWeights(count: number, rng: Rng): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.uniform() < 0.5 ? -1 : 1;
  return out;
}

/** Webb's (2023) six points ±√(3/2), ±1, ±√(1/2), as fwildclusterboot's `c(-sqrt((3:1)/2), sqrt((1:3)/2))`. */
const WEBB_POINTS = Object.freeze([-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)]);

/**
 * `count` Webb six-point weights (±√(3/2), ±1, ±√(1/2), probability 1/6 each: mean 0,
 * variance 1), the wild-cluster-bootstrap law for few clusters.
 *
 * @example
 * webbWeights(3, createRng(1)); // each entry is one of ±1.2247…, ±1, ±0.7071…
 */
export function webbWeights(count: number, rng: Rng): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = WEBB_POINTS[rng.int(6)]!;
  return out;
}

/**
 * `count` standard normal multiplier weights.
 *
 * @example
 * normalWeights(2, createRng(1)); // two N(0, 1) draws
 */
export function normalWeights(count: number, rng: Rng): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal();
  return out;
}

/**
 * `draws` draws from N(mean, cov) (k-dimensional), as a draws×k column-major matrix
 * (`out[d + j * draws]`), via mean + L·z with cov = LLᵀ (semi-definite allowed).
 *
 * @throws {CausalPanelError} `invalid_option` if `cov` is not k×k or is not positive semi-definite
 * @example
 * const sims = multivariateNormalDraws(Float64Array.of(0, 1), Float64Array.of(1, 0.5, 0.5, 2), 2, 1000, createRng(7));
 * sims.length; // 2000; column 1 has mean ≈ 1 and variance ≈ 2
 */
export function multivariateNormalDraws(
  mean: ArrayLike<number>,
  cov: ArrayLike<number>,
  k: number,
  draws: number,
  rng: Rng,
): Float64Array {
  const fn = 'multivariateNormalDraws';
  if (mean.length !== k || cov.length !== k * k) {
    throw new CausalPanelError('invalid_option', `${fn}: mean must have length k and cov k×k entries (k = ${k}, got ${mean.length} and ${cov.length})`, {
      fn,
      value: k,
    });
  }
  const L = semidefiniteCholesky(cov, k, fn);
  const out = new Float64Array(draws * k);
  const z = new Float64Array(k);
  for (let d = 0; d < draws; d++) {
    for (let j = 0; j < k; j++) z[j] = rng.normal();
    for (let i = 0; i < k; i++) {
      let sum = mean[i] as number;
      for (let j = 0; j <= i; j++) sum += L[i + j * k]! * z[j]!;
      out[d + i * draws] = sum;
    }
  }
  return out;
}

/** Cholesky factor of a positive semi-definite matrix; near-zero pivots give zero columns. */
function semidefiniteCholesky(A: ArrayLike<number>, k: number, fn: string): Float64Array {
  const L = new Float64Array(k * k);
  let maxDiagonal = 0;
  for (let j = 0; j < k; j++) maxDiagonal = Math.max(maxDiagonal, Math.abs(A[j + j * k] as number));
  const threshold = 1e-12 * maxDiagonal;
  for (let j = 0; j < k; j++) {
    let diagonal = A[j + j * k] as number;
    for (let p = 0; p < j; p++) diagonal -= L[j + p * k]! ** 2;
    if (!Number.isFinite(diagonal) || diagonal < -threshold * 1e3) {
      throw new CausalPanelError('invalid_option', `${fn}: covariance is not positive semi-definite (pivot ${j}: ${diagonal})`, {
        fn,
        value: diagonal,
      });
    }
    if (diagonal <= threshold) continue; // zero column: no variance left in this direction
    const root = Math.sqrt(diagonal);
    L[j + j * k] = root;
    for (let i = j + 1; i < k; i++) {
      let sum = A[i + j * k] as number;
      for (let p = 0; p < j; p++) sum -= L[i + p * k]! * L[j + p * k]!;
      L[i + j * k] = sum / root;
    }
  }
  return L;
}
