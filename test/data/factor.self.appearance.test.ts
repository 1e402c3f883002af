/**
 * factor(…, { order: 'appearance' }) for numeric ids: the direct-table coder of integer ids must
 * give exactly the codes and values of first-appearance coding through a Map (written out here as
 * the reference) — NaN → −1, −0 and 0 one level (the value first seen kept), non-integers and
 * ±Infinity through the Map, with and without a row selection. 3,000 seeded random columns.
 */
import { describe, expect, it } from 'vitest';
import { factor } from '../../src/data/factor.js';
import { createRng } from '../../src/numerics/random.js';

function mapCoding(column: Float64Array, rows?: number[]) {
  const n = rows ? rows.length : column.length;
  const codes = new Int32Array(n);
  const index = new Map<number, number>();
  const seen: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = rows ? column[rows[i]!]! : column[i]!;
    if (v !== v) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = seen.length;
      index.set(v, code);
      seen.push(v);
    }
    codes[i] = code;
  }
  return { codes: Array.from(codes), values: seen.map((v) => (Object.is(v, -0) ? '-0' : v)) };
}

describe("factor(order: 'appearance') on numbers equals first-appearance coding through a Map", () => {
  it('3,000 random columns: small ids, −0, NaN, non-integers, wide ranges, ±Infinity; with and without rows', () => {
    const rng = createRng(31);
    const draw = (kind: number): number => {
      if (rng.uniform() < 0.1) return NaN;
      const k = Math.floor(rng.uniform() * 8);
      if (kind === 0) return k - 3;
      if (kind === 1) return rng.uniform() < 0.2 ? -0 : k;
      if (kind === 2) return rng.uniform() < 0.1 ? k + 0.5 : k;
      if (kind === 3) return k * 1e9;
      return rng.uniform() < 0.05 ? Infinity : k;
    };
    for (let t = 0; t < 3000; t++) {
      const n = 1 + Math.floor(rng.uniform() * 60);
      const column = Float64Array.from({ length: n }, () => draw(t % 5));
      const rows = rng.uniform() < 0.5 ? Array.from({ length: Math.floor(rng.uniform() * n) }, () => Math.floor(rng.uniform() * n)) : undefined;
      const got = factor(column, { order: 'appearance', rows });
      expect({ codes: Array.from(got.codes), values: Array.from(got.values!, (v) => (Object.is(v, -0) ? '-0' : v)) }).toEqual(mapCoding(column, rows));
    }
  });
  it('labels as R prints the values; long data sorted by id', () => {
    const ids = Float64Array.from({ length: 40 }, (_, i) => 2001 + Math.floor(i / 4));
    const f = factor(ids, { order: 'appearance' });
    expect(f.levels.slice(0, 3)).toEqual(['2001', '2002', '2003']);
    expect(Array.from(f.codes.slice(0, 9))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2]);
  });
});
