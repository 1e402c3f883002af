/**
 * 2×2 DiD ATT on panel data with its influence function: DRDID 1.2's `drdid_panel` (locally
 * efficient doubly robust, Sant'Anna & Zhao 2020), `std_ipw_did_panel` (Abadie 2005) and
 * `reg_did_panel` (Heckman, Ichimura & Todd 1997), on ΔY = Y₁ − Y₀ per unit.
 *
 * Three fused passes over the rows, each its own small function, and no n-length temporaries
 * besides ψ: the 2×2 runs once per ATT(g,t) cell of `attgt`, on up to millions of units
 * (docs/numerics.md, attgt). n = units of the 2×2 sample, k = design columns (intercept first).
 */
import { invertSymmetric } from '../../numerics/cholesky.js';
import { matvec } from '../../numerics/matrix.js';
import { checkConditioning, checkGroups, controlCrossproducts, normalizeWeights, type TwoByTwo, type TwoByTwoInputBase } from './drdid.js';
import { fitPropensity, ipwWeights, type IpwWeights } from './drdidPropensity.js';

const FN = 'drdid';
const REG = 0;
const IPW = 1;
const DR = 2;

/** Input of {@link drdidPanel}: one row per unit. */
export interface PanelTwoByTwoInput extends TwoByTwoInputBase {
  /** Y(post) − Y(pre) per unit. */
  deltaY: Float64Array;
  /** Optional buffer (length ≥ n) that receives ψ, to avoid an allocation per cell. */
  out?: Float64Array;
  /**
   * Precomputed outcome-regression pieces for this sample: (XᵀWX/n)⁻¹ over the controls (fixed
   * for a sample) and XᵀWΔY/n over the controls (computed while ΔY is built). Saves a pass.
   */
  ols?: { xpxInv: Float64Array; xty: Float64Array };
  /**
   * `weights` already normalised to mean 1 (or all ones without weights), as
   * {@link normalizeWeights} returns them: reused across cells on the same sample instead of an
   * n-length allocation per call. Takes precedence over `weights`.
   */
  normalizedWeights?: Float64Array;
}

/**
 * 2×2 DiD ATT on panel data with its influence function: DRDID's `drdid_panel` (`dr`),
 * `std_ipw_did_panel` (`ipw`) and `reg_did_panel` (`reg`).
 *
 * @throws {CausalPanelError} `no_treated_units`, `no_control_units`, `singular_design`
 * @example
 * const r = drdidPanel({ deltaY: Float64Array.of(3, 1, 2), D: Float64Array.of(1, 0, 0),
 *   X: Float64Array.of(1, 1, 1), k: 1, method: 'dr' });
 * r.att; // ≈ 1.5 (= 3 − mean(1, 2), to rounding)
 */
export function drdidPanel(input: PanelTwoByTwoInput): TwoByTwo {
  const fn = 'drdidPanel';
  const { deltaY, D, X, k, method } = input;
  const n = D.length;
  checkGroups(D, fn);
  const w = input.normalizedWeights ?? (input.weights ? normalizeWeights(input.weights, n) : new Float64Array(n).fill(1));
  const code = method === 'reg' ? REG : method === 'ipw' ? IPW : DR;

  // pass A: outcome regression of ΔY on X among controls, (XᵀWX/n)⁻¹ in DRDID's scaling
  const beta = new Float64Array(k);
  let xpxInv: Float64Array = new Float64Array(k * k);
  if (code !== IPW && input.ols) {
    xpxInv = input.ols.xpxInv;
    beta.set(matvec(xpxInv, k, k, input.ols.xty));
  } else if (code !== IPW) {
    const xpx = new Float64Array(k * k);
    const xty = new Float64Array(k);
    controlCrossproducts(deltaY, D, X, k, w, n, xpx, xty);
    checkConditioning(xpx, k);
    xpxInv = invertSymmetric(xpx, k, FN);
    beta.set(matvec(xpxInv, k, k, xty));
  }
  const pf = code !== REG ? input.propensity ?? fitPropensity(X, n, k, D, w) : undefined;
  const hessian = pf ? pf.hessian : new Float64Array(k * k);
  // treated / odds weights and logit scores: for reg both "weights" are w·D and the score is unused
  let iw: IpwWeights;
  if (pf) iw = ipwWeights(pf, D, w);
  else {
    const wD = product(w, D, n);
    iw = { wT: wD, wC: wD, score: wD };
  }

  // pass B: the means and moment vectors
  const sums = new Float64Array(4); // Σ wT·v, Σ wC·v, Σ wT, Σ wC
  const M1 = new Float64Array(k); // Σ wT x
  const M3 = new Float64Array(k); // Σ wC x
  const A = new Float64Array(k); // Σ wC·v·x
  momentsPass(code, deltaY, X, k, n, beta, iw.wT, iw.wC, sums, M1, M3, A);
  const mwT = sums[2]! / n;
  const mwC = sums[3]! / n;
  const etaTreat = sums[0]! / n / mwT;
  const etaCont = sums[1]! / n / mwC;
  for (let a = 0; a < k; a++) {
    M1[a] = M1[a]! / n;
    M3[a] = M3[a]! / n;
    A[a] = A[a]! / n - etaCont * M3[a]!; // colMeans(wC·(v − η_C)·x)
  }
  const a1 = code !== IPW ? matvec(xpxInv, k, k, M1) : M1;
  const a3 = code === DR ? matvec(xpxInv, k, k, M3) : M3;
  const b2 = code !== REG ? matvec(hessian, k, k, A) : A;

  // pass C: influence function
  const influence = input.out ? input.out.subarray(0, n) : new Float64Array(n);
  influencePass(code, deltaY, D, X, k, w, n, beta, iw.wT, iw.wC, iw.score, a1, a3, b2, etaTreat, etaCont, mwT, mwC, influence);
  return { att: etaTreat - etaCont, influence };
}

