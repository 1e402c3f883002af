/**
 * `attgt` without covariates pushed down to DuckDB: every ATT(g,t), its analytic
 * influence-function SE, and the aggregations, from per-cohort sufficient statistics of the
 * balanced panel — the rows never leave DuckDB.
 *
 * Without covariates every 2×2 estimator of did (dr, ipw, reg) reduces to the difference of the
 * treated cohort's mean change and the comparison units' mean change, ΔY = Y(t) − Y(base), and
 * its influence function to (n/n_T)(ΔYᵢ − μ_T) on the treated and −(n/n_C)(ΔYᵢ − μ_C) on the
 * comparison units. DuckDB pivots the panel to one row per unit (a conditional aggregate per
 * period, so the SQL is portable), applies did's sample rules (cohort coding of
 * data/neverTreated.ts, units treated in the first period dropped, the panel balanced by dropping
 * units with gaps or missing outcomes) and returns, per cohort, n, the mean path z̄ₜ = mean(Yₜ −
 * Y_first) and the co-moments of z; cells, SEs and aggregations follow from those
 * (`affineInfluence.ts`). Conventions (cells, base periods, comparison sets, did's NA for SEs
 * ≤ √ε·10) are `attgtCells.ts`'s.
 */
import { CausalPanelError, type Note } from '../errors.js';
import { opt, readOptions } from '../options.js';
import { sumOfSquares, zeroInfluence, type CohortMoments } from './affineInfluence.js';
import { AttgtDuckDBResult, type PushdownCell } from './attgtDuckDBResult.js';
import { dataOption, missingRowsNote, openSource, quoteIdentifier, sqlNumber, type DuckDBConnectionLike } from './connection.js';

export { AttgtDuckDBResult, type PushdownCell } from './attgtDuckDBResult.js';

const FN = 'attgtDuckDB';
const SE_ZERO = Math.sqrt(2.220446049250313e-16) * 10;

/**
 * Options of {@link attgtDuckDB}: `attgt()`'s, with `data` a DuckDB table or view name or a query.
 * @example const options: AttgtDuckDBOptions = { data: 'panel', outcome: 'y', unit: 'id', time: 'year', cohort: 'first_treat', control: 'notyet' };
 */
export interface AttgtDuckDBOptions {
  /** A table or view name, or a SQL query (used as a subquery). */
  data: string;
  outcome: string;
  unit: string;
  /** Integer periods. */
  time: string;
  /** First treated period; 0, NULL, ±Infinity or after the last period = never treated. */
  cohort: string;
  /** Comparison group (default 'never'). */
  control?: 'never' | 'notyet';
  /** 'dr' (default), 'ipw' or 'reg': identical without covariates. */
  method?: 'dr' | 'ipw' | 'reg';
  anticipation?: number;
  basePeriod?: 'varying' | 'universal';
  level?: number;
}

const SPEC = {
  data: dataOption(),
  outcome: opt.column({ required: true }),
  unit: opt.column({ required: true }),
  time: opt.column({ required: true }),
  cohort: opt.column({ required: true }),
  control: opt.oneOf(['never', 'notyet'], 'never'),
  method: opt.oneOf(['dr', 'ipw', 'reg'], 'dr'),
  anticipation: opt.integer({ min: 0, default: 0 }),
  basePeriod: opt.oneOf(['varying', 'universal'], 'varying'),
  level: opt.level(),
};

const UNSUPPORTED = {
  covariates: 'covariates need a propensity score and outcome regression on the unit rows: use fromDuckDB() and attgt()',
  weights: 'sampling weights are not pushed down: use fromDuckDB() and attgt()',
  bootstrap: 'the pushdown gives analytic SEs only',
  clusters: 'the pushdown clusters by unit only',
  panel: 'the pushdown takes balanced panels only',
  allowUnbalanced: 'the pushdown balances the panel by dropping units with gaps, as did',
  standardize: 'effect sizes are not computed by the pushdown',
};

/**
 * `attgt({ …, covariates: [] })` computed in DuckDB: the same ATT(g,t) rows and analytic SEs, and
 * `aggregate('simple' | 'dynamic' | 'group' | 'calendar')` with the same estimates and SEs.
 *
 * @throws {CausalPanelError} `missing_column`, `invalid_option` (non-integer periods, a cohort
 *   varying within a unit, a unit seen twice in a period, bad options), `no_control_units`,
 *   `no_treated_units`, `no_rows_left`
 * @example
 * const cs = await attgtDuckDB(connection, { data: 'mpdta', outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * cs.rows[0].term;                          // 'ATT(2004,2004)'; estimate −0.01050, SE 0.02325, as attgt()
 * cs.aggregate('dynamic').overall.estimate; // −0.07724
 */
