/**
 * Goodman-Bacon decomposition plot (bacondecomp's README figure, Goodman-Bacon 2021 Fig. 6): each
 * 2×2 comparison's DiD estimate against its weight, coloured by comparison type, with a dashed
 * line at the TWFE coefficient (the weighted average of the points). Takes a
 * `baconDecomposition()` result or its comparison rows.
 */
import { el, svgDocument, type SvgElement } from './svg.js';
import { checkRows, isFields, readPlotOptions, wrongInput } from './plotArguments.js';
import { extent, linearScale, niceDomain } from './scale.js';
import { COLORS, legend, refLine, titleText, xAxis, yAxis, type Box, type PlotOptions } from './layout.js';

/**
 * One comparison to plot: its estimate, weight and type (and the groups, for the tooltip).
 *
 * @example
 * const rows: BaconPoint[] = [{ treated: 2004, untreated: Infinity, estimate: -0.0797, weight: 0.082, type: 'Treated vs Untreated' }];
 * baconPlot(rows); // an SVG string
 */
export interface BaconPoint {
  estimate: number;
  weight: number;
  type: string;
  treated?: number;
  untreated?: number;
}

/**
 * Options of {@link baconPlot}.
 *
 * @example
 * const options: BaconPlotOptions = { title: 'Goodman-Bacon decomposition', width: 720 };
 */
export type BaconPlotOptions = PlotOptions;

const ACCEPTS = 'a baconDecomposition() result or rows { estimate, weight, type }';

const TYPE_COLORS: readonly string[] = [COLORS.blue, COLORS.orange, COLORS.green, COLORS.purple, COLORS.sky];

/**
 * An SVG scatter of the 2×2 estimates against their weights, by comparison type, with the TWFE
 * coefficient (the result's `twfeCoefficient`, else the weighted mean of the rows) as a dashed line.
 *
 * @throws {CausalPanelError} `empty_data` for no rows; `invalid_option` for anything else as first
 *   argument or a row without estimate / weight / type; `unknown_option`
 * @example
 * baconPlot(baconDecomposition({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' }), { title: 'Bacon decomposition' });
 * // '<?xml …?>\n<svg …>…' with one circle per comparison
 */
export function baconPlot(input: readonly BaconPoint[] | { comparisons: readonly BaconPoint[]; twfeCoefficient?: number }, options: BaconPlotOptions = {}): string {
  const fn = 'baconPlot';
  const params = readPlotOptions(fn, options, {});
  let rows: unknown = input;
  let twfe: number | undefined;
  if (!Array.isArray(input)) {
    if (!isFields(input) || !Array.isArray(input.comparisons)) throw wrongInput(fn, ACCEPTS, input);
    rows = input.comparisons;
    if (typeof input.twfeCoefficient === 'number') twfe = input.twfeCoefficient;
  }
  const checked = checkRows<BaconPoint>(fn, rows, { estimate: 'number', weight: 'number', type: 'string' }, ACCEPTS, Array.isArray(input) ? undefined : (input as Record<string, unknown>));
  if (twfe === undefined) {
    let sw = 0;
    let s = 0;
    for (const r of checked) {
      sw += r.weight;
      s += r.weight * r.estimate;
    }
    twfe = s / sw;
  }
  return drawBacon(checked, twfe, params);
}

function label(g: number | undefined): string {
  return g === undefined ? '?' : Number.isFinite(g) ? String(g) : 'never';
}

function drawBacon(rows: readonly BaconPoint[], twfe: number, options: PlotOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 420;
  const box: Box = { left: 72, top: options.title ? 58 : 32, width: width - 72 - 20, height: 0 };
  box.height = height - box.top - 56;
  const types = [...new Set(rows.map((r) => r.type))];
  const colorOf = (type: string) => TYPE_COLORS[types.indexOf(type) % TYPE_COLORS.length]!;
  const finite = rows.filter((r) => Number.isFinite(r.estimate) && Number.isFinite(r.weight));
  const [, wMax] = extent([0, ...finite.map((r) => r.weight)]);
  const x = linearScale(niceDomain(0, wMax > 0 ? wMax : 1, 6), [box.left, box.left + box.width]);
  const [lo, hi] = extent([0, twfe, ...finite.map((r) => r.estimate)].filter(Number.isFinite));
  const y = linearScale(niceDomain(lo, hi, 6), [box.top + box.height, box.top]);
  const children: (SvgElement | null)[] = [
    titleText(options.title, 12),
    xAxis(x, box, options.xLabel ?? 'Weight'),
    yAxis(y, box, options.yLabel ?? '2x2 DiD estimate'),
    refLine('zero-line', box.left, y(0), box.left + box.width, y(0), '2,3', COLORS.grey),
    Number.isFinite(twfe) ? refLine('twfe-line', box.left, y(twfe), box.left + box.width, y(twfe)) : null,
    el(
      'g',
      { class: 'points' },
      finite.map((r) =>
        el('circle', { class: 'point', cx: x(r.weight), cy: y(r.estimate), r: 5, fill: colorOf(r.type), 'fill-opacity': 0.85 }, [
          el('title', {}, [`${r.type}: ${label(r.treated)} vs ${label(r.untreated)}, weight ${r.weight}, estimate ${r.estimate}`]),
        ]),
      ),
    ),
    legend(types.map((type) => ({ label: type, color: colorOf(type) })), box.left, box.top - 12),
  ];
  return svgDocument(width, height, children, options.title);
}
