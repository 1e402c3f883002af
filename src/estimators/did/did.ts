/**
 * Canonical difference-in-differences: the two-way fixed-effects regression
 * `outcome ~ treat:post [+ covariates] | unit + time` (fixest's `feols`), or the 2×2 regression
 * `outcome ~ treat + post + treat:post [+ covariates]` without fixed effects.
 *
 * With unit and time fixed effects the coefficient on treat×post is the DiD estimate of the ATT
 * (Angrist & Pischke 2009 §5.2; Wooldridge 2021 for its equivalence with the 2×2 when treatment
 * starts at one date). SEs default to clustering by unit, fixest's default for a model whose
 * first fixed effect is the unit, with fixest's small-sample corrections (feols does the work).
 *
 * Repeated cross-sections work unchanged: rows are individuals (e.g. students) and `unit` is the
 * group they belong to (e.g. the school), so the unit fixed effects and the clusters are schools
 * with many rows per school and period. When treat×post does not vary within any unit (each unit
 * seen in one period only) unit fixed effects would absorb it: the group indicator `treat` then
 * replaces them (`outcome ~ treat + treat:post | time`) and a note says so.
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import type { DataInput } from '../../data/fromInput.js';
import { waldInference } from '../../inference/intervals.js';
import { clusterVariables, parseVcov, vcovLabel, type VcovOption, type VcovSpec } from '../../inference/vcovSpec.js';
import { feols, type OlsFit } from '../../models/feols.js';
import type { Estimate } from '../../estimate.js';
import { resolveStandardize, standardizeEstimate, type Standardize } from '../effectSize.js';
import { DidResult, twoByTwoMeans } from './didResult.js';
import { factor } from '../../data/factor.js';
import { RegressionColumns, validateDidData, type DidData } from './validateDid.js';

/** The data and columns of a 2×2 difference-in-differences, shared by {@link did} and `psmDid`. */
export interface DidColumns {
  /** The panel (did() also takes repeated cross-sections): a Frame, rows or columns. */
  data: DataInput;
  /** Outcome column (numeric). */
  outcome: string;
  /** Unit column: the panel unit (did() also takes the group, e.g. school, of repeated cross-sections). */
  unit: string;
  /** Time period column. */
  time: string;
  /** 0/1 treatment-group indicator, constant within a unit. */
  treat: string;
  /** 0/1 post-treatment-period indicator. */
  post: string;
}

/** Options of {@link did}. */
export interface DidOptions extends DidColumns {
  /** Numeric control variables. */
  covariates?: readonly string[];
  /** Variance: as feols (combined clusters `{ CRV1: 'school^year' }` included); default `{ CRV1: unit }` (fixest's default, also without fixed effects). */
  vcov?: VcovOption;
  /** SD used for `effectSize`: `'control-baseline'` (default), `'pooled'` or a number. */
  standardize?: Standardize;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Column of regression weights (fixest's `weights`). */
  weights?: string;
  /** Unit and time fixed effects (default true); false fits `y ~ treat + post + treat:post`. */
  fixedEffects?: boolean;
}

/** Validated options of {@link did}. */
interface DidParams {
  readonly data: DidData;
  readonly outcome: string;
  readonly unit: string;
  readonly time: string;
  readonly treat: string;
  readonly post: string;
  readonly covariates: readonly string[];
  readonly vcov: VcovSpec;
  readonly standardize: Standardize;
  readonly level: number;
  readonly weights?: string;
  readonly fixedEffects: boolean;
}

const FN = 'did';

/**
 * Checks a confidence level.
 * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
 * @example checkLevel(0.95, 'did'); // 0.95
 */
export function checkLevel(level: unknown, fn: string): number {
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    throw new CausalPanelError('invalid_option', `${fn}: level must be a number between 0 and 1 (got ${JSON.stringify(level)})`, { fn, option: 'level', value: level });
  }
  return level;
}

