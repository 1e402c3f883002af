/**
 * Effect sizes in standard-deviation units of the outcome, used by did() and psmDid().
 *
 * An effect θ with standard error s is reported as θ/σ with standard error s/σ, where σ is the
 * sample standard deviation (n − 1 denominator) of the outcome in a reference group:
 * - `'control-baseline'`: control units in pre-treatment periods (Glass's Δ on the baseline, the
 *   usual choice in education evaluations such as the SSP study);
 * - `'pooled'`: every row used in the estimation;
 * - a number: a σ supplied by the caller (e.g. a national norm).
 *
 * σ is treated as a fixed constant, not an estimate: the SE is scaled by the same σ and the
 * statistic and p-value are unchanged. (Ignoring the sampling error of σ understates the SE of
 * θ/σ by a term of order θ²/(2n σ²), negligible for the effect sizes met in practice.)
 *
 * The variance uses Welford's one-pass update (Welford 1962; Knuth TAOCP vol. 2 §4.2.2), which
 * is stable for outcomes with a large mean.
 */
import { CausalPanelError } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { invalidOption, opt, type OptionPath, type Reader } from '../options.js';

/**
 * How to standardize an effect: the reference group for σ, or σ itself.
 *
 * @example
 * const standardize: Standardize = 'pooled'; // or 'control-baseline' (the default), or a σ such as 12.5
 * did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post', standardize }).standardize.sd; // ≈ 5.70686
 */
export type Standardize = 'control-baseline' | 'pooled' | number;

function readStandardize(value: unknown, at: OptionPath): Standardize {
  if (value === undefined) return 'control-baseline';
  if (value === 'control-baseline' || value === 'pooled') return value;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw invalidOption(at, '"control-baseline", "pooled" or a positive finite number', value);
}

/**
 * The reader of the `standardize` option (for `readOptions`): `'control-baseline'` (the
 * default), `'pooled'` or a positive finite number.
 *
 * @example
 * readOptions('did', {}, { standardize: standardizeOption() }).standardize; // 'control-baseline'
 * readOptions('did', { standardize: 'glass' }, { standardize: standardizeOption() });
 * // throws invalid_option: 'did: option "standardize" must be "control-baseline", "pooled" or a positive finite number (got "glass")'
 */
export function standardizeOption(): Reader<Standardize> {
  return opt.custom(readStandardize);
}

/**
 * Sample standard deviation (n − 1) of `values` over the row indices `rows`, optionally restricted
 * to the rows for which `which(row)` is true. Missing values (NaN) are skipped.
 *
 * Returns NaN when fewer than two values remain.
 *
 * @example
 * outcomeSd([1, 2, 3, 4], [0, 1, 2, 3]); // 1.2909944487358056 (R: sd(1:4))
 * outcomeSd([1, 2, 3, 4], [0, 1, 2, 3], (row) => row < 2); // 0.7071067811865476 (R: sd(1:2))
 */
export function outcomeSd(values: ArrayLike<number>, rows: ArrayLike<number>, which?: (row: number) => boolean): number {
  let count = 0;
  let mean = 0;
  let sumSquares = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (which !== undefined && !which(row)) continue;
    const value = values[row]!;
    if (Number.isNaN(value)) continue;
    count += 1;
    const delta = value - mean;
    mean += delta / count;
    sumSquares += delta * (value - mean);
  }
  return count < 2 ? NaN : Math.sqrt(sumSquares / (count - 1));
}

/**
 * An estimate expressed in units of `sd`: estimate, SE and interval divided by `sd`, statistic
 * and p-value unchanged (σ is treated as fixed).
 *
 * @param estimate the effect on the outcome's own scale
 * @param sd the standard deviation to divide by (positive, finite)
 * @param term the term of the result; default `"<term> (SD)"`
 * @throws {CausalPanelError} `invalid_option` when `sd` is not a positive finite number
 * @example
 * const att = { term: 'ATT', estimate: 2, stdError: 0.5, statistic: 4, pValue: 6e-5, confLow: 1, confHigh: 3 };
 * standardizeEstimate(att, 4);
 * // { term: 'ATT (SD)', estimate: 0.5, stdError: 0.125, statistic: 4, pValue: 6e-5, confLow: 0.25, confHigh: 0.75 }
 */
