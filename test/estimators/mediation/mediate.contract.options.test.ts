/**
 * The options of mediate / mediateMany / medsens / productOfCoefficients: read once by
 * readOptions; an unknown key is `unknown_option` suggesting ours (R's argument names included:
 * mediation 4.5.1's `sims`, `boot.ci.type`, `treat.value`, `conf.level`, `model.m`, …); an
 * argument of R's `mediate()` that this port lacks says so and why; bad values are
 * `invalid_option` in the one message form.
 */
import { describe, expect, it } from 'vitest';
import { mediate } from '../../../src/estimators/mediation/mediate.js';
import { mediateMany } from '../../../src/estimators/mediation/mediateMany.js';
import { medsens } from '../../../src/estimators/mediation/medsens.js';
import { productOfCoefficients } from '../../../src/estimators/mediation/productOfCoefficients.js';

const n = 40;
const T = Float64Array.from({ length: n }, (_, i) => i % 2);
const X = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
const M = Float64Array.from({ length: n }, (_, i) => 0.5 * T[i]! + X[i]! + Math.cos(3 * i));
const Y = Float64Array.from({ length: n }, (_, i) => M[i]! + T[i]! + Math.sin(5 * i));
const data = { T, X, M, Y };
const models = { data, treat: 'T', mediator: 'M', mediatorModel: 'M ~ T + X', outcomeModel: 'Y ~ T + M + X' };

/** A CausalPanelError with these fields (an asymmetric matcher for toThrow). */
const error = (fields: Record<string, unknown>) => expect.objectContaining({ name: 'CausalPanelError', ...fields });

describe('mediate: R argument names and misspellings suggest ours', () => {
  it.each([
    ['sim', 10, 'sims'],
    ['nsim', 10, 'sims'],
    ['boot.ci.type', 'bca', 'bootCiType'],
    ['treat.value', 1, 'treatValue'],
    ['control.value', 0, 'controlValue'],
    ['conf.level', 0.9, 'level'],
    ['model.m', 'M ~ T', 'mediatorModel'],
    ['model.y', 'Y ~ T + M', 'outcomeModel'],
    ['mediatorfamily', 'binomial', 'mediatorFamily'],
  ])('%s → "%s"', (key, value, suggestion) => {
    expect(() => mediate({ ...models, [key]: value } as never)).toThrow(
      error({ code: 'unknown_option', message: `mediate: unknown option "${key}" (did you mean "${suggestion}"?)`, details: expect.objectContaining({ fn: 'mediate', option: key, suggestion }) }),
    );
  });
  it.each(['robustSE', 'covariates', 'outcome', 'long', 'dropobs', 'use_speed'])("R's %s is not supported, and the message says why", (key) => {
    expect(() => mediate({ ...models, [key]: true } as never)).toThrow(
      error({ code: 'unknown_option', message: expect.stringMatching(new RegExp(`^mediate: option "${key}" is not supported \\(.{20,}\\)$`)) }),
    );
  });
  it('sims = 10 is honoured (the option the issue found silently ignored as "sim")', () => {
    expect(mediate({ ...models, sims: 10 }).draws().acmeControl.length).toBe(10);
  });
});

describe('mediate: bad values are invalid_option in the one message form', () => {
  it.each([
    [{ sims: 1 }, 'mediate: option "sims" must be an integer ≥ 2 (got 1)'],
    [{ level: 1 }, 'mediate: option "level" must be a number in (0, 1) (got 1)'],
    [{ bootCiType: 'normal' }, 'mediate: option "bootCiType" must be one of "perc", "bca" (got "normal")'],
    [{ boot: 'yes' }, 'mediate: option "boot" must be true or false (got "yes")'],
    [{ seed: Infinity }, 'mediate: option "seed" must be a finite number (got Infinity)'],
    [{ treatValue: 0 }, 'mediate: option "treatValue" must be different from controlValue (0) (got 0)'],
    [{ mediator: 'T' }, 'mediate: option "mediator" must be a column other than treat ("T") (got "T")'],
    [{ outcomeModel: 42 }, 'mediate: option "outcomeModel" must be a formula "y ~ x" (got 42)'],
    [{ mediatorFamily: 'poisson' }, 'mediate: option "mediatorFamily" must be "gaussian", "binomial", { family: "gaussian" } or { family: "binomial", link: "logit" | "probit" } (got "poisson")'],
    [{ outcomeFamily: { family: 'binomial', link: 'identity' } }, 'mediate: option "outcomeFamily" must be "gaussian", "binomial", { family: "gaussian" } or { family: "binomial", link: "logit" | "probit" } (got {"family":"binomial","link":"identity"})'],
    [{ outcomeFamily: { family: 'binomial', lnk: 'probit' } }, 'mediate: unknown option "outcomeFamily.lnk" (did you mean "link"?)'],
  ])('%j', (patch, message) => {
    expect(() => mediate({ ...models, ...patch } as never)).toThrow(error({ message: message }));
  });
  it('a missing model formula is required', () => {
    const { outcomeModel: _unused, ...withoutOutcome } = models;
    expect(() => mediate(withoutOutcome as never)).toThrow(error({ message: 'mediate: option "outcomeModel" is required (a formula "y ~ x")' }));
  });
});

