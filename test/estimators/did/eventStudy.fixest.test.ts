/**
 * eventStudy(method 'twfe') against fixest 0.12.2 (R 4.2.2):
 * `feols(y ~ x1 + i(period, treat, 5) | id + period, base_did)` (default vcov: cluster ~id) and
 * the same with `cluster = ~id`. In base_did every treated unit starts at period 6, so that model
 * is the event study with cohort = 6·treat, ref = −1 and e = period − 6.
 * Tolerances: coefficients 1e-8, SEs / statistics / p-values 1e-6 (relative).
 * Measured agreement: coefficients ≤ 1.2e-12, SEs ≤ 1.2e-13, p-values ≤ 1.5e-12 relative.
 * The pre-trend F test is checked against a hand computation from the oracle's coefficients and
 * vcov with fixest's wald() degrees of freedom (q, n − nparams).
 */
import { describe, expect, it } from 'vitest';
import { eventStudy } from '../../../src/estimators/did/eventStudy.js';
import { feols } from '../../../src/models/feols.js';
import { fUpper } from '../../../src/numerics/distributions.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle, type OracleCoef, type OracleFit } from '../../helpers/oracle.js';

const base = loadDataset('base_did.csv');
const treat = base.numeric('treat');
const baseDid = base.withColumns({ g: Float64Array.from(treat, (t) => 6 * t) });

