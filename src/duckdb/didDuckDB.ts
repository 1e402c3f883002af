/**
 * Difference-in-differences pushed down to DuckDB: the TWFE regression `y ~ treat:post | unit + time`
 * on a balanced panel, or the 2×2 regression `y ~ treat + post + treat:post`, with fixest's
 * clustered-by-unit CRV1 SE — the numbers of `did()` — from group sums, without loading the rows.
 *
 * TWFE: on a balanced panel the two fixed-effect projections commute, so the within transform is
 * x − x̄ᵢ − x̄ₜ + x̄; with a = D − D̄ₜ and b = y − ȳₜ (period means, a small table joined back) it is
 * a − āᵢ, so per unit Σₜ D̃ỹ = T·cov(a, b) and Σₜ D̃² = T·var(a) (DuckDB's streaming co-moments,
 * no join with a unit table). β = Σ D̃ỹ / Σ D̃², and the cluster meat is Σᵢ Sᵢ² with
 * Sᵢ = Σₜ D̃ᵢₜ(ỹᵢₜ − βD̃ᵢₜ) = T·cov(a, b) − β·T·var(a), formed per unit from the materialised
 * per-unit table (the squares are of the scores themselves, not a difference of large sums).
 * The small-sample factor is fixest's: (n − 1)/(n − K)·G/(G − 1) with K = T + 1 (the unit fixed
 * effect is nested in the unit cluster), t with G − 1 df.
 *
 * 2×2: β is the difference in differences of the four cell means; the score of unit i is
 * Σₜ (xᵢₜᵀr)(yᵢₜ − cell mean), r the interaction's row of (XᵀX)⁻¹ (from the cell counts), K = 4.
 */
import { CausalPanelError, type Note } from '../errors.js';
import type { DidMeans } from '../estimators/did/didResult.js';
import { waldInference } from '../inference/intervals.js';
import { dofK } from '../inference/ssc.js';
import { invertSymmetric } from '../numerics/cholesky.js';
import { opt, readOptions } from '../options.js';
import { dataOption, missingRowsNote, openSource, quoteIdentifier, sqlNumber, type DuckDBConnectionLike } from './connection.js';
import { DidDuckDBResult } from './didDuckDBResult.js';

export { DidDuckDBResult } from './didDuckDBResult.js';

const FN = 'didDuckDB';

/**
 * Options of {@link didDuckDB}: `did()`'s columns, with `data` a DuckDB table or view name or a query.
 * @example
 * const options: DidDuckDBOptions = { data: "SELECT * FROM read_parquet('panel.parquet')", outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' };
 */
export interface DidDuckDBOptions {
  /** A table or view name, or a SQL query (used as a subquery). */
  data: string;
  outcome: string;
  unit: string;
  time: string;
  /** 0/1 treatment-group indicator, constant within a unit. */
  treat: string;
  /** 0/1 post-period indicator. */
  post: string;
  /** Unit and time fixed effects (default true: needs a balanced panel); false fits the 2×2 regression. */
  fixedEffects?: boolean;
  /** Confidence level (default 0.95). */
  level?: number;
}

const SPEC = {
  data: dataOption(),
  outcome: opt.column({ required: true }),
  unit: opt.column({ required: true }),
  time: opt.column({ required: true }),
  treat: opt.column({ required: true }),
  post: opt.column({ required: true }),
  fixedEffects: opt.boolean(true),
  level: opt.level(),
};

/** did's options that the pushdown does not offer, with why. */
const UNSUPPORTED = {
  covariates: 'covariates need the rows in a regression: use fromDuckDB() and did()',
  weights: 'weights are not pushed down: use fromDuckDB() and did()',
  vcov: 'the pushdown computes the default clustered-by-unit CRV1 SE only',
  standardize: "the pushdown's effect size uses the control-baseline SD",
};

