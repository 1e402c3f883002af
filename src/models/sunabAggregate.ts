/**
 * fixest's `summary(fit, agg = …)` / `aggregate(fit, …)` for a feols fit with a `sunab()` term:
 * the cohort × period cell coefficients averaged with weights equal to each cell's number of
 * estimation rows (`colSums(sign(model.matrix))`; summed regression weights for a weighted fit,
 * as `eventStudy`), and the delta-method SE √(wᵀVw) over the full vcov (`models/sunab.ts`,
 * `aggregateCoefficients`). Cells dropped as collinear are left out of the weights, as fixest.
 *
 * - `'period'` (fixest's default display): one row per relative period, `year::e`;
 * - `'ATT'`: every cell with e ≥ 0, one row `ATT`;
 * - `'cohort'`: per cohort over its cells with e ≥ 0, `cohort::g`.
 */
import { CausalPanelError } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { waldInference } from '../inference/intervals.js';
import type { ModelFit } from './fit.js';
import type { Design } from './formula/design.js';
import { aggregateCoefficients } from './sunab.js';
import { combinationDist } from './waldTest.js';

/**
 * How {@link sunabAggregate} groups the cells: fixest's `agg = "period"` (default display),
 * `"ATT"` or `"cohort"`.
 *
 * @example
 * const type: SunabAggregation = 'ATT';
 */
export type SunabAggregation = 'period' | 'ATT' | 'cohort';

/**
 * Aggregated Sun–Abraham effects of a fit with a `sunab()` term (see the file header).
 *
 * @param fit the fit (its coefficients, vcov and distribution)
 * @param design the fit's design (its `sunab` cells and model matrix)
 * @param type the aggregation
 * @param level confidence level (default the fit's)
 * @throws {CausalPanelError} `invalid_option` (a fit without `sunab()`, an unknown type)
 * @example
 * sunabAggregate(fit, fit.design, 'ATT')[0].estimate; // ≈ -0.0399513 (mpdta, fixest 0.12.2)
 */
export function sunabAggregate(fit: ModelFit, design: Design, type: SunabAggregation, level = fit.level): Estimate[] {
  const fn = 'aggregate';
  const sunab = design.sunab;
  if (sunab === undefined) {
    throw new CausalPanelError('invalid_option', `${fn}: the fit has no sunab() term (formula: ${fit.terms.join(' + ')})`, { fn, option: 'type' });
  }
  if (type !== 'period' && type !== 'ATT' && type !== 'cohort') {
    throw new CausalPanelError('invalid_option', `${fn}: type must be 'period', 'ATT' or 'cohort' (got ${JSON.stringify(type)})`, { fn, option: 'type', value: type });
  }
  const n = design.n;
  const k = fit.terms.length;
  const groups = new Map<number | 'ATT', { index: number; weight: number }[]>();
  for (const cell of sunab.cells) {
    const index = fit.terms.indexOf(cell.term);
    if (index < 0) continue; // collinear: dropped
    if (type !== 'period' && cell.e < 0) continue;
    const column = design.terms.indexOf(cell.term);
    let weight = 0;
    for (let i = 0; i < n; i++) {
      const x = design.X[i + column * n]!;
      if (x !== 0) weight += design.weights === undefined ? 1 : design.weights[i]!;
    }
    const key = type === 'ATT' ? 'ATT' : type === 'period' ? cell.e : cell.cohort;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ index, weight });
  }
  const keys = [...groups.keys()].sort((a, b) => (a as number) - (b as number));
  return keys.map((key) => {
    const cells = groups.get(key)!;
    const agg = aggregateCoefficients(fit.coefficients, fit.vcovMatrix, k, cells.map((c) => c.index), cells.map((c) => c.weight));
    const c = new Float64Array(k);
    cells.forEach((cell, a) => (c[cell.index]! += agg.shares[a]!));
    const term = key === 'ATT' ? 'ATT' : type === 'period' ? `${sunab.period}::${key}` : `cohort::${key}`;
    return Object.freeze({ term, ...waldInference(agg.estimate, agg.stdError, combinationDist(fit, c), level) });
  });
}
