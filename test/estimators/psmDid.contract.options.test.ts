/**
 * psmDid() options (the API contract of issue 9): its reader accepts exactly did()'s design
 * options, its own (`baseline`, `clusterBy`) and matchit()'s matching options — which matchit
 * reads and checks itself — and rejects anything else with a suggestion; did() options that
 * psmDid sets itself (`weights`, the matching weights) say what to use instead. Result contract: kind 'psmDid',
 * the balance table as a summary table, toJSON through the one path.
 * Data: fixtures/datasets/base_did.csv (fixest 0.12.2's base_did).
 */
import { describe, expect, it } from 'vitest';
import { psmDid, type PsmDidOptions } from '../../src/estimators/psmDid.js';
import { did } from '../../src/estimators/did/did.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const data = loadDataset('base_did.csv');
const args: PsmDidOptions = { data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['x1'] };

describe('psmDid options', () => {
  it.each([
    ['std.caliper', { 'std.caliper': false }, 'stdCaliper'],
    ['m.order', { 'm.order': 'smallest' }, 'order'],
    ['clusterby', { clusterby: 'unit' }, 'clusterBy'],
    ['xformla', { xformla: '~x1' }, 'covariates'],
    ['baseLine', { baseLine: 'mean' }, 'baseline'],
  ])('%s → unknown_option suggesting %s', (key, extra, suggestion) => {
    const error = thrown(() => psmDid({ ...args, ...extra } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toBe(`psmDid: unknown option "${key}" (did you mean "${suggestion}"?)`);
  });

  it("cluster (R's name) → unknown_option suggesting vcov: { CRV1: … }, as did()", () => {
    const error = thrown(() => psmDid({ ...args, cluster: 'id' } as never));
    expect(error.message).toBe('psmDid: unknown option "cluster" (did you mean vcov: { CRV1: "id" }?)');
  });

  it('vcov is did()\'s: { CRV1: "id" } gives the same fit as clusterBy "unit"; with clusterBy too it is invalid_option', () => {
    const byVcov = psmDid({ ...args, replace: true, vcov: { CRV1: 'id' } });
    const byUnit = psmDid({ ...args, replace: true, clusterBy: 'unit' });
    expect(byVcov.tidy()).toEqual(byUnit.tidy());
    expect(byVcov.vcovLabel).toBe('Clustered (id)');
    expect(byVcov.clusterBy).toBeNull();
    expect(psmDid({ ...args, replace: true, vcov: 'hetero' }).vcovLabel).toBe(did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', vcov: 'hetero' }).vcovLabel);
    const error = thrown(() => psmDid({ ...args, vcov: 'iid', clusterBy: 'unit' }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe('psmDid: option "clusterBy" must be left out when vcov is given (vcov sets the variance) (got "unit")');
  });

  it.each([
    ['weights', { weights: 'x1' }, 'matching weights'],
    ['formula', { formula: 'treat ~ x1' }, 'covariates'],
  ])('did()\'s %s is set by psmDid: unknown_option saying what to use', (key, extra, mention) => {
    const error = thrown(() => psmDid({ ...args, ...extra } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toContain(`psmDid: option "${key}" is not supported (`);
    expect(error.message).toContain(mention);
  });

  it.each([
    ['baseline', { baseline: 'last' }, 'psmDid: option "baseline" must be one of "first", "mean" (got "last")'],
    ['clusterBy', { clusterBy: 'school' }, 'psmDid: option "clusterBy" must be one of "subclass", "unit" (got "school")'],
    ['covariates', { covariates: [] }, 'psmDid: option "covariates" must be a non-empty array of column names (got [])'],
    ['level', { level: 95 }, 'psmDid: option "level" must be a number in (0, 1) (got 95)'],
  ])('psmDid\'s own option %s is read by psmDid', (_key, extra, message) => {
    const error = thrown(() => psmDid({ ...args, ...extra } as never));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe(message);
  });

  it('a matching option is passed to matchit(), which checks it (ratio 0 → invalid_option naming ratio)', () => {
    const error = thrown(() => psmDid({ ...args, ratio: 0 }));
    expect(error.code).toBe('invalid_option');
    expect(error.message.startsWith('psmDid: ')).toBe(true);
    expect(error.message).toContain('"ratio"');
  });

  it('every matching option reaches matchit(): ratio 2 with replacement matches 2 controls per treated unit', () => {
    const res = psmDid({ ...args, ratio: 2, replace: true, clusterBy: 'unit' });
    expect(res.matching.nMatched.treated).toBeGreaterThan(0);
    expect(res.matching.pairs.every((set) => set.controls.length === 2)).toBe(true);
  });
});

describe('psmDid data policy: ±Infinity is non_finite naming the caller\'s row (as did, fixest, MatchIt)', () => {
  it.each([
    ['x1', 3, Infinity],
    ['y', 1078, -Infinity],
  ])('%s row %i = %s', (column, row, value) => {
    const values = Float64Array.from(data.numeric(column));
    values[row] = value;
    const error = thrown(() => psmDid({ ...args, data: data.withColumns({ [column]: values }) }));
    expect(error.code).toBe('non_finite');
    expect(error.details).toMatchObject({ column, row, value });
    expect(error.message).toBe(`psmDid: column "${column}" has a non-finite value (row ${row + 1}: ${value})`);
  });
});

describe('psmDid result contract', () => {
  const res = psmDid({ ...args, method: 'kernel', kernel: 'gaussian', bandwidth: 1e6, clusterBy: 'unit' });

  it('kind "psmDid", did()\'s rows, the balance table in the summary', () => {
    expect(res.kind).toBe('psmDid');
    expect(res.tidy().map((r) => r.term)).toEqual(['ATT', 'ATT (SD)']);
    const text = res.summary();
    expect(text.split('\n')[0]).toBe('PSM-DiD (matched on baseline x1), Dep. Var.: y');
    expect(text).toContain('Balance of the baseline covariates (units):');
    expect(text).toMatch(/\nx1\s+-?\d+\.\d{4}\s+-?\d+\.\d{4}/);
    expect(text).toContain('Mean outcome (raw DiD of means:');
  });

  it('toJSON(): kind, matching design and balance as plain JSON', () => {
    const json = JSON.parse(JSON.stringify(res));
    expect(json.kind).toBe('psmDid');
    expect(json.matching).toMatchObject({ baseline: 'first', clusterBy: 'unit', unitsUnmatched: 0, unitsDiscarded: 0 });
    expect(json.balance.after.map((r: { term: string }) => r.term)).toEqual(['distance', 'x1']);
    expect(json.att.estimate).toBe(res.att.estimate);
  });
});
