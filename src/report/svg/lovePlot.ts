/**
 * Love plot (cobalt's `love.plot`, MatchIt's `plot(summary(m))`): the absolute standardised mean
 * difference of each covariate before (hollow) and after (filled) matching, with a dashed line at
 * the 0.1 balance threshold.
 */
import { CausalPanelError } from '../../errors.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { extent, linearScale, niceDomain } from './scale.js';
import { categoryAxis, COLORS, legend, refLine, textWidth, titleText, xAxis, type Box, type PlotOptions } from './layout.js';

/** SMD of one covariate before and after matching (NaN = not available: no mark). */
export interface BalancePoint {
  term: string;
  before: number;
  after: number;
}

/** Options of {@link lovePlot}. */
export interface LovePlotOptions extends PlotOptions {
  /** Balance threshold drawn as a dashed line (default 0.1). */
  threshold?: number;
  /** Plot |SMD| (default true) or signed SMD with lines at ±threshold. */
  absolute?: boolean;
}

/**
 * An SVG Love plot.
 *
 * @throws CausalPanelError `empty_data` when `rows` is empty.
 * @example
 * const b = m.balance();
 * lovePlot(b.before.map((r, i) => ({ term: r.term, before: r.stdMeanDiff, after: b.after[i].stdMeanDiff })));
 */
export function lovePlot(rows: readonly BalancePoint[], options: LovePlotOptions = {}): string {
  if (rows.length === 0) throw new CausalPanelError('empty_data', 'lovePlot: no rows to plot (0)', { fn: 'lovePlot', value: 0 });
  const threshold = options.threshold ?? 0.1;
  const absolute = options.absolute ?? true;
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
