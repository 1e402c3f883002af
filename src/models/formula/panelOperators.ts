/**
 * fixest's panel operators in formulas: `l(x, k)` (x of the same unit k periods earlier),
 * `f(x, k)` (k periods later) and `d(x, k)` (x − l(x, k)); k = 1 by default. The panel is given
 * by its unit and time columns (fixest's `panel.id = ~unit + time`); a period with no row for the
 * unit gives NA, so the row is dropped as missing, as fixest does.
 */
import { CausalPanelError } from '../../errors.js';
import { factor } from '../../data/factor.js';
import type { Frame } from '../../data/frame.js';
import type { FormulaSpec } from './parse.js';

/**
 * The panel of `l()`, `f()` and `d()`: its unit and time columns.
 *
 * @example
 * const panel: PanelIndex = { unit: 'id', time: 'period' };
 */
export interface PanelIndex {
  readonly unit: string;
  readonly time: string;
}

/**
 * The frame with one column per panel operator of the formula, named by its text (`l(x1, 1)`).
 * Without operators the frame is returned as it is.
 *
 * @throws {CausalPanelError} `invalid_option` (an operator without `panel`, a unit observed twice
 *   in one period), `missing_column`, `non_numeric` (a non-numeric time or variable)
 * @example
 * panelOperatorColumns(parseFormula('y ~ l(x1, 1)'), baseDid, { unit: 'id', time: 'period' }, 'feols').numeric('l(x1, 1)')[1]; // x1 of row 0
 */
export function panelOperatorColumns(spec: FormulaSpec, frame: Frame, panel: PanelIndex | undefined, fn: string): Frame {
  const operators = spec.variables.filter((v): v is Extract<typeof v, { kind: 'column' }> & { panel: NonNullable<unknown> } => v.kind === 'column' && v.panel !== undefined);
  if (operators.length === 0) return frame;
  if (panel === undefined) {
    throw new CausalPanelError('invalid_option', `${fn}: ${operators[0]!.label} needs the panel: option panel: { unit, time } (fixest's panel.id)`, { fn, option: 'panel' });
  }
  const n = frame.nrow;
  const units = factor(frame.column(panel.unit, fn)).codes;
  const time = frame.numeric(panel.time, fn);
  // (unit, time) → row
  const rowAt = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (units[i]! < 0 || Number.isNaN(time[i]!)) continue;
    const key = `${units[i]}|${time[i]}`;
    if (rowAt.has(key)) {
      throw new CausalPanelError('invalid_option', `${fn}: unit ${String(frame.column(panel.unit, fn)[i])} has two rows in period ${time[i]} (rows ${rowAt.get(key)! + 1} and ${i + 1}); panel operators need one row per unit and period`, { fn, option: 'panel', row: i });
    }
    rowAt.set(key, i);
  }
  const added: Record<string, Float64Array> = Object.create(null);
  for (const variable of operators) {
    const { op, source, k } = variable.panel as { op: 'l' | 'f' | 'd'; source: string; k: number };
    const x = frame.numeric(source, fn);
    const shift = op === 'f' ? k : -k;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = units[i]! < 0 ? undefined : rowAt.get(`${units[i]}|${time[i]! + shift}`);
      const other = j === undefined ? NaN : x[j]!;
      out[i] = op === 'd' ? x[i]! - other : other;
    }
    added[variable.column] = out;
  }
  return frame.withColumns(added);
}
