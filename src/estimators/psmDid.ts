/**
 * PSM-DiD: propensity-score matching on baseline covariates, then difference-in-differences on
 * the matched units' panel (Heckman, Ichimura & Todd 1997, "Matching as an econometric
 * evaluation estimator"; the common applied recipe of matching first, then a weighted TWFE DiD).
 *
 * Steps:
 * 1. One row per unit: its treatment group (constant within unit) and covariates at baseline —
 *    `baseline: 'first'` (default) takes the unit's earliest pre-period row (post = 0);
 *    `'mean'` averages the numeric covariates over all its pre-period rows. Units without a
 *    pre-period row cannot be matched on a baseline and are dropped (a note says how many).
 * 2. `matchit()` on that unit table (all matching options pass through: nearest/kernel, logit/
 *    probit/Mahalanobis, ratio, caliper, replacement, order, common support); matchit reads and
 *    checks them itself.
 * 3. `did()` on every panel row of the matched units, with the unit's matching weight as
 *    regression weight, clustered by matched set (`clusterBy: 'subclass'`, default when pairs
 *    exist: pairs are the sampling units after matching without replacement, MatchIt's advice)
 *    or by unit (`'unit'`, default with replacement or kernel matching), or with the `vcov`
 *    given.
 *
 * The options are exactly did()'s design options and matchit()'s matching options: anything
 * else is an `unknown_option` error with a suggestion.
 */
import { CausalPanelError, type Note, withFunctionName } from '../errors.js';
import { Frame, type Column } from '../data/frame.js';
import { factor } from '../data/factor.js';
import { toFrame } from '../data/fromInput.js';
import { MissingTracker } from '../data/missing.js';
import { binaryColumn, constantWithinUnit } from '../data/panelColumns.js';
import { invalidOption, opt, readOptions, type OptionPath, type Reader } from '../options.js';
import { standardizeOption, type Standardize } from './effectSize.js';
import { did, type DidColumns } from './did/did.js';
import { panelOptionSpec, vcovOption } from './did/validateDid.js';
import type { VcovOption, VcovSpec } from '../inference/vcovSpec.js';
import { matchit } from './matching/matchit.js';
import { MATCHIT_SPEC, MATCHIT_UNSUPPORTED, type MatchitOptions } from './matching/validateMatchit.js';
import { PsmDidResult } from './psmDidResult.js';

/**
 * Options of {@link psmDid}: the DiD columns, the baseline covariates and any matchit() option.
 *
 * @example
 * const options: PsmDidOptions = { data: ssp, outcome: 'math', unit: 'school', time: 'year', treat: 'treat', post: 'post',
 *   covariates: ['prior', 'size', 'migrant', 'teacherExp'], replace: true, baseline: 'mean', clusterBy: 'unit' };
 * psmDid(options).att.estimate; // ≈ 0.625039 (ssp: fixtures/ssp.csv)
 */
export interface PsmDidOptions extends Omit<MatchitOptions, 'formula' | 'data'>, DidColumns {
  /** Covariates of the propensity score, measured at baseline (numeric, or text = factor with `baseline: 'first'`); MatchIt's formula right-hand side. */
  covariates: readonly string[];
  /** Baseline values: the first pre-period row of each unit (default) or the mean over its pre-period rows. */
  baseline?: 'first' | 'mean';
  /** Cluster of the DiD SEs: matched set (default with pairs) or unit (default otherwise). */
  clusterBy?: 'subclass' | 'unit';
  /** Variance of the DiD, as did()'s `vcov` (any columns of `data`); instead of `clusterBy`. */
  vcov?: VcovOption;
  /** SD for the effect size, as did() (default `'control-baseline'`). */
  standardize?: Standardize;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Unit and period fixed effects in the DiD (default true), as did(). */
  fixedEffects?: boolean;
}

const FN = 'psmDid';

/** matchit()'s options (all but `formula`, `data` and `estimand`), passed through for matchit to read. */
type MatchingKey = Exclude<keyof typeof MATCHIT_SPEC, 'formula' | 'data' | 'estimand'>;
const MATCHING_KEYS = Object.keys(MATCHIT_SPEC).filter((key) => key !== 'formula' && key !== 'data' && key !== 'estimand') as MatchingKey[];

const passThrough: Reader<unknown> = opt.custom((value) => value);

function readCovariates(value: unknown, at: OptionPath): readonly string[] {
  const names = opt.columns().read(value, at);
  if (names.length === 0) throw invalidOption(at, 'a non-empty array of column names', value);
  return names;
}

