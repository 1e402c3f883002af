/**
 * mediate against mediation 4.5.1 on jobs.csv (fixtures/oracles/mediation_jobs_*.json).
 *
 * Deterministic parts (bootstrap point estimates of linear–linear models, where the mediator
 * noise cancels) are checked to 1e-8; Monte Carlo parts (intervals, p-values, quasi-Bayesian
 * means, estimates that depend on the mediator draw) within a stated simulation error.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { feols } from '../../../src/models/feols.js';
import { glm } from '../../../src/models/glm.js';
import { createRng } from '../../../src/numerics/random.js';
import { normalCdf } from '../../../src/numerics/distributions.js';
import { mediate, type MediationResult } from '../../../src/estimators/mediation/mediate.js';
import { simulationPValue, type MediationEstimate } from '../../../src/estimators/mediation/summarizeMediation.js';
import { mediateMany } from '../../../src/estimators/mediation/mediateMany.js';
import { jobs, jobsModels } from '../../helpers/jobsModels.js';
import { expectClose } from '../../helpers/expectClose.js';

const read = (p: string): string => readFileSync(new URL(p, import.meta.url), 'utf8');
const oracle = (name: string) => JSON.parse(read(`../../../fixtures/oracles/${name}.json`));
const models = jobsModels;

type Leaf = { estimate: number; confLow: number; confHigh: number; pValue: number };
const LEAVES = [
  ['acme', 'control'],
  ['acme', 'treated'],
  ['acme', 'average'],
  ['ade', 'control'],
  ['ade', 'treated'],
  ['ade', 'average'],
  ['propMediated', 'control'],
  ['propMediated', 'treated'],
  ['propMediated', 'average'],
  ['total', null],
] as const;

function leafOf(obj: any, group: string, which: string | null): Leaf {
  return which === null ? obj[group] : obj[group][which];
}

/** |ours − R| ≤ share × (R's interval width) for both ends. */
function expectIntervalNear(ours: MediationEstimate, ref: Leaf, share: number, label: string): void {
  const width = ref.confHigh - ref.confLow;
  expectClose(ours.confLow, ref.confLow, 0, `${label} confLow`, { absTol: share * width });
  expectClose(ours.confHigh, ref.confHigh, 0, `${label} confHigh`, { absTol: share * width });
}

/** A simulation p-value 2·min(share) from 1000 draws has SE ≈ 2·sqrt(q(1 − q)/1000), q = p/2. */
function expectPValueNear(ours: number, ref: number, sims: number, label: string): void {
  const q = Math.max(ref / 2, 0.01);
  const se = 2 * Math.sqrt((q * (1 - q)) / sims);
  expectClose(ours, ref, 0, label, { absTol: 4 * Math.SQRT2 * se });
}

describe('mediate(boot = TRUE), linear mediator and outcome, vs mediation 4.5.1 (mediation_jobs_boot.json)', () => {
  const ref = oracle('mediation_jobs_boot');
  const res = mediate({ ...models, boot: true, sims: 1000, seed: 2014 });
  it.each(LEAVES)(`${ref.call}: %s %s point estimate within 1e-8 (deterministic: the noise cancels)`, (group, which) => {
    expectClose(leafOf(res, group, which).estimate, leafOf(ref.results, group, which).estimate, 1e-8, `${group} ${which}`);
  });
  it('ACME equals the product of coefficients a·b (mediation note) within 1e-12', () => {
    expectClose(res.acme.average.estimate, ref.results.productOfCoefficients, 1e-12, 'ACME = a·b');
  });
  it.each(LEAVES.filter(([g]) => g !== 'propMediated'))('%s %s: percentile CI within ±15% of the width of R’s (seed 2014), p-value within MC error', (group, which) => {
    const r = leafOf(ref.results, group, which);
    expectIntervalNear(leafOf(res, group, which) as MediationEstimate, r, 0.15, `${group} ${which}`);
    expectPValueNear(leafOf(res, group, which).pValue, r.pValue, 1000, `${group} ${which} p`);
  });
  it('ACME and ADE (average) CIs within ±15% of the width of R’s with its other seed (99)', () => {
    const other = ref.results.otherSeedCi;
    const acme = { estimate: 0, pValue: 0, confLow: other.acmeAverage[0], confHigh: other.acmeAverage[1] };
    const ade = { estimate: 0, pValue: 0, confLow: other.adeAverage[0], confHigh: other.adeAverage[1] };
    expectIntervalNear(res.acme.average, acme, 0.15, 'ACME (seed 99)');
    expectIntervalNear(res.ade.average, ade, 0.15, 'ADE (seed 99)');
  });
  it('proportion mediated (a ratio with a near-zero denominator, heavy-tailed draws): CI within ±50% of R’s width', () => {
    for (const which of ['control', 'treated', 'average'] as const) {
      expectIntervalNear(res.propMediated[which], ref.results.propMediated[which], 0.5, `propMediated ${which}`);
    }
  });
  it('nobs and sims as R', () => {
    expect(res.nobs).toBe(ref.results.nobs);
    expect(res.sims).toBe(ref.results.sims);
  });
});

