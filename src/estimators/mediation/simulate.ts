/**
 * The simulation kernel of causal mediation analysis, shared by the quasi-Bayesian Monte Carlo
 * and the nonparametric bootstrap of `mediate` (Imai, Keele & Tingley 2010, Psychological
 * Methods 15(4), Algorithms 1 and 2; R package mediation 4.5.1, `mediate()` and `med.fun()`).
 *
 * One "draw" takes a mediator coefficient vector βₘ (and residual SD σ), an outcome coefficient
 * vector βᵧ, and:
 *   1. predicts the mediator for every row with the treatment set to t = 1 and t = 0
 *      (μₘ(t) = Xₘ(t)βₘ, on the original rows, as mediation's `model.matrix(terms(model.m), pred.data)`);
 *   2. draws mediator values M(1), M(0): gaussian → μₘ(t) + ε with the *same* ε ~ N(0, σ²) for
 *      both t (mediation's `error` matrix); binomial → independent Bernoulli(g⁻¹(μₘ(t))) draws;
 *   3. predicts the outcome Y(t, M(t')) for the four (t, t') pairs and averages the differences:
 *      d1 = E[Y(1,M(1)) − Y(1,M(0))], d0 = E[Y(0,M(1)) − Y(0,M(0))],
 *      z1 = E[Y(1,M(1)) − Y(0,M(1))], z0 = E[Y(1,M(0)) − Y(0,M(0))].
 *
 * The outcome's linear predictor is affine in the mediator for fixed t (main effect, T×M and
 * covariate×M interactions), so it is precomputed as η(t, m) = Aₜβᵧ + (Bₜβᵧ)·m with
 * Aₜ = Xᵧ(t, M = 0) and Bₜ = Xᵧ(t, M = 1) − Xᵧ(t, M = 0): each draw costs a few matrix–vector
 * products and no formula evaluation.
 *
 * The bootstrap refits both models on each resample through resample *counts* (weights =
 * multiplicities): XᵀWX and XᵀWy for linear models (Cholesky solve), a warm-started IRLS for
 * binomial ones — mathematically the fit on the duplicated rows that `boot::boot` gives R.
 * Predictions stay on the original rows (mediation's `med.fun` predicts on `m.data`/`y.data`).
 *
 * Dimension symbols: n = rows used, k = coefficients, g = clusters, s = simulations.
 * Matrices are column-major Float64Arrays (`X[i + j * n]`).
 */
import { multivariateNormalDraws, type Rng } from '../../numerics/random.js';
import { demean, type FixedEffectCodes } from '../../numerics/demean.js';
import { normalCdf, normalQuantile } from '../../numerics/distributions.js';
import { irls, type IrlsResult } from '../../numerics/irls.js';
import { CausalPanelError } from '../../errors.js';

/** Link of a mediator or outcome model. */
export type LinkName = 'identity' | 'logit' | 'probit';
/** Family of a mediator or outcome model. */
export type FamilyName = 'gaussian' | 'binomial';

/** The deterministic random source the kernel needs (`createRng` of numerics/random.ts). */
export type KernelRng = Rng;

/** What the kernel needs of either model (mediator or outcome). */
export interface KernelModelBase {
  family: FamilyName;
  link: LinkName;
  /** Rows and coefficients. */
  n: number;
  k: number;
  /**
   * Refit design (n×kRefit, not demeaned) and response, for bootstrap refits. Its first k columns
   * are the model's; further columns are dummies of small fixed-effect dimensions (see mediate.ts).
   */
  X: Float64Array;
  kRefit: number;
  y: Float64Array;
  /** Point estimates and their variance (k×k). */
  coef: Float64Array;
  vcov: Float64Array;
  /** Degrees of freedom absorbed by fixed effects in the full-sample fit; 0 without FE. */
  absorbedDof: number;
  /** Per-row contribution held fixed in every draw (absorbed fixed effects); null when none. */
  offset: Float64Array | null;
  /** Absorbed fixed effects (re-swept on each bootstrap resample); null when none. */
  fixedEffects: FixedEffectCodes[] | null;
}

/** The mediator model as the kernel sees it. */
export interface MediatorKernelModel extends KernelModelBase {
  /** Model matrices on the same rows with the treatment set to treatValue / controlValue. */
  XTreat: PreparedMatrix;
  XControl: PreparedMatrix;
  /** Residual SD (gaussian); NaN otherwise. */
  sigma: number;
}

/** The outcome model as the kernel sees it. */
export interface OutcomeKernelModel extends KernelModelBase {
  /** Xᵧ(t, M = 0) for t = control (index 0) and t = treat (index 1). */
  base: [PreparedMatrix, PreparedMatrix];
  /** Xᵧ(t, M = 1) − Xᵧ(t, M = 0) for t = control, treat. */
  slope: [PreparedMatrix, PreparedMatrix];
}

/** The four simulated quantities, one entry per draw. */
export interface EffectDraws {
  d1: Float64Array;
  d0: Float64Array;
  z1: Float64Array;
  z0: Float64Array;
}

/**
 * Inverse link g⁻¹(η): identity, logistic, or Φ (probit).
 *
 * @example
 * inverseLink('logit', 0);  // 0.5
 * inverseLink('probit', 1.959963984540054); // 0.975
 */
export function inverseLink(link: LinkName, eta: number): number {
  if (link === 'identity') return eta;
  if (link === 'logit') {
    // R's plogis clamps nothing but 1/(1+e^-η) is exact enough on both tails.
    return 1 / (1 + Math.exp(-eta));
  }
  return normalCdf(eta);
}

/** out = A β (+ offset), A n×k column-major. */
function matvecInto(out: Float64Array, A: Float64Array, n: number, k: number, beta: ArrayLike<number>, offset: Float64Array | null): void {
  if (offset) out.set(offset);
  else out.fill(0);
  for (let j = 0; j < k; j++) addScaledColumn(out, A, n, j, beta[j] as number);
}

