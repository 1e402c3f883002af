/**
 * Effect sizes in standard-deviation units of the outcome: the `standardize` option of did(),
 * psmDid(), attgt() (and its aggregations), eventStudy(), matchedAtt() and mediate(), and
 * Hedges' g for cluster designs (`hedgesG`, `effectSize`).
 *
 * An effect θ with standard error s is reported as θ/σ with standard error s/σ, where σ is the
 * sample standard deviation (n − 1 denominator) of the outcome in a reference group:
 * - `'control-baseline'`: control units in pre-treatment periods (Glass's Δ on the baseline, the
 *   usual choice in education evaluations such as the SSP study);
 * - `'pooled'`: every row used in the estimation;
 * - a number: a σ supplied by the caller (e.g. a national norm).
 *
 * σ is treated as a fixed constant, not an estimate: the SE is scaled by the same σ and the
 * statistic and p-value are unchanged. (Ignoring the sampling error of σ understates the SE of
 * θ/σ by a term of order θ²/(2n σ²), negligible for the effect sizes met in practice.)
 *
 * The variance uses Welford's one-pass update (Welford 1962; Knuth TAOCP vol. 2 §4.2.2), which
 * is stable for outcomes with a large mean.
 */
import { CausalPanelError, type Note } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { waldInference } from '../inference/intervals.js';
import { invalidOption, opt, readOptions, type OptionPath, type Reader } from '../options.js';
import { formatSignif } from '../report/format.js';
import { Result, type SummaryParts } from '../report/result.js';

/**
 * How to standardize an effect: the reference group for σ, or σ itself.
 *
 * @example
 * const standardize: Standardize = 'pooled'; // or 'control-baseline' (the default), or a σ such as 12.5
 * did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', standardize }).standardize.sd; // ≈ 5.70686
 */
export type Standardize = 'control-baseline' | 'pooled' | number;

function readStandardize(value: unknown, at: OptionPath): Standardize {
  if (value === undefined) return 'control-baseline';
  if (value === 'control-baseline' || value === 'pooled') return value;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw invalidOption(at, '"control-baseline", "pooled" or a positive finite number', value);
}

/**
 * The reader of the `standardize` option (for `readOptions`): `'control-baseline'` (the
 * default), `'pooled'` or a positive finite number.
 *
 * @example
 * readOptions('did', {}, { standardize: standardizeOption() }).standardize; // 'control-baseline'
 * readOptions('did', { standardize: 'glass' }, { standardize: standardizeOption() });
 * // throws invalid_option: 'did: option "standardize" must be "control-baseline", "pooled" or a positive finite number (got "glass")'
 */
export function standardizeOption(): Reader<Standardize> {
  return opt.custom(readStandardize);
}

/**
 * Sample standard deviation (n − 1) of `values` over the row indices `rows`, optionally restricted
 * to the rows for which `which(row)` is true. Missing values (NaN) are skipped.
 *
 * Returns NaN when fewer than two values remain.
 *
 * @example
 * outcomeSd([1, 2, 3, 4], [0, 1, 2, 3]); // 1.2909944487358056 (R: sd(1:4))
 * outcomeSd([1, 2, 3, 4], [0, 1, 2, 3], (row) => row < 2); // 0.7071067811865476 (R: sd(1:2))
 */
export function outcomeSd(values: ArrayLike<number>, rows: ArrayLike<number>, which?: (row: number) => boolean): number {
  if (values instanceof Float64Array && rows instanceof Int32Array) return sdTyped(values, rows, which);
  let count = 0;
  let mean = 0;
  let sumSquares = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (which !== undefined && !which(row)) continue;
    const value = values[row]!;
    if (Number.isNaN(value)) continue;
    count += 1;
    const delta = value - mean;
    mean += delta / count;
    sumSquares += delta * (value - mean);
  }
  return count < 2 ? NaN : Math.sqrt(sumSquares / (count - 1));
}

// The loops of outcomeSd and resolveStandardize on typed arrays, in functions of their own: the
// generic ArrayLike loops are megamorphic and box every value read (~2.5 MB per attgt call on
// 10⁶ rows). Same operations in the same order, so the same bits.

