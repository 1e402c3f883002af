/**
 * Gardner's (2021, "Two-stage differences in differences") two-stage estimator, as
 * `did2s::did2s()`:
 *
 * 1. First stage: the outcome on the first-stage formula (fixed effects and covariates) over
 *    the untreated observations (treatment = 0) only; the residual ỹ = y − Ŷ(0) on every row.
 * 2. Second stage: ỹ on the second-stage regressors (no intercept, did2s's `~ 0 + …`) over all
 *    rows, by least squares.
 * 3. Variance: the GMM influence function that accounts for the first-stage estimation error
 *    (Gardner's eq. for the stacked moments; did2s's analytic SEs): per cluster g
 *      ψ_g = Σ_{i∈g} wᵢ (X₂ᵢ ε₂ᵢ − γ̂ᵀZ₁₀ᵢ uᵢ),  γ̂ = (Z₁₀ᵀWZ₁₀)⁻ Z₁ᵀWX₂,
 *    with Z₁ the first-stage design (Z₁₀ its untreated rows, the treated ones zeroed), u the
 *    first-stage residuals on untreated rows and ε₂ the second-stage residuals; then
 *    V = (X₂ᵀWX₂)⁻¹ (Σ_g ψ_g ψ_gᵀ) (X₂ᵀWX₂)⁻¹, with no small-sample factor. The columns Z₁₀γ̂ come
 *    from fixed-effect solves (`untreatedFit.ts`), never from dummies or dense matrices.
 *    t statistics and p-values are fixest's summary with that vcov: t on n − k₂ degrees of
 *    freedom.
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import { Frame } from '../../data/frame.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { factor } from '../../data/factor.js';
import { binaryColumn } from '../../data/panelColumns.js';
import { waldInference } from '../../inference/intervals.js';
import { sandwichProduct } from '../../inference/sandwich.js';
import { buildDesign } from '../../models/formula/design.js';
import { gather } from '../../models/formula/scan.js';
import { parseFormula } from '../../models/formula/parse.js';
import { leastSquares } from '../../numerics/leastSquares.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import { Did2sResult, type Did2sRow } from './did2sResult.js';
import { fitUntreated, UntreatedProjector, type UntreatedDesign } from './untreatedFit.js';

/**
 * Options of {@link did2s}.
 *
 * @example
 * const options: Did2sOptions = { data: mpdta, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(treat_post, ref = 0)', treatment: 'treat_post', clusters: 'countyreal' };
 * did2s(options).rows[0].estimate; // ≈ -0.0477099 (did2s 1.2.0)
 */
export interface Did2sOptions {
  data: DataInput;
  /** Outcome column (numeric; did2s's `yname`). */
  outcome: string;
  /** One-sided first-stage formula with fixed effects, e.g. `'~ 0 | id + year'` or `'~ x1 | id + year'`. */
  firstStage: string;
  /** One-sided second-stage formula, e.g. `'~ i(rel, ref = -1)'` (fitted without intercept, as did2s). */
  secondStage: string;
  /** 0/1 (or boolean) column: 1 on treated observations, which the first stage leaves out. */
  treatment: string;
  /** Cluster column of the SEs (did2s's `cluster_var`). */
  clusters: string;
  /** Column of non-negative regression weights (both stages). */
  weights?: string;
  /** Confidence level (default 0.95). */
  level?: number;
}

const FN = 'did2s';

function oneSided(value: unknown, at: OptionPath): string {
  if (typeof value !== 'string' || !/^\s*~/.test(value)) throw invalidOption(at, 'a one-sided formula string such as "~ 0 | id + year"', value);
  return value;
}

const SPEC = {
  data: opt.required<DataInput>('a data set: a Frame, an array of rows or an object of columns'),
  outcome: opt.column({ required: true }),
  firstStage: opt.custom((value, at) => {
    if (value === undefined) throw invalidOption(at, 'a one-sided formula string such as "~ 0 | id + year"', value);
    return oneSided(value, at);
  }),
  secondStage: opt.custom((value, at) => {
    if (value === undefined) throw invalidOption(at, 'a one-sided formula string such as "~ i(rel, ref = -1)"', value);
    return oneSided(value, at);
  }),
  treatment: opt.column({ required: true }),
  clusters: opt.column({ required: true }),
  weights: opt.column(),
  level: opt.level(),
};

const UNSUPPORTED = {
  bootstrap: "did2s's block bootstrap is not supported: the analytic GMM SEs are always used",
  n_bootstraps: "did2s's block bootstrap is not supported: the analytic GMM SEs are always used",
};