/** out += b · A[, j] (A n×k column-major); a zero coefficient costs nothing. */
function addScaledColumn(out: Float64Array, A: Float64Array, n: number, j: number, b: number): void {
  if (b === 0) return;
  const base = j * n;
  for (let i = 0; i < n; i++) out[i]! += A[base + i]! * b;
}

/**
 * A prediction matrix with its columns classified once: all-constant columns (intercepts, a
 * treatment fixed at t, a slope of 1) are folded into one scalar per draw, so a matrix–vector
 * product only passes over the columns that vary by row.
 */
export interface PreparedMatrix {
  n: number;
  k: number;
  data: Float64Array;
  varying: Int32Array;
  constant: Int32Array;
  constantValues: Float64Array;
}

/**
 * Classifies the columns of an n×k matrix for {@link PreparedMatrix} products.
 *
 * @example
 * prepareMatrix(Float64Array.of(1, 1, 0, 2), 2, 2); // constant: [0] (value 1), varying: [1]
 */
export function prepareMatrix(data: Float64Array, n: number, k: number): PreparedMatrix {
  const varying: number[] = [];
  const constant: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < k; j++) {
    const first = data[j * n]!;
    let same = true;
    for (let i = 1; i < n && same; i++) same = data[j * n + i] === first;
    if (same) {
      if (first !== 0) {
        constant.push(j);
        values.push(first);
      }
    } else varying.push(j);
  }
  return { n, k, data, varying: Int32Array.from(varying), constant: Int32Array.from(constant), constantValues: Float64Array.from(values) };
}

function preparedMatvec(out: Float64Array, A: PreparedMatrix, beta: ArrayLike<number>, offset: Float64Array | null): void {
  const { n, data, varying, constant, constantValues } = A;
  let scalar = 0;
  for (let c = 0; c < constant.length; c++) scalar += constantValues[c]! * (beta[constant[c]!] as number);
  if (offset) for (let i = 0; i < n; i++) out[i] = offset[i]! + scalar;
  else out.fill(scalar);
  for (let c = 0; c < varying.length; c++) addScaledColumn(out, data, n, varying[c]!, beta[varying[c]!] as number);
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

/**
 * Linear mediator and linear outcome: every effect is a weighted mean of Aₜβᵧ + (Bₜβᵧ)⊙(Xₛβₘ + e),
 * i.e. a bilinear form βᵧᵀGβₘ with G = BₜᵀWXₛ/Σw precomputed once (k×k), plus, with a T×M term,
 * the noise term Σwᵢ(b1ᵢ − b0ᵢ)eᵢ/Σw. A draw then costs O(k²) (and n normals if the noise matters)
 * instead of O(nk); the numbers are the row averages of mediation's per-row predictions.
 */
export interface LinearMoments {
  km: number;
  ky: number;
  /** ky×km column-major: G_{1T} − G_{1C}, G_{0T} − G_{0C}, G_{1T} − G_{0T}, G_{1C} − G_{0C}. */
  gd1: Float64Array;
  gd0: Float64Array;
  gz1: Float64Array;
  gz0: Float64Array;
  /** ky: colMeans(A₁ − A₀) + (B₁ − B₀)ᵀW·offsetₘ/Σw. */
  cz: Float64Array;
  /** B₁ − B₀ (for the noise term). */
  slopeDiff: PreparedMatrix;
  weights: Float64Array | null;
  wsum: number;
}

/**
 * Buffers for {@link drawEffects} on n rows (noise on, no linear moments; see {@link prepareScratch}).
 *
 * @example
 * const scratch = createScratch(899);
 */
export function createScratch(n: number): DrawScratch {
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

/** Σᵢ wᵢ A[i, a]·B[i, b] / Σw as a ka×kb column-major matrix. */
function weightedCross(A: Float64Array, ka: number, B: Float64Array, kb: number, n: number, weights: Float64Array | null, wsum: number): Float64Array {
  const out = new Float64Array(ka * kb);
  for (let a = 0; a < ka; a++) {
    for (let b = 0; b < kb; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (weights ? weights[i]! : 1) * A[a * n + i]! * B[b * n + i]!;
      out[a + b * ka] = s / wsum;
    }
  }
  return out;
}

function linearMoments(mediator: MediatorKernelModel, outcome: OutcomeKernelModel, weights: Float64Array | null): LinearMoments {
  const n = mediator.n;
  const km = mediator.k;
  const ky = outcome.k;
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += weights ? weights[i]! : 1;
  const B0 = outcome.slope[0].data;
  const B1 = outcome.slope[1].data;
  const XT = mediator.XTreat.data;
  const XC = mediator.XControl.data;
  const g = (B: Float64Array, X: Float64Array): Float64Array => weightedCross(B, ky, X, km, n, weights, wsum);
  const g1T = g(B1, XT);
  const g1C = g(B1, XC);
  const g0T = g(B0, XT);
  const g0C = g(B0, XC);
  const minus = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v - b[i]!);
  const diff = new Float64Array(n * ky);
  for (let c = 0; c < diff.length; c++) diff[c] = B1[c]! - B0[c]!;
  const A0 = outcome.base[0].data;
  const A1 = outcome.base[1].data;
  const cz = new Float64Array(ky);
  const offset = mediator.offset;
  for (let j = 0; j < ky; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i]! : 1;
      s += w * (A1[j * n + i]! - A0[j * n + i]!);
      if (offset) s += w * diff[j * n + i]! * offset[i]!;
    }
    cz[j] = s / wsum;
  }
  return {
    km,
    ky,
    gd1: minus(g1T, g1C),
    gd0: minus(g0T, g0C),
    gz1: minus(g1T, g0T),
    gz0: minus(g1C, g0C),
    cz,
    slopeDiff: prepareMatrix(diff, n, ky),
    weights,
    wsum,
  };
}

