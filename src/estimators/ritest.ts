/**
 * Randomization inference (Fisher's exact test by permutation), as Stata's `ritest` (Heß 2017,
 * "Randomization inference with Stata", Stata Journal 17(3)): the treatment assignment is
 * permuted across clusters — each cluster's whole assignment moves as a block, so a cluster
 * keeps its own rows and outcomes while receiving another cluster's treatment (and, with `time`,
 * its treatment path period by period) — optionally within strata, and any statistic is
 * recomputed on every permuted data set. p = #{T* at least as extreme as T} / reps (ritest's
 * count, ties — within 1e-9 relative — counted as extreme), with its binomial standard error.
 *
 * Dimension symbols: n = rows, G = clusters.
 */
import { CausalPanelError, type Note } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { opt, readOptions } from '../options.js';
import type { Column, Frame } from '../data/frame.js';
import { toFrame, type DataInput } from '../data/fromInput.js';
import { factor } from '../data/factor.js';
import { createRng } from '../numerics/random.js';
import { normalQuantile } from '../numerics/distributions.js';
import { Result, type SummaryParts } from '../report/result.js';

/**
 * Options of {@link ritest}.
 *
 * @example
 * const options: RitestOptions = { statistic: (d) => feols('y ~ treat:post | id + period', d).coef()['treat:post']!, permute: 'treat', cluster: 'id', reps: 999, seed: 1 };
 */
export interface RitestOptions {
  /** The statistic, computed on the data and on every permuted copy of it. */
  statistic: (data: Frame) => number;
  /** Column(s) holding the assignment (treatment, cohort): constant within cluster, or per period with `time`. */
  permute: string | readonly string[];
  /** Column of the units of assignment (ritest `cluster()`); default: every row is its own unit. */
  cluster?: string;
  /** With `time`, each cluster receives another cluster's assignment path: the donor's value in the same period. */
  time?: string;
  /** Column constant within cluster: permutations stay within its levels (ritest `strata()`). */
  strata?: string;
  /** Permutations (default 1000). */
  reps?: number;
  /** Seed (default 1). */
  seed?: number;
  /** 'two-sided' (|T*| ≥ |T|, default), 'greater' (T* ≥ T), 'less' (T* ≤ T) — ritest's `right`/`left`. */
  alternative?: 'two-sided' | 'greater' | 'less';
  /** Level of the interval for p (default 0.95). */
  level?: number;
}

const RITEST_OPTIONS = {
  statistic: opt.custom((value, at) => {
    if (typeof value !== 'function') throw new CausalPanelError('invalid_option', `${at.fn}: option "statistic" must be a function of the data returning a number (got ${typeof value})`, { fn: at.fn, option: 'statistic' });
    return value as (data: Frame) => number;
  }),
  permute: opt.custom((value, at) => {
    if (typeof value === 'string') return [value] as readonly string[];
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as readonly string[];
    throw new CausalPanelError('invalid_option', `${at.fn}: option "permute" must be a column name or an array of them (got ${JSON.stringify(value)})`, { fn: at.fn, option: 'permute', value });
  }),
  cluster: opt.column(),
  time: opt.column(),
  strata: opt.column(),
  reps: opt.integer({ min: 1, default: 1000 }),
  seed: opt.seed(),
  alternative: opt.oneOf(['two-sided', 'greater', 'less'] as const, 'two-sided'),
  level: opt.level(),
};

const RITEST_UNSUPPORTED: Readonly<Record<string, string>> = {
  samplingprogram: 'permute columns of the data instead; any other scheme: call the statistic yourself on your own draws',
  fixlevels: 'filter the data to the units whose assignment may move',
  nodots: 'nothing is printed',
  saving: 'the permutation statistics are kept on the result (draws)',
};

/**
 * The result of {@link ritest}.
 *
 * @example
 * const ri = ritest(data, { statistic, permute: 'treat', cluster: 'id', reps: 999 });
 * ri.statistic; ri.pValue; ri.count; ri.draws;
 */
export class RitestResult extends Result {
  readonly kind = 'ritest' as const;
  readonly statistic: number;
  readonly pValue: number;
  /** Permutation statistics at least as extreme as the sample one. */
  readonly count: number;
  /** Permutations with a finite statistic (the denominator). */
  readonly reps: number;
  /** √(p(1 − p)/reps). */
  readonly pValueSe: number;
  readonly alternative: 'two-sided' | 'greater' | 'less';
  readonly level: number;
  readonly nClusters: number;
  /** The statistic of every permutation (NaN where it could not be computed). */
  readonly draws: Float64Array;

