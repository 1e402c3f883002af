/**
 * medsens against mediation 4.5.1 on jobs.csv (linear mediator, linear outcome):
 * rho grid, ACME(rho) and its normal CI, rho / R²* / R̃² at ACME = 0 (medsens's smallest-|ACME|
 * grid rule) for rho.by = 0.1 and 0.01.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { mediate } from '../../../src/estimators/mediation/mediate.js';
import { medsens, rhoGrid } from '../../../src/estimators/mediation/medsens.js';
import { CausalPanelError } from '../../../src/errors.js';
import { jobsModels } from '../../helpers/jobsModels.js';
import { expectAllClose, expectClose } from '../../helpers/expectClose.js';

const read = (p: string): string => readFileSync(new URL(p, import.meta.url), 'utf8');
const coarse = JSON.parse(read('../../../fixtures/oracles/mediation_jobs_medsens.json'));
const fine = JSON.parse(read('../../../fixtures/oracles/mediation_jobs_medsens_fine.json'));
const models = jobsModels;
const med = mediate({ ...models, sims: 50, seed: 1 });

describe.each([
  [0.1, coarse],
  [0.01, fine],
])('medsens(rho.by = %s) vs mediation 4.5.1', (rhoBy, oracle) => {
  const sens = medsens(med, { rhoBy });
  const r = oracle.results;
  it(`${oracle.call}: rho grid equals R's seq() bit for bit`, () => {
    expect(sens.rho).toEqual(r.rho);
  });
  it('ACME(rho) from the iterated SUR within 1e-9 (relative)', () => {
    expectAllClose(sens.acme, r.acme.map((v: number[]) => v[0]), 1e-9, 'ACME(rho)');
  });
  it('rhoAtZero exact, R2star and R2tilde at zero within 1e-10', () => {
    expect(sens.rhoAtZero).toBe(r.rhoAtZero);
    expectClose(sens.r2StarAtZero, r.R2starProdAtZero, 1e-12, 'R2* at zero');
    expectClose(sens.r2TildeAtZero, r.R2tildeProdAtZero, 1e-10, 'R2~ at zero');
  });
  if (r.acmeCiLow) {
    it('normal CI of ACME(rho) (delta method on the SUR vcov) within 1e-9', () => {
      expectAllClose(sens.acmeConfLow, r.acmeCiLow.map((v: number[]) => v[0]), 1e-9, 'CI low');
      expectAllClose(sens.acmeConfHigh, r.acmeCiHigh.map((v: number[]) => v[0]), 1e-9, 'CI high');
    });
  }
});

describe('medsens: hand-derivable facts', () => {
  it('rho = 0 reproduces the OLS product a·b (the mediate point estimate)', () => {
    const sens = medsens(med, { rhoBy: 0.5 });
    expect(sens.rho).toEqual([-0.5, 0, 0.5]);
    expectClose(sens.acme[1]!, -0.015744645028903236, 1e-10, 'ACME(0) = a·b (sobel_jobs_ols.json)');
  });
  it('rhoGrid(0.25) = seq(-0.75, 0.75, 0.25)', () => {
    expect(rhoGrid(0.25)).toEqual([-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75]);
  });
  it('summary() prints the rho at which ACME = 0; toJSON() is plain', () => {
    const sens = medsens(med);
    expect(sens.summary()).toContain('Rho at which ACME = 0: -0.3000');
    expect(JSON.parse(JSON.stringify(sens)).rhoAtZero).toBeCloseTo(-0.3, 12);
  });
  it.each([[0], [1], [-0.1], [NaN]])('rhoBy = %s throws invalid_option', (rhoBy) => {
    expect(() => medsens(med, { rhoBy })).toThrow(CausalPanelError);
    try {
      medsens(med, { rhoBy });
    } catch (e) {
      expect((e as CausalPanelError).code).toBe('invalid_option');
    }
  });
});
