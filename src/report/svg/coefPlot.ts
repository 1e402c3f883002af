/**
 * Coefficient (point-range) plot: one row per term, the estimate as a dot and its confidence
 * interval as a line, a dashed line at zero (fixest's `coefplot`, modelsummary's `modelplot`).
 */
import { CausalPanelError } from '../../errors.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { extent, linearScale, niceDomain } from './scale.js';
import { categoryAxis, COLORS, refLine, textWidth, titleText, xAxis, type Box, type PlotOptions } from './layout.js';

/** A row to plot: an Estimate or anything with these fields. */
export interface PointRange {
  term: string;
  estimate: number;
  confLow: number;
  confHigh: number;
}

/** Options of {@link coefPlot}. */
export interface CoefPlotOptions extends PlotOptions {
  /** Where the dashed reference line goes (default 0; `null` for none). */
  reference?: number | null;
  /** Dot colour. */
  color?: string;
}

/**
 * Draws point-ranges into `box` (shared by coefPlot and mediationPlot): x axis, one labelled
 * row per term, the reference line, CI segments and dots.
 *
 * @example
 * svgDocument(640, 200, pointRangePanel(rows, { left: 120, top: 16, width: 500, height: 130 }, {}));
 */
export function pointRangePanel(rows: readonly PointRange[], box: Box, options: CoefPlotOptions): SvgElement[] {
  const reference = options.reference === undefined ? 0 : options.reference;
  const values = rows.flatMap((r) => [r.estimate, r.confLow, r.confHigh]);
  if (reference !== null) values.push(reference);
  const [lo, hi] = extent(values);
  const x = linearScale(niceDomain(lo, hi, 6), [box.left, box.left + box.width]);
  const step = box.height / Math.max(1, rows.length);
  const yAt = (i: number) => box.top + step * (i + 0.5);
  const color = options.color ?? COLORS.blue;
  return [
    xAxis(x, box, options.xLabel ?? 'Estimate and 95% CI'),
    categoryAxis(rows.map((r) => r.term), yAt, box),
    reference !== null ? refLine('zero-line', x(reference), box.top, x(reference), box.top + box.height) : null,
    el(
      'g',
      { class: 'points' },
      rows.flatMap((r, i) => [
        Number.isFinite(r.confLow) && Number.isFinite(r.confHigh)
          ? el('line', { class: 'ci', x1: x(r.confLow), x2: x(r.confHigh), y1: yAt(i), y2: yAt(i), stroke: color, 'stroke-width': 2 })
          : null,
        Number.isFinite(r.estimate) ? el('circle', { class: 'point', cx: x(r.estimate), cy: yAt(i), r: 4.5, fill: color }, [el('title', {}, [`${r.term}: ${r.estimate}`])]) : null,
      ]).filter((e): e is SvgElement => e !== null),
    ),
  ].filter((e): e is SvgElement => e !== null);
}

/**
 * An SVG coefficient plot of tidy rows.
 *
 * @throws CausalPanelError `empty_data` when `rows` is empty.
 * @example
 * const svg = coefPlot(fit.tidy(), { title: 'TWFE estimates' });
 * // '<?xml version="1.0" ...><svg ...>...</svg>'
 */
export function coefPlot(rows: readonly PointRange[], options: CoefPlotOptions = {}): string {
  if (rows.length === 0) throw new CausalPanelError('empty_data', 'coefPlot: no rows to plot (0)', { fn: 'coefPlot', value: 0 });
  const width = options.width ?? 640;
  const height = options.height ?? Math.max(180, 90 + 34 * rows.length);
  const left = Math.min(width / 2, 24 + Math.max(...rows.map((r) => textWidth(r.term))));
  const box: Box = { left, top: options.title ? 40 : 16, width: width - left - 24, height: 0 };
  box.height = height - box.top - 50;
  return svgDocument(width, height, [titleText(options.title, 12), ...pointRangePanel(rows, box, options)], options.title);
}
