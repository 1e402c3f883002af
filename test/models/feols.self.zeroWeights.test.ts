import { describe, expect, it } from 'vitest';
import { feols } from '../../src/index.js';
import { expectClose } from '../helpers/expectClose.js';

// fixest 0.12.2 drops observations with weight 0 before estimation ("NOTE: 2 observations
// removed because of 0-weight"): they count neither in nobs nor in the degrees of freedom, so
// the fit equals the fit on the other rows.
describe('feols: 0-weight observations are removed, as fixest', () => {
  const y = [1, 3, 2, 5, 4, 6, 8, 7, 9, 12];
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const g = [1, 1, 1, 2, 2, 2, 3, 3, 4, 4];
  const w = [1, 2, 0, 1, 1, 0, 1, 3, 1, 1];
  const keep = w.flatMap((wi, i) => (wi > 0 ? [i] : []));
  const pick = <T>(values: T[]) => keep.map((i) => values[i]!);

  it('equals the fit without those rows (coef, HC1 and CRV1 SEs, nobs) and notes the count', () => {
    for (const vcov of ['hetero', { CRV1: 'g' }] as const) {
      const withZeros = feols('y ~ x', { y, x, g, w }, { weights: 'w', vcov });
      const without = feols('y ~ x', { y: pick(y), x: pick(x), g: pick(g), w: pick(w) }, { weights: 'w', vcov });
      expect(withZeros.nobs).toBe(8);
      for (const term of without.terms) {
        expectClose(withZeros.coef()[term]!, without.coef()[term]!, 1e-12, `coef ${term}`);
        expectClose(withZeros.se()[term]!, without.se()[term]!, 1e-12, `se ${term}`);
      }
      expect(withZeros.notes).toContainEqual({ code: 'zero_weight_dropped', count: 2 });
    }
  });

  it('throws no_rows_left when every weight is 0', () => {
    expect(() => feols('y ~ x', { y, x, w: w.map(() => 0) }, { weights: 'w' })).toThrowError(/weight 0/);
  });
});
