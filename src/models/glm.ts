/**
 * Generalised linear models as R's `glm` (stats 4.2.2): gaussian(identity) and
 * binomial(logit | probit), fitted by iteratively reweighted least squares with R's start and
 * stopping rule (`glm.fit`: |dev − dev_old| / (|dev| + 0.1) < epsilon), through `numerics/irls`.
 *
 * Variance: R's `vcov(glm)` = φ·(XᵀWX)⁻¹ (φ = 1 for binomial — z statistics on the normal —
 * and Σwᵢ(yᵢ − μᵢ)²/(n − k) for gaussian — t on n − k df), taken, as R does, from the working
 * weights of the last IRLS iteration. Robust and clustered variances use the bread (XᵀWX)⁻¹ and
 * the scores xᵢ·wᵢ(yᵢ − μᵢ)·μ'(ηᵢ)/V(μᵢ) (sandwich's `estfun.glm`) with fixest's ssc.
 *
 * Dimension symbols: n = rows used, k = coefficients.
 */
import { CausalPanelError, type Note } from '../errors.js';
import type { Frame } from '../data/frame.js';
import { toFrame, type DataInput } from '../data/fromInput.js';
import { checkClusterCount, clusterCodes, type ClusterCodes } from '../inference/clusters.js';
import { computeVcov, leverage as leverageOf, scaleMatrix } from '../inference/sandwich.js';
import { resolveSsc, type Ssc } from '../inference/ssc.js';
import { parseVcov, type VcovOption, type VcovSpec } from '../inference/vcovSpec.js';
import { DBL_EPSILON, glmFamily, type FamilyName, type GlmFamily, type LinkName } from '../numerics/family.js';
import { irls, type IrlsResult } from '../numerics/irls.js';
import { ModelFit, type ModelFitCore, type SummaryParts, type VcovInfo } from './fit.js';
import { sscOption, vcovOption } from './vcovOptions.js';
import { opt, readOptions } from '../options.js';
import { parseFormula } from './formula/parse.js';
import { buildDesign, modelMatrix as buildModelMatrix, type Design, type ModelMatrix } from './formula/design.js';

/**
 * Options of {@link glm}; names mirror R's arguments.
 *
 * @example
 * const options: GlmOptions = { family: 'binomial', link: 'probit', vcov: 'hetero' };
 * glm('treat ~ age + educ', lalonde, options).coef().age; // ≈ -0.0149944 (lalonde: fixtures/datasets/lalonde.csv)
 */
export interface GlmOptions {
  /** R `family`: 'gaussian' (default) or 'binomial'. */
  family?: FamilyName;
  /** R `link`: 'identity' (gaussian), 'logit' (binomial default) or 'probit'. */
  link?: LinkName;
  /** R `weights`: column of prior weights (for binomial proportions: the number of trials). */
  weights?: string;
  /** R `glm.control(epsilon)`: relative deviance change that stops IRLS (default 1e-8). */
  epsilon?: number;
  /** R `glm.control(maxit)`: maximum IRLS iterations (default 25). */
  maxIterations?: number;
  /** Variance: 'iid' (R's vcov, default), 'hetero'/'HC0'–'HC3', { CRV1 }, as feols. */
  vcov?: VcovOption;
  /** Small-sample options for robust/clustered variances (fixest `ssc`). */
  ssc?: Partial<Ssc>;
  /** Confidence level (default 0.95). */
  level?: number;
}

const GLM_OPTIONS = {
  family: opt.oneOf(['gaussian', 'binomial'], 'gaussian'),
  link: opt.oneOf(['identity', 'logit', 'probit']),
  weights: opt.column(),
  epsilon: opt.number({ min: 0, exclusiveMin: true, default: 1e-8 }),
  maxIterations: opt.integer({ min: 1, default: 25 }),
  vcov: vcovOption(),
  ssc: sscOption(),
  level: opt.level(),
};

/** R `glm()` arguments without a counterpart here, with what to do instead. */
const GLM_UNSUPPORTED: Readonly<Record<string, string>> = {
  offset: 'subtract the offset from the linear predictor: not supported yet',
  subset: 'pass only the rows to use as data',
  start: "IRLS starts from R's mustart (glm.fit's default)",
  etastart: "IRLS starts from R's mustart (glm.fit's default)",
  mustart: "IRLS starts from R's mustart (glm.fit's default)",
  control: 'use epsilon and maxIterations (glm.control(epsilon, maxit))',
  maxit: 'use maxIterations',
  method: "the fit is always R's glm.fit IRLS",
  'na.action': 'rows with a missing value are dropped and reported in fit.notes (na.omit)',
  model: 'the fit keeps its design: fit.design',
};

