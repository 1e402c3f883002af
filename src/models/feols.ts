/**
 * Linear regression with absorbed fixed effects, as fixest::feols (fixest 0.12.2).
 *
 * Pipeline: data → Frame → formula → design (rows with a missing value in y, X, the fixed
 * effects, the weights or the cluster columns are dropped together, as fixest) → y and X swept
 * of the fixed effects by alternating projections (Gaure 2013) → least squares by pivoted
 * Householder QR (collinear columns dropped as R/fixest) → variance from the bread (XᵀWX)⁻¹ and
 * the scores xᵢwᵢeᵢ with fixest's small-sample corrections (`olsVcov.ts`, `inference/ssc.ts`).
 * Options are read once into frozen params; fixest arguments without a counterpart are refused
 * with what to do instead.
 *
 * Dimension symbols: n = rows used, k = coefficients, g = clusters, q = fixed-effect dimensions.
 */
import { CausalPanelError, type Note } from '../errors.js';
import { invalidOption, opt, readOptions, type Params } from '../options.js';
import type { Frame } from '../data/frame.js';
import { toFrame, type DataInput } from '../data/fromInput.js';
import type { ScoreFactors } from '../inference/sandwich.js';
import { DEFAULT_SSC, fixestNparams, type Ssc } from '../inference/ssc.js';
import { clusterVariables, parseVcov, type VcovOption } from '../inference/vcovSpec.js';
import { leastSquares } from '../numerics/leastSquares.js';
import { demean, singletonMask } from '../numerics/demean.js';
import { centeredSumSquares } from '../numerics/demeanPasses.js';
import { ModelFit, type ModelFitCore, type SummaryParts } from './fit.js';
import { parseFormula } from './formula/parse.js';
import { panelOperatorColumns, type PanelIndex } from './formula/panelOperators.js';
import { buildDesign, designColumn, designResponse, modelMatrix as buildModelMatrix, type Design, type ModelMatrix } from './formula/design.js';
import { sunabColumns } from './formula/sunab.js';
import { fixefSizesWithSlopes } from './formula/fixedEffects.js';
import { sunabAggregate, type SunabAggregation } from './sunabAggregate.js';
import type { Estimate } from '../estimate.js';
import { columnMatrix, olsVcov, type OlsState } from './olsVcov.js';
import { registerCr2 } from './waldTest.js';
import { sscOption, vcovOption } from './vcovOptions.js';
import { subsetDesign } from './subsetDesign.js';

/**
 * Options of {@link feols}; names mirror fixest's arguments.
 *
 * @example
 * const options: FeolsOptions = { vcov: { CRV1: 'id' }, weights: 'w', level: 0.9, ssc: { adj: false } };
 * feols('y ~ x1 | id + period', data, options);
 */
export interface FeolsOptions {
  /** fixest `vcov`: 'iid', 'hetero' (= 'HC1'), 'HC0', 'HC2', 'HC3', { CRV1: 'id' }, { CRV1: 'id + period' }, { CRV1: 'id^period' } (one cluster per observed combination), { CRV3: 'id' }. Default: clustered by the first fixed effect, else 'iid'. */
  vcov?: VcovOption;
  /** fixest `panel.id`: the unit and time columns that `l(x, k)`, `f(x, k)` and `d(x, k)` in the formula refer to. */
  panel?: PanelIndex;
  /** fixest `weights`: name of a column of non-negative weights. */
  weights?: string;
  /** Confidence level of intervals (default 0.95; fixest's `summary(level =)`). */
  level?: number;
  /** fixest `ssc()` options (default fixest's). */
  ssc?: Partial<Ssc>;
  /** fixest `fixef.rm = "singleton"`-like: drop fixed-effect singletons (reghdfe). Default false (fixest keeps them). */
  fixefRmSingletons?: boolean;
  /** fixest `fixef.tol`-like: convergence tolerance of the demeaning, relative to each column's RMS (default 1e-10, tighter than fixest's 1e-6 on its own scale). */
  demeanTolerance?: number;
  /** fixest `fixef.iter`: maximum demeaning iterations (default 10000). */
  demeanMaxIterations?: number;
}

