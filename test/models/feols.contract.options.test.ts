/**
 * feols's options are read once by the shared option reader: fixest / Stata names users bring are
 * `unknown_option` errors that suggest ours, fixest arguments without a counterpart say so, bad
 * values are `invalid_option` in the one message form — never a silently different analysis.
 * Also: a column of numbers with one text cell is `non_numeric` naming the row and the value,
 * unless the formula asks for a factor.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import { feols } from '../../src/models/feols.js';
import { thrown } from '../helpers/thrown.js';

const n = 12;
const columns = {
  y: [1.2, 2.3, 2.9, 4.1, 5.2, 5.8, 7.1, 8.3, 8.8, 10.2, 11.1, 11.9],
  x: [1, 2, 3, 4, 5, 6, 7, 9, 9, 10, 12, 12],
  id: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
  w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
};

describe('feols: R / Stata option names are unknown_option errors that suggest ours', () => {
  const cases: { given: Record<string, unknown>; suggestion: string; message: string }[] = [
    { given: { cluster: 'id' }, suggestion: 'vcov: { CRV1: "id" }', message: 'feols: unknown option "cluster" (did you mean vcov: { CRV1: "id" }?)' },
    { given: { clusters: 'id' }, suggestion: 'vcov: { CRV1: "id" }', message: 'feols: unknown option "clusters" (did you mean vcov: { CRV1: "id" }?)' },
    { given: { weight: 'w' }, suggestion: 'weights', message: 'feols: unknown option "weight" (did you mean "weights"?)' },
    { given: { se: 'hetero' }, suggestion: 'vcov', message: 'feols: unknown option "se" (did you mean "vcov"?)' },
    { given: { Level: 0.9 }, suggestion: 'level', message: 'feols: unknown option "Level" (did you mean "level"?)' },
    { given: { fixefRmSingleton: true }, suggestion: 'fixefRmSingletons', message: 'feols: unknown option "fixefRmSingleton" (did you mean "fixefRmSingletons"?)' },
  ];
  it.each(cases)('$given → $suggestion', ({ given, suggestion, message }) => {
    const error = thrown(() => feols('y ~ x', columns, given as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ fn: 'feols', option: Object.keys(given)[0], suggestion });
  });

  it('a nested ssc key in fixest spelling suggests the camelCase key', () => {
    const error = thrown(() => feols('y ~ x', columns, { ssc: { 'fixef.K': 'full' } as never }));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toBe('feols: unknown option "ssc.fixef.K" (did you mean "fixefK"?)');
  });

  it('withVcov reads its options the same way', () => {
    const fit = feols('y ~ x', columns);
    const error = thrown(() => fit.withVcov({ CRV1: 'id' }, { ssc: { cluster_adj: false } } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toBe('withVcov: unknown option "ssc.cluster_adj" (did you mean "clusterAdj"?)');
    expect(thrown(() => fit.withVcov('iid', { cluster: 'id' } as never)).code).toBe('unknown_option');
    // a valid ssc changes the variance: no G/(G − 1) factor
    const adjusted = fit.withVcov({ CRV1: 'id' }).se().x!;
    const unadjusted = fit.withVcov({ CRV1: 'id' }, { ssc: { clusterAdj: false } }).se().x!;
    expect(unadjusted / adjusted).toBeCloseTo(Math.sqrt(5 / 6), 12);
  });
});

describe('feols: fixest arguments without a counterpart say so', () => {
  const unsupported = ['fixef.rm', 'split', 'fsplit', 'subset', 'panel.id', 'lean', 'demeaned', 'nthreads', 'offset', 'fixef.tol', 'fixef.iter', 'collin.tol', 'verbose'];
  it.each(unsupported)('%s → unknown_option "is not supported (…)"', (key) => {
    const error = thrown(() => feols('y ~ x', columns, { [key]: 1 } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toMatch(new RegExp(`^feols: option "${key.replace('.', '\\.')}" is not supported \\(.+\\)$`));
    expect(error.details).toMatchObject({ fn: 'feols', option: key });
  });

  it('the reasons point to what to use instead', () => {
    expect(thrown(() => feols('y ~ x', columns, { 'fixef.rm': 'singleton' } as never)).message).toContain('fixefRmSingletons: true');
    expect(thrown(() => feols('y ~ x', columns, { 'fixef.iter': 100 } as never)).message).toContain('demeanMaxIterations');
  });
});

describe('feols: option values are checked in the one message form', () => {
  const cases: { name: string; options: Record<string, unknown>; code: ErrorCode; message: string | RegExp }[] = [
    { name: 'level outside (0, 1)', options: { level: 95 }, code: 'invalid_option', message: 'feols: option "level" must be a number in (0, 1) (got 95)' },
    { name: 'weights not a column name', options: { weights: 1 }, code: 'invalid_option', message: 'feols: option "weights" must be a column name (got 1)' },
    { name: 'demeanMaxIterations 0', options: { demeanMaxIterations: 0 }, code: 'invalid_option', message: 'feols: option "demeanMaxIterations" must be an integer ≥ 1 (got 0)' },
    { name: 'demeanTolerance 0', options: { demeanTolerance: 0 }, code: 'invalid_option', message: 'feols: option "demeanTolerance" must be a finite number > 0 (got 0)' },
    { name: 'fixefRmSingletons "yes"', options: { fixefRmSingletons: 'yes' }, code: 'invalid_option', message: 'feols: option "fixefRmSingletons" must be true or false (got "yes")' },
    { name: 'unknown vcov', options: { vcov: 'HC5' }, code: 'invalid_option', message: /HC5/ },
    { name: 'bad ssc value', options: { ssc: { fixefK: 'some' } }, code: 'invalid_option', message: /fixefK/ },
  ];
  it.each(cases)('$name → $code', ({ options, code, message }) => {
    const error = thrown(() => feols('y ~ x', columns, options as never));
    expect(error.code).toBe(code);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('options that are not an object are invalid_option', () => {
    expect(thrown(() => feols('y ~ x', columns, 'hetero' as never)).message).toBe('feols: options must be an object (got "hetero")');
  });

  it('the accepted options change the fit as documented', () => {
    const weighted = feols('y ~ x', columns, { weights: 'w', vcov: 'hetero', level: 0.9 });
    const unweighted = feols('y ~ x', columns, { vcov: 'hetero' });
    expect(weighted.coef().x).not.toBeCloseTo(unweighted.coef().x!, 6);
    expect(weighted.level).toBe(0.9);
    expect(weighted.vcovInfo.label).toBe('Heteroskedasticity-robust');
  });
});

describe('feols: numbers with one text cell are non_numeric, unless the formula asks for a factor', () => {
  const x = columns.x.map((v, i): number | string => (i === 7 ? 'abc' : v));
  const asRows = columns.y.map((y, i) => ({ y, x: x[i] }));
  const asColumns = { y: columns.y, x };

  it.each([
    ['rows', asRows],
    ['columns', asColumns],
  ] as const)('data as %s: y ~ x names column "x", row 8 and "abc"', (_, data) => {
    const error = thrown(() => feols('y ~ x', data));
    expect(error.code).toBe('non_numeric');
    expect(error.message).toBe('feols: column "x" is not numeric (row 8: "abc")');
    expect(error.details).toMatchObject({ fn: 'feols', column: 'x', row: 7, value: 'abc' });
  });

  it.each([
    ['rows', asRows],
    ['columns', asColumns],
  ] as const)('data as %s: y ~ factor(x) is a factor with a level "abc"', (_, data) => {
    const fit = feols('y ~ factor(x)', data);
    expect(fit.nobs).toBe(n);
    // R's factor(): levels sorted as text, the first ("1") is the reference level
    expect(fit.terms).toContain('factor(x)abc');
    expect(fit.terms).not.toContain('factor(x)1');
    expect(fit.terms).toHaveLength(1 + new Set(x.map(String)).size - 1);
  });
});