/** Elementwise a·b (length n). */
function product(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  return out;
}

/**
 * Pass B of {@link drdidPanel}: weighted sums of the outcome term v and the moment vectors. The
 * row loop runs over no rows, then over all n (an empty warm-up round, docs/numerics.md, attgt);
 * the accumulators start from the zeros it stores, so the sums are the same bits.
 */
function momentsPass(
  code: number,
  deltaY: Float64Array,
  X: Float64Array,
  k: number,
  n: number,
  beta: Float64Array,
  wTs: Float64Array,
  wCs: Float64Array,
  sums: Float64Array,
  M1: Float64Array,
  M3: Float64Array,
  A: Float64Array,
): void {
  // [ΣwT·v, ΣwC·v, ΣwT, ΣwC, M1₀..₂, M3₀..₂, A₀..₂]; columns 3.. accumulate in M1, M3, A
  const acc = new Float64Array(13);
  momentsRows(code, deltaY, X, k, n, beta, wTs, wCs, acc, M1, M3, A, 0);
  momentsRows(code, deltaY, X, k, n, beta, wTs, wCs, acc, M1, M3, A, n);
  for (let j = 0; j < 4; j++) sums[j] = acc[j]!;
  // the callers pass zeroed accumulators: adding to 0 keeps the bits of a sum accumulated in place
  for (let a = 0; a < Math.min(k, 3); a++) {
    M1[a] += acc[4 + a]!;
    M3[a] += acc[7 + a]!;
    A[a] += acc[10 + a]!;
  }
}

/**
 * The row loop of {@link momentsPass} over rows 0..rows−1, continuing the accumulators `acc`.
 * Columns 0–2 use scalar accumulators, columns 3.. accumulate in M1, M3, A; each sum runs over
 * the rows in order, so the bits do not depend on which kind holds it.
 */
function momentsRows(
  code: number,
  deltaY: Float64Array,
  X: Float64Array,
  k: number,
  n: number,
  beta: Float64Array,
  wTs: Float64Array,
  wCs: Float64Array,
  acc: Float64Array,
  M1: Float64Array,
  M3: Float64Array,
  A: Float64Array,
  rows: number,
): void {
  let sT = acc[0]!;
  let sC = acc[1]!;
  let swT = acc[2]!;
  let swC = acc[3]!;
  let m10 = acc[4]!;
  let m11 = acc[5]!;
  let m12 = acc[6]!;
  let m30 = acc[7]!;
  let m31 = acc[8]!;
  let m32 = acc[9]!;
  let a0 = acc[10]!;
  let a1 = acc[11]!;
  let a2 = acc[12]!;
  const b0 = beta[0]!;
  const b1 = k > 1 ? beta[1]! : 0;
  const b2 = k > 2 ? beta[2]! : 0;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  for (let i = 0; i < rows; i++) {
    const x0 = X[i]!;
    const x1 = k > 1 ? X[o1 + i]! : 0;
    const x2 = k > 2 ? X[o2 + i]! : 0;
    let fit = 0;
    if (code !== IPW) {
      fit += x0 * b0;
      if (k > 1) fit += x1 * b1;
      if (k > 2) fit += x2 * b2;
      for (let a = 3; a < k; a++) fit += X[i + a * n]! * beta[a]!;
    }
    const wT = wTs[i]!;
    const wC = wCs[i]!;
    let v: number;
    if (code === REG) {
      // reg_did_panel: both means are over the treated (w.cont = w·D)
      sT += wT * deltaY[i]!;
      sC += wT * fit;
      v = 0;
    } else {
      v = code === DR ? deltaY[i]! - fit : deltaY[i]!;
      sT += wT * v;
      sC += wC * v;
    }
    swT += wT;
    swC += wC;
    m10 += wT * x0;
    m30 += wC * x0;
    a0 += wC * v * x0;
    if (k > 1) {
      m11 += wT * x1;
      m31 += wC * x1;
      a1 += wC * v * x1;
    }
    if (k > 2) {
      m12 += wT * x2;
      m32 += wC * x2;
      a2 += wC * v * x2;
    }
    for (let a = 3; a < k; a++) {
      const x = X[i + a * n]!;
      M1[a] += wT * x;
      M3[a] += wC * x;
      A[a] += wC * v * x;
    }
  }
  acc[0] = sT;
  acc[1] = sC;
  acc[2] = swT;
  acc[3] = swC;
  acc[4] = m10;
  acc[5] = m11;
  acc[6] = m12;
  acc[7] = m30;
  acc[8] = m31;
  acc[9] = m32;
  acc[10] = a0;
  acc[11] = a1;
  acc[12] = a2;
}

