/**
 * The `weights` paths of didImputation and did2s against their unweighted paths: weights of 1
 * give the unweighted result, and a common scale of the weights changes nothing (estimates and
 * SEs are invariant to it in both references: didimputation normalises the estimand weights and
 * scales Z by w on both sides of Z₀ᵀZ₀; did2s's sandwich cancels the scale). Unequal weights move
 * the estimate toward the heavier units' effects.
 */
import { describe, expect, it } from 'vitest';
import { did2s } from '../../../src/estimators/did/did2s.js';
import { didImputation } from '../../../src/estimators/did/didImputation.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset } from '../../helpers/oracle.js';

const raw = loadDataset('mpdta.csv');
const g = raw.numeric('first.treat');
const year = raw.numeric('year');
const mpdta = raw.withColumns({
  treat_post: Float64Array.from(g, (v, i) => (v > 0 && year[i]! >= v ? 1 : 0)),
  one: new Float64Array(raw.nrow).fill(1),
  three: new Float64Array(raw.nrow).fill(3),
  big2004: Float64Array.from(g, (v) => (v === 2004 ? 5 : 1)),
});
const bjs = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', horizons: true } as const;
const two = { data: mpdta, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(treat_post, ref = 0)', treatment: 'treat_post', clusters: 'countyreal' } as const;
const tol = { estimate: 1e-10, stdError: 1e-10 };

describe('weights', () => {
  it('didImputation: weights 1 and 3 reproduce the unweighted fit', () => {
    const plain = didImputation(bjs).rows;
    expectEstimatesMatch(didImputation({ ...bjs, weights: 'one' }).rows, plain, tol, { label: 'weights 1' });
    expectEstimatesMatch(didImputation({ ...bjs, weights: 'three' }).rows, plain, tol, { label: 'weights 3' });
  });

  it('did2s: weights 1 and 3 reproduce the unweighted fit', () => {
    const plain = did2s(two).rows;
    expectEstimatesMatch(did2s({ ...two, weights: 'one' }).rows, plain, tol, { label: 'weights 1' });
    expectEstimatesMatch(did2s({ ...two, weights: 'three' }).rows, plain, tol, { label: 'weights 3' });
  });

  it('heavier 2004 counties pull the static ATT toward their (larger, negative) effects; did2s and didImputation agree', () => {
    const plain = didImputation({ ...bjs, horizons: undefined }).rows[0]!.estimate;
    const weighted = didImputation({ ...bjs, horizons: undefined, weights: 'big2004' }).rows[0]!.estimate;
    expect(weighted).toBeLessThan(plain);
    expect(did2s({ ...two, weights: 'big2004' }).rows[0]!.estimate).toBeCloseTo(weighted, 12);
  });
});
