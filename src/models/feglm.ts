/**
 * GLMs with absorbed fixed effects, as fixest's `feglm` / `fepois`: binomial (logit, probit) and
 * Poisson (log), with weights, an offset and every variance of `feols`.
 *
 * Algorithm (fixest's `feglm.fit`; Bergé 2018, "Efficient estimation of maximum likelihood models
 * with multiple fixed-effects: the R package FENmlm"): IRLS in which each weighted least-squares
 * step absorbs the fixed effects by alternating projections. From η, the working weights
 * wᵢ = pᵢ·μ′ᵢ²/V(μᵢ) (p = prior weights) and the working response zᵢ = ηᵢ − oᵢ + (yᵢ − μᵢ)/μ′ᵢ
 * (o = offset); z and X are demeaned with w; β solves the demeaned WLS (Householder QR, collinear
 * terms dropped); the new linear predictor is η = o + z − r, r the residual of that regression
 * (z = Xβ + fixed effects + r). Start: R's `mustart` (binomial (p·y + ½)/(p + 1), Poisson y + 0.1).
 * Stopping rule (fixest): |dev − dev_old| / (0.1 + |dev|) < `glmTol`.
 *
 * fixest stops at `glm.tol = 1e-8` and reports the variance of the last step's weights, one
 * update behind its coefficients, so its SEs lag by an iteration (~1e-5). Here, by default, the
 * iteration runs to `glmTol = 1e-10` and then takes one more step, whose weights give the
 * variance at the converged coefficients (the MLE's); `compat: 'fixest'` reproduces fixest's
 * early stop and lag instead. The variance is the OLS sandwich of the final working regression
 * (bread (X̃ᵀWX̃)⁻¹, scores x̃ᵢwᵢrᵢ) with dispersion 1 and normal (z) tests, as fixest.
 *
 * Before fitting, fixed-effect groups whose outcome cannot identify them are removed, repeatedly
 * until none is left, as fixest's `fixef.rm = "perfect"`: Poisson groups with only zeros,
 * binomial groups with only 0 or only 1. Dimension symbols: n = rows, k = coefficients.
 */
import { CausalPanelError, type Note } from '../errors.js';
import { opt, readOptions } from '../options.js';
import { toFrame, type DataInput } from '../data/fromInput.js';
import { clusterVariables, parseVcov } from '../inference/vcovSpec.js';
import { DEFAULT_SSC } from '../inference/ssc.js';
import { demean } from '../numerics/demean.js';
import { glmFamily, type FamilyName, type GlmFamily, type LinkName } from '../numerics/family.js';
import { leastSquares } from '../numerics/leastSquares.js';
import { exp, log } from '../numerics/elementary.js';
import { parseFormula } from './formula/parse.js';
import { buildDesign, type Design } from './formula/design.js';
import { columnMatrix, olsVcov, type OlsState } from './olsVcov.js';
import { subsetDesign } from './subsetDesign.js';
import { sscOption, vcovOption } from './vcovOptions.js';
import { FeglmFit, type FeglmState } from './feglmFit.js';
import type { VcovOption } from '../inference/vcovSpec.js';
import type { Ssc } from '../inference/ssc.js';

/**
 * Options of {@link feglm} and {@link fepois}.
 *
 * @example
 * const options: FeglmOptions = { family: 'binomial', link: 'probit', vcov: { CRV1: 'id' } };
 */
export interface FeglmOptions {
  /** `'poisson'` (fepois's default) or `'binomial'` (fixest `family`). */
  family?: 'poisson' | 'binomial';
  /** Link: `'log'` (Poisson), `'logit'` (binomial default) or `'probit'`. */
  link?: 'log' | 'logit' | 'probit';
  /** Variance: as feols (`iid`, `hetero`, `{ CRV1: 'id' }`, …); default clustered by the first fixed effect, as fixest. */
  vcov?: VcovOption;
  /** Prior (frequency) weights column (fixest `weights`). */
  weights?: string;
  /** Offset column, added to the linear predictor with coefficient 1 (fixest `offset`). */
  offset?: string;
  /** Confidence level (default 0.95). */
  level?: number;
  /** fixest's small-sample corrections. */
  ssc?: Partial<Ssc>;
  /** Deviance stopping rule (fixest `glm.tol`; default 1e-10, fixest's 1e-8 under `compat`). */
  glmTol?: number;
  /** Maximum IRLS iterations (fixest `glm.iter`; default 100, fixest's 25 under `compat`). */
  glmIter?: number;
  /** `'fixest'`: stop and report the variance as fixest does (one update behind), default: at the MLE. */
  compat?: 'mle' | 'fixest';
}

