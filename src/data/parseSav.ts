/**
 * SPSS `.sav` system files (uncompressed or bytecode-compressed), read from bytes so that the
 * same reader serves Node and browsers.
 *
 * Layout (GNU PSPP's "System File Format" appendix): a 176-byte header (`$FL2`, layout code —
 * which fixes the byte order —, case size, compression, case count, compression bias), then
 * dictionary records — variables (type 2, with their user-missing values), value labels (types
 * 3 and 4), documents (6), extensions (7: long names, encoding, …) — up to the terminator (999),
 * then the cases. Bytecode compression writes blocks of eight command bytes: 1–251 are the value
 * `code − bias`, 253 means an 8-byte value follows the block, 254 eight spaces, 255 system-missing.
 * System-missing and user-missing values (discrete or ranges) become NaN / null here.
 */
import { CausalPanelError } from '../errors.js';
import { readOptions, opt } from '../options.js';
import { Frame, type Column } from './frame.js';

/**
 * Options of {@link parseSav}.
 *
 * @example
 * const options: ParseSavOptions = { labels: 'codes' };
 */
export interface ParseSavOptions {
  /** `'text'` (default): variables whose every observed value has a value label become text columns of their labels; `'codes'`: keep the numbers. */
  readonly labels?: 'text' | 'codes';
}

const FN = 'parseSav';

function fail(message: string, value?: unknown): never {
  throw new CausalPanelError('unreadable_file', `${FN}: ${message}`, { fn: FN, value });
}

interface Variable {
  shortName: string;
  name: string;
  /** 0 numeric, else the string width in bytes. */
  width: number;
  /** Index of the variable's first 8-byte segment in a case. */
  segment: number;
  missingValues: number[];
  missingRange?: [number, number];
  /** Value labels as stored (bytes, decoded once the encoding is known). */
  labels?: Map<number, Uint8Array>;
}

class Reader {
  readonly view: DataView;
  offset = 0;
  little = true;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(length: number): void {
    if (this.offset + length > this.bytes.length) fail(`the file ends inside a record (byte ${this.offset})`, this.offset);
  }
  i32(): number { this.need(4); const v = this.view.getInt32(this.offset, this.little); this.offset += 4; return v; }
  f64(): number { this.need(8); const v = this.view.getFloat64(this.offset, this.little); this.offset += 8; return v; }
  raw(length: number): Uint8Array { this.need(length); const v = this.bytes.subarray(this.offset, this.offset + length); this.offset += length; return v; }
}

/**
 * Reads an SPSS `.sav` file from its bytes into a {@link Frame}.
 *
 * Numeric variables become `Float64Array` columns with system-missing and user-missing values
 * (discrete values and ranges) as NaN; string variables become text columns (trailing blanks
 * removed; a blank string is missing); a numeric variable whose every observed value has a value
 * label becomes a text column of its labels unless `labels: 'codes'`. Long variable names
 * (extension 13) and the character encoding (extension 20, UTF-8 when absent) are honoured.
 * zlib-compressed `.zsav` files and strings longer than 255 bytes are rejected with a message.
 *
 * @throws {CausalPanelError} `unreadable_file` (not a system file, an unsupported feature, a
 *   truncated record), `unknown_option`, `invalid_option`
 * @example
 * const lalonde = parseSav(await (await fetch('https://example.org/lalonde.sav')).arrayBuffer());
 * lalonde.nrow; // 614
 * lalonde.column('race')[0]; // 'black'
 */
