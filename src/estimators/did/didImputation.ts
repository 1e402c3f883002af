/**
 * The imputation estimator of Borusyak, Jaravel & Spiess (2024, "Revisiting Event-Study
 * Designs: Robust and Efficient Estimation", REStud), as `didimputation::did_imputation()`:
 *
 * 1. Unit and period fixed effects (plus covariates) are fitted on the untreated observations
 *    Ω₀ only (never-treated units and treated units before their cohort's first period).
 * 2. Y(0) is imputed on the treated observations Ω₁; τ̂ᵢₜ = Yᵢₜ − Ŷᵢₜ(0).
 * 3. Each estimand is a weighted sum Σ_{Ω₁} wᵢₜ τ̂ᵢₜ: the static ATT (all treated
 *    observations, equally weighted, or by `weights`) or one per horizon e = t − cohort.
 * 4. Standard errors (BJS Theorem 3, the "conservative" variance clustered by unit): the
 *    estimator is linear in Y with weights v* (eq. 6: v* = w on Ω₁, −Z₀(Z₀ᵀZ₀)⁻Z₁ᵀw on Ω₀),
 *    σ̂² = Σ_clusters (Σ vᵢₜ* ε̃ᵢₜ)² with ε̃ the first-stage residual on Ω₀ and τ̂ᵢₜ − τ̄ on Ω₁,
 *    τ̄ the v*²-weighted mean of τ̂ within each cohort × event time (eq. 10, didimputation's
 *    choice of averaging cells). The v* of Ω₀ come from fixed-effect solves
 *    (`untreatedFit.ts`), never from dummies. With `weights` they follow didimputation exactly:
 *    Z is scaled by the weights (so Z₀ᵀZ₀ carries their square).
 * 5. Pre-trends (BJS Test 1, didimputation's `pretrends`): on Ω₀ alone, feols of the outcome on
 *    event-time dummies (e < 0) plus the same fixed effects and covariates, clustered; the joint
 *    Wald F test of those coefficients. As in fixest, the dummy that is collinear with the unit
 *    effects (e = −1 by default) is dropped, so the others are relative to it.
 *
 * didimputation's confidence intervals use 1.96; here they use the exact normal quantile of
 * `level`, so confLow/confHigh differ from its output in the fourth digit (estimates and SEs
 * agree).
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import type { DataInput } from '../../data/fromInput.js';
import { factor, formatRNumber } from '../../data/factor.js';
import { waldInference } from '../../inference/intervals.js';
import { feols } from '../../models/feols.js';
import { gather } from '../../models/formula/scan.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import { DidImputationResult, type ImputationRow } from './didImputationResult.js';
import { RegressionColumns, termIndex } from './regressionColumns.js';
import { fitUntreated, recode, UntreatedProjector, type UntreatedDesign } from './untreatedFit.js';
import { panelOptionSpec, validateDidData } from './validateDid.js';
import { waldPretest } from './waldPretest.js';

/**
 * Options of {@link didImputation}.
 *
 * @example
 * const options: DidImputationOptions = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', horizons: true };
 * didImputation(options).rows.find((r) => r.e === 0)?.estimate; // ≈ -0.0310669 (didimputation 0.5.0)
 */
export interface DidImputationOptions {
  data: DataInput;
  /** Outcome column (numeric). */
  outcome: string;
  /** Unit column. */
  unit: string;
  /** Period column (integer). */
  time: string;
  /** First treated period (didimputation's `gname`); 0, missing, ±Infinity or after the last period = never treated. */
  cohort: string;
  /** Numeric covariates of the Y(0) model (time-varying; a column constant within units is absorbed by the unit effects and dropped). */
  covariates?: readonly string[];
  /** Event-time estimates: `true` for every e ≥ 0 observed, or a list of horizons (didimputation's `horizon`); default: the static ATT. */
  horizons?: true | readonly number[];
  /** Pre-trend coefficients: `true` for every e < 0 observed, or a list of them (didimputation's `pretrends`). */
  pretrends?: boolean | readonly number[];
  /** Column of non-negative weights (the Y(0) fit and the estimand weights; didimputation's `wname`). */
  weights?: string;
  /** Cluster column (default `unit`; didimputation's `cluster_var`). */
  clusters?: string;
  /** Confidence level (default 0.95). */
  level?: number;
}

const FN = 'didImputation';

