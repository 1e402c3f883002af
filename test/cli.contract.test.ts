/**
 * The causal-panel CLI, spawned with tsx as a user runs it: --help, a successful `did` on
 * fixtures/datasets/base_did.csv whose ATT matches fixest 0.12.2
 * (feols(y ~ treat:post | id + period, base_did), fixtures/oracles/fixest_twfe_did_interaction.json),
 * a bad column → one line on stderr and exit code 2.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli.js';
import { expectClose } from './helpers/expectClose.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const baseDid = fileURLToPath(new URL('../fixtures/datasets/base_did.csv', import.meta.url));
const mpdta = fileURLToPath(new URL('../fixtures/datasets/mpdta.csv', import.meta.url));
const lalonde = fileURLToPath(new URL('../fixtures/datasets/lalonde.csv', import.meta.url));
const jobs = fileURLToPath(new URL('../fixtures/datasets/jobs.csv', import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/oracles/${name}.json`, import.meta.url), 'utf8'));
const oracle = JSON.parse(readFileSync(new URL('../fixtures/oracles/fixest_twfe_did_interaction.json', import.meta.url), 'utf8'));

function cli(...args: string[]) {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

async function inProcess(...args: string[]) {
  return inProcessWith({}, ...args);
}

/** In process, with stderr declared a terminal (`stderrIsTTY: true`) or not. */
async function inProcessWith(tty: { stderrIsTTY?: boolean }, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ...tty });
  return { code, stdout, stderr };
}

const didArgs = ['--data', baseDid, '--outcome', 'y', '--unit', 'id', '--time', 'period', '--treat', 'treat', '--post', 'post'];

describe('causal-panel CLI (spawned with tsx)', () => {
  it('--help lists the commands; did --help lists its options', () => {
    const top = cli('--help');
    expect(top.code).toBe(0);
    for (const c of ['did', 'event', 'attgt']) expect(top.stdout).toContain(`  ${c}`);
    const sub = cli('did', '--help');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--outcome <value>');
    expect(sub.stdout).toContain('(required)');
  });

  it('did on base_did prints the summary with fixest 0.12.2 feols(y ~ treat:post | id + period) ATT', () => {
    const run = cli('did', ...didArgs, '--json');
    expect(run.code).toBe(0);
    expect(run.stderr.replace(/npm warn.*\n?/g, '')).toBe('');
    const json = JSON.parse(run.stdout);
    const expected = oracle.results.cluster.coefficients[0];
    expect(json.kind).toBe('did');
    expectClose(json.result.att.estimate, expected.estimate, 1e-10, 'ATT vs fixest');
    expectClose(json.result.att.stdError, expected.stdError, 1e-8, 'SE vs fixest');
    expect(json.result.nobs).toBe(1080);
  });

  it('a missing column gives one line on stderr naming it, and exit code 2', () => {
    const run = cli('did', ...didArgs.map((a) => (a === 'y' ? 'nope' : a)));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^causal-panel: did: column "nope" not found/);
  });
});