describe('mediate(boot = FALSE) quasi-Bayesian vs mediation 4.5.1 (mediation_jobs_quasibayes.json)', () => {
  const ref = oracle('mediation_jobs_quasibayes');
  const res = mediate({ ...models, sims: 1000, seed: 2014 });
  it.each(LEAVES.filter(([g]) => g !== 'propMediated'))(`${ref.call}: %s %s mean of draws within 3 simulation SEs of R's`, (group, which) => {
    const ours = leafOf(res, group, which) as MediationEstimate;
    // Both numbers are means of 1000 draws: their difference has SD √2·sd/√1000.
    const tol = 3 * Math.SQRT2 * (ours.stdError / Math.sqrt(1000));
    expectClose(ours.estimate, leafOf(ref.results, group, which).estimate, 0, `${group} ${which}`, { absTol: tol });
    expectIntervalNear(ours, leafOf(ref.results, group, which), 0.15, `${group} ${which}`);
    expectPValueNear(ours.pValue, leafOf(ref.results, group, which).pValue, 1000, `${group} ${which} p`);
  });
  it('proportion mediated: median of draws within 0.1 of R’s (0.243), CI within ±50% of its width', () => {
    expectClose(res.propMediated.average.estimate, ref.results.propMediated.average.estimate, 0, 'prop', { absTol: 0.1 });
    expectIntervalNear(res.propMediated.average, ref.results.propMediated.average, 0.5, 'prop');
  });
});

describe('mediate(boot = TRUE) with treat × job_seek in the outcome vs mediation 4.5.1 (mediation_jobs_interaction_boot.json)', () => {
  const ref = oracle('mediation_jobs_interaction_boot');
  const outcomeModel = 'depress2 ~ treat * job_seek + econ_hard + sex + age';
  const res = mediate({ ...models, outcomeModel, boot: true, sims: 1000, seed: 2014 });
  // The ADE depends on one mediator draw through (b₁ − b₀)·mean(e) = b_TM·mean(e), e ~ N(0, σ²):
  // its SD is |b_TM|·σ/√n; R's estimate and ours are independent such draws.
  const fy = feols(outcomeModel, jobs);
  const fm = feols(models.mediatorModel, jobs);
  const noiseSd = Math.abs(fy.coef()['treat:job_seek']!) * fm.sigma / Math.sqrt(fm.nobs);
  it(`${ref.call}: ACME (control, treated, average) deterministic within 1e-8`, () => {
    for (const which of ['control', 'treated', 'average'] as const) {
      expectClose(res.acme[which].estimate, ref.results.acme[which].estimate, 1e-8, `acme ${which}`);
    }
    expect(res.interaction).toBe(true);
  });
  it('ADE and total within 4·√2 noise SDs of R’s draw', () => {
    const tol = 4 * Math.SQRT2 * noiseSd;
    for (const which of ['control', 'treated', 'average'] as const) {
      expectClose(res.ade[which].estimate, ref.results.ade[which].estimate, 0, `ade ${which}`, { absTol: tol });
    }
    expectClose(res.total.estimate, ref.results.total.estimate, 0, 'total', { absTol: tol });
  });
  it.each(LEAVES.filter(([g]) => g !== 'propMediated'))('%s %s: CI within ±15% of R’s width', (group, which) => {
    expectIntervalNear(leafOf(res, group, which) as MediationEstimate, leafOf(ref.results, group, which), 0.15, `${group} ${which}`);
  });
  it('summary() prints the ten rows of summary.mediate with an interaction', () => {
    const text = res.summary();
    expect(text).toContain('ACME (control)');
    expect(text).toContain('Prop. Mediated (average)');
    expect(text).toContain('Nonparametric Bootstrap Confidence Intervals with the Percentile Method');
  });
});

