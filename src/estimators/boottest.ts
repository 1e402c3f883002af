/**
 * Wild cluster bootstrap tests of linear restrictions on a regression fit, as fwildclusterboot
 * 0.13's `boottest()` (one restriction) and `mboottest()` (several; there it needs Julia), by the
 * fast algorithm of Roodman, MacKinnon, Nielsen & Webb (2019) in `inference/wildBootstrap.ts`.
 *
 * Conventions (fwildclusterboot's, read from its R/boot_algo_fastnwild.R, p_val_null.R,
 * get_bootstrap_pvalue.R, boot_ssc.R, arg_checks.R):
 * - t = (Rβ̂ − r)/√(RVRᵀ) with V the CRV1 sandwich times (N−1)/(N−k)·G/(G−1), k = the non-fixed-
 *   effect coefficients (not fixest's K); multiway: each inclusion–exclusion term gets its own
 *   G/(G−1) (`clusterDf: 'conventional'`) or min G/(min G − 1) (`'min'`).
 * - Draws are one weight per bootstrap cluster (default: the intersection of the clusters, 'max');
 *   WCR bootstraps the restricted residuals and t*_b = R(β*_b − r)/se*_b, WCU the unrestricted
 *   ones and t*_b = R(β*_b − β̂)/se*_b. Draws with a negative multiway variance are dropped.
 * - Rademacher weights with 2^H ≤ B: every sign vector once (full enumeration, B = 2^H).
 * - p-values: two-tailed mean(|t| < |t*|), equal-tailed 2·min(mean(t < t*), mean(t > t*)), '>'
 *   mean(t < t*), '<' mean(t > t*), strict: draws that tie with t (within 1e-9 relative — under
 *   WCR the all-equal weight vectors reproduce t exactly) are not counted, where boottest's raw
 *   `<` counts them or not depending on the last bits.
 * - The confidence set inverts the p-value in r (WCR redraws nothing: every draw is a ratio of
 *   polynomials in r).
 * Fixed effects are not turned into dummies: the fit's swept regressors are used, and M_D is
 * applied to the bootstrap residuals only for fixed effects not nested in the bootstrap clusters.
 * The draws differ from fwildclusterboot's (dqrng); with full enumeration the results are the same.
 */
import { CausalPanelError, type Note } from '../errors.js';
import { opt, readOptions } from '../options.js';
import { readWorkers, withWorkers, type WorkersOption } from '../parallel/workersOption.js';
import type { Frame } from '../data/frame.js';
import { OlsFit } from '../models/feols.js';
import { checkClusterCount, clusterCodes, combinedClusters, intersectClusters, isNestedIn, type ClusterCodes } from '../inference/clusters.js';
import { demean } from '../numerics/demean.js';
import { symmetricEigen } from '../numerics/symmetricEigen.js';
import type { DesignFixedEffect } from '../models/formula/design.js';
import {
  MAX_ENUMERATION_CLUSTERS,
  wildBootstrapT,
  wildBootstrapWald,
  type WildClustering,
  type WildPValueType,
  type WildProblem,
  type WildWeights,
} from '../inference/wildBootstrap.js';
import { wildStatisticsAt } from '../inference/wildBootstrapInference.js';
import { DidResult } from './did/didResult.js';
import { EventStudyResult } from './did/eventStudyResult.js';
import { BoottestResult } from './boottestResult.js';

export { BoottestResult } from './boottestResult.js';

/**
 * Options of {@link boottest}; fwildclusterboot's names in brackets.
 *
 * @example
 * const options: BoottestOptions = { param: 'treat:post', clusters: 'grp', B: 9999, weights: 'webb', impose: true, seed: 1 };
 */