/**
 * `did()` computed in DuckDB: the same ATT and clustered SE from group sums (see the file header),
 * the 2×2 table of means and the control-baseline SD; `sql` lists the statements run.
 *
 * @throws {CausalPanelError} `missing_column`, `non_finite` (infinite outcome), `invalid_option`
 *   (treat/post not 0/1, treat varying within a unit, bad options), `unbalanced_panel` (TWFE on an
 *   unbalanced panel or with a unit seen twice in a period), `singular_design`, `no_rows_left`
 * @example
 * const res = await didDuckDB(connection, { data: 'base_did', outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
 * res.att.estimate; // 4.993390413897…, as did() (fixest: feols(y ~ treat:post | id + period))
 * res.att.stdError; // 0.52143371467…
 */
export async function didDuckDB(connection: DuckDBConnectionLike, options: DidDuckDBOptions): Promise<DidDuckDBResult> {
  const params = readOptions(FN, options, SPEC, { unsupported: UNSUPPORTED });
  const { relation, run, sql } = await openSource(connection, params.data, [params.outcome, params.unit, params.time, params.treat, params.post], FN);
  const q = quoteIdentifier;
  const base = `SELECT CAST(${q(params.outcome)} AS DOUBLE) AS y, ${q(params.unit)} AS u, ${q(params.time)} AS t, CAST(${q(params.treat)} AS DOUBLE) AS d, CAST(${q(params.post)} AS DOUBLE) AS p FROM ${relation}`;
  const missing = (c: string): string => `${c} IS NULL OR isnan(${c})`;
  const clean = `clean AS (SELECT * FROM (${base}) WHERE NOT (${missing('y')}) AND u IS NOT NULL AND t IS NOT NULL AND NOT (${missing('d')}) AND NOT (${missing('p')}))`;

  // 1. missing and invalid values
  const [check] = await run(
    `SELECT count(*), count(*) FILTER (WHERE ${missing('y')} OR u IS NULL OR t IS NULL OR ${missing('d')} OR ${missing('p')}), ` +
      `count(*) FILTER (WHERE ${missing('y')}), count(*) FILTER (WHERE u IS NULL), count(*) FILTER (WHERE t IS NULL), count(*) FILTER (WHERE ${missing('d')}), count(*) FILTER (WHERE ${missing('p')}), ` +
      `count(*) FILTER (WHERE isinf(y)), count(*) FILTER (WHERE d NOT IN (0, 1)), count(*) FILTER (WHERE p NOT IN (0, 1)), ` +
      `count(DISTINCT t) FILTER (WHERE NOT (${missing('y')} OR u IS NULL OR ${missing('d')} OR ${missing('p')})) FROM (${base})`,
  );
  const [, dropped, yNa, uNa, tNa, dNa, pNa, yInf, dBad, pBad, T] = check!;
  if (yInf! > 0) throw new CausalPanelError('non_finite', `${FN}: column "${params.outcome}" has ${yInf} infinite values`, { fn: FN, column: params.outcome });
  for (const [bad, name] of [[dBad, params.treat], [pBad, params.post]] as const) {
    if (bad! > 0) throw new CausalPanelError('invalid_option', `${FN}: column "${name}" must be 0/1 (${bad} rows are not)`, { fn: FN, column: name });
  }
  const notes: Note[] = [];
  const dropNote = missingRowsNote(dropped!, [[yNa!, params.outcome], [uNa!, params.unit], [tNa!, params.time], [dNa!, params.treat], [pNa!, params.post]]);
  if (dropNote) notes.push(dropNote);

  // 2. the 2×2 cells and the per-unit structure
  const cells = await run(`WITH ${clean} SELECT d, p, count(*), avg(y), stddev_samp(y) FROM clean GROUP BY d, p ORDER BY d, p`);
  // periods a unit is seen in: one bit per period (a per-unit count(DISTINCT t) keeps a hash set
  // per unit, which spills on 10^7 units); more than 64 periods fall back to it
  const seen = T! <= 64 ? 'bit_count(bit_or(CAST(1 AS UBIGINT) << CAST(tm.j AS INTEGER)))' : 'count(DISTINCT clean.t)';
  // the per-unit structure (and, for TWFE, per unit with a = D − D̄ₜ and b = y − ȳₜ — the period
  // means: a small table joined back — Σₜ D̃ỹ = T·cov(a, b) and Σₜ D̃² = T·var(a)); for TWFE β and
  // Σᵢ Sᵢ² come from the same materialised per-unit table: one pass over the rows
  const fe = params.fixedEffects;
  const perUnit =
    `${clean}, tm AS (SELECT t, min(p) <> max(p) AS staggered, row_number() OVER (ORDER BY t) - 1 AS j${fe ? ', avg(y) AS yt, avg(d * p) AS xt' : ''} FROM clean GROUP BY t), ` +
    `per_unit AS MATERIALIZED (SELECT clean.u AS u, min(d) AS dmin, max(d) AS dmax, min(d * p) AS xmin, max(d * p) AS xmax, count(*) AS nt, ${seen} AS ndt` +
    `${fe ? ', count(*) * covar_pop(d * p - tm.xt, y - tm.yt) AS sxy, count(*) * var_pop(d * p - tm.xt) AS sxx' : ''} FROM clean JOIN tm ON clean.t = tm.t GROUP BY clean.u)` +
    `${fe ? ', total AS (SELECT sum(sxy) AS sxy, sum(sxx) AS sxx FROM per_unit)' : ''}`;
  const within = fe
    ? ', (SELECT sxx FROM total), (SELECT sxy FROM total), (SELECT sum(s * s) FROM (SELECT per_unit.sxy - total.sxy / total.sxx * per_unit.sxx AS s FROM per_unit CROSS JOIN total))'
    : '';
  const [units] = await run(
    `WITH ${perUnit} SELECT count(*), count(*) FILTER (WHERE dmin <> dmax), count(*) FILTER (WHERE xmin <> xmax), min(nt), max(nt), count(*) FILTER (WHERE nt <> ndt), ` +
      `(SELECT count(*) FILTER (WHERE staggered) FROM tm)${within} FROM per_unit`,
  );
  const [G, treatVarying, attVarying, minT, maxT, duplicated, staggered, sxx, sxy, ss] = units!;
  const nobs = cells.reduce((s, c) => s + c[2]!, 0);
  if (nobs === 0) throw new CausalPanelError('no_rows_left', `${FN}: no rows left after dropping missing values`, { fn: FN });
  if (treatVarying! > 0) throw new CausalPanelError('invalid_option', `${FN}: "${params.treat}" varies within ${treatVarying} units; it must be constant within a unit`, { fn: FN, column: params.treat });
  const means = cellMeans(cells);
  for (const [group, label] of [['treated', 'no_treated_units'], ['control', 'no_control_units']] as const) {
    if (means[group].pre.n + means[group].post.n === 0) throw new CausalPanelError(label, `${FN}: no ${group} rows`, { fn: FN, column: params.treat });
  }
  if (staggered! > 0) {
    notes.push({ code: 'design_adjusted', message: `"${params.post}" differs across units within ${staggered} periods: the TWFE coefficient averages comparisons that use already-treated units as controls (Goodman-Bacon 2021); see attgtDuckDB()` });
  }
  const sd = cells.find((c) => c[0] === 0 && c[1] === 0)?.[4] ?? NaN;
  const nPre = means.control.pre.n;

  let estimate: number;
  let meat: number;
  let K: number;
  if (params.fixedEffects) {
    if (minT !== T || maxT !== T || duplicated! > 0) {
      throw new CausalPanelError(
        'unbalanced_panel',
        `${FN}: the TWFE pushdown needs a balanced panel (every unit once in each of the ${T} periods; units are seen in ${minT} to ${maxT} periods${duplicated! > 0 ? `, ${duplicated} units twice in a period` : ''}); use fixedEffects: false, or fromDuckDB() and did()`,
        { fn: FN, column: params.unit },
      );
    }
    if (attVarying === 0) throw new CausalPanelError('singular_design', `${FN}: treat x post does not vary within any unit, so the unit fixed effects absorb it`, { fn: FN });
    if (!(sxx! > 0)) throw new CausalPanelError('singular_design', `${FN}: treat x post is collinear with the fixed effects`, { fn: FN });
    estimate = sxy! / sxx!;
    meat = ss! / (sxx! * sxx!);
    K = dofK({ nCoef: 1, fixefSizes: [G!, T!], nested: [true, false], fixefK: 'nested' });
  } else {
    const n = (d: number, p: number): number => (d === 1 ? means.treated : means.control)[p === 1 ? 'post' : 'pre'].n;
    const n1 = n(1, 0) + n(1, 1);
    const nPost = n(0, 1) + n(1, 1);
    const xpx = [nobs, n1, nPost, n(1, 1), n1, n1, n(1, 1), n(1, 1), nPost, n(1, 1), nPost, n(1, 1), n(1, 1), n(1, 1), n(1, 1), n(1, 1)];
    if (means.treated.pre.n * means.treated.post.n * nPre * means.control.post.n === 0) {
      throw new CausalPanelError('singular_design', `${FN}: a cell of the 2x2 table is empty, so treat x post is not identified`, { fn: FN });
    }
    const inv = invertSymmetric(xpx, 4, FN);
    const r = [inv[12]!, inv[13]!, inv[14]!, inv[15]!];
    estimate = means.diffInDiff;
    const m = (d: number, p: number): string => sqlNumber((d === 1 ? means.treated : means.control)[p === 1 ? 'post' : 'pre'].mean);
    const fitted = `CASE WHEN d = 0 AND p = 0 THEN ${m(0, 0)} WHEN d = 0 THEN ${m(0, 1)} WHEN p = 0 THEN ${m(1, 0)} ELSE ${m(1, 1)} END`;
    const weight = `(${sqlNumber(r[0]!)} + ${sqlNumber(r[1]!)} * d + ${sqlNumber(r[2]!)} * p + ${sqlNumber(r[3]!)} * d * p)`;
    const [[ss]] = (await run(`WITH ${clean} SELECT sum(s * s) FROM (SELECT u, sum(${weight} * (y - ${fitted})) AS s FROM clean GROUP BY u)`)) as [[number]];
    meat = ss;
    K = dofK({ nCoef: 4, fixefSizes: [], nested: null, fixefK: 'nested' });
  }
  const adj = ((nobs - 1) / (nobs - K)) * (G! / (G! - 1));
  const se = Math.sqrt(meat * adj);
  const dist = { kind: 't' as const, df: Math.max(G! - 1, 1) };
  notes.push({ code: 'design_adjusted', message: `computed in DuckDB from group sums (${sql.length} statements, in result.sql); no rows were loaded` });
  return new DidDuckDBResult({
    title: params.fixedEffects ? `TWFE difference-in-differences, Dep. Var.: ${params.outcome}` : `2x2 difference-in-differences, Dep. Var.: ${params.outcome}`,
    att: { term: 'ATT', ...waldInference(estimate, se, dist, params.level) },
    level: params.level,
    dist,
    standardize: { standardize: 'control-baseline', sd, n: nPre },
    nobs,
    nUnits: G!,
    nClusters: G!,
    vcovLabel: `Clustered (${params.unit})`,
    means,
    notes,
    sql,
  });
}

/** The 2×2 table of means from the rows (d, p, n, mean, sd) of the cell query. */
function cellMeans(cells: readonly number[][]): DidMeans {
  const cell = (d: number, p: number) => {
    const row = cells.find((c) => c[0] === d && c[1] === p);
    return row ? { mean: row[3]!, n: row[2]! } : { mean: NaN, n: 0 };
  };
  const control = { pre: cell(0, 0), post: cell(0, 1) };
  const treated = { pre: cell(1, 0), post: cell(1, 1) };
  return { treated, control, diffInDiff: treated.post.mean - treated.pre.mean - (control.post.mean - control.pre.mean) };
}
