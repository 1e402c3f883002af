/**
 * Kenward–Roger adjusted variance and degrees of freedom for the fixed effects of a REML fit, as
 * pbkrtest computes them (Kenward & Roger 1997, Biometrics 53:983; Halekoh & Højsgaard 2014,
 * J. Stat. Softw. 59(9); pbkrtest R/KR_vcovAdj.R `vcovAdj_internal`, R/KR_Sigma_G2.R
 * `.get_SigmaG`, R/get_info_functions.R `Lb_ddf`).
 *
 * Σ = Σᵣ γᵣ Gᵣ + σ² I with one Gᵣ = Zₖ (I ⊗ Eₐᵦ) Zₖᵀ per covariance parameter of a term
 * (Eₐᵦ = eₐeᵦᵀ + eᵦeₐᵀ, or eₐeₐᵀ). From Pᵣ = −XᵀΣ⁻¹GᵣΣ⁻¹X, Qᵣₛ = XᵀΣ⁻¹GᵣΣ⁻¹GₛΣ⁻¹X and
 * tr(GᵣΣ⁻¹GₛΣ⁻¹): the information IE2, W = 2 IE2⁻¹, U = Σ Wᵣₛ(Qᵣₛ − PᵣΦPₛ) and Φ_A = Φ + 2ΦUΦ;
 * the df of a contrast from A₁, A₂ and pbkrtest's ρ.
 *
 * pbkrtest forms Σ⁻¹ as an n × n matrix. Here every random term must share one grouping factor,
 * so Σ is block diagonal by its levels and every product is a sum over groups of small dense
 * blocks (no n × n matrix); other designs are refused with a typed error.
 *
 * Dimension symbols: n observations, p fixed effects, m covariance parameters (+ σ²), nᵍ rows of a group.
 */
import { CausalPanelError } from '../../errors.js';
import { invertSymmetric } from '../../numerics/cholesky.js';
import { symmetricEigen } from '../../numerics/symmetricEigen.js';
import { termFactor, type ReTerm } from './reTerms.js';

/**
 * Φ_A and what the df of any contrast needs.
 *
 * @example
 * const kr = kenwardRoger(terms, X, n, p, theta, sigma, vcov);
 * kenwardRogerDf(kr, vcov, [0, 1, 0]);
 */
export interface KenwardRoger {
  /** Adjusted variance Φ_A (p × p, column-major). */
  vcovAdj: Float64Array;
  /** Pᵣ (p × p each). */
  P: Float64Array[];
  /** W = 2 IE2⁻¹ (m × m). */
  W: Float64Array;
  p: number;
  m: number;
}

interface Generator {
  /** Term index, or −1 for the residual identity. */
  term: number;
  a: number;
  b: number;
}

function mul(A: Float64Array, B: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let j = 0; j < c; j++) {
    for (let t = 0; t < k; t++) {
      const b = B[t + j * k]!;
      if (b === 0) continue;
      for (let i = 0; i < r; i++) out[i + j * r]! += A[i + t * r]! * b;
    }
  }
  return out;
}

function transposeMul(A: Float64Array, B: Float64Array, k: number, r: number, c: number): Float64Array {
  // Aᵀ B with A k × r, B k × c.
  const out = new Float64Array(r * c);
  for (let j = 0; j < c; j++) {
    for (let i = 0; i < r; i++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += A[t + i * k]! * B[t + j * k]!;
      out[i + j * r] = s;
    }
  }
  return out;
}

/**
 * pbkrtest's `vcovAdj` for a REML fit whose random terms share one grouping factor.
 *
 * @throws {CausalPanelError} `invalid_option` when the terms have different grouping factors
 * @example kenwardRoger(terms, X, n, p, theta, sigma, vcov).vcovAdj;
 */
