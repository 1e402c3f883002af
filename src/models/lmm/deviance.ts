/**
 * The profiled deviance of a linear mixed model over the relative covariance factor θ, as
 * lme4's `lmer` computes it (Bates, Mächler, Bolker & Walker 2015, "Fitting Linear Mixed-Effects
 * Models Using lme4", J. Stat. Softw. 67(1), §3; lme4 src/predModule.cpp, respModule.cpp).
 *
 * Model y = Xβ + Zb + ε, b = Λθ u, u ~ N(0, σ²I), ε ~ N(0, σ²I). For each θ the penalized least
 * squares system is solved through the sparse Cholesky factor L Lᵀ = ΛᵀZᵀZΛ + I,
 * RZX = L⁻¹ΛᵀZᵀX, RX RXᵀ = XᵀX − RZXᵀRZX (lme4's normal-equations form), cu = L⁻¹ΛᵀZᵀy,
 * cβ = RX⁻¹(Xᵀy − RZXᵀcu), pwrss = yᵀy − |cu|² − |cβ|² (the penalized residual sum of squares
 * at the profiled β and u), and
 *   ML:   −2ℓ  = log|L|² + n (1 + log(2π pwrss / n))
 *   REML: −2ℓR = log|L|² + log|RX|² + (n − p)(1 + log(2π pwrss / (n − p))).
 * With an intercept column, y and the other columns of X are centred first (β and vcov(β̂) are
 * mapped back exactly; the deviance is unchanged): yᵀy − |cu|² − |cβ|² then subtracts numbers of
 * the size of the residual sum of squares rather than of Σy², which keeps the deviance's rounding
 * noise near n·ε (a response far from 0 would otherwise blur the optimum in θ).
 * The cross-products ZᵀZ, ZᵀX, Zᵀy, XᵀX, Xᵀy, yᵀy are formed once (one pass over the data);
 * every evaluation after that costs a sparse refactorisation — no n × n matrix and no pass over
 * the observations, which is what makes a million rows fit in a second.
 *
 * Dimension symbols: n observations, p fixed effects, q random effects, nθ parameters of θ.
 */
import { CausalPanelError } from '../../errors.js';
import { choleskyFactor } from '../../numerics/cholesky.js';
import { log } from '../../numerics/elementary.js';
import { SparseCholesky, type SparsePattern } from '../../numerics/sparseCholesky.js';
import { termFactor, type ReTerm } from './reTerms.js';
import { blockStructure, type OffBlock } from './gramBlocks.js';


/**
 * Everything the deviance at one θ yields.
 *
 * @example
 * const state = system.evaluate(theta);
 * state.beta; state.pwrss; state.ldL2;
 */
export interface LmmState {
  theta: Float64Array;
  /** log|L|². */
  ldL2: number;
  /** log|RX|². */
  ldRX2: number;
  /** Σ log wᵢ of the prior weights (0 without weights). */
  ldW: number;
  /** Penalized residual sum of squares at the profiled β, u. */
  pwrss: number;
  /** Fixed effects. */
  beta: Float64Array;
  /** Spherical random effects u (b = Λu). */
  u: Float64Array;
  /** RX (lower triangular p × p, column-major): RX RXᵀ = XᵀX − RZXᵀRZX. */
  RX: Float64Array;
}

/**
 * The penalized least-squares system of one model, ready to evaluate at any θ.
 *
 * @example
 * const system = new LmmSystem(terms, X, y, n, p);
 * system.deviance(theta, true); // REML criterion at θ
 */
