/**
 * Elementary functions with the same bits in every JavaScript engine.
 *
 * ECMAScript leaves the accuracy of `Math.exp`, `Math.log`, `Math.pow`, `Math.sin`, … to the
 * implementation ("implementation-approximated"), and engines differ: V8 in Chromium and in Node
 * give different last bits on a few percent of inputs, as do SpiderMonkey and JavaScriptCore. Any
 * seeded or reproducible result that passes through them (IRLS weights, propensity scores, normal
 * draws) would then differ between a browser and a server. These functions are ports of FreeBSD's
 * msun / Sun's fdlibm written in plain IEEE double arithmetic (+, −, ×, ÷, integer and word
 * operations), which JavaScript requires to be correctly rounded, so they give identical bits
 * everywhere. Accuracy: < 1 ulp (fdlibm's bounds).
 *
 * `exp` and `log` are transcribed here from fdlibm's `e_exp.c` and `e_log.c` because they sit in
 * hot loops (IRLS passes, propensity scores, normal draws): stdlib's ports cost 3–5× `Math.exp` /
 * `Math.log` per call in Node 20, these 1.2–1.5× and 1.5–2× (docs/numerics.md, "Same bits in every
 * engine"): one short straight-line path for ordinary arguments, which V8 inlines, and the rare
 * cases in separate functions. They do the
 * same operations in the same order as stdlib's ports (`@stdlib/math-base-special-exp`, `-ln`) and
 * give the same bits (test/numerics/elementary.self.test.ts), except that exp rounds results below
 * 2⁻¹⁰⁷⁴ up to 5e-324 as fdlibm does where stdlib's `ldexp` gives 0 (x < −744.44). The others are
 * stdlib's ports as they are (`log1p`, `expm1`, `pow`, `sin`, `cos`, `log2`, `log10`, `cbrt`).
 *
 * Every other file in src/ calls these instead of the `Math` functions (test/architecture.test.ts
 * enforces it); `Math.sqrt`, `abs`, `floor`, `ceil`, `round`, `trunc`, `min`, `max` stay, being
 * exact or correctly rounded by IEEE 754. The `**` operator is banned with them: it is `Math.pow`.
 */
import stdlibLog1p from '@stdlib/math-base-special-log1p';
import stdlibExpm1 from '@stdlib/math-base-special-expm1';
import stdlibPow from '@stdlib/math-base-special-pow';
import stdlibSin from '@stdlib/math-base-special-sin';
import stdlibCos from '@stdlib/math-base-special-cos';
import stdlibLog2 from '@stdlib/math-base-special-log2';
import stdlibLog10 from '@stdlib/math-base-special-log10';
import stdlibCbrt from '@stdlib/math-base-special-cbrt';
import stdlibGammaln from '@stdlib/math-base-special-gammaln';

