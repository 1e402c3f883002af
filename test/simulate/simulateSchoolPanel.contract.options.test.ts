/**
 * simulateSchoolPanel reads its options with the shared reader: unknown keys are unknown_option
 * with a suggestion, values and the relations between them are invalid_option in the one form.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import { simulateSchoolPanel } from '../../src/simulate/simulateSchoolPanel.js';
import { thrown } from '../helpers/thrown.js';

describe('simulateSchoolPanel options', () => {
  const cases: [Record<string, unknown>, ErrorCode, string][] = [
    [{ seed: 1, nSchools: 50 }, 'unknown_option', 'simulateSchoolPanel: unknown option "nSchools" (did you mean "schools"?)'],
    [{ seed: 1, lateSchool: 2 }, 'unknown_option', 'simulateSchoolPanel: unknown option "lateSchool" (did you mean "lateSchools"?)'],
    [{}, 'invalid_option', 'simulateSchoolPanel: option "seed" must be given (the output is a pure function of the seed) (got undefined)'],
    [{ seed: NaN }, 'invalid_option', 'simulateSchoolPanel: option "seed" must be a finite number (got NaN)'],
    [{ seed: 1, schools: 1.5 }, 'invalid_option', 'simulateSchoolPanel: option "schools" must be an integer ≥ 2 (got 1.5)'],
    [{ seed: 1, years: [2019, 2018] }, 'invalid_option', 'simulateSchoolPanel: option "years" must be at least two ascending integers (got [2019,2018])'],
    [{ seed: 1, schools: 10, treatedSchools: 10 }, 'invalid_option', 'simulateSchoolPanel: option "treatedSchools" must be an integer in [1, schools) = [1, 10) (got 10)'],
    [{ seed: 1, treatedSchools: 5, lateSchools: 6 }, 'invalid_option', 'simulateSchoolPanel: option "lateSchools" must be an integer in [0, treatedSchools] = [0, 5] (got 6)'],
    [{ seed: 1, startYear: 2017 }, 'invalid_option', 'simulateSchoolPanel: option "startYear" must be after the first year (2017) (got 2017)'],
  ];
  it.each(cases)('%o → %s', (options, code, message) => {
    const error = thrown(() => simulateSchoolPanel(options as never));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('the options shape the panel', () => {
    const frame = simulateSchoolPanel({ seed: 3, schools: 10, studentsPerSchool: 2, years: [2018, 2019, 2020], treatedSchools: 4, lateSchools: 1 });
    expect(frame.nrow).toBe(10 * 3 * 2);
    expect(new Set(frame.numeric('cohort'))).toEqual(new Set([0, 2019, 2020]));
  });
});
