/**
 * parseCsv / readCsv read their options with the shared reader: R's read.csv arguments that have
 * no counterpart say what happens instead (`sep` → `delimiter`), unknown keys are unknown_option,
 * bad values invalid_option in the one message form. Also: a column of numbers with a few text
 * cells stays text in the Frame (so a formula can still ask for factor(x)).
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { ErrorCode } from '../../src/errors.js';
import { parseCsv } from '../../src/data/parseCsv.js';
import { readCsv } from '../../src/node.js';
import { thrown } from '../helpers/thrown.js';

const mpdta = fileURLToPath(new URL('../../fixtures/datasets/mpdta.csv', import.meta.url));

describe('parseCsv options', () => {
  const cases: [Record<string, unknown>, ErrorCode, string][] = [
    [{ sep: ';' }, 'unknown_option', 'parseCsv: option "sep" is not supported (use delimiter)'],
    [{ header: false }, 'unknown_option', 'parseCsv: option "header" is not supported (the first row is always the header)'],
    [{ stringsAsFactors: true }, 'unknown_option', 'parseCsv: option "stringsAsFactors" is not supported (text columns stay text: ask for a factor with factor(x) in a formula)'],
    [{ delimeter: ';' }, 'unknown_option', 'parseCsv: unknown option "delimeter" (did you mean "delimiter"?)'],
    [{ delimiter: ';;' }, 'invalid_option', 'parseCsv: option "delimiter" must be one character other than a quote or a newline (got ";;")'],
    [{ delimiter: '"' }, 'invalid_option', 'parseCsv: option "delimiter" must be one character other than a quote or a newline (got "\\"")'],
  ];
  it.each(cases)('%o → %s', (options, code, message) => {
    const error = thrown(() => parseCsv('a;b\n1;2\n', options as never));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('a tab delimiter reads as R read.delim', () => {
    expect(Array.from(parseCsv('a\tb\n1\t2\n', { delimiter: '\t' }).numeric('b'))).toEqual([2]);
  });

  it('numbers with a few text cells stay text (the formula decides: x is non_numeric, factor(x) a factor)', () => {
    const frame = parseCsv('y,x\n1,1\n2,2\n3,abc\n4,4\n');
    expect(frame.isNumeric('x')).toBe(false);
    expect(frame.columns.x).toEqual(['1', '2', 'abc', '4']);
    expect(thrown(() => frame.numeric('x', 'feols')).message).toBe('feols: column "x" is not numeric (row 3: "abc")');
  });
});

describe('readCsv options', () => {
  it('are checked before the file is read, in readCsv\'s name', async () => {
    await expect(readCsv('no/such/file.csv', { sep: ';' } as never)).rejects.toMatchObject({ code: 'unknown_option', message: 'readCsv: option "sep" is not supported (use delimiter)' });
    await expect(readCsv('no/such/file.csv', { delimiter: '' })).rejects.toMatchObject({ code: 'invalid_option' });
  });
  it('read a shipped file as parseCsv reads its text', async () => {
    const frame = await readCsv(mpdta, { delimiter: ',' });
    expect(frame.nrow).toBe(2500);
    expect(frame.isNumeric('first.treat')).toBe(true);
  });
});
