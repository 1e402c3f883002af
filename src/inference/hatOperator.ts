/**
 * The hat matrix of a least-squares model whose fixed effects were absorbed, as the model with the
 * dummies would have it, without forming the dummies of the largest fixed effect: what CR2
 * (`cr2.ts`) and the leverage of HC2/HC3 (`fixefLeverage.ts`) need.
 *
 * With X = [D, X_o] and weights W, let Q = X(XᵀWX)⁻Xᵀ (so that H = QW is the hat matrix). Write
 * D = [D₁, D₂] with D₁ the fixed effect with the most levels and D₂ the dummies of the others.
 * Partitioned projection (Frisch–Waugh–Lovell, twice):
 *
 *   Q = Q₁ + U K Uᵀ,  Q₁ = D₁(D₁ᵀWD₁)⁻¹D₁ᵀ,  U = [D̃₂, X̃],  K = blockdiag((D̃₂ᵀWD̃₂)⁺, (X̃ᵀWX̃)⁻¹),
 *
 * where D̃₂ is D₂ with its D₁-level weighted means removed (exact, one pass per column) and X̃ the
 * regressors demeaned by all fixed effects. Q₁ is block-constant: Q₁[i, l] = 1{a(i) = a(l)}/S_a,
 * S_a = Σ_{m in level a} w_m. The pseudo-inverse (D̃₂ᵀWD̃₂)⁺ drops the directions in which the
 * dummies are collinear (one per extra fixed effect and connected component): eigenvalues
 * ≤ 1e-11 · the largest. So every entry of Q is exact arithmetic on n×(L₂ + k) arrays,
 * L₂ = Σ levels of the other fixed effects; this is used while n·(L₂ + k) ≤ 4·10⁷ and L₂ ≤ 600.
 * Beyond that, {@link iterativeHat} applies the same operator through `numerics/demean.ts`
 * (Q_D v = W⁻¹v − demean_W(W⁻¹v)), to a tolerance of 1e-13.
 *
 * The operator both provide: (I − WQ)v for a batch of vectors, and the CR2 block
 * G_g = [(I − QW)(I − WQ)]_gg on a cluster's rows (= I − Q_gg without weights).
 *
 * Dimension symbols: n = rows, k = regressors, L₂ = levels of the fixed effects after the first.
 */
import { CausalPanelError } from '../errors.js';
import { demean, type FixedEffectCodes } from '../numerics/demean.js';
import { symmetricEigen } from '../numerics/symmetricEigen.js';

/** The arrays of a fitted least-squares model that its hat matrix depends on. */
export interface HatInputs {
  /** Calling function, for messages. */
  fn: string;
  n: number;
  k: number;
  /** X̃: the regressors demeaned by every fixed effect (k columns). */
  columns: readonly Float64Array[];
  /** (X̃ᵀWX̃)⁻¹, k×k column-major. */
  bread: Float64Array;
  weights?: Float64Array | undefined;
  fixedEffects: readonly FixedEffectCodes[];
}

/** The full model's hat-matrix operations. */
export interface HatOperator {
  /** (I − WQ)v for each vector (new arrays). */
  residualize(vectors: readonly Float64Array[]): Float64Array[];
  /** G = [(I − QW)(I − WQ)] on `rows` × `rows` (m×m column-major, m = rows.length). */
  adjustmentBlock(rows: Int32Array): Float64Array;
  /** Diagonal of the hat matrix QW: the leverage. */
  leverage(): Float64Array;
  /**
   * The Gram matrix P[g, h] = ((I − WQ)z^s_g)ᵀ(I − WQ)z^t_h (J×J column-major) of vectors that
   * live on one cluster's rows each (`zs[g]` on `blocks[g]`), without forming them (exact path only).
   */
  residualGram?(blocks: readonly Int32Array[], zs: readonly Float64Array[], zt: readonly Float64Array[]): Float64Array;
}

const MAX_LEVELS = 600;
const MAX_CELLS = 4e7;

