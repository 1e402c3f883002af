/**
 * Quasi-Bayesian Monte Carlo of causal mediation effects (King, Tomz & Wittenberg 2000; R's
 * mediation 4.5.1 `mediate(boot = FALSE)`, its default): coefficients drawn from the normal
 * approximation of each model's sampling distribution, then one {@link drawEffects} per draw.
 *
 * Dimension symbols: k = coefficients, s = simulations.
 */
import { multivariateNormalDraws, type Rng } from '../../numerics/random.js';
import { allocDraws, drawEffects, prepareScratch, storeDraw, type EffectDraws } from './drawEffects.js';
import type { MediatorKernelModel, OutcomeKernelModel } from './kernelModel.js';
import { progressReporter, type ProgressCallback } from './progress.js';

/**
 * Quasi-Bayesian draws of (d1, d0, z1, z0): βₘ ~ N(β̂ₘ, V̂ₘ), βᵧ ~ N(β̂ᵧ, V̂ᵧ) (V̂ iid or CRV1, as
 * the kernel models carry), σ fixed at its estimate (mediation uses `summary(model.m)$sigma`).
 *
 * @example
 * const draws = quasiBayesDraws(mediator, outcome, 1000, createRng(1), (done, total) => bar(done / total));
 * draws.d0.length; // 1000
 */
export function quasiBayesDraws(
  mediator: MediatorKernelModel,
  outcome: OutcomeKernelModel,
  sims: number,
  rng: Rng,
  onProgress: ProgressCallback | null = null,
): EffectDraws {
  const km = mediator.k;
  const ky = outcome.k;
  const tick = progressReporter(sims, onProgress);
  // sims×k column-major draws (MASS::mvrnorm's role; Cholesky instead of eigen: same law).
  const drawsM = multivariateNormalDraws(mediator.coef, mediator.vcov, km, sims, rng);
  const drawsY = multivariateNormalDraws(outcome.coef, outcome.vcov, ky, sims, rng);
  const betaM = new Float64Array(km);
  const betaY = new Float64Array(ky);
  const draws = allocDraws(sims);
  const scratch = prepareScratch(mediator, outcome);
  const out = new Float64Array(4);
  for (let s = 0; s < sims; s++) {
    for (let j = 0; j < km; j++) betaM[j] = drawsM[s + j * sims]!;
    for (let j = 0; j < ky; j++) betaY[j] = drawsY[s + j * sims]!;
    drawEffects(mediator, outcome, betaM, mediator.sigma, betaY, rng, scratch, out);
    storeDraw(draws, s, out);
    tick(s + 1);
  }
  return draws;
}
