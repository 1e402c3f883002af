/**
 * The σ of `attgt`'s effect sizes (`standardize`): the outcome's sample SD over the comparison
 * units before any cohort is treated (`'control-baseline'`: never-treated units, or every unit
 * when none is never treated, in the periods t with t + anticipation < the first cohort), over
 * every row used (`'pooled'`), or the σ given. Unweighted, as did()'s.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { resolveStandardize, standardizeBasis, type Standardize, type StandardizeBasis } from '../effectSize.js';
import type { PanelData, RcData } from './attgtData.js';
import type { AttgtParams } from './attgtOptions.js';

const FN = 'attgt';

/** σ of an `attgt` fit, and σ under any other `standardize` (for an aggregation's override). */
export interface AttgtSigma {
  /** σ of the fit's own `standardize`. */
  basis: StandardizeBasis;
  /** σ under `standardize` (computed once per kind; a number is itself). */
  of(standardize: Standardize): StandardizeBasis;
}

/**
 * σ of an `attgt` fit (see the file header). When σ cannot be computed and `standardize` was not
 * given, σ is NaN with a `test_not_computed` note (the estimate does not fail for its effect
 * size); when it was given, that is an error. Both reference groups are resolved at once (two
 * passes over the outcome), so that an aggregation may ask for the other without the data;
 * asking for one that cannot be computed is then the error.
 *
 * @throws {CausalPanelError} `invalid_option` for a given `standardize` whose σ is 0 or undefined
 * @example
 * attgtStandardize(d, params, notes).basis; // { standardize: 'control-baseline', sd: 1.5, n: 309 } (mpdta: never-treated counties in 2003)
 */
export function attgtStandardize(d: PanelData | RcData, p: AttgtParams, notes: Note[]): AttgtSigma {
  const firstCohort = d.glist[0]!;
  const baseline = (periodIndex: number) => d.periods[periodIndex]! + p.anticipation < firstCohort;
  const cohorts = d.kind === 'panel' ? d.cohort : d.obsCohort;
  const anyNever = cohorts.some((c) => c === Infinity);
  const control = (c: number) => !anyNever || c === Infinity;
  let resolve: (given: Standardize | undefined, into: Note[]) => StandardizeBasis;
  if (d.kind === 'panel') {
    const n = d.n;
    const rows = Int32Array.from({ length: n * d.periods.length }, (_, i) => i);
    resolve = (given, into) => standardizeBasis(given, d.Y, rows, (row) => baseline(Math.floor(row / n)) && control(d.cohort[row % n]!), FN, into);
  } else {
    const rows = Int32Array.from({ length: d.obs }, (_, i) => i);
    resolve = (given, into) => standardizeBasis(given, d.y, rows, (row) => baseline(d.period[row]!) && control(d.obsCohort[row]!), FN, into);
  }
  const basis = resolve(p.standardizeGiven ? p.standardize : undefined, notes);
  // the other reference groups, resolved now (the data is not kept): a basis, or the error to throw
  const other = new Map<string, StandardizeBasis | CausalPanelError>();
  for (const kind of ['control-baseline', 'pooled'] as const) {
    if (kind === basis.standardize && !Number.isNaN(basis.sd)) continue;
    try {
      other.set(kind, resolve(kind, []));
    } catch (e) {
      if (!(e instanceof CausalPanelError)) throw e;
      other.set(kind, e);
    }
  }
  return {
    basis,
    of(standardize) {
      if (typeof standardize === 'number') return resolveStandardize(standardize, [], [], () => false, FN);
      if (standardize === basis.standardize && !Number.isNaN(basis.sd)) return basis;
      const found = other.get(standardize);
      if (found === undefined) return resolveStandardize(standardize, [], [], () => false, FN); // an invalid value: its error
      if (found instanceof CausalPanelError) throw found;
      return found;
    },
  };
}
