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
 *    probit/Mahalanobis, ratio, caliper, replacement, order, common support).
 * 3. `did()` on every panel row of the matched units, with the unit's matching weight as
 *    regression weight, clustered by matched set (`clusterBy: 'subclass'`, default when pairs
 *    exist: pairs are the sampling units after matching without replacement, MatchIt's advice)
 *    or by unit (`'unit'`, default with replacement or kernel matching).
 *
 * The result is a {@link DidResult} (kind `'psmDid'`) with the matching's balance table and
 * summary added.
 */
import { CausalPanelError, type Note, withFunctionName } from '../errors.js';
import { Frame, type Column } from '../data/frame.js';
import { toFrame } from '../data/fromInput.js';
import type { OlsFit } from '../models/feols.js';
import type { Standardize } from './effectSize.js';
import { did, type DidColumns } from './did/did.js';
import { DidResult, type DidResultInit } from './did/didResult.js';
import type { BalanceRow } from './matching/balance.js';
import { matchit, type MatchitResult } from './matching/matchit.js';
import type { MatchitOptions } from './matching/validateMatchit.js';

/** Options of {@link psmDid}: the DiD columns, the baseline covariates and any matchit() option. */
export interface PsmDidOptions extends Omit<MatchitOptions, 'formula' | 'data'>, DidColumns {
  /** Covariates of the propensity score, measured at baseline (numeric, or text = factor with `baseline: 'first'`). */
  covariates: readonly string[];
  /** Baseline values: the first pre-period row of each unit (default) or the mean over its pre-period rows. */
  baseline?: 'first' | 'mean';
  /** Cluster of the DiD SEs: matched set (default with pairs) or unit (default otherwise). */
  clusterBy?: 'subclass' | 'unit';
  /** SD for the effect size, as did() (default `'control-baseline'`). */
  standardize?: Standardize;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Unit and period fixed effects in the DiD (default true), as did(). */
  fixedEffects?: boolean;
}

/**
 * A PSM-DiD result: did()'s shape (att, effectSize, nobs, nUnits, means, fit, tidy/summary/toJSON)
 * plus the unit-level matching and its balance.
 *
 * @example
 * const res = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post', covariates: ['x'] });
 * res.tidy()[0].term;            // 'ATT'
 * res.matching.nMatched;         // { treated, control } units
 * res.balance.after[0].term;     // 'distance'
 */
export class PsmDidResult extends DidResult<OlsFit> {
  /** Balance of the baseline covariates before and after matching (MatchIt's summary). */
  readonly balance: { before: BalanceRow[]; after: BalanceRow[] };
  /** The unit-level matching (pairs, weights, subclasses refer to rows of the unit table). */
  readonly matching: MatchitResult;
  /** Unit ids in the order of the unit table used by `matching`. */
  readonly unitIds: readonly (string | number)[];

  constructor(init: DidResultInit<OlsFit>, matching: MatchitResult, unitIds: (string | number)[]) {
    super(init);
    this.matching = matching;
    this.balance = matching.balance();
    this.unitIds = Object.freeze([...unitIds]);
  }

  /** did()'s summary followed by the matching summary. */
  override summary(): string {
    return `${super.summary()}\n\nMatching on baseline covariates (units):\n${this.matching.summary()}`;
  }
}

const FN = 'psmDid';

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

/**
 * Propensity-score matching on baseline covariates followed by a weighted DiD on the matched panel.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (treat not constant
 *   within unit, bad option), `no_treated_units`, `no_control_units`, `no_matches`,
 *   `perfect_separation`, and did()'s errors
 * @example
 * const res = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated',
 *   post: 'post', covariates: ['x'] });
 * res.att;             // the matched DiD estimate (Estimate, term 'ATT')
 * res.balance.after;   // balance of x after matching
 */
export function psmDid(options: PsmDidOptions): PsmDidResult {
  return withFunctionName('psmDid', () => psmDidUnlabelled(options));
}

/** {@link psmDid} itself; errors of inner public functions are relabelled by the wrapper above. */
function psmDidUnlabelled(options: PsmDidOptions): PsmDidResult {
  if (options === null || typeof options !== 'object') {
    throw new CausalPanelError('invalid_option', `${FN}: options must be an object (got ${String(options)})`, { fn: FN });
  }
  const { data, outcome, unit, time, treat, post, covariates, baseline = 'first', clusterBy, standardize, level, fixedEffects, ...matchOptions } = options;
  if (!Array.isArray(covariates) || covariates.length === 0 || !covariates.every((c) => typeof c === 'string')) {
    throw new CausalPanelError('invalid_option', `${FN}: covariates must be a non-empty array of column names (got ${JSON.stringify(covariates)})`, { fn: FN, option: 'covariates' });
  }
  if (baseline !== 'first' && baseline !== 'mean') {
    throw new CausalPanelError('invalid_option', `${FN}: baseline must be "first" or "mean" (got ${JSON.stringify(baseline)})`, { fn: FN, option: 'baseline', value: baseline });
  }
  if (clusterBy !== undefined && clusterBy !== 'subclass' && clusterBy !== 'unit') {
    throw new CausalPanelError('invalid_option', `${FN}: clusterBy must be "subclass" or "unit" (got ${JSON.stringify(clusterBy)})`, { fn: FN, option: 'clusterBy', value: clusterBy });
  }
  const frame = toFrame(data, FN);
  for (const name of ['psm_weights', 'psm_subclass']) {
    if (frame.has(name)) throw new CausalPanelError('invalid_option', `${FN}: the data already has a column "${name}" (reserved for the matching output)`, { fn: FN, column: name });
  }
  const unitColumn = frame.column(unit, FN);
  const timeColumn = frame.numeric(time, FN);
  const treatColumn = frame.numeric(treat, FN);
  const postColumn = frame.numeric(post, FN);
  frame.numeric(outcome, FN);
  const covariateColumns = covariates.map((name) => (baseline === 'mean' ? frame.numeric(name, FN) : frame.column(name, FN)));

  // Units in order of first appearance; the baseline row = earliest pre-period row.
  const unitIndex = new Map<string | number, number>();
  const unitIds: (string | number)[] = [];
  const unitOfRow = new Int32Array(frame.nrow).fill(-1);
  for (let i = 0; i < frame.nrow; i++) {
    const id = unitColumn[i];
    if (isMissing(id)) continue;
    const key = id as string | number;
    let u = unitIndex.get(key);
    if (u === undefined) {
      u = unitIds.length;
      unitIndex.set(key, u);
      unitIds.push(key);
    }
    unitOfRow[i] = u;
  }
  const nUnits = unitIds.length;
  const unitTreat = new Float64Array(nUnits).fill(NaN);
  const firstPre = new Int32Array(nUnits).fill(-1);
  const preRows: number[][] = Array.from({ length: nUnits }, () => []);
  for (let i = 0; i < frame.nrow; i++) {
    const u = unitOfRow[i]!;
    if (u < 0) continue;
    const g = treatColumn[i]!;
    if (!Number.isNaN(g)) {
      if (Number.isNaN(unitTreat[u]!)) unitTreat[u] = g;
      else if (unitTreat[u] !== g) {
        throw new CausalPanelError('invalid_option', `${FN}: treat must be constant within each unit (unit ${String(unitIds[u])}, row ${i + 1}: ${g} vs ${unitTreat[u]})`, { fn: FN, column: treat, row: i, value: g });
      }
    }
    if (postColumn[i] === 0 && !Number.isNaN(timeColumn[i]!)) {
      preRows[u]!.push(i);
      if (firstPre[u] === -1 || timeColumn[i]! < timeColumn[firstPre[u]!]!) firstPre[u] = i;
    }
  }
  const notes: Note[] = [];
  const kept: number[] = [];
  for (let u = 0; u < nUnits; u++) if (firstPre[u]! >= 0 && !Number.isNaN(unitTreat[u]!)) kept.push(u);
  if (kept.length < nUnits) notes.push({ code: 'units_dropped', count: nUnits - kept.length, reason: 'no pre-period (post = 0) row to measure baseline covariates' });

  const unitTable: Record<string, Column> = Object.create(null);
  unitTable[treat] = Float64Array.from(kept, (u) => unitTreat[u]!);
  covariates.forEach((name, j) => {
    const column = covariateColumns[j]!;
    if (baseline === 'mean') {
      const numeric = column as Float64Array;
      unitTable[name] = Float64Array.from(kept, (u) => {
        let sum = 0;
        let count = 0;
        for (const i of preRows[u]!) {
          if (!Number.isNaN(numeric[i]!)) {
            sum += numeric[i]!;
            count++;
          }
        }
        return count > 0 ? sum / count : NaN;
      });
    } else if (column instanceof Float64Array) {
      unitTable[name] = Float64Array.from(kept, (u) => column[firstPre[u]!]!);
    } else {
      unitTable[name] = kept.map((u) => column[firstPre[u]!] ?? null);
    }
  });
  const unitFrame = new Frame(unitTable, [treat, ...covariates.filter((c) => c !== treat)]);
  const formula = `${treat} ~ ${covariates.map((c) => (/^[A-Za-z.][A-Za-z0-9._]*$/.test(c) ? c : `\`${c}\``)).join(' + ')}`;
  const matching = matchit({ ...matchOptions, formula, data: unitFrame });

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
  const cluster = clusterBy ?? (matching.hasSubclass ? 'subclass' : 'unit');
  if (cluster === 'subclass' && !matching.hasSubclass) {
    throw new CausalPanelError('invalid_option', `${FN}: clusterBy "subclass" needs matched pairs (nearest matching without replacement); use clusterBy "unit"`, { fn: FN, option: 'clusterBy', value: clusterBy });
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
    vcov: { CRV1: cluster === 'subclass' ? 'psm_subclass' : unit },
    ...(standardize !== undefined ? { standardize } : {}),
    ...(level !== undefined ? { level } : {}),
    ...(fixedEffects !== undefined ? { fixedEffects } : {}),
  });
  const init: DidResultInit<OlsFit> = {
    kind: 'psmDid',
    title: `PSM-DiD (matched on baseline ${covariates.join(', ')}), Dep. Var.: ${outcome}`,
    att: result.att,
    effectSize: result.effectSize,
    standardize: result.standardize,
    nobs: result.nobs,
    nUnits: result.nUnits,
    nClusters: result.nClusters,
    vcovLabel: result.vcovLabel,
    means: result.means,
    notes: [...notes, ...matching.notes, ...result.notes],
    fit: result.fit,
    extra: {
      matching: {
        baseline,
        clusterBy: cluster,
        unitsMatched: matching.nMatched,
        unitsUnmatched: matching.unmatched.length,
        unitsDiscarded: matching.discarded.length,
        caliper: matching.caliper,
      },
      balance: matching.balance(),
    },
  };
  return new PsmDidResult(init, matching, kept.map((u) => unitIds[u]!));
}
