/**
 * Stata `.dta` files, formats 117 (Stata 13), 118 (Stata 14–18) and 119 (more than 32,767
 * variables), read from bytes so that the same reader serves Node and browsers.
 *
 * Layout (Stata's "dta" manual, `help dta`): tagged sections `<header>` (release, byte order, K,
 * N, label, timestamp), `<map>` (section offsets), `<variable_types>`, `<varnames>`, `<sortlist>`,
 * `<formats>`, `<value_label_names>`, `<variable_labels>`, `<characteristics>`, `<data>` (N rows of
 * fixed-width cells), `<strls>` (long strings as GSO records) and `<value_labels>`.
 * Numeric cells above a type's largest nonmissing value are Stata's missing values `.` and
 * `.a`–`.z`; all become NaN here. A variable whose every observed value has a value label becomes
 * a text column of its labels (haven's `as_factor`); labels on missing codes alone (a reason for
 * `.a`) or on only some values leave the numbers as they are.
 */
import { CausalPanelError } from '../errors.js';
import { readOptions, opt } from '../options.js';
import { Frame, type Column } from './frame.js';

/**
 * Options of {@link parseDta}.
 *
 * @example
 * const options: ParseDtaOptions = { labels: 'codes' };
 */
export interface ParseDtaOptions {
  /** `'text'` (default): labelled variables become text columns of their labels; `'codes'`: keep the numbers. */
  readonly labels?: 'text' | 'codes';
}

const FN = 'parseDta';

function fail(message: string, value?: unknown): never {
  throw new CausalPanelError('unreadable_file', `${FN}: ${message}`, { fn: FN, value });
}

// Stata's storage types in formats 117+ (`help dta`, "variable_types").
const STRL = 32768;
const DOUBLE = 65526;
const FLOAT = 65527;
const LONG = 65528;
const INT = 65529;
const BYTE = 65530;

