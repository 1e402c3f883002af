/**
 * lmm's profiled deviance by hand: on small data sets the criterion at any θ equals the Gaussian
 * (restricted) log-likelihood computed densely from V = σ²(ZΛΛᵀZᵀ + W⁻¹) with β and σ profiled out —
 * for one factor, random slopes, crossed factors and prior weights; and constant weights c only
 * rescale σ and θ (σ√c, θ/√c), leaving β, SEs and the likelihood unchanged.
 */
import { describe, expect, it } from 'vitest';
import { lmm } from '../../src/models/lmm/lmm.js';
import { choleskyFactor, invertSymmetric } from '../../src/numerics/cholesky.js';
import { createRng } from '../../src/numerics/random.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';

function data(seed: number, n = 36): { y: number[]; x: number[]; g: string[]; h: string[]; w: number[] } {
  const rng = createRng(seed);
  const out = { y: [] as number[], x: [] as number[], g: [] as string[], h: [] as string[], w: [] as number[] };
  const ug = Array.from({ length: 6 }, () => rng.normal());
  const uh = Array.from({ length: 3 }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    const g = i % 6;
    const h = Math.floor(i / 4) % 3;
    out.x.push(x);
    out.g.push(`g${g}`);
    out.h.push(`h${h}`);
    out.w.push(0.5 + rng.uniform());
    out.y.push(2 + x + ug[g]! * (1 + 0.3 * x) + 0.5 * uh[h]! + rng.normal());
  }
  return out;
}

/** −2 log-likelihood (ML) or REML criterion from dense V0 = Z Λ Λᵀ Zᵀ + W⁻¹, β and σ² profiled. */
function denseCriterion(y: number[], X: number[][], Zl: number[][], w: number[], reml: boolean): number {
  const n = y.length;
  const p = X[0]!.length;
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[i + j * n] = Zl[i]!.reduce((s, v, k) => s + v * Zl[j]![k]!, 0) + (i === j ? 1 / w[i]! : 0);
  const Vi = invertSymmetric(V, n);
  const L = choleskyFactor(V, n);
  let logDetV = 0;
  for (let i = 0; i < n; i++) logDetV += 2 * Math.log(L[i + i * n]!);
  // GLS: (XᵀV⁻¹X) β = XᵀV⁻¹y
  const XtViX = new Float64Array(p * p);
  const XtViy = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) XtViy[a]! += X[i]![a]! * Vi[i + j * n]! * y[j]!;
    for (let b = 0; b < p; b++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) XtViX[a + b * p]! += X[i]![a]! * Vi[i + j * n]! * X[j]![b]!;
  }
  const inv = invertSymmetric(XtViX, p);
  const beta = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => inv[a + b * p]! * XtViy[b]!).reduce((s, v) => s + v, 0));
  const r = y.map((v, i) => v - X[i]!.reduce((s, x, a) => s + x * beta[a]!, 0));
  let rVr = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rVr += r[i]! * Vi[i + j * n]! * r[j]!;
  const df = reml ? n - p : n;
  const sigma2 = rVr / df;
  let out = df * Math.log(2 * Math.PI * sigma2) + logDetV + df;
  if (reml) {
    const LX = choleskyFactor(XtViX, p);
    for (let a = 0; a < p; a++) out += 2 * Math.log(LX[a + a * p]!);
  }
  return out;
}

