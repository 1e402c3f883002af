import { describe, expect, it } from 'vitest';
import { deparse, formulaColumns, parseExpression, parseFixedEffectList, parseFormula, parseVariableList } from '../../../src/models/formula/parse.js';
import { thrown } from '../../helpers/thrown.js';

// Expected term labels are what R 4.2.2 prints for attr(terms(f), "term.labels") and
// attr(terms(f), "intercept"); fixed effects as fixest 0.12.2 names them.
const cases: { formula: string; terms: string[]; intercept?: boolean; fe?: string[]; response?: string | null }[] = [
  { formula: 'y ~ x1', terms: ['x1'] },
  { formula: 'y ~ treat + post + treat:post + x1', terms: ['treat', 'post', 'x1', 'treat:post'] },
  { formula: 'y ~ treat:post | id + period', terms: ['treat:post'], fe: ['id', 'period'] },
  { formula: 'y ~ a*b', terms: ['a', 'b', 'a:b'] },
  { formula: 'y ~ a*b + c', terms: ['a', 'b', 'c', 'a:b'] },
  { formula: 'y ~ a*b*c', terms: ['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c'] },
  { formula: 'y ~ (a + b + c)^2', terms: ['a', 'b', 'c', 'a:b', 'a:c', 'b:c'] },
  { formula: 'y ~ a/b', terms: ['a', 'a:b'] },
  // variables inside an interaction are named in order of first appearance
  { formula: 'y ~ a + b + b:a', terms: ['a', 'b', 'a:b'] },
  { formula: 'y ~ b:a + a', terms: ['a', 'b:a'] },
  { formula: 'y ~ a + a + a:a', terms: ['a'] },
  { formula: 'y ~ a*b - a:b', terms: ['a', 'b'] },
  { formula: 'y ~ a + b - a', terms: ['b'] },
  { formula: 'y ~ x - 1', terms: ['x'], intercept: false },
  { formula: 'y ~ x + 0', terms: ['x'], intercept: false },
  { formula: 'y ~ 0 + x', terms: ['x'], intercept: false },
  { formula: 'y ~ -1 + x', terms: ['x'], intercept: false },
  { formula: 'y ~ 1', terms: [], intercept: true },
  { formula: 'y ~ 0', terms: [], intercept: false },
  { formula: 'y ~ x + 1', terms: ['x'], intercept: true },
  { formula: 'log(y) ~ x', terms: ['x'], response: 'log(y)' },
  { formula: 'I(y/1000) ~ x', terms: ['x'], response: 'I(y/1000)' },
  { formula: '~ x + z', terms: ['x', 'z'], response: null },
  { formula: 'y ~ log(x) + I(x^2) + exp(x) + sqrt(x)', terms: ['log(x)', 'I(x^2)', 'exp(x)', 'sqrt(x)'] },
  { formula: 'y ~ I( x * z ) + I(x/2) + I(x - 1) + I(-x) + I((x + 1)^2) + log(x+1)', terms: ['I(x * z)', 'I(x/2)', 'I(x - 1)', 'I(-x)', 'I((x + 1)^2)', 'log(x + 1)'] },
  { formula: 'y ~ I(x^2.0) + I(x * 1e5) + I(x * 0.50)', terms: ['I(x^2)', 'I(x * 1e+05)', 'I(x * 0.5)'] },
  { formula: 'y ~ x1 + i(period, treat, 5) | id + period', terms: ['x1', 'i(period, treat, 5)'], fe: ['id', 'period'] },
  { formula: 'y ~ i(period, treat, ref = 5)', terms: ['i(period, treat, ref = 5)'] },
  { formula: 'y ~ i(period, ref = c(-1, -1000))', terms: ['i(period, ref = c(-1, -1000))'] },
  { formula: 'lemp ~ `first.treat` + first.treat:lpop', terms: ['first.treat', 'first.treat:lpop'], response: 'lemp' },
  { formula: 'y ~ `my var` + re74', terms: ['`my var`', 're74'] },
  { formula: 'y ~ factor(period) + x', terms: ['factor(period)', 'x'] },
  { formula: 'y ~ x | fe1 + fe2 + fe1^fe2', terms: ['x'], fe: ['fe1', 'fe2', 'fe1^fe2'] },
  { formula: 'y ~ x | fe1^fe2^fe3', terms: ['x'], fe: ['fe1^fe2^fe3'] },
  {
    formula: 'y ~ x1 + x2 + a:b + a*b + i(period, treat, ref = 5) + i(period, ref = c(-1, -1000)) + log(x) + I(x^2) + exp(x) + sqrt(x) | fe1 + fe2 + fe1^fe2',
    terms: ['x1', 'x2', 'a', 'b', 'i(period, treat, ref = 5)', 'i(period, ref = c(-1, -1000))', 'log(x)', 'I(x^2)', 'exp(x)', 'sqrt(x)', 'a:b'],
    fe: ['fe1', 'fe2', 'fe1^fe2'],
  },
  // mediation's outcome model (mediation 4.5.1, jobs): treat * job_seek
  { formula: 'depress2 ~ treat * job_seek + econ_hard + sex + age', terms: ['treat', 'job_seek', 'econ_hard', 'sex', 'age', 'treat:job_seek'], response: 'depress2' },
];

