/**
 * The options of multilevel `mediate` (mediation 4.5.1's `mediate()` with `merMod` fits): the
 * mediator and outcome models are {@link LmmFit}s or formulas fitted by least squares (R's `lm`),
 * each on its own data — a school-level mediator on school rows and a student-level outcome on
 * student rows, linked by the outcome model's grouping column. Read once by `readOptions` into
 * frozen {@link MultilevelMediateParams}; R's `boot`, `robustSE` and `cluster` have no merMod
 * counterpart there and are refused with why.
 */
import type { DataInput } from '../../data/fromInput.js';
import { LmmFit } from '../../models/lmm/lmmResult.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import type { ProgressCallback } from './progress.js';

/**
 * A model of multilevel mediation: a linear mixed model fit, or a formula fitted by least
 * squares on its data (R's `lm`).
 *
 * @example
 * const model: MultilevelModel = lmm('late ~ free + smorale + (1 | SCH_ID)', student); // or 'smorale ~ free'
 */
export type MultilevelModel = LmmFit | string;

/**
 * Options of multilevel `mediate` other than the two models; each mirrors the R argument named in
 * its comment.
 *
 * @example
 * const common: MultilevelMediateCommon = { treat: 'free', mediator: 'smorale', controlValue: 3, treatValue: 4, sims: 1000 };
 */
export interface MultilevelMediateCommon {
  /** Data of a formula model given without its own data. An `lmm` fit always uses the rows it was fitted on. */
  data?: DataInput;
  /** Data of a formula mediator model (R: the data of `model.m`), e.g. one row per school. */
  mediatorData?: DataInput;
  /** Data of a formula outcome model (R: the data of `model.y`). */
  outcomeData?: DataInput;
  /** Treatment variable (R `treat`). */
  treat: string;
  /** Mediator variable (R `mediator`). */
  mediator: string;
  /**
   * Grouping factor of the group-specific effects (R `group.out`): the mediator's or the
   * outcome's grouping column; default the outcome model's (the mediator's when only it is mixed).
   */
  groupOut?: string;
  /** Number of draws (R `sims`, default 1000). */
  sims?: number;
  /** Seed of the random stream (R: `set.seed`); default 1. */
  seed?: number;
  /** Confidence level (R `conf.level`, default 0.95). */
  level?: number;
  /** Treatment value of the control condition (R `control.value`, default 0). */
  controlValue?: number;
  /** Treatment value of the treated condition (R `treat.value`, default 1). */
  treatValue?: number;
  /** Progress of the simulation loop: called with (draws done, sims), at most ~100 times. */
  onProgress?: ProgressCallback;
}

/**
 * Options of multilevel `mediate` (at least one model an {@link LmmFit}, the other an `lmm` fit or
 * a formula fitted by least squares on `mediatorData` / `outcomeData` (or `data`); R's `model.m`,
 * `model.y`), and {@link MultilevelMediateCommon}.
 *
 * @example
 * mediate({
 *   mediatorModel: 'smorale ~ free + catholic + coed', mediatorData: school,
 *   outcomeModel: lmm('late ~ free + smorale + catholic + coed + gender + income + pared + (1 | SCH_ID)', student),
 *   treat: 'free', mediator: 'smorale', controlValue: 3, treatValue: 4, sims: 1000,
 * }).acme.average.estimate; // ≈ 0.00697 (mediation 4.5.1: 0.00689 with its own draws)
 */
export type MultilevelMediateOptions = MultilevelMediateCommon & ({ mediatorModel: LmmFit; outcomeModel: MultilevelModel } | { mediatorModel: string; outcomeModel: LmmFit });

/** The validated, frozen parameters of one multilevel `mediate` call. */
export interface MultilevelMediateParams {
  readonly mediatorModel: MultilevelModel;
  readonly outcomeModel: MultilevelModel;
  readonly data: DataInput | undefined;
  readonly mediatorData: DataInput | undefined;
  readonly outcomeData: DataInput | undefined;
  readonly treat: string;
  readonly mediator: string;
  readonly groupOut: string | null;
  readonly sims: number;
  readonly seed: number;
  readonly level: number;
  readonly explicitValues: boolean;
  readonly controlValue: number;
  readonly treatValue: number;
  readonly onProgress: ProgressCallback | null;
}

