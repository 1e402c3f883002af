/**
 * What the DuckDB adapter needs from a `@duckdb/node-api` connection, written structurally so that
 * nothing here imports DuckDB (the package is an optional peer dependency: the caller creates the
 * instance and the connection, and this module only sends SQL), plus identifier quoting and the
 * source relation of a query (a table or view name, or the caller's own SQL used as a subquery).
 */
import { CausalPanelError, type Note } from '../errors.js';
import { opt } from '../options.js';

/** One vector of a result chunk (`DuckDBVector`): its values, `null` for SQL NULL. */
export interface DuckDBVectorLike {
  readonly itemCount: number;
  getItem(index: number): unknown;
}

/** One chunk of a streamed result (`DuckDBDataChunk`). */
export interface DuckDBChunkLike {
  readonly rowCount: number;
  getColumnVector(index: number): DuckDBVectorLike;
}

/** A streamed result (`DuckDBResult`): column names and type ids, then chunks until `null` or an empty chunk. */
export interface DuckDBResultLike {
  readonly columnCount: number;
  columnName(index: number): string;
  columnTypeId(index: number): number;
  fetchChunk(): Promise<DuckDBChunkLike | null>;
}

/** A fully read small result (`DuckDBResultReader`). */
export interface DuckDBReaderLike {
  columnNames(): string[];
  getRows(): unknown[][];
}

/**
 * The part of `@duckdb/node-api`'s `DuckDBConnection` the adapter uses.
 *
 * @example
 * import { DuckDBInstance } from '@duckdb/node-api';
 * const connection: DuckDBConnectionLike = await (await DuckDBInstance.create(':memory:')).connect();
 */
export interface DuckDBConnectionLike {
  stream(sql: string): Promise<DuckDBResultLike>;
  runAndReadAll(sql: string): Promise<DuckDBReaderLike>;
}

/**
 * A DuckDB identifier in double quotes, inner quotes doubled: column names are user input and are
 * never spliced into SQL unquoted.
 *
 * @example
 * quoteIdentifier('first.treat'); // '"first.treat"'
 * quoteIdentifier('a"b');         // '"a""b"'
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new CausalPanelError('invalid_option', `duckdb: identifier contains a NUL character (${JSON.stringify(name)})`, { fn: 'duckdb', value: name });
  return `"${name.replace(/"/g, '""')}"`;
}

/** A table or view name, optionally schema-qualified (`main.panel`). */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/;

/**
 * The FROM item of `data`: a (schema-qualified) table or view name is quoted part by part; anything
 * else is the caller's own query, used as a parenthesised subquery.
 *
 * @example
 * sourceRelation('panel');                                   // '"panel"'
 * sourceRelation("SELECT * FROM read_parquet('p.parquet')"); // "(SELECT * FROM read_parquet('p.parquet')) AS src"
 */
export function sourceRelation(data: string): string {
  const text = data.trim();
  if (text.length === 0) throw new CausalPanelError('invalid_option', 'duckdb: data must be a table name or a SQL query (got an empty string)', { fn: 'duckdb', value: data });
  if (TABLE_NAME.test(text)) return text.split('.').map(quoteIdentifier).join('.');
  // a trailing semicolon would end the subquery
  return `(${text.replace(/;\s*$/, '')}) AS src`;
}

/**
 * A double as a SQL literal that DuckDB parses back to the same bits (shortest round-trip form).
 *
 * @example
 * sqlNumber(0.1);      // '0.1'
 * sqlNumber(Infinity); // "'Infinity'::DOUBLE"
 */
export function sqlNumber(x: number): string {
  if (Number.isNaN(x)) return "'NaN'::DOUBLE";
  if (!Number.isFinite(x)) return x > 0 ? "'Infinity'::DOUBLE" : "'-Infinity'::DOUBLE";
  return `${String(x)}::DOUBLE`;
}

/**
 * Runs a query whose result is small (group sums) and returns its rows as numbers (NULL → NaN;
 * BIGINT counts converted exactly).
 *
 * @example
 * await readNumbers(connection, 'SELECT 1 AS a, NULL AS b'); // [[1, NaN]]
 */
export async function readNumbers(connection: DuckDBConnectionLike, sql: string): Promise<number[][]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRows().map((row) => row.map(toNumber));
}

