/**
 * Subclass weights by estimand (MatchIt's get_weights_from_subclass, then .make_sum_to_n),
 * worked by hand on a 10-row example (the same weights as MatchIt 4.7.2's
 * matchit(treat ~ g, method = "exact", estimand = "ATE")).
 */
import { describe, expect, it } from 'vitest';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { expectAllClose } from '../../helpers/expectClose.js';
import { thrown } from '../../helpers/thrown.js';

// Subclass 1: treated rows 0, 1, controls 2, 6; subclass 2: treated 5, controls 3, 4, 7;
// subclass 3: treated 8, control 9.
const data = { treat: [1, 1, 0, 0, 0, 1, 0, 0, 1, 0], g: [1, 1, 1, 2, 2, 2, 1, 2, 3, 3] };

describe('matchit method "exact": weights by estimand', () => {
  it('ATE: 1 + n_other/n_own per subclass (T 2, 2, 4, 2; C 2, 4/3, 4/3, 2, 4/3, 2), scaled to average 1 in each group', () => {
    const m = matchit({ formula: 'treat ~ g', data, method: 'exact', estimand: 'ATE' });
    expectAllClose(m.weights, [0.8, 0.8, 1.2, 0.8, 0.8, 1.6, 1.2, 0.8, 0.8, 1.2], 1e-15, 'weights');
    expect(m.subclass).toEqual([1, 1, 1, 2, 2, 2, 1, 2, 3, 3]);
  });

  it('ATT: treated 1, controls n₁/n₀ (1, 1/3, 1/3, 1, 1/3, 1 → ×6/4); ATC: controls 1, treated n₀/n₁ (1, 1, 3, 1 → ×4/6)', () => {
    const att = matchit({ formula: 'treat ~ g', data, method: 'exact' });
    expectAllClose(att.weights, [1, 1, 1.5, 0.5, 0.5, 1, 1.5, 0.5, 1, 1.5], 1e-15, 'ATT weights');
    const atc = matchit({ formula: 'treat ~ g', data, method: 'exact', estimand: 'ATC' });
    expectAllClose(atc.weights, [2 / 3, 2 / 3, 1, 1, 1, 2, 1, 1, 2 / 3, 1], 1e-15, 'ATC weights');
  });

  it('the ATE is not available for nearest-neighbour matching (as MatchIt)', () => {
    expect(thrown(() => matchit({ formula: 'treat ~ g', data, estimand: 'ATE' })).code).toBe('invalid_option');
  });
});