/**
 * Buffers for {@link drawEffects} on the kernel models, with the noise flag and, for a linear
 * mediator and outcome, the precomputed {@link LinearMoments}.
 *
 * @example
 * const scratch = prepareScratch(mediator, outcome, null);
 */
export function prepareScratch(mediator: MediatorKernelModel, outcome: OutcomeKernelModel, weights: Float64Array | null): DrawScratch {
  const scratch = createScratch(mediator.n);
  scratch.noise = needsMediatorNoise(mediator, outcome);
  if (mediator.family === 'gaussian' && mediator.link === 'identity' && outcome.link === 'identity') {
    scratch.moments = linearMoments(mediator, outcome, weights);
  }
  return scratch;
}

function bilinear(G: Float64Array, ky: number, km: number, betaY: ArrayLike<number>, betaM: ArrayLike<number>): number {
  let s = 0;
  for (let l = 0; l < km; l++) {
    const bm = betaM[l] as number;
    if (bm === 0) continue;
    let col = 0;
    for (let j = 0; j < ky; j++) col += (betaY[j] as number) * G[j + l * ky]!;
    s += col * bm;
  }
  return s;
}

function drawLinearEffects(m: LinearMoments, betaM: ArrayLike<number>, sigma: number, betaY: ArrayLike<number>, rng: KernelRng, scratch: DrawScratch, out: Float64Array): void {
  const { km, ky } = m;
  let common = 0;
  for (let j = 0; j < ky; j++) common += m.cz[j]! * (betaY[j] as number);
  if (scratch.noise) {
    // Σ wᵢ (b1ᵢ − b0ᵢ) eᵢ / Σw with eᵢ ~ N(0, σ²): the part of the direct effects that the
    // mediator draw does not cancel when the mediator slope depends on the treatment.
    const r = scratch.r;
    preparedMatvec(r, m.slopeDiff, betaY, null);
    let s = 0;
    const n = r.length;
    for (let i = 0; i < n; i++) s += (m.weights ? m.weights[i]! : 1) * r[i]! * sigma * rng.normal();
    common += s / m.wsum;
  }
  out[0] = bilinear(m.gd1, ky, km, betaY, betaM);
  out[1] = bilinear(m.gd0, ky, km, betaY, betaM);
  out[2] = common + bilinear(m.gz1, ky, km, betaY, betaM);
  out[3] = common + bilinear(m.gz0, ky, km, betaY, betaM);
}