const FEGLM_OPTIONS = {
  family: opt.oneOf(['poisson', 'binomial'] as const),
  link: opt.oneOf(['log', 'logit', 'probit'] as const),
  vcov: vcovOption(),
  weights: opt.column(),
  offset: opt.column(),
  level: opt.level(),
  ssc: sscOption(),
  glmTol: opt.number({ min: 0, exclusiveMin: true }),
  glmIter: opt.integer({ min: 1 }),
  compat: opt.oneOf(['mle', 'fixest'] as const, 'mle'),
};

const FEGLM_UNSUPPORTED: Readonly<Record<string, string>> = {
  'fixef.rm': 'groups with only 0 (or only 1) outcomes are always removed (fixest\'s default "perfect")',
  split: 'fit one model per sample: filter the data and call feglm for each',
  subset: 'filter the data first',
  start: 'IRLS starts from R\'s mustart, as fixest',
  separation: 'groups that cannot be identified are removed; extreme fitted values are reported as a note',
  'glm.tol': 'use glmTol',
  'glm.iter': 'use glmIter',
  'fixef.tol': 'the demeaning tolerance is fixed (1e-10 relative)',
};

/** Rows of groups with only 0 (Poisson) or only 0 / only 1 (binomial) outcomes, removed until none is left. */
function perfectGroups(design: Design, family: FamilyName): { drop: Uint8Array; count: number; byFixef: Record<string, number>; levels: Record<string, string[]> } {
  const n = design.n;
  const drop = new Uint8Array(n);
  const byFixef: Record<string, number> = Object.create(null);
  const levels: Record<string, string[]> = Object.create(null);
  for (const fe of design.fixedEffects) { byFixef[fe.name] = 0; levels[fe.name] = []; }
  let changed = true;
  while (changed) {
    changed = false;
    for (const fe of design.fixedEffects) {
      const total = new Float64Array(fe.nLevels);
      const rows = new Float64Array(fe.nLevels);
      const ones = new Float64Array(fe.nLevels);
      for (let i = 0; i < n; i++) {
        if (drop[i]) continue;
        const g = fe.codes[i]!;
        rows[g]++;
        total[g] += design.y[i]!;
        if (design.y[i] === 1) ones[g]++;
      }
      const perfect = new Uint8Array(fe.nLevels);
      for (let g = 0; g < fe.nLevels; g++) {
        if (rows[g] === 0) continue;
        if (family === 'poisson' ? total[g] === 0 : total[g] === 0 || ones[g] === rows[g]) {
          perfect[g] = 1;
          changed = true;
          levels[fe.name]!.push(fe.levels[g]!);
        }
      }
      // one pass drops the rows of every perfect group of this dimension
      for (let i = 0; i < n; i++) if (perfect[fe.codes[i]!]) drop[i] = 1;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += drop[i]!;
  for (const fe of design.fixedEffects) byFixef[fe.name] = levels[fe.name]!.length;
  return { drop, count, byFixef, levels };
}

function checkOutcome(y: Float64Array, family: FamilyName, fn: string, rows: Int32Array): void {
  for (let i = 0; i < y.length; i++) {
    const value = y[i]!;
    if (family === 'poisson' ? value < 0 : value < 0 || value > 1) {
      const accepted = family === 'poisson' ? 'non-negative counts' : 'values in [0, 1]';
      throw new CausalPanelError('invalid_option', `${fn}: the outcome must hold ${accepted} for the ${family} family (row ${rows[i]! + 1}: ${value})`, { fn, row: rows[i], value });
    }
  }
}

/** The weighted least-squares step of one IRLS iteration (fixed effects absorbed). */
interface WlsStep {
  beta: Float64Array;
  kept: Int32Array;
  dropped: Int32Array;
  Xd: Float64Array[];
  zd: Float64Array;
  residuals: Float64Array;
  bread: Float64Array;
  rss: number;
  converged: boolean;
}

function wlsStep(design: Design, columns: readonly number[], z: Float64Array, w: Float64Array, tolerance: number): WlsStep {
  const n = design.n;
  const input: Float64Array[] = [z, ...columns.map((j) => design.X.subarray(j * n, (j + 1) * n))];
  let Xd: Float64Array[];
  let zd: Float64Array;
  let converged = true;
  if (design.fixedEffects.length > 0) {
    const result = demean(input, design.fixedEffects, { weights: w, tolerance });
    converged = result.converged;
    zd = result.columns[0]!;
    Xd = result.columns.slice(1);
  } else {
    zd = z;
    Xd = input.slice(1);
  }
  // Intermediate steps need no iterative refinement of the least-squares solution; the polishing steps do.
  const ls = leastSquares(columnMatrix(Xd, n), n, columns.length, zd, { weights: w, ...(tolerance > 1e-10 ? { refinementSteps: 0 } : {}) });
  return { beta: ls.coef, kept: Int32Array.from(ls.kept), dropped: Int32Array.from(ls.dropped), Xd, zd, residuals: ls.residuals, bread: ls.xtxInverse, rss: ls.rss, converged };
}

function deviance(family: GlmFamily, y: Float64Array, mu: Float64Array, prior: Float64Array | undefined): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) total += family.devResid(y[i]!, mu[i]!, prior === undefined ? 1 : prior[i]!);
  return total;
}

