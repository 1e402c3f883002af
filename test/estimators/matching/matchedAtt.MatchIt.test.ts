/**
 * The matched-ATT result object (tidy / summary / toJSON / notes) against MatchIt 4.5.1's
 * recommended analysis, fixtures/oracles/matchit_nearest.json:
 * `matchit(treat ~ age + educ + race + married + nodegree + re74 + re75, lalonde)`, then
 * `lm(re78 ~ treat, match.data(m), weights = weights)` with `vcovCL(cluster = ~subclass)`.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { matchedAtt } from '../../../src/estimators/matching/matchedAtt.js';
import { expectClose } from '../../helpers/expectClose.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

const lalonde = loadDataset('lalonde.csv');
const FORMULA = 'treat ~ age + educ + race + married + nodegree + re74 + re75';
const expected = loadOracle('matchit_nearest').results.att;

describe('matchedAtt result (MatchIt 4.5.1 vignette: lm(re78 ~ treat, match.data(m), weights) + vcovCL(~subclass))', () => {
  const m = matchit({ formula: FORMULA, data: lalonde, compat: '4.5.1' });
  const att = m.att({ outcome: 're78' });

  it('tidy(): one row, term = treatment, ATT and SE of MatchIt 4.5.1 within 1e-6', () => {
    const rows = att.tidy();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.term).toBe('treat');
    expectClose(rows[0]!.estimate, expected.estimate, 1e-6, 'ATT');
    expectClose(rows[0]!.stdError, expected.stdError, 1e-6, 'SE');
    expectClose(rows[0]!.pValue, expected.pValue, 1e-6, 'p');
  });

  it('summary() prints the ATT row, the sample, the pair-clustered variance; inspect prints it', () => {
    const text = att.summary();
    expect(text).toMatch(/^Matched ATT, Dep\. Var\.: re78/);
    expect(text).toMatch(/Observations: 370/);
    expect(text).toContain('Clustered (subclass)');
    expect(text).toMatch(/^treat\s+770\.39/m);
    expect(inspect(att)).toBe(text);
  });

  it('toJSON(): kind "matchedAtt", the ATT of MatchIt, exact JSON round trip', () => {
    const json = att.toJSON();
    expect(json.kind).toBe('matchedAtt');
    expect(json.nobs).toBe(expected.nobs);
    expect(json.df).toBe(expected.nobs - 2);
    expectClose((json.estimate as { estimate: number }).estimate, expected.estimate, 1e-6, 'ATT in JSON');
    expect(JSON.parse(JSON.stringify(att))).toEqual(json);
  });

  it('a missing outcome in the matched data drops its row with a rows_dropped_missing note; ATT = weighted difference in means (hand-derived)', () => {
    const md = m.matchedData();
    const re78 = Float64Array.from(md.numeric('re78'));
    re78[3] = NaN;
    const sample = { matchedData: () => md.withColumns({ re78 }), treatment: 'treat', hasSubclass: true };
    const res = matchedAtt(sample, { outcome: 're78' });
    expect(res.nobs).toBe(expected.nobs - 1);
    expect(res.notes).toHaveLength(1);
    const note = res.notes[0] as { code: string; count: number; byColumn: Record<string, number> };
    expect(note.code).toBe('rows_dropped_missing');
    expect(note.count).toBe(1);
    expect({ ...note.byColumn }).toEqual({ re78: 1 });
    expect(res.summary()).toMatch(/NOTE: 1 observation removed because of NA values/);
    // y ~ treat with weights: the slope is the weighted mean difference treated − control.
    const treat = md.numeric('treat');
    const w = md.numeric('weights');
    const sums = [0, 0];
    const weights = [0, 0];
    for (let i = 0; i < md.nrow; i++) {
      if (Number.isNaN(re78[i]!)) continue;
      sums[treat[i]!]! += w[i]! * re78[i]!;
      weights[treat[i]!]! += w[i]!;
    }
    expectClose(res.estimate.estimate, sums[1]! / weights[1]! - sums[0]! / weights[0]!, 1e-10, 'ATT = weighted mean difference');
  });
});
