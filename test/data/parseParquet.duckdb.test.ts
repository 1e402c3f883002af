/**
 * lalonde.parquet written by DuckDB 1.5.6 from lalonde.csv (fixtures/datasets/lalonde_parquet.json:
 * INT64, DOUBLE and UTF8 columns, snappy, one row group): every cell must equal the CSV.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseParquet } from 'causal-panel';
import { readParquet } from 'causal-panel/node';

const dataset = (name: string) => new URL(`../../fixtures/datasets/${name}`, import.meta.url);
const csv = parseCsv(readFileSync(dataset('lalonde.csv'), 'utf8'));

describe('parseParquet reads a DuckDB-written file as lalonde.csv', () => {
  it('every column and cell', async () => {
    const frame = await parseParquet(new Uint8Array(readFileSync(dataset('lalonde.parquet'))));
    expect(frame.names).toEqual(csv.names);
    for (const name of csv.names) expect([...frame.column(name)], name).toEqual([...csv.column(name)]);
    expect(frame.isNumeric('age')).toBe(true);
    expect(frame.isNumeric('race')).toBe(false);
  });
  it('columns: only those are decoded, in the order asked', async () => {
    const frame = await readParquet(dataset('lalonde.parquet').pathname, { columns: ['re78', 'treat'] });
    expect(frame.names).toEqual(['re78', 'treat']);
    expect([...frame.numeric('re78')]).toEqual([...csv.numeric('re78')]);
  });
  it('bad input is a typed error', async () => {
    await expect(parseParquet(new Uint8Array(100))).rejects.toMatchObject({ code: 'unreadable_file' });
    await expect(parseParquet(new Uint8Array(readFileSync(dataset('lalonde.parquet'))), { columns: ['nope'] })).rejects.toMatchObject({ code: 'missing_column' });
    await expect(parseParquet(new Uint8Array(0), { column: ['x'] } as never)).rejects.toMatchObject({ code: 'unknown_option', details: { suggestion: 'columns' } });
  });
});
