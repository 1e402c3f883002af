/**
 * Mahalanobis matching as MatchIt ≥ 4.6 (the default) against 4.5.1 (`compat: '4.5.1'`): the same
 * distance, but 4.7.2 searches outward from the focal unit along the first coordinate of
 * X·Rᵀ (R the pivoted Cholesky factor of S⁻¹) and a control at a distance ≤ the best replaces it,
 * so among equally distant controls the last one reached wins; 4.5.1 took the first in row order
 * (which.min). Worked out by hand below (and checked with MatchIt 4.7.2: match.matrix 1 → "3").
 */
import { describe, expect, it } from 'vitest';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { mahalanobisCoordinates } from '../../../src/estimators/matching/mahalanobis.js';

// Rows 1 and 2 are identical controls at (1, 1); treated row 0 sits at (0, 0), below both on
// either coordinate, so its walk reaches them to its right: row 1 first, then row 2 (equal
// distance) replaces it. Rows 3, 4 and 7 are farther; row 5 (treated) takes row 6.
const data = { treat: [1, 0, 0, 0, 0, 1, 0, 0], x1: [0, 1, 1, 5, -4, 8, 9, 2], x2: [0, 1, 1, -3, 6, 8, 9, -1] };

describe('distance "mahalanobis": ties between identical controls', () => {
  it('default (MatchIt 4.7.2): the last equally distant control reached on the walk (row 2)', () => {
    const m = matchit({ formula: 'treat ~ x1 + x2', data, distance: 'mahalanobis' });
    expect(m.pairs).toEqual([
      { treated: 0, controls: [2] },
      { treated: 5, controls: [6] },
    ]);
  });

  it("compat '4.5.1': the first in row order (row 1), R's which.min", () => {
    const m = matchit({ formula: 'treat ~ x1 + x2', data, distance: 'mahalanobis', compat: '4.5.1' });
    expect(m.pairs[0]).toEqual({ treated: 0, controls: [1] });
  });

  it('both coordinate systems give the same distances (Δᵀ S⁻¹ Δ), also with a factor coded by all its levels', () => {
    const treat = Uint8Array.from(data.treat);
    const level = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b'];
    const covariates = [
      { name: 'x1', values: Float64Array.from(data.x1) },
      { name: 'x2', values: Float64Array.from(data.x2) },
      ...['a', 'b', 'c'].map((l) => ({ name: `f${l}`, values: Float64Array.from(level, (v) => (v === l ? 1 : 0)) })),
    ];
    const legacy = mahalanobisCoordinates(covariates, treat, undefined, 'matchit', true);
    const current = mahalanobisCoordinates(covariates, treat, undefined, 'matchit', false);
    const dist = (c: { coordinates: Float64Array; dimension: number }, i: number, j: number): number => {
      let s = 0;
      for (let d = 0; d < c.dimension; d++) s += (c.coordinates[i * c.dimension + d]! - c.coordinates[j * c.dimension + d]!) ** 2;
      return s;
    };
    for (let i = 0; i < 8; i++) for (let j = 0; j < i; j++) expect(dist(current, i, j)).toBeCloseTo(dist(legacy, i, j), 10);
  });
});
