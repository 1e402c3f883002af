/**
 * The Gauss–Seidel projections of {@link demean}: `updateLevel` sets β_p to the weighted level
 * means of x minus the other fixed effects; `sweep` updates β₀, β₁, … in turn for every column
 * still iterating, with the early exit for two fixed effects (a column whose β₀ step already
 * meets the stopping rule stops there: f₁ is non-expansive in the max norm, since each β₁ level
 * is a weighted average of β₀ values). The active columns form a {@link Block} whose per-level
 * arrays are interleaved with stride m; converged columns leave it (`compact`).
 *
 * Dimension symbols: n = rows, q = fixed-effect dimensions, L_p = levels of fixed effect p,
 * m = columns still iterating.
 */
import type { Kernel } from './demeanPasses.js';
import { subtractGrid, updateUnitsGrid } from './demeanGrid.js';

/**
 * The columns still iterating (m of them), with interleaved per-level arrays (stride m) and
 * per-column scalars. `slots[j]` is the input column of slot j.
 */
export interface Block {
  m: number;
  slots: number[];
  /** Level sums per dimension. */
  S: Float64Array[];
  /** Current coefficients per dimension. */
  betas: Float64Array[];
  /** Iteration states (β₁ … β_{q−1} concatenated, stride m). */
  X: Float64Array;
  GX: Float64Array;
  GGX: Float64Array;
  /** β₀ of the previous sweep (two fixed effects, not on the grid), for the early exit. */
  previousBeta0: Float64Array | null;
  scale: Float64Array;
  /** Relative change of the last plain sweep. */
  change: Float64Array;
  /** Relative change of the previous plain sweep (for ρ̂ in the early exit). */
  previousChange: Float64Array;
  rho: Float64Array;
}

/** Keeps the slots with keep[j] = true (copies every strided array). */
export function compact(block: Block, keep: Uint8Array): void {
  const m = block.m;
  const kept: number[] = [];
  for (let j = 0; j < m; j++) if (keep[j] === 1) kept.push(j);
  const m2 = kept.length;
  if (m2 === m) return;
  const strided = (a: Float64Array): Float64Array => {
    const rows = a.length / m;
    const b = new Float64Array(rows * m2);
    for (let r = 0; r < rows; r++) for (let t = 0; t < m2; t++) b[r * m2 + t] = a[r * m + kept[t]!]!;
    return b;
  };
  block.S = block.S.map(strided);
  block.betas = block.betas.map(strided);
  block.X = strided(block.X);
  block.GX = strided(block.GX);
  block.GGX = strided(block.GGX);
  if (block.previousBeta0 !== null) block.previousBeta0 = strided(block.previousBeta0);
  block.scale = strided(block.scale);
  block.change = strided(block.change);
  block.previousChange = strided(block.previousChange);
  block.rho = strided(block.rho);
  block.slots = kept.map((j) => block.slots[j]!);
  block.m = m2;
}

/**
 * β_p[l] = (S_p[l] − Σ_{i: g_p(i) = l} wᵢ Σ_{r≠p} β_r[g_r(i)]) / W_p[l] for every active column,
 * from the current `block.betas` (betas[p] itself is not read). Per column the sums run in row
 * order, exactly as for a single column.
 */
export function updateLevel(kernel: Kernel, block: Block, p: number): void {
  const { n, q, codes, w } = kernel;
  const m = block.m;
  const L = kernel.nLevels[p]!;
  // β_p is not read while it is recomputed: its own array accumulates S_p − Σ… and is then scaled.
  const acc = block.betas[p]!;
  acc.set(block.S[p]!);
  const gp = codes[p]!;
  if (kernel.grid === true) subtractGrid(p, kernel.nLevels[0]!, kernel.nLevels[1]!, m, block.betas[1 - p]!, acc);
  for (let r = 0; r < q && kernel.grid !== true; r++) {
    if (r === p) continue;
    const gr = codes[r]!;
    const br = block.betas[r]!;
    if (m === 1) {
      if (w === null) for (let i = 0; i < n; i++) acc[gp[i]!] -= br[gr[i]!]!;
      else for (let i = 0; i < n; i++) acc[gp[i]!] -= w[i]! * br[gr[i]!]!;
    } else if (m === 2) {
      if (w === null) {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 2;
          const b = gr[i]! * 2;
          acc[a] -= br[b]!;
          acc[a + 1] -= br[b + 1]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 2;
          const b = gr[i]! * 2;
          const wi = w[i]!;
          acc[a] -= wi * br[b]!;
          acc[a + 1] -= wi * br[b + 1]!;
        }
      }
    } else if (m === 3) {
      if (w === null && p === 0 && kernel.firstRuns === true) subtractRuns3(n, gp, gr, br, acc);
      else if (w === null) {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 3;
          const b = gr[i]! * 3;
          acc[a] -= br[b]!;
          acc[a + 1] -= br[b + 1]!;
          acc[a + 2] -= br[b + 2]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const a = gp[i]! * 3;
          const b = gr[i]! * 3;
          const wi = w[i]!;
          acc[a] -= wi * br[b]!;
          acc[a + 1] -= wi * br[b + 1]!;
          acc[a + 2] -= wi * br[b + 2]!;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const a = gp[i]! * m;
        const b = gr[i]! * m;
        if (w === null) for (let j = 0; j < m; j++) acc[a + j] -= br[b + j]!;
        else {
          const wi = w[i]!;
          for (let j = 0; j < m; j++) acc[a + j] -= wi * br[b + j]!;
        }
      }
    }
  }
  const inv = kernel.inverseWeights[p]!;
  for (let l = 0; l < L; l++) {
    const f = inv[l]!;
    const base = l * m;
    for (let j = 0; j < m; j++) acc[base + j] = acc[base + j]! * f;
  }
}

