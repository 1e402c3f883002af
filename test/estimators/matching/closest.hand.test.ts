import { describe, expect, it } from 'vitest';
import { closestMatch } from '../../../src/estimators/matching/closest.js';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { thrown } from '../../helpers/thrown.js';

describe('closestMatch (m.order = "closest" / "farthest") on hand-made distances', () => {
  // focal 0.50, 0.90; controls 0.52, 0.85, 0.10.
  const distance = Float64Array.of(0.5, 0.9, 0.52, 0.85, 0.1);
  const treat = Uint8Array.of(1, 1, 0, 0, 0);

  it('closest: pairs by increasing pair distance (0.50–0.52 at 0.02, then 0.90–0.85 at 0.05)', () => {
    expect(Array.from(closestMatch(distance, treat, { ratio: 1, replace: false, caliper: null, closest: true }).controls)).toEqual([2, 3]);
  });

  it('a used control sends the focal unit to search again and the pair to its new place in the list', () => {
    // focal 0.50, 0.53; controls 0.52, 0.40, 0.70: 0.53 takes 0.52 (0.01) first; 0.50 searches again: 0.40 (0.10) vs 0.70 (0.20).
    const d = Float64Array.of(0.5, 0.53, 0.52, 0.4, 0.7);
    expect(Array.from(closestMatch(d, treat, { ratio: 1, replace: false, caliper: null, closest: true }).controls)).toEqual([3, 2]);
  });

  it('farthest: the pair with the largest nearest-neighbour distance goes first; a caliper leaves it unmatched', () => {
    const d = Float64Array.of(0.5, 0.53, 0.52, 0.4, 0.9);
    // Nearest pairs: 0.50–0.52 (0.02), 0.53–0.52 (0.01): farthest takes 0.50–0.52 first, 0.53 then takes 0.40 (0.13) over 0.90 (0.37).
    expect(Array.from(closestMatch(d, treat, { ratio: 1, replace: false, caliper: null, closest: false }).controls)).toEqual([2, 3]);
    expect(Array.from(closestMatch(d, treat, { ratio: 1, replace: false, caliper: 0.05, closest: false }).controls)).toEqual([2, -1]);
  });

  it('matchit: "closest" needs a scalar distance and the corrected algorithm', () => {
    const data = { treat: [1, 1, 0, 0, 0], x: [1, 2, 3, 4, 5] };
    expect(thrown(() => matchit({ formula: 'treat ~ x', data, distance: 'mahalanobis', order: 'closest' })).code).toBe('invalid_option');
    expect(thrown(() => matchit({ formula: 'treat ~ x', data, distance: [0.5, 0.9, 0.52, 0.85, 0.1], order: 'closest', compat: '4.5.1' })).code).toBe('invalid_option');
    expect(matchit({ formula: 'treat ~ x', data, distance: [0.5, 0.9, 0.52, 0.85, 0.1], order: 'closest' }).pairs).toEqual([
      { treated: 0, controls: [2] },
      { treated: 1, controls: [3] },
    ]);
  });
});
