/**
 * Wild cluster bootstrap of linear restrictions Rβ = r in a least-squares fit, by the algorithm of
 * Roodman, MacKinnon, Nielsen & Webb (2019, "Fast and wild: Bootstrap inference in Stata using
 * boottest", Stata Journal 19(1), §3–5), as fwildclusterboot's `boot_algo_fastnwild`
 * (https://github.com/s3alfisc/fwildclusterboot, R/boot_algo_fastnwild.R, R/p_val_null.R).
 *
 * The model is y = Xβ + Dα + u with the fixed effects D swept out: X̃ = M_D X (weighted), u the
 * full-model residuals. A draw multiplies the (restricted, WCR; or unrestricted, WCU) residuals
 * by one weight v_h per bootstrap cluster h. Everything a draw needs is linear in v, so the
 * n-length work is done once:
 *   S_h = X̃ᵀW(u∘1_h) (k), T_x[g,h] = X̃_gᵀW_g[M_D(u∘1_h)]_g (k) per vcov clustering x,
 *   a_h = RA S_h, K_x[g,h] = RA (T_x[g,h] − X̃_gᵀW_gX̃_g A S_h)   (A = (X̃ᵀWX̃)⁻¹),
 * and a draw costs O(G·H·q): numerator R(β* − β₀) = Σ_h a_h v_h, cluster scores
 * c_{x,g} = Σ_h K_x[g,h] v_h, variance Σ_x ssc_x Σ_g c c' (ssc_x carries the sign of the multiway
 * term, Cameron, Gelbach & Miller 2011). M_D is needed only for fixed effects not nested in the
 * bootstrap clusters (else u∘1_h is already orthogonal to D); the caller passes it as `annihilate`.
 *
 * For one restriction under WCR the residual is affine in r (u(r) = u₀ + r u₁), so each draw keeps
 * the numerator n₀ + r n₁ and the variance CC + 2 CD r + DD r² (fwildclusterboot's A, B, CC, CD,
 * DD): p(r) at any r costs O(B), which makes test inversion for the confidence set cheap.
 * A draw whose variance is negative (multiway clustering) is dropped, as fwildclusterboot.
 *
 * Dimension symbols: n = rows, k = coefficients, q = restrictions, G_x = clusters of clustering x,
 * H = bootstrap clusters, B = draws.
 */
import { CausalPanelError } from '../errors.js';
import { invertSymmetric } from '../numerics/cholesky.js';
import { concat, drawCount, quadraticForm, runDraws, tDrawRange, waldDrawRange, type TDrawInputs, type WaldDrawInputs, type WildDrawOptions, type WildWeights } from './wildBootstrapDraws.js';

export { MAX_ENUMERATION_CLUSTERS, type WildDrawOptions, type WildWeights } from './wildBootstrapDraws.js';

/** boottest's p-value types. @example const p: WildPValueType = 'equal-tailed'; */
export type WildPValueType = 'two-tailed' | 'equal-tailed' | '>' | '<';

/**
 * One term of the cluster-robust variance: codes per row, count, and its factor (small-sample
 * correction times +1 / −1 for the multiway inclusion–exclusion).
 *
 * @example
 * const byGroup: WildClustering = { codes: Int32Array.of(0, 0, 1, 1), nClusters: 2, factor: 2 };
 */
export interface WildClustering {
  readonly codes: Int32Array;
  readonly nClusters: number;
  readonly factor: number;
}

/**
 * The fitted least-squares problem and the hypothesis.
 *
 * @example
 * // y = x·β + u on 4 rows, 2 clusters, H0: β = 0 (see test/estimators/boottest.hand.test.ts)
 * const problem: WildProblem = { n: 4, k: 1, X: [Float64Array.of(1, 2, 3, 4)], residuals: Float64Array.of(0.1, -0.2, 0.2, -0.05),
 *   coefficients: Float64Array.of(1), bread: Float64Array.of(1 / 30), R: Float64Array.of(1), q: 1, r: Float64Array.of(0),
 *   clusterings: [{ codes: Int32Array.of(0, 0, 1, 1), nClusters: 2, factor: 2 }], bootClusters: { codes: Int32Array.of(0, 0, 1, 1), nClusters: 2 }, impose: true };
 */