function validateDidOptions(options: DidOptions): DidParams {
  if (options === null || typeof options !== 'object') {
    throw new CausalPanelError('invalid_option', `${FN}: options must be an object (got ${options === null ? 'null' : typeof options})`, { fn: FN });
  }
  const { data, outcome, unit, time, treat, post, covariates = [], vcov, standardize = 'control-baseline', level = 0.95, weights, fixedEffects = true } = options;
  if (typeof fixedEffects !== 'boolean') {
    throw new CausalPanelError('invalid_option', `${FN}: fixedEffects must be true or false (got ${JSON.stringify(fixedEffects)})`, { fn: FN, option: 'fixedEffects', value: fixedEffects });
  }
  checkLevel(level, FN);
  for (const [option, value] of [['treat', treat], ['post', post]] as const) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new CausalPanelError('invalid_option', `${FN}: option "${option}" must be a column name (got ${value === undefined ? 'undefined' : JSON.stringify(value)})`, { fn: FN, option, value });
    }
  }
  // The default clusters by unit, as fixest does when the unit is the first fixed effect.
  const vcovSpec = parseVcov(vcov, { fn: FN, fixedEffects: [unit], combined: true });
  // Every component of a combined term `a^b` must exist and be complete.
  const clusters = clusterVariables(vcovSpec);
  const validated = validateDidData(data, { outcome, unit, time, treat, post, covariates, weights, extra: clusters }, FN);
  if (typeof standardize === 'number') resolveStandardize(standardize, [], [], () => false, FN);
  else if (standardize !== 'control-baseline' && standardize !== 'pooled') resolveStandardize(standardize, [], [], () => false, FN);
  return Object.freeze({ data: validated, outcome, unit, time, treat, post, covariates: [...covariates], vcov: vcovSpec, standardize, level, weights, fixedEffects });
}

/**
 * The feols `vcov` option for a validated spec, with the cluster columns under their aliases.
 * @internal
 * @example vcovForFit({ type: 'CRV1', clusters: ['first.treat'] }, columns, data); // { CRV1: ['cp_v1'] }
 */
export function vcovForFit(spec: VcovSpec, columns: RegressionColumns, data: DidData): VcovOption {
  switch (spec.type) {
    case 'iid':
      return 'iid';
    case 'hetero':
      return spec.hc;
    case 'CRV1':
    case 'CRV3': {
      // A combined term `a^b` aliases each component (names like `first.treat` are not
      // formula-safe) and re-joins them, so feols builds the same combined clustering.
      const aliases = spec.clusters.map((term) =>
        term
          .split('^')
          .map((name) => columns.add(name, data.frame.column(name, data.fn)))
          .join('^'),
      );
      return spec.type === 'CRV1' ? { CRV1: aliases } : { CRV3: aliases };
    }
  }
}

/**
 * Number of clusters of a clustered vcov over `rows` (the smallest dimension for multiway, as
 * fixest reports); NaN when not clustered.
 * @internal
 * @example countClusters({ type: 'CRV1', clusters: ['id'] }, data, data.rows); // 108 on base_did
 */
export function countClusters(spec: VcovSpec, data: DidData, rows: ArrayLike<number>): number {
  if (spec.type !== 'CRV1' && spec.type !== 'CRV3') return NaN;
  let smallest = Infinity;
  for (const term of spec.clusters) smallest = Math.min(smallest, countDistinct(termCodes(term, data), rows));
  return smallest;
}

/** Codes of a cluster term over all rows: a plain column, or the observed combinations of `a^b`. */
function termCodes(term: string, data: DidData): Int32Array {
  const components = term.split('^').map((name) => factor(data.frame.column(name, data.fn), { order: 'appearance' }));
  if (components.length === 1) return components[0]!.codes;
  const index = new Map<string, number>();
  const codes = new Int32Array(data.frame.nrow);
  for (let row = 0; row < codes.length; row++) {
    const key = components.map((c) => c.codes[row]).join(',');
    let code = index.get(key);
    if (code === undefined) {
      code = index.size;
      index.set(key, code);
    }
    codes[row] = code;
  }
  return codes;
}

/** Number of distinct codes among `rows`. @internal @example countDistinct(Int32Array.of(0, 1, 0), [0, 2]); // 1 */
export function countDistinct(codes: Int32Array, rows: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < rows.length; i++) seen.add(codes[rows[i]!]!);
  return seen.size;
}

/**
 * Rows of the caller's data used by a fit run on `data.frame.take(subset)`.
 * @internal
 * @example fitRows(fit, Int32Array.of(3, 5, 8)); // the subset rows the fit kept
 */
export function fitRows(fit: OlsFit, subset: Int32Array): Int32Array {
  const rows = (fit as { rows?: ArrayLike<number> }).rows;
  if (rows === undefined || rows.length === subset.length) return subset;
  return Int32Array.from(rows, (r) => subset[r]!);
}

/**
 * Index of the term `name` in a fit's kept terms, or −1 when it was dropped.
 * @internal
 * @example termIndex(fit, 'ATT'); // 0
 */
export function termIndex(fit: OlsFit, name: string): number {
  const index = fit.terms.indexOf(name);
  if (index < 0 || Number.isNaN(fit.coefficients[index]!)) return -1;
  return index;
}

