/**
 * boottest's contract: option errors (unknown and fwildclusterboot-only names, bad param, R, r,
 * enumeration of too many clusters), seeded determinism, no mutation, the result's shape, and the
 * did / eventStudy entry points.
 */
import { describe, expect, it } from 'vitest';
import { feols } from '../../src/models/feols.js';
import { boottest } from '../../src/estimators/boottest.js';
import { did } from '../../src/estimators/did/did.js';
import { eventStudy } from '../../src/estimators/did/eventStudy.js';
import { psmDid } from '../../src/estimators/psmDid.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const data = loadDataset('base_did_grid.csv');
const fit = feols('y ~ x1 + treat:post | id + period', data, { vcov: { CRV1: 'grp' } });

describe('boottest options', () => {
  it('rejects an unknown coefficient, naming the fit terms', () => {
    const err = thrown(() => boottest(fit, { param: 'treatpost' }));
    expect(err.code).toBe('invalid_option');
    expect(err.message).toBe('boottest: "treatpost" is not an estimated coefficient (the fit has x1, treat:post)');
  });
  it('needs param on a feols fit', () => {
    expect(thrown(() => boottest(fit)).message).toMatch(/option "param" is required/);
  });
  it("suggests our names for fwildclusterboot's and refuses its engine options with why", () => {
    const clustid = thrown(() => boottest(fit, { param: 'x1', clustid: 'grp' } as never));
    expect(clustid.code).toBe('unknown_option');
    expect(clustid.message).toMatch(/"clusters"/);
    const engine = thrown(() => boottest(fit, { param: 'x1', engine: 'WildBootTests.jl' } as never));
    expect(engine.code).toBe('unknown_option');
    expect(engine.message).toMatch(/one engine/);
  });
  it('rejects full enumeration of too many clusters, and for non-Rademacher weights', () => {
    const err = thrown(() => boottest(fit, { param: 'x1', clusters: 'id', enumerate: true }));
    expect(err.code).toBe('invalid_option');
    expect(err.message).toBe('boottest: full enumeration of 2^108 sign vectors is too many (at most 24 bootstrap clusters)');
    expect(thrown(() => boottest(fit, { param: 'x1', weights: 'webb', enumerate: true })).code).toBe('invalid_option');
  });
  it('checks R and r against the parameters', () => {
    expect(thrown(() => boottest(fit, { param: ['x1', 'treat:post'], R: [1] })).message).toMatch(/option "R" must be 2 finite numbers/);
    expect(thrown(() => boottest(fit, { param: 'x1', r: [1, 2] })).message).toMatch(/option "r" must be 1 finite number/);
    expect(thrown(() => boottest(fit, { param: 'x1', B: 0 })).code).toBe('invalid_option');
    expect(thrown(() => boottest(fit, { param: 'x1', weights: 'gauss' as never })).code).toBe('invalid_option');
  });
  it('needs clusters when the fit is not clustered, and a known cluster column', () => {
    const iid = feols('y ~ x1 + treat:post | id + period', data, { vcov: 'iid' });
    expect(thrown(() => boottest(iid, { param: 'x1' })).message).toMatch(/not clustered \(IID\)|not clustered/);
    expect(thrown(() => boottest(fit, { param: 'x1', clusters: 'state' })).code).toBe('missing_column');
  });
  it('refuses results it cannot test', () => {
    expect(thrown(() => boottest({ kind: 'matchit' } as never, { param: 'x' })).message).toBe('boottest: expects a feols fit or a did, psmDid or eventStudy result (got matchit)');
  });
});

