/**
 * fixest's `sunab(cohort, period, ref.p = -1)` term in a feols formula: the term is expanded,
 * before the design is built, into one 0/1 column per observed (relative period, cohort) cell,
 * named as fixest names them (`year::-4:cohort::2007`). The cells come from the one Sun–Abraham
 * construction of the package (`models/sunab.ts`: `classifyCohorts`, `sunabCells`), which
 * `eventStudy({ method: 'sunab' })` uses too, so both give the same regression.
 *
 * Cohorts follow the one never-treated rule (`data/neverTreated.ts`: 0, missing, ±Infinity or
 * after the last observed period) and fixest's own: a cohort that is not one of the observed
 * periods is never treated too (`R/did.R`, `setdiff(cohort, period)`); cohorts observed only before treatment are controls and
 * cohorts observed only after it get no columns (their rows stay, as fixest's `sunab`). The
 * classification uses the rows where the period and every other formula column is present. A
 * period with 0, negative and positive values is taken as the relative period itself (fixest's
 * "CASE_1"). fixest's `ref.c`, `bin`, `bin.rel`, `bin.c`, `bin.p`, `att` and `no_agg` are refused.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { codeCohorts, neverTreatedNote } from '../../data/neverTreated.js';
import { absentCohortsAsNever, absentCohortsNote, classifyCohorts, sunabCells } from '../sunab.js';
import type { FormulaSpec, FormulaTerm, FormulaVariable } from './parse.js';

/**
 * One cell column of a `sunab()` term.
 *
 * @example
 * const cell: SunabTermCell = { term: 'year::0:cohort::2004', e: 0, cohort: 2004 };
 */
export interface SunabTermCell {
  /** fixest's coefficient name `<period>::<e>:cohort::<g>`. */
  term: string;
  /** Relative period e = period − cohort. */
  e: number;
  /** The cohort (first treated period). */
  cohort: number;
}

/**
 * What a fit keeps of its `sunab()` term for `aggregate()`.
 *
 * @example
 * feols('lemp ~ sunab(first.treat, year) | countyreal + year', mpdta).design.sunab?.cells.length; // 12
 */
export interface SunabDesign {
  /** The period column (the prefix of the aggregated terms, `year::0`). */
  period: string;
  /** The cohort column. */
  cohort: string;
  /** Reference relative periods (no column). */
  ref: readonly number[];
  /** Cell columns in fixest's order (e, then cohort). */
  cells: readonly SunabTermCell[];
}

/**
 * The formula with its `sunab()` term replaced by one column per cell, the frame with those
 * columns added, and the cells. Without `sunab()` the inputs come back unchanged.
 *
 * @throws {CausalPanelError} `formula_syntax` (two `sunab()` terms, or `sunab()` in an
 *   interaction), `missing_column`, `non_numeric` (a cohort or period that is not numeric),
 *   `no_treated_units` (no cohort observed both before and after its treatment)
 * @example
 * const out = sunabColumns(parseFormula('lemp ~ sunab(first.treat, year) | countyreal'), mpdta, 'feols');
 * out.spec.terms[0].label; // 'year::-4:cohort::2007'
 */
