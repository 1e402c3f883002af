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