/**
 * Difference-in-differences ATT by two-way fixed effects (or the canonical 2×2 regression), with
 * the effect in SD units of the outcome and the 2×2 table of means.
 *
 * `effectSize` = ATT / SD, with SD the sample SD (n − 1) of the outcome among control units in
 * pre-periods (`'control-baseline'`), over all rows used (`'pooled'`), or the number given. The SD
 * is treated as fixed: the SE and interval are divided by it, statistic and p-value unchanged.
 * (Unweighted, also for a weighted fit.)
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (treat/post not
 *   0/1, treat varying within a unit, bad option), `no_rows_left`, `no_treated_units`,
 *   `no_control_units`, `singular_design` (treat×post absorbed or collinear)
 * @example
 * const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
 * res.att.estimate;  // 4.993390413897197 (fixest 0.12.2: feols(y ~ treat:post | id + period, base_did))
 * res.att.stdError;  // 0.521433714674321 (clustered by id)
 */
export function did(options: DidOptions): DidResult<OlsFit> {
  return withFunctionName('did', () => didUnlabelled(options));
}

/** {@link did} itself; errors of inner public functions are relabelled by the wrapper above. */
function didUnlabelled(options: DidOptions): DidResult<OlsFit> {
  const params = validateDidOptions(options);
  const { data, level } = params;
  const treat = data.treat!;
  const post = data.post!;
  const nrow = data.frame.nrow;
  const treatPost = new Float64Array(nrow);
  for (let i = 0; i < nrow; i++) treatPost[i] = treat[i]! * post[i]!;

  const notes: Note[] = [...data.notes];
  const columns = new RegressionColumns();
  const y = columns.add(params.outcome, data.outcome);
  const covariates = params.covariates.map((name, j) => columns.add(name, data.covariates[j]!));
  let formula: string;
  let attName: string;
  if (params.fixedEffects) {
    const unitAlias = columns.add(params.unit, data.frame.column(params.unit, FN));
    const timeAlias = columns.add(params.time, data.time);
    if (variesWithinUnit(treatPost, data)) {
      attName = columns.addGenerated('ATT', treatPost);
      formula = `${y} ~ ${[...covariates, attName].join(' + ')} | ${unitAlias} + ${timeAlias}`;
    } else {
      const treatAlias = columns.add(params.treat, treat);
      attName = columns.addGenerated('ATT', treatPost);
      formula = `${y} ~ ${[treatAlias, ...covariates, attName].join(' + ')} | ${timeAlias}`;
      notes.push({ code: 'design_adjusted', message: `treat x post does not vary within any "${params.unit}": unit fixed effects replaced by the group indicator "${params.treat}"` });
    }
  } else {
    const treatAlias = columns.add(params.treat, treat);
    const postAlias = columns.add(params.post, post);
    attName = columns.addGenerated('ATT', treatPost);
    // R puts the interaction last: (Intercept), treat, post, covariates, treat:post.
    formula = `${y} ~ ${[treatAlias, postAlias, ...covariates, attName].join(' + ')}`;
  }
  const vcov = vcovForFit(params.vcov, columns, data);
  const weights = params.weights !== undefined ? columns.add(params.weights, data.weights!) : undefined;
  const fit = feols(formula, columns.frame().take(data.rows), { vcov, level, ...(weights !== undefined ? { weights } : {}) });

  const index = termIndex(fit, attName);
  if (index < 0) {
    throw new CausalPanelError('singular_design', `${FN}: treat x post is collinear with the fixed effects or covariates (formula ${formula})`, { fn: FN });
  }
  const k = fit.terms.length;
  const att: Estimate = { term: 'ATT', ...waldInference(fit.coefficients[index]!, Math.sqrt(fit.vcovMatrix[index + index * k]!), fit.dist, level) };

  const rows = fitRows(fit, data.rows);
  const means = twoByTwoMeans(data.outcome, treat, post, rows);
  const standardize = resolveStandardize(params.standardize, data.outcome, rows, (row) => treat[row] === 0 && post[row] === 0, FN);
  const effectSize = standardizeEstimate(att, standardize.sd, 'ATT (SD)');
  notes.push(...fit.notes);

  return new DidResult({
    kind: 'did',
    title: params.fixedEffects ? `TWFE difference-in-differences, Dep. Var.: ${params.outcome}` : `2x2 difference-in-differences, Dep. Var.: ${params.outcome}`,
    att,
    effectSize,
    standardize,
    nobs: rows.length,
    nUnits: countDistinct(data.unit.codes, rows),
    nClusters: countClusters(params.vcov, data, rows),
    vcovLabel: vcovLabel(params.vcov),
    means,
    notes,
    fit,
  });
}

/** True when `values` takes two values within at least one unit (over the used rows). */
function variesWithinUnit(values: Float64Array, data: DidData): boolean {
  const first = new Float64Array(data.unit.levels.length).fill(NaN);
  for (const row of data.rows) {
    const code = data.unit.codes[row]!;
    const value = values[row]!;
    if (Number.isNaN(first[code]!)) first[code] = value;
    else if (first[code] !== value) return true;
  }
  return false;
}
