/**
 * One small call per public estimator on the shipped fixtures, for the cross-cutting contract
 * tests (test/api.contract.test.ts): every case names its reference (package, version, call), runs
 * on any data form (Frame, rows, columns) with optionally renamed columns, and checks one or two
 * real numbers against the oracle JSON or a hand-derivable answer, so that the contract battery
 * also proves that each case computed the right thing (not just something of the right shape).
 *
 * `col(name)` maps a dataset column to the name used in the call: the identity normally, and
 * `__proto__` / `constructor` / `toString` for the prototype-pollution checks.
 */
import { expect } from 'vitest';
import type { DataInput } from '../../src/data/fromInput.js';
import { Frame, type Column } from '../../src/data/frame.js';
import { feols } from '../../src/models/feols.js';
import { glm } from '../../src/models/glm.js';
import { did } from '../../src/estimators/did/did.js';
import { eventStudy } from '../../src/estimators/did/eventStudy.js';
import { attgt } from '../../src/estimators/did/attgt.js';
import { baconDecomposition } from '../../src/estimators/did/bacon.js';
import { did2s } from '../../src/estimators/did/did2s.js';
import { didImputation } from '../../src/estimators/did/didImputation.js';
import type { AggregationType } from '../../src/estimators/did/aggregate.js';
import { matchit } from '../../src/estimators/matching/matchit.js';
import { matchedAtt } from '../../src/estimators/matching/matchedAtt.js';
import { psmDid } from '../../src/estimators/psmDid.js';
import { mediate } from '../../src/estimators/mediation/mediate.js';
import { mediateMany } from '../../src/estimators/mediation/mediateMany.js';
import { medsens } from '../../src/estimators/mediation/medsens.js';
import { productOfCoefficients } from '../../src/estimators/mediation/productOfCoefficients.js';
import { expectClose } from './expectClose.js';
import { expectEstimatesMatch } from './expectEstimatesMatch.js';
import { loadDataset, loadOracle } from './oracle.js';

/** The shipped datasets the cases use (base_did gets `cohort` = 6·treat, as fixest's event study). */
export type DatasetName = 'base_did' | 'mpdta' | 'lalonde' | 'jobs';

/** The parts of the result contract a case's result offers. */
export interface Offers {
  tidy: boolean;
  summary: boolean;
  toJSON: boolean;
  /** `util.inspect(result) === result.summary()` through `Symbol.for('nodejs.util.inspect.custom')`. */
  inspect: boolean;
}

/** Maps a dataset column name to the name used in the call. */
export type ColumnMap = (name: string) => string;

/** One estimator call. */
export interface EstimatorCase {
  /** Short name, e.g. `attgt aggregate('dynamic')`. */
  name: string;
  /** Reference package, version and call that the check compares with. */
  reference: string;
  dataset: DatasetName;
  /** Columns of the dataset the call reads (the data given to `run` holds only these). */
  columns: readonly string[];
  /** Uses random numbers (must be bit-identical for a fixed seed). */
  stochastic: boolean;
  /** tidy() rows are Wald rows (statistic = estimate / SE, symmetric interval); false for simulation-based intervals (mediate). */
  wald?: boolean;
  offers: Offers;
  /**
   * Where the result reports rows dropped for missing values (`rows_dropped_missing`), or null
   * when it has no notes of its own (balance tables, matched data, medsens, and attgt aggregates,
   * whose notes are the aggregation's: the dropped rows are reported on the attgt result).
   */
  notesOf: ((result: any) => readonly { code: string }[]) | null;
  /** Runs the call on `data`, with columns named by `col`. */
  run(data: DataInput, col: ColumnMap): any;
  /** Asserts real numbers of the result against the reference. */
  check(result: any): void;
}

const ALL: Offers = { tidy: true, summary: true, toJSON: true, inspect: true };
const identity: ColumnMap = (name) => name;

let cache: Partial<Record<DatasetName, Frame>> = {};