function readHorizons(value: unknown, at: OptionPath): true | readonly number[] | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return true;
  if (Array.isArray(value) && value.length > 0 && value.every((h) => typeof h === 'number' && Number.isInteger(h) && h >= 0)) return Object.freeze([...new Set(value as number[])].sort((a, b) => a - b));
  throw invalidOption(at, 'true or a non-empty array of integers >= 0', value);
}

function readPretrends(value: unknown, at: OptionPath): true | readonly number[] | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return true;
  if (Array.isArray(value) && value.length > 0 && value.every((h) => typeof h === 'number' && Number.isInteger(h) && h < 0)) return Object.freeze([...new Set(value as number[])].sort((a, b) => a - b));
  throw invalidOption(at, 'a boolean or a non-empty array of negative integers', value);
}

const SPEC = {
  ...panelOptionSpec(),
  cohort: opt.column({ required: true }),
  covariates: opt.columns(),
  horizons: opt.custom(readHorizons),
  pretrends: opt.custom(readPretrends),
  weights: opt.column(),
  clusters: opt.column(),
  level: opt.level(),
};

const UNSUPPORTED = {
  wtr: 'didimputation\'s wtr (custom estimand weights) is not supported: use horizons or weights',
  first_stage: 'give the Y(0) covariates as covariates: [...]; the fixed effects are always unit + time',
};

/**
 * Borusyak–Jaravel–Spiess imputation estimator of staggered-adoption effects (as
 * `didimputation::did_imputation()`): static or event-time ATTs, their conservative
 * unit-clustered SEs, and the pre-trend test on untreated observations.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `non_finite`, `invalid_option`
 *   (non-integer periods or cohorts, a horizon or pre-trend with no observation, bad options),
 *   `no_treated_units`, `no_control_units` (a cohort never observed untreated, a period in which
 *   every unit is treated), `no_rows_left`
 * @example
 * const bjs = didImputation({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * bjs.rows[0]; // { term: 'treat', estimate: ≈ -0.0477099, stdError: ≈ 0.0132225, … } (didimputation 0.5.0)
 */
export function didImputation(options: DidImputationOptions): DidImputationResult {
  return withFunctionName(FN, () => didImputationUnlabelled(options));
}

/** Checks that every used period and finite cohort is an integer. */
function checkIntegerPeriods(time: Float64Array, cohort: Float64Array | undefined, rows: Int32Array, timeName: string, cohortName: string | undefined, fn: string): void {
  for (const row of rows) {
    if (!Number.isInteger(time[row]!)) {
      throw new CausalPanelError('invalid_option', `${fn}: periods must be integers (column "${timeName}", row ${row + 1}: ${time[row]})`, { fn, column: timeName, row, value: time[row] });
    }
    const g = cohort?.[row];
    if (g !== undefined && Number.isFinite(g) && !Number.isInteger(g)) {
      throw new CausalPanelError('invalid_option', `${fn}: cohorts must be integer periods (column "${cohortName}", row ${row + 1}: ${g})`, { fn, column: cohortName, row, value: g });
    }
  }
}

