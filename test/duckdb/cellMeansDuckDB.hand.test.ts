/**
 * cellMeansDuckDB against the cell means computed by hand from the same rows read with
 * fromDuckDB: mean, count, SD (n − 1) and SE by cohort × period and by event time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cellMeansDuckDB, fromDuckDB, type DuckDBConnectionLike } from '../../src/duckdb.js';
import { connect, duckdb, panelSql } from './duckdbPanel.js';

/** Mean, n and sample SD of each key's values. */
function byKey(keys: number[], values: Float64Array): Map<number, { n: number; mean: number; sd: number }> {
  const groups = new Map<number, number[]>();
  keys.forEach((k, i) => groups.set(k, [...(groups.get(k) ?? []), values[i]!]));
  const out = new Map<number, { n: number; mean: number; sd: number }>();
  for (const [k, v] of groups) {
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
    out.set(k, { n: v.length, mean, sd: Math.sqrt(ss / (v.length - 1)) });
  }
  return out;
}

describe.skipIf(!duckdb.available)(`cellMeansDuckDB ${duckdb.reason}`, () => {
  let c: DuckDBConnectionLike & { run(sql: string): Promise<unknown> };
  beforeAll(async () => {
    c = await connect();
    await c.run(panelSql('panel', 700, 6));
  });

  it('by cohort x period and by event time, as computed by hand (never treated: 0, NULL, after the last period)', async () => {
    const f = await fromDuckDB(c, 'panel', { columns: ['y', 'period', 'cohort'] });
    const y = f.column('y') as Float64Array;
    const t = f.column('period') as Float64Array;
    const g = Array.from(f.column('cohort') as Float64Array, (v) => (Number.isNaN(v) || v === 0 || v > 6 ? Infinity : v));
    const byPeriod = await cellMeansDuckDB(c, { data: 'panel', outcome: 'y', time: 'period', cohort: 'cohort' });
    const expected = byKey(g.map((gi, i) => (gi === Infinity ? 1000 : gi) * 100 + t[i]!), y);
    expect(byPeriod.rows.length).toBe(expected.size);
    for (const r of byPeriod.rows) {
      const e = expected.get((r.cohort === Infinity ? 1000 : r.cohort) * 100 + r.time)!;
      expect(r.n).toBe(e.n);
      expect(r.mean).toBeCloseTo(e.mean, 11);
      expect(r.sd).toBeCloseTo(e.sd, 11);
      expect(r.stdError).toBeCloseTo(e.sd / Math.sqrt(e.n), 11);
    }
    const byEvent = await cellMeansDuckDB(c, { data: 'panel', outcome: 'y', time: 'period', cohort: 'cohort', by: 'event' });
    const treated = g.map((gi, i) => (Number.isFinite(gi) ? i : -1)).filter((i) => i >= 0);
    const expectedE = byKey(treated.map((i) => t[i]! - g[i]!), Float64Array.from(treated, (i) => y[i]!));
    expect(byEvent.rows.map((r) => r.e)).toEqual([...expectedE.keys()].sort((a, b) => a - b));
    for (const r of byEvent.rows) expect(r.mean).toBeCloseTo(expectedE.get(r.e)!.mean, 11);
    expect(byEvent.tidy()[0]!.confLow).toBeLessThan(byEvent.rows[0]!.mean);
  });
});
