/**
 * One draw of the simulation kernel of causal mediation analysis, shared by the quasi-Bayesian
 * Monte Carlo (quasiBayes.ts) and the nonparametric bootstrap (bootstrap.ts) of `mediate`
 * (Imai, Keele & Tingley 2010, Psychological Methods 15(4), Algorithms 1 and 2; R package
 * mediation 4.5.1, `mediate()` and `med.fun()`).
 *
 * A draw takes a mediator coefficient vector βₘ (and residual SD σ), an outcome coefficient
 * vector βᵧ, and:
 *   1. predicts the mediator for every row with the treatment set to t = 1 and t = 0
 *      (μₘ(t) = Xₘ(t)βₘ, on the original rows, as mediation's `model.matrix(terms(model.m), pred.data)`);
 *   2. draws mediator values M(1), M(0): gaussian → μₘ(t) + ε with the *same* ε ~ N(0, σ²) for
 *      both t (mediation's `error` matrix); binomial → independent Bernoulli(g⁻¹(μₘ(t))) draws;
 *   3. predicts the outcome Y(t, M(t′)) for the four (t, t′) pairs and averages the differences:
 *      d1 = E[Y(1,M(1)) − Y(1,M(0))], d0 = E[Y(0,M(1)) − Y(0,M(0))],
 *      z1 = E[Y(1,M(1)) − Y(0,M(1))], z0 = E[Y(1,M(0)) − Y(0,M(0))].
 *
 * The outcome's linear predictor is affine in the mediator for fixed t (main effect, T×M and
 * covariate×M interactions), so it is precomputed as η(t, m) = Aₜβᵧ + (Bₜβᵧ)·m with
 * Aₜ = Xᵧ(t, M = 0) and Bₜ = Xᵧ(t, M = 1) − Xᵧ(t, M = 0): each draw costs a few matrix–vector
 * products and no formula evaluation. Inverse links g⁻¹ are the family records' (numerics/family.ts,
 * R's clamping), as R's `predict(type = "response")`.
 *
 * Dimension symbols: n = rows used, k = coefficients, s = simulations.
 */
import type { Rng } from '../../numerics/random.js';
import { isLinear, preparedMatvec, type MediatorKernelModel, type OutcomeKernelModel, type PreparedMatrix } from './kernelModel.js';
import { drawLinearEffects, linearMoments, type LinearMoments } from './linearMoments.js';

/** The four simulated quantities, one entry per draw (NaN for a skipped bootstrap replicate). */
export interface EffectDraws {
  d1: Float64Array;
  d0: Float64Array;
  z1: Float64Array;
  z0: Float64Array;
}

/** Reusable buffers of one draw (no allocation in the hot loop). */
export interface DrawScratch {
  muTreat: Float64Array;
  muControl: Float64Array;
  m1: Float64Array;
  m0: Float64Array;
  a0: Float64Array;
  a1: Float64Array;
  b0: Float64Array;
  b1: Float64Array;
  /**
   * Whether the gaussian mediator's noise can matter. With a linear outcome whose mediator slope
   * is the same under both treatments, every contrast depends on M(1) − M(0) only, where the
   * shared noise cancels exactly: skipping the draw changes no result, only the random stream.
   */
  noise: boolean;
  /** Precomputed moments of the linear–linear case (see {@link prepareScratch}); null otherwise. */
  moments: LinearMoments | null;
  /** Row buffer for the noise term of the linear–linear case. */
  r: Float64Array;
}

/** Buffers for {@link drawEffects} on n rows (noise on, no linear moments; see {@link prepareScratch}). */
function createScratch(n: number): DrawScratch {
  return {
    muTreat: new Float64Array(n),
    muControl: new Float64Array(n),
    m1: new Float64Array(n),
    m0: new Float64Array(n),
    a0: new Float64Array(n),
    a1: new Float64Array(n),
    b0: new Float64Array(n),
    b1: new Float64Array(n),
    noise: true,
    moments: null,
    r: new Float64Array(n),
  };
}

/**
 * Buffers for {@link drawEffects} on the kernel models, with the noise flag and, for a linear
 * mediator and outcome, the precomputed {@link LinearMoments}.
 *
 * @example
 * prepareScratch(linearMediator, linearOutcome).moments !== null; // true
 */
export function prepareScratch(mediator: MediatorKernelModel, outcome: OutcomeKernelModel): DrawScratch {
  const scratch = createScratch(mediator.n);
  scratch.noise = needsMediatorNoise(mediator, outcome);
  if (isLinear(mediator) && isLinear(outcome)) scratch.moments = linearMoments(mediator, outcome);
  return scratch;
}

