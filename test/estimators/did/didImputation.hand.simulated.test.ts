/**
 * A seeded staggered-adoption panel with known heterogeneous dynamic effects
 * (τᵢₜ = 1 + 0.5·(t − gᵢ), growing with time since adoption; cohorts 3, 5, 7 and never treated;
 * y = αᵢ + λₜ + τᵢₜ + ε). The truth is known exactly: the effect at horizon e is 1 + 0.5e and
 * the ATT over treated observations is the mean of τ over them.
 *
 * - TWFE (feols y ~ d | unit + period) is biased: more than 10 SEs from the ATT. The
 *   Goodman-Bacon decomposition shows why: its later-vs-earlier 2×2s (already-treated units as
 *   controls) estimate far less than any true effect (their controls' effects grow), and the
 *   TWFE regression puts negative weight on long-treated cells (the FWL weights d̃ᵢₜ/Σd̃d of the
 *   treated observations).
 * - didImputation, did2s, attgt (Callaway–Sant'Anna) and eventStudy 'sunab' (Sun–Abraham)
 *   recover the truth within 4 SEs, overall and at horizons 0–3.
 */
import { describe, expect, it } from 'vitest';
import { Frame } from '../../../src/data/frame.js';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { baconDecomposition } from '../../../src/estimators/did/bacon.js';
import { did2s } from '../../../src/estimators/did/did2s.js';
import { didImputation } from '../../../src/estimators/did/didImputation.js';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { feols } from '../../../src/models/feols.js';
import { demean } from '../../../src/numerics/demean.js';
import { createRng } from '../../../src/numerics/random.js';

const UNITS = 1200;
const PERIODS = 10;
const COHORTS = [3, 5, 7, 0];

function simulate(seed: number): { panel: Frame; att: number } {
  const rng = createRng(seed);
  const n = UNITS * PERIODS;
  const cols = { id: new Float64Array(n), t: new Float64Array(n), g: new Float64Array(n), d: new Float64Array(n), rel: new Float64Array(n), y: new Float64Array(n) };
  const lambda = Array.from({ length: PERIODS }, (_, t) => 0.3 * t + 0.5 * rng.normal());
  let tauSum = 0;
  let treatedCount = 0;
  for (let u = 0; u < UNITS; u++) {
    const g = COHORTS[u % COHORTS.length]!;
    const alpha = rng.normal();
    for (let t = 1; t <= PERIODS; t++) {
      const i = u * PERIODS + t - 1;
      const treated = g > 0 && t >= g;
      const tau = treated ? 1 + 0.5 * (t - g) : 0;
      if (treated) {
        tauSum += tau;
        treatedCount++;
      }
      cols.id[i] = u + 1;
      cols.t[i] = t;
      cols.g[i] = g;
      cols.d[i] = treated ? 1 : 0;
      cols.rel[i] = g > 0 ? t - g : -1000;
      cols.y[i] = alpha + lambda[t - 1]! + tau + 0.5 * rng.normal();
    }
  }
  return { panel: new Frame(cols), att: tauSum / treatedCount };
}

const { panel, att } = simulate(20240614);
const truth = (e: number) => 1 + 0.5 * e;
const within = (estimate: number, stdError: number, target: number, label: string) => expect(Math.abs(estimate - target) / stdError, `${label}: ${estimate} vs ${target} (SE ${stdError})`).toBeLessThan(4);

describe('staggered adoption with growing effects: TWFE is biased, the robust estimators are not', () => {
  it('TWFE is biased; Bacon: later-vs-earlier 2×2s understate every true effect; negative TWFE weights on long-treated cells', () => {
    const twfe = feols('y ~ d | id + t', panel);
    expect(Math.abs(twfe.coef().d! - att) / twfe.se().d!).toBeGreaterThan(10);
    const bacon = baconDecomposition({ data: panel, outcome: 'y', unit: 'id', time: 't', treat: 'd' });
    expect(bacon.weightedSum).toBeCloseTo(twfe.coef().d!, 10);
    const forbidden = bacon.byType['Later vs Earlier Treated']!;
    expect(forbidden.weight).toBeGreaterThan(0.05);
    expect(forbidden.estimate).toBeLessThan(truth(0) - 0.5);
    // FWL weights of the treated observations in the TWFE coefficient: negative for long-treated cells.
    const codes = (name: string) => ({ codes: Int32Array.from(panel.numeric(name), (v) => v - 1), nLevels: name === 'id' ? UNITS : PERIODS });
    const dTilde = demean([panel.numeric('d')], [codes('id'), codes('t')]).columns[0]!;
    const d = panel.numeric('d');
    let denominator = 0;
    for (let i = 0; i < d.length; i++) denominator += dTilde[i]! * d[i]!;
    const rel = panel.numeric('rel');
    let negative = 0;
    for (let i = 0; i < d.length; i++) if (d[i] === 1 && dTilde[i]! / denominator < 0) negative++;
    expect(negative).toBeGreaterThan(0);
    for (let i = 0; i < d.length; i++) if (d[i] === 1 && dTilde[i]! < 0) expect(rel[i]).toBeGreaterThanOrEqual(2);
  });

  it('didImputation recovers the ATT and the horizon effects', () => {
    const overall = didImputation({ data: panel, outcome: 'y', unit: 'id', time: 't', cohort: 'g' }).rows[0]!;
    within(overall.estimate, overall.stdError, att, 'BJS ATT');
    const dynamic = didImputation({ data: panel, outcome: 'y', unit: 'id', time: 't', cohort: 'g', horizons: [0, 1, 2, 3] });
    expect(dynamic.rows.map((row) => row.e)).toEqual([0, 1, 2, 3]);
    for (const row of dynamic.rows) within(row.estimate, row.stdError, truth(row.e!), `BJS e = ${row.e}`);
  });

  it('did2s recovers the ATT and the horizon effects', () => {
    const base = { data: panel, outcome: 'y', firstStage: '~ 0 | id + t', treatment: 'd', clusters: 'id' };
    const overall = did2s({ ...base, secondStage: '~ i(d, ref = 0)' }).rows[0]!;
    within(overall.estimate, overall.stdError, att, 'did2s ATT');
    const dynamic = did2s({ ...base, secondStage: '~ i(rel, ref = c(-1, -1000))' });
    expect(dynamic.rows.length).toBe(PERIODS - 3 + PERIODS - 3 - 1);
    for (const row of dynamic.rows) within(row.estimate, row.stdError, row.e! >= 0 ? truth(row.e!) : 0, `did2s e = ${row.e}`);
  });

  it("Callaway–Sant'Anna (attgt, dynamic aggregation) recovers the horizon effects", () => {
    const agg = attgt({ data: panel, outcome: 'y', unit: 'id', time: 't', cohort: 'g', control: 'never' }).aggregate('dynamic');
    const checked = agg.rows.filter((row) => (row as { e: number }).e >= 0 && (row as { e: number }).e <= 3);
    expect(checked.length).toBe(4);
    for (const row of checked) within(row.estimate, row.stdError, truth((row as { e: number }).e), `CS e = ${(row as { e: number }).e}`);
  });

  it('Sun–Abraham (eventStudy sunab) recovers the horizon effects', () => {
    const sa = eventStudy({ data: panel, outcome: 'y', unit: 'id', time: 't', cohort: 'g', method: 'sunab' });
    const checked = sa.rows.filter((row) => row.e >= 0 && row.e <= 3);
    expect(checked.length).toBe(4);
    for (const row of checked) within(row.estimate, row.stdError, truth(row.e), `SA e = ${row.e}`);
  });
});