/**
 * {@link outcomeSd} on a Float64Array and Int32Array rows: the count (as the Welford loop counts)
 * first, then the loop returning Σ right after it — code after an on-stack-compiled loop without
 * type feedback deoptimised it on every call (docs/numerics.md, attgt).
 */
function sdTyped(values: Float64Array, rows: Int32Array, which: ((row: number) => boolean) | undefined): number {
  const count = countTyped(values, rows, which);
  return count < 2 ? NaN : Math.sqrt(welfordSquares(values, rows, which) / (count - 1));
}

/** Welford's Σ(x − x̄)² of {@link outcomeSd}'s loop, on typed arrays. */
function welfordSquares(values: Float64Array, rows: Int32Array, which: ((row: number) => boolean) | undefined): number {
  let count = 0;
  let mean = 0;
  let sumSquares = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (which !== undefined && !which(row)) continue;
    const value = values[row]!;
    if (Number.isNaN(value)) continue;
    count += 1;
    const delta = value - mean;
    mean += delta / count;
    sumSquares += delta * (value - mean);
  }
  return sumSquares;
}

/** The number of rows with `which(row)` (all when undefined) and a non-NaN value, on typed arrays. */
function countTyped(values: Float64Array, rows: Int32Array, which: ((row: number) => boolean) | undefined): number {
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if ((which === undefined || which(row)) && !Number.isNaN(values[row]!)) n += 1;
  }
  return n;
}

/**
 * An estimate expressed in units of `sd`: estimate, SE and interval divided by `sd`, statistic
 * and p-value unchanged (σ is treated as fixed).
 *
 * @param estimate the effect on the outcome's own scale
 * @param sd the standard deviation to divide by (positive, finite)
 * @param term the term of the result; default `"<term> (SD)"`
 * @throws {CausalPanelError} `invalid_option` when `sd` is not a positive finite number
 * @example
 * const att = { term: 'ATT', estimate: 2, stdError: 0.5, statistic: 4, pValue: 6e-5, confLow: 1, confHigh: 3 };
 * standardizeEstimate(att, 4);
 * // { term: 'ATT (SD)', estimate: 0.5, stdError: 0.125, statistic: 4, pValue: 6e-5, confLow: 0.25, confHigh: 0.75 }
 */
export function standardizeEstimate(estimate: Estimate, sd: number, term = `${estimate.term} (SD)`): Estimate {
  if (typeof sd !== 'number' || !Number.isFinite(sd) || sd <= 0) {
    throw new CausalPanelError('invalid_option', `standardizeEstimate: sd must be a positive finite number (got ${String(sd)})`, {
      fn: 'standardizeEstimate',
      option: 'sd',
      value: sd,
    });
  }
  return {
    term,
    estimate: estimate.estimate / sd,
    stdError: estimate.stdError / sd,
    statistic: estimate.statistic,
    pValue: estimate.pValue,
    confLow: estimate.confLow / sd,
    confHigh: estimate.confHigh / sd,
  };
}

/**
 * The σ used for an effect size and where it came from.
 *
 * @example
 * resolveStandardize('pooled', [1, 2, 3, 4], [0, 1, 2, 3], () => true, 'did'); // { standardize: 'pooled', sd: 1.2909944487358056, n: 4 }
 * did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' }).standardize;
 * // { standardize: 'control-baseline', sd: ≈ 5.04424, n: 265 }
 */
export interface StandardizeBasis {
  /** The option given. */
  standardize: Standardize;
  /** The standard deviation divided by. */
  sd: number;
  /** Number of outcome values σ was computed from (NaN when σ was given). */
  n: number;
}

/**
 * Resolves a {@link Standardize} option to σ: the control-baseline or pooled sample SD of
 * `values` over `rows`, or the number given.
 *
 * @param isControlBaseline row → true for control units in pre-treatment periods
 * @throws {CausalPanelError} `invalid_option` for an unknown option, a non-positive number, or
 *   fewer than two rows in the reference group
 * @example
 * resolveStandardize('pooled', [1, 2, 3, 4], [0, 1, 2, 3], () => true, 'did').sd; // 1.2909944487358056
 */