/** The dataset as a Frame (cached; Frames are immutable). */
export function dataset(name: DatasetName): Frame {
  let frame = cache[name];
  if (frame === undefined) {
    if (name === 'base_did') {
      const base = loadDataset('base_did.csv');
      frame = base.withColumns({ cohort: Float64Array.from(base.numeric('treat'), (t) => 6 * t) });
    } else if (name === 'mpdta') {
      // treat_post = first.treat > 0 & year >= first.treat (the modern-DiD oracles' treatment).
      const raw = loadDataset('mpdta.csv');
      const year = raw.numeric('year');
      frame = raw.withColumns({ treat_post: Float64Array.from(raw.numeric('first.treat'), (g, i) => (g > 0 && year[i]! >= g ? 1 : 0)) });
    } else {
      frame = loadDataset(`${name}.csv`);
    }
    cache[name] = frame;
  }
  return frame;
}

/** Clears the dataset cache (tests that need fresh copies). */
export function resetDatasets(): void {
  cache = {};
}

/** The data forms a DataInput can take. */
export type DataForm = 'frame' | 'rows' | 'columns';

/**
 * A fresh copy of the case's columns of `name` as a Frame, rows or columns object, with columns
 * renamed by `col`. Keys are own properties even when a name is `__proto__` (defineProperty).
 */
export function caseData(name: DatasetName, columns: readonly string[], form: DataForm, col: ColumnMap = identity): DataInput {
  const frame = dataset(name);
  const copy = (c: Column): Column => (c instanceof Float64Array ? Float64Array.from(c) : [...c]);
  const define = (target: Record<string, unknown>, key: string, value: unknown): void => {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  };
  if (form === 'rows') {
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < frame.nrow; i++) {
      const row: Record<string, unknown> = {};
      for (const c of columns) {
        const v = frame.columns[c]![i];
        define(row, col(c), typeof v === 'number' && Number.isNaN(v) ? null : v);
      }
      rows.push(row);
    }
    return rows;
  }
  const out: Record<string, Column> = {};
  for (const c of columns) define(out, col(c), copy(frame.column(c)));
  if (form === 'columns') {
    // Plain arrays for numbers too: the common hand-written form.
    for (const key of Object.keys(out)) {
      const column = out[key]!;
      if (column instanceof Float64Array) define(out, key, Array.from(column));
    }
    return out;
  }
  return new Frame(out, columns.map(col));
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

const twoByTwo = loadOracle('fixest_2x2_no_fe').results;
const twfeDid = loadOracle('fixest_twfe_did_cluster').results;
const eventOracle = loadOracle('fixest_event_study').results;
const attgtOracle = loadOracle('did_mpdta_never_dr').results;
const matchOracle = loadOracle('matchit_nearest').results;
const sobel = loadOracle('sobel_jobs_ols').results;
const lavaan = loadOracle('lavaan_jobs_indirect').results;
const medsensOracle = loadOracle('mediation_jobs_medsens').results;
const bjsOracle = loadOracle('didimputation_mpdta_horizon').results;
const did2sOracle = loadOracle('did2s_mpdta_static').results;
const baconOracle = loadOracle('bacon_mpdta').results;

/** A column name as formula text: backquoted unless it is a syntactic R name (R's rule for `__proto__`). */
const fq = (col: ColumnMap, name: string): string => {
  const used = col(name);
  return /^(?:[\p{L}]|\.(?![0-9]))[\p{L}\p{N}._]*$/u.test(used) ? used : `\`${used}\``;
};

