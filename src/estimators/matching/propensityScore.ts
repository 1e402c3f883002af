/**
 * The propensity score of matching, as MatchIt 4.5.1's `distance2glm` (`distance = "glm"`,
 * `link = "logit" | "probit"`): R's `glm()` fit of the treatment on the formula (MatchIt fits
 * `quasibinomial`, which has the same coefficients), then `predict(type = "response")`.
 *
 * The linear predictor is recomputed here as Σ_j x_ij·β_j in column order — the order of R's
 * BLAS `dgemv` — and mapped through the inverse link of the one family module
 * (`numerics/family.ts`, R's `family.c` clamping). Units with identical covariates then get
 * bit-identical scores, so ties are broken by row order exactly as in MatchIt (lalonde has
 * several such tied controls).
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { glm, type GlmFit } from '../../models/glm.js';
import { glmFamily } from '../../numerics/family.js';

/**
 * The fitted propensity-score model (R's `m$model`): a `GlmFit`.
 *
 * @example
 * m.model?.coef().age; // 0.0158 (glm logit of treat on lalonde)
 */
export type PropensityModel = GlmFit;

/**
 * Fitted probabilities g⁻¹(Xβ) from a column-major design X (n×k), with η summed over columns
 * left to right as R's reference BLAS does (NaN coefficients — aliased columns — are skipped, as
 * R's `predict()` does).
 */
function predictProbabilities(X: Float64Array, n: number, k: number, beta: ArrayLike<number>, linkinv: (eta: number) => number): Float64Array {
  const eta = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const b = beta[j]!;
    if (Number.isNaN(b)) continue;
    const offset = j * n;
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + X[offset + i]! * b;
  }
  for (let i = 0; i < n; i++) eta[i] = linkinv(eta[i]!);
  return eta;
}

/**
 * Propensity scores as MatchIt's `distance2glm`: `glm(formula, family = binomial(link))`, then
 * fitted probabilities (recomputed from X·β in column order, see the file header).
 *
 * @throws {CausalPanelError} `perfect_separation` naming the covariate that separates the groups,
 *   plus the glm's own errors (`missing_column`, `non_numeric`, …)
 * @example
 * const { distance, model } = propensityScore('treat ~ age + educ + race + married + nodegree + re74 + re75', lalonde, 'logit');
 * distance[0]; // 0.6387699 (MatchIt 4.5.1 m$distance[1], fixtures/oracles/matchit_nearest.json)
 * model.coef()['(Intercept)']; // the glm's intercept (m$model)
 */
export function propensityScore(
  formula: string,
  frame: Frame,
  link: 'logit' | 'probit',
  fn = 'matchit',
): { distance: Float64Array; model: GlmFit; notes: Note[] } {
  let model: GlmFit;
  try {
    model = glm(formula, frame, { family: 'binomial', link });
  } catch (error) {
    // Re-label glm's separation error for the caller (the MLE of the score does not exist).
    if (error instanceof CausalPanelError && error.code === 'perfect_separation') {
      const variable = error.details.column;
      throw new CausalPanelError(
        'perfect_separation',
        `${fn}: perfect separation in the propensity-score model${variable ? `: "${variable}" splits treated from control units` : ''} (fitted probabilities 0 or 1), so the score cannot be estimated`,
        { ...error.details, fn },
      );
    }
    throw error;
  }
  const design = model.design;
  const coef = model.coef();
  const beta = design.terms.map((term) => coef[term] ?? NaN);
  const distance = new Float64Array(frame.nrow).fill(NaN);
  const fitted = predictProbabilities(design.X, design.n, design.k, beta, glmFamily('binomial', link, fn).linkinv);
  for (let a = 0; a < design.rows.length; a++) distance[design.rows[a]!] = fitted[a]!;
  // Quasi-separation (probabilities at 0/1 without one separating variable): R warns, MatchIt
  // goes on; the glm note is kept on the result.
  return { distance, model, notes: [...model.notes] };
}
