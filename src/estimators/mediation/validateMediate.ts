/**
 * Validation of `mediate` options into a frozen params object (did's `pre_process_did`,
 * mediation's argument checks at the top of `mediate()`), so that the kernels trust their input.
 */
import { CausalPanelError } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import type { FamilyName, LinkName, ProgressCallback } from './simulate.js';

/** A model family as accepted by `mediate`: 'gaussian', or binomial with a logit/probit link. */
export type MediationFamily =
  | 'gaussian'
  | 'binomial'
  | { family: 'gaussian'; link?: 'identity' }
  | { family: 'binomial'; link?: 'logit' | 'probit' };

/** Normalised family. */
export interface FamilySpec {
  family: FamilyName;
  link: LinkName;
}

/** The validated, frozen parameters of one `mediate` call. */
export interface MediateParams {
  mediatorModel: string;
  outcomeModel: string;
  treat: string;
  mediator: string;
  mediatorFamily: FamilySpec;
  outcomeFamily: FamilySpec;
  boot: boolean;
  sims: number;
  seed: number;
  level: number;
  controlValue: number;
  treatValue: number;
  bootCi: 'perc' | 'bca';
  cluster: string | null;
  onProgress: ProgressCallback | null;
}

/**
 * Options of `mediate` other than the data (as given by the caller); each mirrors the R argument
 * named in its comment.
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
  bootCi?: 'perc' | 'bca';
  /**
   * Cluster column. Bootstrap: whole clusters are resampled. Quasi-Bayes: coefficients are drawn
   * from the cluster-robust (CRV1) variance, as R's `cluster` with `sandwich::vcovCL`.
   */
  cluster?: string;
  /**
   * Progress of the simulation or bootstrap loop: called with (draws done, sims), at most ~100
   * times, with increasing counts ending at sims (no R counterpart; R prints nothing). The
   * library never prints: the CLI draws its bar on stderr from this callback.
   */
  onProgress?: ProgressCallback;
}

const FN = 'mediate';

function fail(message: string, option: string, value: unknown): never {
  throw new CausalPanelError('invalid_option', `${FN}: ${message}`, { fn: FN, option, value });
}

/**
 * Normalises a family option.
 *
 * @throws {CausalPanelError} `invalid_option` for anything but gaussian/identity and binomial/logit|probit
 * @example
 * normaliseFamily({ family: 'binomial', link: 'probit' }, 'outcomeFamily'); // { family: 'binomial', link: 'probit' }
 * normaliseFamily(undefined, 'mediatorFamily'); // { family: 'gaussian', link: 'identity' }
 */
export function normaliseFamily(value: unknown, option: string): FamilySpec {
  if (value === undefined || value === 'gaussian') return { family: 'gaussian', link: 'identity' };
  if (value === 'binomial') return { family: 'binomial', link: 'logit' };
  if (typeof value === 'object' && value !== null) {
    const { family, link } = value as { family?: unknown; link?: unknown };
    if (family === 'gaussian' && (link === undefined || link === 'identity')) return { family: 'gaussian', link: 'identity' };
    if (family === 'binomial' && (link === undefined || link === 'logit' || link === 'probit')) {
      return { family: 'binomial', link: (link ?? 'logit') as LinkName };
    }
  }
  return fail(
    `${option} must be "gaussian", "binomial", { family: "gaussian" } or { family: "binomial", link: "logit" | "probit" } (got ${JSON.stringify(value)})`,
    option,
    value,
  );
}

/** Identifiers of a formula side (names may contain letters, digits, `.` and `_`). */
function identifiers(text: string): Set<string> {
  return new Set(text.split(/[^A-Za-z0-9._]+/).filter((t) => t.length > 0 && !/^[0-9.]+$/.test(t)));
}

function sides(formula: string, option: string): { lhs: string; rhs: string } {
  if (typeof formula !== 'string' || !formula.includes('~')) {
    throw new CausalPanelError('formula_syntax', `${FN}: ${option} must be a formula "y ~ x" (got ${JSON.stringify(formula)})`, {
      fn: FN,
      option,
      value: formula,
    });
  }
  const at = formula.indexOf('~');
  const rhsAll = formula.slice(at + 1);
  // Variables after "|" are absorbed fixed effects, not regressors.
  const bar = rhsAll.indexOf('|');
  return { lhs: formula.slice(0, at).trim(), rhs: bar >= 0 ? rhsAll.slice(0, bar) : rhsAll };
}

