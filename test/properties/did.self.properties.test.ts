/**
 * Properties of did() on random small panels (fast-check, fixed seed, bounded runs; panels from
 * ./randomPanel.ts): the ATT and its effect size are unchanged by row order, by relabelling unit
 * and time ids (numbers ↔ strings) and by scaling the weights; under y → a + b·y the ATT and its
 * SE scale by b and |b| while the effect size in SD units changes only its sign with b; a missing
 * cell in an unused column drops nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { did, type DidOptions } from '../../src/estimators/did/did.js';
import {
  affineRows,
  expectSameRows,
  forAffinePanels,
  forPanels,
  forPanelsWithUnusedMissing,
  forPermutedPanels,
  forReweightedPanels,
  relabel,
  type Columns,
} from './randomPanel.js';

/** Variations of the call: covariates, fixed effects, weights, the SD's reference group. */
const variant = fc.record({
  covariates: fc.constantFrom<readonly string[]>([], ['x']),
  fixedEffects: fc.boolean(),
  weighted: fc.boolean(),
  standardize: fc.constantFrom<'control-baseline' | 'pooled'>('control-baseline', 'pooled'),
  vcov: fc.constantFrom<DidOptions['vcov']>(undefined, 'hetero', 'iid'),
});
type Variant = typeof variant extends fc.Arbitrary<infer V> ? V : never;

function run(data: Columns, v: Variant) {
  return did({
    data,
    outcome: 'y',
    unit: 'id',
    time: 'period',
    treat: 'treat',
    post: 'post',
    covariates: v.covariates,
    fixedEffects: v.fixedEffects,
    standardize: v.standardize,
    ...(v.vcov === undefined ? {} : { vcov: v.vcov }),
    ...(v.weighted ? { weights: 'w' } : {}),
  });
}

describe('did: invariances on random panels', () => {
  it('row order does not change the ATT, its effect size or the 2×2 means', () => {
    forPermutedPanels([variant], (data, permuted, v) => {
      const a = run(data, v);
      const b = run(permuted, v);
      expectSameRows(b.tidy(), a.tidy(), 'permuted');
      expect(b.standardize.sd).toBeCloseTo(a.standardize.sd, 12);
      expect(b.means.diffInDiff).toBeCloseTo(a.means.diffInDiff, 12);
      expect([b.nobs, b.nUnits]).toEqual([a.nobs, a.nUnits]);
    });
  });

  it('relabelling unit and time ids (numbers → strings, renumbered) does not change the result', () => {
    forPanels([variant], (data, v) => {
      const a = run(data, v);
      const strings = relabel(relabel(data, 'id', (x) => `unit-${x}`), 'period', (x) => `p${x}`);
      const numbers = relabel(relabel(data, 'id', (x) => 1000 - 7 * x), 'period', (x) => 2000 + x);
      expectSameRows(run(strings, v).tidy(), a.tidy(), 'string ids');
      expectSameRows(run(numbers, v).tidy(), a.tidy(), 'renumbered ids');
    });
  });

  it('scaling the weights by a constant does not change the result', () => {
    forReweightedPanels([variant], (data, reweighted, c, v) => {
      const a = run(data, { ...v, weighted: true });
      const b = run(reweighted, { ...v, weighted: true });
      expectSameRows(b.tidy(), a.tidy(), `weights × ${c}`);
    });
  });

  it('y → a + b·y: ATT × b, SE × |b|; the effect size in SD units only takes the sign of b', () => {
    forAffinePanels([variant], (data, mapped, { a, b }, v) => {
      const r0 = run(data, v);
      const r1 = run(mapped, v);
      const [att0, es0] = r0.tidy();
      const [att1, es1] = r1.tidy();
      expectSameRows([att1!], affineRows([att0!], b), `ATT, y → ${a} + ${b}·y`, 'term', Math.abs(b));
      expectSameRows([es1!], affineRows([es0!], Math.sign(b)), `effect size, y → ${a} + ${b}·y`);
      expect(r1.standardize.sd / r0.standardize.sd).toBeCloseTo(Math.abs(b), 9);
    });
  });

  it('a missing cell in an unused column drops nothing', () => {
    forPanelsWithUnusedMissing([variant], (data, holed, n, v) => {
      const a = run(data, v);
      const b = run(holed, v);
      expect(b.nobs).toBe(n);
      expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
      expect(b.tidy()).toEqual(a.tidy());
    });
  });
});