const LALONDE = ['treat', 'age', 'educ', 'race', 'married', 'nodegree', 're74', 're75', 're78'] as const;
const lalondeFormula = (col: ColumnMap): string => `${fq(col, 'treat')} ~ ${LALONDE.slice(1, 8).map((c) => fq(col, c)).join(' + ')}`;
const MPDTA = ['year', 'countyreal', 'lemp', 'first.treat'] as const;
const JOBS = ['treat', 'econ_hard', 'sex', 'age', 'job_seek', 'job_disc', 'depress2'] as const;
const mediatorModel = (col: ColumnMap, m = 'job_seek'): string => `${fq(col, m)} ~ ${fq(col, 'treat')} + ${fq(col, 'econ_hard')} + ${fq(col, 'sex')} + ${fq(col, 'age')}`;
const outcomeModel = (col: ColumnMap, m = 'job_seek'): string =>
  `${fq(col, 'depress2')} ~ ${fq(col, 'treat')} + ${fq(col, m)} + ${fq(col, 'econ_hard')} + ${fq(col, 'sex')} + ${fq(col, 'age')}`;

/** Checks the event-time rows of a single-cohort event study against fixest's i(period, treat, 5). */
function checkEventRows(rows: readonly { e: number; estimate: number; stdError: number }[]): void {
  for (const ref of eventOracle.coefficients as { term: string; estimate: number; stdError: number }[]) {
    const m = /^period::(-?\d+):treat$/.exec(ref.term);
    if (m === null) continue;
    const row = rows.find((r) => r.e === Number(m[1]) - 6);
    expect(row, `event time ${Number(m[1]) - 6}`).toBeDefined();
    expectClose(row!.estimate, ref.estimate, 1e-8, `${ref.term} estimate`);
    expectClose(row!.stdError, ref.stdError, 1e-6, `${ref.term} SE`);
  }
}

/** did's ATT(g,t) rows of the oracle: `{ group, time, att, stdError }`. */
const attgtCells = attgtOracle.attgt as { group: number; time: number; att: number; stdError: number }[];

const attgtCall = (data: DataInput, col: ColumnMap, bootstrap: false | { reps: number; seed: number } = false) =>
  attgt({ data, outcome: col('lemp'), unit: col('countyreal'), time: col('year'), cohort: col('first.treat'), method: 'dr', control: 'never', bootstrap });

const aggregateCase = (type: AggregationType): EstimatorCase => ({
  name: `attgt aggregate('${type}')`,
  reference: `did 2.5.1: aggte(att_gt(lemp ~ 1, mpdta, est_method = 'dr', control_group = 'nevertreated', bstrap = FALSE), type = '${type}', bstrap = FALSE)`,
  dataset: 'mpdta',
  columns: MPDTA,
  stochastic: false,
  offers: { tidy: true, summary: true, toJSON: true, inspect: true },
  notesOf: null,
  run: (data, col) => attgtCall(data, col).aggregate(type),
  check: (agg) => {
    const ref = attgtOracle[type];
    const tol = { estimate: 1e-8, stdError: 1e-6 };
    expectEstimatesMatch([agg.overall], [{ term: 'ATT', estimate: ref.overallAtt, stdError: ref.overallStdError }], tol, { label: `${type} overall` });
    const rows = ((ref.rows ?? []) as { e: number; att: number; stdError: number }[]).map((r) => ({ e: r.e, estimate: r.att, stdError: r.stdError }));
    expectEstimatesMatch(agg.rows, rows, tol, { by: 'e', label: `${type} rows` });
  },
});

const matchCall = (data: DataInput, col: ColumnMap, extra: Record<string, unknown> = {}) =>
  matchit({ formula: lalondeFormula(col), data, compat: '4.5.1', ...extra });

/** Weighted 2×2 difference in mean changes: the TWFE DiD on a balanced panel with unit-constant weights. */
function weightedDid(frame: Frame, weightOf: (unit: number) => number): number {
  const y = frame.numeric('y');
  const id = frame.numeric('id');
  const treat = frame.numeric('treat');
  const post = frame.numeric('post');
  const sum = [0, 0, 0, 0];
  const wt = [0, 0, 0, 0];
  for (let i = 0; i < frame.nrow; i++) {
    const w = weightOf(id[i]!);
    const cell = 2 * treat[i]! + post[i]!;
    sum[cell]! += w * y[i]!;
    wt[cell]! += w;
  }
  const mean = sum.map((s, c) => s / wt[c]!);
  return mean[3]! - mean[2]! - (mean[1]! - mean[0]!);
}