export interface WildProblem {
  readonly n: number;
  readonly k: number;
  /** The k regressors with the fixed effects swept out (weighted), each of length n. */
  readonly X: readonly Float64Array[];
  readonly weights?: Float64Array;
  /** Full-model residuals of the unrestricted fit. */
  readonly residuals: Float64Array;
  readonly coefficients: Float64Array;
  /** (X̃ᵀWX̃)⁻¹, k×k column-major. */
  readonly bread: Float64Array;
  /** Restriction matrix, q×k column-major (`R[i + j * q]`). */
  readonly R: Float64Array;
  readonly q: number;
  /** Null values (q); with q = 1 the confidence set inverts over r. */
  readonly r: Float64Array;
  readonly clusterings: readonly WildClustering[];
  readonly bootClusters: { readonly codes: Int32Array; readonly nClusters: number };
  /** M_D: sweeps the fixed effects (weighted) out of columns; omit when they are nested in the bootstrap clusters. */
  readonly annihilate?: (columns: Float64Array[]) => Float64Array[];
  /**
   * Instead of `annihilate`, when the fixed effects not nested in the bootstrap clusters (D₂) have
   * few levels: M_D(u∘1_h) = u∘1_h − Z·C·D₂ᵀW(u∘1_h) with Z = M_{D₁}D₂ (D₁ the nested ones, which
   * leave u∘1_h unchanged since u ⟂ D) and C = (ZᵀWZ)⁺. `codes[f]` are the levels of non-nested
   * fixed effect f, numbered from `offsets[f]` among the L columns of Z; `zProducts(values, groups,
   * nGroups)` returns Σ_{i∈group} valuesᵢ·Zᵢ (nGroups × L, row-major), so Z need not be stored.
   */
  readonly lowRank?: {
    readonly L: number;
    readonly zProducts: (values: Float64Array, groups: Int32Array, nGroups: number) => Float64Array;
    readonly C: Float64Array;
    readonly codes: readonly Int32Array[];
    readonly offsets: readonly number[];
  };
  /** true: WCR (null imposed), false: WCU. */
  readonly impose: boolean;
}

/**
 * The bootstrap of one restriction: per-draw numerator and variance as polynomials in r.
 *
 * @example
 * const boot = wildBootstrapT(problem, { weights: 'rademacher', B: 4, seed: 1, enumerate: true });
 * wildPValue(boot, 0, 'two-tailed').pValue; // (wildBootstrapInference.ts) share of |t*| beyond |t|
 */
export interface WildBootstrapT {
  readonly estimate: number;
  /** Standard error of Rβ̂ (the variance terms with their factors). */
  readonly se: number;
  readonly impose: boolean;
  readonly B: number;
  readonly enumerated: boolean;
  readonly n0: Float64Array;
  readonly n1: Float64Array;
  readonly cc: Float64Array;
  readonly cd: Float64Array;
  readonly dd: Float64Array;
}

/**
 * The bootstrap of q > 1 restrictions at one r: the Wald statistic and its draws.
 *
 * @example
 * wildBootstrapWald(problem2, draws).wald; // (Rβ̂ − r)ᵀ(RVRᵀ)⁻¹(Rβ̂ − r)
 */
export interface WildBootstrapWald {
  readonly wald: number;
  /** Wald statistics of the draws (NaN where the draw's variance is not positive definite). */
  readonly waldBoot: Float64Array;
  readonly B: number;
  readonly enumerated: boolean;
}

/** RA = R·A (q×k, column-major). */
function restrictionTimesBread(p: WildProblem): Float64Array {
  const { q, k, R, bread } = p;
  const RA = new Float64Array(q * k);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += R[i + l * q]! * bread[l + j * k]!;
      RA[i + j * q] = s;
    }
  }
  return RA;
}

