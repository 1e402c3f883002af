/**
 * Quantiles of the truncated and the folded standard normal, computed to full precision from the
 * normal CDF and quantile of `distributions.ts`. Tails are handled as tails (upper masses
 * Q(x) = Φ(−x), never 1 − Φ(x)), and beyond x ≈ 37, where Q underflows, through the asymptotic
 * series of log Q (relative error < 1e-13 there).
 *
 * The truncated-normal quantile is what HonestDiD's ARP test takes from
 * `TruncatedNormal::norminvp(p, l, u)`; the folded-normal quantile is the critical value of its
 * fixed-length confidence interval (`.qfoldednormal`, computed there by simulation).
 */
import { normalCdf, normalQuantile } from './distributions.js';
import { exp, log } from './elementary.js';

const LOG_SQRT_2PI = 0.9189385332046728;

/** log Q(x) = log Φ(−x), accurate for every x (asymptotic series for large x). */
function logUpper(x: number): number {
  if (x < 37) return log(normalCdf(-x));
  const z = 1 / (x * x);
  const series = 1 - z * (1 - 3 * z * (1 - 5 * z * (1 - 7 * z * (1 - 9 * z))));
  return -0.5 * x * x - log(x) - LOG_SQRT_2PI + log(series);
}

/** The x ≥ 0 with log Q(x) = target (Newton on log Q, whose slope is −φ(x)/Q(x)). */
function upperFromLog(target: number): number {
  if (target > -700) return -normalQuantile(exp(target));
  let x = Math.sqrt(-2 * target);
  for (let i = 0; i < 100; i++) {
    const f = logUpper(x) - target;
    // φ/Q ≈ x + 1/x − 2/x³ for large x (the Mills ratio's reciprocal).
    const slope = -(x + 1 / x - 2 / (x * x * x));
    const step = f / slope;
    x -= step;
    if (Math.abs(step) <= 1e-15 * x) break;
  }
  return x;
}

/**
 * The p-quantile of a standard normal truncated to [l, u] (TruncatedNormal's `norminvp`).
 * Returns NaN when p ∉ [0, 1] or l ≥ u is violated.
 *
 * @example
 * truncatedNormalQuantile(0.5, -Infinity, Infinity); // 0
 * truncatedNormalQuantile(0.95, 0, Infinity);        // 1.959963984540054 (the half-normal 95% point)
 */
export function truncatedNormalQuantile(p: number, l: number, u: number): number {
  if (!(p >= 0 && p <= 1) || !(l < u)) return NaN;
  if (p === 0) return l;
  if (p === 1) return u;
  // Reflect so that the interval's centre lies at or right of 0: tails are then upper tails.
  if (l + u < 0) return -truncatedNormalQuantile(1 - p, -u, -l);
  if (l <= 0) {
    // Straddles 0 (u ≥ −l ≥ 0): the lower mass target, or its complement when that is above ½.
    const lo = normalCdf(l);
    const hi = normalCdf(u);
    const target = lo + p * (hi - lo);
    if (target <= 0.5) return normalQuantile(target);
    const upperMass = normalCdf(-u) + (1 - p) * (normalCdf(-l) - normalCdf(-u));
    return -normalQuantile(upperMass);
  }
  // Both bounds in the right tail: Q(x) = (1 − p) Q(l) + p Q(u), in logs.
  const logQl = logUpper(l);
  const logQu = u === Infinity ? -Infinity : logUpper(u);
  const target = logQl + log((1 - p) + p * exp(logQu - logQl));
  const x = upperFromLog(target);
  return Math.min(u, Math.max(l, x));
}

/**
 * The p-quantile of |Z + μ|, Z ~ N(0, 1) (the folded normal), solved to machine precision by
 * bisection on P(|Z + μ| > x) = Φ(μ − x) + Φ(−μ − x) = 1 − p.
 *
 * @example
 * foldedNormalQuantile(0.95, 0); // 1.959963984540054
 */
export function foldedNormalQuantile(p: number, mu: number): number {
  if (!(p > 0 && p < 1) || !Number.isFinite(mu)) return NaN;
  const m = Math.abs(mu);
  const excess = (x: number): number => normalCdf(m - x) + normalCdf(-m - x) - (1 - p);
  let lo = 0;
  let hi = m + normalQuantile(p) + 1;
  while (excess(hi) > 0) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
