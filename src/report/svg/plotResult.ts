/**
 * The figure of any result, chosen by its `kind` — what the CLI's `--plot` and the playground
 * draw. Each plot still reads the result structurally (report/ imports no estimator).
 */
import { CausalPanelError } from '../../errors.js';
import { attgtPlot } from './attgtPlot.js';
import { baconPlot } from './baconPlot.js';
import { coefPlot } from './coefPlot.js';
import { eventStudyPlot } from './eventStudyPlot.js';
import { honestDidPlot } from './honestDidPlot.js';
import { lovePlot } from './lovePlot.js';
import { mediationPlot } from './mediationPlot.js';

/**
 * The SVG figure of a result: an event-study plot for `eventStudy` and dynamic `attgtAggregate`
 * results, the ATT(g,t) grid for `attgt`, a love plot for `matchit`, the effects of `mediate`,
 * the 2×2s of `bacon`, the sensitivity plot of `honestDid`, and a coefficient plot otherwise.
 *
 * @throws {CausalPanelError} `invalid_option` for a result with no figure (`medsens`)
 * @example
 * plotResult(eventStudy({ ... })); // '<?xml version="1.0" …<svg …' (leads and lags with intervals)
 */
export function plotResult(result: { readonly kind: string }): string {
  const input = result as never;
  switch (result.kind) {
    case 'eventStudy':
      return eventStudyPlot(input);
    case 'attgt':
      return attgtPlot(input);
    case 'attgtAggregate':
      // a dynamic aggregation has event times; the others are drawn as coefficients
      try {
        return eventStudyPlot(input);
      } catch {
        return coefPlot(input);
      }
    case 'matchit':
      return lovePlot(input);
    case 'mediate':
      return mediationPlot(input);
    case 'bacon':
      return baconPlot(input);
    case 'honestDid':
      return honestDidPlot(input);
    case 'medsens':
      throw new CausalPanelError('invalid_option', 'plotResult: a medsens result has no figure; plot the mediate result instead', { fn: 'plotResult', value: result.kind });
    default:
      return coefPlot(input);
  }
}
