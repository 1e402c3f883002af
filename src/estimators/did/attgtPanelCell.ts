/**
 * One balanced-panel ATT(g,t) of `attgt` — DRDID's `drdid_panel` / `std_ipw_did_panel` /
 * `reg_did_panel` on ΔY = Y(t) − Y(base) — computed from sufficient statistics of its 2×2
 * sample (units sorted by cohort: a treated range and one or two comparison ranges, `flat`).
 *
 * Everything of the 2×2 except ΔY depends on the sample alone (the treatment indicator, design,
 * weights, propensity fit, trimmed IPW weights, (XᵀWX/n)⁻¹), and every sum DRDID forms is linear
 * in ΔY: Σ wT·v, Σ wC·v, Σ wC·v·x and XᵀWΔY, with v = ΔY − x'β, are differences of per-period
 * sums Σ wT·Y(t), Σ wC·Y(t), Σ wC·x·Y(t), Σ w(1 − D)·x·Y(t) minus fixed moments times β. So a
 * sample pays one pass per period for those sums, and each cell one pass writing its ψ column:
 *
 *   ψᵢ·n₁/n = αᵢ·(ΔYᵢ − xᵢ'β) + κ·eᵢ − scoreᵢ·xᵢ'h,
 *
 * with αᵢ (the weight of the residual in ψ), eᵢ = wTᵢ (treated) or wCᵢ (controls) and the
 * logit score wᵢ(Dᵢ − psᵢ) fixed per sample (pre-multiplied by n/n₁), and β, κ (one for the
 * treated range, one for the controls) and h = H·M₂/mean(wC) per cell. DRDID's formulas, regrouped:
 *
 * - dr:  αᵢ = wTᵢ/m_T − wCᵢ/m_C + wᵢ(1 − Dᵢ)·xᵢ'(a₃/m_C − a₁/m_T), κ_T = −η_T/m_T, κ_C = η_C/m_C;
 * - ipw: β = 0, αᵢ = wTᵢ/m_T − wCᵢ/m_C, κ as dr;
 * - reg: αᵢ = wTᵢ/m_T − wᵢ(1 − Dᵢ)·xᵢ'a₁/m_T, κ_T = −(η_T − η_C)/m_T, no score term;
 *
 * where m = mean weight, a₁ = (XᵀWX/n)⁻¹·mean(wT·x), a₃ = (XᵀWX/n)⁻¹·mean(wC·x). The sums differ
 * from DRDID's row-by-row ones only by rounding (differences of level sums instead of sums of
 * differences).
 */
import { matvec } from '../../numerics/matrix.js';
import type { AttgtParams } from './attgtOptions.js';
import type { PanelData } from './attgtData.js';
import { controlXpxInverse, normalizeWeights } from './drdid.js';
import { fitPropensity, type PropensityFit } from './drdidPropensity.js';
import { influencePacked, influenceRange } from './attgtPanelInfluence.js';

const REG = 0;
const IPW = 1;
const DR = 2;

/** The 2×2 sample of one cohort and comparison set (and covariate period), shared by its cells. */
export interface PanelSample {
  /** Row ranges [start₀, end₀, start₁, end₁, …): the treated range first. */
  flat: Int32Array;
  n1: number;
  nTreat: number;
  D: Float64Array;
  /** n₁ × k design [1, x…], column-major. */
  X: Float64Array;
  w: Float64Array | undefined;
  /** Weights normalised to mean 1 over the sample (DRDID's i.weights); all ones without weights. */
  wNorm: Float64Array;
  propensity: PropensityFit | undefined;
  /** (XᵀWX/n)⁻¹ over the controls. */
  xpxInv: Float64Array | undefined;
  /** The cell-independent pieces of ψ and the moments (built on the first cell). */
  fixed: SampleFixed | undefined;
  /**
   * Per period index: [Σ wT·Ỹ, Σ wC·Ỹ, Σ w(1−D)·x·Ỹ (k), Σ wC·x·Ỹ (k)] with Ỹ = Y(t) − Y(ref),
   * built on first use. Sums of changes from the cohort's base period `ref` rather than of
   * levels: the post-treatment cells' differences are then exact, and the others cancel changes,
   * not levels (mpdta's log employment is ~10³ times its ATTs).
   */
  periodSums: (Float64Array | undefined)[];
  /** The reference period index of `periodSums`. */
  ref: number;
  /** Where the sample's n₁-length arrays come from and go back to (see {@link SampleBuffers}). */
  buffers: SampleBuffers | undefined;
}