export function sunabColumns(spec: FormulaSpec, frame: Frame, fn: string): { spec: FormulaSpec; frame: Frame; sunab?: SunabDesign; notes: Note[] } {
  const at = spec.variables.findIndex((v) => v.kind === 'sunab');
  if (at < 0) return { spec, frame, notes: [] };
  const v = spec.variables[at] as Extract<FormulaVariable, { kind: 'sunab' }>;
  if (spec.variables.some((w, j) => j !== at && w.kind === 'sunab')) {
    throw new CausalPanelError('formula_syntax', `${fn}: only one sunab() term is supported (${spec.text})`, { fn, value: spec.text });
  }
  if (spec.terms.some((t) => t.variables.length > 1 && t.variables.includes(at))) {
    throw new CausalPanelError('formula_syntax', `${fn}: sunab() cannot be interacted with another variable (${spec.text})`, { fn, value: spec.text });
  }
  const period = frame.numeric(v.period, fn);
  const rawCohort = frame.numeric(v.cohort, fn);
  const n = frame.nrow;
  // Rows where the period and every other formula column are present (the cohort may be missing: never treated).
  const others = spec.columns.filter((c) => c !== v.cohort && c !== v.period).map((c) => frame.column(c, fn));
  const rows: number[] = [];
  let firstPeriod = Infinity;
  let lastPeriod = -Infinity;
  let zero = false;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(period[i]!)) continue;
    if (others.some((column) => column[i] === null || (typeof column[i] === 'number' && Number.isNaN(column[i] as number)))) continue;
    rows.push(i);
    if (period[i]! > lastPeriod) lastPeriod = period[i]!;
    if (period[i]! < firstPeriod) firstPeriod = period[i]!;
    if (period[i] === 0) zero = true;
  }
  // fixest's "CASE_1" (R/did.R): a period with 0, negative and positive values is already the
  // relative period; the cohort only groups (a missing or infinite one is never treated, and a
  // cohort observed only at negative relative periods is a control).
  const relative = zero && firstPeriod < 0 && lastPeriod > 0;
  const coded = relative ? null : codeCohorts(rawCohort, rows, lastPeriod);
  // Otherwise fixest's rule: a cohort that is not one of the observed periods is never treated.
  const codedCohort = coded === null ? Float64Array.from(rawCohort, (g) => (Number.isFinite(g) ? g : Infinity)) : coded.cohort;
  const { cohort, absent } = relative ? { cohort: codedCohort, absent: [] as number[] } : absentCohortsAsNever(codedCohort, period, rows);
  const rel = new Float64Array(n);
  for (let i = 0; i < n; i++) rel[i] = Number.isFinite(cohort[i]!) ? (relative ? period[i]! : period[i]! - cohort[i]!) : NaN;
  const classes = classifyCohorts(rel, cohort, rows);
  if (classes.treated.length === 0) {
    throw new CausalPanelError('no_treated_units', `${fn}: ${v.label}: no cohort is observed both before and after its treatment`, { fn, column: v.cohort });
  }
  const notes: Note[] = [];
  const never = coded === null ? null : neverTreatedNote(v.cohort, coded, 'rows');
  if (never !== null) notes.push(never);
  const list = (cohorts: number[]) => `cohort${cohorts.length === 1 ? '' : 's'} ${cohorts.join(', ')}`;
  if (absent.length > 0) {
    notes.push(absentCohortsNote(absent, v.period));
  }
  if (classes.alwaysTreated.length > 0) {
    notes.push({ code: 'design_adjusted', message: `${list(classes.alwaysTreated)} treated in every observed period: kept without interaction columns (as fixest's sunab)` });
  }
  if (classes.notYetInSample.length > 0) {
    notes.push({ code: 'design_adjusted', message: `${list(classes.notYetInSample)} not treated within the sample: used as controls (as fixest's sunab)` });
  }
  const cells = sunabCells(rel, cohort, rows, classes.treated, v.ref, v.period);
  const added: Record<string, Float64Array> = Object.create(null);
  const variables: FormulaVariable[] = [...spec.variables];
  const newIndex: number[] = [];
  for (const cell of cells) {
    if (frame.has(cell.term)) {
      throw new CausalPanelError('formula_syntax', `${fn}: ${v.label} makes a column "${cell.term}" that the data already have`, { fn, column: cell.term });
    }
    const dummy = new Float64Array(n);
    for (let i = 0; i < n; i++) if (Number.isNaN(period[i]!)) dummy[i] = NaN;
    for (const row of cell.rows) dummy[row] = 1;
    added[cell.term] = dummy;
    newIndex.push(variables.push({ kind: 'column', label: cell.term, column: cell.term, columns: [cell.term] }) - 1);
  }
  // The sunab variable stays in `variables` (unused by any term) only as a placeholder; it is
  // turned into a plain column so that the design never sees a 'sunab' variable.
  variables[at] = { kind: 'column', label: v.label, column: v.period, columns: [v.period] };
  const terms: FormulaTerm[] = spec.terms.flatMap((t) => (t.variables[0] === at ? newIndex.map((j) => ({ label: variables[j]!.label, variables: [j] })) : [t]));
  return {
    spec: { ...spec, variables, terms },
    frame: frame.withColumns(added),
    sunab: { period: v.period, cohort: v.cohort, ref: Object.freeze([...v.ref]), cells: Object.freeze(cells.map((c) => Object.freeze({ term: c.term, e: c.e, cohort: c.cohort }))) },
    notes,
  };
}
