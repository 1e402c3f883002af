/**
 * Causal mediation analysis as R's mediation::mediate 4.5.1 (Imai, Keele & Tingley 2010,
 * "A General Approach to Causal Mediation Analysis", Psychological Methods 15(4): 309–334;
 * Imai, Keele & Yamamoto 2010, Statistical Science 25(1)).
 *
 * The pipeline: options (mediateOptions.ts) → data checks and complete cases (validateMediate.ts)
 * → fits and kernel models (prepareMediation.ts) → quasi-Bayesian draws (quasiBayes.ts) or the
 * bootstrap (bootstrap.ts), one draw at a time (drawEffects.ts) → reported quantities
 * (summarizeMediation.ts) → {@link MediationResult}. docs/guides/mediation.md derives what the
 * simulations do with fixed effects and clusters.
 *
 * Dimension symbols: n = rows used, k = coefficients, g = clusters, s = simulations.
 */
import { standardizeBasis } from '../effectSize.js';
import { withFunctionName } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { toFrame } from '../../data/fromInput.js';
import { createRng } from '../../numerics/random.js';
import { withWorkers } from '../../parallel/workersOption.js';
import { bootstrapDraws } from './bootstrap.js';
import { drawEffects, prepareScratch, type EffectDraws } from './drawEffects.js';
import { MediationResult } from './mediationResult.js';
import { readMediateOptions, type MediateOptions, type MediateParams } from './mediateOptions.js';
import { prepareMediation } from './prepareMediation.js';
import { quasiBayesDraws } from './quasiBayes.js';
import { summarizeMediation, type PointEffects } from './summarizeMediation.js';
import { validateMediate } from './validateMediate.js';
import { mediateMultilevel } from './mediateMultilevel.js';
import { isMultilevelOptions, type MultilevelMediateOptions } from './multilevelOptions.js';
import type { MultilevelMediationResult } from './multilevelResult.js';

export { MediationResult } from './mediationResult.js';
export type { MediationDraws } from './mediationResult.js';
export type { MediateOptions, MediationFamily, RawMediateOptions } from './mediateOptions.js';
export type { MediationEstimate, MediationTriple } from './summarizeMediation.js';
export type { ProgressCallback } from './progress.js';
export { MultilevelMediationResult } from './multilevelResult.js';
export type { GroupMediationEffects } from './multilevelResult.js';
export type { MultilevelMediateOptions, MultilevelMediateCommon, MultilevelModel } from './multilevelOptions.js';

/**
 * One `mediate` analysis on a data frame with read options (also `mediateMany`'s step per
 * mediator): checks and complete cases, fits, draws, summary.
 *
 * @throws {CausalPanelError} see {@link mediate}
 * @example
 * runMediate(toFrame(jobs), readMediateOptions({ ...jobsModels, data: jobs })).acme.average.estimate;
 */
export function runMediate(data: Frame, params: MediateParams): MediationResult {
  const { frame, notes } = validateMediate(data, params);
  const prepared = prepareMediation(frame, params);
  const { mediator, outcome } = prepared;
  const rng = createRng(params.seed);
  let draws: EffectDraws;
  let point: PointEffects | null = null;
  if (params.boot) {
    draws = withWorkers('mediate', params.workers, (pool) =>
      bootstrapDraws(mediator, outcome, params.sims, rng, { clusterCodes: prepared.clusterCodes, nClusters: prepared.nClusters, onProgress: params.onProgress, pool, seed: params.seed }),
    );
    // The full-sample statistic, with its own mediator draw (mediation's med.fun(index = 1:n)).
    const out = new Float64Array(4);
    drawEffects(mediator, outcome, mediator.coef, mediator.sigma, outcome.coef, rng, prepareScratch(mediator, outcome), out);
    point = { d1: out[0]!, d0: out[1]!, z1: out[2]!, z0: out[3]! };
  } else {
    draws = quasiBayesDraws(mediator, outcome, params.sims, rng, params.onProgress);
  }
  const allNotes = [...notes, ...prepared.notes];
  let failed = 0;
  for (let s = 0; s < draws.d0.length; s++) if (!Number.isFinite(draws.d0[s]!)) failed++;
  if (failed > 0) allNotes.push({ code: 'resamples_skipped', count: failed, reason: 'singular design in the bootstrap refit' });
  // σ of the effect sizes over the estimation rows (every row of the complete-case frame)
  const treatment = frame.numeric(params.treat, 'mediate');
  const rows = Int32Array.from({ length: outcome.n }, (_, i) => i);
  const standardize = standardizeBasis(params.standardize, outcome.y, rows, (row) => treatment[row] === params.controlValue, 'mediate', allNotes);
  return new MediationResult({
    standardize,
    summary: summarizeMediation(draws, point, { level: params.level, bca: params.boot && params.bootCiType === 'bca' }),
    params,
    nobs: mediator.n,
    interaction: prepared.interaction,
    notes: allNotes,
    draws,
    point,
    sensitivity: prepared.sensitivity,
  });
}