// Word access to one double (little- or big-endian hosts alike) for log's exponent arithmetic.
const WORDS = new Float64Array(1);
const WORDS32 = new Int32Array(WORDS.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/** The double whose high 32 bits are `high` and low 32 bits `low` (exact). */
function fromWords(high: number, low: number): number {
  WORDS32[HIGH] = high | 0;
  WORDS32[LOW] = low | 0;
  return WORDS[0]!;
}

// e_exp.c constants.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e0;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const EXP_OVERFLOW = 7.09782712893383973096e2;
const EXP_UNDERFLOW = -7.45133219101941108420e2;
const TWO_M28 = fromWords(0x3e300000, 0); // 2⁻²⁸
const TWO_M1000 = fromWords(0x01700000, 0); // 2⁻¹⁰⁰⁰
const TWO_1023 = fromWords(0x7fe00000, 0);
/** POW2[k + 1023] = 2ᵏ for k = −1022 … 1023: scaling by it is fdlibm's exact exponent add. */
const POW2 = new Float64Array(2047);
for (let k = -1022; k <= 1023; k++) POW2[k + 1023] = fromWords((k + 1023) << 20, 0);

/**
 * eˣ (fdlibm `e_exp.c`), the same bits in every engine. Error < 1 ulp.
 *
 * For 2⁻²⁸ ≤ |x| ≤ 708 one straight-line path (small enough for V8 to inline into a loop): fdlibm's
 * special reductions for |x| < 1.5·ln 2 (k = 0 and k = ±1 without the multiply) are the same
 * operations as its general one there, since k·ln2_hi is then exact and 0 − q = −q; the rest,
 * including results near overflow and below 2⁻¹⁰²², goes to {@link expOutside}.
 *
 * @example
 * exp(0); // 1
 * exp(1); // 2.7182818284590455 (fdlibm is within 1 ulp; Math.E is the rounded e, 2.718281828459045)
 */
export function exp(x: number): number {
  const ax = x < 0 ? -x : x;
  if (ax <= 708 && ax >= TWO_M28) {
    const k = (INV_LN2 * x + (x < 0 ? -0.5 : 0.5)) | 0; // C's (int): truncation; |k| ≤ 1022
    const hi = x - k * LN2_HI; // exact: k·LN2_HI has ≤ 43 significant bits
    const lo = k * LN2_LO;
    const r = hi - lo;
    const t = r * r;
    const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    return (1 - ((lo - (r * c) / (2 - c)) - hi)) * POW2[k + 1023]!;
  }
  return expOutside(x);
}

/** fdlibm's exp outside 2⁻²⁸ ≤ |x| ≤ 708: tiny, huge, infinite and NaN arguments. */
function expOutside(x: number): number {
  if (!(x <= EXP_OVERFLOW)) return x > 0 ? Infinity : NaN; // overflow, or NaN
  if (x < EXP_UNDERFLOW) return 0;
  const ax = x < 0 ? -x : x;
  if (ax < TWO_M28) return 1 + x;
  const k = (INV_LN2 * x + (x < 0 ? -0.5 : 0.5)) | 0;
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  if (k >= -1021) return k === 1024 ? y * 2 * TWO_1023 : y * POW2[k + 1023]!; // fdlibm's exponent add
  return y * POW2[k + 1000 + 1023]! * TWO_M1000; // subnormal result: one rounding, as fdlibm
}

// e_log.c constants.
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const TWO54 = 18014398509481984;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Natural logarithm ln x (fdlibm `e_log.c`), the same bits in every engine. Error < 1 ulp.
 *
 * @example
 * log(Math.E); // 1
 * log(0); // -Infinity
 */
export function log(x: number): number {
  if (!(x >= MIN_NORMAL && x < Infinity)) return logOutside(x);
  WORDS[0] = x;
  return logCore(x, WORDS32[HIGH]!, 0);
}

/** fdlibm's log of 0, negative, NaN, +Infinity and subnormal x (scaled up by 2⁵⁴ first). */
function logOutside(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return x;
  const scaled = x * TWO54;
  WORDS[0] = scaled;
  return logCore(scaled, WORDS32[HIGH]!, -54);
}

/**
 * e_log.c for a normal x with high word hx, plus k0 in the exponent. fdlibm's separate k = 0
 * returns are folded in: with k = 0, k·ln2_hi − ((A + k·ln2_lo) − f) is f − A to the bit.
 */
function logCore(x: number, hx: number, k0: number): number {
  const e = (hx >> 20) - 1023;
  const m = hx & 0x000fffff;
  const i0 = (m + 0x95f64) & 0x100000;
  // fdlibm sets x's exponent to 0 (or −1 when i0 is set) in the high word; scaling by the power
  // of two 2^−scale is the same exact operation without a store-to-load round trip.
  const scale = e + (i0 >> 20);
  const k = k0 + scale;
  const f = (scale <= 1022 ? x * POW2[1023 - scale]! : x * POW2[1025 - scale]! * 0.25) - 1; // 2^−scale below 2^−1022: two exact steps
  if ((0x000fffff & (2 + m)) < 3) {
    // |f| < 2⁻²⁰
    if (f === 0) return k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k * LN2_HI - ((R - k * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((m - 0x6147a) | (0x6b851 - m)) > 0) {
    const hfsq = 0.5 * f * f;
    return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
  }
  return k * LN2_HI - ((s * (f - R) - k * LN2_LO) - f);
}

/**
 * ln(1 + x), accurate for tiny x (fdlibm `s_log1p.c`).
 *
 * @example
 * log1p(1e-20); // 1e-20
 */
export const log1p: (x: number) => number = stdlibLog1p;

/**
 * eˣ − 1, accurate for tiny x (fdlibm `s_expm1.c`).
 *
 * @example
 * expm1(1e-20); // 1e-20
 */
export const expm1: (x: number) => number = stdlibExpm1;

/**
 * xʸ (fdlibm `e_pow.c`; exact whenever the result is representable, e.g. pow(10, 3) = 1000).
 *
 * @example
 * pow(2, 10); // 1024
 */
export const pow: (x: number, y: number) => number = stdlibPow;

/**
 * sin x, x in radians (fdlibm `k_sin.c` with `e_rem_pio2.c` argument reduction).
 *
 * @example
 * sin(0); // 0
 */
export const sin: (x: number) => number = stdlibSin;

/**
 * cos x, x in radians (fdlibm `k_cos.c` with `e_rem_pio2.c` argument reduction).
 *
 * @example
 * cos(0); // 1
 */
export const cos: (x: number) => number = stdlibCos;

/**
 * log₂ x (FreeBSD msun `e_log2.c`; exact at powers of two).
 *
 * @example
 * log2(8); // 3
 */
export const log2: (x: number) => number = stdlibLog2;

/**
 * log₁₀ x (FreeBSD msun `e_log10.c`; exact at powers of ten).
 *
 * @example
 * log10(1000); // 3
 */
export const log10: (x: number) => number = stdlibLog10;

/**
 * Cube root ∛x (FreeBSD msun `s_cbrt.c`).
 *
 * @example
 * cbrt(27); // 3
 */
export const cbrt: (x: number) => number = stdlibCbrt;

/**
 * log Γ(x) (stdlib's port of FreeBSD msun `e_lgamma_r.c`): the log-factorial of counts in the
 * Poisson likelihood (log y! = lgamma(y + 1)).
 *
 * @example
 * lgamma(5); // 3.1780538303479458 (log 24)
 */
export const lgamma: (x: number) => number = stdlibGammaln;