/**
 * Arrays of finished samples, reused by later samples of the same `attgt` call (never across
 * calls): a call on 10⁵ units otherwise allocates megabytes per cohort, and V8 collects after
 * every 64 MB of ArrayBuffers (docs/numerics.md, attgt). Every reused array is overwritten
 * entirely before it is read, so the numbers are those of fresh arrays.
 */
export interface SampleBuffers {
  free: Float64Array[];
}

/**
 * A Float64Array of length `len`: a free buffer of the pool that is long enough (a view on it),
 * else a new one with 1/16 spare room so that slightly larger samples can reuse it.
 *
 * @example
 * takeBuffer({ free: [] }, 100).length; // 100
 */
export function takeBuffer(pool: SampleBuffers | undefined, len: number): Float64Array {
  if (!pool) return new Float64Array(len);
  // the smallest free buffer that fits, so that short arrays do not take the long ones
  const free = pool.free;
  let best = -1;
  for (let i = 0; i < free.length; i++) if (free[i]!.length >= len && (best < 0 || free[i]!.length < free[best]!.length)) best = i;
  if (best < 0) return new Float64Array(len + (len >>> 4)).subarray(0, len);
  const b = free[best]!;
  free[best] = free[free.length - 1]!;
  free.pop();
  return b.length === len ? b : b.subarray(0, len);
}

/**
 * Gives a sample's pooled arrays back to its pool; the sample must not be used afterwards.
 *
 * @example
 * releaseSample(sample); // its D, X, weights, ps, e and packed rows go to the pool
 */
export function releaseSample(sample: PanelSample): void {
  const pool = sample.buffers;
  if (!pool) return;
  const whole = (a: Float64Array): void => {
    if (a.length > 0) pool.free.push(new Float64Array(a.buffer, 0, a.buffer.byteLength >>> 3));
  };
  whole(sample.D);
  whole(sample.X);
  if (sample.w) whole(sample.w);
  whole(sample.wNorm);
  if (sample.propensity) whole(sample.propensity.ps);
  if (sample.fixed) {
    whole(sample.fixed.e);
    whole(sample.fixed.packed);
  }
  sample.buffers = undefined;
}

/** What a sample's cells share beyond the design (see the file header). */
interface SampleFixed {
  code: number;
  /** n/n₁·αᵢ (k > 2; for k ≤ 2 in `packed` only, this is empty). */
  alpha: Float64Array;
  /** n/n₁·wTᵢ on the treated rows, n/n₁·wCᵢ on the controls. */
  e: Float64Array;
  /** n/n₁·wᵢ(Dᵢ − psᵢ) (dr, ipw, k > 2; for k ≤ 2 in `packed` only); empty for reg. */
  score: Float64Array;
  /** n/n₁. */
  scale: number;
  /**
   * For k ≤ 2: [αᵣ, eᵣ, scoreᵣ (0 for reg), x₁ᵣ (0 for k = 1)] per sample row, interleaved, so
   * that each cell's ψ pass reads one stream instead of four; empty for k > 2.
   */
  packed: Float64Array;
  mwT: number;
  mwC: number;
  /** Σ wT·x, Σ wC·x (k each) and Σ wC·x xᵀ (k×k, dr only). */
  m1: Float64Array;
  m3: Float64Array;
  g: Float64Array;
}

/**
 * The 2×2 sample over the row ranges `flat` (treated range [tStart, tEnd) first), covariates and
 * weights from period `covPeriod`; fits the propensity score unless `method` is reg.
 *
 * @example
 * const s = panelSample(d, params, Int32Array.of(0, 120, 300, 500), 0, 120, 0, 2);
 * s.n1; // 320
 */
