/**
 * Coefficient (point-range) plot: one row per term, the estimate as a dot and its confidence
 * interval as a line, a dashed line at zero (fixest's `coefplot`, modelsummary's `modelplot`).
 * Takes any result with `tidy(level?)` or its rows.
 */
import { invalidOption, opt } from '../../options.js';
import type { Estimate } from '../../estimate.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { checkRows, isFields, readPlotOptions, textOption, wrongInput } from './plotArguments.js';
import { extent, linearScale, niceDomain } from './scale.js';
import { categoryAxis, COLORS, refLine, textWidth, titleText, xAxis, type Box, type PlotOptions } from './layout.js';

/**
 * A row to plot: an Estimate or anything with these fields.
 *
 * @example
 * const rows: PointRange[] = [{ term: 'x1', estimate: 0.98, confLow: 0.89, confHigh: 1.07 }];
 * coefPlot(rows); // an SVG string
 */
export interface PointRange {
  term: string;
  estimate: number;
  confLow: number;
  confHigh: number;
}

/**
 * Options of {@link coefPlot}.
 *
 * @example
 * const options: CoefPlotOptions = { title: 'TWFE estimates', level: 0.9, reference: null, color: '#0072B2' };
 * coefPlot(fit, options); // x axis: "Estimate and 90% CI"; no reference line
 */
export interface CoefPlotOptions extends PlotOptions {
  /** Where the dashed reference line goes (default 0; `null` for none). */
  reference?: number | null;
  /** Dot colour. */
  color?: string;
  /** Confidence level of the intervals of a result (`tidy(level)`; default the result's own). */
  level?: number;
}

// The `reference` option: a finite number, or null for no line.
const referenceOption = opt.custom((value, at): number | null | undefined => {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidOption(at, 'a finite number or null', value);
  return value;
});

/**
 * The fields of a point-range row, as {@link checkRows} checks them.
 *
 * @example
 * checkRows('mediationPlot', rows, POINT_RANGE_FIELDS, 'rows { term, estimate, confLow, confHigh }');
 */
export const POINT_RANGE_FIELDS = { term: 'string', estimate: 'number', confLow: 'number', confHigh: 'number' } as const;

/**
 * Anything with `tidy(level?)` rows (every result).
 *
 * @example
 * const result: Tidyable = feols('y ~ x1 | id + period', baseDid);
 * coefPlot(result, { level: 0.9 }); // plots result.tidy(0.9)
 */
export interface Tidyable {
  tidy(level?: number): readonly Estimate[];
}

/**
 * Draws point-ranges into `box` (shared by coefPlot and mediationPlot): x axis, one labelled
 * row per term, the reference line, CI segments and dots.
 *
 * @example
 * svgDocument(640, 200, pointRangePanel(rows, { left: 120, top: 16, width: 500, height: 130 }, {}));
 */
export function pointRangePanel(rows: readonly PointRange[], box: Box, options: Pick<CoefPlotOptions, 'reference' | 'color' | 'xLabel'>): SvgElement[] {
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

const ACCEPTS = 'a result with tidy() or rows { term, estimate, confLow, confHigh }';

/**
 * An SVG coefficient plot of a result's `tidy()` rows (feols / glm fits, did, eventStudy, attgt,
 * matching and mediation results, …) or of rows.
 *
 * @throws {CausalPanelError} `empty_data` when there are no rows; `invalid_option` for anything
 *   else as first argument or a row without term / estimate / confLow / confHigh; `unknown_option`
 * @example
 * const svg = coefPlot(feols('y ~ x1 + treat_post | id', data), { title: 'TWFE estimates', level: 0.9 });
 * // '<?xml version="1.0" ...><svg ...>...</svg>' (x axis: "Estimate and 90% CI")
 * coefPlot(fit.tidy().filter((r) => r.term !== '(Intercept)'));
 */
export function coefPlot(input: readonly PointRange[] | Tidyable, options: CoefPlotOptions = {}): string {
  const fn = 'coefPlot';
  const params = readPlotOptions(fn, options, { reference: referenceOption, color: textOption(), level: opt.custom((v, at) => (v === undefined ? undefined : opt.level().read(v, at))) });
  let level = params.level;
  let rows: unknown = input;
  if (isFields(input)) {
    if (typeof input.tidy !== 'function') throw wrongInput(fn, ACCEPTS, input);
    rows = (input.tidy as (level?: number) => unknown).call(input, params.level);
    if (level === undefined && typeof input.level === 'number') level = input.level;
  } else if (params.level !== undefined) {
    throw invalidOption({ fn, key: 'level' }, 'given only with a result (rows carry their own intervals)', params.level);
  }
  const checked = checkRows<PointRange>(fn, rows, POINT_RANGE_FIELDS, ACCEPTS, isFields(input) ? input : undefined);
  const xLabel = params.xLabel ?? `Estimate and ${Number((100 * (level ?? 0.95)).toPrecision(6))}% CI`;
  const width = params.width ?? 640;
  const height = params.height ?? Math.max(180, 90 + 34 * checked.length);
  const left = Math.min(width / 2, 24 + Math.max(...checked.map((r) => textWidth(r.term))));
  const box: Box = { left, top: params.title ? 40 : 16, width: width - left - 24, height: 0 };
  box.height = height - box.top - 50;
  return svgDocument(width, height, [titleText(params.title, 12), ...pointRangePanel(checked, box, { ...params, xLabel })], params.title);
}