/** Per clustering x: Σ_{i∈g} wᵢx̃ᵢx̃ᵢᵀ for every g, then L_x[g] = RA·(that)·A (q×k each). */
function clusterGramTerms(p: WildProblem, RA: Float64Array): Float64Array[] {
  const { n, k, q, X, weights, bread } = p;
  return p.clusterings.map(({ codes, nClusters }) => {
    const gram = new Float64Array(nClusters * k * k);
    for (let a = 0; a < k; a++) {
      const xa = X[a]!;
      for (let c = 0; c <= a; c++) {
        const xc = X[c]!;
        for (let i = 0; i < n; i++) {
          const w = weights === undefined ? 1 : weights[i]!;
          gram[codes[i]! * k * k + a + c * k]! += w * xa[i]! * xc[i]!;
        }
      }
    }
    const L = new Float64Array(nClusters * q * k);
    const tmp = new Float64Array(q * k);
    for (let g = 0; g < nClusters; g++) {
      const Gg = gram.subarray(g * k * k, (g + 1) * k * k);
      for (let a = 0; a < k; a++) for (let c = a + 1; c < k; c++) Gg[a + c * k] = Gg[c + a * k]!;
      // tmp = RA·Gg (q×k), then L = tmp·A
      for (let i = 0; i < q; i++) {
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let l = 0; l < k; l++) s += RA[i + l * q]! * Gg[l + j * k]!;
          tmp[i + j * q] = s;
        }
      }
      for (let i = 0; i < q; i++) {
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let l = 0; l < k; l++) s += tmp[i + l * q]! * bread[l + j * k]!;
          L[g * q * k + i + j * q] = s;
        }
      }
    }
    return L;
  });
}

/** The draw-independent pieces of one residual vector u: a (H×q) and K_x (G_x×H×q). */
interface Pieces {
  a: Float64Array;
  K: Float64Array[];
}

function piecesFor(p: WildProblem, u: Float64Array, RA: Float64Array, L: Float64Array[], F: Float64Array[] | null): Pieces {
  const { n, k, q, X, weights } = p;
  const H = p.bootClusters.nClusters;
  const boot = p.bootClusters.codes;
  const wu = new Float64Array(n);
  for (let i = 0; i < n; i++) wu[i] = (weights === undefined ? 1 : weights[i]!) * u[i]!;
  // S_h = X̃ᵀW(u∘1_h)
  const S = new Float64Array(H * k);
  for (let j = 0; j < k; j++) {
    const x = X[j]!;
    for (let i = 0; i < n; i++) S[boot[i]! * k + j]! += x[i]! * wu[i]!;
  }
  const a = new Float64Array(H * q);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < q; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += RA[i + j * q]! * S[h * k + j]!;
      a[h * q + i] = s;
    }
  }
  const T = p.clusterings.map(({ nClusters }) => new Float64Array(nClusters * H * k));
  if (p.annihilate === undefined || p.lowRank !== undefined) {
    p.clusterings.forEach(({ codes }, x) => {
      const Tx = T[x]!;
      for (let j = 0; j < k; j++) {
        const xj = X[j]!;
        for (let i = 0; i < n; i++) Tx[(codes[i]! * H + boot[i]!) * k + j]! += xj[i]! * wu[i]!;
      }
    });
  } else {
    // Fixed effects not nested in the bootstrap clusters: T_x[g,h] = X̃_gᵀW_g[M_D(u∘1_h)]_g,
    // a batch of bootstrap clusters at a time to bound memory.
    const batch = Math.max(1, Math.min(H, Math.floor(4e7 / Math.max(n, 1))));
    for (let h0 = 0; h0 < H; h0 += batch) {
      const h1 = Math.min(H, h0 + batch);
      const columns: Float64Array[] = [];
      for (let h = h0; h < h1; h++) columns.push(new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const h = boot[i]!;
        if (h >= h0 && h < h1) columns[h - h0]![i] = u[i]!;
      }
      const swept = p.annihilate(columns);
      for (let h = h0; h < h1; h++) {
        const z = swept[h - h0]!;
        p.clusterings.forEach(({ codes }, x) => {
          const Tx = T[x]!;
          for (let j = 0; j < k; j++) {
            const xj = X[j]!;
            for (let i = 0; i < n; i++) {
              const w = weights === undefined ? 1 : weights[i]!;
              Tx[(codes[i]! * H + h) * k + j]! += xj[i]! * w * z[i]!;
            }
          }
        });
      }
    }
  }
  if (p.lowRank !== undefined && F !== null) subtractLowRank(p, p.lowRank, wu, T, F);
  const K = p.clusterings.map(({ nClusters }, x) => {
    const Tx = T[x]!;
    const Lx = L[x]!;
    const Kx = new Float64Array(nClusters * H * q);
    for (let g = 0; g < nClusters; g++) {
      for (let h = 0; h < H; h++) {
        for (let i = 0; i < q; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += RA[i + j * q]! * Tx[(g * H + h) * k + j]! - Lx[g * q * k + i + j * q]! * S[h * k + j]!;
          Kx[(g * H + h) * q + i] = s;
        }
      }
    }
    return Kx;
  });
  return { a, K };
}

