/**
 * aggregateAttgt's support shortcut (AttgtCells.support: skip the rows where a cell's influence
 * function is exactly 0) must not change a single bit, and must still match did 2.5.1
 * (`aggte(att_gt(yname = "lemp", tname = "year", idname = "countyreal", gname = "first.treat",
 * xformla = ~lpop, data = mpdta, est_method = "dr"), type = "dynamic")`,
 * fixtures/oracles/did_mpdta_never_dr_lpop.json).
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { aggregateAttgt } from '../../../src/estimators/did/aggregate.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

const mpdta = loadDataset('mpdta.csv');
const TYPES = ['simple', 'dynamic', 'group', 'calendar'] as const;

describe('aggregateAttgt with AttgtCells.support = without it (did 2.5.1 aggte, mpdta)', () => {
  for (const control of ['never', 'notyet'] as const) {
    for (const basePeriod of ['varying', 'universal'] as const) {
      it(`control ${control}, base period ${basePeriod}: identical estimates, SEs and influence functions for every type`, () => {
        const fit = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', covariates: ['lpop'], method: 'dr', control, basePeriod });
        const cells = fit.cells();
        expect(cells.support?.length).toBe(cells.att.length);
        const { support: _support, ...withoutSupport } = cells;
        for (const type of TYPES) {
          const a = aggregateAttgt(cells, type);
          const b = aggregateAttgt(withoutSupport, type);
          expect(a.overall).toEqual(b.overall);
          expect(a.rows).toEqual(b.rows);
          expect(Array.from(a.overallInfluence())).toEqual(Array.from(b.overallInfluence()));
          expect(Array.from(a.influence())).toEqual(Array.from(b.influence()));
        }
      });
    }
  }

  it('dynamic overall ATT and SE still match did 2.5.1 (did_mpdta_never_dr_lpop.json)', () => {
    const oracle = loadOracle<{ dynamic: { overallAtt: number; overallStdError: number } }>('did_mpdta_never_dr_lpop');
    const fit = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', covariates: ['lpop'], method: 'dr', control: 'never' });
    const agg = fit.aggregate('dynamic');
    const reference = { term: 'ATT', estimate: oracle.results.dynamic.overallAtt, stdError: oracle.results.dynamic.overallStdError };
    expectEstimatesMatch([agg.overall], [reference], { estimate: 1e-6, stdError: 1e-5 }, { label: 'dynamic overall' });
  });
});