function sameData(a: PreparedMatrix, b: PreparedMatrix): boolean {
  if (a.data === b.data) return true;
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/**
 * False when the mediator noise cancels in every contrast (see {@link DrawScratch.noise}).
 *
 * @example
 * needsMediatorNoise(linearMediator, linearOutcomeWithoutInteraction); // false
 */
export function needsMediatorNoise(mediator: MediatorKernelModel, outcome: OutcomeKernelModel): boolean {
  if (mediator.family !== 'gaussian') return true;
  if (outcome.link !== 'identity') return true;
  return !sameData(outcome.slope[0], outcome.slope[1]);
}

/**
 * One draw of (d1, d0, z1, z0) for given coefficient vectors: mediator prediction, mediator
 * draw, outcome prediction at the four (t, M(t')) pairs, (weighted) averages over rows.
 *
 * @example
 * const out = new Float64Array(4);
 * drawEffects(mediator, outcome, mediator.coef, mediator.sigma, outcome.coef, rng, null, createScratch(n), out);
 * // out = [d1, d0, z1, z0]
 */
export function drawEffects(
  mediator: MediatorKernelModel,
  outcome: OutcomeKernelModel,
  betaM: ArrayLike<number>,
  sigma: number,
  betaY: ArrayLike<number>,
  rng: KernelRng,
  weights: Float64Array | null,
  scratch: DrawScratch,
  out: Float64Array,
): void {
  if (scratch.moments) {
    drawLinearEffects(scratch.moments, betaM, sigma, betaY, rng, scratch, out);
    return;
  }
  const n = mediator.n;
  const { muTreat, muControl, m1, m0, a0, a1, b0, b1 } = scratch;
  preparedMatvec(muTreat, mediator.XTreat, betaM, mediator.offset);
  preparedMatvec(muControl, mediator.XControl, betaM, mediator.offset);
  if (mediator.family === 'gaussian') {
    // One error per row shared by M(1) and M(0): it cancels in M(1) − M(0) as in mediation.
    const link = mediator.link;
    const noise = scratch.noise;
    for (let i = 0; i < n; i++) {
      const e = noise ? sigma * rng.normal() : 0;
      m1[i] = (link === 'identity' ? muTreat[i]! : inverseLink(link, muTreat[i]!)) + e;
      m0[i] = (link === 'identity' ? muControl[i]! : inverseLink(link, muControl[i]!)) + e;
    }
  } else {
    const link = mediator.link;
    for (let i = 0; i < n; i++) m1[i] = rng.uniform() < inverseLink(link, muTreat[i]!) ? 1 : 0;
    for (let i = 0; i < n; i++) m0[i] = rng.uniform() < inverseLink(link, muControl[i]!) ? 1 : 0;
  }
  preparedMatvec(a0, outcome.base[0], betaY, outcome.offset);
  preparedMatvec(a1, outcome.base[1], betaY, outcome.offset);
  preparedMatvec(b0, outcome.slope[0], betaY, null);
  preparedMatvec(b1, outcome.slope[1], betaY, null);
  let d1 = 0;
  let d0 = 0;
  let z1 = 0;
  let z0 = 0;
  let wsum = 0;
  const link = outcome.link;
  const linear = link === 'identity';
  for (let i = 0; i < n; i++) {
    const mt = m1[i]!;
    const mc = m0[i]!;
    let y11 = a1[i]! + b1[i]! * mt;
    let y10 = a1[i]! + b1[i]! * mc;
    let y01 = a0[i]! + b0[i]! * mt;
    let y00 = a0[i]! + b0[i]! * mc;
    if (!linear) {
      y11 = inverseLink(link, y11);
      y10 = inverseLink(link, y10);
      y01 = inverseLink(link, y01);
      y00 = inverseLink(link, y00);
    }
    const w = weights ? weights[i]! : 1;
    d1 += w * (y11 - y10);
    d0 += w * (y01 - y00);
    z1 += w * (y11 - y01);
    z0 += w * (y10 - y00);
    wsum += w;
  }
  out[0] = d1 / wsum;
  out[1] = d0 / wsum;
  out[2] = z1 / wsum;
  out[3] = z0 / wsum;
}

function allocDraws(sims: number): EffectDraws {
  return { d1: new Float64Array(sims), d0: new Float64Array(sims), z1: new Float64Array(sims), z0: new Float64Array(sims) };
}

/** Stores draw `s` from `out` = [d1, d0, z1, z0] (NaN for a skipped replicate when `out` is null). */
function storeDraw(draws: EffectDraws, s: number, out: Float64Array | null): void {
  draws.d1[s] = out ? out[0]! : NaN;
  draws.d0[s] = out ? out[1]! : NaN;
  draws.z1[s] = out ? out[2]! : NaN;
  draws.z0[s] = out ? out[3]! : NaN;
}

/** Progress of a simulation: `done` of `total` draws (or resamples) finished. */
export type ProgressCallback = (done: number, total: number) => void;

/** Largest number of progress calls per run (a bar needs no more; a callback per draw would cost). */
const PROGRESS_STEPS = 100;

/**
 * A throttled progress reporter for a loop of `total` iterations: call it with the number of
 * iterations done; it forwards to `onProgress` at most {@link PROGRESS_STEPS} times, with
 * increasing counts, always including `total` itself. A no-op without a callback.
 *
 * @example
 * const seen: number[] = [];
 * const tick = progressReporter(1000, (done) => seen.push(done));
 * for (let s = 1; s <= 1000; s++) tick(s);
 * seen; // [10, 20, …, 1000] (100 calls)
 */
export function progressReporter(total: number, onProgress: ProgressCallback | null | undefined): (done: number) => void {
  if (!onProgress) return () => {};
  const step = Math.max(1, Math.ceil(total / PROGRESS_STEPS));
  return (done) => {
    if (done % step === 0 || done === total) onProgress(done, total);
  };
}

/**
 * Quasi-Bayesian Monte Carlo (King, Tomz & Wittenberg 2000; mediation's `boot = FALSE`):
 * βₘ ~ N(β̂ₘ, V̂ₘ), βᵧ ~ N(β̂ᵧ, V̂ᵧ), σ fixed at its estimate, then {@link drawEffects} per draw.
 *
 * @example
 * const draws = quasiBayesDraws(mediator, outcome, 1000, createRng(1), null, (done, total) => bar(done / total));
 * draws.d0.length; // 1000
 */
export function quasiBayesDraws(
  mediator: MediatorKernelModel,
  outcome: OutcomeKernelModel,
  sims: number,
  rng: KernelRng,
  weights: Float64Array | null,
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
  const scratch = prepareScratch(mediator, outcome, weights);
  const out = new Float64Array(4);
  for (let s = 0; s < sims; s++) {
    for (let j = 0; j < km; j++) betaM[j] = drawsM[s + j * sims]!;
    for (let j = 0; j < ky; j++) betaY[j] = drawsY[s + j * sims]!;
    drawEffects(mediator, outcome, betaM, mediator.sigma, betaY, rng, weights, scratch, out);
    storeDraw(draws, s, out);
    tick(s + 1);
  }
  return draws;
}

/** Workspace of the weighted refits. */
interface RefitWork {
  xtwx: Float64Array;
  xtwz: Float64Array;
  L: Float64Array;
  beta: Float64Array;
  eta: Float64Array;
}

function createWork(n: number, k: number): RefitWork {
  return { xtwx: new Float64Array(k * k), xtwz: new Float64Array(k), L: new Float64Array(k * k), beta: new Float64Array(k), eta: new Float64Array(n) };
}

/**
 * Solves (XᵀWX) β = XᵀWz in place by Cholesky and returns the rank (0 = failure). A column whose
 * pivot is ≤ 1e-11 of its own diagonal (e.g. the dummy of a level absent from the resample) is
 * aliased: its coefficient is 0, as R's lm sets it NA and predict() treats it as 0.
 */
function choleskySolveInPlace(work: RefitWork, k: number): number {
  const { xtwx: A, L, xtwz: b, beta } = work;
  L.fill(0);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    const diagonal = A[j + j * k]!;
    let d = diagonal;
    for (let p = 0; p < j; p++) d -= L[j + p * k]! ** 2;
    if (!Number.isFinite(d)) return 0;
    if (!(d > 1e-11 * diagonal) || diagonal <= 0) continue; // aliased: L column stays 0
    rank++;
    const root = Math.sqrt(d);
    L[j + j * k] = root;
    for (let i = j + 1; i < k; i++) {
      let s = A[i + j * k]!;
      for (let p = 0; p < j; p++) s -= L[i + p * k]! * L[j + p * k]!;
      L[i + j * k] = s / root;
    }
  }
  if (rank === 0) return 0;
  for (let i = 0; i < k; i++) {
    const lii = L[i + i * k]!;
    if (lii === 0) {
      beta[i] = 0;
      continue;
    }
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= L[i + p * k]! * beta[p]!;
    beta[i] = s / lii;
  }
  for (let i = k - 1; i >= 0; i--) {
    const lii = L[i + i * k]!;
    if (lii === 0) continue;
    let s = beta[i]!;
    for (let p = i + 1; p < k; p++) s -= L[p + i * k]! * beta[p]!;
    beta[i] = s / lii;
  }
  return rank;
}

