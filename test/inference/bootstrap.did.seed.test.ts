/**
 * Multiplier bootstrap (did 2.5.1 `mboot` conventions: Rademacher weights by default (BMisc), Mammen as an option, IQR-based SE, sup-t
 * critical value): bit-identical for a fixed seed, and agreeing with the analytic influence-function
 * SEs of did (fixtures/oracles/did_mpdta_never_dr.json) within Monte Carlo error.
 */
import { describe, expect, it } from 'vitest';
import { multiplierBootstrap } from '../../src/inference/bootstrap.js';
import { influenceSE } from '../../src/inference/influence.js';
import { normalQuantile } from '../../src/numerics/distributions.js';
import { createRng } from '../../src/numerics/random.js';
import { attgt } from '../../src/estimators/did/attgt.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';

function influenceMatrix(n: number, p: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * p }, () => rng.normal() * 2);
}

describe('multiplierBootstrap (did mboot conventions)', () => {
  const n = 400;
  const psi = influenceMatrix(n, 3, 11);

  it('the same seed gives bit-identical draws, SEs and critical value', () => {
    const a = multiplierBootstrap(psi, n, 3, { reps: 499, seed: 42 });
    const b = multiplierBootstrap(psi, n, 3, { reps: 499, seed: 42 });
    expect(Array.from(a.draws)).toEqual(Array.from(b.draws));
    expect(Array.from(a.se)).toEqual(Array.from(b.se));
    expect(a.critical).toBe(b.critical);
    const c = multiplierBootstrap(psi, n, 3, { reps: 499, seed: 43 });
    expect(Array.from(c.se)).not.toEqual(Array.from(a.se));
  });

  it('IQR-based SEs agree with sqrt(mean(ψ²)/n) within 10% (Monte Carlo)', () => {
    const b = multiplierBootstrap(psi, n, 3, { reps: 2000, seed: 1 });
    for (let j = 0; j < 3; j++) expectClose(b.se[j]!, influenceSE(psi, j * n, n), 0.1, `column ${j}`);
  });

  it('sup-t critical value: ≈ z₀.₉₇₅ for one column, larger for several independent columns', () => {
    const one = multiplierBootstrap(psi.subarray(0, n), n, 1, { reps: 4000, seed: 3 });
    expectClose(one.critical, normalQuantile(0.975), 0.08, 'sup-t, p = 1');
    const three = multiplierBootstrap(psi, n, 3, { reps: 4000, seed: 3 });
    // three independent columns: the 95% quantile of max|Z| is qnorm(1 - (1 - 0.95^(1/3))/2) = 2.388
    expectClose(three.critical, normalQuantile(1 - (1 - 0.95 ** (1 / 3)) / 2), 0.08, 'sup-t, p = 3');
  });

  it('one cluster per row reproduces the unclustered bootstrap exactly', () => {
    const codes = Int32Array.from({ length: n }, (_, i) => i);
    const a = multiplierBootstrap(psi, n, 3, { reps: 200, seed: 5 });
    const b = multiplierBootstrap(psi, n, 3, { reps: 200, seed: 5, cluster: codes, nClusters: n });
    expect(Array.from(b.se)).toEqual(Array.from(a.se));
  });

  it('a zero influence column is degenerate: SE NaN, as mboot', () => {
    const z = new Float64Array(2 * n);
    z.set(psi.subarray(0, n), 0);
    const b = multiplierBootstrap(z, n, 2, { reps: 100, seed: 1 });
    expect(Number.isNaN(b.se[1]!)).toBe(true);
    expect(Number.isFinite(b.se[0]!)).toBe(true);
  });

  it('rejects reps < 2 with invalid_option', () => {
    expect(() => multiplierBootstrap(psi, n, 3, { reps: 1, seed: 1 })).toThrow(/reps/);
  });
});

describe('attgt with bootstrap: { reps, seed } (did att_gt(bstrap = TRUE) conventions)', () => {
  const mpdta = loadDataset('mpdta.csv');
  const oracle = loadOracle<{ attgt: { att: number; stdError: number }[]; dynamic: { overallStdError: number } }>('did_mpdta_never_dr');
  const opts = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' } as const;
  const a = attgt({ ...opts, bootstrap: { reps: 999, seed: 2024 } });

  it('same seed → bit-identical ATT(g,t) SEs, bands and aggregations', () => {
    const b = attgt({ ...opts, bootstrap: { reps: 999, seed: 2024 } });
    expect(b.rows).toEqual(a.rows);
    expect(b.criticalValue).toBe(a.criticalValue);
    expect(b.aggregate('dynamic').toJSON()).toEqual(a.aggregate('dynamic').toJSON());
  });

  it('bootstrap SEs are within 10% of did\'s analytic SEs; point estimates unchanged', () => {
    expectEstimatesMatch(a.rows, oracle.results.attgt, { att: 1e-10, stdError: 0.1 }, { by: ['group', 'time'], label: 'ATT(g,t)' });
    expectClose(a.aggregate('dynamic').overall.stdError, oracle.results.dynamic.overallStdError, 0.1, 'dynamic overall SE');
  });

  it('uniform bands use a sup-t critical value above the pointwise 1.96 (did cband = TRUE)', () => {
    expect(a.criticalValue).toBeGreaterThan(normalQuantile(0.975));
    expect(a.criticalValue).toBeLessThan(4);
    const r = a.rows[5]!;
    expectClose(r.confHigh - r.att, a.criticalValue * r.stdError, 1e-12, 'band half-width');
    const pointwise = attgt({ ...opts, bootstrap: { reps: 999, seed: 2024, uniform: false } });
    expectClose(pointwise.criticalValue, normalQuantile(0.975), 1e-15, 'pointwise critical value');
  });
});