function didImputationUnlabelled(options: DidImputationOptions): DidImputationResult {
  const params = readOptions(FN, options, SPEC, { unsupported: UNSUPPORTED });
  const clusterName = params.clusters ?? params.unit;
  const data = validateDidData(params.data, { ...params, extra: [clusterName], numericTime: true }, FN);
  const time = data.time as Float64Array;
  const cohort = data.cohort!;
  const rows = data.rows;
  const n = rows.length;
  checkIntegerPeriods(time, cohort, rows, params.time, params.cohort, FN);
  const notes: Note[] = [...data.notes];

  // Treatment status and event time per analysis row.
  const untreated = new Uint8Array(n);
  const event = new Float64Array(n);
  const cohortFirst = new Map<number, number>();
  let lastCohort = NaN;
  let lastFirst = Infinity;
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    const g = cohort[row]!;
    event[r] = Number.isFinite(g) ? time[row]! - g : NaN;
    untreated[r] = Number.isFinite(g) && time[row]! >= g ? 0 : 1;
    // (A unit's rows share its cohort: look the Map up only when the cohort changes.)
    if (Number.isFinite(g)) {
      if (g !== lastCohort) {
        lastCohort = g;
        lastFirst = cohortFirst.get(g) ?? Infinity;
      }
      if (time[row]! < lastFirst) {
        lastFirst = time[row]!;
        cohortFirst.set(g, lastFirst);
      }
    }
  }
  for (const [g, first] of [...cohortFirst].sort((a, b) => a[0] - b[0])) {
    if (first >= g) {
      throw new CausalPanelError('no_control_units', `${FN}: cohort ${formatRNumber(g)} is never observed untreated (its first period is ${formatRNumber(first)}), so its Y(0) cannot be imputed`, { fn: FN, column: params.cohort, value: g });
    }
  }
  let nTreated = 0;
  for (let r = 0; r < n; r++) nTreated += 1 - untreated[r]!;
  if (nTreated === 0) throw new CausalPanelError('no_treated_units', `${FN}: no treated observation (no unit is observed at or after its cohort's first period)`, { fn: FN, column: params.cohort });

  const unitCodes = recode(data.unit.codes, rows);
  const timeFactor = factor(time, { rows });
  const timeCodes = { codes: timeFactor.codes, nLevels: timeFactor.levels.length };
  const k = params.covariates.length;
  const X = new Float64Array(n * k);
  for (let j = 0; j < k; j++) X.set(gather(data.covariates[j]!, rows), j * n);
  const weights = data.weights === undefined ? null : gather(data.weights, rows);
  const design: UntreatedDesign = { fixedEffects: [unitCodes, timeCodes], X, k, terms: params.covariates, untreated, weights };
  const y = gather(data.outcome, rows);
  const unitColumn = data.frame.column(params.unit, FN);
  const levelName = (p: number, level: number): string =>
    p === 0 ? `unit ${String(unitColumn[rows[unitCodes.codes.indexOf(level)]!])}` : `period ${timeFactor.levels[level]} (every unit treated)`;
  // Estimands: each treated row belongs to at most one (the static ATT, or its horizon), with
  // weight wtr = w / Σw over the estimand's rows (didimputation's normalised wtr).
  const estimands: { term: string; e?: number }[] = [];
  const member = new Int32Array(n).fill(-1);
  if (params.horizons === undefined) {
    estimands.push({ term: 'treat' });
    for (let r = 0; r < n; r++) if (untreated[r] === 0) member[r] = 0;
  } else {
    const observed = new Set<number>();
    for (let r = 0; r < n; r++) if (untreated[r] === 0) observed.add(event[r]!);
    const sortedObserved = [...observed].sort((a, b) => a - b);
    const list = params.horizons === true ? sortedObserved : params.horizons;
    const index = new Map<number, number>();
    for (const e of list) {
      if (!observed.has(e)) throw invalidOption({ fn: FN, key: 'horizons' }, `horizons with treated observations (observed: ${sortedObserved.join(', ')})`, e);
      index.set(e, estimands.length);
      estimands.push({ term: String(e), e });
    }
    for (let r = 0; r < n; r++) if (untreated[r] === 0) member[r] = index.get(event[r]!) ?? -1;
  }
  const C = estimands.length;
  const wtr = new Float64Array(n);
  const totals = new Float64Array(C);
  for (let r = 0; r < n; r++) {
    if (member[r]! < 0) continue;
    wtr[r] = weights === null ? 1 : weights[r]!;
    totals[member[r]!] += wtr[r]!;
  }
  for (let r = 0; r < n; r++) if (member[r]! >= 0) wtr[r]! /= totals[member[r]!]!;

  // v* on Ω₀: −w ⊙ Z₀(Z₀ᵀW²Z₀)⁻Z₁ᵀ(w ⊙ wtr) (BJS eq. 6 with didimputation's weighting); v* = wtr
  // on Ω₁. The fixed-effect part Z₁ᵀ(w ⊙ wtr) is known before the fit: unweighted, its system is
  // the fit's, solved in the same pass (fitUntreated's coSolve).
  const unitSums = new Float64Array(unitCodes.nLevels * C);
  const timeSums = new Float64Array(timeCodes.nLevels * C);
  for (let r = 0; r < n; r++) {
    const c = member[r]!;
    if (c < 0) continue;
    const a = (weights === null ? 1 : weights[r]!) * wtr[r]!;
    unitSums[unitCodes.codes[r]! * C + c] += a;
    timeSums[timeCodes.codes[r]! * C + c] += a;
  }
  const fit = fitUntreated(design, y, FN, levelName, weights === null ? { levelSums: [unitSums, timeSums], C } : undefined);
  if (fit.dropped.length > 0) notes.push({ code: 'collinear_dropped', terms: fit.dropped });
  const adj = fit.residual;
  const estimates = new Float64Array(C);
  for (let r = 0; r < n; r++) if (member[r]! >= 0) estimates[member[r]!] += wtr[r]! * adj[r]!;

  const n0 = fit.rows0.length;
  let omega0: Float64Array | null = null;
  if (weights !== null) {
    omega0 = gather(weights, fit.rows0);
    for (let j = 0; j < n0; j++) omega0[j]! *= omega0[j]!;
  }
  const projector = new UntreatedProjector(design, fit, omega0, FN);
  const kk = projector.kk;
  const covariateSums = new Float64Array(kk * C);
  for (let r = 0; r < n; r++) {
    const c = member[r]!;
    if (c < 0 || kk === 0) continue;
    const a = (weights === null ? 1 : weights[r]!) * wtr[r]!;
    for (let t = 0; t < kk; t++) covariateSums[t + c * kk] += a * X[r + fit.kept[t]! * n]!;
  }
  const v0 = projector.project([unitSums, timeSums], covariateSums, C, fit.coSolved ?? undefined);
  for (let j = 0; j < n0; j++) {
    const factorJ = -(weights === null ? 1 : weights[fit.rows0[j]!]!);
    for (let c = 0; c < C; c++) v0[j + c * n0]! *= factorJ;
  }

  // ε̃: τ̂ − τ̄ on Ω₁ (τ̄ the v*²-weighted mean of τ̂ by cohort × event time, eq. 10), the
  // first-stage residual on Ω₀. A cell lies within one estimand (its event time is fixed).
  const cellIndex = new Map<number, number>();
  const cell = new Int32Array(n).fill(-1);
  let eMin = Infinity;
  let eMax = -Infinity;
  for (let r = 0; r < n; r++) {
    if (untreated[r] === 0) {
      eMin = Math.min(eMin, event[r]!);
      eMax = Math.max(eMax, event[r]!);
    }
  }
  const span = eMax - eMin + 1;
  let lastKey = NaN;
  let lastId = -1;
  for (let r = 0; r < n; r++) {
    if (member[r]! < 0) continue;
    const key = cohort[rows[r]!]! * span + (event[r]! - eMin);
    if (key !== lastKey) {
      let id = cellIndex.get(key);
      if (id === undefined) cellIndex.set(key, (id = cellIndex.size));
      lastKey = key;
      lastId = id;
    }
    cell[r] = lastId;
  }
  const num = new Float64Array(cellIndex.size);
  const den = new Float64Array(cellIndex.size);
  for (let r = 0; r < n; r++) {
    if (cell[r]! < 0) continue;
    const v2 = wtr[r]! * wtr[r]!;
    num[cell[r]!] += v2 * adj[r]!;
    den[cell[r]!] += v2;
  }
  const clusterCodes = clusterName === params.unit ? unitCodes : recode(factor(data.frame.column(clusterName, FN), { order: 'appearance' }).codes, rows);
  const G = clusterCodes.nLevels;
  const sums = new Float64Array(G * C);
  for (let r = 0; r < n; r++) {
    if (cell[r]! < 0) continue;
    const id = cell[r]!;
    const tauBar = den[id]! > 0 ? num[id]! / den[id]! : 0;
    sums[clusterCodes.codes[r]! * C + member[r]!] += wtr[r]! * (adj[r]! - tauBar);
  }
  for (let j = 0; j < n0; j++) {
    const r = fit.rows0[j]!;
    const base = clusterCodes.codes[r]! * C;
    for (let c = 0; c < C; c++) sums[base + c] += v0[j + c * n0]! * adj[r]!;
  }
  const vcov = new Float64Array(C * C);
  for (let g = 0; g < G; g++) {
    for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) vcov[a + b * C] += sums[g * C + a]! * sums[g * C + b]!;
  }

  const normal = { kind: 'normal' } as const;
  const imputed: ImputationRow[] = estimands.map((est, c) => ({
    term: est.term,
    ...waldInference(estimates[c]!, Math.sqrt(vcov[c + c * C]!), normal, params.level),
    ...(est.e !== undefined ? { e: est.e } : {}),
  }));

  // Pre-trend coefficients: feols on Ω₀ with event-time dummies.
  let pre: ReturnType<typeof preTrends> | undefined;
  if (params.pretrends !== undefined) pre = preTrends(params, data, rows, untreated, event, clusterName, notes);

  return new DidImputationResult({
    outcome: params.outcome,
    level: params.level,
    rows: [...(pre?.rows ?? []), ...imputed],
    imputedVcov: vcov,
    preVcov: pre?.vcov ?? new Float64Array(0),
    pretest: pre?.pretest,
    ...(pre !== undefined ? { preDist: pre.dist } : {}),
    static: params.horizons === undefined,
    nobs: n,
    nTreated,
    nUnits: unitCodes.nLevels,
    nClusters: G,
    clusters: clusterName,
    notes,
  });
}