/** Forms XᵀWX and XᵀWz (lower triangle mirrored) for weights w and working response z. */
function formNormalEquations(X: Float64Array, n: number, k: number, w: Float64Array, z: Float64Array, work: RefitWork): void {
  const { xtwx, xtwz } = work;
  for (let a = 0; a < k; a++) {
    const baseA = a * n;
    let sz = 0;
    for (let i = 0; i < n; i++) sz += w[i]! * X[baseA + i]! * z[i]!;
    xtwz[a] = sz;
    for (let b = a; b < k; b++) {
      const baseB = b * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += w[i]! * X[baseA + i]! * X[baseB + i]!;
      xtwx[a + b * k] = s;
      xtwx[b + a * k] = s;
    }
  }
}

/**
 * Weighted least squares through the normal equations; returns σ̂ = √(Σ wᵢrᵢ² / (Σ[wᵢ>0]·cᵢ − k − absorbed))
 * where c are the resample counts, or NaN when the resample is singular.
 */
function refitLinear(
  X: Float64Array, n: number, k: number, y: Float64Array, w: Float64Array, rowsUsed: number, absorbedDof: number, work: RefitWork,
  fixedEffects: FixedEffectCodes[] | null = null,
): number {
  if (fixedEffects !== null) {
    // Within transformation on the resample: demean X and y with the resample weights (levels
    // not drawn have zero weight and drop out), then least squares on the demeaned columns.
    const columns: Float64Array[] = [];
    for (let j = 0; j < k; j++) columns.push(X.subarray(j * n, (j + 1) * n));
    columns.push(y);
    const demeaned = demean(columns, fixedEffects, { weights: w }).columns;
    const Xd = new Float64Array(n * k);
    for (let j = 0; j < k; j++) Xd.set(demeaned[j]!, j * n);
    let present = 0;
    for (const fe of fixedEffects) {
      const seen = new Uint8Array(fe.nLevels);
      for (let i = 0; i < n; i++) if (w[i]! > 0) seen[fe.codes[i]!] = 1;
      for (let l = 0; l < fe.nLevels; l++) present += seen[l]!;
    }
    return refitLinear(Xd, n, k, demeaned[k]!, w, rowsUsed, present - (fixedEffects.length - 1), work, null);
  }
  formNormalEquations(X, n, k, w, y, work);
  const rank = choleskySolveInPlace(work, k);
  if (rank === 0) return NaN;
  const { beta, eta } = work;
  matvecInto(eta, X, n, k, beta, null);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    const r = y[i]! - eta[i]!;
    rss += w[i]! * r * r;
  }
  return Math.sqrt(rss / (rowsUsed - rank - absorbedDof));
}

/**
 * Refits a binomial GLM on a resample (prior weights w = resample multiplicities) with the
 * project's IRLS ({@link irls}: R's glm.fit iterations and stopping rule), warm-started at the
 * full-sample estimates (R's `start`; the limit is the same MLE, reached in fewer iterations).
 * Coefficients of columns dropped as collinear (e.g. a level absent from the resample) are set to
 * 0, as predict() treats R's NA. Writes `beta`; false when no finite fit exists.
 */
function refitBinomial(X: Float64Array, n: number, k: number, y: Float64Array, w: Float64Array, link: LinkName, start: Float64Array, beta: Float64Array): boolean {
  // an aliased full-sample coefficient (NA in R) starts at 0, not NaN
  const warm = start.every(Number.isFinite) ? start : start.map((c) => (Number.isFinite(c) ? c : 0));
  let fit: IrlsResult;
  try {
    fit = irls(X, n, k, y, { family: 'binomial', link: link === 'probit' ? 'probit' : 'logit', weights: w, start: warm });
  } catch (error) {
    // no valid coefficients / singular resample: the replicate is skipped (R's na.rm = TRUE)
    if (error instanceof CausalPanelError) return false;
    throw error;
  }
  beta.fill(0);
  for (let p = 0; p < fit.rank; p++) {
    const j = fit.kept[p]!;
    const c = fit.coef[j]!;
    if (!Number.isFinite(c)) return false; // R: "non-finite coefficients at iteration"
    beta[j] = c;
  }
  return true;
}

/** Length of one packed row: upper triangle of xxᵀ, x·y, y² for k columns. */
function packedLength(k: number): number {
  return (k * (k + 1)) / 2 + k + 1;
}

/**
 * Row-major per-row cross-product contributions wᵢ·[upper(xᵢxᵢᵀ), xᵢyᵢ, yᵢ²] of one linear model,
 * written at column `at` of a row of width `width`: a resample's XᵀWX, XᵀWy and yᵀWy are then
 * sums of these rows over the drawn indices, with no pass over the unsampled rows.
 */
function packRows(X: Float64Array, n: number, k: number, y: Float64Array, weights: Float64Array | null, out: Float64Array, width: number, at: number): void {
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    let c = i * width + at;
    for (let a = 0; a < k; a++) {
      const xa = X[a * n + i]! * w;
      for (let b = a; b < k; b++) out[c++] = xa * X[b * n + i]!;
    }
    for (let a = 0; a < k; a++) out[c++] = X[a * n + i]! * w * y[i]!;
    out[c] = w * y[i]! * y[i]!;
  }
}

/** Solves the packed normal equations at `at` into work.beta; returns σ̂ (NaN when singular). */
function solvePacked(acc: Float64Array, at: number, k: number, rowsUsed: number, absorbedDof: number, work: RefitWork): number {
  const { xtwx, xtwz, beta } = work;
  let c = at;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      xtwx[a + b * k] = acc[c]!;
      xtwx[b + a * k] = acc[c++]!;
    }
  }
  for (let a = 0; a < k; a++) xtwz[a] = acc[c++]!;
  const yy = acc[c]!;
  const rank = choleskySolveInPlace(work, k);
  if (rank === 0) return NaN;
  // RSS = yᵀWy − βᵀXᵀWy at the solution of the normal equations.
  let fitted = 0;
  for (let a = 0; a < k; a++) fitted += beta[a]! * xtwz[a]!;
  const rss = Math.max(yy - fitted, 0);
  return Math.sqrt(rss / (rowsUsed - rank - absorbedDof));
}

