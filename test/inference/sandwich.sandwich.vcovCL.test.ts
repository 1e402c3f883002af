/**
 * sandwich 3.0-2's `vcovCL(type = "HC1")` counts every dummy in K, unlike fixest: reproduced with
 * `ssc: { fixefK: 'full' }` (fixtures/oracles/lm_sandwich_twfe_cluster.json), both from the
 * full dummy regression and from the within (FWL) regression with the fixed-effect sizes.
 */
import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../src/numerics/leastSquares.js';
import { computeVcov } from '../../src/inference/sandwich.js';
import { clusterCodes, isNestedIn } from '../../src/inference/clusters.js';
import { resolveSsc } from '../../src/inference/ssc.js';
import { parseVcov } from '../../src/inference/vcovSpec.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';
import { expectClose } from '../helpers/expectClose.js';
import { twoWayWithin } from '../helpers/twoWayWithin.js';

const oracle = loadOracle('lm_sandwich_twfe_cluster').results;
const data = loadDataset('base_did.csv');
const n = data.nrow;
const y = data.numeric('y');
const treat = data.numeric('treat');
const post = data.numeric('post');
const treatPost = treat.map((t, i) => t * post[i]!);
const id = clusterCodes('id', data.numeric('id'));
const period = clusterCodes('period', data.numeric('period'));

function dummyColumns(levels: number, codes: Int32Array): Float64Array[] {
  const out: Float64Array[] = [];
  for (let l = 1; l < levels; l++) out.push(Float64Array.from(codes, (c) => (c === l ? 1 : 0)));
  return out;
}

// lm(y ~ treat_post + factor(id) + factor(period)): intercept, treat_post, 107 + 9 dummies.
const columns = [new Float64Array(n).fill(1), treatPost, ...dummyColumns(id.nClusters, id.codes), ...dummyColumns(period.nClusters, period.codes)];
const k = columns.length;
const X = new Float64Array(n * k);
columns.forEach((c, j) => X.set(c, j * n));
const ls = leastSquares(X, n, k, y);
const scores = new Float64Array(n * k);
for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) scores[j * n + i] = X[j * n + i]! * ls.residuals[i]!;

function seOfTreatPost(vcov: string | object, ssc: object = {}, fixefSizes: number[] = [], nested: boolean[] | null = null): number {
  const spec = parseVcov(vcov as never, { fn: 'test' });
  const result = computeVcov({
    fn: 'test', spec, ssc: resolveSsc(ssc), n, k, bread: ls.xtxInverse, scores, sumSquaredResiduals: ls.rss,
    clusterings: spec.type === 'CRV1' ? [id] : undefined, fixefSizes, nested, distKind: 't',
  });
  return Math.sqrt(result.vcov[1 + 1 * k]!);
}

describe('sandwich 3.0-2 vcovCL / vcovHC on lm(y ~ treat_post + factor(id) + factor(period), base_did)', () => {
  it('the dummy regression has all 118 columns and the fixest coefficient', () => {
    expect(ls.rank).toBe(oracle.KAllDummies);
    expectClose(ls.coef[1]!, oracle.estimate, 1e-10, 'treat_post');
  });
  it('vcovCL(cluster = ~id, type = "HC1") = CRV1 with every dummy in K (ssc fixefK "full")', () => {
    expectClose(seOfTreatPost({ CRV1: 'id' }, { fixefK: 'full' }), oracle.stdErrorVcovCLHC1, 1e-8, 'vcovCL HC1');
    // The dummies are coefficients here, so the default ssc counts them all too.
    expectClose(seOfTreatPost({ CRV1: 'id' }), oracle.stdErrorVcovCLHC1, 1e-8, 'vcovCL HC1 (default ssc)');
  });
  it('vcovCL(type = "HC0") — sandwich applies G/(G−1) by default (cadjust = TRUE) — = CRV1 with ssc { adj: false }', () => {
    expectClose(seOfTreatPost({ CRV1: 'id' }, { adj: false }), oracle.stdErrorClusterHC0TimesGOverGm1, 1e-8, 'vcovCL HC0');
  });
  it('vcovCL(type = "HC0", cadjust = FALSE) = CRV1 without any small-sample factor', () => {
    expectClose(seOfTreatPost({ CRV1: 'id' }, { adj: false, clusterAdj: false }), Math.sqrt((oracle.stdErrorClusterHC0TimesGOverGm1 ** 2 * (oracle.G - 1)) / oracle.G), 1e-8, 'vcovCL HC0 cadjust = FALSE');
  });
  it('vcov() and vcovHC(type = "HC1") equal fixest iid and hetero', () => {
    expectClose(seOfTreatPost('iid'), oracle.stdErrorIid, 1e-8, 'iid');
    expectClose(seOfTreatPost('HC1'), oracle.stdErrorHC1, 1e-8, 'HC1');
    expectClose(seOfTreatPost('HC0'), oracle.stdErrorHC0, 1e-8, 'HC0');
  });
  it('the within regression with fixefK "full" gives vcovCL HC1; with fixefK "nested" gives fixest', () => {
    // FWL: partial the fixed effects out of treat_post and y (the residuals on the intercept and
    // the id and period dummies; closed form on this balanced panel), then a one-column regression.
    const xt = twoWayWithin(treatPost, id, period);
    const yt = twoWayWithin(y, id, period);
    const within = leastSquares(xt, n, 1, yt);
    const sc = Float64Array.from(xt, (v, i) => v * within.residuals[i]!);
    const nested = [isNestedIn(id.codes, id.nClusters, id), isNestedIn(period.codes, period.nClusters, id)];
    const se = (ssc: object) => Math.sqrt(computeVcov({
      fn: 'test', spec: parseVcov({ CRV1: 'id' }, { fn: 'test' }), ssc: resolveSsc(ssc), n, k: 1, bread: within.xtxInverse, scores: sc,
      sumSquaredResiduals: within.rss, clusterings: [id], fixefSizes: [108, 10], nested, distKind: 't',
    }).vcov[0]!);
    expectClose(se({ fixefK: 'full' }), oracle.stdErrorVcovCLHC1, 1e-8, 'within, fixefK full');
    expectClose(se({}), oracle.fixestClusterStdError, 1e-8, 'within, fixefK nested (fixest)');
    expectClose(se({}), oracle.stdErrorClusterFixestFormula, 1e-8, 'README formula');
  });
});