/** BJS's pre-trend regression on the untreated observations (didimputation's `pretrends`). */
function preTrends(
  params: { outcome: string; unit: string; time: string; covariates: readonly string[]; weights?: string; pretrends?: true | readonly number[]; level: number },
  data: ReturnType<typeof validateDidData>,
  rows: Int32Array,
  untreated: Uint8Array,
  event: Float64Array,
  clusterName: string,
  notes: Note[],
) {
  const n = rows.length;
  const observed = new Set<number>();
  for (let r = 0; r < n; r++) if (untreated[r] === 1 && Number.isFinite(event[r]!)) observed.add(event[r]!);
  const all = [...observed].sort((a, b) => a - b);
  const wanted = params.pretrends === true ? all : params.pretrends!;
  for (const e of wanted) {
    if (!observed.has(e)) throw invalidOption({ fn: FN, key: 'pretrends' }, `event times observed before treatment (observed: ${all.join(', ')})`, e);
  }
  const subset = Int32Array.from({ length: n }, (_, r) => r).filter((r) => untreated[r] === 1);
  const columns = new RegressionColumns();
  const take = (values: ArrayLike<number> | readonly unknown[]) => Array.from(subset, (r) => (values as ArrayLike<unknown>)[rows[r]!]);
  const yName = columns.add(params.outcome, Float64Array.from(subset, (r) => data.outcome[rows[r]!]!));
  const covariateNames = params.covariates.map((name, j) => columns.add(name, Float64Array.from(subset, (r) => data.covariates[j]![rows[r]!]!)));
  const unitName = columns.add(params.unit, toColumn(take(data.frame.column(params.unit, FN))));
  const timeName = columns.add(params.time, Float64Array.from(subset, (r) => (data.time as Float64Array)[rows[r]!]!));
  const clusterAlias = clusterName === params.unit ? unitName : columns.add(clusterName, toColumn(take(data.frame.column(clusterName, FN))));
  const weightName = params.weights === undefined ? undefined : columns.add(params.weights, Float64Array.from(subset, (r) => data.weights![rows[r]!]!));
  const dummies = wanted.map((e) => columns.addGenerated(`pre_${Math.abs(e)}`, Float64Array.from(subset, (r) => (event[r] === e ? 1 : 0))));
  const formula = `${yName} ~ ${[...dummies, ...covariateNames].join(' + ')} | ${unitName} + ${timeName}`;
  const fit = feols(formula, columns.frame(), { vcov: { CRV1: clusterAlias }, level: params.level, ...(weightName !== undefined ? { weights: weightName } : {}) });
  const kept = wanted.map((e, j) => ({ e, index: termIndex(fit, dummies[j]!) })).filter((d) => d.index >= 0);
  const droppedEvents = wanted.filter((_, j) => termIndex(fit, dummies[j]!) < 0);
  if (droppedEvents.length > 0) {
    notes.push({ code: 'design_adjusted', message: `pre-trend event time${droppedEvents.length === 1 ? '' : 's'} ${droppedEvents.join(', ')} collinear with the unit effects: the other pre-trend coefficients are relative to ${droppedEvents.length === 1 ? 'it' : 'them'}` });
  }
  const k = fit.terms.length;
  const coefficients = fit.coefficients;
  const V = fit.vcovMatrix;
  const rowsOut: ImputationRow[] = kept.map(({ e, index }) => ({
    term: String(e),
    ...waldInference(coefficients[index]!, Math.sqrt(V[index + index * k]!), fit.dist, params.level),
    e,
    pre: true,
  }));
  const q = kept.length;
  const vcov = new Float64Array(q * q);
  kept.forEach((a, i) => kept.forEach((b, j) => (vcov[i + j * q] = V[a.index + b.index * k]!)));
  // fixest's wald(): F on (q, n − nparams) degrees of freedom.
  const pretest = waldPretest(coefficients, V, k, kept.map((d) => d.index), fit.nobs - fit.nparams, notes);
  return { rows: rowsOut, vcov, pretest, dist: fit.dist };
}

/** Cells gathered from a frame column into a column again (numbers stay numbers). */
function toColumn(values: unknown[]): Float64Array | (string | null)[] {
  if (values.every((v) => typeof v === 'number')) return Float64Array.from(values as number[]);
  return values.map((v) => (v === null || v === undefined ? null : String(v)));
}