/** `fixedEffectLeverage`-style per-level sums over D₁. */
function levelSums(codes: Int32Array, nLevels: number, n: number, weights: Float64Array | undefined, power: 1 | 2): Float64Array {
  const s = new Float64Array(nLevels);
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    s[codes[i]!]! += power === 1 ? w : w * w;
  }
  return s;
}

/**
 * The exact operator of the header, or null when the arrays it needs would be too large.
 *
 * @example
 * exactHat({ fn: 'feols', n, k, columns, bread, fixedEffects })?.leverage();
 */
export function exactHat(inputs: HatInputs): HatOperator | null {
  const { n, k, columns, bread, weights, fixedEffects } = inputs;
  const q = fixedEffects.length;
  let first = -1;
  for (let p = 0; p < q; p++) if (first < 0 || fixedEffects[p]!.nLevels > fixedEffects[first]!.nLevels) first = p;
  const others = fixedEffects.filter((_, p) => p !== first);
  const L2 = others.reduce((s, fe) => s + fe.nLevels, 0);
  const L = L2 + k;
  if (L2 > MAX_LEVELS || n * L > MAX_CELLS) return null;
  const D1 = first >= 0 ? fixedEffects[first]! : null;
  const S1 = D1 === null ? null : levelSums(D1.codes, D1.nLevels, n, weights, 1);
  const inv1 = S1 === null ? null : Float64Array.from(S1, (s) => (s > 0 ? 1 / s : 0));
  const wOf = (i: number): number => (weights === undefined ? 1 : weights[i]!);
  // U = [D̃₂, X̃] (n×L column-major).
  const U = new Float64Array(n * L);
  let offset = 0;
  const means = D1 === null ? null : new Float64Array(D1.nLevels);
  for (const fe of others) {
    for (let l = 0; l < fe.nLevels; l++) {
      const col = (offset + l) * n;
      for (let i = 0; i < n; i++) if (fe.codes[i] === l) U[col + i] = 1;
      if (D1 !== null) {
        means!.fill(0);
        for (let i = 0; i < n; i++) if (U[col + i] !== 0) means![D1.codes[i]!]! += wOf(i);
        for (let i = 0; i < n; i++) U[col + i]! -= means![D1.codes[i]!]! * inv1![D1.codes[i]!]!;
      }
    }
    offset += fe.nLevels;
  }
  for (let j = 0; j < k; j++) U.set(columns[j]!, (L2 + j) * n);
  // K = blockdiag((D̃₂ᵀWD̃₂)⁺, B).
  const K = new Float64Array(L * L);
  if (L2 > 0) {
    const G2 = new Float64Array(L2 * L2);
    for (let b = 0; b < L2; b++) {
      for (let a = 0; a <= b; a++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += U[a * n + i]! * wOf(i) * U[b * n + i]!;
        G2[a + b * L2] = s;
        G2[b + a * L2] = s;
      }
    }
    const { values, vectors } = symmetricEigen(G2, L2);
    let max = 0;
    for (const v of values) max = Math.max(max, v);
    for (let e = 0; e < L2; e++) {
      if (!(values[e]! > 1e-11 * max)) continue;
      const inv = 1 / values[e]!;
      for (let b = 0; b < L2; b++) {
        const vb = vectors[b + e * L2]! * inv;
        for (let a = 0; a < L2; a++) K[a + b * L]! += vectors[a + e * L2]! * vb;
      }
    }
  }
  for (let b = 0; b < k; b++) for (let a = 0; a < k; a++) K[L2 + a + (L2 + b) * L] = bread[a + b * k]!;
  // V = U K (n×L): Q[i, l] = 1{a(i) = a(l)}/S_a + U_i·V_l.
  const V = new Float64Array(n * L);
  for (let b = 0; b < L; b++) {
    for (let a = 0; a < L; a++) {
      const kab = K[a + b * L]!;
      if (kab === 0) continue;
      for (let i = 0; i < n; i++) V[b * n + i]! += U[a * n + i]! * kab;
    }
  }
  const q1 = (i: number, l: number): number => (D1 === null || D1.codes[i] !== D1.codes[l] ? 0 : inv1![D1.codes[i]!]!);
  const dotUV = (i: number, l: number): number => {
    let s = 0;
    for (let c = 0; c < L; c++) s += U[c * n + i]! * V[c * n + l]!;
    return s;
  };
  // QW²Q (weighted blocks, and every Satterthwaite Gram): R_a = Σ_{m in a} w_m² U_m / S_a,
  // S2_a = Σ_{m in a} w_m², UᵀW²U; and Y = V (UᵀW²U) for the weighted blocks.
  let R: Float64Array | null = null;
  let S2: Float64Array | null = null;
  let Y: Float64Array | null = null;
  const w2 = (i: number): number => (weights === undefined ? 1 : weights[i]! * weights[i]!);
  if (D1 !== null) {
    S2 = levelSums(D1.codes, D1.nLevels, n, weights, 2);
    R = new Float64Array(D1.nLevels * L);
    for (let c = 0; c < L; c++) for (let i = 0; i < n; i++) R[D1.codes[i]! * L + c]! += w2(i) * U[c * n + i]!;
    for (let a = 0; a < D1.nLevels; a++) for (let c = 0; c < L; c++) R[a * L + c]! *= inv1![a]!;
  }
  const UW2U = new Float64Array(L * L);
  for (let b = 0; b < L; b++) {
    for (let a = 0; a <= b; a++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += U[a * n + i]! * w2(i) * U[b * n + i]!;
      UW2U[a + b * L] = s;
      UW2U[b + a * L] = s;
    }
  }
  if (weights !== undefined) {
    Y = new Float64Array(n * L);
    for (let b = 0; b < L; b++) for (let a = 0; a < L; a++) {
      const f = UW2U[a + b * L]!;
      if (f === 0) continue;
      for (let i = 0; i < n; i++) Y[b * n + i]! += V[a * n + i]! * f;
    }
  }
  return {
    residualize(vectors) {
      return vectors.map((v) => {
        // Qv = Q₁v + V(Uᵀv); Uᵀv and the level sums read only v's non-zero rows (a cluster's).
        const support: number[] = [];
        for (let i = 0; i < n; i++) if (v[i] !== 0) support.push(i);
        const utv = new Float64Array(L);
        for (let c = 0; c < L; c++) {
          let s = 0;
          for (const i of support) s += U[c * n + i]! * v[i]!;
          utv[c] = s;
        }
        const qv = new Float64Array(n);
        if (D1 !== null) {
          const levelSum = new Float64Array(D1.nLevels);
          for (const i of support) levelSum[D1.codes[i]!]! += v[i]!;
          for (let i = 0; i < n; i++) qv[i] = levelSum[D1.codes[i]!]! * inv1![D1.codes[i]!]!;
        }
        for (let c = 0; c < L; c++) {
          const f = utv[c]!;
          if (f === 0) continue;
          const offset = c * n;
          for (let i = 0; i < n; i++) qv[i]! += V[offset + i]! * f;
        }
        const out = Float64Array.from(v);
        for (let i = 0; i < n; i++) out[i]! -= wOf(i) * qv[i]!;
        return out;
      });
    },
    adjustmentBlock(rows) {
      const m = rows.length;
      const G = new Float64Array(m * m);
      for (let b = 0; b < m; b++) {
        const l = rows[b]!;
        for (let a = 0; a <= b; a++) {
          const i = rows[a]!;
          const Qil = q1(i, l) + dotUV(i, l);
          let g: number;
          if (weights === undefined) {
            g = (a === b ? 1 : 0) - Qil;
          } else {
            // [QW²Q]_il = 1{a(i) = a(l)} S2/S² + R_a(i)·V_l + V_i·R_a(l) + V_i·Y_l.
            let qwwq = 0;
            if (D1 !== null) {
              const ai = D1.codes[i]!;
              const al = D1.codes[l]!;
              if (ai === al) qwwq += S2![ai]! * inv1![ai]! * inv1![ai]!;
              for (let c = 0; c < L; c++) qwwq += R![ai * L + c]! * V[c * n + l]! + V[c * n + i]! * R![al * L + c]!;
            }
            for (let c = 0; c < L; c++) qwwq += V[c * n + i]! * Y![c * n + l]!;
            g = (a === b ? 1 : 0) - Qil * (weights[l]! + weights[i]!) + qwwq;
          }
          G[a + b * m] = g;
          G[b + a * m] = g;
        }
      }
      return G;
    },
    leverage() {
      const h = new Float64Array(n);
      for (let i = 0; i < n; i++) h[i] = wOf(i) * (q1(i, i) + dotUV(i, i));
      return h;
    },
    residualGram(blocks, zs, zt) {
      // P[g, h] = z_gᵀ(I − QW)(I − WQ)z_h for vectors living on one cluster's rows each:
      //   δ z_g·z_h − z_gᵀQWz_h − z_gᵀWQz_h + z_gᵀQW²Qz_h, with Q = Q₁ + U K Uᵀ (header), so only
      //   each cluster's rows are read: level sums of z and wz, a = Uᵀz, aw = UᵀWz, b = K a, …
      const J = blocks.length;
      const summarise = (z: readonly Float64Array[]) =>
        blocks.map((rows, g) => {
          const v = z[g]!;
          const a = new Float64Array(L);
          const aw = new Float64Array(L);
          const levels = new Map<number, [number, number]>();
          rows.forEach((row, t) => {
            const x = v[t]!;
            if (x === 0) return;
            const wx = wOf(row) * x;
            for (let c = 0; c < L; c++) {
              a[c]! += U[c * n + row]! * x;
              aw[c]! += U[c * n + row]! * wx;
            }
            if (D1 !== null) {
              const lv = D1.codes[row]!;
              const cell = levels.get(lv);
              if (cell === undefined) levels.set(lv, [x, wx]);
              else {
                cell[0] += x;
                cell[1] += wx;
              }
            }
          });
          const times = (M: Float64Array, x: Float64Array): Float64Array => {
            const out = new Float64Array(L);
            for (let c = 0; c < L; c++) {
              const f = x[c]!;
              if (f === 0) continue;
              for (let r = 0; r < L; r++) out[r]! += M[r + c * L]! * f;
            }
            return out;
          };
          const b = times(K, a);
          const bw = times(K, aw);
          const r = new Float64Array(L);
          for (const [lv, [x]] of levels) for (let c = 0; c < L; c++) r[c]! += x * R![lv * L + c]!;
          return { v, a, aw, b, bw, r, m2b: times(UW2U, b), levels };
        });
      const S = summarise(zs);
      const T = zt === zs ? S : summarise(zt);
      const dot = (x: Float64Array, y: Float64Array): number => {
        let s = 0;
        for (let c = 0; c < L; c++) s += x[c]! * y[c]!;
        return s;
      };
      const P = new Float64Array(J * J);
      for (let g = 0; g < J; g++) {
        const sg = S[g]!;
        for (let h = 0; h < J; h++) {
          const th = T[h]!;
          let p = -dot(sg.a, th.bw) - dot(sg.aw, th.b) + dot(sg.r, th.b) + dot(sg.b, th.r) + dot(sg.b, th.m2b);
          if (D1 !== null) {
            const [small, large, swap] = sg.levels.size <= th.levels.size ? [sg.levels, th.levels, false] : [th.levels, sg.levels, true];
            for (const [lv, cellSmall] of small) {
              const cellLarge = large.get(lv);
              if (cellLarge === undefined) continue;
              const [gs, gw] = swap ? cellLarge : cellSmall;
              const [hs, hw] = swap ? cellSmall : cellLarge;
              const inv = inv1![lv]!;
              p += -(gs * hw + gw * hs) * inv + gs * hs * S2![lv]! * inv * inv;
            }
          }
          if (g === h) for (let t = 0; t < sg.v.length; t++) p += sg.v[t]! * th.v[t]!;
          P[g + h * J] = p;
        }
      }
      return P;
    },
  };
}

