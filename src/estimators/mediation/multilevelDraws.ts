/**
 * Quasi-Bayesian draws of multilevel mediation (mediation 4.5.1, `mediate()` with `merMod` fits):
 * per draw, fixed effects from N(β̂, V̂) of each model (`vcov(fit)`; a least-squares model's
 * coefficients likewise), every conditional mode from an independent N(mode, condSD²) (lme4's
 * `ranef(condVar = TRUE)`, its diagonal), then
 *   M(t)ᵢ = Xₘ(t)ᵢβₘ + Σ_c u_c[group(i)]·z_c(i, t) + εᵢ, εᵢ ~ N(0, σₘ²) shared by t = 1, 0;
 *   Y(t, m)ᵢ = Xᵧ(t, m)ᵢβᵧ + Σ_c w_c[group(i)]·z_c(i, t, m);
 * per outcome row the four contrasts d1 = Y(1,M(1)) − Y(1,M(0)), d0 = Y(0,M(1)) − Y(0,M(0)),
 * z1 = Y(1,M(1)) − Y(0,M(1)), z0 = Y(1,M(0)) − Y(0,M(0)), averaged over all outcome rows (the
 * population-average draws) and within each group of the output grouping (the group-specific
 * draws, R's `d0.sims.group` …). A group-level mediator's draw is shared by its group's rows.
 *
 * Dimension symbols: n = outcome rows, J = groups, k = coefficients, p = random-effect columns, s = simulations.
 */
import { multivariateNormalDraws, type Rng } from '../../numerics/random.js';
import { preparedMatvec } from './kernelModel.js';
import { allocDraws, type EffectDraws } from './drawEffects.js';
import { differs, type MultilevelSystem, type RandomPart } from './multilevelModels.js';
import { progressReporter, type ProgressCallback } from './progress.js';

/** Population-average draws and one set of draws per output group. */
export interface MultilevelDraws {
  draws: EffectDraws;
  groups: EffectDraws[];
}

/** u = mode + sd·z for every level and column. */
function drawRandom(part: RandomPart | null, out: Float64Array, rng: Rng): void {
  if (part === null) return;
  for (let j = 0; j < out.length; j++) out[j] = part.modes[j]! + part.sds[j]! * rng.normal();
}

/** Slot kinds as small integers for the row loop: 0 intercept, 1 treatment, 2 mediator, 3 data. */
const KIND = { one: 0, treat: 1, mediator: 2, data: 3 } as const;

/**
 * Per row, the random part as r0 + rt·t + rm·m: r0 from the intercept and data columns, rt the
 * treatment slope's effect, rm the mediator slope's effect (the four outcome predictions share them).
 */
function randomRowParts(part: RandomPart, kinds: Int8Array, u: Float64Array, r0: Float64Array, rt: Float64Array, rm: Float64Array): void {
  const p = kinds.length;
  const n = part.codes.length;
  for (let i = 0; i < n; i++) {
    const base = part.codes[i]! * p;
    let a = 0;
    let b = 0;
    let c = 0;
    for (let j = 0; j < p; j++) {
      const v = u[base + j]!;
      const kind = kinds[j]!;
      if (kind === 0) a += v;
      else if (kind === 1) b += v;
      else if (kind === 2) c += v;
      else a += v * (part.slots[j] as { values: Float64Array }).values[i]!;
    }
    r0[i] = a;
    rt[i] = b;
    rm[i] = c;
  }
}

/**
 * The draws of a {@link MultilevelSystem}.
 *
 * @example
 * const { draws, groups } = multilevelDraws(system, { sims: 1000, treatValue: 1, controlValue: 0 }, createRng(1));
 * draws.d0.length; // 1000; groups.length: the number of output groups
 */
