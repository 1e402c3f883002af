/**
 * Table-driven bad inputs for feols / glm: each must throw CausalPanelError with the expected
 * code (stdlib style), plus the notes fixest prints instead of failing, and a mutation test.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import { feols } from '../../src/models/feols.js';
import { glm } from '../../src/models/glm.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const base = loadDataset('base_did.csv');
const small = {
  y: [1.2, 2.3, 2.9, 4.1, 5.2, 5.8, 7.1, 8.3],
  x: [1, 2, 3, 4, 5, 6, 7, 9],
  g: [1, 1, 2, 2, 3, 3, 4, 4],
  one: [1, 1, 1, 1, 1, 1, 1, 1],
  text: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
  empty: [null, null, null, null, null, null, null, null],
};

const cases: { name: string; run: () => unknown; code: ErrorCode; message?: RegExp }[] = [
  { name: 'non-numeric outcome cell', run: () => feols('y ~ x', { ...small, y: [1, 2, 'abc', 4, 5, 6, 7, 8] }), code: 'non_numeric', message: /"y"/ },
  { name: 'unknown column', run: () => feols('y ~ nope', small), code: 'missing_column', message: /nope/ },
  { name: 'all-missing regressor', run: () => feols('y ~ empty', small), code: 'no_rows_left' },
  { name: 'only regressor collinear with the FE', run: () => feols('y ~ treat | id', base), code: 'singular_design', message: /treat/ },
  { name: 'single cluster', run: () => feols('y ~ x', small, { vcov: { CRV1: 'one' } }), code: 'too_few_clusters', message: /"one"/ },
  { name: 'unknown vcov', run: () => feols('y ~ x', small, { vcov: 'HC5' as never }), code: 'invalid_option', message: /HC5/ },
  { name: 'unknown cluster column', run: () => feols('y ~ x', small, { vcov: { CRV1: 'nope' } }), code: 'missing_column' },
  { name: 'level outside (0, 1)', run: () => feols('y ~ x', small, { level: 95 }), code: 'invalid_option' },
  { name: 'CR2 with two-way clustering', run: () => feols('y ~ x | g', small, { vcov: { CR2: 'g + x' } }), code: 'invalid_option', message: /CR2 supports one clustering/ },
  { name: 'logit with a perfectly separating regressor', run: () => glm('d ~ x', { d: [0, 0, 0, 1, 1, 1], x: [1, 2, 3, 4, 5, 6] }, { family: 'binomial' }), code: 'perfect_separation', message: /variable x/ },
  { name: 'binomial outcome outside [0, 1]', run: () => glm('y ~ x', small, { family: 'binomial' }), code: 'invalid_option', message: /binomial outcome/ },
  { name: 'unknown glm family', run: () => glm('y ~ x', small, { family: 'poisson' as never }), code: 'invalid_option', message: /poisson/ },
  { name: 'glm with fixed effects', run: () => glm('y ~ x | g', small), code: 'invalid_option' },
  { name: 'bad ssc option', run: () => feols('y ~ x', small, { ssc: { fixefK: 'some' as never } }), code: 'invalid_option' },
];

describe('feols / glm bad inputs throw CausalPanelError with a code (table-driven)', () => {
  it.each(cases)('$name → $code', ({ run, code, message }) => {
    expect(thrown(run).code).toBe(code);
    if (message) expect(run).toThrowError(message);
  });
});

describe('feols notes instead of errors (fixest 0.12.2 behaviour)', () => {
  it('a regressor collinear with the fixed effects is dropped with a collinear_dropped note', () => {
    const fit = feols('y ~ x1 + treat | id', base);
    expect(fit.terms).toEqual(['x1']);
    expect(fit.notes).toContainEqual({ code: 'collinear_dropped', terms: ['treat'] });
    expect(fit.summary()).toContain('NOTE: treat has been removed because of collinearity.');
  });
  it('rows with a missing value in y, x or the cluster column are dropped together and counted', () => {
    const data = { ...small, x: [1, 2, NaN, 4, 5, 6, 7, 9], g: [1, 1, 2, 2, 3, null, 4, 4] };
    const fit = feols('y ~ x', data, { vcov: { CRV1: 'g' } });
    expect(fit.nobs).toBe(6);
    expect(Array.from(fit.rows)).toEqual([0, 1, 3, 4, 6, 7]);
    expect(fit.vcovInfo.nClusters).toEqual([4]);
    const note = fit.notes.find((n) => n.code === 'rows_dropped_missing');
    expect(note).toMatchObject({ count: 2 });
  });
  it('a missing cluster value in withVcov rows is an error naming the column', () => {
    const data = { ...small, h: [1, 1, 2, 2, 3, null, 4, 4] };
    expect(() => feols('y ~ x', data).withVcov({ CRV1: 'h' })).toThrowError(/"h"/);
  });
});

describe('mutation safety: feols and glm never change the caller data', () => {
  it('column arrays and row objects are unchanged after fitting, withVcov and predict', () => {
    const columns = { y: [...small.y], x: [...small.x], g: [...small.g] };
    const snapshot = JSON.stringify(columns);
    const rows = small.y.map((y, i) => ({ y, x: small.x[i], g: small.g[i] }));
    const rowsSnapshot = JSON.stringify(rows);
    const typed = { y: Float64Array.from(small.y), x: Float64Array.from(small.x), g: Float64Array.from(small.g) };
    const typedSnapshot = JSON.stringify(Array.from(typed.y)) + JSON.stringify(Array.from(typed.x));
    const fit = feols('y ~ x | g', columns, { vcov: 'iid' });
    fit.withVcov({ CRV1: 'g' });
    feols('y ~ x', rows).predict(rows);
    feols('y ~ x', typed, { vcov: 'hetero' });
    glm('y ~ x', columns, { vcov: { CRV1: 'g' } }).predict(rows, { type: 'response' });
    expect(JSON.stringify(columns)).toBe(snapshot);
    expect(JSON.stringify(rows)).toBe(rowsSnapshot);
    expect(JSON.stringify(Array.from(typed.y)) + JSON.stringify(Array.from(typed.x))).toBe(typedSnapshot);
    // Results are copies: changing them does not change the fit.
    const coef = fit.coefficients;
    coef[0] = 999;
    expect(fit.coefficients[0]).not.toBe(999);
    expect(Object.isFrozen(fit.terms)).toBe(true);
  });
});

describe('two-way clustering with a negative variance (fixest mat_posdef_fix)', () => {
  it('y = (1, −1, −1, 1) on a 2×2 id × period grid: V(id) + V(period) − V(id∩period) < 0 is fixed and noted', () => {
    const data = { y: [1, -1, -1, 1], id: [1, 1, 2, 2], period: [1, 2, 1, 2] };
    const fit = feols('y ~ 1', data, { vcov: { CRV1: 'id + period' } });
    // Raised to fixest's floor 1e-10 (times nothing else: k = 1).
    expect(fit.vcov()[0]![0]).toBeCloseTo(1e-10, 15);
    expect(fit.notes).toContainEqual({ code: 'vcov_psd_fixed' });
    // Re-inference with iid drops the note (it belongs to the variance).
    expect(fit.withVcov('iid').notes.some((n) => n.code === 'vcov_psd_fixed')).toBe(false);
  });
});