describe('mediate: reproducibility and contracts', () => {
  it('same seed → bit-identical results; another seed → other intervals, same boot point estimates', () => {
    const a = mediate({ ...models, boot: true, sims: 200, seed: 7 });
    const b = mediate({ ...models, boot: true, sims: 200, seed: 7 });
    const c = mediate({ ...models, boot: true, sims: 200, seed: 8 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Array.from(a.draws().acmeControl)).toEqual(Array.from(b.draws().acmeControl));
    expect(c.acme.average.confLow).not.toBe(a.acme.average.confLow);
    expect(c.acme.average.estimate).toBe(a.acme.average.estimate);
  });
  it('BCa intervals (bootCiType = "bca", R boot.ci.type) bracket the point estimate and differ from percentile', () => {
    const perc = mediate({ ...models, boot: true, sims: 500, seed: 3 });
    const bca = mediate({ ...models, boot: true, sims: 500, seed: 3, bootCiType: 'bca' });
    expect(bca.acme.average.estimate).toBe(perc.acme.average.estimate);
    expect(bca.acme.average.confLow).toBeLessThan(bca.acme.average.estimate);
    expect(bca.acme.average.confHigh).toBeGreaterThan(bca.acme.average.estimate);
    expect(bca.acme.average.confLow).not.toBe(perc.acme.average.confLow);
    expect(bca.summary()).toContain('BCa Method');
  });
  it('tidy() has the seven Estimate fields, toJSON() is plain JSON, the input frame is not mutated', () => {
    const before = Float64Array.from(jobs.numeric('treat'));
    const res: MediationResult = mediate({ ...models, sims: 100, seed: 1 });
    expect(Array.from(jobs.numeric('treat'))).toEqual(Array.from(before));
    const rows = res.tidy();
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['confHigh', 'confLow', 'estimate', 'pValue', 'statistic', 'stdError', 'term']);
    const json = JSON.parse(JSON.stringify(res));
    expect(json.kind).toBe('mediate');
    expect(json.acme.average.estimate).toBe(res.acme.average.estimate);
  });
  it('controlValue/treatValue swap the roles: ACME changes sign', () => {
    const flipped = mediate({ ...models, boot: true, sims: 50, seed: 1, controlValue: 1, treatValue: 0 });
    expectClose(flipped.acme.average.estimate, 0.015744645028903253, 1e-8, 'ACME(1 → 0) = −ACME(0 → 1)');
  });
});

describe('mediate performance (jobs.csv, boot oracle models; R 4.2.2 takes 5.1 s)', () => {
  it('boot = TRUE, sims = 1000 in ≤ 0.25 s; quasi-Bayes 1000 sims in ≤ 0.25 s (best of 3, CPU time: the machine is shared)', () => {
    const time = (f: () => void): number => {
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const start = process.cpuUsage();
        f();
        const used = process.cpuUsage(start);
        best = Math.min(best, (used.user + used.system) / 1000);
      }
      return best;
    };
    const boot = time(() => mediate({ ...models, boot: true, sims: 1000, seed: 1 }));
    const qb = time(() => mediate({ ...models, sims: 1000, seed: 1 }));
    expect(boot).toBeLessThan(250);
    expect(qb).toBeLessThan(250);
  });
});

// ---------------------------------------------------------------------------------------------
// Binary models: the point estimate itself depends on one mediator draw (R's too), so R's seeds
// and ours are compared with the closed-form expectation of the estimator, in units of its
// simulation SD (measured over our own seeds).
// ---------------------------------------------------------------------------------------------

/** Point estimates of `pick` over `seeds` runs (sims = 2: only the full-sample draw matters). */
function pointEstimates(options: Parameters<typeof mediate>[0], pick: (r: MediationResult) => number, seeds: number): number[] {
  return Array.from({ length: seeds }, (_, s) => pick(mediate({ ...options, boot: true, sims: 2, seed: 100 + s })));
}
function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

