/**
 * The result of a linear mixed model fit ({@link lmm}): fixed effects with Satterthwaite t tests,
 * variance components, conditional modes and variances, likelihood statistics, predictions.
 * Numbers follow lme4's accessors: `fixef`, `vcov`, `VarCorr` (as `as.data.frame(VarCorr(m))`),
 * `ranef(condVar = TRUE)`, `logLik`, `AIC`, `BIC`, `deviance`, `REMLcrit`, `isSingular`,
 * `predict(re.form = NULL / NA)`, and lmerTest's `summary` (df, p).
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import type { Frame } from '../../data/frame.js';
import { formatRNumber } from '../../data/factor.js';
import { waldInference } from '../../inference/intervals.js';
import { log } from '../../numerics/elementary.js';
import type { Dist } from '../../numerics/distributions.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { formatNumber, formatInteger } from '../../report/format.js';
import { textTable } from '../../report/textTable.js';
import { modelMatrix, type Design } from '../formula/design.js';
import type { ReTerm } from './reTerms.js';
import { satterthwaiteF, type SatterthwaiteParts } from './satterthwaite.js';
import { ddfTests, type DdfContext, type LmmDdf } from './ddf.js';
import { fUpper } from '../../numerics/distributions.js';

/** Everything {@link lmm} hands to the result. */
export interface LmmFitCore {
  formula: string;
  reml: boolean;
  /** The weights column, if any. */
  weights: string | undefined;
  ddf: LmmDdf;
  level: number;
  names: readonly string[];
  beta: Float64Array;
  vcov: Float64Array;
  /** The variance the t tests use: `vcov`, or pbkrtest's adjusted one under Kenward–Roger. */
  testVcov: Float64Array;
  df: Float64Array;
  theta: Float64Array;
  thetaNames: readonly string[];
  sigma: number;
  /** REML criterion (REML fits) or −2 log-likelihood (ML fits). */
  criterion: number;
  nobs: number;
  terms: readonly ReTerm[];
  /** Conditional modes b = Λu (q). */
  b: Float64Array;
  /** Per term: nLevels · p · p conditional variances. */
  condVar: readonly Float64Array[];
  y: Float64Array;
  fitted: Float64Array;
  fixedFitted: Float64Array;
  design: Design;
  /** The data rows used (a copy of the input's rows: refits for anova read it). */
  frame: Frame;
  keptColumns: readonly string[];
  notes: readonly Note[];
  singular: boolean;
  optimizer: { evaluations: number; converged: boolean; restarts: number };
  /** Satterthwaite's ingredients (null unless ddf is 'Satterthwaite'). */
  satterthwaite: SatterthwaiteParts | null;
  /** What {@link ddfTests} needs to redo the tests under another method. */
  ddfContext: DdfContext;
}

/**
 * One row of the F-test table of a fit (lmerTest's `anova(m)`, Satterthwaite's method).
 *
 * @example
 * fit.anova()[0]; // { term: 'cses', sumSq: 10724.3, meanSq: 10724.3, numDf: 1, denDf: 154.9, F: 292.1, pValue: 1.8e-37 }
 */
export interface LmmAnovaRow {
  term: string;
  sumSq: number;
  meanSq: number;
  numDf: number;
  denDf: number;
  F: number;
  pValue: number;
}

/**
 * One row of the variance components, as `as.data.frame(VarCorr(m))`: a variance (var2 null;
 * `sdOrCorrelation` the SD) or a covariance (`sdOrCorrelation` the correlation).
 *
 * @example
 * fit.varCorr()[0]; // { group: 'School', var1: '(Intercept)', var2: null, variance: 2.39, sdOrCorrelation: 1.55 }
 */
export interface VarCorrRow {
  group: string;
  var1: string | null;
  var2: string | null;
  variance: number;
  sdOrCorrelation: number;
}

/**
 * Conditional modes of one grouping factor (lme4's `ranef(m, condVar = TRUE)[[group]]`).
 *
 * @example
 * fit.ranef()[0].levels[0]; // '1224'; fit.ranef()[0].modes[0]: [-0.0457, 0.0752]
 */
export interface RanefGroup {
  group: string;
  /** Columns (the terms of every bar on this factor, in term order). */
  terms: string[];
  levels: string[];
  /** Per level: one mode per column. */
  modes: number[][];
  /** Per level: the conditional variance matrix (0 between columns of different bars, as lme4). */
  condVar: number[][][];
}