class Cursor {
  readonly view: DataView;
  offset = 0;
  constructor(readonly bytes: Uint8Array, readonly little: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  expect(tag: string): void {
    for (let i = 0; i < tag.length; i++) {
      if (this.bytes[this.offset + i] !== tag.charCodeAt(i)) fail(`expected ${tag} at byte ${this.offset}`, tag);
    }
    this.offset += tag.length;
  }
  u8(): number { return this.view.getUint8(this.offset++); }
  u16(): number { const v = this.view.getUint16(this.offset, this.little); this.offset += 2; return v; }
  u32(): number { const v = this.view.getUint32(this.offset, this.little); this.offset += 4; return v; }
  u64(): number {
    const lo = this.view.getUint32(this.offset + (this.little ? 0 : 4), this.little);
    const hi = this.view.getUint32(this.offset + (this.little ? 4 : 0), this.little);
    this.offset += 8;
    return hi * 4294967296 + lo;
  }
  text(length: number, decoder: TextDecoder): string {
    const raw = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    const end = raw.indexOf(0);
    return decoder.decode(end === -1 ? raw : raw.subarray(0, end));
  }
}

/** Offsets from `<map>`, named by the sections they point at. */
interface Sections { data: number; strls: number; valueLabels: number }

/**
 * Reads a Stata `.dta` file (format 117, 118 or 119) from its bytes into a {@link Frame}.
 *
 * Numbers become `Float64Array` columns with Stata's missing values (`.`, `.a`–`.z`) as NaN;
 * `str#` and `strL` variables become text columns (an empty string is missing, as in Stata);
 * variables with value labels become text columns of their labels unless `labels: 'codes'`.
 * Formats before 117 (Stata 12 and older) are rejected with a message saying so.
 *
 * @throws {CausalPanelError} `unreadable_file` (not a dta file, an unsupported release, a
 *   truncated section), `unknown_option`, `invalid_option`
 * @example
 * const lalonde = parseDta(await (await fetch('https://example.org/lalonde_stata14.dta')).arrayBuffer());
 * lalonde.nrow; // 614
 * lalonde.column('race')[0]; // 'black'
 */
export function parseDta(bytes: Uint8Array | ArrayBuffer, options: ParseDtaOptions = {}): Frame {
  const params = readOptions(FN, options, { labels: opt.oneOf(['text', 'codes'] as const, 'text') });
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const ascii = new TextDecoder('latin1');
  const probe = new Cursor(input, true);
  if (input.length < 64 || ascii.decode(input.subarray(0, 11)) !== '<stata_dta>') {
    fail(input.length > 0 && input[0]! >= 102 && input[0]! <= 115 ? `format ${input[0]} (Stata 12 or older) is not supported; save with Stata 13 or later (format 117+)` : 'not a Stata .dta file (format 117+ starts with "<stata_dta>")');
  }
  probe.offset = 11;
  probe.expect('<header><release>');
  const release = Number(probe.text(3, ascii));
  if (release !== 117 && release !== 118 && release !== 119) fail(`release ${release} is not supported (117, 118 or 119)`, release);
  probe.expect('</release><byteorder>');
  const order = probe.text(3, ascii);
  if (order !== 'LSF' && order !== 'MSF') fail(`byte order "${order}" is neither LSF nor MSF`, order);
  const cursor = new Cursor(input, order === 'LSF');
  cursor.offset = probe.offset;
  cursor.expect('</byteorder><K>');
  const nVariables = release === 119 ? cursor.u32() : cursor.u16();
  cursor.expect('</K><N>');
  const nRows = release === 117 ? cursor.u32() : cursor.u64();
  cursor.expect('</N><label>');
  const labelLength = release === 117 ? cursor.u8() : cursor.u16();
  cursor.offset += labelLength;
  cursor.expect('</label><timestamp>');
  const stampLength = cursor.u8();
  cursor.offset += stampLength;
  cursor.expect('</timestamp></header><map>');
  const map: number[] = [];
  for (let i = 0; i < 14; i++) map.push(cursor.u64());
  const sections: Sections = { data: map[9]!, strls: map[10]!, valueLabels: map[11]! };
  cursor.expect('</map><variable_types>');
  const types: number[] = [];
  for (let j = 0; j < nVariables; j++) types.push(cursor.u16());
  // Stata 14+ files are UTF-8; Stata 13 wrote the platform's 8-bit encoding (Windows-1252 in practice).
  const decoder = new TextDecoder(release === 117 ? 'windows-1252' : 'utf-8');
  const nameWidth = release === 117 ? 33 : 129;
  cursor.expect('</variable_types><varnames>');
  const names: string[] = [];
  for (let j = 0; j < nVariables; j++) names.push(cursor.text(nameWidth, decoder));
  cursor.expect('</varnames><sortlist>');
  cursor.offset += (nVariables + 1) * (release === 119 ? 4 : 2);
  cursor.expect('</sortlist><formats>');
  cursor.offset += nVariables * (release === 117 ? 49 : 57);
  cursor.expect('</formats><value_label_names>');
  const labelNames: string[] = [];
  for (let j = 0; j < nVariables; j++) labelNames.push(cursor.text(nameWidth, decoder));

  const widths = types.map((type) => cellWidth(type));
  const rowWidth = widths.reduce((a, b) => a + b, 0);
  cursor.offset = sections.data;
  cursor.expect('<data>');
  const dataStart = cursor.offset;
  if (dataStart + rowWidth * nRows > input.length) fail(`the data section is truncated (${nRows} rows of ${rowWidth} bytes)`, nRows);
  const strls = readStrls(input, cursor.little, release, sections.strls, decoder);
  const valueLabels = readValueLabels(input, cursor.little, release, sections.valueLabels, decoder);

  const columns: Record<string, Column> = Object.create(null);
  let cellOffset = 0;
  for (let j = 0; j < nVariables; j++) {
    const type = types[j]!;
    const labels = params.labels === 'text' && labelNames[j] !== '' ? valueLabels.get(labelNames[j]!) : undefined;
    columns[names[j]!] = readColumn(cursor, dataStart + cellOffset, rowWidth, nRows, type, strls, decoder, release, labels);
    cellOffset += widths[j]!;
  }
  return new Frame(columns, names);
}

function cellWidth(type: number): number {
  if (type >= 1 && type <= 2045) return type;
  switch (type) {
    case STRL: return 8;
    case DOUBLE: return 8;
    case FLOAT: return 4;
    case LONG: return 4;
    case INT: return 2;
    case BYTE: return 1;
    default: return fail(`unknown variable type ${type}`, type);
  }
}

function readColumn(cursor: Cursor, start: number, stride: number, nRows: number, type: number, strls: Map<string, string>, decoder: TextDecoder, release: number, labels: Map<number, string> | undefined): Column {
  const { view, little, bytes } = cursor;
  if (type <= 2045 || type === STRL) {
    const out: (string | null)[] = new Array(nRows);
    for (let i = 0; i < nRows; i++) {
      const at = start + i * stride;
      let text: string;
      if (type === STRL) text = strls.get(strlKey(view, at, little, release)) ?? '';
      else {
        const raw = bytes.subarray(at, at + type);
        const end = raw.indexOf(0);
        text = decoder.decode(end === -1 ? raw : raw.subarray(0, end));
      }
      out[i] = text === '' ? null : text;
    }
    return out;
  }
  const values = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const at = start + i * stride;
    let value: number;
    switch (type) {
      case DOUBLE: value = view.getFloat64(at, little); if (value > 8.988465674311579e307) value = NaN; break;
      case FLOAT: value = view.getUint32(at, little) >= 0x7f000000 && view.getUint32(at, little) < 0x80000000 ? NaN : view.getFloat32(at, little); break;
      case LONG: value = view.getInt32(at, little); if (value > 2147483620) value = NaN; break;
      case INT: value = view.getInt16(at, little); if (value > 32740) value = NaN; break;
      default: value = view.getInt8(at); if (value > 100) value = NaN; break;
    }
    values[i] = value;
  }
  if (labels === undefined) return values;
  // Labels only on missing codes (a reason for `.a`) or on some of the values leave the numbers as they are.
  for (let i = 0; i < nRows; i++) if (!Number.isNaN(values[i]!) && !labels.has(values[i]!)) return values;
  const text: (string | null)[] = new Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const value = values[i]!;
    text[i] = Number.isNaN(value) ? null : labels.get(value)!;
  }
  return text;
}

