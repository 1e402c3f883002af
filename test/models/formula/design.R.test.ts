import { readFileSync } from 'node:fs';
import { Matrix, QrDecomposition, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Frame } from '../../../src/data/frame.js';
import { parseCsv } from '../../../src/data/parseCsv.js';
import { exp, log } from '../../../src/numerics/elementary.js';
import { buildDesign, modelMatrix, type Design } from '../../../src/models/formula/design.js';
import { parseFormula } from '../../../src/models/formula/parse.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { thrown } from '../../helpers/thrown.js';

/** `{ term, estimate }` rows from a design's term names and a coefficient vector. */
const estimateRows = (terms: readonly string[], beta: ArrayLike<number>) => terms.map((term, j) => ({ term, estimate: beta[j]! }));

const dataset = (name: string): Frame => parseCsv(readFileSync(new URL(`../../../fixtures/datasets/${name}.csv`, import.meta.url), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const oracle = (name: string): any => JSON.parse(readFileSync(new URL(`../../../fixtures/oracles/${name}.json`, import.meta.url), 'utf8'));
const termsOf = (rows: { term: string }[]): string[] => rows.map((r) => r.term);

const baseDid = dataset('base_did');
const lalonde = dataset('lalonde');
const jobs = dataset('jobs');

const design = (formula: string, frame: Frame, options: Parameters<typeof buildDesign>[2] = {}): Design => buildDesign(parseFormula(formula), frame, options);

/** Column j of a design as a plain array. */
const col = (d: Design, name: string): number[] => {
  const j = d.terms.indexOf(name);
  expect(j, `column ${name} in [${d.terms.join(', ')}]`).toBeGreaterThanOrEqual(0);
  return Array.from(d.X.subarray(j * d.n, (j + 1) * d.n));
};

/** OLS by Householder QR (ml-matrix), on a full-rank design. */
function ols(d: Design): number[] {
  const X = new Matrix(d.n, d.k);
  for (let j = 0; j < d.k; j++) for (let i = 0; i < d.n; i++) X.set(i, j, d.X[i + j * d.n]!);
  const beta = new QrDecomposition(X).solve(Matrix.columnVector(Array.from(d.y)));
  return beta.getColumn(0);
}

/** Logistic regression by Newton's method to full convergence (the MLE). */
function logit(d: Design): number[] {
  const X = new Matrix(d.n, d.k);
  for (let j = 0; j < d.k; j++) for (let i = 0; i < d.n; i++) X.set(i, j, d.X[i + j * d.n]!);
  let beta = Matrix.zeros(d.k, 1);
  for (let iter = 0; iter < 50; iter++) {
    const eta = X.mmul(beta);
    const W = new Matrix(d.n, d.k);
    const score = new Matrix(d.n, 1);
    for (let i = 0; i < d.n; i++) {
      const p = 1 / (1 + Math.exp(-eta.get(i, 0)));
      score.set(i, 0, d.y[i]! - p);
      for (let j = 0; j < d.k; j++) W.set(i, j, X.get(i, j) * p * (1 - p));
    }
    const step = solve(X.transpose().mmul(W), X.transpose().mmul(score));
    beta = beta.add(step);
    if (step.norm() < 1e-13) break;
  }
  return beta.getColumn(0);
}

describe('buildDesign: coefficient names and order match fixest 0.12.2 oracles (base_did)', () => {
  it('fixest_2x2_no_fe: feols(y ~ treat + post + treat:post + x1) — names, and OLS coefficients to 1e-10', () => {
    const o = oracle('fixest_2x2_no_fe');
    const d = design('y ~ treat + post + treat:post + x1', baseDid);
    expect(d.terms).toEqual(termsOf(o.results.coefficients));
    expect(d.hasIntercept).toBe(true);
    expect(d.n).toBe(o.results.nobs);
    const beta = ols(d);
    expectEstimatesMatch(estimateRows(d.terms, beta), o.results.coefficients, { estimate: 1e-10 }, { ordered: true });
  });

  it('fixest_event_study: feols(y ~ x1 + i(period, treat, 5) | id + period) — names; explicit-dummy OLS reproduces the coefficients to 1e-9', () => {
    const o = oracle('fixest_event_study');
    const d = design('y ~ x1 + i(period, treat, 5) | id + period', baseDid);
    expect(d.terms).toEqual(termsOf(o.results.coefficients));
    expect(d.hasIntercept).toBe(false);
    expect(d.fixedEffects.map((f) => [f.name, f.nLevels])).toEqual(Object.entries(o.results.fixefSizes));
    // Absorbed FE = explicit dummies (Frisch–Waugh–Lovell): same coefficients on x1 and i().
    const dummies = design('y ~ x1 + i(period, treat, 5) + factor(id) + factor(period)', baseDid);
    expect(dummies.terms.slice(0, 11)).toEqual(['(Intercept)', ...termsOf(o.results.coefficients)]);
    expect(dummies.terms).toContain('factor(id)2');
    expect(dummies.terms).not.toContain('factor(id)1');
    expect(dummies.terms.at(-1)).toBe('factor(period)10');
    const beta = ols(dummies);
    expectEstimatesMatch(estimateRows(dummies.terms, beta), o.results.coefficients, { estimate: 1e-9 }, { allowExtraRows: true });
  });

  it('fixest_twfe_did_interaction: feols(y ~ treat:post | id + period) — name treat:post; dummy OLS = 4.99339 to 1e-10', () => {
    const o = oracle('fixest_twfe_did_interaction');
    const d = design('y ~ treat:post | id + period', baseDid);
    expect(d.terms).toEqual(termsOf(o.results.cluster.coefficients));
    expect(d.k).toBe(1);
    const dummies = design('y ~ treat:post + factor(id) + factor(period)', baseDid);
    expect(dummies.k).toBe(1 + 107 + 9 + 1);
    // R's terms(): the 2-way term treat:post goes after the main effects factor(id), factor(period)
    expect(dummies.terms.at(-1)).toBe('treat:post');
    expectEstimatesMatch(estimateRows(dummies.terms, ols(dummies)), o.results.cluster.coefficients, { estimate: 1e-10 }, { allowExtraRows: true });
  });

  it('fixest_ols_hetero: feols(y ~ x1 + treat_post) — names and coefficients to 1e-10', () => {
    const o = oracle('fixest_ols_hetero');
    const treat = baseDid.numeric('treat');
    const post = baseDid.numeric('post');
    const frame = baseDid.withColumns({ treat_post: treat.map((t, i) => t * post[i]!) });
    const d = design('y ~ x1 + treat_post', frame);
    expect(d.terms).toEqual(termsOf(o.results.coefficients));
    expectEstimatesMatch(estimateRows(d.terms, ols(d)), o.results.coefficients, { estimate: 1e-10 }, { ordered: true });
  });
});

describe('buildDesign: factors on lalonde as R model.matrix (MatchIt 4.5.1 oracle)', () => {
  const o = oracle('matchit_nearest');
  const d = design('treat ~ age + educ + race + married + nodegree + re74 + re75', lalonde, { fn: 'matchit' });

  it('text column race → racehispan, racewhite (black = first sorted level = reference)', () => {
    expect(d.terms).toEqual(termsOf(o.results.propensityModelTightConvergence));
    expect(d.terms).toEqual(['(Intercept)', 'age', 'educ', 'racehispan', 'racewhite', 'married', 'nodegree', 're74', 're75']);
  });

  it('dummy columns equal 1[race == level] row by row (hispan: 72, white: 299 of 614)', () => {
    const race = lalonde.column('race') as (string | null)[];
    expect(col(d, 'racehispan')).toEqual(race.map((r) => (r === 'hispan' ? 1 : 0)));
    expect(col(d, 'racewhite')).toEqual(race.map((r) => (r === 'white' ? 1 : 0)));
    expect(col(d, 'racehispan').reduce((a, b) => a + b)).toBe(72);
    expect(col(d, 'racewhite').reduce((a, b) => a + b)).toBe(299);
  });

  it('logistic MLE on this design reproduces glm(treat ~ ..., binomial) tight-convergence coefficients to 1e-8', () => {
    const beta = logit(d);
    expectEstimatesMatch(estimateRows(d.terms, beta), o.results.propensityModelTightConvergence, { estimate: 1e-8 }, { ordered: true });
  });

  it('without an intercept the first factor gets all its levels (R: model.matrix(~ 0 + race + age))', () => {
    const d0 = design('treat ~ 0 + race + age', lalonde);
    expect(d0.terms).toEqual(['raceblack', 'racehispan', 'racewhite', 'age']);
    expect(d0.hasIntercept).toBe(false);
    // only the first factor: married is numeric here, so check with two text factors
    const frame = lalonde.withColumns({ deg: Array.from(lalonde.numeric('nodegree'), (v) => (v === 1 ? 'no' : 'yes')) });
    expect(design('treat ~ race + deg - 1', frame).terms).toEqual(['raceblack', 'racehispan', 'racewhite', 'degyes']);
  });

  it('factor × numeric as R: x + x:f uses contrasts, x:f alone uses all levels', () => {
    expect(design('treat ~ age + age:race', lalonde).terms).toEqual(['(Intercept)', 'age', 'age:racehispan', 'age:racewhite']);
    expect(design('treat ~ age:race', lalonde).terms).toEqual(['(Intercept)', 'age:raceblack', 'age:racehispan', 'age:racewhite']);
    expect(design('treat ~ race*age', lalonde).terms).toEqual(['(Intercept)', 'racehispan', 'racewhite', 'age', 'racehispan:age', 'racewhite:age']);
    const d2 = design('treat ~ age:race', lalonde);
    const race = lalonde.column('race') as (string | null)[];
    const age = lalonde.numeric('age');
    expect(col(d2, 'age:racewhite')).toEqual(race.map((r, i) => (r === 'white' ? age[i]! : 0)));
  });

  it('factor × factor: first factor varies fastest in column order (R model.matrix)', () => {
    const frame = lalonde.withColumns({ deg: Array.from(lalonde.numeric('nodegree'), (v) => (v === 1 ? 'no' : 'yes')) });
    const d3 = design('treat ~ race*deg', frame);
    expect(d3.terms).toEqual(['(Intercept)', 'racehispan', 'racewhite', 'degyes', 'racehispan:degyes', 'racewhite:degyes']);
    const d4 = design('treat ~ race:deg', frame);
    expect(d4.terms).toEqual(['(Intercept)', 'raceblack:degno', 'racehispan:degno', 'racewhite:degno', 'raceblack:degyes', 'racehispan:degyes', 'racewhite:degyes']);
  });

  it('numeric × numeric a:b is the product, named a:b', () => {
    const d5 = design('re78 ~ age:educ', lalonde);
    const age = lalonde.numeric('age');
    const educ = lalonde.numeric('educ');
    expect(col(d5, 'age:educ')).toEqual(Array.from(age, (a, i) => a * educ[i]!));
  });

  it('with fixed effects, factors are coded as if there were an intercept (fixest)', () => {
    const d6 = design('re78 ~ race + age | married', lalonde);
    expect(d6.terms).toEqual(['racehispan', 'racewhite', 'age']);
    // `0 +` removes the intercept before model.matrix (fixest_model_matrix): all levels
    expect(design('re78 ~ 0 + race + age | married', lalonde).terms).toEqual(['raceblack', 'racehispan', 'racewhite', 'age']);
  });
});

describe('buildDesign: linear models of mediation 4.5.1 on jobs (sobel_jobs_ols oracle)', () => {
  const o = oracle('sobel_jobs_ols');
  it('lm(job_seek ~ treat + econ_hard + sex + age): a = coef(treat) to 1e-10', () => {
    const d = design('job_seek ~ treat + econ_hard + sex + age', jobs);
    expect(d.terms).toEqual(['(Intercept)', 'treat', 'econ_hard', 'sex', 'age']);
    expectClose(ols(d)[1]!, o.results.a, 1e-10, 'a');
  });
  it('lm(depress2 ~ treat + job_seek + econ_hard + sex + age): c and b to 1e-10', () => {
    const d = design('depress2 ~ treat + job_seek + econ_hard + sex + age', jobs);
    const beta = ols(d);
    expectClose(beta[1]!, o.results.c, 1e-10, 'c');
    expectClose(beta[2]!, o.results.b, 1e-10, 'b');
  });
  it('glm(employed ~ treat + job_seek + econ_hard + sex + age, probit) term names (mediation_jobs_probit_outcome_boot)', () => {
    const employed = Float64Array.from(jobs.column('work1') as (string | null)[], (w) => (w === 'psyemp' ? 1 : 0));
    const d = design('employed ~ treat + job_seek + econ_hard + sex + age', jobs.withColumns({ employed }));
    expect(d.terms).toEqual(termsOf(oracle('mediation_jobs_probit_outcome_boot').results.outcomeModel));
  });
});

describe('buildDesign: fixest i() columns (fixest 0.12.2 naming period::1:treat, period::-2)', () => {
  it('i(period, treat, ref = 5): 1[period == level] · treat for each level ≠ 5', () => {
    const d = design('y ~ i(period, treat, ref = 5)', baseDid);
    expect(d.terms).toEqual(['(Intercept)', ...[1, 2, 3, 4, 6, 7, 8, 9, 10].map((p) => `period::${p}:treat`)]);
    const period = baseDid.numeric('period');
    const treat = baseDid.numeric('treat');
    expect(col(d, 'period::7:treat')).toEqual(Array.from(period, (p, i) => (p === 7 ? treat[i]! : 0)));
  });

  it('i(rel) with negative levels sorted numerically, ref = c(-1, -1000) (-1000 absent is accepted)', () => {
    const rel = Float64Array.from(baseDid.numeric('period'), (p) => p - 6);
    const d = design('y ~ i(rel, ref = c(-1, -1000))', baseDid.withColumns({ rel }));
    expect(d.terms).toEqual(['(Intercept)', 'rel::-5', 'rel::-4', 'rel::-3', 'rel::-2', 'rel::0', 'rel::1', 'rel::2', 'rel::3', 'rel::4']);
    expect(col(d, 'rel::-2')).toEqual(Array.from(rel, (r) => (r === -2 ? 1 : 0)));
  });

  it('bare i(period) drops its first level when there is an intercept or FE (fixest i_ref), not without', () => {
    const levels = (from: number) => Array.from({ length: 11 - from }, (_, j) => `period::${j + from}`);
    expect(design('y ~ i(period)', baseDid).terms).toEqual(['(Intercept)', ...levels(2)]);
    expect(design('y ~ x1 + i(period) | id', baseDid).terms).toEqual(['x1', ...levels(2)]);
    expect(design('y ~ 0 + i(period)', baseDid).terms).toEqual(levels(1));
    // i(f, var) keeps every level; i(period, 5) takes 5 as the reference (fixest positional rule)
    expect(design('y ~ i(period, treat)', baseDid).terms).toEqual(['(Intercept)', ...levels(1).map((l) => `${l}:treat`)]);
    expect(design('y ~ i(period, 5)', baseDid).terms).toEqual(['(Intercept)', ...levels(1).filter((l) => l !== 'period::5')]);
  });

  it('i() on a text column, with keep', () => {
    const d = design('re78 ~ i(race, ref = "black")', lalonde);
    expect(d.terms).toEqual(['(Intercept)', 'race::hispan', 'race::white']);
    expect(design('re78 ~ i(race, keep = "white")', lalonde).terms).toEqual(['(Intercept)', 'race::white']);
    expect(design('re78 ~ i(race, ref = TRUE)', lalonde).terms).toEqual(['(Intercept)', 'race::hispan', 'race::white']);
  });
});

describe('buildDesign: transformations (R semantics)', () => {
  const frame = new Frame({
    y: new Float64Array([1, 2, 3, 4, 5]),
    x: new Float64Array([1, 4, 9, 0.5, 2]),
    z: new Float64Array([2, 2, 1, 0, -1]),
  });
  it('log, exp, sqrt, I(x^2), I(x*z) values and names', () => {
    const d = design('log(y) ~ log(x) + exp(z) + sqrt(x) + I(x^2) + I(x*z) + I(x/2 - 1)', frame);
    expect(d.terms).toEqual(['(Intercept)', 'log(x)', 'exp(z)', 'sqrt(x)', 'I(x^2)', 'I(x * z)', 'I(x/2 - 1)']);
    expect(d.responseLabel).toBe('log(y)');
    // The engine-independent fdlibm log and exp (numerics/elementary.ts); R's glibc exp(1) is
    // 2.718281828459045, fdlibm's 1 ulp above it.
    expect(Array.from(d.y)).toEqual([1, 2, 3, 4, 5].map((v) => log(v)));
    expect(col(d, 'log(x)')).toEqual([1, 4, 9, 0.5, 2].map((v) => log(v)));
    expect(col(d, 'exp(z)')).toEqual([2, 2, 1, 0, -1].map((v) => exp(v)));
    expect(col(d, 'sqrt(x)')).toEqual([1, 2, 3, Math.sqrt(0.5), Math.SQRT2]);
    expect(col(d, 'I(x^2)')).toEqual([1, 16, 81, 0.25, 4]);
    expect(col(d, 'I(x * z)')).toEqual([2, 8, 9, 0, -2]);
    expect(col(d, 'I(x/2 - 1)')).toEqual([-0.5, 1, 3.5, -0.75, 0]);
  });
  it('log of a non-positive value is missing: the row is dropped and noted under "log(z)" (fixest)', () => {
    const d = design('y ~ log(z)', frame);
    expect(Array.from(d.rows)).toEqual([0, 1, 2]);
    expect(d.notes).toEqual([{ code: 'rows_dropped_missing', count: 2, byColumn: { 'log(z)': 2 } }]);
  });
  it('y ~ 1: intercept only', () => {
    const d = design('y ~ 1', frame);
    expect(d.terms).toEqual(['(Intercept)']);
    expect(Array.from(d.X)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('buildDesign: missing values (R na.omit; fixest NOTE counts)', () => {
  const frame = new Frame({
    y: new Float64Array([1, NaN, 3, 4, 5, 6]),
    x: new Float64Array([1, 2, NaN, 4, NaN, 6]),
    g: ['a', 'b', 'a', null, 'b', 'a'],
    w: new Float64Array([1, 1, 1, 1, 1, NaN]),
    cl: ['u', 'u', 'v', 'v', 'w', 'w'],
  });
  it('drops rows missing in y, x, factor g, weights; byColumn counts missing cells per column', () => {
    const f8 = new Frame({
      y: new Float64Array([1, NaN, 3, 4, 5, 6, 7, 8]),
      x: new Float64Array([1, 2, NaN, 4, NaN, 6, 7, 8]),
      g: ['a', 'b', 'a', null, 'b', 'a', 'b', 'a'],
      w: new Float64Array([1, 1, 1, 1, 1, NaN, 2, 3]),
    });
    const d = design('y ~ x + g', f8, { weights: 'w' });
    expect(Array.from(d.rows)).toEqual([0, 6, 7]);
    expect(d.n).toBe(3);
    expect(d.notes).toEqual([{ code: 'rows_dropped_missing', count: 5, byColumn: { y: 1, x: 2, g: 1, w: 1 } }]);
    expect(Array.from(d.weights!)).toEqual([1, 2, 3]);
    expect(Array.from(d.y)).toEqual([1, 7, 8]);
    expect(Array.from(d.X)).toEqual([1, 1, 1, 1, 7, 8, 0, 1, 0]);
    // interactions over the kept rows. R's TermCode: in g:x (labelled x:g, x appears first), g gets
    // contrasts because x is contained in the preceding term x:z; x:g alone gets every level.
    const z = new Float64Array([2, 2, 2, 2, 2, 2, 3, 4]);
    const di = design('y ~ x:z + g:x', f8.withColumns({ z }), { weights: 'w' });
    expect(di.terms).toEqual(['(Intercept)', 'x:z', 'x:gb']);
    expect(col(di, 'x:z')).toEqual([2, 21, 32]);
    expect(col(di, 'x:gb')).toEqual([0, 7, 0]);
    const dj = design('y ~ g:x', f8, { weights: 'w' });
    expect(dj.terms).toEqual(['(Intercept)', 'ga:x', 'gb:x']);
    expect(col(dj, 'ga:x')).toEqual([1, 0, 8]);
    expect(col(dj, 'gb:x')).toEqual([0, 7, 0]);
  });
  it('extraVariables (cluster columns) drop rows too and are returned over the kept rows', () => {
    const f2 = frame.withColumns({ cl: ['u', null, 'v', 'v', 'w', 'w'] });
    const d = design('y ~ g', f2, { extraVariables: ['cl'] });
    expect(Array.from(d.rows)).toEqual([0, 2, 4, 5]);
    expect(d.notes[0]).toEqual({ code: 'rows_dropped_missing', count: 2, byColumn: { y: 1, g: 1, cl: 1 } });
    expect(d.extra.cl).toEqual(['u', 'v', 'w', 'w']);
  });
  it('factor levels are those present in the kept rows; no note when nothing is dropped', () => {
    const d = design('y ~ g', frame.withColumns({ g: ['b', 'z', 'a', 'a', 'b', 'a'] }));
    expect(d.terms).toEqual(['(Intercept)', 'gb']); // level "z" only occurs in row 2, dropped (y missing)
    const full = design('x ~ cl', frame.withColumns({ x: new Float64Array(6).fill(1) }));
    expect(full.notes).toEqual([]);
    expect(full.terms).toEqual(['(Intercept)', 'clv', 'clw']);
  });
});

describe('buildDesign: fixed effects', () => {
  it('codes 0..L-1 in sorted level order over kept rows (numeric and text), no X columns', () => {
    const frame = new Frame({
      y: new Float64Array([1, 2, 3, 4, 5]),
      id: new Float64Array([30, 10, 20, 10, 30]),
      s: ['b', 'a', 'c', 'a', null],
    });
    const d = design('y ~ 1 | id + s', frame);
    expect(d.k).toBe(0);
    expect(d.hasIntercept).toBe(false);
    expect(Array.from(d.rows)).toEqual([0, 1, 2, 3]);
    const [id, s] = d.fixedEffects;
    expect(id!.name).toBe('id');
    expect(Array.from(id!.codes)).toEqual([2, 0, 1, 0]);
    expect(id!.levels).toEqual(['10', '20', '30']);
    expect(Array.from(s!.codes)).toEqual([1, 0, 2, 0]);
    expect(s!.levels).toEqual(['a', 'b', 'c']);
  });
  it('fe1^fe2 is one effect with a code per observed combination', () => {
    const d = design('y ~ x1 | id^period', baseDid);
    const fe = d.fixedEffects[0]!;
    expect(fe.name).toBe('id^period');
    expect(fe.nLevels).toBe(1080);
    expect(fe.levels.slice(0, 2)).toEqual(['1_1', '1_2']);
    const small = design('y ~ 1 | a^b', new Frame({ y: new Float64Array(4), a: ['x', 'x', 'y', 'x'], b: new Float64Array([2, 1, 1, 2]) }));
    expect(Array.from(small.fixedEffects[0]!.codes)).toEqual([1, 0, 2, 1]);
    expect(small.fixedEffects[0]!.levels).toEqual(['x_1', 'x_2', 'y_1']);
  });
});

describe('buildDesign: bad inputs throw CausalPanelError naming function, column, row and value', () => {
  const frame = new Frame({
    y: new Float64Array([1, 2, 3]),
    x: new Float64Array([1, Infinity, 3]),
    t: ['a', 'b', 'c'],
    w: new Float64Array([1, -2, 1]),
    e: new Float64Array([NaN, NaN, NaN]),
    h: new Float64Array([NaN, 1, 2]),
    k: new Float64Array([1, NaN, NaN]),
    s: ['a', 'a', 'a'],
    one: new Float64Array([1, 1, 1]),
  });
  const table: { formula: string; options?: Parameters<typeof buildDesign>[2]; code: string; message: string; column?: string; row?: number }[] = [
    { formula: 'y ~ nope', code: 'missing_column', message: 'feols: column "nope" not found', column: 'nope' },
    { formula: 'y ~ 1 | nope', code: 'missing_column', message: 'feols: column "nope" not found' },
    { formula: 'y ~ 1', options: { weights: 'nope' }, code: 'missing_column', message: 'column "nope" not found' },
    { formula: 't ~ 1', code: 'non_numeric', message: 'feols: column "t" is not numeric (row 1: "a")', column: 't', row: 0 },
    { formula: 'y ~ log(t)', code: 'non_numeric', message: 'column "t" is not numeric' },
    { formula: 'y ~ x', code: 'non_finite', message: 'feols: column "x" has a non-finite value (row 2: Infinity)', column: 'x', row: 1 },
    { formula: 'y ~ I(x^2)', code: 'non_finite', message: 'column "x" has a non-finite value (row 2: Infinity)' },
    { formula: 'y ~ 1', options: { weights: 'w' }, code: 'invalid_option', message: 'feols: weights "w" must be non-negative (row 2: -2)', row: 1 },
    { formula: 'y ~ e', code: 'no_rows_left', message: 'feols: column "e" is missing in every row (3 rows)', column: 'e' },
    { formula: 'y ~ 1 | e', code: 'no_rows_left', message: 'column "e" is missing in every row' },
    { formula: 'y ~ h + k', code: 'no_rows_left', message: 'feols: no rows left after removing missing values (3 rows; missing h: 1, k: 2)' },
    { formula: 'y ~ log(-y)', code: 'no_rows_left', message: '"log(-y)" is missing or not finite in every row' },
    { formula: 'y ~ i(t, x)', code: 'non_finite', message: 'column "x" has a non-finite value' },
    // R: model.matrix → "contrasts can be applied only to factors with 2 or more levels"
    { formula: 'y ~ s', code: 'singular_design', message: 'feols: factor "s" has a single level in the rows used ("a"); a factor needs 2 or more levels', column: 's' },
    { formula: 'y ~ factor(one)', code: 'singular_design', message: 'factor "factor(one)" has a single level in the rows used ("1")', column: 'one' },
  ];
  it.each(table)('$formula → $code', ({ formula, options, code, message, column, row }) => {
    const err = thrown(() => design(formula, frame, options));
    expect(err.code).toBe(code);
    expect(err.message).toContain(message);
    expect(err.details.fn).toBe('feols');
    if (column !== undefined) expect(err.details.column).toBe(column);
    if (row !== undefined) expect(err.details.row).toBe(row);
  });
  it('the calling function is named (fn option)', () => {
    expect(thrown(() => design('y ~ nope', frame, { fn: 'glm' })).message).toMatch(/^glm: column "nope"/);
  });
  it('an Infinity in a cluster (extra) column is a value, not an error', () => {
    const d = design('y ~ 1', frame, { extraVariables: ['x'] });
    expect(d.n).toBe(3);
  });
});

describe('modelMatrix: same columns on new data (R predict / model.matrix(terms(fit), newdata))', () => {
  const d = design('treat ~ age + educ + race + married + I(re74/1000)', lalonde);

  it('on the fit data it reproduces X exactly', () => {
    const m = modelMatrix(d.info, lalonde);
    expect(m.terms).toEqual(d.terms);
    expect(Array.from(m.X)).toEqual(Array.from(d.X));
    expect(m.rows.length).toBe(lalonde.nrow);
  });

  it('keeps the fit levels and contrasts on a subset where a level is absent', () => {
    const race = lalonde.column('race') as (string | null)[];
    const whites = lalonde.take(race.flatMap((r, i) => (r === 'white' ? [i] : [])));
    const m = modelMatrix(d.info, whites);
    expect(m.terms).toEqual(d.terms);
    const j = m.terms.indexOf('racewhite');
    expect(Array.from(m.X.subarray(j * m.n, (j + 1) * m.n)).every((v) => v === 1)).toBe(true);
  });

  it('mediation-style counterfactual: treat set to 0 and 1 changes only that column', () => {
    const dj = design('depress2 ~ treat * job_seek + econ_hard', jobs);
    const ones = modelMatrix(dj.info, jobs.withColumns({ treat: new Float64Array(jobs.nrow).fill(1) }));
    const js = jobs.numeric('job_seek');
    const jt = ones.terms.indexOf('treat:job_seek');
    expect(Array.from(ones.X.subarray(jt * ones.n, (jt + 1) * ones.n))).toEqual(Array.from(js));
    const zeros = modelMatrix(dj.info, jobs.withColumns({ treat: new Float64Array(jobs.nrow) }));
    expect(Array.from(zeros.X.subarray(jt * zeros.n, (jt + 1) * zeros.n)).every((v) => v === 0)).toBe(true);
  });

  it('missing regressors give a NaN row; a new factor level is an error naming the row', () => {
    const frame = new Frame({ treat: new Float64Array([1, 0]), age: new Float64Array([30, NaN]), educ: new Float64Array([10, 12]), race: ['white', 'black'], married: new Float64Array([1, 0]), re74: new Float64Array([0, 0]) });
    const m = modelMatrix(d.info, frame);
    expect(Array.from(m.rows)).toEqual([0]);
    expect(Number.isNaN(m.X[1])).toBe(true);
    const err = thrown(() => modelMatrix(d.info, frame.withColumns({ race: ['white', 'asian'] })));
    expect(err.code).toBe('invalid_option');
    expect(err.message).toBe('modelMatrix: factor "race" has a level not seen in the fitted data (row 2: "asian")');
  });

  it('i() levels unseen at fit give zero columns', () => {
    const de = design('y ~ i(period, treat, 5)', baseDid);
    const m = modelMatrix(de.info, new Frame({ period: new Float64Array([1, 11]), treat: new Float64Array([1, 1]) }));
    expect(m.X[0 + m.terms.indexOf('period::1:treat') * 2]).toBe(1);
    for (let j = 1; j < m.k; j++) expect(m.X[1 + j * 2]).toBe(0);
  });
});

describe('buildDesign: caller data is never mutated', () => {
  it('frame columns are unchanged and y/X/weights are copies', () => {
    const y = new Float64Array([1, 2, 3, 4]);
    const w = new Float64Array([1, 1, 2, 2]);
    const frame = new Frame({ y, x: new Float64Array([0, 1, 0, 1]), w });
    const d = design('y ~ x', frame, { weights: 'w' });
    d.y[0] = 99;
    d.weights![0] = 99;
    expect(Array.from(y)).toEqual([1, 2, 3, 4]);
    expect(Array.from(w)).toEqual([1, 1, 2, 2]);
  });
});
