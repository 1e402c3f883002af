/**
 * Clustered data and absorbed fixed effects in mediate.
 *
 * 1. Coverage simulation (seeded, hand-checkable truth): treatment assigned by cluster, cluster
 *    random effects in both equations; true ACME = 0.5 · 0.5 = 0.25. The cluster bootstrap and
 *    the cluster-robust (CRV1, as sandwich::vcovCL) quasi-Bayes draws cover near nominal; the
 *    row bootstrap and iid draws, which ignore the clustering, under-cover.
 * 2. Fixed effects: `| school` absorbed must give the same ACME/ADE and the same bootstrap draws
 *    as explicit school dummies (the FE cancel in linear contrasts; see docs/guides/mediation.md).
 */
import { describe, it, expect } from 'vitest';
import { mediate } from '../../../src/estimators/mediation/mediate.js';
import { productOfCoefficients } from '../../../src/estimators/mediation/productOfCoefficients.js';
import { createRng } from '../../../src/numerics/random.js';
import { expectAllClose, expectClose } from '../../helpers/expectClose.js';

/** G clusters of m rows; T by cluster; M = 0.5T + u_g + e; Y = 0.5M + 0.3T + v_g + 0.5u_g + ε. */
function clustered(seed: number, G: number, m: number) {
  const rng = createRng(seed);
  const n = G * m;
  const T = new Float64Array(n);
  const X = new Float64Array(n);
  const M = new Float64Array(n);
  const Y = new Float64Array(n);
  const school: string[] = [];
  for (let g = 0; g < G; g++) {
    const t = g % 2;
    const u = rng.normal();
    const v = rng.normal();
    for (let j = 0; j < m; j++) {
      const i = g * m + j;
      T[i] = t;
      X[i] = rng.normal();
      M[i] = 0.5 * t + u + rng.normal();
      Y[i] = 0.5 * M[i]! + 0.3 * t + v + 0.5 * u + rng.normal();
      school.push(`s${g}`);
    }
  }
  return { T, X, M, Y, school };
}

describe('mediate(cluster = "school"): coverage of the true ACME = 0.25 (100 seeded replications, 20 clusters × 10, 200 draws)', () => {
  const truth = 0.25;
  const replications = 100;
  let clusterBoot = 0;
  let rowBoot = 0;
  let clusterDraws = 0;
  let iidDraws = 0;
  const covers = (r: ReturnType<typeof mediate>): number => (r.acme.average.confLow <= truth && truth <= r.acme.average.confHigh ? 1 : 0);
  for (let r = 0; r < replications; r++) {
    const data = clustered(1000 + r, 20, 10);
    const options = { data, treat: 'T', mediator: 'M', mediatorModel: 'M ~ T + X', outcomeModel: 'Y ~ T + M + X', sims: 200, seed: r };
    clusterBoot += covers(mediate({ ...options, boot: true, cluster: 'school' }));
    rowBoot += covers(mediate({ ...options, boot: true }));
    clusterDraws += covers(mediate({ ...options, cluster: 'school' }));
    iidDraws += covers(mediate(options));
  }
  it('cluster bootstrap covers ≥ 83% (nominal 95%; 20 clusters); the row bootstrap ≤ 70%', () => {
    expect(clusterBoot / replications).toBeGreaterThanOrEqual(0.83);
    expect(rowBoot / replications).toBeLessThanOrEqual(0.7);
  });
  it('cluster-robust quasi-Bayes draws cover ≥ 83%; iid draws ≤ 70%', () => {
    expect(clusterDraws / replications).toBeGreaterThanOrEqual(0.83);
    expect(iidDraws / replications).toBeLessThanOrEqual(0.7);
  });
});

describe('mediate(cluster): mechanics', () => {
  const data = clustered(7, 12, 8);
  const options = { data, treat: 'T', mediator: 'M', mediatorModel: 'M ~ T + X', outcomeModel: 'Y ~ T + M + X', sims: 300, seed: 3 };
  it('the cluster bootstrap keeps the full-sample point estimate (a·b of the OLS fits, 1e-10)', () => {
    const res = mediate({ ...options, boot: true, cluster: 'school' });
    const { sims: _sims, seed: _seed, ...models } = options;
    const poc = productOfCoefficients(models);
    expectClose(res.acme.average.estimate, poc.indirect.estimate, 1e-10, 'ACME = a·b');
    expect(res.cluster).toBe('school');
    expect(res.summary()).toContain('Clusters resampled: school');
  });
  it('rows with a missing cluster id are dropped before fitting, with a rows_dropped_missing note', () => {
    const school = data.school.map((g, i) => (i % 25 === 0 ? null : g));
    const res = mediate({ ...options, data: { ...data, school }, boot: true, cluster: 'school' });
    const dropped = school.filter((g) => g === null).length;
    expect(res.nobs).toBe(data.T.length - dropped);
    expect(res.notes.some((note) => note.code === 'rows_dropped_missing' && note.count === dropped)).toBe(true);
  });
  it('clustered intervals are wider than row/iid ones on cluster-assigned treatment', () => {
    const width = (r: ReturnType<typeof mediate>): number => r.acme.average.confHigh - r.acme.average.confLow;
    expect(width(mediate({ ...options, boot: true, cluster: 'school' }))).toBeGreaterThan(width(mediate({ ...options, boot: true })));
    expect(width(mediate({ ...options, cluster: 'school' }))).toBeGreaterThan(width(mediate(options)));
  });
});

