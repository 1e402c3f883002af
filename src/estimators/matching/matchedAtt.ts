/**
 * The ATT after matching, as MatchIt's vignette "Estimating Effects After Matching" recommends:
 * a weighted regression of the outcome on the treatment (optionally plus the matching
 * covariates) in the matched data, `lm(y ~ treat [+ covs], data = match.data(m), weights = weights)`,
 * with standard errors clustered on the matched pair (`sandwich::vcovCL(cluster = ~subclass)`,
 * HC1-type adjustment G/(G−1)·(n−1)/(n−k)) after matching without replacement, and `HC3`
 * (`sandwich::vcovHC(type = "HC3")`) after matching with replacement or kernel matching, where
 * pairs are not independent clusters.
 *
 * The regression is fixest-compatible `feols` with `weights = "weights"`; with no fixed
 * effects fixest's CRV1 equals `vcovCL(type = "HC1")` and its HC3 equals `vcovHC(type = "HC3")`.
 * Inference uses the t distribution with the residual degrees of freedom n − k, as
 * `lmtest::coeftest(fit, vcov = …)` on an `lm` object.
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import { standardizeBasis, standardizeOption, standardizeRows, type Standardize, type StandardizeBasis } from '../effectSize.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import type { Frame } from '../../data/frame.js';
import { feols, type OlsFit } from '../../models/feols.js';
import { deparseName } from '../../models/formula/expr.js';
import { parseVcov, type VcovOption } from '../../inference/vcovSpec.js';
import { waldInference } from '../../inference/intervals.js';
import type { Estimate } from '../../estimate.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { formatInteger, formatSignif } from '../../report/format.js';

/**
 * What {@link matchedAtt} needs from a matching result (a `MatchitResult`, or any sample of that shape).
 *
 * @example
 * matchedAtt({ matchedData: () => md, treatment: 'treat', hasSubclass: true }, { outcome: 're78' });
 */
export interface MatchedSample {
  /** match.data(): matched rows with columns `weights`, `subclass` (when pairs exist), `distance`. */
  matchedData(): Frame;
  /** Name of the treatment column. */
  readonly treatment: string;
  /** True when pairs are clusters (matching without replacement). */
  readonly hasSubclass: boolean;
  /**
   * False when the subclasses are strata rather than matched sets (exact matching): the default
   * variance is then HC3, as MatchIt's vignette recommends for methods that form no pairs.
   * Default: `hasSubclass`.
   */
  readonly subclassesArePairs?: boolean;
}

/**
 * Options of {@link matchedAtt}.
 *
 * @example
 * const options: MatchedAttOptions = { outcome: 're78', covariates: ['age', 'educ'], vcov: 'HC3', level: 0.9 };
 */
export interface MatchedAttOptions {
  /** Outcome column (the left side of MatchIt's vignette `lm(y ~ treat, …)`). */
  outcome: string;
  /** Covariates added to the regression: a list of columns or right-side formula text (`'age + educ + race'`). */
  covariates?: readonly string[] | string;
  /** Variance, as feols' `vcov`: default `{ CRV1: 'subclass' }` with pairs, else `'HC3'` (MatchIt's recommendation; `sandwich::vcovCL` / `vcovHC`). */
  vcov?: VcovOption;
  /** Confidence level (default 0.95; `lmtest::coefci(level)`). */
  level?: number;
  /**
   * σ of `effectSize`: `'control-baseline'` (default: the outcome's SD among the matched control
   * units — a cross-section has no baseline period), `'pooled'` (every matched row) or a given σ.
   */
  standardize?: Standardize;
}

/**
 * Everything a {@link MatchedAttResult} is built from (by {@link matchedAtt}).
 *
 * @example
 * new MatchedAttResult({ treatment: 'treat', coefficient: 770.39, stdError: 701.58, outcome: 're78', nobs: 370, df: 368, level: 0.95, fit });
 */
