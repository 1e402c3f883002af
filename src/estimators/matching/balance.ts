/**
 * Covariate balance before and after matching, as MatchIt 4.5.1's `summary.matchit()` with its
 * defaults (`standardize = TRUE`, estimand ATT, no sampling weights).
 *
 * Per covariate (`bal1var`, MatchIt `R/match.qoi.R`):
 * - means: weighted means in each group (matching weights after matching, 1 before);
 * - Std. Mean Diff.: (mean₁ − mean₀) / SD of the *treated* units in the *full, unweighted* sample
 *   (`sqrt(wvar(x[treated]))`). Binary covariates are standardized too, with SD √(p(1 − p))
 *   (MatchIt's `wvar` for binary variables); when the SD is < √ε the pooled within-group SD is
 *   used; when |mean difference| ≤ √ε the raw difference is reported;
 * - Var. Ratio: weighted variance ratio treated / control (reliability-weights variance, as
 *   `cov.wt`); null for binary covariates;
 * - eCDF Mean / Max: mean and max over distinct values of |F̂₁(x) − F̂₀(x)| with group-normalized
 *   weights (`qqsum(standardize = TRUE)`); |mean difference| for binary covariates;
 * - Std. Pair Dist.: mean |x_treated − x_matched control| over all matched pairs, divided by the
 *   same SD (after matching only, when a match matrix exists).
 *
 * Covariates are MatchIt's `X`: the variables of the formula's right side (not interaction
 * terms), numeric as they are, text / `factor()` expanded to one 0/1 column per level (all
 * levels, named `<variable><level>`, e.g. `raceblack`).
 *
 * Sums use Neumaier compensation (R accumulates in long double).
 */
import { CausalPanelError } from '../../errors.js';
import { factor } from '../../data/factor.js';
import type { Frame } from '../../data/frame.js';
import { evaluate, type FormulaSpec } from '../../models/formula/parse.js';
import { stableOrder } from './stableOrder.js';
import { neumaierSum } from '../../numerics/sum.js';
import type { MatchMatrix } from './matchMatrix.js';

/**
 * One row of a balance table (MatchIt's `summary()` columns in camelCase; null = NA).
 *
 * @example
 * m.balance().before[1];
 * // { term: 'age', meanTreated: 25.8162, meanControl: 28.0303, stdMeanDiff: -0.3094, varRatio: 0.44,
 * //   ecdfMean: 0.0813, ecdfMax: 0.1577, stdPairDist: null } (MatchIt 4.5.1 summary(m)$sum.all, lalonde)
 */
export interface BalanceRow {
  term: string;
  meanTreated: number;
  meanControl: number;
  stdMeanDiff: number | null;
  varRatio: number | null;
  ecdfMean: number | null;
  ecdfMax: number | null;
  /** Mean absolute within-pair difference / SD (after matching; null before). */
  stdPairDist: number | null;
}

/**
 * A named covariate column for balance.
 *
 * @example
 * const covariate: BalanceCovariate = { name: 'raceblack', values: Float64Array.of(1, 0, 0) };
 */
export interface BalanceCovariate {
  name: string;
  values: Float64Array;
}

/** √ε (R: `sqrt(.Machine$double.eps)`). */
const SQRT_EPS = Math.sqrt(Number.EPSILON);

/**
 * MatchIt's covariate columns for `summary()`: the formula's right-side variables, factors
 * expanded to one dummy per level.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `invalid_option` (fixest `i()` terms)
 * @example
 * balanceCovariates(parseFormula('treat ~ age + race'), frame).map((c) => c.name);
 * // ['age', 'raceblack', 'racehispan', 'racewhite']
 */
export function balanceCovariates(spec: FormulaSpec, frame: Frame, fn = 'matchit'): BalanceCovariate[] {
  const out: BalanceCovariate[] = [];
  const n = frame.nrow;
  const addFactor = (label: string, column: Parameters<typeof factor>[0]): void => {
    const coded = factor(column);
    coded.levels.forEach((level, code) => {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = coded.codes[i] === code ? 1 : coded.codes[i] === -1 ? NaN : 0;
      out.push({ name: `${label}${level}`, values });
    });
  };
  for (const variable of spec.variables) {
    switch (variable.kind) {
      case 'column': {
        const column = frame.column(variable.column, fn);
        if (column instanceof Float64Array) out.push({ name: variable.label, values: column });
        else addFactor(variable.label, column);
        break;
      }
      case 'factor':
        addFactor(variable.label, frame.column(variable.column, fn));
        break;
      case 'expr':
        out.push({ name: variable.label, values: evaluate(variable.expr, frame, fn) });
        break;
      case 'i':
        throw new CausalPanelError('invalid_option', `${fn}: i() terms are not allowed in a propensity-score formula (${variable.label})`, { fn, value: variable.label });
    }
  }
  return out;
}