/**
 * A GLM with absorbed fixed effects (fixest `feglm`): binomial logit/probit or Poisson.
 *
 * @throws {CausalPanelError} `formula_syntax`, `missing_column`, `non_numeric`, `non_finite`,
 *   `invalid_option` (an outcome outside the family's range), `no_rows_left` (every group
 *   removed), `singular_design`, `unknown_option`
 * @example
 * const fit = feglm('ybin ~ x1 | id + period', data, { family: 'binomial' });
 * fit.coef().x1; // 0.40456 on base_did_grid with ybin = y > 0 (fixest 0.12.2)
 */
export function feglm(formula: string, data: DataInput, options: FeglmOptions = {}): FeglmFit {
  return fitFeglm('feglm', formula, data, options, 'binomial');
}

/**
 * Poisson regression with absorbed fixed effects (fixest `fepois`; PPML for gravity models).
 *
 * @throws {CausalPanelError} as {@link feglm}; a negative count is `invalid_option`
 * @example
 * const fit = fepois('Euros ~ log(dist_km) | Origin + Destination + Product + Year', trade);
 * fit.coef()['log(dist_km)']; // −1.52787 (fixest 0.12.2)
 */
export function fepois(formula: string, data: DataInput, options: Omit<FeglmOptions, 'family' | 'link'> = {}): FeglmFit {
  return fitFeglm('fepois', formula, data, { ...options, family: 'poisson' }, 'poisson');
}

