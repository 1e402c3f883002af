/**
 * attgt on a simulated staggered panel with known dynamic effects (the design of
 * ../shared/bench/make-panel.mjs, generated here with createRng): Callaway & Sant'Anna recovers
 * the effect at every event time within sampling error, while a two-way fixed-effects
 * regression of y on the treatment dummy is biased (Goodman-Bacon 2021: already-treated units
 * serve as controls when effects grow over time).
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { leastSquares } from '../../../src/numerics/leastSquares.js';
import { createRng } from '../../../src/numerics/random.js';
import { expectClose } from '../../helpers/expectClose.js';

const UNITS = 3000;
const PERIODS = 8;
const COHORTS = [0, 0, 3, 6];
/** True effect at event time e = t − g (0 before treatment). */
const effect = (e: number): number => (e < 0 ? 0 : 0.5 + 0.5 * e);

function simulate(seed: number, trendOnX = 0) {
  const rng = createRng(seed);
  const periodEffect = Array.from({ length: PERIODS }, (_, t) => 0.1 * t + 0.2 * rng.normal());
  const n = UNITS * PERIODS;
  const cols = { unit: new Float64Array(n), period: new Float64Array(n), cohort: new Float64Array(n), treated: new Float64Array(n), x2: new Float64Array(n), y: new Float64Array(n) };
  let r = 0;
  for (let u = 1; u <= UNITS; u++) {
    const x2 = rng.normal();
    const alpha = 0.5 * x2 + rng.normal();
    // selection on x2: low-x2 units are treated more often
    const pick = Math.min(COHORTS.length - 1, Math.max(0, Math.floor(rng.uniform() * COHORTS.length - 0.6 * x2)));
    const cohort = COHORTS[pick]!;
    for (let t = 1; t <= PERIODS; t++, r++) {
      const treated = cohort > 0 && t >= cohort ? 1 : 0;
      cols.unit[r] = u;
      cols.period[r] = t;
      cols.cohort[r] = cohort;
      cols.treated[r] = treated;
      cols.x2[r] = x2;
      cols.y[r] = alpha + periodEffect[t - 1]! + trendOnX * x2 * t + 0.3 * x2 + (treated ? effect(t - cohort) : 0) + rng.normal();
    }
  }
  return cols;
}

/** TWFE: y on the treatment dummy with unit and period effects, by the exact two-way within transform (balanced panel). */
function twfe(cols: ReturnType<typeof simulate>): number {
  const n = cols.y.length;
  const demean = (v: Float64Array) => {
    const unitMean = new Float64Array(UNITS + 1);
    const periodMean = new Float64Array(PERIODS + 1);
    let all = 0;
    for (let i = 0; i < n; i++) {
      unitMean[cols.unit[i]!] += v[i]! / PERIODS;
      periodMean[cols.period[i]!] += v[i]! / UNITS;
      all += v[i]! / n;
    }
    return Float64Array.from(v, (x, i) => x - unitMean[cols.unit[i]!]! - periodMean[cols.period[i]!]! + all);
  };
  return leastSquares(demean(cols.treated), n, 1, demean(cols.y)).coef[0]!;
}

describe('attgt on a simulated staggered panel (known effects 0.5 + 0.5·e after adoption)', () => {
  const data = simulate(20240601);
  const fit = attgt({ data, outcome: 'y', unit: 'unit', time: 'period', cohort: 'cohort', covariates: ['x2'] });
  const dynamic = fit.aggregate('dynamic');

  it('dynamic aggregation recovers every event-time effect within 4 SE (did-style dr, never-treated controls)', () => {
    expect(dynamic.rows.map((r) => r.e)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    for (const row of dynamic.rows) {
      expect(Math.abs(row.estimate - effect(row.e))).toBeLessThan(4 * row.stdError);
      expect(row.stdError).toBeGreaterThan(0.01);
      expect(row.stdError).toBeLessThan(0.2);
    }
  });

  it('the overall dynamic effect is the mean of the post-treatment event-time effects (did convention)', () => {
    const post = dynamic.rows.filter((r) => r.e >= 0);
    expectClose(dynamic.overall.estimate, post.reduce((s, r) => s + r.estimate, 0) / post.length, 1e-12, 'overall = mean over e ≥ 0');
    const truth = post.reduce((s, r) => s + effect(r.e), 0) / post.length;
    expect(Math.abs(dynamic.overall.estimate - truth)).toBeLessThan(4 * dynamic.overall.stdError);
  });

  it('TWFE is biased where attgt is not (simple ATT vs the true cohort-size-weighted effect)', () => {
    const simple = fit.aggregate('simple');
    // truth of did's simple aggregation: post cells weighted by cohort size
    const sizes = new Map<number, number>();
    for (let i = 0; i < data.cohort.length; i += PERIODS) sizes.set(data.cohort[i]!, (sizes.get(data.cohort[i]!) ?? 0) + 1);
    let num = 0;
    let den = 0;
    for (const r of fit.rows) {
      if (r.group > r.time) continue;
      num += sizes.get(r.group)! * effect(r.time - r.group);
      den += sizes.get(r.group)!;
    }
    const truth = num / den;
    expect(Math.abs(simple.overall.estimate - truth)).toBeLessThan(4 * simple.overall.stdError);
    const beta = twfe(data);
    expect(Math.abs(beta - truth)).toBeGreaterThan(6 * simple.overall.stdError);
    expect(beta).toBeLessThan(truth); // forbidden comparisons pull TWFE down when effects grow
  });

  it('pre-treatment ATT(g,t)s are centred on 0: the pre-test does not reject at 1%', () => {
    expect(fit.pretest.df).toBe(fit.rows.filter((r) => r.group > r.time).length);
    expect(fit.pretestPValue).toBeGreaterThan(0.01);
  });

  it('with a covariate-specific trend, conditioning on x2 (dr and ipw) recovers the effects; no covariates is biased', () => {
    const trended = simulate(7, 0.15);
    const opts = { data: trended, outcome: 'y', unit: 'unit', time: 'period', cohort: 'cohort' } as const;
    for (const method of ['dr', 'ipw', 'reg'] as const) {
      const withX = attgt({ ...opts, covariates: ['x2'], method }).aggregate('dynamic');
      for (const row of withX.rows) expect(Math.abs(row.estimate - effect(row.e))).toBeLessThan(4.5 * row.stdError);
    }
    const noX = attgt(opts).aggregate('dynamic');
    const worst = Math.max(...noX.rows.map((r) => Math.abs(r.estimate - effect(r.e)) / r.stdError));
    expect(worst).toBeGreaterThan(6);
  });
});
