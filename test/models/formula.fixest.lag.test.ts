/**
 * fixest's panel operators in feols formulas (fixtures/oracles/fixest_formula_lag.json:
 * feols(y ~ l(x1, 1) + x1 | id + period, base_did, panel.id = ~id + period), fixest 0.12.2):
 * the term is named 'l(x1, 1)', the 108 period-1 rows are dropped (lag NA), period keeps 9 levels.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feols, parseCsv } from 'causal-panel';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { thrown } from '../helpers/thrown.js';

const baseDid = parseCsv(readFileSync(new URL('../../fixtures/datasets/base_did.csv', import.meta.url), 'utf8'));
const o = JSON.parse(readFileSync(new URL('../../fixtures/oracles/fixest_formula_lag.json', import.meta.url), 'utf8')).results.model;
const panel = { unit: 'id', time: 'period' };

describe('l(), f(), d() with panel: { unit, time }', () => {
  it('l(x1, 1) equals fixest (coef 1e-8, SE 1e-6; rows, dof and sizes exact)', () => {
    const fit = feols('y ~ l(x1, 1) + x1 | id + period', baseDid, { panel });
    expectEstimatesMatch(fit.tidy(), o.coefficients, { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-4 });
    expect(fit.nobs).toBe(o.nobs);
    expect(fit.vcovInfo.dofK).toBe(o.dofK);
    expect(fit.fixedEffects.map((fe) => [fe.name, fe.nLevels])).toEqual(Object.entries(o.fixefSizes));
    expect(fit.notes).toContainEqual({ code: 'rows_dropped_missing', count: 108, byColumn: { 'l(x1, 1)': 108 } });
  });
  it('f() leads and d() differences agree with hand-made columns', () => {
    const x1 = baseDid.numeric('x1');
    const id = baseDid.numeric('id');
    const period = baseDid.numeric('period');
    const lead = Float64Array.from(x1, (_, i) => (i + 1 < x1.length && id[i + 1] === id[i] && period[i + 1] === period[i]! + 1 ? x1[i + 1]! : NaN));
    const diff = Float64Array.from(x1, (v, i) => (i > 0 && id[i - 1] === id[i] && period[i - 1] === period[i]! - 1 ? v - x1[i - 1]! : NaN));
    const byHand = feols('y ~ lead + diff | id + period', baseDid.withColumns({ lead, diff }));
    const byOperator = feols('y ~ f(x1, 1) + d(x1) | id + period', baseDid, { panel });
    expect(byOperator.coef()['f(x1, 1)']).toBeCloseTo(byHand.coef().lead!, 12);
    expect(byOperator.coef()['d(x1)']).toBeCloseTo(byHand.coef().diff!, 12);
  });
  it('without panel, or with a unit observed twice in a period, is a typed error', () => {
    expect(thrown(() => feols('y ~ l(x1, 1) | id', baseDid)).message).toBe("feols: l(x1, 1) needs the panel: option panel: { unit, time } (fixest's panel.id)");
    expect(thrown(() => feols('y ~ l(x1, 1) | id', baseDid, { panel: { unit: 'treat', time: 'period' } })).message).toMatch(/has two rows in period 1/);
  });
});
