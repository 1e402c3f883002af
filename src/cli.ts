#!/usr/bin/env node
/**
 * The `causal-panel` command line: runs one estimator on a CSV file and prints its summary (or
 * `--json`). Usage errors and estimator errors print one line on stderr and exit with code 2.
 * Long simulations (`mediate`) draw a progress bar on stderr when it is a terminal, never otherwise.
 *
 *   causal-panel did    --data f.csv --outcome y --unit id --time year --treat treat --post post
 *   causal-panel event  --data f.csv --outcome y --unit id --time year --cohort first_treat
 *   causal-panel attgt  --data f.csv --outcome y --unit id --time year --cohort first_treat
 *   causal-panel match  --data f.csv --formula "treat ~ age + educ"
 *   causal-panel mediate --data f.csv --mediator-model "M ~ T + X" --outcome-model "Y ~ T + M + X" --treat T --mediator M
 *
 * Like src/node.ts this is a Node entry point (it reads files and writes to the terminal).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CausalPanelError } from './errors.js';
import { readCsv } from './node.js';
import type { Frame } from './data/frame.js';
import type { VcovOption } from './inference/vcovSpec.js';
import type { AggregationType } from './estimators/did/aggregate.js';

/** Where the CLI writes (injectable for tests). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * Whether stderr is a terminal: only then long simulations draw a progress bar on it (never in
   * pipes, files or CI logs). Default false for an injected `io`; `process.stderr.isTTY` otherwise.
   */
  stderrIsTTY?: boolean;
}

type OptionSpec = { type: 'string' | 'boolean'; help: string; required?: boolean };

const COMMON: Record<string, OptionSpec> = {
  data: { type: 'string', help: 'CSV file (header row; empty cells and NA are missing)', required: true },
  json: { type: 'boolean', help: 'print the result as JSON instead of a table' },
  level: { type: 'string', help: 'confidence level (default 0.95)' },
  help: { type: 'boolean', help: 'show this help' },
};
const VCOV: OptionSpec = { type: 'string', help: "variance: iid | hetero | HC0..HC3 | cluster:<col>[+<col>] (default: cluster by unit)" };
const COVARIATES: OptionSpec = { type: 'string', help: 'comma-separated numeric control columns' };
// The panel columns most commands share.
const OUTCOME: OptionSpec = { type: 'string', help: 'outcome column', required: true };
const UNIT: OptionSpec = { type: 'string', help: 'unit column', required: true };
const TIME: OptionSpec = { type: 'string', help: 'time column', required: true };
const COHORT: OptionSpec = { type: 'string', help: 'first-treated period column (0 / empty = never treated)', required: true };

/** What a command may use besides its options: a progress callback when stderr is a terminal. */
interface RunContext {
  onProgress: ((done: number, total: number) => void) | undefined;
}

interface Command {
  summary: string;
  options: Record<string, OptionSpec>;
  run(frame: Frame, v: Values, context: RunContext): Promise<Printable> | Printable;
}
type Values = Record<string, string | boolean | undefined>;
interface Printable {
  summary(): string;
  toJSON(): unknown;
}

/** Thrown for bad command-line usage (exit code 2, like estimator errors). */
class UsageError extends Error {}

function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}
function need(v: Values, name: string): string {
  const x = str(v, name);
  if (x === undefined || x === '') throw new UsageError(`missing required option --${name}`);
  return x;
}
function num(v: Values, name: string): number | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  const n = Number(x);
  if (x.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${x}")`);
  return n;
}
function list(v: Values, name: string): string[] | undefined {
  const x = str(v, name);
  return x === undefined ? undefined : x.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
function oneOf<T extends string>(v: Values, name: string, allowed: readonly T[]): T | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(x)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${x}")`);
  return x as T;
}
/** The outcome, unit and time columns of a panel command. */
function panelColumns(v: Values): { outcome: string; unit: string; time: string } {
  return { outcome: need(v, 'outcome'), unit: need(v, 'unit'), time: need(v, 'time') };
}
function vcov(v: Values): VcovOption | undefined {
  const x = str(v, 'vcov');
  if (x === undefined) return undefined;
  const m = /^(cluster|CRV1|CRV3):(.+)$/.exec(x);
  if (m) return m[1] === 'CRV3' ? { CRV3: m[2]!.replace(/\+/g, ' + ') } : { CRV1: m[2]!.replace(/\+/g, ' + ') };
  return x as VcovOption; // the estimator validates and names the accepted values
}

