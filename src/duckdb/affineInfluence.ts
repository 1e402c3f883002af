/**
 * Influence functions of a balanced panel held as per-cohort affine maps, so that the SEs of
 * `attgt` without covariates come from per-cohort sufficient statistics instead of unit rows.
 *
 * Without covariates every ATT(g,t) is a difference of cohort means of unit-level changes
 * ΔYᵢ = Yᵢ,cur − Yᵢ,base, and its influence function for unit i depends on the unit only through
 * its cohort c and its outcome path: ψᵢ = Bᶜ·zᵢ + Aᶜ with zᵢ,ₜ = Yᵢ,ₜ − Yᵢ,first. Sums, weights
 * and did's weight influence function (a function of the cohort) keep that form, and
 * Σᵢ ψᵢ² = Σ_c [n_c (Bᶜ·z̄_c + Aᶜ)² + Bᶜᵀ M_c Bᶜ] with z̄_c the cohort mean and M_c = Σ (z − z̄)(z − z̄)ᵀ
 * its co-moment matrix — the only per-unit quantities DuckDB has to return.
 */

/** Per-cohort sufficient statistics: size, mean path z̄ (length T) and co-moment matrix M (T × T, row-major). */
export interface CohortMoments {
  /** Cohort (Infinity = never treated). */
  cohort: number;
  n: number;
  mean: Float64Array;
  comoment: Float64Array;
}

/**
 * An influence function: per cohort slot, T coefficients B then the constant A (length
 * slots × (T + 1)).
 *
 * @example
 * const psi = zeroInfluence(2, 3); // two cohorts, three periods: all coefficients 0
 */
export type AffineInfluence = Float64Array;

/**
 * The zero influence function over `slots` cohorts and `T` periods.
 * @example zeroInfluence(2, 3).length; // 8
 */
export function zeroInfluence(slots: number, T: number): AffineInfluence {
  return new Float64Array(slots * (T + 1));
}

/**
 * out += scale · psi (the same affine maps, cohort by cohort).
 * @example addScaledInfluence(out, psi, 0.5); // out ← out + psi/2
 */
export function addScaledInfluence(out: AffineInfluence, psi: AffineInfluence, scale: number): void {
  for (let j = 0; j < out.length; j++) out[j] += psi[j]! * scale;
}

/**
 * Σᵢ ψᵢ² over the units, from the cohorts' moments (see the file header).
 * @example sumOfSquares(psi, cohorts, T); // Σᵢ ψᵢ², to rounding the sum over the unit rows
 */
export function sumOfSquares(psi: AffineInfluence, cohorts: readonly CohortMoments[], T: number): number {
  let total = 0;
  cohorts.forEach((c, s) => {
    const o = s * (T + 1);
    let level = psi[o + T]!;
    for (let a = 0; a < T; a++) level += psi[o + a]! * c.mean[a]!;
    let spread = 0;
    for (let a = 0; a < T; a++) {
      const ba = psi[o + a]!;
      if (ba === 0) continue;
      for (let b = 0; b < T; b++) spread += ba * c.comoment[a * T + b]! * psi[o + b]!;
    }
    total += c.n * level * level + spread;
  });
  return total;
}
