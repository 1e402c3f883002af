/**
 * Sandwich variances against fixest 0.12.2 (fixtures/oracles/fixest_*.json), from arrays only:
 * the fixed effects are partialled out exactly by least squares on explicit dummies
 * (Frisch–Waugh–Lovell), so this checks `computeVcov`, `ssc` and `clusters` independently of the
 * demeaning and formula layers.
 */
import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../src/numerics/leastSquares.js';
import { computeVcov, fixPositiveDefinite, vcovClustered } from '../../src/inference/sandwich.js';
import { clusterCodes, intersectClusters, isNestedIn, type ClusterCodes } from '../../src/inference/clusters.js';
import { DEFAULT_SSC, dofK, resolveSsc } from '../../src/inference/ssc.js';
import { parseVcov, type VcovOption } from '../../src/inference/vcovSpec.js';
import { waldInference } from '../../src/inference/intervals.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { twoWayWithin } from '../helpers/twoWayWithin.js';

const data = loadDataset('base_did.csv');
const n = data.nrow;
const y = data.numeric('y');
const x1 = data.numeric('x1');
const id = data.numeric('id');
const period = data.numeric('period');
const treat = data.numeric('treat');
const post = data.numeric('post');
const treatPost = treat.map((t, i) => t * post[i]!);
const ones = new Float64Array(n).fill(1);
const idClusters = clusterCodes('id', id);
const periodClusters = clusterCodes('period', period);

function dummies(codes: ClusterCodes, dropFirst: boolean): Float64Array[] {
  const out: Float64Array[] = [];
  for (let level = dropFirst ? 1 : 0; level < codes.nClusters; level++) {
    out.push(Float64Array.from(codes.codes, (c) => (c === level ? 1 : 0)));
  }
  return out;
}
// id dummies (all levels) + period dummies (first dropped): the two-way fixed-effect space.
const feSpace = [...dummies(idClusters, false), ...dummies(periodClusters, true)];

function matrix(columns: Float64Array[]): Float64Array {
  const X = new Float64Array(n * columns.length);
  columns.forEach((c, j) => X.set(c, j * n));
  return X;
}
/** Residuals of v on the two-way fixed-effect dummies (closed form: base_did is balanced; checked below). */
const partialOut = (v: Float64Array): Float64Array => twoWayWithin(v, idClusters, periodClusters);

/** Fits y on columns and returns what computeVcov needs. */
function fitArrays(columns: Float64Array[], response: Float64Array) {
  const k = columns.length;
  const X = matrix(columns);
  const ls = leastSquares(X, n, k, response);
  const scores = new Float64Array(n * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) scores[j * n + i] = X[j * n + i]! * ls.residuals[i]!;
  return { k, coef: ls.coef, bread: ls.xtxInverse, scores, rss: ls.rss };
}

interface Case {
  oracle: string;
  columns: () => Float64Array[];
  vcov: VcovOption;
  fe: boolean;
  results?: (r: any) => any;
}

const twfe = (cols: Float64Array[]) => cols.map(partialOut);
const periodTreat = [1, 2, 3, 4, 6, 7, 8, 9, 10].map((p) => Float64Array.from(period, (v, i) => (v === p ? treat[i]! : 0)));

const cases: Case[] = [
  { oracle: 'fixest_ols_hetero', columns: () => [ones, x1, treatPost], vcov: 'hetero', fe: false },
  { oracle: 'fixest_2x2_no_fe', columns: () => [ones, treat, post, x1, treatPost], vcov: { CRV1: 'id' }, fe: false },
  { oracle: 'fixest_twfe_did_iid', columns: () => twfe([treatPost]), vcov: 'iid', fe: true },
  { oracle: 'fixest_twfe_did_hetero', columns: () => twfe([treatPost]), vcov: 'hetero', fe: true },
  { oracle: 'fixest_twfe_did_cluster', columns: () => twfe([treatPost]), vcov: { CRV1: 'id' }, fe: true },
  { oracle: 'fixest_twfe_did_cov_cluster', columns: () => twfe([x1, treatPost]), vcov: { CRV1: 'id' }, fe: true },
  { oracle: 'fixest_twoway_cluster', columns: () => twfe([x1, treatPost]), vcov: { CRV1: 'id + period' }, fe: true },
  { oracle: 'fixest_event_study_cluster', columns: () => twfe([x1, ...periodTreat]), vcov: { CRV1: 'id' }, fe: true },
  { oracle: 'fixest_twfe_did_interaction', columns: () => twfe([treatPost]), vcov: 'iid', fe: true, results: (r) => r.iid },
];

