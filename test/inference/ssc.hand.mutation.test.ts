/**
 * fixest's small-sample corrections (ssc.ts) branch by branch, against K and df counted by hand
 * from fixest 0.12.2's rules (R/VCOV.R: `dof.K`, `cluster.adj`, `t.df`). Written to kill mutants
 * that survived the model-level oracles (docs/validation.md, "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SSC, adjFactor, dofK, fixestNparams, resolveSsc, tDegreesOfFreedom, type Ssc } from '../../src/inference/ssc.js';
import { thrown } from '../helpers/thrown.js';

const ssc = (over: Partial<Ssc> = {}): Ssc => ({ ...DEFAULT_SSC, ...over });

describe('fixestNparams: coefficients + Σ levels − (q − 1)', () => {
  it('no fixed effect: the coefficients alone; one: + its levels; two: one reference level less', () => {
    expect(fixestNparams(3, [])).toBe(3);
    expect(fixestNparams(2, [5])).toBe(7);
    expect(fixestNparams(1, [108, 10])).toBe(118);
    expect(fixestNparams(0, [4, 3, 2])).toBe(7);
  });
});

describe('dofK: K of (n − 1)/(n − K) for every fixef.K setting', () => {
  const base = { nCoef: 2, fixefSizes: [5, 4] as const };
  it('no fixed effects: K = number of coefficients, whatever fixefK says', () => {
    for (const fixefK of ['nested', 'full', 'none'] as const) expect(dofK({ nCoef: 3, fixefSizes: [], nested: null, fixefK })).toBe(3);
  });
  it('fixefK "none": only the coefficients', () => {
    expect(dofK({ ...base, nested: [true, false], fixefK: 'none' })).toBe(2);
  });
  it('fixefK "full", or nothing nested, or not clustered: every level (2 + 9 − 1 = 10)', () => {
    expect(dofK({ ...base, nested: [true, false], fixefK: 'full' })).toBe(10);
    expect(dofK({ ...base, nested: [false, false], fixefK: 'nested' })).toBe(10);
    expect(dofK({ ...base, nested: null, fixefK: 'nested' })).toBe(10);
  });
  it('every fixed effect nested: coefficients + one intercept', () => {
    expect(dofK({ ...base, nested: [true, true], fixefK: 'nested' })).toBe(3);
  });
  it('one nested: its levels but one are removed (10 − 4 = 6, or 10 − 3 = 7)', () => {
    expect(dofK({ ...base, nested: [true, false], fixefK: 'nested' })).toBe(6);
    expect(dofK({ ...base, nested: [false, true], fixefK: 'nested' })).toBe(7);
  });
  it('a nested fixed effect with no level removes nothing (2 + 4 − 1 = 5)', () => {
    expect(dofK({ nCoef: 2, fixefSizes: [0, 4], nested: [true, false], fixefK: 'nested' })).toBe(5);
  });
  it('K never falls below nCoef + 1 when nested (2 + 3 − 1 − 2 = 2 → 3)', () => {
    expect(dofK({ nCoef: 2, fixefSizes: [3, 0], nested: [true, false], fixefK: 'nested' })).toBe(3);
  });
});

describe('adjFactor and tDegreesOfFreedom', () => {
  it('(n − 1)/(n − K), or 1 when adj = false', () => {
    expect(adjFactor(1080, 11, DEFAULT_SSC)).toBe(1079 / 1069);
    expect(adjFactor(1080, 11, ssc({ adj: false }))).toBe(1);
  });
  it('t df: a fixed number; G_min − 1 when clustered ("min"); else n − K; never below 1', () => {
    expect(tDegreesOfFreedom(1080, 11, 108, ssc({ tDf: 7 }))).toBe(7);
    expect(tDegreesOfFreedom(1080, 11, 108, DEFAULT_SSC)).toBe(107);
    expect(tDegreesOfFreedom(1080, 11, null, DEFAULT_SSC)).toBe(1069);
    expect(tDegreesOfFreedom(1080, 11, 108, ssc({ tDf: 'conventional' }))).toBe(1069);
    expect(tDegreesOfFreedom(1080, 11, 1, DEFAULT_SSC)).toBe(1);
    expect(tDegreesOfFreedom(5, 5, null, DEFAULT_SSC)).toBe(1);
    expect(tDegreesOfFreedom(5, 9, null, DEFAULT_SSC)).toBe(1);
  });
});

describe('resolveSsc: fixest defaults, validation', () => {
  it('undefined → the frozen defaults; partial options keep the other defaults', () => {
    expect(resolveSsc(undefined)).toBe(DEFAULT_SSC);
    expect(DEFAULT_SSC).toEqual({ adj: true, fixefK: 'nested', clusterAdj: true, clusterDf: 'min', tDf: 'min' });
    expect(Object.isFrozen(DEFAULT_SSC)).toBe(true);
    expect(resolveSsc({ fixefK: 'full' })).toEqual({ ...DEFAULT_SSC, fixefK: 'full' });
    expect(resolveSsc({ tDf: 12.5 }).tDf).toBe(12.5);
    expect(resolveSsc({ tDf: 'conventional' }).tDf).toBe('conventional');
    expect(resolveSsc({ tDf: 'min' }).tDf).toBe('min');
    expect(resolveSsc({}).tDf).toBe('min');
  });
  it('a non-positive or non-numeric tDf is invalid_option', () => {
    for (const tDf of [0, -3, 'max', true]) {
      const error = thrown(() => resolveSsc({ tDf } as never, 'feols'));
      expect(error.code).toBe('invalid_option');
      expect(error.message).toContain('"min", "conventional" or a positive number');
      expect(error.message).toContain('feols');
    }
  });
  it("fixest's fixef.force_exact is refused with the reason", () => {
    const error = thrown(() => resolveSsc({ fixefForceExact: true } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toContain('always exact');
  });
});