/** The options of {@link psmDid}: did()'s design options, psmDid's own, then matchit()'s. */
const PSM_DID_SPEC = {
  ...panelOptionSpec(),
  treat: opt.column({ required: true }),
  post: opt.column({ required: true }),
  covariates: opt.custom(readCovariates),
  baseline: opt.oneOf(['first', 'mean'], 'first'),
  clusterBy: opt.oneOf(['subclass', 'unit']),
  vcov: vcovOption(),
  standardize: standardizeOption(),
  level: opt.level(),
  fixedEffects: opt.boolean(true),
  ...(Object.fromEntries(MATCHING_KEYS.map((key) => [key, passThrough])) as Record<MatchingKey, Reader<unknown>>),
};

/** Options psmDid sets itself (did()'s weights, matchit()'s formula), with what to use instead. */
const UNSUPPORTED = Object.freeze({
  ...MATCHIT_UNSUPPORTED,
  weights: 'the regression weights are the matching weights',
  formula: 'the propensity score is fitted on treat ~ covariates at baseline: use covariates',
  estimand: "the matched DiD is the treated units' effect (ATT); matchit's estimand: 'ATC' is not passed through",
});

/**
 * Propensity-score matching on baseline covariates followed by a weighted DiD on the matched panel.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option` (bad option, treat/post not 0/1,
 *   treat not constant within unit), `missing_column`, `non_numeric`, `no_treated_units`,
 *   `no_control_units`, `no_matches`, `perfect_separation`, and matchit()'s and did()'s errors
 * @example
 * const res = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated',
 *   post: 'post', covariates: ['x'] });
 * res.att;             // the matched DiD estimate (Estimate, term 'ATT')
 * res.balance.after;   // balance of x after matching
 */
export function psmDid(options: PsmDidOptions): PsmDidResult {
  return withFunctionName(FN, () => psmDidUnlabelled(options));
}

