/**
 * attgt with clusters above the unit against R's did 2.5.1 (`clustervars = c('countyreal', 'state')`,
 * state = countyreal %/% 1000: 29 states) on mpdta: fixtures/oracles/did_mpdta_cluster_state_*.json.
 * Analytic: ATT(g,t), every aggregation and their cluster-sum SEs (sqrt(Σ_c S_c²)/n, no G/(G−1))
 * to 1e-8 (dr/lpop) and 1e-12 (reg, checked by the oracle against a hand 2×2), pre-test p to did's
 * 5 digits. Bootstrap (one Rademacher weight per state, 1000 draws): ATTs to 1e-8 and SEs within
 * 10% of the oracle's 10⁶-draw limit of did's IQR-based SE; no pre-test, as did.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { expectClose, relativeError } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

interface Row { group: number; time: number; att: number; stdError: number }
interface AggRow { e: number; att: number; stdError: number }
interface Agg { overallAtt: number; overallStdError: number; rows?: AggRow[] }
interface Limit { bootstrapSeLimit: number }
interface Results {
  attgt: Row[];
  waldPreTestP: number | null;
  simple: Agg;
  dynamic: Agg;
  group: Agg;
  calendar: Agg;
  nStates: number;
  /** dr: the unclustered att_gt; reg: a hand cluster-sum SE from the 2×2 influence functions. */
  reference: { attgt?: Row[]; rows?: (Row & { stdErrorClustered: number })[] };
  bootstrapLimit?: { attgt: (Limit & { group: number; time: number })[] } & Record<'simple' | 'dynamic' | 'group' | 'calendar', { overall: Limit; rows?: (Limit & { e: number })[] }>;
}

const rows = (loadDataset('mpdta.csv').toRows() as Record<string, number>[]).map((r) => ({ ...r, state: Math.floor(r.countyreal! / 1000) }));
const TYPES = ['simple', 'dynamic', 'group', 'calendar'] as const;

function fitFor(call: string) {
  const method = /est_method = '(\w+)'/.exec(call)![1] as 'dr' | 'reg';
  const covariates = /xformla = ~lpop/.test(call) ? ['lpop'] : [];
  const bootstrap = /bstrap = TRUE/.test(call) ? { reps: 1000, seed: 1, uniform: false } : false;
  return attgt({ data: rows, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method, covariates, clusters: ['countyreal', 'state'], bootstrap });
}