/**
 * An lme4-style linear mixed model fit.
 *
 * @example
 * const fit = lmm('MathAch ~ cses + (1 + cses | School)', hsb);
 * fit.coef(); fit.se(); fit.df(); fit.varCorr(); fit.ranef(); fit.logLik; fit.predict();
 */
export class LmmFit extends Result {
  readonly kind = 'lmm' as const;
  readonly formula: string;
  /** Fitted by REML (true) or ML. */
  readonly reml: boolean;
  /** Fixed-effect names (collinear ones dropped). */
  readonly terms: readonly string[];
  readonly nobs: number;
  readonly level: number;
  /** Residual standard deviation σ. */
  readonly sigma: number;
  /** Log-likelihood (REML fits: the REML log-likelihood −REMLcrit/2, as lme4's `logLik`). */
  readonly logLik: number;
  /** −2 log-likelihood of an ML fit (lme4's `deviance`); NaN for a REML fit. */
  readonly deviance: number;
  /** REML criterion (lme4's `REMLcrit`); NaN for an ML fit. */
  readonly remlCriterion: number;
  /** Parameters counted by logLik's df: fixed effects + θ + σ. */
  readonly nParameters: number;
  readonly aic: number;
  readonly bic: number;
  /** lme4's `isSingular` (a diagonal of some relative factor below 1e-4). */
  readonly isSingular: boolean;
  /** θ by lme4 name (`School.(Intercept)`, `School.cses.(Intercept)`, …). */
  readonly theta: Readonly<Record<string, number>>;
  /** Levels per grouping factor (lme4's `ngrps`). */
  readonly ngroups: Readonly<Record<string, number>>;
  readonly optimizer: Readonly<{ evaluations: number; converged: boolean; restarts: number }>;
  readonly #core: LmmFitCore;
  #tidy = new Map<number, (Estimate & { df: number })[]>();

  constructor(core: LmmFitCore) {
    super(core.notes);
    this.#core = core;
    this.formula = core.formula;
    this.reml = core.reml;
    this.terms = Object.freeze([...core.names]);
    this.nobs = core.nobs;
    this.level = core.level;
    this.sigma = core.sigma;
    this.logLik = -core.criterion / 2;
    this.deviance = core.reml ? NaN : core.criterion;
    this.remlCriterion = core.reml ? core.criterion : NaN;
    this.nParameters = core.names.length + core.theta.length + 1;
    this.aic = core.criterion + 2 * this.nParameters;
    this.bic = core.criterion + log(core.nobs) * this.nParameters;
    this.isSingular = core.singular;
    const theta: Record<string, number> = Object.create(null);
    core.thetaNames.forEach((name, j) => (theta[name] = core.theta[j]!));
    this.theta = Object.freeze(theta);
    const ngroups: Record<string, number> = Object.create(null);
    for (const term of core.terms) ngroups[term.groupLabel] = term.nLevels;
    this.ngroups = Object.freeze(ngroups);
    this.optimizer = Object.freeze({ ...core.optimizer });
  }