export interface MatchedAttInit {
  /** Name of the treatment column (the row's term). */
  treatment: string;
  /** The treatment coefficient and its standard error. */
  coefficient: number;
  stdError: number;
  outcome: string;
  nobs: number;
  df: number;
  level: number;
  fit: OlsFit;
  /** σ of the effect size (default: NaN, no effect size). */
  standardize?: StandardizeBasis;
  /** Notes from computing σ. */
  standardizeNotes?: readonly Note[];
}

/**
 * The matched ATT: the treatment coefficient with its inference, the regression behind it, and
 * the notes of that regression (rows of the matched data dropped for a missing outcome, …), with
 * `tidy()`, `summary()` and `toJSON()` as every result.
 *
 * @example
 * const att = matchit({ formula: 'treat ~ age + educ', data: lalonde }).att({ outcome: 're78' });
 * att.tidy()[0].term; // 'treat'
 * att.toJSON().kind; // 'matchedAtt'
 */
export class MatchedAttResult extends Result {
  readonly kind = 'matchedAtt' as const;
  /** `term` = the treatment name; t inference on the residual degrees of freedom, at `level`. */
  readonly estimate: Estimate;
  /** Outcome column. */
  readonly outcome: string;
  /** Matched observations used. */
  readonly nobs: number;
  /** Residual degrees of freedom (n − k) used for p-value and interval. */
  readonly df: number;
  /** Confidence level of the interval. */
  readonly level: number;
  /** Variance label, as fixest prints it (`Clustered (subclass)`, `Heteroskedasticity-robust (HC3)`). */
  readonly vcovLabel: string;
  /** The weighted regression (for other coefficients or re-inference). */
  readonly fit: OlsFit;
  /** σ of `effectSize` (NaN, with a note, when it could not be computed). */
  readonly standardize: StandardizeBasis;
  /** The ATT in SD units of the outcome (estimate, SE, interval ÷ σ; statistic and p kept). */
  readonly effectSize: Estimate;
  readonly #coefficient: number;

  /** @internal use {@link matchedAtt} or `MatchitResult.att()`. */
  constructor(init: MatchedAttInit) {
    super([...init.fit.notes, ...(init.standardizeNotes ?? [])]);
    this.#coefficient = init.coefficient;
    this.outcome = init.outcome;
    this.nobs = init.nobs;
    this.df = init.df;
    this.level = init.level;
    this.vcovLabel = init.fit.vcovInfo.label;
    this.fit = init.fit;
    this.estimate = Object.freeze({ term: init.treatment, ...waldInference(init.coefficient, init.stdError, { kind: 't', df: init.df }, init.level) });
    this.standardize = Object.freeze({ ...(init.standardize ?? { standardize: 'control-baseline', sd: NaN, n: 0 }) });
    this.effectSize = Object.freeze(standardizeRows([this.estimate], this.standardize.sd)[0]!);
  }

  /**
   * The ATT in SD units at `level` (term `<treatment> (SD)`).
   * @example att.effectSizes()[0].estimate; // ATT / σ of the matched controls' outcome
   */
  effectSizes(level: number = this.level): Estimate[] {
    return standardizeRows(this.tidy(level), this.standardize.sd);
  }