export interface BoottestOptions {
  /** Coefficient(s) tested [`param`]. A did / psmDid result: default 'ATT'. An event study: its terms (`period::-2`), or 'pre' (every estimated pre-period coefficient, jointly). */
  param?: string | readonly string[];
  /** Restriction coefficients over `param` [`R`]: a vector (one restriction) or rows (several). Default: each param = r. */
  R?: readonly number[] | readonly (readonly number[])[];
  /** Null values [`r`] (default 0). */
  r?: number | readonly number[];
  /** Cluster column(s) of the variance [`clustid`]; default the fit's clustering. */
  clusters?: string | readonly string[];
  /** Bootstrap clusters [`bootcluster`]: 'max' (intersection of `clusters`, default), 'min' (the clustering with fewest clusters), or column(s) (their intersection: e.g. ['grp', 'id'] for subclusters). */
  bootCluster?: string | readonly string[];
  /** Bootstrap draws [`B`] (default 9999). */
  B?: number;
  /** Weight law [`type`]: 'rademacher' (default), 'mammen', 'webb', 'normal'. */
  weights?: WildWeights;
  /** Impose the null (WCR, default) or not (WCU) [`impose_null`]. */
  impose?: boolean;
  /** [`p_val_type`]: 'two-tailed' (default), 'equal-tailed', '>', '<'. */
  pValueType?: WildPValueType;
  /** Confidence level (default 0.95) [`1 - sign_level`]. */
  level?: number;
  /** Compute the confidence set (default true) [`conf_int`]. */
  confInt?: boolean;
  /** Full enumeration of the Rademacher sign vectors: default when 2^H ≤ B (fwildclusterboot); true forces it, false never. */
  enumerate?: boolean;
  /** Seed of the draws (default 1). */
  seed?: number;
  /** Count the draws that tie with the statistic (under WCR the all-equal weight vectors reproduce it) as at least as extreme: boottest's `<` read as `≤`. Default false (excluded, boottest's strict `<`). */
  countTies?: boolean;
  /** [`ssc = boot_ssc(adj, cluster.adj, cluster.df)`]: (N−1)/(N−k) factor, G/(G−1) factor, 'conventional' or 'min' G for multiway. */
  ssc?: { adj?: boolean; clusterAdj?: boolean; clusterDf?: 'conventional' | 'min' };
  /** Threads for the draws [`nthreads`]: 1 (default), n, 'auto' or a pool from createWorkerPool; the numbers are the same for any (docs/parallel.md). */
  workers?: WorkersOption;
}

const BOOTTEST_OPTIONS = {
  param: opt.custom((value, at) => stringList(value, at.fn, 'param')),
  R: opt.custom((value) => value as readonly number[] | readonly (readonly number[])[] | undefined),
  r: opt.custom((value) => value as number | readonly number[] | undefined),
  clusters: opt.custom((value, at) => stringList(value, at.fn, 'clusters')),
  bootCluster: opt.custom((value, at) => stringList(value, at.fn, 'bootCluster')),
  B: opt.integer({ min: 1, default: 9999 }),
  weights: opt.oneOf(['rademacher', 'mammen', 'webb', 'normal'] as const, 'rademacher'),
  impose: opt.boolean(true),
  pValueType: opt.oneOf(['two-tailed', 'equal-tailed', '>', '<'] as const, 'two-tailed'),
  level: opt.level(),
  confInt: opt.boolean(true),
  enumerate: opt.custom((value, at) => {
    if (value !== undefined && typeof value !== 'boolean') throw new CausalPanelError('invalid_option', `${at.fn}: option "enumerate" must be true or false (got ${String(value)})`, { fn: at.fn, option: 'enumerate', value });
    return value as boolean | undefined;
  }),
  seed: opt.seed(),
  countTies: opt.boolean(false),
  ssc: opt.object({ adj: opt.boolean(true), clusterAdj: opt.boolean(true), clusterDf: opt.oneOf(['conventional', 'min'] as const, 'conventional') }),
  workers: opt.custom(readWorkers),
};

const BOOTTEST_UNSUPPORTED: Readonly<Record<string, string>> = {
  engine: 'there is one engine: the fast algorithm in JavaScript',
  bootstrap_type: "the algorithm is fwildclusterboot's 'fnw11' (Roodman et al. 2019)",
  nthreads: 'use workers: n (or "auto", or a pool from createWorkerPool)',
  fe: 'fixed effects are always swept out (never turned into dummies); the result is the same',
  sampling: 'draws come from the seeded generator (option seed)',
  tol: 'the confidence set is located by bisection to 1e-12 standard errors',
  maxiter: 'the confidence set is located by bisection to 1e-12 standard errors',
  floattype: 'computations are in double precision',
  getauxweights: 'use bootStatistics() for the bootstrap statistics',
  maxmatsize: 'memory grows with G·H, never with n·B',
  beta0: 'use r',
};

function stringList(value: unknown, fn: string, key: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  throw new CausalPanelError('invalid_option', `${fn}: option "${key}" must be a column/term name or an array of them (got ${JSON.stringify(value)})`, { fn, option: key, value });
}

