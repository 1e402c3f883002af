/**
 * ModelFit: the base of every regression result. It stores little — coefficients, their
 * variance, the reference distribution, terms, nobs, notes — and derives SEs, statistics,
 * p-values, intervals and tidy rows from them, lazily and once (statsmodels' chain; pyfixest's
 * mixin), so `coef()`, `se()`, `pvalue()` and `tidy()` agree by construction.
 *
 * Results are immutable: arrays handed out are copies; `withVcov` returns a new fit that shares
 * the point estimates (fixest's `summary(est, vcov = …)`).
 */
import type { Note } from '../errors.js';
import { CausalPanelError } from '../errors.js';
import { fewClustersNote } from '../inference/fewClusters.js';
import { waldInference } from '../inference/intervals.js';
import type { Ssc } from '../inference/ssc.js';
import type { VcovOption, VcovSpec } from '../inference/vcovSpec.js';
import type { Dist } from '../numerics/distributions.js';
import type { Estimate } from '../estimate.js';
import { Result, type SummaryParts } from '../report/result.js';

/**
 * What fixest records beside a variance matrix.
 *
 * @example
 * feols('y ~ x1 | id + period', baseDid).vcovInfo;
 * // { spec: { type: 'CRV1', clusters: ['id'] }, label: 'Clustered (id)', dofK: 11, nClusters: [108],
 * //   ssc: { adj: true, fixefK: 'nested', clusterAdj: true, clusterDf: 'min', tDf: 'min' }, fixedPsd: false }
 */
export interface VcovInfo {
  /** The validated specification. */
  readonly spec: VcovSpec;
  /** fixest label, e.g. `Clustered (id)`. */
  readonly label: string;
  /** fixest `dof.K`: K of the (n − 1)/(n − K) factor. */
  readonly dofK: number;
  /** Clusters per clustering (null when not clustered). */
  readonly nClusters: readonly number[] | null;
  /** Small-sample options used. */
  readonly ssc: Ssc;
  /** True when a negative variance was fixed by raising eigenvalues (fixest `mat_posdef_fix`). */
  readonly fixedPsd?: boolean;
  /**
   * Degrees of freedom of each coefficient's t test when they differ by coefficient (CR2:
   * Satterthwaite, clubSandwich `coef_test`), aligned with `terms`; absent otherwise (`dist` applies).
   */
  readonly termDf?: readonly number[];
}


/** The stored state of a fit. */
export interface ModelFitCore {
  /** Term names of the kept coefficients (R/fixest names). */
  terms: readonly string[];
  /** Estimates, aligned with `terms`. */
  coefficients: Float64Array;
  /** k×k column-major variance of the estimates. */
  vcovMatrix: Float64Array;
  /** Reference distribution of the statistics. */
  dist: Dist;
  /** Observations used. */
  nobs: number;
  /** Non-fatal events (dropped rows, collinear terms, …). */
  notes: readonly Note[];
  /** Default confidence level. */
  level: number;
  /** How the variance was computed. */
  vcovInfo: VcovInfo;
}

export type { SummaryParts };

function record(terms: readonly string[], values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (let j = 0; j < terms.length; j++) out[terms[j]!] = values[j]!;
  return out;
}

/**
 * Base class of `OlsFit` and `GlmFit`: stores estimates and variance, derives the rest.
 *
 * @example
 * const fit = feols('y ~ x1', data);
 * fit.se().x1;        // sqrt of the variance diagonal
 * fit.tidy()[1].pValue; // same number as fit.pvalue().x1
 */
export abstract class ModelFit extends Result {
  /** Which model made the fit (the `kind` of `toJSON()`). */
  abstract override readonly kind: 'feols' | 'glm' | 'feglm';
  /** Term names of the kept coefficients. */
  readonly terms: readonly string[];
  /** Reference distribution (`t` with df, or `normal`). */
  readonly dist: Dist;
  /** Observations used. */
  readonly nobs: number;
  /** Default confidence level of `confint()` and `tidy()`. */
  readonly level: number;
  /** How the variance was computed (label, dof.K, clusters, ssc). */
  readonly vcovInfo: VcovInfo;
  readonly #coefficients: Float64Array;
  readonly #vcov: Float64Array;
  #se: Float64Array | undefined;
  #tidy = new Map<number, Estimate[]>();

  protected constructor(core: ModelFitCore) {
    // The PSD and few-cluster notes belong to the variance: drop inherited ones, add this one's.
    // Results that know the treatment (did, eventStudy) replace the few-cluster note by theirs.
    const notes: Note[] = core.notes.filter((note) => note.code !== 'vcov_psd_fixed' && note.code !== 'few_clusters');
    if (core.vcovInfo.fixedPsd) notes.push({ code: 'vcov_psd_fixed' });
    const spec = core.vcovInfo.spec;
    if ((spec.type === 'CRV1' || spec.type === 'CRV3') && core.vcovInfo.nClusters !== null) {
      const few = fewClustersNote(spec.clusters.join(' & '), Math.min(...core.vcovInfo.nClusters));
      if (few !== null) notes.push(few);
    }
    super(notes);
    const k = core.terms.length;
    if (core.coefficients.length !== k || core.vcovMatrix.length !== k * k) {
      throw new CausalPanelError('invalid_option', `ModelFit: ${k} terms but ${core.coefficients.length} coefficients and a ${core.vcovMatrix.length}-cell vcov`, { fn: 'ModelFit' });
    }
    this.terms = Object.freeze([...core.terms]);
    this.#coefficients = Float64Array.from(core.coefficients);
    this.#vcov = Float64Array.from(core.vcovMatrix);
    this.dist = Object.freeze({ ...core.dist });
    this.nobs = core.nobs;
    this.level = core.level;
    this.vcovInfo = Object.freeze({
      ...core.vcovInfo,
      nClusters: core.vcovInfo.nClusters === null ? null : Object.freeze([...core.vcovInfo.nClusters]),
      ...(core.vcovInfo.termDf !== undefined ? { termDf: Object.freeze([...core.vcovInfo.termDf]) } : {}),
    });
    if (this.vcovInfo.termDf !== undefined && this.vcovInfo.termDf.length !== k) {
      throw new CausalPanelError('invalid_option', `ModelFit: ${k} terms but ${this.vcovInfo.termDf.length} degrees of freedom`, { fn: 'ModelFit' });
    }
  }