interface GlmParams {
  readonly family: GlmFamily;
  readonly weights: string | undefined;
  readonly epsilon: number;
  readonly maxIterations: number;
  readonly vcov: VcovOption;
  readonly ssc: Ssc;
  readonly level: number;
}

function validateOptions(options: GlmOptions, fn: string): GlmParams {
  const params = readOptions(fn, options, GLM_OPTIONS, { unsupported: GLM_UNSUPPORTED });
  return Object.freeze({
    family: glmFamily(params.family, params.link, fn),
    weights: params.weights,
    epsilon: params.epsilon,
    maxIterations: params.maxIterations,
    vcov: params.vcov ?? 'iid',
    ssc: params.ssc ?? resolveSsc(undefined, fn),
    level: params.level,
  });
}

interface GlmState {
  readonly frame: Frame;
  readonly design: Design;
  readonly family: GlmFamily;
  /** Kept columns of X (n×k). */
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly priorWeights: Float64Array | undefined;
  readonly coefficients: Float64Array;
  /** (XᵀWX)⁻¹ with the working weights of the last iteration (R's cov.unscaled). */
  readonly bread: Float64Array;
  readonly mu: Float64Array;
  readonly eta: Float64Array;
  readonly dispersion: number;
  readonly residualDf: number;
  /** The IRLS fit: working weights and residuals (read lazily, for robust variances). */
  readonly fit: IrlsResult;
}

/**
 * Scores xᵢ·Wᵢ·rᵢ, n×k, with the fit's working weights W (of the last IRLS step) and working
 * residuals r = (y − μ)/μ′(η) (sandwich's `estfun.glm` times φ): wᵢ(yᵢ − μᵢ)μ′(ηᵢ)/V(μᵢ) at
 * convergence, with the μ′ of the fit.
 */
function glmScores(state: GlmState, k: number): Float64Array {
  const { X, fit } = state;
  const n = state.y.length;
  const factor = new Float64Array(n);
  const W = fit.workingWeights;
  const residuals = fit.workingResiduals;
  for (let i = 0; i < n; i++) factor[i] = residuals[i]! * W[i]!;
  const scores = new Float64Array(n * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) scores[j * n + i] = X[j * n + i]! * factor[i]!;
  return scores;
}

function glmVcov(spec: VcovSpec, ssc: Ssc, state: GlmState, k: number, fn: string): { vcov: Float64Array; dist: ModelFitCore['dist']; info: VcovInfo } {
  const n = state.y.length;
  const { design, frame } = state;
  let clusterings: ClusterCodes[] | undefined;
  if (spec.type === 'CRV1' || spec.type === 'CRV3') {
    if (spec.type === 'CRV3') throw new CausalPanelError('invalid_option', `${fn}: vcov CRV3 is available for feols only`, { fn, option: 'vcov' });
    clusterings = spec.clusters.map((name) => {
      const extra = Object.prototype.hasOwnProperty.call(design.extra, name) ? design.extra[name] : undefined;
      const clustering = extra !== undefined ? clusterCodes(name, extra) : clusterCodes(name, frame.column(name, fn), design.rows);
      if (clustering.codes.some((c) => c < 0)) {
        throw new CausalPanelError('invalid_option', `${fn}: cluster column "${name}" has missing values in the estimation rows; pass it in vcov when fitting so those rows are dropped`, { fn, column: name });
      }
      checkClusterCount(clustering, fn);
      return clustering;
    });
  }
  const distKind = state.family.family === 'binomial' ? 'normal' : 't';
  const needsScores = spec.type !== 'iid';
  const result = computeVcov({
    fn,
    spec,
    ssc,
    n,
    k,
    bread: state.bread,
    scores: needsScores ? glmScores(state, k) : new Float64Array(0),
    sumSquaredResiduals: NaN,
    iidVcov: scaleMatrix(state.bread, state.dispersion),
    clusterings,
    fixefSizes: [],
    nested: null,
    // Hat values of the weighted fit use its working weights (R's hatvalues.glm).
    leverage: () => leverageOf(state.X, n, k, state.bread, state.fit.workingWeights),
    distKind,
    residualDf: spec.type === 'iid' || spec.type === 'hetero' ? state.residualDf : undefined,
  });
  return { vcov: result.vcov, dist: result.dist, info: { spec, label: result.label, dofK: result.dofK, nClusters: result.nClusters, ssc, fixedPsd: result.fixedPsd } };
}

