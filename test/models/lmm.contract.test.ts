/**
 * lmm's contract: typed errors for bad input (one-level grouping factors, a random slope on a
 * constant, too many levels, bad options), notes (missing rows, singular fits, collinear terms),
 * immutability of the data, the result shape (Result base, toJSON, etable), predictions.
 */
import { describe, expect, it } from 'vitest';
import { lmm } from '../../src/models/lmm/lmm.js';
import { anova } from '../../src/models/lmm/anova.js';
import { LmmFit } from '../../src/models/lmm/lmmResult.js';
import { Result } from '../../src/report/result.js';
import { etable } from '../../src/report/etable.js';
import { createRng } from '../../src/numerics/random.js';
import { thrown } from '../helpers/thrown.js';
import { expectAllClose, expectClose } from '../helpers/expectClose.js';

/** 12 groups × 8 observations: y = 1 + 0.5x + group effect + noise. */
function simulated(seed = 1): { y: number[]; x: number[]; g: string[]; h: string[]; c: number[] } {
  const rng = createRng(seed);
  const y: number[] = [];
  const x: number[] = [];
  const g: string[] = [];
  const h: string[] = [];
  const c: number[] = [];
  for (let j = 0; j < 12; j++) {
    const u = rng.normal();
    for (let i = 0; i < 8; i++) {
      const xi = rng.normal();
      x.push(xi);
      y.push(1 + 0.5 * xi + u + 0.7 * rng.normal());
      g.push(`g${String(j).padStart(2, '0')}`);
      h.push(`h${i % 3}`);
      c.push(2);
    }
  }
  return { y, x, g, h, c };
}

describe('lmm: bad input is a typed error', () => {
  const data = simulated();
  it('a grouping factor with one level (all observations in one group) is too_few_clusters', () => {
    const e = thrown(() => lmm('y ~ x + (1 | c)', data));
    expect(e.code).toBe('too_few_clusters');
    expect(e.message).toBe('lmm: grouping factor "c" must have more than one level (found 1)');
    expect(e.details).toMatchObject({ fn: 'lmm', column: 'c', value: 1 });
  });
  it('a random slope on a constant is singular_design', () => {
    const e = thrown(() => lmm('y ~ x + (1 + c | g)', data));
    expect(e.code).toBe('singular_design');
    expect(e.message).toMatch(/^lmm: random slope "c" in \(1 \+ c \| g\) is constant \(2\)/);
  });
  it('as many levels as observations is singular_design (lme4: nlev < nobs)', () => {
    const id = data.y.map((_, i) => `r${i}`);
    expect(thrown(() => lmm('y ~ x + (1 | id)', { ...data, id })).code).toBe('singular_design');
  });
  it('a formula without a random-effect term, or a bad bar, is formula_syntax', () => {
    expect(thrown(() => lmm('y ~ x', data)).message).toMatch(/^lmm: the formula has no random-effect term such as \(1 \| group\)/);
    expect(thrown(() => lmm('y ~ x + ( | g)', data)).code).toBe('formula_syntax');
    expect(thrown(() => lmm('y ~ x + (1 | g', data)).code).toBe('formula_syntax');
    expect(thrown(() => lmm('y ~ x + (1 | log(g))', data)).code).toBe('formula_syntax');
  });
  it('a missing column names it', () => {
    const e = thrown(() => lmm('y ~ x + (1 | school)', data));
    expect(e.code).toBe('missing_column');
    expect(e.details.column).toBe('school');
  });
  it('options: unknown keys suggest the right name, unsupported lme4 arguments say why, bad values are invalid_option', () => {
    const e = thrown(() => lmm('y ~ x + (1 | g)', data, { reml: false } as never));
    expect(e.code).toBe('unknown_option');
    expect(e.details.suggestion).toBe('REML');
    expect(thrown(() => lmm('y ~ x + (1 | g)', data, { weights: 'x' } as never)).message).toMatch(/weights/);
    expect(thrown(() => lmm('y ~ x + (1 | g)', data, { ddf: 'KR' } as never)).code).toBe('invalid_option');
    expect(thrown(() => lmm('y ~ x + (1 | g)', data, { level: 2 })).code).toBe('invalid_option');
  });
  it("ddf 'Kenward-Roger' needs a REML fit on one grouping factor", () => {
    expect(thrown(() => lmm('y ~ x + (1 | g)', data, { REML: false, ddf: 'Kenward-Roger' })).message).toMatch(/needs a REML fit/);
    expect(thrown(() => lmm('y ~ x + (1 | g) + (1 | h)', data, { ddf: 'Kenward-Roger' })).message).toMatch(/one grouping factor \(found g, h\)/);
    expect(thrown(() => lmm('y ~ x + (1 | g)', data).withDdf('KR' as never)).code).toBe('invalid_option');
    const w = data.y.map((_, i) => 1 + (i % 3));
    expect(thrown(() => lmm('y ~ x + (1 | g)', { ...data, w }, { weights: 'w', ddf: 'Kenward-Roger' })).message).toMatch(/not available with weights/);
  });
  it('anova needs two lmm fits on the same observations', () => {
    const fit = lmm('y ~ x + (1 | g)', data, { REML: false });
    expect(thrown(() => anova(fit)).code).toBe('invalid_option');
    expect(thrown(() => anova(fit, {} as LmmFit)).code).toBe('invalid_option');
    const fewer = lmm('y ~ x + (1 | g)', { ...data, y: data.y.map((v, i) => (i === 0 ? NaN : v)) }, { REML: false });
    expect(thrown(() => anova(fit, fewer)).message).toMatch(/different numbers of observations/);
  });
});

