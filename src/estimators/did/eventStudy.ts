/**
 * Event-study regressions around a reference period: two-way fixed effects with leads and lags
 * (fixest's `i(rel, ref = c(-1, -1000)) | unit + time`) or Sun & Abraham's (2021)
 * interaction-weighted estimator (fixest's `sunab(cohort, time)`, aggregated by relative period).
 *
 * Relative time is e = time − cohort for units with a finite cohort; never-treated units (cohort
 * 0, missing or ±Infinity) get no event-time dummies and serve as controls. With
 * `window: [min, max]` relative times outside the window are binned into its endpoints.
 *
 * The pre-trend test is fixest's `wald()`: F = b'V⁻¹b / q over the q pre-period coefficients
 * (e < 0 except the reference), on (q, n − K) degrees of freedom where K counts the
 * coefficients plus the fixed-effect levels (Σ(levels − 1) + 1, fixest's `nparams`). For 'sunab'
 * the test covers every cohort-specific pre-period coefficient (the joint null that no cohort has
 * a pre-trend), not their aggregates.
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import type { DataInput } from '../../data/fromInput.js';
import { waldInference } from '../../inference/intervals.js';
import { clusterVariables, parseVcov, vcovLabel, type VcovOption, type VcovSpec } from '../../inference/vcovSpec.js';
import { feols, type OlsFit } from '../../models/feols.js';
import { choleskyFactor, choleskySolve } from '../../numerics/cholesky.js';
import { fUpper } from '../../numerics/distributions.js';
import { jsonRow, type Estimate } from '../../estimate.js';
import { formatInteger, formatSignif, formatPValue } from '../../report/format.js';
import { renderSummary } from '../../report/summary.js';
import { checkLevel, countClusters, countDistinct, fitRows, termIndex, vcovForFit } from './did.js';
import { aggregateCoefficients, classifyCohorts, sunabCells, type SunabCell } from './sunab.js';
import { factor } from '../../data/factor.js';
import { RegressionColumns, validateDidData, type DidData } from './validateDid.js';

/** Options of {@link eventStudy}. */
export interface EventStudyOptions {
  data: DataInput;
  /** Outcome column (numeric). */
  outcome: string;
  /** Unit column. */
  unit: string;
  /** Time period column (numeric). */
  time: string;
  /** First treated period; 0, missing or Infinity = never treated. */
  cohort: string;
  /** Reference relative period(s) with no coefficient (default −1; fixest's `ref` / `ref.p`). */
  ref?: number | readonly number[];
  /** Bin relative times below `min` into `min` and above `max` into `max`. */
  window?: readonly [number, number];
  /** Numeric control variables. */
  covariates?: readonly string[];
  /** Variance, as feols (combined clusters `{ CRV1: 'school^year' }` included); default `{ CRV1: unit }` (fixest's default). */
  vcov?: VcovOption;
  /** `'twfe'` (default) or `'sunab'` (Sun & Abraham 2021). */
  method?: 'twfe' | 'sunab';
  /** Confidence level (default 0.95). */
  level?: number;
  /** Column of regression weights. */
  weights?: string;
}

/** One event-time row: an Estimate with its relative time. */
export type EventTimeEstimate = Estimate & {
  /** Time relative to treatment. */
  e: number;
  /** True for the reference period: estimate 0 by construction, NaN SE (as fixest's iplot). */
  reference?: boolean;
};

/** A cohort-specific coefficient of the Sun–Abraham regression. */
export type CohortEstimate = Estimate & { e: number; cohort: number; weight: number };

/** Joint Wald F test that every pre-period coefficient is 0 (fixest's `wald()`). */
export interface PreTest {
  statistic: number;
  df1: number;
  df2: number;
  pValue: number;
}

const inspect = Symbol.for('nodejs.util.inspect.custom');
const FN = 'eventStudy';