export function resolveStandardize(
  standardize: Standardize,
  values: ArrayLike<number>,
  rows: ArrayLike<number>,
  isControlBaseline: (row: number) => boolean,
  fn: string,
): StandardizeBasis {
  const checked = readStandardize(standardize, { fn, key: 'standardize' });
  if (typeof checked === 'number') return { standardize: checked, sd: checked, n: NaN };
  const which = checked === 'pooled' ? undefined : isControlBaseline;
  let n = 0;
  if (values instanceof Float64Array && rows instanceof Int32Array) n = countTyped(values, rows, which);
  else {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if ((which === undefined || which(row)) && !Number.isNaN(values[row]!)) n += 1;
    }
  }
  const sd = outcomeSd(values, rows, which);
  if (!(sd > 0)) {
    throw new CausalPanelError('invalid_option', `${fn}: cannot standardize by the ${checked} SD of the outcome (${n} rows, SD ${sd})`, {
      fn,
      option: 'standardize',
      value: sd,
    });
  }
  return { standardize: checked, sd, n };
}

/**
 * σ for an estimator whose `standardize` option is optional: the given option (or the default
 * `'control-baseline'`) resolved by {@link resolveStandardize}. When σ cannot be computed and
 * the option was not given, σ is NaN and a `test_not_computed` note is pushed (an estimate never
 * fails for its effect size); a given option that fails is an error.
 *
 * @throws {CausalPanelError} `invalid_option` for a given `standardize` whose σ is 0 or undefined
 * @example
 * const notes: Note[] = [];
 * standardizeBasis(undefined, [1, 1], [0, 1], () => true, 'eventStudy', notes); // { standardize: 'control-baseline', sd: NaN, n: 0 }, one note
 */
export function standardizeBasis(
  standardize: Standardize | undefined,
  values: ArrayLike<number>,
  rows: ArrayLike<number>,
  isControlBaseline: (row: number) => boolean,
  fn: string,
  notes: Note[],
): StandardizeBasis {
  try {
    return resolveStandardize(standardize ?? 'control-baseline', values, rows, isControlBaseline, fn);
  } catch (e) {
    if (standardize !== undefined || !(e instanceof CausalPanelError)) throw e;
    notes.push({ code: 'test_not_computed', test: 'Effect sizes in SD units', reason: e.message });
    return { standardize: 'control-baseline', sd: NaN, n: 0 };
  }
}

/**
 * Rows in units of `sd`, keeping each row's other fields (event time, cohort, …): estimate, SE
 * and interval divided by σ, statistic and p-value kept, term suffixed `" (SD)"`. A σ that could
 * not be computed (NaN) gives NaN effect sizes rather than an error, so that a fit never fails
 * for its effect size.
 *
 * @example
 * standardizeRows([{ term: 'event:0', e: 0, estimate: 2, stdError: 0.5, statistic: 4, pValue: 6e-5, confLow: 1, confHigh: 3 }], 4);
 * // [{ term: 'event:0 (SD)', e: 0, estimate: 0.5, stdError: 0.125, statistic: 4, pValue: 6e-5, confLow: 0.25, confHigh: 0.75 }]
 */
export function standardizeRows<T extends Estimate>(rows: readonly T[], sd: number): T[] {
  return rows.map((row) => {
    if (Number.isNaN(sd)) return { ...row, term: `${row.term} (SD)`, estimate: NaN, stdError: NaN, confLow: NaN, confHigh: NaN };
    return { ...row, ...standardizeEstimate(row, sd) };
  });
}

/**
 * Inputs of {@link hedgesG}: a mean difference (or ATT) on the outcome's scale, the total SD it
 * is standardized by, the two groups' sizes in individuals, and for a cluster design the ICC and
 * the average cluster size (or the number of clusters).
 *
 * @example
 * const input: HedgesGOptions = { difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.2, clusters: 20 };
 * hedgesG(input).estimate; // 0.49291
 */
export interface HedgesGOptions {
  /** Treated − control mean difference (or the ATT), on the outcome's scale. */
  difference: number;
  /** S_T: the total SD of the outcome (between + within clusters) the effect is expressed in. */
  sd: number;
  /** Individuals in the treated group (N^T). */
  nTreated: number;
  /** Individuals in the comparison group (N^C). */
  nControl: number;
  /** ρ, the intraclass correlation of the outcome (default 0: no clustering). */
  icc?: number;
  /** n, the average cluster size (individuals per cluster). */
  clusterSize?: number;
  /** M, the number of clusters (n = N/M when `clusterSize` is not given). */
  clusters?: number;
  /**
   * SE of `difference` from the analysis (e.g. a cluster-robust SE). Given, the SE of g combines
   * it with the sampling error of S_T; omitted, the SE is Hedges' (2007) design formula.
   */
  stdError?: number;
  /** Confidence level of the interval (default 0.95). */
  level?: number;
}