  /**
   * The reference distribution of coefficient `j`'s t test: `dist`, or t on the coefficient's own
   * degrees of freedom (CR2: Satterthwaite).
   *
   * @example fit.withVcov({ CR2: 'grp' }).termDist(0); // { kind: 't', df: 7.70… }
   */
  termDist(j: number): Dist {
    const df = this.vcovInfo.termDf?.[j];
    return df === undefined ? this.dist : { kind: 't', df };
  }

  /** Estimates as a copy, aligned with `terms`. */
  get coefficients(): Float64Array {
    return Float64Array.from(this.#coefficients);
  }

  /** k×k column-major variance, as a copy. */
  get vcovMatrix(): Float64Array {
    return Float64Array.from(this.#vcov);
  }

  /** Number of coefficients. */
  get k(): number {
    return this.terms.length;
  }

  protected standardErrors(): Float64Array {
    if (this.#se === undefined) {
      const k = this.k;
      const se = new Float64Array(k);
      for (let j = 0; j < k; j++) se[j] = Math.sqrt(this.#vcov[j + j * k]!);
      this.#se = se;
    }
    return this.#se;
  }

  /** Estimates by term. @example fit.coef().x1 */
  coef(): Record<string, number> {
    return record(this.terms, this.#coefficients);
  }

  /** Standard errors by term. @example fit.se().x1 */
  se(): Record<string, number> {
    return record(this.terms, this.standardErrors());
  }

  /** t (or z) statistics by term. @example fit.tstat().x1 */
  tstat(): Record<string, number> {
    return record(this.terms, this.tidy().map((row) => row.statistic));
  }

  /** Two-sided p-values by term. @example fit.pvalue().x1 */
  pvalue(): Record<string, number> {
    return record(this.terms, this.tidy().map((row) => row.pValue));
  }

  /**
   * Confidence intervals by term: `[low, high]` at `level` (default: the fit's level).
   * @example fit.confint(0.9).x1; // [low, high]
   */
  confint(level = this.level): Record<string, [number, number]> {
    const out: Record<string, [number, number]> = Object.create(null);
    for (const row of this.tidy(level)) out[row.term] = [row.confLow, row.confHigh];
    return out;
  }

  /** The variance matrix as rows (k arrays of k numbers). @example fit.vcov()[0][0] */
  vcov(): number[][] {
    const k = this.k;
    const rows: number[][] = [];
    for (let i = 0; i < k; i++) {
      const row: number[] = [];
      for (let j = 0; j < k; j++) row.push(this.#vcov[i + j * k]!);
      rows.push(row);
    }
    return rows;
  }

  /**
   * One {@link Estimate} per coefficient (broom's `tidy`), Wald inference under `dist`.
   * @throws {CausalPanelError} `invalid_option` when level is not in (0, 1)
   * @example fit.tidy()[0]; // { term: '(Intercept)', estimate, stdError, statistic, pValue, confLow, confHigh }
   */
  tidy(level = this.level): Estimate[] {
    if (!(level > 0 && level < 1)) {
      throw new CausalPanelError('invalid_option', `${this.kind}: level must be in (0, 1) (got ${level})`, { fn: this.kind, option: 'level', value: level });
    }
    let rows = this.#tidy.get(level);
    if (rows === undefined) {
      const se = this.standardErrors();
      rows = this.terms.map((term, j) => Object.freeze({ term, ...waldInference(this.#coefficients[j]!, se[j]!, this.termDist(j), level) }));
      this.#tidy.set(level, rows);
    }
    return rows.map((row) => ({ ...row }));
  }

  /** z for a normal reference distribution, t otherwise. */
  protected override statisticLabel(): 't value' | 'z value' {
    return this.dist.kind === 'normal' ? 'z value' : 't value';
  }

  /** Plain fields shared by every fit's `toJSON()` (a subclass adds its own to these). */
  protected jsonFields(): Record<string, unknown> {
    return {
      nobs: this.nobs,
      level: this.level,
      dist: { ...this.dist },
      vcovType: this.vcovInfo.label,
      dofK: this.vcovInfo.dofK,
      nClusters: this.vcovInfo.nClusters,
      ...(this.vcovInfo.termDf !== undefined ? { termDf: [...this.vcovInfo.termDf] } : {}),
      ssc: this.vcovInfo.ssc,
      coefficients: this.tidy(),
      vcov: this.vcov(),
    };
  }

  /**
   * A new fit with the same estimates and another variance (`vcov` and optionally `ssc`).
   * @example fit.withVcov({ CRV1: 'id + period' }).se();
   */
  abstract withVcov(vcov: VcovOption, options?: { ssc?: Partial<Ssc> }): ModelFit;
}