function fitFeglm(fn: string, formula: string, data: DataInput, options: FeglmOptions, defaultFamily: FamilyName): FeglmFit {
  const params = readOptions(fn, options, FEGLM_OPTIONS, { unsupported: FEGLM_UNSUPPORTED });
  const familyName: FamilyName = params.family ?? defaultFamily;
  const family = glmFamily(familyName, params.link as LinkName | undefined, fn);
  const fixestCompat = params.compat === 'fixest';
  const glmTol = params.glmTol ?? (fixestCompat ? 1e-8 : 1e-10);
  const glmIter = params.glmIter ?? (fixestCompat ? 25 : 100);
  const frame = toFrame(data, fn);
  const spec = parseFormula(formula);
  const sloped = spec.fixedEffects.find((fe) => fe.slopes !== undefined);
  if (sloped !== undefined) {
    throw new CausalPanelError('formula_syntax', `${fn}: varying slopes (${sloped.name}[${sloped.slopes!.join(', ')}]) are supported in feols only`, { fn, value: formula });
  }
  const fixedEffectNames = spec.fixedEffects.map((fe) => fe.name);
  const vcovSpec = params.vcov === undefined ? undefined : parseVcov(params.vcov, { fn, combined: true, fixedEffects: fixedEffectNames });
  const extraVariables = [...(params.offset === undefined ? [] : [params.offset]), ...(vcovSpec === undefined ? [] : clusterVariables(vcovSpec))];
  let design = buildDesign(spec, frame, { weights: params.weights, fn, extraVariables });
  const notes: Note[] = [...design.notes];
  checkOutcome(design.y, familyName, fn, design.rows);
  const removed = perfectGroups(design, familyName);
  if (removed.count > 0) {
    if (removed.count === design.n) throw new CausalPanelError('no_rows_left', `${fn}: every fixed-effect group has only 0 (or only 1) outcomes (${removed.count} rows)`, { fn, value: removed.count });
    design = subsetDesign(design, removed.drop);
    notes.push({ code: 'fixef_removed_all', count: removed.count, byFixef: removed.byFixef });
  }
  const n = design.n;
  const columns = design.terms.map((_, j) => j).filter((j) => design.fixedEffects.length === 0 || design.terms[j] !== '(Intercept)');
  if (columns.length === 0) throw new CausalPanelError('singular_design', `${fn}: the formula has no regressor besides the fixed effects`, { fn });
  const offset = params.offset === undefined ? undefined : (design.extra[params.offset] as Float64Array);
  const prior = design.weights;
  const y = design.y;
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = family.mustart(y[i]!, prior === undefined ? 1 : prior[i]!);
    eta[i] = family.linkfun(mu[i]!);
  }
  const w = new Float64Array(n);
  const z = new Float64Array(n);
  // The IRLS steps demean to 1e-8 (fixest's fixef.tol is 1e-6); the polishing steps at the end to
  // the default 1e-10, so the reported solution does not carry the looser projections' error.
  const workingStep = (tolerance: number): WlsStep => {
    for (let i = 0; i < n; i++) {
      const muEta = family.muEta(eta[i]!);
      w[i] = (prior === undefined ? 1 : prior[i]!) * (muEta * muEta) / family.variance(mu[i]!);
      z[i] = eta[i]! - (offset === undefined ? 0 : offset[i]!) + (y[i]! - mu[i]!) / muEta;
    }
    return wlsStep(design, columns, z, w, tolerance);
  };
  /** Applies a step; returns max |Δη| / (1 + max |η|). */
  const update = (step: WlsStep): number => {
    let change = 0;
    let size = 0;
    for (let i = 0; i < n; i++) {
      const next = (offset === undefined ? 0 : offset[i]!) + z[i]! - step.residuals[i]!;
      change = Math.max(change, Math.abs(next - eta[i]!));
      size = Math.max(size, Math.abs(next));
      eta[i] = next;
      mu[i] = family.linkinv(next);
    }
    return change / (1 + size);
  };
  const LOOSE = 1e-8;
  let devOld = deviance(family, y, mu, prior);
  let step = workingStep(LOOSE);
  let iterations = 0;
  let converged = false;
  let demeanConverged = step.converged;
  while (iterations < glmIter) {
    iterations++;
    update(step);
    const dev = deviance(family, y, mu, prior);
    if (Math.abs(dev - devOld) / (0.1 + Math.abs(dev)) < glmTol) {
      converged = true;
      break;
    }
    devOld = dev;
    step = workingStep(LOOSE);
    demeanConverged &&= step.converged;
  }
  // By default, polishing steps from the converged point with tight demeaning, until the linear
  // predictor moves by less than 1e-12 (IRLS converges only linearly for probit): the coefficients
  // are then the MLE to rounding and the last step's weights give the variance there (fixest
  // reports the weights one step behind its coefficients; compat: 'fixest' keeps that).
  if (!fixestCompat) {
    for (let polish = 0; polish < 50; polish++) {
      step = workingStep(1e-10);
      demeanConverged &&= step.converged;
      if (update(step) < 1e-12) break;
    }
  }
  if (!converged) notes.push({ code: 'glm_not_converged', iterations });
  if (!demeanConverged) notes.push({ code: 'demean_not_converged', iterations, maxChange: NaN });
  const keptTerms = Array.from(step.kept, (c) => design.terms[columns[c]!]!);
  if (step.dropped.length > 0) notes.push({ code: 'collinear_dropped', terms: Array.from(step.dropped, (c) => design.terms[columns[c]!]!) });
  const k = keptTerms.length;
  const coefficients = Float64Array.from(step.kept, (c) => step.beta[c]!);
  const XdColumns = Array.from(step.kept, (c) => step.Xd[c]!);
  let extreme = 0;
  for (let i = 0; i < n; i++) if (familyName === 'binomial' ? mu[i]! < 1e-10 || mu[i]! > 1 - 1e-10 : mu[i]! < 1e-10 && y[i] === 0) extreme++;
  if (extreme > 0) notes.push({ code: 'fitted_probabilities_extreme', count: extreme });
  const multiplier = Float64Array.from(step.residuals, (r, i) => r * w[i]!);
  const state: OlsState = {
    frame,
    design,
    XdColumns,
    yd: step.zd,
    bread: step.bread,
    get scores(): Float64Array {
      const scores = new Float64Array(n * k);
      for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) scores[i + j * n] = XdColumns[j]![i]! * multiplier[i]!;
      return scores;
    },
    scoreFactors: { columns: XdColumns, multiplier },
    residuals: step.residuals,
    // Dispersion 1: fixest's iid variance is the bread times (n − 1)/(n − K), which the OLS path
    // gives when Σwr² = n − 1 (σ² = Σwr²/(n − 1) before the small-sample factor).
    rss: n - 1,
    weights: w,
    keptTerms,
    coefficients,
  };
  const vcovUsed = parseVcov(params.vcov, { fn, combined: true, fixedEffects: design.fixedEffects.map((f) => f.name) });
  if (vcovUsed.type === 'CR2') throw new CausalPanelError('invalid_option', `${fn}: vcov CR2 is available for feols only`, { fn, option: 'vcov' });
  const { vcov, info } = olsVcov(vcovUsed, params.ssc ?? DEFAULT_SSC, state, fn);
  const loglik = logLikelihood(familyName, y, mu, prior);
  const nullMu = nullMean(familyName, y, prior, offset);
  const llNull = logLikelihood(familyName, y, nullMu, prior);
  const nparams = k + design.fixedEffects.reduce((sum, fe, p) => sum + fe.nLevels - (p === 0 ? 0 : 1), 0);
  const fitState: FeglmState = { design, family, mu: Float64Array.from(mu), eta: Float64Array.from(eta), state, offset, priorWeights: prior, removedLevels: removed.levels };
  return new FeglmFit(
    { terms: keptTerms, coefficients, vcovMatrix: vcov, dist: { kind: 'normal' }, nobs: n, notes, level: params.level, vcovInfo: info },
    fitState,
    {
      fn,
      formula,
      deviance: deviance(family, y, mu, prior),
      loglik,
      llNull,
      nparams,
      iterations,
      converged,
      yName: design.responseLabel ?? 'y',
      nobsRemovedFixef: removed.count,
      options: { ...params },
    },
  );
}