describe('causal-panel CLI (in process)', () => {
  it('text summary of did matches fixest 0.12.2 to printed precision', async () => {
    const run = await inProcess('did', ...didArgs);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ATT\s+4\.99339\s+0\.521434/m);
  });
  it('usage errors: unknown command, unknown option, missing option, bad number → exit 2, one line', async () => {
    for (const args of [
      ['nope'],
      ['did', ...didArgs, '--bogus'],
      ['did', '--data', baseDid],
      ['did', ...didArgs, '--level', 'abc'],
      ['did', ...didArgs.map((a) => (a === baseDid ? '/no/such/file.csv' : a))],
      ['attgt', '--data', mpdta, '--outcome', 'lemp', '--time', 'year', '--cohort', 'first.treat', '--method', 'xx'],
    ]) {
      const run = await inProcess(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr.startsWith('causal-panel: ')).toBe(true);
    }
  });
  it('attgt on mpdta with --aggregate simple matches did 2.5.1 aggte(att_gt(...), "simple")', async () => {
    const o = JSON.parse(readFileSync(new URL('../fixtures/oracles/did_mpdta_never_dr.json', import.meta.url), 'utf8'));
    const run = await inProcess('attgt', '--data', mpdta, '--outcome', 'lemp', '--unit', 'countyreal', '--time', 'year', '--cohort', 'first.treat', '--aggregate', 'simple', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.kind).toBe('attgtAggregate');
    expect(json.parts[0].kind).toBe('attgt');
    expectClose(json.result.overall.estimate, o.results.simple.overallAtt, 1e-8, 'simple ATT');
    expectClose(json.result.overall.stdError, o.results.simple.overallStdError, 1e-6, 'simple SE');
  });
  it('match --compat 4.5.1 --outcome re78 on lalonde: matched ATT of MatchIt 4.5.1 (matchit_nearest.json)', async () => {
    const o = load('matchit_nearest');
    const run = await inProcess('match', '--data', lalonde, '--formula', 'treat ~ age + educ + race + married + nodegree + re74 + re75', '--compat', '4.5.1', '--outcome', 're78', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.kind).toBe('matchedAtt');
    expectClose(json.rows[0].estimate, o.results.att.estimate, 1e-6, 'ATT vs MatchIt');
    expectClose(json.rows[0].stdError, o.results.att.stdError, 1e-6, 'SE vs MatchIt');
    const text = await inProcess('match', '--data', lalonde, '--formula', 'treat ~ age + educ', '--outcome', 're78');
    expect(text.stdout).toContain('Matched ATT');
  });
  it('mediate --boot on jobs: ACME point estimate of mediation 4.5.1 (deterministic with linear models)', async () => {
    const o = load('mediation_jobs_boot');
    const run = await inProcess('mediate', '--data', jobs, '--mediator-model', 'job_seek ~ treat + econ_hard + sex + age',
      '--outcome-model', 'depress2 ~ treat + job_seek + econ_hard + sex + age', '--treat', 'treat', '--mediator', 'job_seek', '--boot', '--sims', '50', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expectClose(json.result.acme.average.estimate, o.results.acme.average.estimate, 1e-8, 'ACME vs mediation');
  });
  it('mediate progress bar: drawn on stderr only when it is a TTY; same mediation 4.5.1 ACME on stdout either way', async () => {
    const o = load('mediation_jobs_boot');
    const args = ['mediate', '--data', jobs, '--mediator-model', 'job_seek ~ treat + econ_hard + sex + age',
      '--outcome-model', 'depress2 ~ treat + job_seek + econ_hard + sex + age', '--treat', 'treat', '--mediator', 'job_seek', '--boot', '--sims', '40', '--json'];
    const piped = await inProcessWith({ stderrIsTTY: false }, ...args);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    const tty = await inProcessWith({ stderrIsTTY: true }, ...args);
    expect(tty.code).toBe(0);
    // One redraw per percent step (40 draws → 40 distinct percentages), ending the line at 100%.
    const frames = tty.stderr.split('\r').filter((f) => f !== '');
    expect(frames).toHaveLength(40);
    expect(frames[0]).toMatch(/^mediate \[#?-{29,30}\]   2% \(1\/40\)$/);
    expect(frames.at(-1)).toBe(`mediate [${'#'.repeat(30)}] 100% (40/40)\n`);
    expect(tty.stdout).toBe(piped.stdout);
    expectClose(JSON.parse(tty.stdout).result.acme.average.estimate, o.results.acme.average.estimate, 1e-8, 'ACME vs mediation');
    // Commands without a simulation loop print no bar even on a terminal.
    const did = await inProcessWith({ stderrIsTTY: true }, 'did', ...didArgs);
    expect(did.stderr).toBe('');
  });
  it('event on mpdta prints the event-time table and the pre-trend test', async () => {
    const run = await inProcess('event', '--data', mpdta, '--outcome', 'lemp', '--unit', 'countyreal', '--time', 'year', '--cohort', 'first.treat');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Pre-trend/);
    expect(run.stdout).toMatch(/year::0/);
  });
});