export function panelSample(d: PanelData, p: AttgtParams, flat: Int32Array, tStart: number, tEnd: number, covPeriod: number, ref: number, buffers?: SampleBuffers): PanelSample {
  const k = p.covariates.length + 1;
  let n1 = 0;
  for (let q = 0; q < flat.length; q += 2) n1 += flat[q + 1]! - flat[q]!;
  // buildSample and normalizeWeights write every element: pooled arrays need no clearing
  const D = takeBuffer(buffers, n1);
  const X = takeBuffer(buffers, n1 * k);
  const w = d.W ? takeBuffer(buffers, n1) : undefined;
  // time-invariant covariates may be stored for period 0 only (PanelData.Xs); weights are n × T
  buildSample(flat, tStart, tEnd, d.covariatesInvariant ? 0 : covPeriod * d.n, covPeriod * d.n, d.Xs, d.W, k, n1, D, X, w);
  // every field present from the start: one object shape for all samples
  const sample: PanelSample = {
    flat,
    n1,
    nTreat: tEnd - tStart,
    D,
    X,
    w,
    wNorm: normalizeWeights(w, n1, takeBuffer(buffers, n1)),
    propensity: undefined,
    xpxInv: undefined,
    fixed: undefined,
    periodSums: new Array<Float64Array | undefined>(d.periods.length).fill(undefined),
    ref,
    buffers,
  };
  if (p.method !== 'reg') {
    sample.propensity = fitPropensity(X, n1, k, D, sample.wNorm, takeBuffer(buffers, n1));
    if (!sample.propensity.converged) d.notes.push({ code: 'glm_not_converged', iterations: sample.propensity.iterations });
  }
  return sample;
}

/** D, the design [1, x…] and the weights of a 2×2 sample (row ranges `flat`), covariates at offset xo, weights at wo. */
function buildSample(
  flat: Int32Array,
  tStart: number,
  tEnd: number,
  xo: number,
  wo: number,
  Xd: Float64Array[],
  Wd: Float64Array | undefined,
  k: number,
  n1: number,
  D: Float64Array,
  X: Float64Array,
  w: Float64Array | undefined,
): void {
  let r = 0;
  for (let q = 0; q < flat.length; q += 2) {
    const b = flat[q + 1]!;
    for (let u = flat[q]!; u < b; u++, r++) {
      D[r] = u >= tStart && u < tEnd ? 1 : 0;
      X[r] = 1;
      for (let j = 0; j < k - 1; j++) X[r + (j + 1) * n1] = Xd[j]![xo + u]!;
      if (w) w[r] = Wd![wo + u]!;
    }
  }
}

/**
 * ATT(g,t) of the sample between periods `cur` and `pre` (indices), its n/n₁-scaled influence
 * function written into `psi` over the sample's rows (the rest untouched).
 *
 * @throws {CausalPanelError} `singular_design` (outcome regression without variation)
 * @example
 * panelCellAtt(d, params, sample, 3, 1, psi.subarray(0, d.n)); // ATT(g, period 3) with base period 1
 */
