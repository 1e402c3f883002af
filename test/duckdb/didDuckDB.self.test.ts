/**
 * didDuckDB against the in-memory did() on the same generated panels (another path through the
 * package): TWFE and 2×2, estimates and clustered SEs to 1e-10, and its typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { did } from '../../src/index.js';
import { didDuckDB, fromDuckDB, type DuckDBConnectionLike } from '../../src/duckdb.js';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { connect, duckdb, panelSql } from './duckdbPanel.js';

describe.skipIf(!duckdb.available)(`didDuckDB equals did() ${duckdb.reason}`, () => {
  let c: DuckDBConnectionLike & { run(sql: string): Promise<unknown> };
  beforeAll(async () => {
    c = await connect();
    await c.run(panelSql('panel', 2000, 6));
    // an unbalanced copy: one row removed
    await c.run('CREATE TABLE gappy AS SELECT * FROM panel WHERE NOT (id = 7 AND period = 3)');
  });

  for (const fixedEffects of [true, false]) {
    it(`${fixedEffects ? 'TWFE' : '2x2'}: ATT, clustered SE, p-value, means and effect size as did()`, async () => {
      const columns = { outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', fixedEffects } as const;
      const pushed = await didDuckDB(c, { data: 'panel', ...columns });
      const memory = did({ data: await fromDuckDB(c, 'panel'), ...columns });
      expectEstimatesMatch(pushed.tidy(), memory.tidy(), { estimate: 1e-10, stdError: 1e-10, pValue: 1e-8, confLow: 1e-10, confHigh: 1e-10 });
      expectEstimatesMatch(pushed.tidy(0.9), memory.tidy(0.9), { estimate: 1e-10, stdError: 1e-10, confLow: 1e-10 });
      expect(pushed.means.treated.post.n).toBe(memory.means.treated.post.n);
      expect(pushed.means.diffInDiff).toBeCloseTo(memory.means.diffInDiff, 10);
      expect(pushed.standardize.sd).toBeCloseTo(memory.standardize.sd, 10);
      expect([pushed.nobs, pushed.nUnits, pushed.nClusters]).toEqual([memory.nobs, memory.nUnits, memory.nClusters]);
      expect(pushed.kind).toBe('did');
      expect(pushed.noteLines().some((line) => line.includes('computed in DuckDB'))).toBe(true);
      expect(pushed.sql.length).toBeGreaterThan(2);
    });
  }

  it('takes a query as data (used as a subquery) and drops missing outcomes as did() does', async () => {
    const query = 'SELECT id, period, treat, post, CASE WHEN id = 5 AND period = 2 THEN NULL ELSE y END AS y FROM panel';
    const columns = { outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', fixedEffects: false } as const;
    const pushed = await didDuckDB(c, { data: query, ...columns });
    const memory = did({ data: await fromDuckDB(c, query), ...columns });
    expectEstimatesMatch(pushed.tidy(), memory.tidy(), { estimate: 1e-10, stdError: 1e-10 });
    expect(pushed.notes.find((n) => n.code === 'rows_dropped_missing')).toEqual(memory.notes.find((n) => n.code === 'rows_dropped_missing'));
  });

  it('errors: missing column, unbalanced panel for TWFE, treat not 0/1, unknown option', async () => {
    const columns = { outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' };
    await expect(didDuckDB(c, { data: 'panel', ...columns, outcome: 'nope' })).rejects.toMatchObject({ code: 'missing_column', details: { column: 'nope' } });
    await expect(didDuckDB(c, { data: 'gappy', ...columns })).rejects.toMatchObject({ code: 'unbalanced_panel' });
    // a unit seen twice in a period (and in every period) is not a balanced panel either
    const twice = 'SELECT * FROM panel UNION ALL SELECT * FROM panel WHERE id = 3 AND period = 2';
    await expect(didDuckDB(c, { data: twice, ...columns })).rejects.toMatchObject({ code: 'unbalanced_panel', message: expect.stringContaining('1 units twice') });
    await expect(didDuckDB(c, { data: 'panel', ...columns, treat: 'cohort' })).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(didDuckDB(c, { data: 'panel', ...columns, covariates: ['x'] } as never)).rejects.toMatchObject({ code: 'unknown_option' });
    // the 2×2 regression needs no balance
    const twoByTwo = await didDuckDB(c, { data: 'gappy', ...columns, fixedEffects: false });
    expect(twoByTwo.nobs).toBe(2000 * 6 - 1);
  });

  it('quotes column names: a column called a"b works and cannot inject SQL', async () => {
    await c.run('CREATE TABLE odd AS SELECT id, period, treat, post, y AS "a""b" FROM panel');
    const res = await didDuckDB(c, { data: 'odd', outcome: 'a"b', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    const ref = await didDuckDB(c, { data: 'panel', outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    // DuckDB's parallel aggregation may sum in another order from run to run: equal to rounding
    expectEstimatesMatch(res.tidy(), ref.tidy(), { estimate: 1e-12, stdError: 1e-12 });
  });
});