/** Pass C of {@link drdidPanel}: ψᵢ with the estimation-effect corrections of the nuisance fits. */
function influencePass(
  code: number,
  deltaY: Float64Array,
  D: Float64Array,
  X: Float64Array,
  k: number,
  w: Float64Array,
  n: number,
  beta: Float64Array,
  wTs: Float64Array,
  wCs: Float64Array,
  scores: Float64Array,
  a1: Float64Array,
  a3: Float64Array,
  b2: Float64Array,
  etaTreat: number,
  etaCont: number,
  mwT: number,
  mwC: number,
  influence: Float64Array,
): void {
  // k ≤ 3: the coefficient vectors in scalars (no typed-array loads per row and column); the
  // products are added in the same order as the generic loop, so the bits are the same
  const small = k <= 3;
  const o1 = k > 1 ? n : 0;
  const o2 = k > 2 ? 2 * n : 0;
  const beta0 = beta[0]!;
  const beta1 = k > 1 ? beta[1]! : 0;
  const beta2 = k > 2 ? beta[2]! : 0;
  const a10 = a1[0]!;
  const a11 = k > 1 ? a1[1]! : 0;
  const a12 = k > 2 ? a1[2]! : 0;
  const a30 = a3[0]!;
  const a31 = k > 1 ? a3[1]! : 0;
  const a32 = k > 2 ? a3[2]! : 0;
  const b20 = b2[0]!;
  const b21 = k > 1 ? b2[1]! : 0;
  const b22 = k > 2 ? b2[2]! : 0;
  for (let i = 0; i < n; i++) {
    let fit = 0;
    let xa1 = 0;
    let xa3 = 0;
    let xb2 = 0;
    if (small) {
      const x0 = X[i]!;
      fit += x0 * beta0;
      xa1 += x0 * a10;
      xa3 += x0 * a30;
      xb2 += x0 * b20;
      if (k > 1) {
        const x1 = X[o1 + i]!;
        fit += x1 * beta1;
        xa1 += x1 * a11;
        xa3 += x1 * a31;
        xb2 += x1 * b21;
      }
      if (k > 2) {
        const x2 = X[o2 + i]!;
        fit += x2 * beta2;
        xa1 += x2 * a12;
        xa3 += x2 * a32;
        xb2 += x2 * b22;
      }
    } else {
      for (let a = 0; a < k; a++) {
        const x = X[i + a * n]!;
        fit += x * beta[a]!;
        xa1 += x * a1[a]!;
        xa3 += x * a3[a]!;
        xb2 += x * b2[a]!;
      }
    }
    // w(1 − D)(ΔY − x'β)·x'(XᵀWX/n)⁻¹M: the outcome regression's linear representation
    const olsRes = code !== IPW ? w[i]! * (1 - D[i]!) * (deltaY[i]! - fit) : 0;
    const wT = wTs[i]!;
    if (code === REG) {
      influence[i] = (wT * deltaY[i]! - wT * etaTreat) / mwT - (wT * fit - wT * etaCont + olsRes * xa1) / mwT;
      continue;
    }
    const wC = wCs[i]!;
    const v = code === DR ? deltaY[i]! - fit : deltaY[i]!;
    // w(D − ps)·x'H·M2: the propensity score's linear representation
    const score = scores[i]!;
    if (code === IPW) {
      influence[i] = (wT * v - wT * etaTreat) / mwT - (wC * v - wC * etaCont + score * xb2) / mwC;
    } else {
      influence[i] = (wT * v - wT * etaTreat - olsRes * xa1) / mwT - (wC * v - wC * etaCont + score * xb2 - olsRes * xa3) / mwC;
    }
  }
}