/** Everything an {@link EventStudyResult} holds. */
export interface EventStudyResultInit {
  method: 'twfe' | 'sunab';
  outcome: string;
  ref: readonly number[];
  window?: readonly [number, number];
  rows: EventTimeEstimate[];
  pretest: PreTest;
  overall?: Estimate;
  cohortEstimates?: CohortEstimate[];
  nobs: number;
  nUnits: number;
  nClusters: number;
  vcovLabel: string;
  notes: readonly Note[];
  fit: OlsFit;
}

/**
 * Result of {@link eventStudy}: event-time `rows` (the reference period included with
 * `reference: true`, estimate 0 and NaN SE), the pre-trend `pretest`, and for 'sunab' the
 * aggregated `overall` ATT and the `cohortEstimates` it came from.
 *
 * @example
 * const es = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' });
 * es.rows.find((r) => r.e === 0)?.estimate;
 * es.pretest.pValue;
 */
export class EventStudyResult {
  readonly kind = 'eventStudy';
  readonly method: 'twfe' | 'sunab';
  readonly outcome: string;
  readonly ref: readonly number[];
  readonly window?: readonly [number, number];
  /** Event-time estimates ordered by e, the reference period(s) included. */
  readonly rows: readonly EventTimeEstimate[];
  readonly pretest: PreTest;
  /** 'sunab': the ATT averaged over all post-treatment cells (fixest's `agg = "ATT"`). */
  readonly overall?: Estimate;
  /** 'sunab': the cohort × relative-time coefficients, fixest's term names. */
  readonly cohortEstimates?: readonly CohortEstimate[];
  readonly nobs: number;
  readonly nUnits: number;
  readonly nClusters: number;
  readonly vcovLabel: string;
  readonly notes: readonly Note[];
  /** The underlying regression. */
  readonly fit: OlsFit;

  /** @internal use {@link eventStudy}. */
  constructor(init: EventStudyResultInit) {
    this.method = init.method;
    this.outcome = init.outcome;
    this.ref = Object.freeze([...init.ref]);
    if (init.window !== undefined) this.window = Object.freeze([init.window[0], init.window[1]] as const);
    this.rows = Object.freeze(init.rows.map((row) => Object.freeze({ ...row })));
    this.pretest = Object.freeze({ ...init.pretest });
    if (init.overall !== undefined) this.overall = Object.freeze({ ...init.overall });
    if (init.cohortEstimates !== undefined) this.cohortEstimates = Object.freeze(init.cohortEstimates.map((row) => Object.freeze({ ...row })));
    this.nobs = init.nobs;
    this.nUnits = init.nUnits;
    this.nClusters = init.nClusters;
    this.vcovLabel = init.vcovLabel;
    this.notes = Object.freeze([...init.notes]);
    this.fit = init.fit;
  }

  /**
   * Event-time rows (reference included), then the overall ATT for 'sunab', as plain
   * {@link Estimate}s with exactly the seven fields (broom's tidy contract; `e` lives on `rows`).
   */
  tidy(): Estimate[] {
    const pick = ({ term, estimate, stdError, statistic, pValue, confLow, confHigh }: Estimate): Estimate => ({ term, estimate, stdError, statistic, pValue, confLow, confHigh });
    const rows = this.rows.map(pick);
    if (this.overall !== undefined) rows.push(pick(this.overall));
    return rows;
  }

  /** fixest-style printed table with the pre-trend test and notes. */
  summary(): string {
    const p = this.pretest;
    const title = this.method === 'sunab' ? `Event study (Sun & Abraham 2021), Dep. Var.: ${this.outcome}` : `Event study (TWFE), Dep. Var.: ${this.outcome}`;
    return renderSummary({
      title,
      meta: [
        ['Observations', formatInteger(this.nobs)],
        ['Units', formatInteger(this.nUnits)],
        ['Standard-errors', this.vcovLabel],
        ['Reference period', this.ref.join(', ')],
      ],
      rows: [...this.rows.filter((row) => row.reference !== true), ...(this.overall === undefined ? [] : [this.overall])],
      notes: this.notes,
      footer: [
        Number.isFinite(p.statistic)
          ? `Pre-trend Wald test: stat = ${formatSignif(p.statistic)}, p-value = ${formatPValue(p.pValue)}, on ${p.df1} and ${formatInteger(p.df2)} DoF`
          : 'Pre-trend Wald test: no pre-period coefficients',
      ],
    });
  }

