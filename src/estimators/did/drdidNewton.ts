/**
 * Newton–Raphson for the weighted logit propensity score of DRDID's 2×2 estimators: the same
 * maximum-likelihood estimate that `irls` (R's `glm.fit`) reaches, with one pass over the rows
 * per iteration and no deviance — so no logarithm per row, and no separate passes for the start,
 * the fitted means and the Hessian term. Each pass forms μ = 1/(1 + e^{−η}), the score
 * Σ w(D − μ)x and the information Σ wμ(1 − μ)xxᵀ at the current β; the Newton step solves them.
 *
 * Start: β = (logit(Σ wD / Σ w), 0, …), the intercept-only MLE (column 0 is the intercept).
 * Stop: Newton converges quadratically (error_{j+1} ≈ C·error_j², the step δ_j ≈ error_j), so
 * the error left after step j is estimated as |δ_j|³/|δ_{j−1}|² per coefficient; once that is
 * ≤ 1e-13·(1 + |β|) the step is applied and one last pass gives μ and the information at the
 * final β (the fit sits at the MLE to rounding, as `irls` with ε = 1e-12 does to ~1e-12). That
 * pass needs no exp when every |x'δ| ≤ 1e-7: μ + μ(1 − μ)·x'δ is then μ at the final β to
 * < 1e-14 relative (the last step is ~1e-9 in practice).
 *
 * Returns null — the caller then runs `irls`, which reports non-convergence, handles
 * collinear designs and clamps μ as R does — when the start is degenerate (no treated or no
 * control weight), |η| exceeds 30 (where R's logit starts clamping μ), the information is not
 * positive definite, or 40 iterations do not converge.
 */
import { invertSymmetric } from '../../numerics/cholesky.js';
import { exp, log } from '../../numerics/elementary.js';

const MAX_ITERATIONS = 40;
const ETA_LIMIT = 30;

/** A converged Newton logit fit: μ per row and the information Σ wμ(1 − μ)xxᵀ at the final β. */
export interface NewtonLogitFit {
  ps: Float64Array;
  /** Σ wμ(1 − μ)xxᵀ (k×k, column-major) at the final μ. */
  information: Float64Array;
  iterations: number;
}

/**
 * Weighted logit P(D = 1 | X) by Newton–Raphson (see the file header); null when the caller
 * should fit it with `irls` instead.
 *
 * @example
 * const X = Float64Array.of(1, 1, 1, 1, 0, 1, 2, 3);
 * newtonLogit(X, 4, 2, Float64Array.of(0, 1, 0, 1), Float64Array.of(1, 1, 1, 1))?.ps; // ≈ [0.31, 0.44, 0.56, 0.69]
 */