/** Log-likelihood at μ: binomial Σp(y log μ + (1 − y) log(1 − μ)); Poisson Σp(y log μ − μ − log Γ(y + 1)). */
export function logLikelihood(family: FamilyName, y: ArrayLike<number>, mu: ArrayLike<number>, prior: ArrayLike<number> | undefined): number {
  if (family === 'poisson') return -glmFamily('poisson').aic(y, mu, prior ?? new Float64Array(y.length).fill(1), 0) / 2;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const p = prior === undefined ? 1 : prior[i]!;
    const yi = y[i]!;
    const mi = mu[i]!;
    total += p * ((yi > 0 ? yi * log(mi) : 0) + (yi < 1 ? (1 - yi) * log(1 - mi) : 0));
  }
  return total;
}

/** The null model's mean (an intercept only; with an offset, Poisson's μ = e^o·Σpy/Σp e^o). */
function nullMean(family: FamilyName, y: Float64Array, prior: Float64Array | undefined, offset: Float64Array | undefined): Float64Array {
  const n = y.length;
  let sumY = 0;
  let sumW = 0;
  for (let i = 0; i < n; i++) {
    const p = prior === undefined ? 1 : prior[i]!;
    sumY += p * y[i]!;
    sumW += p * (family === 'poisson' && offset !== undefined ? exp(offset[i]!) : 1);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (sumY / sumW) * (family === 'poisson' && offset !== undefined ? exp(offset[i]!) : 1);
  return out;
}