  /** Plain JSON data with `kind: 'eventStudy'` (non-finite numbers become null). */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      method: this.method,
      outcome: this.outcome,
      ref: [...this.ref],
      window: this.window === undefined ? null : [...this.window],
      rows: this.rows.map(jsonRow),
      pretest: jsonRow(this.pretest),
      overall: this.overall === undefined ? null : jsonRow(this.overall),
      cohortEstimates: this.cohortEstimates === undefined ? null : this.cohortEstimates.map(jsonRow),
      nobs: this.nobs,
      nUnits: this.nUnits,
      nClusters: Number.isFinite(this.nClusters) ? this.nClusters : null,
      vcov: this.vcovLabel,
      notes: JSON.parse(JSON.stringify(this.notes)) as unknown,
    };
  }

  [inspect](): string {
    return this.summary();
  }
}

interface EventStudyParams {
  readonly data: DidData;
  readonly outcome: string;
  readonly unit: string;
  readonly time: string;
  readonly cohort: string;
  readonly covariates: readonly string[];
  readonly ref: readonly number[];
  readonly window?: readonly [number, number];
  readonly vcov: VcovSpec;
  readonly method: 'twfe' | 'sunab';
  readonly level: number;
  readonly weights?: string;
}

function validateEventStudyOptions(options: EventStudyOptions): EventStudyParams {
  if (options === null || typeof options !== 'object') {
    throw new CausalPanelError('invalid_option', `${FN}: options must be an object (got ${options === null ? 'null' : typeof options})`, { fn: FN });
  }
  const { data, outcome, unit, time, cohort, ref = -1, window, covariates = [], vcov, method = 'twfe', level = 0.95, weights } = options;
  if (method !== 'twfe' && method !== 'sunab') {
    throw new CausalPanelError('invalid_option', `${FN}: method must be "twfe" or "sunab" (got ${JSON.stringify(method)})`, { fn: FN, option: 'method', value: method });
  }
  const refs = typeof ref === 'number' ? [ref] : Array.isArray(ref) ? [...(ref as readonly number[])] : null;
  if (refs === null || refs.length === 0 || refs.some((r) => typeof r !== 'number' || !Number.isFinite(r))) {
    throw new CausalPanelError('invalid_option', `${FN}: ref must be a finite number or an array of them (got ${JSON.stringify(ref)})`, { fn: FN, option: 'ref', value: ref });
  }
  let binned: readonly [number, number] | undefined;
  if (window !== undefined) {
    const ok = Array.isArray(window) && window.length === 2 && window.every((w) => typeof w === 'number' && Number.isFinite(w)) && window[0]! <= window[1]!;
    if (!ok) {
      throw new CausalPanelError('invalid_option', `${FN}: window must be [min, max] with finite min <= max (got ${JSON.stringify(window)})`, { fn: FN, option: 'window', value: window });
    }
    binned = [window[0]!, window[1]!];
    const outside = refs.find((r) => r < binned![0] || r > binned![1]);
    if (outside !== undefined) {
      throw new CausalPanelError('invalid_option', `${FN}: ref ${outside} lies outside window [${binned[0]}, ${binned[1]}]`, { fn: FN, option: 'ref', value: outside });
    }
  }
  checkLevel(level, FN);
  if (typeof cohort !== 'string' || cohort.length === 0) {
    throw new CausalPanelError('invalid_option', `${FN}: option "cohort" must be a column name (got ${cohort === undefined ? 'undefined' : JSON.stringify(cohort)})`, { fn: FN, option: 'cohort', value: cohort });
  }
  const vcovSpec = parseVcov(vcov, { fn: FN, fixedEffects: [unit], combined: true });
  // Every component of a combined term `a^b` must exist and be complete.
  const clusters = clusterVariables(vcovSpec);
  const validated = validateDidData(data, { outcome, unit, time, cohort, covariates, weights, extra: clusters, numericTime: true }, FN);
  return Object.freeze({ data: validated, outcome, unit, time, cohort, covariates: [...covariates], ref: Object.freeze(refs), window: binned, vcov: vcovSpec, method, level, weights });
}