/** The event time of a second-stage term `name::e` (fixest's i() naming), if it is one. */
function eventTime(term: string): number | undefined {
  const match = /::(-?[0-9.]+(?:e[+-]?[0-9]+)?)$/.exec(term);
  if (match === null) return undefined;
  const e = Number(match[1]);
  return Number.isFinite(e) ? e : undefined;
}

/**
 * Gardner's two-stage difference-in-differences (as `did2s::did2s()`): the first stage fits
 * Y(0) on untreated observations, the second regresses the residualised outcome on the
 * treatment regressors, and the SEs are the GMM-corrected cluster sums.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `non_finite`, `formula_syntax`,
 *   `invalid_option` (two-sided or fixed-effect-free first stage, fixed effects in the second
 *   stage, non-0/1 treatment), `no_treated_units`, `no_control_units` (a fixed-effect level with
 *   no untreated observation), `singular_design` (no estimable second-stage coefficient)
 * @example
 * const es = did2s({ data: mpdta2, outcome: 'lemp', firstStage: '~ 0 | countyreal + year', secondStage: '~ i(rel_year, ref = c(-1, -1000))', treatment: 'treat_post', clusters: 'countyreal' }); // rel_year = year − first.treat, −1000 for the never treated
 * es.rows.find((r) => r.e === 0)?.estimate; // ≈ -0.0310669 (did2s 1.2.0)
 */
export function did2s(options: Did2sOptions): Did2sResult {
  return withFunctionName(FN, () => did2sUnlabelled(options));
}