describe.each([
  ['did_mpdta_cluster_state_never_dr_lpop_analytic', 1e-8],
  ['did_mpdta_cluster_state_never_reg_analytic', 1e-12],
] as const)('attgt clusters vs did 2.5.1 clustervars, analytic: %s', (name, tol) => {
  const oracle = loadOracle<Results>(name);
  const res = oracle.results;
  const fit = fitFor(oracle.call!);

  it(`ATT(g,t) and clustered SEs to ${tol}: ${oracle.call}`, () => {
    expectEstimatesMatch(fit.rows, res.attgt, { att: tol, stdError: tol }, { by: ['group', 'time'], ordered: true, label: name });
    expect(fit.clusters).toEqual({ name: 'state', count: res.nStates });
  });

  it('the oracle reference: unclustered SEs (dr) or hand cluster-sum SEs (reg); clustering changes the SEs', () => {
    const plain = attgt({ data: rows, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method: fit.params.method, covariates: fit.params.covariates });
    const ref = res.reference;
    if (ref.attgt) expectEstimatesMatch(plain.rows, ref.attgt, { att: tol, stdError: 1e-8 }, { by: ['group', 'time'], ordered: true, label: `${name} unclustered reference` });
    // reg: the oracle's hand formula sqrt(Σ_c S_c²)/n
    if (ref.rows) expectEstimatesMatch(fit.rows, ref.rows.map((r) => ({ group: r.group, time: r.time, att: r.att, stdError: r.stdErrorClustered })), { att: tol, stdError: tol }, { by: ['group', 'time'], ordered: true, label: `${name} hand reference` });
    expect(plain.rows[0]!.stdError).not.toBeCloseTo(fit.rows[0]!.stdError, 6);
  });

  it(`Wald pre-test with the cluster-sum V: p = ${res.waldPreTestP} (did's 5 digits)`, () => {
    expectClose(fit.pretestPValue, res.waldPreTestP!, 1e-4, 'pretest p', { absTol: 5e-6 });
  });

  it.each(TYPES)("aggte(type = '%s') overall and rows with clustered SEs", (type) => {
    const agg = fit.aggregate(type);
    const ref = res[type];
    expectEstimatesMatch([agg.overall], [{ term: 'ATT', estimate: ref.overallAtt, stdError: ref.overallStdError }], { estimate: tol, stdError: tol }, { label: `${name} ${type} overall` });
    const refRows = (ref.rows ?? []).map((r) => ({ e: r.e, estimate: r.att, stdError: r.stdError }));
    expectEstimatesMatch(agg.rows, refRows, { estimate: tol, stdError: tol }, { by: 'e', ordered: true, label: `${name} ${type} rows` });
  });

  it('vcov() is the cluster-sum variance: its diagonal gives the SEs', () => {
    const v = fit.vcov();
    fit.rows.forEach((r, j) => expectClose(Math.sqrt(v[j]![j]!), r.stdError, 1e-12, `vcov ${r.term}`));
  });

  it('notes the few clusters (29 < 42; 13 states hold treated counties)', () => {
    expect(fit.notes.find((n) => n.code === 'few_clusters')).toMatchObject({ cluster: 'state', clusters: 29, treatedClusters: 13 });
  });
});

describe('attgt clusters vs did 2.5.1 clustervars, multiplier bootstrap: did_mpdta_cluster_state_never_dr_lpop_bootstrap', () => {
  const oracle = loadOracle<Results>('did_mpdta_cluster_state_never_dr_lpop_bootstrap');
  const res = oracle.results;
  const limit = res.bootstrapLimit!;
  const fit = fitFor(oracle.call!);
  const BOOT_TOL = 0.1;
  let worst = 0;
  const within = (se: number, target: number, label: string) => {
    const err = relativeError(se, target);
    worst = Math.max(worst, err);
    expect(err, `${label}: ${se} vs limit ${target}`).toBeLessThan(BOOT_TOL);
  };

  it('ATT(g,t) equal the analytic fit (1e-8); SEs within 10% of the 10⁶-draw limit', () => {
    expectEstimatesMatch(fit.rows, res.attgt, { att: 1e-8 }, { by: ['group', 'time'], ordered: true, label: 'bootstrap ATT' });
    fit.rows.forEach((r, j) => within(r.stdError, limit.attgt[j]!.bootstrapSeLimit, r.term));
  });

  it.each(TYPES)("aggte(type = '%s'): estimates 1e-8, bootstrap SEs within 10%% of the limit", (type) => {
    const agg = fit.aggregate(type);
    expectClose(agg.overall.estimate, res[type].overallAtt, 1e-8, `${type} overall`);
    within(agg.overall.stdError, limit[type].overall.bootstrapSeLimit, `${type} overall`);
    (limit[type].rows ?? []).forEach((l, k) => within(agg.rows[k]!.stdError, l.bootstrapSeLimit, `${type} e=${l.e}`));
  });

  it('no pre-test with clusters and the bootstrap (did: waldPreTestP NULL), with a note', () => {
    expect(res.waldPreTestP).toBeNull();
    expect(fit.pretestPValue).toBeNaN();
    expect(fit.notes.some((n) => n.code === 'test_not_computed' && n.test === 'Pre-test of parallel trends')).toBe(true);
  });

  it('the same seed gives bit-identical SEs', () => {
    const again = fitFor(oracle.call!);
    expect(again.rows.map((r) => r.stdError)).toEqual(fit.rows.map((r) => r.stdError));
    expect(worst).toBeLessThan(BOOT_TOL);
  });
});
