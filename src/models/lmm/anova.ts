/**
 * Likelihood-ratio tests between nested linear mixed models, as lme4's `anova(m1, m2, …)`:
 * models ordered by their number of parameters, REML fits refitted by maximum likelihood
 * (lme4's `refit = TRUE`), χ² = the drop in deviance (−2 log-likelihood) from one model to the
 * next, df = the difference in parameters, p = the upper χ² tail. For a variance parameter the
 * null value sits on the boundary of the parameter space, so this p-value is conservative
 * (Self & Liang 1987), as lme4's.
 *
 * Reference: lme4 1.1-31, R/lmer.R (anova.merMod).
 */
import { CausalPanelError } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { chisqUpper } from '../../numerics/distributions.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { formatNumber } from '../../report/format.js';
import { textTable } from '../../report/textTable.js';
import { lmm } from './lmm.js';
import { LmmFit } from './lmmResult.js';

/**
 * One row of the comparison (lme4's `anova` table).
 *
 * @example
 * anova(mInt, mSlope).rows[1]; // { model: 'model 2', npar: 8, aic, bic, logLik, deviance: 46538.14, chisq: 10.18, df: 2, pValue: 0.0062 }
 */
export interface AnovaRow {
  model: string;
  formula: string;
  npar: number;
  aic: number;
  bic: number;
  logLik: number;
  deviance: number;
  /** NaN on the first row. */
  chisq: number;
  df: number;
  pValue: number;
}

/**
 * The likelihood-ratio comparison of nested mixed models.
 *
 * @example
 * const table = anova(mInt, mSlope);
 * table.rows[1].pValue; // LRT of the random slope
 */
export class LmmAnova extends Result {
  readonly kind = 'lmmAnova' as const;
  readonly rows: readonly AnovaRow[];
  /** True when a REML fit was refitted by ML for the comparison. */
  readonly refitted: boolean;

  constructor(rows: AnovaRow[], refitted: boolean) {
    super(refitted ? [{ code: 'design_adjusted', message: 'REML fits were refitted by maximum likelihood for the likelihood-ratio test (lme4: "refitting model(s) with ML (instead of REML)").' }] : []);
    this.rows = Object.freeze(rows.map((row) => Object.freeze({ ...row })));
    this.refitted = refitted;
  }

  /** One row per model after the first: χ² as estimate and statistic, its p-value. @example table.tidy()[0].pValue */
  tidy(): Estimate[] {
    return this.rows.slice(1).map((row) => ({ term: row.model, estimate: row.chisq, stdError: NaN, statistic: row.chisq, pValue: row.pValue, confLow: NaN, confHigh: NaN }));
  }

  protected summaryParts(): SummaryParts {
    const body = this.rows.map((r) => [r.model, String(r.npar), formatNumber(r.aic, 7), formatNumber(r.bic, 7), formatNumber(r.logLik, 7), formatNumber(r.deviance, 7), Number.isNaN(r.chisq) ? '' : formatNumber(r.chisq, 5), Number.isNaN(r.df) ? '' : String(r.df), Number.isNaN(r.pValue) ? '' : formatNumber(r.pValue, 5)]);
    return {
      title: 'Likelihood-ratio tests of nested mixed models',
      meta: this.rows.map((r) => [r.model, r.formula] as const),
      rows: [],
      tables: [{ heading: '', body: textTable(body, { header: ['', 'npar', 'AIC', 'BIC', 'logLik', 'deviance', 'Chisq', 'Df', 'Pr(>Chisq)'], align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] }) }],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return { rows: this.rows, refitted: this.refitted };
  }
}

/**
 * Likelihood-ratio tests between nested {@link lmm} fits (lme4's `anova`).
 *
 * @throws {CausalPanelError} `invalid_option` with fewer than two fits, a result that is not an
 *   lmm fit, or fits on different numbers of observations
 * @example
 * const mInt = lmm('MathAch ~ cses + (1 | School)', hsb, { REML: false });
 * const mSlope = lmm('MathAch ~ cses + (1 + cses | School)', hsb, { REML: false });
 * anova(mInt, mSlope).rows[1].chisq; // 2 × (logLik(mSlope) − logLik(mInt))
 */
export function anova(...fits: LmmFit[]): LmmAnova {
  const fn = 'anova';
  if (fits.length < 2) throw new CausalPanelError('invalid_option', `${fn}: compare at least two fits (got ${fits.length})`, { fn, value: fits.length });
  fits.forEach((fit, i) => {
    if (!(fit instanceof LmmFit)) throw new CausalPanelError('invalid_option', `${fn}: argument ${i + 1} must be an lmm fit`, { fn, value: fit });
  });
  const nobs = fits[0]!.nobs;
  const other = fits.find((fit) => fit.nobs !== nobs);
  if (other !== undefined) throw new CausalPanelError('invalid_option', `${fn}: the fits use different numbers of observations (${nobs} and ${other.nobs})`, { fn, value: other.nobs });
  const refitted = fits.some((fit) => fit.reml);
  const ml = fits.map((fit) => (fit.reml ? lmm(fit.formula, fit.modelFrame(), { REML: false, ddf: 'normal', ...(fit.weights !== undefined ? { weights: fit.weights } : {}) }) : fit));
  const order = ml.map((_, i) => i).sort((a, b) => ml[a]!.nParameters - ml[b]!.nParameters || a - b);
  const rows: AnovaRow[] = order.map((i, rank) => {
    const fit = ml[i]!;
    const previous = rank > 0 ? ml[order[rank - 1]!]! : null;
    const deviance = -2 * fit.logLik;
    const chisq = previous === null ? NaN : Math.max(0, deviance === -2 * previous.logLik ? 0 : -2 * previous.logLik - deviance);
    const df = previous === null ? NaN : fit.nParameters - previous.nParameters;
    return {
      model: `model ${i + 1}`,
      formula: fit.formula,
      npar: fit.nParameters,
      aic: fit.aic,
      bic: fit.bic,
      logLik: fit.logLik,
      deviance,
      chisq,
      df,
      pValue: previous === null ? NaN : chisqUpper(chisq, df),
    };
  });
  return new LmmAnova(rows, refitted);
}
