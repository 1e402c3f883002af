/**
 * The commands of the `causal-panel` CLI: one per estimator, each declaring its flags once (see
 * `args.ts`). Estimators load lazily, so the CLI starts fast and one command's dependencies
 * cannot break another.
 */
import type { Frame } from '../data/frame.js';
import type { Result } from '../report/result.js';
import { required, text, UsageError, type Flag, type Values } from './args.js';

/** What a command may use besides its options: a progress callback when stderr is a terminal. */
export interface RunContext {
  readonly onProgress: ((done: number, total: number) => void) | undefined;
}

/** One command: its one-line summary, its flags, and the results it prints (the last is the main one). */
export interface Command {
  readonly summary: string;
  readonly flags: Readonly<Record<string, Flag>>;
  run(data: Frame, options: Record<string, unknown>, values: Values, context: RunContext): Promise<readonly Result[]>;
}

const f = (kind: Flag['kind'], help: string, extra: Partial<Flag> = {}): Flag => ({ kind, help, ...extra });

const OUTCOME = f('text', 'outcome column', { required: true });
const UNIT = f('text', 'unit (panel id) column', { required: true });
const TIME = f('text', 'time column', { required: true });
const COHORT = f('text', 'first-treated period column (0, empty, Inf or after the last period = never treated)', { required: true });
const COVARIATES = f('columns', 'comma-separated control columns');
const WEIGHTS = f('text', 'weights column');
const VCOV = f('vcov', 'variance: iid | hetero | HC0..HC3 | cluster:<col>[+<col>] | CRV3:<col> | CR2:<col>');
const STANDARDIZE = f('standardize', 'effect sizes in SD units: control-baseline | pooled | <SD>');
const FORMULA = f('text', "model formula, e.g. 'y ~ x1 + x2 | unit + period'", { required: true, option: null });
const SEED = f('number', 'random seed');
const BOOTTEST: Readonly<Record<string, Flag>> = {
  boottest: f('text', 'also a wild cluster bootstrap test of this coefficient (fwildclusterboot::boottest; did: ATT)', { option: null }),
  'boot-reps': f('number', 'bootstrap draws B (default 9999)', { option: null }),
  'boot-weights': f('text', 'rademacher (default) | webb | mammen | norm', { option: null }),
  'boot-seed': f('number', 'bootstrap seed', { option: null }),
};