/**
 * Hedges' g with its pieces: `estimate` g = ω·d, `stdError`, the normal statistic, p-value and
 * interval, and d (γ-adjusted, before ω), ω, γ, η, the degrees of freedom h and n.
 *
 * @example
 * hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100 });
 * // { term: "Hedges' g", estimate: 0.49810, stdError: 0.14309, …, d: 0.5, omega: 0.99621, gamma: 1, eta: 1, df: 198, … }
 */
export interface HedgesG extends Estimate {
  /** γ·difference/S_T (Hedges' d_T, before the small-sample correction). */
  d: number;
  /** ω = 1 − 3/(4h − 1), the small-sample correction. */
  omega: number;
  /** γ = √(1 − 2(n − 1)ρ/(N − 2)), the cluster bias correction of S_T. */
  gamma: number;
  /** η = 1 + (n − 1)ρ, the design effect of the mean difference. */
  eta: number;
  /** h, the degrees of freedom of S_T (N − 2 without clustering). */
  df: number;
  /** n, the average cluster size (1 without clustering). */
  clusterSize: number;
  icc: number;
  /** Whether the SE used the analysis' SE of the difference ('model') or Hedges' formula ('design'). */
  seSource: 'model' | 'design';
}

const positive = (min = 0) =>
  opt.custom((value, at): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || !(value > min)) throw invalidOption(at, `a finite number > ${min}`, value);
    return value;
  });

const HEDGES_SPEC = {
  difference: opt.custom((value, at): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidOption(at, 'a finite number', value);
    return value;
  }),
  sd: positive(),
  nTreated: positive(0),
  nControl: positive(0),
  icc: opt.number({ min: 0, max: 1, default: 0 }),
  clusterSize: positive(0),
  clusters: positive(0),
  stdError: positive(0),
  level: opt.level(),
};

/**
 * Hedges' g of a two-group comparison, for individual or cluster designs: Hedges (2007, J. Educ.
 * Behav. Stat. 32(4):341–370, §4, equal cluster sizes) δ_T estimated by d_T = γ·(Ȳ^T − Ȳ^C)/S_T
 * with γ = √(1 − 2(n − 1)ρ/(N − 2)), and the What Works Clearinghouse small-sample correction
 * g = ω·d_T (Procedures and Standards Handbook v5.0, 2022, App. E): ω = 1 − 3/(4h − 1) with the
 * cluster-adjusted degrees of freedom (eq. E.21)
 *
 *   h = [(N − 2) − 2(n − 1)ρ]² / [(N − 2)(1 − ρ)² + n(N − 2n)ρ² + 2(N − 2n)ρ(1 − ρ)],
 *
 * which is N − 2 without clustering (ω = 1 − 3/(4N − 9)). Its variance (Hedges 2007) is
 * ω²·[(N^T + N^C)/(N^T N^C)·η + d_T²/(2h)] with η = 1 + (n − 1)ρ; with the analysis' SE of the
 * difference (`stdError`, e.g. cluster-robust) the first term is γ²·(SE/S_T)² instead (WWC:
 * the study's SE of the coefficient, with S_T's sampling error added). ω multiplies the whole SE
 * (Var(ω·d) = ω²·Var(d)); implementations that apply ω to g in the second term only (e.g.
 * VIVECampbell's `vgt_smd_1armcluster`: term₁·γ² + g²/(2h)) differ by the factor ω² on the
 * first term, under 0.5% of the variance once h > 150.
 *
 * @throws {CausalPanelError} `invalid_option` for a missing or non-positive SD or group size, an
 *   ICC outside [0, 1], an ICC > 0 without `clusterSize` or `clusters`, or a design where
 *   2(n − 1)ρ ≥ N − 2 (γ undefined)
 * @example
 * hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100 }).estimate; // 0.49810 = (1 − 3/791)·0.5
 * hedgesG({ difference: 5, sd: 10, nTreated: 100, nControl: 100, icc: 0.2, clusters: 20 }).stdError; // 0.23718 (η = 2.8, h = 147.44)
 */
