/**
 * Reads one text cell as a number, as R's `read.csv` does for numeric columns.
 *
 * Returns `undefined` when the text is not a number. `Inf`, `-Inf` and `Infinity` are numbers;
 * missing markers are handled by {@link isMissingText}.
 *
 * @example
 * parseNumber(' 1.5e3 '); // 1500
 * parseNumber('abc');     // undefined
 */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed === 'Inf' || trimmed === 'Infinity' || trimmed === '+Inf') return Infinity;
  if (trimmed === '-Inf' || trimmed === '-Infinity') return -Infinity;
  if (trimmed === 'TRUE') return 1;
  if (trimmed === 'FALSE') return 0;
  // Number('0x10') and Number('') are accepted by JS but are not numbers in a data file
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** True for the cells that mean "missing": empty, `NA`, `NaN`, `null`/`undefined`. */
export function isMissingText(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' || trimmed === 'NA' || trimmed === 'NaN' || trimmed === '.';
  }
  return false;
}

/**
 * True when a text column holds numbers except for a few text cells: more than half of its
 * present cells read as numbers. Such a column is a numeric variable with typos (`'abc'` in row
 * 8), not a categorical one, and is an error unless the caller asks for a factor (`factor(x)`).
 *
 * @example
 * looksNumeric(['1', '2', 'abc', null]); // true
 * looksNumeric(['a', 'b', '3']);         // false
 */
export function looksNumeric(column: ArrayLike<string | null>): boolean {
  let present = 0;
  let numbers = 0;
  for (let i = 0; i < column.length; i++) {
    const cell = column[i];
    if (cell === null || cell === undefined) continue;
    present++;
    if (parseNumber(cell) !== undefined) numbers++;
  }
  return numbers > 0 && numbers * 2 > present;
}
