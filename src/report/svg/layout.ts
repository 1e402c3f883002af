/**
 * Shared pieces of every plot: colours, margins, axes with nice ticks, grid lines, titles and a
 * legend. Plots compose these, so all figures look alike.
 */
import { el, type SvgElement } from './svg.js';
import type { LinearScale } from './scale.js';

/**
 * Colours (Okabe–Ito, readable in grey and by colour-blind readers).
 *
 * @example
 * el('circle', { r: 4, fill: COLORS.blue });
 */
export const COLORS = {
  ink: '#222222',
  grid: '#e6e6e6',
  axis: '#555555',
  blue: '#0072B2',
  orange: '#D55E00',
  green: '#009E73',
  purple: '#CC79A7',
  grey: '#8c8c8c',
  sky: '#56B4E9',
} as const;

/** Plot box inside the SVG. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Size and labels shared by all plot functions.
 *
 * @example
 * const options: PlotOptions = { width: 900, height: 600, title: 'ATT(g, t)', xLabel: 'Year', yLabel: 'ATT' };
 * attgtPlot(attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }), options);
 * // '<?xml …?>\n<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600" …>…'
 */
export interface PlotOptions {
  /** SVG width in px (default 640). */
  width?: number;
  /** SVG height in px (default depends on the plot). */
  height?: number;
  /** Title above the plot. */
  title?: string;
  /** x-axis label. */
  xLabel?: string;
  /** y-axis label. */
  yLabel?: string;
}

// A tick label: integers as is, others with up to 4 significant digits and no float noise
// (0.30000000000000004 → '0.3').
function tickLabel(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/**
 * The plot title (bold, top left); null without a title.
 *
 * @example
 * titleText('Event study', 12); // <text class="title" …>Event study</text>
 */
export function titleText(title: string | undefined, x: number, y = 22): SvgElement | null {
  return title ? el('text', { class: 'title', x, y, 'font-size': 15, 'font-weight': 'bold', fill: COLORS.ink }, [title]) : null;
}

/**
 * A horizontal x axis under `box` with nice ticks, vertical grid lines and an axis label.
 *
 * @example
 * xAxis(linearScale([0, 1], [60, 620]), box, 'Propensity score');
 */
export function xAxis(x: LinearScale, box: Box, label?: string, ticks?: readonly number[], format: (v: number) => string = tickLabel): SvgElement {
  const y0 = box.top + box.height;
  const values = ticks ?? x.ticks(6);
  return el('g', { class: 'x-axis' }, [
    ...values.map((v) => el('line', { class: 'grid', x1: x(v), x2: x(v), y1: box.top, y2: y0, stroke: COLORS.grid })),
    el('line', { x1: box.left, x2: box.left + box.width, y1: y0, y2: y0, stroke: COLORS.axis }),
    ...values.map((v) =>
      el('g', { class: 'tick' }, [
        el('line', { x1: x(v), x2: x(v), y1: y0, y2: y0 + 4, stroke: COLORS.axis }),
        el('text', { x: x(v), y: y0 + 17, 'text-anchor': 'middle', fill: COLORS.axis }, [format(v)]),
      ]),
    ),
    label ? el('text', { class: 'axis-label', x: box.left + box.width / 2, y: y0 + 36, 'text-anchor': 'middle', fill: COLORS.ink }, [label]) : null,
  ]);
}

/**
 * A vertical y axis left of `box` with nice ticks, horizontal grid lines and an axis label.
 *
 * @example
 * yAxis(linearScale([-0.2, 1], [360, 40]), box, 'Estimate');
 */
export function yAxis(y: LinearScale, box: Box, label?: string, ticks?: readonly number[]): SvgElement {
  const values = ticks ?? y.ticks(6);
  return el('g', { class: 'y-axis' }, [
    ...values.map((v) => el('line', { class: 'grid', x1: box.left, x2: box.left + box.width, y1: y(v), y2: y(v), stroke: COLORS.grid })),
    el('line', { x1: box.left, x2: box.left, y1: box.top, y2: box.top + box.height, stroke: COLORS.axis }),
    ...values.map((v) =>
      el('g', { class: 'tick' }, [
        el('line', { x1: box.left - 4, x2: box.left, y1: y(v), y2: y(v), stroke: COLORS.axis }),
        el('text', { x: box.left - 7, y: y(v) + 4, 'text-anchor': 'end', fill: COLORS.axis }, [tickLabel(v)]),
      ]),
    ),
    label
      ? el('text', { class: 'axis-label', x: 0, y: 0, transform: `translate(${box.left - 46},${box.top + box.height / 2}) rotate(-90)`, 'text-anchor': 'middle', fill: COLORS.ink }, [label])
      : null,
  ]);
}

/**
 * Category labels down the left of `box` (for dot plots with one row per term).
 *
 * @example
 * categoryAxis(['x1', 'x2'], (i) => 40 + 30 * i, box);
 */
export function categoryAxis(labels: readonly string[], position: (i: number) => number, box: Box): SvgElement {
  return el('g', { class: 'y-axis' }, [
    el('line', { x1: box.left, x2: box.left, y1: box.top, y2: box.top + box.height, stroke: COLORS.axis }),
    ...labels.map((label, i) =>
      el('g', { class: 'tick' }, [
        el('line', { class: 'grid', x1: box.left, x2: box.left + box.width, y1: position(i), y2: position(i), stroke: COLORS.grid }),
        el('text', { class: 'category', x: box.left - 8, y: position(i) + 4, 'text-anchor': 'end', fill: COLORS.ink }, [label]),
      ]),
    ),
  ]);
}

/**
 * A reference line: dashed (`'5,4'`) for zero lines, dotted (`'2,3'`) for reference periods.
 *
 * @example
 * refLine('zero-line', 60, y(0), 620, y(0));
 */
export function refLine(cls: string, x1: number, y1: number, x2: number, y2: number, dash = '5,4', color: string = COLORS.ink): SvgElement {
  return el('line', { class: cls, x1, y1, x2, y2, stroke: color, 'stroke-width': 1.2, 'stroke-dasharray': dash });
}

/**
 * A legend: coloured symbols and labels in a row starting at (x, y).
 *
 * @example
 * legend([{ label: 'Treated', color: COLORS.blue, shape: 'rect' }], 60, 40);
 */
export function legend(items: readonly { label: string; color: string; hollow?: boolean; shape?: 'circle' | 'rect' }[], x: number, y: number): SvgElement {
  let cursor = x;
  const parts: SvgElement[] = [];
  for (const item of items) {
    parts.push(
      item.shape === 'rect'
        ? el('rect', { x: cursor, y: y - 9, width: 12, height: 10, fill: item.color, 'fill-opacity': 0.6, stroke: item.color })
        : el('circle', { cx: cursor + 5, cy: y - 4, r: 4.5, fill: item.hollow ? 'white' : item.color, stroke: item.color, 'stroke-width': 1.6 }),
      el('text', { x: cursor + 16, y, fill: COLORS.ink }, [item.label]),
    );
    cursor += 30 + item.label.length * 6.6;
  }
  return el('g', { class: 'legend' }, parts);
}

/**
 * Rough text width in px at 12px Helvetica (for margins; no font metrics in a pure library).
 *
 * @example
 * textWidth('treat_post'); // 67.2
 */
export function textWidth(text: string, size = 12): number {
  return text.length * size * 0.56;
}
