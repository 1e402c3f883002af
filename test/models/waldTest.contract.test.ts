/**
 * The contract of CR2, `waldTest` and the few-cluster note: error codes and messages of the vcov
 * and test options, where the `few_clusters` note appears (CRV1/CRV3 fits, did, eventStudy, with
 * treated clusters counted) and where it does not (CR2, enough clusters), and that CR2 reaches the
 * t tests of did and eventStudy through the Satterthwaite df. Numbers are checked in
 * test/inference/cr2.clubSandwich.test.ts; here only shapes and codes.
 */
import { describe, expect, it } from 'vitest';
import { did } from '../../src/estimators/did/did.js';
import { eventStudy } from '../../src/estimators/did/eventStudy.js';
import { psmDid } from '../../src/estimators/psmDid.js';
import { formatNote } from '../../src/errors.js';
import { FEW_CLUSTERS, FEW_TREATED_CLUSTERS } from '../../src/inference/fewClusters.js';
import { feols } from '../../src/models/feols.js';
import { glm } from '../../src/models/glm.js';
import { waldTest } from '../../src/models/waldTest.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const grid = loadDataset('base_did_grid.csv');
const baseDid = loadDataset('base_did.csv');
const fitCR2 = feols('y ~ x1 + treat:post | id + period', grid, { vcov: { CR2: 'grp' } });
const fitGrp = feols('y ~ x1 + treat:post | id + period', grid, { vcov: { CRV1: 'grp' } });

describe('vcov CR2: option errors', () => {
  it('"CR2" alone clusters by the first fixed effect; without one it asks for a cluster', () => {
    const fit = feols('y ~ x1 | id + period', baseDid, { vcov: 'CR2' });
    expect(fit.vcovInfo.spec).toEqual({ type: 'CR2', clusters: ['id'] });
    expect(fit.vcovInfo.label).toBe('Clustered CR2 (id)');
    const err = thrown(() => feols('y ~ x1', baseDid, { vcov: 'CR2' }));
    expect(err.code).toBe('invalid_option');
    expect(err.message).toMatch(/\{ CR2: "<cluster>" \}/);
  });

  it('CR2 and CRV3 are one-way only (two-way is not defined): invalid_option naming CRV1', () => {
    for (const key of ['CR2', 'CRV3'] as const) {
      const err = thrown(() => feols('y ~ x1 | id', baseDid, { vcov: { [key]: 'id + period' } as never }));
      expect(err.code).toBe('invalid_option');
      expect(err.message).toContain(`vcov.${key} supports one clustering only`);
      expect(err.message).toContain('{ CRV1: "id + period" }');
    }
  });

  it('glm refuses CR2 (least squares only)', () => {
    const data = { d: [0, 1, 0, 1, 1, 0, 1, 0], x: [1, 2, 3, 4, 5, 6, 7, 8], g: [1, 1, 2, 2, 3, 3, 4, 4] };
    const err = thrown(() => glm('d ~ x', data, { family: 'binomial', vcov: { CR2: 'g' } }));
    expect(err.code).toBe('invalid_option');
    expect(err.message).toMatch(/CR2/);
  });

  it('the summary names the Satterthwaite df, toJSON carries them', () => {
    expect(fitCR2.summary()).toMatch(/Satterthwaite df: x1 7\.70\d*, treat:post 7\.18/);
    const json = fitCR2.toJSON() as { termDf: number[] };
    expect(json.termDf).toHaveLength(2);
    expect(fitCR2.tidy()[0]!.pValue).not.toBe(fitGrp.withVcov({ CR2: 'grp' }).withVcov({ CRV1: 'grp' }).tidy()[0]!.pValue);
  });
});