describe('mediateMany, medsens, productOfCoefficients read their options the same way', () => {
  const many = { data, treat: 'T', mediators: ['M'], mediatorModel: '{mediator} ~ T + X', outcomeModel: 'Y ~ T + {mediator} + X', sims: 10 };
  it('mediateMany: nsim → sims; a misspelled key inside a mediator spec names its place', () => {
    expect(() => mediateMany({ ...many, nsim: 5 } as never)).toThrow(error({ message: 'mediateMany: unknown option "nsim" (did you mean "sims"?)' }));
    expect(() => mediateMany({ ...many, mediators: ['M', { mediatr: 'X' }] } as never)).toThrow(error({ message: 'mediateMany: unknown option "mediators[1].mediatr" (did you mean "mediator"?)' }));
    expect(() => mediateMany({ ...many, mediators: [] })).toThrow(error({ code: 'invalid_option' }));
    expect(() => mediateMany({ ...many, mediators: ['M', 'M'] })).toThrow(error({ message: 'mediateMany: mediator "M" is listed twice' }));
  });
  it("mediateMany: a spec's own mediatorFamily applies to that mediator only", () => {
    const Mbin = Float64Array.from(M, (m) => (m > 0.3 ? 1 : 0));
    const res = mediateMany({ ...many, data: { ...data, Mbin }, mediators: ['M', { mediator: 'Mbin', mediatorFamily: 'binomial' }] });
    expect(res.results.get('M')!.acme.average.estimate).toBe(mediate({ ...models, sims: 10 }).acme.average.estimate);
    expect(Number.isFinite(res.results.get('Mbin')!.acme.average.estimate)).toBe(true);
  });
  it('medsens: rho.by → rhoBy, effect.type → effectType; R’s sims is not needed here; rhoBy outside (0, 1) is invalid', () => {
    const med = mediate({ ...models, sims: 10 });
    expect(() => medsens(med, { 'rho.by': 0.1 } as never)).toThrow(error({ message: 'medsens: unknown option "rho.by" (did you mean "rhoBy"?)' }));
    expect(() => medsens(med, { 'effect.type': 'both' } as never)).toThrow(error({ message: 'medsens: unknown option "effect.type" (did you mean "effectType"?)' }));
    expect(() => medsens(med, { sims: 100 } as never)).toThrow(error({ message: expect.stringMatching(/^medsens: option "sims" is not supported \(/) }));
    expect(() => medsens(med, { rhoBy: 1 })).toThrow(error({ message: 'medsens: option "rhoBy" must be a number in (0, 1) (got 1)' }));
    expect(() => medsens({} as never)).toThrow(error({ code: 'invalid_option' }));
  });
  it('productOfCoefficients: a misspelled variance suggests it; lavaan’s se is not supported', () => {
    expect(() => productOfCoefficients({ ...models, varinace: 'ml' } as never)).toThrow(error({ message: 'productOfCoefficients: unknown option "varinace" (did you mean "variance"?)' }));
    expect(() => productOfCoefficients({ ...models, se: 'bootstrap' } as never)).toThrow(error({ message: expect.stringMatching(/^productOfCoefficients: option "se" is not supported \(/) }));
    expect(() => productOfCoefficients({ ...models, variance: 'robust' } as never)).toThrow(error({ message: 'productOfCoefficients: option "variance" must be one of "ols", "ml" (got "robust")' }));
  });
});