export function hedgesG(options: HedgesGOptions): HedgesG {
  const fn = 'hedgesG';
  const o = readOptions(fn, options, HEDGES_SPEC);
  for (const key of ['sd', 'nTreated', 'nControl'] as const) if (o[key] === undefined) throw invalidOption({ fn, key }, 'a positive finite number', undefined);
  const nT = o.nTreated!;
  const nC = o.nControl!;
  const N = nT + nC;
  const rho = o.icc;
  let n = 1;
  if (rho > 0) {
    if (o.clusterSize !== undefined) n = o.clusterSize;
    else if (o.clusters !== undefined) n = N / o.clusters;
    else throw invalidOption({ fn, key: 'clusterSize' }, 'given (or clusters) when icc > 0', undefined);
  }
  const gamma2 = 1 - (2 * (n - 1) * rho) / (N - 2);
  if (!(N > 2) || !(gamma2 > 0)) {
    throw new CausalPanelError('invalid_option', `${fn}: the design has too few individuals per cluster for its ICC (1 − 2(n − 1)ρ/(N − 2) = ${gamma2}; N = ${N}, n = ${n}, ρ = ${rho})`, { fn, option: 'icc', value: rho });
  }
  const gamma = Math.sqrt(gamma2);
  const eta = 1 + (n - 1) * rho;
  const df = ((N - 2) - 2 * (n - 1) * rho) ** 2 / ((N - 2) * (1 - rho) ** 2 + n * (N - 2 * n) * rho ** 2 + 2 * (N - 2 * n) * rho * (1 - rho));
  const omega = 1 - 3 / (4 * df - 1);
  const S = o.sd!;
  const d = (gamma * o.difference) / S;
  const seSource = o.stdError !== undefined ? 'model' : 'design';
  const first = o.stdError !== undefined ? gamma2 * (o.stdError / S) ** 2 : (N / (nT * nC)) * eta;
  const stdError = omega * Math.sqrt(first + (d * d) / (2 * df));
  const w = waldInference(omega * d, stdError, { kind: 'normal' }, o.level);
  return { term: "Hedges' g", estimate: w.estimate, stdError, statistic: w.statistic, pValue: w.pValue, confLow: w.confLow, confHigh: w.confHigh, d, omega, gamma, eta, df, clusterSize: n, icc: rho, seSource };
}

/**
 * A result {@link effectSize} reads: did()/psmDid() results (their ATT, σ, group sizes and
 * clusters), attgt aggregations (their overall ATT), or the numbers themselves.
 *
 * @example
 * const source: EffectSizeSource = { estimate: { term: 'ATT', estimate: 5, stdError: 1.2, statistic: 4.2, pValue: 3e-5, confLow: 2.6, confHigh: 7.4 }, sd: 10, nTreated: 100, nControl: 100, nClusters: 20 };
 */
export type EffectSizeSource =
  | { readonly att: Estimate; readonly standardize: StandardizeBasis; readonly nClusters: number; readonly means: { treated: { pre: { n: number }; post: { n: number } }; control: { pre: { n: number }; post: { n: number } } } }
  | { readonly overall: Estimate; readonly standardize: StandardizeBasis; readonly sampleSizes: { treated: number; control: number; clusters: number } }
  | { estimate: Estimate; sd: number; nTreated: number; nControl: number; nClusters?: number };

/**
 * Options of {@link effectSize}.
 * @example effectSize(res, { type: 'wwc', icc: 0.2 } satisfies EffectSizeOptions);
 */
