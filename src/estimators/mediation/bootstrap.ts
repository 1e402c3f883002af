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
import { createRngFromState, type Rng } from '../../numerics/random.js';
import { glmFamily, type FamilyName, type LinkName } from '../../numerics/family.js';
import { runParallel, sharedCopy, sharedFloat64, type SharedArray, type WorkerPool } from '../../parallel/pool.js';
import { blockStarts } from '../../parallel/streamJump.js';
import { allocDraws, drawEffects, prepareScratch, storeDraw, type EffectDraws } from './drawEffects.js';
import { isLinear, type KernelModelBase, type MediatorKernelModel, type OutcomeKernelModel } from './kernelModel.js';
import { progressReporter, type ProgressCallback } from './progress.js';
import { createWork, packedLength, packRows, refitBinomial, refitLinear, solvePacked, type RefitWork } from './refit.js';

/** Options of {@link bootstrapDraws}. */
export interface BootstrapOptions {
  /** Cluster code (0..g−1) per row: whole clusters are resampled; null = rows. */
  clusterCodes: Int32Array | null;
  nClusters: number;
  /** Called with (resamples done, sims) at most ~100 times (see progress.ts); with a pool, once at the end. */
  onProgress?: ProgressCallback | null;
  /**
   * Worker threads for the resamples (docs/parallel.md), with `seed`, the seed of the fresh
   * generator `rng` (`createRng(seed)`, nothing drawn yet). Used by the general loop when a draw
   * takes a fixed number of generator outputs; the draws and the generator's state afterwards are
   * those of the single-threaded loop.
   */
  pool?: WorkerPool | null;
  seed?: number;
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
  const draws = allocDraws(sims);
  const tick = progressReporter(sims, options.onProgress);
  const stride = fixedStride(mediator, outcome, options);
  const pool = options.pool ?? null;
  if (pool !== null && stride !== null && options.seed !== undefined) {
    const blockSize = Math.max(1, Math.ceil(sims / (pool.size * 4)));
    const blocks = Math.ceil(sims / blockSize);
    const shared = { d1: sharedFloat64(sims), d0: sharedFloat64(sims), z1: sharedFloat64(sims), z0: sharedFloat64(sims), failed: sharedFloat64(sims) };
    runParallel(pool, 'mediate', {
      kernel: 'mediationBootstrap',
      count: sims,
      blockSize,
      arrays: { ...shared, starts: sharedCopy(blockStarts(options.seed, blocks, stride * blockSize)) },
      params: { mediator: portableModel(mediator), outcome: portableModel(outcome), clusterCodes: options.clusterCodes, nClusters: options.nClusters, blockSize },
    });
    // Every draw refitted: the draws are the single-threaded ones, and the caller's generator
    // moves on to where the loop would have left it. A singular refit skips its mediator draw,
    // which shifts the stream of every later draw: then the loop runs here instead.
    if (!shared.failed.includes(1)) {
      for (let c = 0; c < sims * stride; c++) rng.nextUint32();
      draws.d1.set(shared.d1);
      draws.d0.set(shared.d0);
      draws.z1.set(shared.z1);
      draws.z0.set(shared.z0);
      tick(sims);
      return draws;
    }
  }
  const draw = generalDraw(mediator, outcome, options.clusterCodes, options.nClusters);
  const out = new Float64Array(4);
  for (let s = 0; s < sims; s++) {
    storeDraw(draws, s, draw(rng, out) ? out : null);
    tick(s + 1);
  }
  return draws;
}

/**
 * Generator outputs one draw of the general loop takes when its refits succeed, or null when the
 * count varies (a gaussian mediator whose noise matters is drawn by the polar method, which
 * rejects): the resample's ints (one uniform, two outputs, each) plus, for a binomial mediator,
 * 2n uniforms for M(1) and M(0).
 */
