/**
 * Command-line arguments → library options. Each command declares its flags once (`Flag`): the
 * kind says how the text becomes a value, `option` the library option it fills (the flag in
 * camelCase by default), so every option reaches the estimator, which checks it and names it in
 * its own error. Values that begin with `-` (negative numbers: `--ref -2`) are values, not flags.
 */
import { parseArgs } from 'node:util';

/** How a flag's text becomes an option value. */
export type FlagKind = 'text' | 'number' | 'columns' | 'boolean' | 'vcov' | 'standardize' | 'json';

/** One command-line flag. */
export interface Flag {
  readonly kind: FlagKind;
  readonly help: string;
  readonly required?: boolean;
  /** The library option it fills; `null` for flags the command reads itself. Default: the flag in camelCase. */
  readonly option?: string | null;
  /** May be given more than once (`--formula a --formula b`). */
  readonly multiple?: boolean;
}

/** Bad command-line usage: exit code 2 and one line on stderr. */
export class UsageError extends Error {}

/** Parsed flag values (text, true, or a list of texts for `multiple` flags). */
export type Values = Record<string, string | boolean | string[] | undefined>;

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses `args` against `flags`: `-h` is `--help`; `--name value` where the value starts with
 * `-` is kept as a value for text flags (node's parseArgs would read it as a flag).
 */
export function parseFlags(args: readonly string[], flags: Readonly<Record<string, Flag>>): Values {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h') { joined.push('--help'); continue; }
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    const flag = name === undefined ? undefined : flags[name];
    if (flag !== undefined && flag.kind !== 'boolean' && i + 1 < args.length && args[i + 1]!.startsWith('-') && args[i + 1] !== '-') {
      joined.push(`--${name}=${args[++i]}`);
      continue;
    }
    joined.push(arg);
  }
  try {
    const options = Object.fromEntries(Object.entries(flags).map(([k, f]) => [k, { type: f.kind === 'boolean' ? 'boolean' as const : 'string' as const, multiple: f.multiple === true }]));
    return parseArgs({ args: joined, options, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, ''));
  }
}

/** A text flag's value (undefined when absent). */
export function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A text flag that must be present. */
export function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined || value === '') throw new UsageError(`missing required option --${name}`);
  return value;
}

function number(name: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) throw new UsageError(`--${name} must be a number (got "${raw}")`);
  return value;
}

/** `cluster:a+b`, `CRV1:a`, `CRV3:a`, `CR2:a` → the vcov option; anything else is passed on as text. */
export function vcovValue(raw: string): unknown {
  const match = /^(cluster|CRV1|CRV3|CR2):(.+)$/.exec(raw);
  if (match === null) return raw;
  const columns = match[2]!.replace(/\+/g, ' + ');
  return { [match[1] === 'cluster' ? 'CRV1' : match[1]!]: columns };
}

/**
 * The library options the flags give: every flag with an `option` (default: its camelCase name)
 * that was set, converted by its kind.
 */
export function optionsFrom(values: Values, flags: Readonly<Record<string, Flag>>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.option === null) continue;
    const raw = values[name];
    if (raw === undefined) continue;
    const key = flag.option ?? camel(name);
    if (flag.kind === 'boolean') { options[key] = raw === true; continue; }
    if (typeof raw !== 'string') { options[key] = raw; continue; }
    switch (flag.kind) {
      case 'number': options[key] = number(name, raw); break;
      case 'columns': options[key] = raw.split(',').map((s) => s.trim()).filter((s) => s !== ''); break;
      case 'vcov': options[key] = vcovValue(raw); break;
      case 'standardize': options[key] = Number.isNaN(Number(raw)) || raw.trim() === '' ? raw : Number(raw); break;
      case 'json':
        try { options[key] = JSON.parse(raw); } catch { throw new UsageError(`--${name} must be JSON (got "${raw}")`); }
        break;
      default: options[key] = raw;
    }
  }
  return options;
}
