/**
 * Causal mediation analysis as R's mediation::mediate 4.5.1 (Imai, Keele & Tingley 2010,
 * "A General Approach to Causal Mediation Analysis", Psychological Methods 15(4): 309–334;
 * Imai, Keele & Yamamoto 2010, Statistical Science 25(1)).
 *
 * Fits the mediator model M ~ T + X and the outcome model Y ~ T + M + X (feols syntax, `| fe`
 * allowed; gaussian or binomial logit/probit), then simulates the average causal mediation effect
 * (ACME, δ(t)), the average direct effect (ADE, ζ(t)), the total effect τ and the proportion
 * mediated ν(t) by the quasi-Bayesian Monte Carlo (mediation's default) or the nonparametric
 * bootstrap (`boot: true`, percentile or BCa intervals). See `simulate.ts` for the kernel and
 * docs/guides/mediation.md for the derivations (fixed effects, clusters).
 *
 * Dimension symbols: n = rows used, k = coefficients, g = clusters, s = simulations.
 */
import { CausalPanelError, formatNote, type Note, withFunctionName } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { factor } from '../../data/factor.js';
import { feols, type OlsFit } from '../../models/feols.js';
import { modelMatrix, type ModelMatrix } from '../../models/formula/design.js';
import { deparseName } from '../../models/formula/expr.js';
import { glm, type GlmFit } from '../../models/glm.js';
import { createRng } from '../../numerics/random.js';
import type { FixedEffectCodes } from '../../numerics/demean.js';
import type { Estimate } from '../../estimate.js';
import { formatPValues, formatReal } from '../../report/format.js';
import { textTable } from '../../report/textTable.js';
import {
  bootstrapDraws,
  prepareScratch,
  prepareMatrix,
  quasiBayesDraws,
  drawEffects,
  summarizeMediation,
  type EffectDraws,
  type MediationEstimate,
  type MediationTriple,
  type MediatorKernelModel,
  type OutcomeKernelModel,
  type KernelModelBase,
  type ProgressCallback,
} from './simulate.js';
import { validateMediate, type MediateParams, type MediationFamily, type FamilySpec, type RawMediateOptions } from './validateMediate.js';
import type { MedsensSystem } from './medsens.js';

export type { MediationEstimate, MediationTriple, MediationFamily, RawMediateOptions, ProgressCallback };

/** Options of {@link mediate}: `data`, and the model, simulation and progress options it inherits (each mirrors the R argument named in its comment). */
export interface MediateOptions extends RawMediateOptions {
  /** Data: a Frame, rows, or columns. */
  data: DataInput;
}

/** The simulated values behind a mediation result (one entry per draw). */
export interface MediationDraws {
  acmeControl: Float64Array;
  acmeTreated: Float64Array;
  adeControl: Float64Array;
  adeTreated: Float64Array;
}

const FN = 'mediate';

// ---------------------------------------------------------------------------------------------
// From fitted models to kernel models.
// ---------------------------------------------------------------------------------------------

/** What mediate needs of a fitted model (from an OlsFit or a GlmFit). */
interface FittedModel {
  terms: readonly string[];
  coefficients: Float64Array;
  rows: Int32Array;
  nobs: number;
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
  return { terms: fit.terms, coefficients: fit.coefficients, rows: fit.rows, nobs: fit.nobs, notes: fit.notes, r2: fit.r2, matrix, y: fit.design.y };
}

function fitModel(formula: string, frame: Frame, family: FamilySpec, cluster: string | null): FitBundle {
  if (family.family === 'gaussian') {
    const fit = feols(formula, frame, { vcov: 'iid' });
    const vcov = cluster === null ? fit.vcovMatrix : fit.withVcov({ CRV1: cluster }).vcovMatrix;
    const view = viewOf(fit, (f) => modelMatrix(fit.design.info, f, { fn: FN }));
    return { fit: view, vcov, sigma: fit.sigma, absorbedDof: fit.nparams - fit.k, ols: fit };
  }
  const fit = glm(formula, frame, { family: 'binomial', link: family.link as 'logit' | 'probit', vcov: 'iid' });
  const vcov = cluster === null ? fit.vcovMatrix : fit.withVcov({ CRV1: cluster }).vcovMatrix;
  return { fit: viewOf(fit, (f) => fit.modelMatrix(f)), vcov, sigma: NaN, absorbedDof: 0, ols: null };
}