export function multilevelDraws(
  system: MultilevelSystem,
  options: { sims: number; treatValue: number; controlValue: number; onProgress?: ProgressCallback | null },
  rng: Rng,
): MultilevelDraws {
  const { mediator, outcome, mediatorRow, rowGroup } = system;
  const { sims, treatValue, controlValue } = options;
  const tick = progressReporter(sims, options.onProgress ?? null);
  const km = mediator.k;
  const ky = outcome.k;
  const drawsM = multivariateNormalDraws(mediator.coef, mediator.vcov, km, sims, rng);
  const drawsY = multivariateNormalDraws(outcome.coef, outcome.vcov, ky, sims, rng);
  const betaM = new Float64Array(km);
  const betaY = new Float64Array(ky);
  const uM = new Float64Array(mediator.random ? mediator.random.modes.length : 0);
  const uY = new Float64Array(outcome.random ? outcome.random.modes.length : 0);
  const nm = mediator.n;
  const n = outcome.n;
  const mu1 = new Float64Array(nm);
  const mu0 = new Float64Array(nm);
  const a0 = new Float64Array(n);
  const a1 = new Float64Array(n);
  const b0 = new Float64Array(n);
  const b1 = new Float64Array(n);
  const G = system.groupLabels.length;
  const count = new Float64Array(G);
  for (let i = 0; i < n; i++) count[rowGroup[i]!]! += 1;
  const sums = new Float64Array(4 * G);
  const draws = allocDraws(sims);
  const groups = Array.from({ length: G }, () => allocDraws(sims));
  // The outcome is affine in the mediator, Y(t, m) = aₜ + bₜ·m, with bₜ not depending on m: the
  // shared error cancels from every contrast unless b₁ ≠ b₀ in some row (a treatment × mediator
  // interaction). Skipping it then changes no result, only the random stream.
  const noise = differs(system.slope[0].data, system.slope[1].data);
  const mPart = mediator.random;
  const yPart = outcome.random;
  const kindsOf = (part: RandomPart | null): Int8Array => Int8Array.from(part ? part.slots.map((slot) => KIND[slot.kind]) : []);
  const mKinds = kindsOf(mPart);
  const yKinds = kindsOf(yPart);
  const m0r = new Float64Array(mPart ? nm : 0);
  const mtr = new Float64Array(mPart ? nm : 0);
  const mmr = new Float64Array(mPart ? nm : 0);
  const y0r = new Float64Array(yPart ? n : 0);
  const ytr = new Float64Array(yPart ? n : 0);
  const ymr = new Float64Array(yPart ? n : 0);
  for (let s = 0; s < sims; s++) {
    for (let j = 0; j < km; j++) betaM[j] = drawsM[s + j * sims]!;
    for (let j = 0; j < ky; j++) betaY[j] = drawsY[s + j * sims]!;
    drawRandom(mPart, uM, rng);
    drawRandom(yPart, uY, rng);
    preparedMatvec(mu1, system.XTreat, betaM, null);
    preparedMatvec(mu0, system.XControl, betaM, null);
    if (mPart) {
      randomRowParts(mPart, mKinds, uM, m0r, mtr, mmr);
      for (let i = 0; i < nm; i++) {
        mu1[i] = mu1[i]! + m0r[i]! + mtr[i]! * treatValue;
        mu0[i] = mu0[i]! + m0r[i]! + mtr[i]! * controlValue;
      }
    }
    if (noise) {
      for (let i = 0; i < nm; i++) {
        // One error per mediator row shared by M(1) and M(0), as mediation's `error` matrix.
        const e = mediator.sigma * rng.normal();
        mu1[i] = mu1[i]! + e;
        mu0[i] = mu0[i]! + e;
      }
    }
    if (yPart) {
      // The outcome's random part folds into the prediction matrices' rows: a += r0 + rt·t, b += rm.
      randomRowParts(yPart, yKinds, uY, y0r, ytr, ymr);
    }
    preparedMatvec(a0, system.base[0], betaY, null);
    preparedMatvec(a1, system.base[1], betaY, null);
    preparedMatvec(b0, system.slope[0], betaY, null);
    preparedMatvec(b1, system.slope[1], betaY, null);
    if (yPart) {
      for (let i = 0; i < n; i++) {
        a0[i] = a0[i]! + y0r[i]! + ytr[i]! * controlValue;
        a1[i] = a1[i]! + y0r[i]! + ytr[i]! * treatValue;
        b0[i] = b0[i]! + ymr[i]!;
        b1[i] = b1[i]! + ymr[i]!;
      }
    }
    sums.fill(0);
    let d1 = 0;
    let d0 = 0;
    let z1 = 0;
    let z0 = 0;
    for (let i = 0; i < n; i++) {
      const mt = mu1[mediatorRow[i]!]!;
      const mc = mu0[mediatorRow[i]!]!;
      const y11 = a1[i]! + b1[i]! * mt;
      const y10 = a1[i]! + b1[i]! * mc;
      const y01 = a0[i]! + b0[i]! * mt;
      const y00 = a0[i]! + b0[i]! * mc;
      const e1 = y11 - y10;
      const e2 = y01 - y00;
      const e3 = y11 - y01;
      const e4 = y10 - y00;
      d1 += e1;
      d0 += e2;
      z1 += e3;
      z0 += e4;
      const at = 4 * rowGroup[i]!;
      sums[at]! += e1;
      sums[at + 1]! += e2;
      sums[at + 2]! += e3;
      sums[at + 3]! += e4;
    }
    draws.d1[s] = d1 / n;
    draws.d0[s] = d0 / n;
    draws.z1[s] = z1 / n;
    draws.z0[s] = z0 / n;
    for (let g = 0; g < G; g++) {
      const target = groups[g]!;
      target.d1[s] = sums[4 * g]! / count[g]!;
      target.d0[s] = sums[4 * g + 1]! / count[g]!;
      target.z1[s] = sums[4 * g + 2]! / count[g]!;
      target.z0[s] = sums[4 * g + 3]! / count[g]!;
    }
    tick(s + 1);
  }
  return { draws, groups };
}
