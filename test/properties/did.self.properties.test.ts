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
  affineMap,
  affineOutcome,
  affineRows,
  expectSameRows,
  makePanel,
  panelSpec,
  permutation,
  permuteRows,
  relabel,
  RUNS,
  weightScale,
  withUnusedMissing,
  type Columns,
  type PanelSpec,
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

const columns = (spec: PanelSpec) => makePanel(spec) as unknown as Columns;

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
    fc.assert(
      fc.property(panelSpec, variant, fc.integer(), (spec, v, seed) => {
        const data = columns(spec);
        const a = run(data, v);
        const b = run(permuteRows(data, permutation(data.y!.length, seed)), v);
        expectSameRows(b.tidy(), a.tidy(), 'permuted');
        expect(b.standardize.sd).toBeCloseTo(a.standardize.sd, 12);
        expect(b.means.diffInDiff).toBeCloseTo(a.means.diffInDiff, 12);
        expect([b.nobs, b.nUnits]).toEqual([a.nobs, a.nUnits]);
      }),
      RUNS,
    );
  });

  it('relabelling unit and time ids (numbers → strings, renumbered) does not change the result', () => {
    fc.assert(
      fc.property(panelSpec, variant, (spec, v) => {
        const data = columns(spec);
        const a = run(data, v);
        const strings = relabel(relabel(data, 'id', (x) => `unit-${x}`), 'period', (x) => `p${x}`);
        const numbers = relabel(relabel(data, 'id', (x) => 1000 - 7 * x), 'period', (x) => 2000 + x);
        expectSameRows(run(strings, v).tidy(), a.tidy(), 'string ids');
        expectSameRows(run(numbers, v).tidy(), a.tidy(), 'renumbered ids');
      }),
      RUNS,
    );
  });

  it('scaling the weights by a constant does not change the result', () => {
    fc.assert(
      fc.property(panelSpec, variant, weightScale, (spec, v, c) => {
        const data = columns(spec);
        const a = run(data, { ...v, weighted: true });
        const b = run({ ...data, w: (data.w as number[]).map((x) => c * x) }, { ...v, weighted: true });
        expectSameRows(b.tidy(), a.tidy(), `weights × ${c}`);
      }),
      RUNS,
    );
  });

  it('y → a + b·y: ATT × b, SE × |b|; the effect size in SD units only takes the sign of b', () => {
    fc.assert(
      fc.property(panelSpec, variant, affineMap, (spec, v, { a, b }) => {
        const data = columns(spec);
        const r0 = run(data, v);
        const r1 = run(affineOutcome(data, 'y', a, b), v);
        const [att0, es0] = r0.tidy();
        const [att1, es1] = r1.tidy();
        expectSameRows([att1!], affineRows([att0!], b), `ATT, y → ${a} + ${b}·y`, 'term', Math.abs(b));
        expectSameRows([es1!], affineRows([es0!], Math.sign(b)), `effect size, y → ${a} + ${b}·y`);
        expect(r1.standardize.sd / r0.standardize.sd).toBeCloseTo(Math.abs(b), 9);
      }),
      RUNS,
    );
  });

  it('a missing cell in an unused column drops nothing', () => {
    fc.assert(
      fc.property(panelSpec, variant, fc.integer(), (spec, v, seed) => {
        const data = columns(spec);
        const n = data.y!.length;
        const a = run(data, v);
        const b = run(withUnusedMissing(data, n, seed), v);
        expect(b.nobs).toBe(n);
        expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
        expect(b.tidy()).toEqual(a.tidy());
      }),
      RUNS,
    );
  });
});