describe('mediate with absorbed fixed effects (| school) vs explicit school dummies', () => {
  const data = clustered(11, 10, 12);
  // Treatment varies within school here, so it is identified next to the school effects.
  const rng = createRng(5);
  const n = data.T.length;
  const T = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0));
  const M = Float64Array.from(data.M, (m, i) => m - 0.5 * data.T[i]! + 0.6 * T[i]!);
  const Y = Float64Array.from(data.Y, (y, i) => y + 0.4 * T[i]! + 0.5 * (M[i]! - data.M[i]!));
  const panel = { ...data, T, M, Y };
  const common = { data: panel, treat: 'T', mediator: 'M', sims: 300, seed: 9, boot: true };
  const absorbed = mediate({ ...common, mediatorModel: 'M ~ T + X | school', outcomeModel: 'Y ~ T + M + X | school' });
  const dummies = mediate({ ...common, mediatorModel: 'M ~ T + X + school', outcomeModel: 'Y ~ T + M + X + school' });
  it('point estimates (ACME, ADE, total, proportion) equal within 1e-10', () => {
    expectClose(absorbed.acme.average.estimate, dummies.acme.average.estimate, 1e-10, 'ACME');
    expectClose(absorbed.ade.average.estimate, dummies.ade.average.estimate, 1e-10, 'ADE');
    expectClose(absorbed.total.estimate, dummies.total.estimate, 1e-10, 'total');
    expectClose(absorbed.propMediated.average.estimate, dummies.propMediated.average.estimate, 1e-9, 'prop');
  });
  it('bootstrap draws equal within 1e-8: the resample is re-demeaned, the FE cancel in the contrasts', () => {
    expectAllClose(absorbed.draws().acmeControl, dummies.draws().acmeControl, 1e-8, 'ACME draws');
    expectAllClose(absorbed.draws().adeTreated, dummies.draws().adeTreated, 1e-8, 'ADE draws');
  });
  it('two-way fixed effects (| school + wave; the smaller dimension enters refits as dummies): bootstrap draws equal the dummy model within 1e-8', () => {
    const wave = Array.from({ length: n }, (_, i) => `w${i % 3}`);
    const twoWay = { ...common, data: { ...panel, wave } };
    const a = mediate({ ...twoWay, mediatorModel: 'M ~ T + X | school + wave', outcomeModel: 'Y ~ T + M + X | school + wave' });
    const d = mediate({ ...twoWay, mediatorModel: 'M ~ T + X + school + wave', outcomeModel: 'Y ~ T + M + X + school + wave' });
    expectClose(a.acme.average.estimate, d.acme.average.estimate, 1e-10, 'ACME');
    expectAllClose(a.draws().acmeControl, d.draws().acmeControl, 1e-8, 'ACME draws');
    expectAllClose(a.draws().adeControl, d.draws().adeControl, 1e-8, 'ADE draws');
  });
  it('cluster bootstrap with the fixed effect nested in the clusters (swept once): draws equal the dummy model within 1e-8', () => {
    const a = mediate({ ...common, cluster: 'school', mediatorModel: 'M ~ T + X | school', outcomeModel: 'Y ~ T + M + X | school' });
    const d = mediate({ ...common, cluster: 'school', mediatorModel: 'M ~ T + X + school', outcomeModel: 'Y ~ T + M + X + school' });
    expectAllClose(a.draws().acmeControl, d.draws().acmeControl, 1e-8, 'ACME draws');
    expectAllClose(a.draws().adeTreated, d.draws().adeTreated, 1e-8, 'ADE draws');
  });
  it('with a T×M interaction the FE-level predictions (ŷ − Xβ̂ offsets) still reproduce the dummy model', () => {
    const a = mediate({ ...common, mediatorModel: 'M ~ T + X | school', outcomeModel: 'Y ~ T * M + X | school' });
    const d = mediate({ ...common, mediatorModel: 'M ~ T + X + school', outcomeModel: 'Y ~ T * M + X + school' });
    expectClose(a.acme.control.estimate, d.acme.control.estimate, 1e-10, 'ACME control');
    expectClose(a.acme.treated.estimate, d.acme.treated.estimate, 1e-10, 'ACME treated');
    // The ADE with T×M depends on the mediator's level, school effect included (same draws).
    expectClose(a.ade.control.estimate, d.ade.control.estimate, 1e-10, 'ADE control');
    expectClose(a.ade.treated.estimate, d.ade.treated.estimate, 1e-10, 'ADE treated');
  });
});
