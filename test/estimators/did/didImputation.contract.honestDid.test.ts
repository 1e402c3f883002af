/**
 * The event-time results of didImputation and did2s feed honestDid as any event study does:
 * rows with `e` plus `vcov()` in row order. honestDid on the result equals honestDid on the plain
 * { betahat, sigma, numPrePeriods, numPostPeriods } built from the same rows and matrix.
 */
import { describe, expect, it } from 'vitest';
import { did2s } from '../../../src/estimators/did/did2s.js';
import { didImputation } from '../../../src/estimators/did/didImputation.js';
import { honestDid } from '../../../src/estimators/did/honestDid.js';
import { loadDataset } from '../../helpers/oracle.js';

const raw = loadDataset('mpdta.csv');
const g = raw.numeric('first.treat');
const year = raw.numeric('year');
const mpdta = raw.withColumns({
  treat_post: Float64Array.from(g, (v, i) => (v > 0 && year[i]! >= v ? 1 : 0)),
  rel_year: Float64Array.from(g, (v, i) => (v > 0 ? year[i]! - v : -1000)),
});

function plainForm(result: { rows: readonly { e?: number; estimate: number }[]; vcov(): number[][] }) {
  const rows = result.rows;
  return {
    betahat: rows.map((r) => r.estimate),
    sigma: result.vcov(),
    numPrePeriods: rows.filter((r) => r.e! < 0).length,
    numPostPeriods: rows.filter((r) => r.e! >= 0).length,
  };
}

describe('honestDid on imputation and two-stage event studies', () => {
  it('didImputation (horizons + pretrends) and did2s (event study) give the intervals of their plain β̂/Σ', () => {
    const bjs = didImputation({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', horizons: true, pretrends: true });
    const two = did2s({ data: mpdta, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(rel_year, ref = c(-1, -1000))', treatment: 'treat_post', clusters: 'countyreal' });
    for (const result of [bjs, two]) {
      const options = { type: 'relativeMagnitudes', Mbar: [1], method: 'Conditional', gridPoints: 101 } as const;
      const fromResult = honestDid(result, options);
      const fromPlain = honestDid(plainForm(result), options);
      expect(fromResult.rows.map((r) => [r.lb, r.ub])).toEqual(fromPlain.rows.map((r) => [r.lb, r.ub]));
      expect(fromResult.original).toEqual(fromPlain.original);
    }
  });
});