export function newtonLogit(X: Float64Array, n: number, k: number, D: Float64Array, w: Float64Array, psInto?: Float64Array): NewtonLogitFit | null {
  let sw = 0;
  let swd = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i]!;
    swd += w[i]! * D[i]!;
  }
  if (!(swd > 0 && swd < sw)) return null;
  const beta = new Float64Array(k);
  const m = swd / sw;
  beta[0] = log(m / (1 - m));
  // `psInto` (n long) may hold anything: a full pass writes every ps before the Taylor pass reads it
  const ps = psInto ?? new Float64Array(n);
  const info = new Float64Array(k * k);
  const score = new Float64Array(k);
  let lastStep: Float64Array | null = null;
  // at the start μ = m on every row when column 0 is the intercept: the first pass needs no exp
  let constMu = interceptFirst(X, n) ? m : NaN;
  for (let iter = 1; iter <= MAX_ITERATIONS; iter++) {
    const maxEta = constMu === constMu ? constantPass(X, n, k, D, w, constMu, info, score) : newtonPass(X, n, k, D, w, beta, ps, info, score);
    constMu = NaN;
    if (!(maxEta <= ETA_LIMIT)) return null;
    let inverse: Float64Array;
    try {
      inverse = invertSymmetric(info, k, 'drdid');
    } catch {
      return null;
    }
    const step = new Float64Array(k);
    let small = lastStep !== null;
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let b = 0; b < k; b++) s += inverse[a + b * k]! * score[b]!;
      step[a] = s;
    }
    for (let a = 0; a < k; a++) {
      const d = Math.abs(step[a]!);
      if (!Number.isFinite(d)) return null;
      if (small) {
        const prev = Math.max(Math.abs(lastStep![a]!), d);
        // the error left after this step, ≈ C·d² with C ≈ d/prev² (quadratic convergence)
        if ((d * d * d) / (prev * prev) > 1e-13 * (1 + Math.abs(beta[a]!)) && d > 1e-15 * (1 + Math.abs(beta[a]!))) small = false;
      }
    }
    for (let a = 0; a < k; a++) beta[a] = beta[a]! + step[a]!;
    if (small) {
      // μ at the final β from the last pass's μ by one Taylor step, μ + μ(1 − μ)·x'δ, when every
      // |x'δ| ≤ 1e-7 (the neglected ½μ(1 − μ)(1 − 2μ)(x'δ)² is then < 1e-14·μ); else exp again
      if (k <= 3 && maxEta <= ETA_LIMIT - 1 && taylorPass(X, n, k, w, step, ps, info)) return { ps, information: info, iterations: iter + 1 };
      const last = newtonPass(X, n, k, D, w, beta, ps, info, score);
      if (!(last <= ETA_LIMIT)) return null;
      return { ps, information: info, iterations: iter + 1 };
    }
    lastStep = step;
  }
  return null;
}

/**
 * ps ← ps + ps(1 − ps)·x'δ and `info` = Σ w·ps(1 − ps)·xxᵀ at the new ps (k ≤ 3); false, with ps
 * partly updated, as soon as some |x'δ| exceeds 1e-7 (the caller then recomputes ps from β).
 */
function taylorPass(X: Float64Array, n: number, k: number, w: Float64Array, step: Float64Array, ps: Float64Array, info: Float64Array): boolean {
  const d0 = step[0]!;
  const d1 = k > 1 ? step[1]! : 0;
  const d2 = k > 2 ? step[2]! : 0;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  let g00 = 0;
  let g01 = 0;
  let g02 = 0;
  let g11 = 0;
  let g12 = 0;
  let g22 = 0;
  for (let i = 0; i < n; i++) {
    const x0 = X[i]!;
    const x1 = k > 1 ? X[o1 + i]! : 0;
    const x2 = k > 2 ? X[o2 + i]! : 0;
    const eps = d0 * x0 + d1 * x1 + d2 * x2;
    if (!(eps <= 1e-7 && eps >= -1e-7)) return false;
    const p = ps[i]!;
    const mu = p + p * (1 - p) * eps;
    ps[i] = mu;
    const W = w[i]! * mu * (1 - mu);
    const W0 = W * x0;
    g00 += W0 * x0;
    if (k > 1) {
      const W1 = W * x1;
      g01 += W0 * x1;
      g11 += W1 * x1;
      if (k > 2) {
        g02 += W0 * x2;
        g12 += W1 * x2;
        g22 += W * x2 * x2;
      }
    }
  }
  storeInformation(info, k, g00, g01, g02, g11, g12, g22);
  return true;
}

/** The symmetric k×k information (k ≤ 3, column-major) from its upper-triangle sums. */
function storeInformation(info: Float64Array, k: number, g00: number, g01: number, g02: number, g11: number, g12: number, g22: number): void {
  info[0] = g00;
  if (k > 1) {
    info[1] = g01;
    info[k] = g01;
    info[k + 1] = g11;
  }
  if (k > 2) {
    info[2] = g02;
    info[2 * k] = g02;
    info[2 + k] = g12;
    info[1 + 2 * k] = g12;
    info[2 + 2 * k] = g22;
  }
}

/** Whether column 0 of X is all ones. */
function interceptFirst(X: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (X[i] !== 1) return false;
  return true;
}

/**
 * The first pass when μ = `mu` on every row (the intercept-only start): `info` = Σ wμ(1 − μ)xxᵀ
 * and `score` = Σ w(D − μ)x, without an exponential; returns max |η| = |logit μ|.
 */
