import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/parseCsv.js';
import { thrown } from '../helpers/thrown.js';

// Reference: R 4.2.2 read.csv(): "" and NA are missing; a column is numeric when every present
// cell reads as a number; otherwise it stays text (as read.csv with stringsAsFactors = FALSE).
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/datasets/${name}.csv`, import.meta.url), 'utf8');

describe('parseCsv: missing markers (read.csv na.strings = "NA", empty cells)', () => {
  it.each([
    ['empty cell', 'y\n1\n\n'.replace('\n\n', '\n""\n')],
    ['NA', 'y\n1\nNA\n'],
    ['NaN', 'y\n1\nNaN\n'],
    ['quoted empty', 'y\n1\n""\n'],
    ['spaces', 'y\n1\n  \n'],
  ])('%s → NaN in a numeric column', (_, text) => {
    const frame = parseCsv(text);
    expect(frame.columns.y).toBeInstanceOf(Float64Array);
    expect(Array.from(frame.columns.y as Float64Array)).toEqual([1, NaN]);
  });

  it('missing cells in a text column are null', () => {
    const frame = parseCsv('g,y\na,1\nNA,2\n,3\nb,4\n');
    expect(frame.columns.g).toEqual(['a', null, null, 'b']);
    expect(Array.from(frame.columns.y as Float64Array)).toEqual([1, 2, 3, 4]);
  });
});

describe('parseCsv: numeric inference', () => {
  it('integers, decimals, exponents, signs, Inf', () => {
    const frame = parseCsv('a,b,c\n1,-0.5,1e3\n2,.25,Inf\n3,+4,-Inf\n');
    expect(Array.from(frame.columns.a as Float64Array)).toEqual([1, 2, 3]);
    expect(Array.from(frame.columns.b as Float64Array)).toEqual([-0.5, 0.25, 4]);
    expect(Array.from(frame.columns.c as Float64Array)).toEqual([1000, Infinity, -Infinity]);
  });
  it('TRUE/FALSE read as 1/0 (R logical → numeric in a model)', () => {
    expect(Array.from(parseCsv('d\nTRUE\nFALSE\n').columns.d as Float64Array)).toEqual([1, 0]);
  });
  it('hex, thousands separators and trailing text are not numbers: the column stays text', () => {
    for (const cell of ['0x10', '1,000', '12abc']) {
      const frame = parseCsv(`v,w\n1,2\n"${cell}",3\n`);
      expect(frame.isNumeric('v')).toBe(false);
      expect(frame.columns.v).toEqual(['1', cell]);
    }
  });
  it('one bad cell makes the column text, and numeric() names that cell (1-based row)', () => {
    const frame = parseCsv('x,y\n1,2\n3,oops\n5,6\n');
    expect(frame.isNumeric('y')).toBe(false);
    const err = thrown(() => frame.numeric('y', 'feols'));
    expect(err.code).toBe('non_numeric');
    expect(err.message).toBe('feols: column "y" is not numeric (row 2: "oops")');
    expect(err.details).toMatchObject({ column: 'y', row: 1, value: 'oops' });
  });
});

describe('parseCsv: column names', () => {
  it('__proto__, constructor and toString are ordinary columns (prototype-free store)', () => {
    const frame = parseCsv('__proto__,constructor,toString\n1,2,a\n3,4,b\n');
    expect(frame.names).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(frame.columns)).toBe(null);
    expect(frame.has('__proto__')).toBe(true);
    expect(Array.from(frame.numeric('__proto__'))).toEqual([1, 3]);
    expect(Array.from(frame.numeric('constructor'))).toEqual([2, 4]);
    expect(frame.columns.toString).toEqual(['a', 'b']);
    expect(frame.has('hasOwnProperty')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('dotted and quoted names as R writes them (first.treat)', () => {
    const frame = parseCsv('"year","first.treat"\n2003,2007\n2004,0\n');
    expect(frame.names).toEqual(['year', 'first.treat']);
    expect(Array.from(frame.numeric('first.treat'))).toEqual([2007, 0]);
  });
  it('an unnamed header cell (R row names) becomes V<j>', () => {
    expect(parseCsv(',y\n1,2\n').names).toEqual(['V1', 'y']);
  });
  it('a byte-order mark is removed from the first name', () => {
    expect(parseCsv('\uFEFFy,x\n1,2\n').names).toEqual(['y', 'x']);
  });
});

describe('parseCsv: quoting and structure', () => {
  it('quoted fields with commas, quotes and newlines', () => {
    const frame = parseCsv('occp,n\n"operatives/kindred wrks, misc",1\n"say ""hi""",2\n"two\nlines",3\n');
    expect(frame.columns.occp).toEqual(['operatives/kindred wrks, misc', 'say "hi"', 'two\nlines']);
  });
  it('a delimiter option (semicolon)', () => {
    expect(Array.from(parseCsv('a;b\n1;2\n', { delimiter: ';' }).numeric('b'))).toEqual([2]);
  });
  const bad: [string, string, string][] = [
    ['', 'empty_data', 'parseCsv: no header row'],
    ['y,x\n', 'empty_data', 'parseCsv: no data rows'],
    ['y,x\n1,2\n3\n', 'invalid_option', 'parseCsv:'],
  ];
  it.each(bad)('%j → %s', (text, code, message) => {
    const err = thrown(() => parseCsv(text));
    expect(err.code).toBe(code);
    expect(err.message).toContain(message);
  });
});

describe('parseCsv: shipped datasets (fixtures/datasets, written by R write.csv)', () => {
  it('lalonde: 614 rows; race is text, re78 numeric', () => {
    const frame = parseCsv(fixture('lalonde'));
    expect(frame.nrow).toBe(614);
    expect(frame.names).toEqual(['treat', 'age', 'educ', 'race', 'married', 'nodegree', 're74', 're75', 're78']);
    expect(frame.isNumeric('race')).toBe(false);
    expect(frame.isNumeric('re78')).toBe(true);
    expect(frame.numeric('re78')[0]).toBe(9930.046);
  });
  it('mpdta: 2500 rows, first.treat numeric with 0 for never treated', () => {
    const frame = parseCsv(fixture('mpdta'));
    expect(frame.nrow).toBe(2500);
    const ft = frame.numeric('first.treat');
    expect(new Set(ft)).toEqual(new Set([0, 2004, 2006, 2007]));
  });
  it('base_did: 1080 rows, all numeric', () => {
    const frame = parseCsv(fixture('base_did'));
    expect(frame.nrow).toBe(1080);
    expect(frame.names.every((n) => frame.isNumeric(n))).toBe(true);
  });
});
