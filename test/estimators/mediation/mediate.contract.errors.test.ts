/**
 * Table-driven bad inputs of mediate / medsens / productOfCoefficients: each must throw a
 * CausalPanelError with the expected code (mediation 4.5.1 stops on the same conditions, or
 * silently misbehaves where we refuse).
 */
import { describe, it, expect } from 'vitest';
import type { ErrorCode } from '../../../src/errors.js';
import { mediate, type MediateOptions } from '../../../src/estimators/mediation/mediate.js';
import { medsens } from '../../../src/estimators/mediation/medsens.js';
import { productOfCoefficients } from '../../../src/estimators/mediation/productOfCoefficients.js';
import { thrown } from '../../helpers/thrown.js';

const n = 40;
const T = Float64Array.from({ length: n }, (_, i) => i % 2);
const X = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
const M = Float64Array.from({ length: n }, (_, i) => 0.5 * T[i]! + X[i]! + Math.cos(3 * i));
const Y = Float64Array.from({ length: n }, (_, i) => M[i]! + T[i]! + Math.sin(5 * i));
const Mbin = Float64Array.from(M, (m) => (m > 0.3 ? 1 : 0));
const T3 = Float64Array.from({ length: n }, (_, i) => i % 3);
const data = { T, X, M, Y, Mbin, T3, g: Array.from({ length: n }, (_, i) => `g${i % 4}`), one: Array.from({ length: n }, () => 'a') };
const good: MediateOptions = { data, treat: 'T', mediator: 'M', mediatorModel: 'M ~ T + X', outcomeModel: 'Y ~ T + M + X', sims: 20 };

describe('mediate: bad input → CausalPanelError code (table-driven)', () => {
  const cases: [string, Partial<MediateOptions> & Record<string, unknown>, ErrorCode][] = [
    ['mediator not in the outcome formula', { outcomeModel: 'Y ~ T + X' }, 'invalid_option'],
    ['treatment not in the mediator formula', { mediatorModel: 'M ~ X' }, 'invalid_option'],
    ['treatment not in the outcome formula', { outcomeModel: 'Y ~ M + X' }, 'invalid_option'],
    ['treatment only as a fixed effect', { mediatorModel: 'M ~ X | T' }, 'invalid_option'],
    ['mediator model response is not the mediator', { mediatorModel: 'Y ~ T + X' }, 'invalid_option'],
    ['outcome response is the mediator', { outcomeModel: 'M ~ T + X' }, 'invalid_option'],
    ['treat column missing', { treat: 'nope', mediatorModel: 'M ~ nope + X', outcomeModel: 'Y ~ nope + M' }, 'missing_column'],
    ['treatment not binary without controlValue/treatValue', { treat: 'T3', mediatorModel: 'M ~ T3 + X', outcomeModel: 'Y ~ T3 + M + X' }, 'invalid_option'],
    ['unsupported family (poisson)', { mediatorFamily: { family: 'poisson' } as never }, 'invalid_option'],
    ['unsupported link (cloglog)', { outcomeFamily: { family: 'binomial', link: 'cloglog' } as never }, 'invalid_option'],
    ['gaussian with a log link', { outcomeFamily: { family: 'gaussian', link: 'log' } as never }, 'invalid_option'],
    ['sims not an integer', { sims: 10.5 }, 'invalid_option'],
    ['sims < 2', { sims: 1 }, 'invalid_option'],
    ['level = 1', { level: 1 }, 'invalid_option'],
    ['bootCiType unknown', { boot: true, bootCiType: 'normal' as never }, 'invalid_option'],
    ['controlValue = treatValue', { controlValue: 1, treatValue: 1 }, 'invalid_option'],
    ['formula without ~', { outcomeModel: 'Y T M' }, 'formula_syntax'],
    ['cluster column missing', { cluster: 'nope' }, 'missing_column'],
    ['a single cluster', { cluster: 'one', boot: true }, 'too_few_clusters'],
    ['same column as treat and mediator', { mediator: 'T' }, 'invalid_option'],
    ['outcome non-linear in a continuous mediator', { outcomeModel: 'Y ~ T + M + I(M^2)' }, 'invalid_option'],
  ];
  it.each(cases)('%s', (_label, patch, code) => {
    expect(thrown(() => mediate({ ...good, ...patch } as MediateOptions)).code).toBe(code);
  });
  it('a 0/2 treatment is accepted with controlValue = 0, treatValue = 2', () => {
    const T2 = Float64Array.from(T, (t) => 2 * t);
    const res = mediate({ ...good, data: { ...data, T2 }, treat: 'T2', mediatorModel: 'M ~ T2 + X', outcomeModel: 'Y ~ T2 + M + X', controlValue: 0, treatValue: 2 });
    expect(Number.isFinite(res.acme.average.estimate)).toBe(true);
  });
  it('a binary mediator with a binomial mediatorFamily is accepted; non-object options throw invalid_option', () => {
    const res = mediate({ ...good, mediator: 'Mbin', mediatorModel: 'Mbin ~ T + X', outcomeModel: 'Y ~ T + Mbin + X', mediatorFamily: 'binomial' });
    expect(Number.isFinite(res.ade.average.estimate)).toBe(true);
    expect(thrown(() => mediate(null as never)).code).toBe('invalid_option');
  });
});

describe('medsens / productOfCoefficients: bad input', () => {
  it('medsens on a binary-outcome mediation throws invalid_option (only linear–linear is ported)', () => {
    const Ybin = Float64Array.from(Y, (y) => (y > 1 ? 1 : 0));
    const res = mediate({ ...good, data: { ...data, Ybin }, outcomeModel: 'Ybin ~ T + M + X', outcomeFamily: { family: 'binomial', link: 'probit' } });
    expect(thrown(() => medsens(res)).code).toBe('invalid_option');
  });
  it.each([
    ['variance unknown', { variance: 'robust' }, 'invalid_option'],
    ['mediator without a coefficient', { outcomeModel: 'Y ~ T + X' }, 'invalid_option'],
    ['level out of range', { level: 0 }, 'invalid_option'],
  ] as const)('productOfCoefficients: %s', (_label, patch, code) => {
    const base = { data, treat: 'T', mediator: 'M', mediatorModel: 'M ~ T + X', outcomeModel: 'Y ~ T + M + X' };
    expect(thrown(() => productOfCoefficients({ ...base, ...(patch as object) } as never)).code).toBe(code);
  });
});