/** T_x[g,h] −= (X̃_gᵀW_gZ_g)·C·(D₂ᵀW(u∘1_h)): the part of u∘1_h that the non-nested fixed effects absorb. */
function subtractLowRank(p: WildProblem, lowRank: NonNullable<WildProblem['lowRank']>, wu: Float64Array, T: Float64Array[], Fs: Float64Array[]): void {
  const { n, k } = p;
  const { L, C, codes, offsets } = lowRank;
  const H = p.bootClusters.nClusters;
  const boot = p.bootClusters.codes;
  // E[h] = D₂ᵀW(u∘1_h), then CE[h] = C·E[h]
  const E = new Float64Array(H * L);
  codes.forEach((fe, f) => {
    const offset = offsets[f]!;
    for (let i = 0; i < n; i++) E[boot[i]! * L + offset + fe[i]!]! += wu[i]!;
  });
  const CE = new Float64Array(H * L);
  for (let h = 0; h < H; h++) {
    for (let a = 0; a < L; a++) {
      let s = 0;
      for (let b = 0; b < L; b++) s += C[a + b * L]! * E[h * L + b]!;
      CE[h * L + a] = s;
    }
  }
  p.clusterings.forEach(({ nClusters }, x) => {
    const F = Fs[x]!;
    const Tx = T[x]!;
    for (let c = 0; c < nClusters; c++) {
      for (let h = 0; h < H; h++) {
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let l = 0; l < L; l++) s += F[(c * k + j) * L + l]! * CE[h * L + l]!;
          Tx[(c * H + h) * k + j]! -= s;
        }
      }
    }
  });
}

/** F_x[g] = X̃_gᵀW_gZ_g (k×L per cluster g of clustering x): does not depend on the residuals. */
function lowRankProducts(p: WildProblem): Float64Array[] | null {
  if (p.lowRank === undefined) return null;
  const { k, X, weights } = p;
  const { L, zProducts } = p.lowRank;
  return p.clusterings.map(({ codes: g, nClusters }) => {
    const F = new Float64Array(nClusters * k * L);
    for (let j = 0; j < k; j++) {
      const xj = X[j]!;
      const wx = weights === undefined ? xj : Float64Array.from(xj, (value, i) => value * weights[i]!);
      const products = zProducts(wx, g, nClusters);
      for (let c = 0; c < nClusters; c++) for (let l = 0; l < L; l++) F[(c * k + j) * L + l] = products[c * L + l]!;
    }
    return F;
  });
}

