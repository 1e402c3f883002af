/**
 * Propensity-score overlap: mirrored histograms of the score for treated (above the axis) and
 * control units (below), as MatchIt's `plot(m, type = "hist")` shows common support.
 */
import { CausalPanelError } from '../../errors.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { linearScale, niceTicks } from './scale.js';
import { COLORS, legend, refLine, titleText, xAxis, type Box, type PlotOptions } from './layout.js';

/** Options of {@link overlapPlot}. */
export interface OverlapPlotOptions extends PlotOptions {
  /** Number of equal-width bins on [min, max] (default 20). */
  bins?: number;
  /** Histogram range (default [0, 1], the range of a probability). */
  range?: [number, number];
}

/**
 * Share of finite values in each of `bins` equal bins on [lo, hi] (values outside are clamped).
 *
 * @example
 * binShares([0.05, 0.15, 0.15, 0.95], 10, 0, 1); // [0.25, 0.5, 0, …, 0, 0.25]
 */
export function binShares(values: ArrayLike<number>, bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const k = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
    counts[k]! += 1;
    n += 1;
  }
  return counts.map((c) => (n > 0 ? c / n : 0));
}

/**
 * An SVG mirrored histogram of propensity scores.
 *
 * @throws CausalPanelError `empty_data` when either group has no finite score; `invalid_option`
 *   for bins < 1 or an empty range.
 * @example
 * overlapPlot({ treated: scores.filter((_, i) => treat[i] === 1), control: scores.filter((_, i) => treat[i] === 0) });
 */
export function overlapPlot(groups: { treated: ArrayLike<number>; control: ArrayLike<number> }, options: OverlapPlotOptions = {}): string {
  const bins = options.bins ?? 20;
  const [lo, hi] = options.range ?? [0, 1];
  if (!(bins >= 1) || !Number.isInteger(bins)) throw new CausalPanelError('invalid_option', `overlapPlot: bins must be a positive integer (${bins})`, { fn: 'overlapPlot', option: 'bins', value: bins });
  if (!(hi > lo)) throw new CausalPanelError('invalid_option', `overlapPlot: range must have max > min (${lo}, ${hi})`, { fn: 'overlapPlot', option: 'range', value: [lo, hi] });
  const finiteCount = (v: ArrayLike<number>) => Array.from(v as ArrayLike<number>).filter(Number.isFinite).length;
  if (finiteCount(groups.treated) === 0 || finiteCount(groups.control) === 0) {
    throw new CausalPanelError('empty_data', 'overlapPlot: a group has no finite scores (treated or control)', { fn: 'overlapPlot' });
  }
  const treated = binShares(groups.treated, bins, lo, hi);
  const control = binShares(groups.control, bins, lo, hi);
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const box: Box = { left: 64, top: options.title ? 60 : 34, width: width - 64 - 20, height: 0 };
  box.height = height - box.top - 56;
  const x = linearScale([lo, hi], [box.left, box.left + box.width]);
  const top = Math.max(...treated, ...control);
  const yTicks = niceTicks(0, top, 3);
  const yMax = Math.max(top, yTicks[yTicks.length - 1] ?? top);
  const mid = box.top + box.height / 2;
  const h = (share: number) => (share / yMax) * (box.height / 2);
  const bw = box.width / bins;
  const bars = (shares: number[], up: boolean, color: string, cls: string): SvgElement[] =>
    shares.map((s, k) =>
      el('rect', { class: `bar ${cls}`, x: box.left + k * bw + 0.5, y: up ? mid - h(s) : mid, width: Math.max(0, bw - 1), height: h(s), fill: color, 'fill-opacity': 0.75 }),
    );
  const yLabels = yTicks.flatMap((v) => [
    el('text', { x: box.left - 7, y: mid - h(v) + 4, 'text-anchor': 'end', fill: COLORS.axis }, [String(Number(v.toPrecision(3)))]),
    v === 0 ? null : el('text', { x: box.left - 7, y: mid + h(v) + 4, 'text-anchor': 'end', fill: COLORS.axis }, [String(Number(v.toPrecision(3)))]),
    el('line', { class: 'grid', x1: box.left, x2: box.left + box.width, y1: mid - h(v), y2: mid - h(v), stroke: COLORS.grid }),
    el('line', { class: 'grid', x1: box.left, x2: box.left + box.width, y1: mid + h(v), y2: mid + h(v), stroke: COLORS.grid }),
  ]);
  return svgDocument(
    width,
    height,
    [
      titleText(options.title, 12),
      xAxis(x, box, options.xLabel ?? 'Propensity score'),
      el('g', { class: 'y-axis' }, [
        ...yLabels,
        el('line', { x1: box.left, x2: box.left, y1: box.top, y2: box.top + box.height, stroke: COLORS.axis }),
        el('text', { class: 'axis-label', x: 0, y: 0, transform: `translate(${box.left - 46},${mid}) rotate(-90)`, 'text-anchor': 'middle', fill: COLORS.ink }, [options.yLabel ?? 'Share of units']),
      ]),
      el('g', { class: 'bars' }, [...bars(treated, true, COLORS.blue, 'treated'), ...bars(control, false, COLORS.orange, 'control')]),
      refLine('zero-line', box.left, mid, box.left + box.width, mid, 'none', COLORS.axis),
      legend(
        [
          { label: 'Treated (above)', color: COLORS.blue, shape: 'rect' },
          { label: 'Control (below)', color: COLORS.orange, shape: 'rect' },
        ],
        box.left,
        box.top - 12,
      ),
    ],
    options.title,
  );
}