export class LmmSystem {
  readonly n: number;
  readonly p: number;
  readonly q: number;
  readonly nTheta: number;
  readonly terms: readonly ReTerm[];
  readonly chol: SparseCholesky;
  readonly #pattern: SparsePattern;
  /** Per term: nLevels · p · p diagonal blocks of ZᵀZ. */
  readonly #diag: Float64Array[];
  /** Per random-effect block (term-level, in u order): its partner blocks and the offset of its diagonal block. */
  readonly #partners: OffBlock[][];
  readonly #diagRel: Int32Array;
  readonly #blockTerm: Int32Array;
  readonly #blockStart: Int32Array;
  /** q × p, column-major. */
  readonly #ZtX: Float64Array;
  readonly #Zty: Float64Array;
  readonly #XtX: Float64Array;
  readonly #Xty: Float64Array;
  readonly #yty: number;
  readonly #values: Float64Array;
  /** Index of the intercept column (−1 when none), the column means and ȳ used for centring. */
  readonly #intercept: number;
  readonly #means: Float64Array;
  readonly #yMean: number;
  /** Σ log wᵢ (0 without weights). */
  readonly #ldW: number;

  constructor(terms: readonly ReTerm[], X: Float64Array, y: Float64Array, n: number, p: number, weights?: Float64Array) {
    this.n = n;
    this.p = p;
    this.terms = terms;
    const last = terms[terms.length - 1]!;
    const q = last.offset + last.nLevels * last.p;
    this.q = q;
    this.nTheta = terms.reduce((s, t) => s + (t.p * (t.p + 1)) / 2, 0);
    // Centring (with an intercept column only: then it leaves the column space unchanged).
    let intercept = -1;
    for (let a = 0; a < p && intercept < 0; a++) {
      let ones = true;
      for (let i = 0; i < n && ones; i++) ones = X[i + a * n] === 1;
      if (ones) intercept = a;
    }
    // Prior weights (lme4's `weights`): every row is scaled by √wᵢ, and log|W| enters the deviance.
    const root = weights === undefined ? null : Float64Array.from(weights, Math.sqrt);
    let ldW = 0;
    let wSum = n;
    if (weights !== undefined) {
      wSum = 0;
      for (let i = 0; i < n; i++) {
        ldW += log(weights[i]!);
        wSum += weights[i]!;
      }
    }
    this.#ldW = ldW;
    const w = (i: number): number => (weights === undefined ? 1 : weights[i]!);
    const means = new Float64Array(p);
    let yMean = 0;
    if (intercept >= 0) {
      for (let a = 0; a < p; a++) {
        if (a === intercept) continue;
        let s = 0;
        for (let i = 0; i < n; i++) s += w(i) * X[i + a * n]!;
        means[a] = s / wSum;
      }
      for (let i = 0; i < n; i++) yMean += w(i) * y[i]!;
      yMean /= wSum;
    }
    this.#intercept = intercept;
    this.#means = means;
    this.#yMean = yMean;
    // The centred columns are formed one at a time (no centred copy of X is kept).
    const yc = intercept >= 0 || root !== null ? new Float64Array(n) : y;
    if (yc !== y) for (let i = 0; i < n; i++) yc[i] = (y[i]! - yMean) * (root === null ? 1 : root[i]!);
    y = yc;
    const column = (a: number): Float64Array => {
      const raw = X.subarray(a * n, (a + 1) * n);
      if ((intercept < 0 || a === intercept) && root === null) return raw;
      const m = a === intercept ? 0 : means[a]!;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = (raw[i]! - m) * (root === null ? 1 : root[i]!);
      return out;
    };
    // The random-effects columns, scaled by √w when weighted.
    const Zs = terms.map((term) => (root === null ? term.Z : Float64Array.from(term.Z, (v, c) => v * root[c % n]!)));
    const columns = Array.from({ length: p }, (_, a) => column(a));
    // Cross-products of the fixed part.
    const XtX = new Float64Array(p * p);
    const Xty = new Float64Array(p);
    let yty = 0;
    for (let i = 0; i < n; i++) yty += y[i]! * y[i]!;
    for (let a = 0; a < p; a++) {
      const xa = columns[a]!;
      let s = 0;
      for (let i = 0; i < n; i++) s += xa[i]! * y[i]!;
      Xty[a] = s;
      for (let b = 0; b <= a; b++) {
        const xb = columns[b]!;
        let t = 0;
        for (let i = 0; i < n; i++) t += xa[i]! * xb[i]!;
        XtX[a + b * p] = t;
        XtX[b + a * p] = t;
      }
    }
    this.#XtX = XtX;
    this.#Xty = Xty;
    this.#yty = yty;
    // ZᵀX, Zᵀy and the diagonal blocks of ZᵀZ, term by term.
    const ZtX = new Float64Array(q * p);
    const Zty = new Float64Array(q);
    this.#diag = terms.map((term, k) => {
      const { p: pt, codes, offset } = term;
      const Z = Zs[k]!;
      const D = new Float64Array(term.nLevels * pt * pt);
      if (pt === 1) {
        // One column per level (random intercepts, one slope): a straight pass per column.
        for (let i = 0; i < n; i++) {
          const zc = Z[i]!;
          const row = offset + codes[i]!;
          Zty[row]! += zc * y[i]!;
          D[row - offset]! += zc * zc;
        }
        for (let a = 0; a < p; a++) {
          const xa = columns[a]!;
          const target = ZtX.subarray(a * q, (a + 1) * q);
          for (let i = 0; i < n; i++) target[offset + codes[i]!]! += Z[i]! * xa[i]!;
        }
        return D;
      }
      for (let i = 0; i < n; i++) {
        const l = codes[i]!;
        const base = l * pt * pt;
        for (let c = 0; c < pt; c++) {
          const zc = Z[i + c * n]!;
          if (zc === 0) continue;
          const row = offset + l * pt + c;
          Zty[row]! += zc * y[i]!;
          for (let a = 0; a < p; a++) ZtX[row + a * q]! += zc * columns[a]![i]!;
          for (let r = 0; r < pt; r++) D[base + r + c * pt]! += Z[i + r * n]! * zc;
        }
      }
      return D;
    });
    this.#ZtX = ZtX;
    this.#Zty = Zty;
    const gram = blockStructure(terms, Zs, n, q);
    const { blockTerm, blockStart, partners, diagRel, pattern } = gram;
    this.#blockTerm = blockTerm;
    this.#blockStart = blockStart;
    this.#partners = partners;
    this.#diagRel = diagRel;
    this.#pattern = pattern;
    this.#values = new Float64Array(pattern.rowIndex.length);
    this.chol = new SparseCholesky(this.#pattern);
  }

  /** The term factors T_k at θ. */
  #factors(theta: ArrayLike<number>): Float64Array[] {
    return this.terms.map((t) => termFactor(theta, t.thetaOffset, t.p));
  }

  /** Λᵀ v for a q-vector, in place (Λ block diagonal with blocks T_k). */
  #lambdaT(T: Float64Array[], v: Float64Array): void {
    for (let k = 0; k < this.terms.length; k++) {
      const { p, nLevels, offset } = this.terms[k]!;
      const Tk = T[k]!;
      if (p === 1) {
        const t = Tk[0]!;
        for (let l = 0; l < nLevels; l++) v[offset + l]! *= t;
        continue;
      }
      const tmp = new Float64Array(p);
      for (let l = 0; l < nLevels; l++) {
        const s = offset + l * p;
        for (let c = 0; c < p; c++) {
          let sum = 0;
          for (let r = c; r < p; r++) sum += Tk[r + c * p]! * v[s + r]!;
          tmp[c] = sum;
        }
        for (let c = 0; c < p; c++) v[s + c] = tmp[c]!;
      }
    }
  }

  /** Λ v for a q-vector (b = Λu), as a copy. */
  lambda(theta: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
    const T = this.#factors(theta);
    const out = new Float64Array(this.q);
    for (let k = 0; k < this.terms.length; k++) {
      const { p, nLevels, offset } = this.terms[k]!;
      const Tk = T[k]!;
      for (let l = 0; l < nLevels; l++) {
        const s = offset + l * p;
        for (let r = 0; r < p; r++) {
          let sum = 0;
          for (let c = 0; c <= r; c++) sum += Tk[r + c * p]! * v[s + c]!;
          out[s + r] = sum;
        }
      }
    }
    return out;
  }

  /** Fills and factors ΛᵀZᵀZΛ + I at θ. */
  #factorAt(T: Float64Array[]): void {
    const values = this.#values;
    const { colPtr } = this.#pattern;
    const terms = this.terms;
    const nBlocks = this.#blockTerm.length;
    for (let bk = 0; bk < nBlocks; bk++) {
      const k = this.#blockTerm[bk]!;
      const { p, offset } = terms[k]!;
      const start = this.#blockStart[bk]!;
      const Tb = T[k]!;
      const level = (start - offset) / p;
      const M = this.#diag[k]!;
      const base = level * p * p;
      if (p === 1) {
        const t = Tb[0]!;
        values[colPtr[start]! + this.#diagRel[bk]!] = t * M[base]! * t + 1;
      } else {
        // D = Tᵀ M T + I (upper part).
        const MT = new Float64Array(p * p);
        for (let c = 0; c < p; c++) {
          for (let r = 0; r < p; r++) {
            let s = 0;
            for (let m = c; m < p; m++) s += M[base + r + m * p]! * Tb[m + c * p]!;
            MT[r + c * p] = s;
          }
        }
        for (let c = 0; c < p; c++) {
          for (let r = 0; r <= c; r++) {
            let s = 0;
            for (let m = r; m < p; m++) s += Tb[m + r * p]! * MT[m + c * p]!;
            values[colPtr[start + c]! + this.#diagRel[bk]! + r] = s + (r === c ? 1 : 0);
          }
        }
      }
      for (const block of this.#partners[bk]!) {
        const pa = terms[block.term]!.p;
        const Ta = T[block.term]!;
        const Mv = block.values;
        for (let c = 0; c < p; c++) {
          for (let r = 0; r < pa; r++) {
            // (Taᵀ M Tb)[r, c]
            let s = 0;
            for (let a = r; a < pa; a++) {
              let inner = 0;
              for (let m = c; m < p; m++) inner += Mv[a + m * pa]! * Tb[m + c * p]!;
              s += Ta[a + r * pa]! * inner;
            }
            values[colPtr[start + c]! + block.rel + r] = s;
          }
        }
      }
    }
    this.chol.factor(values);
  }

  /**
   * Solves the penalized least-squares problem at θ.
   *
   * @throws {CausalPanelError} `singular_design` when XᵀX − RZXᵀRZX is not positive definite
   * @example system.evaluate(theta).beta;
   */
  evaluate(theta: ArrayLike<number>): LmmState {
    const { p, q } = this;
    const T = this.#factors(theta);
    this.#factorAt(T);
    const chol = this.chol;
    const cu = Float64Array.from(this.#Zty);
    this.#lambdaT(T, cu);
    chol.forwardSolveInPlace(cu);
    const RZX = new Float64Array(q * p);
    for (let a = 0; a < p; a++) {
      const col = RZX.subarray(a * q, (a + 1) * q);
      col.set(this.#ZtX.subarray(a * q, (a + 1) * q));
      this.#lambdaT(T, col);
      chol.forwardSolveInPlace(col);
    }
    const M = Float64Array.from(this.#XtX);
    const rhs = Float64Array.from(this.#Xty);
    for (let a = 0; a < p; a++) {
      const ca = RZX.subarray(a * q, (a + 1) * q);
      let s = 0;
      for (let j = 0; j < q; j++) s += ca[j]! * cu[j]!;
      rhs[a]! -= s;
      for (let b = 0; b <= a; b++) {
        const cb = RZX.subarray(b * q, (b + 1) * q);
        let t = 0;
        for (let j = 0; j < q; j++) t += ca[j]! * cb[j]!;
        M[a + b * p]! -= t;
        if (a !== b) M[b + a * p]! -= t;
      }
    }
    const RX = p > 0 ? choleskyFactor(M, p, 'lmm', 1e-15) : new Float64Array(0);
    // cβ = RX⁻¹ rhs, β = RX⁻ᵀ cβ.
    const cbeta = Float64Array.from(rhs);
    for (let i = 0; i < p; i++) {
      let s = cbeta[i]!;
      for (let j = 0; j < i; j++) s -= RX[i + j * p]! * cbeta[j]!;
      cbeta[i] = s / RX[i + i * p]!;
    }
    const beta = Float64Array.from(cbeta);
    for (let i = p - 1; i >= 0; i--) {
      let s = beta[i]!;
      for (let j = i + 1; j < p; j++) s -= RX[j + i * p]! * beta[j]!;
      beta[i] = s / RX[i + i * p]!;
    }
    let ss = 0;
    for (let j = 0; j < q; j++) ss += cu[j]! * cu[j]!;
    for (let i = 0; i < p; i++) ss += cbeta[i]! * cbeta[i]!;
    const pwrss = this.#yty - ss;
    // u = L⁻ᵀ(cu − RZX β)
    const u = Float64Array.from(cu);
    for (let a = 0; a < p; a++) {
      const ca = RZX.subarray(a * q, (a + 1) * q);
      const ba = beta[a]!;
      for (let j = 0; j < q; j++) u[j]! -= ca[j]! * ba;
    }
    chol.backSolveInPlace(u);
    // Back from the centred parametrisation: β₀ = β₀′ + ȳ − Σ x̄ⱼβⱼ′.
    if (this.#intercept >= 0) {
      let shift = this.#yMean;
      for (let a = 0; a < p; a++) shift -= this.#means[a]! * beta[a]!;
      beta[this.#intercept]! += shift;
    }
    let ldRX2 = 0;
    for (let i = 0; i < p; i++) ldRX2 += 2 * log(RX[i + i * p]!);
    return { theta: Float64Array.from(theta), ldL2: chol.logDeterminant(), ldRX2, ldW: this.#ldW, pwrss, beta, u, RX };
  }

  /**
   * The objective lme4 minimises: the REML criterion or −2 log-likelihood (ML) at θ.
   *
   * @example system.deviance(theta, true);
   */
  deviance(theta: ArrayLike<number>, reml: boolean): number {
    const s = this.evaluate(theta);
    return profiledDeviance(s, this.n, this.p, reml);
  }

  /**
   * lmerTest's `devfun_vp`: the deviance at θ with σ given rather than profiled out.
   *
   * @example system.devianceAtSigma(theta, sigma, true);
   */
  devianceAtSigma(theta: ArrayLike<number>, sigma: number, reml: boolean): number {
    const s = this.evaluate(theta);
    const sigma2 = sigma * sigma;
    const dev = s.ldL2 + s.pwrss / sigma2 + this.n * log(2 * Math.PI * sigma2);
    if (!reml) return dev;
    return dev + s.ldRX2 - this.p * log(2 * Math.PI * sigma2);
  }

  /**
   * σ² (RX RXᵀ)⁻¹: the variance of β̂ at θ and σ (p × p, column-major).
   *
   * @example system.covBeta(theta, sigma);
   */
  covBeta(theta: ArrayLike<number>, sigma: number): Float64Array {
    return this.vcovFromState(this.evaluate(theta), sigma);
  }

  /**
   * σ² (RX RXᵀ)⁻¹ of a solved state, in the caller's parametrisation (the centring undone:
   * V = A V′ Aᵀ with A the identity but for the intercept row, −x̄ⱼ).
   *
   * @example system.vcovFromState(system.evaluate(theta), sigma);
   */
  vcovFromState(state: LmmState, sigma: number): Float64Array {
    const p = this.p;
    const V = covFromRX(state.RX, p, sigma);
    const ic = this.#intercept;
    if (ic < 0) return V;
    const m = this.#means;
    // W = A V: row ic becomes Σ_a A[ic, a] V[a, ·].
    for (let c = 0; c < p; c++) {
      let s = V[ic + c * p]!;
      for (let a = 0; a < p; a++) if (a !== ic) s -= m[a]! * V[a + c * p]!;
      V[ic + c * p] = s;
    }
    // (A V) Aᵀ: column ic likewise.
    for (let r = 0; r < p; r++) {
      let s = V[r + ic * p]!;
      for (let a = 0; a < p; a++) if (a !== ic) s -= m[a]! * V[r + a * p]!;
      V[r + ic * p] = s;
    }
    return V;
  }

  /**
   * Diagonal blocks of σ² Λ(LLᵀ)⁻¹Λᵀ per term and level (lme4's `condVar`): the conditional
   * variance of b given the data at θ, β treated as known. Call after `evaluate(theta)`.
   *
   * @example system.conditionalVariances(theta, sigma)[0]; // nLevels · p · p values of the first term
   */
  conditionalVariances(theta: ArrayLike<number>, sigma: number): Float64Array[] {
    const T = this.#factors(theta);
    this.#factorAt(T);
    const sigma2 = sigma * sigma;
    return this.terms.map((term, k) => {
      const { p, nLevels, offset } = term;
      const Tk = T[k]!;
      const out = new Float64Array(nLevels * p * p);
      const W = new Float64Array(p * p);
      for (let l = 0; l < nLevels; l++) {
        const s = offset + l * p;
        const cols = [];
        for (let c = 0; c < p; c++) cols.push(this.chol.inverseColumn(s + c));
        // W = (LLᵀ)⁻¹ block: W[r, c] = (L⁻¹e_r)·(L⁻¹e_c)
        for (let r = 0; r < p; r++) {
          for (let c = 0; c <= r; c++) {
            const a = cols[r]!;
            const b = cols[c]!;
            let dot = 0;
            // both are paths up the tree; the path from the larger index is a suffix of the other's
            const offsetIn = b.index.indexOf(a.index[0]!);
            for (let t = 0; t < a.index.length && offsetIn >= 0; t++) dot += a.value[t]! * b.value[t + offsetIn]!;
            W[r + c * p] = dot;
            W[c + r * p] = dot;
          }
        }
        // σ² T W Tᵀ
        for (let r = 0; r < p; r++) {
          for (let c = 0; c < p; c++) {
            let sum = 0;
            for (let a = 0; a <= r; a++) for (let b = 0; b <= c; b++) sum += Tk[r + a * p]! * W[a + b * p]! * Tk[c + b * p]!;
            out[l * p * p + r + c * p] = sigma2 * sum;
          }
        }
      }
      return out;
    });
  }
}

/**
 * −2 log-likelihood (ML) or the REML criterion from a solved state.
 *
 * @example profiledDeviance(system.evaluate(theta), n, p, true);
 */
export function profiledDeviance(s: LmmState, n: number, p: number, reml: boolean): number {
  if (!(s.pwrss > 0)) throw new CausalPanelError('singular_design', `lmm: the penalized residual sum of squares is not positive (${s.pwrss}): the model fits the data exactly`, { fn: 'lmm', value: s.pwrss });
  const nmp = reml ? n - p : n;
  // lme4's lmerResp::Laplace, term for term (log(2π pwrss) − log(n − p)).
  return s.ldL2 - s.ldW + (reml ? s.ldRX2 : 0) + nmp * (1 + log(2 * Math.PI * s.pwrss) - log(nmp));
}

/**
 * σ² (RX RXᵀ)⁻¹ from the lower-triangular RX (p × p, column-major).
 *
 * @example covFromRX(state.RX, p, sigma);
 */
export function covFromRX(RX: Float64Array, p: number, sigma: number): Float64Array {
  // RX⁻¹ (lower triangular), then σ² RX⁻ᵀ RX⁻¹.
  const inv = new Float64Array(p * p);
  for (let c = 0; c < p; c++) {
    inv[c + c * p] = 1 / RX[c + c * p]!;
    for (let i = c + 1; i < p; i++) {
      let s = 0;
      for (let j = c; j < i; j++) s -= RX[i + j * p]! * inv[j + c * p]!;
      inv[i + c * p] = s / RX[i + i * p]!;
    }
  }
  const V = new Float64Array(p * p);
  const sigma2 = sigma * sigma;
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = a; i < p; i++) s += inv[i + a * p]! * inv[i + b * p]!;
      V[a + b * p] = sigma2 * s;
      V[b + a * p] = sigma2 * s;
    }
  }
  return V;
}
