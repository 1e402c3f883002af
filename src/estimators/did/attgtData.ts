/**
 * The data step of `attgt`, as did 2.5.1's `pre_process_did2`: read and check the columns, drop
 * incomplete rows through the one complete-case path (`data/missing.ts`, policy `'drop'` as did:
 * NA or ±Infinity in the outcome, time, unit, covariates or weights drops the row, and the note
 * says which), normalise the sampling weights, apply did's rules for designs without
 * never-treated units, and lay repeated cross-sections out for the cells (`prepareRc`; panels:
 * `attgtPanel.ts`).
 *
 * The cohort column is not a missing-value column: 0, NaN and ±Infinity all mean never treated
 * (did's coding), and cohorts after the last period count as never treated (did's
 * `asif_never_treated`, whatever the anticipation) — the one rule of `data/neverTreated.ts`,
 * reported in a note unless every never-treated unit is coded 0.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { droppedNote, MissingTracker } from '../../data/missing.js';
import { findNeverTreated, neverTreatedNote } from '../../data/neverTreated.js';
import type { AttgtParams } from './attgtOptions.js';
import { rowFacts } from './attgtRowFacts.js';

const FN = 'attgt';

/** What every prepared design gives the cells and the aggregation. */
export interface Prepared {
  /** Rows of the influence matrix: units (panel) or observations (cross-sections). */
  n: number;
  /** Input rows used. */
  nobs: number;
  /** Row labels of the influence matrix: unit ids (panel) or 0-based input rows (cross-sections). */
  ids: (number | string)[];
  periods: Float64Array;
  /** The treated cohorts with a pre-treatment period (did's glist), increasing. */
  glist: Float64Array;
  /** Cohort per influence row (Infinity = never). */
  cohort: Float64Array;
  /** Normalised weight per influence row (for the cohort shares pg). */
  weights: Float64Array;
  notes: Note[];
}

/** A balanced panel as unit × period matrices, units sorted by (cohort, id). */
export interface PanelData extends Prepared {
  kind: 'panel';
  /** n × T outcome matrix, column-major by period. */
  Y: Float64Array;
  /** Covariate matrices n × T per covariate; when `covariatesInvariant`, possibly period 0 only (n). */
  Xs: Float64Array[];
  covariatesInvariant: boolean;
  /** n × T weights. */
  W: Float64Array | undefined;
  weightsInvariant: boolean;
  /** Start and end of each cohort's unit range (units are sorted by cohort). */
  cohortStart: Map<number, number>;
  cohortEnd: Map<number, number>;
}

/**
 * Repeated cross-sections, one row per observation. For an unbalanced panel (did's
 * `allow_unbalanced_panel`) the influence rows are the units instead: `unitRow` maps each
 * observation to its unit's row, and `n`, `ids`, `cohort`, `weights` describe units.
 */
export interface RcData extends Prepared {
  kind: 'rc';
  /** Observations (the length of y). */
  obs: number;
  /** Cohort of each observation (Infinity = never). */
  obsCohort: Float64Array;
  /** Influence row (unit) of each observation, for an unbalanced panel; undefined: one row per observation. */
  unitRow: Int32Array | undefined;
  y: Float64Array;
  /** Period index of each observation. */
  period: Int32Array;
  /** n × k design (intercept + covariates). */
  X: Float64Array;
  k: number;
  w: Float64Array | undefined;
}

/** Ranges of the complete rows' (integer) times and numeric unit ids. */
export interface Bounds {
  tLo: number;
  tHi: number;
  uLo: number;
  uHi: number;
  uInteger: boolean;
  /**
   * The block length m when the complete rows come as consecutive blocks of m rows per unit —
   * numeric unit ids strictly increasing from block to block, constant within a block, with the
   * same strictly increasing times and the same cohort (cohortCode) in every block — else 0.
   * The long layout sorted by unit and time; `codePanelSorted` then needs no counting pass.
   */
  unitBlocks: number;
}

