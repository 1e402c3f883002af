/**
 * Stata and SPSS files written by haven 2.5.1 (ReadStat) from lalonde.csv
 * (fixtures/datasets/lalonde_formats.json): every cell must equal lalonde_labels.csv, the
 * expected reading (value labels applied, the special missing value missing).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseDta, parseSav, type Frame } from 'causal-panel';
import { readDta, readSav } from 'causal-panel/node';
import { thrown } from '../helpers/thrown.js';

const dataset = (name: string) => new URL(`../../fixtures/datasets/${name}`, import.meta.url);
const bytes = (name: string) => new Uint8Array(readFileSync(dataset(name)));
const expected = parseCsv(readFileSync(dataset('lalonde_labels.csv'), 'utf8'));

function expectSameCells(actual: Frame, reference: Frame): void {
  expect(actual.names).toEqual(reference.names);
  expect(actual.nrow).toBe(reference.nrow);
  for (const name of reference.names) {
    const got = [...actual.column(name)];
    const want = [...reference.column(name)];
    expect(got, name).toEqual(want);
  }
}

describe('parseDta and parseSav read haven-written files as lalonde_labels.csv', () => {
  for (const file of ['lalonde_stata14.dta', 'lalonde_stata13.dta']) {
    it(`${file}: every value, the race labels and the .a missing value`, () => {
      const frame = parseDta(bytes(file));
      expectSameCells(frame, expected);
      expect(frame.column('race').slice(0, 3)).toEqual(['black', 'hispan', 'black']);
      expect(Number.isNaN(frame.numeric('re74')[4]!)).toBe(true);
    });
  }
  for (const file of ['lalonde.sav', 'lalonde_uncompressed.sav']) {
    it(`${file}: every value, the race labels and the user-missing −1`, () => {
      const frame = parseSav(bytes(file));
      expectSameCells(frame, expected);
      expect(Number.isNaN(frame.numeric('re74')[4]!)).toBe(true);
    });
  }
  it("labels: 'codes' keeps the stored numbers (race 1 = black, 2 = hispan, 3 = white)", () => {
    expect([...parseDta(bytes('lalonde_stata14.dta'), { labels: 'codes' }).numeric('race').slice(0, 3)]).toEqual([1, 2, 1]);
    expect([...parseSav(bytes('lalonde.sav'), { labels: 'codes' }).numeric('race').slice(0, 3)]).toEqual([1, 2, 1]);
  });
  it('the path readers of causal-panel/node give the same frames', async () => {
    expectSameCells(await readDta(dataset('lalonde_stata13.dta').pathname), expected);
    expectSameCells(await readSav(dataset('lalonde.sav').pathname), expected);
  });
  it('an ArrayBuffer works as well as a Uint8Array, and the bytes are not changed', () => {
    const input = bytes('lalonde_stata14.dta');
    const copy = input.slice();
    expectSameCells(parseDta(input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength)), expected);
    parseDta(input);
    expect(input).toEqual(copy);
  });
});

describe('parseDta and parseSav: bad input is a typed error', () => {
  it('a file that is not a dta / sav file', () => {
    const error = thrown(() => parseDta(new TextEncoder().encode('treat,age\n1,2\n'.repeat(10))));
    expect(error.code).toBe('unreadable_file');
    expect(error.message).toMatch(/^parseDta: not a Stata \.dta file/);
    expect(thrown(() => parseSav(bytes('lalonde_stata14.dta'))).message).toMatch(/^parseSav: not an SPSS system file/);
  });
  it('Stata 12 and older (format 115) says which format it found', () => {
    const old = new Uint8Array(200);
    old[0] = 115;
    expect(thrown(() => parseDta(old)).message).toMatch(/format 115 \(Stata 12 or older\)/);
  });
  it('a truncated file', () => {
    const full = bytes('lalonde_stata14.dta');
    expect(thrown(() => parseDta(full.subarray(0, 2000))).code).toBe('unreadable_file');
    const sav = bytes('lalonde_uncompressed.sav');
    expect(thrown(() => parseSav(sav.subarray(0, sav.length - 100))).code).toBe('unreadable_file');
  });
  it('an unknown option suggests the right one', () => {
    const error = thrown(() => parseDta(bytes('lalonde_stata14.dta'), { label: 'codes' } as never));
    expect(error.code).toBe('unknown_option');
    expect(error.message).toContain('labels');
  });
});
