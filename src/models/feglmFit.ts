/**
 * The result of `feglm` / `fepois`: coefficients with z tests, the variance of the final working
 * regression (re-computable with `withVcov`), deviance, log-likelihoods and fixest's pseudo-R²,
 * and average partial effects for binomial models.
 */
import { CausalPanelError } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { readOptions } from '../options.js';
import type { Design } from './formula/design.js';
import { deltaMethodVcov } from '../inference/deltaMethod.js';
import { waldInference } from '../inference/intervals.js';
import { parseVcov, type VcovOption } from '../inference/vcovSpec.js';
import type { Ssc } from '../inference/ssc.js';
import type { FamilyName, GlmFamily, LinkName } from '../numerics/family.js';
import { ModelFit, type ModelFitCore, type SummaryParts } from './fit.js';
import { olsVcov, type OlsState } from './olsVcov.js';
import { sscOption } from './vcovOptions.js';
import { normalPdf } from '../numerics/distributions.js';

/** What a feglm fit keeps to recompute its variance and its partial effects. */
export interface FeglmState {
  readonly design: Design;
  readonly family: GlmFamily;
  readonly mu: Float64Array;
  readonly eta: Float64Array;
  /** The final working regression, in the OLS shape the variance code reads. */
  readonly state: OlsState;
  readonly offset: Float64Array | undefined;
  readonly priorWeights: Float64Array | undefined;
  /** Fixed-effect levels removed for having only 0 (or only 1) outcomes, by fixed effect. */
  readonly removedLevels: Readonly<Record<string, readonly string[]>>;
}

/** Fit statistics computed once by feglm. */
export interface FeglmStats {
  readonly fn: string;
  readonly formula: string;
  readonly deviance: number;
  readonly loglik: number;
  readonly llNull: number;
  /** Parameters counted by fixest (coefficients + fixed-effect levels − redundant ones). */
  readonly nparams: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly yName: string;
  readonly nobsRemovedFixef: number;
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * A GLM with absorbed fixed effects (`feglm`, `fepois`).
 *
 * @example
 * const fit = fepois('y ~ x | g', data);
 * fit.tidy()[0].statistic; // a z value: tests are normal, as fixest's
 */
export class FeglmFit extends ModelFit {
  readonly kind = 'feglm' as const;
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
  /** Log-likelihood at the estimates. */
  readonly loglik: number;
  /** Log-likelihood of the null (intercept-only) model. */
  readonly llNull: number;
  /** McFadden's pseudo-R², 1 − loglik/llNull (fixest `r2(fit, 'pr2')`). */
  readonly pseudoR2: number;
  /** fixest's stored `pseudo_r2`: 1 − (loglik − K)/(llNull − 1), K the parameters with fixed effects. */
  readonly adjustedPseudoR2: number;
  /** Squared correlation of y and the fitted means (fixest `sq.cor`). */
  readonly sqCor: number;
  /** IRLS iterations. */
  readonly iterations: number;
  /** Whether the deviance criterion was met. */
  readonly converged: boolean;
  /** Observations removed with fixed-effect groups of only 0 (or only 1) outcomes. */
  readonly nobsRemovedFixef: number;
  /** The removed groups' levels, by fixed effect (fixest `fixef_removed`). */
  readonly fixefRemoved: Readonly<Record<string, readonly string[]>>;
  /** Sizes of the fixed effects kept. */
  readonly fixefSizes: Readonly<Record<string, number>>;
  readonly #state: FeglmState;
  readonly #stats: FeglmStats;

  /** @internal use {@link feglm} or {@link fepois}. */
  constructor(core: ModelFitCore, state: FeglmState, stats: FeglmStats) {
    super(core);
    this.#state = state;
    this.#stats = stats;
    this.formula = stats.formula;
    this.family = state.family.family;
    this.link = state.family.link;
    this.rows = Int32Array.from(state.design.rows);
    this.deviance = stats.deviance;
    this.loglik = stats.loglik;
    this.llNull = stats.llNull;
    this.pseudoR2 = 1 - stats.loglik / stats.llNull;
    this.adjustedPseudoR2 = 1 - (stats.loglik - stats.nparams) / (stats.llNull - 1);
    this.sqCor = squaredCorrelation(state.design.y, state.mu);
    this.iterations = stats.iterations;
    this.converged = stats.converged;
    this.nobsRemovedFixef = stats.nobsRemovedFixef;
    this.fixefRemoved = Object.freeze({ ...state.removedLevels });
    const sizes: Record<string, number> = Object.create(null);
    for (const fe of state.design.fixedEffects) sizes[fe.name] = fe.nLevels;
    this.fixefSizes = Object.freeze(sizes);
  }

