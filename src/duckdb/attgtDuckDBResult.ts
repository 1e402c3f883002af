/**
 * The result of {@link attgtDuckDB}: `attgt()`'s rows (kind `'attgt'`, the same `AttgtRow`s and
 * `tidy()`), and `aggregate(type)` returning did's `aggte` as the same `AttgtAggregate` the
 * in-memory fit returns — its SEs from the cells' per-cohort influence functions with did's
 * weight influence function (`aggregateInfluence.ts`), and no unit-level influence matrix.
 */
import { CausalPanelError, type Note } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { pgWeightedMean } from '../estimators/did/aggregateInfluence.js';
import { AttgtAggregate } from '../estimators/did/aggregateResult.js';
import type { AggregationType } from '../estimators/did/aggregate.js';
import type { AttgtRow } from '../estimators/did/attgtResult.js';
import { waldInference } from '../inference/intervals.js';
import { normalQuantile } from '../numerics/distributions.js';
import { invalidOption, opt, readOptions } from '../options.js';
import { Result, type SummaryParts } from '../report/result.js';
import { addScaledInfluence, sumOfSquares, zeroInfluence, type AffineInfluence, type CohortMoments } from './affineInfluence.js';

const SE_ZERO = Math.sqrt(2.220446049250313e-16) * 10;

/**
 * One ATT(g,t) of the pushdown with its SE and per-cohort influence function.
 * @example // the cell behind cs.rows[0]: { group: 3, time: 3, att: 0.81, se: 0.05, post: true, psi: Float64Array(cohorts × (T + 1)) }
 */
export interface PushdownCell {
  group: number;
  time: number;
  att: number;
  se: number;
  post: boolean;
  psi: AffineInfluence;
}

/** Everything an {@link AttgtDuckDBResult} holds. */
export interface AttgtDuckDBResultInit {
  cells: readonly PushdownCell[];
  cohorts: readonly CohortMoments[];
  periods: readonly number[];
  groups: readonly number[];
  n: number;
  nobs: number;
  level: number;
  params: Readonly<Record<string, unknown>>;
  notes: readonly Note[];
  sql: readonly string[];
}

const pointwise = (level: number): number => normalQuantile(1 - (1 - level) / 2);

/** did's NA for zero SEs. */
const cleanSE = (se: number): number => (se <= SE_ZERO ? NaN : se);

/**
 * Group-time ATTs computed in DuckDB: `rows` (one `AttgtRow` per ATT(g,t), in did's order), `n`,
 * `nobs`, `notes`, `sql`, with `tidy(level?)` and `aggregate(type)`.
 *
 * @example
 * const cs = await attgtDuckDB(connection, { data: 'panel', outcome: 'y', unit: 'id', time: 'year', cohort: 'g' });
 * cs.kind;                       // 'attgt'
 * cs.aggregate('simple').overall; // the same Estimate as attgt({ …, covariates: [] }).aggregate('simple').overall
 */
export class AttgtDuckDBResult extends Result {
  readonly kind = 'attgt';
  readonly rows: readonly AttgtRow[];
  /** Units used (the rows of did's influence matrix). */
  readonly n: number;
  /** Input rows used (units × periods). */
  readonly nobs: number;
  readonly level: number;
  /** The options, read. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The SQL statements that computed the cells, in order (run them on another engine). */
  readonly sql: readonly string[];
  /** Pointwise normal critical value of the rows (analytic SEs). */
  readonly criticalValue: number;
  readonly #init: AttgtDuckDBResultInit;

