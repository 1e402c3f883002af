/**
 * attgt's multiplier bootstrap weights (issue 13 item 8). did 2.5.1's `mboot` calls
 * `BMisc::multiplier_bootstrap`, which draws Rademacher weights (`1 − 2·round(U)`: ±1 with
 * probability ½); that is the default. Mammen's two-point weights are `bootstrap: { weights:
 * 'mammen' }`. Data: fixtures/datasets/mpdta.csv; reference SEs did 2.5.1's analytic ones
 * (did_mpdta_never_dr), which the bootstrap SEs approach within Monte Carlo error.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';
import { thrown } from '../../helpers/thrown.js';

const mpdta = loadDataset('mpdta.csv');
const cs = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' } as const;
const oracle = loadOracle<{ attgt: { group: number; time: number; att: number; stdError: number }[] }>('did_mpdta_never_dr');

describe("attgt bootstrap: Rademacher weights by default (did 2.5.1), Mammen's on request", () => {
  const byDefault = attgt({ ...cs, bootstrap: { reps: 499, seed: 3 } });
  const rademacher = attgt({ ...cs, bootstrap: { reps: 499, seed: 3, weights: 'rademacher' } });
  const mammen = attgt({ ...cs, bootstrap: { reps: 499, seed: 3, weights: 'mammen' } });

  it('the default is the Rademacher bootstrap, draw for draw', () => {
    expect(byDefault.rows).toEqual(rademacher.rows);
    expect(byDefault.criticalValue).toBe(rademacher.criticalValue);
    expect(mammen.rows.map((r) => r.stdError)).not.toEqual(rademacher.rows.map((r) => r.stdError));
  });

  it('both are within Monte Carlo error of did’s analytic SEs; ATT(g,t)s unchanged', () => {
    // The IQR-based SE of B = 499 draws has a relative SD of about 1.17/√B ≈ 5.2 %: 4 SDs ≈ 21 %.
    for (const fit of [byDefault, mammen]) {
      expectEstimatesMatch(fit.rows, oracle.results.attgt, { att: 1e-10, stdError: 0.21 }, { by: ['group', 'time'] });
    }
  });

  it('the summary names the weights', () => {
    expect(byDefault.summary()).toContain('Standard errors: multiplier bootstrap (499 draws, Rademacher weights, uniform bands)');
    expect(mammen.summary()).toContain('Standard errors: multiplier bootstrap (499 draws, Mammen weights, uniform bands)');
  });

  it('another weight name is invalid_option', () => {
    const error = thrown(() => attgt({ ...cs, bootstrap: { reps: 99, seed: 1, weights: 'webb' as 'mammen' } }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(/^attgt: option "bootstrap.weights" must be /);
  });
});