/** RVRᵀ of the sample (q×q): Σ_x factor_x Σ_g (RA X̃_gᵀW_gû_g)(…)ᵀ. */
function sampleVariance(p: WildProblem, RA: Float64Array): Float64Array {
  const { n, k, q, X, weights, residuals } = p;
  const V = new Float64Array(q * q);
  for (const { codes, nClusters, factor } of p.clusterings) {
    const sums = new Float64Array(nClusters * k);
    for (let j = 0; j < k; j++) {
      const x = X[j]!;
      for (let i = 0; i < n; i++) sums[codes[i]! * k + j]! += x[i]! * (weights === undefined ? 1 : weights[i]!) * residuals[i]!;
    }
    const c = new Float64Array(q);
    for (let g = 0; g < nClusters; g++) {
      for (let i = 0; i < q; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += RA[i + j * q]! * sums[g * k + j]!;
        c[i] = s;
      }
      for (let i = 0; i < q; i++) for (let l = 0; l < q; l++) V[i + l * q]! += factor * c[i]! * c[l]!;
    }
  }
  return V;
}

/** Rβ̂ (q). */
function restrictedEstimate(p: WildProblem): Float64Array {
  const out = new Float64Array(p.q);
  for (let i = 0; i < p.q; i++) for (let j = 0; j < p.k; j++) out[i]! += p.R[i + j * p.q]! * p.coefficients[j]!;
  return out;
}

/**
 * The residuals to bootstrap at r: û (WCU), or the restricted ones û + X̃AR'(RAR')⁻¹(Rβ̂ − r)
 * (WCR), returned as u₀ + r·u₁ for q = 1 (u₁ = 0 under WCU).
 */
function residualsAt(p: WildProblem, RA: Float64Array, rValue: Float64Array): { u0: Float64Array; u1: Float64Array | null } {
  const { n, k, q, X } = p;
  if (!p.impose) return { u0: p.residuals, u1: null };
  // M = RAR' (q×q), its inverse; direction d = A R' M⁻¹ (k×q) = RAᵀ M⁻¹ since A is symmetric.
  const M = new Float64Array(q * q);
  for (let i = 0; i < q; i++) for (let l = 0; l < q; l++) for (let j = 0; j < k; j++) M[i + l * q]! += RA[i + j * q]! * p.R[l + j * q]!;
  const Minv = invertSymmetric(M, q, 'wildBootstrap');
  const est = restrictedEstimate(p);
  const d = new Float64Array(k * q);
  for (let j = 0; j < k; j++) for (let l = 0; l < q; l++) for (let i = 0; i < q; i++) d[j + l * k]! += RA[i + j * q]! * Minv[i + l * q]!;
  const Xd = (coef: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let j = 0; j < k; j++) {
      const x = X[j]!;
      const c = coef[j]!;
      if (c !== 0) for (let i = 0; i < n; i++) out[i]! += x[i]! * c;
    }
    return out;
  };
  if (q === 1) {
    // u(r) = û + X̃ d (Rβ̂ − r) = [û + X̃ d Rβ̂] + r·[−X̃ d]
    const shift = Xd(d);
    const u0 = new Float64Array(n);
    const u1 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      u0[i] = p.residuals[i]! + shift[i]! * est[0]!;
      u1[i] = -shift[i]!;
    }
    return { u0, u1 };
  }
  const gap = Float64Array.from(est, (e, i) => e - rValue[i]!);
  const coef = new Float64Array(k);
  for (let j = 0; j < k; j++) for (let l = 0; l < q; l++) coef[j]! += d[j + l * k]! * gap[l]!;
  const shift = Xd(coef);
  return { u0: Float64Array.from(p.residuals, (e, i) => e + shift[i]!), u1: null };
}

/**
 * Wild cluster bootstrap of one restriction (q = 1): the per-draw polynomials in r.
 *
 * @throws {CausalPanelError} `invalid_option` when enumeration is asked for too many clusters
 * @example
 * const boot = wildBootstrapT(problem, { weights: 'rademacher', B: 999, seed: 1, enumerate: false });
 * boot.B; // 999
 */
