#!/usr/bin/env node
/**
 * The `causal-panel` command line: runs one estimator on a data file (CSV, Stata `.dta`, SPSS
 * `.sav`, Parquet, or CSV on stdin with `--data -`) and prints its results as text, Markdown,
 * LaTeX, HTML, CSV or JSON (one JSON shape for every command: `{ kind, rows, notes, result }`),
 * optionally writing the plot of the main result as SVG. Usage errors and estimator errors print
 * one line on stderr and exit with code 2. Long simulations (`mediate`) draw a progress bar on
 * stderr when it is a terminal, never otherwise.
 *
 *   causal-panel did    --data f.csv --outcome y --unit id --time year --treat treat --post post
 *   causal-panel event  --data f.dta --outcome y --unit id --time year --cohort first_treat --ref -2
 *   causal-panel feols  --data f.csv --formula "y ~ x1 | id + year" --vcov cluster:id --format md
 *   causal-panel help did
 *
 * Like src/node.ts this is a Node entry point (it reads files and writes to the terminal).
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CausalPanelError } from './errors.js';
import { readCsv, readDta, readParquet, readSav } from './node.js';
import { parseCsv } from './data/parseCsv.js';
import type { Frame } from './data/frame.js';
import { optionsFrom, parseFlags, required, text, UsageError, type Flag, type Values } from './cli/args.js';
import { COMMANDS } from './cli/commands.js';
import { FORMATS, plot, render, type Format } from './cli/output.js';

/** Where the CLI writes and reads (injectable for tests). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * Whether stderr is a terminal: only then long simulations draw a progress bar on it (never in
   * pipes, files or CI logs). Default false for an injected `io`; `process.stderr.isTTY` otherwise.
   */
  stderrIsTTY?: boolean;
  /** Standard input, for `--data -` (default: the process's stdin). */
  stdin?: () => Promise<Uint8Array>;
}

const COMMON: Readonly<Record<string, Flag>> = {
  data: { kind: 'text', help: 'data file: .csv/.tsv/.txt, .dta, .sav, .parquet, or - for CSV on stdin', required: true, option: null },
  delimiter: { kind: 'text', help: 'CSV field delimiter (default: found from the first lines)', option: null },
  level: { kind: 'number', help: 'confidence level (default 0.95)' },
  format: { kind: 'text', help: `output: ${FORMATS.join(' | ')} (default text)`, option: null },
  json: { kind: 'boolean', help: 'same as --format json', option: null },
  out: { kind: 'text', help: 'write the output to this file instead of stdout', option: null },
  plot: { kind: 'text', help: 'also write the plot of the main result to this SVG file', option: null },
  help: { kind: 'boolean', help: 'show the options of this command', option: null },
};

/** The package version (package.json sits one level above both src/ and dist/). */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function helpText(name?: string): string {
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    return [
      'Usage: causal-panel <command> --data <file> [options]',
      '',
      'Commands:',
      ...Object.entries(COMMANDS).map(([key, c]) => `  ${key.padEnd(8)} ${c.summary}`),
      '',
      "Run 'causal-panel help <command>' or 'causal-panel <command> --help' for its options; 'causal-panel --version'.",
    ].join('\n');
  }
  const rows = Object.entries({ ...command.flags, ...COMMON }).map(([key, flag]) => `  --${(key + (flag.kind === 'boolean' ? '' : ' <value>')).padEnd(26)} ${flag.help}${flag.required ? ' (required)' : ''}${flag.multiple ? ' (repeatable)' : ''}`);
  return [`Usage: causal-panel ${name} --data <file> [options]`, '', command.summary, '', 'Options:', ...rows].join('\n');
}

/** Reads `--data` by its extension (or CSV from stdin for `-`). */
async function readData(path: string, delimiter: string | undefined, io: CliIo): Promise<Frame> {
  const csvOptions = delimiter === undefined ? {} : { delimiter: delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter };
  try {
    if (path === '-') return parseCsv(await (io.stdin ?? readStdin)(), csvOptions);
    const extension = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
    if (extension === 'dta') return await readDta(path);
    if (extension === 'sav') return await readSav(path);
    if (extension === 'parquet') return await readParquet(path);
    return await readCsv(path, csvOptions);
  } catch (error) {
    if (error instanceof CausalPanelError) throw error;
    throw new UsageError(`cannot read --data ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  return new Uint8Array(Buffer.concat(chunks));
}

const BAR_WIDTH = 30;

/**
 * A progress bar redrawn in place (`\r`) on stderr, only when the shown percentage changes; the
 * last call (done = total) ends the line so that the summary starts on its own line.
 */
function progressBar(write: (text: string) => void, label: string): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const percent = Math.floor((100 * done) / total);
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((BAR_WIDTH * done) / total);
    write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% (${done}/${total})${done === total ? '\n' : ''}`);
  };
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code:
 * 0 on success, 2 on any error (one line on stderr). A progress bar goes to stderr only when
 * `io.stderrIsTTY` is true.
 *
 * @example
 * await runCli(['did', '--data', 'base_did.csv', '--outcome', 'y', '--unit', 'id', '--time', 'period', '--treat', 'treat', '--post', 'post']); // 0
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), stderrIsTTY: process.stderr.isTTY === true },
): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-v') {
      io.stdout(`${version()}\n`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(`${helpText(name === 'help' ? rest[0] : undefined)}\n`);
      if (name === 'help' && rest[0] !== undefined && COMMANDS[rest[0]] === undefined) throw new UsageError(`unknown command "${rest[0]}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    const flags = { ...command.flags, ...COMMON };
    const values: Values = parseFlags(rest, flags);
    if (values.help === true) {
      io.stdout(`${helpText(name)}\n`);
      return 0;
    }
    for (const [key, flag] of Object.entries(flags)) if (flag.required && (values[key] === undefined || values[key] === '')) throw new UsageError(`missing required option --${key}`);
    const format = (values.json === true ? 'json' : text(values, 'format') ?? 'text') as Format;
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
    const options = optionsFrom(values, flags);
    const data = await readData(required(values, 'data'), text(values, 'delimiter'), io);
    const onProgress = io.stderrIsTTY === true ? progressBar(io.stderr, name) : undefined;
    const results = await command.run(data, options, values, { onProgress });
    const output = `${await render(results, format, options.level as number | undefined)}\n`;
    const plotPath = text(values, 'plot');
    if (plotPath !== undefined) writeFileSync(plotPath, await plot(results[results.length - 1]!));
    const outPath = text(values, 'out');
    if (outPath !== undefined) writeFileSync(outPath, output);
    else io.stdout(output);
    return 0;
  } catch (error) {
    const message = error instanceof CausalPanelError || error instanceof UsageError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    io.stderr(`causal-panel: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 2;
  }
}

// Run only when executed directly (tsx src/cli.ts, or the installed bin), not when imported.
function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