describe('parseFormula: term labels and order as R 4.2.2 terms() / fixest 0.12.2', () => {
  it.each(cases)('$formula', ({ formula, terms, intercept = true, fe = [], response }) => {
    const spec = parseFormula(formula);
    expect(spec.terms.map((t) => t.label)).toEqual(terms);
    expect(spec.intercept).toBe(intercept);
    expect(spec.fixedEffects.map((f) => f.name)).toEqual(fe);
    if (response !== undefined) expect(spec.responseLabel).toBe(response);
    else expect(spec.responseLabel).toBe('y');
  });
});

describe('parseFormula: i() arguments as fixest 0.12.2 i(factor_var, var, ref, keep)', () => {
  it('positional ref: i(period, treat, 5)', () => {
    const v = parseFormula('y ~ i(period, treat, 5)').variables[0]!;
    expect(v).toMatchObject({ kind: 'i', factor: 'period', with: 'treat', ref: [5], refFirst: false });
  });
  it('named vector ref with negatives: ref = c(-1, -1000)', () => {
    const v = parseFormula('y ~ i(period, ref = c(-1, -1000))').variables[0]!;
    expect(v).toMatchObject({ kind: 'i', factor: 'period', ref: [-1, -1000] });
    expect('with' in v).toBe(false);
  });
  it('text levels and keep: i(race, ref = "black", keep = c("hispan"))', () => {
    const v = parseFormula('y ~ i(race, ref = "black", keep = c("hispan"))').variables[0]!;
    expect(v).toMatchObject({ kind: 'i', factor: 'race', ref: ['black'], keep: ['hispan'] });
  });
  it('ref = TRUE drops the first level', () => {
    expect(parseFormula('y ~ i(period, ref = TRUE)').variables[0]).toMatchObject({ refFirst: true, ref: [] });
  });
});

describe('parseFormula: variables used (for missing-row checks)', () => {
  it('lists response, regressors, i() and fixed-effect columns once, in order', () => {
    const spec = parseFormula('log(y) ~ x + I(x * z) + i(period, treat, 5) + a:b | id + id^period');
    expect(formulaColumns(spec)).toEqual(['y', 'x', 'z', 'period', 'treat', 'a', 'b', 'id']);
  });
  it('backquoted names are column names without the quotes', () => {
    expect(formulaColumns(parseFormula('y ~ `first.treat` + `my var`'))).toEqual(['y', 'first.treat', 'my var']);
  });
});

describe('parseVariableList / parseFixedEffectList (cluster specs as fixest ~id + period)', () => {
  it.each([
    ['id + period', ['id', 'period']],
    ['~id + period', ['id', 'period']],
    ['id', ['id']],
    ['`first.treat`', ['first.treat']],
    ['id^period', ['id^period']],
  ])('%s', (text, expected) => {
    expect(parseVariableList(text)).toEqual(expected);
  });
  it('combined effects keep their parts', () => {
    expect(parseFixedEffectList('id + id^period')).toEqual([
      { name: 'id', variables: ['id'] },
      { name: 'id^period', variables: ['id', 'period'] },
    ]);
  });
});

