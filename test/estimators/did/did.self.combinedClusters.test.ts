/**
 * did() and eventStudy() with combined clusters `{ CRV1: 'id^period' }` (fixest 0.12.2
 * `cluster = ~id^period`: one clustering by the observed (id, period) combinations) and two-way
 * `{ CRV1: 'id + id^period' }`, on fixtures/datasets/base_did.csv. The reference is the equivalent
 * feols call (itself checked against fixest in test/inference/sandwich.self.combinedClusters.test.ts):
 * did ≡ feols('y ~ treat:post | id + period'), eventStudy(twfe, cohort = 6·treat, ref = −1) ≡
 * feols('y ~ x1 + i(period, treat, 5) | id + period'). Same design and same clustering, so the
 * agreement should be exact up to rounding (tolerance 1e-12 relative).
 */
import { describe, expect, it } from 'vitest';
import { did } from '../../../src/estimators/did/did.js';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { feols } from '../../../src/models/feols.js';
import { expectClose } from '../../helpers/expectClose.js';
import { loadDataset } from '../../helpers/oracle.js';

const base = loadDataset('base_did.csv');
const treat = base.numeric('treat');
const id = base.numeric('id');
const period = base.numeric('period');
// Dotted names (R's `first.treat` style) are not formula-safe: did/eventStudy must alias them.
const data = base.withColumns({
  g: Float64Array.from(treat, (t) => 6 * t),
  'school.id': Array.from(id, (v) => `s${v}`),
  'time.period': Float64Array.from(period),
});
/** Number of distinct (id, period) combinations, counted by hand. */
const nCombinations = new Set(Array.from(id, (v, i) => `${v}|${period[i]}`)).size;

describe.each([
  ['id^period', { CRV1: 'id^period' }],
  ['school.id^time.period (dotted names)', { CRV1: 'school.id^time.period' }],
  ['id + id^period (two-way)', { CRV1: 'id + id^period' }],
] as const)('did() vcov %s equals fixest 0.12.2-style feols(y ~ treat:post | id + period, cluster = ~id^period)', (_label, vcov) => {
  const feolsVcov = 'school.id^time.period' === vcov.CRV1 ? { CRV1: 'id^period' } : vcov;
  const ref = feols('y ~ treat:post | id + period', data, { vcov: feolsVcov });
  const res = did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', vcov });

  it('ATT estimate and SE equal the feols fit', () => {
    expectClose(res.att.estimate, ref.coef()['treat:post']!, 1e-12, 'ATT');
    expectClose(res.att.stdError, ref.se()['treat:post']!, 1e-12, 'SE');
    expectClose(res.att.pValue, ref.pvalue()['treat:post']!, 1e-10, 'p');
    expect(res.vcovLabel).toBe(`Clustered (${vcov.CRV1.replace(' + ', ' & ')})`);
  });
  it('is a different variance than the default clustering by id (not silently ignored)', () => {
    if (vcov.CRV1.startsWith('id +')) return; // two-way min-G = id: compared through feols above
    const byId = did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    expect(Math.abs(res.att.stdError - byId.att.stdError) / byId.att.stdError).toBeGreaterThan(1e-3);
  });
  it('nClusters = the smallest dimension (number of combinations, or ids for two-way)', () => {
    expect(res.nClusters).toBe(vcov.CRV1.startsWith('id +') ? 108 : nCombinations);
    expect(nCombinations).toBe(1080);
  });
});

describe('eventStudy(twfe) vcov { CRV1: "id^period" } equals feols(y ~ x1 + i(period, treat, 5) | id + period, cluster = ~id^period) (fixest 0.12.2 semantics)', () => {
  const ref = feols('y ~ x1 + i(period, treat, 5) | id + period', data, { vcov: { CRV1: 'id^period' } });
  const se = ref.se();
  const coef = ref.coef();
  it.each([
    ['id^period', { CRV1: 'id^period' }],
    ['school.id^time.period (dotted names)', { CRV1: 'school.id^time.period' }],
  ] as const)('%s: event-time estimates and SEs, nClusters = 1080', (_label, vcov) => {
    const es = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', ref: -1, covariates: ['x1'], vcov });
    const estimated = es.rows.filter((r) => r.reference !== true);
    expect(estimated.length).toBe(9);
    for (const row of estimated) {
      const term = `period::${row.e + 6}:treat`;
      expectClose(row.estimate, coef[term]!, 1e-12, `${term} estimate`);
      expectClose(row.stdError, se[term]!, 1e-12, `${term} SE`);
    }
    expect(es.nClusters).toBe(nCombinations);
  });
});

describe('did() combined-cluster validation', () => {
  it('a missing component column is missing_column', () => {
    expect(() => did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', vcov: { CRV1: 'id^nope' } })).toThrow(expect.objectContaining({ code: 'missing_column' }));
  });
});