const work1 = jobs.column('work1') as readonly (string | null)[];
const jobsEmployed = jobs.withColumns({ employed: Float64Array.from(work1, (w) => (w === 'psyemp' ? 1 : 0)) });

describe('mediate with a probit outcome vs mediation 4.5.1 (mediation_jobs_probit_outcome_boot.json, _quasibayes.json)', () => {
  const ref = oracle('mediation_jobs_probit_outcome_boot');
  const options = {
    ...models,
    data: jobsEmployed,
    outcomeModel: 'employed ~ treat + job_seek + econ_hard + sex + age',
    outcomeFamily: { family: 'binomial', link: 'probit' } as const,
  };
  const keys = [
    ['d0', (r: MediationResult) => r.acme.control.estimate],
    ['d1', (r: MediationResult) => r.acme.treated.estimate],
    ['z0', (r: MediationResult) => r.ade.control.estimate],
    ['z1', (r: MediationResult) => r.ade.treated.estimate],
    ['total', (r: MediationResult) => r.total.estimate],
  ] as const;
  let runs: MediationResult[] | null = null;
  const seedRuns = (): MediationResult[] => (runs ??= Array.from({ length: 20 }, (_, s) => mediate({ ...options, boot: true, sims: 2, seed: 100 + s })));
  it.each(keys)(`${ref.call}: %s — our seeds average to R's closed-form expectation (3 SEs), each R seed within 4 SDs`, (key, pick) => {
    const ours = meanSd(seedRuns().map(pick));
    const expected = ref.results.expectation[key];
    const sd = Math.max(ours.sd, 1e-7);
    expectClose(ours.mean, expected, 0, `${key} mean of 20 seeds`, { absTol: (3 * sd) / Math.sqrt(20) });
    const rKey = key === 'total' ? null : key[0] === 'd' ? 'acme' : 'ade';
    for (const bySeed of ref.results.bySeed) {
      const rValue = rKey === null ? bySeed.total.estimate : bySeed[rKey][key[1] === '0' ? 'control' : 'treated'].estimate;
      expectClose(rValue, expected, 0, `R seed ${key}`, { absTol: 4 * sd });
    }
  });
  it('outcome probit coefficients as R’s glm (1e-6)', () => {
    const res = mediate({ ...options, boot: true, sims: 200, seed: 1 });
    expect(res.nobs).toBe(899);
    const fit = glm(options.outcomeModel, jobsEmployed, { family: 'binomial', link: 'probit' });
    ref.results.outcomeModel.forEach((row: { term: string; estimate: number }) => expectClose(fit.coef()[row.term]!, row.estimate, 1e-6, row.term));
  });
  it('bootstrap CIs of ACME/ADE/total (average) within ±15% of R’s width (seed 2014)', () => {
    const res = mediate({ ...options, boot: true, sims: 1000, seed: 2014 });
    const r = ref.results.bySeed[0];
    expectIntervalNear(res.acme.average, r.acme.average, 0.15, 'ACME');
    expectIntervalNear(res.ade.average, r.ade.average, 0.15, 'ADE');
    expectIntervalNear(res.total, r.total, 0.15, 'total');
  });
  it('quasi-Bayes: means of 1000 draws within 3 simulation SEs of R’s, CIs within ±15% of its width', () => {
    const qb = oracle('mediation_jobs_probit_outcome_quasibayes').results;
    const res = mediate({ ...options, sims: 1000, seed: 2014 });
    for (const [group, which] of [['acme', 'average'], ['ade', 'average'], ['total', null]] as const) {
      const ours = leafOf(res, group, which) as MediationEstimate;
      const r = leafOf(qb, group, which);
      expectClose(ours.estimate, r.estimate, 0, `${group}`, { absTol: 3 * Math.SQRT2 * (ours.stdError / Math.sqrt(1000)) });
      expectIntervalNear(ours, r, 0.15, `${group}`);
    }
  });
});