describe('lmm: notes', () => {
  it('rows with a missing value in any variable (fixed, slope or group) are dropped and counted', () => {
    const data = simulated();
    const y = [...data.y];
    y[0] = NaN;
    const g: (string | null)[] = [...data.g];
    g[5] = null;
    const fit = lmm('y ~ x + (1 | g)', { ...data, y, g });
    expect(fit.nobs).toBe(94);
    expect(fit.notes).toContainEqual({ code: 'rows_dropped_missing', count: 2, byColumn: { y: 1, g: 1 } });
  });
  it('a singular fit (no between-group variance) is noted and isSingular', () => {
    // Each group holds the same 8 responses: the group means are equal, so θ̂ = 0.
    const values = [1.3, -0.2, 0.5, 2.1, -1.4, 0.9, 0.1, -0.6];
    const g = Array.from({ length: 48 }, (_, i) => `g${Math.floor(i / 8)}`);
    const y = Array.from({ length: 48 }, (_, i) => values[(i + Math.floor(i / 8)) % 8]!);
    const fit = lmm('y ~ 1 + (1 | g)', { y, g });
    expect(fit.isSingular).toBe(true);
    expect(fit.theta['g.(Intercept)']).toBe(0);
    expect(fit.notes.map((n) => n.code)).toContain('singular_fit');
    expect(fit.noteLines().join('\n')).toMatch(/boundary \(singular\) fit/);
    // θ = 0: the model is y = μ + ε, and REML's σ̂ is the sample SD of y.
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    expectClose(fit.sigma, Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / (y.length - 1)), 1e-10, 'σ = SD of y');
  });
  it('zero weights drop their rows (noted); negative weights are invalid_option', () => {
    const data = simulated();
    const w = data.y.map((_, i) => (i < 3 ? 0 : 1));
    const fit = lmm('y ~ x + (1 | g)', { ...data, w }, { weights: 'w' });
    expect(fit.nobs).toBe(93);
    expect(fit.notes).toContainEqual({ code: 'zero_weight_dropped', count: 3 });
    expect(fit.weights).toBe('w');
    expect(thrown(() => lmm('y ~ x + (1 | g)', { ...data, w: w.map((v) => v - 0.5) }, { weights: 'w' })).code).toBe('invalid_option');
  });
  it('collinear fixed columns are dropped and named', () => {
    const data = simulated();
    const fit = lmm('y ~ x + x2 + (1 | g)', { ...data, x2: data.x.map((v) => 2 * v) });
    expect(fit.terms).toEqual(['(Intercept)', 'x']);
    expect(fit.notes).toContainEqual({ code: 'collinear_dropped', terms: ['x2'] });
  });
});