export function panelCellAtt(d: PanelData, p: AttgtParams, sample: PanelSample, cur: number, pre: number, psi: Float64Array): number {
  const k = p.covariates.length + 1;
  const code = p.method === 'reg' ? REG : p.method === 'ipw' ? IPW : DR;
  if (code !== IPW) sample.xpxInv ??= controlXpxInverse(sample.X, sample.D, k, sample.w, sample.wNorm);
  const f = (sample.fixed ??= sampleFixed(sample, code, k, d.n));
  const sc = (sample.periodSums[cur] ??= periodSums(d, sample, f, cur, k));
  const sb = (sample.periodSums[pre] ??= periodSums(d, sample, f, pre, k));
  const n1 = sample.n1;
  // β = (XᵀWX/n)⁻¹·XᵀWΔY/n over the controls
  const beta = new Float64Array(k);
  if (code !== IPW) {
    const xty = new Float64Array(k);
    for (let j = 0; j < k; j++) xty[j] = (sc[2 + j]! - sb[2 + j]!) / n1;
    beta.set(matvec(sample.xpxInv!, k, k, xty));
  }
  let fitT = 0; // Σ wT·x'β
  let fitC = 0; // Σ wC·x'β
  for (let j = 0; j < k; j++) {
    fitT += f.m1[j]! * beta[j]!;
    fitC += f.m3[j]! * beta[j]!;
  }
  const dT = sc[0]! - sb[0]!;
  const dC = sc[1]! - sb[1]!;
  const sT = code === DR ? dT - fitT : dT;
  const sC = code === DR ? dC - fitC : code === REG ? fitT : dC;
  const etaT = sT / n1 / f.mwT;
  const etaC = sC / n1 / f.mwC;
  // h = H·M₂/m_C with M₂ = mean(wC·(v − η_C)·x)
  const h = new Float64Array(k);
  if (code !== REG) {
    const m2 = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      let s = sc[2 + k + a]! - sb[2 + k + a]!;
      if (code === DR) for (let b = 0; b < k; b++) s -= f.g[a + b * k]! * beta[b]!;
      m2[a] = s / n1 - (etaC * f.m3[a]!) / n1;
    }
    const b2 = matvec(sample.propensity!.hessian, k, k, m2);
    for (let a = 0; a < k; a++) h[a] = b2[a]! / f.mwC;
  }
  const kappaT = code === REG ? -(etaT - etaC) / f.mwT : -etaT / f.mwT;
  const kappaC = code === REG ? 0 : etaC / f.mwC;
  const flat = sample.flat;
  const Y = d.Y;
  const yc = cur * d.n;
  const yb = pre * d.n;
  let r = 0;
  for (let q = 0; q < flat.length; q += 2) {
    const kappa = q === 0 ? kappaT : kappaC;
    r =
      k <= 2
        ? influencePacked(Y, yc, yb, flat[q]!, flat[q + 1]!, r, f.packed, beta[0]!, k > 1 ? beta[1]! : 0, h[0]!, k > 1 ? h[1]! : 0, kappa, psi)
        : influenceRange(Y, yc, yb, flat[q]!, flat[q + 1]!, r, sample.X, n1, k, f.alpha, f.e, f.score, beta, h, kappa, psi);
  }
  return etaT - etaC;
}

/** The sample's cell-independent pieces (see {@link SampleFixed}); `scale` = n/n₁ applied. */
function sampleFixed(sample: PanelSample, code: number, k: number, n: number): SampleFixed {
  const { n1, D, X, wNorm } = sample;
  // reg has no propensity score: its "weights" are w·D for both means
  const ps = code === REG ? new Float64Array(0) : sample.propensity!.ps;
  const m1 = new Float64Array(k);
  const m3 = new Float64Array(k);
  const g = new Float64Array(k * k);
  const sums = weightSums(code, X, n1, k, D, wNorm, ps, m1, m3, code === DR ? g : undefined);
  const mwT = sums[0]! / n1;
  const mwC = sums[1]! / n1;
  // a₁/m_T and a₃/m_C (zero where the method has no outcome regression term)
  const a1 = code !== IPW ? matvec(sample.xpxInv!, k, k, Float64Array.from(m1, (v) => v / n1)) : new Float64Array(k);
  const a3 = code === DR ? matvec(sample.xpxInv!, k, k, Float64Array.from(m3, (v) => v / n1)) : new Float64Array(k);
  const c = new Float64Array(k);
  for (let a = 0; a < k; a++) c[a] = a3[a]! / mwC - a1[a]! / mwT;
  const scale = n / n1;
  // fillPacked/fillFixed write every element of e and packed (pooled arrays need no clearing)
  const e = takeBuffer(sample.buffers, n1);
  if (k <= 2) {
    // α, e, score and x₁ straight into the interleaved rows (α and score are read nowhere else)
    const packed = takeBuffer(sample.buffers, 4 * n1);
    fillPacked(code, X, n1, k, D, wNorm, ps, mwT, mwC, c, scale, e, packed);
    const none = new Float64Array(0);
    return { code, alpha: none, e, score: none, scale, packed, mwT, mwC, m1, m3, g };
  }
  const alpha = new Float64Array(n1);
  const score = new Float64Array(code === REG ? 0 : n1);
  fillFixed(code, X, n1, k, D, wNorm, ps, mwT, mwC, c, scale, alpha, e, score);
  return { code, alpha, e, score, scale, packed: new Float64Array(0), mwT, mwC, m1, m3, g };
}