/** The result, then its wild cluster bootstrap test when --boottest names a coefficient. */
async function withBoottest(result: Result, values: Values): Promise<readonly Result[]> {
  const param = text(values, 'boottest');
  if (param === undefined) return [result];
  const { boottest } = await import('../estimators/boottest.js');
  const reps = text(values, 'boot-reps');
  const weights = text(values, 'boot-weights');
  const seed = text(values, 'boot-seed');
  return [result, boottest(result as never, { param, ...(reps === undefined ? {} : { B: Number(reps) }), ...(weights === undefined ? {} : { weights: weights as never }), ...(seed === undefined ? {} : { seed: Number(seed) }) })];
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  feols: {
    summary: 'OLS / WLS with absorbed fixed effects (fixest::feols)',
    flags: { formula: FORMULA, vcov: VCOV, weights: WEIGHTS, 'fixef-rm-singletons': f('boolean', 'drop singleton fixed-effect groups'), ...BOOTTEST },
    run: async (data, options, values) => withBoottest((await import('../models/feols.js')).feols(required(values, 'formula'), data, options), values),
  },
  glm: {
    summary: 'generalised linear model: gaussian or binomial logit/probit (stats::glm)',
    flags: { formula: FORMULA, family: f('text', 'gaussian (default) | binomial'), link: f('text', 'identity | logit | probit'), weights: WEIGHTS, epsilon: f('number', 'IRLS convergence tolerance (default 1e-8)'), 'max-iterations': f('number', 'IRLS iterations (default 25)') },
    run: async (data, options, values) => [(await import('../models/glm.js')).glm(required(values, 'formula'), data, options)],
  },
  feglm: {
    summary: 'binomial logit/probit with absorbed fixed effects (fixest::feglm)',
    flags: { formula: FORMULA, family: f('text', 'binomial (default) | poisson'), link: f('text', 'logit (default) | probit | log'), vcov: VCOV, weights: WEIGHTS, offset: f('text', 'offset column'), compat: f('text', "'fixest': stop and report the variance as fixest does") },
    run: async (data, options, values) => [(await import('../models/feglm.js')).feglm(required(values, 'formula'), data, options)],
  },
  fepois: {
    summary: 'Poisson regression (PPML) with absorbed fixed effects (fixest::fepois)',
    flags: { formula: FORMULA, vcov: VCOV, weights: WEIGHTS, offset: f('text', 'offset column (e.g. log exposure)'), compat: f('text', "'fixest': stop and report the variance as fixest does") },
    run: async (data, options, values) => [(await import('../models/feglm.js')).fepois(required(values, 'formula'), data, options)],
  },
  did: {
    summary: 'canonical 2x2 / two-way fixed-effects difference-in-differences (fixest feols)',
    flags: {
      outcome: OUTCOME, unit: UNIT, time: TIME,
      treat: f('text', '0/1 treatment-group column', { required: true }),
      post: f('text', '0/1 post-period column', { required: true }),
      covariates: COVARIATES, weights: WEIGHTS, vcov: VCOV, standardize: STANDARDIZE,
      'no-fe': f('boolean', 'fit y ~ treat + post + treat:post instead of unit and time fixed effects', { option: null }),
      ...BOOTTEST,
    },
    run: async (data, options, values) => withBoottest((await import('../estimators/did/did.js')).did({ data, ...options, fixedEffects: values['no-fe'] !== true } as never), values),
  },
  event: {
    summary: 'event study: leads and lags around treatment with a pre-trend F test (fixest i() or Sun-Abraham)',
    flags: {
      outcome: OUTCOME, unit: UNIT, time: TIME, cohort: COHORT,
      ref: f('number', 'reference relative period (default -1)'),
      window: f('json', 'event-time window as JSON, e.g. [-4,4]'),
      method: f('text', 'twfe (default) | sunab'),
      'always-treated': f('text', 'cohorts treated before the sample: keep (default, as fixest) | drop'),
      covariates: COVARIATES, weights: WEIGHTS, vcov: VCOV, standardize: STANDARDIZE,
    },
    run: async (data, options) => [(await import('../estimators/did/eventStudy.js')).eventStudy({ data, ...options } as never)],
  },
  attgt: {
    summary: "Callaway & Sant'Anna group-time ATTs (did::att_gt) and their aggregation (did::aggte)",
    flags: {
      outcome: OUTCOME, unit: f('text', 'unit column (panel data)'), time: TIME, cohort: COHORT, covariates: COVARIATES, weights: WEIGHTS,
      control: f('text', 'never (default) | notyet'),
      method: f('text', 'dr (default) | ipw | reg'),
      anticipation: f('number', 'periods of anticipation (default 0)'),
      'base-period': f('text', 'varying (default) | universal'),
      clusters: f('columns', 'cluster above the unit (did clustervars)'),
      'allow-unbalanced': f('boolean', 'keep units with gaps (did allow_unbalanced_panel)'),
      rcs: f('boolean', 'repeated cross-sections (did panel = FALSE)', { option: null }),
      bootstrap: f('boolean', 'multiplier bootstrap with a uniform band (did bstrap / cband)', { option: null }),
      reps: f('number', 'bootstrap draws (default 1000)', { option: null }),
      seed: f('number', 'bootstrap seed', { option: null }),
      aggregate: f('text', 'also aggregate: simple | dynamic | group | calendar', { option: null }),
      standardize: f('standardize', 'aggregation in SD units: control-baseline | pooled | <SD>', { option: null }),
    },
    run: async (data, options, values) => {
      const { attgt } = await import('../estimators/did/attgt.js');
      const reps = text(values, 'reps');
      const seed = text(values, 'seed');
      const bootstrap = values.bootstrap === true ? { ...(reps === undefined ? {} : { reps: Number(reps) }), ...(seed === undefined ? {} : { seed: Number(seed) }) } : undefined;
      const cs = attgt({ data, ...options, ...(values.rcs === true ? { panel: false } : {}), ...(bootstrap === undefined ? {} : { bootstrap }) } as never);
      const type = text(values, 'aggregate');
      if (type === undefined) return [cs];
      const standardize = text(values, 'standardize');
      const aggregateOptions = standardize === undefined ? {} : { standardize: Number.isNaN(Number(standardize)) ? standardize : Number(standardize) };
      return [cs, cs.aggregate(type as never, aggregateOptions as never)];
    },
  },
  match: {
    summary: 'matching (MatchIt::matchit); --outcome adds the matched ATT; with --unit --time --treat --post: PSM-DiD',
    flags: {
      formula: f('text', "'treat ~ x1 + x2' (matchit); PSM-DiD takes --covariates instead", { option: null }),
      method: f('text', 'nearest (default) | exact | cem | subclass | kernel'),
      distance: f('text', 'logit (default) | probit | mahalanobis'),
      estimand: f('text', 'ATT (default) | ATC | ATE'),
      ratio: f('number', 'controls per treated unit (default 1)'),
      caliper: f('number', 'caliper in SDs of the distance'),
      replace: f('boolean', 'match with replacement'),
      order: f('text', 'largest (default) | smallest | random | data | closest | farthest'),
      subclass: f('number', 'number of subclasses (method subclass)'),
      seed: SEED,
      compat: f('text', "'4.5.1' reproduces MatchIt 4.5.1 exactly; default: the corrected algorithm (MatchIt >= 4.5.4)"),
      outcome: f('text', 'matched ATT outcome, or the PSM-DiD outcome', { option: null }),
      unit: f('text', 'PSM-DiD: unit column', { option: null }),
      time: f('text', 'PSM-DiD: time column', { option: null }),
      treat: f('text', 'PSM-DiD: 0/1 treatment-group column', { option: null }),
      post: f('text', 'PSM-DiD: 0/1 post-period column', { option: null }),
      covariates: f('columns', 'PSM-DiD: baseline covariates of the propensity score', { option: null }),
      standardize: f('standardize', 'PSM-DiD: effect in SD units', { option: null }),
    },
    run: async (data, options, values) => {
      if (values.unit !== undefined || values.time !== undefined || values.post !== undefined) {
        const { psmDid } = await import('../estimators/psmDid.js');
        const covariates = text(values, 'covariates');
        const standardize = text(values, 'standardize');
        return [psmDid({
          data, ...options, outcome: required(values, 'outcome'), unit: required(values, 'unit'), time: required(values, 'time'), treat: required(values, 'treat'), post: required(values, 'post'),
          covariates: covariates === undefined ? [] : covariates.split(',').map((s) => s.trim()),
          ...(standardize === undefined ? {} : { standardize: Number.isNaN(Number(standardize)) ? standardize : Number(standardize) }),
        } as never)];
      }
      const { matchit } = await import('../estimators/matching/matchit.js');
      const matched = matchit({ formula: required(values, 'formula'), data, ...options } as never);
      const outcome = text(values, 'outcome');
      return outcome === undefined ? [matched] : [matched, matched.att({ outcome, ...(options.level === undefined ? {} : { level: options.level }) } as never)];
    },
  },
  mediate: {
    summary: 'causal mediation analysis: ACME, ADE, total effect (mediation::mediate)',
    flags: {
      'mediator-model': f('text', "mediator model, e.g. 'M ~ T + X'", { required: true }),
      'outcome-model': f('text', "outcome model, e.g. 'Y ~ T + M + X'", { required: true }),
      treat: f('text', 'treatment variable', { required: true }),
      mediator: f('text', 'mediator variable', { required: true }),
      'mediator-family': f('text', 'gaussian (default) | binomial (logit) | binomial:probit'),
      'outcome-family': f('text', 'gaussian (default) | binomial (logit) | binomial:probit'),
      sims: f('number', 'simulations / bootstrap resamples (default 1000)'),
      seed: SEED,
      boot: f('boolean', 'nonparametric bootstrap instead of quasi-Bayesian draws'),
      'boot-ci-type': f('text', 'perc (default) | bca'),
      'treat-value': f('number', 'treatment value (default 1)'),
      'control-value': f('number', 'control value (default 0)'),
      cluster: f('text', 'cluster column (cluster bootstrap / cluster-robust draws)'),
    },
    run: async (data, options, _values, { onProgress }) => [(await import('../estimators/mediation/mediate.js')).mediate({ data, ...familyOptions(options), onProgress } as never)],
  },
  medsens: {
    summary: 'sensitivity of the ACME to sequential ignorability (mediation::medsens); takes the mediate flags',
    flags: {
      'mediator-model': f('text', "mediator model, e.g. 'M ~ T + X'", { required: true }),
      'outcome-model': f('text', "outcome model, e.g. 'Y ~ T + M + X'", { required: true }),
      treat: f('text', 'treatment variable', { required: true }),
      mediator: f('text', 'mediator variable', { required: true }),
      sims: f('number', 'simulations (default 1000)'),
      seed: SEED,
      'rho-by': f('number', 'step of the ρ grid (default 0.1)', { option: null }),
      'effect-type': f('text', 'indirect (default) | direct | both', { option: null }),
    },
    run: async (data, options, values) => {
      const { mediate } = await import('../estimators/mediation/mediate.js');
      const { medsens } = await import('../estimators/mediation/medsens.js');
      const mediation = mediate({ data, ...options } as never);
      const rhoBy = text(values, 'rho-by');
      const effectType = text(values, 'effect-type');
      return [mediation, medsens(mediation, { ...(rhoBy === undefined ? {} : { rhoBy: Number(rhoBy) }), ...(effectType === undefined ? {} : { effectType }) } as never)];
    },
  },
  lmm: {
    summary: "linear mixed model with random effects, e.g. 'y ~ x + (1 | school)' (lme4::lmer + lmerTest)",
    flags: { formula: FORMULA, ml: f('boolean', 'maximum likelihood instead of REML', { option: null }), ddf: f('text', 'Satterthwaite (default) | Kenward-Roger | normal'), weights: WEIGHTS },
    run: async (data, options, values) => [(await import('../models/lmm/lmm.js')).lmm(required(values, 'formula'), data, { ...options, ...(values.ml === true ? { REML: false } : {}) } as never)],
  },
  bacon: {
    summary: 'Goodman-Bacon decomposition of the TWFE DiD coefficient (bacondecomp::bacon)',
    flags: { outcome: OUTCOME, unit: UNIT, time: TIME, treat: f('text', '0/1 treatment (on from adoption)', { required: true }), covariates: COVARIATES },
    run: async (data, options) => [(await import('../estimators/did/bacon.js')).baconDecomposition({ data, ...options } as never)],
  },
  imputation: {
    summary: 'imputation DiD estimator of Borusyak, Jaravel & Spiess (didimputation::did_imputation)',
    flags: {
      outcome: OUTCOME, unit: UNIT, time: TIME, cohort: COHORT, covariates: COVARIATES, weights: WEIGHTS,
      horizons: f('json', 'event-time horizons as JSON, e.g. [0,1,2] or true for all'),
      pretrends: f('json', 'pre-trend periods as JSON, e.g. [-3,-2,-1] or true'),
      clusters: f('text', 'cluster column (default: the unit)'),
    },
    run: async (data, options) => [(await import('../estimators/did/didImputation.js')).didImputation({ data, ...options } as never)],
  },
  did2s: {
    summary: "Gardner's two-stage DiD (did2s::did2s)",
    flags: {
      outcome: OUTCOME,
      'first-stage': f('text', "first stage, e.g. '~ 0 | id + year'", { required: true }),
      'second-stage': f('text', "second stage, e.g. '~ i(rel, ref = -1)'", { required: true }),
      treatment: f('text', '0/1 treated-now column', { required: true }),
      clusters: f('text', 'cluster column', { required: true }),
      weights: WEIGHTS,
    },
    run: async (data, options) => [(await import('../estimators/did/did2s.js')).did2s({ data, ...options } as never)],
  },
  etable: {
    summary: 'side-by-side table of feols fits (fixest::etable): give --formula once per model',
    flags: { formula: f('text', 'a model formula; repeat for each column', { required: true, option: null, multiple: true }), vcov: VCOV, weights: WEIGHTS },
    run: async (data, options, values) => {
      const { feols } = await import('../models/feols.js');
      const formulas = values.formula;
      if (!Array.isArray(formulas) || formulas.length === 0) throw new UsageError('missing required option --formula');
      return formulas.map((formula) => feols(formula, data, options));
    },
  },
};

/** `binomial:probit` → `{ family: 'binomial', link: 'probit' }` for mediate's family options. */
function familyOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out = { ...options };
  for (const key of ['mediatorFamily', 'outcomeFamily']) {
    const value = out[key];
    if (typeof value === 'string' && value.includes(':')) {
      const [family, link] = value.split(':');
      out[key] = { family, link };
    }
  }
  return out;
}
