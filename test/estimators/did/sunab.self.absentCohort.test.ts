/**
 * Sun–Abraham and cohorts that are not periods. fixest's `sunab()` (R/did.R, `refs =
 * setdiff(cohort_unik, period_unik)`) treats a cohort that is none of the observed periods as
 * never treated — here cohort 5 in a panel observed every other period (2, 4, …, 10). Both
 * Sun–Abraham paths must follow it: `eventStudy({ method: 'sunab' })` and feols's `sunab()` term
 * equal the fit with cohort 5 recoded as never treated, with a note; the TWFE event study keeps
 * cohort 5 as treated (its relative times −3, −1, 1, … are ordinary event times).
 * Panel made here: 50 units × 5 waves, cohorts never (20 units), 6 (15) and 5 (15).
 */
import { describe, expect, it } from 'vitest';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { feols } from '../../../src/models/feols.js';
import { createRng } from '../../../src/numerics/random.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';

function panel(recodeAbsent?: number) {
  const rng = createRng(11);
  const unit: number[] = [];
  const period: number[] = [];
  const cohort: number[] = [];
  const y: number[] = [];
  for (let u = 1; u <= 50; u++) {
    const g = u <= 20 ? 0 : u <= 35 ? 6 : 5;
    const alpha = rng.normal();
    for (let t = 2; t <= 10; t += 2) {
      unit.push(u);
      period.push(t);
      cohort.push(g === 5 && recodeAbsent !== undefined ? recodeAbsent : g);
      y.push(alpha + 0.1 * t + (g > 0 && t >= g ? 0.6 + 0.1 * (t - g) : 0) + 0.5 * rng.normal());
    }
  }
  return { unit, period, cohort, y };
}

const base = { outcome: 'y', unit: 'unit', time: 'period', cohort: 'cohort' } as const;
const NOTE = { code: 'design_adjusted', message: 'cohort 5 not among the observed periods of "period": never treated (controls), as fixest\'s sunab' };

describe('Sun–Abraham: a cohort that is not an observed period is never treated (fixest sunab)', () => {
  const sunab = eventStudy({ ...base, data: panel(), method: 'sunab' });
  const recoded = eventStudy({ ...base, data: panel(0), method: 'sunab' });

  it('eventStudy sunab equals the fit with cohort 5 recoded as never treated, and says so', () => {
    expect(sunab.notes).toContainEqual(NOTE);
    expect(sunab.cohortEstimates!.map((c) => c.cohort)).not.toContain(5);
    expect(sunab.nobs).toBe(250);
    expectEstimatesMatch(sunab.tidy(), recoded.tidy(), 1e-12);
    expectEstimatesMatch([sunab.overall!], [recoded.overall!], 1e-12);
  });

  it("feols's sunab() term builds the same cells and notes the same cohort", () => {
    const fit = feols('y ~ sunab(cohort, period) | unit + period', panel());
    expect(fit.notes).toContainEqual(NOTE);
    // Relative times of cohort 6 are −4, −2, 0, 2, 4: no −1 to leave out, so the last cell is
    // collinear with the unit effects and dropped (as fixest does).
    expect(Object.keys(fit.coef())).toEqual(['period::-4:cohort::6', 'period::-2:cohort::6', 'period::0:cohort::6', 'period::2:cohort::6']);
    expect(fit.notes).toContainEqual({ code: 'collinear_dropped', terms: ['period::4:cohort::6'] });
  });

  it('the TWFE event study keeps cohort 5 treated: odd event times appear', () => {
    const twfe = eventStudy({ ...base, data: panel(), method: 'twfe' });
    expect(twfe.notes).not.toContainEqual(NOTE);
    expect(twfe.rows.map((r) => r.e)).toEqual(expect.arrayContaining([-3, 1, 3, 5]));
  });
});
