/**
 * numerics/elementary.ts: `exp` and `log`, transcribed from fdlibm for speed, give the same bits
 * as stdlib's ports of the same fdlibm routines (`@stdlib/math-base-special-exp`, `-ln`) on random
 * bit patterns and on the ranges the library feeds them, and fdlibm's answers at the edges. The
 * one documented divergence: stdlib's `ldexp` flushes exp's results below 2⁻¹⁰⁷⁴·½… to 0 for
 * x < −744.44, where fdlibm (and this file) round to the smallest subnormal 5e-324.
 */
import stdlibExp from '@stdlib/math-base-special-exp';
import stdlibLn from '@stdlib/math-base-special-ln';
import { describe, expect, it } from 'vitest';
import { exp, log } from '../../src/numerics/elementary.js';

const view = new DataView(new ArrayBuffer(8));
const bitsOf = (x: number): string => {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16);
};

/** Inputs: random bit patterns, then uniform draws on the given ranges (xorshift32, fixed seed). */
function inputs(count: number, ranges: readonly [number, number][]): Float64Array {
  let state = 20261206;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const out = new Float64Array(count * (ranges.length + 1));
  for (let i = 0; i < count; i++) {
    view.setUint32(0, Math.floor(next() * 4294967296));
    view.setUint32(4, Math.floor(next() * 4294967296));
    out[i] = view.getFloat64(0);
  }
  ranges.forEach(([lo, hi], r) => {
    for (let i = 0; i < count; i++) out[(r + 1) * count + i] = lo + (hi - lo) * next();
  });
  return out;
}

function mismatches(ours: (x: number) => number, theirs: (x: number) => number, xs: ArrayLike<number>, skip = (_x: number) => false): string[] {
  const out: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (skip(x)) continue;
    const [a, b] = [ours(x), theirs(x)];
    if (Number.isNaN(a) && Number.isNaN(b)) continue; // NaN payloads carry no meaning
    if (bitsOf(a) !== bitsOf(b) && out.length < 5) out.push(`x = ${x}: ${ours(x)} vs ${theirs(x)}`);
  }
  return out;
}

describe('elementary exp: fdlibm e_exp.c', () => {
  const xs = inputs(40_000, [[-745.2, 709.8], [-40, 40], [-1.5, 1.5], [-1e-8, 1e-8]]);
  it('equals stdlib exp bit for bit (above its flush-to-zero range)', () => {
    expect(mismatches(exp, stdlibExp, xs, (x) => x < -744.4)).toEqual([]);
  });
  it('edges: ±0, ±Infinity, NaN, overflow and underflow thresholds, subnormal results', () => {
    expect(exp(0)).toBe(1);
    expect(exp(-0)).toBe(1);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(NaN)).toBeNaN();
    expect(exp(709.79)).toBe(Infinity);
    expect(exp(709.782712893384)).toBe(1.7976931348622732e308); // fdlibm's o_threshold, the last finite
    expect(exp(-745.1332191019411)).toBe(5e-324);
    expect(exp(-745.2)).toBe(0);
    expect(exp(-740.5)).toBe(2.5e-322);
    expect(exp(1)).toBe(2.7182818284590455);
    expect(exp(1e-300)).toBe(1);
  });
});

describe('elementary log: fdlibm e_log.c', () => {
  const xs = inputs(40_000, [[0, 10], [0.999, 1.001], [1 - 1e-6, 1 + 1e-6], [0, 1e-300], [1e300, 1.7976931348623157e308]]);
  it('equals stdlib ln bit for bit', () => {
    expect(mismatches(log, stdlibLn, xs)).toEqual([]);
  });
  it('edges: ±0, negative, NaN, Infinity, 1, powers of two, subnormals', () => {
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(NaN)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
    expect(log(1)).toBe(0);
    expect(log(Math.E)).toBe(1);
    expect(log(2)).toBe(0.6931471805599453);
    expect(log(5e-324)).toBe(-744.4400719213812);
    expect(log(1.7976931348623157e308)).toBe(709.782712893384);
  });
});