/**
 * The same operator through iterative demeaning (any number of levels; slower: the indicator
 * columns of a block are demeaned, n numbers each).
 *
 * @throws {CausalPanelError} `no_convergence` when the demeaning does not converge
 * @example
 * iterativeHat({ fn: 'feols', n, k, columns, bread, fixedEffects }).leverage();
 */
export function iterativeHat(inputs: HatInputs): HatOperator {
  const { n, k, columns, bread, weights, fixedEffects, fn } = inputs;
  const residualize = (vectors: readonly Float64Array[]): Float64Array[] => {
    const m = vectors.length;
    if (m === 0) return [];
    const xtv = new Float64Array(k * m);
    vectors.forEach((v, c) => {
      for (let j = 0; j < k; j++) {
        const x = columns[j]!;
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i]! * v[i]!;
        xtv[j + c * k] = s;
      }
    });
    let out: Float64Array[];
    if (fixedEffects.length > 0) {
      // W Q_D v = v − W·demean_W(W⁻¹v).
      const scaled = vectors.map((v) => (weights === undefined ? v : Float64Array.from(v, (x, i) => x / weights[i]!)));
      const result = demean(scaled, [...fixedEffects], { weights, tolerance: 1e-13 });
      if (!result.converged) {
        throw new CausalPanelError('no_convergence', `${fn}: the fixed-effect projection of the hat matrix did not converge (${result.iterations} sweeps)`, { fn });
      }
      out = result.columns.map((v) => (weights === undefined ? v : Float64Array.from(v, (x, i) => x * weights[i]!)));
    } else {
      out = vectors.map((v) => Float64Array.from(v));
    }
    // − W X̃ B X̃ᵀv.
    for (let c = 0; c < m; c++) {
      const v = out[c]!;
      for (let a = 0; a < k; a++) {
        let b = 0;
        for (let l = 0; l < k; l++) b += bread[a + l * k]! * xtv[l + c * k]!;
        if (b === 0) continue;
        const x = columns[a]!;
        for (let i = 0; i < n; i++) v[i]! -= (weights === undefined ? 1 : weights[i]!) * x[i]! * b;
      }
    }
    return out;
  };
  const indicators = (rows: Int32Array): Float64Array[] =>
    Array.from(rows, (row) => {
      const e = new Float64Array(n);
      e[row] = 1;
      return e;
    });
  return {
    residualize,
    adjustmentBlock(rows) {
      const m = rows.length;
      const Z = residualize(indicators(rows));
      const G = new Float64Array(m * m);
      for (let b = 0; b < m; b++) {
        for (let a = 0; a <= b; a++) {
          let g = 0;
          // Without weights (I − Q) is a symmetric idempotent: ZᵀZ is the block's rows of Z.
          if (weights === undefined) g = 0.5 * (Z[b]![rows[a]!]! + Z[a]![rows[b]!]!);
          else for (let i = 0; i < n; i++) g += Z[a]![i]! * Z[b]![i]!;
          G[a + b * m] = g;
          G[b + a * m] = g;
        }
      }
      return G;
    },
    leverage() {
      const h = new Float64Array(n);
      const BATCH = 128;
      for (let start = 0; start < n; start += BATCH) {
        const rows = Int32Array.from({ length: Math.min(n, start + BATCH) - start }, (_, t) => start + t);
        const Z = residualize(indicators(rows));
        rows.forEach((row, t) => (h[row] = 1 - Z[t]![row]!));
      }
      return h;
    },
  };
}

/**
 * The exact operator where it fits in memory, else the iterative one.
 *
 * @example
 * hatOperator({ fn: 'feols', n, k, columns, bread, fixedEffects }).adjustmentBlock(rows);
 */
export function hatOperator(inputs: HatInputs): HatOperator {
  return exactHat(inputs) ?? iterativeHat(inputs);
}