export interface EffectSizeOptions {
  /**
   * `'sd'`: the estimate / σ (σ treated as fixed); `'hedgesG'`: with the small-sample correction
   * and σ's sampling error, no clustering; `'wwc'` (default): Hedges (2007) with the ICC's cluster
   * adjustment and the WWC correction, as the What Works Clearinghouse reports cluster designs.
   */
  type?: 'sd' | 'hedgesG' | 'wwc';
  /** ρ for `'wwc'` (default 0.20, the WWC's default for achievement outcomes; 0.10 for behavioural ones). */
  icc?: number;
  /**
   * Number of clusters (schools) for the cluster size n = N / clusters, when the source was not
   * clustered or was clustered on something else (default: the source's clusters).
   */
  clusters?: number;
  /**
   * The SE of g from the analysis' SE of the estimate (`'model'`, default when the source is
   * clustered) or from Hedges' design formula (`'design'`, default otherwise).
   */
  se?: 'model' | 'design';
  /**
   * Confidence level of a normal interval for g. Default: with the estimate's SE (`se: 'model'`)
   * g keeps the source's inference — its p-value and the critical value of its interval (its t,
   * CR2/Satterthwaite or bootstrap degrees of freedom, at its level); with the design SE, 0.95.
   * Type 'sd' always keeps the source's interval, scaled.
   */
  level?: number;
}

/**
 * An effect size with how it was computed (kind `'effectSize'`): `estimate` (an
 * {@link Estimate}), the `type`, σ and, for Hedges' g, its pieces (`details`).
 *
 * @example
 * const es = effectSize(did({ data, outcome: 'math', unit: 'school', time: 'year', treat: 'treat', post: 'post', vcov: { CRV1: 'school' } }), { icc: 0.2 });
 * es.estimate.estimate; // g in SD units; es.tidy() → [the row]
 */
export class EffectSizeResult extends Result {
  readonly kind = 'effectSize';
  readonly type: 'sd' | 'hedgesG' | 'wwc';
  readonly estimate: Estimate;
  /** σ the effect is expressed in. */
  readonly sd: number;
  /** Hedges' g's pieces (undefined for type 'sd'). */
  readonly details: Omit<HedgesG, keyof Estimate> | undefined;
  /** Level of the interval (NaN: the source estimate's, whose critical value it reuses). */
  readonly level: number;

  /** @internal use {@link effectSize}. */
  constructor(type: 'sd' | 'hedgesG' | 'wwc', estimate: Estimate, sd: number, details: Omit<HedgesG, keyof Estimate> | undefined, level: number) {
    super([]);
    this.type = type;
    this.estimate = Object.freeze({ ...estimate });
    this.sd = sd;
    this.details = details && Object.freeze({ ...details });
    this.level = level;
  }

  /**
   * The effect size row (at the level it was computed at).
   * @example es.tidy()[0].term; // "ATT (Hedges' g, WWC)"
   */
  tidy(): Estimate[] {
    return [{ ...this.estimate }];
  }

  protected summaryParts(): SummaryParts {
    const meta: [string, string][] = [['SD', formatSignif(this.sd)]];
    const d = this.details;
    if (d) meta.push(['ICC', formatSignif(d.icc)], ['Cluster size', formatSignif(d.clusterSize)], ['omega, gamma, eta, h', [d.omega, d.gamma, d.eta, d.df].map((x) => formatSignif(x)).join(', ')], ['SE from', d.seSource === 'model' ? "the estimate's SE" : "Hedges' (2007) design formula"]);
    return { title: `Effect size (${this.type === 'sd' ? 'SD units' : this.type === 'hedgesG' ? "Hedges' g" : "Hedges' g, WWC cluster-adjusted"})`, meta, rows: [this.estimate] };
  }

  protected jsonFields(): Record<string, unknown> {
    return { type: this.type, estimate: this.estimate, sd: this.sd, details: this.details ?? null, level: this.level };
  }
}

/** The numbers of a source. */
function readSource(source: EffectSizeSource): { estimate: Estimate; sd: number; nTreated: number; nControl: number; nClusters: number } {
  if (typeof source !== 'object' || source === null) throw new CausalPanelError('invalid_option', 'effectSize: expects a did() or psmDid() result, an attgt aggregation, or { estimate, sd, nTreated, nControl }', { fn: 'effectSize' });
  if ('means' in source && 'att' in source) {
    const m = source.means;
    return { estimate: source.att, sd: source.standardize.sd, nTreated: m.treated.pre.n + m.treated.post.n, nControl: m.control.pre.n + m.control.post.n, nClusters: source.nClusters };
  }
  if ('sampleSizes' in source && 'overall' in source) {
    const z = source.sampleSizes;
    return { estimate: source.overall, sd: source.standardize.sd, nTreated: z.treated, nControl: z.control, nClusters: z.clusters };
  }
  if ('estimate' in source && typeof source.estimate === 'object') return { estimate: source.estimate, sd: source.sd, nTreated: source.nTreated, nControl: source.nControl, nClusters: source.nClusters ?? NaN };
  throw new CausalPanelError('invalid_option', 'effectSize: expects a did() or psmDid() result, an attgt aggregation, or { estimate, sd, nTreated, nControl }', { fn: 'effectSize' });
}