describe('mediate with a binary (probit) mediator vs mediation 4.5.1 (mediation_jobs_binary_mediator_boot.json)', () => {
  const ref = oracle('mediation_jobs_binary_mediator_boot');
  const options = {
    ...models,
    mediator: 'job_dich',
    mediatorModel: 'job_dich ~ treat + econ_hard + sex + age',
    outcomeModel: 'depress2 ~ treat + job_dich + econ_hard + sex + age',
    mediatorFamily: { family: 'binomial', link: 'probit' } as const,
  };
  it(`${ref.call}: ADE deterministic (β_T) within 1e-8`, () => {
    const res = mediate({ ...options, boot: true, sims: 2, seed: 1 });
    expectClose(res.ade.control.estimate, ref.results.bySeed[0].ade.control.estimate, 1e-8, 'z0');
    expectClose(res.ade.treated.estimate, ref.results.expectation.z1, 1e-8, 'z1');
  });
  it('ACME (rbinom draws): our seeds average to β_M·mean(P₁ − P₀) within 3 SEs; R’s three seeds within 4 SDs', () => {
    const ours = meanSd(pointEstimates(options, (r) => r.acme.average.estimate, 30));
    const expected = ref.results.expectation.d0;
    expectClose(ours.mean, expected, 0, 'ACME mean of 30 seeds', { absTol: (3 * ours.sd) / Math.sqrt(30) });
    for (const bySeed of ref.results.bySeed) expectClose(bySeed.acme.average.estimate, expected, 0, 'R seed ACME', { absTol: 4 * ours.sd });
  });
  it('mediator probit coefficients as R’s glm (1e-6) and bootstrap ACME CI within ±20% of R’s width (mean over R’s seeds)', () => {
    const fit = glm(options.mediatorModel, jobs, { family: 'binomial', link: 'probit' });
    ref.results.mediatorModel.forEach((row: { term: string; estimate: number }) => expectClose(fit.coef()[row.term]!, row.estimate, 1e-6, row.term));
    const res = mediate({ ...options, boot: true, sims: 1000, seed: 2014 });
    const seeds = ref.results.bySeed;
    const avg = (f: (b: any) => number): number => seeds.reduce((a: number, b: any) => a + f(b), 0) / seeds.length;
    const r = { estimate: 0, pValue: 0, confLow: avg((b) => b.acme.average.confLow), confHigh: avg((b) => b.acme.average.confHigh) };
    expectIntervalNear(res.acme.average, r, 0.2, 'ACME');
  });
});

describe('mediate, probit outcome of our own construction: hand-derived expectation Φ(η/√(1 + γ²σ²))', () => {
  // M = 0.5 + 0.8T + 0.4X + N(0,1), Y = 1[−0.3 + 0.5T + 0.7M − 0.2X + N(0,1) > 0], n = 600.
  const rng = createRng(20240601);
  const n = 600;
  const T = new Float64Array(n);
  const X = new Float64Array(n);
  const M = new Float64Array(n);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    T[i] = rng.uniform() < 0.5 ? 1 : 0;
    X[i] = rng.normal();
    M[i] = 0.5 + 0.8 * T[i]! + 0.4 * X[i]! + rng.normal();
    Y[i] = -0.3 + 0.5 * T[i]! + 0.7 * M[i]! - 0.2 * X[i]! + rng.normal() > 0 ? 1 : 0;
  }
  const data = { T, X, M, Y };
  const options = { data, treat: 'T', mediator: 'M', mediatorModel: 'M ~ T + X', outcomeModel: 'Y ~ T + M + X', outcomeFamily: { family: 'binomial', link: 'probit' } as const };
  // Given the fits, E[Φ(α + γ(μ + e))] over e ~ N(0, σ²) is Φ((α + γμ)/√(1 + γ²σ²)).
  const fm = feols('M ~ T + X', data);
  const fy = glm('Y ~ T + M + X', data, { family: 'binomial', link: 'probit' });
  const a = fm.coef();
  const g = fy.coef();
  const scale = Math.sqrt(1 + g['M']! ** 2 * fm.sigma ** 2);
  const expected = (t: number, tm: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const mu = a['(Intercept)']! + a['T']! * tm + a['X']! * X[i]!;
      s += normalCdf((g['(Intercept)']! + g['T']! * t + g['M']! * mu + g['X']! * X[i]!) / scale);
    }
    return s / n;
  };
  const d1 = expected(1, 1) - expected(1, 0);
  const d0 = expected(0, 1) - expected(0, 0);
  const z1 = expected(1, 1) - expected(0, 1);
  const z0 = expected(1, 0) - expected(0, 0);
  it('bootstrap point estimates (one mediator draw each) average over 20 seeds to the closed form within 3 SEs', () => {
    const checks = [
      ['d1', d1, (r: MediationResult) => r.acme.treated.estimate],
      ['d0', d0, (r: MediationResult) => r.acme.control.estimate],
      ['z1', z1, (r: MediationResult) => r.ade.treated.estimate],
      ['z0', z0, (r: MediationResult) => r.ade.control.estimate],
    ] as const;
    const results = Array.from({ length: 20 }, (_, s) => mediate({ ...options, boot: true, sims: 2, seed: 100 + s }));
    for (const [label, value, pick] of checks) {
      const ours = meanSd(results.map(pick));
      expectClose(ours.mean, value, 0, label, { absTol: (3 * ours.sd) / Math.sqrt(20) });
    }
    // The closed form is not a trivial number: ACME ≈ 0.8·0.7·φ-weighted ≈ 0.1.
    expect(d1).toBeGreaterThan(0.05);
  });
});

