/**
 * The accelerated iteration of {@link demean} for q ≥ 2 fixed effects: Irons–Tuck extrapolation
 * (Irons & Tuck 1969, "A version of the Aitken accelerator for computer iteration", IJNME 1:275)
 * of the Gauss–Seidel map F on the state (β₁ … β_{q−1}), as fixest's `demeaning.cpp`: from X,
 * GX = F(X), GGX = F(GX), per column Δ = GGX − GX, Δ² = Δ − GX + X, X ← GGX − (Δ·Δ²/Δ²·Δ²)Δ.
 *
 * Stopping rule, per column: with c = max |Δβ| of a sweep / scale and ρ̂ the ratio of two
 * successive plain-sweep changes, stop when c·max(1, ρ̂/(1 − ρ̂)) ≤ tolerance (see
 * {@link errorFactor}). All columns advance in lock-step; each keeps its own factor and stopping
 * point and leaves the block when done.
 *
 * Dimension symbols: C = columns, q = fixed-effect dimensions, L_p = levels of fixed effect p,
 * m = columns still iterating.
 */
import type { Kernel } from './demeanPasses.js';
import { compact, errorFactor, sweep, updateLevel, type Block } from './demeanSweeps.js';

/**
 * Runs the accelerated iteration (q ≥ 2) for all columns in lock-step; writes every column's
 * final coefficients into `finalBetas` (stride C).
 */
export function iterate(
  kernel: Kernel,
  S: Float64Array[],
  scale: Float64Array,
  finalBetas: Float64Array[],
  C: number,
  tolerance: number,
  maxIterations: number,
): { converged: boolean; iterations: number; maxChange: number } {
  const { q, nLevels } = kernel;
  const offsets = new Int32Array(q);
  let stateLength = 0;
  for (let p = 1; p < q; p++) {
    offsets[p] = stateLength;
    stateLength += nLevels[p]!;
  }
  const block: Block = {
    m: C,
    slots: Array.from({ length: C }, (_, c) => c),
    S: S.slice(), // read only (compact makes new arrays)
    // β₀ works in finalBetas[0] itself while no column has left the block (slots = columns, stride
    // C): a column retired with its final β₀ then needs no copy. A compaction gives the block new
    // arrays, so retired columns' entries are never written again.
    betas: nLevels.map((L, p) => (p === 0 ? finalBetas[0]! : new Float64Array(L * C))),
    X: new Float64Array(stateLength * C),
    GX: new Float64Array(stateLength * C),
    GGX: new Float64Array(stateLength * C),
    previousBeta0: q === 2 && kernel.grid !== true ? new Float64Array(nLevels[0]! * C) : null,
    scale: Float64Array.from(scale),
    change: new Float64Array(C),
    previousChange: new Float64Array(C).fill(Infinity),
    rho: new Float64Array(C),
  };
  let converged = true;
  let iterations = 0;
  let maxChange = 0;
  // Columns whose β₀ must still be computed from their final state (one fused pass at the end).
  const needBeta0: number[] = [];
  const keep = new Uint8Array(C);
  /** Records slot j as finished with state `state` (and β₀ from block.betas when `beta0Final`). */
  const retire = (j: number, state: Float64Array, beta0Final: boolean, ok: boolean, change: number, its: number): void => {
    const c = block.slots[j]!;
    const m = block.m;
    for (let p = 1; p < q; p++) {
      const fb = finalBetas[p]!;
      const base = offsets[p]!;
      for (let l = 0; l < nLevels[p]!; l++) fb[l * C + c] = state[(base + l) * m + j]!;
    }
    if (beta0Final) {
      const fb = finalBetas[0]!;
      const b0 = block.betas[0]!;
      if (b0 !== fb) for (let l = 0; l < nLevels[0]!; l++) fb[l * C + c] = b0[l * m + j]!;
    } else needBeta0.push(c);
    converged &&= ok;
    iterations = Math.max(iterations, its);
    maxChange = Math.max(maxChange, change);
    keep[j] = 0;
  };

  let its = 1;
  sweep(kernel, block, offsets, 'X', 'GX', true, false, tolerance, retire, keep, its);
  relativeChanges(block, block.X, block.GX, block.change);
  keep.fill(1, 0, block.m);
  for (let j = 0; j < block.m; j++) {
    const change = block.change[j]!;
    if (change <= tolerance && change === 0) retire(j, block.GX, false, true, change, its);
    else if (its >= maxIterations) retire(j, block.X, false, false, change, its);
  }
  compact(block, keep);
  while (block.m > 0) {
    // GX = F(X) came from a plain sweep, so (two fixed effects) the β₀ step of F(GX) already
    // bounds |F(GX) − GX|: β₁ is a weighted average of β₀ values (see `sweep`).
    block.previousChange.set(block.change);
    its++;
    sweep(kernel, block, offsets, 'GX', 'GGX', false, true, tolerance, retire, keep, its);
    if (block.m === 0) break;
    const change2 = new Float64Array(block.m);
    relativeChanges(block, block.GX, block.GGX, change2);
    keep.fill(1, 0, block.m);
    for (let j = 0; j < block.m; j++) {
      const change = block.change[j]!;
      const rho = change > 0 ? change2[j]! / change : 0;
      block.rho[j] = rho;
      const ok = change2[j]! * errorFactor(rho) <= tolerance;
      if (ok || its >= maxIterations) retire(j, block.GGX, false, ok, change2[j]!, its);
    }
    compact(block, keep);
    if (block.m === 0) break;
    ironsTuck(block, stateLength);
    its++;
    sweep(kernel, block, offsets, 'X', 'GX', false, false, tolerance, retire, keep, its);
    relativeChanges(block, block.X, block.GX, block.change);
    keep.fill(1, 0, block.m);
    for (let j = 0; j < block.m; j++) {
      const change = block.change[j]!;
      if (change * errorFactor(block.rho[j]!) <= tolerance) retire(j, block.GX, false, true, change, its);
      else if (its >= maxIterations) retire(j, block.X, false, false, change, its);
    }
    compact(block, keep);
  }
  // β₀ consistent with the final state, for the columns that did not exit after a β₀ step.
  if (needBeta0.length > 0) {
    const r = needBeta0.length;
    const sub: Block = { ...block, m: r, slots: needBeta0, S: [], betas: [] };
    sub.S = [gatherStrided(S[0]!, C, needBeta0)]; // updateLevel(0) reads only S[0]
    sub.betas = nLevels.map((L) => new Float64Array(L * r));
    for (let p = 1; p < q; p++) sub.betas[p] = gatherStrided(finalBetas[p]!, C, needBeta0);
    updateLevel(kernel, sub, 0);
    const b0 = sub.betas[0]!;
    const fb = finalBetas[0]!;
    for (let l = 0; l < nLevels[0]!; l++) for (let t = 0; t < r; t++) fb[l * C + needBeta0[t]!] = b0[l * r + t]!;
  }
  return { converged, iterations, maxChange };
}