export async function attgtDuckDB(connection: DuckDBConnectionLike, options: AttgtDuckDBOptions): Promise<AttgtDuckDBResult> {
  const params = readOptions(FN, options, SPEC, { unsupported: UNSUPPORTED });
  const { relation, run, sql } = await openSource(connection, params.data, [params.outcome, params.unit, params.time, params.cohort], FN);
  const q = quoteIdentifier;
  const base = `SELECT CAST(${q(params.outcome)} AS DOUBLE) AS y, ${q(params.unit)} AS u, CAST(${q(params.time)} AS DOUBLE) AS t, CAST(${q(params.cohort)} AS DOUBLE) AS g FROM ${relation}`;
  const bad = `y IS NULL OR isnan(y) OR isinf(y) OR u IS NULL OR t IS NULL OR isnan(t)`;
  const clean = `clean AS (SELECT * FROM (${base}) WHERE NOT (${bad}))`;

  // 1. dropped rows and the periods
  const [[rows, dropped, yNa, yInf, uNa, tNa]] = (await run(
    `SELECT count(*), count(*) FILTER (WHERE ${bad}), count(*) FILTER (WHERE y IS NULL OR isnan(y)), count(*) FILTER (WHERE isinf(y)), count(*) FILTER (WHERE u IS NULL), count(*) FILTER (WHERE t IS NULL OR isnan(t)) FROM (${base})`,
  )) as [[number, number, number, number, number, number]];
  const notes: Note[] = [];
  const dropNote = missingRowsNote(dropped, [[yNa + yInf, params.outcome], [uNa, params.unit], [tNa, params.time]], yInf);
  if (dropNote) notes.push(dropNote);
  if (rows - dropped === 0) throw new CausalPanelError('no_rows_left', `${FN}: no rows left after dropping missing values`, { fn: FN });
  const periodRows = await run(`WITH ${clean} SELECT t, max(CASE WHEN g IS NULL OR isnan(g) OR isinf(g) THEN 0 ELSE g END) FROM clean GROUP BY t ORDER BY t`);
  const periods = periodRows.map((r) => r[0]!);
  for (const t of periods) if (!Number.isInteger(t)) throw new CausalPanelError('invalid_option', `${FN}: column "${params.time}" must hold integer periods (got ${t})`, { fn: FN, column: params.time, value: t });
  const T = periods.length;
  const first = periods[0]!;
  const last = periods[T - 1]!;

  // 2. one row per unit (did's cohort coding and sample rules), then per-cohort moments
  const never = `(g IS NULL OR isnan(g) OR isinf(g) OR g = 0 OR g > ${sqlNumber(last)})`;
  const ys = periods.map((p, j) => `max(y) FILTER (WHERE t = ${sqlNumber(p)}) AS y${j}`).join(', ');
  // periods present: the pivoted outcomes that are not NULL (clean rows have an outcome); more rows than that = a period twice
  const present = `(${periods.map((_, j) => `CAST(y${j} IS NOT NULL AS INTEGER)`).join(' + ')})`;
  const zs = periods.slice(1).map((_, j) => `y${j + 1} - y0 AS z${j + 1}`).join(', ');
  const wide =
    `${clean}, coded AS (SELECT u, t, y, CASE WHEN ${never} THEN 'Infinity'::DOUBLE ELSE g END AS c FROM clean), ` +
    `wide AS (SELECT u, min(c) AS c, max(c) AS cmax, count(*) AS nt, ${ys} FROM coded GROUP BY u), ` +
    `status AS (SELECT *, CASE WHEN c <> cmax THEN 3 WHEN nt <> ${present} THEN 4 WHEN c <= ${sqlNumber(first + params.anticipation)} THEN 1 WHEN ${present} < ${T} THEN 2 ELSE 0 END AS s FROM wide)`;
  const aggregates: string[] = ['s', 'c', 'count(*)'];
  for (let a = 1; a < T; a++) aggregates.push(`avg(z${a})`);
  for (let a = 1; a < T; a++) for (let b = a; b < T; b++) aggregates.push(`covar_pop(z${a}, z${b})`);
  const stats = await run(`WITH ${wide} SELECT ${aggregates.join(', ')} FROM (SELECT s, c${zs ? `, ${zs}` : ''} FROM status) GROUP BY s, c ORDER BY s, c`);
  const countOf = (s: number): number => stats.filter((r) => r[0] === s).reduce((sum, r) => sum + r[2]!, 0);
  if (countOf(3) > 0) throw new CausalPanelError('invalid_option', `${FN}: column "${params.cohort}" varies within ${countOf(3)} units`, { fn: FN, column: params.cohort });
  if (countOf(4) > 0) throw new CausalPanelError('invalid_option', `${FN}: ${countOf(4)} units are observed more than once in a period`, { fn: FN, column: params.unit });
  if (countOf(1) > 0) notes.push({ code: 'units_dropped', count: countOf(1), reason: `already treated in the first period${params.anticipation > 0 ? ` (anticipation ${params.anticipation})` : ''}` });
  if (countOf(2) > 0) notes.push({ code: 'units_dropped', count: countOf(2), reason: 'missing in some periods (panel balanced by dropping them, as did)' });
  const anyNever = stats.some((r) => r[1] === Infinity);
  if (!anyNever) {
    if (params.control === 'never') {
      throw new CausalPanelError('no_control_units', `${FN}: no never-treated units, so control = 'never' has no comparison group; use control: 'notyet'`, { fn: FN, option: 'control', value: params.control });
    }
    throw new CausalPanelError('invalid_option', `${FN}: without never-treated units did drops the periods from the last cohort's treatment on; the pushdown does not: use fromDuckDB() and attgt()`, { fn: FN, option: 'control' });
  }
  const cohorts: CohortMoments[] = stats
    .filter((r) => r[0] === 0)
    .map((r) => {
      const mean = new Float64Array(T);
      const comoment = new Float64Array(T * T);
      const n = r[2]!;
      for (let a = 1; a < T; a++) mean[a] = r[2 + a]!;
      let k = 2 + T;
      for (let a = 1; a < T; a++) {
        for (let b = a; b < T; b++, k++) {
          const m = n * r[k]!;
          comoment[a * T + b] = m;
          comoment[b * T + a] = m;
        }
      }
      return { cohort: r[1]!, n, mean, comoment };
    });
  const n = cohorts.reduce((s, c) => s + c.n, 0);
  if (n === 0) throw new CausalPanelError('no_rows_left', `${FN}: no units left after dropping units treated in the first period or with gaps`, { fn: FN });
  const glist = cohorts.map((c) => c.cohort).filter((g) => Number.isFinite(g) && g > first + params.anticipation);
  if (glist.length === 0) throw new CausalPanelError('no_treated_units', `${FN}: no treated cohort with a pre-treatment period (cohort column "${params.cohort}")`, { fn: FN, column: params.cohort });

  const cells = estimateCells(cohorts, periods, glist, params, n, notes);
  notes.push({ code: 'test_not_computed', test: 'pre-test of parallel trends', reason: 'the DuckDB pushdown reports the cells and aggregations only' });
  notes.push({ code: 'design_adjusted', message: `computed in DuckDB from per-cohort moments (${sql.length} statements, in result.sql); no rows were loaded` });
  return new AttgtDuckDBResult({ cells, cohorts, periods, groups: glist, n, nobs: n * T, level: params.level, params: { ...params }, notes, sql });
}

