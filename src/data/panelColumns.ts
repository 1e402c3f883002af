/**
 * Checks of the columns that play a role in a panel design, shared by every DiD-type estimator:
 * 0/1 indicators (`treat`, `post`) and columns that must be constant within a unit (`treat`,
 * `cohort`).
 */
import { CausalPanelError } from '../errors.js';
import type { Factor } from './factor.js';
import type { Frame } from './frame.js';

/**
 * The column `name` as numbers, checking that every non-missing value is 0 or 1.
 *
 * @throws {CausalPanelError} `non_numeric`, `missing_column`, `invalid_option` naming the first
 *   other value (row 1-based in the message, 0-based in `details.row`)
 * @example
 * binaryColumn(new Frame({ treat: new Float64Array([0, 1, NaN]) }), 'treat', 'did'); // Float64Array [0, 1, NaN]
 */
export function binaryColumn(frame: Frame, name: string, fn: string): Float64Array {
  const values = frame.numeric(name, fn);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isNaN(value) && value !== 0 && value !== 1) {
      throw new CausalPanelError('invalid_option', `${fn}: column "${name}" must be 0/1 (row ${i + 1}: ${value})`, { fn, column: name, row: i, value });
    }
  }
  return values;
}

/**
 * Checks that `values` is constant within each unit over `rows`; `never`, when given, maps the
 * equivalent never-treated codes (0, NaN, ±Infinity of a cohort) to one value first.
 *
 * @param unit the unit coding (`factor(unitColumn, { order: 'appearance' })`)
 * @throws {CausalPanelError} `invalid_option` naming the unit and the two rows that disagree
 * @example
 * const unit = factor(['a', 'a', 'b'], { order: 'appearance' });
 * constantWithinUnit(new Float64Array([1, 1, 0]), unit, Int32Array.of(0, 1, 2), 'treat', 'did'); // passes
 * constantWithinUnit(new Float64Array([1, 0, 0]), unit, Int32Array.of(0, 1, 2), 'treat', 'did');
 * // throws 'did: column "treat" must be constant within unit "a" (row 1: 1, row 2: 0)'
 */
export function constantWithinUnit(values: Float64Array, unit: Factor, rows: Int32Array, name: string, fn: string, never?: (v: number) => boolean): void {
  const first = new Float64Array(unit.levels.length).fill(NaN);
  const firstRow = new Int32Array(unit.levels.length).fill(-1);
  for (const row of rows) {
    const code = unit.codes[row]!;
    let value = values[row]!;
    if (never !== undefined && never(value)) value = Infinity;
    if (firstRow[code] === -1) {
      firstRow[code] = row;
      first[code] = value;
    } else if (first[code] !== value && !(Number.isNaN(first[code]!) && Number.isNaN(value))) {
      throw new CausalPanelError(
        'invalid_option',
        `${fn}: column "${name}" must be constant within unit "${unit.levels[code]}" (row ${firstRow[code]! + 1}: ${values[firstRow[code]!]}, row ${row + 1}: ${values[row]})`,
        { fn, column: name, row, value: values[row] },
      );
    }
  }
}