const FEOLS_OPTIONS = {
  vcov: vcovOption(),
  weights: opt.column(),
  level: opt.level(),
  ssc: sscOption(),
  fixefRmSingletons: opt.boolean(false),
  demeanTolerance: opt.number({ min: 0, exclusiveMin: true }),
  demeanMaxIterations: opt.integer({ min: 1, default: 10000 }),
  panel: opt.custom((value, at): PanelIndex | undefined => {
    if (value === undefined) return undefined;
    const { unit, time } = (value ?? {}) as { unit?: unknown; time?: unknown };
    if (typeof value !== 'object' || typeof unit !== 'string' || typeof time !== 'string') throw invalidOption(at, 'an object { unit, time } of column names', value);
    return { unit, time };
  }),
};

const SPLIT = 'use feolsMulti(formula, data, { split | fsplit | subset })';
const NOT_KEPT = 'a fit keeps what withVcov, predict and summary need';
const QUIET = 'nothing is printed: notes are always recorded on fit.notes';
/**
 * fixest `feols()` arguments without a counterpart here, with what to do instead (`cluster`,
 * `se` and `weight` are not listed: the option reader suggests `vcov` and `weights` for them).
 */
const FEOLS_UNSUPPORTED: Readonly<Record<string, string>> = {
  offset: 'subtract the offset from the outcome instead',
  subset: SPLIT,
  split: SPLIT,
  fsplit: SPLIT,
  'split.keep': SPLIT,
  'split.drop': SPLIT,
  'panel.id': 'lags and leads (l(), f(), d()) are not supported, so there is no panel to declare',
  panelId: 'lags and leads (l(), f(), d()) are not supported, so there is no panel to declare',
  fixef: 'write the fixed effects after "|" in the formula',
  'fixef.rm': 'fixefRmSingletons: true drops singletons (fixest\'s fixef.rm = "singleton")',
  fixefRm: 'fixefRmSingletons: true drops singletons (fixest\'s fixef.rm = "singleton")',
  'fixef.tol': "use demeanTolerance (relative to each column's RMS, not on fixest's scale)",
  fixefTol: "use demeanTolerance (relative to each column's RMS, not on fixest's scale)",
  'fixef.iter': 'use demeanMaxIterations',
  fixefIter: 'use demeanMaxIterations',
  'fixef.algo': 'the demeaning is tuned by demeanTolerance and demeanMaxIterations only',
  'collin.tol': "collinear columns are found by pivoted QR with R's lm tolerance (1e-7)",
  collinTol: "collinear columns are found by pivoted QR with R's lm tolerance (1e-7)",
  nthreads: 'the computation runs in one JavaScript thread',
  lean: NOT_KEPT,
  'mem.clean': NOT_KEPT,
  demeaned: 'the demeaned columns are not returned',
  'only.coef': 'use fit.coef()',
  notes: QUIET,
  warn: QUIET,
  verbose: QUIET,
};

type FeolsParams = Params<typeof FEOLS_OPTIONS>;

/**
 * Sizes of the absorbed fixed effects.
 *
 * @example
 * feols('y ~ x1 | id + period', baseDid).fixedEffects; // [{ name: 'id', nLevels: 108 }, { name: 'period', nLevels: 10 }]
 */
export interface FixefSize {
  readonly name: string;
  readonly nLevels: number;
}

/**
 * The result of {@link feols}: estimates, variance and the arrays behind them.
 *
 * @example
 * const fit = feols('y ~ x1 + treat_post | id + period', data);
 * fit.coef().treat_post; fit.r2; fit.wr2; fit.residuals();
 */