/** Every ATT(g,t) in did's order, with its SE and its influence function (see `attgtCells.ts`). */
function estimateCells(
  cohorts: readonly CohortMoments[],
  periods: readonly number[],
  glist: readonly number[],
  p: { control: 'never' | 'notyet'; anticipation: number; basePeriod: 'varying' | 'universal' },
  n: number,
  notes: Note[],
): PushdownCell[] {
  const T = periods.length;
  const varying = p.basePeriod === 'varying';
  const tfac = varying ? 1 : 0;
  const tCount = varying ? T - 1 : T;
  const slots = cohorts.length;
  const out: PushdownCell[] = [];
  for (const g of glist) {
    let pretG = -1;
    for (let j = 0; j < T; j++) if (periods[j]! + p.anticipation < g) pretG = j;
    const gs = cohorts.findIndex((c) => c.cohort === g);
    for (let t0 = 0; t0 < tCount; t0++) {
      const cur = t0 + tfac;
      const post = g <= periods[cur]!;
      const pret = post || !varying ? pretG : t0;
      if (pret < 0) continue;
      const psi = zeroInfluence(slots, T);
      const cell: PushdownCell = { group: g, time: periods[cur]!, att: NaN, se: NaN, post, psi };
      out.push(cell);
      if (!varying && periods[pret] === periods[cur]) {
        cell.att = 0;
        continue;
      }
      const cutoff = p.control === 'notyet' ? periods[Math.max(t0, pret) + tfac]! + p.anticipation : Infinity;
      // ΔY = z(cur) − z(pret): mean by cohort
      const change = (c: CohortMoments): number => c.mean[cur]! - c.mean[pret]!;
      const treated = cohorts[gs]!;
      const muT = change(treated);
      let nC = 0;
      let sumC = 0;
      const controls: number[] = [];
      cohorts.forEach((c, s) => {
        if (s === gs || !(c.cohort > cutoff || c.cohort === Infinity)) return;
        controls.push(s);
        nC += c.n;
        sumC += c.n * change(c);
      });
      if (nC === 0) {
        notes.push({ code: 'cells_not_estimated', cells: [`ATT(${g},${periods[cur]})`], reason: 'no comparison units, as did' });
        continue;
      }
      const muC = sumC / nC;
      cell.att = muT - muC;
      const set = (s: number, scale: number, mu: number): void => {
        const o = s * (T + 1);
        psi[o + cur] += scale;
        psi[o + pret] -= scale;
        psi[o + T] -= scale * mu;
      };
      set(gs, n / treated.n, muT);
      for (const s of controls) set(s, -n / nC, muC);
      const se = Math.sqrt(sumOfSquares(psi, cohorts, T)) / n;
      cell.se = se <= SE_ZERO ? NaN : se;
    }
  }
  return out;
}