/** The table: one small call per public estimator (and per attgt aggregation). */
export const ESTIMATOR_CASES: readonly EstimatorCase[] = [
  {
    name: 'feols',
    reference: 'fixest 0.12.2: feols(y ~ treat + post + treat:post + x1, base_did, cluster = ~id)',
    dataset: 'base_did',
    columns: ['y', 'treat', 'post', 'x1', 'id'],
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => feols(`${fq(col, 'y')} ~ ${fq(col, 'treat')} + ${fq(col, 'post')} + ${fq(col, 'treat')}:${fq(col, 'post')} + ${fq(col, 'x1')}`, data, { vcov: { CRV1: col('id') } }),
    check: (fit) => {
      const rows = fit.tidy();
      expect(rows.length).toBe(twoByTwo.coefficients.length);
      for (const ref of twoByTwo.coefficients as { term: string; estimate: number; stdError: number }[]) {
        // Terms are renamed with the columns; match by position in fixest's order instead.
        const mine = rows[twoByTwo.coefficients.indexOf(ref)];
        expectClose(mine.estimate, ref.estimate, 1e-8, `${ref.term} estimate`);
        expectClose(mine.stdError, ref.stdError, 1e-6, `${ref.term} SE`);
      }
    },
  },
  {
    name: 'glm',
    reference: "stats 4.2.2: glm(treat ~ age + educ + race + married + nodegree + re74 + re75, binomial, lalonde) (MatchIt 4.5.1's propensity model)",
    dataset: 'lalonde',
    columns: LALONDE.slice(0, 8),
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => glm(lalondeFormula(col), data, { family: 'binomial' }),
    check: (fit) => {
      const rows = fit.tidy();
      const refs = matchOracle.propensityModel as { term: string; estimate: number; stdError: number }[];
      expect(rows.length).toBe(refs.length);
      refs.forEach((ref, j) => {
        // R's glm stops at epsilon = 1e-8 and we follow the same IRLS path: agreement is ~1e-15 (measured).
        expectClose(rows[j].estimate, ref.estimate, 1e-9, `${ref.term} estimate`);
        expectClose(rows[j].stdError, ref.stdError, 1e-9, `${ref.term} SE`);
      });
    },
  },
  {
    name: 'did',
    reference: 'fixest 0.12.2: feols(y ~ treat_post | id + period, base_did) (default vcov: cluster ~id)',
    dataset: 'base_did',
    columns: ['y', 'id', 'period', 'treat', 'post'],
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => did({ data, outcome: col('y'), unit: col('id'), time: col('period'), treat: col('treat'), post: col('post') }),
    check: (res) => {
      const ref = twfeDid.coefficients[0];
      expectClose(res.att.estimate, ref.estimate, 1e-8, 'ATT');
      expectClose(res.att.stdError, ref.stdError, 1e-6, 'ATT SE');
      expectClose(res.att.pValue, ref.pValue, 1e-6, 'ATT p');
      expect(res.nobs).toBe(twfeDid.nobs);
    },
  },
  {
    name: "eventStudy (method 'twfe')",
    reference: 'fixest 0.12.2: feols(y ~ x1 + i(period, treat, 5) | id + period, base_did) (cohort = 6·treat, ref = −1)',
    dataset: 'base_did',
    columns: ['y', 'id', 'period', 'cohort', 'x1'],
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => eventStudy({ data, outcome: col('y'), unit: col('id'), time: col('period'), cohort: col('cohort'), covariates: [col('x1')] }),
    check: (res) => checkEventRows(res.rows),
  },
  {
    name: "eventStudy (method 'sunab')",
    reference: 'fixest 0.12.2: sunab(cohort, period) with one cohort = feols(y ~ x1 + i(period, treat, 5) | id + period, base_did)',
    dataset: 'base_did',
    columns: ['y', 'id', 'period', 'cohort', 'x1'],
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => eventStudy({ data, outcome: col('y'), unit: col('id'), time: col('period'), cohort: col('cohort'), covariates: [col('x1')], method: 'sunab' }),
    check: (res) => {
      checkEventRows(res.rows);
      expect(res.overall).toBeDefined();
    },
  },
  {
    name: 'attgt',
    reference: "did 2.5.1: att_gt(yname = 'lemp', tname = 'year', idname = 'countyreal', gname = 'first.treat', xformla = ~1, control_group = 'nevertreated', est_method = 'dr', bstrap = FALSE)",
    dataset: 'mpdta',
    columns: MPDTA,
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => attgtCall(data, col),
    check: (res) => {
      expectEstimatesMatch(res.rows, attgtCells, { att: 1e-8, stdError: 1e-6 }, { by: ['group', 'time'], label: 'ATT(g,t)' });
      expectClose(res.pretestPValue, attgtOracle.waldPreTestP, 1e-3, 'pre-test p (did prints 5 digits)');
    },
  },
  {
    name: 'attgt (multiplier bootstrap, seeded)',
    reference: 'did 2.5.1: att_gt(..., bstrap = TRUE, cband = TRUE) — point estimates equal the analytic ones',
    dataset: 'mpdta',
    columns: MPDTA,
    stochastic: true,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => attgtCall(data, col, { reps: 199, seed: 42 }),
    check: (res) => {
      // 199 draws: the bootstrap SE is within Monte Carlo error (~5%·√2) of the analytic one.
      expectEstimatesMatch(res.rows, attgtCells, { att: 1e-8, stdError: 0.25 }, { by: ['group', 'time'], label: 'bootstrap ATT(g,t)' });
    },
  },
  aggregateCase('simple'),
  aggregateCase('dynamic'),
  aggregateCase('group'),
  aggregateCase('calendar'),
  {
    name: 'matchit',
    reference: "MatchIt 4.5.1: matchit(treat ~ age + educ + race + married + nodegree + re74 + re75, lalonde, method = 'nearest', distance = 'glm')",
    dataset: 'lalonde',
    columns: LALONDE.slice(0, 8),
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => matchCall(data, col),
    check: (m) => {
      expect(m.nMatched).toEqual(matchOracle.nMatched);
      (matchOracle.distanceFirst10 as number[]).forEach((d, i) => expectClose(m.distance[i], d, 1e-9, `distance[${i}]`));
      (matchOracle.weights as number[]).forEach((w, i) => expect(m.weights[i], `weights[${i}]`).toBe(w));
    },
  },
  {
    name: "matchit (order 'random', seeded)",
    reference: "MatchIt 4.5.1: matchit(..., m.order = 'random') — 1:1 without replacement matches every treated unit",
    dataset: 'lalonde',
    columns: LALONDE.slice(0, 8),
    stochastic: true,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => matchCall(data, col, { order: 'random', seed: 7 }),
    check: (m) => {
      expect(m.nMatched).toEqual(matchOracle.nMatched);
      let sum = 0;
      for (const w of m.weights) sum += w;
      expect(sum).toBe(2 * matchOracle.nMatched.treated);
    },
  },
  {
    name: 'matchit(...).matchedData()',
    reference: 'MatchIt 4.5.1: match.data(m) — 370 matched rows with weights, subclass, distance',
    dataset: 'lalonde',
    columns: LALONDE.slice(0, 8),
    stochastic: false,
    offers: { tidy: false, summary: false, toJSON: true, inspect: false },
    notesOf: null,
    run: (data, col) => matchCall(data, col).matchedData(),
    check: (md) => {
      expect(md.nrow).toBe(matchOracle.att.nobs);
      for (const name of ['weights', 'subclass', 'distance']) expect(md.has(name), name).toBe(true);
    },
  },
  {
    name: 'matchit(...).balance()',
    reference: 'MatchIt 4.5.1: summary(m)$sum.all / $sum.matched',
    dataset: 'lalonde',
    columns: LALONDE.slice(0, 8),
    stochastic: false,
    offers: { tidy: false, summary: false, toJSON: false, inspect: false },
    notesOf: null,
    run: (data, col) => matchCall(data, col).balance(),
    check: (bal) => {
      const ref = matchOracle.balance.before[0];
      expect(bal.before[0].term).toBe('distance');
      expectClose(bal.before[0].meanTreated, ref['Means Treated'], 1e-9, 'distance mean treated');
      expectClose(bal.before[0].stdMeanDiff, ref['Std. Mean Diff.'], 1e-9, 'distance SMD');
      // Plain data (NA written as null), so it serialises unchanged.
      expect(JSON.parse(JSON.stringify(bal))).toEqual(bal);
    },
  },
  {
    name: 'matchedAtt',
    reference: 'MatchIt 4.5.1 vignette: lm(re78 ~ treat, match.data(m), weights = weights) with vcovCL(cluster = ~subclass)',
    dataset: 'lalonde',
    columns: LALONDE,
    stochastic: false,
    offers: ALL,
    notesOf: null,
    run: (data, col) => matchedAtt(matchCall(data, col), { outcome: col('re78') }),
    check: (res) => {
      expectClose(res.estimate.estimate, matchOracle.att.estimate, 1e-8, 'matched ATT');
      expectClose(res.estimate.stdError, matchOracle.att.stdError, 1e-6, 'matched ATT SE');
      expect(res.nobs).toBe(matchOracle.att.nobs);
      expect(res.tidy()).toEqual([res.estimate]);
      expect(res.toJSON().kind).toBe('matchedAtt');
    },
  },
  {
    name: 'psmDid',
    reference: 'hand-derived: weighted TWFE DiD on a balanced panel = weighted difference in mean changes (unit weights from the matching)',
    dataset: 'base_did',
    columns: ['y', 'id', 'period', 'treat', 'post', 'x1'],
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => psmDid({ data, outcome: col('y'), unit: col('id'), time: col('period'), treat: col('treat'), post: col('post'), covariates: [col('x1')] }),
    check: (res) => {
      const weightOf = new Map<number, number>();
      res.unitIds.forEach((u: number | string, a: number) => weightOf.set(Number(u), res.matching.weights[a]));
      const expected = weightedDid(dataset('base_did'), (u) => weightOf.get(u) ?? 0);
      expectClose(res.att.estimate, expected, 1e-10, 'PSM-DiD ATT');
      expect(res.att.stdError).toBeGreaterThan(0);
    },
  },
  {
    name: 'mediate (bootstrap, seeded)',
    wald: false,
    reference: "mediation 4.5.1: mediate(lm(job_seek ~ treat + econ_hard + sex + age), lm(depress2 ~ treat + job_seek + econ_hard + sex + age), boot = TRUE) — linear models: ACME = a·b exactly",
    dataset: 'jobs',
    columns: JOBS,
    stochastic: true,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => mediate({ data, mediatorModel: mediatorModel(col), outcomeModel: outcomeModel(col), treat: col('treat'), mediator: col('job_seek'), boot: true, sims: 50, seed: 3 }),
    check: (res) => {
      expectClose(res.acme.average.estimate, sobel.ab, 1e-10, 'ACME = a·b');
      expectClose(res.ade.average.estimate, sobel.c, 1e-10, 'ADE = c');
      expectClose(res.total.estimate, sobel.total, 1e-10, 'total = c + a·b');
    },
  },
  {
    name: 'mediate (quasi-Bayesian, seeded)',
    wald: false,
    reference: 'mediation 4.5.1: mediate(..., boot = FALSE, sims = 1000) — draws centred on a·b (Monte Carlo)',
    dataset: 'jobs',
    columns: JOBS,
    stochastic: true,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => mediate({ data, mediatorModel: mediatorModel(col), outcomeModel: outcomeModel(col), treat: col('treat'), mediator: col('job_seek'), sims: 200, seed: 5 }),
    check: (res) => {
      // Mean of 200 draws of a·b: within ~3 Monte Carlo SEs (0.0125/√200 ≈ 9e-4) of a·b.
      expectClose(res.acme.average.estimate, sobel.ab, 0, 'ACME ≈ a·b', { absTol: 3e-3 });
      expect(res.acme.average.confLow).toBeLessThan(res.acme.average.confHigh);
    },
  },
  {
    name: 'mediateMany',
    wald: false,
    reference: 'mediation 4.5.1: mediate() per mediator (job_seek, job_disc), boot = TRUE, same seed — ACME of job_seek = a·b',
    dataset: 'jobs',
    columns: JOBS,
    stochastic: true,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) =>
      mediateMany({
        data,
        treat: col('treat'),
        mediators: [col('job_seek'), col('job_disc')],
        mediatorModel: `{mediator} ~ ${fq(col, 'treat')} + ${fq(col, 'econ_hard')} + ${fq(col, 'sex')} + ${fq(col, 'age')}`,
        outcomeModel: `${fq(col, 'depress2')} ~ ${fq(col, 'treat')} + {mediator} + ${fq(col, 'econ_hard')} + ${fq(col, 'sex')} + ${fq(col, 'age')}`,
        boot: true,
        sims: 30,
        seed: 1,
      }),
    check: (res) => {
      const first = [...res.results.values()][0];
      expectClose(first.acme.average.estimate, sobel.ab, 1e-10, 'job_seek ACME = a·b');
      expect(res.results.size).toBe(2);
    },
  },
  {
    name: 'medsens',
    reference: "mediation 4.5.1: medsens(mediate(...), rho.by = 0.1, effect.type = 'indirect')",
    dataset: 'jobs',
    columns: JOBS,
    stochastic: true,
    offers: ALL,
    notesOf: null,
    run: (data, col) =>
      medsens(mediate({ data, mediatorModel: mediatorModel(col), outcomeModel: outcomeModel(col), treat: col('treat'), mediator: col('job_seek'), boot: true, sims: 20, seed: 2 }), {
        rhoBy: 0.1,
      }),
    check: (res) => {
      expectClose(res.rhoAtZero, medsensOracle.rhoAtZero, 1e-12, 'rho at zero');
      expectClose(res.r2TildeAtZero, medsensOracle.R2tildeProdAtZero, 1e-8, 'R2tilde at zero');
      (medsensOracle.acme as number[][]).forEach((a, i) => expectClose(res.acme[i], a[0]!, 1e-9, `ACME(rho[${i}])`));
    },
  },
  {
    name: 'productOfCoefficients',
    reference: "lavaan 0.6-14: sem('job_seek ~ a*treat + ...; depress2 ~ b*job_seek + c*treat + ...; ab := a*b') (variance 'ml')",
    dataset: 'jobs',
    columns: JOBS,
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) =>
      productOfCoefficients({ data, mediatorModel: mediatorModel(col), outcomeModel: outcomeModel(col), treat: col('treat'), mediator: col('job_seek'), variance: 'ml' }),
    check: (res) => {
      expectClose(res.indirect.estimate, lavaan.ab.estimate, 1e-10, 'a·b');
      expectClose(res.indirect.stdError, lavaan.ab.stdError, 1e-6, 'Sobel SE (ML)');
      expectClose(res.total.estimate, lavaan.total.estimate, 1e-10, 'total');
    },
  },
  {
    // Estimates at 3e-7: didimputation's own error (fixest's fixef.tol), see didImputation.didimputation.test.ts.
    name: 'didImputation (horizons)',
    reference: "didimputation 0.5.0: did_imputation(mpdta, yname = 'lemp', gname = 'first.treat', tname = 'year', idname = 'countyreal', horizon = TRUE)",
    dataset: 'mpdta',
    columns: ['lemp', 'countyreal', 'year', 'first.treat'],
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) => didImputation({ data, outcome: col('lemp'), unit: col('countyreal'), time: col('year'), cohort: col('first.treat'), horizons: true }),
    check: (res) => expectEstimatesMatch(res.rows, bjsOracle.rows, { estimate: 3e-7, stdError: 1e-6 }, { ordered: true }),
  },
  {
    // Estimate at 3e-7 (the reference's fixef.tol error), p at 3e-6 (its propagation): did2s.did2s.test.ts.
    name: 'did2s (static)',
    reference: "did2s 1.2.0: did2s(mpdta, yname = 'lemp', first_stage = ~ 0 | countyreal + year, second_stage = ~ i(treat_post, ref = FALSE), treatment = 'treat_post', cluster_var = 'countyreal')",
    dataset: 'mpdta',
    columns: ['lemp', 'countyreal', 'year', 'treat_post'],
    stochastic: false,
    offers: ALL,
    notesOf: (result) => result.notes,
    run: (data, col) =>
      did2s({ data, outcome: col('lemp'), firstStage: `~ 0 | ${fq(col, 'countyreal')} + ${fq(col, 'year')}`, secondStage: `~ i(${fq(col, 'treat_post')}, ref = 0)`, treatment: col('treat_post'), clusters: col('countyreal') }),
    check: (res) => {
      const ref = did2sOracle.coefficients[0];
      expectClose(res.rows[0].estimate, ref.estimate, 3e-7, 'did2s estimate');
      expectClose(res.rows[0].stdError, ref.stdError, 1e-6, 'did2s SE');
      expectClose(res.rows[0].pValue, ref.pValue, 3e-6, 'did2s p');
    },
  },
  {
    name: 'baconDecomposition',
    reference: "bacondecomp 0.1.1: bacon(lemp ~ treat_post, mpdta, id_var = 'countyreal', time_var = 'year')",
    dataset: 'mpdta',
    columns: ['lemp', 'countyreal', 'year', 'treat_post'],
    stochastic: false,
    // tidy() rows are 2×2 estimates without SEs (NaN inference), not Wald rows.
    wald: false,
    offers: ALL,
    // A dropped row unbalances the panel, which the decomposition refuses (unbalanced_panel, as
    // bacondecomp stops on NA): bacon.contract.errors.test.ts checks it.
    notesOf: null,
    run: (data, col) => baconDecomposition({ data, outcome: col('lemp'), unit: col('countyreal'), time: col('year'), treat: col('treat_post') }),
    check: (res) => {
      expectClose(res.twfeCoefficient, baconOracle.twfeCoefficient, 1e-8, 'TWFE');
      expectClose(res.weightedSum, baconOracle.weightedSum, 1e-8, 'weighted sum');
      const oracleRows = (baconOracle.twoByTwos as { treated: number; untreated: number; estimate: number; weight: number }[]).map((r) => ({ ...r, untreated: r.untreated === 99999 ? Infinity : r.untreated }));
      expectEstimatesMatch(res.comparisons, oracleRows, { estimate: 1e-8, weight: 1e-8 }, { by: ['treated', 'untreated'] });
    },
  },
];

/** Renames used by the prototype-pollution checks: dataset column → hostile name. */
export const HOSTILE_NAMES: readonly string[] = ['__proto__', 'constructor', 'toString'];

/** A ColumnMap giving the first three of `columns` hostile names (others unchanged). */
export function hostileMap(columns: readonly string[]): ColumnMap {
  const map = new Map<string, string>();
  columns.slice(0, HOSTILE_NAMES.length).forEach((c, i) => map.set(c, HOSTILE_NAMES[i]!));
  return (name) => map.get(name) ?? name;
}
