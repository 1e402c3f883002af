/**
 * Callaway & Sant'Anna (2021) group-time average treatment effects ATT(g,t) for staggered
 * adoption, "Difference-in-Differences with multiple time periods", J. Econometrics 225(2).
 *
 * Reimplements did 2.5.1's `att_gt` (its faster_mode path; https://github.com/bcallaway11/did/tree/master/R)
 * as did splits it — validate, pre-process, compute, report:
 * 1. options → frozen params (`attgtOptions.ts`, did's `DIDparams`);
 * 2. columns, complete cases (NA or ±Infinity dropped and noted, as did) and did's sample rules
 *    (`attgtData.ts`); the balanced panel as unit × period matrices (`attgtPanel.ts`,
 *    `pre_process_did2`) or the repeated cross-sections (`prepareRc`);
 * 3. every ATT(g,t) as a DRDID 2×2 with its influence function (`attgtCells.ts`,
 *    `compute.att_gt2`);
 * 4. SEs — analytic or multiplier bootstrap (`attgtInference.ts`, `mboot`), clustered above the
 *    unit on request (`attgtClusters.ts`, did's `clustervars`) — and did's Wald pre-test
 *    (`attgtPretest.ts`);
 * 5. the result (`attgtResult.ts`, did's `MP`), whose `aggregate` is did's `aggte` (`aggregate.ts`).
 */
import { withFunctionName } from '../../errors.js';
import { toFrame } from '../../data/fromInput.js';
import { estimateCells } from './attgtCells.js';
import { attgtFewClustersNote, influenceClusters } from './attgtClusters.js';
import { prepareRc, readColumns, selectSample } from './attgtData.js';
import { cellInference } from './attgtInference.js';
import { readAttgtOptions, type AttgtOptions } from './attgtOptions.js';
import { preparePanel } from './attgtPanel.js';
import { attgtPretest } from './attgtPretest.js';
import { AttgtResult } from './attgtResult.js';
import { attgtStandardize } from './attgtStandardize.js';

export type { AttgtBootstrapOptions, AttgtOptions, AttgtParams } from './attgtOptions.js';
export type { AttgtPretest } from './attgtPretest.js';
export { AttgtResult, type AttgtRow } from './attgtResult.js';

const FN = 'attgt';

/**
 * Group-time average treatment effects ATT(g,t) of Callaway & Sant'Anna (2021), as did::att_gt.
 *
 * Cohort 0, missing or Infinity means never treated; cohorts beyond the last period
 * (+ anticipation) count as never treated; units treated in the first period are dropped and
 * panels are balanced by dropping units with gaps (each noted), as did — or, with
 * `allowUnbalanced: true`, kept (did's `allow_unbalanced_panel`). `clusters` clusters the SEs
 * above the unit (did's `clustervars`); `effectSizes()` gives every row in SD units.
 *
 * @throws {CausalPanelError} `unknown_option` (with the option to use instead), `invalid_option`
 *   (bad option value, non-integer time, cohort or cluster varying within a unit), `missing_column`,
 *   `non_numeric`, `no_control_units` (no never-treated units with control 'never'),
 *   `no_treated_units`, `no_rows_left`
 * @example
 * const fit = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year',
 *   cohort: 'first.treat', covariates: ['lpop'] });
 * fit.rows[0]; // { term: 'ATT(2004,2004)', estimate: −0.01453, stdError: 0.02213, …, group: 2004, time: 2004, att: −0.01453 }
 * //             (did 2.5.1, fixtures/oracles/did_mpdta_never_dr_lpop.json)
 * fit.aggregate('dynamic').overall.estimate; // −0.08035
 */
export function attgt(options: AttgtOptions): AttgtResult {
  return withFunctionName(FN, () => {
    const { data, params, workers } = readAttgtOptions(options);
    const columns = readColumns(toFrame(data, FN), params);
    const sample = selectSample(columns, params);
    const d = params.panel ? preparePanel(columns, params, sample) : prepareRc(columns, params, sample);
    const cluster = influenceClusters(columns, params, d);
    if (cluster) {
      const few = attgtFewClustersNote(cluster, d.cohort);
      if (few) d.notes.push(few);
    }
    const sigma = attgtStandardize(d, params, d.notes);
    const { cells, psi, support } = estimateCells(d, params);
    const att = Float64Array.from(cells, (c) => c.att);
    const inference = cellInference(psi, d.n, att, params, cluster, workers, support);
    const pretest = attgtPretest(cells, psi, d.n, inference.se, d.notes, cluster && { cluster, bootstrap: params.bootstrap !== false });
    return new AttgtResult({
      cells,
      psi,
      support,
      inference,
      pretest,
      params,
      nobs: d.nobs,
      n: d.n,
      ids: d.ids,
      rowWeights: d.weights,
      rowCohorts: d.cohort,
      groups: d.glist,
      periods: d.periods,
      notes: d.notes,
      standardize: sigma.basis,
      sigma: sigma.of,
    });
  });
}