const clusterByName: Record<string, ClusterCodes> = { id: idClusters, period: periodClusters };

describe('the fixed effects are partialled out exactly (Frisch–Waugh–Lovell)', () => {
  it('base_did is balanced, and the closed form equals the residuals of least squares on the explicit dummies (1e-10)', () => {
    expect(n).toBe(idClusters.nClusters * periodClusters.nClusters);
    const dummiesResiduals = leastSquares(matrix(feSpace), n, feSpace.length, y).residuals;
    const scale = Math.max(...Array.from(y, Math.abs));
    expectAllClose(partialOut(y), dummiesResiduals, 1e-10, 'residuals', { absTol: 1e-12 * scale });
  });
});

describe('computeVcov reproduces fixest 0.12.2 feols SEs from bread and scores (base_did)', () => {
  it.each(cases)('$oracle: fixest call recorded in the oracle, vcov $vcov', (c) => {
    const oracle = loadOracle(c.oracle);
    const results = c.results ? c.results(oracle.results) : oracle.results;
    const response = c.fe ? partialOut(y) : y;
    const { k, coef, bread, scores, rss } = fitArrays(c.columns(), response);
    const spec = parseVcov(c.vcov, { fn: 'test' });
    const clusterings = spec.type === 'CRV1' ? spec.clusters.map((name) => clusterByName[name]!) : undefined;
    const fixefSizes = c.fe ? [108, 10] : [];
    const nested = clusterings && c.fe ? [idClusters, periodClusters].map((fe) => clusterings.some((cl) => isNestedIn(fe.codes, fe.nClusters, cl))) : null;
    const result = computeVcov({ fn: 'test', spec, ssc: DEFAULT_SSC, n, k, bread, scores, sumSquaredResiduals: rss, clusterings, fixefSizes, nested, distKind: 't' });
    expect(result.dofK).toBe(results.dofK);
    expect(result.dist).toEqual({ kind: 't', df: results.dfT });
    expect(result.label).toBe(results.vcovType);
    expect(result.nClusters === null ? null : Math.min(...result.nClusters)).toBe(results.nClusters);
    const expected = results.coefficients as { term: string; estimate: number; stdError: number; statistic: number; pValue: number }[];
    const rows = expected.map((e, j) => {
      const se = Math.sqrt(result.vcov[j + j * k]!);
      return { term: e.term, ...waldInference(coef[j]!, se, result.dist) };
    });
    expectEstimatesMatch(rows, expected, { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-6 }, { label: c.oracle });
    const vcovRows = results.vcov as number[][];
    expectAllClose(Array.from(result.vcov), vcovRows.flat(), 1e-6, 'vcov', { absTol: 1e-12 });
  });
});