function fixedStride(mediator: MediatorKernelModel, outcome: OutcomeKernelModel, options: BootstrapOptions): number | null {
  const units = options.clusterCodes ? options.nClusters : mediator.n;
  if (mediator.family.family === 'binomial') return 2 * units + 4 * mediator.n;
  return prepareScratch(mediator, outcome).noise ? null : 2 * units;
}

/** A kernel model with its family as names (functions cannot cross to a worker). */
function portableModel<M extends KernelModelBase>(model: M): Omit<M, 'family'> & { family: { family: FamilyName; link: LinkName } } {
  return { ...model, family: { family: model.family.family, link: model.family.link } };
}

/**
 * One draw of the general bootstrap loop: resample (rows or clusters), refit both models, predict
 * with a fresh mediator draw; false when a refit is singular (no mediator draw is taken then).
 */
function generalDraw(mediator: MediatorKernelModel, outcome: OutcomeKernelModel, clusterCodes: Int32Array | null, nClusters: number): (rng: Rng, out: Float64Array) => boolean {
  const n = mediator.n;
  const scratch = prepareScratch(mediator, outcome);
  const w = new Float64Array(n);
  const clusterCounts = clusterCodes ? new Float64Array(nClusters) : null;
  const workM = createWork(n, mediator.kRefit);
  const workY = createWork(n, outcome.kRefit);
  const betaM = new Float64Array(mediator.k);
  const active = new Int32Array(n);
  const buffer = (k: number): { X: Float64Array; y: Float64Array; w: Float64Array } => ({ X: new Float64Array(n * k), y: new Float64Array(n), w: new Float64Array(n) });
  const bufM = buffer(mediator.kRefit);
  const bufY = buffer(outcome.kRefit);
  return (rng, out) => {
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
    if (!ok) return false;
    drawEffects(mediator, outcome, betaM, sigma, workY.beta, rng, scratch, out);
    return true;
  };
}

/**
 * The worker kernel of {@link bootstrapDraws} on a pool: draws [from, to) of the general loop from
 * the block's start in the seeded stream; `failed[s] = 1` marks a singular refit (the caller then
 * runs the loop itself, see bootstrapDraws).
 *
 * @example
 * // run by src/worker.ts for bootstrapDraws(…, { pool, seed })
 * mediationBootstrapKernel({ d1, d0, z1, z0, failed, starts }, { mediator, outcome, clusterCodes: null, nClusters: 0, blockSize: 250 }, 0, 250);
 */
export function mediationBootstrapKernel(arrays: Readonly<Record<string, SharedArray>>, params: Readonly<Record<string, unknown>>, from: number, to: number): void {
  const withFamily = <M extends KernelModelBase>(model: unknown): M => {
    const portable = model as Omit<M, 'family'> & { family: { family: FamilyName; link: LinkName } };
    return { ...portable, family: glmFamily(portable.family.family, portable.family.link, 'mediate') } as M;
  };
  const mediator = withFamily<MediatorKernelModel>(params.mediator);
  const outcome = withFamily<OutcomeKernelModel>(params.outcome);
  const draw = generalDraw(mediator, outcome, (params.clusterCodes as Int32Array | null) ?? null, params.nClusters as number);
  const starts = arrays.starts as Int32Array;
  const block = Math.floor(from / (params.blockSize as number));
  const rng = createRngFromState([starts[block * 4]!, starts[block * 4 + 1]!, starts[block * 4 + 2]!, starts[block * 4 + 3]!]);
  const out = new Float64Array(4);
  const { d1, d0, z1, z0, failed } = arrays as Record<string, Float64Array>;
  for (let s = from; s < to; s++) {
    const ok = draw(rng, out);
    d1![s] = ok ? out[0]! : NaN;
    d0![s] = ok ? out[1]! : NaN;
    z1![s] = ok ? out[2]! : NaN;
    z0![s] = ok ? out[3]! : NaN;
    if (!ok) failed![s] = 1;
  }
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