export class OlsFit extends ModelFit {
  readonly kind = 'feols' as const;
  /** The formula as given. */
  readonly formula: string;
  /** fixest r2: 1 − SSR/TSS on the original y. */
  readonly r2: number;
  /** Adjusted r2: 1 − (1 − r2)(n − 1)/(n − nparams). */
  readonly adjR2: number;
  /** Within r2 (fixed-effect models): 1 − SSR/Σw(ỹ)²; NaN without fixed effects. */
  readonly wr2: number;
  /** Residual standard error √(SSR/(n − nparams)) (lm's sigma). */
  readonly sigma: number;
  /** Root mean squared error √(SSR/n) (fixest's RMSE). */
  readonly rmse: number;
  /** Weighted sum of squared residuals. */
  readonly ssr: number;
  /** fixest nparams: coefficients + fixed-effect levels − (q − 1). */
  readonly nparams: number;
  /** Absorbed fixed effects and their number of levels. */
  readonly fixedEffects: readonly FixefSize[];
  readonly #state: OlsState;
  readonly #yName: string;

  /** @internal use {@link feols}. */
  constructor(
    core: ModelFitCore,
    state: OlsState,
    stats: { formula: string; r2: number; adjR2: number; wr2: number; sigma: number; rmse: number; nparams: number; yName: string },
  ) {
    super(core);
    this.#state = state;
    this.formula = stats.formula;
    this.r2 = stats.r2;
    this.adjR2 = stats.adjR2;
    this.wr2 = stats.wr2;
    this.sigma = stats.sigma;
    this.rmse = stats.rmse;
    this.ssr = state.rss;
    this.nparams = stats.nparams;
    this.#yName = stats.yName;
    this.fixedEffects = Object.freeze(state.design.fixedEffects.map((f) => Object.freeze({ name: f.name, nLevels: f.nLevels })));
  }

  /** The design (y, X before demeaning, terms, fixed effects, rows). */
  get design(): Design {
    return this.#state.design;
  }

