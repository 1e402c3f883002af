/**
 * Printed summaries in the layout of fixest's `summary()` / `print.fixest`: a title line, meta
 * lines (`Observations: 1,080`), the estimate table — fixest's coefficient table (Estimate /
 * Std. Error / t value / Pr(>|t|) / stars, as `print_coeftable`) or, for simulation-based
 * estimates, mediation's interval table (Estimate / CI Lower / CI Upper / p-value / stars, as
 * `summary.mediate`) — the significance legend, further tables, fit statistics and `NOTE:` lines.
 */
import { formatNote, type Note } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { formatCoefColumn, formatPValues, formatReal, significanceStars, SIGNIF_LEGEND, R_DIGITS } from './format.js';
import { textTable } from './textTable.js';

/**
 * Input of {@link renderSummary}.
 *
 * @example
 * const input: SummaryInput = {
 *   title: 'Manual', meta: [['Observations', '100']], footer: [],
 *   rows: [{ term: 'x', estimate: 1.5, stdError: 0.5, statistic: 3, pValue: 0.003, confLow: 0.5, confHigh: 2.5 }],
 *   notes: [{ code: 'singletons_removed', count: 2 }],
 * };
 * renderSummary(input);
 * // Manual
 * // Observations: 100
 * //   Estimate Std. Error t value Pr(>|t|)
 * // x      1.5        0.5       3    0.003 **
 * // ---
 * // Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1
 * // NOTE: 2 fixed-effect singletons were removed.
 */
export interface SummaryInput {
  /** First line, e.g. `"OLS estimation, Dep. Var.: y"`. */
  title: string;
  /** `[label, value]` lines printed as `label: value`, e.g. `['Observations', '1,080']`. */
  meta: readonly (readonly [string, string])[];
  /** Coefficient rows. */
  rows: readonly Estimate[];
  /** Non-fatal notes, printed as `NOTE:` lines after the table. */
  notes: readonly Note[];
  /** Lines after the significance legend, e.g. `"RMSE: 4.86493   Adj. R2: 0.461155"`. */
  footer: readonly string[];
  /** Significant digits for the numeric columns (R's `digits`, default 7). */
  digits?: number;
  /** Label of the statistic column (default `'t value'`); the p-value header follows it. */
  statisticLabel?: 't value' | 'z value';
  /** Further tables after the coefficient table (a balance table, a 2×2 means table), each under its heading. */
  tables?: readonly { heading: string; body: string }[];
  /**
   * Layout of the estimate table: `'coefficients'` (default; fixest's) or `'intervals'`
   * (mediation's `summary.mediate`: estimate, interval bounds at `level`, p-value).
   */
  rowsLayout?: 'coefficients' | 'intervals';
  /** Confidence level named in the interval table's headers (default 0.95). */
  level?: number;
}

/**
 * The coefficient table alone, as fixest's `print_coeftable` prints it: term names left-aligned,
 * estimate, SE and statistic rounded by fixest's `decimalFormat` and formatted with
 * `format(digits)`, p-values with `format(digits = 5)` and `"< 2.2e-16"`, then stars.
 *
 * @example
 * coefTable([{ term: 'x1', estimate: 0.9753, stdError: 0.0526, statistic: 18.53, pValue: 1e-30, confLow: 0.87, confHigh: 1.08 }]);
 * // '   Estimate Std. Error t value  Pr(>|t|)\nx1   0.9753     0.0526   18.53 < 2.2e-16 ***'
 */
export function coefTable(rows: readonly Estimate[], options: { digits?: number; statisticLabel?: 't value' | 'z value' } = {}): string {
  const digits = options.digits ?? R_DIGITS;
  const stat = options.statisticLabel ?? 't value';
  const est = formatCoefColumn(rows.map((r) => r.estimate), digits);
  const se = formatCoefColumn(rows.map((r) => r.stdError), digits);
  const st = formatCoefColumn(rows.map((r) => r.statistic), digits);
  const p = formatPValues(rows.map((r) => r.pValue));
  // fixest pads the star labels to width 3 ('** ', '*  ') so they line up on the left.
  const stars = rows.map((r) => significanceStars(r.pValue).padEnd(3, ' '));
  const body = rows.map((r, i) => [r.term, est[i]!, se[i]!, st[i]!, p[i]!, stars[i]!]);
  return textTable(body, {
    header: ['', 'Estimate', 'Std. Error', stat, stat === 'z value' ? 'Pr(>|z|)' : 'Pr(>|t|)', ''],
    align: ['left', 'right', 'right', 'right', 'right', 'left'],
  });
}

/**
 * The estimate table of mediation's `summary.mediate`: term, estimate and interval bounds
 * formatted together with `format(digits = 4)`, p-values with `format(digits = 3)`, then stars.
 *
 * @example
 * intervalTable([{ term: 'ACME', estimate: 0.0788, confLow: 0.0351, confHigh: 0.1273, pValue: 0, stdError: 0.023, statistic: NaN }]);
 * // '     Estimate 95% CI Lower 95% CI Upper   p-value\nACME   0.0788       0.0351       0.1273 < 2.2e-16 ***'
 */
export function intervalTable(rows: readonly Estimate[], options: { level?: number; digits?: number; pDigits?: number } = {}): string {
  const { level = 0.95, digits = 4, pDigits = 3 } = options;
  const pct = `${Number((100 * level).toPrecision(6))}`;
  const numbers = formatReal(rows.flatMap((r) => [r.estimate, r.confLow, r.confHigh]), digits);
  const pvals = formatPValues(rows.map((r) => r.pValue), pDigits);
  const body = rows.map((r, i) => [r.term, numbers[3 * i]!, numbers[3 * i + 1]!, numbers[3 * i + 2]!, pvals[i]!, significanceStars(r.pValue)]);
  return textTable(body, { header: ['', 'Estimate', `${pct}% CI Lower`, `${pct}% CI Upper`, 'p-value', ''], align: ['left', 'right', 'right', 'right', 'right', 'left'] });
}

/**
 * Renders a result summary as fixest's `summary()` prints it.
 *
 * @example
 * renderSummary({
 *   title: 'OLS estimation, Dep. Var.: y',
 *   meta: [['Observations', '1,080'], ['Standard-errors', 'Clustered (id)']],
 *   rows: fit.tidy(), notes: fit.notes, footer: ['RMSE: 4.86493   Adj. R2: 0.461155'],
 * });
 * // OLS estimation, Dep. Var.: y
 * // Observations: 1,080
 * // Standard-errors: Clustered (id)
 * //            Estimate Std. Error t value  Pr(>|t|)
 * // ...
 */
export function renderSummary(input: SummaryInput): string {
  const lines: string[] = [input.title];
  for (const [label, value] of input.meta) lines.push(`${label}: ${value}`);
  if (input.rows.length > 0) {
    lines.push(
      input.rowsLayout === 'intervals'
        ? intervalTable(input.rows, { level: input.level })
        : coefTable(input.rows, { digits: input.digits, statisticLabel: input.statisticLabel }),
    );
    lines.push('---', SIGNIF_LEGEND);
  }
  for (const table of input.tables ?? []) lines.push('', table.heading, table.body);
  lines.push(...input.footer);
  for (const note of input.notes) lines.push(formatNote(note));
  return lines.join('\n');
}
