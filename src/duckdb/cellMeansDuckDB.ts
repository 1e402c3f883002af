/**
 * Cell means for event-study plots, computed in DuckDB: the mean outcome by cohort × period (the
 * raw trajectories a staggered-adoption plot starts from) or, for the treated cohorts, by event
 * time e = period − cohort, with counts, SDs and SEs — one GROUP BY, no rows loaded. Cohorts are
 * coded by the one never-treated rule (data/neverTreated.ts): 0, NULL, ±Infinity or a cohort
 * after the last period is never treated (cohort Infinity in the rows).
 */
import { CausalPanelError } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { waldInference } from '../inference/intervals.js';
import { opt, readOptions } from '../options.js';
import { formatInteger } from '../report/format.js';
import { Result, type SummaryParts } from '../report/result.js';
import { dataOption, openSource, quoteIdentifier, type DuckDBConnectionLike } from './connection.js';

const FN = 'cellMeansDuckDB';

/**
 * Options of {@link cellMeansDuckDB}.
 * @example const options: CellMeansDuckDBOptions = { data: 'panel', outcome: 'y', time: 'year', cohort: 'first_treat', by: 'event' };
 */
export interface CellMeansDuckDBOptions {
  /** A table or view name, or a SQL query (used as a subquery). */
  data: string;
  outcome: string;
  time: string;
  /** First treated period; 0, NULL, ±Infinity or after the last period = never treated. */
  cohort: string;
  /** 'period' (default): cohort × period cells; 'event': treated cohorts pooled by event time. */
  by?: 'period' | 'event';
  /** Confidence level of the intervals (default 0.95; t with n − 1 df). */
  level?: number;
}

/**
 * One cell: its cohort (Infinity = never treated; NaN when pooled by event time), period (NaN by
 * event time), event time `e` (NaN for never-treated cells), rows, mean, SD and SE of the mean.
 * @example res.rows[0]; // { term: 'cohort 3, period 1', cohort: 3, time: 1, e: -2, n: 286, mean: 55.1, sd: 2.4, stdError: 0.14, … }
 */
export type CellMean = Estimate & { cohort: number; time: number; e: number; n: number; mean: number; sd: number };

/**
 * Mean outcomes by cohort × period or by event time, from one DuckDB query (`sql`).
 *
 * @example
 * const cm = await cellMeansDuckDB(connection, { data: 'panel', outcome: 'y', time: 'period', cohort: 'cohort', by: 'event' });
 * cm.rows.map((r) => r.e); // [-4, -3, …, 3]
 */
export class CellMeansDuckDBResult extends Result {
  readonly kind = 'cellMeans';
  readonly by: 'period' | 'event';
  readonly level: number;
  readonly rows: readonly CellMean[];
  /** The SQL statement that computed the cells. */
  readonly sql: readonly string[];

  /** @internal use `cellMeansDuckDB()`. */
  constructor(init: { by: 'period' | 'event'; level: number; rows: CellMean[]; sql: string[] }) {
    super([{ code: 'design_adjusted', message: 'computed in DuckDB (one GROUP BY, in result.sql); no rows were loaded' }]);
    this.by = init.by;
    this.level = init.level;
    this.rows = Object.freeze(init.rows.map((r) => Object.freeze(r)));
    this.sql = Object.freeze([...init.sql]);
  }

  /**
   * The cell means as {@link Estimate}s at `level` (t with n − 1 df).
   * @example cm.tidy()[0].term; // 'event -4'
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: FN, key: 'level' });
    return this.rows.map((r) => ({ term: r.term, ...waldInference(r.mean, r.stdError, { kind: 't', df: Math.max(r.n - 1, 1) }, checked) }));
  }

  protected summaryParts(): SummaryParts {
    const rows = this.rows.reduce((s, r) => s + r.n, 0);
    return { title: `Mean outcome by ${this.by === 'event' ? 'event time (treated cohorts)' : 'cohort x period'}, computed in DuckDB`, meta: [['Observations', formatInteger(rows)]] };
  }

  protected jsonFields(): Record<string, unknown> {
    return { by: this.by, level: this.level, rows: this.rows, sql: this.sql };
  }
}

/**
 * Cell means for event-study plots, computed in DuckDB (see the file header).
 *
 * @throws {CausalPanelError} `missing_column`, `invalid_option`, `no_rows_left`
 * @example
 * const cm = await cellMeansDuckDB(connection, { data: 'panel', outcome: 'y', time: 'period', cohort: 'cohort' });
 * cm.rows.find((r) => r.cohort === Infinity && r.time === 1)?.mean; // the never-treated mean in period 1
 */
export async function cellMeansDuckDB(connection: DuckDBConnectionLike, options: CellMeansDuckDBOptions): Promise<CellMeansDuckDBResult> {
  const params = readOptions(FN, options, {
    data: dataOption(),
    outcome: opt.column({ required: true }),
    time: opt.column({ required: true }),
    cohort: opt.column({ required: true }),
    by: opt.oneOf(['period', 'event'], 'period'),
    level: opt.level(),
  });
  const { relation, run } = await openSource(connection, params.data, [params.outcome, params.time, params.cohort], FN);
  const q = quoteIdentifier;
  const base = `SELECT CAST(${q(params.outcome)} AS DOUBLE) AS y, CAST(${q(params.time)} AS DOUBLE) AS t, CAST(${q(params.cohort)} AS DOUBLE) AS g FROM ${relation}`;
  const clean = `clean AS (SELECT * FROM (${base}) WHERE y IS NOT NULL AND NOT isnan(y) AND NOT isinf(y) AND t IS NOT NULL AND NOT isnan(t))`;
  const coded = `coded AS (SELECT y, t, CASE WHEN g IS NULL OR isnan(g) OR isinf(g) OR g = 0 OR g > (SELECT max(t) FROM clean) THEN 'Infinity'::DOUBLE ELSE g END AS c FROM clean)`;
  const stats = 'count(*), avg(y), stddev_samp(y)';
  const statement =
    params.by === 'period'
      ? `WITH ${clean}, ${coded} SELECT c, t, ${stats} FROM coded GROUP BY c, t ORDER BY c, t`
      : `WITH ${clean}, ${coded} SELECT t - c AS e, ${stats} FROM coded WHERE isfinite(c) GROUP BY t - c ORDER BY e`;
  const result = await run(statement);
  if (result.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no rows with an outcome and a period`, { fn: FN });
  const rows: CellMean[] = result.map((r) => {
    const [cohort, time, e, n, mean, sd] = params.by === 'period' ? [r[0]!, r[1]!, r[1]! - r[0]!, r[2]!, r[3]!, r[4]!] : [NaN, NaN, r[0]!, r[1]!, r[2]!, r[3]!];
    const term = params.by === 'period' ? `cohort ${cohort === Infinity ? 'never' : cohort}, period ${time}` : `event ${e}`;
    const se = sd / Math.sqrt(n);
    return { term, ...waldInference(mean, se, { kind: 't', df: Math.max(n - 1, 1) }, params.level), cohort, time, e: Number.isFinite(e) ? e : NaN, n, mean, sd };
  });
  return new CellMeansDuckDBResult({ by: params.by, level: params.level, rows, sql: [statement] });
}