/**
 * Multilevel mediation (mediation's `mediate` with `lmer` fits): when the mediator or the outcome
 * model is an `lmm` fit (the other an `lmm` fit or a least-squares formula with its own data),
 * fixed effects are drawn from N(fixef, vcov), conditional modes from independent
 * N(mode, condVar), the mediator error from N(0, σ²); a least-squares mediator on one row per
 * group (a school-level mediator) is linked to the outcome rows by the outcome's grouping column.
 * The result adds `byGroup`, the effects within each group of `groupOut`. See
 * docs/multilevel-mediation.md.
 *
 * @example
 * const res = mediate({
 *   mediatorModel: 'smorale ~ free + catholic + coed', mediatorData: school,
 *   outcomeModel: lmm('late ~ free + smorale + catholic + coed + gender + income + pared + (1 | SCH_ID)', student),
 *   treat: 'free', mediator: 'smorale', controlValue: 3, treatValue: 4, sims: 1000,
 * });
 * res.acme.average.estimate; // ≈ 0.0070 (mediation 4.5.1: 0.00689, fixtures/oracles/mediation_multilevel_school.json)
 */
export function mediate(options: MultilevelMediateOptions): MultilevelMediationResult;
/**
 * Causal mediation analysis: ACME, ADE, total effect and proportion mediated, as R's
 * `mediation::mediate(model.m, model.y, treat, mediator, boot, sims, ...)` 4.5.1.
 *
 * Quasi-Bayes (default): coefficients drawn from N(β̂, V̂) of each model (V̂ cluster-robust with
 * `cluster`), mediator drawn for t = 1 and t = 0, outcome predicted at the four (t, M(t′))
 * pairs; point estimates are means over the draws. Bootstrap: rows (or clusters) resampled,
 * both models refitted through resample-count weights, same predictions on the original rows;
 * point estimates are the full-sample statistic. Intervals: percentile or BCa; p-values:
 * mediation's 2·min(share > 0, share < 0). Rows with a missing value in either model (or the
 * cluster) are dropped from both, with a note; ±Infinity is an error.
 *
 * @throws {CausalPanelError} `unknown_option` (`sim` → `sims`, `boot.ci.type` → `bootCiType`, R
 *   options not supported here), `invalid_option` (treat/mediator not in the formulas, non-binary
 *   treatment without controlValue/treatValue, unsupported family, bad sims/level/bootCiType),
 *   `missing_column`, `non_numeric`, `non_finite`, `formula_syntax`, `singular_design`,
 *   `too_few_clusters`
 * @example
 * const res = mediate({
 *   data: jobs, treat: 'treat', mediator: 'job_seek', boot: true, sims: 1000, seed: 2014,
 *   mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
 * });
 * res.acme.average.estimate; // -0.0157446 (mediation 4.5.1, fixtures/oracles/mediation_jobs_boot.json)
 */
export function mediate(options: MediateOptions): MediationResult;
export function mediate(options: MediateOptions | MultilevelMediateOptions): MediationResult {
  return withFunctionName('mediate', () => {
    if (isMultilevelOptions(options)) return mediateMultilevel(options);
    const params = readMediateOptions(options);
    return runMediate(toFrame(params.data, 'mediate'), params);
  });
}