function constantPass(X: Float64Array, n: number, k: number, D: Float64Array, w: Float64Array, mu: number, info: Float64Array, score: Float64Array): number {
  const v = mu * (1 - mu);
  info.fill(0);
  score.fill(0);
  for (let a = 0; a < k; a++) {
    const o = a * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i]! * (D[i]! - mu) * X[o + i]!;
    score[a] = s;
    for (let b = a; b < k; b++) {
      const ob = b * n;
      let g = 0;
      for (let i = 0; i < n; i++) g += w[i]! * X[o + i]! * X[ob + i]!;
      info[a + b * k] = g * v;
      info[b + a * k] = g * v;
    }
  }
  const eta = log(mu / (1 - mu));
  return eta < 0 ? -eta : eta;
}

/**
 * One pass at β: ps = μ, `info` = Σ wμ(1 − μ)xxᵀ, `score` = Σ w(D − μ)x (both overwritten);
 * returns max |η| (NaN if some η is not finite). Columns 0–2 in scalar accumulators.
 */
function newtonPass(X: Float64Array, n: number, k: number, D: Float64Array, w: Float64Array, beta: Float64Array, ps: Float64Array, info: Float64Array, score: Float64Array): number {
  if (k > 3) return newtonPassWide(X, n, k, D, w, beta, ps, info, score);
  const expf = exp; // a local alias: calls through the module binding cost more (docs/numerics.md)
  const b0 = beta[0]!;
  const b1 = k > 1 ? beta[1]! : 0;
  const b2 = k > 2 ? beta[2]! : 0;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  let g00 = 0;
  let g01 = 0;
  let g02 = 0;
  let g11 = 0;
  let g12 = 0;
  let g22 = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let maxEta = 0;
  for (let i = 0; i < n; i++) {
    const x0 = X[i]!;
    const x1 = k > 1 ? X[o1 + i]! : 0;
    const x2 = k > 2 ? X[o2 + i]! : 0;
    const eta = b0 * x0 + b1 * x1 + b2 * x2;
    const ae = eta < 0 ? -eta : eta;
    if (!(ae <= maxEta)) maxEta = ae; // NaN propagates
    const mu = 1 / (1 + expf(-eta));
    ps[i] = mu;
    const wi = w[i]!;
    const W = wi * mu * (1 - mu);
    const r = wi * (D[i]! - mu);
    const W0 = W * x0;
    g00 += W0 * x0;
    s0 += r * x0;
    if (k > 1) {
      const W1 = W * x1;
      g01 += W0 * x1;
      g11 += W1 * x1;
      s1 += r * x1;
      if (k > 2) {
        g02 += W0 * x2;
        g12 += W1 * x2;
        g22 += W * x2 * x2;
        s2 += r * x2;
      }
    }
  }
  storeInformation(info, k, g00, g01, g02, g11, g12, g22);
  score[0] = s0;
  if (k > 1) score[1] = s1;
  if (k > 2) score[2] = s2;
  return maxEta;
}

/** {@link newtonPass} for k > 3 (typed-array accumulators). */
function newtonPassWide(X: Float64Array, n: number, k: number, D: Float64Array, w: Float64Array, beta: Float64Array, ps: Float64Array, info: Float64Array, score: Float64Array): number {
  info.fill(0);
  score.fill(0);
  let maxEta = 0;
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let a = 0; a < k; a++) eta += beta[a]! * X[i + a * n]!;
    const ae = eta < 0 ? -eta : eta;
    if (!(ae <= maxEta)) maxEta = ae;
    const mu = 1 / (1 + exp(-eta));
    ps[i] = mu;
    const wi = w[i]!;
    const W = wi * mu * (1 - mu);
    const r = wi * (D[i]! - mu);
    for (let a = 0; a < k; a++) {
      const xa = X[i + a * n]!;
      score[a] += r * xa;
      const Wa = W * xa;
      for (let b = a; b < k; b++) info[a + b * k] += Wa * X[i + b * n]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) info[b + a * k] = info[a + b * k]!;
  return maxEta;
}
