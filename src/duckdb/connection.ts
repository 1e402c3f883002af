/**
 * What the DuckDB adapter needs from a `@duckdb/node-api` connection, written structurally so that
 * nothing here imports DuckDB (the package is an optional peer dependency: the caller creates the
 * instance and the connection, and this module only sends SQL), plus identifier quoting and the
 * source relation of a query (a table or view name, or the caller's own SQL used as a subquery).
 */
import { CausalPanelError } from '../errors.js';

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
 */
export async function relationColumns(connection: DuckDBConnectionLike, relation: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`SELECT * FROM ${relation} LIMIT 0`);
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
  const names = await relationColumns(connection, relation);
  const have = new Set(names);
  for (const name of needed) {
    if (!have.has(name)) throw new CausalPanelError('missing_column', `${fn}: column "${name}" not found in data (columns: ${names.join(', ')})`, { fn, column: name });
  }
}