/** A generated column name for relative time e (`e_m2`, `e_0`, `e_3`). */
function eventName(e: number): string {
  return `e_${e < 0 ? 'm' : ''}${String(Math.abs(e)).replace(/\./g, '_')}`;
}

/**
 * Event-study estimates of dynamic treatment effects: TWFE leads and lags, or Sun & Abraham's
 * interaction-weighted estimator (`method: 'sunab'`, as fixest's `sunab()`), with a joint
 * pre-trend Wald test.
 *
 * 'twfe': `outcome ~ covariates + Σ_{e ≠ ref} 1{E = e} | unit + time`, where E = time − cohort
 * for treated units (never-treated units get no dummies). 'sunab': the same with one dummy per
 * (e, cohort) cell, then the event-time effect at e is the cohort-share-weighted average of the
 * cell coefficients with a delta-method SE over the full vcov; `overall` averages all cells with
 * e ≥ 0. Cohorts observed only after their treatment date (always treated) are dropped for
 * 'sunab' (a note says how many units).
 *
 * The reference period is included in `rows` with estimate 0, NaN SE and `reference: true`, as
 * fixest's `iplot` draws it. Relative times whose coefficient is collinear are left out (a note
 * from the regression names them).
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (bad ref, window,
 *   method, level, vcov; cohort varying within a unit), `no_rows_left`, `no_treated_units`,
 *   `singular_design` (no event-time coefficient estimable)
 * @example
 * // base_did: every treated unit starts at period 6
 * const es = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', covariates: ['x1'] });
 * es.rows.find((r) => r.e === 4)!.estimate;
 * // 6.606228841916029 (fixest 0.12.2: feols(y ~ x1 + i(period, treat, 5) | id + period, base_did), period::10:treat)
 */
export function eventStudy(options: EventStudyOptions): EventStudyResult {
  return withFunctionName('eventStudy', () => eventStudyUnlabelled(options));
}

