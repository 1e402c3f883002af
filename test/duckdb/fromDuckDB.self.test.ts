/**
 * fromDuckDB round trips: values written in DuckDB come back as the Frame's columns (NULLs,
 * strings, integers, doubles, booleans, dates), only the requested columns are read, results
 * longer than one chunk are joined in order, and unreadable values are typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromDuckDB, type DuckDBConnectionLike } from '../../src/duckdb.js';
import { readCsv } from '../../src/node.js';
import { connect, duckdb } from './duckdbPanel.js';

describe.skipIf(!duckdb.available)(`fromDuckDB ${duckdb.reason}`, () => {
  let c: DuckDBConnectionLike & { run(sql: string): Promise<unknown> };
  beforeAll(async () => {
    c = await connect();
    await c.run(
      "CREATE TABLE t AS SELECT range AS big, CAST(range AS INTEGER) AS i, range * 0.25 AS x, CASE WHEN range % 3 = 0 THEN NULL ELSE 'u' || range END AS s, " +
        "CASE WHEN range % 4 = 0 THEN NULL ELSE range / 7.0 END AS xn, range % 2 = 0 AS b, DATE '2020-01-01' + CAST(range AS INTEGER) AS d, CAST(range AS DECIMAL(10, 2)) / 4 AS dec FROM range(5000)",
    );
  });

  it('reads every column type in order, NULL → NaN / null, across chunks', async () => {
    const f = await fromDuckDB(c, 'SELECT * FROM t ORDER BY big');
    expect(f.names).toEqual(['big', 'i', 'x', 's', 'xn', 'b', 'd', 'dec']);
    expect(f.nrow).toBe(5000);
    const big = f.column('big') as Float64Array;
    expect(big).toBeInstanceOf(Float64Array);
    expect(Array.from(big.subarray(4095, 4099))).toEqual([4095, 4096, 4097, 4098]); // a chunk boundary (2048 rows per chunk)
    expect((f.column('x') as Float64Array)[4999]).toBe(4999 * 0.25);
    expect((f.column('s') as (string | null)[]).slice(0, 4)).toEqual([null, 'u1', 'u2', null]);
    const xn = f.column('xn') as Float64Array;
    expect(Number.isNaN(xn[0]!)).toBe(true);
    expect(xn[1]).toBe(1 / 7);
    expect(Array.from((f.column('b') as Float64Array).subarray(0, 3))).toEqual([1, 0, 1]);
    expect((f.column('d') as (string | null)[])[31]).toBe('2020-02-01');
    expect((f.column('dec') as Float64Array)[6]).toBe(1.5);
  });

  it('pushes the column projection into the query, and reads a table name', async () => {
    const f = await fromDuckDB(c, 't', { columns: ['s', 'i'] });
    expect(f.names).toEqual(['s', 'i']);
    expect(f.nrow).toBe(5000);
  });

  it('round-trips a CSV read by readCsv through a DuckDB table', async () => {
    const csv = await readCsv('fixtures/datasets/base_did.csv');
    await c.run("CREATE TABLE base AS SELECT * FROM read_csv('fixtures/datasets/base_did.csv')");
    const f = await fromDuckDB(c, 'SELECT * FROM base', { columns: ['y', 'x1', 'id', 'period'] });
    for (const name of f.names) expect(Array.from(f.column(name) as Float64Array)).toEqual(Array.from(csv.column(name) as Float64Array));
  });

  it('errors: missing column, an integer beyond 2^53, a nested column, unknown option', async () => {
    await expect(fromDuckDB(c, 't', { columns: ['nope'] })).rejects.toMatchObject({ code: 'missing_column', details: { column: 'nope' } });
    await expect(fromDuckDB(c, 'SELECT 9007199254740993::BIGINT AS big')).rejects.toMatchObject({ code: 'non_finite', details: { column: 'big', row: 1 } });
    await expect(fromDuckDB(c, 'SELECT [1, 2] AS l')).rejects.toMatchObject({ code: 'invalid_option', details: { column: 'l' } });
    await expect(fromDuckDB(c, 't', { column: ['x'] } as never)).rejects.toMatchObject({ code: 'unknown_option' });
    // what DuckDB cannot read (a missing table, a file name given as a table) is a typed error quoting DuckDB
    await expect(fromDuckDB(c, 'nope.parquet')).rejects.toMatchObject({ code: 'invalid_option', message: expect.stringContaining('read_parquet') });
    await expect(fromDuckDB(c, 'SELECT * FROM')).rejects.toMatchObject({ code: 'invalid_option', details: { fn: 'fromDuckDB' } });
  });
});
