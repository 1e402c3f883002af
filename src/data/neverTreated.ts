/**
 * The one never-treated rule of every staggered-adoption estimator (`eventStudy` twfe and sunab,
 * `attgt`): a cohort (first treated period) means "never treated" when it is
 *
 * - 0 (did's coding, `mpdta`),
 * - missing (NaN),
 * - ±Infinity, or
 * - a period after the last observed period (fixest's documented 10000 for `sunab`; did's
 *   `pre_process_did` recodes `gname > max(tlist)` to 0 as "asif_never_treated").
 *
 * {@link codeCohorts} codes a cohort column by this rule (never treated → `Infinity`) and says
 * which codings it found; {@link neverTreatedNote} turns that into the result's note, so a result
 * never silently reads 10000 as a real cohort or as never treated without saying so.
 */
import type { Note } from '../errors.js';

/** How a never-treated unit was coded: 0, missing, ±Infinity, or a period after the last one. */
export type NeverTreatedCoding = 'zero' | 'missing' | 'infinite' | 'afterLastPeriod';

/** One never-treated coding found in a cohort column. */
export interface NeverTreatedFound {
  coding: NeverTreatedCoding;
  /** Distinct raw values with this coding (the periods for `afterLastPeriod`; 0, NaN or ±Infinity otherwise). */
  values: number[];
  /** Units (or rows, when no unit coding is given) with this coding. */
  count: number;
}

/** A cohort column coded by the never-treated rule. */
export interface CohortCoding {
  /** Cohort per row of the input (never treated = `Infinity`). */
  cohort: Float64Array;
  /** The codings found over `rows`, in the order zero, missing, infinite, afterLastPeriod. */
  found: NeverTreatedFound[];
  /** The last observed period the rule compared with. */
  lastPeriod: number;
}

/**
 * The coding of a raw cohort value under the never-treated rule, or `null` for a real cohort.
 *
 * @example
 * neverTreatedCoding(10000, 10); // 'afterLastPeriod'
 * neverTreatedCoding(0, 10); // 'zero'
 * neverTreatedCoding(7, 10); // null
 */
export function neverTreatedCoding(value: number, lastPeriod: number): NeverTreatedCoding | null {
  if (Number.isNaN(value)) return 'missing';
  if (value === 0) return 'zero';
  if (value === Infinity || value === -Infinity) return 'infinite';
  if (value > lastPeriod) return 'afterLastPeriod';
  return null;
}

const ORDER: readonly NeverTreatedCoding[] = ['zero', 'missing', 'infinite', 'afterLastPeriod'];

/**
 * Codes a cohort column by the never-treated rule over `rows`; `lastPeriod` is the last observed
 * period of the sample (did's `max(tlist)`). Rows outside `rows` keep their value (never treated
 * still becomes `Infinity`).
 *
 * @param raw the cohort column as numbers (NaN = missing)
 * @param rows the estimation rows
 * @param lastPeriod the last observed period
 * @param units unit id (or code) per row: `count` then counts units, else rows
 * @example
 * const c = codeCohorts(Float64Array.of(5, 5, 10000, 10000), Int32Array.of(0, 1, 2, 3), 10);
 * c.cohort; // Float64Array [5, 5, Infinity, Infinity]
 * c.found; // [{ coding: 'afterLastPeriod', values: [10000], count: 2 }]
 */
export function codeCohorts(raw: ArrayLike<number>, rows: ArrayLike<number>, lastPeriod: number, units?: ArrayLike<unknown>): CohortCoding {
  const cohort = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    cohort[i] = v === 0 || !Number.isFinite(v) ? Infinity : v;
  }
  for (let r = 0; r < rows.length; r++) if (raw[rows[r]!]! > lastPeriod) cohort[rows[r]!] = Infinity;
  return { cohort, found: findNeverTreated(raw, rows, lastPeriod, units), lastPeriod };
}

