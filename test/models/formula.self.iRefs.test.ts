/**
 * fixest's `i(f, var, ref = c(a, b))` with several references (parse.ts `levels()` reads c()):
 * the referenced levels get no column, and the fit equals one with the remaining interaction
 * dummies built by hand — with and without a second variable, and with string levels.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feols, parseCsv } from 'causal-panel';

const baseDid = parseCsv(readFileSync(new URL('../../fixtures/datasets/base_did.csv', import.meta.url), 'utf8'));
const rows = baseDid.toRows() as Record<string, number>[];

function withDummies(levels: number[], times: (r: Record<string, number>) => number) {
  return rows.map((r) => {
    const out: Record<string, number | string> = { ...r, pl: `p${r.period}` };
    for (const k of levels) out[`d${k}`] = r.period === k ? times(r) : 0;
    return out;
  });
}
const close = (a: number, b: number) => expect(Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)).toBeLessThan(1e-10);
const kept = [2, 3, 4, 6, 7, 8, 9, 10];

describe('i() with several references', () => {
  it('i(period, treat, ref = c(1, 5)) | id + period = hand-built period×treat dummies without periods 1 and 5', () => {
    const fit = feols('y ~ x1 + i(period, treat, ref = c(1, 5)) | id + period', baseDid);
    expect(fit.terms).toEqual(['x1', ...kept.map((k) => `period::${k}:treat`)]);
    const hand = feols(`y ~ x1 + ${kept.map((k) => `d${k}`).join(' + ')} | id + period`, withDummies(kept, (r) => r.treat!));
    fit.terms.forEach((term, j) => close(fit.coefficients[j]!, hand.coefficients[j]!));
    fit.terms.forEach((term, j) => close(fit.se()[term]!, hand.se()[hand.terms[j]!]!));
  });
  it('i(period, ref = c(1, 5)) with an intercept = hand-built period dummies without periods 1 and 5', () => {
    const fit = feols('y ~ x1 + i(period, ref = c(1, 5))', baseDid);
    expect(fit.terms).toEqual(['(Intercept)', 'x1', ...kept.map((k) => `period::${k}`)]);
    const hand = feols(`y ~ x1 + ${kept.map((k) => `d${k}`).join(' + ')}`, withDummies(kept, () => 1));
    fit.terms.forEach((_, j) => close(fit.coefficients[j]!, hand.coefficients[j]!));
  });
  it('string levels: i(pl, ref = c("p1", "p5")) names and fits the same cells', () => {
    const data = withDummies([], () => 1);
    const fit = feols('y ~ x1 + i(pl, ref = c("p1", "p5"))', data);
    expect(fit.terms.filter((t) => t.startsWith('pl::'))).toEqual(['pl::p10', 'pl::p2', 'pl::p3', 'pl::p4', 'pl::p6', 'pl::p7', 'pl::p8', 'pl::p9']);
    const numeric = feols('y ~ x1 + i(period, ref = c(1, 5))', baseDid);
    close(fit.coef().x1!, numeric.coef().x1!);
  });
});
