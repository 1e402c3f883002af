/**
 * From the data to the kernel models of `mediate`: fits the mediator model M ~ T + X and the
 * outcome model Y ~ T + M + X (feols for gaussian, glm for binomial logit/probit; iid or CRV1
 * variances), then builds what every draw needs without formula evaluation — the prediction
 * matrices Xₘ(t) with the treatment set, and Aₜ = Xᵧ(t, M = 0), Bₜ = Xᵧ(t, 1) − Xᵧ(t, 0) (checked
 * affine in a continuous mediator), the fixed-effect offsets and the bootstrap refit designs.
 * See docs/guides/mediation.md for the derivations (fixed effects, clusters).
 *
 * Dimension symbols: n = rows used, k = coefficients, g = clusters.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { factor } from '../../data/factor.js';
import { feols, type OlsFit } from '../../models/feols.js';
import { modelMatrix, type ModelMatrix } from '../../models/formula/design.js';
import { deparseName } from '../../models/formula/expr.js';
import { glm, type GlmFit } from '../../models/glm.js';
import type { FixedEffectCodes } from '../../numerics/demean.js';
import type { GlmFamily } from '../../numerics/family.js';
import { isLinear, prepareMatrix, type KernelModelBase, type MediatorKernelModel, type OutcomeKernelModel } from './kernelModel.js';
import type { MediateParams } from './mediateOptions.js';
import type { MedsensSystem } from './medsens.js';

const FN = 'mediate';

/** What mediate needs of a fitted model (from an OlsFit or a GlmFit). */
interface FittedModel {
  terms: readonly string[];
  coefficients: Float64Array;
  rows: Int32Array;
  notes: readonly Note[];
  r2: number;
  /** Model matrix on new data (all design terms; R's `model.matrix(terms(fit), newdata)`). */
  matrix(frame: Frame): ModelMatrix;
  /** Response on the estimation rows. */
  y: Float64Array;
}

interface FitBundle {
  fit: FittedModel;
  vcov: Float64Array;
  sigma: number;
  absorbedDof: number;
  ols: OlsFit | null;
}

/** The {@link FittedModel} view of a feols or glm fit, with its way to build model matrices. */
function viewOf(fit: OlsFit | GlmFit, matrix: (frame: Frame) => ModelMatrix): FittedModel {
  return { terms: fit.terms, coefficients: fit.coefficients, rows: fit.rows, notes: fit.notes, r2: fit.r2, matrix, y: fit.design.y };
}

function fitModel(formula: string, frame: Frame, family: GlmFamily, cluster: string | null): FitBundle {
  if (family.family === 'gaussian') {
    const fit = feols(formula, frame, { vcov: 'iid' });
    const vcov = cluster === null ? fit.vcovMatrix : fit.withVcov({ CRV1: cluster }).vcovMatrix;
    const view = viewOf(fit, (f) => modelMatrix(fit.design.info, f, { fn: FN }));
    return { fit: view, vcov, sigma: fit.sigma, absorbedDof: fit.nparams - fit.k, ols: fit };
  }
  const fit = glm(formula, frame, { family: family.family, link: family.link, vcov: 'iid' });
  const vcov = cluster === null ? fit.vcovMatrix : fit.withVcov({ CRV1: cluster }).vcovMatrix;
  return { fit: viewOf(fit, (f) => fit.modelMatrix(f)), vcov, sigma: NaN, absorbedDof: 0, ols: null };
}

/** Columns of a model matrix (all design terms) restricted to the fit's kept terms, in fit order. */
function keptColumns(X: Float64Array, n: number, allTerms: readonly string[], kept: readonly string[], role: string): Float64Array {
  const out = new Float64Array(n * kept.length);
  kept.forEach((term, j) => {
    const at = allTerms.indexOf(term);
    if (at < 0) throw new CausalPanelError('invalid_option', `${FN}: term "${term}" of the ${role} model not found in its model matrix`, { fn: FN, value: term });
    out.set(X.subarray(at * n, (at + 1) * n), j * n);
  });
  return out;
}

