/**
 * Nonparametric bootstrap of causal mediation effects, R's mediation 4.5.1 `mediate(boot = TRUE)`
 * (Imai, Keele & Tingley 2010, Algorithm 2): rows — or, with clusters, whole clusters (pairs
 * cluster bootstrap, Cameron, Gelbach & Miller 2008) — are resampled with replacement, both models
 * are refitted on the resample through multiplicity weights (refit.ts), and the effects are
 * predicted on the original rows with a fresh mediator draw (mediation's `med.fun` predicts on
 * `m.data`/`y.data`). Replicates whose refit is singular are NaN (R's `na.rm = TRUE` skips them).
 *
 * Two linear models whose fixed effects can be swept once (none, or one dimension nested in the
 * resampled clusters) take the packed cross-product path: each resample is a count-weighted sum
 * of per-row (or per-cluster) cross-products, O(units drawn · k²).
 *
 * Dimension symbols: n = rows, k = coefficients, g = clusters, s = resamples.
 */
import { demean, type FixedEffectCodes } from '../../numerics/demean.js';
import type { Rng } from '../../numerics/random.js';
import { allocDraws, drawEffects, prepareScratch, storeDraw, type EffectDraws } from './drawEffects.js';
import { isLinear, type KernelModelBase, type MediatorKernelModel, type OutcomeKernelModel } from './kernelModel.js';
import { progressReporter, type ProgressCallback } from './progress.js';
import { createWork, packedLength, packRows, refitBinomial, refitLinear, solvePacked, type RefitWork } from './refit.js';

/** Options of {@link bootstrapDraws}. */
export interface BootstrapOptions {
  /** Cluster code (0..g−1) per row: whole clusters are resampled; null = rows. */
  clusterCodes: Int32Array | null;
  nClusters: number;
  /** Called with (resamples done, sims) at most ~100 times (see progress.ts). */
  onProgress?: ProgressCallback | null;
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

/**
 * Bootstrap draws of (d1, d0, z1, z0): resample rows (or clusters), refit both models with
 * multiplicity weights, predict on the original rows with a fresh mediator draw.
 *
 * @example
 * const draws = bootstrapDraws(mediator, outcome, 1000, createRng(1), { clusterCodes: null, nClusters: 0 });
 * draws.d0.length; // 1000 (NaN where a resample's refit was singular)
 */
export function bootstrapDraws(
  mediator: MediatorKernelModel,
  outcome: OutcomeKernelModel,
  sims: number,
  rng: Rng,
  options: BootstrapOptions,
): EffectDraws {
  // Packed cross-products need fixed effects that are swept out once: none, or one dimension
  // nested in the resampled clusters.
  const sweptOnce = (m: KernelModelBase): boolean =>
    m.fixedEffects === null || (m.fixedEffects.length === 1 && options.clusterCodes !== null && nestedIn(m.fixedEffects[0]!, options.clusterCodes, options.nClusters));
  if (isLinear(mediator) && isLinear(outcome) && sweptOnce(mediator) && sweptOnce(outcome)) return bootstrapLinearLinear(mediator, outcome, sims, rng, options);
  const n = mediator.n;
  const { clusterCodes, nClusters } = options;
  const draws = allocDraws(sims);
  const scratch = prepareScratch(mediator, outcome);
  const out = new Float64Array(4);
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
    // w = resample multiplicities of the rows.
    w.fill(0);
    if (clusterCodes && clusterCounts) {
      clusterCounts.fill(0);
      for (let g = 0; g < nClusters; g++) clusterCounts[rng.int(nClusters)]! += 1;
      for (let i = 0; i < n; i++) w[i] = clusterCounts[clusterCodes[i]!]!;
    } else {
      for (let i = 0; i < n; i++) w[rng.int(n)]! += 1;
    }
    let rowsUsed = 0;
    for (let i = 0; i < n; i++) rowsUsed += w[i]!;
    // Refits only visit the rows drawn at least once (≈ 63%): without fixed effects they are
    // compacted into dense buffers first (with fixed effects the demeaning needs every row).
    let nActive = 0;
    for (let i = 0; i < n; i++) if (w[i]! > 0) active[nActive++] = i;
    const refit = (model: KernelModelBase, work: RefitWork, buffers: { X: Float64Array; y: Float64Array; w: Float64Array }): number => {
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
      if (isLinear(model)) return refitLinear(X, rows, model.kRefit, y, wr, rowsUsed, model.absorbedDof, work, model.fixedEffects);
      return refitBinomial(X.subarray(0, rows * model.kRefit), rows, model.kRefit, y.subarray(0, rows), wr.subarray(0, rows), model.family, model.coef, work.beta) ? 1 : NaN;
    };
    const sigmaOrFlag = refit(mediator, workM, bufM);
    let ok = Number.isFinite(sigmaOrFlag);
    const sigma = mediator.family.family === 'gaussian' ? sigmaOrFlag : NaN;
    // Refit coefficients beyond k (dummies of small fixed effects) do not enter predictions.
    if (ok) betaM.set(workM.beta.subarray(0, mediator.k));
    if (ok) ok = Number.isFinite(refit(outcome, workY, bufY));
    if (!ok) {
      storeDraw(draws, s, null);
    } else {
      drawEffects(mediator, outcome, betaM, sigma, workY.beta, rng, scratch, out);
      storeDraw(draws, s, out);
    }
    tick(s + 1);
  }
  return draws;
}

/** Bootstrap of two linear models through packed cross-products (see `packRows` in refit.ts). */
function bootstrapLinearLinear(mediator: MediatorKernelModel, outcome: OutcomeKernelModel, sims: number, rng: Rng, options: BootstrapOptions): EffectDraws {
  const n = mediator.n;
  const km = mediator.kRefit;
  const ky = outcome.kRefit;
  const { clusterCodes, nClusters } = options;
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
    const demeaned = demean(columns, model.fixedEffects, {}).columns;
    const X = new Float64Array(n * model.kRefit);
    for (let j = 0; j < model.kRefit; j++) X.set(demeaned[j]!, j * n);
    return { X, y: demeaned[model.kRefit]! };
  };
  const swM = sweep(mediator);
  const swY = sweep(outcome);
  packRows(swM.X, n, km, swM.y, rows, width, 0);
  packRows(swY.X, n, ky, swY.y, rows, width, pm);
  let units = rows;
  let unitRows = new Float64Array(n).fill(1);
  let nUnits = n;
  if (clusterCodes) {
    // Whole clusters are drawn: sum their rows once.
    units = new Float64Array(nClusters * width);
    unitRows = new Float64Array(nClusters);
    for (let i = 0; i < n; i++) {
      const g = clusterCodes[i]!;
      unitRows[g]! += 1;
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
  const scratch = prepareScratch(mediator, outcome);
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
      rowsUsed += count * unitRows[u]!;
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
      drawEffects(mediator, outcome, workM.beta, sigma, workY.beta, rng, scratch, out);
      storeDraw(draws, s, out);
    }
    tick(s + 1);
  }
  return draws;
}