/**
 * Validates `mediate` options against the data and returns frozen params.
 *
 * @throws {CausalPanelError} `invalid_option` (bad family, sims, level, treatment values, treat or
 *   mediator absent from a formula), `missing_column`, `formula_syntax`, `non_numeric`
 * @example
 * validateMediate({ mediatorModel: 'm ~ t', outcomeModel: 'y ~ t + m', treat: 't', mediator: 'm' }, frame);
 */
export function validateMediate(options: RawMediateOptions, frame: Frame): Readonly<MediateParams> {
  const {
    mediatorModel,
    outcomeModel,
    treat,
    mediator,
    mediatorFamily,
    outcomeFamily,
    boot = false,
    sims = 1000,
    seed = 1,
    level = 0.95,
    bootCi = 'perc',
    cluster,
    onProgress,
  } = options;
  if (typeof treat !== 'string' || treat.length === 0) fail(`treat must be a column name (got ${JSON.stringify(treat)})`, 'treat', treat);
  if (typeof mediator !== 'string' || mediator.length === 0) fail(`mediator must be a column name (got ${JSON.stringify(mediator)})`, 'mediator', mediator);
  if (treat === mediator) fail(`treat and mediator must differ (got "${treat}" for both)`, 'mediator', mediator);
  const med = sides(mediatorModel, 'mediatorModel');
  const out = sides(outcomeModel, 'outcomeModel');
  if (med.lhs !== mediator) {
    fail(`the mediator model's response must be the mediator "${mediator}" (got "${med.lhs}")`, 'mediatorModel', mediatorModel);
  }
  if (out.lhs === mediator || out.lhs === treat) {
    fail(`the outcome model's response must be the outcome, not "${out.lhs}"`, 'outcomeModel', outcomeModel);
  }
  if (!identifiers(med.rhs).has(treat)) {
    fail(`treatment "${treat}" is not a regressor of the mediator model ("${mediatorModel}")`, 'treat', treat);
  }
  const outIds = identifiers(out.rhs);
  if (!outIds.has(treat)) fail(`treatment "${treat}" is not a regressor of the outcome model ("${outcomeModel}")`, 'treat', treat);
  if (!outIds.has(mediator)) fail(`mediator "${mediator}" is not a regressor of the outcome model ("${outcomeModel}")`, 'mediator', mediator);
  const treatColumn = frame.numeric(treat, FN);
  frame.numeric(mediator, FN);
  if (typeof boot !== 'boolean') fail(`boot must be true or false (got ${JSON.stringify(boot)})`, 'boot', boot);
  if (!Number.isInteger(sims) || sims < 2) fail(`sims must be an integer ≥ 2 (got ${sims})`, 'sims', sims);
  if (!Number.isInteger(seed)) fail(`seed must be an integer (got ${seed})`, 'seed', seed);
  if (!(typeof level === 'number' && level > 0 && level < 1)) fail(`level must be in (0, 1) (got ${level})`, 'level', level);
  if (bootCi !== 'perc' && bootCi !== 'bca') fail(`bootCi must be "perc" or "bca" (got ${JSON.stringify(bootCi)})`, 'bootCi', bootCi);
  const explicitValues = options.controlValue !== undefined || options.treatValue !== undefined;
  const controlValue = options.controlValue ?? 0;
  const treatValue = options.treatValue ?? 1;
  if (!Number.isFinite(controlValue) || !Number.isFinite(treatValue) || controlValue === treatValue) {
    fail(`controlValue and treatValue must be two different finite numbers (got ${controlValue} and ${treatValue})`, 'treatValue', [controlValue, treatValue]);
  }
  if (!explicitValues) {
    for (let i = 0; i < treatColumn.length; i++) {
      const v = treatColumn[i]!;
      if (!Number.isNaN(v) && v !== 0 && v !== 1) {
        fail(`treatment "${treat}" is not binary 0/1 (row ${i + 1}: ${v}); give controlValue and treatValue`, 'treat', v);
      }
    }
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    fail(`onProgress must be a function (got ${typeof onProgress})`, 'onProgress', onProgress);
  }
  if (cluster !== undefined) {
    if (typeof cluster !== 'string') fail(`cluster must be a column name (got ${JSON.stringify(cluster)})`, 'cluster', cluster);
    frame.column(cluster, FN);
  }
  return Object.freeze({
    mediatorModel,
    outcomeModel,
    treat,
    mediator,
    mediatorFamily: normaliseFamily(mediatorFamily, 'mediatorFamily'),
    outcomeFamily: normaliseFamily(outcomeFamily, 'outcomeFamily'),
    boot,
    sims,
    seed,
    level,
    controlValue,
    treatValue,
    bootCi,
    cluster: cluster ?? null,
    onProgress: onProgress ?? null,
  });
}