// DRDID's trimmed weights of row i (dr, ipw), as `ipwWeights` forms them: wT = trim·w·D,
// wC = trim·w·ps(1 − D)/(1 − ps), trim = 0 for controls with ps ≥ 0.995; reg: wT = wC = w·D.
// The loops below compute them per row rather than storing them.

/** wT of a row (see above); `p` is unused for reg. */
function treatedWeight(code: number, di: number, wi: number, p: number): number {
  if (code === REG) return wi * di;
  const trim = di === 1 || p < 0.995 ? 1 : 0;
  return trim * wi * di;
}

/** wC of a row for dr and ipw (see above). */
function controlWeight(di: number, wi: number, p: number): number {
  const trim = di === 1 || p < 0.995 ? 1 : 0;
  return (trim * wi * p * (1 - di)) / (1 - p);
}

/** Σ wT, Σ wC (returned), Σ wT·x, Σ wC·x and, when `g` is given, Σ wC·x xᵀ. */
function weightSums(code: number, X: Float64Array, n1: number, k: number, D: Float64Array, w: Float64Array, ps: Float64Array, m1: Float64Array, m3: Float64Array, g: Float64Array | undefined): Float64Array {
  if (k <= 3) return weightSumsNarrow(code, X, n1, k, D, w, ps, m1, m3, g);
  let swT = 0;
  let swC = 0;
  for (let i = 0; i < n1; i++) {
    const di = D[i]!;
    const wi = w[i]!;
    const t = treatedWeight(code, di, wi, code === REG ? 0 : ps[i]!);
    const c = code === REG ? t : controlWeight(di, wi, ps[i]!);
    swT += t;
    swC += c;
    for (let a = 0; a < k; a++) {
      const x = X[i + a * n1]!;
      m1[a] += t * x;
      m3[a] += c * x;
      if (g) for (let b = 0; b < k; b++) g[a + b * k] += c * x * X[i + b * n1]!;
    }
  }
  return Float64Array.of(swT, swC);
}

/** {@link weightSums} for k ≤ 3, the sums in scalars (each in row order, as the generic loop). */
function weightSumsNarrow(code: number, X: Float64Array, n1: number, k: number, D: Float64Array, w: Float64Array, ps: Float64Array, m1: Float64Array, m3: Float64Array, g: Float64Array | undefined): Float64Array {
  const o1 = k > 1 ? n1 : 0;
  const o2 = k > 2 ? 2 * n1 : 0;
  const withG = g !== undefined;
  let swT = 0;
  let swC = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let g00 = 0;
  let g01 = 0;
  let g02 = 0;
  let g11 = 0;
  let g12 = 0;
  let g22 = 0;
  for (let i = 0; i < n1; i++) {
    const di = D[i]!;
    const wi = w[i]!;
    const t = treatedWeight(code, di, wi, code === REG ? 0 : ps[i]!);
    const c = code === REG ? t : controlWeight(di, wi, ps[i]!);
    const x0 = X[i]!;
    const x1 = k > 1 ? X[o1 + i]! : 0;
    const x2 = k > 2 ? X[o2 + i]! : 0;
    swT += t;
    swC += c;
    t0 += t * x0;
    c0 += c * x0;
    if (k > 1) {
      t1 += t * x1;
      c1 += c * x1;
    }
    if (k > 2) {
      t2 += t * x2;
      c2 += c * x2;
    }
    if (withG) {
      const cx0 = c * x0;
      g00 += cx0 * x0;
      if (k > 1) {
        g01 += cx0 * x1;
        g11 += c * x1 * x1;
      }
      if (k > 2) {
        g02 += cx0 * x2;
        g12 += c * x1 * x2;
        g22 += c * x2 * x2;
      }
    }
  }
  m1[0] = t0;
  m3[0] = c0;
  if (k > 1) {
    m1[1] = t1;
    m3[1] = c1;
  }
  if (k > 2) {
    m1[2] = t2;
    m3[2] = c2;
  }
  if (g) {
    const upper = [g00, g01, g11, g02, g12, g22]; // (a, b) with a ≤ b, column by column
    let q = 0;
    for (let b = 0; b < k; b++) {
      for (let a = 0; a <= b; a++) {
        g[a + b * k] = upper[q]!;
        g[b + a * k] = upper[q]!;
        q++;
      }
    }
  }
  return Float64Array.of(swT, swC);
}

