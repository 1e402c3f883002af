/**
 * The row passes of {@link irls}: one pass over the rows per IRLS iteration forms η = Xb,
 * μ = g⁻¹(η), the deviance Σ dev(y, μ), and at the same (η, μ) the next weighted fit's XᵀWX and
 * XᵀWz (accumulated into a {@link GramSolver}), with glm.fit's working weights
 * W = (√(w·μ′(η)²/V(μ)))² and working response z = η + (y − μ)/μ′(η) (zero on rows with zero
 * prior weight or μ′ = 0).
 *
 * Every formula (g⁻¹, μ′, V, the unit deviance) is the family module's (`family.ts`); the binomial
 * logit and probit have their own passes that call its scalar functions directly (inside ±30 the
 * logit's μ = t·r, μ′ = μ·r from t = e^η, r = 1/(1 + t); outside, R's clamped `linkinv` and
 * `mu.eta`), and the logit uses the canonical-link identity μ′(η) = V(μ) inside ±30 so that
 * W = w·μ′ and W·z = W·η + w·(y − μ) need no square root or division (R's expressions up to an ulp). For rows with
 * y ∈ {0, 1} and unit prior weight the logit's deviance terms −2·log(μ or 1 − μ) are summed as
 * the log of a running product (one log per run of factors, taken before the product could
 * underflow). Sums run in blocks of {@link BLOCK} rows.
 *
 * Dimension symbols: n = rows, k = coefficients.
 */
import {
  LOGIT_THRESH,
  binomialDevResid,
  logitLinkinv,
  logitMean,
  logitMuEta,
  logitMuEtaInside,
  logitScale,
  probitLinkinv,
  probitMuEta,
  type GlmFamily,
} from './family.js';
import { BLOCK, type GramSolver } from './gramSolver.js';
import { exp, log } from './elementary.js';

/** Inputs and outputs of {@link fusedPass}. */
export interface PassState {
  X: Float64Array;
  n: number;
  k: number;
  family: GlmFamily;
  y: Float64Array;
  prior: Float64Array;
  /** μ at the pass's η (output of storing passes). */
  mu: Float64Array;
  /** Working weights W and working response z at the pass's (η, μ) (outputs of storing passes). */
  W: Float64Array;
  z: Float64Array;
  /** Receives XᵀWX and XᵀWz of the next weighted fit. */
  gram: GramSolver;
}

/**
 * One pass over the rows for new coefficients (or, with `coef` null, for the η already in
 * `eta`): η, μ, the deviance and the next fit's XᵀWX, XᵀWz (see the file header). Returns the
 * deviance. With `store`, μ, W and z are also written to `state` (for the results, the final
 * refinement and the QR fallback); without, the binomial logit runs {@link logitLightPass},
 * which writes η only. The other links always store.
 *
 * @example
 * const dev = fusedPass(state, coef, eta, false); // η = X·coef, returns Σ dev(y, μ)
 */
export function fusedPass(state: PassState, coef: Float64Array | null, eta: Float64Array, store: boolean): number {
  const { X, n, k, family, y, prior, mu, W, z, gram } = state;
  if (family.family === 'binomial' && family.link === 'logit') {
    return store ? logitPass(X, n, k, coef, y, prior, eta, mu, W, z, gram) : logitLightPass(X, n, k, coef, y, prior, eta, gram);
  }
  if (family.family === 'binomial' && family.link === 'probit') return probitPass(X, n, k, coef, y, prior, eta, mu, W, z, gram);
  const { linkinv, muEta, variance, devResid } = family;
  gram.begin();
  let dev = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let i = start; i < end; i++) {
      let e: number;
      if (coef !== null) {
        e = 0;
        for (let a = 0; a < k; a++) e += X[a * n + i]! * coef[a]!;
        eta[i] = e;
      } else {
        e = eta[i]!;
      }
      const yi = y[i]!;
      const pw = prior[i]!;
      const m = linkinv(e);
      const d = muEta(e);
      dev += devResid(yi, m, pw);
      mu[i] = m;
      const good = pw > 0 && d !== 0;
      let w = 0;
      if (good) {
        const wi = Math.sqrt((pw * d * d) / variance(m));
        w = wi * wi;
      }
      W[i] = w;
      z[i] = good ? e + (yi - m) / d : 0;
    }
    gram.accumulate(X, n, W, z, start, end);
  }
  return dev;
}

