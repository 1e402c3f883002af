/**
 * The random-effects terms of a mixed model on the rows used (lme4's `mkReTrms`): for each
 * expanded bar, the grouping factor (levels in R's sorted order; `a:b` as R's interaction factor,
 * first factor varying slowest, unused combinations dropped), the per-observation model matrix of
 * its left side, and where its coefficients and θ sit. Terms are ordered as lme4 orders them:
 * stably by decreasing number of levels, only when they are not already in that order
 * (`rev(order(nl))`, which reverses ties — lme4's own quirk, kept so θ comes in lme4's order).
 *
 * Reference: lme4 1.1-31, R/utilities.R (mkReTrms, mkBlist).
 */
import { CausalPanelError } from '../../errors.js';
import { factor, type Factor } from '../../data/factor.js';
import type { Frame } from '../../data/frame.js';
import { buildDesign, type DesignInfo } from '../formula/design.js';
import type { RandomBar } from './bars.js';

/**
 * One random-effects term: Zₖ is n × (levels · p), with p columns per level.
 *
 * @example
 * // (1 + cses | School) on hsb
 * term.groupLabel; // 'School'; term.columns: ['(Intercept)', 'cses']; term.p: 2; term.nLevels: 160
 */
export interface ReTerm {
  /** lme4's grouping-factor name (`School`, `Minority:Sex`). */
  readonly groupLabel: string;
  /** Name in the variance components (`School`, and `School.1` for a second term on School, as `make.unique`). */
  readonly name: string;
  /** The grouping columns. */
  readonly groupColumns: readonly string[];
  /** Names of the term's columns (`(Intercept)`, `cses`). */
  readonly columns: readonly string[];
  readonly p: number;
  readonly nLevels: number;
  readonly levels: readonly string[];
  /** Level of each observation (0-based). */
  readonly codes: Int32Array;
  /** n × p, column-major: the left side's model matrix. */
  readonly Z: Float64Array;
  /** First random-effect index of the term in u (lme4's order: level-major, p per level). */
  readonly offset: number;
  /** First θ of the term. */
  readonly thetaOffset: number;
  /** The left side's design (to rebuild Z on new data). */
  readonly info: DesignInfo;
  /** Level coding of the grouping columns (to code new data). */
  readonly groupFactors: readonly Factor[];
  /** Code of each combination of the grouping columns' level codes (for `a:b`). */
  readonly comboIndex: ReadonlyMap<number, number>;
}

/** Interaction of grouping columns as R's `factor(a:b)`: present combinations, first column slowest. */
function groupingFactor(frame: Frame, columns: readonly string[], fn: string): { codes: Int32Array; levels: string[]; factors: Factor[]; comboIndex: Map<number, number> } {
  const factors = columns.map((name) => factor(frame.column(name, fn)));
  const n = frame.nrow;
  if (factors.length === 1) {
    // One column: its factor is the grouping factor (levels already those present, in R's order).
    const only = factors[0]!;
    const comboIndex = new Map<number, number>();
    only.levels.forEach((_, j) => comboIndex.set(j, j));
    return { codes: only.codes, levels: [...only.levels], factors, comboIndex };
  }
  const combo = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (const f of factors) key = key * f.levels.length + f.codes[i]!;
    combo[i] = key;
  }
  const present = [...new Set(combo)].sort((a, b) => a - b);
  const comboIndex = new Map<number, number>();
  present.forEach((key, j) => comboIndex.set(key, j));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = comboIndex.get(combo[i]!)!;
  const levels = present.map((key) => {
    const labels: string[] = [];
    for (let c = factors.length - 1; c >= 0; c--) {
      const size = factors[c]!.levels.length;
      labels.unshift(factors[c]!.levels[key % size]!);
      key = Math.floor(key / size);
    }
    return labels.join(':');
  });
  return { codes, levels, factors, comboIndex };
}

/**
 * Builds the random-effects terms on `frame` (the rows the fixed design kept, already complete).
 *
 * @throws {CausalPanelError} `too_few_clusters` (a grouping factor with one level: lme4's
 *   "grouping factors must have > 1 sampled level"), `singular_design` (as many levels as
 *   observations, or as many random effects as observations — lme4's check.nobs.vs.nlev and
 *   check.nobs.vs.nRE — or a random slope on a column that is constant, beside an intercept)
 * @example
 * const terms = buildReTerms(splitBars('y ~ x + (1 | g)', 'lmm').bars, frame, 'lmm');
 * terms[0].nLevels; // levels of g
 */
