/**
 * The options of `mediate` (and, through {@link mediateSpec}, of `mediateMany`): each mirrors the
 * R argument of mediation 4.5.1's `mediate()` named in its TSDoc, read once by `readOptions`
 * (src/options.ts) into frozen {@link MediateParams}. Unknown keys are `unknown_option` errors
 * with a suggestion (`sim` → `sims`, `boot.ci.type` → `bootCiType`, `treat.value` →
 * `treatValue`); the options of `mediate()` this port does not have say why.
 */
import { readWorkers, type WorkersOption } from '../../parallel/workersOption.js';
import { standardizeOption, type Standardize } from '../effectSize.js';
import type { DataInput } from '../../data/fromInput.js';
import { glmFamily, type GlmFamily } from '../../numerics/family.js';
import { invalidOption, opt, readOptions, type OptionPath, type Params, type ReadOptionsContext } from '../../options.js';
import type { ProgressCallback } from './progress.js';

/**
 * A model family as accepted by `mediate`: 'gaussian', or binomial with a logit/probit link.
 *
 * @example
 * const mediatorFamily: MediationFamily = { family: 'binomial', link: 'probit' }; // or 'gaussian', 'binomial' (logit)
 * mediate({ data: jobs, treat: 'treat', mediator: 'job_dich', mediatorFamily, sims: 100,
 *   mediatorModel: 'job_dich ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_dich + econ_hard + sex + age' }).acme.average.estimate; // ≈ -0.0245359 (seed 1)
 */
export type MediationFamily =
  | 'gaussian'
  | 'binomial'
  | { family: 'gaussian'; link?: 'identity' }
  | { family: 'binomial'; link?: 'logit' | 'probit' };

/**
 * Options of `mediate` other than the data (as given by the caller); each mirrors the R argument
 * named in its comment.
 *
 * @example
 * const jobsModels: RawMediateOptions = {
 *   treat: 'treat', mediator: 'job_seek', boot: true, sims: 1000, seed: 2014,
 *   mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
 * };
 * mediate({ ...jobsModels, data: jobs }).acme.average.estimate; // -0.0157446 (mediation 4.5.1, fixtures/oracles/mediation_jobs_boot.json)
 */
export interface RawMediateOptions {
  /** Mediator model formula (R `model.m`), e.g. `'job_seek ~ treat + econ_hard + sex + age'`. */
  mediatorModel: string;
  /** Outcome model formula (R `model.y`), e.g. `'depress2 ~ treat + job_seek + econ_hard + sex + age'`. */
  outcomeModel: string;
  /** Treatment variable (R `treat`). */
  treat: string;
  /** Mediator variable (R `mediator`). */
  mediator: string;
  /** Mediator model family (R: `lm` vs `glm(family = binomial(link))`); default 'gaussian'. */
  mediatorFamily?: MediationFamily;
  /** Outcome model family; default 'gaussian'. */
  outcomeFamily?: MediationFamily;
  /** Nonparametric bootstrap instead of quasi-Bayesian draws (R `boot`, default false). */
  boot?: boolean;
  /** Number of draws or bootstrap resamples (R `sims`, default 1000). */
  sims?: number;
  /** Seed of the random stream (R: `set.seed`); default 1. Same seed → identical numbers. */
  seed?: number;
  /** Confidence level (R `conf.level`, default 0.95). */
  level?: number;
  /** Treatment value of the control condition (R `control.value`, default 0). */
  controlValue?: number;
  /** Treatment value of the treated condition (R `treat.value`, default 1). */
  treatValue?: number;
  /** Bootstrap interval (R `boot.ci.type`): 'perc' (default) or 'bca'. */
  bootCiType?: 'perc' | 'bca';
  /**
   * Cluster column. Bootstrap: whole clusters are resampled. Quasi-Bayes: coefficients are drawn
   * from the cluster-robust (CRV1) variance, as R's `cluster` with `sandwich::vcovCL`.
   */
  cluster?: string;
  /**
   * σ of `effectSizes()` (ACME, ADE and total effect in SD units of the outcome):
   * `'control-baseline'` (default: the outcome's SD among rows at the control value), `'pooled'`
   * (every row used) or a given σ.
   */
  standardize?: Standardize;
  /**
   * Progress of the simulation or bootstrap loop: called with (draws done, sims), at most ~100
   * times, with increasing counts ending at sims (no R counterpart; R prints nothing). The
   * library never prints: the CLI draws its bar on stderr from this callback.
   */
  onProgress?: ProgressCallback;
  /**
   * Threads for the bootstrap resamples (`boot: true`; docs/parallel.md): 1 (default), n, `'auto'`
   * or a pool from `createWorkerPool(n)`. Same numbers as one thread, bit for bit. The
   * quasi-Bayesian draws, and the bootstrap of a model whose draws use a varying number of
   * random numbers, run on the calling thread.
   */
  workers?: WorkersOption;
}

