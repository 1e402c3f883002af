/**
 * Sun & Abraham (2021) interaction-weighted event-study estimator, as fixest's `sunab()`.
 *
 * Sun, L. and Abraham, S. (2021), "Estimating dynamic treatment effects in event studies with
 * heterogeneous treatment effects", Journal of Econometrics 225(2), 175–199.
 * Reimplemented from fixest 0.12's `sunab()` / `aggregate.fixest()` (R/did.R) and
 * `cpp_find_never_always_treated()` (src/misc_funs.cpp), lrberge/fixest:
 *
 * 1. Relative time e = time − cohort for units with a finite cohort; never-treated units
 *    (cohort 0, missing or ±Infinity) get no interaction columns: they are the controls.
 * 2. A cohort whose observed relative times are all negative (treated after the sample ends) is
 *    also a control, as in fixest. A cohort whose relative times are all ≥ 0 (always treated)
 *    has no pre-period to compare with: fixest gives it no columns (its rows are in `qui_drop`,
 *    all-zero interaction columns) but keeps its rows in the regression, and so do we by default
 *    (`alwaysTreated: 'drop'` removes its rows; a note says which). fixest then sets
 *    `res[qui_NA, ] = NA` with `qui_NA` the always-treated cohorts' integer codes used as row
 *    numbers, which drops one unrelated row per such cohort (rows 1, 2, … of the data); that slip
 *    is not reproduced, so with always-treated cohorts our nobs can exceed fixest's by that many. Never-treated cohorts (0, missing, ±Infinity, after the last observed period) are
 *    coded `Infinity` before this step (`data/neverTreated.ts`).
 * 3. Rows with e in `ref` (default −1) get no columns; every other observed (e, cohort) pair gets
 *    a dummy column, named `<time>::<e>:cohort::<g>` as fixest's `i(period, f2 = cohort)` names
 *    it, ordered by e then g.
 * 4. After the TWFE regression on these columns, the coefficients for each e are averaged with
 *    weights equal to each cohort's share of the estimation rows in that (e, cohort) cell
 *    (`colSums(sign(model.matrix))`; summed weights for a weighted fit), and the SE is the
 *    delta-method √(wᵀ V w) over the full vcov of the cohort-specific coefficients. The overall
 *    ATT (`summary(agg = "ATT")`) averages every cell with e ≥ 0 the same way. Collinear cells
 *    dropped by the regression are left out of the weights, as fixest does.
 *
 * Symbols: n = rows, c = cells (columns), q = aggregated rows.
 */
import type { Note } from '../errors.js';

/** One (relative time, cohort) interaction column of the saturated design. */
export interface SunabCell {
  /** Relative time e = time − cohort (after binning). */
  e: number;
  /** The cohort (first treated period). */
  cohort: number;
  /** fixest's term name `<time>::<e>:cohort::<g>`. */
  term: string;
  /** Number of estimation rows in the cell (sum of weights when weighted). */
  weight: number;
  /** Rows (indices into the caller's frame) in the cell. */
  rows: number[];
}

/** Cohort classes found by {@link classifyCohorts}. */
export interface CohortClasses {
  /** Cohorts with both negative and non-negative relative times: they get columns. */
  treated: number[];
  /** Cohorts observed only before treatment: controls, as never-treated units. */
  notYetInSample: number[];
  /** Cohorts observed only at or after treatment: no columns (kept in the regression, or dropped). */
  alwaysTreated: number[];
}

/**
 * fixest's rule for cohorts that are not periods (R/did.R, `refs = setdiff(cohort_unik,
 * period_unik)`): a finite cohort that is none of the periods observed in `rows` is never treated
 * (a control), e.g. a cohort between two survey waves, or one before the first period (fixest's
 * doc warns that this one "should be considered as always treated"). Returns the cohort column
 * with those cohorts coded `Infinity` (a new array; `cohort` itself when there are none) and the
 * cohorts found, ascending.
 *
 * @param cohort cohort per row (Infinity for never treated)
 * @param period calendar period per row
 * @param rows estimation rows
 * @example
 * absentCohortsAsNever([2002, 2002, 2003, 2003], [2000, 2002, 2000, 2002], [0, 1, 2, 3]).absent;
 * // [2003]
 */
export function absentCohortsAsNever(cohort: Float64Array, period: ArrayLike<number>, rows: ArrayLike<number>): { cohort: Float64Array; absent: number[] } {
  const periods = new Set<number>();
  for (let r = 0; r < rows.length; r++) periods.add(period[rows[r]!]!);
  const absent = new Set<number>();
  for (let r = 0; r < rows.length; r++) {
    const g = cohort[rows[r]!]!;
    if (Number.isFinite(g) && !periods.has(g)) absent.add(g);
  }
  if (absent.size === 0) return { cohort, absent: [] };
  return { cohort: Float64Array.from(cohort, (g) => (absent.has(g) ? Infinity : g)), absent: [...absent].sort((a, b) => a - b) };
}