/** Solves A x = b by Gaussian elimination with partial pivoting (hand check, small q). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let j = c; j <= n; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= M[r]![j]! * x[j]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

describe.each([
  ['fixest_event_study', 'feols(y ~ x1 + i(period, treat, 5) | id + period, base_did)', undefined],
  ['fixest_event_study_cluster', 'feols(y ~ x1 + i(period, treat, 5) | id + period, base_did, cluster = ~id)', { CRV1: 'id' }],
] as const)('eventStudy(twfe) reproduces fixest 0.12.2 %s: %s', (file, _call, vcov) => {
  const oracle = loadOracle<OracleFit>(file);
  const es = eventStudy({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', ref: -1, covariates: ['x1'], vcov });
  const oracleByE = new Map<number, OracleCoef>();
  oracle.results.coefficients.forEach((c) => {
    const m = /^period::(\d+):treat$/.exec(c.term);
    if (m) oracleByE.set(Number(m[1]) - 6, c);
  });

  it('event-time coefficients, SEs, t and p (e = period − 6)', () => {
    const estimated = es.rows.filter((r) => r.reference !== true);
    expect(estimated.map((r) => r.e)).toEqual([-5, -4, -3, -2, 0, 1, 2, 3, 4]);
    expect(estimated.map((r) => r.term)).toEqual(estimated.map((r) => `period::${r.e}`));
    // fixest's `period::<p>:treat` rows, keyed by e = p − 6.
    const oracleRows = [...oracleByE].map(([e, o]) => ({ ...o, term: `e=${e}`, e }));
    expectEstimatesMatch(estimated.map((r) => ({ ...r, term: `e=${r.e}` })), oracleRows, { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-6 }, { label: file });
    expectEstimatesMatch(es.fit.tidy().filter((r) => r.term === 'x1'), [oracle.results.coefficients[0]!], { estimate: 1e-8 }, { label: `${file} x1` });
    expect(es.nobs).toBe(oracle.results.nobs);
    expect(es.nClusters).toBe(108);
  });

  it('the reference period is a row with estimate 0, NaN SE and reference: true (as iplot)', () => {
    const ref = es.rows.find((r) => r.e === -1)!;
    expect(ref.reference).toBe(true);
    expect(ref.estimate).toBe(0);
    expect(ref.stdError).toBeNaN();
  });

  it("pretest = fixest wald(est, keep = 'period::[1-4]:'): F = b'V⁻¹b/4 on (4, 1080 − 127) df, by hand from the oracle", () => {
    // Oracle coefficient order: x1, period::1..4, 6..10 → pre-period indices 1..4.
    const pre = [1, 2, 3, 4];
    const b = pre.map((i) => oracle.results.coefficients[i]!.estimate);
    const V = pre.map((i) => pre.map((j) => oracle.results.vcov[i]![j]!));
    const x = solve(V, b);
    const F = b.reduce((s, bi, i) => s + bi * x[i]!, 0) / 4;
    // nparams = 10 coefficients + (108 − 1) + (10 − 1) + 1 = 127.
    const df2 = 1080 - 127;
    expect(es.pretest.df1).toBe(4);
    expect(es.pretest.df2).toBe(df2);
    expectClose(es.pretest.statistic, F, 1e-6, 'pretest F');
    expectClose(es.pretest.pValue, fUpper(F, 4, df2), 1e-6, 'pretest p');
  });
});

describe('eventStudy(twfe) options', () => {
  it('window [-3, 2] bins e < -3 into -3 and e > 2 into 2: equals an explicit feols with binned dummies (fixest-style self-check)', () => {
    const es = eventStudy({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', window: [-3, 2], vcov: 'hetero' });
    const period = baseDid.numeric('period');
    const dummies: Record<string, Float64Array> = {};
    const names: string[] = [];
    for (const e of [-3, -2, 0, 1, 2]) {
      const name = `d${e < 0 ? 'm' : ''}${Math.abs(e)}`;
      names.push(name);
      dummies[name] = Float64Array.from(period, (p, i) => {
        if (treat[i] !== 1) return 0;
        const rel = Math.min(Math.max(p - 6, -3), 2);
        return rel === e ? 1 : 0;
      });
    }
    const fit = feols(`y ~ ${names.join(' + ')} | id + period`, base.withColumns(dummies), { vcov: 'hetero' });
    const coef = fit.coef();
    const se = fit.se();
    const rows = es.rows.filter((r) => r.reference !== true);
    expect(rows.map((r) => r.e)).toEqual([-3, -2, 0, 1, 2]);
    rows.forEach((row, j) => {
      expectClose(row.estimate, coef[names[j]!]!, 1e-10, `binned e=${row.e}`);
      expectClose(row.stdError, se[names[j]!]!, 1e-10, `binned e=${row.e} SE`);
    });
    expect(es.window).toEqual([-3, 2]);
  });

  it('ref = [-1, -5] (two references, fixest ref = c(4, 5) on period): both shown as reference rows; equals explicit feols dummies', () => {
    const es = eventStudy({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', ref: [-1, -5], vcov: 'iid' });
    expect(es.rows.filter((r) => r.reference).map((r) => r.e)).toEqual([-5, -1]);
    const period = baseDid.numeric('period');
    const events = [-4, -3, -2, 0, 1, 2, 3, 4];
    const dummies: Record<string, Float64Array> = {};
    for (const e of events) dummies[`d${e < 0 ? 'm' : ''}${Math.abs(e)}`] = Float64Array.from(period, (p, i) => (treat[i] === 1 && p - 6 === e ? 1 : 0));
    const fit = feols(`y ~ ${Object.keys(dummies).join(' + ')} | id + period`, base.withColumns(dummies), { vcov: 'iid' });
    const coef = Object.values(fit.coef());
    es.rows.filter((r) => !r.reference).forEach((row, j) => expectClose(row.estimate, coef[j]!, 1e-10, `e=${row.e}`));
    expect(es.pretest.df1).toBe(3);
  });

  it('never-treated coded as missing or Infinity give the same fit as 0', () => {
    const g = baseDid.numeric('g');
    const es0 = eventStudy({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' });
    const esNa = eventStudy({ data: baseDid.withColumns({ g: Float64Array.from(g, (v) => (v === 0 ? NaN : v)) }), outcome: 'y', unit: 'id', time: 'period', cohort: 'g' });
    const esInf = eventStudy({ data: baseDid.withColumns({ g: Float64Array.from(g, (v) => (v === 0 ? Infinity : v)) }), outcome: 'y', unit: 'id', time: 'period', cohort: 'g' });
    for (const other of [esNa, esInf]) {
      expect(other.nobs).toBe(1080);
      other.rows.forEach((row, j) => {
        if (row.reference) return;
        expectClose(row.estimate, es0.rows[j]!.estimate, 1e-12, `e=${row.e}`);
      });
    }
  });

  it('result contract: tidy() rows have exactly the seven Estimate fields (e lives on rows); toJSON() is plain JSON; summary() shows the pre-trend test', () => {
    const es = eventStudy({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' });
    for (const row of es.tidy()) {
      expect(Object.keys(row)).toEqual(['term', 'estimate', 'stdError', 'statistic', 'pValue', 'confLow', 'confHigh']);
    }
    const json = JSON.parse(JSON.stringify(es.toJSON()));
    expect(json.kind).toBe('eventStudy');
    expect(json.method).toBe('twfe');
    expect(json.rows.find((r: { e: number }) => r.e === -1).stdError).toBeNull();
    expect(es.summary()).toContain('Pre-trend Wald test');
    expect(es.overall).toBeUndefined();
  });
});
