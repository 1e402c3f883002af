/**
 * waldInference (intervals.ts): statistic, p-value and interval from an estimate and its SE, by
 * hand from the quantiles of the normal and of t₁ (Cauchy, whose quantiles are tan(π(p − ½))).
 * Written to kill surviving mutants (docs/validation.md, "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { waldInference } from '../../src/inference/intervals.js';
import { expectClose } from '../helpers/expectClose.js';

describe('waldInference', () => {
  it('normal, default level 0.95: estimate ± 1.96·SE', () => {
    const w = waldInference(2, 1, { kind: 'normal' });
    expect(w.estimate).toBe(2);
    expect(w.stdError).toBe(1);
    expect(w.statistic).toBe(2);
    expectClose(w.pValue, 0.04550026389635844, 1e-14, 'p');
    expectClose(w.confLow, 2 - 1.959963984540054, 1e-14, 'low');
    expectClose(w.confHigh, 2 + 1.959963984540054, 1e-14, 'high');
  });
  it('t₁ at level 0.5: the quartiles of the Cauchy are ±1, so the interval is estimate ± SE', () => {
    const w = waldInference(-3, 0.5, { kind: 't', df: 1 }, 0.5);
    expect(w.statistic).toBe(-6);
    expectClose(w.pValue, 1 - (2 / Math.PI) * Math.atan(6), 1e-13, 'p');
    expectClose(w.confLow, -3.5, 1e-13, 'low');
    expectClose(w.confHigh, -2.5, 1e-13, 'high');
  });
});