/** What boottest can test: the regression fit, the names users give its terms, and the default param. */
interface Target {
  fit: OlsFit;
  /** user name → fit term */
  resolve: (name: string) => { term: string; label: string }[];
  defaultParam: string[] | undefined;
  /** Cluster names the fit's vcov used (in the fit's frame). */
  fitClusters: readonly string[] | undefined;
}

function coefficientTerm(fit: OlsFit, value: number, label: string, fn: string): string {
  const matches = fit.terms.filter((_, j) => fit.coefficients[j] === value);
  if (matches.length !== 1) throw new CausalPanelError('invalid_option', `${fn}: cannot identify the coefficient of "${label}" in the underlying fit`, { fn, option: 'param', value: label });
  return matches[0]!;
}

function targetOf(result: unknown, fn: string): Target {
  const clustersOf = (fit: OlsFit): readonly string[] | undefined => {
    const spec = fit.vcovInfo.spec;
    return spec.type === 'CRV1' || spec.type === 'CRV3' || spec.type === 'CR2' ? spec.clusters : undefined;
  };
  if (result instanceof OlsFit) return { fit: result, resolve: (name) => [{ term: name, label: name }], defaultParam: undefined, fitClusters: clustersOf(result) };
  if (result instanceof DidResult) {
    const fit = result.fit;
    const att = coefficientTerm(fit, result.att.estimate, 'ATT', fn);
    return { fit, resolve: (name) => [{ term: name === 'ATT' ? att : name, label: name }], defaultParam: ['ATT'], fitClusters: clustersOf(fit) };
  }
  if (result instanceof EventStudyResult) {
    const fit = result.fit;
    if (result.method !== 'twfe') {
      throw new CausalPanelError('invalid_option', `${fn}: an event study by method "${result.method}" reports aggregates of the coefficients, not coefficients: test the underlying fit (result.fit) instead`, { fn, value: result.method });
    }
    const estimated = result.rows.filter((row) => row.reference !== true && Number.isFinite(row.stdError));
    const termOf = (row: (typeof estimated)[number]): string => coefficientTerm(fit, row.estimate, row.term, fn);
    return {
      fit,
      resolve: (name) => {
        if (name === 'pre') return estimated.filter((row) => row.e < 0).map((row) => ({ term: termOf(row), label: row.term }));
        const row = estimated.find((r) => r.term === name);
        return [{ term: row !== undefined ? termOf(row) : name, label: name }];
      },
      defaultParam: undefined,
      fitClusters: clustersOf(fit),
    };
  }
  const kind = typeof result === 'object' && result !== null && 'kind' in result ? String((result as { kind: unknown }).kind) : typeof result;
  throw new CausalPanelError('invalid_option', `${fn}: expects a feols fit or a did, psmDid or eventStudy result (got ${kind})`, { fn, value: kind });
}

/** The codes of cluster column `name` on the estimation rows of the fit. */
function clusterOn(fit: OlsFit, frame: Frame, name: string, fn: string): ClusterCodes {
  const design = fit.design;
  const single = (column: string): ClusterCodes => {
    const fe = design.fixedEffects.find((f) => f.name === column);
    if (fe !== undefined) return { name: column, codes: fe.codes, nClusters: fe.nLevels };
    const extra = Object.prototype.hasOwnProperty.call(design.extra, column) ? design.extra[column] : undefined;
    if (!frame.has(column) && extra === undefined) {
      throw new CausalPanelError('missing_column', `${fn}: cluster column "${column}" not found in the fit's data`, { fn, column });
    }
    const codes = extra !== undefined ? clusterCodes(column, extra) : clusterCodes(column, frame.column(column, fn), design.rows);
    const missing = codes.codes.indexOf(-1);
    if (missing >= 0) {
      throw new CausalPanelError('invalid_option', `${fn}: cluster column "${column}" is missing in an estimation row (row ${design.rows[missing]! + 1})`, { fn, column, row: design.rows[missing]! });
    }
    return codes;
  };
  return name.includes('^') ? combinedClusters(name, name.split('^').map(single)) : single(name);
}