export function standardizeEstimate(estimate: Estimate, sd: number, term = `${estimate.term} (SD)`): Estimate {
  if (typeof sd !== 'number' || !Number.isFinite(sd) || sd <= 0) {
    throw new CausalPanelError('invalid_option', `standardizeEstimate: sd must be a positive finite number (got ${String(sd)})`, {
      fn: 'standardizeEstimate',
      option: 'sd',
      value: sd,
    });
  }
  return {
    term,
    estimate: estimate.estimate / sd,
    stdError: estimate.stdError / sd,
    statistic: estimate.statistic,
    pValue: estimate.pValue,
    confLow: estimate.confLow / sd,
    confHigh: estimate.confHigh / sd,
  };
}

/**
 * The σ used for an effect size and where it came from.
 *
 * @example
 * resolveStandardize('pooled', [1, 2, 3, 4], [0, 1, 2, 3], () => true, 'did'); // { standardize: 'pooled', sd: 1.2909944487358056, n: 4 }
 * did({ data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' }).standardize;
 * // { standardize: 'control-baseline', sd: ≈ 5.04424, n: 265 }
 */
export interface StandardizeBasis {
  /** The option given. */
  standardize: Standardize;
  /** The standard deviation divided by. */
  sd: number;
  /** Number of outcome values σ was computed from (NaN when σ was given). */
  n: number;
}

/**
 * Resolves a {@link Standardize} option to σ: the control-baseline or pooled sample SD of
 * `values` over `rows`, or the number given.
 *
 * @param isControlBaseline row → true for control units in pre-treatment periods
 * @throws {CausalPanelError} `invalid_option` for an unknown option, a non-positive number, or
 *   fewer than two rows in the reference group
 * @example
 * resolveStandardize('pooled', [1, 2, 3, 4], [0, 1, 2, 3], () => true, 'did').sd; // 1.2909944487358056
 */
export function resolveStandardize(
  standardize: Standardize,
  values: ArrayLike<number>,
  rows: ArrayLike<number>,
  isControlBaseline: (row: number) => boolean,
  fn: string,
): StandardizeBasis {
  const checked = readStandardize(standardize, { fn, key: 'standardize' });
  if (typeof checked === 'number') return { standardize: checked, sd: checked, n: NaN };
  const which = checked === 'pooled' ? undefined : isControlBaseline;
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if ((which === undefined || which(row)) && !Number.isNaN(values[row]!)) n += 1;
  }
  const sd = outcomeSd(values, rows, which);
  if (!(sd > 0)) {
    throw new CausalPanelError('invalid_option', `${fn}: cannot standardize by the ${checked} SD of the outcome (${n} rows, SD ${sd})`, {
      fn,
      option: 'standardize',
      value: sd,
    });
  }
  return { standardize: checked, sd, n };
}

/**
 * Rows in units of `sd`, keeping each row's other fields (event time, cohort, …): estimate, SE
 * and interval divided by σ, statistic and p-value kept, term suffixed `" (SD)"`. A σ that could
 * not be computed (NaN) gives NaN effect sizes rather than an error, so that a fit never fails
 * for its effect size.
 *
 * @example
 * standardizeRows([{ term: 'event:0', e: 0, estimate: 2, stdError: 0.5, statistic: 4, pValue: 6e-5, confLow: 1, confHigh: 3 }], 4);
 * // [{ term: 'event:0 (SD)', e: 0, estimate: 0.5, stdError: 0.125, statistic: 4, pValue: 6e-5, confLow: 0.25, confHigh: 0.75 }]
 */
export function standardizeRows<T extends Estimate>(rows: readonly T[], sd: number): T[] {
  return rows.map((row) => {
    if (Number.isNaN(sd)) return { ...row, term: `${row.term} (SD)`, estimate: NaN, stdError: NaN, confLow: NaN, confHigh: NaN };
    return { ...row, ...standardizeEstimate(row, sd) };
  });
}