export function buildReTerms(bars: readonly RandomBar[], frame: Frame, fn: string): ReTerm[] {
  const n = frame.nrow;
  const raw = bars.map((bar) => {
    const design = buildDesign(bar.spec, frame, { fn });
    if (design.n !== n) {
      throw new CausalPanelError('no_rows_left', `${fn}: the random-effect term (${bar.lhs} | ${bar.groupLabel}) is missing on some rows (${n - design.n} rows)`, { fn, value: bar.lhs });
    }
    if (design.k === 0) throw new CausalPanelError('formula_syntax', `${fn}: the random-effect term (${bar.lhs} | ${bar.groupLabel}) has no columns`, { fn, value: bar.lhs });
    const group = groupingFactor(frame, bar.group, fn);
    const nLevels = group.levels.length;
    if (nLevels < 2) {
      throw new CausalPanelError('too_few_clusters', `${fn}: grouping factor "${bar.groupLabel}" must have more than one level (found ${nLevels})`, { fn, column: bar.group[0], value: nLevels });
    }
    if (nLevels >= n) {
      throw new CausalPanelError('singular_design', `${fn}: grouping factor "${bar.groupLabel}" has as many levels as observations (${nLevels}): its variance is not identified from the residual variance`, { fn, column: bar.group[0], value: nLevels });
    }
    if (design.hasIntercept) {
      for (let j = 0; j < design.k; j++) {
        if (design.terms[j] === '(Intercept)') continue;
        const column = design.X.subarray(j * n, (j + 1) * n);
        if (column.every((v) => v === column[0])) {
          throw new CausalPanelError('singular_design', `${fn}: random slope "${design.terms[j]}" in (${bar.lhs} | ${bar.groupLabel}) is constant (${column[0]}), so it duplicates the random intercept`, { fn, column: design.terms[j], value: column[0] });
        }
      }
    }
    return { bar, design, group, nLevels };
  });
  // lme4: reorder only when the levels are not already non-increasing, by rev(order(nl)).
  let order = raw.map((_, i) => i);
  const nl = raw.map((r) => r.nLevels);
  if (nl.some((v, i) => i > 0 && v > nl[i - 1]!)) {
    order = order.sort((a, b) => nl[a]! - nl[b]! || a - b).reverse();
  }
  const used = new Map<string, number>();
  let offset = 0;
  let thetaOffset = 0;
  const terms: ReTerm[] = order.map((i) => {
    const { bar, design, group, nLevels } = raw[i]!;
    const seen = used.get(bar.groupLabel) ?? 0;
    used.set(bar.groupLabel, seen + 1);
    const p = design.k;
    const term: ReTerm = {
      groupLabel: bar.groupLabel,
      name: seen === 0 ? bar.groupLabel : `${bar.groupLabel}.${seen}`,
      groupColumns: bar.group,
      columns: design.terms,
      p,
      nLevels,
      levels: group.levels,
      codes: group.codes,
      Z: design.X,
      offset,
      thetaOffset,
      info: design.info,
      groupFactors: group.factors,
      comboIndex: group.comboIndex,
    };
    offset += nLevels * p;
    thetaOffset += (p * (p + 1)) / 2;
    return term;
  });
  if (offset >= n) {
    throw new CausalPanelError('singular_design', `${fn}: ${offset} random effects for ${n} observations: the random-effects parameters and the residual variance are probably unidentifiable`, { fn, value: offset });
  }
  return terms;
}

/**
 * The relative covariance factor Tₖ (p × p lower triangular, column-major) of a term from θ, filled
 * column by column as lme4's `Lind` (θ order: T₁₁, T₂₁, …, T₂₂, …).
 *
 * @example
 * termFactor(Float64Array.of(0.25, 0.025, 0.136), 0, 2); // [0.25, 0.025, 0, 0.136]
 */
export function termFactor(theta: ArrayLike<number>, thetaOffset: number, p: number): Float64Array {
  const T = new Float64Array(p * p);
  let t = thetaOffset;
  for (let j = 0; j < p; j++) for (let i = j; i < p; i++) T[i + j * p] = theta[t++]!;
  return T;
}

/**
 * Lower bounds of θ (0 on diagonals of the Tₖ, −∞ elsewhere) and lme4's start (diagonals 1).
 *
 * @example
 * thetaBounds(terms); // { lower: [0, -Infinity, 0], start: [1, 0, 1], names: ['School.(Intercept)', 'School.cses.(Intercept)', 'School.cses'] }
 */
export function thetaBounds(terms: readonly ReTerm[]): { lower: number[]; start: number[]; names: string[] } {
  const lower: number[] = [];
  const start: number[] = [];
  const names: string[] = [];
  for (const term of terms) {
    for (let j = 0; j < term.p; j++) {
      for (let i = j; i < term.p; i++) {
        lower.push(i === j ? 0 : -Infinity);
        start.push(i === j ? 1 : 0);
        names.push(i === j ? `${term.groupLabel}.${term.columns[i]}` : `${term.groupLabel}.${term.columns[i]}.${term.columns[j]}`);
      }
    }
  }
  return { lower, start, names };
}