/** Bootstrap of two linear models through packed cross-products (see {@link packRows}). */
function bootstrapLinearLinear(
  mediator: MediatorKernelModel,
  outcome: OutcomeKernelModel,
  sims: number,
  rng: KernelRng,
  options: BootstrapOptions,
): EffectDraws {
  const n = mediator.n;
  const km = mediator.kRefit;
  const ky = outcome.kRefit;
  const { weights, clusterCodes, nClusters } = options;
  const pm = packedLength(km);
  const width = pm + packedLength(ky);
  const rows = new Float64Array(n * width);
  // A fixed effect nested in the clusters is swept out once: every row of a level gets its
  // cluster's multiplicity, so the resample's weighted within-transformation is the full-sample one.
  const sweep = (model: KernelModelBase): { X: Float64Array; y: Float64Array } => {
    if (model.fixedEffects === null) return { X: model.X, y: model.y };
    const columns: Float64Array[] = [];
    for (let j = 0; j < model.kRefit; j++) columns.push(model.X.subarray(j * n, (j + 1) * n));
    columns.push(model.y);
    const demeaned = demean(columns, model.fixedEffects, weights ? { weights } : {}).columns;
    const X = new Float64Array(n * model.kRefit);
    for (let j = 0; j < model.kRefit; j++) X.set(demeaned[j]!, j * n);
    return { X, y: demeaned[model.kRefit]! };
  };
  const swM = sweep(mediator);
  const swY = sweep(outcome);
  packRows(swM.X, n, km, swM.y, weights, rows, width, 0);
  packRows(swY.X, n, ky, swY.y, weights, rows, width, pm);
  const used = new Float64Array(n);
  for (let i = 0; i < n; i++) used[i] = weights && !(weights[i]! > 0) ? 0 : 1;
  let units = rows;
  let unitUsed = used;
  let nUnits = n;
  if (clusterCodes) {
    // Whole clusters are drawn: sum their rows once.
    units = new Float64Array(nClusters * width);
    unitUsed = new Float64Array(nClusters);
    for (let i = 0; i < n; i++) {
      const g = clusterCodes[i]!;
      unitUsed[g]! += used[i]!;
      const src = i * width;
      const dst = g * width;
      for (let c = 0; c < width; c++) units[dst + c]! += rows[src + c]!;
    }
    nUnits = nClusters;
  }
  // Fixed-effect levels per unit (a level drawn twice is still one level, as R's factor).
  const levelsPerUnit = (model: KernelModelBase): Float64Array | null => {
    if (model.fixedEffects === null || !clusterCodes) return null;
    const fe = model.fixedEffects[0]!;
    const seen = new Uint8Array(fe.nLevels);
    const out = new Float64Array(nClusters);
    for (let i = 0; i < n; i++) {
      if (weights && !(weights[i]! > 0)) continue;
      const level = fe.codes[i]!;
      if (seen[level] === 0) {
        seen[level] = 1;
        out[clusterCodes[i]!]! += 1;
      }
    }
    return out;
  };
  const levelsM = levelsPerUnit(mediator);
  const levelsY = levelsPerUnit(outcome);
  const acc = new Float64Array(width);
  const unitCounts = new Float64Array(nUnits);
  const workM = createWork(n, km);
  const workY = createWork(n, ky);
  const draws = allocDraws(sims);
  const scratch = prepareScratch(mediator, outcome, weights);
  const out = new Float64Array(4);
  const tick = progressReporter(sims, options.onProgress);
  for (let s = 0; s < sims; s++) {
    acc.fill(0);
    unitCounts.fill(0);
    for (let r = 0; r < nUnits; r++) unitCounts[rng.int(nUnits)]! += 1;
    let rowsUsed = 0;
    let absorbedM = levelsM ? 0 : mediator.absorbedDof;
    let absorbedY = levelsY ? 0 : outcome.absorbedDof;
    // Only the ~63% of units drawn at least once are visited, each scaled by its multiplicity.
    for (let u = 0; u < nUnits; u++) {
      const count = unitCounts[u]!;
      if (count === 0) continue;
      rowsUsed += count * unitUsed[u]!;
      if (levelsM) absorbedM += levelsM[u]!;
      if (levelsY) absorbedY += levelsY[u]!;
      const src = u * width;
      for (let c = 0; c < width; c++) acc[c]! += count * units[src + c]!;
    }
    const sigma = solvePacked(acc, 0, km, rowsUsed, absorbedM, workM);
    const sigmaY = solvePacked(acc, pm, ky, rowsUsed, absorbedY, workY);
    if (!Number.isFinite(sigma) || Number.isNaN(sigmaY)) {
      storeDraw(draws, s, null);
    } else {
      drawEffects(mediator, outcome, workM.beta, sigma, workY.beta, rng, weights, scratch, out);
      storeDraw(draws, s, out);
    }
    tick(s + 1);
  }
  return draws;
}

/** Copies the active rows of X (column-major, compacted to nActive rows), y and w into `out`. */
function compactRows(
  X: Float64Array, n: number, k: number, y: Float64Array, w: Float64Array, active: Int32Array, nActive: number,
  out: { X: Float64Array; y: Float64Array; w: Float64Array },
): void {
  for (let j = 0; j < k; j++) {
    const src = j * n;
    const dst = j * nActive;
    for (let r = 0; r < nActive; r++) out.X[dst + r] = X[src + active[r]!]!;
  }
  for (let r = 0; r < nActive; r++) {
    out.y[r] = y[active[r]!]!;
    out.w[r] = w[active[r]!]!;
  }
}