  /**
   * The ATT as one broom-style row (term = the treatment), t inference on the residual degrees of
   * freedom at `level` (default: the level of the call).
   *
   * @example
   * att.tidy()[0].estimate;        // 770.39 (MatchIt 4.5.1 pairs, compat '4.5.1')
   * att.tidy(0.9)[0].confLow;      // the 90% interval's lower end
   */
  tidy(level: number = this.level): Estimate[] {
    if (level === this.level) return [{ ...this.estimate }];
    return [{ term: this.estimate.term, ...waldInference(this.#coefficient, this.estimate.stdError, { kind: 't', df: this.df }, level) }];
  }

  protected summaryParts(): SummaryParts {
    return {
      title: `Matched ATT, Dep. Var.: ${this.outcome} (weighted regression on the matched data)`,
      meta: [
        ['Observations', formatInteger(this.nobs)],
        ['Standard-errors', this.vcovLabel],
      ],
      footer: [`t inference on ${this.df} residual degrees of freedom; ${Number((100 * this.level).toPrecision(6))}% CI [${formatSignif(this.estimate.confLow)}, ${formatSignif(this.estimate.confHigh)}]`],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      estimate: this.estimate,
      outcome: this.outcome,
      nobs: this.nobs,
      df: this.df,
      level: this.level,
      vcov: this.vcovLabel,
      standardize: this.standardize,
      effectSize: this.effectSize,
    };
  }
}

/** Covariates: column names, or right-side formula text. */
function readCovariates(value: unknown, at: OptionPath): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((c) => typeof c === 'string' && c.length > 0)) return (value as string[]).map(deparseName).join(' + ');
  throw invalidOption(at, 'an array of column names or right-side formula text like "age + educ"', value);
}

const MATCHED_ATT_SPEC = {
  outcome: opt.column({ required: true }),
  covariates: opt.custom(readCovariates),
  vcov: opt.custom((value, at): VcovOption | undefined => {
    if (value !== undefined) parseVcov(value as VcovOption, { fn: at.fn, combined: true });
    return value as VcovOption | undefined;
  }),
  level: opt.level(),
  standardize: opt.custom((value, at) => (value === undefined ? undefined : standardizeOption().read(value, at))),
};

/**
 * ATT of a matched sample by weighted regression with pair-clustered (or HC3) SEs.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option`, `missing_column`,
 *   `singular_design` (the treatment is collinear in the outcome regression)
 * @example
 * const m = matchit({ formula: 'treat ~ age + educ + race + married + nodegree + re74 + re75', data: lalonde, compat: '4.5.1' });
 * matchedAtt(m, { outcome: 're78' }).estimate.estimate;
 * // 770.39 with MatchIt 4.5.1's pairs (fixtures/oracles/matchit_nearest.json)
 */
export function matchedAtt(sample: MatchedSample, options: MatchedAttOptions): MatchedAttResult {
  return withFunctionName('matchedAtt', () => matchedAttUnlabelled(sample, options));
}

/** {@link matchedAtt} itself; errors of inner public functions are relabelled by the wrapper above. */
function matchedAttUnlabelled(sample: MatchedSample, options: MatchedAttOptions): MatchedAttResult {
  const fn = 'matchedAtt';
  const { outcome, covariates, vcov = (sample.subclassesArePairs ?? sample.hasSubclass) ? { CRV1: 'subclass' } : 'HC3', level, standardize: given } = readOptions(fn, options, MATCHED_ATT_SPEC);
  // Column names go into formula text backquoted when not syntactic (R's rule), and come back so as terms.
  const treatTerm = deparseName(sample.treatment);
  const rhs = covariates.trim().length > 0 ? `${treatTerm} + ${covariates}` : treatTerm;
  const data = sample.matchedData();
  const fit = feols(`${deparseName(outcome)} ~ ${rhs}`, data, { weights: 'weights', vcov, level });
  const j = fit.terms.indexOf(treatTerm);
  if (j < 0) {
    throw new CausalPanelError('singular_design', `${fn}: the treatment "${sample.treatment}" was dropped from the outcome regression (collinear)`, { fn, column: sample.treatment });
  }
  const df = fit.nobs - fit.terms.length;
  // σ over the matched rows (weight > 0): the controls', or all of them ('pooled')
  const y = data.numeric(outcome, fn);
  const treat = data.numeric(sample.treatment, fn);
  const weights = data.numeric('weights', fn);
  const rows = Int32Array.from({ length: data.nrow }, (_, i) => i).filter((i) => weights[i]! > 0);
  const standardizeNotes: Note[] = [];
  const standardize = standardizeBasis(given, y, rows, (row) => treat[row] === 0, fn, standardizeNotes);
  return new MatchedAttResult({ treatment: sample.treatment, coefficient: fit.coefficients[j]!, stdError: fit.se()[treatTerm]!, outcome, nobs: fit.nobs, df, level, fit, standardize, standardizeNotes });
}
