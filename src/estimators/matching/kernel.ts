/**
 * Kernel matching on the propensity score, as Stata's psmatch2 (Leuven & Sianesi 2003) with
 * `kernel kerneltype(epan|normal) bwidth(h)` for the ATT.
 *
 * Every treated unit i is compared with a kernel-weighted average of all controls:
 * w_ij = K((p_j − p_i)/h) / Σ_k K((p_k − p_i)/h) over controls k, so Σ_j w_ij = 1. A control's
 * weight is the sum of its w_ij over treated units (psmatch2's `_weight`: the control weights
 * add up to the number of matched treated units); treated units weigh 1. With the
 * Epanechnikov kernel K(u) = ¾(1 − u²)·1{|u| < 1} a treated unit with no control within h is
 * off support: unmatched, weight 0. The Gaussian kernel K(u) = exp(−u²/2) uses every control.
 * (Kernel constants cancel in the ratio.)
 *
 * Dimension symbols: n = units, n1 = treated, n0 = controls, h = bandwidth.
 * Cost: O(n log n + Σ_i controls within h) for Epanechnikov (a sorted sweep); O(n1·n0) Gaussian.
 */
import { exp } from '../../numerics/elementary.js';

/**
 * Output of {@link kernelMatch}.
 *
 * @example
 * kernelMatch(Float64Array.of(0.5, 0.47), Uint8Array.of(1, 0), 'epanechnikov', 0.06);
 * // { weights: [1, 1], pairs: [{ treated: 0, controls: [1], kernelWeights: [1] }], unmatched: [] }
 */
export interface KernelMatch {
  /** Per unit: 1 for treated units with controls in the bandwidth, Σ_i w_ij for controls, else 0. */
  weights: Float64Array;
  /** Per treated unit in data order: the controls with positive kernel weight (0-based rows) and their weights w_ij. */
  pairs: { treated: number; controls: number[]; kernelWeights: number[] }[];
  /** Treated rows with no control within the bandwidth (Epanechnikov only). */
  unmatched: number[];
}

/**
 * Kernel functions K(u) (their constants cancel in the weights).
 *
 * @example
 * KERNELS.epanechnikov(0.5); // 0.5625
 * KERNELS.gaussian(0);       // 1
 */
const KERNELS = Object.freeze({
  epanechnikov: (u: number): number => (Math.abs(u) < 1 ? 0.75 * (1 - u * u) : 0),
  gaussian: (u: number): number => exp(-0.5 * u * u),
});

/**
 * psmatch2-style kernel matching weights for the ATT.
 *
 * @param score propensity score of every unit
 * @param treat 1 = treated, 0 = control
 * @param kernel `'epanechnikov'` (psmatch2's default `epan`) or `'gaussian'` (`normal`)
 * @param bandwidth h (psmatch2 default 0.06)
 * @param discarded optional 0/1 mask of units excluded (common support)
 * @example
 * // treated at 0.5; controls at 0.47 (u = −0.5, K ∝ 0.75) and 0.56 (u = 1: outside)
 * kernelMatch(Float64Array.of(0.5, 0.47, 0.56), Uint8Array.of(1, 0, 0), 'epanechnikov', 0.06).weights;
 * // Float64Array [1, 1, 0]
 */
export function kernelMatch(
  score: Float64Array,
  treat: Uint8Array,
  kernel: 'epanechnikov' | 'gaussian',
  bandwidth: number,
  discarded?: Uint8Array,
): KernelMatch {
  const n = score.length;
  const K = KERNELS[kernel];
  const controlRows: number[] = [];
  for (let i = 0; i < n; i++) if (treat[i] === 0 && !(discarded && discarded[i] === 1)) controlRows.push(i);
  // Controls sorted by score (ties by row), so the Epanechnikov window is a contiguous range.
  controlRows.sort((a, b) => score[a]! - score[b]! || a - b);
  const sortedScores = Float64Array.from(controlRows, (i) => score[i]!);
  const lowerBound = (value: number): number => {
    let lo = 0;
    let hi = sortedScores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sortedScores[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const weights = new Float64Array(n);
  const pairs: KernelMatch['pairs'] = [];
  const unmatched: number[] = [];
  for (let i = 0; i < n; i++) {
    if (treat[i] !== 1 || (discarded && discarded[i] === 1)) continue;
    const p = score[i]!;
    const from = kernel === 'epanechnikov' ? lowerBound(p - bandwidth) : 0;
    const to = kernel === 'epanechnikov' ? lowerBound(p + bandwidth + Number.EPSILON) : sortedScores.length;
    const controls: number[] = [];
    const kernelWeights: number[] = [];
    let total = 0;
    for (let s = from; s < to; s++) {
      const k = K((sortedScores[s]! - p) / bandwidth);
      if (k > 0) {
        controls.push(controlRows[s]!);
        kernelWeights.push(k);
        total += k;
      }
    }
    if (total === 0) {
      unmatched.push(i);
      continue;
    }
    for (let c = 0; c < controls.length; c++) {
      kernelWeights[c] = kernelWeights[c]! / total;
      weights[controls[c]!] = weights[controls[c]!]! + kernelWeights[c]!;
    }
    weights[i] = 1;
    // Report controls in row order (the window is in score order).
    const orderIdx = controls.map((_, c) => c).sort((a, b) => controls[a]! - controls[b]!);
    pairs.push({ treated: i, controls: orderIdx.map((c) => controls[c]!), kernelWeights: orderIdx.map((c) => kernelWeights[c]!) });
  }
  return { weights, pairs, unmatched };
}
