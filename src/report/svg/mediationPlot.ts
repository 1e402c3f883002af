/**
 * Mediation plot (mediation's `plot.mediate`): ACME, ADE and total effect with confidence
 * intervals, one row each, and a dashed zero line. Takes a mediate() result or rows.
 */
import { opt } from '../../options.js';
import { svgDocument } from './svg.js';
import { POINT_RANGE_FIELDS, pointRangePanel, type PointRange } from './coefPlot.js';
import { checkRows, isFields, readPlotOptions, wrongInput, type Fields } from './plotArguments.js';
import { COLORS, textWidth, titleText, type Box, type PlotOptions } from './layout.js';

/**
 * One effect of a mediation result: `{ estimate, confLow, confHigh }` (pValue ignored).
 *
 * @example
 * const leaf: EffectLeaf = { estimate: -0.0157, confLow: -0.0416, confHigh: 0.0066 };
 * mediationRows({ acme: { control: leaf, treated: leaf, average: leaf }, ade: { control: leaf, treated: leaf, average: leaf }, total: leaf })[0];
 * // { term: 'ACME', estimate: -0.0157, confLow: -0.0416, confHigh: 0.0066 }
 */
export interface EffectLeaf {
  estimate: number;
  confLow: number;
  confHigh: number;
}

/**
 * The part of a mediation result the plot reads (mediate()'s shape).
 *
 * @example
 * const effects: MediationEffects = mediate({ ...jobsModels, sims: 100 });
 * mediationRows(effects, 'both').map((row) => row.term);
 * // ['ACME (control)', 'ACME (treated)', 'ADE (control)', 'ADE (treated)', 'Total Effect']
 */
export interface MediationEffects {
  acme: { control: EffectLeaf; treated: EffectLeaf; average: EffectLeaf };
  ade: { control: EffectLeaf; treated: EffectLeaf; average: EffectLeaf };
  total: EffectLeaf;
}

/**
 * Rows for {@link mediationPlot} from a mediate() result: ACME, ADE and total
 * (`which: 'average'`), or ACME/ADE under control and treated as `plot.mediate(treatment = "both")`.
 *
 * @example
 * mediationRows(med); // [{ term: 'ACME', ... }, { term: 'ADE', ... }, { term: 'Total Effect', ... }]
 */
export function mediationRows(result: MediationEffects, which: 'average' | 'both' = 'average'): PointRange[] {
  const row = (term: string, leaf: EffectLeaf): PointRange => ({ term, estimate: leaf.estimate, confLow: leaf.confLow, confHigh: leaf.confHigh });
  if (which === 'average') return [row('ACME', result.acme.average), row('ADE', result.ade.average), row('Total Effect', result.total)];
  return [
    row('ACME (control)', result.acme.control),
    row('ACME (treated)', result.acme.treated),
    row('ADE (control)', result.ade.control),
    row('ADE (treated)', result.ade.treated),
    row('Total Effect', result.total),
  ];
}

/**
 * Options of {@link mediationPlot}.
 *
 * @example
 * const options: MediationPlotOptions = { which: 'both', title: 'Mediation through job search' };
 * mediationPlot(mediate({ ...jobsModels, sims: 100 }), options); // rows ACME (control), ACME (treated), ADE (control), ADE (treated), Total Effect
 */
export interface MediationPlotOptions extends PlotOptions {
  /**
   * With a mediate() result: `'average'` (default) plots ACME, ADE and the total effect;
   * `'both'` plots ACME and ADE under control and treated, as `plot.mediate(treatment = "both")`.
   */
  which?: 'average' | 'both';
}

const ACCEPTS = 'a mediate() result (acme, ade, total) or rows { term, estimate, confLow, confHigh }';
const LEAF = { estimate: 'number', confLow: 'number', confHigh: 'number' } as const;

function isLeaf(x: unknown): boolean {
  return isFields(x) && Object.entries(LEAF).every(([key, type]) => typeof x[key] === type);
}

/** A mediate()-shaped result: acme and ade with control / treated / average leaves, and total. */
function isMediation(x: Fields): x is Fields & MediationEffects {
  const triple = (t: unknown) => isFields(t) && isLeaf(t.control) && isLeaf(t.treated) && isLeaf(t.average);
  return triple(x.acme) && triple(x.ade) && isLeaf(x.total);
}

/**
 * An SVG plot of mediation effects with confidence intervals, from a mediate() result or rows.
 *
 * @throws {CausalPanelError} `empty_data` when there are no rows; `invalid_option` for anything
 *   else as first argument (e.g. `{}`); `unknown_option`
 * @example
 * mediationPlot(med, { title: 'Mediation through peer effects' }); // ACME, ADE, Total Effect
 * mediationPlot(med, { which: 'both' });                            // ACME and ADE under control and treated, total
 */
export function mediationPlot(input: readonly PointRange[] | MediationEffects, options: MediationPlotOptions = {}): string {
  const fn = 'mediationPlot';
  const params = readPlotOptions(fn, options, { which: opt.oneOf(['average', 'both']) });
  let rows: unknown = input;
  let xLabel = params.xLabel;
  if (isFields(input)) {
    if (!isMediation(input)) throw wrongInput(fn, ACCEPTS, input);
    rows = mediationRows(input, params.which ?? 'average');
    if (typeof input.level === 'number') xLabel ??= `Estimate and ${Number((100 * input.level).toPrecision(6))}% CI`;
  } else if (params.which !== undefined) {
    throw wrongInput(fn, 'a mediate() result when option "which" is given', input);
  }
  const checked = checkRows<PointRange>(fn, rows, POINT_RANGE_FIELDS, ACCEPTS);
  const width = params.width ?? 640;
  const height = params.height ?? Math.max(200, 100 + 40 * checked.length);
  const left = Math.min(width / 2, 24 + Math.max(...checked.map((r) => textWidth(r.term))));
  const box: Box = { left, top: params.title ? 40 : 16, width: width - left - 24, height: 0 };
  box.height = height - box.top - 50;
  return svgDocument(width, height, [titleText(params.title, 12), ...pointRangePanel(checked, box, { xLabel, color: COLORS.green })], params.title);
}
