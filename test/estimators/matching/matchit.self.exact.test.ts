/**
 * Exact matching in nearest-neighbour matching, as MatchIt 4.5.1
 * `matchit(treat ~ …, method = "nearest", exact = ~ married + nodegree)`: `matchit2nearest` splits
 * the sample by the exact strata and matches within each one (own matching order, full-sample
 * distance and caliper). Checked on a hand-derived example and, on fixtures/datasets/lalonde.csv,
 * against running `matchit` separately within each stratum with the same distances.
 */
import { describe, expect, it } from 'vitest';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { CausalPanelError } from '../../../src/errors.js';
import { loadDataset } from '../../helpers/oracle.js';
import { expectClose } from '../../helpers/expectClose.js';

const lalonde = loadDataset('lalonde.csv');
const FORMULA = 'treat ~ age + educ + race + married + nodegree + re74 + re75';
const married = lalonde.numeric('married');
const nodegree = lalonde.numeric('nodegree');

type Pairs = { treated: number; controls: number[] }[];
const sortPairs = (pairs: Pairs): Pairs => [...pairs].sort((a, b) => a.treated - b.treated);

describe('matchit exact: hand-derived example (MatchIt 4.5.1 nearest, exact = ~ s, user distance)', () => {
  // A(0.9, s0) B(0.5, s1) F(0.3, s2) treated; C(0.85, s1) D(0.46, s0) E(0.56, s1) controls.
  // Plain, largest first: A→C (0.05), B→D (0.04 < 0.06), F→E (the only one left).
  // Exact on s: A→D (only control of s0), B→E (0.06 < 0.35 to C), F has no control in s2.
  const data = {
    treat: [1, 1, 1, 0, 0, 0],
    s: [0, 1, 2, 1, 0, 1],
    x: [1, 2, 3, 4, 5, 6],
  };
  const distance = [0.9, 0.5, 0.3, 0.85, 0.46, 0.56];

  it('without exact: A→C, B→D, F→E', () => {
    const m = matchit({ formula: 'treat ~ x', data, distance });
    expect(sortPairs(m.pairs)).toEqual([{ treated: 0, controls: [3] }, { treated: 1, controls: [4] }, { treated: 2, controls: [5] }]);
  });

  it('exact = ["s"]: A→D, B→E, F unmatched with MatchIt\'s warning as a note', () => {
    const m = matchit({ formula: 'treat ~ x', data, distance, exact: ['s'] });
    expect(sortPairs(m.pairs)).toEqual([{ treated: 0, controls: [4] }, { treated: 1, controls: [5] }]);
    expect(m.unmatched).toEqual([2]);
    expect(m.nMatched).toEqual({ treated: 2, control: 2 });
    expect(Array.from(m.weights)).toEqual([1, 1, 0, 0, 1, 1]);
    expect(m.notes.some((n) => n.code === 'ratio_exceeds_controls' && /some 'exact' strata/.test(n.message))).toBe(true);
    // The formula spelling is accepted too.
    const again = matchit({ formula: 'treat ~ x', data, distance, exact: '~ s' });
    expect(again.pairs).toEqual(m.pairs);
  });

  it('no stratum with both groups → no_matches; kernel + exact → invalid_option; unknown column → missing_column', () => {
    const bad = { treat: [1, 0], s: [0, 1], x: [1, 2] };
    expect(() => matchit({ formula: 'treat ~ x', data: bad, distance: [0.6, 0.4], exact: ['s'] })).toThrow(/no matches/);
    expect(() => matchit({ formula: 'treat ~ x', data, distance, exact: ['s'], method: 'kernel' })).toThrow(CausalPanelError);
    expect(() => matchit({ formula: 'treat ~ x', data, distance, exact: ['nope'] })).toThrow(/nope/);
  });
});

describe('matchit exact on lalonde (MatchIt 4.5.1 matchit(…, exact = ~ married + nodegree))', () => {
  const cases = [
    { label: 'compat 4.5.1, 1:1', options: { compat: '4.5.1' as const } },
    { label: 'current, 1:1', options: {} },
    { label: 'current, ratio 2', options: { ratio: 2 } },
    { label: 'current, caliper 0.1 SD', options: { caliper: 0.1 } },
    { label: 'current, with replacement', options: { replace: true } },
  ];

  it.each(cases)('$label: every pair shares married and nodegree', ({ options }) => {
    const m = matchit({ formula: FORMULA, data: lalonde, exact: ['married', 'nodegree'], ...options });
    expect(m.pairs.length).toBeGreaterThan(0);
    for (const pair of m.pairs) {
      for (const c of pair.controls) {
        expect(married[c]).toBe(married[pair.treated]);
        expect(nodegree[c]).toBe(nodegree[pair.treated]);
      }
    }
  });

  it.each(cases)('$label: pairs equal matchit run separately within each stratum (same distance, same absolute caliper)', ({ options }) => {
    const m = matchit({ formula: FORMULA, data: lalonde, exact: ['married', 'nodegree'], ...options });
    const expected: Pairs = [];
    for (const mv of [0, 1]) {
      for (const nv of [0, 1]) {
        const rows: number[] = [];
        for (let i = 0; i < lalonde.nrow; i++) if (married[i] === mv && nodegree[i] === nv) rows.push(i);
        const sub = lalonde.take(rows);
        const sep = matchit({
          ...options,
          formula: 'treat ~ age',
          data: sub,
          distance: rows.map((i) => m.distance[i]!),
          caliper: m.caliper ?? undefined,
          stdCaliper: false,
        });
        for (const p of sep.pairs) expected.push({ treated: rows[p.treated]!, controls: p.controls.map((c) => rows[c]!) });
      }
    }
    expect(sortPairs(m.pairs)).toEqual(sortPairs(expected));
  });

  it('one stratum (exact on a constant column) equals the plain match: pairs, weights and the ATT', () => {
    const data = lalonde.withColumns({ one: new Float64Array(lalonde.nrow).fill(1) });
    const plain = matchit({ formula: FORMULA, data, compat: '4.5.1' });
    const exact = matchit({ formula: FORMULA, data, compat: '4.5.1', exact: ['one'] });
    expect(exact.pairs).toEqual(plain.pairs);
    expect(exact.subclass).toEqual(plain.subclass);
    Array.from(exact.weights).forEach((w, i) => expectClose(w, plain.weights[i]!, 0, `weight ${i}`, { absTol: 0 }));
    expectClose(exact.att({ outcome: 're78' }).estimate.estimate, plain.att({ outcome: 're78' }).estimate.estimate, 1e-15, 'ATT');
  });

  it('Mahalanobis distance with exact (scaling from the full sample): every pair shares the exact value', () => {
    const m = matchit({ formula: 'treat ~ age + educ + re74 + re75', data: lalonde, distance: 'mahalanobis', exact: ['married'] });
    for (const pair of m.pairs) for (const c of pair.controls) expect(married[c]).toBe(married[pair.treated]);
    expect(m.pairs.length).toBeGreaterThan(0);
  });
});
