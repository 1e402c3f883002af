/**
 * Event-study plot: dynamic effects by event time with confidence intervals (error bars and a
 * shaded band), a dashed zero line and a dotted vertical line at the reference period — the
 * layout of fixest's `iplot` and did's `ggdid` for dynamic aggregations.
 */
import { CausalPanelError } from '../../errors.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { extent, linearScale, niceDomain, niceTicks } from './scale.js';
import { COLORS, legend, refLine, titleText, xAxis, yAxis, type Box, type PlotOptions } from './layout.js';

/** One event-time estimate. */
export interface EventRow {
  /** Event time (periods relative to treatment). */
  e: number;
  estimate: number;
  confLow: number;
  confHigh: number;
}

/** Options of {@link eventStudyPlot}. */
export interface EventStudyPlotOptions extends PlotOptions {
  /** Reference period (normalised to 0; default -1). `null`: no reference marker. */
  ref?: number | null;
  /** Draw the shaded CI band (default true). */
  band?: boolean;
  /** Colour pre- and post-treatment points differently (default true). */
  colorByPeriod?: boolean;
}

/**
 * An SVG event-study plot.
 *
 * @throws CausalPanelError `empty_data` when `rows` is empty.
 * @example
 * eventStudyPlot(es.rows, { ref: -1, title: 'Event study: maths' });
 */
export function eventStudyPlot(rows: readonly EventRow[], options: EventStudyPlotOptions = {}): string {
  if (rows.length === 0) throw new CausalPanelError('empty_data', 'eventStudyPlot: no rows to plot (0)', { fn: 'eventStudyPlot', value: 0 });
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const ref = options.ref === undefined ? -1 : options.ref;
  const sorted = [...rows].sort((a, b) => a.e - b.e);
  const box: Box = { left: 64, top: options.title ? 58 : 32, width: width - 64 - 20, height: 0 };
  box.height = height - box.top - 56;
  const es = sorted.map((r) => r.e);
  if (ref !== null) es.push(ref);
  const [e0, e1] = extent(es);
  const x = linearScale([e0 - 0.6, e1 + 0.6], [box.left, box.left + box.width]);
  const [lo, hi] = extent([...sorted.flatMap((r) => [r.confLow, r.confHigh, r.estimate]), 0]);
  const y = linearScale(niceDomain(lo, hi, 6), [box.top + box.height, box.top]);
  const xTicks = niceTicks(e0, e1, Math.min(12, e1 - e0 + 1)).filter((v) => Number.isInteger(v));
  const colorOf = (e: number) => (options.colorByPeriod === false || e >= 0 ? COLORS.blue : COLORS.orange);
  const finite = sorted.filter((r) => Number.isFinite(r.confLow) && Number.isFinite(r.confHigh) && r.confHigh > r.confLow);
  const bandPath = (part: EventRow[]) =>
    part.length < 2
      ? null
      : el('path', {
          class: 'ci-band',
          d: `M${part.map((r) => `${x(r.e).toFixed(2)},${y(r.confHigh).toFixed(2)}`).join('L')}L${[...part].reverse().map((r) => `${x(r.e).toFixed(2)},${y(r.confLow).toFixed(2)}`).join('L')}Z`,
          fill: colorOf(part[0]!.e),
          'fill-opacity': 0.12,
          stroke: 'none',
        });
  // The reference period is drawn hollow at 0, whether or not the rows include it (fixest's
  // iplot and eventStudy() list it with estimate 0 and no interval).
  const isRefRow = (r: EventRow) => ref !== null && r.e === ref && !(Number.isFinite(r.confLow) && Number.isFinite(r.confHigh) && r.confHigh > r.confLow);
  const hasRef = ref !== null;
  const children: (SvgElement | null)[] = [
    titleText(options.title, 12),
    xAxis(x, box, options.xLabel ?? 'Periods relative to treatment', xTicks),
    yAxis(y, box, options.yLabel ?? 'Estimate and 95% CI'),
    options.band === false ? null : bandPath(finite.filter((r) => r.e < 0)),
    options.band === false ? null : bandPath(finite.filter((r) => r.e >= 0)),
    refLine('zero-line', box.left, y(0), box.left + box.width, y(0)),
    ref !== null ? refLine('ref-line', x(ref), box.top, x(ref), box.top + box.height, '2,3', COLORS.grey) : null,
    el('g', { class: 'points' }, [
      ...finite.map((r) => el('line', { class: 'ci', x1: x(r.e), x2: x(r.e), y1: y(r.confLow), y2: y(r.confHigh), stroke: colorOf(r.e), 'stroke-width': 2 })),
      ...sorted
        .filter((r) => Number.isFinite(r.estimate) && !isRefRow(r))
        .map((r) => el('circle', { class: 'point', cx: x(r.e), cy: y(r.estimate), r: 4.5, fill: colorOf(r.e) }, [el('title', {}, [`e = ${r.e}: ${r.estimate}`])])),
      hasRef ? el('circle', { class: 'ref-point', cx: x(ref), cy: y(0), r: 4.5, fill: 'white', stroke: COLORS.ink, 'stroke-width': 1.5 }) : null,
    ]),
    options.colorByPeriod === false
      ? null
      : legend(
          [
            { label: 'Pre-treatment', color: COLORS.orange },
            { label: 'Post-treatment', color: COLORS.blue },
            ...(hasRef ? [{ label: `Reference (e = ${ref})`, color: COLORS.ink, hollow: true }] : []),
          ],
          box.left,
          box.top - 12,
        ),
  ];
  return svgDocument(width, height, children, options.title);
}
