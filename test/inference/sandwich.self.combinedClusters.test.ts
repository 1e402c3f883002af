/**
 * Combined clusters `{ CRV1: 'id^period' }` (fixest 0.12.2 `cluster = ~id^period`: ONE clustering
 * whose clusters are the observed (id, period) combinations) on fixtures/datasets/base_did.csv.
 * Checked against identities derivable by hand: a precomputed combination column, HC1 when every
 * combination is one row (G = n), and two-way `id + id^period`, whose intersection is `id^period`.
 */
import { describe, expect, it } from 'vitest';
import { feols } from '../../src/models/feols.js';
import { parseVcov, clusterVariables, vcovLabel } from '../../src/inference/vcovSpec.js';
import { combinedClusters, clusterCodes } from '../../src/inference/clusters.js';
import { CausalPanelError } from '../../src/errors.js';
import { loadDataset } from '../helpers/oracle.js';
import { expectClose } from '../helpers/expectClose.js';

const frame = loadDataset('base_did.csv');
const n = frame.nrow;
const id = frame.numeric('id');
const period = frame.numeric('period');
const data = {
  y: frame.numeric('y'),
  x1: frame.numeric('x1'),
  treat: frame.numeric('treat'),
  post: frame.numeric('post'),
  id,
  period,
  // The combination as a plain column (text, so no arithmetic encoding is assumed).
  idp: Array.from(id, (v, i) => `${v}_${period[i]}`),
};

function expectMatrixClose(actual: number[][], expected: number[][], relTol: number, label: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expectClose(v, expected[i]![j]!, relTol, `${label}[${i},${j}]`)));
}

describe('vcovSpec: combined clusters a^b (fixest 0.12.2 cluster = ~id^period)', () => {
  it('parses id^period as one term and lists its component columns', () => {
    const spec = parseVcov({ CRV1: 'id ^ period' }, { fn: 'feols', combined: true });
    expect(spec).toEqual({ type: 'CRV1', clusters: ['id^period'] });
    expect(vcovLabel(spec)).toBe('Clustered (id^period)');
    const two = parseVcov({ CRV1: '~id + firm^year' }, { fn: 'feols', combined: true });
    expect(two).toEqual({ type: 'CRV1', clusters: ['id', 'firm^year'] });
    expect(clusterVariables(two)).toEqual(['id', 'firm', 'year']);
  });
  it('is refused (invalid_option) by callers that cannot build combined codes, and when malformed', () => {
    expect(() => parseVcov({ CRV1: 'id^period' }, { fn: 'did' })).toThrow(CausalPanelError);
    expect(() => parseVcov({ CRV1: 'id^' }, { fn: 'feols', combined: true })).toThrow(/empty component/);
    expect(() => parseVcov({ CRV1: 'id^id' }, { fn: 'feols', combined: true })).toThrow(/repeats/);
  });
  it('combinedClusters builds one code per observed combination (hand count)', () => {
    const c = combinedClusters('a^b', [clusterCodes('a', new Float64Array([1, 1, 2, 1])), clusterCodes('b', new Float64Array([1, 2, 2, 1]))]);
    expect(c.name).toBe('a^b');
    expect(Array.from(c.codes)).toEqual([0, 1, 2, 0]);
    expect(c.nClusters).toBe(3);
  });
});

describe('feols vcov { CRV1: "id^period" } (fixest 0.12.2 feols(y ~ x1 + treat:post | id + period, cluster = ~id^period))', () => {
  const formula = 'y ~ x1 + treat:post | id + period';
  const combined = feols(formula, data, { vcov: { CRV1: 'id^period' } });

  it('(a) equals clustering by a precomputed combination column (exact)', () => {
    const column = feols(formula, data, { vcov: { CRV1: 'idp' } });
    expectMatrixClose(combined.vcov(), column.vcov(), 1e-14, 'vcov');
    expect(combined.dist).toEqual(column.dist);
    expect(combined.summary()).toContain('Clustered (id^period)');
  });

  it('(b) with one row per (id, period), G = n: equals hetero (HC1) since G/(G−1) = n/(n−1)', () => {
    const hetero = feols(formula, data, { vcov: 'hetero' });
    expectMatrixClose(combined.vcov(), hetero.vcov(), 1e-12, 'vcov');
    // t reference: G − 1 = n − 1 degrees of freedom (fixest t.df = "min").
    expect(combined.dist).toEqual({ kind: 't', df: n - 1 });
  });

  it('(b, by hand) without fixed effects: V = G/(G−1)·(n−1)/(n−K)·B·Σ e²xxᵀ·B with G = n, K = 3', () => {
    const fit = feols('y ~ x1', data, { vcov: { CRV1: 'id^period' } });
    const x = data.x1;
    const e = fit.residuals();
    let sx = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) {
      sx += x[i]!;
      sxx += x[i]! * x[i]!;
    }
    // B = (XᵀX)⁻¹ for X = [1, x1].
    const det = n * sxx - sx * sx;
    const B = [[sxx / det, -sx / det], [-sx / det, n / det]];
    const M = [[0, 0], [0, 0]];
    for (let i = 0; i < n; i++) {
      const xi = [1, x[i]!];
      for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) M[a]![b]! += e[i]! * e[i]! * xi[a]! * xi[b]!;
    }
    const K = 2;
    const scale = (n / (n - 1)) * ((n - 1) / (n - K));
    const V = [[0, 0], [0, 0]];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
      let s = 0;
      for (let c = 0; c < 2; c++) for (let d = 0; d < 2; d++) s += B[a]![c]! * M[c]![d]! * B[d]![b]!;
      V[a]![b] = scale * s;
    }
    expectMatrixClose(fit.vcov(), V, 1e-10, 'vcov by hand');
  });

  it('(c) two-way id + id^period: equals id + idp, and (intersection = id^period) CRV1 by id', () => {
    const two = feols(formula, data, { vcov: { CRV1: 'id + id^period' } });
    const twoColumn = feols(formula, data, { vcov: { CRV1: 'id + idp' } });
    const byId = feols(formula, data, { vcov: { CRV1: 'id' } });
    expectMatrixClose(two.vcov(), twoColumn.vcov(), 1e-14, 'vs column');
    // V = c·(M_id + M_{id^period} − M_{id ∩ id^period}) = c·M_id, c = G_min/(G_min − 1)·(n−1)/(n−K).
    expectMatrixClose(two.vcov(), byId.vcov(), 1e-10, 'vs id');
    expect(two.summary()).toContain('Clustered (id & id^period)');
  });

  it('withVcov accepts combined clusters too, and CRV3 by id^period equals CRV3 by the column', () => {
    const base = feols('y ~ x1 + treat:post', data);
    const a = base.withVcov({ CRV3: 'id^period' });
    const b = base.withVcov({ CRV3: 'idp' });
    expectMatrixClose(a.vcov(), b.vcov(), 1e-14, 'CRV3');
    expectMatrixClose(base.withVcov({ CRV1: 'id^period' }).vcov(), base.withVcov({ CRV1: 'idp' }).vcov(), 1e-14, 'CRV1 withVcov');
  });
});
