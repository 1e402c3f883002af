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
import { clusterVariables, vcovLabel, type VcovOption } from '../../inference/vcovSpec.js';
import { feols } from '../../models/feols.js';
import type { Estimate } from '../../estimate.js';
import { opt, readOptions } from '../../options.js';
import { resolveStandardize, standardizeOption, type Standardize } from '../effectSize.js';
import { DidResult, twoByTwoMeans } from './didResult.js';
import { countClusters, countDistinct, fewClustersForDid, fitRows, RegressionColumns, termIndex, vcovForFit } from './regressionColumns.js';
import { defaultVcov, panelOptionSpec, validateDidData, vcovOption, type DidData } from './validateDid.js';

/**
 * The data and columns of a 2×2 difference-in-differences, shared by {@link did} and `psmDid`.
 *
 * @example
 * const columns: DidColumns = { data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' };
 * did(columns).att.estimate; // ≈ 4.99339 (fixest 0.12.2: feols(y ~ treat:post | id + period, base_did))
 */
export interface DidColumns {
  /** The panel (did() also takes repeated cross-sections): a Frame, rows or columns. */
  data: DataInput;
  /** Outcome column (numeric; fixest's left-hand side). */
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

/**
 * Options of {@link did}.
 *
 * @example
 * const options: DidOptions = { data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post',
 *   covariates: ['x1'], vcov: 'hetero', standardize: 'pooled', level: 0.9 };
 * did(options).att.estimate; // ≈ 4.85065
 */
export interface DidOptions extends DidColumns {
  /** Numeric control variables (fixest: right-hand-side variables; did's `xformla`). */
  covariates?: readonly string[];
  /** Variance, as feols' `vcov` (combined clusters `{ CRV1: 'school^year' }` included); default `{ CRV1: unit }` (fixest's default, also without fixed effects). */
  vcov?: VcovOption;
  /** SD used for `effectSize`: `'control-baseline'` (default), `'pooled'` or a number. */
  standardize?: Standardize;
  /** Confidence level (default 0.95; fixest's `level` of `confint`). */
  level?: number;
  /** Column of regression weights (fixest's `weights`). */
  weights?: string;
  /** Unit and time fixed effects (default true); false fits `y ~ treat + post + treat:post`. */
  fixedEffects?: boolean;
}

const FN = 'did';

/** The options of {@link did}, one reader each (the fields of {@link DidOptions}). */
const DID_SPEC = {
  ...panelOptionSpec(),
  treat: opt.column({ required: true }),
  post: opt.column({ required: true }),
  covariates: opt.columns(),
  vcov: vcovOption(),
  standardize: standardizeOption(),
  level: opt.level(),
  weights: opt.column(),
  fixedEffects: opt.boolean(true),
};

/**
 * Difference-in-differences ATT by two-way fixed effects (or the canonical 2×2 regression), with
 * the effect in SD units of the outcome and the 2×2 table of means.
 *
 * `effectSize` = ATT / SD, with SD the sample SD (n − 1) of the outcome among control units in
 * pre-periods (`'control-baseline'`), over all rows used (`'pooled'`), or the number given. The SD
 * is treated as fixed: the SE and interval are divided by it, statistic and p-value unchanged.
 * (Unweighted, also for a weighted fit.)
 *
 * `post` should be a function of time alone (one treatment date). A unit-specific `post`
 * (staggered adoption) is still fitted, with a note (`cells_not_estimated` naming the empty cells
 * of the 2×2 table, else `design_adjusted`) pointing to `baconDecomposition`, `attgt`,
 * `eventStudy({ method: 'sunab' })`, `didImputation` and `did2s`.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (treat/post not
 *   0/1, treat varying within a unit, bad option), `no_rows_left`, `no_treated_units`,
 *   `no_control_units`, `singular_design` (treat×post absorbed or collinear)
 * @example
 * const res = did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
 * res.att.estimate;  // 4.993390413897197 (fixest 0.12.2: feols(y ~ treat:post | id + period, base_did))
 * res.att.stdError;  // 0.521433714674321 (clustered by id)
 */
export function did(options: DidOptions): DidResult {
  return withFunctionName('did', () => didUnlabelled(options));
}

/** {@link did} itself; errors of inner public functions are relabelled by the wrapper above. */
function didUnlabelled(options: DidOptions): DidResult {
  const params = readOptions(FN, options, DID_SPEC);
  const vcovSpec = defaultVcov(params.vcov, params.unit, FN);
  const { level } = params;
  // Every component of a combined cluster term `a^b` must exist and be complete.
  const data = validateDidData(params.data, { ...params, extra: clusterVariables(vcovSpec) }, FN);
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
  const vcov = vcovForFit(vcovSpec, columns, data);
  const weights = params.weights !== undefined ? columns.add(params.weights, data.weights!) : undefined;
  const fit = feols(formula, columns.frame().take(data.rows), { vcov, level, ...(weights !== undefined ? { weights } : {}) });

  const index = termIndex(fit, attName);
  if (index < 0) {
    throw new CausalPanelError('singular_design', `${FN}: treat x post is collinear with the fixed effects or covariates (formula ${formula})`, { fn: FN });
  }
  const k = fit.terms.length;
  const att: Estimate = { term: 'ATT', ...waldInference(fit.coefficients[index]!, Math.sqrt(fit.vcovMatrix[index + index * k]!), fit.termDist(index), level) };

  const rows = fitRows(fit, data.rows);
  const means = twoByTwoMeans(data.outcome, treat, post, rows);
  const staggered = staggeredPost(post, data, rows);
  if (staggered !== null) notes.push(staggeredNote(staggered, means, params.post));
  const standardize = resolveStandardize(params.standardize, data.outcome, rows, (row) => treat[row] === 0 && post[row] === 0, FN);
  // The fit's few-cluster note, with the clusters holding treated units counted.
  notes.push(...fit.notes.filter((note) => note.code !== 'few_clusters'));
  const few = fewClustersForDid(vcovSpec, data, rows, (row) => treat[row] === 1);
  if (few !== null) notes.push(few);

  return new DidResult({
    title: params.fixedEffects ? `TWFE difference-in-differences, Dep. Var.: ${params.outcome}` : `2x2 difference-in-differences, Dep. Var.: ${params.outcome}`,
    att,
    level,
    standardize,
    nobs: rows.length,
    nUnits: countDistinct(data.unit.codes, rows),
    nClusters: countClusters(vcovSpec, data, rows),
    vcovLabel: vcovLabel(vcovSpec),
    means,
    notes,
    fit,
  });
}

/**
 * The first period (as text) in which `post` differs across units over `rows`, or `null` when
 * `post` is a function of time alone (a common treatment date, the 2×2 design `did()` fits).
 */
function staggeredPost(post: Float64Array, data: DidData, rows: ArrayLike<number>): string | null {
  const byPeriod = new Map<string | number | null, number>();
  const time = data.time;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const period = time[row] ?? null;
    const seen = byPeriod.get(period);
    if (seen === undefined) byPeriod.set(period, post[row]!);
    else if (seen !== post[row]!) return String(period);
  }
  return null;
}