  /** @internal use `attgtDuckDB()`. */
  constructor(init: AttgtDuckDBResultInit) {
    super(init.notes);
    this.#init = init;
    this.n = init.n;
    this.nobs = init.nobs;
    this.level = init.level;
    this.params = Object.freeze({ ...init.params });
    this.sql = Object.freeze([...init.sql]);
    this.criticalValue = pointwise(init.level);
    this.rows = Object.freeze(this.#cellRows(init.level).map((r) => Object.freeze(r)));
  }

  #cellRows(level: number): AttgtRow[] {
    const critical = pointwise(level);
    return this.#init.cells.map((c) => {
      const w = waldInference(c.att, c.se, { kind: 'normal' }, level);
      return { term: `ATT(${c.group},${c.time})`, estimate: c.att, stdError: c.se, statistic: w.statistic, pValue: w.pValue, confLow: c.att - critical * c.se, confHigh: c.att + critical * c.se, group: c.group, time: c.time, att: c.att, post: c.post };
    });
  }

  /**
   * The rows as {@link Estimate}s at `level`.
   * @example cs.tidy()[0].term; // 'ATT(2004,2004)'
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: 'attgtDuckDB', key: 'level' });
    return this.#cellRows(checked).map(({ term, estimate, stdError, statistic, pValue, confLow, confHigh }) => ({ term, estimate, stdError, statistic, pValue, confLow, confHigh }));
  }

  /**
   * Aggregates the ATT(g,t)s as did's `aggte` (and `attgt().aggregate`): `simple`, `dynamic`,
   * `group` or `calendar`, with `naRm` and `level`; the result's `influence()` is empty (the
   * influence functions stay per cohort).
   *
   * @throws {CausalPanelError} `invalid_option` (unknown type, missing ATT(g,t)s without `naRm`), `unknown_option`
   * @example cs.aggregate('dynamic').rows.map((r) => r.e); // [-4, …, 3]
   */
  aggregate(type: AggregationType, options: { naRm?: boolean; level?: number } = {}): AttgtAggregate {
    const FN = 'aggregate';
    if (!['simple', 'dynamic', 'group', 'calendar'].includes(type)) throw invalidOption({ fn: FN, key: 'type' }, 'one of "simple", "dynamic", "group", "calendar"', type);
    const params = readOptions(FN, options, { naRm: opt.boolean(false), level: opt.level(this.level) }, {
      unsupported: { minE: 'not offered by the pushdown', maxE: 'not offered by the pushdown', balanceE: 'not offered by the pushdown', standardize: 'effect sizes are not computed by the pushdown' },
    });
    const init = this.#init;
    const T = init.periods.length;
    const slots = init.cohorts.length;
    const notes: Note[] = [];
    let cells = init.cells.filter((c) => !Number.isNaN(c.att));
    if (cells.length < init.cells.length) {
      if (!params.naRm) throw new CausalPanelError('invalid_option', `${FN}: ${init.cells.length - cells.length} ATT(g,t) could not be estimated; pass { naRm: true } to drop them`, { fn: FN, option: 'naRm' });
      notes.push({ code: 'missing_estimates_dropped', count: init.cells.length - cells.length });
    }
    if (type === 'group' && params.naRm) {
      const ok = new Set(cells.filter((c) => c.group <= c.time).map((c) => c.group));
      cells = cells.filter((c) => ok.has(c.group));
    }
    if (cells.length === 0) throw new CausalPanelError('invalid_option', `${FN}: no ATT(g,t) available to aggregate`, { fn: FN });
    const glistOrig = type === 'group' || params.naRm ? [...new Set(cells.map((c) => c.group))].sort((a, b) => a - b) : [...init.groups];
    // cohort shares pg = n_g / n and each glist cohort's slot among the cohorts' moments
    const slotOf = new Map<number, number>();
    init.cohorts.forEach((c, s) => slotOf.set(c.cohort, s));
    const pgOf = (g: number): number => init.cohorts[slotOf.get(g)!]!.n / init.n;
    const att = cells.map((c) => c.att);
    const pg = cells.map((c) => pgOf(c.group));
    const all = cells.map((_, k) => k);
    const seOf = (psi: AffineInfluence): number => cleanSE(Math.sqrt(sumOfSquares(psi, init.cohorts, T)) / init.n);

    /** ψ of Σ wₖθₖ (wₖ = pgₖ/Σpg) plus, with `wif`, did's weight influence function (per cohort). */
    const weighted = (which: readonly number[], theta: readonly number[], weights: readonly number[], psis: readonly AffineInfluence[], cohortOf: readonly number[], wif: boolean): AffineInfluence => {
      let spg = 0;
      let sAttPg = 0;
      for (const k of which) {
        spg += weights[k]!;
        sAttPg += theta[k]! * weights[k]!;
      }
      const out = zeroInfluence(slots, T);
      for (const k of which) addScaledInfluence(out, psis[k]!, weights[k]! / spg);
      if (!wif) return out;
      // wif(i) = (a(sᵢ) − Σθpg)/Spg − (m(sᵢ) − Spg)·Σθpg/Spg² (unit weights 1), 0 for cohorts outside glist
      const count = new Map<number, number>();
      const attSum = new Map<number, number>();
      for (const k of which) {
        count.set(cohortOf[k]!, (count.get(cohortOf[k]!) ?? 0) + 1);
        attSum.set(cohortOf[k]!, (attSum.get(cohortOf[k]!) ?? 0) + theta[k]!);
      }
      const inGlist = new Set(glistOrig);
      init.cohorts.forEach((c, s) => {
        const counted = inGlist.has(c.cohort);
        const cSum = (counted ? count.get(c.cohort) ?? 0 : 0) - spg;
        const cAtt = (counted ? attSum.get(c.cohort) ?? 0 : 0) - sAttPg;
        out[s * (T + 1) + T] += cAtt / spg - (cSum * sAttPg) / (spg * spg);
      });
      return out;
    };
    const meanOf = (psis: readonly AffineInfluence[]): AffineInfluence => {
      const out = zeroInfluence(slots, T);
      for (const psi of psis) addScaledInfluence(out, psi, 1 / psis.length);
      return out;
    };
    const cellPsi = cells.map((c) => c.psi);
    const cellGroup = cells.map((c) => c.group);
    const rows: { term: string; e: number; estimate: number; stdError: number }[] = [];
    let overallEst: number;
    let overallPsi: AffineInfluence;
    if (type === 'simple') {
      const keepers = all.filter((k) => cells[k]!.group <= cells[k]!.time);
      if (keepers.length === 0) throw new CausalPanelError('invalid_option', `${FN}: no post-treatment ATT(g,t) to aggregate`, { fn: FN });
      overallEst = pgWeightedMean(att, pg, keepers);
      overallPsi = weighted(keepers, att, pg, cellPsi, cellGroup, true);
    } else if (type === 'dynamic') {
      const eseq = [...new Set(cells.map((c) => c.time - c.group))].sort((a, b) => a - b);
      const attE: number[] = [];
      const psiE: AffineInfluence[] = [];
      for (const e of eseq) {
        const which = all.filter((k) => cells[k]!.time - cells[k]!.group === e);
        const a = pgWeightedMean(att, pg, which);
        const psi = weighted(which, att, pg, cellPsi, cellGroup, true);
        attE.push(a);
        psiE.push(psi);
        rows.push({ term: `event:${e}`, e, estimate: a, stdError: seOf(psi) });
      }
      const post = eseq.map((e, k) => (e >= 0 ? k : -1)).filter((k) => k >= 0);
      let s = 0;
      for (const k of post) s += attE[k]!;
      overallEst = post.length > 0 ? s / post.length : NaN;
      overallPsi = meanOf(post.map((k) => psiE[k]!));
    } else if (type === 'group') {
      const attG: number[] = [];
      const psiG: AffineInfluence[] = [];
      for (const g of glistOrig) {
        const which = all.filter((k) => cells[k]!.group === g && g <= cells[k]!.time);
        let s = 0;
        for (const k of which) s += att[k]!;
        const a = which.length > 0 ? s / which.length : NaN;
        const psi = weighted(which, att, pg, cellPsi, cellGroup, false);
        attG.push(a);
        psiG.push(psi);
        rows.push({ term: `group:${g}`, e: g, estimate: a, stdError: which.length > 0 ? seOf(psi) : NaN });
      }
      const idx = glistOrig.map((_, k) => k);
      const pgg = glistOrig.map(pgOf);
      overallEst = pgWeightedMean(attG, pgg, idx);
      overallPsi = weighted(idx, attG, pgg, psiG, glistOrig, true);
    } else {
      const minG = Math.min(...cellGroup);
      const times = [...new Set(cells.map((c) => c.time))].filter((t) => t >= minG && cells.some((c) => c.time === t && c.group <= t));
      if (times.length === 0) throw new CausalPanelError('invalid_option', `${FN}: no calendar period has a post-treatment ATT(g,t)`, { fn: FN });
      const attT: number[] = [];
      const psiT: AffineInfluence[] = [];
      for (const t of times) {
        const which = all.filter((k) => cells[k]!.time === t && cells[k]!.group <= t);
        const a = pgWeightedMean(att, pg, which);
        const psi = weighted(which, att, pg, cellPsi, cellGroup, true);
        attT.push(a);
        psiT.push(psi);
        rows.push({ term: `time:${t}`, e: t, estimate: a, stdError: seOf(psi) });
      }
      let s = 0;
      for (const a of attT) s += a;
      overallEst = s / attT.length;
      overallPsi = meanOf(psiT);
    }
    let treated = 0;
    for (const c of init.cohorts) if (Number.isFinite(c.cohort)) treated += c.n;
    return new AttgtAggregate({
      type,
      overall: { estimate: overallEst, stdError: Number.isNaN(overallEst) ? NaN : seOf(overallPsi) },
      rows,
      rowInfluence: new Float64Array(0),
      overallInfluence: new Float64Array(0),
      n: init.n,
      nobs: init.nobs,
      level: params.level,
      inference: { se: () => NaN, critical: (_psi, _q, level) => pointwise(level) },
      notes: [...notes, { code: 'design_adjusted', message: 'aggregated from the DuckDB pushdown cells: influence() is empty (the influence functions stay per cohort)' }],
      standardize: { standardize: 'control-baseline', sd: NaN, n: 0 },
      sampleSizes: { treated, control: init.n - treated, clusters: NaN },
    });
  }

  protected override statisticLabel(): 'z value' {
    return 'z value';
  }

  protected summaryParts(): SummaryParts {
    return {
      title: `Group-time average treatment effects (Callaway & Sant'Anna 2021), control: ${this.params.control === 'never' ? 'never treated' : 'not yet treated'}, computed in DuckDB`,
      meta: [
        ['Observations', String(this.nobs)],
        ['Units', String(this.n)],
        ['Standard errors', 'analytic (influence function)'],
      ],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return { params: this.params, rows: this.rows, criticalValue: this.criticalValue, nobs: this.nobs, n: this.n, sql: this.sql };
  }
}