export function kenwardRoger(terms: readonly ReTerm[], X: Float64Array, n: number, p: number, theta: ArrayLike<number>, sigma: number, Phi: Float64Array): KenwardRoger {
  const group = terms[0]!.groupLabel;
  if (terms.some((t) => t.groupLabel !== group)) {
    throw new CausalPanelError('invalid_option', `lmm: ddf 'Kenward-Roger' needs every random term on one grouping factor (found ${[...new Set(terms.map((t) => t.groupLabel))].join(', ')}); use 'Satterthwaite'`, { fn: 'lmm', option: 'ddf', value: 'Kenward-Roger' });
  }
  const sigma2 = sigma * sigma;
  // Covariance of each term's effects: σ² T Tᵀ (pbkrtest's γ from VarCorr).
  const C = terms.map((t) => {
    const T = termFactor(theta, t.thetaOffset, t.p);
    const S = new Float64Array(t.p * t.p);
    for (let i = 0; i < t.p; i++) for (let j = 0; j < t.p; j++) {
      let s = 0;
      for (let k = 0; k < t.p; k++) s += T[i + k * t.p]! * T[j + k * t.p]!;
      S[i + j * t.p] = sigma2 * s;
    }
    return S;
  });
  const gens: Generator[] = [];
  terms.forEach((t, k) => {
    for (let a = 0; a < t.p; a++) for (let b = a; b < t.p; b++) gens.push({ term: k, a, b });
  });
  gens.push({ term: -1, a: 0, b: 0 });
  const m = gens.length;
  // Rows by group.
  const nLevels = terms[0]!.nLevels;
  const byGroup: number[][] = Array.from({ length: nLevels }, () => []);
  const codes = terms[0]!.codes;
  for (let i = 0; i < n; i++) byGroup[codes[i]!]!.push(i);
  const P = Array.from({ length: m }, () => new Float64Array(p * p));
  const Q = new Map<number, Float64Array>();
  const key = (r: number, s: number): number => r * m + s;
  for (let r = 0; r < m; r++) for (let s = r; s < m; s++) Q.set(key(r, s), new Float64Array(p * p));
  const K = new Float64Array(m * m);
  for (const rows of byGroup) {
    const ng = rows.length;
    if (ng === 0) continue;
    const zOf = (t: ReTerm, c: number, i: number): number => t.Z[rows[i]! + c * n]!;
    // Σ_g = Σₖ Zₖ Cₖ Zₖᵀ + σ² I
    const Sigma = new Float64Array(ng * ng);
    terms.forEach((t, k) => {
      const Ck = C[k]!;
      for (let i = 0; i < ng; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let a = 0; a < t.p; a++) for (let b = 0; b < t.p; b++) s += zOf(t, a, i) * Ck[a + b * t.p]! * zOf(t, b, j);
          Sigma[i + j * ng]! += s;
          if (i !== j) Sigma[j + i * ng]! += s;
        }
      }
    });
    for (let i = 0; i < ng; i++) Sigma[i + i * ng]! += sigma2;
    const S = invertSymmetric(Sigma, ng, 'lmm');
    const Xg = new Float64Array(ng * p);
    for (let j = 0; j < p; j++) for (let i = 0; i < ng; i++) Xg[i + j * ng] = X[rows[i]! + j * n]!;
    const TT = mul(S, Xg, ng, ng, p);
    // Gᵣ for this group, HHᵣ = Gᵣ S, OOᵣ = HHᵣ X.
    const HH: Float64Array[] = [];
    const OO: Float64Array[] = [];
    // S zₐ for every column of every term: Gᵣ = zₐzᵦᵀ + zᵦzₐᵀ has rank ≤ 2, so GᵣS = zₐ(Szᵦ)ᵀ + zᵦ(Szₐ)ᵀ.
    const z = terms.map((t) => Array.from({ length: t.p }, (_, a) => Float64Array.from({ length: ng }, (_, i) => zOf(t, a, i))));
    const Sz = z.map((cols) => cols.map((col) => mul(S, col, ng, ng, 1)));
    for (const g of gens) {
      let H: Float64Array;
      if (g.term < 0) H = Float64Array.from(S);
      else {
        const za = z[g.term]![g.a]!;
        const zb = z[g.term]![g.b]!;
        const va = Sz[g.term]![g.a]!;
        const vb = Sz[g.term]![g.b]!;
        H = new Float64Array(ng * ng);
        for (let j = 0; j < ng; j++) {
          for (let i = 0; i < ng; i++) H[i + j * ng] = g.a === g.b ? za[i]! * va[j]! : za[i]! * vb[j]! + zb[i]! * va[j]!;
        }
      }
      HH.push(H);
      OO.push(mul(H, Xg, ng, ng, p));
    }
    for (let r = 0; r < m; r++) {
      const Pr = transposeMul(OO[r]!, TT, ng, p, p);
      for (let c = 0; c < p * p; c++) P[r]![c]! -= Pr[c]!;
      const SO: Float64Array[] = [];
      for (let s = r; s < m; s++) {
        SO[s] ??= mul(S, OO[s]!, ng, ng, p);
        const Qrs = transposeMul(OO[r]!, SO[s]!, ng, p, p);
        const acc = Q.get(key(r, s))!;
        for (let c = 0; c < p * p; c++) acc[c]! += Qrs[c]!;
        // tr(HHᵣ HHₛ)
        let tr = 0;
        const Hr = HH[r]!;
        const Hs = HH[s]!;
        for (let a = 0; a < ng; a++) for (let b = 0; b < ng; b++) tr += Hr[b + a * ng]! * Hs[a + b * ng]!;
        K[r + s * m]! += tr;
        if (r !== s) K[s + r * m]! += tr;
      }
    }
  }
  // Symmetrise P (pbkrtest's forceSymmetric takes the upper triangle).
  for (const Pr of P) for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) Pr[j + i * p] = Pr[i + j * p]!;
  const trace = (A: Float64Array, B: Float64Array): number => {
    // sum(A ∘ B)
    let s = 0;
    for (let c = 0; c < p * p; c++) s += A[c]! * B[c]!;
    return s;
  };
  const IE2 = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const PhiPi = mul(Phi, P[i]!, p, p, p);
    for (let j = i; j < m; j++) {
      const PjPhi = mul(P[j]!, Phi, p, p, p);
      const v = K[i + j * m]! - 2 * trace(Phi, Q.get(key(i, j))!) + trace(PhiPi, PjPhi);
      IE2[i + j * m] = v;
      IE2[j + i * m] = v;
    }
  }
  const eig = symmetricEigen(IE2, m);
  const W = new Float64Array(m * m);
  const absolute = [...eig.values].map(Math.abs);
  const condition = Math.min(...absolute);
  for (let e = 0; e < m; e++) {
    const value = eig.values[e]!;
    // solve() when min |eigenvalue| > 1e-10, else MASS::ginv (singular values ≤ √ε·max dropped).
    if (condition <= 1e-10 && absolute[e]! <= Math.sqrt(2.220446049250313e-16) * Math.max(...absolute)) continue;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) W[a + b * m]! += (2 * eig.vectors[a + e * m]! * eig.vectors[b + e * m]!) / value;
  }
  const U = new Float64Array(p * p);
  const addTerm = (i: number, j: number, weight: number): void => {
    const PPhiP = mul(mul(P[i]!, Phi, p, p, p), P[j]!, p, p, p);
    const Qij = Q.get(key(i, j))!;
    for (let c = 0; c < p * p; c++) U[c]! += weight * (Qij[c]! - PPhiP[c]!);
  };
  for (let i = 0; i < m - 1; i++) for (let j = i + 1; j < m; j++) addTerm(i, j, W[i + j * m]!);
  const Ut = Float64Array.from(U);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) U[i + j * p] = Ut[i + j * p]! + Ut[j + i * p]!;
  for (let i = 0; i < m; i++) addTerm(i, i, W[i + i * m]!);
  const GG = mul(mul(Phi, U, p, p, p), Phi, p, p, p);
  const vcovAdj = Float64Array.from(Phi, (v, c) => v + 2 * GG[c]!);
  return { vcovAdj, P, W, p, m };
}

