/**
 * Every CLI command and output format (issue 10): one JSON shape `{ kind, rows, notes, result }`,
 * text/md/latex/html/csv, negative numbers as values, `-h` / `help CMD` / `--version`, stdin
 * data, `--out` and `--plot`, .dta input, and the library options each command passes on.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { expectClose } from './helpers/expectClose.js';

const path = (name: string) => fileURLToPath(new URL(`../fixtures/datasets/${name}`, import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/oracles/${name}.json`, import.meta.url), 'utf8'));

async function run(args: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ...(stdin === undefined ? {} : { stdin: async () => new TextEncoder().encode(stdin) }) });
  return { code, stdout, stderr };
}
async function json(args: string[]) {
  const out = await run([...args, '--format', 'json']);
  expect(out.stderr, args.join(' ')).toBe('');
  expect(out.code).toBe(0);
  const parsed = JSON.parse(out.stdout);
  expect(Object.keys(parsed).slice(0, 4)).toEqual(['kind', 'rows', 'notes', 'result']);
  return parsed;
}

const did = ['did', '--data', path('base_did.csv'), '--outcome', 'y', '--unit', 'id', '--time', 'period', '--treat', 'treat', '--post', 'post'];
const event = ['event', '--data', path('mpdta.csv'), '--outcome', 'lemp', '--unit', 'countyreal', '--time', 'year', '--cohort', 'first.treat'];
const mediation = ['--data', path('jobs.csv'), '--mediator-model', 'job_seek ~ treat + econ_hard + sex + age', '--outcome-model', 'depress2 ~ treat + job_seek + econ_hard + sex + age', '--treat', 'treat', '--mediator', 'job_seek', '--sims', '50'];

describe('CLI: every command gives the one JSON shape', () => {
  it('feols with a cluster vcov equals fixest 0.12.2', async () => {
    const o = load('fixest_twfe_did_interaction');
    const out = await json(['feols', '--data', path('base_did.csv'), '--formula', 'y ~ treat:post | id + period', '--vcov', 'cluster:id']);
    expect(out.kind).toBe('feols');
    expectClose(out.rows[0].estimate, o.results.cluster.coefficients[0].estimate, 1e-10, 'coef');
    expectClose(out.rows[0].stdError, o.results.cluster.coefficients[0].stdError, 1e-8, 'SE');
  });
  it('glm binomial logit', async () => {
    const out = await json(['glm', '--data', path('lalonde.csv'), '--formula', 'treat ~ age + educ', '--family', 'binomial', '--link', 'logit']);
    expect(out.kind).toBe('glm');
    expect(out.rows.map((r: { term: string }) => r.term)).toEqual(['(Intercept)', 'age', 'educ']);
  });
  it('event --ref -2 (a negative number is a value) and --standardize', async () => {
    const out = await json([...event, '--ref', '-2', '--standardize', 'pooled']);
    expect(out.kind).toBe('eventStudy');
    const reference = out.rows.find((r: { term: string }) => r.term === 'year::-2');
    expect(reference.estimate).toBe(0);
    expect(reference.stdError).toBeNull();
    expect(out.rows.find((r: { term: string }) => r.term === 'year::-1').stdError).toBeGreaterThan(0);
  });
  it('attgt with the bootstrap, base period and anticipation flags, aggregated dynamically', async () => {
    const out = await json(['attgt', '--data', path('mpdta.csv'), '--outcome', 'lemp', '--unit', 'countyreal', '--time', 'year', '--cohort', 'first.treat',
      '--base-period', 'universal', '--anticipation', '0', '--bootstrap', '--reps', '99', '--seed', '1', '--aggregate', 'dynamic']);
    expect(out.kind).toBe('attgtAggregate');
    expect(out.parts[0].kind).toBe('attgt');
    expect(out.rows.length).toBeGreaterThan(3);
  });
  it('mediate with --mediator-family binomial and medsens', async () => {
    const binary = await json(['mediate', ...mediation.map((a) => a.replace('job_seek ~', 'job_dich ~').replace('+ job_seek +', '+ job_dich +')).map((a) => (a === 'job_seek' ? 'job_dich' : a)), '--mediator-family', 'binomial']);
    expect(binary.kind).toBe('mediate');
    const sens = await json(['medsens', ...mediation, '--rho-by', '0.5']);
    expect(sens.kind).toBe('medsens');
    expect(sens.parts[0].kind).toBe('mediate');
  });
  it('etable of several formulas, as Markdown', async () => {
    const out = await run(['etable', '--data', path('base_did.csv'), '--formula', 'y ~ x1', '--formula', 'y ~ x1 | id', '--format', 'md']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^\|/m);
    expect(out.stdout).toContain('x1');
  });
});

describe('CLI: formats, files and help', () => {
  it('text, md, latex, html and csv of the same did', async () => {
    expect((await run([...did])).stdout).toContain('ATT');
    expect((await run([...did, '--format', 'md'])).stdout).toMatch(/\|.*\|/);
    expect((await run([...did, '--format', 'latex'])).stdout).toContain('\\begin{tabular');
    expect((await run([...did, '--format', 'html'])).stdout).toContain('<table');
    const csv = (await run([...did, '--format', 'csv'])).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/^kind,term,estimate,stdError/);
    expect(csv[1]).toMatch(/^did,ATT,4\.99339/);
    expect((await run([...did, '--format', 'xml'])).stderr).toMatch(/--format must be one of text, md, latex, html, csv, json/);
  });
  it('--data - reads CSV on stdin; --delimiter; .dta by its extension', async () => {
    const text = readFileSync(path('base_did.csv'), 'utf8');
    const fromStdin = await run([...did.slice(0, 1), '--data', '-', ...did.slice(3), '--format', 'json'], text);
    const fromFile = await run([...did, '--format', 'json']);
    expect(JSON.parse(fromStdin.stdout).rows).toEqual(JSON.parse(fromFile.stdout).rows);
    const semicolons = await run([...did.slice(0, 1), '--data', '-', ...did.slice(3), '--delimiter', ';', '--format', 'json'], text.replace(/,/g, ';'));
    expect(JSON.parse(semicolons.stdout).rows).toEqual(JSON.parse(fromFile.stdout).rows);
    const dta = await json(['match', '--data', path('lalonde_stata14.dta'), '--formula', 'treat ~ age + educ + race']);
    expect(dta.kind).toBe('matchit');
  });
  it('--out writes the output, --plot the SVG of the main result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causal-panel-cli-'));
    const out = await run([...event, '--out', join(dir, 'es.md'), '--format', 'md', '--plot', join(dir, 'es.svg')]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('');
    expect(readFileSync(join(dir, 'es.md'), 'utf8')).toMatch(/\|/);
    expect(readFileSync(join(dir, 'es.svg'), 'utf8')).toMatch(/<svg/);
  });
  it('-h, help CMD and --version', async () => {
    expect((await run(['did', '-h'])).stdout).toContain('--treat <value>');
    expect((await run(['help', 'attgt'])).stdout).toContain('--base-period <value>');
    const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
    expect((await run(['--version'])).stdout.trim()).toBe(version);
    const unknown = await run(['help', 'nope']);
    expect(unknown.code).toBe(2);
  });
  it('an option the estimator rejects is one line naming it, exit 2', async () => {
    const out = await run([...event, '--method', 'bogus']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/method/);
  });
});

/** mpdta as CSV text with D = 1 from a county's first treated year on (year ≥ first.treat > 0). */
function mpdtaWithTreatedNow(): string {
  const lines = readFileSync(path('mpdta.csv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
  const year = header.indexOf('year');
  const first = header.indexOf('first.treat');
  return [`${lines[0]},D`, ...lines.slice(1).map((line) => {
    const cells = line.split(',');
    const g = Number(cells[first]);
    return `${line},${g > 0 && Number(cells[year]) >= g ? 1 : 0}`;
  })].join('\n');
}

describe('CLI: the modern-DiD, mixed-model and bootstrap commands', () => {
  const withD = mpdtaWithTreatedNow();
  const mpdta = ['--data', path('mpdta.csv'), '--outcome', 'lemp', '--unit', 'countyreal', '--time', 'year'];
  it('imputation and bacon on mpdta', async () => {
    expect((await json(['imputation', ...mpdta, '--cohort', 'first.treat'])).kind).toBe('didImputation');
    // bacon needs the treatment switched on from adoption
    const out = await run(['bacon', '--data', '-', '--outcome', 'lemp', '--unit', 'countyreal', '--time', 'year', '--treat', 'D', '--format', 'json'], withD);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout).kind).toBe('bacon');
  });
  it('did2s on mpdta with the treated-now column made here; fepois and feglm', async () => {
    const out = await run(['did2s', '--data', '-', '--outcome', 'lemp', '--first-stage', '~ 0 | countyreal + year', '--second-stage', '~ i(D, ref = 0)', '--treatment', 'D', '--clusters', 'countyreal', '--format', 'json'], withD);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout).kind).toBe('did2s');
    expect((await json(['fepois', '--data', path('trade.csv'), '--formula', 'Euros ~ log(dist_km) | Origin + Destination', '--vcov', 'hetero'])).kind).toBe('feglm');
    expect((await json(['feglm', '--data', path('lalonde.csv'), '--formula', 'treat ~ age + educ | race', '--link', 'probit'])).kind).toBe('feglm');
  });
  it('lmm on hsb with --ml', async () => {
    const out = await json(['lmm', '--data', path('hsb.csv'), '--formula', 'MathAch ~ SES + (1 | School)', '--ml']);
    expect(out.kind).toBe('lmm');
    expect(out.rows.map((r: { term: string }) => r.term)).toEqual(['(Intercept)', 'SES']);
  });
  it('did --boottest ATT adds the wild cluster bootstrap as the main result', async () => {
    const out = await json([...did, '--boottest', 'ATT', '--boot-reps', '999', '--boot-seed', '1']);
    expect(out.kind).toBe('boottest');
    expect(out.parts[0].kind).toBe('did');
  });
});

describe("CLI: the README's command-line examples run", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const lines = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).filter((line) => line.startsWith('npx causal-panel '));
  /** Shell words of a README line (double quotes group; the comment after # is dropped). */
  const words = (line: string): string[] => [...line.replace(/\s+#.*$/, '').slice('npx causal-panel '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  it('there are examples', () => expect(lines.length).toBeGreaterThanOrEqual(4));
  it.each(lines)('%s', async (line) => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    mkdirSync(join(root, 'out'), { recursive: true }); // out/ is not in git
    const args = words(line).map((word) => (word.startsWith('fixtures/') || word.startsWith('out/') ? join(root, word) : word));
    const out = await run(args);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
  });
});