/**
 * acc[3·gp(i) + j] −= br[3·gr(i) + j] (j = 0, 1, 2) for every row, with the running sums of a
 * run of equal gp carried in registers: the same subtractions in the same order as the plain
 * loop, without the store-to-load chain of updating one slot on consecutive rows.
 */
function subtractRuns3(n: number, gp: Int32Array, gr: Int32Array, br: Float64Array, acc: Float64Array): void {
  let run = -1;
  let r0 = 0;
  let r1 = 0;
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    const l = gp[i]!;
    if (l !== run) {
      if (run >= 0) {
        const a = run * 3;
        acc[a] = r0;
        acc[a + 1] = r1;
        acc[a + 2] = r2;
      }
      run = l;
      const a = l * 3;
      r0 = acc[a]!;
      r1 = acc[a + 1]!;
      r2 = acc[a + 2]!;
    }
    const b = gr[i]! * 3;
    r0 -= br[b]!;
    r1 -= br[b + 1]!;
    r2 -= br[b + 2]!;
  }
  if (run >= 0) {
    const a = run * 3;
    acc[a] = r0;
    acc[a + 1] = r1;
    acc[a + 2] = r2;
  }
}

/**
 * One Gauss–Seidel sweep of every active column: state `input` (β₁ … β_{q−1}) → `output`.
 *
 * With two fixed effects and `allowEarlyExit` (the input is the output of the previous plain
 * sweep, so input = f₁(β₀_prev)), a column stops after its β₀ step when c = max |β₀ − β₀_prev|
 * passes the stopping rule (c·max(1, ρ̂/(1 − ρ̂)) ≤ tol·scale): since each β₁ level is a
 * weighted average of β₀ values, f₁ is non-expansive in the max norm, so the skipped β₁ step
 * would change the state by at most c. Such columns are retired (with β₀ consistent with the
 * input state) and the block compacted before the β₁ step.
 */
export function sweep(
  kernel: Kernel,
  block: Block,
  offsets: Int32Array,
  inputName: 'X' | 'GX',
  outputName: 'GX' | 'GGX',
  first: boolean,
  allowEarlyExit: boolean,
  tolerance: number,
  retire: (j: number, state: Float64Array, beta0Final: boolean, ok: boolean, change: number, its: number) => void,
  keep: Uint8Array,
  its: number,
): void {
  const { q, nLevels } = kernel;
  let m = block.m;
  const input = block[inputName];
  let gridChange: Float64Array | null = null;
  for (let p = 1; p < q; p++) block.betas[p]!.set(input.subarray(offsets[p]! * m, (offsets[p]! + nLevels[p]!) * m));
  // From the zero start, β₀ is simply the level mean: skip the pass.
  if (first) {
    const S0 = block.S[0]!;
    const inv = kernel.inverseWeights[0]!;
    const b0 = block.betas[0]!;
    for (let l = 0; l < nLevels[0]!; l++) for (let j = 0; j < m; j++) b0[l * m + j] = S0[l * m + j]! * inv[l]!;
  } else if (kernel.grid === true && allowEarlyExit) {
    // On the grid the β₀ step measures its own change against the β₀ it replaces (which is what
    // previousBeta0 would hold: β₀ is only ever changed by this step), without a copy.
    gridChange = new Float64Array(m);
    updateUnitsGrid(block.S[0]!, kernel.inverseWeights[0]!, block.betas[1]!, nLevels[0]!, nLevels[1]!, m, block.betas[0]!, gridChange);
  } else updateLevel(kernel, block, 0);
  if (q === 2) {
    if (allowEarlyExit) {
      let change = gridChange;
      if (change === null) {
        const beta0 = block.betas[0]!;
        const previous = block.previousBeta0!;
        const L0 = nLevels[0]!;
        change = new Float64Array(m);
        for (let l = 0; l < L0; l++) {
          const base = l * m;
          for (let j = 0; j < m; j++) {
            const d = Math.abs(beta0[base + j]! - previous[base + j]!);
            if (!(d <= change[j]!)) change[j] = Number.isNaN(d) ? Infinity : d;
          }
        }
      }
      keep.fill(1, 0, m);
      let exits = 0;
      for (let j = 0; j < m; j++) {
        const relative = change[j]! / block.scale[j]!;
        const rho = block.previousChange[j]! > 0 ? relative / block.previousChange[j]! : 0;
        if (relative * errorFactor(rho) <= tolerance) {
          retire(j, input, true, true, relative, its);
          exits++;
        }
      }
      if (exits > 0) {
        compact(block, keep);
        m = block.m;
        if (m === 0) return;
      }
    }
    if (block.previousBeta0 !== null) block.previousBeta0.set(block.betas[0]!);
  }
  // After a compaction the block holds new (compacted) arrays: write into the current one.
  const out = block[outputName];
  for (let p = 1; p < q; p++) {
    updateLevel(kernel, block, p); // Gauss–Seidel: later dimensions see the new values
    out.set(block.betas[p]!, offsets[p]! * m);
  }
}

/**
 * Distance-to-fixed-point factor for a linearly converging iteration with contraction ρ̂:
 * ‖x_k − x*‖ ≤ ‖x_k − x_{k−1}‖ · ρ/(1 − ρ); at least 1, capped at 1000 when ρ̂ is ≥ 0.999 or
 * unreliable.
 */
export function errorFactor(rho: number): number {
  if (!(rho >= 0)) return 1000;
  if (rho < 0.5) return 1;
  return rho < 0.999 ? rho / (1 - rho) : 1000;
}