describe('boottest behaviour', () => {
  it('is deterministic for a seed and changes with it (Monte Carlo weights)', () => {
    const a = boottest(fit, { param: 'x1', weights: 'webb', B: 199, seed: 7 });
    const b = boottest(fit, { param: 'x1', weights: 'webb', B: 199, seed: 7 });
    const c = boottest(fit, { param: 'x1', weights: 'webb', B: 199, seed: 8 });
    expect(Array.from(a.bootStatistics())).toEqual(Array.from(b.bootStatistics()));
    expect(a.confInt).toEqual(b.confInt);
    expect(Array.from(a.bootStatistics())).not.toEqual(Array.from(c.bootStatistics()));
  });
  it('does not mutate the data or the fit', () => {
    const before = JSON.stringify(data.toJSON());
    const coef = Array.from(fit.coefficients);
    const residuals = Array.from(fit.residuals());
    boottest(fit, { param: 'treat:post', impose: true });
    boottest(fit, { param: ['x1', 'treat:post'], impose: false });
    expect(JSON.stringify(data.toJSON())).toBe(before);
    expect(Array.from(fit.coefficients)).toEqual(coef);
    expect(Array.from(fit.residuals())).toEqual(residuals);
  });
  it('returns a Result: kind, one tidy row, summary, JSON, the enumeration note', () => {
    const bt = boottest(fit, { param: 'treat:post' });
    expect(bt.kind).toBe('boottest');
    const [row] = bt.tidy();
    expect(row!.term).toBe('treat:post');
    expect(row!.statistic).toBe(bt.statistic);
    expect([row!.confLow, row!.confHigh]).toEqual([...bt.confInt]);
    const wider = bt.tidy(0.99)[0]!;
    expect(wider.confLow).toBeLessThan(row!.confLow);
    expect(bt.summary()).toMatch(/^Wild cluster bootstrap, WCR \(null imposed\): treat:post = 0/);
    expect(bt.notes[0]).toMatchObject({ code: 'design_adjusted' });
    expect(bt.noteLines()[0]).toMatch(/full enumeration of the 2\^9 = 512 Rademacher sign vectors/);
    const json = JSON.parse(JSON.stringify(bt));
    expect(json).toMatchObject({ kind: 'boottest', param: ['treat:post'], B: 512, fullEnumeration: true, nClusters: [9] });
  });
  it('notes the draws dropped for a negative two-way variance', () => {
    const bt = boottest(fit, { param: 'treat:post', clusters: ['grp', 'period'], bootCluster: 'min', impose: false });
    expect(bt.drawsUsed).toBe(506);
    expect(bt.notes).toContainEqual(expect.objectContaining({ code: 'resamples_skipped', count: 6 }));
  });
  it('one-sided p-values get no confidence set, with a note', () => {
    const bt = boottest(fit, { param: 'x1', pValueType: '>' });
    expect(bt.confInt.every(Number.isNaN)).toBe(true);
    expect(bt.notes).toContainEqual(expect.objectContaining({ code: 'test_not_computed', test: 'confidence set' }));
  });
});

describe('boottest on did and eventStudy results', () => {
  const baseDid = loadDataset('base_did.csv');
  it("did: param defaults to the ATT and equals the test of the fit's coefficient", () => {
    const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    const viaDid = boottest(res, { B: 99 });
    const viaFit = boottest(res.fit, { param: res.fit.terms[res.fit.terms.length - 1]!, B: 99 });
    expect(viaDid.param).toEqual(['ATT']);
    expect(viaDid.statistic).toBe(viaFit.statistic);
    expect(viaDid.pValue).toBe(viaFit.pValue);
    expect(viaDid.estimate).toBe(res.att.estimate);
  });
  it('psmDid: the ATT of the matched, weighted regression', () => {
    const res = psmDid({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'] });
    const bt = boottest(res, { B: 99, weights: 'webb' });
    expect(bt.param).toEqual(['ATT']);
    expect(bt.estimate).toBe(res.att.estimate);
    expect(bt.nClusters[0]).toBe(res.nClusters);
  });
  it("eventStudy: 'pre' tests every estimated pre-period coefficient jointly", () => {
    const withCohort = baseDid.withColumns({ g: Float64Array.from(baseDid.numeric('treat'), (t) => 6 * t) });
    const es = eventStudy({ data: withCohort, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' });
    const pre = es.rows.filter((r) => r.e < 0 && r.reference !== true);
    const bt = boottest(es, { param: 'pre', B: 199 });
    expect(bt.param).toEqual(pre.map((r) => r.term));
    expect(bt.R.length).toBe(pre.length);
    expect(Number.isFinite(bt.statistic)).toBe(true);
    const single = boottest(es, { param: pre[0]!.term, B: 199 });
    expect(single.estimate).toBe(pre[0]!.estimate);
  });
});
