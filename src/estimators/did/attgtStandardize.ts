/**
 * The σ of `attgt`'s effect sizes (`standardize`): the outcome's sample SD over the comparison
 * units before any cohort is treated (`'control-baseline'`: never-treated units, or every unit
 * when none is never treated, in the periods t with t + anticipation < the first cohort), over
 * every row used (`'pooled'`), or the σ given. Unweighted, as did()'s.
 */
import type { Note } from '../../errors.js';
import { standardizeBasis, type StandardizeBasis } from '../effectSize.js';
import type { PanelData, RcData } from './attgtData.js';
import type { AttgtParams } from './attgtOptions.js';

const FN = 'attgt';

/**
 * σ of an `attgt` fit (see the file header). When σ cannot be computed and `standardize` was not
 * given, σ is NaN with a `test_not_computed` note (the estimate does not fail for its effect
 * size); when it was given, that is an error.
 *
 * @throws {CausalPanelError} `invalid_option` for a given `standardize` whose σ is 0 or undefined
 * @example
 * attgtStandardize(d, params); // { standardize: 'control-baseline', sd: 1.5, n: 309 } (mpdta: never-treated counties in 2003)
 */
export function attgtStandardize(d: PanelData | RcData, p: AttgtParams, notes: Note[]): StandardizeBasis {
  const firstCohort = d.glist[0]!;
  const baseline = (periodIndex: number) => d.periods[periodIndex]! + p.anticipation < firstCohort;
  const cohorts = d.kind === 'panel' ? d.cohort : d.obsCohort;
  const anyNever = cohorts.some((c) => c === Infinity);
  const control = (c: number) => !anyNever || c === Infinity;
  const given = p.standardizeGiven ? p.standardize : undefined;
  if (d.kind === 'panel') {
    const n = d.n;
    const rows = Int32Array.from({ length: n * d.periods.length }, (_, i) => i);
    return standardizeBasis(given, d.Y, rows, (row) => baseline(Math.floor(row / n)) && control(d.cohort[row % n]!), FN, notes);
  }
  const rows = Int32Array.from({ length: d.obs }, (_, i) => i);
  return standardizeBasis(given, d.y, rows, (row) => baseline(d.period[row]!) && control(d.obsCohort[row]!), FN, notes);
}
