/**
 * attgtDuckDB against the in-memory attgt({ covariates: [] }) on the same generated panels
 * (another path through the package): every ATT(g,t) and its analytic SE, and every aggregation,
 * to 1e-10, with never-treated and not-yet-treated comparison groups, both base periods, did's
 * sample rules (missing outcomes, gaps, cohorts treated in the first period), and typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { attgt } from '../../src/index.js';
import { attgtDuckDB, fromDuckDB, type DuckDBConnectionLike } from '../../src/duckdb.js';
import type { Frame } from '../../src/data/frame.js';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { connect, duckdb, panelSql } from './duckdbPanel.js';

const TOL = { estimate: { rel: 1e-10, abs: 1e-13 }, stdError: 1e-10, confLow: { rel: 1e-10, abs: 1e-12 }, confHigh: { rel: 1e-10, abs: 1e-12 } };
const COLUMNS = { outcome: 'y', unit: 'id', time: 'period', cohort: 'cohort' } as const;

describe.skipIf(!duckdb.available)(`attgtDuckDB equals attgt() without covariates ${duckdb.reason}`, () => {
  let c: DuckDBConnectionLike & { run(sql: string): Promise<unknown> };
  let frame: Frame;
  let messy: Frame;
  beforeAll(async () => {
    c = await connect();
    await c.run(panelSql('panel', 2000, 6));
    // did's sample rules: a missing outcome and a missing row (both units dropped), a cohort treated in the first period
    await c.run(
      "CREATE VIEW messy AS SELECT id, period, CASE WHEN id = 10 THEN 1 ELSE cohort END AS cohort, CASE WHEN id = 11 AND period = 2 THEN NULL ELSE y END AS y FROM panel WHERE NOT (id = 7 AND period = 3)",
    );
    frame = await fromDuckDB(c, 'panel');
    messy = await fromDuckDB(c, 'messy');
  });

  for (const control of ['never', 'notyet'] as const) {
    for (const basePeriod of ['varying', 'universal'] as const) {
      it(`control ${control}, base period ${basePeriod}: cells and simple / dynamic / group / calendar aggregations`, async () => {
        const pushed = await attgtDuckDB(c, { data: 'panel', ...COLUMNS, control, basePeriod });
        const memory = attgt({ data: frame, ...COLUMNS, control, basePeriod, covariates: [] });
        expect(pushed.rows.map((r) => r.term)).toEqual(memory.rows.map((r) => r.term));
        expectEstimatesMatch(pushed.rows, memory.rows, TOL, { ordered: true });
        expectEstimatesMatch(pushed.tidy(0.9), memory.tidy(0.9), TOL);
        for (const type of ['simple', 'dynamic', 'group', 'calendar'] as const) {
          const a = pushed.aggregate(type);
          const b = memory.aggregate(type);
          expect(a.kind).toBe('attgtAggregate');
          expectEstimatesMatch(a.tidy(), b.tidy(), TOL, { label: type, ordered: true });
          expect(a.rows.map((r) => r.e)).toEqual(b.rows.map((r) => r.e));
        }
        expect([pushed.n, pushed.nobs]).toEqual([memory.n, memory.nobs]);
      });
    }
  }

  it("applies did's sample rules as attgt() does (rows with missing outcomes, gaps, cohorts treated in the first period)", async () => {
    const pushed = await attgtDuckDB(c, { data: 'messy', ...COLUMNS, control: 'notyet' });
    const memory = attgt({ data: messy, ...COLUMNS, control: 'notyet', covariates: [] });
    expectEstimatesMatch(pushed.rows, memory.rows, TOL, { ordered: true });
    expectEstimatesMatch(pushed.aggregate('dynamic').tidy(), memory.aggregate('dynamic').tidy(), TOL);
    // the same notes and counts (the pushdown's reason text omits allowUnbalanced, which it does not offer)
    const dropped = (notes: readonly { code: string; count?: number }[]) => notes.filter((n) => n.code === 'units_dropped' || n.code === 'rows_dropped_missing').map((n) => [n.code, n.count]);
    expect(dropped(pushed.notes)).toEqual(dropped(memory.notes));
    expect(pushed.n).toBe(memory.n);
  });

  it('takes a query as data; all three methods give the same cells without covariates', async () => {
    const query = 'SELECT * FROM panel WHERE id <= 700';
    const memory = attgt({ data: await fromDuckDB(c, query), ...COLUMNS, covariates: [], method: 'ipw' });
    for (const method of ['dr', 'ipw', 'reg'] as const) {
      const pushed = await attgtDuckDB(c, { data: query, ...COLUMNS, method });
      expectEstimatesMatch(pushed.rows, memory.rows, TOL, { ordered: true });
    }
  });

  it('errors: missing column, no never-treated units, cohort varying within a unit, unknown option', async () => {
    await expect(attgtDuckDB(c, { data: 'panel', ...COLUMNS, cohort: 'nope' })).rejects.toMatchObject({ code: 'missing_column' });
    const noNever = 'SELECT * FROM panel WHERE cohort IN (3, 4, 5)';
    await expect(attgtDuckDB(c, { data: noNever, ...COLUMNS })).rejects.toMatchObject({ code: 'no_control_units' });
    await expect(attgtDuckDB(c, { data: 'SELECT id, period, y, period AS cohort FROM panel', ...COLUMNS })).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(attgtDuckDB(c, { data: 'panel', ...COLUMNS, covariates: ['x'] } as never)).rejects.toMatchObject({ code: 'unknown_option' });
    const twice = 'SELECT * FROM panel UNION ALL SELECT * FROM panel WHERE id = 3 AND period = 2';
    await expect(attgtDuckDB(c, { data: twice, ...COLUMNS })).rejects.toMatchObject({ code: 'invalid_option', message: expect.stringContaining('more than once') });
  });
});