describe('lmm: the profiled criterion equals the dense (restricted) likelihood', () => {
  const d = data(5);
  const n = d.y.length;
  const X = d.x.map((x) => [1, x]);
  const gCode = d.g.map((g) => Number(g.slice(1)));
  const hCode = d.h.map((h) => Number(h.slice(1)));
  for (const reml of [true, false]) {
    it(`random intercept and slope (1 + x | g), ${reml ? 'REML' : 'ML'}`, () => {
      const fit = lmm('y ~ x + (1 + x | g)', d, { REML: reml, ddf: 'normal' });
      for (const theta of [[0.8, 0.2, 0.3], [1.2, -0.4, 0.05], Object.values(fit.theta)]) {
        // Z Λ: for level l, columns (1, x) times the lower-triangular T.
        const Zl = d.x.map((x, i) => {
          const row = new Array<number>(12).fill(0);
          const l = gCode[i]!;
          row[2 * l] = theta[0]! * 1 + theta[1]! * x;
          row[2 * l + 1] = theta[2]! * x;
          return row;
        });
        expectClose(fit.devfun(theta), denseCriterion(d.y, X, Zl, new Array<number>(n).fill(1), reml), 1e-10, `criterion at θ = ${theta}`);
      }
    });
    it(`crossed (1 | g) + (1 | h) with prior weights, ${reml ? 'REML' : 'ML'}`, () => {
      const fit = lmm('y ~ x + (1 | g) + (1 | h)', d, { REML: reml, weights: 'w', ddf: 'normal' });
      for (const theta of [[0.7, 0.4], [1.5, 0.1], Object.values(fit.theta)]) {
        const Zl = gCode.map((g, i) => {
          const row = new Array<number>(9).fill(0);
          row[g] = theta[0]!;
          row[6 + hCode[i]!] = theta[1]!;
          return row;
        });
        expectClose(fit.devfun(theta), denseCriterion(d.y, X, Zl, d.w, reml), 1e-10, `criterion at θ = ${theta}`);
      }
    });
  }
});

describe('lmm: the criterion without an intercept (no centring) and with a factor slope', () => {
  const d = data(7);
  const n = d.y.length;
  const gCode = d.g.map((g) => Number(g.slice(1)));
  it('y ~ 0 + x + (1 | g), REML, weighted', () => {
    const fit = lmm('y ~ 0 + x + (1 | g)', d, { weights: 'w', ddf: 'normal' });
    for (const theta of [[0.6], Object.values(fit.theta)]) {
      const Zl = gCode.map((g) => {
        const row = new Array<number>(6).fill(0);
        row[g] = theta[0]!;
        return row;
      });
      expectClose(fit.devfun(theta), denseCriterion(d.y, d.x.map((x) => [x]), Zl, d.w, true), 1e-10, `criterion at θ = ${theta}`);
    }
  });
  it('y ~ x + (1 + h | g): a factor in the random part (treatment contrasts, levels h0 < h1 < h2)', () => {
    const fit = lmm('y ~ x + (1 + h | g)', d, { REML: false, ddf: 'normal' });
    expect(Object.keys(fit.theta)).toHaveLength(6);
    const theta = Object.values(fit.theta);
    const Zl = d.h.map((h, i) => {
      const z = [1, h === 'h1' ? 1 : 0, h === 'h2' ? 1 : 0];
      const row = new Array<number>(18).fill(0);
      // T lower triangular from θ (column-major lower triangle), row of ZΛ for level g: zᵀT
      const T = [[theta[0]!, 0, 0], [theta[1]!, theta[3]!, 0], [theta[2]!, theta[4]!, theta[5]!]];
      for (let c = 0; c < 3; c++) row[3 * gCode[i]! + c] = z.reduce((s, v, r) => s + v * T[r]![c]!, 0);
      return row;
    });
    expectClose(fit.devfun(theta), denseCriterion(d.y, d.x.map((x) => [1, x]), Zl, new Array<number>(n).fill(1), false), 1e-10, 'criterion at θ̂');
  });
});

describe('lmm: constant prior weights c rescale σ by √c and θ by 1/√c only', () => {
  const d = data(9);
  const c = 4;
  const plain = lmm('y ~ x + (1 + x | g)', d);
  const weighted = lmm('y ~ x + (1 + x | g)', { ...d, c: d.y.map(() => c) }, { weights: 'c' });
  it('β, SEs, df and the likelihood are unchanged', () => {
    expectAllClose(weighted.coefficients, plain.coefficients, 1e-7, 'β');
    expectAllClose(Object.values(weighted.se()), Object.values(plain.se()), 1e-6, 'SE');
    expectAllClose(Object.values(weighted.df()), Object.values(plain.df()), 1e-4, 'df');
    expectClose(weighted.logLik, plain.logLik, 1e-10, 'logLik');
  });
  it('σ√c and θ/√c', () => {
    expectClose(weighted.sigma, plain.sigma * Math.sqrt(c), 1e-7, 'σ');
    expectAllClose(Object.values(weighted.theta), Object.values(plain.theta).map((t) => t / Math.sqrt(c)), 0, 'θ', { absTol: 1e-7 });
    expectAllClose(weighted.varCorr().slice(0, 3).map((r) => r.variance), plain.varCorr().slice(0, 3).map((r) => r.variance), 1e-6, 'random-effect (co)variances');
  });
});
