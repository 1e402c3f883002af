/**
 * The linear mediator × linear outcome shortcut of the simulation kernel. Every effect is a
 * mean over rows of Aₜβᵧ + (Bₜβᵧ)⊙(Xₛβₘ + e), i.e. a bilinear form βᵧᵀGβₘ with G = BₜᵀXₛ/n
 * precomputed once (k×k), plus, with a T×M term, the noise term Σᵢ(b1ᵢ − b0ᵢ)eᵢ/n. A draw then costs O(k²) (and n normals if the noise matters) instead of
 * O(nk); the numbers are the row averages of mediation's per-row predictions.
 *
 * Dimension symbols: n = rows used, km/ky = mediator/outcome coefficients.
 */
import type { Rng } from '../../numerics/random.js';
import { prepareMatrix, preparedMatvec, type MediatorKernelModel, type OutcomeKernelModel, type PreparedMatrix } from './kernelModel.js';

/** The precomputed moments of the linear–linear case. */
export interface LinearMoments {
  km: number;
  ky: number;
  /** ky×km column-major: G_{1T} − G_{1C}, G_{0T} − G_{0C}, G_{1T} − G_{0T}, G_{1C} − G_{0C}. */
  gd1: Float64Array;
  gd0: Float64Array;
  gz1: Float64Array;
  gz0: Float64Array;
  /** ky: colMeans(A₁ − A₀) + (B₁ − B₀)ᵀoffsetₘ/n. */
  cz: Float64Array;
  /** B₁ − B₀ (for the noise term). */
  slopeDiff: PreparedMatrix;
}

/** Σᵢ A[i, a]·B[i, b] / n as a ka×kb column-major matrix. */
function meanCross(A: Float64Array, ka: number, B: Float64Array, kb: number, n: number): Float64Array {
  const out = new Float64Array(ka * kb);
  for (let a = 0; a < ka; a++) {
    for (let b = 0; b < kb; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += A[a * n + i]! * B[b * n + i]!;
      out[a + b * ka] = s / n;
    }
  }
  return out;
}

/**
 * The {@link LinearMoments} of a linear mediator and a linear outcome model on their rows.
 *
 * @example
 * const moments = linearMoments(mediator, outcome);
 * moments.gd1.length; // ky·km
 */
export function linearMoments(mediator: MediatorKernelModel, outcome: OutcomeKernelModel): LinearMoments {
  const n = mediator.n;
  const km = mediator.k;
  const ky = outcome.k;
  const B0 = outcome.slope[0].data;
  const B1 = outcome.slope[1].data;
  const XT = mediator.XTreat.data;
  const XC = mediator.XControl.data;
  const g = (B: Float64Array, X: Float64Array): Float64Array => meanCross(B, ky, X, km, n);
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
      s += A1[j * n + i]! - A0[j * n + i]!;
      if (offset) s += diff[j * n + i]! * offset[i]!;
    }
    cz[j] = s / n;
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
  };
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

/**
 * One draw of (d1, d0, z1, z0) from the moments: four bilinear forms, plus the mediator-noise
 * term of the direct effects when `noise` (a T×M term: the noise does not cancel), drawn with
 * `rng` into the row buffer `r`.
 *
 * @example
 * const out = new Float64Array(4);
 * drawLinearEffects(moments, betaM, sigma, betaY, rng, false, new Float64Array(n), out); // out = [d1, d0, z1, z0]
 */
export function drawLinearEffects(
  m: LinearMoments, betaM: ArrayLike<number>, sigma: number, betaY: ArrayLike<number>, rng: Rng, noise: boolean, r: Float64Array, out: Float64Array,
): void {
  const { km, ky } = m;
  let common = 0;
  for (let j = 0; j < ky; j++) common += m.cz[j]! * (betaY[j] as number);
  if (noise) {
    // Σ (b1ᵢ − b0ᵢ) eᵢ / n with eᵢ ~ N(0, σ²): the part of the direct effects that the mediator
    // draw does not cancel when the mediator slope depends on the treatment.
    preparedMatvec(r, m.slopeDiff, betaY, null);
    let s = 0;
    const n = r.length;
    for (let i = 0; i < n; i++) s += r[i]! * sigma * rng.normal();
    common += s / n;
  }
  out[0] = bilinear(m.gd1, ky, km, betaY, betaM);
  out[1] = bilinear(m.gd0, ky, km, betaY, betaM);
  out[2] = common + bilinear(m.gz1, ky, km, betaY, betaM);
  out[3] = common + bilinear(m.gz0, ky, km, betaY, betaM);
}
