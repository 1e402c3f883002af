/**
 * What one column of an `etable` holds, and how a result becomes one. The report layer imports no
 * estimator: results are read structurally through the fields the public API promises —
 * `tidy()`, `nobs`, `formula` / `outcome`, `vcovInfo.label` / `vcovLabel`, `fixedEffects`, and a
 * regression's fit statistics (on the result, or on the `fit` a DiD or matching result carries).
 *
 * Fit statistics follow fixest's `etable` defaults: OLS columns show R² and the within R² (tables
 * with fixed effects) or the adjusted R² (tables without); as soon as a GLM is in the table,
 * fixest shows the squared correlation of y and the fitted values ("Squared Cor."), the pseudo R²
 * 1 − logLik/logLik₀ ("Pseudo R2", McFadden's) and the BIC −2·logLik + k·log n. The GLM
 * log-likelihood is fixest's `family$aic(…)/−2` = k − AIC/2 (R's AIC, k coefficients), and the
 * null model's follows from the null deviance: logLik₀ = logLik − (D₀ − D)/2 (binomial),
 * logLik + (n/2)·log(D/D₀) (gaussian).
 */
import { CausalPanelError } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { showValue } from '../options.js';
import { log } from '../numerics/elementary.js';

/**
 * One column of an etable.
 *
 * @example
 * const column: EtableModel = { name: 'manual', rows: [{ term: 'x', estimate: 1.5, stdError: 0.5, statistic: 3, pValue: 0.003, confLow: 0.5, confHigh: 2.5 }],
 *   nobs: 100, vcovType: 'IID', depVar: 'y' };
 * etable([column]); // '                          manual\nDependent Var.:                y\n\nx               1.500** (0.5000)\n…'
 */
export interface EtableModel {
  /** Column title (default `(1)`, `(2)`, …). */
  name?: string;
  /** Coefficient rows. */
  rows: readonly Estimate[];
  /** Number of observations (`--` when absent). */
  nobs?: number;
  /** R² (OLS). */
  r2?: number;
  /** Adjusted R² (fixest's "Adj. R2", shown when no column has fixed effects). */
  adjR2?: number;
  /** Within R² (fixed-effects models). */
  withinR2?: number;
  /** Squared correlation of y and the fitted values (fixest's "Squared Cor."). */
  squaredCor?: number;
  /** Pseudo R² 1 − logLik/logLik₀ (fixest's "Pseudo R2"); a column with it marks a GLM. */
  pseudoR2?: number;
  /** BIC −2·logLik + k·log n, as fixest. */
  bic?: number;
  /** Names of the fixed effects absorbed, e.g. `['id', 'period']`. */
  fixedEffects?: readonly string[];
  /** Vcov label, e.g. `'IID'`, `'Heteroskedasticity-robust'`, `'Clustered (id)'`. */
  vcovType?: string;
  /** Dependent variable. */
  depVar?: string;
}

/**
 * Anything `etable` accepts: an {@link EtableModel}, an object with `toEtableModel()`, or any
 * result with `tidy()` (feols / glm fits, did, eventStudy, attgt aggregations, matchedAtt,
 * mediation results, …).
 *
 * @example
 * const fits: EtableInput[] = [feols('y ~ x1 | id', data), did(didOptions), { tidy: () => rows }];
 * etable(fits); // one column per input
 */
export type EtableInput = EtableModel | { toEtableModel(): EtableModel } | { tidy(): readonly Estimate[] };

type Fields = Record<string, unknown>;

const isObject = (x: unknown): x is Fields => x !== null && typeof x === 'object';
const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);

function isEstimate(row: unknown): row is Estimate {
  return isObject(row) && typeof row.term === 'string' && typeof row.estimate === 'number' && typeof row.stdError === 'number';
}

function checkRows(rows: unknown, index: number): readonly Estimate[] {
  if (!Array.isArray(rows)) throw notAModel(index, rows);
  const bad = rows.findIndex((row) => !isEstimate(row));
  if (bad >= 0) {
    throw new CausalPanelError('invalid_option', `etable: row ${bad + 1} of model ${index + 1} must have term, estimate and stdError (got ${showValue(rows[bad])})`, { fn: 'etable', option: 'fits', value: rows[bad] });
  }
  return rows as readonly Estimate[];
}

function notAModel(index: number, value: unknown): CausalPanelError {
  return new CausalPanelError('invalid_option', `etable: model ${index + 1} must be a result with tidy(), or { rows, nobs } (got ${showValue(value)})`, {
    fn: 'etable',
    option: 'fits',
    value,
  });
}

function lhs(formula: unknown): string | undefined {
  if (typeof formula !== 'string' || !formula.includes('~')) return undefined;
  return str(formula.slice(0, formula.indexOf('~')).trim());
}

/** Pearson correlation² of y and ŷ (unweighted, as fixest's `sq.cor`); NaN when undefined. */
function squaredCorrelation(y: ArrayLike<number>, fitted: ArrayLike<number>): number {
  const n = y.length;
  if (n < 2 || fitted.length !== n) return NaN;
  let my = 0;
  let mf = 0;
  for (let i = 0; i < n; i++) {
    my += y[i]!;
    mf += fitted[i]!;
  }
  my /= n;
  mf /= n;
  let syy = 0;
  let sff = 0;
  let syf = 0;
  for (let i = 0; i < n; i++) {
    const dy = y[i]! - my;
    const df = fitted[i]! - mf;
    syy += dy * dy;
    sff += df * df;
    syf += dy * df;
  }
  return (syf * syf) / (syy * sff);
}