/** Whether every level of `fe` lies in a single cluster. */
function nestedIn(fe: FixedEffectCodes, clusterCodes: Int32Array, nClusters: number): boolean {
  const home = new Int32Array(fe.nLevels).fill(-1);
  for (let i = 0; i < clusterCodes.length; i++) {
    const level = fe.codes[i]!;
    const g = clusterCodes[i]!;
    if (home[level] === -1) home[level] = g;
    else if (home[level] !== g) return false;
  }
  return nClusters > 0;
}

/** Options of {@link bootstrapDraws}. */
export interface BootstrapOptions {
  /** Prior (sampling) weights of the rows; null = 1. */
  weights: Float64Array | null;
  /** Cluster code (0..g−1) per row: whole clusters are resampled; null = rows. */
  clusterCodes: Int32Array | null;
  nClusters: number;
  /** Called with (resamples done, sims) at most ~100 times (see {@link progressReporter}). */
  onProgress?: ProgressCallback | null;
}

/**
 * Nonparametric (pairs or cluster) bootstrap of (d1, d0, z1, z0), mediation's `boot = TRUE`:
 * resample rows (or whole clusters) with replacement, refit both models on the resample with
 * multiplicity weights, predict on the original rows with a fresh mediator draw.
 * Replicates whose refit is singular are NaN (R's `quantile(na.rm = TRUE)` skips them).
 *
 * @example
 * const draws = bootstrapDraws(mediator, outcome, 1000, createRng(1), { weights: null, clusterCodes: null, nClusters: 0 });
 */
export function bootstrapDraws(
  mediator: MediatorKernelModel,
  outcome: OutcomeKernelModel,
  sims: number,
  rng: KernelRng,
  options: BootstrapOptions,
): EffectDraws {
  const linear = (m: { family: FamilyName; link: LinkName }): boolean => m.family === 'gaussian' && m.link === 'identity';
  // Packed cross-products need fixed effects that are swept out once: none, or one dimension
  // nested in the resampled clusters.
  const sweptOnce = (m: KernelModelBase): boolean =>
    m.fixedEffects === null || (m.fixedEffects.length === 1 && options.clusterCodes !== null && nestedIn(m.fixedEffects[0]!, options.clusterCodes, options.nClusters));
  if (linear(mediator) && linear(outcome) && sweptOnce(mediator) && sweptOnce(outcome)) return bootstrapLinearLinear(mediator, outcome, sims, rng, options);
  const n = mediator.n;
  const { weights, clusterCodes, nClusters } = options;
  const draws = allocDraws(sims);
  const scratch = prepareScratch(mediator, outcome, weights);
  const out = new Float64Array(4);
  const counts = new Float64Array(n);
  const w = new Float64Array(n);
  const clusterCounts = clusterCodes ? new Float64Array(nClusters) : null;
  const workM = createWork(n, mediator.kRefit);
  const workY = createWork(n, outcome.kRefit);
  const betaM = new Float64Array(mediator.k);
  const active = new Int32Array(n);
  const buffer = (k: number): { X: Float64Array; y: Float64Array; w: Float64Array } => ({ X: new Float64Array(n * k), y: new Float64Array(n), w: new Float64Array(n) });
  const bufM = buffer(mediator.kRefit);
  const bufY = buffer(outcome.kRefit);
  const tick = progressReporter(sims, options.onProgress);
  for (let s = 0; s < sims; s++) {
    counts.fill(0);
    if (clusterCodes && clusterCounts) {
      clusterCounts.fill(0);
      for (let g = 0; g < nClusters; g++) clusterCounts[rng.int(nClusters)]! += 1;
      for (let i = 0; i < n; i++) counts[i] = clusterCounts[clusterCodes[i]!]!;
    } else {
      for (let i = 0; i < n; i++) counts[rng.int(n)]! += 1;
    }
    let rowsUsed = 0;
    for (let i = 0; i < n; i++) {
      const wi = weights ? weights[i]! : 1;
      w[i] = counts[i]! * wi;
      if (wi > 0) rowsUsed += counts[i]!;
    }
    // Refits only visit the rows drawn at least once (≈ 63%): without fixed effects they are
    // compacted into dense buffers first (with fixed effects the demeaning needs every row).
    let nActive = 0;
    for (let i = 0; i < n; i++) if (w[i]! > 0) active[nActive++] = i;
    const refit = (model: KernelModelBase, work: RefitWork, buffers: { X: Float64Array; y: Float64Array; w: Float64Array }): number => {
      const isLinear = model.family === 'gaussian' && model.link === 'identity';
      let X: Float64Array = model.X;
      let y: Float64Array = model.y;
      let wr: Float64Array = w;
      let rows = n;
      if (model.fixedEffects === null) {
        compactRows(model.X, n, model.kRefit, model.y, w, active, nActive, buffers);
        X = buffers.X;
        y = buffers.y;
        wr = buffers.w;
        rows = nActive;
      }
      if (isLinear) return refitLinear(X, rows, model.kRefit, y, wr, rowsUsed, model.absorbedDof, work, model.fixedEffects);
      return refitBinomial(X.subarray(0, rows * model.kRefit), rows, model.kRefit, y.subarray(0, rows), wr.subarray(0, rows), model.link, model.coef, work.beta) ? 1 : NaN;
    };
    const sigmaOrFlag = refit(mediator, workM, bufM);
    let ok = Number.isFinite(sigmaOrFlag);
    const sigma = mediator.family === 'gaussian' ? sigmaOrFlag : NaN;
    // Refit coefficients beyond k (dummies of small fixed effects) do not enter predictions.
    if (ok) betaM.set(workM.beta.subarray(0, mediator.k));
    if (ok) ok = Number.isFinite(refit(outcome, workY, bufY));
    if (!ok) {
      storeDraw(draws, s, null);
    } else {
      drawEffects(mediator, outcome, betaM, sigma, workY.beta, rng, weights, scratch, out);
      storeDraw(draws, s, out);
    }
    tick(s + 1);
  }
  return draws;
}

