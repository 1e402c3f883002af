/**
 * HonestDiD's sensitivity plot (`createSensitivityPlot`, `createSensitivityPlot_relativeMagnitudes`):
 * the robust confidence interval of θ for each M (or M̄) as a vertical bar, the original interval
 * first and in another colour, a dashed line at 0. Reads a `honestDid()` result structurally
 * (`rows { M, lb, ub }`, `original { lb, ub }`, `type`, `method`), or rows.
 */
import { CausalPanelError } from '../../errors.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { checkRows, isFields, readPlotOptions, wrongInput } from './plotArguments.js';
import { extent, linearScale, niceDomain } from './scale.js';
import { COLORS, legend, refLine, titleText, xAxis, yAxis, type Box, type PlotOptions } from './layout.js';

/**
 * One robust interval to draw.
 *
 * @example
 * const row: SensitivityInterval = { M: 0.5, lb: -0.051, ub: 0.017 };
 */
export interface SensitivityInterval {
  M: number;
  lb: number;
  ub: number;
}

/**
 * What {@link honestDidPlot} reads from a `honestDid()` result.
 *
 * @example
 * const hd: HonestDidLike = honestDid(es, { type: 'relativeMagnitudes', Mbar: [0, 1, 2] });
 */
export interface HonestDidLike {
  rows: readonly SensitivityInterval[];
  original?: { lb: number; ub: number };
  type?: string;
  method?: string;
}

const ACCEPTS = 'a honestDid() result or rows { M, lb, ub }';

/**
 * An SVG sensitivity plot: the original interval then one robust interval per M (or M̄).
 *
 * @throws {CausalPanelError} `empty_data` when there are no rows; `invalid_option` for anything
 *   else as first argument or a row without M / lb / ub; `unknown_option`
 * @example
 * honestDidPlot(honestDid(es, { type: 'relativeMagnitudes', Mbar: [0, 0.5, 1, 1.5, 2] }), { title: 'Sensitivity' });
 * // '<?xml …?><svg …>…</svg>': bars at "Original", 0, 0.5, …; x axis "Mbar"
 */
export function honestDidPlot(input: HonestDidLike | readonly SensitivityInterval[], options: PlotOptions = {}): string {
  const fn = 'honestDidPlot';
  const params = readPlotOptions(fn, options, {});
  let rows: unknown = input;
  let original: { lb: number; ub: number } | undefined;
  let parameter = 'M';
  let method: string | undefined;
  if (isFields(input)) {
    if (!Array.isArray(input.rows)) throw wrongInput(fn, ACCEPTS, input);
    rows = input.rows;
    const o = input.original;
    if (isFields(o) && typeof o.lb === 'number' && typeof o.ub === 'number') original = { lb: o.lb, ub: o.ub };
    if (input.type === 'relativeMagnitudes') parameter = 'Mbar';
    if (typeof input.method === 'string') method = input.method;
  }
  const checked = checkRows<SensitivityInterval>(fn, rows, { M: 'number', lb: 'number', ub: 'number' }, ACCEPTS, isFields(input) ? input : undefined);
  if (checked.some((r, i) => i > 0 && !(r.M > checked[i - 1]!.M))) {
    throw new CausalPanelError('invalid_option', `${fn}: rows must be in increasing M (got ${checked.map((r) => r.M).join(', ')})`, { fn });
  }

  const width = params.width ?? 640;
  const height = params.height ?? 400;
  const box: Box = { left: 72, top: params.title ? 58 : 32, width: width - 72 - 20, height: 0 };
  box.height = height - box.top - 56;
  // The original interval sits one step left of the smallest M (HonestDiD's plots do the same).
  const ms = checked.map((r) => r.M);
  const step = ms.length > 1 ? (ms[ms.length - 1]! - ms[0]!) / (ms.length - 1) : 1;
  const originalAt = ms[0]! - step;
  const xs = original === undefined ? ms : [originalAt, ...ms];
  const [x0, x1] = extent(xs);
  const pad = 0.6 * step;
  const x = linearScale([x0 - pad, x1 + pad], [box.left, box.left + box.width]);
  const finite = checked.filter((r) => Number.isFinite(r.lb) && Number.isFinite(r.ub));
  const values = [0, ...finite.flatMap((r) => [r.lb, r.ub]), ...(original === undefined ? [] : [original.lb, original.ub])];
  const [lo, hi] = extent(values);
  const y = linearScale(niceDomain(lo, hi, 6), [box.top + box.height, box.top]);
  const label = (v: number): string => (original !== undefined && Math.abs(v - originalAt) < 1e-9 * Math.max(1, Math.abs(step)) ? 'Original' : String(Number(v.toPrecision(4))));
  const bar = (cls: string, at: number, lb: number, ub: number, color: string, title: string): SvgElement[] => [
    el('line', { class: cls, x1: x(at), x2: x(at), y1: y(lb), y2: y(ub), stroke: color, 'stroke-width': 2 }, [el('title', {}, [title])]),
    el('line', { class: `${cls}-cap`, x1: x(at) - 6, x2: x(at) + 6, y1: y(lb), y2: y(lb), stroke: color, 'stroke-width': 2 }),
    el('line', { class: `${cls}-cap`, x1: x(at) - 6, x2: x(at) + 6, y1: y(ub), y2: y(ub), stroke: color, 'stroke-width': 2 }),
  ];
  const children: (SvgElement | null)[] = [
    titleText(params.title, 12),
    xAxis(x, box, params.xLabel ?? parameter, xs, label),
    yAxis(y, box, params.yLabel ?? 'Confidence interval'),
    refLine('zero-line', box.left, y(0), box.left + box.width, y(0)),
    el('g', { class: 'intervals' }, [
      ...(original === undefined ? [] : bar('original', originalAt, original.lb, original.ub, COLORS.orange, `Original: [${original.lb}, ${original.ub}]`)),
      ...finite.flatMap((r) => bar('robust', r.M, r.lb, r.ub, COLORS.blue, `${parameter} = ${r.M}: [${r.lb}, ${r.ub}]`)),
    ]),
    legend(
      [
        ...(original === undefined ? [] : [{ label: 'Original', color: COLORS.orange, shape: 'rect' as const }]),
        { label: method === undefined ? 'Robust' : `Robust (${method})`, color: COLORS.blue, shape: 'rect' as const },
      ],
      box.left,
      box.top - 12,
    ),
  ];
  return svgDocument(width, height, children, params.title);
}