/**
 * Whether mediate options take the multilevel path (a model is an {@link LmmFit}).
 *
 * @example
 * isMultilevelOptions({ mediatorModel: 'm ~ t', outcomeModel: lmm('y ~ t + m + (1 | g)', d) }); // true
 */
export function isMultilevelOptions(options: unknown): options is MultilevelMediateOptions {
  if (typeof options !== 'object' || options === null) return false;
  const o = options as Record<string, unknown>;
  return o['mediatorModel'] instanceof LmmFit || o['outcomeModel'] instanceof LmmFit;
}

function readModel(value: unknown, at: OptionPath): MultilevelModel {
  if (value instanceof LmmFit) return value;
  if (typeof value !== 'string' || value.trim().length === 0) throw invalidOption(at, 'an lmm fit or a formula "y ~ x"', value);
  return value;
}

const SPEC = {
  mediatorModel: opt.custom(readModel),
  outcomeModel: opt.custom(readModel),
  data: opt.custom((value) => value as DataInput | undefined),
  mediatorData: opt.custom((value) => value as DataInput | undefined),
  outcomeData: opt.custom((value) => value as DataInput | undefined),
  treat: opt.column({ required: true }),
  mediator: opt.column({ required: true }),
  groupOut: opt.column(),
  sims: opt.integer({ min: 2, default: 1000 }),
  seed: opt.custom((value, at) => opt.seed().read(value, at) ?? 1),
  level: opt.level(),
  controlValue: opt.number(),
  treatValue: opt.number(),
  onProgress: opt.func<ProgressCallback>(),
};

const UNSUPPORTED = {
  unsupported: {
    boot: "mediation refuses the bootstrap for merMod models ('boot' must be FALSE): the draws are quasi-Bayesian",
    robustSE: 'mediation ignores robustSE for merMod models: the fixed effects are drawn from vcov(fit)',
    cluster: 'the grouping factor of the mixed model already models the clustering',
    mediatorFamily: 'multilevel mediation takes linear models (lmm fits or least-squares formulas)',
    outcomeFamily: 'multilevel mediation takes linear models (lmm fits or least-squares formulas)',
    covariates: 'effects conditional on covariate values are not available: effects are averaged over the sample rows',
    bootCiType: 'multilevel mediation has no bootstrap',
  },
};

/**
 * Reads multilevel `mediate` options into {@link MultilevelMediateParams}.
 *
 * @throws {CausalPanelError} `unknown_option` (with a suggestion, or why the R option is not
 *   supported), `invalid_option` (a model neither an lmm fit nor a formula, treat = mediator,
 *   controlValue = treatValue)
 * @example
 * readMultilevelOptions({ mediatorModel: medFit, outcomeModel: outFit, treat: 't', mediator: 'm' }).groupOut; // null
 */
export function readMultilevelOptions(options: unknown): MultilevelMediateParams {
  const o = readOptions('mediate', options, SPEC, UNSUPPORTED);
  if (o.treat === o.mediator) throw invalidOption({ fn: 'mediate', key: 'mediator' }, `a column other than treat ("${o.treat}")`, o.mediator);
  const controlValue = o.controlValue ?? 0;
  const treatValue = o.treatValue ?? 1;
  if (controlValue === treatValue) throw invalidOption({ fn: 'mediate', key: 'treatValue' }, `different from controlValue (${controlValue})`, treatValue);
  return Object.freeze({
    mediatorModel: o.mediatorModel,
    outcomeModel: o.outcomeModel,
    data: o.data,
    mediatorData: o.mediatorData,
    outcomeData: o.outcomeData,
    treat: o.treat,
    mediator: o.mediator,
    groupOut: o.groupOut ?? null,
    sims: o.sims,
    seed: o.seed,
    level: o.level,
    explicitValues: o.controlValue !== undefined || o.treatValue !== undefined,
    controlValue,
    treatValue,
    onProgress: o.onProgress ?? null,
  });
}