/**
 * The effect of a result in SD units: σ-scaled (`'sd'`), Hedges' g (`'hedgesG'`), or the What
 * Works Clearinghouse's cluster-adjusted Hedges' g with its SE (`'wwc'`, the default; Hedges
 * 2007 with the ICC, see {@link hedgesG}). σ is the result's (`standardize`); N^T and N^C are
 * the rows (individuals) of treated and comparison units; the cluster size is N / clusters.
 *
 * @throws {CausalPanelError} `invalid_option` for an unknown source, option value or an ICC
 *   with an unclustered source; `unknown_option`
 * @example
 * const res = did({ data: simulateSchoolPanel({ seed: 1 }), outcome: 'math', unit: 'school', time: 'year', treat: 'treat', post: 'post', standardize: 'pooled', vcov: { CRV1: 'school' } });
 * effectSize(res, { icc: 0.2 }).estimate; // { term: "ATT (Hedges' g, WWC)", estimate: 0.80008, stdError: 0.04035, … } (120 schools)
 */
export function effectSize(source: EffectSizeSource, options: EffectSizeOptions = {}): EffectSizeResult {
  const fn = 'effectSize';
  const o = readOptions(fn, options, {
    type: opt.oneOf(['sd', 'hedgesG', 'wwc'], 'wwc'),
    icc: opt.number({ min: 0, max: 1 }),
    clusters: opt.number({ min: 1 }),
    se: opt.oneOf(['model', 'design'], undefined as unknown as 'model'),
    level: opt.level(NaN),
  });
  const read = readSource(source);
  const src = o.clusters === undefined ? read : { ...read, nClusters: o.clusters };
  const level = Number.isNaN(o.level) ? 0.95 : o.level;
  const clustered = Number.isFinite(read.nClusters);
  const hasClusters = Number.isFinite(src.nClusters);
  if (o.type === 'sd') {
    // σ fixed: the estimate's own interval, scaled (its level is the source's)
    return new EffectSizeResult('sd', standardizeRows([src.estimate], src.sd)[0]!, src.sd, undefined, NaN);
  }
  const icc = o.type === 'wwc' ? (o.icc ?? 0.2) : 0;
  if (icc > 0 && !hasClusters) throw invalidOption({ fn, key: 'icc' }, 'used with a clustered result or the clusters option (the number of clusters gives the cluster size)', icc);
  const se = o.se ?? (clustered ? 'model' : 'design');
  const g = hedgesG({
    difference: src.estimate.estimate,
    sd: src.sd,
    nTreated: src.nTreated,
    nControl: src.nControl,
    icc,
    ...(icc > 0 ? { clusters: src.nClusters } : {}),
    ...(se === 'model' ? { stdError: src.estimate.stdError } : {}),
    level,
  });
  const { term: _t, estimate, stdError, statistic, pValue: gp, confLow: gl, confHigh: gh, ...details } = g;
  let [pValue, confLow, confHigh] = [gp, gl, gh];
  if (se === 'model' && Number.isNaN(o.level)) {
    // the source's inference (g = 0 exactly when the effect is 0): its p-value, and its critical
    // value (t, Satterthwaite or bootstrap df at its level) applied to SE(g)
    const e = src.estimate;
    const critical = (e.confHigh - e.confLow) / (2 * e.stdError);
    pValue = e.pValue;
    confLow = estimate - critical * stdError;
    confHigh = estimate + critical * stdError;
  }
  const term = `${src.estimate.term} (Hedges' g${o.type === 'wwc' ? ', WWC' : ''})`;
  return new EffectSizeResult(o.type, { term, estimate, stdError, statistic, pValue, confLow, confHigh }, src.sd, details, Number.isNaN(o.level) && se === 'model' ? NaN : level);
}