  #record(values: ArrayLike<number>): Record<string, number> {
    const out: Record<string, number> = Object.create(null);
    this.terms.forEach((term, j) => (out[term] = values[j]!));
    return out;
  }

  /** The degrees-of-freedom method of the t tests. @example fit.ddf; // 'Satterthwaite' */
  get ddf(): LmmDdf {
    return this.#core.ddf;
  }

  /**
   * The same fit with its t tests under another method (lmerTest's `summary(m, ddf = …)`), without
   * refitting.
   * @throws {CausalPanelError} `invalid_option` for Kenward–Roger on an ML fit or several grouping factors
   * @example fit.withDdf('Kenward-Roger').tidy(); // pbkrtest's adjusted SEs and df
   */
  withDdf(ddf: LmmDdf): LmmFit {
    if (ddf !== 'Satterthwaite' && ddf !== 'Kenward-Roger' && ddf !== 'normal') {
      throw new CausalPanelError('invalid_option', `lmm.withDdf: ddf must be one of "Satterthwaite", "Kenward-Roger", "normal" (got ${String(ddf)})`, { fn: 'lmm.withDdf', option: 'ddf', value: ddf });
    }
    const tests = ddfTests(ddf, this.#core.ddfContext);
    const notes: Note[] = [...this.#core.notes.filter((note) => note.code !== 'test_not_computed'), ...tests.notes];
    return new LmmFit({ ...this.#core, ddf, df: tests.df, testVcov: tests.testVcov, satterthwaite: tests.satterthwaite, notes });
  }

  /**
   * The profiled criterion the fit minimised (REML criterion or −2 log-likelihood), at any θ in
   * lme4's order (lme4's `devfun <- getME(m, 'devfun')`): to compare optima or profile a variance.
   * @throws {CausalPanelError} `invalid_option` when θ has the wrong length or breaks a bound
   * @example fit.devfun(Object.values(fit.theta)); // = fit.remlCriterion
   */
  devfun(theta: readonly number[]): number {
    const { system, reml, theta: fitted } = this.#core.ddfContext;
    if (!Array.isArray(theta) || theta.length !== fitted.length || !theta.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new CausalPanelError('invalid_option', `lmm.devfun: theta must be ${fitted.length} finite numbers in lme4's order (${this.#core.thetaNames.join(', ')})`, { fn: 'lmm.devfun', value: theta });
    }
    return system.deviance(theta, reml);
  }

  /** The prior-weights column of the fit, if any (for refits). @example fit.weights; // 'w' */
  get weights(): string | undefined {
    return this.#core.weights;
  }

  /** The variance components (lme4's `as.data.frame(VarCorr(m))`), as {@link LmmFit.varCorr}. @example fit.varianceComponents[0].variance */
  get varianceComponents(): VarCorrRow[] {
    return this.varCorr();
  }

  /** Fixed effects by term (lme4's `fixef`). @example fit.coef()['(Intercept)'] */
  coef(): Record<string, number> {
    return this.#record(this.#core.beta);
  }

  /** Standard errors by term (Kenward–Roger adjusted under `ddf: 'Kenward-Roger'`, as lmerTest's summary). @example fit.se().cses */
  se(): Record<string, number> {
    const p = this.terms.length;
    return this.#record(Array.from({ length: p }, (_, j) => Math.sqrt(this.#core.testVcov[j + j * p]!)));
  }

  /** Satterthwaite (or Kenward–Roger) degrees of freedom by term (Infinity with `ddf: 'normal'`). @example fit.df().cses */
  df(): Record<string, number> {
    return this.#record(this.#core.df);
  }

  /** Estimates as a copy, aligned with `terms`. @example fit.coefficients[0] */
  get coefficients(): Float64Array {
    return Float64Array.from(this.#core.beta);
  }

  /** p × p column-major variance of the fixed effects, as a copy. @example fit.vcovMatrix */
  get vcovMatrix(): Float64Array {
    return Float64Array.from(this.#core.vcov);
  }

  /** Variance of the fixed effects as rows (lme4's `vcov`). @example fit.vcov()[0][0] */
  vcov(): number[][] {
    const p = this.terms.length;
    return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => this.#core.vcov[i + j * p]!));
  }

  /** The reference distribution of a coefficient's t statistic. */
  dist(term: number): Dist {
    return this.#core.ddf === 'normal' ? { kind: 'normal' } : { kind: 't', df: this.#core.df[term]! };
  }

  /**
   * One row per fixed effect with its Satterthwaite df (lmerTest's `summary` table).
   * @throws {CausalPanelError} `invalid_option` when level is not in (0, 1)
   * @example fit.tidy()[1]; // { term: 'cses', estimate: 2.19, stdError: 0.128, statistic: 17.1, pValue: 1.8e-37, confLow, confHigh, df: 154.9 }
   */
  tidy(level = this.level): (Estimate & { df: number })[] {
    if (!(level > 0 && level < 1)) {
      throw new CausalPanelError('invalid_option', `lmm: level must be in (0, 1) (got ${level})`, { fn: 'lmm', option: 'level', value: level });
    }
    let rows = this.#tidy.get(level);
    if (rows === undefined) {
      const p = this.terms.length;
      rows = this.terms.map((term, j) =>
        Object.freeze({ term, ...waldInference(this.#core.beta[j]!, Math.sqrt(this.#core.testVcov[j + j * p]!), this.dist(j), level), df: this.#core.df[j]! }),
      );
      this.#tidy.set(level, rows);
    }
    return rows.map((row) => ({ ...row }));
  }

  /**
   * Variance components as `as.data.frame(VarCorr(m))`: per term its variances, then its
   * covariances, then the residual.
   * @example fit.varCorr().at(-1); // { group: 'Residual', var1: null, var2: null, variance: σ², sdOrCorrelation: σ }
   */
  varCorr(): VarCorrRow[] {
    const rows: VarCorrRow[] = [];
    const sigma2 = this.sigma * this.sigma;
    for (const term of this.#core.terms) {
      const p = term.p;
      const S = this.#covariance(term);
      for (let i = 0; i < p; i++) rows.push({ group: term.name, var1: term.columns[i]!, var2: null, variance: S[i + i * p]!, sdOrCorrelation: Math.sqrt(S[i + i * p]!) });
      for (let j = 0; j < p; j++) {
        for (let i = j + 1; i < p; i++) {
          const cov = S[i + j * p]!;
          rows.push({ group: term.name, var1: term.columns[j]!, var2: term.columns[i]!, variance: cov, sdOrCorrelation: cov / Math.sqrt(S[i + i * p]! * S[j + j * p]!) });
        }
      }
    }
    rows.push({ group: 'Residual', var1: null, var2: null, variance: sigma2, sdOrCorrelation: this.sigma });
    return rows;
  }

  /** σ² T Tᵀ of a term (p × p, column-major). */
  #covariance(term: ReTerm): Float64Array {
    const p = term.p;
    const T = new Float64Array(p * p);
    let t = term.thetaOffset;
    for (let j = 0; j < p; j++) for (let i = j; i < p; i++) T[i + j * p] = this.#core.theta[t++]!;
    const S = new Float64Array(p * p);
    const sigma2 = this.sigma * this.sigma;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let m = 0; m <= Math.min(i, j); m++) s += T[i + m * p]! * T[j + m * p]!;
      S[i + j * p] = sigma2 * s;
    }
    return S;
  }

  /**
   * Intraclass correlations: for each grouping factor with a random intercept, its intercept
   * variance over the sum of all intercept variances and σ² (the share of the variance at that
   * level for observations with all slope covariates at 0).
   * @example fit.icc(); // { School: 0.18 }
   */
  icc(): Record<string, number> {
    const intercepts = this.varCorr().filter((row) => row.var1 === '(Intercept)' && row.var2 === null);
    const total = intercepts.reduce((s, row) => s + row.variance, 0) + this.sigma * this.sigma;
    const out: Record<string, number> = Object.create(null);
    for (const row of intercepts) out[row.group] = row.variance / total;
    return out;
  }

  /**
   * Conditional modes and variances per grouping factor (lme4's `ranef(m, condVar = TRUE)`).
   * @example fit.ranef()[0].modes[0]; // the first school's [intercept, slope]
   */
  ranef(): RanefGroup[] {
    const groups = new Map<string, ReTerm[]>();
    for (const term of this.#core.terms) groups.set(term.groupLabel, [...(groups.get(term.groupLabel) ?? []), term]);
    const out: RanefGroup[] = [];
    const termIndex = new Map(this.#core.terms.map((t, k) => [t, k]));
    for (const [group, terms] of groups) {
      const columns = terms.flatMap((t) => [...t.columns]);
      const width = columns.length;
      const levels = [...terms[0]!.levels];
      const modes: number[][] = [];
      const condVar: number[][][] = [];
      levels.forEach((_, l) => {
        const mode: number[] = [];
        const V = Array.from({ length: width }, () => new Array<number>(width).fill(0));
        let at = 0;
        for (const t of terms) {
          const cv = this.#core.condVar[termIndex.get(t)!]!;
          for (let c = 0; c < t.p; c++) {
            mode.push(this.#core.b[t.offset + l * t.p + c]!);
            for (let r = 0; r < t.p; r++) V[at + r]![at + c] = cv[l * t.p * t.p + r + c * t.p]!;
          }
          at += t.p;
        }
        modes.push(mode);
        condVar.push(V);
      });
      out.push({ group, terms: columns, levels, modes, condVar });
    }
    return out;
  }

  /**
   * F tests of each model term (lmerTest's `anova(m)`, Satterthwaite's denominator df): for a term,
   * the hypothesis that all its coefficients are 0 (lmerTest's type III hypothesis for terms not
   * contained in an interaction; a term inside an interaction gets NaN, since its type III
   * contrasts are not formed here). Sum of squares = F · numDf · σ², as lmerTest.
   * @example fit.anova().map((row) => [row.term, row.F, row.denDf]);
   */
  anova(): LmmAnovaRow[] {
    const { design, satterthwaite, beta, vcov, keptColumns } = this.#core;
    const spec = design.info.spec;
    const p = keptColumns.length;
    const sigma2 = this.sigma * this.sigma;
    return spec.terms.map((term, t) => {
      const columns = design.terms.map((name, j) => (design.info.assign[j] === t ? keptColumns.indexOf(name) : -1)).filter((j) => j >= 0);
      const contained = spec.terms.some((other, u) => u !== t && other.variables.length > term.variables.length && term.variables.every((v) => other.variables.includes(v)));
      if (satterthwaite === null || columns.length === 0 || contained) {
        return { term: term.label, sumSq: NaN, meanSq: NaN, numDf: columns.length, denDf: NaN, F: NaN, pValue: NaN };
      }
      const L = columns.map((j) => Array.from({ length: p }, (_, i) => (i === j ? 1 : 0)));
      const { F, numDf, denDf } = satterthwaiteF(satterthwaite, vcov, beta, L);
      return { term: term.label, sumSq: F * numDf * sigma2, meanSq: F * sigma2, numDf, denDf, F, pValue: fUpper(F, numDf, denDf) };
    });
  }

  /** Fitted values with the conditional modes (lme4's `fitted`). @example fit.fitted()[0] */
  fitted(): Float64Array {
    return Float64Array.from(this.#core.fitted);
  }

  /** Response minus fitted values (lme4's `residuals`). @example fit.residuals()[0] */
  residuals(): Float64Array {
    const { y, fitted } = this.#core;
    return Float64Array.from(y, (v, i) => v - fitted[i]!);
  }

  /** The fixed-effects design (y, X before collinear columns were dropped, terms, rows, factor codings). @example fit.design.terms */
  get design(): Design {
    return this.#core.design;
  }

  /** The rows of the data the fit used, as a Frame (lme4's `model.frame`). @example fit.modelFrame().nrow */
  modelFrame(): Frame {
    return this.#core.frame;
  }

  /** Rows of the input data used (0-based). @example fit.rows[0] */
  get rows(): Int32Array {
    return Int32Array.from(this.#core.design.rows);
  }

  /**
   * The fixed-effects model matrix on new data (same columns and factor coding as the fit).
   * @example fit.modelMatrix(newData).X; // n × p, column-major
   */
  modelMatrix(newData: DataInput): { X: Float64Array; n: number; k: number; terms: string[] } {
    const frame = toFrame(newData, 'lmm.modelMatrix');
    const mm = modelMatrix(this.#core.design.info, frame, { fn: 'lmm.modelMatrix' });
    const index = this.terms.map((name) => mm.terms.indexOf(name));
    const X = new Float64Array(mm.n * index.length);
    index.forEach((j, c) => X.set(mm.X.subarray(j * mm.n, (j + 1) * mm.n), c * mm.n));
    return { X, n: mm.n, k: index.length, terms: [...this.terms] };
  }

  /**
   * Predictions (lme4's `predict`): with the conditional modes of the levels (`random: true`,
   * re.form = NULL, the default) or the fixed part only (`random: false`, re.form = NA). Without
   * new data: the fitted values. A level not seen in the fit contributes 0 when
   * `allowNewLevels` is true (lme4's allow.new.levels), else it is an error.
   * @throws {CausalPanelError} `invalid_option` for a new level without allowNewLevels
   * @example fit.predict(newData, { random: false }); // Xβ̂
   */
  predict(newData?: DataInput, options: { random?: boolean; allowNewLevels?: boolean } = {}): Float64Array {
    const random = options.random ?? true;
    if (newData === undefined) return Float64Array.from(random ? this.#core.fitted : this.#core.fixedFitted);
    const frame = toFrame(newData, 'lmm.predict');
    const { X, n, k } = this.modelMatrix(frame);
    const out = new Float64Array(n);
    for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) out[i]! += X[i + j * n]! * this.#core.beta[j]!;
    if (random) for (const term of this.#core.terms) this.#addRandom(term, frame, out, options.allowNewLevels ?? false);
    return out;
  }

  #addRandom(term: ReTerm, frame: Frame, out: Float64Array, allowNew: boolean): void {
    const n = frame.nrow;
    const mm = modelMatrix(term.info, frame, { fn: 'lmm.predict' });
    const columns = term.groupColumns.map((name) => frame.column(name, 'lmm.predict'));
    const indexes = term.groupFactors.map((f) => new Map(f.levels.map((label, j) => [label, j])));
    for (let i = 0; i < n; i++) {
      let key = 0;
      let level: number | undefined = 0;
      for (let c = 0; c < columns.length; c++) {
        const v = columns[c]![i];
        const label = typeof v === 'number' ? formatRNumber(v) : v;
        const code = label === null || label === undefined ? undefined : indexes[c]!.get(label);
        if (code === undefined) {
          level = undefined;
          break;
        }
        key = key * term.groupFactors[c]!.levels.length + code;
      }
      if (level !== undefined) level = term.comboIndex.get(key);
      if (level === undefined) {
        const missing = columns.some((col) => col[i] === null || (typeof col[i] === 'number' && Number.isNaN(col[i])));
        if (missing) {
          out[i] = NaN;
          continue;
        }
        if (!allowNew) {
          throw new CausalPanelError('invalid_option', `lmm.predict: row ${i + 1} has a level of "${term.groupLabel}" not in the fit; pass allowNewLevels: true to predict it with a random effect of 0`, { fn: 'lmm.predict', row: i, column: term.groupColumns[0] });
        }
        continue;
      }
      let s = 0;
      for (let c = 0; c < term.p; c++) s += mm.X[i + c * n]! * this.#core.b[term.offset + level * term.p + c]!;
      out[i]! += s;
    }
  }

  /** The etable column: rows, nobs, BIC, the dependent variable. @example etable([fit]); */
  toEtableModel(): { rows: Estimate[]; nobs: number; bic: number; vcovType: string; depVar?: string } {
    const depVar = this.formula.slice(0, this.formula.indexOf('~')).trim();
    return { rows: this.tidy(), nobs: this.nobs, bic: this.bic, vcovType: this.#core.ddf === 'normal' ? 'lme4 (z)' : this.#core.ddf, ...(depVar !== '' ? { depVar } : {}) };
  }

  protected override statisticLabel(): 't value' | 'z value' {
    return this.#core.ddf === 'normal' ? 'z value' : 't value';
  }

  protected summaryParts(): SummaryParts {
    const vc = this.varCorr();
    const body = vc.map((row) => [row.var2 === null ? row.group : '', row.var2 === null ? (row.var1 ?? '') : `${row.var1}~${row.var2}`, row.var2 === null ? formatNumber(row.variance, 4) : '', formatNumber(row.sdOrCorrelation, 4)]);
    const random = textTable(body, { header: ['Groups', 'Name', 'Variance', 'Std.Dev./Corr'], align: ['left', 'left', 'right', 'right'] });
    const groups = Object.entries(this.ngroups).map(([g, k]) => `${g}, ${formatInteger(k)}`).join('; ');
    return {
      title: `Linear mixed model fit by ${this.reml ? 'REML' : 'maximum likelihood'}${this.#core.ddf === 'normal' ? '' : `. t-tests use ${this.#core.ddf}'s method`}, Dep. Var.: ${this.formula.slice(0, this.formula.indexOf('~')).trim()}`,
      meta: [
        ['Formula', this.formula],
        ['Observations', formatInteger(this.nobs)],
        ['Groups', groups],
        [this.reml ? 'REML criterion' : 'Deviance', formatNumber(this.reml ? this.remlCriterion : this.deviance, 7)],
      ],
      tables: [{ heading: 'Random effects:', body: random }],
      footer: [`logLik: ${formatNumber(this.logLik, 7)}   AIC: ${formatNumber(this.aic, 7)}   BIC: ${formatNumber(this.bic, 7)}${this.isSingular ? '   (singular fit)' : ''}`],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      formula: this.formula,
      reml: this.reml,
      nobs: this.nobs,
      level: this.level,
      coefficients: this.tidy(),
      vcov: this.vcov(),
      varianceComponents: this.varCorr(),
      theta: { ...this.theta },
      sigma: this.sigma,
      logLik: this.logLik,
      deviance: this.deviance,
      remlCriterion: this.remlCriterion,
      nParameters: this.nParameters,
      aic: this.aic,
      bic: this.bic,
      ngroups: { ...this.ngroups },
      isSingular: this.isSingular,
      icc: this.icc(),
      optimizer: { ...this.optimizer },
    };
  }
}