describe('fixest ssc(): dof.K and nesting (fixest 0.12.2 R/VCOV.R)', () => {
  it('K counts FE not nested in the cluster: twfe clustered by id → 11, iid → 118, both nested → coef + 1', () => {
    expect(dofK({ nCoef: 1, fixefSizes: [108, 10], nested: [true, false], fixefK: 'nested' })).toBe(11);
    expect(dofK({ nCoef: 1, fixefSizes: [108, 10], nested: null, fixefK: 'nested' })).toBe(118);
    expect(dofK({ nCoef: 2, fixefSizes: [108, 10], nested: [true, true], fixefK: 'nested' })).toBe(3);
    expect(dofK({ nCoef: 1, fixefSizes: [108, 10], nested: [true, false], fixefK: 'full' })).toBe(118);
    expect(dofK({ nCoef: 1, fixefSizes: [108, 10], nested: [true, false], fixefK: 'none' })).toBe(1);
  });
  it('the id FE is nested in cluster id, the period FE is not; intersections count pairs', () => {
    expect(isNestedIn(idClusters.codes, idClusters.nClusters, idClusters)).toBe(true);
    expect(isNestedIn(periodClusters.codes, periodClusters.nClusters, idClusters)).toBe(false);
    expect(intersectClusters([idClusters, periodClusters]).nClusters).toBe(1080);
  });
  it('rejects bad ssc values (invalid_option) and unknown keys (unknown_option, fixest names suggested)', () => {
    expect(() => resolveSsc({ fixefK: 'all' as never })).toThrowError('ssc: option "ssc.fixefK" must be one of "nested", "full", "none" (got "all")');
    expect(() => resolveSsc({ foo: 1 } as never)).toThrowError('ssc: unknown option "ssc.foo" (known options: adj, fixefK, clusterAdj, clusterDf, tDf)');
    expect(() => resolveSsc({ 'cluster.adj': false } as never)).toThrowError('ssc: unknown option "ssc.cluster.adj" (did you mean "clusterAdj"?)');
  });
  it('vcov cluster syntax: "~id" and "id + period" as fixest; "id^period" (one combined cluster in fixest) is refused, not read as two-way', () => {
    expect(parseVcov({ CRV1: '~id' }, { fn: 'feols' })).toEqual({ type: 'CRV1', clusters: ['id'] });
    expect(parseVcov({ CRV1: 'id + period' }, { fn: 'feols' })).toEqual({ type: 'CRV1', clusters: ['id', 'period'] });
    expect(() => parseVcov({ CRV1: 'id^period' }, { fn: 'feols' })).toThrowError(/^feols: vcov\.CRV1 does not support combined clusters "a\^b"/);
  });
});

describe('multiway clustering: CGM eigenvalue fix as fixest mat_posdef_fix', () => {
  it('leaves a PSD matrix alone and lifts negative eigenvalues to 1e-10', () => {
    const psd = Float64Array.of(2, 1, 1, 2);
    expect(fixPositiveDefinite(psd, 2).fixed).toBe(false);
    // A negative eigenvalue alone does not trigger the fix (fixest looks at the diagonal only).
    expect(fixPositiveDefinite(Float64Array.of(1, 2, 2, 1), 2).fixed).toBe(false);
    const neg = fixPositiveDefinite(Float64Array.of(-1, 2, 2, 1), 2);
    expect(neg.fixed).toBe(true);
    // −1, 2; 2, 1 has eigenvalues ±√5: the fix keeps √5·vvᵀ (+1e-10·uuᵀ).
    const s5 = Math.sqrt(5);
    const v = [2, s5 + 1];
    const norm = v[0]! * v[0]! + v[1]! * v[1]!;
    expectClose(neg.vcov[0]!, (s5 * v[0]! * v[0]!) / norm, 1e-9, 'fixed[0,0]');
    expectClose(neg.vcov[3]!, (s5 * v[1]! * v[1]!) / norm, 1e-9, 'fixed[1,1]');
  });
  it('two-way = V(id) + V(period) − V(id∩period) before the G_min factor (hand-checked identity)', () => {
    const k = 1;
    const bread = Float64Array.of(1);
    const scores = Float64Array.from(x1);
    const both = vcovClustered(bread, scores, n, k, [idClusters, periodClusters], { clusterAdj: false, clusterDf: 'min' }).vcov[0]!;
    const a = vcovClustered(bread, scores, n, k, [idClusters], { clusterAdj: false, clusterDf: 'min' }).vcov[0]!;
    const b = vcovClustered(bread, scores, n, k, [periodClusters], { clusterAdj: false, clusterDf: 'min' }).vcov[0]!;
    let hc0 = 0;
    for (let i = 0; i < n; i++) hc0 += x1[i]! * x1[i]!;
    expectClose(both, a + b - hc0, 1e-12, 'CGM identity');
  });
});