/** The note of {@link absentCohortsAsNever}: which cohorts became controls. */
export function absentCohortsNote(absent: readonly number[], periodName: string): Note {
  return { code: 'design_adjusted', message: `cohort${absent.length === 1 ? '' : 's'} ${absent.join(', ')} not among the observed periods of "${periodName}": never treated (controls), as fixest's sunab` };
}

/**
 * Splits the finite cohorts by the sign of their observed relative times (fixest's
 * `cpp_find_never_always_treated`).
 *
 * @param rel relative time per row (NaN for never treated)
 * @param cohort cohort per row (Infinity for never treated)
 * @param rows estimation rows
 * @example
 * classifyCohorts([-1, 0, -2, -1], [5, 5, 9, 9], [0, 1, 2, 3]);
 * // { treated: [5], notYetInSample: [9], alwaysTreated: [] }
 */
export function classifyCohorts(rel: ArrayLike<number>, cohort: ArrayLike<number>, rows: ArrayLike<number>): CohortClasses {
  const signs = new Map<number, { neg: boolean; pos: boolean }>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const g = cohort[row]!;
    if (!Number.isFinite(g)) continue;
    let s = signs.get(g);
    if (s === undefined) {
      s = { neg: false, pos: false };
      signs.set(g, s);
    }
    if (rel[row]! < 0) s.neg = true;
    else s.pos = true;
  }
  const out: CohortClasses = { treated: [], notYetInSample: [], alwaysTreated: [] };
  for (const [g, s] of [...signs].sort((a, b) => a[0] - b[0])) {
    if (s.neg && s.pos) out.treated.push(g);
    else if (s.neg) out.notYetInSample.push(g);
    else out.alwaysTreated.push(g);
  }
  return out;
}

/**
 * The saturated (e, cohort) cells of a Sun–Abraham design over `rows`, excluding the reference
 * relative times and non-treated cohorts; ordered by e then cohort (fixest's column order).
 *
 * @param rel relative time per row, already binned (NaN for never treated)
 * @param cohort cohort per row (Infinity for never treated)
 * @param rows estimation rows
 * @param treatedCohorts cohorts that get columns (from {@link classifyCohorts})
 * @param ref reference relative times (no column)
 * @param timeName name used in the term labels
 * @param weights optional regression weights (cell weight = their sum)
 * @example
 * sunabCells([-2, -1, 0, NaN], [3, 3, 3, Infinity], [0, 1, 2, 3], [3], [-1], 'year').map((c) => c.term);
 * // ['year::-2:cohort::3', 'year::0:cohort::3']
 */
export function sunabCells(
  rel: ArrayLike<number>,
  cohort: ArrayLike<number>,
  rows: ArrayLike<number>,
  treatedCohorts: readonly number[],
  ref: readonly number[],
  timeName: string,
  weights?: ArrayLike<number>,
): SunabCell[] {
  const treated = new Set(treatedCohorts);
  const refs = new Set(ref);
  const cells = new Map<string, SunabCell>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const g = cohort[row]!;
    const e = rel[row]!;
    if (!treated.has(g) || refs.has(e)) continue;
    const key = `${e}|${g}`;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { e, cohort: g, term: `${timeName}::${e}:cohort::${g}`, weight: 0, rows: [] };
      cells.set(key, cell);
    }
    cell.weight += weights === undefined ? 1 : weights[row]!;
    cell.rows.push(row);
  }
  return [...cells.values()].sort((a, b) => a.e - b.e || a.cohort - b.cohort);
}

/** A weighted average of coefficients with its delta-method SE. */
export interface Aggregated {
  estimate: number;
  stdError: number;
  /** The weights (shares, summing to 1), aligned with `indices`. */
  shares: number[];
}

/**
 * Share-weighted average of the coefficients at `indices` and its delta-method SE √(wᵀ V w),
 * with shares = weights / Σ weights (fixest's `aggregate.fixest`).
 *
 * @param coefficients all coefficients (k)
 * @param vcov k×k column-major covariance of `coefficients`
 * @param k number of coefficients
 * @param indices which coefficients to combine
 * @param weights cell sizes aligned with `indices`
 * @example
 * aggregateCoefficients([1, 3], [1, 0, 0, 1], 2, [0, 1], [1, 1]);
 * // { estimate: 2, stdError: 0.7071067811865476, shares: [0.5, 0.5] }
 */
export function aggregateCoefficients(
  coefficients: ArrayLike<number>,
  vcov: ArrayLike<number>,
  k: number,
  indices: readonly number[],
  weights: readonly number[],
): Aggregated {
  let total = 0;
  for (const w of weights) total += w;
  const shares = weights.map((w) => w / total);
  let estimate = 0;
  let variance = 0;
  for (let a = 0; a < indices.length; a++) {
    estimate += shares[a]! * coefficients[indices[a]!]!;
    for (let b = 0; b < indices.length; b++) variance += shares[a]! * shares[b]! * vcov[indices[a]! + indices[b]! * k]!;
  }
  return { estimate, stdError: Math.sqrt(variance), shares };
}