/**
 * The result of {@link glm}.
 *
 * @example
 * const fit = glm('treat ~ age + educ + race + married + nodegree + re74 + re75', lalonde, { family: 'binomial' });
 * fit.coef().age; fit.fitted(); fit.deviance; fit.aic;
 */
export class GlmFit extends ModelFit {
  readonly kind = 'glm' as const;
  /** The formula as given. */
  readonly formula: string;
  /** R family name. */
  readonly family: FamilyName;
  /** R link name. */
  readonly link: LinkName;
  /** Input rows used (0-based). */
  readonly rows: Int32Array;
  /** Residual deviance. */
  readonly deviance: number;
  /** Null deviance (intercept-only model when the formula has an intercept). */
  readonly nullDeviance: number;
  /** R's AIC. */
  readonly aic: number;
  /** Dispersion φ (1 for binomial). */
  readonly dispersion: number;
  /** Residual degrees of freedom n − k. */
  readonly dfResidual: number;
  /** Whether IRLS met the epsilon criterion. */
  readonly converged: boolean;
  /** IRLS iterations. */
  readonly iterations: number;
  /** Pseudo r2 1 − deviance/nullDeviance (R² for gaussian). */
  readonly r2: number;
  readonly #state: GlmState;
  readonly #yName: string;

  /** @internal use {@link glm}. */
  constructor(core: ModelFitCore, state: GlmState, stats: { formula: string; deviance: number; nullDeviance: number; aic: number; converged: boolean; iterations: number; yName: string }) {
    super(core);
    this.#state = state;
    this.formula = stats.formula;
    this.family = state.family.family;
    this.link = state.family.link;
    this.rows = Int32Array.from(state.design.rows);
    this.deviance = stats.deviance;
    this.nullDeviance = stats.nullDeviance;
    this.aic = stats.aic;
    this.dispersion = state.dispersion;
    this.dfResidual = state.residualDf;
    this.converged = stats.converged;
    this.iterations = stats.iterations;
    this.r2 = 1 - stats.deviance / stats.nullDeviance;
    this.#yName = stats.yName;
  }

  /** The design the model was fitted on (y, X, terms, rows used). @example fit.design.y[0] */
  get design(): Design {
    return this.#state.design;
  }