/**
 * Options of {@link balanceTable}.
 *
 * @example
 * balanceTable(covariates, treat, distance, { weights: null });              // before matching
 * balanceTable(covariates, treat, distance, { weights, matches });           // after, with pair distances
 */
export interface BalanceRowOptions {
  /** Matching weights (null = before matching: all 1). */
  weights: Float64Array | null;
  /** Match matrix for the pair distance (after matching). */
  matches?: MatchMatrix | null;
  /**
   * The group whose full-sample SD standardizes mean differences and pair distances (MatchIt's
   * `s.d.denom`: `'treated'` for the ATT, `'control'` for the ATC, `'pooled'` for the ATE:
   * √((s₁² + s₀²)/2), `pooled_sd(contribution = "equal")`). Default `'treated'`.
   */
  sdDenominator?: 'treated' | 'control' | 'pooled';
  /** Subclasses (no match matrix, e.g. exact matching): pair distances over every treated–control pair within a subclass. */
  subclass?: readonly (number | null)[] | null;
}

function weightedMean(x: Float64Array, w: Float64Array | null, rows: Int32Array): number {
  const num = new Float64Array(rows.length);
  const den = new Float64Array(rows.length);
  for (let a = 0; a < rows.length; a++) {
    const i = rows[a]!;
    const wi = w ? w[i]! : 1;
    num[a] = x[i]! * wi;
    den[a] = wi;
  }
  return neumaierSum(num) / neumaierSum(den);
}

/** MatchIt's `wvar`: p(1 − p) for binary, else reliability-weights variance (`cov.wt`). */
function weightedVariance(x: Float64Array, w: Float64Array | null, rows: Int32Array, binary: boolean): number {
  const m = rows.length;
  const wn = new Float64Array(m);
  for (let a = 0; a < m; a++) wn[a] = w ? w[rows[a]!]! : 1;
  const total = neumaierSum(wn);
  const terms = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    wn[a] = wn[a]! / total;
    terms[a] = wn[a]! * x[rows[a]!]!;
  }
  const mean = neumaierSum(terms);
  if (binary) return mean * (1 - mean);
  const squares = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const d = x[rows[a]!]! - mean;
    terms[a] = wn[a]! * d * d;
    squares[a] = wn[a]! * wn[a]!;
  }
  return neumaierSum(terms) / (1 - neumaierSum(squares));
}

/** MatchIt's `pooled_sd` (contribution "proportional", no sampling weights). */
function pooledSd(x: Float64Array, treat: Uint8Array, binary: boolean): number {
  const n = x.length;
  let total = 0;
  for (const group of [0, 1]) {
    const values: number[] = [];
    for (let i = 0; i < n; i++) if (treat[i] === group) values.push(x[i]!);
    const sum = neumaierSum(values);
    if (binary) total += (sum * (1 - sum / values.length)) / n;
    else {
      const mean = sum / values.length;
      total += neumaierSum(values.map((v) => (v - mean) * (v - mean)));
    }
  }
  return Math.sqrt(binary ? total : total / (n - 2));
}

/** MatchIt's `qqsum(standardize = TRUE)`: mean and max |F̂₁ − F̂₀| over distinct values. */
function ecdfStats(x: Float64Array, treat: Uint8Array, w: Float64Array | null): [number, number] {
  const n = x.length;
  const groupTotal = [0, 0];
  for (let i = 0; i < n; i++) groupTotal[treat[i]!] += w ? w[i]! : 1;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a]! - x[b]! || a - b);
  const firstGroup = treat[order[0]!]!;
  let cumulative = 0;
  let sum = 0;
  let max = 0;
  let count = 0;
  for (let p = 0; p < n; p++) {
    const i = order[p]!;
    const wi = (w ? w[i]! : 1) / groupTotal[treat[i]!]!;
    cumulative += treat[i] === firstGroup ? -wi : wi;
    if (p === n - 1 || x[order[p + 1]!]! - x[i]! !== 0) {
      const gap = Math.abs(cumulative);
      sum += gap;
      if (gap > max) max = gap;
      count++;
    }
  }
  return [sum / count, max];
}

/** MatchIt's `pairdistsubC`: running mean of |xᵢ − xⱼ| over treated–control pairs within each subclass (units in subclass order, ties by row). */
function subclassPairDistance(x: Float64Array, treat: Uint8Array, subclass: readonly (number | null)[]): number {
  const rows: number[] = [];
  for (let i = 0; i < subclass.length; i++) if (subclass[i] !== null) rows.push(i);
  const order = stableOrder(Float64Array.from(rows, (i) => subclass[i]!));
  const o = Array.from(order, (k) => rows[k]!);
  let dist = 0;
  let k = 0;
  for (let a = 0; a < o.length; a++) {
    const i = o[a]!;
    for (let b = a + 1; b < o.length; b++) {
      const j = o[b]!;
      if (subclass[j] !== subclass[i]) break;
      if (treat[j] === treat[i]) continue;
      k++;
      dist += (Math.abs(x[j]! - x[i]!) - dist) / k;
    }
  }
  return dist;
}