/**
 * The note of a unit-specific (staggered) `post`: the TWFE coefficient is then a weighted average
 * of 2×2 comparisons, some of which use already-treated units as controls (Goodman-Bacon 2021),
 * and the raw 2×2 means table has empty cells; the estimators for staggered adoption are named.
 */
function staggeredNote(period: string, means: ReturnType<typeof twoByTwoMeans>, postName: string): Note {
  const empty: string[] = [];
  for (const group of ['control', 'treated'] as const) {
    for (const phase of ['pre', 'post'] as const) if (means[group][phase].n === 0) empty.push(`${group} ${phase} mean`);
  }
  const reason =
    `"${postName}" differs across units within period ${period}: did() fits one 2x2 design whose post indicator is a function of time alone. ` +
    `With staggered adoption the TWFE coefficient averages comparisons that use already-treated units as controls (Goodman-Bacon 2021); ` +
    `baconDecomposition() shows those comparisons and their weights; ` +
    `use attgt() (Callaway & Sant'Anna), eventStudy({ method: 'sunab' }), didImputation() or did2s() with the first treated period as cohort`;
  if (empty.length > 0) return { code: 'cells_not_estimated', cells: [...empty, 'raw DiD of means'], reason };
  return { code: 'design_adjusted', message: `${reason}.` };
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
