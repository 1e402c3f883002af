/**
 * Properties of mediate() (linear mediator and outcome models) on random data (fast-check, fixed
 * seed, bounded runs; rows from ./randomPanel.ts): with quasi-Bayesian draws (which depend on the
 * seed and the fitted models only) row order changes nothing; under y → a + b·y with b > 0 the
 * ACME, ADE and total effect and their intervals scale by b while the proportion mediated and the
 * p-values do not (quasi-Bayesian and bootstrap: the same draws, refits scale exactly); a missing
 * cell in an unused column drops nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mediate } from '../../src/estimators/mediation/mediate.js';
import type { Estimate } from '../../src/estimate.js';
import { affineOutcome, expectSameRows, makePanel, panelSpec, permutation, permuteRows, RUNS, withUnusedMissing, type Columns, type PanelSpec } from './randomPanel.js';

const columns = (spec: PanelSpec) => makePanel(spec) as unknown as Columns;

function run(data: Columns, boot: boolean) {
  return mediate({ data, treat: 'treat', mediator: 'x', mediatorModel: 'x ~ treat + xu', outcomeModel: 'y ~ treat + x + xu', sims: 100, seed: 7, boot });
}

/** Rows after y → a + b·y (b > 0): effects × b; proportions mediated, statistics and p unchanged. */
function scaled(rows: readonly Estimate[], b: number): Estimate[] {
  return rows.map((r) =>
    r.term.startsWith('Prop.') ? r : { ...r, estimate: b * r.estimate, stdError: b * r.stdError, confLow: b * r.confLow, confHigh: b * r.confHigh },
  );
}

describe('mediate: invariances on random data', () => {
  it('row order does not change the quasi-Bayesian result', () => {
    fc.assert(
      fc.property(panelSpec, fc.integer(), (spec, seed) => {
        const data = columns(spec);
        const a = run(data, false);
        const b = run(permuteRows(data, permutation(data.y!.length, seed)), false);
        expectSameRows(b.tidy(), a.tidy(), 'permuted');
      }),
      RUNS,
    );
  });

  it('y → a + b·y (b > 0): effects × b; proportion mediated and p unchanged', () => {
    fc.assert(
      fc.property(panelSpec, fc.boolean(), fc.constantFrom(-250, 0, 3.7), fc.constantFrom(0.3, 7, 1000), (spec, boot, a, b) => {
        const data = columns(spec);
        const r0 = run(data, boot);
        const r1 = run(affineOutcome(data, 'y', a, b), boot);
        expectSameRows(r1.tidy(), scaled(r0.tidy(), b), `${boot ? 'bootstrap' : 'quasi-Bayes'}, y → ${a} + ${b}·y`, 'term', b);
      }),
      { ...RUNS, numRuns: 10 },
    );
  });

  it('a missing cell in an unused column drops nothing', () => {
    fc.assert(
      fc.property(panelSpec, fc.integer(), (spec, seed) => {
        const data = columns(spec);
        const n = data.y!.length;
        const a = run(data, false);
        const b = run(withUnusedMissing(data, n, seed), false);
        expect(b.nobs).toBe(n);
        expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
        expect(b.tidy()).toEqual(a.tidy());
      }),
      RUNS,
    );
  });
});
