/**
 * productOfCoefficients against lavaan 0.6-14 (ML variances) and a hand Sobel test on two lm fits
 * (stats 4.2.2, OLS variances), both on jobs.csv; and the delta method against hand algebra.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { productOfCoefficients } from '../../../src/estimators/mediation/productOfCoefficients.js';
import { deltaMethodSe, deltaMethodVcov, numericJacobian } from '../../../src/inference/deltaMethod.js';
import { jobs, jobsModels } from '../../helpers/jobsModels.js';
import { expectClose } from '../../helpers/expectClose.js';

const read = (p: string): string => readFileSync(new URL(p, import.meta.url), 'utf8');
const lavaan = JSON.parse(read('../../../fixtures/oracles/lavaan_jobs_indirect.json'));
const sobel = JSON.parse(read('../../../fixtures/oracles/sobel_jobs_ols.json'));
const models = jobsModels;

describe(`productOfCoefficients vs ${lavaan.package}: ${lavaan.call}`, () => {
  const poc = productOfCoefficients({ ...models, variance: 'ml' });
  const r = lavaan.results;
  it.each([
    ['a', poc.a, r.a],
    ['b', poc.b, r.b],
    ['c', poc.c, r.c],
    ['ab', poc.indirect, r.ab],
    ['total', poc.total, r.total],
  ] as const)('%s: estimate, ML standard error and z p-value within 1e-6', (label, ours, ref) => {
    expectClose(ours.estimate, ref.estimate, 1e-8, `${label} estimate`);
    expectClose(ours.stdError, ref.stdError, 1e-6, `${label} SE`);
    // lavaan prints p = 0 for b (underflow in its output); compare with an absolute floor.
    expectClose(ours.pValue, ref.pValue, 1e-6, `${label} p`, { absTol: 1e-12 });
  });
});

describe(`productOfCoefficients vs ${sobel.package}: ${sobel.call}`, () => {
  const poc = productOfCoefficients(models); // default variance: 'ols'
  const r = sobel.results;
  it('a, b, c with summary.lm SEs; Sobel and Aroian SEs, z and p within 1e-8', () => {
    expect(poc.variance).toBe('ols');
    expectClose(poc.a.estimate, r.a, 1e-10, 'a');
    expectClose(poc.a.stdError, r.seA, 1e-8, 'se(a)');
    expectClose(poc.b.estimate, r.b, 1e-10, 'b');
    expectClose(poc.b.stdError, r.seB, 1e-8, 'se(b)');
    expectClose(poc.c.estimate, r.c, 1e-10, 'c');
    expectClose(poc.indirect.estimate, r.ab, 1e-10, 'ab');
    expectClose(poc.indirect.stdError, r.sobelStdError, 1e-8, 'Sobel SE');
    expectClose(poc.indirect.statistic, r.sobelZ, 1e-8, 'Sobel z');
    expectClose(poc.indirect.pValue, r.sobelPValue, 1e-8, 'Sobel p');
    expectClose(poc.aroianStdError, r.aroianStdError, 1e-8, 'Aroian SE');
    expectClose(poc.total.estimate, r.total, 1e-10, 'total');
    expectClose(poc.total.estimate, r.totalRegression, 1e-10, 'total = coefficient of treat in depress2 ~ treat + covariates');
  });
  it('tidy() has the seven Estimate fields and toJSON() is plain JSON', () => {
    for (const row of poc.tidy()) expect(Object.keys(row).sort()).toEqual(['confHigh', 'confLow', 'estimate', 'pValue', 'statistic', 'stdError', 'term']);
    expect(JSON.parse(JSON.stringify(poc)).indirect.estimate).toBe(poc.indirect.estimate);
    expect(poc.summary()).toContain('indirect');
  });
});

describe('deltaMethod: hand-derivable variances', () => {
  it('Var(a·b) = b²Va + a²Vb + 2ab·Cov for a = 2, b = 3', () => {
    const V = Float64Array.of(0.1, 0.02, 0.02, 0.2);
    expectClose(deltaMethodSe(Float64Array.of(3, 2), V), Math.sqrt(9 * 0.1 + 4 * 0.2 + 2 * 6 * 0.02), 1e-15, 'se(ab)');
  });
  it('J V Jᵀ for two functions (sum and difference) of independent unit-variance parameters = [[2, 0], [0, 2]]', () => {
    const J = Float64Array.of(1, 1, 1, -1); // rows (1, 1) and (1, -1), column-major 2×2
    const out = deltaMethodVcov(J, 2, 2, Float64Array.of(1, 0, 0, 1));
    expect(Array.from(out)).toEqual([2, 0, 0, 2]);
  });
  it('numericJacobian of (x·y, x²) at (2, 3) = [[3, 2], [4, 0]] within 1e-9', () => {
    const J = numericJacobian((t) => [t[0]! * t[1]!, t[0]! ** 2], Float64Array.of(2, 3));
    [3, 4, 2, 0].forEach((e, i) => expectClose(J[i]!, e, 1e-9, `J[${i}]`, { absTol: 1e-9 }));
  });
});

describe('productOfCoefficients: rows dropped for missing values are reported once (both models drop the same rows)', () => {
  it.each([
    ['econ_hard', 'a covariate of both models'],
    ['job_seek', 'the mediator (response of one model, regressor of the other)'],
  ])('a missing %s (%s): one rows_dropped_missing note; estimates = the fit without that row (hand Sobel, stats 4.2.2 lm)', (column) => {
    const values = Float64Array.from(jobs.numeric(column));
    values[7] = NaN;
    const poc = productOfCoefficients({ ...models, data: jobs.withColumns({ [column]: values }) });
    const dropped = poc.notes.filter((note) => note.code === 'rows_dropped_missing');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ count: 1 });
    expect({ ...(dropped[0] as { byColumn: Record<string, number> }).byColumn }).toEqual({ [column]: 1 });
    expect(poc.nobs).toBe(jobs.nrow - 1);
    const keep = Array.from({ length: jobs.nrow }, (_, i) => i).filter((i) => i !== 7);
    const without = productOfCoefficients({ ...models, data: jobs.take(keep) });
    expectClose(poc.indirect.estimate, without.indirect.estimate, 1e-12, 'indirect');
    expectClose(poc.indirect.stdError, without.indirect.stdError, 1e-12, 'Sobel SE');
    expect(without.notes).toHaveLength(0);
  });
});