  /** Fitted means μ on the estimation rows (probabilities for binomial; a copy). @example fit.fitted()[0] */
  fitted(): Float64Array {
    return Float64Array.from(this.#state.mu);
  }

  /** Linear predictor η = Xβ on the estimation rows (a copy). @example fit.linearPredictor()[0] */
  linearPredictor(): Float64Array {
    return Float64Array.from(this.#state.eta);
  }

  /** Response residuals y − μ (a copy). @example fit.residuals()[0] */
  residuals(): Float64Array {
    const { y, mu } = this.#state;
    return Float64Array.from(y, (v, i) => v - mu[i]!);
  }

  /** The bread (XᵀWX)⁻¹ at the last IRLS weights (R's `cov.unscaled`; a copy). */
  bread(): Float64Array {
    return Float64Array.from(this.#state.bread);
  }

  /** Scores n×k (sandwich's `estfun.glm` times φ). */
  scores(): Float64Array {
    return glmScores(this.#state, this.k);
  }

  /**
   * The model matrix rebuilt on new data (same columns, levels and contrasts).
   * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (unseen level)
   * @example fit.modelMatrix(newRows).X;
   */
  modelMatrix(newData: DataInput): ModelMatrix {
    return buildModelMatrix(this.#state.design.info, toFrame(newData, 'predict'), { fn: 'predict' });
  }

  /**
   * Predictions on the link (η) or response (μ) scale, as R's `predict.glm`. Without new data:
   * the estimation rows. Rows of new data with a missing regressor give NaN.
   *
   * @throws {CausalPanelError} `invalid_option` for an unknown type
   * @example fit.predict(newRows, { type: 'response' });
   */
  predict(newData?: DataInput, options: { type?: 'link' | 'response' } = {}): Float64Array {
    const { type } = readOptions('predict', options, { type: opt.oneOf(['link', 'response'], 'link') });
    if (newData === undefined) return type === 'link' ? this.linearPredictor() : this.fitted();
    const mm = this.modelMatrix(newData);
    const eta = new Float64Array(mm.n);
    const coef = this.#state.coefficients;
    for (let j = 0; j < this.terms.length; j++) {
      const col = mm.terms.indexOf(this.terms[j]!) * mm.n;
      for (let i = 0; i < mm.n; i++) eta[i]! += mm.X[col + i]! * coef[j]!;
    }
    if (type === 'link') return eta;
    return eta.map((v) => (Number.isNaN(v) ? NaN : this.#state.family.linkinv(v)));
  }

  /**
   * The same fit with another variance.
   * @throws {CausalPanelError} `invalid_option`, `too_few_clusters`, `missing_column`
   * @example fit.withVcov('HC1').se();
   */
  withVcov(vcov: VcovOption, options: { ssc?: Partial<Ssc> } = {}): GlmFit {
    const fn = 'withVcov';
    const spec = parseVcov(vcov, { fn });
    const read = readOptions(fn, options, { ssc: sscOption() });
    const ssc = read.ssc ?? this.vcovInfo.ssc;
    const { vcov: matrix, dist, info } = glmVcov(spec, ssc, this.#state, this.k, fn);
    return new GlmFit(
      { terms: this.terms, coefficients: this.#state.coefficients, vcovMatrix: matrix, dist, nobs: this.nobs, notes: this.notes, level: this.level, vcovInfo: info },
      this.#state,
      { formula: this.formula, deviance: this.deviance, nullDeviance: this.nullDeviance, aic: this.aic, converged: this.converged, iterations: this.iterations, yName: this.#yName },
    );
  }

  protected summaryParts(): SummaryParts {
    const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : 'NA');
    const title = this.family === 'gaussian' ? `GLM estimation, family = gaussian, Dep. Var.: ${this.#yName}` : `GLM estimation, family = binomial(link = "${this.link}"), Dep. Var.: ${this.#yName}`;
    return {
      title,
      meta: [
        ['Observations', this.nobs.toLocaleString('en-US')],
        ['Standard-errors', this.vcovInfo.label],
      ],
      footer: [
        `Null deviance: ${fmt(this.nullDeviance)}   Residual deviance: ${fmt(this.deviance)} on ${this.dfResidual} df   AIC: ${fmt(this.aic)}`,
        `Number of IRLS iterations: ${this.iterations}${this.converged ? '' : ' (not converged)'}`,
      ],
    };
  }

  /** Plain JSON. @example JSON.stringify(fit) */
  protected override jsonFields(): Record<string, unknown> {
    return {
      ...super.jsonFields(),
      formula: this.formula,
      family: this.family,
      link: this.link,
      deviance: this.deviance,
      nullDeviance: this.nullDeviance,
      aic: this.aic,
      dispersion: this.dispersion,
      dfResidual: this.dfResidual,
      converged: this.converged,
      iterations: this.iterations,
    };
  }
}

/** The first regressor whose values split y = 0 from y = 1 (complete or quasi-complete separation). */
function separatingVariable(X: Float64Array, n: number, terms: readonly string[], y: Float64Array, weights: Float64Array | undefined): string | null {
  for (let j = 0; j < terms.length; j++) {
    if (terms[j] === '(Intercept)') continue;
    let min0 = Infinity;
    let max0 = -Infinity;
    let min1 = Infinity;
    let max1 = -Infinity;
    let constant = true;
    const first = X[j * n]!;
    for (let i = 0; i < n; i++) {
      if (weights !== undefined && !(weights[i]! > 0)) continue;
      const v = X[j * n + i]!;
      if (v !== first) constant = false;
      if (y[i]! >= 1) {
        if (v < min1) min1 = v;
        if (v > max1) max1 = v;
      } else if (y[i]! <= 0) {
        if (v < min0) min0 = v;
        if (v > max0) max0 = v;
      } else {
        return null; // proportions: no 0/1 split to look for
      }
    }
    if (constant) continue;
    if (max0 <= min1 || max1 <= min0) return terms[j]!;
  }
  return null;
}

/**
 * Generalised linear model as R's `glm`: gaussian(identity), binomial(logit | probit).
 *
 * IRLS with R's starting values and stopping rule (`glm.fit`); the coefficient table uses
 * R's vcov φ·(XᵀWX)⁻¹ from the last iteration's weights (z for binomial, t(n − k) for gaussian).
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `no_rows_left`, `invalid_option`
 *   (binomial y not in [0, 1], fixed effects in the formula), `perfect_separation` (naming the
 *   variable when one regressor separates y), `singular_design`
 * @example
 * const fit = glm('treat ~ age + educ + race + married + nodegree + re74 + re75', lalonde, { family: 'binomial' });
 * fit.coef().age; // ≈ 0.0157771 (R 4.2.2 glm, fixtures/oracles/matchit_nearest.json propensityModel)
 */
export function glm(formula: string, data: DataInput, options: GlmOptions = {}): GlmFit {
  const fn = 'glm';
  const params = validateOptions(options, fn);
  const frame = toFrame(data, fn);
  const spec = parseFormula(formula, fn);
  if (spec.fixedEffects.length > 0) {
    throw new CausalPanelError('invalid_option', `${fn}: fixed effects after "|" are absorbed by feglm (binomial) and fepois (Poisson), as fixest's (got ${spec.fixedEffects.map((f) => f.name).join(', ')}); or add them to glm as factor() terms`, { fn, option: 'formula' });
  }
  const vcovSpec = parseVcov(params.vcov, { fn });
  const extraVariables = vcovSpec.type === 'CRV1' || vcovSpec.type === 'CRV3' ? [...vcovSpec.clusters] : [];
  const design = buildDesign(spec, frame, { weights: params.weights, fn, extraVariables });
  const { n } = design;
  const y = design.y;
  const priorWeights = design.weights;
  const family = params.family;
  if (family.family === 'binomial') {
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      if (v < 0 || v > 1) {
        throw new CausalPanelError('invalid_option', `${fn}: binomial outcome must be 0/1 or a proportion in [0, 1] (row ${design.rows[i]! + 1}: ${v})`, { fn, row: design.rows[i]!, value: v });
      }
      if (v !== 0 && v !== 1 && priorWeights === undefined) {
        throw new CausalPanelError('invalid_option', `${fn}: binomial outcome must be 0/1, or proportions with weights = the number of trials (row ${design.rows[i]! + 1}: ${v})`, { fn, row: design.rows[i]!, value: v });
      }
    }
  }
  const notes: Note[] = [...design.notes];
  const fit = irls(design.X, n, design.k, y, {
    family: family.family,
    link: family.link,
    weights: priorWeights,
    epsilon: params.epsilon,
    maxIterations: params.maxIterations,
    intercept: design.hasIntercept,
  });
  const kept = fit.kept;
  const k = kept.length;
  if (k === 0) throw new CausalPanelError('singular_design', `${fn}: every regressor is collinear`, { fn });
  if (k < design.k) {
    const keptSet = new Set(Array.from(kept));
    notes.push({ code: 'collinear_dropped', terms: design.terms.filter((_, j) => !keptSet.has(j)) });
  }
  const terms = Array.from(kept, (j) => design.terms[j]!);
  const X = new Float64Array(n * k);
  const coefficients = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    X.set(design.X.subarray(kept[c]! * n, (kept[c]! + 1) * n), c * n);
    coefficients[c] = fit.coef[kept[c]!]!;
  }
  const mu = fit.fitted;
  const eta = fit.linearPredictor;
  if (family.family === 'binomial') {
    let extreme = 0;
    for (let i = 0; i < n; i++) {
      if (priorWeights !== undefined && !(priorWeights[i]! > 0)) continue;
      if (mu[i]! < 10 * DBL_EPSILON || mu[i]! > 1 - 10 * DBL_EPSILON) extreme++;
    }
    if (extreme > 0 || fit.separation) {
      // R only warns; a single regressor that splits y is perfect separation: the MLE does not exist.
      const variable = separatingVariable(X, n, terms, y, priorWeights);
      if (variable !== null) {
        throw new CausalPanelError('perfect_separation', `${fn}: perfect separation: fitted probabilities are 0 or 1 (variable ${variable})`, { fn, column: variable, value: extreme });
      }
      notes.push({ code: 'fitted_probabilities_extreme', count: Math.max(extreme, fit.separationCount) });
    }
  }
  if (!fit.converged) notes.push({ code: 'glm_not_converged', iterations: fit.iterations });
  // Deviance, null deviance, AIC and residual df (rows with positive prior weight − rank) are glm.fit's.
  const residualDf = fit.dfResidual;
  // φ: 1 for binomial; Σ w(y − μ)²/df = deviance/df for gaussian (summary.glm).
  const dispersion = family.family === 'gaussian' ? fit.deviance / residualDf : 1;
  const state: GlmState = { frame, design, family, X, y, priorWeights, coefficients, bread: Float64Array.from(fit.xtwxInverse), mu, eta, dispersion, residualDf, fit };
  const { vcov, dist, info } = glmVcov(vcovSpec, params.ssc, state, k, fn);
  const { deviance, nullDeviance, aic } = fit;
  return new GlmFit(
    { terms, coefficients, vcovMatrix: vcov, dist, nobs: n, notes, level: params.level, vcovInfo: info },
    state,
    { formula, deviance, nullDeviance, aic, converged: fit.converged, iterations: fit.iterations, yName: design.responseLabel ?? 'y' },
  );
}
