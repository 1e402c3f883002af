/**
 * R's default random-number stream, reproduced bit for bit: `set.seed(seed)` (R's initial
 * scrambling by the congruential generator 69069·s + 1, then the Mersenne-Twister state),
 * `unif_rand()` (MT19937 with R's `fixup` into (0, 1)) and `norm_rand()` by inversion (R's
 * default `normal.kind`: two uniforms for 2⁻²⁷-resolution, then the normal quantile).
 *
 * This exists to reproduce reference computations that draw from R's stream with a fixed seed
 * (HonestDiD's simulated folded-normal quantile and least-favourable critical value use
 * `set.seed(0)`). It is not the library's generator: new randomness uses `createRng` (random.ts).
 *
 * Source: R 4.x src/main/RNG.c (`RNG_Init`, `MT_genrand`, `fixup`) and src/nmath/snorm.c
 * (`norm_rand`, INVERSION).
 */
import { normalQuantile } from './distributions.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const I2_32M1 = 2.328306437080797e-10;
const BIG = 134217728;

/** R's generator state after `set.seed(seed)` (Mersenne-Twister, Inversion). */
export interface RStream {
  /** R's `unif_rand()`: a double in (0, 1). */
  unif(): number;
  /** R's `norm_rand()` (inversion): a standard normal draw. */
  norm(): number;
}

/**
 * The stream R produces after `set.seed(seed)` with the default kinds.
 *
 * @example
 * const r = rStream(0);
 * r.norm(); // 1.2629542848807933 (R: set.seed(0); rnorm(1))
 */
export function rStream(seed: number): RStream {
  let s = seed >>> 0;
  for (let j = 0; j < 50; j++) s = (Math.imul(69069, s) + 1) >>> 0;
  const state = new Uint32Array(N + 1);
  for (let j = 0; j < N + 1; j++) {
    s = (Math.imul(69069, s) + 1) >>> 0;
    state[j] = s;
  }
  const mt = state.subarray(1);
  let mti = N; // FixupSeeds(initial): dummy[0] = 624, so the first draw regenerates the block
  const mag01 = [0, MATRIX_A];

  const genrand = (): number => {
    if (mti >= N) {
      let kk = 0;
      let y: number;
      for (; kk < N - M; kk++) {
        y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ mag01[y & 1]!;
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ mag01[y & 1]!;
      }
      y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ mag01[y & 1]!;
      mti = 0;
    }
    let y = mt[mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return (y >>> 0) * 2.3283064365386963e-10;
  };
  const unif = (): number => {
    const x = genrand();
    if (x <= 0) return 0.5 * I2_32M1;
    if (1 - x <= 0) return 1 - 0.5 * I2_32M1;
    return x;
  };
  const norm = (): number => {
    let u = unif();
    u = Math.trunc(BIG * u) + unif();
    return normalQuantile(u / BIG);
  };
  return { unif, norm };
}
