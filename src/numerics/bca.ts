/**
 * The bias-corrected and accelerated (BCa) bootstrap interval as R's mediation 4.5.1 computes it
 * (`BC.CI` in `R/mediate.R`, https://github.com/cran/mediation/blob/master/R/mediate.R):
 * Efron 1987 ("Better Bootstrap Confidence Intervals", JASA 82(397): 171–185) with
 *   bias z₀ = Φ⁻¹(#{θ*ᵦ < θ̄*}/B) — the share of draws below their *mean* (mediation's choice;
 *     Efron uses the full-sample estimate), and
 *   acceleration a = Σuᵦ³ / (6(Σuᵦ²)^{3/2}) with uᵦ = (B − 1)(θ̄* − θ*ᵦ) — computed from the
 *     bootstrap draws themselves rather than a jackknife (mediation's choice),
 * then the type-7 quantiles (quantile.ts) of the draws at
 *   α₁ = Φ(z₀ + (z₀ + z_{α/2})/(1 − a(z₀ + z_{α/2}))) and α₂ likewise with z_{1−α/2}.
 *
 * Special cases: non-finite draws are removed first (R's `na.rm = TRUE`); a symmetric sample
 * (z₀ = 0, a = 0) gives the percentile interval; all draws equal → NaN ends (0/0 in a).
 *
 * Dimension symbols: B = number of (finite) draws.
 */
import { normalCdf, normalQuantile } from './distributions.js';
import { pow } from './elementary.js';
import { mean } from './moments.js';
import { quantileSorted, sortedFinite } from './quantile.js';

/**
 * mediation's BCa interval `BC.CI(theta)` of bootstrap draws at confidence `level`.
 *
 * @param draws bootstrap replicates (non-finite ones are skipped)
 * @param level confidence level in (0, 1)
 * @returns `[low, high]`
 * @example
 * bcaInterval(Float64Array.from({ length: 1000 }, (_, i) => i + 1), 0.95);
 * // [25.975, 975.025]: symmetric, so the percentile interval (R: quantile(1:1000, c(.025, .975)))
 */
export function bcaInterval(draws: ArrayLike<number>, level: number): [number, number] {
  const sorted = sortedFinite(draws);
  const sims = sorted.length;
  const m = mean(sorted);
  let below = 0;
  for (let i = 0; i < sims; i++) if (sorted[i]! < m) below++;
  const z = normalQuantile(below / sims);
  let u2 = 0;
  let u3 = 0;
  for (let i = 0; i < sims; i++) {
    const u = (sims - 1) * (m - sorted[i]!);
    u2 += u * u;
    u3 += u * u * u;
  }
  const a = u3 / (6 * pow(u2, 1.5));
  const low = (1 - level) / 2;
  const high = 1 - low;
  const zl = normalQuantile(low);
  const zh = normalQuantile(high);
  const lowerInv = normalCdf(z + (z + zl) / (1 - a * (z + zl)));
  const upperInv = normalCdf(z + (z + zh) / (1 - a * (z + zh)));
  return [quantileSorted(sorted, lowerInv), quantileSorted(sorted, upperInv)];
}