// A strL cell holds (v, o): variable and observation of the GSO record (4 + 4 bytes in 117, 2 + 6 bytes later).
function strlKey(view: DataView, at: number, little: boolean, release: number): string {
  if (release === 117) return `${view.getUint32(at, little)}:${view.getUint32(at + 4, little)}`;
  const v = view.getUint16(at, little);
  const lo = view.getUint32(at + (little ? 2 : 4), little);
  const hi = view.getUint16(at + (little ? 6 : 2), little);
  return `${v}:${hi * 4294967296 + lo}`;
}

function readStrls(bytes: Uint8Array, little: boolean, release: number, offset: number, decoder: TextDecoder): Map<string, string> {
  const cursor = new Cursor(bytes, little);
  cursor.offset = offset;
  cursor.expect('<strls>');
  const strls = new Map<string, string>();
  while (bytes[cursor.offset] === 0x47 /* G */) {
    cursor.expect('GSO');
    const v = cursor.u32();
    const o = release === 117 ? cursor.u32() : cursor.u64();
    const kind = cursor.u8();
    const length = cursor.u32();
    if (cursor.offset + length > bytes.length) fail('a strL record is truncated', length);
    // Type 130 is text stored with its terminating null; 129 is binary, read here as text too.
    const raw = bytes.subarray(cursor.offset, cursor.offset + (kind === 130 && length > 0 ? length - 1 : length));
    strls.set(`${v}:${o}`, decoder.decode(raw));
    cursor.offset += length;
  }
  cursor.expect('</strls>');
  return strls;
}

function readValueLabels(bytes: Uint8Array, little: boolean, release: number, offset: number, decoder: TextDecoder): Map<string, Map<number, string>> {
  const cursor = new Cursor(bytes, little);
  cursor.offset = offset;
  cursor.expect('<value_labels>');
  const sets = new Map<string, Map<number, string>>();
  while (bytes[cursor.offset + 1] === 0x6c /* "<lbl>" */) {
    cursor.expect('<lbl>');
    const length = cursor.u32();
    const name = cursor.text(release === 117 ? 33 : 129, decoder);
    cursor.offset += 3;
    const tableStart = cursor.offset;
    const count = cursor.u32();
    const textLength = cursor.u32();
    const offsets: number[] = [];
    for (let i = 0; i < count; i++) offsets.push(cursor.u32());
    const values: number[] = [];
    for (let i = 0; i < count; i++) values.push(cursor.view.getInt32(cursor.offset + 4 * i, little));
    cursor.offset += 4 * count;
    const textStart = cursor.offset;
    const labels = new Map<number, string>();
    for (let i = 0; i < count; i++) {
      const raw = bytes.subarray(textStart + offsets[i]!, textStart + textLength);
      const end = raw.indexOf(0);
      labels.set(values[i]!, decoder.decode(end === -1 ? raw : raw.subarray(0, end)));
    }
    sets.set(name, labels);
    cursor.offset = tableStart + length;
    cursor.expect('</lbl>');
  }
  return sets;
}
