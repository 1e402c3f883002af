/**
 * Event-study regressions around a reference period: two-way fixed effects with leads and lags
 * (fixest's `i(rel, ref = c(-1, -1000)) | unit + time`) or Sun & Abraham's (2021)
 * interaction-weighted estimator (fixest's `sunab(cohort, time)`, aggregated by relative period).
 *
 * Relative time is e = time − cohort for units with a finite cohort; never-treated units (cohort
 * 0, missing, ±Infinity or after the last observed period, `data/neverTreated.ts`) get no
 * event-time dummies and serve as controls. With
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
import { factor } from '../../data/factor.js';
import type { Estimate } from '../../estimate.js';
import { waldInference } from '../../inference/intervals.js';
import { clusterVariables, vcovLabel, type VcovOption } from '../../inference/vcovSpec.js';
import { feols } from '../../models/feols.js';
import { combinationDist as combinationDistOf } from '../../models/waldTest.js';
import type { Dist } from '../../numerics/distributions.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import { standardizeBasis, standardizeOption, type Standardize } from '../effectSize.js';
import { EventStudyResult, type CohortEstimate, type EventTimeEstimate } from './eventStudyResult.js';
import { countClusters, countDistinct, fewClustersForDid, fitRows, RegressionColumns, termIndex, vcovForFit } from './regressionColumns.js';
import { absentCohortsAsNever, absentCohortsNote, aggregateCoefficients, classifyCohorts, sunabCells, type SunabCell } from './sunab.js';
import { defaultVcov, panelOptionSpec, validateDidData, vcovOption } from './validateDid.js';
import { waldPretest } from './waldPretest.js';

/**
 * Options of {@link eventStudy}.
 *
 * @example
 * const options: EventStudyOptions = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: 'sunab' };
 * eventStudy(options).overall?.estimate; // ≈ -0.0399513 (mpdta: fixtures/datasets/mpdta.csv)
 */
export interface EventStudyOptions {
  data: DataInput;
  /** Outcome column (numeric). */
  outcome: string;
  /** Unit column. */
  unit: string;
  /** Time period column (numeric). */
  time: string;
  /** First treated period (fixest `sunab(cohort, …)`, did's `gname`); 0, missing, ±Infinity or a period after the last observed one (fixest's 10000) = never treated. */
  cohort: string;
  /** Reference relative period(s) with no coefficient (default −1; fixest's `ref` / `ref.p`). */
  ref?: number | readonly number[];
  /** Bin relative times below `min` into `min` and above `max` into `max` (fixest's `bin.rel`). */
  window?: readonly [number, number];
  /** Numeric control variables. */
  covariates?: readonly string[];
  /** Variance, as feols (combined clusters `{ CRV1: 'school^year' }` included); default `{ CRV1: unit }` (fixest's default). */
  vcov?: VcovOption;
  /** `'twfe'` (default) or `'sunab'` (Sun & Abraham 2021). */
  method?: 'twfe' | 'sunab';
  /** Confidence level (default 0.95). */
  level?: number;
  /** Column of regression weights (fixest's `weights`). */
  weights?: string;
  /**
   * 'sunab' only: what to do with cohorts treated in every observed period (treated before the
   * sample starts). `'keep'` (default, as fixest's `sunab`): their rows stay in the regression
   * (they inform the fixed effects and covariates) but get no interaction columns. `'drop'`:
   * their rows are removed before the fit (a `units_dropped` note says how many units).
   */
  alwaysTreated?: 'keep' | 'drop';
  /**
   * σ of `effectSizes()`: `'control-baseline'` (default: the outcome's SD over never-treated
   * units — every unit when none is never treated — before the first cohort's treatment),
   * `'pooled'` (every row used) or a given σ.
   */
  standardize?: Standardize;
}

const FN = 'eventStudy';

function readRef(value: unknown, at: OptionPath): readonly number[] {
  if (value === undefined) return Object.freeze([-1]);
  const refs = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as unknown[]) : null;
  if (refs === null || refs.length === 0 || !refs.every((r) => typeof r === 'number' && Number.isFinite(r))) {
    throw invalidOption(at, 'a finite number or a non-empty array of them', value);
  }
  return Object.freeze([...new Set(refs as number[])]);
}

function readWindow(value: unknown, at: OptionPath): readonly [number, number] | undefined {
  if (value === undefined) return undefined;
  const ok = Array.isArray(value) && value.length === 2 && value.every((w) => typeof w === 'number' && Number.isFinite(w)) && value[0] <= value[1];
  if (!ok) throw invalidOption(at, '[min, max] with finite min <= max', value);
  return Object.freeze([value[0] as number, value[1] as number] as const);
}