/** αᵢ, eᵢ and the logit score of every sample row, times `scale` (the row loop alone, docs/numerics.md, attgt). */
function fillFixed(
  code: number,
  X: Float64Array,
  n1: number,
  k: number,
  D: Float64Array,
  w: Float64Array,
  ps: Float64Array,
  mwT: number,
  mwC: number,
  c: Float64Array,
  scale: number,
  alpha: Float64Array,
  e: Float64Array,
  score: Float64Array,
): void {
  const c0 = c[0]!;
  const c1 = k > 1 ? c[1]! : 0;
  const c2 = k > 2 ? c[2]! : 0;
  const o1 = k > 1 ? n1 : 0;
  const o2 = k > 2 ? 2 * n1 : 0;
  for (let i = 0; i < n1; i++) {
    // x'c, the first three columns in scalars, added in column order
    let xc = X[i]! * c0;
    if (k > 1) xc += X[o1 + i]! * c1;
    if (k > 2) xc += X[o2 + i]! * c2;
    for (let a = 3; a < k; a++) xc += X[i + a * n1]! * c[a]!;
    const di = D[i]!;
    const wi = w[i]!;
    const cw = wi * (1 - di);
    if (code === REG) {
      const t = wi * di;
      alpha[i] = scale * (t / mwT + cw * xc);
      e[i] = scale * t;
      continue;
    }
    const p = ps[i]!;
    const t = treatedWeight(code, di, wi, p);
    const cc = controlWeight(di, wi, p);
    alpha[i] = scale * (t / mwT - cc / mwC + cw * xc);
    e[i] = scale * (di === 1 ? t : cc);
    score[i] = scale * (wi * (di - p));
  }
}

/** The per-period sums of a sample (see {@link PanelSample}.periodSums). */
function periodSums(d: PanelData, sample: PanelSample, f: SampleFixed, period: number, k: number): Float64Array {
  const out = new Float64Array(2 + 2 * k);
  if (period === sample.ref) return out;
  const flat = sample.flat;
  const o = period * d.n;
  const oRef = sample.ref * d.n;
  // e is n/n₁·wT on the treated rows and n/n₁·wC on the controls
  out[0] = treatedSum(d.Y, o, oRef, flat[0]!, flat[1]!, f.e);
  let r = flat[1]! - flat[0]!;
  // an empty round first: the code after the loop has type feedback when the loop is compiled
  // (else that code deoptimises on leaving the loop, call after call; docs/numerics.md, attgt)
  controlSums(d.Y, o, oRef, 0, 0, r, sample.X, sample.n1, k, sample.wNorm, f.e, out);
  for (let q = 2; q < flat.length; q += 2) r = controlSums(d.Y, o, oRef, flat[q]!, flat[q + 1]!, r, sample.X, sample.n1, k, sample.wNorm, f.e, out);
  out[0] = out[0]! / f.scale;
  out[1] = out[1]! / f.scale;
  for (let j = 0; j < k; j++) out[2 + k + j] = out[2 + k + j]! / f.scale;
  return out;
}

