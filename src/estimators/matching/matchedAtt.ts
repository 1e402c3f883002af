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
import type { Frame } from '../../data/frame.js';
import { feols, type OlsFit } from '../../models/feols.js';
import { deparseName } from '../../models/formula/expr.js';
import type { VcovOption } from '../../inference/vcovSpec.js';
import { waldInference } from '../../inference/intervals.js';
import { jsonRow, type Estimate } from '../../estimate.js';
import { renderSummary } from '../../report/summary.js';
import { formatInteger, formatSignif } from '../../report/format.js';

/** What {@link matchedAtt} needs from a matching result. */
export interface MatchedSample {
  /** match.data(): matched rows with columns `weights`, `subclass` (when pairs exist), `distance`. */
  matchedData(): Frame;
  /** Name of the treatment column. */
  readonly treatment: string;
  /** True when pairs are clusters (matching without replacement). */
  readonly hasSubclass: boolean;
}

/** Options of {@link matchedAtt}. */
export interface MatchedAttOptions {
  /** Outcome column. */
  outcome: string;
  /** Covariates added to the regression: a list of columns or right-side formula text (`'age + educ + race'`). */
  covariates?: readonly string[] | string;
  /** Variance: default `{ CRV1: 'subclass' }` with pairs, else `'HC3'` (MatchIt's recommendation). */
  vcov?: VcovOption;
  /** Confidence level (default 0.95). */
  level?: number;
}

/** Everything a {@link MatchedAttResult} holds. */
export interface MatchedAttInit {
  estimate: Estimate;
  outcome: string;
  nobs: number;
  df: number;
  level: number;
  fit: OlsFit;
}

const inspect = Symbol.for('nodejs.util.inspect.custom');

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
export class MatchedAttResult {
  readonly kind = 'matchedAtt' as const;
  /** `term` = the treatment name; t inference on the residual degrees of freedom. */
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
  /** Notes of the weighted regression. */
  readonly notes: readonly Note[];
  /** The weighted regression (for other coefficients or re-inference). */
  readonly fit: OlsFit;

  /** @internal use {@link matchedAtt} or `MatchitResult.att()`. */
  constructor(init: MatchedAttInit) {
    this.estimate = Object.freeze({ ...init.estimate });
    this.outcome = init.outcome;
    this.nobs = init.nobs;
    this.df = init.df;
    this.level = init.level;
    this.vcovLabel = init.fit.vcovInfo.label;
    this.notes = Object.freeze([...init.fit.notes]);
    this.fit = init.fit;
  }

  /** The ATT as one broom-style row (term = the treatment). @example att.tidy()[0].estimate */
  tidy(): Estimate[] {
    return [{ ...this.estimate }];
  }

  /** A fixest-style printed table of the ATT with its sample, variance and notes. @example att.summary() // the printed table */
  summary(): string {
    return renderSummary({
      title: `Matched ATT, Dep. Var.: ${this.outcome} (weighted regression on the matched data)`,
      meta: [
        ['Observations', formatInteger(this.nobs)],
        ['Standard-errors', this.vcovLabel],
      ],
      rows: this.tidy(),
      notes: this.notes,
      footer: [`t inference on ${this.df} residual degrees of freedom; ${Number((100 * this.level).toPrecision(6))}% CI [${formatSignif(this.estimate.confLow)}, ${formatSignif(this.estimate.confHigh)}]`],
    });
  }

  /** Plain JSON with a `kind` tag (non-finite numbers become `null`). @example JSON.stringify(att) */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      estimate: jsonRow(this.estimate),
      outcome: this.outcome,
      nobs: this.nobs,
      df: this.df,
      level: this.level,
      vcov: this.vcovLabel,
      notes: JSON.parse(JSON.stringify(this.notes)) as unknown,
    };
  }

  [inspect](): string {
    return this.summary();
  }
}

/**
 * ATT of a matched sample by weighted regression with pair-clustered (or HC3) SEs.
 *
 * @throws {CausalPanelError} `missing_column`, `invalid_option` (outcome or covariates reuse `weights`/`subclass`)
 * @example
 * const m = matchit({ formula: 'treat ~ age + educ + race + married + nodegree + re74 + re75', data: lalonde });
 * matchedAtt(m, { outcome: 're78' }).estimate.estimate;
 * // 770.39 with MatchIt 4.5.1's pairs (fixtures/oracles/matchit_nearest.json, compat '4.5.1')
 */
export function matchedAtt(sample: MatchedSample, options: MatchedAttOptions): MatchedAttResult {
  return withFunctionName('matchedAtt', () => matchedAttUnlabelled(sample, options));
}

/** {@link matchedAtt} itself; errors of inner public functions are relabelled by the wrapper above. */
function matchedAttUnlabelled(sample: MatchedSample, options: MatchedAttOptions): MatchedAttResult {
  const fn = 'matchedAtt';
  const { outcome, covariates, level = 0.95 } = options;
  if (typeof outcome !== 'string' || outcome.length === 0) {
    throw new CausalPanelError('invalid_option', `${fn}: outcome must be a column name (got ${String(outcome)})`, { fn, option: 'outcome' });
  }
  const vcov = options.vcov ?? (sample.hasSubclass ? { CRV1: 'subclass' } : 'HC3');
  // Column names go into formula text backquoted when not syntactic (R's rule), and come back so as terms.
  const treatTerm = deparseName(sample.treatment);
  const extra = covariates === undefined ? '' : typeof covariates === 'string' ? covariates : covariates.map(deparseName).join(' + ');
  const rhs = extra.trim().length > 0 ? `${treatTerm} + ${extra}` : treatTerm;
  const data = sample.matchedData();
  const fit = feols(`${deparseName(outcome)} ~ ${rhs}`, data, { weights: 'weights', vcov, level });
  const j = fit.terms.indexOf(treatTerm);
  if (j < 0) {
    throw new CausalPanelError('singular_design', `${fn}: the treatment "${sample.treatment}" was dropped from the outcome regression (collinear)`, { fn, column: sample.treatment });
  }
  const df = fit.nobs - fit.terms.length;
  const se = fit.se()[treatTerm]!;
  const inference = waldInference(fit.coefficients[j]!, se, { kind: 't', df }, level);
  return new MatchedAttResult({ estimate: { term: sample.treatment, ...inference }, outcome, nobs: fit.nobs, df, level, fit });
}