/** Columns of a model matrix (all design terms) restricted to the fit's kept terms, in fit order. */
function keptColumns(X: Float64Array, n: number, allTerms: readonly string[], kept: readonly string[], fnRole: string): Float64Array {
  const out = new Float64Array(n * kept.length);
  kept.forEach((term, j) => {
    const at = allTerms.indexOf(term);
    if (at < 0) throw new CausalPanelError('invalid_option', `${FN}: term "${term}" of the ${fnRole} model not found in its model matrix`, { fn: FN, value: term });
    out.set(X.subarray(at * n, (at + 1) * n), j * n);
  });
  return out;
}

/** The fitting design (kept columns) on the estimation rows. */
function designOf(fit: FittedModel, frame: Frame, role: string): Float64Array {
  const mm = fit.matrix(frame);
  return keptColumns(mm.X, frame.nrow, mm.terms, fit.terms, role);
}

function constantColumn(n: number, value: number): Float64Array {
  return new Float64Array(n).fill(value);
}

function predictionMatrix(fit: FittedModel, frame: Frame, set: Record<string, number>, role: string): Float64Array {
  const n = frame.nrow;
  const columns: Record<string, Float64Array> = Object.create(null);
  for (const name of Object.keys(set)) columns[name] = constantColumn(n, set[name]!);
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
function kernelFields(bundle: FitBundle, family: FamilySpec, X: Float64Array, n: number): KernelModelBase {
  const k = bundle.fit.terms.length;
  const coef = bundle.fit.coefficients;
  const refit = refitDesign(bundle.ols, X, n, k);
  return {
    family: family.family,
    link: family.link,
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

interface Prepared {
  mediator: MediatorKernelModel;
  outcome: OutcomeKernelModel;
  mediatorFit: FittedModel;
  outcomeFit: FittedModel;
  frame: Frame;
  notes: Note[];
  clusterCodes: Int32Array | null;
  nClusters: number;
  interaction: boolean;
  hasFixedEffects: boolean;
}

function rowsOf(frame: Frame, params: MediateParams): Frame {
  // Rows with a missing cluster cannot be resampled or clustered: drop them before fitting.
  if (params.cluster === null) return frame;
  const codes = factor(frame.column(params.cluster, FN)).codes;
  const keep: number[] = [];
  for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) keep.push(i);
  return keep.length === frame.nrow ? frame : frame.take(keep);
}

function prepare(input: Frame, params: MediateParams): Prepared {
  const notes: Note[] = [];
  let frame = rowsOf(input, params);
  if (frame.nrow < input.nrow) {
    const byColumn: Record<string, number> = Object.create(null);
    byColumn[params.cluster!] = input.nrow - frame.nrow;
    notes.push({ code: 'rows_dropped_missing', count: input.nrow - frame.nrow, byColumn });
  }
  // Fits both models on the rows of `on`.
  const fitBoth = (on: Frame): [FitBundle, FitBundle] => [
    fitModel(params.mediatorModel, on, params.mediatorFamily, params.cluster),
    fitModel(params.outcomeModel, on, params.outcomeFamily, params.cluster),
  ];
  let [med, out] = fitBoth(frame);
  // Both models must use the same rows (mediation stops otherwise; we refit on the common rows,
  // which is its `dropobs = TRUE`).
  const sameRows = med.fit.rows.length === out.fit.rows.length && med.fit.rows.every((r, i) => r === out.fit.rows[i]);
  if (!sameRows) {
    const inOutcome = new Set(out.fit.rows);
    const common = Array.from(med.fit.rows).filter((r) => inOutcome.has(r));
    const dropped = frame.nrow - common.length;
    frame = frame.take(common);
    notes.push({ code: 'rows_dropped_unused', count: dropped, reason: "not used by both models (mediation's dropobs = TRUE)" });
    [med, out] = fitBoth(frame);
  } else if (med.fit.rows.length < frame.nrow) {
    const used = frame.take(med.fit.rows);
    notes.push(...med.fit.notes.filter((note) => note.code === 'rows_dropped_missing'));
    frame = used;
  }
  if (med.fit.rows.length !== frame.nrow || out.fit.rows.length !== frame.nrow) {
    // Refit dropped further rows (e.g. singletons): align once more on the used rows.
    frame = frame.take(med.fit.rows);
    [med, out] = fitBoth(frame);
  }
  const n = frame.nrow;
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
  const mediatorModel: MediatorKernelModel = {
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
  if (!differs(slope[0]!, new Float64Array(slope[0]!.length)) && !differs(slope[1]!, new Float64Array(slope[1]!.length))) {
    throw new CausalPanelError('invalid_option', `${FN}: mediator "${mName}" has no coefficient in the outcome model (absorbed or collinear)`, { fn: FN, option: 'mediator', value: mName });
  }
  const outcomeModel: OutcomeKernelModel = {
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
    mediator: mediatorModel,
    outcome: outcomeModel,
    mediatorFit: med.fit,
    outcomeFit: out.fit,
    frame,
    notes,
    clusterCodes,
    nClusters,
    interaction: differs(slope[0]!, slope[1]!),
    hasFixedEffects: mediatorModel.offset !== null || outcomeModel.offset !== null,
  };
}

// ---------------------------------------------------------------------------------------------
// Result.
// ---------------------------------------------------------------------------------------------

const TERMS: [string, (r: MediationResult) => MediationEstimate][] = [
  ['ACME (control)', (r) => r.acme.control],
  ['ACME (treated)', (r) => r.acme.treated],
  ['ADE (control)', (r) => r.ade.control],
  ['ADE (treated)', (r) => r.ade.treated],
  ['Total Effect', (r) => r.total],
  ['Prop. Mediated (control)', (r) => r.propMediated.control],
  ['Prop. Mediated (treated)', (r) => r.propMediated.treated],
  ['ACME (average)', (r) => r.acme.average],
  ['ADE (average)', (r) => r.ade.average],
  ['Prop. Mediated (average)', (r) => r.propMediated.average],
];

/**
 * Result of {@link mediate}: ACME, ADE, proportion mediated (control / treated / average) and the
 * total effect, each `{ estimate, confLow, confHigh, pValue, stdError }` (stdError = SD of the
 * draws; mediation reports none), as mediation's d0/d1/d.avg, z0/z1/z.avg, n0/n1/n.avg, tau.
 */
export class MediationResult {
  readonly kind = 'mediate' as const;
  readonly acme: MediationTriple;
  readonly ade: MediationTriple;
  readonly propMediated: MediationTriple;
  readonly total: MediationEstimate;
  readonly nobs: number;
  readonly sims: number;
  readonly boot: boolean;
  readonly bootCi: 'perc' | 'bca';
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
  readonly notes: readonly Note[];
  readonly #draws: EffectDraws;
  readonly #sens: MedsensSystem | null;

  /** @internal use {@link mediate}. */
  constructor(fields: {
    summary: ReturnType<typeof summarizeMediation>;
    params: MediateParams;
    nobs: number;
    interaction: boolean;
    notes: Note[];
    draws: EffectDraws;
    sensitivity: MedsensSystem | null;
  }) {
    const { summary, params } = fields;
    this.acme = deepFreeze(summary.acme);
    this.ade = deepFreeze(summary.ade);
    this.propMediated = deepFreeze(summary.propMediated);
    this.total = Object.freeze({ ...summary.total });
    this.nobs = fields.nobs;
    this.sims = params.sims;
    this.boot = params.boot;
    this.bootCi = params.bootCi;
    this.level = params.level;
    this.treat = params.treat;
    this.mediator = params.mediator;
    this.controlValue = params.controlValue;
    this.treatValue = params.treatValue;
    this.cluster = params.cluster;
    this.interaction = fields.interaction;
    this.outcomeLinear = params.outcomeFamily.link === 'identity';
    this.notes = Object.freeze(fields.notes.map((note) => Object.freeze({ ...note })));
    this.#draws = fields.draws;
    this.#sens = fields.sensitivity;
  }

  /** The simulated (or bootstrapped) d0, d1, z0, z1 values, as copies. @example res.draws().acmeControl.length // sims */
  draws(): MediationDraws {
    return {
      acmeControl: Float64Array.from(this.#draws.d0),
      acmeTreated: Float64Array.from(this.#draws.d1),
      adeControl: Float64Array.from(this.#draws.z0),
      adeTreated: Float64Array.from(this.#draws.z1),
    };
  }

  /** @internal The linear–linear system that `medsens` re-estimates (null for other models). */
  sensitivitySystem(): MedsensSystem | null {
    return this.#sens;
  }

  /**
   * One row per quantity, labelled as `summary(mediate)`; stdError is the SD of the draws,
   * statistic is NaN (mediation's p-value is the simulation share, not a Wald test).
   * @example res.tidy().find((r) => r.term === 'ACME (average)')?.estimate
   */
  tidy(): Estimate[] {
    return TERMS.map(([term, get]) => {
      const e = get(this);
      return { term, estimate: e.estimate, stdError: e.stdError, statistic: NaN, pValue: e.pValue, confLow: e.confLow, confHigh: e.confHigh };
    });
  }

  /** Printed like R's `summary(mediate(...))`. @example res.summary() // the printed table */
  summary(): string {
    const printOne = !this.interaction && this.outcomeLinear;
    const rows: [string, MediationEstimate][] = printOne
      ? [
          ['ACME', this.acme.treated],
          ['ADE', this.ade.control],
          ['Total Effect', this.total],
          ['Prop. Mediated', this.propMediated.control],
        ]
      : TERMS.map(([term, get]) => [term, get(this)]);
    const pct = `${Number((100 * this.level).toPrecision(6))}`;
    const numbers = formatReal(rows.flatMap(([, e]) => [e.estimate, e.confLow, e.confHigh]), 4);
    const pvals = formatPValues(rows.map(([, e]) => e.pValue), 3);
    const body = rows.map(([term, e], i) => [term, numbers[3 * i]!, numbers[3 * i + 1]!, numbers[3 * i + 2]!, pvals[i]!, stars(e.pValue)]);
    const lines = [
      '',
      'Causal Mediation Analysis ',
      '',
      this.boot ? `Nonparametric Bootstrap Confidence Intervals with the ${this.bootCi === 'perc' ? 'Percentile' : 'BCa'} Method` : 'Quasi-Bayesian Confidence Intervals',
      '',
    ];
    if (this.cluster !== null) lines.push(`(${this.boot ? 'Clusters resampled' : 'Cluster-robust draws'}: ${this.cluster})`, '');
    lines.push(
      textTable(body, { header: ['', 'Estimate', `${pct}% CI Lower`, `${pct}% CI Upper`, 'p-value', ''], align: ['left', 'right', 'right', 'right', 'right', 'left'] }),
      '---',
      "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1",
      '',
      `Sample Size Used: ${this.nobs} `,
      '',
      '',
      `Simulations: ${this.sims} `,
    );
    for (const note of this.notes) lines.push(formatNote(note));
    return lines.join('\n');
  }

  /** Plain JSON with a `kind` tag. @example JSON.stringify(res) */
  toJSON(): object {
    return {
      kind: this.kind,
      acme: this.acme,
      ade: this.ade,
      propMediated: this.propMediated,
      total: this.total,
      nobs: this.nobs,
      sims: this.sims,
      boot: this.boot,
      bootCi: this.bootCi,
      level: this.level,
      treat: this.treat,
      mediator: this.mediator,
      controlValue: this.controlValue,
      treatValue: this.treatValue,
      cluster: this.cluster,
      interaction: this.interaction,
      notes: this.notes,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.summary();
  }
}

function stars(p: number): string {
  return p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : p < 0.1 ? '.' : '';
}

function deepFreeze(triple: MediationTriple): MediationTriple {
  return Object.freeze({ control: Object.freeze({ ...triple.control }), treated: Object.freeze({ ...triple.treated }), average: Object.freeze({ ...triple.average }) });
}

function sensitivitySystem(p: Prepared, params: MediateParams): MedsensSystem | null {
  if (p.mediator.link !== 'identity' || p.outcome.link !== 'identity' || p.hasFixedEffects) return null;
  const mTerms = p.mediatorFit.terms;
  const yTerms = p.outcomeFit.terms;
  // Term names are R's: a non-syntactic column name appears backquoted.
  const t = deparseName(params.treat);
  const m = deparseName(params.mediator);
  const interactionIndex = yTerms.findIndex((term) => term === `${t}:${m}` || term === `${m}:${t}`);
  const sys: MedsensSystem = {
    n: p.mediator.n,
    mediatorX: p.mediator.X,
    mediatorY: p.mediator.y,
    km: p.mediator.k,
    outcomeX: p.outcome.X,
    outcomeY: p.outcome.y,
    ky: p.outcome.k,
    weights: null,
    mediatorTreatIndex: mTerms.indexOf(t),
    outcomeTreatIndex: yTerms.indexOf(t),
    outcomeMediatorIndex: yTerms.indexOf(m),
    outcomeInteractionIndex: interactionIndex,
    r2Mediator: p.mediatorFit.r2,
    r2Outcome: p.outcomeFit.r2,
    level: params.level,
  };
  return sys.mediatorTreatIndex >= 0 && sys.outcomeTreatIndex >= 0 && sys.outcomeMediatorIndex >= 0 ? sys : null;
}

/**
 * Causal mediation analysis: ACME, ADE, total effect and proportion mediated, as R's
 * `mediation::mediate(model.m, model.y, treat, mediator, boot, sims, ...)` 4.5.1.
 *
 * Quasi-Bayes (default): coefficients drawn from N(β̂, V̂) of each model (V̂ cluster-robust with
 * `cluster`), mediator drawn for t = 1 and t = 0, outcome predicted at the four (t, M(t'))
 * pairs; point estimates are means over the draws. Bootstrap: rows (or clusters) resampled,
 * both models refitted through resample-count weights, same predictions on the original rows;
 * point estimates are the full-sample statistic. Intervals: percentile or BCa; p-values:
 * mediation's 2·min(share > 0, share < 0).
 *
 * @throws {CausalPanelError} `invalid_option` (treat/mediator not in the formulas, non-binary
 *   treatment without controlValue/treatValue, unsupported family, bad sims/level/bootCi),
 *   `missing_column`, `non_numeric`, `formula_syntax`, `singular_design`, `too_few_clusters`
 * @example
 * const res = mediate({
 *   data: jobs, treat: 'treat', mediator: 'job_seek', boot: true, sims: 1000, seed: 2014,
 *   mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
 * });
 * res.acme.average.estimate; // -0.0157446 (mediation 4.5.1, fixtures/oracles/mediation_jobs_boot.json)
 */
export function mediate(options: MediateOptions): MediationResult {
  return withFunctionName('mediate', () => mediateUnlabelled(options));
}

/** {@link mediate} itself; errors of inner public functions are relabelled by the wrapper above. */
function mediateUnlabelled(options: MediateOptions): MediationResult {
  if (options === null || typeof options !== 'object') {
    throw new CausalPanelError('invalid_option', `${FN}: options must be an object (got ${String(options)})`, { fn: FN });
  }
  const frame = toFrame(options.data, FN);
  const params = validateMediate(options, frame);
  const prepared = prepare(frame, params);
  const rng = createRng(params.seed);
  let draws: EffectDraws;
  let point: { d1: number; d0: number; z1: number; z0: number } | null = null;
  if (params.boot) {
    draws = bootstrapDraws(prepared.mediator, prepared.outcome, params.sims, rng, {
      weights: null,
      clusterCodes: prepared.clusterCodes,
      nClusters: prepared.nClusters,
      onProgress: params.onProgress,
    });
    // The full-sample statistic, with its own mediator draw (mediation's med.fun(index = 1:n)).
    const scratch = prepareScratch(prepared.mediator, prepared.outcome, null);
    const out = new Float64Array(4);
    drawEffects(prepared.mediator, prepared.outcome, prepared.mediator.coef, prepared.mediator.sigma, prepared.outcome.coef, rng, null, scratch, out);
    point = { d1: out[0]!, d0: out[1]!, z1: out[2]!, z0: out[3]! };
  } else {
    draws = quasiBayesDraws(prepared.mediator, prepared.outcome, params.sims, rng, null, params.onProgress);
  }
  const notes = [...prepared.notes];
  let failed = 0;
  for (let s = 0; s < draws.d0.length; s++) if (!Number.isFinite(draws.d0[s]!)) failed++;
  if (failed > 0) notes.push({ code: 'resamples_skipped', count: failed, reason: 'singular design in the bootstrap refit' });
  const summary = summarizeMediation(draws, point, { level: params.level, bca: params.boot && params.bootCi === 'bca' });
  return new MediationResult({
    summary,
    params,
    nobs: prepared.mediator.n,
    interaction: prepared.interaction,
    notes,
    draws,
    sensitivity: sensitivitySystem(prepared, params),
  });
}