/**
 * Wild cluster bootstrap test of Rβ = r on a regression (fwildclusterboot's `boottest`, and
 * `mboottest` for several restrictions), by the fast algorithm of Roodman, MacKinnon, Nielsen &
 * Webb (2019): restricted (WCR) or unrestricted (WCU); Rademacher, Mammen, Webb or normal
 * weights; one- or multiway clustering; bootstrapping on other (e.g. finer) clusters; p-values of
 * every type and the confidence set by test inversion; full enumeration when 2^H ≤ B.
 *
 * @throws {CausalPanelError} `invalid_option` (unknown param, bad restriction, enumeration of too
 *   many clusters, an unclustered fit without `clusters`), `missing_column`, `too_few_clusters`,
 *   `unknown_option`
 * @example
 * const fit = feols('y ~ x1 + treat:post | id + period', baseDidGrid, { vcov: { CRV1: 'grp' } });
 * const bt = boottest(fit, { param: 'treat:post', clusters: 'grp' });
 * bt.statistic; // 10.94272336402024 (fwildclusterboot 0.13.0; 9 clusters: full enumeration, B = 512)
 * bt.pValueAt(4.5); // 0.453125
 */
export function boottest(result: OlsFit | DidResult | EventStudyResult, options: BoottestOptions = {}): BoottestResult {
  const fn = 'boottest';
  const params = readOptions(fn, options, BOOTTEST_OPTIONS, { unsupported: BOOTTEST_UNSUPPORTED });
  const target = targetOf(result, fn);
  const fit = target.fit;
  const { XdColumns, frame } = fit.sweptRegressors();
  const design = fit.design;
  const n = fit.nobs;
  const k = fit.terms.length;
  const notes: Note[] = [];

  // Parameters and restrictions.
  const paramNames = params.param ?? target.defaultParam;
  if (paramNames === undefined) throw new CausalPanelError('invalid_option', `${fn}: option "param" is required (a coefficient of ${fit.terms.join(', ')})`, { fn, option: 'param' });
  const resolved = paramNames.flatMap((name) => target.resolve(name));
  const fitTerms = resolved.map((x) => x.term);
  if (fitTerms.length === 0) throw new CausalPanelError('invalid_option', `${fn}: "param" selects no estimated coefficient (${paramNames.join(', ')})`, { fn, option: 'param', value: paramNames });
  const displayNames = resolved.map((x) => x.label);
  const indices = fitTerms.map((term, j) => {
    const index = fit.terms.indexOf(term);
    if (index < 0) {
      throw new CausalPanelError('invalid_option', `${fn}: "${displayNames[j] ?? term}" is not an estimated coefficient (the fit has ${fit.terms.join(', ')})`, { fn, option: 'param', value: displayNames[j] ?? term });
    }
    return index;
  });
  const m = indices.length;
  let Rrows: number[][];
  if (params.R === undefined) Rrows = indices.map((_, i) => indices.map((__, j) => (i === j ? 1 : 0)));
  else if (params.R.every((x) => typeof x === 'number')) Rrows = [[...(params.R as readonly number[])]];
  else Rrows = (params.R as readonly (readonly number[])[]).map((row) => [...row]);
  if (Rrows.length === 0 || Rrows.some((row) => !Array.isArray(row) || row.length !== m || row.some((x) => typeof x !== 'number' || !Number.isFinite(x)))) {
    throw new CausalPanelError('invalid_option', `${fn}: option "R" must be ${m} finite numbers (one restriction) or rows of ${m} (got ${JSON.stringify(params.R)})`, { fn, option: 'R', value: params.R });
  }
  const q = Rrows.length;
  const rValues = params.r === undefined ? new Array<number>(q).fill(0) : typeof params.r === 'number' ? new Array<number>(q).fill(params.r) : [...params.r];
  if (rValues.length !== q || rValues.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new CausalPanelError('invalid_option', `${fn}: option "r" must be ${q} finite number${q === 1 ? '' : 's'} (got ${JSON.stringify(params.r)})`, { fn, option: 'r', value: params.r });
  }
  const R = new Float64Array(q * k);
  Rrows.forEach((row, i) => row.forEach((c, j) => (R[i + indices[j]! * q]! += c)));

  // Clusterings of the variance (inclusion–exclusion over the subsets) and of the draws.
  const clusterNames = params.clusters ?? target.fitClusters;
  if (clusterNames === undefined) {
    throw new CausalPanelError('invalid_option', `${fn}: the fit is not clustered (${fit.vcovInfo.label}): pass option "clusters"`, { fn, option: 'clusters' });
  }
  const base = clusterNames.map((name) => {
    const c = clusterOn(fit, frame, name, fn);
    checkClusterCount(c, fn);
    return c;
  });
  const ssc = params.ssc ?? { adj: true, clusterAdj: true, clusterDf: 'conventional' as const };
  const adj = ssc.adj ? (n - 1) / (n - k) : 1;
  const minG = Math.min(...base.map((c) => c.nClusters));
  const clusterings: WildClustering[] = [];
  const nClusters: number[] = [];
  for (let mask = 1; mask < 2 ** base.length; mask++) {
    const members = base.filter((_, j) => (mask >> j) & 1);
    const c = intersectClusters(members);
    const G = ssc.clusterDf === 'min' ? minG : c.nClusters;
    const sign = members.length % 2 === 1 ? 1 : -1;
    clusterings.push({ codes: c.codes, nClusters: c.nClusters, factor: sign * adj * (ssc.clusterAdj ? G / (G - 1) : 1) });
    nClusters.push(c.nClusters);
  }
  let boot: ClusterCodes;
  let bootNames: string[];
  const choice = params.bootCluster;
  if (choice === undefined || (choice.length === 1 && choice[0] === 'max')) {
    boot = intersectClusters(base);
    bootNames = [...clusterNames];
  } else if (choice.length === 1 && choice[0] === 'min') {
    const j = base.reduce((best, c, i) => (c.nClusters < base[best]!.nClusters ? i : best), 0);
    boot = base[j]!;
    bootNames = [clusterNames[j]!];
  } else {
    boot = intersectClusters(choice.map((name) => clusterOn(fit, frame, name, fn)));
    bootNames = [...choice];
  }
  checkClusterCount(boot, fn);
  const H = boot.nClusters;

  // Fixed effects not nested in the bootstrap clusters need M_D on the bootstrap residuals.
  const fixedEffects = design.fixedEffects;
  // The sweeps below treat every fixed effect as plain level dummies: varying slopes (id[x]) would be ignored.
  const sloped = fixedEffects.find((fe) => fe.slopes !== undefined);
  if (sloped !== undefined) {
    throw new CausalPanelError('invalid_option', `${fn}: fits with varying slopes (${sloped.name}[${(sloped.slopeNames ?? []).join(', ')}]) are not supported; write the slopes as regressors, i(${sloped.name}, ${(sloped.slopeNames ?? ['x'])[0]})`, { fn, value: sloped.name });
  }
  const weights = design.weights;
  const nested = fixedEffects.filter((fe) => isNestedIn(fe.codes, fe.nLevels, boot));
  const outside = fixedEffects.filter((fe) => !nested.includes(fe));
  const outsideLevels = outside.reduce((sum, fe) => sum + fe.nLevels, 0);
  let sweep: Pick<WildProblem, 'annihilate' | 'lowRank'> = {};
  if (outside.length > 0 && outsideLevels <= MAX_LOW_RANK_LEVELS && (nested.length === 1 || n * outsideLevels <= MAX_LOW_RANK_CELLS)) sweep = { lowRank: lowRankSweep(outside, nested, n, weights) };
  else if (outside.length > 0) {
    sweep = { annihilate: (columns: Float64Array[]): Float64Array[] => demean(columns, fixedEffects, { tolerance: 1e-13, ...(weights !== undefined ? { weights } : {}) }).columns };
  }

  const autoEnumerate = params.weights === 'rademacher' && H <= MAX_ENUMERATION_CLUSTERS && 2 ** H <= params.B;
  const enumerate = params.enumerate ?? autoEnumerate;
  if (enumerate && params.weights !== 'rademacher') {
    throw new CausalPanelError('invalid_option', `${fn}: full enumeration is for Rademacher weights (weights "${params.weights}")`, { fn, option: 'enumerate', value: params.weights });
  }
  if (enumerate && H > MAX_ENUMERATION_CLUSTERS) {
    throw new CausalPanelError('invalid_option', `${fn}: full enumeration of 2^${H} sign vectors is too many (at most ${MAX_ENUMERATION_CLUSTERS} bootstrap clusters)`, { fn, option: 'enumerate', value: H });
  }
  if (enumerate) notes.push({ code: 'design_adjusted', message: `full enumeration of the 2^${H} = ${2 ** H} Rademacher sign vectors (B = ${2 ** H}); only ${2 ** (H - 1)} distinct |t*| exist (Webb 2013)` });

  const problem: WildProblem = {
    n,
    k,
    X: XdColumns,
    ...(weights !== undefined ? { weights } : {}),
    residuals: fit.residuals(),
    coefficients: fit.coefficients,
    bread: fit.bread(),
    R,
    q,
    r: Float64Array.from(rValues),
    clusterings,
    bootClusters: { codes: boot.codes, nClusters: H },
    ...sweep,
    impose: params.impose,
  };
  const draws = { weights: params.weights, B: params.B, seed: params.seed ?? 1, enumerate };
  const common = {
    param: displayNames,
    R: Rrows,
    r: rValues,
    weights: params.weights,
    impose: params.impose,
    pValueType: params.pValueType,
    level: params.level,
    confInt: params.confInt,
    countTies: params.countTies,
    nobs: n,
    nClusters,
    nBootClusters: H,
    clusters: clusterNames,
    bootClusters: bootNames,
  };
  let out: BoottestResult;
  if (q === 1) {
    const kernel = withWorkers(fn, params.workers, (pool) => wildBootstrapT(problem, { ...draws, pool }));
    if ((params.pValueType === '>' || params.pValueType === '<') && params.confInt) {
      notes.push({ code: 'test_not_computed', test: 'confidence set', reason: `one-sided p-values ("${params.pValueType}") are not inverted` });
    }
    let invalid = 0;
    for (const t of wildStatisticsAt(kernel, rValues[0]!).tBoot) if (Number.isNaN(t)) invalid++;
    out = new BoottestResult({ ...common, boot: kernel, notes: [...notes, ...droppedNote(kernel.B, invalid)] });
  } else {
    const wald = withWorkers(fn, params.workers, (pool) => wildBootstrapWald(problem, { ...draws, pool }));
    let invalid = 0;
    for (const w of wald.waldBoot) if (Number.isNaN(w)) invalid++;
    out = new BoottestResult({ ...common, wald, notes: [...notes, ...droppedNote(wald.B, invalid)] });
  }
  return out;
}

