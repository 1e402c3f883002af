/**
 * Love plot (cobalt's `love.plot`, MatchIt's `plot(summary(m))`): the absolute standardised mean
 * difference of each covariate before (hollow) and after (filled) matching, with a dashed line at
 * the 0.1 balance threshold. Takes a matchit result (its `balance()`) or rows.
 */
import { opt } from '../../options.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { checkRows, isFields, readPlotOptions, wrongInput } from './plotArguments.js';
import { extent, linearScale, niceDomain } from './scale.js';
import { categoryAxis, COLORS, legend, refLine, textWidth, titleText, xAxis, type Box, type PlotOptions } from './layout.js';

/**
 * SMD of one covariate before and after matching (NaN = not available: no mark).
 *
 * @example
 * const rows: BalancePoint[] = [{ term: 'age', before: -0.31, after: 0.06 }];
 * lovePlot(rows, { absolute: false }); // an SVG string
 */
export interface BalancePoint {
  term: string;
  before: number;
  after: number;
}

/**
 * Options of {@link lovePlot}.
 *
 * @example
 * const options: LovePlotOptions = { threshold: 0.05, absolute: false, title: 'Balance' };
 * lovePlot(matchit({ formula: 'treat ~ age + educ + re74', data: lalonde }), options); // signed SMDs, lines at ±0.05
 */
export interface LovePlotOptions extends PlotOptions {
  /** Balance threshold drawn as a dashed line (default 0.1). */
  threshold?: number;
  /** Plot |SMD| (default true) or signed SMD with lines at ±threshold. */
  absolute?: boolean;
}

/**
 * What {@link lovePlot} reads from a matching result: MatchIt's `summary(m)` balance tables.
 *
 * @example
 * const m: BalanceTables = matchit({ formula: 'treat ~ age + educ + re74', data: lalonde });
 * m.balance().before[1]; // { term: 'age', stdMeanDiff: ≈ -0.309445, … }; after: ≈ 0.0423063
 */
export interface BalanceTables {
  balance(): { before: readonly { term: string; stdMeanDiff: number | null }[]; after: readonly { term: string; stdMeanDiff: number | null }[] };
}

const ACCEPTS = 'a matchit result (with balance()) or rows { term, before, after }';

/** Rows of a Love plot from balance tables: each term's SMD before and after (NaN where absent). */
function balancePoints(tables: unknown, fn: string): BalancePoint[] {
  const ok = isFields(tables) && Array.isArray(tables.before) && Array.isArray(tables.after);
  if (!ok) throw wrongInput(fn, `${ACCEPTS}; balance() returned something else`, tables);
  const smd = (row: unknown): number => (isFields(row) && typeof row.stdMeanDiff === 'number' ? row.stdMeanDiff : NaN);
  const after = new Map((tables.after as unknown[]).filter(isFields).map((row) => [row.term, row]));
  return (tables.before as unknown[]).filter(isFields).map((row) => ({ term: String(row.term), before: smd(row), after: smd(after.get(row.term)) }));
}

/**
 * An SVG Love plot of a matchit result's balance (MatchIt's `summary(m)`: standardised mean
 * differences of all units before matching and of the matched sample after), or of rows.
 *
 * @throws {CausalPanelError} `empty_data` when there are no rows; `invalid_option` for anything
 *   else as first argument (e.g. `42`) or a row without term / before / after; `unknown_option`
 * @example
 * lovePlot(matchit({ formula: 'treat ~ age + educ + re74', data: lalonde }), { title: 'Balance' });
 * lovePlot([{ term: 'age', before: -0.31, after: 0.06 }], { absolute: false });
 */
export function lovePlot(input: readonly BalancePoint[] | BalanceTables, options: LovePlotOptions = {}): string {
  const fn = 'lovePlot';
  const params = readPlotOptions(fn, options, { threshold: opt.number({ min: 0, exclusiveMin: true, default: 0.1 }), absolute: opt.boolean(true) });
  let rows: unknown = input;
  if (isFields(input)) {
    if (typeof input.balance !== 'function') throw wrongInput(fn, ACCEPTS, input);
    rows = balancePoints((input.balance as () => unknown).call(input), fn);
  }
  const checked = checkRows<BalancePoint>(fn, rows, { term: 'string', before: 'number', after: 'number' }, ACCEPTS);
  return drawLovePlot(checked, params);
}

function drawLovePlot(rows: readonly BalancePoint[], options: LovePlotOptions & { threshold: number; absolute: boolean }): string {
  const { threshold, absolute } = options;
  const f = (v: number) => (absolute ? Math.abs(v) : v);
  const width = options.width ?? 640;
  const height = options.height ?? Math.max(200, 110 + 28 * rows.length);
  const left = Math.min(width / 2, 24 + Math.max(...rows.map((r) => textWidth(r.term))));
  const box: Box = { left, top: options.title ? 58 : 34, width: width - left - 24, height: 0 };
  box.height = height - box.top - 50;
  const [lo, hi] = extent([...rows.flatMap((r) => [f(r.before), f(r.after)]), threshold, absolute ? 0 : -threshold]);
  const x = linearScale(niceDomain(lo, hi, 6), [box.left, box.left + box.width]);
  const step = box.height / rows.length;
  const yAt = (i: number) => box.top + step * (i + 0.5);
  const lines: (SvgElement | null)[] = [
    refLine('threshold-line', x(threshold), box.top, x(threshold), box.top + box.height),
    absolute ? null : refLine('threshold-line', x(-threshold), box.top, x(-threshold), box.top + box.height),
    refLine('zero-line', x(0), box.top, x(0), box.top + box.height, 'none', COLORS.axis),
  ];
  return svgDocument(
    width,
    height,
    [
      titleText(options.title, 12),
      xAxis(x, box, options.xLabel ?? (absolute ? 'Absolute standardized mean difference' : 'Standardized mean difference')),
      categoryAxis(rows.map((r) => r.term), yAt, box),
      ...lines,
      el('g', { class: 'points' }, [
        ...rows.map((r, i) => Number.isFinite(r.before) && Number.isFinite(r.after) && el('line', { class: 'shift', x1: x(f(r.before)), x2: x(f(r.after)), y1: yAt(i), y2: yAt(i), stroke: COLORS.grey, 'stroke-width': 1 })),
        ...rows.map((r, i) =>
          Number.isFinite(r.before) && el('circle', { class: 'point before', cx: x(f(r.before)), cy: yAt(i), r: 4.5, fill: 'white', stroke: COLORS.orange, 'stroke-width': 1.8 }, [el('title', {}, [`${r.term} before: ${r.before}`])]),
        ),
        ...rows.map((r, i) => Number.isFinite(r.after) && el('circle', { class: 'point after', cx: x(f(r.after)), cy: yAt(i), r: 4.5, fill: COLORS.blue }, [el('title', {}, [`${r.term} after: ${r.after}`])])),
      ]),
      legend(
        [
          { label: 'All (before)', color: COLORS.orange, hollow: true },
          { label: 'Matched (after)', color: COLORS.blue },
        ],
        box.left,
        box.top - 12,
      ),
    ],
    options.title,
  );
}