describe('deparse: R deparse() spacing and numbers (R 4.2.2)', () => {
  it.each([
    ['I(x^2)', 'I(x^2)'],
    ['I(x*z)', 'I(x * z)'],
    ['log( wage )', 'log(wage)'],
    ['I(x/ 2 + 1)', 'I(x/2 + 1)'],
    ['I(-x^2)', 'I(-x^2)'],
    ['I(100000*x)', 'I(1e+05 * x)'],
    ['I(0.0001*x)', 'I(1e-04 * x)'],
    ['I(2003 - x)', 'I(2003 - x)'],
    ['I(.5*x)', 'I(0.5 * x)'],
  ])('%s → %s', (text, expected) => {
    expect(deparse(parseExpression(text))).toBe(expected);
  });
});

// Table-driven syntax errors: code, message naming the function, the token and its 1-based
// position, and details.position (0-based index into the text).
const bad: { formula: string; message: string; position: number }[] = [
  { formula: 'y ~ x1)', message: 'feols: unexpected ")" at position 7 in "y ~ x1)"', position: 6 },
  { formula: 'y ~ x1 +', message: 'feols: unexpected end of formula at position 9 in "y ~ x1 +"', position: 8 },
  { formula: 'y ~ (x1', message: 'feols: unexpected end of formula at position 8 in "y ~ (x1"', position: 7 },
  { formula: 'y ~ x1 $ x2', message: 'feols: unexpected "$" at position 8 in "y ~ x1 $ x2"', position: 7 },
  { formula: 'y ~ x1 + + ', message: 'feols: unexpected end of formula at position 12 in "y ~ x1 + + "', position: 11 },
  { formula: 'y ~ 2', message: 'feols: the number 2 is not a term (only 0 and 1) at position 5 in "y ~ 2"', position: 4 },
  { formula: 'y ~ poly(x, 2)', message: 'feols: unsupported function "poly()"', position: 4 },
  { formula: 'y ~ x | log(id)', message: 'feols: "log(id)" is not a fixed effect', position: 8 },
  { formula: 'y ~ x | a | b', message: 'feols: only one "|"', position: 6 },
  { formula: 'y ~ i(1)', message: 'feols: i() needs a column name as its first argument', position: 4 },
  { formula: 'y ~ `x', message: 'feols: unterminated backquote at position 5 in "y ~ `x"', position: 4 },
  { formula: 'y ~ 1x', message: 'feols: unexpected "x" at position 6 in "y ~ 1x"', position: 5 },
  { formula: 'y ~ I(x:z)', message: 'feols: operator ":" cannot be used inside a function', position: 7 },
];

describe('parseFormula: syntax errors (formula_syntax, position)', () => {
  it.each(bad)('$formula', ({ formula, message, position }) => {
    const err = thrown(() => parseFormula(formula));
    expect(err.code).toBe('formula_syntax');
    expect(err.message).toContain(message);
    expect(err.details.position).toBe(position);
  });

  it('a formula without ~ is an error', () => {
    expect(() => parseFormula('y + x', 'glm')).toThrow(/^glm: a formula needs "~"/);
  });

  it('names the calling function', () => {
    expect(() => parseFormula('y ~ x)', 'matchit')).toThrow('matchit: unexpected ")" at position 6 in "y ~ x)"');
  });
});

describe('parseFormula: R names beyond ASCII', () => {
  it('letters of any script are name characters (R make.names)', () => {
    const spec = parseFormula('salário ~ idade + `año 2`');
    expect(spec.responseLabel).toBe('salário');
    expect(spec.terms.map((t) => t.label)).toEqual(['idade', '`año 2`']);
    expect(formulaColumns(spec)).toEqual(['salário', 'idade', 'año 2']);
  });
  it('names starting with a dot or containing underscores; _x needs backquotes', () => {
    expect(parseFormula('y ~ .x + re_74').terms.map((t) => t.label)).toEqual(['.x', 're_74']);
    expect(parseFormula('y ~ `_x`').terms.map((t) => t.label)).toEqual(['`_x`']);
    expect(() => parseFormula('y ~ _x')).toThrow('feols: unexpected "_" at position 5 in "y ~ _x"');
  });
});
