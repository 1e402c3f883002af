/**
 * Sandwich estimators (sandwich.ts) on a four-row intercept-only model worked by hand — y = (1, 2,
 * 4, 7), β̂ = 3.5, residuals (−2.5, −1.5, 0.5, 3.5), bread 1/4, Σe² = 21 — and on a simple
 * regression whose leave-one-cluster-out fits are refitted in closed form. Every branch of
 * computeVcov (iid, HC0–HC3, CRV1 one- and two-way with both cluster.df rules, CRV3, the PSD fix,
 * the errors) is pinned to a number. Written to kill surviving mutants (docs/validation.md,
 * "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { clusterMeat, clusterScoreSums, computeVcov, fixPositiveDefinite, heteroMeat, leverage, sandwichProduct, scaleMatrix, vcovClustered, vcovJackknife, type VcovInputs } from '../../src/inference/sandwich.js';
import { DEFAULT_SSC } from '../../src/inference/ssc.js';
import type { ClusterCodes } from '../../src/inference/clusters.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';
import { thrown } from '../helpers/thrown.js';

const n = 4;
const ones = Float64Array.of(1, 1, 1, 1);
const y = Float64Array.of(1, 2, 4, 7);
const e = Float64Array.of(-2.5, -1.5, 0.5, 3.5);
const bread = Float64Array.of(0.25);
const cl = (name: string, ...codes: number[]): ClusterCodes => ({ name, codes: Int32Array.from(codes), nClusters: Math.max(...codes) + 1 });
const A = cl('a', 0, 0, 1, 1);
const B = cl('b', 0, 1, 0, 1);

describe('building blocks', () => {
  it('sandwichProduct B·M·B on a 2×2 with a zero in the bread, symmetrised', () => {
    const Bm = Float64Array.of(2, 0, 0, 1);
    const M = Float64Array.of(1, 3, 3, 4);
    expect(Array.from(sandwichProduct(Bm, M, 2))).toEqual([4, 6, 6, 4]);
    expect(Array.from(sandwichProduct(Float64Array.of(1, 1, 1, 2), Float64Array.of(1, 0, 0, 1), 2))).toEqual([2, 3, 3, 5]);
    expect(Array.from(scaleMatrix(Float64Array.of(1, -2), 3))).toEqual([3, -6]);
  });
  it('heteroMeat: Σe² = 21 (HC0), /(1 − h) (HC2), /(1 − h)² (HC3) with h = 1/4; two columns', () => {
    const h = Float64Array.of(0.25, 0.25, 0.25, 0.25);
    expect(Array.from(heteroMeat(e, n, 1))).toEqual([21]);
    expect(Array.from(heteroMeat(e, n, 1, 'HC1'))).toEqual([21]);
    expectClose(heteroMeat(e, n, 1, 'HC2', h)[0]!, 28, 1e-15, 'HC2');
    expectClose(heteroMeat(e, n, 1, 'HC3', h)[0]!, 21 / 0.5625, 1e-15, 'HC3');
    expectAllClose(heteroMeat(e, n, 1, 'HC2', Float64Array.of(0.5, 0, 0, 0)), [6.25 * 2 + 2.25 + 0.25 + 12.25], 1e-15, 'HC2 uneven');
    // scores (e, 1): [[21, 0], [0, 4]]; (e, y): Σ e·y = −2.5 − 3 + 2 + 24.5 = 21
    expect(Array.from(heteroMeat(Float64Array.of(...e, ...ones), n, 2))).toEqual([21, 0, 0, 4]);
    expect(Array.from(heteroMeat(Float64Array.of(...e, ...y), n, 2))).toEqual([21, 21, 21, 70]);
    expect(() => heteroMeat(e, n, 1, 'HC3')).toThrow('HC2/HC3 need the leverage');
  });
  it('leverage hᵢ = wᵢ xᵢᵀ B xᵢ, and a 2-column design with a zero bread entry', () => {
    expect(Array.from(leverage(ones, n, 1, bread))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(leverage(ones, n, 1, bread, Float64Array.of(1, 2, 1, 0)))).toEqual([0.25, 0.5, 0.25, 0]);
    // X = [1, x], x = (0, 1, 2, 3): (XᵀX)⁻¹ = [[0.7, −0.3], [−0.3, 0.2]], h = (0.7, 0.3, 0.3, 0.7)
    const X = Float64Array.of(1, 1, 1, 1, 0, 1, 2, 3);
    expectAllClose(leverage(X, n, 2, Float64Array.of(0.7, -0.3, -0.3, 0.2)), [0.7, 0.3, 0.3, 0.7], 1e-14, 'h');
    expectAllClose(leverage(X, n, 2, Float64Array.of(1, 0, 0, 2)), [1, 3, 9, 19], 1e-15, 'h (diagonal bread)');
  });
  it('cluster sums and meats: materialised and factored scores, k = 1, 2, 3', () => {
    expect(Array.from(clusterScoreSums(e, n, 1, A))).toEqual([-4, 4]);
    expect(Array.from(clusterMeat(e, n, 1, A))).toEqual([32]);
    expect(Array.from(clusterMeat(e, n, 1, B))).toEqual([8]);
    const factored = (k: number) => ({ columns: [ones, y, Float64Array.of(0, 1, 0, 1)].slice(0, k), multiplier: e });
    const materialised = (k: number) => Float64Array.from([...Array(k).keys()].flatMap((j) => Array.from(factored(k).columns[j]!, (x, i) => x * e[i]!)));
    for (const k of [1, 2, 3]) {
      expect(Array.from(clusterScoreSums(factored(k), n, k, A))).toEqual(Array.from(clusterScoreSums(materialised(k), n, k, A)));
      expect(Array.from(clusterMeat(factored(k), n, k, B))).toEqual(Array.from(clusterMeat(materialised(k), n, k, B)));
    }
    // (e, y·e) by A: sums (−4, −5.5 + 1 ... ) = cluster 0: (−4, −2.5 − 3), cluster 1: (4, 2 + 24.5)
    expect(Array.from(clusterScoreSums(factored(2), n, 2, A))).toEqual([-4, 4, -5.5, 26.5]);
    expect(Array.from(clusterMeat(factored(2), n, 2, A))).toEqual([32, 128, 128, 30.25 + 702.25]);
  });
});

describe('vcovClustered: inclusion–exclusion and the G/(G − 1) rules', () => {
  it('one-way: 32/16 · G/(G − 1)', () => {
    expect(Array.from(vcovClustered(bread, e, n, 1, [A], { clusterAdj: true, clusterDf: 'min' }).vcov)).toEqual([4]);
    expect(Array.from(vcovClustered(bread, e, n, 1, [A], { clusterAdj: false, clusterDf: 'min' }).vcov)).toEqual([2]);
  });
  it('two-way: (32 + 8 − 21)/16; min → × 2; conventional → (2·32 + 2·8 − 4/3·21)/16', () => {
    const none = vcovClustered(bread, e, n, 1, [A, B], { clusterAdj: false, clusterDf: 'min' });
    expect(Array.from(none.vcov)).toEqual([19 / 16]);
    expect(none.minClusters).toBe(2);
    expect(Array.from(vcovClustered(bread, e, n, 1, [A, B], { clusterAdj: true, clusterDf: 'min' }).vcov)).toEqual([38 / 16]);
    expectClose(vcovClustered(bread, e, n, 1, [A, B], { clusterAdj: true, clusterDf: 'conventional' }).vcov[0]!, 52 / 16, 1e-15, 'conventional');
    expect(Array.from(vcovClustered(bread, e, n, 1, [A, B], { clusterAdj: false, clusterDf: 'conventional' }).vcov)).toEqual([19 / 16]);
    expect(vcovClustered(bread, e, n, 1, [cl('c', 0, 1, 2, 2), A], { clusterAdj: true, clusterDf: 'min' }).minClusters).toBe(2);
  });
  it('three-way: all seven terms with their signs', () => {
    const C = cl('c', 0, 0, 0, 1);
    // meats: A 32, B 8, C (−3.5)² + 3.5² = 24.5, A∩B 21, A∩C 16 + 0.25 + 12.25 = 28.5, B∩C 1.5² + 3.5² + (−2)² = 18.5, A∩B∩C 21
    const expected = (32 + 8 + 24.5 - 21 - 28.5 - 18.5 + 21) / 16;
    expectClose(vcovClustered(bread, e, n, 1, [A, B, C], { clusterAdj: false, clusterDf: 'min' }).vcov[0]!, expected, 1e-15, 'three-way');
  });
});

describe('vcovJackknife: Σ_g (β₋g − β̂)²', () => {
  it('intercept only: leave-out means 5.5 and 1.5 around 3.5 → 8; with weights (1, 1, 1, 3) around 14/3', () => {
    expect(Array.from(vcovJackknife(ones, y, n, 1, Float64Array.of(3.5), A))).toEqual([8]);
    expectClose(vcovJackknife(ones, y, n, 1, Float64Array.of(14 / 3), A, Float64Array.of(1, 1, 1, 3))[0]!, 1805 / 144, 1e-14, 'weighted');
  });
  it('simple regression on three clusters: matches refits without each cluster', () => {
    const x = [0, 1, 2, 3, 4, 6];
    const yy = [1, 3, 2, 5, 4, 9];
    const codes = [0, 0, 1, 1, 2, 2];
    const fit = (rows: number[]) => {
      const mx = rows.reduce((s, i) => s + x[i]!, 0) / rows.length;
      const my = rows.reduce((s, i) => s + yy[i]!, 0) / rows.length;
      const slope = rows.reduce((s, i) => s + (x[i]! - mx) * (yy[i]! - my), 0) / rows.reduce((s, i) => s + (x[i]! - mx) ** 2, 0);
      return [my - slope * mx, slope];
    };
    const all = [0, 1, 2, 3, 4, 5];
    const coef = fit(all);
    const expected = [0, 0, 0, 0];
    for (let g = 0; g < 3; g++) {
      const b = fit(all.filter((i) => codes[i] !== g));
      for (let a = 0; a < 2; a++) for (let c = 0; c < 2; c++) expected[a + 2 * c]! += (b[a]! - coef[a]!) * (b[c]! - coef[c]!);
    }
    const X = Float64Array.of(1, 1, 1, 1, 1, 1, ...x);
    const got = vcovJackknife(X, Float64Array.from(yy), 6, 2, Float64Array.from(coef), cl('g', ...codes));
    expectAllClose(got, expected, 1e-12, 'CRV3 jackknife');
  });
  it('a leave-out fit that is singular, or singular to 1e-12 relative, gives NaN', () => {
    const X = Float64Array.of(1, 1, 1, 1, 0, 0, 1, 1);
    const v = vcovJackknife(X, y, n, 2, Float64Array.of(1.5, 4), A);
    expect(v.every(Number.isNaN)).toBe(true);
    // without rows 3–4 (the other leave-out fit is regular), x = (1e-7, 0): XᵀX = [[2, 1e-7], [1e-7, 1e-14]], second pivot 5e-15 ≤ 1e-12·2
    const nearly = Float64Array.of(1, 1, 1, 1, 1e-7, 0, 1, 2);
    expect(vcovJackknife(nearly, y, n, 2, Float64Array.of(1.5, 4), A).every(Number.isNaN)).toBe(true);
    // the threshold scales with the largest diagonal: column 1000 and x = (1e-4, 0) → pivot 5e-9 ≤ 1e-12·2e6
    const scaled = Float64Array.of(1000, 1000, 1000, 1000, 1e-4, 0, 1, 2);
    expect(vcovJackknife(scaled, y, n, 2, Float64Array.of(0.0015, 4), A).every(Number.isNaN)).toBe(true);
  });
  it('three coefficients: matches refits by normal equations without each cluster', () => {
    const x = [0, 1, 2, 3, 4, 6, 7, 9];
    const z = [1, 0, 0, 1, 1, 0, 1, 0];
    const yy = [1, 3, 2, 5, 4, 9, 8, 12];
    const codes = [0, 0, 1, 1, 2, 2, 3, 3];
    const cols = [x.map(() => 1), x, z];
    const fit = (rows: number[]) => {
      // 3×3 normal equations by Cramer's rule (independent of the code under test)
      const M = cols.map((a) => cols.map((b) => rows.reduce((s, i) => s + a[i]! * b[i]!, 0)));
      const r = cols.map((a) => rows.reduce((s, i) => s + a[i]! * yy[i]!, 0));
      const det = (m: number[][]) => m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
      const d = det(M);
      return [0, 1, 2].map((j) => det(M.map((row, i) => row.map((v, c) => (c === j ? r[i]! : v)))) / d);
    };
    const all = x.map((_, i) => i);
    const coef = fit(all);
    const expected = new Array<number>(9).fill(0);
    for (let g = 0; g < 4; g++) {
      const b = fit(all.filter((i) => codes[i] !== g));
      for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) expected[a + 3 * c]! += (b[a]! - coef[a]!) * (b[c]! - coef[c]!);
    }
    const X = Float64Array.from([...cols[0]!, ...x, ...z]);
    expectAllClose(vcovJackknife(X, Float64Array.from(yy), 8, 3, Float64Array.from(coef), cl('g', ...codes)), expected, 1e-9, 'CRV3 k = 3');
  });
});

describe('fixPositiveDefinite', () => {
  it('unchanged (same object) without a negative diagonal; eigenvalues floored at 1e-10 otherwise', () => {
    const ok = Float64Array.of(1, 0, 0, 2);
    expect(fixPositiveDefinite(ok, 2).vcov).toBe(ok);
    const zero = Float64Array.of(0, 0, 0, 1);
    expect(fixPositiveDefinite(zero, 2)).toEqual({ vcov: zero, fixed: false });
    const fixed = fixPositiveDefinite(Float64Array.of(1, 0, 0, -1), 2);
    expect(fixed.fixed).toBe(true);
    expectAllClose(fixed.vcov, [1, 0, 0, 1e-10], 1e-12, 'fixed', { absTol: 1e-20 });
    const neg = fixPositiveDefinite(Float64Array.of(3, 1, 1, -2), 2).vcov;
    // only the negative eigenvalue moves: trace = 1e-10 + the positive eigenvalue (1 + √(25/4 + 1)·… )
    const positive = 0.5 + Math.sqrt(6.25 + 1);
    expectClose(neg[0]! + neg[3]!, positive + 1e-10, 1e-12, 'trace');
    expect(neg[1]).toBe(neg[2]);
  });
});

describe('computeVcov: every variance type with fixest small-sample factors', () => {
  const base: VcovInputs = { fn: 'fit', spec: { type: 'iid' }, ssc: DEFAULT_SSC, n, k: 1, bread, scores: e, sumSquaredResiduals: 21, fixefSizes: [], distKind: 't' };
  it('iid: Σe²/(n − K)·B = 1.75, t(3); a given iidVcov and residual df win; z for the normal family', () => {
    const r = computeVcov(base);
    expect(Array.from(r.vcov)).toEqual([1.75]);
    expect(r.dist).toEqual({ kind: 't', df: 3 });
    expect([r.dofK, r.nClusters, r.label, r.fixedPsd]).toEqual([1, null, 'IID', false]);
    expect(Array.from(computeVcov({ ...base, ssc: { ...DEFAULT_SSC, adj: false } }).vcov)).toEqual([21 / 3 / 4]);
    const given = Float64Array.of(9);
    const glm = computeVcov({ ...base, iidVcov: given, residualDf: 2 });
    expect(glm.vcov).toBe(given);
    expect(glm.dist).toEqual({ kind: 't', df: 2 });
    expect(glm.fixedPsd).toBe(false);
    expect(computeVcov({ ...base, distKind: 'normal' }).dist).toEqual({ kind: 'normal' });
  });
  it('hetero: HC1 = n/(n − 1)·(n − 1)/(n − K)·21/16; HC0 bare; HC3 with leverage; residual df', () => {
    const hc1 = computeVcov({ ...base, spec: { type: 'hetero', hc: 'HC1' } });
    expectClose(hc1.vcov[0]!, 1.75, 1e-15, 'HC1');
    expect(hc1.label).toBe('Heteroskedasticity-robust');
    expect(hc1.dist).toEqual({ kind: 't', df: 3 });
    expect([hc1.fixedPsd, hc1.nClusters, hc1.dofK]).toEqual([false, null, 1]);
    expectClose(computeVcov({ ...base, spec: { type: 'hetero', hc: 'HC1' }, ssc: { ...DEFAULT_SSC, clusterAdj: false } }).vcov[0]!, 21 / 16, 1e-15, 'HC1 without n/(n − 1)');
    expectClose(computeVcov({ ...base, spec: { type: 'hetero', hc: 'HC1' }, ssc: { ...DEFAULT_SSC, adj: false } }).vcov[0]!, (21 / 16) * (4 / 3), 1e-15, 'HC1 without adj');
    expect(Array.from(computeVcov({ ...base, spec: { type: 'hetero', hc: 'HC0' } }).vcov)).toEqual([21 / 16]);
    const hc3 = computeVcov({ ...base, spec: { type: 'hetero', hc: 'HC3' }, leverage: () => Float64Array.of(0.25, 0.25, 0.25, 0.25), residualDf: 7 });
    expectClose(hc3.vcov[0]!, 21 / 0.5625 / 16, 1e-15, 'HC3');
    expect(hc3.dist).toEqual({ kind: 't', df: 7 });
    expect(hc3.label).toBe('Heteroskedasticity-robust (HC3)');
    const missing = thrown(() => computeVcov({ ...base, spec: { type: 'hetero', hc: 'HC2' } }));
    expect(missing.code).toBe('invalid_option');
    expect(missing.message).toBe('fit: vcov "HC2" is not available for this model');
    expect(missing.details).toMatchObject({ fn: 'fit', option: 'vcov', value: 'HC2' });
  });
  it('CRV1: 32/16 · G/(G − 1) · (n − 1)/(n − K) = 4 on t(G − 1); the PSD fix when two-way goes negative', () => {
    const r = computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a'] }, clusterings: [A] });
    expect(Array.from(r.vcov)).toEqual([4]);
    expect(r.dist).toEqual({ kind: 't', df: 1 });
    expect([r.dofK, r.nClusters, r.label, r.fixedPsd]).toEqual([1, [2], 'Clustered (a)', false]);
    const factored = computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a'] }, clusterings: [A], scores: new Float64Array(4), scoreFactors: { columns: [ones], multiplier: e } });
    expect(Array.from(factored.vcov)).toEqual([4]);
    // scores (1, −1, −1, 1): both one-way meats are 0, the intersection's is 4 → −4/16·… < 0
    const negative = computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a', 'b'] }, scores: Float64Array.of(1, -1, -1, 1), clusterings: [A, B] });
    expect(negative.fixedPsd).toBe(true);
    expectClose(negative.vcov[0]!, 1e-10, 1e-12, 'floored');
    expect(negative.label).toBe('Clustered (a & b)');
    // a fixed effect of 2 levels nested in the cluster: K = 1 + 1 instead of 1 + 2
    const nested = computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a'] }, clusterings: [A], fixefSizes: [2], nested: [true] });
    expect(nested.dofK).toBe(2);
    expectClose(nested.vcov[0]!, 4 * (3 / 2), 1e-15, 'nested');
    expect(computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a'] }, clusterings: [A], fixefSizes: [2] }).dofK).toBe(3);
    expect(computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a'] }, clusterings: [A], fixefSizes: [3], nested: [false] }).dofK).toBe(4);
  });
  it('CRV3: the jackknife sum times G/(G − 1) and (n − 1)/(n − K)', () => {
    const r = computeVcov({ ...base, spec: { type: 'CRV3', clusters: ['a'] }, clusterings: [A], jackknife: (c) => vcovJackknife(ones, y, n, 1, Float64Array.of(3.5), c) });
    expect(Array.from(r.vcov)).toEqual([16]);
    expect(r.dist).toEqual({ kind: 't', df: 1 });
    // G = 3: G/(G − 1) = 3/2 (G·(G − 1) would be 6)
    const three = computeVcov({ ...base, spec: { type: 'CRV3', clusters: ['c'] }, clusterings: [cl('c', 0, 1, 2, 2)], jackknife: () => Float64Array.of(8) });
    expect(Array.from(three.vcov)).toEqual([12]);
    const noAdj = computeVcov({ ...base, spec: { type: 'CRV3', clusters: ['a'] }, ssc: { ...DEFAULT_SSC, clusterAdj: false }, clusterings: [A], jackknife: () => Float64Array.of(8) });
    expect(Array.from(noAdj.vcov)).toEqual([8]);
  });
  it('errors: CR2 outside least squares, missing cluster codes, CRV3 without a jackknife', () => {
    const cr2 = thrown(() => computeVcov({ ...base, spec: { type: 'CR2', clusters: ['a'] } }));
    expect(cr2.code).toBe('invalid_option');
    expect(cr2.message).toBe('fit: vcov CR2 is available for least-squares fits (feols) only');
    expect(cr2.details).toMatchObject({ fn: 'fit', option: 'vcov' });
    const noCodes = thrown(() => computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a'] } }));
    expect(noCodes.code).toBe('invalid_option');
    expect(noCodes.message).toBe('fit: cluster codes are missing for Clustered (a)');
    expect(noCodes.details).toMatchObject({ fn: 'fit', option: 'vcov' });
    expect(thrown(() => computeVcov({ ...base, spec: { type: 'CRV1', clusters: ['a', 'b'] }, clusterings: [A] })).code).toBe('invalid_option');
    const noJackknife = thrown(() => computeVcov({ ...base, spec: { type: 'CRV3', clusters: ['a'] }, clusterings: [A] }));
    expect(noJackknife.code).toBe('invalid_option');
    expect(noJackknife.message).toBe('fit: vcov CRV3 is not available for this model');
    expect(noJackknife.details).toMatchObject({ fn: 'fit', option: 'vcov' });
  });
});