function did2sUnlabelled(options: Did2sOptions): Did2sResult {
  const params = readOptions(FN, options, SPEC, { unsupported: UNSUPPORTED });
  const frame = toFrame(params.data, FN);
  const spec1 = parseFormula(params.firstStage, FN);
  if (spec1.fixedEffects.length === 0) throw invalidOption({ fn: FN, key: 'firstStage' }, 'a formula with fixed effects after "|" (e.g. "~ 0 | id + year")', params.firstStage);
  const rhs2 = params.secondStage.replace(/^\s*~/, '');
  const spec2 = parseFormula(`~ 0 + ${rhs2}`, FN);
  if (spec2.fixedEffects.length > 0) throw invalidOption({ fn: FN, key: 'secondStage' }, 'a formula without fixed effects', params.secondStage);
  const treatmentAll = binaryColumn(frame, params.treatment, FN);
  const outcomeAll = frame.numeric(params.outcome, FN);

  // Complete cases over both stages, the outcome, treatment, clusters and weights.
  const extra = [params.outcome, params.treatment, params.clusters, ...spec2.columns].filter((c, i, a) => a.indexOf(c) === i);
  const design1 = buildDesign(spec1, frame, { fn: FN, extraVariables: extra, ...(params.weights !== undefined ? { weights: params.weights } : {}) });
  const rows = design1.rows;
  const n = rows.length;
  const secondColumns = new Frame(Object.fromEntries(spec2.columns.map((c) => [c, frame.column(c, FN)])), spec2.columns);
  const design2 = buildDesign(spec2, secondColumns.take(rows), { fn: FN });
  if (design2.n !== n) {
    throw new CausalPanelError('invalid_option', `${FN}: the second stage drops rows the first stage keeps (${n - design2.n} rows with undefined regressors)`, { fn: FN, option: 'secondStage', value: params.secondStage });
  }
  const notes: Note[] = [...design1.notes];
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (!Number.isFinite(outcomeAll[r]!)) throw new CausalPanelError('non_finite', `${FN}: column "${params.outcome}" has a non-finite value (row ${r + 1}: ${outcomeAll[r]})`, { fn: FN, column: params.outcome, row: r, value: outcomeAll[r] });
  }
  const y = gather(outcomeAll, rows);
  const untreated = new Uint8Array(n);
  for (let i = 0; i < n; i++) untreated[i] = treatmentAll[rows[i]!] === 1 ? 0 : 1;
  let nTreated = 0;
  for (let i = 0; i < n; i++) nTreated += 1 - untreated[i]!;
  if (nTreated === 0) throw new CausalPanelError('no_treated_units', `${FN}: no treated observation (column "${params.treatment}" is 0 in every used row)`, { fn: FN, column: params.treatment });
  const weights = design1.weights ?? null;

  const design: UntreatedDesign = { fixedEffects: design1.fixedEffects, X: design1.X, k: design1.k, terms: design1.terms, untreated, weights };
  const levelName = (p: number, level: number): string => `${design1.fixedEffects[p]!.name} = ${design1.fixedEffects[p]!.levels[level]}`;
  const fit = fitUntreated(design, y, FN, levelName);
  if (fit.dropped.length > 0) notes.push({ code: 'collinear_dropped', terms: fit.dropped });
  const ytilde = fit.residual;

  // Second stage: ỹ on X₂ without intercept.
  const k2all = design2.k;
  if (k2all === 0) throw new CausalPanelError('singular_design', `${FN}: the second stage has no regressor`, { fn: FN, value: params.secondStage });
  const ls = leastSquares(design2.X, n, k2all, ytilde, weights === null ? {} : { weights });
  if (ls.dropped.length > 0) notes.push({ code: 'collinear_dropped', terms: Array.from(ls.dropped, (j) => design2.terms[j]!) });
  const kept = ls.kept;
  const k2 = kept.length;
  if (k2 === 0) throw new CausalPanelError('singular_design', `${FN}: every second-stage regressor is collinear`, { fn: FN, value: params.secondStage });
  const coef = Float64Array.from(kept, (j) => ls.coef[j]!);
  const bread = ls.xtxInverse;
  const e2 = ls.residuals;
  // The kept second-stage columns, each weighted: wᵢ x₂ᵢ.
  const wx2 = new Float64Array(n * k2);
  for (let t = 0; t < k2; t++) {
    const source = design2.X.subarray(kept[t]! * n, (kept[t]! + 1) * n);
    const target = wx2.subarray(t * n, (t + 1) * n);
    if (weights === null) target.set(source);
    else for (let i = 0; i < n; i++) target[i] = weights[i]! * source[i]!;
  }

  // γ̂ columns Z₁₀γ̂ⱼ on the untreated rows: projections of Z₁ᵀW x₂ⱼ.
  const omega0 = weights === null ? null : gather(weights, fit.rows0);
  const projector = new UntreatedProjector(design, fit, omega0, FN);
  const kk = projector.kk;
  const levelSums = design.fixedEffects.map((f) => new Float64Array(f.nLevels * k2));
  const covariateSums = new Float64Array(kk * k2);
  for (let t = 0; t < k2; t++) {
    const column = wx2.subarray(t * n, (t + 1) * n);
    design.fixedEffects.forEach((f, p) => {
      const sums = levelSums[p]!;
      const codes = f.codes;
      for (let i = 0; i < n; i++) sums[codes[i]! * k2 + t] += column[i]!;
    });
    for (let s = 0; s < kk; s++) {
      const x = design.X.subarray(fit.kept[s]! * n, (fit.kept[s]! + 1) * n);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += column[i]! * x[i]!;
      covariateSums[s + t * kk] = sum;
    }
  }
  const projected = projector.project(levelSums, covariateSums, k2);

  // Cluster sums of the influence function (before the bread).
  const clusterCodes = factor(frame.column(params.clusters, FN), { rows, order: 'appearance' });
  const G = clusterCodes.levels.length;
  const codes = clusterCodes.codes;
  const psi = new Float64Array(G * k2);
  const n0 = fit.rows0.length;
  for (let t = 0; t < k2; t++) {
    const column = wx2.subarray(t * n, (t + 1) * n);
    for (let i = 0; i < n; i++) psi[codes[i]! * k2 + t] += column[i]! * e2[i]!;
    const gamma = projected.subarray(t * n0, (t + 1) * n0);
    for (let j = 0; j < n0; j++) {
      const i = fit.rows0[j]!;
      psi[codes[i]! * k2 + t] -= gamma[j]! * (weights === null ? 1 : weights[i]!) * ytilde[i]!;
    }
  }
  const meat = new Float64Array(k2 * k2);
  for (let g = 0; g < G; g++) for (let a = 0; a < k2; a++) for (let b = 0; b < k2; b++) meat[a + b * k2] += psi[g * k2 + a]! * psi[g * k2 + b]!;
  const vcov = sandwichProduct(bread, meat, k2);

  const dist = { kind: 't', df: n - k2 } as const;
  const terms = Array.from(kept, (j) => design2.terms[j]!);
  const rowsOut: Did2sRow[] = terms.map((term, t) => {
    const e = eventTime(term);
    return { term, ...waldInference(coef[t]!, Math.sqrt(vcov[t + t * k2]!), dist, params.level), ...(e !== undefined ? { e } : {}) };
  });
  return new Did2sResult({
    outcome: params.outcome,
    firstStage: params.firstStage,
    secondStage: params.secondStage,
    level: params.level,
    rows: rowsOut,
    vcov,
    dist,
    nobs: n,
    nTreated,
    nClusters: G,
    clusters: params.clusters,
    notes,
  });
}