/** Σ wT[r]·(Y[o + u] − Y[oRef + u]) over the treated range (r from 0). */
function treatedSum(Y: Float64Array, o: number, oRef: number, a: number, b: number, wT: Float64Array): number {
  let s = 0;
  for (let u = a, r = 0; u < b; u++, r++) s += wT[r]! * (Y[o + u]! - Y[oRef + u]!);
  return s;
}

/**
 * Over one control range: out[1] += Σ wC·y, out[2 + j] += Σ w·x_j·y, out[2 + k + j] += Σ wC·x_j·y
 * (y = Y[o + u] − Y[oRef + u], sample row r); returns the next r. Columns 1–2 of x in scalars (k ≤ 3).
 */
function controlSums(Y: Float64Array, o: number, oRef: number, a: number, b: number, r0: number, X: Float64Array, n1: number, k: number, w: Float64Array, wC: Float64Array, out: Float64Array): number {
  let sC = out[1]!;
  let p0 = out[2]!;
  let q0 = out[2 + k]!;
  let p1 = k > 1 ? out[3]! : 0;
  let q1 = k > 1 ? out[3 + k]! : 0;
  let p2 = k > 2 ? out[4]! : 0;
  let q2 = k > 2 ? out[4 + k]! : 0;
  const o1 = k > 1 ? n1 : 0;
  const o2 = k > 2 ? 2 * n1 : 0;
  let r = r0;
  for (let u = a; u < b; u++, r++) {
    const y = Y[o + u]! - Y[oRef + u]!;
    const wy = w[r]! * y;
    const cy = wC[r]! * y;
    sC += cy;
    p0 += wy;
    q0 += cy;
    if (k > 1) {
      const x1 = X[o1 + r]!;
      p1 += wy * x1;
      q1 += cy * x1;
    }
    if (k > 2) {
      const x2 = X[o2 + r]!;
      p2 += wy * x2;
      q2 += cy * x2;
    }
    for (let j = 3; j < k; j++) {
      const x = X[r + j * n1]!;
      out[2 + j] += wy * x;
      out[2 + k + j] += cy * x;
    }
  }
  out[1] = sC;
  out[2] = p0;
  out[2 + k] = q0;
  if (k > 1) {
    out[3] = p1;
    out[3 + k] = q1;
  }
  if (k > 2) {
    out[4] = p2;
    out[4 + k] = q2;
  }
  return r;
}

/**
 * {@link fillFixed} for k ≤ 2, writing α, e, score (0 for reg) and x₁ (0 for k = 1) of row i
 * into out[4i … 4i + 3] (the interleaved rows of {@link SampleFixed}.packed) and e into `e`:
 * the same expressions, so the same values.
 */
function fillPacked(
  code: number,
  X: Float64Array,
  n1: number,
  k: number,
  D: Float64Array,
  w: Float64Array,
  ps: Float64Array,
  mwT: number,
  mwC: number,
  c: Float64Array,
  scale: number,
  e: Float64Array,
  out: Float64Array,
): void {
  const c0 = c[0]!;
  const c1 = k > 1 ? c[1]! : 0;
  const o1 = k > 1 ? n1 : 0;
  for (let i = 0; i < n1; i++) {
    let xc = X[i]! * c0;
    const x1 = k > 1 ? X[o1 + i]! : 0;
    if (k > 1) xc += x1 * c1;
    const di = D[i]!;
    const wi = w[i]!;
    const cw = wi * (1 - di);
    const o = 4 * i;
    out[o + 3] = x1;
    if (code === REG) {
      const t = wi * di;
      out[o] = scale * (t / mwT + cw * xc);
      const ei = scale * t;
      e[i] = ei;
      out[o + 1] = ei;
      out[o + 2] = 0; // no score for reg (written: the array may be reused)
      continue;
    }
    const p = ps[i]!;
    const t = treatedWeight(code, di, wi, p);
    const cc = controlWeight(di, wi, p);
    out[o] = scale * (t / mwT - cc / mwC + cw * xc);
    const ei = scale * (di === 1 ? t : cc);
    e[i] = ei;
    out[o + 1] = ei;
    out[o + 2] = scale * (wi * (di - p));
  }
}