/** The checked columns and the complete rows. */
export interface Columns {
  y: Float64Array;
  t: Float64Array;
  /** The cohort column as given (checked: 0 / missing / Infinity or a non-negative integer). */
  gRaw: Float64Array;
  xs: Float64Array[];
  /** The weights as given (checked non-negative on complete rows). */
  w: Float64Array | undefined;
  unitCol: Float64Array | readonly (string | null)[] | undefined;
  /** The cluster column beyond the unit (did's `clustervars`), if any. */
  clusterCol: Float64Array | readonly (string | null)[] | undefined;
  /** Complete rows, ascending (0 … n − 1 when `allKept`: then built on first read only). */
  readonly keep: Int32Array;
  /** Whether every input row is complete (`keep` is 0 … n − 1). */
  allKept: boolean;
  notes: Note[];
  /** Whether a complete row has cohort 0 / missing / Infinity. */
  anyNever: boolean;
  /** Largest finite cohort among complete rows. */
  gMaxFinite: number;
  bounds: Bounds;
}

/**
 * did's cohort coding: 0, missing and ±Infinity mean never treated (Infinity); a cohort after the
 * last period is never treated too (`data/neverTreated.ts`, applied where the last period is known).
 *
 * @example
 * cohortCode(0); // Infinity
 * cohortCode(2004); // 2004
 */
export function cohortCode(v: number): number {
  return Number.isNaN(v) || v === 0 || v === -Infinity ? Infinity : v;
}

/**
 * Reads and checks the columns of an `attgt` call; rows with NA or ±Infinity in the outcome,
 * time, unit, covariates or weights are dropped (did) and noted.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `no_rows_left`, `invalid_option`
 *   (non-integer time, bad cohort, negative weight)
 * @example
 * readColumns(frame, params).keep; // Int32Array of the complete rows
 */
export function readColumns(frame: Frame, p: AttgtParams): Columns {
  const y = frame.numeric(p.outcome, FN);
  const t = frame.numeric(p.time, FN);
  const gRaw = frame.numeric(p.cohort, FN);
  const xs = p.covariates.map((c) => frame.numeric(c, FN));
  const w = p.weights !== undefined ? frame.numeric(p.weights, FN) : undefined;
  const unitCol = p.panel && p.unit !== undefined ? frame.column(p.unit, FN) : undefined;
  const clusterCol = p.clusters !== undefined ? frame.column(p.clusters, FN) : undefined;
  const unitNumeric = unitCol instanceof Float64Array ? unitCol : undefined;
  const tracker = new MissingTracker(frame.nrow, FN, 'drop');
  // an empty round first, so that the code after rowFacts' loop has type feedback when the loop
  // is compiled on-stack (else it deoptimised there on every call; docs/numerics.md, attgt)
  rowFacts(new Int32Array(0), t, gRaw, w, unitNumeric, [y]);
  // The usual case, no NaN or ±Infinity in any numeric column used, is found by the row-facts
  // pass over all rows itself: those columns are then complete for the tracker (no pass of
  // their own). Otherwise the tracker reads them and the facts are taken over the rows it keeps.
  const optimistic = unitCol === undefined || unitNumeric !== undefined ? rowFacts(null, t, gRaw, w, unitNumeric, [y, ...xs, ...(w ? [w] : [])]) : undefined;
  const complete = optimistic?.allFinite === true;
  const track = (name: string, values: Float64Array): void => (complete ? tracker.complete(name) : tracker.numeric(name, values));
  track(p.outcome, y);
  track(p.time, t);
  if (unitNumeric) track(p.unit!, unitNumeric);
  else if (unitCol) tracker.column(p.unit!, unitCol);
  p.covariates.forEach((name, j) => track(name, xs[j]!));
  if (w) track(p.weights!, w);
  // did drops rows with a missing cluster value (complete cases over clustervars too)
  // (a label column: ±Infinity is a value there)
  if (clusterCol) tracker.column(p.clusters!, clusterCol);
  const finished = tracker.finish();
  const dropped = finished.dropped;
  // every row kept: 0 … n − 1 from a plain loop of ours (the tracker's lazy rows come from a
  // getter whose loop is compiled on-stack on every call)
  // (not built at all when no consumer reads it: the sorted coder needs only the count; 4 MB on 10⁶ rows)
  const allKept = dropped.count === 0 && frame.nrow > 0;
  const nrow = frame.nrow;
  let keepRows: Int32Array | undefined = allKept ? undefined : finished.rows;
  const keepOf = (): Int32Array => (keepRows ??= allRows(nrow));
  const nKept = allKept ? nrow : keepRows!.length;
  const notes: Note[] = [];
  const note = droppedNote(dropped);
  if (note) notes.push(note);
  const facts = complete && nKept === frame.nrow ? optimistic! : rowFacts(keepOf(), t, gRaw, w, unitNumeric, []);
  if (facts.badTime >= 0) {
    const row = facts.badTime;
    throw new CausalPanelError('invalid_option', `${FN}: time column "${p.time}" must hold integer periods (row ${row + 1}: ${t[row]})`, { fn: FN, column: p.time, row, value: t[row] });
  }
  if (facts.badCohort >= 0) {
    const row = facts.badCohort;
    throw new CausalPanelError('invalid_option', `${FN}: cohort column "${p.cohort}" must be 0, missing or ±Infinity (never treated) or a positive integer period (row ${row + 1}: ${gRaw[row]})`, {
      fn: FN,
      column: p.cohort,
      row,
      value: gRaw[row],
    });
  }
  if (facts.badWeight >= 0) {
    const row = facts.badWeight;
    throw new CausalPanelError('invalid_option', `${FN}: weights must be non-negative (row ${row + 1}: ${w![row]})`, { fn: FN, column: p.weights, row, value: w![row] });
  }
  // Say how never-treated units were coded (the one rule of data/neverTreated.ts, did's asif_never_treated).
  // Only codings other than 0 are noted, so the common all-zero coding needs no second pass.
  const lastPeriod = facts.bounds.tHi;
  if (facts.anyNeverNotZero || facts.gMaxFinite > lastPeriod) {
    const coding = neverTreatedNote(p.cohort, { found: findNeverTreated(gRaw, keepOf(), lastPeriod, unitCol), lastPeriod }, unitCol === undefined ? 'rows' : 'units');
    if (coding !== null) notes.push(coding);
  }
  return {
    y,
    t,
    gRaw,
    xs,
    w,
    unitCol,
    clusterCol,
    get keep(): Int32Array {
      return keepOf();
    },
    allKept,
    notes,
    anyNever: facts.anyNever,
    gMaxFinite: facts.gMaxFinite,
    bounds: facts.bounds,
  };
}