/** y and ŷ of a fit exposing `design.y` and `fitted()` (feols and glm fits), else null. */
function responseAndFitted(fit: Fields): [ArrayLike<number>, ArrayLike<number>] | null {
  const design = fit.design;
  if (!isObject(design) || !(design.y instanceof Float64Array) || typeof fit.fitted !== 'function') return null;
  const fitted: unknown = (fit.fitted as () => unknown).call(fit);
  return fitted instanceof Float64Array ? [design.y, fitted] : null;
}

/** fixest's GLM statistics from a glm fit's `aic`, `deviance`, `nullDeviance`, `family`, `nobs`, `terms`. */
function glmStatistics(fit: Fields): Pick<EtableModel, 'squaredCor' | 'pseudoR2' | 'bic'> {
  const pair = responseAndFitted(fit);
  const squaredCor = pair === null ? NaN : squaredCorrelation(pair[0], pair[1]);
  const aic = num(fit.aic);
  const deviance = num(fit.deviance);
  const nullDeviance = num(fit.nullDeviance);
  const n = num(fit.nobs);
  const k = Array.isArray(fit.terms) ? fit.terms.length : undefined;
  if (aic === undefined || deviance === undefined || nullDeviance === undefined || n === undefined || k === undefined) return { squaredCor, pseudoR2: NaN, bic: NaN };
  const logLik = k - aic / 2;
  const nullLogLik = fit.family === 'binomial' ? logLik - (nullDeviance - deviance) / 2 : fit.family === 'gaussian' ? logLik + (n / 2) * log(deviance / nullDeviance) : NaN;
  return { squaredCor, pseudoR2: 1 - logLik / nullLogLik, bic: -2 * logLik + k * log(n) };
}

/** The fit statistics of a regression fit (or of the fit behind a DiD / matching result). */
function fitStatistics(fit: Fields, hasFixedEffects: boolean): Partial<EtableModel> {
  if (fit.kind === 'glm') return glmStatistics(fit);
  const pair = fit.kind === 'feols' ? responseAndFitted(fit) : null;
  return {
    r2: num(fit.r2),
    adjR2: num(fit.adjR2),
    withinR2: hasFixedEffects ? num(fit.wr2) : undefined,
    squaredCor: pair === null ? undefined : squaredCorrelation(pair[0], pair[1]),
  };
}

function fromResult(x: Fields, index: number): EtableModel {
  const rows = checkRows((x.tidy as () => unknown).call(x), index);
  // A DiD or matching result carries the regression it reports on (`fit`; matchit: the
  // propensity-score model, MatchIt's `m$model`).
  const behind = [x.fit, x.model].find((f): f is Fields => isObject(f) && typeof f.tidy === 'function');
  const fit = behind ?? x;
  const fixedEffects = Array.isArray(fit.fixedEffects)
    ? (fit.fixedEffects as unknown[]).map((f) => (typeof f === 'string' ? f : isObject(f) ? str(f.name) : undefined)).filter((f): f is string => f !== undefined)
    : undefined;
  const vcovInfo = isObject(x.vcovInfo) ? x.vcovInfo : isObject(fit.vcovInfo) ? fit.vcovInfo : undefined;
  return {
    rows,
    nobs: num(x.nobs),
    ...fitStatistics(fit, fixedEffects !== undefined && fixedEffects.length > 0),
    fixedEffects,
    vcovType: str(vcovInfo?.label) ?? str(x.vcovLabel),
    depVar: lhs(x.formula) ?? str(x.outcome) ?? lhs(fit.formula),
  };
}

function checkModel(model: unknown, index: number): EtableModel {
  if (!isObject(model)) throw notAModel(index, model);
  checkRows(model.rows, index);
  if (model.nobs !== undefined && typeof model.nobs !== 'number') {
    throw new CausalPanelError('invalid_option', `etable: nobs of model ${index + 1} must be a number (got ${showValue(model.nobs)})`, { fn: 'etable', option: 'fits', value: model.nobs });
  }
  return model as unknown as EtableModel;
}

/**
 * Reads one input of `etable` (position `index`, for messages) as an {@link EtableModel}: a
 * result with `tidy()` is read through its fields, an object with `toEtableModel()` provides one,
 * anything else must already be one.
 *
 * @throws {CausalPanelError} `invalid_option` naming the model for anything else
 * @example
 * etableModel(feols('y ~ x1 | id', data), 0);
 * // { rows: [...], nobs: 1080, r2: 0.53, withinR2: 0.37, fixedEffects: ['id'], vcovType: 'Clustered (id)', depVar: 'y', ... }
 */
export function etableModel(input: unknown, index: number): EtableModel {
  if (!isObject(input)) throw notAModel(index, input);
  if (typeof input.toEtableModel === 'function') return checkModel((input.toEtableModel as () => unknown).call(input), index);
  if (typeof input.tidy === 'function') return fromResult(input, index);
  if (!('rows' in input)) throw notAModel(index, input);
  return checkModel(input, index);
}
