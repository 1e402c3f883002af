/**
 * The CSV dialects R reads with read.csv / read.csv2 / read.delim: delimiter and decimal mark
 * found from the first lines, BOM, CRLF, `.` and `NA` as missing, text columns as written; and
 * the byte scanner's numbers equal to `Number(text)` (the correctly rounded double R also reads).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from 'causal-panel';
import { readCsv } from 'causal-panel/node';
import { CsvScanner } from '../../src/data/csvScanner.js';
import { createRng } from '../../src/numerics/random.js';
import { thrown } from '../helpers/thrown.js';

describe('parseCsv finds the dialect as read.csv2 / read.delim users expect', () => {
  it('semicolons with decimal commas (read.csv2)', () => {
    const frame = parseCsv('y;g;x\n1,5;a;-0,25\n2;b;3,125e2\n');
    expect([...frame.numeric('y')]).toEqual([1.5, 2]);
    expect([...frame.numeric('x')]).toEqual([-0.25, 312.5]);
  });
  it('semicolons with decimal points stay decimal points', () => {
    expect([...parseCsv('y;x\n1.5;2\n-3.25;4\n').numeric('y')]).toEqual([1.5, -3.25]);
  });
  it('tab and pipe delimited files', () => {
    expect(parseCsv('a\tb\n1\t2\n').names).toEqual(['a', 'b']);
    expect([...parseCsv('a|b\n1|2.5\n').numeric('b')]).toEqual([2.5]);
  });
  it('commas inside quotes do not decide the delimiter', () => {
    expect(parseCsv('name;y\n"Smith, J";1\n"Lee, K";2\n').column('name')).toEqual(['Smith, J', 'Lee, K']);
  });
  it('explicit options win, and decimal equal to the delimiter is an error', () => {
    expect([...parseCsv('a;b\n1,5;2\n', { decimal: '.' }).column('a')]).toEqual(['1,5']);
    expect(thrown(() => parseCsv('a,b\n1,2\n', { decimal: ',' })).code).toBe('invalid_option');
    expect(thrown(() => parseCsv('a,b\n1,2\n', { dec: ',' } as never)).message).toMatch(/use decimal/);
  });
  it('BOM, CRLF line ends, blank lines, and ".", "NA", "NaN" and empty cells as missing', () => {
    const frame = parseCsv('\ufeffy,x\r\n1,.\r\n\r\nNA,2\r\n,NaN\r\n');
    expect(frame.names).toEqual(['y', 'x']);
    expect([...frame.numeric('y')]).toEqual([1, NaN, NaN]);
    expect([...frame.numeric('x')]).toEqual([NaN, 2, NaN]);
  });
  it('a column that turns text after numbers keeps every cell as written (type.convert)', () => {
    expect(parseCsv('id,y\n1.50,1\n007,2\nx,3\n').column('id')).toEqual(['1.50', '007', 'x']);
  });
  it('bytes (Uint8Array) read as the same text', () => {
    const text = 'y,g\n1,é\n2,ü\n';
    const fromBytes = parseCsv(new TextEncoder().encode(text));
    expect(fromBytes.column('g')).toEqual(['é', 'ü']);
    expect([...fromBytes.numeric('y')]).toEqual([...parseCsv(text).numeric('y')]);
  });
  it('malformed records name their line', () => {
    expect(thrown(() => parseCsv('a,b\n1,2\n3\n')).message).toBe('parseCsv: record has 1 fields, the header has 2 (line 3)');
    expect(thrown(() => parseCsv('a,b\n1,"2\n')).message).toMatch(/unterminated quoted field \(line 2\)/);
  });
});

describe('the byte scanner reads every number as Number(text)', () => {
  it('random doubles written with 1 to 17 significant digits, fixed and exponent forms', () => {
    const rng = createRng(7);
    const cells: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const value = (rng.uniform() - 0.5) * 10 ** Math.floor(rng.uniform() * 40 - 20);
      const digits = 1 + Math.floor(rng.uniform() * 17);
      cells.push(i % 3 === 0 ? value.toExponential(digits - 1) : i % 3 === 1 ? value.toPrecision(digits) : String(value));
    }
    cells.push('0', '-0', '1e22', '1e23', '123456789012345', '1234567890123456', '0.000000000000000000001', '9007199254740993', '+5', '1.', '.5', '-.5', '1E-3');
    const frame = parseCsv(`x\n${cells.join('\n')}\n`);
    const x = frame.numeric('x');
    cells.forEach((cell, i) => expect(Object.is(x[i], Number(cell)), `${cell}: ${x[i]} vs ${Number(cell)}`).toBe(true));
  });
});

describe('readCsv streams: records cut at chunk boundaries read the same', () => {
  it('every split of a file with quotes, CRLF and text columns gives the same columns', () => {
    const text = 'id,name,y\r\n1,"a, ""b""\nc",1.5\r\n2,d,NA\r\n3,"",-2e-3\r\n4,e,7\r\n';
    const bytes = new TextEncoder().encode(text);
    const whole = parseCsv(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const scanner = new CsvScanner('test', { delimiter: 0x2c, decimal: 0x2e });
      const consumed = scanner.push(bytes.subarray(0, cut), 0, false);
      const rest = new Uint8Array([...bytes.subarray(consumed, cut), ...bytes.subarray(cut)]);
      scanner.push(rest, 0, true);
      expect(scanner.rows, `cut ${cut}`).toBe(4);
      expect([...scanner.numbers[2]!.values.subarray(0, 4)], `cut ${cut}`).toEqual([...whole.numeric('y')]);
      expect(scanner.isText, `cut ${cut}`).toEqual([false, true, false]);
    }
  });
  it('readCsv of a file equals parseCsv of its text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causal-panel-csv-'));
    const path = join(dir, 'x.csv');
    const lines = ['unit;name;y'];
    for (let i = 0; i < 2000; i++) lines.push(`${i};"n${i % 7}";${(i * 0.37).toFixed(2).replace('.', ',')}`);
    writeFileSync(path, lines.join('\n'));
    const fromFile = await readCsv(path);
    const fromText = parseCsv(lines.join('\n'));
    expect(fromFile.names).toEqual(['unit', 'name', 'y']);
    expect([...fromFile.numeric('y')]).toEqual([...fromText.numeric('y')]);
    expect(fromFile.column('name')).toEqual(fromText.column('name'));
    expect(fromFile.numeric('y')[3]).toBe(1.11);
  });
});
