/**
 * 2×2 DiD ATT on repeated cross-sections with its influence function: DRDID 1.2's `drdid_rc`
 * (locally efficient doubly robust, Sant'Anna & Zhao 2020), `std_ipw_did_rc` (Abadie 2005) and
 * `reg_did_rc` (Heckman, Ichimura & Todd 1997). Each observation is seen once, in the pre or the
 * post period; the outcome regressions are fitted per (group, period) cell.
 *
 * n = observations of the 2×2 sample, k = design columns (intercept first).
 */
import { crossprodVector, matvec } from '../../numerics/matrix.js';
import { checkGroups, normalizeWeights, wls, type TwoByTwo, type TwoByTwoInputBase } from './drdid.js';
import { fitPropensity } from './drdidPropensity.js';

/** colMeans(v ∘ X) over n rows. */
function colMeans(X: Float64Array, n: number, k: number, v: Float64Array): Float64Array {
  const out = crossprodVector(X, n, k, v);
  for (let j = 0; j < k; j++) out[j] = out[j]! / n;
  return out;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Input of {@link drdidRc}. */
export interface RcTwoByTwoInput extends TwoByTwoInputBase {
  /** Outcome per observation. */
  y: Float64Array;
  /** 1 when the observation is from the post period, else 0. */
  post: Float64Array;
}

/**
 * 2×2 DiD ATT on repeated cross-sections with its influence function: DRDID's `drdid_rc`
 * (locally efficient doubly robust, `dr`), `std_ipw_did_rc` (`ipw`) and `reg_did_rc` (`reg`).
 *
 * @throws {CausalPanelError} `no_treated_units`, `no_control_units`, `singular_design`
 * @example
 * const r = drdidRc({ y: Float64Array.of(1, 4, 1, 2), post: Float64Array.of(0, 1, 0, 1),
 *   D: Float64Array.of(1, 1, 0, 0), X: Float64Array.of(1, 1, 1, 1), k: 1, method: 'reg' });
 * r.att; // 2 (= (4 − 1) − (2 − 1))
 */
export function drdidRc(input: RcTwoByTwoInput): TwoByTwo {
  const fn = 'drdidRc';
  const { y, post, D, X, k, method } = input;
  const n = D.length;
  checkGroups(D, fn);
  const w = normalizeWeights(input.weights, n);
  const mask = (d: number, p: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = D[i] === d && post[i] === p ? w[i]! : 0;
    return out;
  };

  if (method === 'reg') {
    const wPre = mask(0, 0);
    const wPost = mask(0, 1);
    const fPre = wls(X, n, k, y, wPre);
    const fPost = wls(X, n, k, y, wPost);
    const outPre = matvec(X, n, k, fPre.beta);
    const outPost = matvec(X, n, k, fPost.beta);
    const wTreatPre = mask(1, 0);
    const wTreatPost = mask(1, 1);
    const wCont = new Float64Array(n);
    for (let i = 0; i < n; i++) wCont[i] = w[i]! * D[i]!;
    const mTP = mean(wTreatPre);
    const mTQ = mean(wTreatPost);
    const mC = mean(wCont);
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      s1 += wTreatPre[i]! * y[i]!;
      s2 += wTreatPost[i]! * y[i]!;
      s3 += wCont[i]! * (outPost[i]! - outPre[i]!);
    }
    const etaTreatPre = s1 / n / mTP;
    const etaTreatPost = s2 / n / mTQ;
    const etaCont = s3 / n / mC;
    const M1 = colMeans(X, n, k, wCont);
    const xPost = matvec(X, n, k, matvec(fPost.xpxInv, k, k, M1));
    const xPre = matvec(X, n, k, matvec(fPre.xpxInv, k, k, M1));
    const influence = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const infTreat = (wTreatPost[i]! * (y[i]! - etaTreatPost)) / mTQ - (wTreatPre[i]! * (y[i]! - etaTreatPre)) / mTP;
      const c1 = wCont[i]! * (outPost[i]! - outPre[i]!) - wCont[i]! * etaCont;
      const c2post = wPost[i]! * (y[i]! - outPost[i]!) * xPost[i]!;
      const c2pre = wPre[i]! * (y[i]! - outPre[i]!) * xPre[i]!;
      influence[i] = infTreat - (c1 + c2post - c2pre) / mC;
    }
    return { att: etaTreatPost - etaTreatPre - etaCont, influence };
  }

  const pf = input.propensity ?? fitPropensity(X, n, k, D, w);
  const ps = pf.ps;
  const trim = new Float64Array(n);
  for (let i = 0; i < n; i++) trim[i] = D[i] === 1 ? 1 : ps[i]! < 0.995 ? 1 : 0;
  const wTreatPre = new Float64Array(n);
  const wTreatPost = new Float64Array(n);
  const wContPre = new Float64Array(n);
  const wContPost = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = trim[i]! * w[i]!;
    wTreatPre[i] = base * D[i]! * (1 - post[i]!);
    wTreatPost[i] = base * D[i]! * post[i]!;
    const odds = (base * ps[i]! * (1 - D[i]!)) / (1 - ps[i]!);
    wContPre[i] = odds * (1 - post[i]!);
    wContPost[i] = odds * post[i]!;
  }
  const mTP = mean(wTreatPre);
  const mTQ = mean(wTreatPost);
  const mCP = mean(wContPre);
  const mCQ = mean(wContPost);

  if (method === 'ipw') {
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      a += wTreatPre[i]! * y[i]!;
      b += wTreatPost[i]! * y[i]!;
      c += wContPre[i]! * y[i]!;
      d += wContPost[i]! * y[i]!;
    }
    const attTreatPre = a / n / mTP;
    const attTreatPost = b / n / mTQ;
    const attContPre = c / n / mCP;
    const attContPost = d / n / mCQ;
    const vPre = new Float64Array(n);
    const vPost = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      vPre[i] = wContPre[i]! * (y[i]! - attContPre);
      vPost[i] = wContPost[i]! * (y[i]! - attContPost);
    }
    const m2pre = colMeans(X, n, k, vPre);
    const m2post = colMeans(X, n, k, vPost);
    const m2 = new Float64Array(k);
    for (let j = 0; j < k; j++) m2[j] = m2post[j]! / mCQ - m2pre[j]! / mCP;
    const xb = matvec(X, n, k, matvec(pf.hessian, k, k, m2));
    const influence = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const infTreat = (wTreatPost[i]! * (y[i]! - attTreatPost)) / mTQ - (wTreatPre[i]! * (y[i]! - attTreatPre)) / mTP;
      const score = w[i]! * (D[i]! - ps[i]!);
      const infCont = (wContPost[i]! * (y[i]! - attContPost)) / mCQ - (wContPre[i]! * (y[i]! - attContPre)) / mCP + score * xb[i]!;
      influence[i] = infTreat - infCont;
    }
    return { att: attTreatPost - attTreatPre - (attContPost - attContPre), influence };
  }

  // doubly robust, locally efficient (drdid_rc)
  const wC0 = mask(0, 0);
  const wC1 = mask(0, 1);
  const wT0 = mask(1, 0);
  const wT1 = mask(1, 1);
  const fC0 = wls(X, n, k, y, wC0);
  const fC1 = wls(X, n, k, y, wC1);
  const fT0 = wls(X, n, k, y, wT0);
  const fT1 = wls(X, n, k, y, wT1);
  const oC0 = matvec(X, n, k, fC0.beta);
  const oC1 = matvec(X, n, k, fC1.beta);
  const oT0 = matvec(X, n, k, fT0.beta);
  const oT1 = matvec(X, n, k, fT1.beta);
  const oC = new Float64Array(n);
  for (let i = 0; i < n; i++) oC[i] = post[i]! * oC1[i]! + (1 - post[i]!) * oC0[i]!;
  const wd = new Float64Array(n);
  const wdt1 = new Float64Array(n);
  const wdt0 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = trim[i]! * w[i]! * D[i]!;
    wd[i] = base;
    wdt1[i] = base * post[i]!;
    wdt0[i] = base * (1 - post[i]!);
  }
  const mD = mean(wd);
  const mD1 = mean(wdt1);
  const mD0 = mean(wdt0);
  const etaTreatPre = new Float64Array(n);
  const etaTreatPost = new Float64Array(n);
  const etaContPre = new Float64Array(n);
  const etaContPost = new Float64Array(n);
  const etaDPost = new Float64Array(n);
  const etaDt1Post = new Float64Array(n);
  const etaDPre = new Float64Array(n);
  const etaDt0Pre = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = y[i]! - oC[i]!;
    etaTreatPre[i] = (wTreatPre[i]! * r) / mTP;
    etaTreatPost[i] = (wTreatPost[i]! * r) / mTQ;
    etaContPre[i] = (wContPre[i]! * r) / mCP;
    etaContPost[i] = (wContPost[i]! * r) / mCQ;
    const dPost = oT1[i]! - oC1[i]!;
    const dPre = oT0[i]! - oC0[i]!;
    etaDPost[i] = (wd[i]! * dPost) / mD;
    etaDt1Post[i] = (wdt1[i]! * dPost) / mD1;
    etaDPre[i] = (wd[i]! * dPre) / mD;
    etaDt0Pre[i] = (wdt0[i]! * dPre) / mD0;
  }
  const attTreatPre = mean(etaTreatPre);
  const attTreatPost = mean(etaTreatPost);
  const attContPre = mean(etaContPre);
  const attContPost = mean(etaContPost);
  const attDPost = mean(etaDPost);
  const attDt1Post = mean(etaDt1Post);
  const attDPre = mean(etaDPre);
  const attDt0Pre = mean(etaDt0Pre);
  const att = attTreatPost - attTreatPre - (attContPost - attContPre) + (attDPost - attDt1Post) - (attDPre - attDt0Pre);

  // outcome-regression linear representations: alr_j(i) = w_j(i)(y − o_j)(i) x_iᵀ (XpX_j)⁻¹
  // and their products with moment vectors reduce to scalars per row.
  const neg = (v: Float64Array, s: number): Float64Array => {
    for (let j = 0; j < v.length; j++) v[j] = -v[j]! / s;
    return v;
  };
  // M1.post = −colMeans(w.treat.post · post · X)/mean(w.treat.post); post is 0/1 so post·w.treat.post = w.treat.post
  const M1post = neg(colMeans(X, n, k, wTreatPost), mTQ);
  const M1pre = neg(colMeans(X, n, k, wTreatPre), mTP);
  const M3post = neg(colMeans(X, n, k, wContPost), mCQ);
  const M3pre = neg(colMeans(X, n, k, wContPre), mCP);
  const v2pre = new Float64Array(n);
  const v2post = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    v2pre[i] = wContPre[i]! * (y[i]! - oC[i]! - attContPre);
    v2post[i] = wContPost[i]! * (y[i]! - oC[i]! - attContPost);
  }
  const m2pre = colMeans(X, n, k, v2pre);
  const m2post = colMeans(X, n, k, v2post);
  const m2 = new Float64Array(k);
  for (let j = 0; j < k; j++) m2[j] = m2post[j]! / mCQ - m2pre[j]! / mCP;
  const momPostV = new Float64Array(n);
  const momPreV = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    momPostV[i] = wd[i]! / mD - wdt1[i]! / mD1;
    momPreV[i] = wd[i]! / mD - wdt0[i]! / mD0;
  }
  const momPost = colMeans(X, n, k, momPostV);
  const momPre = colMeans(X, n, k, momPreV);

  // x_iᵀ (XpX_j)⁻¹ m for each needed (j, m)
  const xC1M1 = matvec(X, n, k, matvec(fC1.xpxInv, k, k, M1post));
  const xC0M1 = matvec(X, n, k, matvec(fC0.xpxInv, k, k, M1pre));
  const xC1M3 = matvec(X, n, k, matvec(fC1.xpxInv, k, k, M3post));
  const xC0M3 = matvec(X, n, k, matvec(fC0.xpxInv, k, k, M3pre));
  const xT1mom = matvec(X, n, k, matvec(fT1.xpxInv, k, k, momPost));
  const xC1mom = matvec(X, n, k, matvec(fC1.xpxInv, k, k, momPost));
  const xT0mom = matvec(X, n, k, matvec(fT0.xpxInv, k, k, momPre));
  const xC0mom = matvec(X, n, k, matvec(fC0.xpxInv, k, k, momPre));
  const xPs = matvec(X, n, k, matvec(pf.hessian, k, k, m2));

  const influence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const eC0 = wC0[i]! * (y[i]! - oC0[i]!);
    const eC1 = wC1[i]! * (y[i]! - oC1[i]!);
    const eT0 = wT0[i]! * (y[i]! - oT0[i]!);
    const eT1 = wT1[i]! * (y[i]! - oT1[i]!);
    const infTreatPre = etaTreatPre[i]! - (wTreatPre[i]! * attTreatPre) / mTP;
    const infTreatPost = etaTreatPost[i]! - (wTreatPost[i]! * attTreatPost) / mTQ;
    const infTreatOr = eC1 * xC1M1[i]! + eC0 * xC0M1[i]!;
    const infContPre = etaContPre[i]! - (wContPre[i]! * attContPre) / mCP;
    const infContPost = etaContPost[i]! - (wContPost[i]! * attContPost) / mCQ;
    const infContPs = w[i]! * (D[i]! - ps[i]!) * xPs[i]!;
    const infContOr = eC1 * xC1M3[i]! + eC0 * xC0M3[i]!;
    const infEff =
      etaDPost[i]! - (wd[i]! * attDPost) / mD -
      (etaDt1Post[i]! - (wdt1[i]! * attDt1Post) / mD1) -
      (etaDPre[i]! - (wd[i]! * attDPre) / mD - (etaDt0Pre[i]! - (wdt0[i]! * attDt0Pre) / mD0));
    const infOrPost = eT1 * xT1mom[i]! - eC1 * xC1mom[i]!;
    const infOrPre = eT0 * xT0mom[i]! - eC0 * xC0mom[i]!;
    const infTreat = infTreatPost - infTreatPre + infTreatOr;
    const infCont = infContPost - infContPre + infContPs + infContOr;
    influence[i] = infTreat - infCont + infEff + (infOrPost - infOrPre);
  }
  return { att, influence };
}
