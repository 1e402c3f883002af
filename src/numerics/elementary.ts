/**
 * Elementary functions with the same bits in every JavaScript engine.
 *
 * ECMAScript leaves the accuracy of `Math.exp`, `Math.log`, `Math.pow`, `Math.sin`, … to the
 * implementation ("implementation-approximated"), and engines differ: V8 in Chromium and in Node
 * give different last bits on a few percent of inputs, as do SpiderMonkey and JavaScriptCore. Any
 * seeded or reproducible result that passes through them (IRLS weights, propensity scores, normal
 * draws) would then differ between a browser and a server. These are the `@stdlib` ports of
 * FreeBSD's msun / Sun's fdlibm, written in plain IEEE double arithmetic (+, −, ×, ÷, bit
 * manipulation), which JavaScript requires to be correctly rounded — so they give identical bits
 * everywhere. Accuracy: < 1 ulp (fdlibm's bounds).
 *
 * Every other file in src/ calls these instead of the `Math` functions (test/architecture.test.ts
 * enforces it); `Math.sqrt`, `abs`, `floor`, `ceil`, `round`, `trunc`, `min`, `max` stay, being
 * exact or correctly rounded by IEEE 754. The `**` operator is banned with them: it is `Math.pow`.
 */
import stdlibExp from '@stdlib/math-base-special-exp';
import stdlibLn from '@stdlib/math-base-special-ln';
import stdlibLog1p from '@stdlib/math-base-special-log1p';
import stdlibExpm1 from '@stdlib/math-base-special-expm1';
import stdlibPow from '@stdlib/math-base-special-pow';
import stdlibSin from '@stdlib/math-base-special-sin';
import stdlibCos from '@stdlib/math-base-special-cos';
import stdlibLog2 from '@stdlib/math-base-special-log2';
import stdlibLog10 from '@stdlib/math-base-special-log10';

/**
 * eˣ (fdlibm `e_exp.c`), the same bits in every engine.
 *
 * @example
 * exp(0); // 1
 * exp(1); // 2.7182818284590455 (fdlibm is within 1 ulp; Math.E is the rounded e, 2.718281828459045)
 */
export const exp: (x: number) => number = stdlibExp;

/**
 * Natural logarithm ln x (fdlibm `e_log.c`), the same bits in every engine.
 *
 * @example
 * log(Math.E); // 1
 */
export const log: (x: number) => number = stdlibLn;

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
