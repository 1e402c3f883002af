/**
 * The σ of `attgt`'s effect sizes (`standardize`): the outcome's sample SD over the comparison
 * units before any cohort is treated (`'control-baseline'`: never-treated units, or every unit
 * when none is never treated, in the periods t with t + anticipation < the first cohort), over
 * every row used (`'pooled'`), or the σ given. Unweighted, as did()'s.
 */
import type { Note } from '../../errors.js';
import { resolveStandardize, standardizeBasis, type Standardize, type StandardizeBasis } from '../effectSize.js';
import type { PanelData, RcData } from './attgtData.js';
import type { AttgtParams } from './attgtOptions.js';

const FN = 'attgt';

/**
 * The predicate of the preselected reference rows, one function for every call: a fresh closure
 * per call made the optimised σ loops of effectSize.ts deoptimise (wrong call target) once its
 * predecessor was collected.
 */
const EVERY_ROW = (): boolean => true;

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
 * size); when it was given, that is an error. `of` resolves another reference group on demand
 * (an aggregation's `standardize`); asking for one that cannot be computed is then the error.
 *
 * @throws {CausalPanelError} `invalid_option` for a given `standardize` whose σ is 0 or undefined
 * @example
 * attgtStandardize(d, params, notes).basis; // { standardize: 'control-baseline', sd: 1.47326, n: 309 } (mpdta: never-treated counties in 2003)
 */
export function attgtStandardize(d: PanelData | RcData, p: AttgtParams, notes: Note[]): AttgtSigma {
  const values = d.kind === 'panel' ? d.Y : d.y;
  const rowsOf = (kind: 'control-baseline' | 'pooled'): Int32Array => (kind === 'pooled' ? Int32Array.from({ length: values.length }, (_, i) => i) : baselineRows(d, p));
  // the reference rows are selected up front, so the predicate is trivially true
  const resolve = (given: Standardize | undefined, kind: 'control-baseline' | 'pooled', into: Note[]) => standardizeBasis(given, values, rowsOf(kind), EVERY_ROW, FN, into);
  const own = p.standardizeGiven ? p.standardize : undefined;
  const basis = resolve(own, typeof own === 'string' ? own : 'control-baseline', notes);
  const memo = new Map<string, StandardizeBasis>();
  return {
    basis,
    of(standardize) {
      if (typeof standardize !== 'string' || (standardize !== 'control-baseline' && standardize !== 'pooled')) return resolveStandardize(standardize, [], [], () => false, FN);
      if (standardize === basis.standardize && !Number.isNaN(basis.sd)) return basis;
      let found = memo.get(standardize);
      if (!found) memo.set(standardize, (found = resolve(standardize, standardize, [])));
      return found;
    },
  };
}

/**
 * Rows (into Y or y) of the comparison units in the periods before the first cohort's treatment:
 * never-treated units, or every unit when none is never treated.
 */
function baselineRows(d: PanelData | RcData, p: AttgtParams): Int32Array {
  // plain loops, no per-call closures: a fresh closure called in an optimised loop deoptimised
  // it (wrong call target) in later calls
  const firstCohort = d.glist[0]!;
  const anticipation = p.anticipation;
  if (d.kind === 'panel') {
    // units are sorted by cohort (never treated, Infinity, last), so the comparison units are the
    // range of the never-treated cohort, or all n units; then offset by each baseline period
    const n = d.n;
    const lo = d.cohortStart.get(Infinity) ?? 0;
    const hi = d.cohortEnd.get(Infinity) ?? n;
    const periods: number[] = [];
    for (let t = 0; t < d.periods.length; t++) if (d.periods[t]! + anticipation < firstCohort) periods.push(t);
    const out = new Int32Array((hi - lo) * periods.length);
    for (let j = 0; j < periods.length; j++) {
      const o = j * (hi - lo) - lo;
      const shift = periods[j]! * n;
      for (let u = lo; u < hi; u++) out[o + u] = u + shift;
    }
    return out;
  }
  const cohorts = d.obsCohort;
  let anyNever = false;
  for (let i = 0; i < cohorts.length; i++) if (cohorts[i] === Infinity) anyNever = true;
  const out: number[] = [];
  for (let r = 0; r < d.obs; r++) if (d.periods[d.period[r]!]! + anticipation < firstCohort && (!anyNever || d.obsCohort[r] === Infinity)) out.push(r);
  return Int32Array.from(out);
}