// Estimators load lazily: the CLI starts fast and one command's dependencies cannot break another.
const COMMANDS: Record<string, Command> = {
  did: {
    summary: 'canonical 2x2 / two-way fixed-effects difference-in-differences (fixest feols)',
    options: {
      outcome: OUTCOME,
      unit: { ...UNIT, help: 'unit (panel id or group) column' },
      time: TIME,
      treat: { type: 'string', help: '0/1 treatment-group column', required: true },
      post: { type: 'string', help: '0/1 post-period column', required: true },
      covariates: COVARIATES,
      vcov: VCOV,
      'no-fe': { type: 'boolean', help: 'fit y ~ treat + post + treat:post instead of unit and time fixed effects' },
    },
    run: async (data, v) =>
      (await import('./estimators/did/did.js')).did({
        data, ...panelColumns(v), treat: need(v, 'treat'), post: need(v, 'post'),
        covariates: list(v, 'covariates'), vcov: vcov(v), level: num(v, 'level'), fixedEffects: v['no-fe'] !== true,
      }),
  },
  event: {
    summary: 'event study: leads and lags around treatment with a pre-trend F test (fixest i() or Sun-Abraham)',
    options: {
      outcome: OUTCOME,
      unit: UNIT,
      time: TIME,
      cohort: COHORT,
      ref: { type: 'string', help: 'reference relative period (default -1)' },
      method: { type: 'string', help: 'twfe (default) | sunab' },
      covariates: COVARIATES,
      vcov: VCOV,
    },
    run: async (data, v) =>
      (await import('./estimators/did/eventStudy.js')).eventStudy({
        data, ...panelColumns(v), cohort: need(v, 'cohort'),
        ref: num(v, 'ref'), method: oneOf(v, 'method', ['twfe', 'sunab'] as const), covariates: list(v, 'covariates'), vcov: vcov(v), level: num(v, 'level'),
      }),
  },
  attgt: {
    summary: "Callaway & Sant'Anna group-time ATTs (R did::att_gt, analytic SEs)",
    options: {
      outcome: OUTCOME,
      unit: { type: 'string', help: 'unit column (panel)' },
      time: TIME,
      cohort: COHORT,
      covariates: COVARIATES,
      control: { type: 'string', help: 'never (default) | notyet' },
      method: { type: 'string', help: 'dr (default) | ipw | reg' },
      aggregate: { type: 'string', help: 'also print an aggregation: simple | dynamic | group | calendar' },
      rcs: { type: 'boolean', help: 'repeated cross-sections (did panel = FALSE)' },
    },
    run: async (data, v) => {
      const { attgt } = await import('./estimators/did/attgt.js');
      const res = attgt({
        data, outcome: need(v, 'outcome'), unit: str(v, 'unit'), time: need(v, 'time'), cohort: need(v, 'cohort'),
        covariates: list(v, 'covariates'), control: oneOf(v, 'control', ['never', 'notyet'] as const),
        method: oneOf(v, 'method', ['dr', 'ipw', 'reg'] as const), panel: v.rcs !== true, level: num(v, 'level'),
      });
      const type = oneOf<AggregationType>(v, 'aggregate', ['simple', 'dynamic', 'group', 'calendar']);
      if (type === undefined) return res;
      // The ATT(g,t) table, then the aggregation's own summary (did's aggte: overall ATT, then
      // one row per event time, cohort or period); JSON: the attgt result with the aggregation's
      // overall row and rows under `aggregate`.
      const agg = res.aggregate(type);
      return {
        summary: () => `${res.summary()}\n\n${agg.summary()}`,
        toJSON: () => {
          const { overall, rows } = agg.toJSON();
          return { ...res.toJSON(), aggregate: { type, overall, rows } };
        },
      };
    },
  },
  match: {
    summary: 'propensity-score / Mahalanobis matching (R MatchIt::matchit); --outcome adds the matched ATT; with --unit --time --treat --post: PSM-DiD',
    options: {
      formula: { type: 'string', help: "'treat ~ x1 + x2' (matchit); for PSM-DiD use --covariates instead" },
      method: { type: 'string', help: 'nearest (default) | kernel' },
      distance: { type: 'string', help: 'logit (default) | probit | mahalanobis' },
      ratio: { type: 'string', help: 'controls per treated unit (default 1)' },
      caliper: { type: 'string', help: 'caliper in SDs of the distance' },
      replace: { type: 'boolean', help: 'match with replacement' },
      compat: { type: 'string', help: "'4.5.1' reproduces MatchIt 4.5.1 exactly; default: corrected algorithm (MatchIt >= 4.5.4)" },
      outcome: { type: 'string', help: 'outcome: matched ATT (lm on match.data, SEs by subclass), or the PSM-DiD outcome' },
      unit: { type: 'string', help: 'PSM-DiD: unit column' },
      time: { type: 'string', help: 'PSM-DiD: time column' },
      treat: { type: 'string', help: 'PSM-DiD: 0/1 treatment-group column' },
      post: { type: 'string', help: 'PSM-DiD: 0/1 post-period column' },
      covariates: { type: 'string', help: 'PSM-DiD: comma-separated baseline covariates of the propensity score' },
    },
    run: async (data, v) => {
      const common = {
        method: oneOf(v, 'method', ['nearest', 'kernel'] as const),
        distance: oneOf(v, 'distance', ['logit', 'probit', 'mahalanobis'] as const),
        ratio: num(v, 'ratio'),
        caliper: num(v, 'caliper'),
        replace: v.replace === true ? true : undefined,
        compat: oneOf(v, 'compat', ['4.5.1', 'current'] as const),
      };
      if (str(v, 'unit') !== undefined || str(v, 'time') !== undefined || str(v, 'post') !== undefined) {
        const { psmDid } = await import('./estimators/psmDid.js');
        return psmDid({
          data, outcome: need(v, 'outcome'), unit: need(v, 'unit'), time: need(v, 'time'), treat: need(v, 'treat'), post: need(v, 'post'),
          covariates: list(v, 'covariates') ?? [], level: num(v, 'level'), ...common,
        });
      }
      const { matchit } = await import('./estimators/matching/matchit.js');
      const m = matchit({ formula: need(v, 'formula'), data, ...common });
      const outcome = str(v, 'outcome');
      if (outcome === undefined) return m;
      const att = m.att({ outcome, level: num(v, 'level') });
      return {
        summary: () => `${m.summary()}\n\n${att.summary()}`,
        toJSON: () => ({ ...(m.toJSON() as Record<string, unknown>), att: att.estimate }),
      };
    },
  },
  mediate: {
    summary: 'causal mediation analysis: ACME, ADE, total effect (R mediation::mediate)',
    options: {
      'mediator-model': { type: 'string', help: "mediator model, e.g. 'M ~ T + X'", required: true },
      'outcome-model': { type: 'string', help: "outcome model, e.g. 'Y ~ T + M + X'", required: true },
      treat: { type: 'string', help: 'treatment variable', required: true },
      mediator: { type: 'string', help: 'mediator variable', required: true },
      sims: { type: 'string', help: 'simulations / bootstrap resamples (default 1000)' },
      seed: { type: 'string', help: 'random seed (default 1)' },
      boot: { type: 'boolean', help: 'nonparametric bootstrap instead of quasi-Bayesian draws' },
      cluster: { type: 'string', help: 'cluster column (cluster bootstrap / cluster-robust draws)' },
    },
    run: async (data, v, { onProgress }) =>
      (await import('./estimators/mediation/mediate.js')).mediate({
        data, mediatorModel: need(v, 'mediator-model'), outcomeModel: need(v, 'outcome-model'), treat: need(v, 'treat'), mediator: need(v, 'mediator'),
        sims: num(v, 'sims'), seed: num(v, 'seed'), boot: v.boot === true, cluster: str(v, 'cluster'), level: num(v, 'level'), onProgress,
      }),
  },
};

