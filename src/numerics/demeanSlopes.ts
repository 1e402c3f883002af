/**
 * Demeaning with varying slopes (fixest's `fe[x]`: a level intercept plus a level-specific slope
 * on x; `fe[[x]]`: the slope only), by alternating projections on the residuals as fixest's
 * `demeaning.cpp` does for slope dimensions: each fixed-effect dimension p is a projection onto
 * the span of its per-level regressors z = (1, x₁ … x_s) (or (x₁ … x_s)); one sweep applies the
 * projections of every dimension in turn, r ← r − z_iᵀ b_{g(i)}, with b_g the weighted least-squares
 * fit of r on z within level g (a small s+1 system per level, factorised once). Sweeps are
 * accelerated by Irons–Tuck on the residual vector (the sweep is affine, so the extrapolation
 * is that of `demeanAcceleration.ts`), and stop by the rule of `demean.ts`: the last change,
 * relative to the column's RMS, times max(1, ρ̂/(1 − ρ̂)) at most `tolerance`.
 *
 * A level whose regressors are collinear (x constant within the level, next to its intercept)
 * gets a generalised inverse: a direction with a negligible Cholesky pivot has coefficient 0,
 * which is still the orthogonal projection onto the level's span.
 *
 * Only used when some dimension has slopes; plain fixed effects keep the fast path of `demean.ts`.
 *
 * Symbols: n = rows, q = dimensions, d = regressors per level of a dimension (constant + slopes).
 */

/**
 * One fixed-effect dimension, possibly with slopes.
 *
 * @example
 * const dimension: SlopeDimension = { codes: Int32Array.of(0, 0, 1, 1), nLevels: 2, slopes: [Float64Array.of(1, 2, 1, 2)], constant: true };
 */
export interface SlopeDimension {
  codes: Int32Array;
  nLevels: number;
  /** Slope variables (rows aligned with `codes`); none = a plain fixed effect. */
  slopes?: readonly Float64Array[];
  /** Whether the level has its own intercept (`fe[x]`, a plain `fe`) or not (`fe[[x]]`). Default true. */
  constant?: boolean;
}

interface Prepared {
  codes: Int32Array;
  d: number;
  /** Regressor r of row i, r < d (the constant is the implicit 1 when `constant`). */
  z: (r: number, i: number) => number;
  /** Per level: the lower Cholesky factor of the Gram matrix (d×d, row-major), 0 rows for dropped pivots. */
  factor: Float64Array;
  nLevels: number;
}

const PIVOT_TOLERANCE = 1e-10;

function prepare(dim: SlopeDimension, w: Float64Array | null): Prepared {
  const slopes = dim.slopes ?? [];
  const constant = dim.constant ?? true;
  const d = (constant ? 1 : 0) + slopes.length;
  const z = constant ? (r: number, i: number) => (r === 0 ? 1 : slopes[r - 1]![i]!) : (r: number, i: number) => slopes[r]![i]!;
  const L = dim.nLevels;
  const gram = new Float64Array(L * d * d);
  const n = dim.codes.length;
  for (let i = 0; i < n; i++) {
    const base = dim.codes[i]! * d * d;
    const wi = w === null ? 1 : w[i]!;
    for (let a = 0; a < d; a++) {
      const za = wi * z(a, i);
      for (let b = 0; b <= a; b++) gram[base + a * d + b]! += za * z(b, i);
    }
  }
  // In-place Cholesky per level; a pivot below tolerance × its diagonal drops that direction.
  for (let g = 0; g < L; g++) {
    const base = g * d * d;
    for (let j = 0; j < d; j++) {
      const diag = gram[base + j * d + j]!;
      let s = diag;
      for (let k = 0; k < j; k++) s -= gram[base + j * d + k]! ** 2;
      if (!(s > PIVOT_TOLERANCE * diag) || s <= 0) {
        for (let k = 0; k <= j; k++) gram[base + j * d + k] = 0;
        for (let r = j + 1; r < d; r++) gram[base + r * d + j] = 0;
        continue;
      }
      const ljj = Math.sqrt(s);
      gram[base + j * d + j] = ljj;
      for (let r = j + 1; r < d; r++) {
        let t = gram[base + r * d + j]!;
        for (let k = 0; k < j; k++) t -= gram[base + r * d + k]! * gram[base + j * d + k]!;
        gram[base + r * d + j] = t / ljj;
      }
    }
  }
  return { codes: dim.codes, d, z, factor: gram, nLevels: L };
}

