/**
 * Mediation plot (mediation's `plot.mediate`): ACME, ADE and total effect with confidence
 * intervals, one row each, and a dashed zero line.
 */
import { CausalPanelError } from '../../errors.js';
import { svgDocument } from './svg.js';
import { pointRangePanel, type PointRange } from './coefPlot.js';
import { COLORS, textWidth, titleText, type Box, type PlotOptions } from './layout.js';

/** One effect of a mediation result: `{ estimate, confLow, confHigh }` (pValue ignored). */
export interface EffectLeaf {
  estimate: number;
  confLow: number;
  confHigh: number;
}

/** The part of a mediation result the plot reads (mediate()'s shape). */
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
 * An SVG plot of mediation effects with confidence intervals.
 *
 * @throws CausalPanelError `empty_data` when `rows` is empty.
 * @example
 * mediationPlot(mediationRows(med), { title: 'Mediation through peer effects' });
 */
export function mediationPlot(rows: readonly PointRange[], options: PlotOptions = {}): string {
  if (rows.length === 0) throw new CausalPanelError('empty_data', 'mediationPlot: no rows to plot (0)', { fn: 'mediationPlot', value: 0 });
  const width = options.width ?? 640;
  const height = options.height ?? Math.max(200, 100 + 40 * rows.length);
  const left = Math.min(width / 2, 24 + Math.max(...rows.map((r) => textWidth(r.term))));
  const box: Box = { left, top: options.title ? 40 : 16, width: width - left - 24, height: 0 };
  box.height = height - box.top - 50;
  return svgDocument(width, height, [titleText(options.title, 12), ...pointRangePanel(rows, box, { ...options, color: COLORS.green })], options.title);
}