/**
 * {@link fusedPass} for the binomial logit without storing μ, W or z: one loop over the rows that
 * forms η, the deviance and XᵀWX, XᵀWz row by row (the shape of a Newton–Raphson pass; nothing but
 * η is written back). Loop shape (scalar sums for k ≤ 3, branch-free deviance factor): see
 * docs/numerics.md, Engine tuning.
 */
function logitLightPass(
  X: Float64Array,
  n: number,
  k: number,
  coef: Float64Array | null,
  y: Float64Array,
  prior: Float64Array,
  eta: Float64Array,
  gram: GramSolver,
): number {
  const acc = gram.begin();
  // the family's functions as locals: an imported binding is re-read at every call (docs/numerics.md, Engine tuning)
  const scale = logitScale;
  const mean = logitMean;
  const muEtaInside = logitMuEtaInside;
  const linkinv = logitLinkinv;
  const muEta = logitMuEta;
  const devResid = binomialDevResid;
  const thresh = LOGIT_THRESH;
  const small = k <= 3;
  const c0 = coef !== null ? coef[0]! : 0;
  const c1 = coef !== null && k > 1 ? coef[1]! : 0;
  const c2 = coef !== null && k > 2 ? coef[2]! : 0;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  let dev = 0;
  let product = 1;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    // packed sums of the block for k ≤ 3: g_ab = Σ W x_a x_b, h_a = Σ x_a W z
    let g00 = 0;
    let h0 = 0;
    let g01 = 0;
    let g11 = 0;
    let h1 = 0;
    let g02 = 0;
    let g12 = 0;
    let g22 = 0;
    let h2 = 0;
    for (let i = start; i < end; i++) {
      const x0 = X[i]!;
      const x1 = k > 1 ? X[o1 + i]! : 0;
      const x2 = k > 2 ? X[o2 + i]! : 0;
      let e: number;
      if (coef === null) {
        e = eta[i]!;
      } else {
        if (small) {
          e = x0 * c0;
          if (k > 1) e += x1 * c1;
          if (k > 2) e += x2 * c2;
        } else {
          e = 0;
          for (let a = 0; a < k; a++) e += X[a * n + i]! * coef[a]!;
        }
        eta[i] = e;
      }
      const yi = y[i]!;
      const pw = prior[i]!;
      let m: number;
      let w: number;
      let wz: number;
      if (e >= -thresh && e <= thresh) {
        // canonical link: μ′ = V(μ), so W = w·μ′ and W·z = W·η + w·(y − μ)
        const t = exp(e);
        const r = scale(t);
        m = mean(t, r);
        w = pw * muEtaInside(m, r);
        wz = w * e + pw * (yi - m);
      } else {
        // R's clamping
        m = linkinv(e);
        const d = muEta(e);
        const wi = Math.sqrt((pw * d * d) / (m * (1 - m)));
        w = wi * wi;
        wz = w * (e + (yi - m) / d);
      }
      if (pw === 1 && (yi === 1 || yi === 0)) {
        product *= yi * m + (1 - yi) * (1 - m); // μ or 1 − μ, exactly
        if (product < 1e-250) {
          dev -= 2 * log(product);
          product = 1;
        }
      } else {
        dev += devResid(yi, m, pw);
      }
      if (!(pw > 0)) continue;
      if (small) {
        const wx0 = w * x0;
        g00 += wx0 * x0;
        h0 += x0 * wz;
        if (k > 1) {
          const wx1 = w * x1;
          g01 += wx1 * x0;
          g11 += wx1 * x1;
          h1 += x1 * wz;
          if (k > 2) {
            const wx2 = w * x2;
            g02 += wx2 * x0;
            g12 += wx2 * x1;
            g22 += wx2 * x2;
            h2 += x2 * wz;
          }
        }
      } else {
        let q = 0;
        for (let a = 0; a < k; a++) {
          const xa = X[a * n + i]!;
          const wx = w * xa;
          for (let b = 0; b <= a; b++) acc[q++] += wx * X[b * n + i]!;
          acc[q++] += xa * wz;
        }
      }
    }
    if (small) {
      acc[0] = g00;
      acc[1] = h0;
      if (k > 1) {
        acc[2] = g01;
        acc[3] = g11;
        acc[4] = h1;
      }
      if (k > 2) {
        acc[5] = g02;
        acc[6] = g12;
        acc[7] = g22;
        acc[8] = h2;
      }
    }
    gram.flush();
  }
  return dev - 2 * log(product);
}

/**
 * {@link fusedPass} for the binomial logit, storing μ, W and z: per block, η = Xb column by
 * column, then one loop over the rows.
 */