/** A DuckDB value as a number: NULL → NaN, bigint → number, anything else through Number(). */
function toNumber(value: unknown): number {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

/**
 * Column names of a relation (one `LIMIT 0` query: nothing is scanned).
 *
 * @example
 * await relationColumns(connection, '"panel"'); // ['unit', 'time', 'y', …]
 * @throws {CausalPanelError} `invalid_option` when DuckDB cannot read the relation (DuckDB's message quoted)
 */
export async function relationColumns(connection: DuckDBConnectionLike, relation: string, fn = 'duckdb'): Promise<string[]> {
  let reader: DuckDBReaderLike;
  try {
    reader = await connection.runAndReadAll(`SELECT * FROM ${relation} LIMIT 0`);
  } catch (error) {
    // DuckDB's own message (a missing table, a syntax error in the caller's query) under the package's error type
    throw new CausalPanelError('invalid_option', `${fn}: DuckDB cannot read the data (${(error as Error).message.split('\n')[0]}); data is a table or view name or a query (for a file: SELECT * FROM read_parquet('file.parquet'))`, { fn, option: 'data', value: relation });
  }
  return reader.columnNames();
}

/**
 * Checks that every needed column exists in the relation: a missing one is `missing_column`
 * naming the function and the columns there are.
 *
 * @throws {CausalPanelError} `missing_column`
 * @example
 * await requireColumns(connection, '"panel"', ['y', 'nope'], 'didDuckDB'); // throws missing_column (columns: unit, time, y)
 */
export async function requireColumns(connection: DuckDBConnectionLike, relation: string, needed: readonly string[], fn: string): Promise<void> {
  const names = await relationColumns(connection, relation, fn);
  const have = new Set(names);
  for (const name of needed) {
    if (!have.has(name)) throw new CausalPanelError('missing_column', `${fn}: column "${name}" not found in data (columns: ${names.join(', ')})`, { fn, column: name });
  }
}

/**
 * The `data` option of the pushdown functions: a table or view name, or a SQL query.
 * @example readOptions('didDuckDB', { data: 'panel' }, { data: dataOption() }).data; // 'panel'
 */
export function dataOption() {
  return opt.custom((value, at): string => {
    if (typeof value !== 'string') throw new CausalPanelError('invalid_option', `${at.fn}: option "data" must be a table name or a SQL query (got ${typeof value})`, { fn: at.fn, option: 'data' });
    return value;
  });
}

/** A pushdown's source: the FROM item, and a runner that records every statement it sends. */
export interface PushdownSource {
  relation: string;
  /** The statements sent so far, in order. */
  sql: string[];
  run(statement: string): Promise<number[][]>;
}

/**
 * Checks the needed columns of `data` and returns its FROM item and a recording runner.
 *
 * @throws {CausalPanelError} `missing_column`, `invalid_option` (empty data)
 * @example
 * const { relation, run, sql } = await openSource(connection, 'panel', ['y', 'id'], 'didDuckDB');
 * await run(`SELECT count(*) FROM ${relation}`); // [[12000]]; sql now holds that statement
 */
export async function openSource(connection: DuckDBConnectionLike, data: string, needed: readonly string[], fn: string): Promise<PushdownSource> {
  const relation = sourceRelation(data);
  await requireColumns(connection, relation, needed, fn);
  const sql: string[] = [];
  return {
    relation,
    sql,
    run: (statement) => {
      sql.push(statement);
      return readNumbers(connection, statement);
    },
  };
}

/**
 * The `rows_dropped_missing` note of rows dropped in SQL (null when none), per column as the
 * in-memory estimators count them.
 *
 * @example
 * missingRowsNote(3, [[2, 'y'], [1, 'id']]); // { code: 'rows_dropped_missing', count: 3, byColumn: { y: 2, id: 1 } }
 */
export function missingRowsNote(dropped: number, byColumn: readonly (readonly [number, string])[], infinite = 0): Note | null {
  if (!(dropped > 0)) return null;
  const counts: Record<string, number> = {};
  for (const [count, name] of byColumn) if (count > 0) counts[name] = count;
  return { code: 'rows_dropped_missing', count: dropped, byColumn: counts, ...(infinite > 0 ? { infinite } : {}) };
}
