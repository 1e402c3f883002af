/**
 * Group-time ATT plot (did's `ggdid` for `att_gt`): one panel per treatment cohort, ATT(g, t)
 * against t with confidence intervals, pre-treatment periods in orange and post in blue, a dashed
 * zero line and a dotted line where the cohort starts treatment. Takes an attgt() result or rows.
 */
import { el, svgDocument, type SvgElement } from './svg.js';
import { checkRows, isFields, readPlotOptions, wrongInput } from './plotArguments.js';
import { extent, linearScale, niceDomain, niceTicks } from './scale.js';
import { COLORS, legend, refLine, titleText, xAxis, yAxis, type Box, type PlotOptions } from './layout.js';

/**
 * One ATT(g, t): an attgt() row (`estimate`, with `att` as its alias), or `att` alone.
 *
 * @example
 * const rows: GroupTimeRow[] = [{ group: 2004, time: 2004, att: -0.0105, confLow: -0.0561, confHigh: 0.0351 }];
 * attgtPlot(rows); // one panel, for the 2004 cohort
 */
export interface GroupTimeRow {
  group: number;
  time: number;
  estimate?: number;
  att?: number;
  confLow: number;
  confHigh: number;
}

const ACCEPTS = 'an attgt() result or rows { group, time, estimate (or att), confLow, confHigh }';

/**
 * An SVG plot of ATT(g, t), one panel per group, from an attgt() result or rows.
 *
 * @throws {CausalPanelError} `empty_data` when there are no rows; `invalid_option` for anything
 *   else as first argument or a row without group / time / estimate (or att) / confLow /
 *   confHigh; `unknown_option`
 * @example
 * attgtPlot(attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }), { title: 'ATT(g, t)' });
 */
export function attgtPlot(input: readonly GroupTimeRow[] | { rows: readonly GroupTimeRow[] }, options: PlotOptions = {}): string {
  const fn = 'attgtPlot';
  const params = readPlotOptions(fn, options, {});
  let given: unknown = input;
  if (isFields(input)) {
    if (!Array.isArray(input.rows)) throw wrongInput(fn, ACCEPTS, input);
    given = input.rows;
  }
  // A row carries `estimate` (attgt()'s rows) or `att` (its alias, as in did's output).
  const withAtt = Array.isArray(given) ? given.map((row: unknown) => (isFields(row) && typeof row.estimate !== 'number' && typeof row.att === 'number' ? { ...row, estimate: row.att } : row)) : given;
  const rows = checkRows<GroupTimeRow>(fn, withAtt, { group: 'number', time: 'number', estimate: 'number', confLow: 'number', confHigh: 'number' }, ACCEPTS, isFields(input) ? input : undefined);
  return drawAttgt(rows, params);
}

function drawAttgt(rows: readonly GroupTimeRow[], options: PlotOptions): string {
  const groups = [...new Set(rows.map((r) => r.group))].sort((a, b) => a - b);
  const width = options.width ?? 640;
  const panelHeight = 150;
  const top = options.title ? 44 : 16;
  const gap = 52;
  const height = options.height ?? top + groups.length * (panelHeight + gap) + 10;
  const inner = (height - top - 10) / groups.length - gap;
  const [t0, t1] = extent(rows.map((r) => r.time));
  const [lo, hi] = extent([...rows.flatMap((r) => [r.confLow, r.confHigh, r.estimate!]), 0]);
  const yDomain = niceDomain(lo, hi, 4);
  const xTicks = niceTicks(t0, t1, Math.min(12, t1 - t0 + 1)).filter((v) => Number.isInteger(v));
  const children: (SvgElement | null)[] = [titleText(options.title, 12)];
  groups.forEach((g, k) => {
    const box: Box = { left: 64, top: top + 18 + k * (inner + gap), width: width - 64 - 20, height: inner - 18 };
    const x = linearScale([t0 - 0.5, t1 + 0.5], [box.left, box.left + box.width]);
    const y = linearScale(yDomain, [box.top + box.height, box.top]);
    const mine = rows.filter((r) => r.group === g).sort((a, b) => a.time - b.time);
    const color = (r: GroupTimeRow) => (r.time < g ? COLORS.orange : COLORS.blue);
    children.push(
      el('g', { class: 'panel', 'data-group': g }, [
        el('text', { class: 'panel-title', x: box.left, y: box.top - 6, 'font-weight': 'bold', fill: COLORS.ink }, [`Group ${g}`]),
        xAxis(x, box, k === groups.length - 1 ? (options.xLabel ?? 'Period') : undefined, xTicks),
        yAxis(y, box, options.yLabel ?? 'ATT', y.ticks(4)),
        refLine('zero-line', box.left, y(0), box.left + box.width, y(0)),
        g >= t0 - 0.5 && g <= t1 + 0.5 ? refLine('ref-line', x(g - 0.5), box.top, x(g - 0.5), box.top + box.height, '2,3', COLORS.grey) : null,
        ...mine
          .filter((r) => Number.isFinite(r.confLow) && Number.isFinite(r.confHigh))
          .map((r) => el('line', { class: 'ci', x1: x(r.time), x2: x(r.time), y1: y(r.confLow), y2: y(r.confHigh), stroke: color(r), 'stroke-width': 2 })),
        ...mine
          .filter((r) => Number.isFinite(r.estimate!))
          .map((r) => el('circle', { class: 'point', cx: x(r.time), cy: y(r.estimate!), r: 4, fill: color(r) }, [el('title', {}, [`ATT(${g}, ${r.time}) = ${r.estimate!}`])])),
      ]),
    );
  });
  children.push(legend([{ label: 'Pre-treatment', color: COLORS.orange }, { label: 'Post-treatment', color: COLORS.blue }], width - 260, options.title ? 22 : 12));
  return svgDocument(width, height, children, options.title);
}