  /** @internal use {@link ritest}. */
  constructor(init: { statistic: number; count: number; reps: number; alternative: 'two-sided' | 'greater' | 'less'; level: number; nClusters: number; draws: Float64Array; notes: Note[] }) {
    super(init.notes);
    this.statistic = init.statistic;
    this.count = init.count;
    this.reps = init.reps;
    this.pValue = init.count / init.reps;
    this.pValueSe = Math.sqrt((this.pValue * (1 - this.pValue)) / init.reps);
    this.alternative = init.alternative;
    this.level = init.level;
    this.nClusters = init.nClusters;
    this.draws = init.draws;
  }

  /**
   * One row: the statistic and the randomization p-value (stdError is p's Monte Carlo SE; the
   * interval is p ± z·SE, clipped to [0, 1]).
   *
   * @example ri.tidy()[0].pValue;
   */
  tidy(level: number = this.level): Estimate[] {
    const z = normalQuantile(1 - (1 - level) / 2);
    return [{ term: 'statistic', estimate: this.statistic, stdError: this.pValueSe, statistic: NaN, pValue: this.pValue, confLow: Math.max(0, this.pValue - z * this.pValueSe), confHigh: Math.min(1, this.pValue + z * this.pValueSe) }];
  }

  protected summaryParts(): SummaryParts {
    return {
      title: 'Randomization inference (permutation of the assignment across clusters)',
      meta: [
        ['Clusters', String(this.nClusters)],
        ['Permutations', String(this.reps)],
        ['Alternative', this.alternative],
        ['p = c/n', `${this.count}/${this.reps} = ${this.pValue} (SE ${this.pValueSe.toPrecision(3)})`],
      ],
      rows: [],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return { statistic: this.statistic, pValue: this.pValue, count: this.count, reps: this.reps, pValueSe: this.pValueSe, alternative: this.alternative, level: this.level, nClusters: this.nClusters, draws: Array.from(this.draws) };
  }
}

/** The value of `column` at every row as a key ('' for missing). */
function keyOf(column: Column, i: number): string {
  const v = column[i];
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
}

/**
 * Randomization inference (Stata `ritest`): permutes the assignment columns across clusters
 * (within strata), recomputes `statistic` on each permuted copy of the data (seeded), and
 * returns Fisher's permutation p-value.
 *
 * @throws {CausalPanelError} `invalid_option` (assignment varies within a cluster without `time`,
 *   strata vary within a cluster, the statistic is not finite on the data), `missing_column`,
 *   `unbalanced_panel` (with `time`: a donor cluster lacks a period its receiver has), `unknown_option`
 * @example
 * const ri = ritest(baseDid, { statistic: (d) => feols('y ~ treat:post | id + period', d).coef()['treat:post']!, permute: 'treat', cluster: 'id', reps: 199, seed: 1 });
 * ri.pValue; // 0 (the effect in base_did is large): no permutation beats it
 */
export function ritest(data: DataInput, options: RitestOptions): RitestResult {
  const fn = 'ritest';
  const params = readOptions(fn, options, RITEST_OPTIONS, { unsupported: RITEST_UNSUPPORTED });
  const frame = toFrame(data, fn);
  const n = frame.nrow;
  const columns = params.permute.map((name) => ({ name, values: frame.column(name, fn) }));
  const clusterCodes = params.cluster === undefined ? Int32Array.from({ length: n }, (_, i) => i) : factor(frame.column(params.cluster, fn), { order: 'appearance' }).codes;
  if (clusterCodes.includes(-1)) {
    const row = clusterCodes.indexOf(-1);
    throw new CausalPanelError('invalid_option', `${fn}: cluster column "${params.cluster}" is missing at row ${row + 1}`, { fn, column: params.cluster, row });
  }
  const G = clusterCodes.reduce((m, c) => Math.max(m, c + 1), 0);
  const timeKeys = params.time === undefined ? null : (() => {
    const t = frame.column(params.time!, fn);
    return Array.from({ length: n }, (_, i) => keyOf(t, i));
  })();
  // First row of each cluster, and with `time` the row of each (cluster, period).
  const firstRow = new Int32Array(G).fill(-1);
  const rowAt = timeKeys === null ? null : Array.from({ length: G }, () => new Map<string, number>());
  for (let i = 0; i < n; i++) {
    const g = clusterCodes[i]!;
    if (firstRow[g]! < 0) firstRow[g] = i;
    if (rowAt !== null) rowAt[g]!.set(timeKeys![i]!, i);
  }
  const constantWithin = (name: string, column: Column): void => {
    for (let i = 0; i < n; i++) {
      if (keyOf(column, i) !== keyOf(column, firstRow[clusterCodes[i]!]!)) {
        throw new CausalPanelError('invalid_option', `${fn}: "${name}" varies within cluster "${keyOf(frame.column(params.cluster ?? name, fn), i)}" (row ${i + 1}); permute a cluster-level column (treatment group, cohort) or pass time to move whole treatment paths`, { fn, column: name, row: i });
      }
    }
  };
  if (timeKeys === null) for (const c of columns) constantWithin(c.name, c.values);
  // Strata: clusters grouped by their stratum.
  const strata = new Map<string, number[]>();
  if (params.strata !== undefined) {
    const s = frame.column(params.strata, fn);
    constantWithin(params.strata, s);
    for (let g = 0; g < G; g++) {
      const key = keyOf(s, firstRow[g]!);
      if (!strata.has(key)) strata.set(key, []);
      strata.get(key)!.push(g);
    }
  } else strata.set('', Array.from({ length: G }, (_, g) => g));

  const observed = params.statistic(frame);
  if (typeof observed !== 'number' || !Number.isFinite(observed)) {
    throw new CausalPanelError('invalid_option', `${fn}: the statistic on the data must be a finite number (got ${String(observed)})`, { fn, option: 'statistic', value: observed });
  }
  // Ties count as extreme (ritest's ≥); "tie" is within 1e-9 relative, so that a permutation that
  // reproduces the statistic through another order of sums still counts.
  const tie = 1e-9 * Math.abs(observed);
  const rng = createRng(params.seed ?? 1);
  const donor = new Int32Array(G);
  const draws = new Float64Array(params.reps);
  let count = 0;
  let valid = 0;
  for (let b = 0; b < params.reps; b++) {
    // Fisher–Yates within each stratum: cluster g receives the assignment of donor[g].
    for (const members of strata.values()) {
      const order = [...members];
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      members.forEach((g, i) => (donor[g] = order[i]!));
    }
    const permuted: Record<string, Column> = Object.create(null);
    for (const { name, values } of columns) {
      const out: Column = values instanceof Float64Array ? new Float64Array(n) : new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const d = donor[clusterCodes[i]!]!;
        let source: number;
        if (rowAt === null) source = firstRow[d]!;
        else {
          const found = rowAt[d]!.get(timeKeys![i]!);
          if (found === undefined) {
            throw new CausalPanelError('unbalanced_panel', `${fn}: cluster of row ${firstRow[d]! + 1} has no period "${timeKeys![i]!}" to give to row ${i + 1}; treatment paths move only between clusters observed in the same periods`, { fn, column: params.time, row: i });
          }
          source = found;
        }
        (out as (number | string | null)[])[i] = values[source]!;
      }
      permuted[name] = out;
    }
    const value = params.statistic(frame.withColumns(permuted));
    draws[b] = typeof value === 'number' ? value : NaN;
    if (!Number.isFinite(draws[b]!)) continue;
    valid++;
    const t = draws[b]!;
    if (params.alternative === 'two-sided' ? Math.abs(t) >= Math.abs(observed) - tie : params.alternative === 'greater' ? t >= observed - tie : t <= observed + tie) count++;
  }
  const notes: Note[] = [];
  if (valid < params.reps) notes.push({ code: 'resamples_skipped', count: params.reps - valid, reason: 'the statistic was not a finite number on the permuted data' });
  if (valid === 0) throw new CausalPanelError('invalid_option', `${fn}: the statistic was not finite on any permuted data set (${params.reps} permutations)`, { fn, option: 'statistic' });
  return new RitestResult({ statistic: observed, count, reps: valid, alternative: params.alternative, level: params.level, nClusters: G, draws, notes });
}
