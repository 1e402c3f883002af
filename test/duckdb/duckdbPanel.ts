/**
 * DuckDB for the test/duckdb tests: a connection when `@duckdb/node-api` can be loaded (it is a
 * devDependency, so CI has it), else the reason it cannot, for `describe.skipIf` and the suite
 * title. And the generated panels, written in DuckDB SQL from a hash of (unit, period), so every
 * run sees the same numbers.
 */
import type { DuckDBConnectionLike } from '../../src/duckdb.js';

type Api = typeof import('@duckdb/node-api');

let api: Api | undefined;
let reason = '';
try {
  api = await import('@duckdb/node-api');
} catch (error) {
  reason = `@duckdb/node-api cannot be loaded (${(error as Error).message.split('\n')[0]}): DuckDB tests skipped`;
}

/** Whether DuckDB is available, and why not. */
export const duckdb = { available: api !== undefined, reason };

/** A fresh in-memory DuckDB connection. */
export async function connect(): Promise<DuckDBConnectionLike & { run(sql: string): Promise<unknown> }> {
  const instance = await api!.DuckDBInstance.create(':memory:');
  return instance.connect();
}

/** A uniform(0, 1) draw from a SQL integer expression (deterministic). */
const u = (key: string): string => `((hash(${key}) % 1000003) / 1000003.0)`;

/**
 * `CREATE TABLE name` with a balanced panel of `units` × `periods`: cohorts 0 (never), 3, 4, 5,
 * NULL (never) and 99 (after the last period: never), unit and period effects, effects growing
 * with exposure, a 0/1 `treat` (cohort 4) and `post` (period ≥ 4).
 */
export function panelSql(name: string, units: number, periods: number): string {
  return (
    `CREATE TABLE ${name} AS SELECT i AS id, t AS period, ` +
    `CASE i % 7 WHEN 0 THEN 0 WHEN 1 THEN 3 WHEN 2 THEN 4 WHEN 3 THEN 5 WHEN 4 THEN NULL WHEN 5 THEN 99 ELSE 4 END AS cohort, ` +
    `CAST(i % 7 IN (2, 6) AS INTEGER) AS treat, CAST(t >= 4 AS INTEGER) AS post, ` +
    `50 + 8 * ${u(`i * 31 + 7`)} + 0.7 * t + ${u(`i * 1000 + t`)} + ${u(`i * 7777 + t * 13`)} - ${u(`i * 3 + t * 101`)} ` +
    `+ CASE WHEN i % 7 IN (1, 2, 3, 6) AND t >= (CASE i % 7 WHEN 1 THEN 3 WHEN 3 THEN 5 ELSE 4 END) THEN 0.8 + 0.3 * (t - 3) ELSE 0 END AS y ` +
    `FROM range(1, ${units + 1}) r(i), range(1, ${periods + 1}) s(t)`
  );
}
