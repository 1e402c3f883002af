/**
 * Properties of psmDid() (matching on baseline covariates, then the DiD on the matched panel) on
 * random panels (fast-check, fixed seed, bounded runs; panels from ./randomPanel.ts): the ATT and
 * its effect size are unchanged by row order and by relabelling unit ids (numbers → strings,
 * renumbered) and periods (renumbered: the baseline period must be a number); under y → a + b·y
 * the ATT and its SE scale by b and |b| while the effect size in SD units only takes the sign of
 * b; a missing cell in an unused column drops nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { psmDid } from '../../src/estimators/psmDid.js';
import {
  affineRows,
  expectSameRows,
  forAffinePanels,
  forPanels,
  forPanelsWithUnusedMissing,
  forPermutedPanels,
  relabel,
  type Columns,
} from './randomPanel.js';

const variant = fc.record({
  replace: fc.boolean(),
  baseline: fc.constantFrom<'first' | 'mean'>('first', 'mean'),
  standardize: fc.constantFrom<'control-baseline' | 'pooled'>('control-baseline', 'pooled'),
});
type Variant = typeof variant extends fc.Arbitrary<infer V> ? V : never;

function run(data: Columns, v: Variant) {
  return psmDid({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', covariates: ['xu', 'x'], ...v });
}

describe('psmDid: invariances on random panels', () => {
  it('row order does not change the matched ATT or its effect size', () => {
    forPermutedPanels([variant], (data, permuted, v) => {
      expectSameRows(run(permuted, v).tidy(), run(data, v).tidy(), 'permuted');
    });
  });

  it('relabelling unit ids (strings, renumbered) and periods (renumbered) does not change the result', () => {
    forPanels([variant], (data, v) => {
      const a = run(data, v).tidy();
      // Periods stay numbers: the baseline is the first period (psmDid rejects text periods).
      expectSameRows(run(relabel(data, 'id', (x) => `unit-${x}`), v).tidy(), a, 'string unit ids');
      expectSameRows(run(relabel(relabel(data, 'id', (x) => 1000 - 7 * x), 'period', (t) => 2000 + t), v).tidy(), a, 'renumbered ids');
    });
  });

  it('y → a + b·y: ATT × b, SE × |b|; the effect size only takes the sign of b', () => {
    forAffinePanels([variant], (data, mapped, { a, b }, v) => {
      const [att0, es0] = run(data, v).tidy();
      const [att1, es1] = run(mapped, v).tidy();
      expectSameRows([att1!], affineRows([att0!], b), `ATT, y → ${a} + ${b}·y`, 'term', Math.abs(b));
      expectSameRows([es1!], affineRows([es0!], Math.sign(b)), `effect size, y → ${a} + ${b}·y`);
    });
  });

  it('a missing cell in an unused column drops nothing', () => {
    forPanelsWithUnusedMissing([variant], (data, holed, _n, v) => {
      const a = run(data, v);
      const b = run(holed, v);
      expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
      expect(b.tidy()).toEqual(a.tidy());
    });
  });
});
