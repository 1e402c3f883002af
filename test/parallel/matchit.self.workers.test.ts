/**
 * matchit with `exact` strata matched on the worker pool against one thread: the match matrix
 * (pairs), weights, subclasses and distances are identical (toEqual) with a reused pool from
 * createWorkerPool(2) (and `workers: 2` in two cases), for nearest 1:1 and 2:1, with and without a caliper, and
 * the other orders, replacement and Mahalanobis distance; lalonde with `exact: ['race']` (3 strata)
 * and a generated data set with 60 strata (several blocks per worker, strata without controls).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { matchit } from '../../src/estimators/matching/matchit.js';
import type { MatchitOptions } from '../../src/estimators/matching/validateMatchit.js';
import { createRng } from '../../src/numerics/random.js';
import { createWorkerPool } from '../../src/parallel/pool.js';
import { CausalPanelError } from '../../src/errors.js';
import { loadDataset } from '../helpers/oracle.js';

const lalonde = loadDataset('lalonde.csv');
const FORMULA = 'treat ~ age + educ + race + married + nodegree + re74 + re75';
const pool = createWorkerPool(2);
afterAll(() => pool.close());

function generated(): Record<string, number[]> {
  const rng = createRng(12);
  const n = 3000;
  const data: Record<string, number[]> = { treat: [], x1: [], x2: [], g: [], h: [] };
  for (let i = 0; i < n; i++) {
    const g = Math.floor(rng.uniform() * 20);
    const h = Math.floor(rng.uniform() * 3);
    const x1 = rng.normal() + g / 10;
    const x2 = rng.normal();
    // Stratum g = 19 has no controls: its treated units stay unmatched on every path.
    const p = g === 19 ? 1 : 1 / (1 + Math.exp(-(0.5 * x1 - 0.3 * x2 - 0.8)));
    data.treat!.push(rng.uniform() < p ? 1 : 0);
    data.x1!.push(x1);
    data.x2!.push(x2);
    data.g!.push(g);
    data.h!.push(h);
  }
  return data;
}
const sim = generated();

function snapshot(options: MatchitOptions) {
  const m = matchit(options);
  return { pairs: m.pairs, weights: m.weights, subclass: m.subclass, distance: m.distance, unmatched: m.unmatched, nMatched: m.nMatched };
}

const cases: [string, MatchitOptions][] = [
  ['lalonde exact race, 1:1', { formula: FORMULA, data: lalonde, exact: ['race'] }],
  ['lalonde exact race, 2:1', { formula: FORMULA, data: lalonde, exact: ['race'], ratio: 2 }],
  ['lalonde exact race, 1:1 with caliper 0.1', { formula: FORMULA, data: lalonde, exact: ['race'], caliper: 0.1 }],
  ['lalonde exact race, 2:1 with caliper 0.05', { formula: FORMULA, data: lalonde, exact: ['race'], ratio: 2, caliper: 0.05 }],
  ['lalonde exact race + married, compat 4.5.1, 2:1', { formula: FORMULA, data: lalonde, exact: 'race + married', ratio: 2, compat: '4.5.1' }],
  ['lalonde exact race, order random', { formula: FORMULA, data: lalonde, exact: ['race'], order: 'random', seed: 7 }],
  ['lalonde exact race, order closest, 2:1', { formula: FORMULA, data: lalonde, exact: ['race'], order: 'closest', ratio: 2 }],
  ['lalonde exact race, Mahalanobis', { formula: 'treat ~ age + educ + re74 + re75', data: lalonde, exact: ['race'], distance: 'mahalanobis' }],
  ['generated 60 strata, 1:1', { formula: 'treat ~ x1 + x2', data: sim, exact: ['g', 'h'] }],
  ['generated 60 strata, 2:1 with caliper 0.2', { formula: 'treat ~ x1 + x2', data: sim, exact: ['g', 'h'], ratio: 2, caliper: 0.2 }],
  ['generated 60 strata, 2:1 with replacement', { formula: 'treat ~ x1 + x2', data: sim, exact: ['g', 'h'], ratio: 2, replace: true }],
];

describe('matchit within exact strata: workers 2 equals one thread', () => {
  for (const [k, [name, options]] of cases.entries()) {
    it(name, () => {
      const one = snapshot({ ...options, workers: 1 });
      const reused = snapshot({ ...options, workers: pool });
      expect(reused).toEqual(one);
      // A pool made for the call (about a second to start under vitest): in two cases only.
      if (k === 1 || k === 9) expect(snapshot({ ...options, workers: 2 })).toEqual(one);
      // Not a vacuous comparison: units were matched, and only within their stratum.
      expect(one.nMatched.control).toBeGreaterThan(0);
      const exact = Array.isArray(options.exact) ? options.exact : String(options.exact).split('+').map((s) => s.trim());
      const rows = options.data === lalonde ? lalonde.toRows() : null;
      const value = (col: string, i: number): unknown => (rows !== null ? rows[i]![col] : sim[col]![i]);
      for (const pair of one.pairs) {
        for (const c of pair.controls) for (const col of exact) expect(value(col, c)).toBe(value(col, pair.treated));
      }
    });
  }

  it('treated units of a stratum without controls stay unmatched on the pool', () => {
    const two = snapshot({ formula: 'treat ~ x1 + x2', data: sim, exact: ['g'], workers: pool });
    const inLast = sim.g!.flatMap((g, i) => (g === 19 && sim.treat![i] === 1 ? [i] : []));
    expect(inLast.length).toBeGreaterThan(0);
    for (const i of inLast) expect(two.unmatched).toContain(i);
  });

  it('the strata run on the pool passed in (a closed pool is an error); without exact it is unused', () => {
    const closed = createWorkerPool(1);
    closed.close();
    expect(() => matchit({ formula: FORMULA, data: lalonde, exact: ['race'], workers: closed })).toThrow(/closed worker pool/);
    expect(snapshot({ formula: FORMULA, data: lalonde, workers: pool })).toEqual(snapshot({ formula: FORMULA, data: lalonde }));
  });

  it('a bad workers value is an invalid_option error', () => {
    expect(() => matchit({ formula: FORMULA, data: lalonde, exact: ['race'], workers: 'two' as never })).toThrow(CausalPanelError);
    expect(() => matchit({ formula: FORMULA, data: lalonde, exact: ['race'], workers: 'two' as never })).toThrow(/option "workers"/);
  });
});
