/**
 * The arguments every plot function reads the same way: its options (through the shared option
 * reader, so an unknown or misspelled key is an `unknown_option` error) and its first argument,
 * which is either the result being plotted or rows. Results are recognised structurally — by the
 * fields and methods the public API promises (`tidy()`, `rows`, `balance()`, `distance`, …) —
 * because the report layer imports no estimator. Anything else is an `invalid_option` error that
 * names the function and what it accepts, never a TypeError from deep inside the drawing code.
 */
import { CausalPanelError } from '../../errors.js';
import { invalidOption, opt, readOptions, showValue, type OptionSpec, type Params } from '../../options.js';

/** A plain object (a result, a row or an options object). */
export type Fields = Record<string, unknown>;

/**
 * True for a non-null object that is not an array.
 *
 * @example
 * isFields({ e: 1 }); // true
 * isFields([1]);      // false
 */
export function isFields(x: unknown): x is Fields {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

const text = opt.custom((value, at): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidOption(at, 'a string', value);
  return value;
});

/** Readers of the options every plot has ({@link PlotOptions} in layout.ts). */
const PLOT_OPTIONS = {
  width: opt.number({ min: 0, exclusiveMin: true }),
  height: opt.number({ min: 0, exclusiveMin: true }),
  title: text,
  xLabel: text,
  yLabel: text,
};

// R graphics and ggplot2 arguments users bring.
const PLOT_UNSUPPORTED: Readonly<Record<string, string>> = {
  main: 'use title',
  xlab: 'use xLabel',
  ylab: 'use yLabel',
  file: 'the plot is returned as an SVG string: write it to a file yourself',
  theme: 'the plots have one fixed style',
};

/**
 * A string-valued option reader (a colour, a label).
 *
 * @example
 * readPlotOptions('coefPlot', { color: 'red' }, { color: textOption() }).color; // 'red'
 */
export function textOption(): typeof text {
  return text;
}

/**
 * Reads a plot's options: the shared size and label options plus the plot's own `spec`.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option`
 * @example
 * readPlotOptions('lovePlot', { threshold: 0.2 }, { threshold: opt.number({ min: 0, default: 0.1 }) });
 * // { width: undefined, height: undefined, title: undefined, xLabel: undefined, yLabel: undefined, threshold: 0.2 }
 */
export function readPlotOptions<S extends OptionSpec>(fn: string, options: unknown, spec: S): Params<typeof PLOT_OPTIONS & S> {
  return readOptions(fn, options, { ...PLOT_OPTIONS, ...spec }, { unsupported: PLOT_UNSUPPORTED });
}

function describe(value: unknown): string {
  if (isFields(value) && typeof value.kind === 'string') return `a ${value.kind} result`;
  if (Array.isArray(value) && value.length > 0) return `an array whose first element is ${showValue(value[0])}`;
  return showValue(value);
}

/**
 * The error for a first argument that is neither the result a plot draws nor its rows.
 *
 * @example
 * wrongInput('lovePlot', 'a matchit result (with balance()) or rows { term, before, after }', 42).message;
 * // 'lovePlot: the first argument must be a matchit result (with balance()) or rows { term, before, after } (got 42)'
 */
export function wrongInput(fn: string, accepts: string, value: unknown): CausalPanelError {
  return new CausalPanelError('invalid_option', `${fn}: the first argument must be ${accepts} (got ${describe(value)})`, { fn, value });
}

/** What a row field must hold: a string, or a number (NaN allowed: a missing value). */
export type FieldType = 'string' | 'number';

/**
 * Checks that `rows` is a non-empty array of objects with the given fields, and returns it. When
 * the rows come from a result (`source`), a bad row means the result is of the wrong kind.
 *
 * @throws {CausalPanelError} `empty_data` for no rows; `invalid_option` naming the first row that
 *   lacks a field (or `accepts` when `rows` is not an array or `source` is the wrong result)
 * @example
 * checkRows('coefPlot', [{ term: 'x', estimate: 1 }], { term: 'string', estimate: 'number' }, 'rows');
 */
export function checkRows<T>(fn: string, rows: unknown, fields: Readonly<Record<string, FieldType>>, accepts: string, source?: Fields): readonly T[] {
  if (!Array.isArray(rows)) throw wrongInput(fn, accepts, rows);
  if (rows.length === 0) throw new CausalPanelError('empty_data', `${fn}: no rows to plot (0)`, { fn, value: 0 });
  const names = Object.keys(fields);
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!isFields(row) || names.some((name) => typeof row[name] !== fields[name])) {
      if (source !== undefined) throw wrongInput(fn, accepts, source);
      const wanted = names.map((name) => `${name} (${fields[name]})`).join(', ');
      throw new CausalPanelError('invalid_option', `${fn}: row ${i + 1} must have ${wanted} (got ${showValue(row)})`, { fn, row: i, value: row });
    }
  }
  return rows as readonly T[];
}
