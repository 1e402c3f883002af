/**
 * The result of `mediate`: ACME, ADE, proportion mediated (control / treated / average) and the
 * total effect — mediation 4.5.1's d0/d1/d.avg, z0/z1/z.avg, n0/n1/n.avg and tau — with the
 * simulated values behind them, printed as `summary(mediate(...))`.
 */
import { standardizeRows, type StandardizeBasis } from '../effectSize.js';
import type { Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { invalidOption } from '../../options.js';
import { Result, type SummaryParts } from '../../report/result.js';
import type { EffectDraws } from './drawEffects.js';
import type { MediateParams } from './mediateOptions.js';
import type { MedsensSystem } from './medsens.js';
import { summarizeMediation, type MediationEstimate, type MediationSummary, type MediationTriple, type PointEffects } from './summarizeMediation.js';

/**
 * The simulated values behind a mediation result (one entry per draw).
 *
 * @example
 * const draws = mediate({ ...jobsModels, boot: true, sims: 1000, seed: 2014 }).draws();
 * Object.keys(draws); // ['acmeControl', 'acmeTreated', 'adeControl', 'adeTreated']
 * draws.acmeControl.length; // 1000
 */
export interface MediationDraws {
  acmeControl: Float64Array;
  acmeTreated: Float64Array;
  adeControl: Float64Array;
  adeTreated: Float64Array;
}

/** The ten reported quantities in `summary.mediate`'s order, with their labels. */
const TERMS: readonly (readonly [string, (s: MediationSummary) => MediationEstimate])[] = [
  ['ACME (control)', (s) => s.acme.control],
  ['ACME (treated)', (s) => s.acme.treated],
  ['ADE (control)', (s) => s.ade.control],
  ['ADE (treated)', (s) => s.ade.treated],
  ['Total Effect', (s) => s.total],
  ['Prop. Mediated (control)', (s) => s.propMediated.control],
  ['Prop. Mediated (treated)', (s) => s.propMediated.treated],
  ['ACME (average)', (s) => s.acme.average],
  ['ADE (average)', (s) => s.ade.average],
  ['Prop. Mediated (average)', (s) => s.propMediated.average],
];

/** A reported quantity as an {@link Estimate} row (statistic = estimate / stdError, for reference). */
function row(term: string, e: MediationEstimate): Estimate {
  return { term, estimate: e.estimate, stdError: e.stdError, statistic: e.estimate / e.stdError, pValue: e.pValue, confLow: e.confLow, confHigh: e.confHigh };
}

function freezeTriple(triple: MediationTriple): MediationTriple {
  return Object.freeze({ control: Object.freeze({ ...triple.control }), treated: Object.freeze({ ...triple.treated }), average: Object.freeze({ ...triple.average }) });
}

/** What `mediate` hands to the result. */
export interface MediationResultFields {
  summary: MediationSummary;
  params: MediateParams;
  nobs: number;
  interaction: boolean;
  notes: readonly Note[];
  draws: EffectDraws;
  /** The full-sample statistic (bootstrap), or null (quasi-Bayes). */
  point: PointEffects | null;
  sensitivity: MedsensSystem | null;
  /** σ of the effect sizes (default: NaN). */
  standardize?: StandardizeBasis;
}

/**
 * Result of `mediate`: `acme`, `ade`, `propMediated` (each with `control`, `treated`, `average`
 * leaves) and `total`, each `{ estimate, confLow, confHigh, pValue, stdError }`.
 *
 * The effects are simulation-based, not Wald estimates. In every leaf and `tidy()` row:
 * `estimate` is mediation's point estimate (quasi-Bayes: the mean of the draws, the median for
 * the proportion mediated under control/treated; bootstrap: the full-sample statistic);
 * `stdError` is the standard deviation of the draws (mediation reports none); `statistic` (in
 * `tidy()`) is estimate / stdError, for reference only; `pValue` is mediation's simulation
 * p-value 2·min(share of draws > 0, share < 0), not a function of the statistic; `confLow`,
 * `confHigh` are the reported interval (percentile or BCa quantiles of the draws).
 *
 * @example
 * const res = mediate({ ...jobsModels, boot: true, sims: 1000, seed: 2014 });
 * res.acme.average.estimate; // -0.0157446 (mediation 4.5.1, fixtures/oracles/mediation_jobs_boot.json)
 * res.tidy()[7].term;        // 'ACME (average)'
 * res.toJSON().kind;         // 'mediate'
 */
export class MediationResult extends Result {
  readonly kind = 'mediate' as const;
  readonly acme: MediationTriple;
  readonly ade: MediationTriple;
  readonly propMediated: MediationTriple;
  readonly total: MediationEstimate;
  readonly nobs: number;
  readonly sims: number;
  readonly boot: boolean;
  /** Bootstrap interval type (R `boot.ci.type`). */
  readonly bootCiType: 'perc' | 'bca';
  readonly level: number;
  readonly treat: string;
  readonly mediator: string;
  readonly controlValue: number;
  readonly treatValue: number;
  readonly cluster: string | null;
  /** Whether the outcome model has a treatment×mediator interaction (R `INT`). */
  readonly interaction: boolean;
  /** Whether the outcome model is linear (gaussian identity). */
  readonly outcomeLinear: boolean;
  /** σ of {@link MediationResult.effectSizes} (NaN, with a note, when it could not be computed). */
  readonly standardize: StandardizeBasis;
  readonly #summary: MediationSummary;
  readonly #draws: EffectDraws;
  readonly #point: PointEffects | null;
  readonly #sens: MedsensSystem | null;
  readonly #tidy = new Map<number, readonly Estimate[]>();

  /** @internal use `mediate`. */
  constructor(fields: MediationResultFields) {
    super(fields.notes);
    const { summary, params } = fields;
    this.acme = freezeTriple(summary.acme);
    this.ade = freezeTriple(summary.ade);
    this.propMediated = freezeTriple(summary.propMediated);
    this.total = Object.freeze({ ...summary.total });
    this.nobs = fields.nobs;
    this.sims = params.sims;
    this.boot = params.boot;
    this.bootCiType = params.bootCiType;
    this.level = params.level;
    this.treat = params.treat;
    this.mediator = params.mediator;
    this.controlValue = params.controlValue;
    this.treatValue = params.treatValue;
    this.cluster = params.cluster;
    this.interaction = fields.interaction;
    this.outcomeLinear = params.outcomeFamily.link === 'identity';
    this.#summary = summary;
    this.#draws = fields.draws;
    this.#point = fields.point;
    this.#sens = fields.sensitivity;
    this.standardize = Object.freeze({ ...(fields.standardize ?? { standardize: 'control-baseline', sd: NaN, n: 0 }) });
  }

  /**
   * ACME, ADE and total effect rows of `tidy(level)` in SD units of the outcome (σ =
   * `standardize.sd`; estimate, SE and interval divided by σ, terms suffixed `(SD)`); the
   * proportions mediated have no unit and are left out.
   * @example res.effectSizes().find((r) => r.term === 'ACME (average) (SD)')?.estimate; // ACME / σ
   */
  effectSizes(level = this.level): Estimate[] {
    return standardizeRows(this.tidy(level).filter((r) => !r.term.startsWith('Prop. Mediated')), this.standardize.sd);
  }

  /**
   * The simulated (or bootstrapped) d0, d1, z0, z1 values, as copies.
   * @example res.draws().acmeControl.length; // sims
   */
  draws(): MediationDraws {
    return {
      acmeControl: Float64Array.from(this.#draws.d0),
      acmeTreated: Float64Array.from(this.#draws.d1),
      adeControl: Float64Array.from(this.#draws.z0),
      adeTreated: Float64Array.from(this.#draws.z1),
    };
  }

  /**
   * The linear–linear system that `medsens` re-estimates (null for other models).
   * @internal
   * @example res.sensitivitySystem()?.km; // 5 on the jobs models
   */
  sensitivitySystem(): MedsensSystem | null {
    return this.#sens;
  }

  /**
   * One row per quantity, labelled and ordered as `summary(mediate)` with an interaction (ten
   * rows); at another `level` the intervals are recomputed from the same draws. See the class
   * TSDoc for what each field holds.
   *
   * @throws {CausalPanelError} `invalid_option` when level is not in (0, 1)
   * @example
   * res.tidy().find((r) => r.term === 'ACME (average)')?.estimate; // -0.0157446 on the jobs models
   */
  tidy(level = this.level): Estimate[] {
    if (typeof level !== 'number' || !(level > 0 && level < 1)) throw invalidOption({ fn: this.kind, key: 'level' }, 'a number in (0, 1)', level);
    let rows = this.#tidy.get(level);
    if (rows === undefined) {
      const summary = level === this.level ? this.#summary : summarizeMediation(this.#draws, this.#point, { level, bca: this.boot && this.bootCiType === 'bca' });
      rows = TERMS.map(([term, get]) => Object.freeze(row(term, get(summary))));
      this.#tidy.set(level, rows);
    }
    return rows.map((row) => ({ ...row }));
  }

  /** `summary.mediate`'s table (four rows without an interaction and with a linear outcome, else ten). */
  protected summaryParts(): SummaryParts {
    const summary = this.#summary;
    const printOne = !this.interaction && this.outcomeLinear;
    const rows = printOne
      ? [row('ACME', summary.acme.treated), row('ADE', summary.ade.control), row('Total Effect', summary.total), row('Prop. Mediated', summary.propMediated.control)]
      : TERMS.map(([term, get]) => row(term, get(summary)));
    const method = this.boot
      ? `Nonparametric Bootstrap Confidence Intervals with the ${this.bootCiType === 'perc' ? 'Percentile' : 'BCa'} Method`
      : 'Quasi-Bayesian Confidence Intervals';
    const meta: [string, string][] = [
      ['Sample Size Used', String(this.nobs)],
      ['Simulations', String(this.sims)],
    ];
    if (this.cluster !== null) meta.push([this.boot ? 'Clusters resampled' : 'Cluster-robust draws', this.cluster]);
    return { title: `Causal Mediation Analysis, ${method}`, meta, rows, rowsLayout: 'intervals', level: this.level };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      acme: this.acme,
      ade: this.ade,
      propMediated: this.propMediated,
      total: this.total,
      nobs: this.nobs,
      sims: this.sims,
      boot: this.boot,
      bootCiType: this.bootCiType,
      level: this.level,
      treat: this.treat,
      mediator: this.mediator,
      controlValue: this.controlValue,
      treatValue: this.treatValue,
      cluster: this.cluster,
      interaction: this.interaction,
    };
  }
}
