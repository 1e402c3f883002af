/**
 * From simulated (or bootstrapped) effects to the reported quantities — mediation 4.5.1's
 * "Compute Outputs" block of `mediate()` and its `pval()`:
 * - derived draws: τ = (d1 + d0 + z1 + z0)/2, ν₀ = d0/τ, ν₁ = d1/τ, averages (d1 + d0)/2 etc.;
 * - point estimates — quasi-Bayes: means of the draws (medians for ν₀, ν₁); bootstrap: the
 *   statistic on the full sample, τ̂ = (d̂1 + d̂0 + ẑ1 + ẑ0)/2, ν̂ = d̂/τ̂;
 * - intervals — percentile: R's `quantile(type = 7)` at (1 ± level)/2 (numerics/quantile.ts);
 *   BCa: mediation's `BC.CI` (numerics/bca.ts);
 * - p-value: 2·min(#draws > 0, #draws < 0)/#draws, 1 when the estimate is exactly 0, at most 1;
 * - standard error (not reported by mediation): the SD of the draws (numerics/moments.ts).
 * Non-finite draws (singular bootstrap refits) are skipped, as `na.rm = TRUE`.
 *
 * Dimension symbols: s = simulations.
 */
import { bcaInterval } from '../../numerics/bca.js';
import { finiteValues, mean, sampleSd } from '../../numerics/moments.js';
import { quantileSorted, sortedFinite } from '../../numerics/quantile.js';
import type { EffectDraws } from './drawEffects.js';

/**
 * One reported quantity of a mediation analysis.
 *
 * @example
 * mediate({ ...jobsModels, boot: true, sims: 1000, seed: 2014 }).acme.average;
 * // { estimate: -0.0157446 (mediation 4.5.1), confLow: ≈ -0.0415924, confHigh: ≈ 0.00664878, pValue: 0.176, stdError: ≈ 0.0121784 }
 * // (the interval and p-value come from our bootstrap stream: within Monte Carlo error of R's)
 */
export interface MediationEstimate {
  estimate: number;
  confLow: number;
  confHigh: number;
  /** mediation's simulation p-value (see {@link simulationPValue}). */
  pValue: number;
  /** Standard deviation of the simulated (or bootstrapped) values. */
  stdError: number;
}

/**
 * A quantity reported for the control and treated conditions and their average.
 *
 * @example
 * const { control, treated, average } = mediate({ ...jobsModels, boot: true, sims: 1000, seed: 2014 }).acme;
 * control.estimate === average.estimate; // true (no treatment × mediator interaction: d0 = d1)
 */
export interface MediationTriple {
  control: MediationEstimate;
  treated: MediationEstimate;
  average: MediationEstimate;
}

/** Summary of a mediation analysis (mediation's d0/d1/d.avg, z0/z1/z.avg, tau, n0/n1/n.avg). */
export interface MediationSummary {
  acme: MediationTriple;
  ade: MediationTriple;
  propMediated: MediationTriple;
  total: MediationEstimate;
}

/** The full-sample statistic of a bootstrap: [d1, d0, z1, z0] on the original rows. */
export interface PointEffects {
  d1: number;
  d0: number;
  z1: number;
  z0: number;
}

/**
 * mediation's `pval(x, xhat)`: 2·min(#x > 0, #x < 0)/#x over the finite draws, 1 when
 * xhat = 0, at most 1.
 *
 * @example
 * simulationPValue(Float64Array.of(-1, 1, 2, 3), 1.25); // 0.5
 */
export function simulationPValue(draws: ArrayLike<number>, estimate: number): number {
  if (estimate === 0) return 1;
  let above = 0;
  let below = 0;
  let count = 0;
  for (let i = 0; i < draws.length; i++) {
    const v = draws[i]!;
    if (!Number.isFinite(v)) continue;
    count++;
    if (v > 0) above++;
    else if (v < 0) below++;
  }
  return Math.min((2 * Math.min(above, below)) / count, 1);
}

function finiteMean(x: ArrayLike<number>): number {
  return mean(finiteValues(x));
}

function leaf(draws: Float64Array, estimate: number, level: number, bca: boolean): MediationEstimate {
  let confLow: number;
  let confHigh: number;
  if (bca) [confLow, confHigh] = bcaInterval(draws, level);
  else {
    const sorted = sortedFinite(draws);
    confLow = quantileSorted(sorted, (1 - level) / 2);
    confHigh = quantileSorted(sorted, 1 - (1 - level) / 2);
  }
  return { estimate, confLow, confHigh, pValue: simulationPValue(draws, estimate), stdError: sampleSd(finiteValues(draws)) };
}

/**
 * Reported quantities from the draws; `point` is the full-sample statistic (bootstrap) or null
 * (quasi-Bayes: means/medians of the draws).
 *
 * @example
 * const s = summarizeMediation(draws, null, { level: 0.95, bca: false });
 * s.acme.average; // { estimate, confLow, confHigh, pValue, stdError }
 */
export function summarizeMediation(draws: EffectDraws, point: PointEffects | null, options: { level: number; bca: boolean }): MediationSummary {
  const { d1, d0, z1, z0 } = draws;
  const s = d1.length;
  const tau = new Float64Array(s);
  const nu0 = new Float64Array(s);
  const nu1 = new Float64Array(s);
  const dAvg = new Float64Array(s);
  const zAvg = new Float64Array(s);
  const nuAvg = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    tau[i] = (d1[i]! + d0[i]! + z1[i]! + z0[i]!) / 2;
    nu0[i] = d0[i]! / tau[i]!;
    nu1[i] = d1[i]! / tau[i]!;
    dAvg[i] = (d1[i]! + d0[i]!) / 2;
    zAvg[i] = (z1[i]! + z0[i]!) / 2;
    nuAvg[i] = (nu0[i]! + nu1[i]!) / 2;
  }
  let e: PointEffects & { tau: number; n0: number; n1: number };
  if (point) {
    const t = (point.d1 + point.d0 + point.z1 + point.z0) / 2;
    e = { ...point, tau: t, n0: point.d0 / t, n1: point.d1 / t };
  } else {
    const median = (x: Float64Array): number => quantileSorted(sortedFinite(x), 0.5);
    e = { d1: finiteMean(d1), d0: finiteMean(d0), z1: finiteMean(z1), z0: finiteMean(z0), tau: finiteMean(tau), n0: median(nu0), n1: median(nu1) };
  }
  const { level, bca } = options;
  const triple = (control: [Float64Array, number], treated: [Float64Array, number], average: [Float64Array, number]): MediationTriple => ({
    control: leaf(control[0], control[1], level, bca),
    treated: leaf(treated[0], treated[1], level, bca),
    average: leaf(average[0], average[1], level, bca),
  });
  return {
    acme: triple([d0, e.d0], [d1, e.d1], [dAvg, (e.d0 + e.d1) / 2]),
    ade: triple([z0, e.z0], [z1, e.z1], [zAvg, (e.z0 + e.z1) / 2]),
    propMediated: triple([nu0, e.n0], [nu1, e.n1], [nuAvg, (e.n0 + e.n1) / 2]),
    total: leaf(tau, e.tau, level, bca),
  };
}