function logitPass(
  X: Float64Array,
  n: number,
  k: number,
  coef: Float64Array | null,
  y: Float64Array,
  prior: Float64Array,
  eta: Float64Array,
  mu: Float64Array,
  W: Float64Array,
  z: Float64Array,
  gram: GramSolver,
): number {
  gram.begin();
  const scale = logitScale; // (locals: see logitLightPass)
  const mean = logitMean;
  const muEtaInside = logitMuEtaInside;
  const linkinv = logitLinkinv;
  const muEta = logitMuEta;
  const devResid = binomialDevResid;
  const thresh = LOGIT_THRESH;
  let dev = 0;
  let product = 1;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    if (coef !== null) linearPredictorBlock(X, n, k, coef, eta, start, end);
    for (let i = start; i < end; i++) {
      const e = eta[i]!;
      const yi = y[i]!;
      const pw = prior[i]!;
      let m: number;
      let d: number;
      let w: number;
      if (e >= -thresh && e <= thresh) {
        const t = exp(e);
        const r = scale(t);
        m = mean(t, r);
        d = muEtaInside(m, r);
        w = pw * d; // canonical link: μ′ = V(μ)
      } else {
        m = linkinv(e); // R's clamping
        d = muEta(e);
        const wi = Math.sqrt((pw * d * d) / (m * (1 - m)));
        w = wi * wi;
      }
      mu[i] = m;
      if (pw === 1 && (yi === 1 || yi === 0)) {
        product *= yi === 1 ? m : 1 - m; // each factor ≥ DBL_EPSILON/2 (η is clamped)
        if (product < 1e-250) {
          dev -= 2 * log(product);
          product = 1;
        }
      } else {
        dev += devResid(yi, m, pw);
      }
      const good = pw > 0;
      W[i] = good ? w : 0;
      z[i] = good ? e + (yi - m) / d : 0;
    }
    gram.accumulate(X, n, W, z, start, end);
  }
  return dev - 2 * log(product);
}

/**
 * {@link fusedPass} for the binomial probit (bootstrap refits of binary mediators and outcomes),
 * with R's arithmetic per row: μ = {@link probitLinkinv}(η), μ′ = {@link probitMuEta}(η),
 * W = (√(w·μ′²/V))², z = η + (y − μ)/μ′. Always stores μ, W and z, so it serves both pass kinds.
 */
function probitPass(
  X: Float64Array,
  n: number,
  k: number,
  coef: Float64Array | null,
  y: Float64Array,
  prior: Float64Array,
  eta: Float64Array,
  mu: Float64Array,
  W: Float64Array,
  z: Float64Array,
  gram: GramSolver,
): number {
  const linkinv = probitLinkinv; // (locals: see logitLightPass)
  const muEta = probitMuEta;
  const devResid = binomialDevResid;
  gram.begin();
  let dev = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    if (coef !== null) linearPredictorBlock(X, n, k, coef, eta, start, end);
    for (let i = start; i < end; i++) {
      const e = eta[i]!;
      const yi = y[i]!;
      const pw = prior[i]!;
      const m = linkinv(e);
      const d = muEta(e);
      dev += devResid(yi, m, pw);
      mu[i] = m;
      if (pw > 0) {
        const wi = Math.sqrt((pw * d * d) / (m * (1 - m)));
        W[i] = wi * wi;
        z[i] = e + (yi - m) / d;
      } else {
        W[i] = 0;
        z[i] = 0;
      }
    }
    gram.accumulate(X, n, W, z, start, end);
  }
  return dev;
}

/** η[start, end) = X·coef over one block, column by column. */
function linearPredictorBlock(X: Float64Array, n: number, k: number, coef: Float64Array, eta: Float64Array, start: number, end: number): void {
  const c0 = coef[0]!;
  for (let i = start; i < end; i++) eta[i] = X[i]! * c0;
  for (let a = 1; a < k; a++) {
    const c = coef[a]!;
    const oa = a * n;
    for (let i = start; i < end; i++) eta[i] = eta[i]! + X[oa + i]! * c;
  }
}

/**
 * μ = g⁻¹(η) into `mu` (the logit's iteration passes do not store μ).
 *
 * @example
 * fittedMeans(Float64Array.of(0), mu, glmFamily('binomial', 'logit')); // mu[0] = 0.5
 */
export function fittedMeans(eta: Float64Array, mu: Float64Array, family: GlmFamily): void {
  const n = eta.length;
  const { linkinv } = family;
  for (let i = 0; i < n; i++) mu[i] = linkinv(eta[i]!);
}