/** {@link psmDid} itself; errors of inner public functions are relabelled by the wrapper above. */
function psmDidUnlabelled(options: PsmDidOptions): PsmDidResult {
  const params = readOptions(FN, options, PSM_DID_SPEC, { unsupported: UNSUPPORTED });
  if (params.vcov !== undefined && params.clusterBy !== undefined) {
    throw invalidOption({ fn: FN, key: 'clusterBy' }, 'left out when vcov is given (vcov sets the variance)', params.clusterBy);
  }
  const { outcome, unit, time, treat, post, covariates, baseline } = params;
  const matchOptions: Record<string, unknown> = Object.create(null);
  for (const key of MATCHING_KEYS) if (params[key] !== undefined) matchOptions[key] = params[key];

  const frame = toFrame(params.data, FN);
  for (const name of ['psm_weights', 'psm_subclass']) {
    if (frame.has(name)) throw new CausalPanelError('invalid_option', `${FN}: the data already has a column "${name}" (reserved for the matching output)`, { fn: FN, column: name });
  }
  const unitFactor = factor(frame.column(unit, FN), { order: 'appearance' });
  const timeColumn = frame.numeric(time, FN);
  const treatColumn = binaryColumn(frame, treat, FN);
  const postColumn = binaryColumn(frame, post, FN);
  const covariateColumns = covariates.map((name) => (baseline === 'mean' ? frame.numeric(name, FN) : frame.column(name, FN)));
  // ±Infinity in a variable used is an error naming the caller's row (policy 'error', as fixest
  // and MatchIt); missing cells are left to matchit (unit table) and did (matched panel).
  const infinite = new MissingTracker(frame.nrow, FN, 'error');
  infinite.numeric(outcome, frame.numeric(outcome, FN));
  infinite.numeric(time, timeColumn);
  covariates.forEach((name, j) => {
    const column = covariateColumns[j]!;
    if (column instanceof Float64Array) infinite.numeric(name, column);
  });

  // The treatment group of each unit (constant within unit), and its baseline row(s).
  const unitOfRow = unitFactor.codes;
  const nUnits = unitFactor.levels.length;
  const grouped: number[] = [];
  for (let i = 0; i < frame.nrow; i++) if (unitOfRow[i]! >= 0 && !Number.isNaN(treatColumn[i]!)) grouped.push(i);
  constantWithinUnit(treatColumn, unitFactor, Int32Array.from(grouped), treat, FN);
  const unitTreat = new Float64Array(nUnits).fill(NaN);
  for (const i of grouped) unitTreat[unitOfRow[i]!] = treatColumn[i]!;
  const firstPre = new Int32Array(nUnits).fill(-1);
  const preRows: number[][] = Array.from({ length: nUnits }, () => []);
  for (let i = 0; i < frame.nrow; i++) {
    const u = unitOfRow[i]!;
    if (u < 0 || postColumn[i] !== 0 || Number.isNaN(timeColumn[i]!)) continue;
    preRows[u]!.push(i);
    if (firstPre[u] === -1 || timeColumn[i]! < timeColumn[firstPre[u]!]!) firstPre[u] = i;
  }
  const notes: Note[] = [];
  const kept: number[] = [];
  for (let u = 0; u < nUnits; u++) if (firstPre[u]! >= 0 && !Number.isNaN(unitTreat[u]!)) kept.push(u);
  if (kept.length < nUnits) notes.push({ code: 'units_dropped', count: nUnits - kept.length, reason: 'no pre-period (post = 0) row to measure baseline covariates' });

  const unitTable: Record<string, Column> = Object.create(null);
  unitTable[treat] = Float64Array.from(kept, (u) => unitTreat[u]!);
  covariates.forEach((name, j) => {
    const column = covariateColumns[j]!;
    if (baseline === 'mean') unitTable[name] = Float64Array.from(kept, (u) => preMean(column as Float64Array, preRows[u]!));
    else if (column instanceof Float64Array) unitTable[name] = Float64Array.from(kept, (u) => column[firstPre[u]!]!);
    else unitTable[name] = kept.map((u) => column[firstPre[u]!] ?? null);
  });
  const unitFrame = new Frame(unitTable, [treat, ...covariates.filter((c) => c !== treat)]);
  const formula = `${treat} ~ ${covariates.map((c) => (/^[A-Za-z.][A-Za-z0-9._]*$/.test(c) ? c : `\`${c}\``)).join(' + ')}`;
  const matching = matchit({ ...(matchOptions as Omit<MatchitOptions, 'formula' | 'data'>), formula, data: unitFrame });

  // Panel rows of matched units, with the unit's weight and matched set.
  const unitWeight = new Float64Array(nUnits);
  const unitSubclass = new Float64Array(nUnits).fill(NaN);
  kept.forEach((u, a) => {
    unitWeight[u] = matching.weights[a]!;
    unitSubclass[u] = matching.subclass[a] ?? NaN;
  });
  const rows: number[] = [];
  for (let i = 0; i < frame.nrow; i++) {
    const u = unitOfRow[i]!;
    if (u >= 0 && unitWeight[u]! > 0) rows.push(i);
  }
  const clusterBy = params.vcov !== undefined ? null : params.clusterBy ?? (matching.hasSubclass ? 'subclass' : 'unit');
  if (clusterBy === 'subclass' && !matching.hasSubclass) {
    throw invalidOption({ fn: FN, key: 'clusterBy' }, '"unit" unless matching gives matched pairs (nearest matching without replacement)', params.clusterBy);
  }
  const panel = frame.take(rows).withColumns({
    psm_weights: Float64Array.from(rows, (i) => unitWeight[unitOfRow[i]!]!),
    psm_subclass: Float64Array.from(rows, (i) => unitSubclass[unitOfRow[i]!]!),
  });
  const result = did({
    data: panel,
    outcome,
    unit,
    time,
    treat,
    post,
    weights: 'psm_weights',
    vcov: clusterBy === null ? vcovOptionOf(params.vcov!) : { CRV1: clusterBy === 'subclass' ? 'psm_subclass' : unit },
    standardize: params.standardize,
    level: params.level,
    fixedEffects: params.fixedEffects,
  });
  const unitIds = unitFactor.values !== undefined ? Array.from(unitFactor.values) : unitFactor.levels;
  return new PsmDidResult(
    {
      title: `PSM-DiD (matched on baseline ${covariates.join(', ')}), Dep. Var.: ${outcome}`,
      att: result.att,
      level: result.level,
      standardize: result.standardize,
      nobs: result.nobs,
      nUnits: result.nUnits,
      nClusters: result.nClusters,
      vcovLabel: result.vcovLabel,
      means: result.means,
      notes: [...notes, ...matching.notes, ...result.notes],
      fit: result.fit,
    },
    matching,
    { baseline, clusterBy, unitIds: kept.map((u) => unitIds[u]!) },
  );
}

/** Mean of the non-missing values of `column` over `rows` (NaN when none). */
function preMean(column: Float64Array, rows: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const i of rows) {
    if (!Number.isNaN(column[i]!)) {
      sum += column[i]!;
      count++;
    }
  }
  return count > 0 ? sum / count : NaN;
}

/** A validated variance spec as did()'s `vcov` option. */
function vcovOptionOf(spec: VcovSpec): VcovOption {
  if (spec.type === 'iid') return 'iid';
  if (spec.type === 'hetero') return spec.hc;
  if (spec.type === 'CR2' && spec.clusters.length === 0) return 'CR2'; // did clusters it by the unit
  return spec.type === 'CRV1' ? { CRV1: spec.clusters } : spec.type === 'CRV3' ? { CRV3: spec.clusters } : { CR2: spec.clusters };
}