function pairDistance(x: Float64Array, matches: MatchMatrix): number {
  const { treatedRows, ratio, controls } = matches;
  const diffs: number[] = [];
  for (let t = 0; t < treatedRows.length; t++) {
    for (let c = 0; c < ratio; c++) {
      const unit = controls[t * ratio + c]!;
      if (unit >= 0) diffs.push(Math.abs(x[treatedRows[t]!]! - x[unit]!));
    }
  }
  return neumaierSum(diffs) / diffs.length;
}

const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * One covariate's balance statistics, as MatchIt's `bal1var` (ATT, standardized).
 *
 * @example
 * balanceRow('x', Float64Array.of(1, 2, 3, 4), Uint8Array.of(1, 1, 0, 0), { weights: null });
 * // { term: 'x', meanTreated: 1.5, meanControl: 3.5, stdMeanDiff: -2.828…, varRatio: 1, ecdfMean: 1, ecdfMax: 1, stdPairDist: null }
 */
function balanceRow(term: string, x: Float64Array, treat: Uint8Array, options: BalanceRowOptions): BalanceRow {
  const { weights, matches = null, sdDenominator = 'treated', subclass = null } = options;
  const pairs = matches !== null || subclass !== null;
  const pairDist = (): number => (matches !== null ? pairDistance(x, matches) : subclassPairDistance(x, treat, subclass!));
  const n = x.length;
  let binary = true;
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    if (x[i] !== 0 && x[i] !== 1) binary = false;
    if (treat[i] === 1) n1++;
  }
  const treatedRows = new Int32Array(n1);
  const controlRows = new Int32Array(n - n1);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (treat[i] === 1) treatedRows[a++] = i;
    else controlRows[b++] = i;
  }
  let nonzero1 = 0;
  let nonzero0 = 0;
  for (let i = 0; i < n; i++) {
    if ((weights ? weights[i]! : 1) !== 0) {
      if (treat[i] === 1) nonzero1++;
      else nonzero0++;
    }
  }
  const tooSmall = nonzero1 < 2 && nonzero0 < 2;
  const meanTreated = weightedMean(x, weights, treatedRows);
  const meanControl = weightedMean(x, weights, controlRows);
  const diff = meanTreated - meanControl;
  const after = weights !== null;

  let stdMeanDiff = NaN;
  let stdPairDist = NaN;
  if (Math.abs(diff) > SQRT_EPS) {
    if (!tooSmall) {
      // The SD of the treated (ATT) or control (ATC) group, or both pooled (ATE), in the full sample before matching.
      let sd = sdDenominator === 'pooled'
        ? Math.sqrt((weightedVariance(x, null, treatedRows, binary) + weightedVariance(x, null, controlRows, binary)) / 2)
        : Math.sqrt(weightedVariance(x, null, sdDenominator === 'control' ? controlRows : treatedRows, binary));
      if (!Number.isFinite(sd) || sd < SQRT_EPS) sd = pooledSd(x, treat, binary);
      stdMeanDiff = diff / sd;
      if (after && pairs) {
        const distance = pairDist();
        stdPairDist = Math.abs(distance) > 1e-8 ? distance / sd : distance;
      }
    }
  } else {
    stdMeanDiff = diff;
    if (after && pairs) stdPairDist = pairDist();
  }

  let varRatio = NaN;
  let ecdfMean = NaN;
  let ecdfMax = NaN;
  if (binary) {
    ecdfMean = Math.abs(diff);
    ecdfMax = Math.abs(diff);
  } else if (!tooSmall) {
    varRatio = weightedVariance(x, weights, treatedRows, false) / weightedVariance(x, weights, controlRows, false);
    [ecdfMean, ecdfMax] = ecdfStats(x, treat, weights);
  }
  return {
    term,
    meanTreated,
    meanControl,
    stdMeanDiff: nullIfNaN(stdMeanDiff),
    varRatio: nullIfNaN(varRatio),
    ecdfMean: nullIfNaN(ecdfMean),
    ecdfMax: nullIfNaN(ecdfMax),
    stdPairDist: nullIfNaN(stdPairDist),
  };
}

/**
 * Balance table over the distance and the covariates, as `summary(matchit(...))$sum.all`
 * (`weights = null`) or `$sum.matched` (matching weights and match matrix).
 *
 * @example
 * balanceTable(covariates, treat, distance, { weights: null })[0].term; // 'distance'
 */
export function balanceTable(
  covariates: readonly BalanceCovariate[],
  treat: Uint8Array,
  distance: Float64Array | null,
  options: BalanceRowOptions,
): BalanceRow[] {
  const rows: BalanceRow[] = [];
  if (distance) rows.push(balanceRow('distance', distance, treat, options));
  for (const covariate of covariates) rows.push(balanceRow(covariate.name, covariate.values, treat, options));
  return rows;
}
