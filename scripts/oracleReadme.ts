/**
 * Writes fixtures/oracles/README.md: one line per JSON file of fixtures/oracles/ with its case,
 * the package and version, the exact call (all read from the file's own `case`, `package`, `call`
 * fields; statsmodels_crosscheck keeps one call per result) and the tolerance the tests assert
 * (from the table below, which mirrors docs/validation.md), and the test files that name it.
 *
 *   npx tsx scripts/oracleReadme.ts          # rewrite the README
 *   npx tsx scripts/oracleReadme.ts --check  # exit 1 if the README is stale
 *
 * test/scripts/oracleReadme.contract.test.ts fails when a file is added without a line here.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORACLES = fileURLToPath(new URL('../fixtures/oracles/', import.meta.url));

/** The tolerance the tests assert for each oracle (first matching pattern wins). */
const TOLERANCES: readonly { pattern: RegExp; tolerance: string }[] = [
  { pattern: /^clubsandwich_grid_/, tolerance: 'against stableThreshold: SE, t 1e-12, vcov 1e-11, Satterthwaite df and p 1e-10, HTZ 1e-10; against the raw block 1e-10 (p and HTZ 1e-9; vcov cells on the scale of √(VᵢᵢVⱼⱼ)); HC2 1e-10' },
  { pattern: /^did_mpdta_manual_2x2_check$/, tolerance: 'ATT(g,t) and SE 1e-10' },
  { pattern: /^did_mpdta_rcs_/, tolerance: 'repeated cross-sections: reg and ipw within 0.5 SE of the dr oracle; no-covariate methods equal to 1e-10 (ATT), 1e-8 (SE)' },
  { pattern: /^did_mpdta_/, tolerance: 'ATT(g,t) and aggregations 1e-6, SE 1e-5, pre-test p 1e-4 (abs 5e-6); bootstrap SEs 10%' },
  { pattern: /^fixest_/, tolerance: 'coef 1e-8; SE, t, p, CI, vcov 1e-6; nobs, dof.K, G, t df exact' },
  { pattern: /^lm_sandwich_/, tolerance: 'coef 1e-10, SE 1e-8' },
  { pattern: /^lavaan_/, tolerance: 'estimate 1e-8, SE and p 1e-6 (p abs 1e-12)' },
  { pattern: /^sobel_/, tolerance: 'a, b 1e-10; SEs, z, p 1e-8' },
  { pattern: /^matchit_nearest$/, tolerance: 'distance 1e-8; pairs, sample sizes, weights identical; balance 1e-6; matched ATT, SE, p 1e-6; propensity glm coef 1e-6, SE 1e-5, p 1e-4 (default ε; irls 1e-10), exact MLE coef 1e-9, SE 1e-8' },
  { pattern: /^matchit_new_/, tolerance: 'weights and subclasses identical; balance, effect and SEs 1e-10 (MatchIt 4.7.2)' },
  { pattern: /^matchit_/, tolerance: 'distance 1e-8; pairs, sample sizes, weights identical; balance 1e-6; matched ATT, SE, p 1e-6' },
  { pattern: /^mediation_jobs_medsens/, tolerance: 'ACME(ρ) and its CI 1e-9; ρ at zero exact; R²* 1e-12, R̃² 1e-10' },
  { pattern: /^mediation_jobs_interaction_/, tolerance: 'deterministic ACME 1e-8; Monte Carlo parts within 4·√2 simulation SDs, CI width ±15%' },
  { pattern: /^mediation_jobs_(probit|binary)/, tolerance: 'model coefficients 1e-6; deterministic parts 1e-8; simulated parts within 3–4 SE of the closed-form expectation; CI width ±15–20%' },
  { pattern: /^mediation_jobs_/, tolerance: 'point estimates 1e-8 (ACME = a·b 1e-12); CI width ±15% (Monte Carlo); proportion mediated ±50%' },
  { pattern: /^statsmodels_/, tolerance: 'OLS coef 1e-8, SE/t/p 1e-6; dummy TWFE coef 1e-10, SE 1e-8; logit coef 1e-9, SE/z 1e-8, p 1e-6' },
  { pattern: /^nist_exact_check$/, tolerance: 'none (provenance: the certified values are exact to LRE ≥ 14.3); the tests use LRE floors per dataset' },
  { pattern: /^boottest_grid_joint_manual$/, tolerance: 'Wald and sorted bootstrap Wald 1e-10; p (ties excluded) exact' },
  { pattern: /^boottest_grid_/, tolerance: 'enumeration: t and sorted t* 1e-10, p (ties excluded) and p at each r exact, CI 1e-3; Monte Carlo: t 1e-10, p within 4·√(p(1−p)/B) + 2/B, CI bounds within 5% of the width' },
  { pattern: /^mediation_multilevel_/, tolerance: 'lme4 model parts (lmm vs lmer, default optimiser): random-intercept fits fixef, θ, σ, SE 1e-6; random-slope fits 1e-4 in fixef and σ, 1e-4 abs in θ (lme4 stops short: lmm\'s criterion is ≤ lme4\'s at lme4\'s θ); Monte Carlo parts (mediate with lmm fits): estimates within 4·sd/√sims of the file\'s `expectation` and 4·√2·sd/√sims of R\'s, CI bounds within 0.5·sd, p within 4·√2 binomial SEs (sd = SD of our draws)' },
  { pattern: /^lme4_hsb_lrt$/, tolerance: 'logLik, deviance, AIC, BIC 1e-8; chisq and p 1e-6; npar, df exact; smaller models\' fixef 1e-5 (default fits)' },
  { pattern: /^lme4_/, tolerance: 'vs tightConvergence: fixef 1e-6, SE 1e-5, Satterthwaite df 1e-4, p 1e-4 (or κ·1e-6 for steep tiny p), θ abs 1e-6, σ 1e-6, logLik 1e-8; VarCorr from tight θ, σ 1e-5; default-fit fields within the optimiser gap (fixef abs 2·maxAbsDiffFixef, SE/t 1e-4, df 2e-4, p 1e-2, VarCorr, ranef modes and condVar 1e-3); REMLcrit/deviance, AIC, BIC 1e-8' },
  { pattern: /^bacon_mpdta_lpop$/, tolerance: 'degenerate (see its note): only the uncontrolled weights and beta_hat_b, 1e-8' },
  { pattern: /^bacon_/, tolerance: '2x2 estimates and weights, TWFE coefficient, Omega, beta_hat_w 1e-8' },
  { pattern: /^didimputation_/, tolerance: 'SEs 1e-6; pre-trend coefficients 1e-8; imputation estimates 3e-7 (the reference predicts Y(0) with fixest fixef() at fixef.tol 1e-6; ours equal the exact dense imputation to 1e-10); CIs not compared (1.96 there)' },
  { pattern: /^did2s_/, tolerance: 'SEs, vcov, t 1e-6, p 3e-6; estimates 3e-7 (the reference\'s fixest fixef.tol error, as didimputation_)' },
  { pattern: /^honestdid_/, tolerance: "Conditional and C-LF bounds 1e-6 (the same grid points; C-LF's draws are R's set.seed(0) stream); FLCI and C-F 1e-6 for M > 0 (flciQuantile 'simulated' vs smoothness, 'exact' vs flciExactFoldedNormal); at M = 0 the FLCI half-length 1e-6 and a variance no larger than ECOS's imprecise optimum (bounds differ by up to 6e-4), C-F within 5 grid steps; original CI 1e-10" },
  { pattern: /^timings/, tolerance: 'none: R timings for `npm run bench`, not a numerical reference' },
];

