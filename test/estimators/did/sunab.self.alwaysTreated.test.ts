/**
 * Sun–Abraham and cohorts treated before the sample (issue 13 item 4). fixest's `sunab()` gives a
 * cohort observed only at or after its treatment date no interaction columns but keeps its rows in
 * the regression (they inform the period fixed effects). So, by default, `eventStudy({ method:
 * 'sunab' })` must equal the same regression with that cohort recoded as never treated (the design
 * matrices are identical), on all rows; `alwaysTreated: 'drop'` removes the rows instead and equals
 * the fit on the data without those units. Panel made here: 60 units × 8 periods, cohorts never
 * (20 units), 4 (15), 6 (15) and 1 (10 units, treated in every period, with an effect that grows
 * over time so that keeping their rows moves the estimates).
 */
import { describe, expect, it } from 'vitest';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { createRng } from '../../../src/numerics/random.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { thrown } from '../../helpers/thrown.js';

function panel(recodeAlways?: number) {
  const rng = createRng(7);
  const unit: number[] = [];
  const period: number[] = [];
  const cohort: number[] = [];
  const y: number[] = [];
  for (let u = 1; u <= 60; u++) {
    const g = u <= 20 ? 0 : u <= 35 ? 4 : u <= 50 ? 6 : 1;
    const alpha = rng.normal();
    for (let t = 1; t <= 8; t++) {
      unit.push(u);
      period.push(t);
      cohort.push(g === 1 && recodeAlways !== undefined ? recodeAlways : g);
      y.push(alpha + 0.2 * t + (g > 0 && t >= g ? 0.5 + 0.25 * (t - g) : 0) + 0.5 * rng.normal());
    }
  }
  return { unit, period, cohort, y };
}

const base = { outcome: 'y', unit: 'unit', time: 'period', cohort: 'cohort', method: 'sunab' } as const;

describe("eventStudy sunab: always-treated cohorts are kept without interaction columns (fixest), or dropped on request", () => {
  const kept = eventStudy({ ...base, data: panel() });
  const dropped = eventStudy({ ...base, data: panel(), alwaysTreated: 'drop' });

  it('default: every row is used, cohort 1 has no cell, and a note says so', () => {
    expect(kept.nobs).toBe(480);
    expect(kept.cohortEstimates!.some((c) => c.cohort === 1)).toBe(false);
    expect(kept.notes).toContainEqual({
      code: 'design_adjusted',
      message: "cohort 1 treated in every observed period: kept without interaction columns (as fixest's sunab; alwaysTreated: 'drop' removes them)",
    });
    expect(kept.notes.some((n) => n.code === 'units_dropped')).toBe(false);
  });

  it('default equals the regression with cohort 1 recoded as never treated (the same design matrix)', () => {
    const recoded = eventStudy({ ...base, data: panel(0) });
    expect(recoded.nobs).toBe(480);
    expectEstimatesMatch(kept.tidy(), recoded.tidy(), 1e-12);
    expectEstimatesMatch([kept.overall!], [recoded.overall!], 1e-12);
    expectEstimatesMatch(kept.cohortEstimates!, recoded.cohortEstimates!, 1e-12);
  });

  it("alwaysTreated: 'drop' removes the 10 units (80 rows): the fit on the data without them", () => {
    expect(dropped.nobs).toBe(400);
    expect(dropped.notes).toContainEqual({ code: 'units_dropped', count: 10, reason: "cohort 1 treated in every observed period (no pre-period for Sun & Abraham; alwaysTreated: 'drop')" });
    const data = panel();
    const keep = data.cohort.map((g) => g !== 1);
    const pick = <T>(xs: T[]) => xs.filter((_x, i) => keep[i]);
    const without = eventStudy({ ...base, data: { unit: pick(data.unit), period: pick(data.period), cohort: pick(data.cohort), y: pick(data.y) } });
    expectEstimatesMatch(dropped.tidy(), without.tidy(), 1e-12);
    expectEstimatesMatch([dropped.overall!], [without.overall!], 1e-12);
  });

  it('keeping the rows moves the estimates (they shape the period effects)', () => {
    expect(Math.abs(kept.overall!.estimate - dropped.overall!.estimate)).toBeGreaterThan(1e-3);
  });

  it("alwaysTreated is a sunab option: invalid_option with method 'twfe' or an unknown value", () => {
    const twfe = thrown(() => eventStudy({ ...base, method: 'twfe', data: panel(), alwaysTreated: 'drop' }));
    expect(twfe.code).toBe('invalid_option');
    expect(twfe.message).toBe(`eventStudy: option "alwaysTreated" must be given only with method: 'sunab' (got "drop")`);
    expect(thrown(() => eventStudy({ ...base, data: panel(), alwaysTreated: 'remove' as 'drop' })).code).toBe('invalid_option');
  });
});