  /**
   * Aggregated Sun–Abraham effects of a fit with a `sunab()` term, as fixest's
   * `summary(fit, agg = 'period' | 'ATT' | 'cohort')`: cell coefficients averaged with weights
   * equal to the cells' row counts, delta-method SEs (`models/sunabAggregate.ts`).
   *
   * @throws {CausalPanelError} `invalid_option` (no sunab() term, an unknown type)
   * @example
   * const fit = feols('lemp ~ sunab(first.treat, year) | countyreal + year', mpdta);
   * fit.aggregate('ATT')[0].estimate; // ≈ -0.0399513 (fixest 0.12.2, fixtures/oracles/fixest_formula_sunab_mpdta.json)
   */
  aggregate(type: SunabAggregation = 'period', level = this.level): Estimate[] {
    return sunabAggregate(this, this.#state.design, type, level);
  }

  /** Residuals y − ŷ on the estimation rows (a copy). @example fit.residuals()[0] */
  residuals(): Float64Array {
    return Float64Array.from(this.#state.residuals);
  }

  /** Input rows used (0-based; a copy). @example fit.rows[0] */
  get rows(): Int32Array {
    return Int32Array.from(this.#state.design.rows);
  }

  /** Fitted values ŷ = y − e (fixed effects included) on the estimation rows (a new array). @example fit.fitted()[0] */
  fitted(): Float64Array {
    const { residuals, design } = this.#state;
    const y = design.y;
    return Float64Array.from(residuals, (e, i) => y[i]! - e);
  }

  /** The bread (X̃ᵀWX̃)⁻¹, k×k column-major (a copy). @example fit.bread() */
  bread(): Float64Array {
    return Float64Array.from(this.#state.bread);
  }

  /**
   * @internal boottest's view of the fit: the kept regressors with the fixed effects swept out
   * (shared arrays: read only) and the data frame the design rows index.
   * @example fit.sweptRegressors().XdColumns[0]
   */
  sweptRegressors(): { readonly XdColumns: readonly Float64Array[]; readonly frame: Frame } {
    return { XdColumns: this.#state.XdColumns, frame: this.#state.frame };
  }

  /** The scores x̃ᵢ·wᵢ·eᵢ, n×k column-major (a copy). @example fit.scores() */
  scores(): Float64Array {
    return Float64Array.from(this.#state.scores);
  }

  /**
   * The model matrix of the fit rebuilt on new data (same columns, factor levels and contrasts,
   * as R's `model.matrix(terms(fit), newdata)`); rows with a missing regressor are NaN.
   *
   * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (unseen level)
   * @example fit.modelMatrix(newRows).X;
   */
  modelMatrix(newData: DataInput): ModelMatrix {
    return buildModelMatrix(this.#state.design.info, toFrame(newData, 'predict'), { fn: 'predict' });
  }

  /**
   * Predictions Xβ. Without `newData`: the fitted values on the estimation rows (fixed effects
   * included). With `newData` (models without fixed effects): one prediction per input row,
   * NaN where a regressor is missing (R's `predict(fit, newdata)` with `na.pass`).
   *
   * @throws {CausalPanelError} `invalid_option` for new data with absorbed fixed effects
   * @example fit.predict([{ x1: 0, treat_post: 1 }]);
   */
  predict(newData?: DataInput): Float64Array {
    if (newData === undefined) return this.fitted();
    if (this.fixedEffects.length > 0) {
      throw new CausalPanelError('invalid_option', 'predict: new data are not supported for models with absorbed fixed effects (got fixed effects: ' + this.fixedEffects.map((f) => f.name).join(', ') + ')', { fn: 'predict', option: 'newData' });
    }
    const mm = this.modelMatrix(newData);
    const out = new Float64Array(mm.n);
    const coef = this.#state.coefficients;
    for (let j = 0; j < this.terms.length; j++) {
      const col = mm.terms.indexOf(this.terms[j]!) * mm.n;
      const b = coef[j]!;
      for (let i = 0; i < mm.n; i++) out[i]! += mm.X[col + i]! * b;
    }
    return out;
  }

  /**
   * The same fit with another variance (fixest's `summary(fit, vcov = …, ssc = …)`); the point
   * estimates are shared. Without `ssc` the fit's small-sample options are kept.
   *
   * @throws {CausalPanelError} `invalid_option`, `unknown_option`, `too_few_clusters`, `missing_column`
   * @example fit.withVcov({ CRV1: 'id + period' }).se();
   */
  withVcov(vcov: VcovOption, options: { ssc?: Partial<Ssc> } = {}): OlsFit {
    const fn = 'withVcov';
    const { ssc } = readOptions(fn, options, { ssc: sscOption() });
    const spec = parseVcov(vcov, { fn, combined: true, fixedEffects: this.#state.design.fixedEffects.map((f) => f.name) });
    const { vcov: matrix, dist, info, cr2 } = olsVcov(spec, ssc ?? this.vcovInfo.ssc, this.#state, fn);
    const fit = new OlsFit(
      { terms: this.terms, coefficients: this.#state.coefficients, vcovMatrix: matrix, dist, nobs: this.nobs, notes: this.notes, level: this.level, vcovInfo: info },
      this.#state,
      { formula: this.formula, r2: this.r2, adjR2: this.adjR2, wr2: this.wr2, sigma: this.sigma, rmse: this.rmse, nparams: this.nparams, yName: this.#yName },
    );
    if (cr2 !== undefined) registerCr2(fit, cr2);
    return fit;
  }

  protected summaryParts(): SummaryParts {
    const meta: [string, string][] = [['Observations', this.nobs.toLocaleString('en-US')]];
    if (this.fixedEffects.length > 0) {
      meta.push(['Fixed-effects', this.fixedEffects.map((f) => `${f.name}: ${f.nLevels.toLocaleString('en-US')}`).join(',  ')]);
      // fixest's "Varying slopes: period (id): 108"
      const slopes = this.#state.design.fixedEffects.flatMap((f) => (f.slopeNames ?? []).map((x) => `${x} (${f.name}): ${f.nLevels.toLocaleString('en-US')}`));
      if (slopes.length > 0) meta.push(['Varying slopes', slopes.join(',  ')]);
    }
    meta.push(['Standard-errors', this.vcovInfo.label]);
    const termDf = this.vcovInfo.termDf;
    if (termDf !== undefined) {
      // CR2: each t test has its own Satterthwaite degrees of freedom (clubSandwich coef_test).
      meta.push(['t tests', `Satterthwaite df: ${this.terms.map((t, j) => `${t} ${Number(termDf[j]!.toPrecision(4))}`).join(', ')}`]);
    }
    const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : 'NA');
    const footer = [`RMSE: ${fmt(this.rmse)}     Adj. R2: ${fmt(this.adjR2)}`];
    if (this.fixedEffects.length > 0) footer.push(`                Within R2: ${fmt(this.wr2)}`);
    return { title: `OLS estimation, Dep. Var.: ${this.#yName}`, meta, footer };
  }

  /** Plain JSON: coefficients table, vcov, fit statistics, notes. @example JSON.stringify(fit) */
  protected override jsonFields(): Record<string, unknown> {
    return {
      ...super.jsonFields(),
      formula: this.formula,
      r2: this.r2,
      adjR2: this.adjR2,
      wr2: Number.isNaN(this.wr2) ? null : this.wr2,
      sigma: this.sigma,
      rmse: this.rmse,
      fixedEffects: this.fixedEffects.map((f) => ({ ...f })),
    };
  }
}

/** Σ wᵢxᵢ² (wᵢ = 1 without weights). */
function weightedSumSquares(x: Float64Array, weights: Float64Array | undefined): number {
  const n = x.length;
  let s = 0;
  if (weights === undefined) for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
  else for (let i = 0; i < n; i++) s += weights[i]! * x[i]! * x[i]!;
  return s;
}

/** Scores x̃ᵢⱼ·(wᵢeᵢ) (n×k column-major), one pass per column. */
function buildScores(XdColumns: readonly Float64Array[], n: number, k: number, we: Float64Array): Float64Array {
  const scores = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const col = j * n;
    const x = XdColumns[j]!;
    for (let i = 0; i < n; i++) scores[col + i] = x[i]! * we[i]!;
  }
  return scores;
}

/** Fits a prepared design: singletons, demeaning, least squares, variance, fit statistics. */
function fitDesign(inputDesign: Design, frame: Frame, params: FeolsParams, formula: string, fn: string): OlsFit {
  let design = inputDesign;
  const notes: Note[] = [...design.notes];
  if (params.fixefRmSingletons && design.fixedEffects.length > 0) {
    const mask = singletonMask(design.fixedEffects);
    let count = 0;
    for (let i = 0; i < mask.length; i++) count += mask[i]!;
    if (count > 0) {
      if (count === design.n) throw new CausalPanelError('no_rows_left', `${fn}: every observation is a fixed-effect singleton (${count} rows)`, { fn, value: count });
      design = subsetDesign(design, mask);
      notes.push({ code: 'singletons_removed', count });
    }
  }
  const n = design.n;
  const q = design.fixedEffects.length;
  // With absorbed fixed effects there is no intercept (fixest); drop it if the design has one.
  let columnIndex = design.terms.map((_, j) => j);
  if (q > 0) columnIndex = columnIndex.filter((j) => design.terms[j] !== '(Intercept)');
  const weights = design.weights;
  // Demean y and every X column in one call (all columns share each pass over the rows). The
  // demeaned columns come back as consecutive views of one buffer, so the regressors can be
  // handed to the QR as a matrix without a copy; the sums of squares before and after come from
  // demean's own passes.
  let yd: Float64Array;
  let Xcols: Float64Array[];
  let sumSquaresBefore: Float64Array | null = null;
  let sumSquaresAfter: Float64Array | null = null;
  let totalSumSquares = NaN;
  if (q > 0) {
    const columns: Float64Array[] = [designResponse(design)];
    for (const j of columnIndex) columns.push(designColumn(design, j));
    const result = demean(columns, design.fixedEffects, {
      weights,
      tolerance: params.demeanTolerance,
      maxIterations: params.demeanMaxIterations,
      centered: true,
    });
    if (!result.converged) notes.push({ code: 'demean_not_converged', iterations: result.iterations, maxChange: result.maxChange });
    yd = result.columns[0]!;
    Xcols = result.columns.slice(1);
    sumSquaresBefore = result.inputSumSquares;
    sumSquaresAfter = result.outputSumSquares;
    totalSumSquares = result.centeredSumSquares![0]!;
  } else {
    yd = design.y;
    Xcols = columnIndex.map((j) => design.X.subarray(j * n, (j + 1) * n));
  }
  // A regressor collinear with the fixed effects is (numerically) zero after demeaning: fixest
  // removes it. QR alone would not, since its tolerance is relative to the column's own norm.
  const collinear: string[] = [];
  const candidates: number[] = [];
  for (let c = 0; c < columnIndex.length; c++) {
    const j = columnIndex[c]!;
    if (sumSquaresBefore !== null && sumSquaresAfter !== null) {
      const before2 = sumSquaresBefore[c + 1]!; // Σw x², as weightedSumSquares(original)
      const after2 = sumSquaresAfter[c + 1]!; // Σw x̃²
      if (!(after2 > 1e-12 * before2) || after2 === 0) {
        collinear.push(design.terms[j]!);
        continue;
      }
    }
    candidates.push(c);
  }
  const k0 = candidates.length;
  if (k0 === 0) {
    throw new CausalPanelError('singular_design', `${fn}: every regressor is collinear with the fixed effects or constant (${collinear.join(', ') || 'no regressors'})`, { fn, value: collinear });
  }
  const candidateColumns = candidates.map((c) => Xcols[c]!);
  // Householder QR with R's limited pivoting (lm's rule) at every size; see docs/numerics.md
  // ("Performance") for why the normal equations are not needed for speed.
  // With fixed effects ỹ is demean's own array: the residuals may take its place (one n-array
  // less); ỹ is then demeaned again alone if CRV3 asks for it (the same bits: a column's
  // demeaning does not depend on the columns beside it).
  // A finite Σwỹ² (from demean's output pass) means every ỹ is finite (NaN and ±∞ propagate,
  // 0·∞ included): leastSquares need not check y again.
  const yFinite = sumSquaresAfter !== null && Number.isFinite(sumSquaresAfter[0]!);
  const ls = leastSquares(columnMatrix(candidateColumns, n), n, k0, yd, { weights, overwriteY: q > 0, yFinite });
  for (let d = 0; d < ls.dropped.length; d++) collinear.push(design.terms[columnIndex[candidates[ls.dropped[d]!]!]!]!);
  if (collinear.length > 0) {
    // Report in design order, as fixest.
    const order = new Map(design.terms.map((t, j) => [t, j]));
    collinear.sort((a, b) => order.get(a)! - order.get(b)!);
    notes.push({ code: 'collinear_dropped', terms: collinear });
  }
  const k = ls.rank;
  if (k === 0) {
    throw new CausalPanelError('singular_design', `${fn}: every regressor is collinear (${collinear.join(', ')})`, { fn, value: collinear });
  }
  const kept = ls.kept;
  const keptTerms = Array.from(kept, (c) => design.terms[columnIndex[candidates[c]!]!]!);
  const coefficients = Float64Array.from(kept, (c) => ls.coef[c]!);
  const XdColumns = Array.from(kept, (c) => candidateColumns[c]!);
  const residuals = ls.residuals;
  let multiplier = residuals;
  if (weights !== undefined) {
    multiplier = new Float64Array(n);
    for (let i = 0; i < n; i++) multiplier[i] = weights[i]! * residuals[i]!;
  }
  const scoreFactors: ScoreFactors = { columns: XdColumns, multiplier };
  let scores: Float64Array | undefined;
  let ydKept: Float64Array | undefined = residuals === yd ? undefined : yd;
  const state: OlsState = {
    frame,
    design,
    XdColumns,
    get yd(): Float64Array {
      return (ydKept ??= demean([designResponse(design)], design.fixedEffects, { weights, tolerance: params.demeanTolerance, maxIterations: params.demeanMaxIterations }).columns[0]!);
    },
    bread: ls.xtxInverse,
    get scores(): Float64Array {
      return (scores ??= buildScores(XdColumns, n, k, multiplier));
    },
    scoreFactors,
    residuals,
    rss: ls.rss,
    weights,
    keptTerms,
    coefficients,
  };
  const spec = parseVcov(params.vcov, { fn, combined: true, fixedEffects: design.fixedEffects.map((f) => f.name) });
  const { vcov, dist, info, cr2 } = olsVcov(spec, params.ssc ?? DEFAULT_SSC, state, fn);
  // Fit statistics, fixest's definitions.
  // Σw(y − ȳ)²: demean's (same arithmetic), else its own two passes.
  const tss = q > 0 ? totalSumSquares : centeredSumSquares(design.y, weights ?? null);
  const wss = sumSquaresAfter !== null ? sumSquaresAfter[0]! : weightedSumSquares(yd, weights);
  const nparams = fixestNparams(k, fixefSizesWithSlopes(design.fixedEffects));
  const r2 = 1 - ls.rss / tss;
  const hasIntercept = q > 0 || keptTerms.includes('(Intercept)');
  const adjR2 = 1 - (1 - r2) * (n - (hasIntercept ? 1 : 0)) / (n - nparams);
  const wr2 = q > 0 ? 1 - ls.rss / wss : NaN;
  const fit = new OlsFit(
    { terms: keptTerms, coefficients, vcovMatrix: vcov, dist, nobs: n, notes, level: params.level, vcovInfo: info },
    state,
    {
      formula,
      r2,
      adjR2,
      wr2,
      sigma: Math.sqrt(ls.rss / (n - nparams)),
      rmse: Math.sqrt(ls.rss / n),
      nparams,
      yName: design.responseLabel ?? 'y',
    },
  );
  if (cr2 !== undefined) registerCr2(fit, cr2);
  return fit;
}

/**
 * Linear regression with absorbed fixed effects, as fixest::feols.
 *
 * Fixed effects are swept out by alternating projections (Gaure 2013); the demeaned system is
 * solved by Householder QR with column pivoting (Golub & Van Loan §5.4). Variances: `iid`,
 * `hetero`/HC0–HC3 (HC2/HC3 with the absorbed fixed effects in the leverage), one- and multiway
 * CRV1 (Cameron, Gelbach & Miller 2011) and CRV3, with fixest's small-sample corrections (`ssc`),
 * and clubSandwich's CR2 with Satterthwaite degrees of freedom (`vcov: { CR2: 'id' }`).
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `formula_syntax`, `no_rows_left`,
 *   `singular_design`, `too_few_clusters`, `invalid_option`
 * @example
 * const fit = feols('y ~ treat_post | id + period', data);
 * fit.coef().treat_post; // ≈ 4.99339 (fixest 0.12.2, fixtures/oracles/fixest_twfe_did_cluster.json)
 * fit.se().treat_post;   // ≈ 0.521434 (clustered by id, fixest's default)
 */
export function feols(formula: string, data: DataInput, options: FeolsOptions = {}): OlsFit {
  const fn = 'feols';
  const params = readOptions(fn, options, FEOLS_OPTIONS, { unsupported: FEOLS_UNSUPPORTED });
  const frame = toFrame(data, fn);
  const spec = parseFormula(formula);
  const vcovSpec = params.vcov === undefined ? undefined : parseVcov(params.vcov, { fn, combined: true, fixedEffects: spec.fixedEffects.map((fe) => fe.name) });
  const extraVariables = vcovSpec !== undefined ? clusterVariables(vcovSpec) : [];
  const withPanel = panelOperatorColumns(spec, frame, params.panel, fn);
  const sunab = sunabColumns(spec, withPanel, fn);
  let design = buildDesign(sunab.spec, sunab.frame, { weights: params.weights, fn, extraVariables });
  if (sunab.sunab !== undefined) design = { ...design, notes: [...design.notes, ...sunab.notes], sunab: sunab.sunab };
  return fitDesign(design, sunab.frame, params, formula, fn);
}