/** Width of the progress bar in characters. */
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

function helpText(name?: string): string {
  if (name === undefined || !(name in COMMANDS)) {
    return [
      'Usage: causal-panel <command> --data file.csv [options]',
      '',
      'Commands:',
      ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(8)} ${c.summary}`),
      '',
      "Run 'causal-panel <command> --help' for the options of a command.",
    ].join('\n');
  }
  const cmd = COMMANDS[name]!;
  const all = { ...cmd.options, ...COMMON };
  const rows = Object.entries(all).map(([k, o]) => `  --${(k + (o.type === 'string' ? ' <value>' : '')).padEnd(22)} ${o.help}${o.required ? ' (required)' : ''}`);
  return [`Usage: causal-panel ${name} --data file.csv [options]`, '', cmd.summary, '', 'Options:', ...rows].join('\n');
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code:
 * 0 on success, 2 on any error (one line on stderr). A progress bar goes to stderr only when
 * `io.stderrIsTTY` is true.
 *
 * @example
 * await runCli(['did', '--data', 'base_did.csv', '--outcome', 'y', '--unit', 'id', '--time', 'period', '--treat', 'treat', '--post', 'post']);
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), stderrIsTTY: process.stderr.isTTY === true },
): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(`${helpText()}\n`);
      return name === undefined ? 2 : 0;
    }
    const cmd = COMMANDS[name];
    if (!cmd) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    const spec = { ...cmd.options, ...COMMON };
    let values: Values;
    try {
      values = parseArgs({ args: [...rest], options: Object.fromEntries(Object.entries(spec).map(([k, o]) => [k, { type: o.type }])), strict: true, allowPositionals: false }).values as Values;
    } catch (e) {
      throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, ''));
    }
    if (values.help === true) {
      io.stdout(`${helpText(name)}\n`);
      return 0;
    }
    for (const [k, o] of Object.entries(spec)) if (o.required && (values[k] === undefined || values[k] === '')) throw new UsageError(`missing required option --${k}`);
    const frame = await readCsv(need(values, 'data')).catch((e: NodeJS.ErrnoException) => {
      if (e instanceof CausalPanelError) throw e;
      throw new UsageError(`cannot read --data ${values.data as string} (${e.code ?? e.message})`);
    });
    const onProgress = io.stderrIsTTY === true ? progressBar(io.stderr, name) : undefined;
    const result = await cmd.run(frame, values, { onProgress });
    io.stdout(values.json === true ? `${JSON.stringify(result.toJSON(), null, 2)}\n` : `${result.summary()}\n`);
    return 0;
  } catch (e) {
    const message = e instanceof CausalPanelError || e instanceof UsageError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
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