/**
 * Options of `mediate`: `data`, and the model, simulation and progress options of {@link RawMediateOptions}.
 *
 * @example
 * const options: MediateOptions = {
 *   data: jobs, treat: 'treat', mediator: 'job_seek', boot: true, sims: 1000, seed: 2014,
 *   mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
 * };
 * mediate(options).total.estimate; // -0.0560093 (mediation 4.5.1, fixtures/oracles/mediation_jobs_boot.json)
 */
export interface MediateOptions extends RawMediateOptions {
  /** Data: a Frame, rows, or columns. */
  data: DataInput;
}

const FAMILY_EXPECTED = '"gaussian", "binomial", { family: "gaussian" } or { family: "binomial", link: "logit" | "probit" }';
const familyFields = opt.object({ family: opt.oneOf(['gaussian', 'binomial']), link: opt.oneOf(['identity', 'logit', 'probit']) });

/** Reads a {@link MediationFamily} into its family record (numerics/family.ts). */
function readFamily(value: unknown, at: OptionPath): GlmFamily {
  if (value === undefined || value === 'gaussian') return glmFamily('gaussian');
  if (value === 'binomial') return glmFamily('binomial');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidOption(at, FAMILY_EXPECTED, value);
  const { family, link } = familyFields.read(value, at)!;
  const ok = (family === 'gaussian' && (link === undefined || link === 'identity')) || (family === 'binomial' && link !== 'identity');
  if (!ok) throw invalidOption(at, FAMILY_EXPECTED, value);
  return glmFamily(family, link);
}

const formulaGiven = opt.required<unknown>('a formula "y ~ x"');

/** Reads a required formula text. */
function readFormula(value: unknown, at: OptionPath): string {
  formulaGiven.read(value, at);
  if (typeof value !== 'string' || value.trim().length === 0) throw invalidOption(at, 'a formula "y ~ x"', value);
  return value;
}

/**
 * The option spec shared by `mediate` and `mediateMany` (everything but the models and the mediator).
 *
 * @example
 * readOptions('mediateMany', { data, treat: 'treat', sims: 100 }, mediateSpec).sims; // 100
 */
export const mediateSpec = {
  data: opt.required<DataInput>('a data set'),
  treat: opt.column({ required: true }),
  mediatorFamily: opt.custom(readFamily),
  outcomeFamily: opt.custom(readFamily),
  boot: opt.boolean(false),
  sims: opt.integer({ min: 2, default: 1000 }),
  seed: opt.custom((value, at) => opt.seed().read(value, at) ?? 1),
  level: opt.level(),
  controlValue: opt.number(),
  treatValue: opt.number(),
  bootCiType: opt.oneOf(['perc', 'bca'], 'perc'),
  cluster: opt.column(),
  standardize: opt.custom((value, at) => (value === undefined ? undefined : standardizeOption().read(value, at))),
  onProgress: opt.func<ProgressCallback>(),
  workers: opt.custom(readWorkers),
};

/**
 * Options of R's `mediate()` that this port does not have, with why.
 *
 * @example
 * mediate({ ...models, robustSE: true });
 * // throws unknown_option: 'mediate: option "robustSE" is not supported (heteroskedasticity-robust quasi-Bayesian draws …)'
 */
