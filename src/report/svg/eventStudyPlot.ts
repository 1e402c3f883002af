/**
 * Event-study plot: dynamic effects by event time with confidence intervals (error bars and a
 * shaded band), a dashed zero line and a dotted vertical line at the reference period — the
 * layout of fixest's `iplot` and did's `ggdid` for dynamic aggregations. Takes an eventStudy()
 * result, an attgt dynamic aggregation, or rows with `e`.
 */
import { invalidOption, opt } from '../../options.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { checkRows, isFields, readPlotOptions, wrongInput } from './plotArguments.js';
import { extent, linearScale, niceDomain, niceTicks } from './scale.js';
import { COLORS, legend, refLine, titleText, xAxis, yAxis, type Box, type PlotOptions } from './layout.js';

/**
 * One event-time estimate.
 *
 * @example
 * const rows: EventRow[] = [{ e: -1, estimate: 0, confLow: 0, confHigh: 0 }, { e: 0, estimate: 0.5, confLow: 0.2, confHigh: 0.8 }];
 * eventStudyPlot(rows); // '<?xml version="1.0" encoding="UTF-8"?>\n<svg …>…</svg>'
 */
export interface EventRow {
  /** Event time (periods relative to treatment). */
  e: number;
  estimate: number;
  confLow: number;
  confHigh: number;
}

/**
 * Options of {@link eventStudyPlot}.
 *
 * @example
 * const options: EventStudyPlotOptions = { ref: -1, band: false, title: 'Event study', width: 800 };
 * eventStudyPlot(eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }), options);
 * // '<?xml …?>\n<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400" …>…'
 */
export interface EventStudyPlotOptions extends PlotOptions {
  /**
   * Reference period(s) normalised to 0, drawn hollow at 0 with a dotted line at the first (fixest
   * `iplot`'s `ref.line`). Default: an eventStudy result's `ref`; none for an attgt aggregation
   * (did has no normalised period); -1 for rows. `null`: no reference marker.
   */
  ref?: number | readonly number[] | null;
  /** Draw the shaded CI band (default true). */
  band?: boolean;
  /** Colour pre- and post-treatment points differently (default true). */
  colorByPeriod?: boolean;
}

/**
 * What {@link eventStudyPlot} reads from a result: rows with `e`, and `ref` (eventStudy) or `type` (attgt aggregation).
 *
 * @example
 * const es: EventStudyLike = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * es.ref; // [-1]
 * eventStudyPlot(es); // the reference period -1 drawn hollow at 0
 */
export interface EventStudyLike {
  rows: readonly EventRow[];
  ref?: readonly number[];
  type?: string;
}

const ACCEPTS = "an eventStudy() result, an attgt aggregate('dynamic') or rows { e, estimate, confLow, confHigh }";

const refOption = opt.custom((value, at): number[] | null | undefined => {
  if (value === undefined || value === null) return value;
  const refs = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as unknown[]) : null;
  if (refs === null || refs.length === 0 || !refs.every((r) => typeof r === 'number' && Number.isFinite(r))) throw invalidOption(at, 'a finite number, an array of them, or null', value);
  return refs as number[];
});

/**
 * An SVG event-study plot of an eventStudy() result, an attgt dynamic aggregation, or rows.
 *
 * @throws {CausalPanelError} `empty_data` when there are no rows; `invalid_option` for anything
 *   else as first argument, an aggregation that is not `'dynamic'`, or a row without e /
 *   estimate / confLow / confHigh; `unknown_option`
 * @example
 * eventStudyPlot(eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' }), { title: 'Event study' });
 * eventStudyPlot(attgt({ ... }).aggregate('dynamic'));   // no reference period
 * eventStudyPlot(rows, { ref: -1 });
 */
export function eventStudyPlot(input: readonly EventRow[] | EventStudyLike, options: EventStudyPlotOptions = {}): string {
  const fn = 'eventStudyPlot';
  const params = readPlotOptions(fn, options, { ref: refOption, band: opt.boolean(true), colorByPeriod: opt.boolean(true) });
  let rows: unknown = input;
  let refs: readonly number[] | null = params.ref === undefined ? [-1] : params.ref;
  let yLabel = params.yLabel;
  if (isFields(input)) {
    if (!Array.isArray(input.rows)) throw wrongInput(fn, ACCEPTS, input);
    if (typeof input.type === 'string' && input.type !== 'dynamic') {
      throw wrongInput(fn, `${ACCEPTS}; an aggregation of type "${input.type}" has no event times`, input);
    }
    rows = input.rows;
    if (params.yLabel === undefined && typeof input.level === 'number') yLabel = `Estimate and ${Number((100 * input.level).toPrecision(6))}% CI`;
    if (params.ref === undefined) refs = Array.isArray(input.ref) && input.ref.every((r) => typeof r === 'number') ? (input.ref as number[]) : null;
  }
  const checked = checkRows<EventRow>(fn, rows, { e: 'number', estimate: 'number', confLow: 'number', confHigh: 'number' }, ACCEPTS, isFields(input) ? input : undefined);
  return drawEventStudy(checked, refs !== null && refs.length > 0 ? refs : null, { ...params, yLabel });
}

function drawEventStudy(rows: readonly EventRow[], refs: readonly number[] | null, options: PlotOptions & { band: boolean; colorByPeriod: boolean }): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const ref = refs === null ? null : refs[0]!;
  const sorted = [...rows].sort((a, b) => a.e - b.e);
  const box: Box = { left: 64, top: options.title ? 58 : 32, width: width - 64 - 20, height: 0 };
  box.height = height - box.top - 56;
  const es = sorted.map((r) => r.e);
  if (refs !== null) es.push(...refs);
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
  const isRefRow = (r: EventRow) => refs !== null && refs.includes(r.e) && !(Number.isFinite(r.confLow) && Number.isFinite(r.confHigh) && r.confHigh > r.confLow);
  const hasRef = refs !== null;
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
      ...(refs ?? []).map((r) => el('circle', { class: 'ref-point', cx: x(r), cy: y(0), r: 4.5, fill: 'white', stroke: COLORS.ink, 'stroke-width': 1.5 })),
    ]),
    options.colorByPeriod === false
      ? null
      : legend(
          [
            { label: 'Pre-treatment', color: COLORS.orange },
            { label: 'Post-treatment', color: COLORS.blue },
            ...(hasRef ? [{ label: `Reference (e = ${refs.join(', ')})`, color: COLORS.ink, hollow: true }] : []),
          ],
          box.left,
          box.top - 12,
        ),
  ];
  return svgDocument(width, height, children, options.title);
}
