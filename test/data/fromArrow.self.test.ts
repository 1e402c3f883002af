/**
 * Arrow tables as data input: the same frame (and the same fit) as the plain columns they were
 * built from; Float64 columns without nulls are used without a copy.
 */
import { readFileSync } from 'node:fs';
import { tableFromArrays, tableFromIPC, tableToIPC, vectorFromArray, Table, Int64, Float64, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { feols, parseCsv, toFrame } from 'causal-panel';
import { thrown } from '../helpers/thrown.js';

const baseDid = parseCsv(readFileSync(new URL('../../fixtures/datasets/base_did.csv', import.meta.url), 'utf8'));

describe('an Arrow table is data', () => {
  it('feols on an Arrow table equals feols on its columns', () => {
    const table = tableFromArrays({ y: baseDid.numeric('y'), x1: baseDid.numeric('x1'), id: Int32Array.from(baseDid.numeric('id')), period: baseDid.numeric('period') });
    const fromTable = feols('y ~ x1 | id + period', table);
    const fromFrame = feols('y ~ x1 | id + period', baseDid);
    expect(fromTable.coef()).toEqual(fromFrame.coef());
    expect(fromTable.se()).toEqual(fromFrame.se());
  });
  it('a Float64 column without nulls is the same memory; others are converted', () => {
    const y = new Float64Array([1, 2, 3]);
    const frame = toFrame(tableFromArrays({ y, g: ['a', 'b', 'a'], i: new Int32Array([4, 5, 6]) }));
    expect(frame.numeric('y').buffer).toBe(y.buffer);
    expect(frame.column('g')).toEqual(['a', 'b', 'a']);
    expect([...frame.numeric('i')]).toEqual([4, 5, 6]);
  });
  it('nulls become NaN / null; Int64 values become numbers', () => {
    const table = new Table({
      n: vectorFromArray([1, null, 3], new Float64()),
      s: vectorFromArray(['x', null, 'z'], new Utf8()),
      big: vectorFromArray([1n, 2n, null], new Int64()),
    });
    const round = tableFromIPC(tableToIPC(table));
    const frame = toFrame(round);
    expect([...frame.numeric('n')]).toEqual([1, NaN, 3]);
    expect(frame.column('s')).toEqual(['x', null, 'z']);
    expect([...frame.numeric('big')]).toEqual([1, 2, NaN]);
  });
  it('an Int64 beyond 2^53 is an error naming its column and row', () => {
    const table = new Table({ big: vectorFromArray([1n, 2n ** 60n], new Int64()) });
    const error = thrown(() => toFrame(table as never, 'feols'));
    expect(error.code).toBe('non_finite');
    expect(error.message).toBe('feols: column "big" has an integer a double cannot hold exactly (row 2: 1152921504606846976)');
  });
});
