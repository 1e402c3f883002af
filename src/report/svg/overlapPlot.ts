/**
 * Propensity-score overlap: mirrored histograms of the score for treated (above the axis) and
 * control units (below), as MatchIt's `plot(m, type = "hist")` shows common support (all units,
 * before matching). Takes a matchit result, `{ distance, treat }` or the two groups' scores.
 */
import { CausalPanelError } from '../../errors.js';
import { invalidOption, opt } from '../../options.js';
import { el, svgDocument, type SvgElement } from './svg.js';
import { isFields, readPlotOptions, wrongInput, type Fields } from './plotArguments.js';
import { linearScale, niceTicks } from './scale.js';
import { COLORS, legend, refLine, titleText, xAxis, type Box, type PlotOptions } from './layout.js';

/**
 * Options of {@link overlapPlot}.
 *
 * @example
 * const options: OverlapPlotOptions = { bins: 30, range: [0, 1], title: 'Common support' };
 * overlapPlot(matchit({ formula: 'treat ~ age + educ + re74', data: lalonde }), options); // an SVG string
 */
export interface OverlapPlotOptions extends PlotOptions {
  /** Number of equal-width bins on [min, max] (default 20). */
  bins?: number;
  /** Histogram range (default [0, 1], the range of a probability). */
  range?: readonly [number, number];
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
 * Scores split by group.
 *
 * @example
 * const groups: OverlapGroups = { treated: [0.6, 0.7, 0.8], control: [0.2, 0.3, 0.65] };
 * overlapPlot(groups); // treated above the axis, control below
 */
export interface OverlapGroups {
  treated: ArrayLike<number>;
  control: ArrayLike<number>;
}

/**
 * Scores and treatment per unit (MatchIt's `m$distance` and `m$treat`); a matchit result that has
 * no `treat` is read through its matched sets instead (see {@link overlapPlot}).
 *
 * @example
 * const m = matchit({ formula: 'treat ~ age + educ + re74', data: lalonde });
 * const scores: ScoresAndTreatment = { distance: m.distance, treat: lalonde.numeric('treat') };
 * overlapPlot(scores, { bins: 30 }); // an SVG string
 */
export interface ScoresAndTreatment {
  distance: ArrayLike<number>;
  treat: ArrayLike<number>;
}

const ACCEPTS = 'a matchit result, { distance, treat } or { treated, control } (arrays of scores)';

const isNumbers = (x: unknown): x is ArrayLike<number> =>
  (Array.isArray(x) && x.every((v) => typeof v === 'number')) || x instanceof Float64Array || x instanceof Float32Array;

/** Splits scores by a 0/1 treatment; rows without a finite score are left out. */
function splitByTreatment(distance: ArrayLike<number>, isTreated: (i: number) => boolean): OverlapGroups {
  const treated: number[] = [];
  const control: number[] = [];
  for (let i = 0; i < distance.length; i++) if (Number.isFinite(distance[i])) (isTreated(i) ? treated : control).push(distance[i]!);
  return { treated, control };
}

/**
 * A matchit result without `treat`: its treated units are the treated of the matched sets plus
 * the unmatched treated — all of them, unless units were discarded (then their group is unknown).
 */
function groupsFromMatchedSets(m: Fields, distance: ArrayLike<number>, fn: string): OverlapGroups {
  const sets = m.pairs;
  const unmatched = m.unmatched;
  const discarded = m.discarded;
  if (!Array.isArray(sets) || !Array.isArray(unmatched) || !Array.isArray(discarded)) throw wrongInput(fn, ACCEPTS, m);
  if (discarded.length > 0) {
    throw wrongInput(fn, `${ACCEPTS}; this matchit result discarded ${discarded.length} units and does not record their treatment: pass { distance, treat }`, m);
  }
  const treated = new Set<number>(unmatched as number[]);
  for (const set of sets) if (isFields(set) && typeof set.treated === 'number') treated.add(set.treated);
  return splitByTreatment(distance, (i) => treated.has(i));
}

function groupsOf(input: unknown, fn: string): OverlapGroups {
  if (!isFields(input)) throw wrongInput(fn, ACCEPTS, input);
  if ('treated' in input || 'control' in input) {
    if (!isNumbers(input.treated) || !isNumbers(input.control)) throw wrongInput(fn, ACCEPTS, input);
    return { treated: input.treated, control: input.control };
  }
  const distance = input.distance;
  if (!isNumbers(distance)) throw wrongInput(fn, ACCEPTS, input);
  if (input.treat === undefined) return groupsFromMatchedSets(input, distance, fn);
  const treat = input.treat;
  if (!isNumbers(treat) || treat.length !== distance.length) throw wrongInput(fn, `${ACCEPTS}, with treat as long as distance`, input);
  return splitByTreatment(distance, (i) => treat[i] === 1);
}

const rangeOption = opt.custom((value, at): readonly [number, number] | undefined => {
  if (value === undefined) return undefined;
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && value[1] > value[0];
  if (!ok) throw invalidOption(at, '[min, max] with max > min', value);
  return value as [number, number];
});

/**
 * An SVG mirrored histogram of propensity scores of all units: treated above, control below.
 *
 * @throws {CausalPanelError} `empty_data` when either group has no finite score (e.g. Mahalanobis
 *   matching); `invalid_option` for anything else as first argument, bins < 1 or an empty range;
 *   `unknown_option`
 * @example
 * overlapPlot(matchit({ formula: 'treat ~ age + educ + re74', data: lalonde }), { title: 'Common support' });
 * overlapPlot({ distance: m.distance, treat: lalonde.numeric('treat') }, { bins: 30 });
 */
export function overlapPlot(input: ScoresAndTreatment | OverlapGroups | { distance: ArrayLike<number> }, options: OverlapPlotOptions = {}): string {
  const fn = 'overlapPlot';
  const params = readPlotOptions(fn, options, { bins: opt.integer({ min: 1, default: 20 }), range: rangeOption });
  const groups = groupsOf(input, fn);
  const { bins } = params;
  const [lo, hi] = params.range ?? [0, 1];
  const finiteCount = (v: ArrayLike<number>) => Array.from(v as ArrayLike<number>).filter(Number.isFinite).length;
  if (finiteCount(groups.treated) === 0 || finiteCount(groups.control) === 0) {
    throw new CausalPanelError('empty_data', 'overlapPlot: a group has no finite scores (treated or control)', { fn: 'overlapPlot' });
  }
  return drawOverlap(groups, bins, lo, hi, params);
}

function drawOverlap(groups: OverlapGroups, bins: number, lo: number, hi: number, options: PlotOptions): string {
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
