/**
 * Inference from the draws of `wildBootstrap.ts`: the t statistics at any null value r, boottest's
 * four p-value types with ties excluded, and the confidence set by test inversion
 * (fwildclusterboot R/get_bootstrap_pvalue.R, R/invert_p_val.R).
 *
 * Dimension symbols: B = draws.
 */
import type { WildBootstrapT, WildPValueType } from './wildBootstrap.js';

/** Relative tolerance below which a bootstrap statistic ties with the sample one. */
export const TIE_TOLERANCE = 1e-9;

/**
 * The sample t statistic and the bootstrap t statistics at null value r (NaN for a draw whose
 * variance is negative).
 *
 * @example
 * const { t, tBoot } = wildStatisticsAt(boot, 0);
 */
export function wildStatisticsAt(boot: WildBootstrapT, r: number): { t: number; tBoot: Float64Array } {
  const t = (boot.estimate - r) / boot.se;
  const tBoot = new Float64Array(boot.B);
  const rr = boot.impose ? r : 0;
  for (let b = 0; b < boot.B; b++) {
    const variance = boot.cc[b]! + 2 * boot.cd[b]! * rr + boot.dd[b]! * rr * rr;
    tBoot[b] = variance >= 0 ? (boot.n0[b]! + rr * boot.n1[b]!) / Math.sqrt(variance) : NaN;
  }
  return { t, tBoot };
}

/**
 * boottest's p-values from a statistic and its draws, with draws tying the statistic (within
 * {@link TIE_TOLERANCE}, relative) excluded as boottest's strict `<` intends: two-tailed =
 * mean(|t| < |t*|), equal-tailed = 2·min(mean(t < t*), mean(t > t*)), '>' = mean(t < t*),
 * '<' = mean(t > t*), over the finite draws. With `countTies` the tying draws count as at least
 * as extreme (≤ in place of <: the other reading of boottest's ties).
 *
 * @example
 * bootstrapPValue(2, Float64Array.of(-3, 1, 2.5, 0), 'two-tailed'); // { pValue: 0.5, ties: 0, draws: 4 }
 */
export function bootstrapPValue(t: number, tBoot: Float64Array, type: WildPValueType, countTies = false): { pValue: number; ties: number; draws: number } {
  let draws = 0;
  let above = 0;
  let below = 0;
  let absAbove = 0;
  let ties = 0;
  const tolSigned = TIE_TOLERANCE * Math.abs(t);
  for (let b = 0; b < tBoot.length; b++) {
    const s = tBoot[b]!;
    if (Number.isNaN(s)) continue;
    draws++;
    if (s - t > tolSigned || (countTies && s - t >= -tolSigned)) above++;
    if (t - s > tolSigned || (countTies && t - s >= -tolSigned)) below++;
    const gap = Math.abs(s) - Math.abs(t);
    if (gap > tolSigned) absAbove++;
    else if (gap >= -tolSigned) {
      ties++;
      if (countTies) absAbove++;
    }
  }
  let pValue: number;
  if (type === 'two-tailed') pValue = absAbove / draws;
  else if (type === 'equal-tailed') pValue = 2 * Math.min(above / draws, below / draws);
  else if (type === '>') pValue = above / draws;
  else pValue = below / draws;
  return { pValue, ties, draws };
}

/**
 * The p-value of H0: Rβ = r.
 *
 * @example
 * wildPValue(boot, 0, 'two-tailed'); // { pValue, ties, draws, t }
 */
export function wildPValue(boot: WildBootstrapT, r: number, type: WildPValueType, countTies = false): { pValue: number; ties: number; draws: number; t: number } {
  const { t, tBoot } = wildStatisticsAt(boot, r);
  return { ...bootstrapPValue(t, tBoot, type, countTies), t };
}

/**
 * The confidence set {r : p(r) ≥ 1 − level} by test inversion, as an interval: from the estimate
 * outwards in steps of se/4 until p(r) < 1 − level, then bisection to the crossing (p(r) is a
 * step function under enumeration; the crossing is located to 1e-12 of the standard error).
 * Bounds not found within 1000 standard errors are ±Infinity.
 *
 * @example
 * wildConfidenceInterval(boot, 0.95, 'two-tailed'); // [low, high]
 */
export function wildConfidenceInterval(boot: WildBootstrapT, level: number, type: WildPValueType, countTies = false): [number, number] {
  const alpha = 1 - level;
  const inside = (r: number): boolean => wildPValue(boot, r, type, countTies).pValue >= alpha;
  const scale = boot.se > 0 ? boot.se : Math.max(Math.abs(boot.estimate), 1);
  const bound = (direction: 1 | -1): number => {
    let lastIn = boot.estimate;
    let out = NaN;
    for (let m = 1; m <= 4000; m++) {
      const r = boot.estimate + (direction * m * scale) / 4;
      if (inside(r)) lastIn = r;
      else {
        out = r;
        break;
      }
    }
    if (Number.isNaN(out)) return direction * Infinity;
    let a = lastIn;
    let b = out;
    for (let it = 0; it < 200 && Math.abs(b - a) > 1e-12 * scale; it++) {
      const mid = (a + b) / 2;
      if (inside(mid)) a = mid;
      else b = mid;
    }
    return (a + b) / 2;
  };
  return [bound(-1), bound(1)];
}
