/**
 * Fixed-width (console) and Markdown tables from cells that are already strings.
 *
 * Widths count UTF-16 code units, which is right for the ASCII that numbers and R-style term
 * names use.
 */

/**
 * Horizontal alignment of a column.
 *
 * @example
 * const align: Align[] = ['left', 'right', 'center'];
 * textTable([['x1', '0.97', '0.05']], { header: ['term', 'estimate', 'stdError'], align, sep: ' | ' });
 * // 'term | estimate | stdError\nx1   |     0.97 |   0.05'
 */
export type Align = 'left' | 'right' | 'center';

/**
 * Options for {@link textTable} and {@link markdownTable}.
 *
 * @example
 * const options: TableOptions = { header: ['', 'Estimate'], sep: '  ' };
 * textTable([['x1', '0.97'], ['treat', '5.00']], options); // '       Estimate\nx1         0.97\ntreat      5.00'
 */
export interface TableOptions {
  /** Header cells (one per column); omitted = no header line. */
  header?: readonly string[];
  /** Per-column alignment; default: first column left, the others right (as R prints data frames). */
  align?: readonly Align[];
  /** Column separator for {@link textTable}; default one space, as R's `print.data.frame`. */
  sep?: string;
  /** Remove trailing spaces from each line (default true). */
  trimEnd?: boolean;
}

function pad(text: string, width: number, align: Align): string {
  const gap = width - text.length;
  if (gap <= 0) return text;
  if (align === 'left') return text + ' '.repeat(gap);
  if (align === 'right') return ' '.repeat(gap) + text;
  const before = Math.floor(gap / 2);
  return ' '.repeat(before) + text + ' '.repeat(gap - before);
}

function shape(rows: readonly (readonly string[])[], header?: readonly string[]): number {
  let ncol = header?.length ?? 0;
  for (const row of rows) ncol = Math.max(ncol, row.length);
  return ncol;
}

function alignments(ncol: number, align?: readonly Align[]): Align[] {
  return Array.from({ length: ncol }, (_, j) => align?.[j] ?? (j === 0 ? 'left' : 'right'));
}

/**
 * Renders rows of string cells as a fixed-width table: each column as wide as its widest cell
 * (header included), cells padded by alignment, columns joined by `sep`.
 *
 * @example
 * textTable([['x1', '0.97'], ['treat', '5.00']], { header: ['', 'Estimate'] });
 * // '      Estimate\nx1        0.97\ntreat     5.00'
 */
export function textTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const { header, sep = ' ', trimEnd = true } = options;
  const ncol = shape(rows, header);
  const align = alignments(ncol, options.align);
  const all = header ? [header, ...rows] : rows;
  const widths = Array.from({ length: ncol }, (_, j) => Math.max(0, ...all.map((r) => (r[j] ?? '').length)));
  const lines = all.map((row) => {
    const line = widths.map((w, j) => pad(row[j] ?? '', w, align[j]!)).join(sep);
    return trimEnd ? line.replace(/\s+$/, '') : line;
  });
  return lines.join('\n');
}

// A pipe inside a cell would end the cell; other Markdown (e.g. `\\*`) is left to the caller.
function escapeMarkdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * Renders rows as a GitHub-flavoured Markdown table (pipes escaped, alignment row `:--`, `--:`,
 * `:-:`). Without `header` an empty header row is written, since Markdown requires one.
 *
 * @example
 * markdownTable([['x1', '0.97']], { header: ['term', 'estimate'] });
 * // '| term | estimate |\n|:-----|---------:|\n| x1   |     0.97 |'
 */
export function markdownTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const ncol = shape(rows, options.header);
  const align = alignments(ncol, options.align);
  const header = (options.header ?? Array.from({ length: ncol }, () => '')).map(escapeMarkdownCell);
  const body = rows.map((r) => Array.from({ length: ncol }, (_, j) => escapeMarkdownCell(r[j] ?? '')));
  const widths = Array.from({ length: ncol }, (_, j) =>
    Math.max(3, header[j]?.length ?? 0, ...body.map((r) => r[j]!.length)),
  );
  const line = (cells: readonly string[]) => `| ${widths.map((w, j) => pad(cells[j] ?? '', w, align[j]!)).join(' | ')} |`;
  const rule = `|${widths
    .map((w, j) => {
      const a = align[j]!;
      if (a === 'left') return ':' + '-'.repeat(w + 1);
      if (a === 'right') return '-'.repeat(w + 1) + ':';
      return ':' + '-'.repeat(w) + ':';
    })
    .join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