export function parseSav(bytes: Uint8Array | ArrayBuffer, options: ParseSavOptions = {}): Frame {
  const params = readOptions(FN, options, { labels: opt.oneOf(['text', 'codes'] as const, 'text') });
  const input = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const reader = new Reader(input);
  const latin1 = new TextDecoder('latin1');
  const magic = input.length >= 176 ? latin1.decode(input.subarray(0, 4)) : '';
  if (magic === '$FL3') fail('zlib-compressed .zsav files are not supported; save as .sav', magic);
  if (magic !== '$FL2') fail('not an SPSS system file (it should start with "$FL2")', magic);
  reader.offset = 64;
  const layout = reader.view.getInt32(64, true);
  reader.little = layout === 2 || layout === 3;
  reader.i32();
  reader.i32(); // nominal case size: recounted from the variable records
  const compression = reader.i32();
  if (compression !== 0 && compression !== 1) fail(`compression ${compression} is not supported (0 or 1)`, compression);
  reader.i32(); // weight index
  const nCases = reader.i32();
  const bias = reader.f64();
  reader.offset = 176;

  const variables: Variable[] = [];
  const bySegment = new Map<number, Variable>();
  let segments = 0;
  let longNames = '';
  let encoding = 'utf-8';
  let sysmis = -Number.MAX_VALUE;
  for (;;) {
    const recordType = reader.i32();
    if (recordType === 999) { reader.i32(); break; }
    if (recordType === 2) {
      const type = reader.i32();
      const hasLabel = reader.i32();
      const nMissing = reader.i32();
      reader.i32();
      reader.i32();
      const shortName = latin1.decode(reader.raw(8)).trimEnd();
      if (hasLabel === 1) reader.raw(Math.ceil(reader.i32() / 4) * 4);
      const missing: number[] = [];
      for (let i = 0; i < Math.abs(nMissing); i++) missing.push(reader.f64());
      if (type === -1) { segments++; continue; }
      const variable: Variable = { shortName, name: shortName, width: type, segment: segments, missingValues: [] };
      if (nMissing < 0) {
        variable.missingRange = [missing[0]!, missing[1]!];
        variable.missingValues = missing.slice(2);
      } else variable.missingValues = missing;
      variables.push(variable);
      bySegment.set(segments + 1, variable);
      segments++;
    } else if (recordType === 3) {
      const count = reader.i32();
      const labels = new Map<number, Uint8Array>();
      for (let i = 0; i < count; i++) {
        const value = reader.f64();
        const length = reader.raw(1)[0]!;
        labels.set(value, reader.raw(Math.ceil((length + 1) / 8) * 8 - 1).subarray(0, length));
      }
      if (reader.i32() !== 4) fail('a value-label record is not followed by its variable list (record type 4)');
      const nVariables = reader.i32();
      for (let i = 0; i < nVariables; i++) {
        const variable = bySegment.get(reader.i32());
        if (variable !== undefined && variable.width === 0) variable.labels = labels;
      }
    } else if (recordType === 6) {
      reader.raw(80 * reader.i32());
    } else if (recordType === 7) {
      const subtype = reader.i32();
      const size = reader.i32();
      const count = reader.i32();
      const data = reader.raw(size * count);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      if (subtype === 4 && data.length >= 8) sysmis = view.getFloat64(0, reader.little);
      else if (subtype === 13) longNames = latin1.decode(data);
      else if (subtype === 20) encoding = latin1.decode(data).trim().toLowerCase();
      else if (subtype === 14) fail('strings longer than 255 bytes (very long string records) are not supported');
    } else fail(`unknown record type ${recordType} at byte ${reader.offset - 4}`, recordType);
  }

  let decoder: TextDecoder;
  try { decoder = new TextDecoder(encoding); } catch { return fail(`unknown character encoding "${encoding}"`, encoding); }
  if (longNames !== '') {
    const rename = new Map<string, string>();
    for (const pair of decoder.decode(latin1Bytes(longNames)).split('\t')) {
      const at = pair.indexOf('=');
      if (at > 0) rename.set(pair.slice(0, at), pair.slice(at + 1));
    }
    for (const variable of variables) variable.name = rename.get(variable.shortName) ?? variable.shortName;
  }

  const cells = readCases(reader, nCases, segments, compression === 1, bias, sysmis);
  const nRows = cells.length / 8 / segments;
  const columns: Record<string, Column> = Object.create(null);
  for (const variable of variables) columns[variable.name] = variable.width === 0 ? numericColumn(variable, cells, segments, nRows, sysmis, reader.little, params.labels === 'text' ? decoder : undefined) : textColumn(variable, cells, segments, nRows, decoder);
  return new Frame(columns, variables.map((v) => v.name));
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The case segments (8 bytes each) as stored, in the file's byte order; compressed values are written back in that order. */
function readCases(reader: Reader, nCases: number, segments: number, compressed: boolean, bias: number, sysmis: number): Uint8Array {
  const { little } = reader;
  const source = reader.bytes;
  const end = source.length;
  if (!compressed) {
    const total = nCases >= 0 ? nCases * segments : Math.floor((end - reader.offset) / 8 / segments) * segments;
    if (reader.offset + total * 8 > end) fail(`the data are truncated (${nCases} cases of ${segments} segments)`, nCases);
    return source.subarray(reader.offset, reader.offset + total * 8);
  }
  let capacity = Math.max(nCases, 64) * segments;
  let out = new Uint8Array(capacity * 8);
  let view = new DataView(out.buffer);
  let filled = 0;
  let at = reader.offset;
  outer: while (at + 8 <= end) {
    const block = at;
    at += 8;
    for (let c = 0; c < 8; c++) {
      const code = source[block + c]!;
      if (code === 0) continue;
      if (code === 252) break outer;
      if (filled === capacity) {
        capacity *= 2;
        const next = new Uint8Array(capacity * 8);
        next.set(out);
        out = next;
        view = new DataView(out.buffer);
      }
      if (code === 253) {
        if (at + 8 > end) fail('the compressed data are truncated');
        out.set(source.subarray(at, at + 8), filled * 8);
        at += 8;
      } else if (code === 254) out.fill(0x20, filled * 8, filled * 8 + 8);
      else view.setFloat64(filled * 8, code === 255 ? sysmis : code - bias, little);
      filled++;
    }
    if (nCases >= 0 && filled >= nCases * segments) break;
  }
  if (filled % segments !== 0) fail(`the compressed data end inside a case (${filled} segments for ${segments} per case)`, filled);
  return out.subarray(0, filled * 8);
}

function numericColumn(variable: Variable, cells: Uint8Array, segments: number, nRows: number, sysmis: number, little: boolean, decoder: TextDecoder | undefined): Column {
  const view = new DataView(cells.buffer, cells.byteOffset, cells.byteLength);
  const values = new Float64Array(nRows);
  const range = variable.missingRange;
  for (let i = 0; i < nRows; i++) {
    const value = view.getFloat64((i * segments + variable.segment) * 8, little);
    const missing = value === sysmis || variable.missingValues.includes(value) || (range !== undefined && value >= range[0] && value <= range[1]);
    values[i] = missing ? NaN : value;
  }
  const labels = variable.labels;
  if (decoder === undefined || labels === undefined) return values;
  for (let i = 0; i < nRows; i++) if (!Number.isNaN(values[i]!) && !labels.has(values[i]!)) return values;
  const text: (string | null)[] = new Array(nRows);
  const decoded = new Map<number, string>();
  for (const [value, raw] of labels) decoded.set(value, decoder.decode(raw).trimEnd());
  for (let i = 0; i < nRows; i++) text[i] = Number.isNaN(values[i]!) ? null : decoded.get(values[i]!)!;
  return text;
}

function textColumn(variable: Variable, bytes: Uint8Array, segments: number, nRows: number, decoder: TextDecoder): Column {
  const out: (string | null)[] = new Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const start = (i * segments + variable.segment) * 8;
    const text = decoder.decode(bytes.subarray(start, start + variable.width)).trimEnd();
    out[i] = text === '' ? null : text;
  }
  return out;
}