/** The fitting design (kept columns) on the estimation rows. */
function designOf(fit: FittedModel, frame: Frame, role: string): Float64Array {
  const mm = fit.matrix(frame);
  return keptColumns(mm.X, frame.nrow, mm.terms, fit.terms, role);
}

/** The fit's design on the estimation rows with the columns of `set` held at constants. */
function predictionMatrix(fit: FittedModel, frame: Frame, set: Record<string, number>, role: string): Float64Array {
  const n = frame.nrow;
  const columns: Record<string, Float64Array> = Object.create(null);
  for (const name of Object.keys(set)) columns[name] = new Float64Array(n).fill(set[name]!);
  const mm = fit.matrix(frame.withColumns(columns));
  if (mm.rows.length !== n) {
    throw new CausalPanelError('non_finite', `${FN}: the ${role} model cannot be evaluated on ${n - mm.rows.length} rows after setting ${Object.keys(set).join(', ')}`, { fn: FN });
  }
  return keptColumns(mm.X, n, mm.terms, fit.terms, role);
}

/** Fixed-effect contributions ŷ − Xβ̂ of a linear fit (null when it has no fixed effects). */
function fixedEffectOffset(ols: OlsFit | null, X: Float64Array, n: number, k: number, coef: Float64Array): Float64Array | null {
  if (ols === null || ols.fixedEffects.length === 0) return null;
  const fitted = ols.fitted();
  const offset = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let xb = 0;
    for (let j = 0; j < k; j++) xb += X[j * n + i]! * coef[j]!;
    offset[i] = fitted[i]! - xb;
  }
  return offset;
}

/** Largest total of dummy columns for the smaller fixed-effect dimensions (see {@link refitDesign}). */
const MAX_FE_DUMMIES = 60;

/**
 * The design used by bootstrap refits. Without fixed effects: X itself. With fixed effects, the
 * dimension with the most levels stays absorbed (one weighted demeaning pass per resample, exact
 * for one dimension) and the other dimensions become explicit dummy columns (first level dropped)
 * when they have at most {@link MAX_FE_DUMMIES} levels in total — by Frisch–Waugh–Lovell the
 * same estimates as absorbing all of them, without alternating projections on every resample.
 */
function refitDesign(ols: OlsFit | null, X: Float64Array, n: number, k: number): { X: Float64Array; kRefit: number; fixedEffects: FixedEffectCodes[] | null } {
  if (ols === null || ols.fixedEffects.length === 0) return { X, kRefit: k, fixedEffects: null };
  const all = ols.design.fixedEffects.map((fe) => ({ codes: fe.codes, nLevels: fe.nLevels }));
  if (all.length === 1) return { X, kRefit: k, fixedEffects: all };
  const order = all.map((_, p) => p).sort((a, b) => all[b]!.nLevels - all[a]!.nLevels);
  const others = order.slice(1).map((p) => all[p]!);
  const extra = others.reduce((s, fe) => s + fe.nLevels - 1, 0);
  if (extra > MAX_FE_DUMMIES) return { X, kRefit: k, fixedEffects: all };
  const kRefit = k + extra;
  const out = new Float64Array(n * kRefit);
  out.set(X.subarray(0, n * k));
  let column = k;
  for (const fe of others) {
    for (let level = 1; level < fe.nLevels; level++, column++) {
      for (let i = 0; i < n; i++) if (fe.codes[i] === level) out[column * n + i] = 1;
    }
  }
  return { X: out, kRefit, fixedEffects: [all[order[0]!]!] };
}