/**
 * The never-treated codings present in a cohort column over `rows` (what {@link codeCohorts}
 * reports, without building the coded column — for an estimator that codes cohorts in its own
 * pass and needs only the note).
 *
 * @example
 * findNeverTreated(Float64Array.of(5, 0, 10000), Int32Array.of(0, 1, 2), 10);
 * // [{ coding: 'zero', values: [0], count: 1 }, { coding: 'afterLastPeriod', values: [10000], count: 1 }]
 */
export function findNeverTreated(raw: ArrayLike<number>, rows: ArrayLike<number>, lastPeriod: number, units?: ArrayLike<unknown>): NeverTreatedFound[] {
  // Per coding (index in ORDER): distinct values and members. Rows of one unit are usually
  // adjacent, so a Set is touched only when the value or the member changes.
  const values = ORDER.map(() => new Set<number>());
  const members = ORDER.map(() => new Set<unknown>());
  const lastValue = new Float64Array(ORDER.length);
  // Numeric ids (or row numbers) are compared as numbers: a generic array would box each one.
  const numericIds = units === undefined || units instanceof Float64Array || units instanceof Int32Array;
  const ids = units as ArrayLike<number> | undefined;
  const lastId = new Float64Array(ORDER.length);
  const lastMember: unknown[] = ORDER.map(() => undefined);
  const seen = new Uint8Array(ORDER.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const v = raw[row]!;
    // The index in ORDER of neverTreatedCoding(v, lastPeriod), inlined: this runs once per row.
    let c: number;
    if (v === 0) c = 0;
    else if (v !== v) c = 1;
    else if (v === Infinity || v === -Infinity) c = 2;
    else if (v > lastPeriod) c = 3;
    else continue;
    const first = seen[c] === 0;
    if (first || !Object.is(v, lastValue[c])) values[c]!.add(v);
    lastValue[c] = v;
    if (numericIds) {
      const id = ids === undefined ? row : ids[row]!;
      if (first || !Object.is(id, lastId[c])) members[c]!.add(id);
      lastId[c] = id;
    } else {
      const member = units![row];
      if (first || member !== lastMember[c]) members[c]!.add(member);
      lastMember[c] = member;
    }
    seen[c] = 1;
  }
  return ORDER.flatMap((coding, c) => (seen[c] === 1 ? [{ coding, values: [...values[c]!].sort((x, y) => x - y), count: members[c]!.size }] : []));
}

function describe(f: NeverTreatedFound, lastPeriod: number): string {
  switch (f.coding) {
    case 'zero':
      return '0';
    case 'missing':
      return 'missing';
    case 'infinite':
      return f.values.map((v) => (v > 0 ? 'Inf' : '-Inf')).join(' and ');
    case 'afterLastPeriod':
      return `${f.values.join(', ')} (after the last period, ${lastPeriod})`;
  }
}

/**
 * The note that says how never-treated units were coded, or `null` when there are none or they
 * are all coded 0 (did's documented coding, which needs no comment). A period after the last one
 * (fixest's 10000), a missing cohort or ±Infinity is always reported.
 *
 * @param column the cohort column's name
 * @param coding the result of {@link codeCohorts}
 * @param what what `count` counts (`'units'` or `'rows'`)
 * @example
 * neverTreatedNote('year_treated', codeCohorts(Float64Array.of(5, 10000), Int32Array.of(0, 1), 10), 'units');
 * // { code: 'design_adjusted', message: 'Cohort "year_treated": never treated coded as 10000 (after the last period, 10) (1 unit); they are the never-treated controls.' }
 */
export function neverTreatedNote(column: string, coding: Pick<CohortCoding, 'found' | 'lastPeriod'>, what: 'units' | 'rows' = 'units'): Note | null {
  const { found } = coding;
  if (found.length === 0 || (found.length === 1 && found[0]!.coding === 'zero')) return null;
  const parts = found.map((f) => `${describe(f, coding.lastPeriod)} (${f.count} ${f.count === 1 ? what.slice(0, -1) : what})`);
  return { code: 'design_adjusted', message: `Cohort "${column}": never treated coded as ${parts.join(', ')}; they are the never-treated controls.` };
}