export const MEDIATE_UNSUPPORTED: ReadOptionsContext = {
  unsupported: {
    robustSE: 'heteroskedasticity-robust quasi-Bayesian draws are not available; cluster gives cluster-robust (CRV1) draws',
    covariates: 'effects conditional on covariate values are not available: effects are averaged over the sample rows',
    outcome: 'multivariate outcome models are not supported: fit one outcome model per call',
    long: 'the simulated values are always kept: see draws()',
    dropobs: 'rows are always restricted to those complete in both models, as dropobs = TRUE',
    use_speed: 'bootstrap refits already reuse the design matrices',
  },
};

/** The validated, frozen parameters of one `mediate` call (data not yet checked). */
export interface MediateParams {
  readonly data: DataInput;
  readonly mediatorModel: string;
  readonly outcomeModel: string;
  readonly treat: string;
  readonly mediator: string;
  readonly mediatorFamily: GlmFamily;
  readonly outcomeFamily: GlmFamily;
  readonly boot: boolean;
  readonly sims: number;
  readonly seed: number;
  readonly level: number;
  /** Given by the caller (else the treatment must be 0/1). */
  readonly explicitValues: boolean;
  readonly controlValue: number;
  readonly treatValue: number;
  readonly bootCiType: 'perc' | 'bca';
  readonly cluster: string | null;
  /** The `standardize` option as given (undefined: the default, whose failure is only a note). */
  readonly standardize: Standardize | undefined;
  readonly onProgress: ProgressCallback | null;
  /** Threads for the bootstrap resamples. */
  readonly workers: WorkersOption;
}

/**
 * Reads `mediate` options into {@link MediateParams}.
 *
 * @throws {CausalPanelError} `unknown_option` (with a suggestion, or why the R option is not
 *   supported), `invalid_option`
 * @example
 * readMediateOptions({ data, mediatorModel: 'M ~ T', outcomeModel: 'Y ~ T + M', treat: 'T', mediator: 'M' }).sims; // 1000
 * readMediateOptions({ ...same, sim: 10 }); // throws unknown_option: 'mediate: unknown option "sim" (did you mean "sims"?)'
 */
export function readMediateOptions(options: unknown): MediateParams {
  const o = readOptions('mediate', options, { ...mediateSpec, mediator: opt.column({ required: true }), mediatorModel: opt.custom(readFormula), outcomeModel: opt.custom(readFormula) }, MEDIATE_UNSUPPORTED);
  return mediateParams('mediate', o, o.mediator, o.mediatorModel, o.outcomeModel);
}

/** The read options of {@link mediateSpec}. */
export type CommonMediateOptions = Params<typeof mediateSpec>;

/**
 * {@link MediateParams} from read common options and one mediator's models (also `mediateMany`'s
 * per-mediator step).
 *
 * @throws {CausalPanelError} `invalid_option` when treat and mediator are the same column or
 *   controlValue equals treatValue
 * @example
 * mediateParams('mediateMany', common, 'job_seek', 'job_seek ~ treat', 'depress2 ~ treat + job_seek').mediator; // 'job_seek'
 */
export function mediateParams(fn: string, o: CommonMediateOptions, mediator: string, mediatorModel: string, outcomeModel: string): MediateParams {
  if (o.treat === mediator) throw invalidOption({ fn, key: 'mediator' }, `a column other than treat ("${o.treat}")`, mediator);
  const controlValue = o.controlValue ?? 0;
  const treatValue = o.treatValue ?? 1;
  if (controlValue === treatValue) throw invalidOption({ fn, key: 'treatValue' }, `different from controlValue (${controlValue})`, treatValue);
  return Object.freeze({
    data: o.data,
    mediatorModel,
    outcomeModel,
    treat: o.treat,
    mediator,
    mediatorFamily: o.mediatorFamily,
    outcomeFamily: o.outcomeFamily,
    boot: o.boot,
    sims: o.sims,
    seed: o.seed,
    level: o.level,
    explicitValues: o.controlValue !== undefined || o.treatValue !== undefined,
    controlValue,
    treatValue,
    bootCiType: o.bootCiType,
    cluster: o.cluster ?? null,
    standardize: o.standardize,
    onProgress: o.onProgress ?? null,
    workers: o.workers,
  });
}