describe('lmm: result shape, immutability, predictions', () => {
  const data = simulated();
  const copy = JSON.parse(JSON.stringify(data));
  const fit = lmm('y ~ x + (1 + x | g)', data);
  it('does not modify the data', () => {
    expect(data).toEqual(copy);
  });
  it('is a Result of kind lmm with tidy rows carrying df, and a JSON round trip', () => {
    expect(fit).toBeInstanceOf(Result);
    expect(fit.kind).toBe('lmm');
    const row = fit.tidy()[1]!;
    expect(Object.keys(row)).toEqual(['term', 'estimate', 'stdError', 'statistic', 'pValue', 'confLow', 'confHigh', 'df']);
    expect(row.df).toBeGreaterThan(1);
    const json = JSON.parse(JSON.stringify(fit));
    expect(json.kind).toBe('lmm');
    expect(json.varianceComponents).toHaveLength(4);
    expect(fit.summary()).toMatch(/Random effects:/);
    expect(fit.tidy(0.9)[1]!.confHigh - fit.tidy(0.9)[1]!.confLow).toBeLessThan(row.confHigh - row.confLow);
  });
  it('handed-out arrays are copies', () => {
    fit.coefficients[0] = 99;
    fit.vcovMatrix[0] = 99;
    fit.fitted()[0] = 99;
    expect(fit.coefficients[0]).not.toBe(99);
    expect(fit.vcovMatrix[0]).not.toBe(99);
    expect(fit.fitted()[0]).not.toBe(99);
  });
  it('etable reads it (rows, nobs, BIC, dependent variable)', () => {
    const table = etable([fit, lmm('y ~ x + (1 | g)', data)]);
    expect(table).toMatch(/Dependent Var.:\s+y\s+y/);
    expect(table).toMatch(/Observations\s+96\s+96/);
  });
  it('predict: on the fitted data equals fitted(); random = false is Xβ; new levels need allowNewLevels', () => {
    expectAllClose(fit.predict(data), fit.fitted(), 1e-12, 'predict(data)');
    const beta = fit.coef();
    expectAllClose(fit.predict(data, { random: false }), data.x.map((x) => beta['(Intercept)']! + beta.x! * x), 1e-12, 'fixed part');
    expectAllClose(fit.predict(undefined, { random: false }), fit.predict(data, { random: false }), 1e-12, 'stored fixed part');
    const fresh = { x: [1], g: ['new'] };
    expect(thrown(() => fit.predict(fresh)).code).toBe('invalid_option');
    expectAllClose(fit.predict(fresh, { allowNewLevels: true }), [beta['(Intercept)']! + beta.x!], 1e-12, 'new level');
    expectAllClose(fit.residuals(), data.y.map((y, i) => y - fit.fitted()[i]!), 1e-12, 'residuals');
  });
  it('withDdf switches the tests without refitting: same estimates, each method as if fitted with it', () => {
    const kr = fit.withDdf('Kenward-Roger');
    expect(kr.ddf).toBe('Kenward-Roger');
    expect(kr.coefficients).toEqual(fit.coefficients);
    expect(kr.tidy()).toEqual(lmm('y ~ x + (1 + x | g)', data, { ddf: 'Kenward-Roger' }).tidy());
    expect(kr.withDdf('Satterthwaite').tidy()).toEqual(fit.tidy());
    const z = fit.withDdf('normal');
    expect(z.df().x).toBe(Infinity);
    expect(z.summary()).toMatch(/z value/);
  });
  it('icc of a random-intercept model: τ² / (τ² + σ²)', () => {
    const m = lmm('y ~ x + (1 | g)', data);
    const tau2 = m.varCorr()[0]!.variance;
    expectClose(m.icc().g!, tau2 / (tau2 + m.sigma ** 2), 1e-14, 'icc');
  });
});