/** The fields a mediator and an outcome kernel model share, from a fit and its design X (n×k). */
function kernelFields(bundle: FitBundle, family: GlmFamily, X: Float64Array, n: number): KernelModelBase {
  const k = bundle.fit.terms.length;
  const coef = bundle.fit.coefficients;
  const refit = refitDesign(bundle.ols, X, n, k);
  return {
    family,
    n,
    k,
    X: refit.X,
    kRefit: refit.kRefit,
    y: bundle.fit.y,
    coef,
    vcov: bundle.vcov,
    absorbedDof: bundle.absorbedDof,
    offset: fixedEffectOffset(bundle.ols, X, n, k, coef),
    fixedEffects: refit.fixedEffects,
  };
}

function differs(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
}

/** The kernel models of a `mediate` call and what its result reports about them. */
export interface PreparedMediation {
  mediator: MediatorKernelModel;
  outcome: OutcomeKernelModel;
  notes: Note[];
  clusterCodes: Int32Array | null;
  nClusters: number;
  /** Whether the outcome model has a treatment×mediator interaction (R `INT`). */
  interaction: boolean;
  /** The linear–linear system that `medsens` re-estimates (null for other models). */
  sensitivity: MedsensSystem | null;
}

/**
 * Fits both models on the complete rows and builds the kernel models.
 *
 * @throws {CausalPanelError} `invalid_option` (treatment or mediator without a coefficient, an
 *   outcome not linear in a continuous mediator), `too_few_clusters`, and the errors of
 *   `feols`/`glm` (`singular_design`, `formula_syntax`, …)
 * @example
 * const prepared = prepareMediation(validateMediate(jobs, params).frame, params);
 * prepared.mediator.k; // 5 (intercept, treat, econ_hard, sex, age)
 */
export function prepareMediation(complete: Frame, params: MediateParams): PreparedMediation {
  const frame = complete;
  const n = frame.nrow;
  const med = fitModel(params.mediatorModel, frame, params.mediatorFamily, params.cluster);
  const out = fitModel(params.outcomeModel, frame, params.outcomeFamily, params.cluster);
  if (med.fit.rows.length !== n || out.fit.rows.length !== n) {
    // The rows are complete in every model variable: a fit that drops one would misalign the designs.
    throw new CausalPanelError('no_rows_left', `${FN}: the models use ${med.fit.rows.length} and ${out.fit.rows.length} of ${n} complete rows`, { fn: FN, value: n });
  }
  const notes: Note[] = [];
  for (const fit of [med.fit, out.fit]) for (const note of fit.notes) if (note.code === 'collinear_dropped') notes.push(note);

  // Mediator model.
  const { treat, mediator: mName, treatValue, controlValue } = params;
  const km = med.fit.terms.length;
  const Xm = designOf(med.fit, frame, 'mediator');
  const XmTreat = predictionMatrix(med.fit, frame, { [treat]: treatValue }, 'mediator');
  const XmControl = predictionMatrix(med.fit, frame, { [treat]: controlValue }, 'mediator');
  if (!differs(XmTreat, XmControl)) {
    throw new CausalPanelError('invalid_option', `${FN}: treatment "${treat}" has no coefficient in the mediator model (absorbed or collinear)`, { fn: FN, option: 'treat', value: treat });
  }
  const mediator: MediatorKernelModel = {
    ...kernelFields(med, params.mediatorFamily, Xm, n),
    XTreat: prepareMatrix(XmTreat, n, km),
    XControl: prepareMatrix(XmControl, n, km),
    sigma: med.sigma,
  };
  // Outcome model: η(t, m) = A_t β + (B_t β)·m; checked affine in m for a continuous mediator.
  const ky = out.fit.terms.length;
  const Xy = designOf(out.fit, frame, 'outcome');
  const base: Float64Array[] = [];
  const slope: Float64Array[] = [];
  for (const t of [controlValue, treatValue]) {
    const at0 = predictionMatrix(out.fit, frame, { [treat]: t, [mName]: 0 }, 'outcome');
    const at1 = predictionMatrix(out.fit, frame, { [treat]: t, [mName]: 1 }, 'outcome');
    const b = new Float64Array(n * ky);
    for (let c = 0; c < b.length; c++) b[c] = at1[c]! - at0[c]!;
    if (params.mediatorFamily.family === 'gaussian') {
      const at2 = predictionMatrix(out.fit, frame, { [treat]: t, [mName]: 2 }, 'outcome');
      for (let c = 0; c < b.length; c++) {
        const expected = at0[c]! + 2 * b[c]!;
        if (Math.abs(at2[c]! - expected) > 1e-9 * (1 + Math.abs(expected))) {
          const term = out.fit.terms[Math.floor(c / n)]!;
          throw new CausalPanelError('invalid_option', `${FN}: the outcome model must be linear in the mediator "${mName}" (term "${term}")`, { fn: FN, option: 'outcomeModel', value: term });
        }
      }
    }
    base.push(at0);
    slope.push(b);
  }
  const zero = new Float64Array(n * ky);
  if (!differs(slope[0]!, zero) && !differs(slope[1]!, zero)) {
    throw new CausalPanelError('invalid_option', `${FN}: mediator "${mName}" has no coefficient in the outcome model (absorbed or collinear)`, { fn: FN, option: 'mediator', value: mName });
  }
  const outcome: OutcomeKernelModel = {
    ...kernelFields(out, params.outcomeFamily, Xy, n),
    base: [prepareMatrix(base[0]!, n, ky), prepareMatrix(base[1]!, n, ky)],
    slope: [prepareMatrix(slope[0]!, n, ky), prepareMatrix(slope[1]!, n, ky)],
  };
  let clusterCodes: Int32Array | null = null;
  let nClusters = 0;
  if (params.cluster !== null) {
    const f = factor(frame.column(params.cluster, FN));
    clusterCodes = f.codes;
    nClusters = f.levels.length;
    if (nClusters < 2) {
      throw new CausalPanelError('too_few_clusters', `${FN}: cluster "${params.cluster}" has ${nClusters} level (need at least 2)`, { fn: FN, column: params.cluster, value: nClusters });
    }
  }
  return {
    mediator,
    outcome,
    notes,
    clusterCodes,
    nClusters,
    interaction: differs(slope[0]!, slope[1]!),
    sensitivity: sensitivitySystem(mediator, outcome, med.fit, out.fit, params),
  };
}