/** r ← r − projection of r on the dimension's span; returns max |change|. */
function project(p: Prepared, r: Float64Array, w: Float64Array | null, rhs: Float64Array): number {
  const { codes, d, z, factor, nLevels } = p;
  const n = r.length;
  rhs.fill(0, 0, nLevels * d);
  for (let i = 0; i < n; i++) {
    const base = codes[i]! * d;
    const wr = (w === null ? 1 : w[i]!) * r[i]!;
    for (let a = 0; a < d; a++) rhs[base + a]! += wr * z(a, i);
  }
  // Solve L Lᵀ b = rhs per level (dropped pivots: b = 0 in that direction).
  for (let g = 0; g < nLevels; g++) {
    const fb = g * d * d;
    const vb = g * d;
    for (let j = 0; j < d; j++) {
      const ljj = factor[fb + j * d + j]!;
      if (ljj === 0) {
        rhs[vb + j] = 0;
        continue;
      }
      let t = rhs[vb + j]!;
      for (let k = 0; k < j; k++) t -= factor[fb + j * d + k]! * rhs[vb + k]!;
      rhs[vb + j] = t / ljj;
    }
    for (let j = d - 1; j >= 0; j--) {
      const ljj = factor[fb + j * d + j]!;
      if (ljj === 0) {
        rhs[vb + j] = 0;
        continue;
      }
      let t = rhs[vb + j]!;
      for (let k = j + 1; k < d; k++) t -= factor[fb + k * d + j]! * rhs[vb + k]!;
      rhs[vb + j] = t / ljj;
    }
  }
  let change = 0;
  for (let i = 0; i < n; i++) {
    const base = codes[i]! * d;
    let fit = 0;
    for (let a = 0; a < d; a++) fit += rhs[base + a]! * z(a, i);
    r[i]! -= fit;
    const c = Math.abs(fit);
    if (c > change) change = c;
  }
  return change;
}

/**
 * Demeans each column by fixed effects some of which carry slopes (see the file header).
 *
 * @param columns the columns (not modified)
 * @param dimensions the fixed-effect dimensions
 * @param w row weights, or null
 * @param scale per column, the weighted RMS the tolerance is relative to
 * @example
 * const dim = { codes: Int32Array.of(0, 0, 0, 1, 1, 1), nLevels: 2, slopes: [Float64Array.of(1, 2, 3, 1, 2, 3)] };
 * demeanSlopes([Float64Array.of(1, 2, 4, 0, 0, 1)], [dim], null, Float64Array.of(1), 1e-12, 100).columns[0];
 * // ≈ [1/6, -1/3, 1/6, 1/6, -1/3, 1/6]
 */
export function demeanSlopes(
  columns: readonly Float64Array[],
  dimensions: readonly SlopeDimension[],
  w: Float64Array | null,
  scale: Float64Array,
  tolerance: number,
  maxIterations: number,
): { columns: Float64Array[]; converged: boolean; iterations: number; maxChange: number } {
  const prepared = dimensions.map((dim) => prepare(dim, w));
  let maxRhs = 0;
  for (const p of prepared) maxRhs = Math.max(maxRhs, p.nLevels * p.d);
  const rhs = new Float64Array(maxRhs);
  const sweep = (r: Float64Array): number => {
    let change = 0;
    for (const p of prepared) change = Math.max(change, project(p, r, w, rhs));
    return change;
  };
  let converged = true;
  let iterations = 0;
  let maxChange = 0;
  const out = columns.map((x, c) => {
    const X = Float64Array.from(x);
    const n = X.length;
    if (prepared.length === 1) {
      sweep(X); // one projection is exact
      return X;
    }
    const GX = new Float64Array(n);
    const GGX = new Float64Array(n);
    let previous = NaN;
    let done = false;
    let it = 0;
    let last = 0;
    // One plain sweep of `target` (a copy of `from`); true when the stopping rule is met.
    const plainSweep = (target: Float64Array, from: Float64Array): boolean => {
      target.set(from);
      const change = sweep(target) / scale[c]!;
      it++;
      const rho = Number.isNaN(previous) || previous === 0 ? 0 : Math.min(change / previous, 0.999999);
      last = previous = change;
      if (change * Math.max(1, rho / (1 - rho)) > tolerance) return false;
      X.set(target);
      return (done = true);
    };
    while (it < maxIterations) {
      if (plainSweep(GX, X) || plainSweep(GGX, GX)) break;
      // Irons–Tuck: X ← GGX − (Δ·Δ² / Δ²·Δ²) Δ, Δ = GGX − GX, Δ² = GGX − 2GX + X.
      let num = 0;
      let den = 0;
      for (let i = 0; i < n; i++) {
        const delta = GGX[i]! - GX[i]!;
        const delta2 = delta - GX[i]! + X[i]!;
        num += delta * delta2;
        den += delta2 * delta2;
      }
      const factor = den > 0 ? num / den : 0;
      for (let i = 0; i < n; i++) X[i] = GGX[i]! - factor * (GGX[i]! - GX[i]!);
    }
    if (!done) converged = false;
    iterations = Math.max(iterations, it);
    maxChange = Math.max(maxChange, last);
    return X;
  });
  return { columns: out, converged, iterations, maxChange };
}