/** Columns `cols` of a stride-C interleaved array, as a stride-cols.length array. */
function gatherStrided(a: Float64Array, C: number, cols: number[]): Float64Array {
  const rows = a.length / C;
  const r = cols.length;
  const out = new Float64Array(rows * r);
  for (let l = 0; l < rows; l++) for (let t = 0; t < r; t++) out[l * r + t] = a[l * C + cols[t]!]!;
  return out;
}

/** Irons–Tuck extrapolation per column: X ← GGX − (Δ·Δ²/Δ²·Δ²)(GGX − GX). */
function ironsTuck(block: Block, stateLength: number): void {
  const { m, X, GX, GGX } = block;
  const numerator = new Float64Array(m);
  const denominator = new Float64Array(m);
  for (let s = 0; s < stateLength; s++) {
    const base = s * m;
    for (let j = 0; j < m; j++) {
      const deltaG = GGX[base + j]! - GX[base + j]!;
      const delta2 = deltaG - GX[base + j]! + X[base + j]!;
      numerator[j] += deltaG * delta2;
      denominator[j] += delta2 * delta2;
    }
  }
  const factor = new Float64Array(m);
  for (let j = 0; j < m; j++) factor[j] = denominator[j]! > 0 ? numerator[j]! / denominator[j]! : 0;
  for (let s = 0; s < stateLength; s++) {
    const base = s * m;
    for (let j = 0; j < m; j++) X[base + j] = GGX[base + j]! - factor[j]! * (GGX[base + j]! - GX[base + j]!);
  }
}

/** Per column: max over coefficients of |a − b| / scale (NaN counts as ∞). */
function relativeChanges(block: Block, a: Float64Array, b: Float64Array, out: Float64Array): void {
  const m = block.m;
  const rows = a.length / Math.max(m, 1);
  out.fill(0, 0, m);
  for (let s = 0; s < rows; s++) {
    const base = s * m;
    for (let j = 0; j < m; j++) {
      const change = Math.abs(a[base + j]! - b[base + j]!);
      if (!(change <= out[j]!)) out[j] = Number.isNaN(change) ? Infinity : change;
    }
  }
  for (let j = 0; j < m; j++) out[j] = out[j]! / block.scale[j]!;
}
