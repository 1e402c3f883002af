/**
 * fixest's factor × factor i(): fixtures/oracles/fixest_formula_i_factor_factor.json (fixest 0.12.2,
 * base_did): `i(period, i.treat, ref = 5, ref2 = 0) | id + period` (main, = the event study),
 * without ref2 (fixest keeps treat::0 cells after dropping the treat::1 ones as collinear) and with
 * no reference and only the id fixed effect (the first cell left out, one more dropped for
 * collinearity — which one is fixest's choice, so the fit is compared, not the names).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feols, parseCsv } from 'causal-panel';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';

const baseDid = parseCsv(readFileSync(new URL('../../fixtures/datasets/base_did.csv', import.meta.url), 'utf8'));
const o = JSON.parse(readFileSync(new URL('../../fixtures/oracles/fixest_formula_i_factor_factor.json', import.meta.url), 'utf8')).results;
const TOL = { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-4 };

describe('i(f1, i.f2): factor × factor cells', () => {
  it('ref = 5, ref2 = 0: the event study, terms period::k:treat::1', () => {
    const fit = feols('y ~ x1 + i(period, i.treat, ref = 5, ref2 = 0) | id + period', baseDid);
    expectEstimatesMatch(fit.tidy(), o.main.coefficients, TOL);
  });
  it('ref = 5 only: the treat::1 cells are collinear with the fixed effects and dropped, as fixest', () => {
    const fit = feols('y ~ x1 + i(period, i.treat, ref = 5) | id + period', baseDid);
    expectEstimatesMatch(fit.tidy(), o.noRef2.coefficients, TOL);
    expect(fit.notes.find((n) => n.code === 'collinear_dropped')).toEqual({ code: 'collinear_dropped', terms: o.noRef2.collinearRemoved });
  });
  it('no reference, id fixed effect only: same fit (x1, SEs, residuals) as fixest', () => {
    const fit = feols('y ~ x1 + i(period, i.treat) | id', baseDid);
    const x1 = o.noRefIdOnly.coefficients.find((c: { term: string }) => c.term === 'x1');
    expectEstimatesMatch(fit.tidy().filter((r) => r.term === 'x1'), [x1], TOL);
    expect(fit.terms).not.toContain('period::1:treat::0');
    expect(fit.terms.length).toBe(o.noRefIdOnly.coefficients.length);
  });
});