const TESTS = fileURLToPath(new URL('../test/', import.meta.url));

/** Every test source under test/ (relative path → text). */
function testSources(dir: string = TESTS, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) for (const [k, v] of testSources(join(dir, entry.name), `${rel}/`)) out.set(k, v);
    else if (/\.ts$/.test(entry.name) && !rel.startsWith('helpers/')) out.set(rel, readFileSync(join(dir, entry.name), 'utf8'));
  }
  return out;
}

/** The test files that name the oracle (its name not followed by another name character). */
function testsReading(name: string, sources: Map<string, string>): string[] {
  const pattern = new RegExp(`${name}(?![A-Za-z0-9_])`);
  return [...sources].filter(([, text]) => pattern.test(text)).map(([file]) => file.replace(/\.test\.ts$/, '').replace(/\.ts$/, ''));
}

const cell = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text: string): string => (text.includes('`') ? `\`\` ${cell(text)} \`\`` : `\`${cell(text)}\``);

/** The README text for the JSON files in `dir` (sorted by name). */
export function renderOracleReadme(dir: string = ORACLES): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const sources = testSources();
  const lines = files.map((file) => {
    const name = file.slice(0, -'.json'.length);
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    const rule = TOLERANCES.find((t) => t.pattern.test(name));
    if (rule === undefined) throw new Error(`oracleReadme: no tolerance listed for ${file} (add a line to TOLERANCES in scripts/oracleReadme.ts)`);
    const results = (json.results ?? {}) as Record<string, { call?: string }>;
    const nestedCalls = Object.entries(results).filter(([, v]) => typeof v?.call === 'string').map(([k, v]) => `${k}: ${v.call}`);
    let pkg = typeof json.package === 'string' ? json.package : '—';
    if (typeof json.python === 'string') pkg += ` (Python ${json.python}${typeof json.pandas === 'string' ? `, pandas ${json.pandas}` : ''})`;
    let call = typeof json.call === 'string' ? code(json.call) : nestedCalls.length > 0 ? nestedCalls.map(code).join('<br>') : '—';
    if (name.startsWith('timings')) {
      const v = json.versions;
      const versions = v !== null && typeof v === 'object' ? `; ${Object.entries(v).map(([k, x]) => `${k} ${String(x)}`).join(', ')}` : '';
      pkg = typeof json.R === 'string' ? `${json.R}${versions}` : 'R (see bench/)';
      call = typeof json.note === 'string' ? cell(json.note) : '—';
    }
    const data = typeof json.data === 'string' ? code(json.data) : '—';
    const tests = testsReading(name, sources);
    return `| \`${file}\` | ${cell(String(json.case ?? name))} | ${cell(pkg)} | ${data} | ${call} | ${cell(rule.tolerance)} | ${tests.length > 0 ? tests.join(', ') : '—'} |`;
  });
  return [
    '# fixtures/oracles',
    '',
    '<!-- Generated by `npx tsx scripts/oracleReadme.ts` from the JSON files themselves; do not edit by hand. -->',
    '',
    'One line per reference file: its case, the package and version that produced it, the dataset',
    '(in `../datasets/`), the exact call as recorded in the file (`call`), the tolerance the tests',
    'assert against it (relative unless marked abs.; see `docs/validation.md`) and the tests that read',
    'it (under `test/`). R 4.2.2 unless the package column says otherwise. To rerun a case: load the CSV with `read.csv`, then run',
    'the call. Provenance and what the cross-checks found: `../README.md`.',
    '',
    '| file | case | package | data | call | tolerance | tests |',
    '|---|---|---|---|---|---|---|',
    ...lines,
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = join(ORACLES, 'README.md');
  const text = renderOracleReadme();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      process.stderr.write('fixtures/oracles/README.md is stale: run npx tsx scripts/oracleReadme.ts\n');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
  }
}
