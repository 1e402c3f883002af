/**
 * Linear scales and "nice" tick values (1, 2, 5 × 10^k steps, the rule of d3-scale's
 * `tickIncrement` and R's `pretty`).
 */
import { log10, pow } from '../../numerics/elementary.js';

/** A linear map from a data domain to a pixel range. */
export interface LinearScale {
  (x: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** About `count` nice tick values inside the domain. */
  ticks(count?: number): number[];
}

/**
 * Step between about `count` nice ticks covering [lo, hi]: 1, 2 or 5 times a power of ten.
 *
 * @example
 * tickStep(0, 1, 5); // 0.2
 */
export function tickStep(lo: number, hi: number, count = 5): number {
  const span = Math.abs(hi - lo);
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = pow(10, Math.floor(log10(raw)));
  const error = raw / power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * power;
}

/**
 * Nice tick values within [lo, hi], free of floating-point noise (0.30000000000000004 → 0.3).
 *
 * @example
 * niceTicks(0, 1, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) return [lo];
  const step = tickStep(lo, hi, count);
  const decimals = Math.max(0, -Math.floor(log10(step)) + 1);
  const start = Math.ceil(lo / step - 1e-9);
  const stop = Math.floor(hi / step + 1e-9);
  const out: number[] = [];
  for (let i = start; i <= stop; i++) out.push(Number((i * step).toFixed(decimals)));
  return out;
}

/**
 * Extends [lo, hi] outward to multiples of the nice step, so the axis starts and ends on a tick.
 *
 * @example
 * niceDomain(0.13, 0.87, 5); // [0, 1]
 */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const step = tickStep(lo, hi, count);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/**
 * A linear scale from `domain` to `range`.
 *
 * @example
 * const x = linearScale([0, 10], [50, 550]);
 * x(5);        // 300
 * x.ticks(5);  // [0, 2, 4, 6, 8, 10]
 */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const scale = ((x: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + (x - d0) * k)) as LinearScale;
  Object.defineProperties(scale, {
    domain: { value: [d0, d1] as const },
    range: { value: [r0, r1] as const },
    ticks: { value: (count = 5) => niceTicks(Math.min(d0, d1), Math.max(d0, d1), count) },
  });
  return scale;
}

/**
 * Minimum and maximum of the finite values (`[0, 1]` if there are none).
 *
 * @example
 * extent([3, NaN, -1, 2]); // [-1, 3]
 */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