/** Int32Array [0, 1, …, n − 1]. */
function allRows(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Rows of `keep` for which `test(row)` holds, as a new Int32Array. */
function filterRows(keep: Int32Array, test: (row: number) => boolean): Int32Array {
  const out = new Int32Array(keep.length);
  let m = 0;
  for (let r = 0; r < keep.length; r++) if (test(keep[r]!)) out[m++] = keep[r]!;
  return out.slice(0, m);
}

/** The rows and cohort rules the cells are estimated on (did's sample decisions). */
export interface Sample {
  /** Rows kept (complete, and before the last cohort's treatment when nobody is never treated). */
  readonly keep: Int32Array;
  /** Whether `keep` is the columns' own `keep` (no row filtered here; false in any derived sample). */
  keepIsColumns: boolean;
  /** Weights normalised to mean 1 over the complete rows (by input row), or undefined. */
  w: Float64Array | undefined;
  /** Cohorts after this period (the last observed one) count as never treated, as did. */
  lastTreat: number;
  /** Cohorts from this one on are only comparison units (Infinity: none). */
  excludeFrom: number;
}

/**
 * did's sample decisions: weights normalised to mean 1 over the complete rows, cohorts after the
 * last period treated as never treated (did: whatever the anticipation), and without never-treated units
 * (control 'notyet' only) the periods from the last cohort's treatment on dropped.
 *
 * @throws {CausalPanelError} `no_control_units` (no never-treated units with control 'never'),
 *   `invalid_option` (weights with a non-positive mean), `no_rows_left`
 * @example
 * selectSample(readColumns(frame, params), params).lastTreat; // 2007 on mpdta
 */
export function selectSample(cols: Columns, p: AttgtParams): Sample {
  const { t } = cols;
  // weights normalised to mean 1 over the complete rows (did normalises before any other filter)
  let w: Float64Array | undefined;
  if (cols.w) {
    const keep = cols.keep;
    let s = 0;
    for (let r = 0; r < keep.length; r++) s += cols.w[keep[r]!]!;
    const mean = s / keep.length;
    if (!(mean > 0)) throw new CausalPanelError('invalid_option', `${FN}: weights must have a positive mean (${mean})`, { fn: FN, column: p.weights, value: mean });
    w = new Float64Array(cols.w.length);
    for (let r = 0; r < keep.length; r++) w[keep[r]!] = cols.w[keep[r]!]! / mean;
  }
  // cohorts after the last period behave as never treated (did's asif_never_treated: gname > max(tlist),
  // whatever the anticipation; the one rule of data/neverTreated.ts)
  const lastTreat = cols.bounds.tHi;
  const hasNever = cols.anyNever || cols.gMaxFinite > lastTreat;
  if (hasNever) {
    return {
      get keep(): Int32Array {
        return cols.keep;
      },
      keepIsColumns: true,
      w,
      lastTreat,
      excludeFrom: Infinity,
    };
  }
  if (p.control === 'never') {
    throw new CausalPanelError(
      'no_control_units',
      `${FN}: no never-treated units, so control = 'never' has no comparison group; use control: 'notyet' to compare with not-yet-treated units`,
      { fn: FN, option: 'control', value: p.control },
    );
  }
  // did: keep the periods before the last cohort is treated; that cohort is only a comparison group
  // (without never-treated units every finite cohort is ≤ lastTreat, so the latest is the maximum)
  const latest = cols.gMaxFinite;
  const cutoff = latest - p.anticipation;
  const keep = filterRows(cols.keep, (i) => t[i]! < cutoff);
  cols.notes.push({ code: 'design_adjusted', message: `No never-treated units: periods from ${cutoff} on were dropped and cohort ${latest} serves only as a comparison group (as did).` });
  if (keep.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no periods left before the last cohort is treated`, { fn: FN });
  return { keep, keepIsColumns: false, w, lastTreat, excludeFrom: latest };
}

/**
 * Repeated cross-sections (did's `panel = FALSE`): one row per kept observation with its period
 * index, cohort, design [1, covariates] and weight; observations of cohorts treated in the first
 * period are dropped (noted), as did.
 *
 * With `units` (an unbalanced panel: each input row's unit code, and the unit ids), the
 * influence rows are the units in order of first appearance, each with its cohort and the mean
 * of its observations' weights (did's `aggte` averages the data by unit).
 *
 * @throws {CausalPanelError} `no_rows_left`, `no_treated_units`, `no_control_units`
 * @example
 * prepareRc(cols, params, selectSample(cols, params)).n; // 2500 on mpdta
 */
export function prepareRc(cols: Columns, p: AttgtParams, sample: Sample, units?: { code: Int32Array; ids: readonly (number | string)[] }): RcData {
  const { t } = cols;
  const { keep: keepIn, w, lastTreat, excludeFrom } = sample;
  const notes = cols.notes;
  const cohortOf = (row: number): number => {
    const c = cohortCode(cols.gRaw[row]!);
    return c > lastTreat ? Infinity : c;
  };
  let tMin = Infinity;
  for (let r = 0; r < keepIn.length; r++) if (t[keepIn[r]!]! < tMin) tMin = t[keepIn[r]!]!;
  // observations of cohorts treated in the first period are dropped, as did
  const keep = filterRows(keepIn, (i) => {
    const c = cohortOf(i);
    return !(Number.isFinite(c) && c <= tMin + p.anticipation);
  });
  if (keep.length < keepIn.length) notes.push({ code: 'units_dropped', count: keepIn.length - keep.length, reason: 'observations of cohorts already treated in the first period' });
  if (keep.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no rows left after dropping cohorts treated in the first period`, { fn: FN });
  const n = keep.length;
  const periodSet = [...new Set(Array.from(keep, (i) => t[i]!))].sort((a, b) => a - b);
  const periods = Float64Array.from(periodSet);
  const pIndex = new Map<number, number>();
  periodSet.forEach((v, j) => pIndex.set(v, j));
  const nCov = p.covariates.length;
  const k = nCov + 1;
  const y = new Float64Array(n);
  const period = new Int32Array(n);
  const cohort = new Float64Array(n);
  const X = new Float64Array(n * k);
  const wr = w ? new Float64Array(n) : undefined;
  for (let r = 0; r < n; r++) {
    const i = keep[r]!;
    y[r] = cols.y[i]!;
    period[r] = pIndex.get(t[i]!)!;
    cohort[r] = cohortOf(i);
    X[r] = 1;
    for (let j = 0; j < nCov; j++) X[r + (j + 1) * n] = cols.xs[j]![i]!;
    if (wr) wr[r] = w![i]!;
  }
  const counts = new Map<number, number>();
  for (let r = 0; r < n; r++) counts.set(cohort[r]!, (counts.get(cohort[r]!) ?? 0) + 1);
  const glist = [...counts.keys()].filter((c) => Number.isFinite(c) && c > periods[0]! + p.anticipation && c < excludeFrom).sort((a, b) => a - b);
  if (glist.length === 0) {
    throw new CausalPanelError('no_treated_units', `${FN}: no treated cohort with a pre-treatment period (cohort column "${p.cohort}")`, { fn: FN, column: p.cohort });
  }
  // did's size check divides a cohort's observations by the number of periods
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  for (const [c, m] of counts) {
    start.set(c, 0);
    end.set(c, m / periods.length);
  }
  checkGroupSizes(start, end, nCov, p, notes);
  const rcRows = { kind: 'rc' as const, obs: n, obsCohort: cohort, nobs: n, periods, glist: Float64Array.from(glist), notes, y, period, X, k, w: wr };
  if (!units) return { ...rcRows, n, ids: Array.from(keep), cohort, weights: wr ?? new Float64Array(n).fill(1), unitRow: undefined };
  const byUnit = unitRows(keep, units.code, cohort, wr);
  return { ...rcRows, n: byUnit.ids.length, ids: byUnit.ids.map((u) => units.ids[u]!), cohort: byUnit.cohort, weights: byUnit.weights, unitRow: byUnit.row };
}

/** Units in order of first appearance among the observations: each observation's unit row, and per unit its cohort and mean weight. */
function unitRows(keep: Int32Array, code: Int32Array, cohort: Float64Array, w: Float64Array | undefined): { row: Int32Array; ids: number[]; cohort: Float64Array; weights: Float64Array } {
  const n = keep.length;
  const slot = new Map<number, number>();
  const row = new Int32Array(n);
  const ids: number[] = [];
  for (let r = 0; r < n; r++) {
    const u = code[keep[r]!]!;
    let s = slot.get(u);
    if (s === undefined) {
      s = ids.length;
      slot.set(u, s);
      ids.push(u);
    }
    row[r] = s;
  }
  const m = ids.length;
  const unitCohort = new Float64Array(m);
  const sum = new Float64Array(m);
  const count = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    const s = row[r]!;
    unitCohort[s] = cohort[r]!;
    sum[s] += w ? w[r]! : 1;
    count[s] += 1;
  }
  const weights = new Float64Array(m);
  for (let s = 0; s < m; s++) weights[s] = sum[s]! / count[s]!;
  return { row, ids, cohort: unitCohort, weights };
}

/**
 * did's group-size check: a note for cohorts with fewer than (covariates + 5) units; an error
 * when the never-treated group is that small and serves as the comparison group.
 *
 * @throws {CausalPanelError} `no_control_units`
 * @example
 * checkGroupSizes(new Map([[2004, 0]]), new Map([[2004, 3]]), 0, params, notes); // notes: small_groups ['2004']
 */
export function checkGroupSizes(start: Map<number, number>, end: Map<number, number>, nCov: number, p: AttgtParams, notes: Note[]): void {
  const required = nCov + 5;
  const small: number[] = [];
  for (const [c, s] of start) if (end.get(c)! - s < required) small.push(c);
  if (small.length === 0) return;
  if (small.includes(Infinity) && p.control === 'never') {
    throw new CausalPanelError(
      'no_control_units',
      `${FN}: the never-treated group is too small to serve as a comparison group (fewer than ${required} units); use control: 'notyet'`,
      { fn: FN, option: 'control' },
    );
  }
  notes.push({ code: 'small_groups', groups: small.map((c) => String(Number.isFinite(c) ? c : 0)), minimum: required });
}