  /** Fitted means μ on the estimation rows (a copy). @example fit.fitted()[0] */
  fitted(): Float64Array {
    return Float64Array.from(this.#state.mu);
  }

  /** Linear predictor η (fixed effects and offset included) on the estimation rows (a copy). @example fit.linearPredictor()[0] */
  linearPredictor(): Float64Array {
    return Float64Array.from(this.#state.eta);
  }

  /**
   * The same fit with another variance (fixest `summary(fit, vcov = …)`).
   *
   * @throws {CausalPanelError} `invalid_option`, `too_few_clusters`, `missing_column`
   * @example fit.withVcov('hetero').se();
   */
  withVcov(vcov: VcovOption, options: { ssc?: Partial<Ssc> } = {}): FeglmFit {
    const fn = 'withVcov';
    const spec = parseVcov(vcov, { fn, combined: true, fixedEffects: this.#state.design.fixedEffects.map((f) => f.name) });
    const read = readOptions(fn, options, { ssc: sscOption() });
    const ssc = read.ssc ?? this.vcovInfo.ssc;
    const { vcov: matrix, info } = olsVcov(spec, ssc, this.#state.state, fn);
    return new FeglmFit(
      { terms: this.terms, coefficients: this.coefficients, vcovMatrix: matrix, dist: { kind: 'normal' }, nobs: this.nobs, notes: this.notes, level: this.level, vcovInfo: info },
      this.#state,
      this.#stats,
    );
  }

  /**
   * Average partial effects of the regressors of a binomial model: APEⱼ = βⱼ·mean(μ′(ηᵢ)), with
   * delta-method SEs from the coefficients' variance (the fixed effects held at their estimates;
   * no bias correction, unlike alpaca's `biasCorr`).
   *
   * @throws {CausalPanelError} `invalid_option` for a Poisson fit
   * @example feglm('y ~ x | g', data, { family: 'binomial' }).averagePartialEffects()[0].estimate;
   */
  averagePartialEffects(level = this.level): Estimate[] {
    const { family, eta, design } = this.#state;
    if (this.family !== 'binomial') {
      throw new CausalPanelError('invalid_option', `averagePartialEffects: partial effects are for binomial fits (got ${this.family})`, { fn: 'averagePartialEffects', value: this.family });
    }
    const n = eta.length;
    const k = this.terms.length;
    const beta = this.coefficients;
    let meanDensity = 0;
    const meanSlope = new Float64Array(k); // mean of μ″(ηᵢ)·xᵢⱼ
    const columns = this.terms.map((term) => design.terms.indexOf(term));
    for (let i = 0; i < n; i++) {
      const e = eta[i]!;
      const density = family.muEta(e);
      meanDensity += density / n;
      const curvature = this.link === 'logit' ? density * (1 - 2 * family.linkinv(e)) : -e * normalPdf(e);
      for (let j = 0; j < k; j++) meanSlope[j] += (curvature * design.X[columns[j]! * n + i]!) / n;
    }
    const estimates = Float64Array.from(beta, (b) => b * meanDensity);
    // ∂APEⱼ/∂βₗ = δⱼₗ·mean μ′ + βⱼ·mean(μ″·xₗ)
    const gradient = new Float64Array(k * k);
    for (let j = 0; j < k; j++) for (let l = 0; l < k; l++) gradient[j + l * k] = (j === l ? meanDensity : 0) + beta[j]! * meanSlope[l]!;
    const vcov = deltaMethodVcov(gradient, k, k, this.vcovMatrixCopy());
    return this.terms.map((term, j) => ({ term, ...waldInference(estimates[j]!, Math.sqrt(vcov[j + j * k]!), { kind: 'normal' }, level) }));
  }

  private vcovMatrixCopy(): Float64Array {
    const rows = this.vcov();
    const k = rows.length;
    const out = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[i + j * k] = rows[i]![j]!;
    return out;
  }

  protected summaryParts(): SummaryParts {
    const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : 'NA');
    const familyText = this.family === 'poisson' ? 'Poisson' : `Binomial(link = "${this.link}")`;
    const fixef = Object.entries(this.fixefSizes).map(([name, size]) => `${name}: ${size}`).join(',  ');
    return {
      title: `GLM estimation, family = ${familyText}, Dep. Var.: ${this.#stats.yName}`,
      meta: [
        ['Observations', this.nobs.toLocaleString('en-US')],
        ...(fixef === '' ? [] : [['Fixed-effects', fixef] as [string, string]]),
        ['Standard-errors', this.vcovInfo.label],
      ],
      footer: [
        `Log-Likelihood: ${fmt(this.loglik)}   Adj. Pseudo R2: ${fmt(this.adjustedPseudoR2)}`,
        `Deviance: ${fmt(this.deviance)}   Pseudo R2 (McFadden): ${fmt(this.pseudoR2)}   Squared Cor.: ${fmt(this.sqCor)}`,
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
      loglik: this.loglik,
      llNull: this.llNull,
      pseudoR2: this.pseudoR2,
      adjustedPseudoR2: this.adjustedPseudoR2,
      sqCor: this.sqCor,
      iterations: this.iterations,
      converged: this.converged,
      nobsRemovedFixef: this.nobsRemovedFixef,
      fixefRemoved: this.fixefRemoved,
      fixefSizes: this.fixefSizes,
    };
  }
}

function squaredCorrelation(y: ArrayLike<number>, mu: ArrayLike<number>): number {
  const n = y.length;
  let my = 0;
  let mm = 0;
  for (let i = 0; i < n; i++) { my += y[i]! / n; mm += mu[i]! / n; }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dy = y[i]! - my;
    const dm = mu[i]! - mm;
    sxy += dy * dm;
    sxx += dm * dm;
    syy += dy * dy;
  }
  return (sxy * sxy) / (sxx * syy);
}