export function wildBootstrapT(p: WildProblem, options: WildDrawOptions): WildBootstrapT {
  if (p.q !== 1) throw new CausalPanelError('invalid_option', `wildBootstrapT: one restriction expected (q = ${p.q})`, { fn: 'wildBootstrapT', value: p.q });
  const RA = restrictionTimesBread(p);
  const L = clusterGramTerms(p, RA);
  const { u0, u1 } = residualsAt(p, RA, p.r);
  const F = lowRankProducts(p);
  const P0 = piecesFor(p, u0, RA, L, F);
  const P1 = u1 === null ? null : piecesFor(p, u1, RA, L, F);
  const H = p.bootClusters.nClusters;
  const B = drawCount(options, H);
  const out = { n0: new Float64Array(B), n1: new Float64Array(B), cc: new Float64Array(B), cd: new Float64Array(B), dd: new Float64Array(B) };
  const nClusters = p.clusterings.map((c) => c.nClusters);
  const factors = p.clusterings.map((c) => c.factor);
  const inputs: TDrawInputs = { H, nClusters, factors, a0: P0.a, a1: P1?.a ?? null, K0: P0.K, K1: P1?.K ?? null };
  runDraws(
    options,
    { H, B, kernel: 'wildBootstrapT', inputs: { a0: P0.a, K0: concat(P0.K), ...(P1 !== null ? { a1: P1.a, K1: concat(P1.K) } : {}) }, params: { nClusters, factors }, outputs: out },
    (weights, from, to, target) => tDrawRange(inputs, weights, from, to, target),
  );
  const { n0, n1, cc, cd, dd } = out;
  const V = sampleVariance(p, RA);
  return { estimate: restrictedEstimate(p)[0]!, se: Math.sqrt(V[0]!), impose: p.impose, B, enumerated: options.enumerate, n0, n1, cc, cd, dd };
}

/**
 * Wild cluster bootstrap of q ≥ 1 restrictions at one r: Wald statistic W = (Rβ̂ − r)ᵀ(RVRᵀ)⁻¹(Rβ̂ − r)
 * and its draws W*_b (WCR: numerator R(β*_b − r); WCU: R(β*_b − β̂)).
 *
 * @throws {CausalPanelError} `invalid_option` when enumeration is asked for too many clusters
 * @example
 * wildBootstrapWald(problem2, { weights: 'rademacher', B: 512, seed: 1, enumerate: true }).waldBoot.length; // 512
 */
export function wildBootstrapWald(p: WildProblem, options: WildDrawOptions): WildBootstrapWald {
  const q = p.q;
  const RA = restrictionTimesBread(p);
  const L = clusterGramTerms(p, RA);
  const { u0, u1 } = residualsAt(p, RA, p.r);
  // With q = 1 residualsAt returns u(r) as u0 + r·u1.
  const u = u1 === null ? u0 : Float64Array.from(u0, (e, i) => e + p.r[0]! * u1[i]!);
  const P = piecesFor(p, u, RA, L, lowRankProducts(p));
  const H = p.bootClusters.nClusters;
  const B = drawCount(options, H);
  const V = sampleVariance(p, RA);
  const est = restrictedEstimate(p);
  const gap = Float64Array.from(est, (e, i) => e - p.r[i]!);
  const wald = quadraticForm(V, gap, q);
  const waldBoot = new Float64Array(B);
  const nClusters = p.clusterings.map((c) => c.nClusters);
  const factors = p.clusterings.map((c) => c.factor);
  const inputs: WaldDrawInputs = { H, q, nClusters, factors, a: P.a, K: P.K };
  runDraws(
    options,
    { H, B, kernel: 'wildBootstrapWald', inputs: { a: P.a, K: concat(P.K) }, params: { q, nClusters, factors }, outputs: { waldBoot } },
    (weights, from, to, target) => waldDrawRange(inputs, weights, from, to, target),
  );
  return { wald, waldBoot, B, enumerated: options.enumerate };
}