// ---------------------------------------------------------------------------------------------
// From draws to reported quantities (mediation's "Compute Outputs" block and `pval()`).
//
// Derived draws: τ = (d1 + d0 + z1 + z0)/2, ν₀ = d0/τ, ν₁ = d1/τ, averages (d1 + d0)/2 etc.
// Point estimates — quasi-Bayes: means of the draws (medians for ν₀, ν₁); bootstrap: the
// statistic on the full sample, τ̂ = (d̂1 + d̂0 + ẑ1 + ẑ0)/2, ν̂ = d̂/τ̂.
// Intervals — percentile: R's `quantile(type = 7)` at (1 ± level)/2; BCa: mediation's `BC.CI`
// (bias z₀ = Φ⁻¹(share of draws below their mean), acceleration from the draws themselves).
// p-value: 2·min(#draws > 0, #draws < 0)/#draws, 1 when the estimate is exactly 0, capped at 1.
// Non-finite draws (singular bootstrap refits) are skipped, as `na.rm = TRUE`.
// ---------------------------------------------------------------------------------------------

/** One reported quantity of a mediation analysis. */
export interface MediationEstimate {
  estimate: number;
  confLow: number;
  confHigh: number;
  pValue: number;
  /** Standard deviation of the simulated (or bootstrapped) values. */
  stdError: number;
}

/** A quantity reported for the control and treated conditions and their average. */
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

/** Sorted finite values. */
function finiteSorted(x: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out.push(x[i]!);
  return Float64Array.from(out).sort();
}

/**
 * R's `quantile(x, p, type = 7)` on already sorted values.
 *
 * @example
 * quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const index = 1 + Math.max(n - 1, 0) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qs = sorted[lo - 1]!;
  const h = index - lo;
  const upper = sorted[hi - 1]!;
  return index > lo && upper !== qs ? (1 - h) * qs + h * upper : qs;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!)) {
      s += x[i]!;
      c++;
    }
  }
  return c === 0 ? NaN : s / c;
}

function sd(x: ArrayLike<number>): number {
  const m = mean(x);
  let ss = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!)) {
      ss += (x[i]! - m) ** 2;
      c++;
    }
  }
  return c < 2 ? NaN : Math.sqrt(ss / (c - 1));
}

/**
 * mediation's `pval(x, xhat)`: 2·min(#x > 0, #x < 0)/length, 1 when xhat = 0, at most 1.
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

/**
 * mediation's bias-corrected and accelerated interval `BC.CI(theta)` (its exact formulas,
 * including the acceleration computed from the bootstrap draws rather than a jackknife).
 *
 * @example
 * bcaInterval(draws, 0.95); // [low, high]
 */
export function bcaInterval(draws: ArrayLike<number>, level: number): [number, number] {
  const sorted = finiteSorted(draws);
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
  const a = u3 / (6 * u2 ** 1.5);
  const low = (1 - level) / 2;
  const high = 1 - low;
  const zl = normalQuantile(low);
  const zh = normalQuantile(high);
  const lowerInv = normalCdf(z + (z + zl) / (1 - a * (z + zl)));
  const upperInv = normalCdf(z + (z + zh) / (1 - a * (z + zh)));
  return [quantileSorted(sorted, lowerInv), quantileSorted(sorted, upperInv)];
}

function leaf(draws: Float64Array, estimate: number, level: number, bca: boolean): MediationEstimate {
  let confLow: number;
  let confHigh: number;
  if (bca) [confLow, confHigh] = bcaInterval(draws, level);
  else {
    const sorted = finiteSorted(draws);
    confLow = quantileSorted(sorted, (1 - level) / 2);
    confHigh = quantileSorted(sorted, 1 - (1 - level) / 2);
  }
  return { estimate, confLow, confHigh, pValue: simulationPValue(draws, estimate), stdError: sd(draws) };
}

function median(x: ArrayLike<number>): number {
  return quantileSorted(finiteSorted(x), 0.5);
}

/**
 * Reported quantities from the draws; `point` is the full-sample statistic (bootstrap) or null
 * (quasi-Bayes: means/medians of the draws).
 *
 * @example
 * const s = summarizeMediation(draws, null, { level: 0.95, bca: false });
 * s.acme.average.estimate;
 */
export function summarizeMediation(
  draws: EffectDraws,
  point: { d1: number; d0: number; z1: number; z0: number } | null,
  options: { level: number; bca: boolean },
): MediationSummary {
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
  let e: { d1: number; d0: number; z1: number; z0: number; tau: number; n0: number; n1: number };
  if (point) {
    const t = (point.d1 + point.d0 + point.z1 + point.z0) / 2;
    e = { ...point, tau: t, n0: point.d0 / t, n1: point.d1 / t };
  } else {
    e = { d1: mean(d1), d0: mean(d0), z1: mean(z1), z0: mean(z0), tau: mean(tau), n0: median(nu0), n1: median(nu1) };
  }
  const { level, bca } = options;
  return {
    acme: {
      control: leaf(d0, e.d0, level, bca),
      treated: leaf(d1, e.d1, level, bca),
      average: leaf(dAvg, (e.d0 + e.d1) / 2, level, bca),
    },
    ade: {
      control: leaf(z0, e.z0, level, bca),
      treated: leaf(z1, e.z1, level, bca),
      average: leaf(zAvg, (e.z0 + e.z1) / 2, level, bca),
    },
    propMediated: {
      control: leaf(nu0, e.n0, level, bca),
      treated: leaf(nu1, e.n1, level, bca),
      average: leaf(nuAvg, (e.n0 + e.n1) / 2, level, bca),
    },
    total: leaf(tau, e.tau, level, bca),
  };
}