/** The options of {@link eventStudy}, one reader each (the fields of {@link EventStudyOptions}). */
const EVENT_STUDY_SPEC = {
  ...panelOptionSpec(),
  cohort: opt.column({ required: true }),
  ref: opt.custom(readRef),
  window: opt.custom(readWindow),
  covariates: opt.columns(),
  vcov: vcovOption(),
  method: opt.oneOf(['twfe', 'sunab'], 'twfe'),
  level: opt.level(),
  weights: opt.column(),
  alwaysTreated: opt.oneOf(['keep', 'drop'], 'keep'),
  standardize: opt.custom((value, at) => (value === undefined ? undefined : standardizeOption().read(value, at))),
};

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
 * e ≥ 0. Cohorts observed only after their treatment date (always treated) stay in the 'sunab'
 * regression without interaction columns, as fixest's `sunab` (`alwaysTreated: 'drop'` removes
 * their rows instead; a note says which). Never-treated units follow the one rule of
 * `data/neverTreated.ts`: cohort 0, missing, ±Infinity or after the last observed period
 * (fixest's 10000), reported in a note unless all are coded 0.
 *
 * The reference period is included in `rows` with estimate 0, NaN SE and `reference: true`, as
 * fixest's `iplot` draws it. Relative times whose coefficient is collinear are left out (a note
 * from the regression names them).
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (bad ref, window,
 *   method, level, vcov, alwaysTreated (or given without 'sunab'); cohort varying within a unit), `no_rows_left`, `no_treated_units`,
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
  const params = readOptions(FN, options, EVENT_STUDY_SPEC);
  const { level, window } = params;
  const outside = window === undefined ? undefined : params.ref.find((r) => r < window[0] || r > window[1]);
  if (outside !== undefined) throw invalidOption({ fn: FN, key: 'ref' }, `inside window [${window![0]}, ${window![1]}]`, outside);
  const vcovSpec = defaultVcov(params.vcov, params.unit, FN);
  // Every component of a combined cluster term `a^b` must exist and be complete.
  const data = validateDidData(params.data, { ...params, extra: clusterVariables(vcovSpec), numericTime: true }, FN);
  const time = data.time as Float64Array;
  const nrow = data.frame.nrow;
  const notes: Note[] = [...data.notes];
  // Sun–Abraham follows fixest's sunab: a cohort that is none of the observed periods is never treated.
  const { cohort, absent } = params.method === 'sunab' ? absentCohortsAsNever(data.cohort!, time, data.rows) : { cohort: data.cohort!, absent: [] as number[] };
  if (absent.length > 0) notes.push(absentCohortsNote(absent, params.time));

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
  if (params.method !== 'sunab' && options.alwaysTreated !== undefined) {
    throw invalidOption({ fn: FN, key: 'alwaysTreated' }, "given only with method: 'sunab'", params.alwaysTreated);
  }
  if (params.method === 'sunab') {
    const classes = classifyCohorts(rawRel, cohort, rows);
    treatedCohorts = classes.treated;
    const alwaysList = `cohort${classes.alwaysTreated.length === 1 ? '' : 's'} ${classes.alwaysTreated.join(', ')}`;
    if (classes.alwaysTreated.length > 0 && params.alwaysTreated === 'keep') {
      notes.push({ code: 'design_adjusted', message: `${alwaysList} treated in every observed period: kept without interaction columns (as fixest's sunab; alwaysTreated: 'drop' removes them)` });
    } else if (classes.alwaysTreated.length > 0) {
      const always = new Set(classes.alwaysTreated);
      const dropped = rows.filter((row) => always.has(cohort[row]!));
      rows = rows.filter((row) => !always.has(cohort[row]!));
      notes.push({
        code: 'units_dropped',
        count: countDistinct(data.unit.codes, dropped),
        reason: `${alwaysList} treated in every observed period (no pre-period for Sun & Abraham; alwaysTreated: 'drop')`,
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

  const vcov = vcovForFit(vcovSpec, columns, data);
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
    ...waldInference(coefficients[index]!, Math.sqrt(vcovMatrix[index + index * k]!), fit.termDist(index), level),
  });
  // A weighted sum of coefficients is tested on the fit's distribution (Satterthwaite df of that sum under CR2).
  const combinationDist = (target: typeof fit, cells: readonly { index: number; weight: number }[]): Dist => {
    const c = new Float64Array(k);
    for (const cell of cells) c[cell.index]! += cell.weight;
    return combinationDistOf(target, c);
  };
  const eventRows: EventTimeEstimate[] = [];
  // Each event-time row as a weighted sum of fit coefficients (for the rows' joint vcov).
  const rowCells = new Map<number, { index: number; weight: number }[]>();
  let overall: Estimate | undefined;
  let cohortEstimates: CohortEstimate[] | undefined;
  if (params.method === 'twfe') {
    design.forEach((d, j) => {
      if (indices[j]! >= 0) {
        eventRows.push({ ...estimateAt(indices[j]!, `${params.time}::${d.e}`), e: d.e });
        rowCells.set(d.e, [{ index: indices[j]!, weight: 1 }]);
      }
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
      eventRows.push({ term: `${params.time}::${e}`, ...waldInference(agg.estimate, agg.stdError, combinationDist(fit, cells), level), e });
      rowCells.set(e, cells.map((c, i) => ({ index: c.index, weight: agg.shares[i]! })));
    }
    if (post.length > 0) {
      const agg = aggregateCoefficients(coefficients, vcovMatrix, k, post.map((c) => c.index), post.map((c) => c.weight));
      overall = { term: 'ATT', ...waldInference(agg.estimate, agg.stdError, combinationDist(fit, post), level) };
    }
  }
  for (const r of params.ref) {
    eventRows.push({ term: `${params.time}::${r}`, estimate: 0, stdError: NaN, statistic: NaN, pValue: NaN, confLow: NaN, confHigh: NaN, e: r, reference: true });
  }
  eventRows.sort((a, b) => a.e - b.e);
  const eventVcov = eventRowsVcov(eventRows.filter((row) => row.reference !== true).map((row) => rowCells.get(row.e)!), vcovMatrix, k);

  // Pre-trend test over the kept pre-period coefficients (e < 0, reference excluded).
  const preIndices = design.map((d, j) => (d.e < 0 ? indices[j]! : -1)).filter((index) => index >= 0);
  // fixest's nparams for the fixed effects: Σ(levels − 1) + 1 over unit and time.
  const nUnits = countDistinct(data.unit.codes, usedRows);
  const nFixefParams = nUnits - 1 + countDistinct(factor(time, { order: 'appearance' }).codes, usedRows) - 1 + 1;
  // The fit's few-cluster note, with the clusters holding treated units (a treated cohort) counted.
  const fitNotes: Note[] = fit.notes.filter((note) => note.code !== 'few_clusters');
  const few = fewClustersForDid(vcovSpec, data, usedRows, (row) => Number.isFinite(cohort[row]!));
  if (few !== null) fitNotes.push(few);
  const pretest = waldPretest(coefficients, vcovMatrix, k, preIndices, usedRows.length - (k + nFixefParams), fitNotes);

  // σ of the effect sizes: never-treated (else all) rows before the first treatment within the
  // sample (cohorts treated before it, kept by 'sunab', do not move the baseline)
  let tMin = Infinity;
  for (const row of usedRows) if (time[row]! < tMin) tMin = time[row]!;
  let firstCohort = Infinity;
  let anyNever = false;
  for (const row of usedRows) {
    const c = cohort[row]!;
    if (c > tMin && c < firstCohort) firstCohort = c;
    if (c === Infinity) anyNever = true;
  }
  const baseline = (row: number) => time[row]! < firstCohort && (!anyNever || cohort[row] === Infinity);
  const standardize = standardizeBasis(params.standardize, data.outcome, usedRows, baseline, FN, notes);

  return new EventStudyResult({
    standardize,
    method: params.method,
    outcome: params.outcome,
    ref: params.ref,
    window: params.window,
    level,
    rows: eventRows,
    pretest,
    overall,
    cohortEstimates,
    nobs: usedRows.length,
    nUnits,
    nClusters: countClusters(vcovSpec, data, usedRows),
    vcovLabel: vcovLabel(vcovSpec),
    notes: [...notes, ...fitNotes],
    fit,
    eventVcov,
  });
}

/** Joint vcov W V Wᵀ of the event-time rows, each a weighted sum of fit coefficients (row-major). */
function eventRowsVcov(cells: readonly (readonly { index: number; weight: number }[])[], vcov: Float64Array, k: number): number[][] {
  return cells.map((a) =>
    cells.map((b) => {
      let v = 0;
      for (const ca of a) for (const cb of b) v += ca.weight * cb.weight * vcov[ca.index + cb.index * k]!;
      return v;
    }),
  );
}