/** Fixed effects outside the bootstrap clusters with at most this many levels in all are handled as Z = M_{D₁}D₂ columns. */
const MAX_LOW_RANK_LEVELS = 200;
/** …and, with several nested fixed effects (Z is stored), when Z (n × L doubles) stays under 400 MB; beyond, the bootstrap residuals are demeaned in batches. */
const MAX_LOW_RANK_CELLS = 5e7;

/**
 * Z = M_{D₁}D₂ (the dummies of the fixed effects not nested in the bootstrap clusters, swept of
 * the nested ones) and C = (ZᵀWZ)⁺ (eigenvalues below 1e-9 of the largest dropped: the dummies
 * are collinear with the nested fixed effects by construction). With one nested fixed effect Z is
 * never stored: Zᵢ = D₂ᵢ − s_{u(i)}, s_u the weighted shares of D₂'s levels in level u.
 */
function lowRankSweep(outside: readonly DesignFixedEffect[], nested: readonly DesignFixedEffect[], n: number, weights: Float64Array | undefined): NonNullable<WildProblem['lowRank']> {
  const offsets: number[] = [];
  let L = 0;
  for (const fe of outside) {
    offsets.push(L);
    L += fe.nLevels;
  }
  const w = weights ?? new Float64Array(n).fill(1);
  const codes = outside.map((fe) => fe.codes);
  // D₂ᵀWD₂ (cross-tabulation of the outside levels).
  const gram = new Float64Array(L * L);
  for (let f1 = 0; f1 < codes.length; f1++) {
    for (let f2 = 0; f2 < codes.length; f2++) {
      const a = codes[f1]!;
      const b = codes[f2]!;
      for (let i = 0; i < n; i++) gram[offsets[f1]! + a[i]! + (offsets[f2]! + b[i]!) * L]! += w[i]!;
    }
  }
  let zProducts: (values: Float64Array, groups: Int32Array, nGroups: number) => Float64Array;
  if (nested.length === 1) {
    const unit = nested[0]!.codes;
    const U = nested[0]!.nLevels;
    const total = new Float64Array(U);
    const share = new Float64Array(U * L);
    for (let i = 0; i < n; i++) total[unit[i]!]! += w[i]!;
    codes.forEach((c, f) => {
      const offset = offsets[f]!;
      for (let i = 0; i < n; i++) share[unit[i]! * L + offset + c[i]!]! += w[i]!;
    });
    // ZᵀWZ = D₂ᵀWD₂ − Σ_u W_u s_u s_uᵀ, with the shares s_u = (Σ_{i∈u} wᵢD₂ᵢ)/W_u.
    for (let u = 0; u < U; u++) {
      const t = total[u]!;
      if (!(t > 0)) continue;
      const su = share.subarray(u * L, (u + 1) * L);
      for (let l = 0; l < L; l++) su[l] = su[l]! / t;
      for (let b = 0; b < L; b++) {
        const sb = t * su[b]!;
        if (sb === 0) continue;
        for (let a = 0; a < L; a++) gram[a + b * L]! -= sb * su[a]!;
      }
    }
    zProducts = (values, groups, nGroups) => {
      const out = new Float64Array(nGroups * L);
      codes.forEach((c, f) => {
        const offset = offsets[f]!;
        for (let i = 0; i < n; i++) out[groups[i]! * L + offset + c[i]!]! += values[i]!;
      });
      // − Σ_i valuesᵢ s_{u(i)}: summed within (u, group) first; one group per u when u is nested in the groups.
      const groupOf = new Int32Array(U).fill(-1);
      const acc = new Float64Array(U);
      let nestedInGroups = true;
      for (let i = 0; i < n && nestedInGroups; i++) {
        const u = unit[i]!;
        if (groupOf[u] === -1) groupOf[u] = groups[i]!;
        else if (groupOf[u] !== groups[i]) nestedInGroups = false;
        acc[u]! += values[i]!;
      }
      if (nestedInGroups) {
        for (let u = 0; u < U; u++) {
          const g = groupOf[u]!;
          if (g < 0 || acc[u] === 0) continue;
          for (let l = 0; l < L; l++) out[g * L + l]! -= acc[u]! * share[u * L + l]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const base = unit[i]! * L;
          const g = groups[i]! * L;
          const v = values[i]!;
          for (let l = 0; l < L; l++) out[g + l]! -= v * share[base + l]!;
        }
      }
      return out;
    };
  } else {
    const dummies = Array.from({ length: L }, () => new Float64Array(n));
    codes.forEach((c, f) => {
      for (let i = 0; i < n; i++) dummies[offsets[f]! + c[i]!]![i] = 1;
    });
    const Z = nested.length > 0 ? demean(dummies, [...nested], { tolerance: 1e-13, ...(weights !== undefined ? { weights } : {}) }).columns : dummies;
    // ZᵀWZ = D₂ᵀWZ (M_{D₁} is W-symmetric and idempotent).
    gram.fill(0);
    for (let b = 0; b < L; b++) {
      const zb = Z[b]!;
      codes.forEach((c, f) => {
        const offset = offsets[f]! + b * L;
        for (let i = 0; i < n; i++) gram[offset + c[i]!]! += w[i]! * zb[i]!;
      });
    }
    zProducts = (values, groups, nGroups) => {
      const out = new Float64Array(nGroups * L);
      for (let l = 0; l < L; l++) {
        const z = Z[l]!;
        for (let i = 0; i < n; i++) out[groups[i]! * L + l]! += values[i]! * z[i]!;
      }
      return out;
    };
  }
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < a; b++) {
      const mean = (gram[a + b * L]! + gram[b + a * L]!) / 2;
      gram[a + b * L] = mean;
      gram[b + a * L] = mean;
    }
  }
  const { values, vectors } = symmetricEigen(gram, L);
  const top = Math.max(...values);
  const C = new Float64Array(L * L);
  for (let e = 0; e < L; e++) {
    const lambda = values[e]!;
    if (!(lambda > 1e-9 * top)) continue;
    for (let a = 0; a < L; a++) for (let b = 0; b < L; b++) C[a + b * L]! += (vectors[a + e * L]! * vectors[b + e * L]!) / lambda;
  }
  return { L, zProducts, C, codes, offsets };
}

function droppedNote(B: number, invalid: number): Note[] {
  return invalid > 0 ? [{ code: 'resamples_skipped', count: invalid, reason: `the multiway bootstrap variance is not positive in ${invalid} of ${B} draws (dropped, as fwildclusterboot)` }] : [];
}