describe('mediateMany: several mediators, one table (mediation::mediations analogue)', () => {
  it('job_seek via a {mediator} template equals mediate alone (mediation_jobs_boot.json ACME, 1e-8); job_disc runs too', () => {
    const many = mediateMany({
      data: jobs,
      treat: 'treat',
      mediators: ['job_seek', { mediator: 'job_disc' }],
      mediatorModel: '{mediator} ~ treat + econ_hard + sex + age',
      outcomeModel: 'depress2 ~ treat + {mediator} + econ_hard + sex + age',
      boot: true,
      sims: 200,
      seed: 4,
    });
    expectClose(many.results.get('job_seek')!.acme.average.estimate, oracle('mediation_jobs_boot').results.acme.average.estimate, 1e-8, 'ACME job_seek');
    expect([...many.results.keys()]).toEqual(['job_seek', 'job_disc']);
    expect(many.tidy()).toHaveLength(20);
    expect(many.tidy()[0]!.term).toBe('job_seek: ACME (control)');
    expect(many.summary()).toContain('job_disc');
    expect(JSON.parse(JSON.stringify(many)).results.job_seek.kind).toBe('mediate');
  });
});

describe('mediate with missing values (R: na.omit per model, then both models must share rows)', () => {
  it('rows with NA in a variable of either model are dropped from both; result equals mediate on the complete rows', () => {
    const n = jobs.nrow;
    const age = Float64Array.from(jobs.numeric('age'), (v, i) => (i % 50 === 3 ? NaN : v)); // used by both models
    const econ = Float64Array.from(jobs.numeric('econ_hard'), (v, i) => (i % 70 === 5 ? NaN : v));
    const withNa = jobs.withColumns({ age, econ_out: econ });
    const outcomeModel = 'depress2 ~ treat + job_seek + econ_out + sex + age'; // econ_out only in the outcome model
    const res = mediate({ ...models, data: withNa, outcomeModel, boot: true, sims: 50, seed: 1 });
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (!Number.isNaN(age[i]!) && !Number.isNaN(econ[i]!)) keep.push(i);
    const ref = mediate({ ...models, data: withNa.take(keep), outcomeModel, boot: true, sims: 50, seed: 1 });
    expect(res.nobs).toBe(keep.length);
    expectClose(res.acme.average.estimate, ref.acme.average.estimate, 1e-12, 'ACME');
    expect(res.notes.length).toBeGreaterThan(0);
  });
});

describe('simulation p-value: mediation pval()', () => {
  it('simulationPValue: 2·min(#>0, #<0)/n; 1 when the estimate is 0', () => {
    const draws = Float64Array.from({ length: 100 }, (_, i) => i - 9.5); // 10 negative, 90 positive
    expect(simulationPValue(draws, 1)).toBe(0.2);
    expect(simulationPValue(draws, 0)).toBe(1);
  });
  it('skipped (NaN) replicates are left out of the count', () => {
    expect(simulationPValue(Float64Array.of(-1, NaN, 1, 2, 3), 1.25)).toBe(0.5);
  });
});
