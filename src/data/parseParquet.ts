/**
 * Apache Parquet files, read from bytes with hyparquet (pure JavaScript, with its own snappy
 * decoder), so the same reader serves Node and browsers.
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
import { CausalPanelError } from '../errors.js';
import { readOptions, opt } from '../options.js';
import { Frame, type Column } from './frame.js';

/**
 * Options of {@link parseParquet}.
 *
 * @example
 * const options: ParseParquetOptions = { columns: ['treat', 're78'] };
 */
export interface ParseParquetOptions {
  /** Only these columns (all when omitted): Parquet is columnar, so the others are never decoded. */
  readonly columns?: readonly string[];
}

const FN = 'parseParquet';

/**
 * Reads a Parquet file from its bytes into a {@link Frame}.
 *
 * Numbers (INT32, INT64, FLOAT, DOUBLE, DECIMAL) become `Float64Array` columns with nulls as NaN;
 * an INT64 beyond ±2^53 cannot be held exactly by a double and is an error naming its column and
 * row. Booleans become 0/1; text (UTF8 byte arrays) becomes text columns with nulls as `null`;
 * dates and timestamps become their ISO text. Nested columns (lists, maps, structs) are an error.
 *
 * @throws {CausalPanelError} `unreadable_file` (not a Parquet file, a nested column, a corrupt
 *   page), `non_finite` (an INT64 too large for a double), `missing_column`, `unknown_option`
 * @example
 * const lalonde = await parseParquet(await (await fetch('https://example.org/lalonde.parquet')).arrayBuffer());
 * lalonde.nrow; // 614
 * lalonde.column('race')[0]; // 'black'
 */
export async function parseParquet(bytes: Uint8Array | ArrayBuffer, options: ParseParquetOptions = {}): Promise<Frame> {
  const params = readOptions(FN, options, { columns: opt.columns() });
  const file = bytes instanceof Uint8Array ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer : bytes;
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw new CausalPanelError('unreadable_file', `${FN}: not a Parquet file (${(error as Error).message})`, { fn: FN });
  }
  const leaves = metadata.schema.slice(1);
  const available: string[] = [];
  for (const element of leaves) {
    if ((element.num_children ?? 0) > 0 || element.repetition_type === 'REPEATED') {
      throw new CausalPanelError('unreadable_file', `${FN}: column "${element.name}" is nested (lists, maps and structs are not read)`, { fn: FN, column: element.name });
    }
    available.push(element.name);
  }
  const names = params.columns.length > 0 ? params.columns : available;
  for (const name of names) {
    if (!available.includes(name)) throw new CausalPanelError('missing_column', `${FN}: column "${name}" not found (columns: ${available.join(', ')})`, { fn: FN, column: name });
  }
  const nRows = Number(metadata.num_rows);
  const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
  for (const name of names) chunks.set(name, []);
  try {
    await parquetRead({
      file,
      metadata,
      columns: [...names],
      onChunk: ({ columnName, columnData, rowStart }) => {
        chunks.get(columnName)?.push({ rowStart, data: columnData as ArrayLike<unknown> });
      },
    });
  } catch (error) {
    throw new CausalPanelError('unreadable_file', `${FN}: ${(error as Error).message}`, { fn: FN });
  }
  const columns: Record<string, Column> = Object.create(null);
  for (const name of names) columns[name] = toColumn(name, chunks.get(name)!, nRows);
  return new Frame(columns, names);
}

/** Float64 and Float32/Int32 chunks (no nulls) are copied as blocks; anything else cell by cell. */
function toColumn(name: string, chunks: readonly { rowStart: number; data: ArrayLike<unknown> }[], nRows: number): Column {
  if (chunks.every((chunk) => chunk.data instanceof Float64Array || chunk.data instanceof Float32Array || chunk.data instanceof Int32Array)) {
    const values = new Float64Array(nRows);
    for (const { rowStart, data } of chunks) values.set((data as Float64Array).subarray(0, Math.max(0, Math.min(data.length, nRows - rowStart))), rowStart);
    return values;
  }
  const cells: unknown[] = new Array(nRows);
  for (const { rowStart, data } of chunks) for (let i = 0; i < data.length && rowStart + i < nRows; i++) cells[rowStart + i] = data[i];
  return cellsToColumn(name, cells);
}

function cellsToColumn(name: string, cells: readonly unknown[]): Column {
  const first = cells.find((cell) => cell !== null && cell !== undefined);
  if (typeof first === 'string' || first instanceof Date) {
    return cells.map((cell) => (cell === null || cell === undefined ? null : cell instanceof Date ? cell.toISOString() : String(cell)));
  }
  const values = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined) values[i] = NaN;
    else if (typeof cell === 'bigint') {
      if (cell > 9007199254740992n || cell < -9007199254740992n) {
        throw new CausalPanelError('non_finite', `${FN}: column "${name}" has an integer a double cannot hold exactly (row ${i + 1}: ${cell})`, { fn: FN, column: name, row: i + 1, value: String(cell) });
      }
      values[i] = Number(cell);
    } else if (typeof cell === 'boolean') values[i] = cell ? 1 : 0;
    else if (typeof cell === 'number') values[i] = cell;
    else throw new CausalPanelError('unreadable_file', `${FN}: column "${name}" holds values of an unsupported type (row ${i + 1})`, { fn: FN, column: name, row: i + 1 });
  }
  return values;
}