/** {@link eventStudy} itself; errors of inner public functions are relabelled by the wrapper above. */
function eventStudyUnlabelled(options: EventStudyOptions): EventStudyResult {
  const params = validateEventStudyOptions(options);
  const { data, level } = params;
  const time = data.time as Float64Array;
  const cohort = data.cohort!;
  const nrow = data.frame.nrow;
  const notes: Note[] = [...data.notes];

  // Relative time (NaN for never treated), and its binned version.
  const rawRel = new Float64Array(nrow);
  const rel = new Float64Array(nrow);
  for (let i = 0; i < nrow; i++) {
    const e = Number.isFinite(cohort[i]!) ? time[i]! - cohort[i]! : NaN;
    rawRel[i] = e;
    rel[i] = params.window === undefined || Number.isNaN(e) ? e : Math.min(Math.max(e, params.window[0]), params.window[1]);
  }

  let rows = data.rows;
  let treatedCohorts: number[] | undefined;
  if (params.method === 'sunab') {
    const classes = classifyCohorts(rawRel, cohort, rows);
    treatedCohorts = classes.treated;
    if (classes.alwaysTreated.length > 0) {
      const always = new Set(classes.alwaysTreated);
      const dropped = rows.filter((row) => always.has(cohort[row]!));
      rows = rows.filter((row) => !always.has(cohort[row]!));
      notes.push({
        code: 'units_dropped',
        count: countDistinct(data.unit.codes, dropped),
        reason: `cohort${classes.alwaysTreated.length === 1 ? '' : 's'} ${classes.alwaysTreated.join(', ')} treated in every observed period (no pre-period for Sun & Abraham)`,
      });
    }
    if (classes.notYetInSample.length > 0) {
      notes.push({ code: 'design_adjusted', message: `cohort${classes.notYetInSample.length === 1 ? '' : 's'} ${classes.notYetInSample.join(', ')} not treated within the sample: used as controls (as fixest's sunab)` });
    }
    if (treatedCohorts.length === 0) {
      throw new CausalPanelError('no_treated_units', `${FN}: no cohort is observed both before and after treatment`, { fn: FN, column: params.cohort });
    }
  }
  if (rows.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no rows left`, { fn: FN });

  const columns = new RegressionColumns();
  const y = columns.add(params.outcome, data.outcome);
  const covariates = params.covariates.map((name, j) => columns.add(name, data.covariates[j]!));
  const unitAlias = columns.add(params.unit, data.frame.column(params.unit, FN));
  const timeAlias = columns.add(params.time, time);
  const refs = new Set(params.ref);

  // Design columns: one per event time (twfe) or per (event time, cohort) cell (sunab).
  interface DesignColumn {
    name: string;
    e: number;
    cell?: SunabCell;
  }
  const design: DesignColumn[] = [];
  if (params.method === 'twfe') {
    const events = new Set<number>();
    for (const row of rows) if (!Number.isNaN(rel[row]!) && !refs.has(rel[row]!)) events.add(rel[row]!);
    for (const e of [...events].sort((a, b) => a - b)) {
      const dummy = new Float64Array(nrow);
      for (let i = 0; i < nrow; i++) dummy[i] = rel[i] === e ? 1 : 0;
      design.push({ name: columns.addGenerated(eventName(e), dummy), e });
    }
  } else {
    const cells = sunabCells(rel, cohort, rows, treatedCohorts!, params.ref, params.time, data.weights);
    for (const cell of cells) {
      const dummy = new Float64Array(nrow);
      for (const row of cell.rows) dummy[row] = 1;
      design.push({ name: columns.addGenerated(`${eventName(cell.e)}_g${String(cell.cohort).replace(/[^0-9]/g, '_')}`, dummy), e: cell.e, cell });
    }
  }
  if (design.length === 0) {
    throw new CausalPanelError('singular_design', `${FN}: no event-time coefficient to estimate (every treated row is at the reference period)`, { fn: FN });
  }

  const vcov = vcovForFit(params.vcov, columns, data);
  const weights = params.weights !== undefined ? columns.add(params.weights, data.weights!) : undefined;
  const formula = `${y} ~ ${[...covariates, ...design.map((d) => d.name)].join(' + ')} | ${unitAlias} + ${timeAlias}`;
  const subset = Int32Array.from(rows);
  const fit = feols(formula, columns.frame().take(subset), { vcov, level, ...(weights !== undefined ? { weights } : {}) });
  const usedRows = fitRows(fit, subset);
  const coefficients = fit.coefficients;
  const vcovMatrix = fit.vcovMatrix;
  const k = fit.terms.length;
  const indices = design.map((d) => termIndex(fit, d.name));
  if (indices.every((index) => index < 0)) {
    throw new CausalPanelError('singular_design', `${FN}: every event-time coefficient is collinear with the fixed effects`, { fn: FN });
  }

  const estimateAt = (index: number, term: string): Estimate => ({
    term,
    ...waldInference(coefficients[index]!, Math.sqrt(vcovMatrix[index + index * k]!), fit.dist, level),
  });
  const eventRows: EventTimeEstimate[] = [];
  let overall: Estimate | undefined;
  let cohortEstimates: CohortEstimate[] | undefined;
  if (params.method === 'twfe') {
    design.forEach((d, j) => {
      if (indices[j]! >= 0) eventRows.push({ ...estimateAt(indices[j]!, `${params.time}::${d.e}`), e: d.e });
    });
  } else {
    // Cell weights over the rows actually used by the fit (fixest: colSums(sign(model.matrix))).
    const used = new Uint8Array(nrow);
    for (const row of usedRows) used[row] = 1;
    const cellWeight = (cell: SunabCell): number => {
      let w = 0;
      for (const row of cell.rows) if (used[row] === 1) w += data.weights === undefined ? 1 : data.weights[row]!;
      return w;
    };
    cohortEstimates = [];
    const byEvent = new Map<number, { index: number; weight: number }[]>();
    const post: { index: number; weight: number }[] = [];
    design.forEach((d, j) => {
      const index = indices[j]!;
      if (index < 0) return;
      const weight = cellWeight(d.cell!);
      cohortEstimates!.push({ ...estimateAt(index, d.cell!.term), e: d.e, cohort: d.cell!.cohort, weight });
      if (!byEvent.has(d.e)) byEvent.set(d.e, []);
      byEvent.get(d.e)!.push({ index, weight });
      if (d.e >= 0) post.push({ index, weight });
    });
    for (const [e, cells] of [...byEvent].sort((a, b) => a[0] - b[0])) {
      const agg = aggregateCoefficients(coefficients, vcovMatrix, k, cells.map((c) => c.index), cells.map((c) => c.weight));
      eventRows.push({ term: `${params.time}::${e}`, ...waldInference(agg.estimate, agg.stdError, fit.dist, level), e });
    }
    if (post.length > 0) {
      const agg = aggregateCoefficients(coefficients, vcovMatrix, k, post.map((c) => c.index), post.map((c) => c.weight));
      overall = { term: 'ATT', ...waldInference(agg.estimate, agg.stdError, fit.dist, level) };
    }
  }
  for (const r of params.ref) {
    eventRows.push({ term: `${params.time}::${r}`, estimate: 0, stdError: NaN, statistic: NaN, pValue: NaN, confLow: NaN, confHigh: NaN, e: r, reference: true });
  }
  eventRows.sort((a, b) => a.e - b.e);

  // Pre-trend test over the kept pre-period coefficients (e < 0, reference excluded).
  const preIndices = design.map((d, j) => (d.e < 0 ? indices[j]! : -1)).filter((index) => index >= 0);
  const nFixefParams = countDistinct(factor(data.frame.column(params.unit, FN), { order: 'appearance' }).codes, usedRows) - 1 + countDistinct(factor(time, { order: 'appearance' }).codes, usedRows) - 1 + 1;
  const pretest = waldPretest(coefficients, vcovMatrix, k, preIndices, usedRows.length - (k + nFixefParams));

  return new EventStudyResult({
    method: params.method,
    outcome: params.outcome,
    ref: params.ref,
    window: params.window,
    rows: eventRows,
    pretest,
    overall,
    cohortEstimates,
    nobs: usedRows.length,
    nUnits: countDistinct(data.unit.codes, usedRows),
    nClusters: countClusters(params.vcov, data, usedRows),
    vcovLabel: vcovLabel(params.vcov),
    notes: [...notes, ...fit.notes],
    fit,
  });
}

/**
 * Joint Wald F test that the coefficients at `indices` are all 0: F = b'V⁻¹b / q on (q, df2),
 * as fixest's `wald()`. NaN statistic and p-value when `indices` is empty.
 *
 * @example
 * waldPretest([1, 2], [1, 0, 0, 1], 2, [0, 1], 100).statistic; // (1 + 4) / 2 = 2.5
 */
export function waldPretest(coefficients: ArrayLike<number>, vcov: ArrayLike<number>, k: number, indices: readonly number[], df2: number): PreTest {
  const q = indices.length;
  if (q === 0) return { statistic: NaN, df1: 0, df2, pValue: NaN };
  const sub = new Float64Array(q * q);
  const b = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    b[a] = coefficients[indices[a]!]!;
    for (let c = 0; c < q; c++) sub[a + c * q] = vcov[indices[a]! + indices[c]! * k]!;
  }
  const x = choleskySolve(choleskyFactor(sub, q, FN), q, b);
  let quad = 0;
  for (let a = 0; a < q; a++) quad += b[a]! * x[a]!;
  const statistic = quad / q;
  return { statistic, df1: q, df2, pValue: fUpper(statistic, q, df2) };
}