/** The {@link MedsensSystem} of a linear mediator and a linear outcome without absorbed fixed effects, else null. */
function sensitivitySystem(mediator: MediatorKernelModel, outcome: OutcomeKernelModel, mediatorFit: FittedModel, outcomeFit: FittedModel, params: MediateParams): MedsensSystem | null {
  if (!isLinear(mediator) || !isLinear(outcome) || mediator.offset !== null || outcome.offset !== null) return null;
  const mTerms = mediatorFit.terms;
  const yTerms = outcomeFit.terms;
  // Term names are R's: a non-syntactic column name appears backquoted.
  const t = deparseName(params.treat);
  const m = deparseName(params.mediator);
  const sys: MedsensSystem = {
    n: mediator.n,
    mediatorX: mediator.X,
    mediatorY: mediator.y,
    km: mediator.k,
    outcomeX: outcome.X,
    outcomeY: outcome.y,
    ky: outcome.k,
    mediatorTreatIndex: mTerms.indexOf(t),
    outcomeTreatIndex: yTerms.indexOf(t),
    outcomeMediatorIndex: yTerms.indexOf(m),
    outcomeInteractionIndex: yTerms.findIndex((term) => term === `${t}:${m}` || term === `${m}:${t}`),
    r2Mediator: mediatorFit.r2,
    r2Outcome: outcomeFit.r2,
    level: params.level,
  };
  return sys.mediatorTreatIndex >= 0 && sys.outcomeTreatIndex >= 0 && sys.outcomeMediatorIndex >= 0 ? sys : null;
}
