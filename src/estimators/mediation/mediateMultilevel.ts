/**
 * Multilevel causal mediation analysis: `mediate` with `lmm` fits, as R's mediation 4.5.1
 * `mediate(model.m, model.y, ...)` with `lmer` fits (Imai, Keele & Tingley 2010; the multilevel
 * extension of mediation's "Causal Mediation Analysis Using R", section on multilevel data).
 *
 * The pipeline: options (multilevelOptions.ts) → models, prediction matrices, random parts and
 * the row link (multilevelModels.ts) → quasi-Bayesian draws, population-average and per group
 * (multilevelDraws.ts) → reported quantities (summarizeMediation.ts) →
 * {@link MultilevelMediationResult}.
 */
import type { Note } from '../../errors.js';
import { glmFamily } from '../../numerics/family.js';
import { createRng } from '../../numerics/random.js';
import { standardizeBasis } from '../effectSize.js';
import type { MediateParams } from './mediateOptions.js';
import { multilevelDraws } from './multilevelDraws.js';
import { differs, multilevelSystem } from './multilevelModels.js';
import { readMultilevelOptions } from './multilevelOptions.js';
import { MultilevelMediationResult } from './multilevelResult.js';
import { summarizeMediation } from './summarizeMediation.js';

/**
 * Multilevel mediation (the path `mediate` takes when a model is an `lmm` fit).
 *
 * @throws {CausalPanelError} see `mediate`
 * @example
 * mediateMultilevel({ mediatorModel: medFit, outcomeModel: outFit, treat: 'catholic', mediator: 'attachment', sims: 1000 }).byGroup.length; // 568
 */
export function mediateMultilevel(options: unknown): MultilevelMediationResult {
  const p = readMultilevelOptions(options);
  const system = multilevelSystem(p);
  const { mediator, outcome } = system;
  const { draws, groups } = multilevelDraws(system, { sims: p.sims, treatValue: p.treatValue, controlValue: p.controlValue, onProgress: p.onProgress }, createRng(p.seed));
  const params: MediateParams = Object.freeze({
    data: [],
    mediatorModel: mediator.formula,
    outcomeModel: outcome.formula,
    treat: p.treat,
    mediator: p.mediator,
    mediatorFamily: glmFamily('gaussian'),
    outcomeFamily: glmFamily('gaussian'),
    boot: false,
    sims: p.sims,
    seed: p.seed,
    level: p.level,
    explicitValues: p.explicitValues,
    controlValue: p.controlValue,
    treatValue: p.treatValue,
    bootCiType: 'perc' as const,
    cluster: null,
    standardize: undefined,
    onProgress: null,
    workers: 1,
  });
  const notes: Note[] = [...mediator.notes, ...outcome.notes];
  const treatment = outcome.frame.numeric(p.treat, 'mediate');
  const rows = Int32Array.from({ length: outcome.n }, (_, i) => i);
  const standardize = standardizeBasis(undefined, outcome.y, rows, (row) => treatment[row] === p.controlValue, 'mediate', notes);
  const groupCounts = new Array<number>(system.groupLabels.length).fill(0);
  for (const g of system.rowGroup) groupCounts[g]! += 1;
  // mediation's interaction flag (INT): the mediator's outcome slope differs between t = 1 and t = 0.
  const interaction = differs(system.slope[0].data, system.slope[1].data);
  return new MultilevelMediationResult({
    summary: summarizeMediation(draws, null, { level: p.level, bca: false }),
    params,
    nobs: outcome.n,
    interaction,
    notes,
    draws,
    point: null,
    sensitivity: null,
    standardize,
    groupName: system.groupName,
    groupLabels: system.groupLabels,
    groupCounts,
    groupDraws: groups,
    models: { mediator: mediator.mixed ? 'lmm' : 'lm', outcome: outcome.mixed ? 'lmm' : 'lm' },
    groupLevelMediator: system.groupLevel,
  });
}
