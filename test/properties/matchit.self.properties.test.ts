/**
 * Properties of matchit() and the matched ATT on random cross-sections (fast-check, fixed seed,
 * bounded runs): permuting the rows permutes the propensity scores and matching weights with them
 * and leaves the matched ATT unchanged (continuous covariates: no ties in the distance; not for
 * Mahalanobis matching without replacement, greedy in data order by MatchIt's definition); under
 * y → a + b·y the matched ATT scales by b and its SE by |b|; a missing cell in an unused column
 * drops nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchit } from '../../src/estimators/matching/matchit.js';
import { createRng } from '../../src/numerics/random.js';
import { expectAllClose } from '../helpers/expectClose.js';
import { affineMap, affineOutcome, affineRows, expectSameRows, permutation, permuteRows, RUNS, withUnusedMissing, type Columns } from './randomPanel.js';

interface SampleSpec {
  n: number;
  seed: number;
}

/** 60–120 units; one treated in about three, selected on x1 and x2. */
const sampleSpec: fc.Arbitrary<SampleSpec> = fc.record({ n: fc.integer({ min: 60, max: 120 }), seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }) });

function makeSample({ n, seed }: SampleSpec): Columns {
  const rng = createRng(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const treat: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    const p = 1 / (1 + Math.exp(-(-0.8 + 0.7 * a - 0.5 * b)));
    const d = rng.uniform() < p ? 1 : 0;
    x1.push(a);
    x2.push(b);
    treat.push(d);
    y.push(1 + a + 0.5 * b + 2 * d + rng.normal());
  }
  // At least 5 treated (first rows) and more controls than treated.
  for (let i = 0; i < 5; i++) treat[i] = 1;
  return { x1, x2, treat, y };
}

const variant = fc.record({
  distance: fc.constantFrom<'logit' | 'mahalanobis'>('logit', 'mahalanobis'),
  replace: fc.boolean(),
});

function run(data: Columns, v: { distance: 'logit' | 'mahalanobis'; replace: boolean }) {
  return matchit({ formula: 'treat ~ x1 + x2', data, distance: v.distance, replace: v.replace });
}

describe('matchit: invariances on random samples', () => {
  it('row order permutes the distances and weights with the rows and leaves the matched ATT unchanged', () => {
    fc.assert(
      fc.property(sampleSpec, variant, fc.integer(), (spec, v, seed) => {
        const data = makeSample(spec);
        const treated = (data.treat as number[]).filter((d) => d === 1).length;
        fc.pre(2 * treated < spec.n);
        // Mahalanobis matching without replacement is greedy in data order (MatchIt's m.order
        // "data" when there is no propensity score): the pairs follow the row order by definition.
        fc.pre(v.distance === 'logit' || v.replace);
        const order = permutation(spec.n, seed);
        const a = run(data, v);
        const b = run(permuteRows(data, order), v);
        expectAllClose(b.weights, order.map((i) => a.weights[i]!), 1e-12, 'weights');
        if (v.distance === 'logit') expectAllClose(b.distance, order.map((i) => a.distance[i]!), 1e-10, 'distance');
        expect(b.nMatched).toEqual(a.nMatched);
        expectSameRows(b.att({ outcome: 'y' }).tidy(), a.att({ outcome: 'y' }).tidy(), 'matched ATT');
      }),
      RUNS,
    );
  });

  it('y → a + b·y: matched ATT × b, SE × |b|, p unchanged', () => {
    fc.assert(
      fc.property(sampleSpec, variant, affineMap, (spec, v, { a, b }) => {
        const data = makeSample(spec);
        fc.pre(2 * (data.treat as number[]).filter((d) => d === 1).length < spec.n);
        const m = run(data, v);
        const mapped = run(affineOutcome(data, 'y', a, b), v);
        expectSameRows(mapped.att({ outcome: 'y' }).tidy(), affineRows(m.att({ outcome: 'y' }).tidy(), b), `y → ${a} + ${b}·y`, 'term', Math.abs(b));
      }),
      RUNS,
    );
  });

  it('a missing cell in an unused column drops nothing', () => {
    fc.assert(
      fc.property(sampleSpec, variant, fc.integer(), (spec, v, seed) => {
        const data = makeSample(spec);
        fc.pre(2 * (data.treat as number[]).filter((d) => d === 1).length < spec.n);
        const a = run(data, v);
        const b = run(withUnusedMissing(data, spec.n, seed), v);
        expect(b.nobs).toBe(spec.n);
        expect(b.notes.filter((note) => note.code === 'rows_dropped_missing')).toEqual([]);
        expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
        expect(b.att({ outcome: 'y' }).tidy()).toEqual(a.att({ outcome: 'y' }).tidy());
      }),
      RUNS,
    );
  });
});