describe('waldTest: errors and shapes', () => {
  it.each([
    ['an unknown term', () => waldTest(fitCR2, ['x9']), 'invalid_option', /"x9" is not a coefficient/],
    ['a term twice', () => waldTest(fitCR2, ['x1', 'x1']), 'invalid_option', /constrained twice/],
    ['a row of the wrong length', () => waldTest(fitCR2, [[1, 0, 0]]), 'invalid_option', /2 finite numbers/],
    ['no constraint', () => waldTest(fitCR2, []), 'invalid_option', /constraints must be/],
    ['HTZ without CR2', () => waldTest(fitGrp, ['x1'], { test: 'HTZ' }), 'invalid_option', /needs a fit with vcov \{ CR2/],
    ['nullValue of the wrong length', () => waldTest(fitCR2, ['x1', 'treat:post'], { nullValue: [1, 2, 3] }), 'invalid_option', /nullValue needs 2 numbers/],
    ['an unknown option', () => waldTest(fitCR2, ['x1'], { tests: 'F' } as never), 'unknown_option', /tests/],
  ] as const)('%s', (_, run, code, message) => {
    const err = thrown(run);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('defaults: HTZ for CR2 fits, F on the fit’s t df otherwise', () => {
    expect(waldTest(fitCR2, ['x1']).test).toBe('HTZ');
    const f = waldTest(fitGrp, ['x1', 'treat:post']);
    expect(f).toMatchObject({ test: 'F', df1: 2, df2: 8, delta: 1 });
    expect(Object.isFrozen(f)).toBe(true);
  });

  it('one constraint: HTZ is the Satterthwaite t test (F = t², df = ν)', () => {
    const one = waldTest(fitCR2, ['treat:post']);
    const row = fitCR2.tidy()[1]!;
    expect(one.statistic * (1 / one.delta)).toBeCloseTo(row.statistic ** 2, 8);
    expect(one.df2).toBeCloseTo(fitCR2.vcovInfo.termDf![1]!, 10);
    expect(one.pValue).toBeCloseTo(row.pValue, 12);
  });

  it('a logit fit (z statistics) defaults to chi2; F on it is χ²(q)/q', () => {
    const logit = glm('treat ~ x1', grid, { family: 'binomial' });
    const chi = waldTest(logit, ['x1']);
    expect(chi.test).toBe('chi2');
    const z = logit.tidy()[1]!;
    expect(chi.statistic).toBeCloseTo(z.statistic ** 2, 10);
    expect(chi.pValue).toBeCloseTo(z.pValue, 12);
    const f = waldTest(logit, ['x1'], { test: 'F' });
    expect(f.df2).toBe(Infinity);
    expect(f.pValue).toBeCloseTo(chi.pValue, 14);
  });

  it('a singular C V Cᵀ is NaN with a test_not_computed note, not an error', () => {
    const res = waldTest(fitGrp, [[1, 0], [2, 0]]);
    expect(res.statistic).toBeNaN();
    expect(res.notes[0]).toMatchObject({ code: 'test_not_computed' });
  });
});

describe('few_clusters note', () => {
  it(`a CRV1 fit with fewer than ${FEW_CLUSTERS} clusters has one; CR2 and enough clusters do not`, () => {
    expect(fitGrp.notes).toContainEqual({ code: 'few_clusters', cluster: 'grp', clusters: 9, threshold: 42, treatedThreshold: 10 });
    expect(fitCR2.notes.some((n) => n.code === 'few_clusters')).toBe(false);
    expect(fitGrp.withVcov({ CR2: 'grp' }).notes.some((n) => n.code === 'few_clusters')).toBe(false);
    expect(fitGrp.withVcov('iid').notes.some((n) => n.code === 'few_clusters')).toBe(false);
    expect(feols('y ~ x1 | id + period', baseDid).notes.some((n) => n.code === 'few_clusters')).toBe(false);
    expect(formatNote(fitGrp.notes.find((n) => n.code === 'few_clusters')!)).toBe(
      'NOTE: 9 clusters (grp), fewer than 42: cluster-robust t tests can over-reject; consider vcov { CR2: "grp" } (Satterthwaite df) or the wild cluster bootstrap.',
    );
  });

  it('did and eventStudy count the clusters holding treated units', () => {
    const args = { data: grid, outcome: 'y', unit: 'id', time: 'period' } as const;
    const res = did({ ...args, treat: 'treat', post: 'post', vcov: { CRV1: 'grp' } });
    const note = res.notes.filter((n) => n.code === 'few_clusters');
    expect(note).toHaveLength(1);
    expect(note[0]).toMatchObject({ cluster: 'grp', clusters: 9, treatedThreshold: FEW_TREATED_CLUSTERS });
    expect((note[0] as { treatedClusters: number }).treatedClusters).toBeGreaterThan(0);
    const cohortData = grid.withColumns({ g: Float64Array.from(grid.numeric('treat'), (t) => 6 * t) });
    const es = eventStudy({ ...args, data: cohortData, cohort: 'g', vcov: { CRV1: 'grp' } });
    expect(es.notes.filter((n) => n.code === 'few_clusters')).toEqual(note);
    // By unit: 108 clusters, 53 with treated units, no note.
    expect(did({ ...args, treat: 'treat', post: 'post' }).notes.some((n) => n.code === 'few_clusters')).toBe(false);
  });

  it('few treated clusters alone are noted, with both counts in the text', () => {
    const sub = { data: grid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' } as const;
    // Only units 1–6 treated among 108 unit clusters.
    const rows = grid.toRows().map((row) => ({ ...row, treat: Number(row.id) <= 6 ? 1 : 0 }));
    const res = did({ ...sub, data: rows });
    const note = res.notes.find((n) => n.code === 'few_clusters')!;
    expect(note).toEqual({ code: 'few_clusters', cluster: 'id', clusters: 108, treatedClusters: 6, threshold: 42, treatedThreshold: 10 });
    expect(formatNote(note)).toContain('6 of 108 clusters (id) with treated units, fewer than 10');
  });

  it('did with vcov { CR2 } tests the ATT on its Satterthwaite df and carries no note', () => {
    const res = did({ data: grid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', vcov: { CR2: 'grp' } });
    expect(res.notes.some((n) => n.code === 'few_clusters')).toBe(false);
    const fit = res.fit;
    const j = fit.terms.length - 1;
    expect(fit.vcovInfo.termDf).toBeDefined();
    expect(res.att.pValue).toBeCloseTo(fit.tidy()[j]!.pValue, 14);
  });

  it('eventStudy with CR2: event-time rows on their coefficient’s df, Sun–Abraham aggregates on their own', () => {
    const cohortData = grid.withColumns({ g: Float64Array.from(grid.numeric('treat'), (t) => 6 * t) });
    const args = { data: cohortData, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', vcov: { CR2: 'grp' } } as const;
    const es = eventStudy(args);
    const fitRows = es.fit.tidy();
    for (const row of es.rows.filter((r) => r.reference !== true)) {
      const j = fitRows.findIndex((f) => f.estimate === row.estimate);
      expect(row.pValue).toBe(fitRows[j]!.pValue);
    }
    const sunab = eventStudy({ ...args, method: 'sunab' });
    // One cohort: each event-time aggregate is one coefficient, so its Satterthwaite df (scale-free)
    // and p-value are that coefficient's.
    const sunabFit = sunab.fit.tidy();
    for (const row of sunab.rows.filter((r) => r.reference !== true)) {
      const match = sunabFit.find((f) => Math.abs(f.estimate - row.estimate) <= 1e-12 * Math.abs(row.estimate));
      expect(match, `coefficient of ${row.term}`).toBeDefined();
      expect(row.pValue).toBeCloseTo(match!.pValue, 12);
    }
    expect(sunab.notes.some((n) => n.code === 'few_clusters')).toBe(false);
  });

  it('psmDid passes CR2 to did (no note) and carries did’s few-cluster note under CRV1', () => {
    const args = { data: grid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'] } as const;
    const cr2 = psmDid({ ...args, vcov: { CR2: 'grp' } });
    expect(cr2.vcovLabel).toBe('Clustered CR2 (grp)');
    expect(cr2.fit.vcovInfo.termDf).toBeDefined();
    expect(cr2.notes.some((n) => n.code === 'few_clusters')).toBe(false);
    const byUnit = psmDid({ ...args, vcov: 'CR2' });
    expect(byUnit.vcovLabel).toBe('Clustered CR2 (id)');
    const crv1 = psmDid({ ...args, vcov: { CRV1: 'grp' } });
    expect(crv1.notes.filter((n) => n.code === 'few_clusters')).toHaveLength(1);
  });

  it("did and psmDid-style 'CR2' alone cluster by the unit", () => {
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', vcov: 'CR2' });
    expect(res.vcovLabel).toBe('Clustered CR2 (id)');
    expect(res.nClusters).toBe(108);
    expect(res.fit.vcovInfo.termDf).toBeDefined();
  });
});
