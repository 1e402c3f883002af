/**
 * The rows complete in every variable of several models at once — R's `na.omit` over the union of
 * the models' variables (lavaan's default `missing = "listwise"`; mediation requires its two
 * models to share their rows, which `dropobs = TRUE` makes so). Goes through the one
 * complete-case path, data/missing.ts, with policy 'error' for ±Infinity (R's `lm`/`glm` refuse
 * it): every column a formula reads, every derived regressor or response (`log(0)` is not
 * finite), and extra columns (a cluster id, whose values are kept as they are).
 */
import type { Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { droppedNote, MissingTracker } from '../../data/missing.js';
import { deparse, evaluate, type FormulaSpec } from '../../models/formula/parse.js';

/** The complete rows and the note on what was dropped. */
export interface ModelRows {
  /** The complete rows (the input frame itself when nothing was dropped). */
  frame: Frame;
  /** Original row index (0-based) of each kept row. */
  rows: Int32Array;
  /** A `rows_dropped_missing` note, when rows were dropped. */
  notes: Note[];
}

/**
 * The rows of `frame` complete in every variable of `specs` and in `extraColumns`.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric` (a derived term on a text column),
 *   `non_finite` (±Infinity in a model variable), `no_rows_left`
 * @example
 * const { frame, notes } = completeModelRows(data, [parseFormula('M ~ T + X'), parseFormula('Y ~ T + M + Z')], [], 'mediate');
 * // frame: the rows with none of M, T, X, Y, Z missing; notes: [{ code: 'rows_dropped_missing', count, byColumn }]
 */
export function completeModelRows(frame: Frame, specs: readonly FormulaSpec[], extraColumns: readonly string[], fn: string): ModelRows {
  const tracker = new MissingTracker(frame.nrow, fn, 'error');
  const extra = new Set(extraColumns);
  for (const name of new Set(specs.flatMap((spec) => spec.columns))) {
    if (extra.has(name)) continue;
    const column = frame.column(name, fn);
    if (column instanceof Float64Array) tracker.numeric(name, column);
    else tracker.column(name, column);
  }
  for (const name of extra) tracker.column(name, frame.column(name, fn));
  for (const spec of specs) {
    if (spec.response !== null && spec.response.type !== 'name') tracker.derived(deparse(spec.response), evaluate(spec.response, frame, fn));
    for (const variable of spec.variables) if (variable.kind === 'expr') tracker.derived(variable.label, evaluate(variable.expr, frame, fn));
  }
  const { rows, dropped } = tracker.finish();
  const note = droppedNote(dropped);
  return { frame: dropped.count === 0 ? frame : frame.take(rows), rows, notes: note === null ? [] : [note] };
}