/**
 * pbkrtest's `Lb_ddf`: Kenward–Roger denominator df of the contrast(s) L (q × p rows).
 *
 * @example kenwardRogerDf(kr, vcov, [[0, 1, 0, 0]]); // e.g. 148.5
 */
export function kenwardRogerDf(kr: KenwardRoger, V0: Float64Array, L: readonly (readonly number[])[]): number {
  const { p, m, P, W } = kr;
  const q = L.length;
  // Θ = Lᵀ (L V0 Lᵀ)⁻¹ L
  const Lm = new Float64Array(q * p);
  L.forEach((row, a) => row.forEach((v, j) => (Lm[a + j * q] = v)));
  const LV = mul(Lm, V0, q, p, p);
  const LVL = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += LV[a + j * q]! * Lm[b + j * q]!;
    LVL[a + b * q] = s;
  }
  const inv = invertSymmetric(LVL, q, 'lmm');
  const Theta = transposeMul(Lm, mul(inv, Lm, q, q, p), q, p, p);
  const ThetaV0 = mul(Theta, V0, p, p, p);
  let A1 = 0;
  let A2 = 0;
  const u = P.map((Pi) => mul(mul(ThetaV0, Pi, p, p, p), V0, p, p, p));
  const spur = (A: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < p; i++) s += A[i + i * p]!;
    return s;
  };
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      const e = i === j ? 1 : 2;
      const ui = u[i]!;
      const uj = u[j]!;
      A1 += e * W[i + j * m]! * spur(ui) * spur(uj);
      let s = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s += ui[a + b * p]! * uj[b + a * p]!;
      A2 += e * W[i + j * m]! * s;
    }
  }
  const B = (1 / (2 * q)) * (A1 + 6 * A2);
  const g = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2);
  const c1 = g / (3 * q + 2 * (1 - g));
  const c2 = (q - g) / (3 * q + 2 * (1 - g));
  const c3 = (q + 2 - g) / (3 * q + 2 * (1 - g));
  let V0c = 1 + c1 * B;
  const V1 = 1 - c2 * B;
  const V2 = 1 - c3 * B;
  if (Math.abs(V0c) < 1e-10) V0c = 0;
  const x = 1 - A2 / q;
  const ratio = Math.abs(x) < 1e-14 && Math.abs(V1) < 1e-14 ? 1 : x / V1;
  const rho = (1 / q) * ratio * ratio * (V0c / V2);
  return 4 + (q + 2) / (q * rho - 1);
}