describe('anova: the likelihood-ratio result', () => {
  const data = simulated(4);
  it('refits REML fits by ML (noted), orders by parameters, and has the Result shape', () => {
    const small = lmm('y ~ x + (1 | g)', data);
    const big = lmm('y ~ x + (1 + x | g)', data);
    const table = anova(big, small);
    expect(table.kind).toBe('lmmAnova');
    expect(table.refitted).toBe(true);
    expect(table.notes[0]!.code).toBe('design_adjusted');
    expect(table.rows.map((r) => r.npar)).toEqual([4, 6]);
    const mlSmall = lmm('y ~ x + (1 | g)', data, { REML: false });
    const mlBig = lmm('y ~ x + (1 + x | g)', data, { REML: false });
    expectClose(table.rows[1]!.chisq, 2 * (mlBig.logLik - mlSmall.logLik), 1e-9, 'chisq');
    expect(table.tidy()).toHaveLength(1);
    expect(table.summary()).toMatch(/Pr\(>Chisq\)/);
    expect(JSON.parse(JSON.stringify(table)).rows).toHaveLength(2);
  });
});

describe('lmm: equivalent formulas give the same fit (self)', () => {
  const data = simulated(3);
  it('(1 + x || g) is (1 | g) + (0 + x | g)', () => {
    const a = lmm('y ~ x + (1 + x || g)', data);
    const b = lmm('y ~ x + (1 | g) + (0 + x | g)', data);
    expectAllClose(a.coefficients, b.coefficients, 1e-12, 'coef');
    expect(a.logLik).toBe(b.logLik);
    expect(a.varCorr().map((r) => r.group)).toEqual(['g', 'g.1', 'Residual']);
  });
  it('(1 | g/h) is (1 | g) + (1 | g:h), with g:h first (more levels), as lme4 orders terms', () => {
    const a = lmm('y ~ x + (1 | g/h)', data);
    const b = lmm('y ~ x + (1 | g) + (1 | g:h)', data);
    expectAllClose(a.coefficients, b.coefficients, 1e-12, 'coef');
    expect(Object.keys(a.theta)).toEqual(['g:h.(Intercept)', 'g.(Intercept)']);
    expect({ ...a.ngroups }).toEqual({ 'g:h': 36, g: 12 });
  });
  it('the row order of the data does not change the fit', () => {
    const order = data.y.map((_, i) => (i * 37) % data.y.length);
    const permuted = { y: order.map((i) => data.y[i]!), x: order.map((i) => data.x[i]!), g: order.map((i) => data.g[i]!) };
    const a = lmm('y ~ x + (1 + x | g)', data);
    const b = lmm('y ~ x + (1 + x | g)', permuted);
    expectAllClose(a.coefficients, b.coefficients, 1e-7, 'coef');
    expectClose(a.logLik, b.logLik, 1e-12, 'logLik');
  });
});

describe('lmm: an optimiser that stops early is a note, not an error', () => {
  const data = simulated(3);
  it('maxEvaluations too small for (1 + x | g): lmm_not_converged with the count, finite estimates, converged false', () => {
    const fit = lmm('y ~ x + (1 + x | g)', data, { maxEvaluations: 10 });
    expect(fit.notes).toContainEqual({ code: 'lmm_not_converged', evaluations: fit.optimizer.evaluations });
    expect(fit.optimizer.converged).toBe(false);
    expect(fit.optimizer.evaluations).toBeGreaterThanOrEqual(10);
    for (const v of Object.values(fit.coefficients)) expect(Number.isFinite(v)).toBe(true);
    const full = lmm('y ~ x + (1 + x | g)', data);
    expect(full.optimizer.converged).toBe(true);
    expect(full.notes.some((n) => n.code === 'lmm_not_converged')).toBe(false);
    // The early stop is a worse (lower) likelihood than the optimum.
    expect(fit.logLik).toBeLessThan(full.logLik);
  });
});