function sameData(a: PreparedMatrix, b: PreparedMatrix): boolean {
  if (a.data === b.data) return true;
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** False when the mediator noise cancels in every contrast (see {@link DrawScratch.noise}). */
function needsMediatorNoise(mediator: MediatorKernelModel, outcome: OutcomeKernelModel): boolean {
  if (mediator.family.family !== 'gaussian') return true;
  if (outcome.family.link !== 'identity') return true;
  return !sameData(outcome.slope[0], outcome.slope[1]);
}

/**
 * One draw of (d1, d0, z1, z0) for given coefficient vectors: mediator prediction, mediator
 * draw, outcome prediction at the four (t, M(t′)) pairs, averages over rows.
 *
 * @example
 * const out = new Float64Array(4);
 * drawEffects(mediator, outcome, mediator.coef, mediator.sigma, outcome.coef, createRng(1), prepareScratch(mediator, outcome), out);
 * // out = [d1, d0, z1, z0]; for linear models d1 = d0 = a·b
 */
export function drawEffects(
  mediator: MediatorKernelModel,
  outcome: OutcomeKernelModel,
  betaM: ArrayLike<number>,
  sigma: number,
  betaY: ArrayLike<number>,
  rng: Rng,
  scratch: DrawScratch,
  out: Float64Array,
): void {
  if (scratch.moments) {
    drawLinearEffects(scratch.moments, betaM, sigma, betaY, rng, scratch.noise, scratch.r, out);
    return;
  }
  const n = mediator.n;
  const { muTreat, muControl, m1, m0, a0, a1, b0, b1 } = scratch;
  preparedMatvec(muTreat, mediator.XTreat, betaM, mediator.offset);
  preparedMatvec(muControl, mediator.XControl, betaM, mediator.offset);
  if (mediator.family.family === 'gaussian') {
    // One error per row shared by M(1) and M(0): it cancels in M(1) − M(0) as in mediation.
    const noise = scratch.noise;
    for (let i = 0; i < n; i++) {
      const e = noise ? sigma * rng.normal() : 0;
      m1[i] = muTreat[i]! + e;
      m0[i] = muControl[i]! + e;
    }
  } else {
    const linkinv = mediator.family.linkinv;
    for (let i = 0; i < n; i++) m1[i] = rng.uniform() < linkinv(muTreat[i]!) ? 1 : 0;
    for (let i = 0; i < n; i++) m0[i] = rng.uniform() < linkinv(muControl[i]!) ? 1 : 0;
  }
  preparedMatvec(a0, outcome.base[0], betaY, outcome.offset);
  preparedMatvec(a1, outcome.base[1], betaY, outcome.offset);
  preparedMatvec(b0, outcome.slope[0], betaY, null);
  preparedMatvec(b1, outcome.slope[1], betaY, null);
  let d1 = 0;
  let d0 = 0;
  let z1 = 0;
  let z0 = 0;
  const linear = isLinear(outcome);
  const linkinv = outcome.family.linkinv;
  for (let i = 0; i < n; i++) {
    const mt = m1[i]!;
    const mc = m0[i]!;
    let y11 = a1[i]! + b1[i]! * mt;
    let y10 = a1[i]! + b1[i]! * mc;
    let y01 = a0[i]! + b0[i]! * mt;
    let y00 = a0[i]! + b0[i]! * mc;
    if (!linear) {
      y11 = linkinv(y11);
      y10 = linkinv(y10);
      y01 = linkinv(y01);
      y00 = linkinv(y00);
    }
    d1 += y11 - y10;
    d0 += y01 - y00;
    z1 += y11 - y01;
    z0 += y10 - y00;
  }
  out[0] = d1 / n;
  out[1] = d0 / n;
  out[2] = z1 / n;
  out[3] = z0 / n;
}

/**
 * Draw storage for `sims` draws.
 *
 * @example
 * allocDraws(1000).d0.length; // 1000
 */
export function allocDraws(sims: number): EffectDraws {
  return { d1: new Float64Array(sims), d0: new Float64Array(sims), z1: new Float64Array(sims), z0: new Float64Array(sims) };
}

/**
 * Stores draw `s` from `out` = [d1, d0, z1, z0] (NaN for a skipped replicate when `out` is null).
 *
 * @example
 * storeDraw(draws, 0, Float64Array.of(1, 2, 3, 4)); // draws.d1[0] = 1, …, draws.z0[0] = 4
 */
export function storeDraw(draws: EffectDraws, s: number, out: Float64Array | null): void {
  draws.d1[s] = out ? out[0]! : NaN;
  draws.d0[s] = out ? out[1]! : NaN;
  draws.z1[s] = out ? out[2]! : NaN;
  draws.z0[s] = out ? out[3]! : NaN;
}
