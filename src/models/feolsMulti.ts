/**
 * fixest's multiple estimation: several left-hand sides (`c(y1, y2) ~ x`), stepwise right-hand
 * sides (`sw`, `sw0`, `csw`, `csw0`), and samples (`split`, `fsplit`, `subset`) — one `feols`
 * fit per combination, in fixest's order (sample, then left side, then right side), returned as
 * one result that `etable` spreads into columns.
 */
import { CausalPanelError } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { opt, readOptions } from '../options.js';
import { factor } from '../data/factor.js';
import type { Frame } from '../data/frame.js';
import { toFrame, type DataInput } from '../data/fromInput.js';
import { Result, type SummaryParts } from '../report/result.js';
import { expandMultiple } from './formula/multiple.js';
import { feols, type FeolsOptions, type OlsFit } from './feols.js';

/**
 * Options of {@link feolsMulti}: those of `feols`, and the samples.
 *
 * @example
 * const options: FeolsMultiOptions = { split: 'treat', vcov: 'hetero' };
 */
export interface FeolsMultiOptions extends FeolsOptions {
  /** One estimation per value of this column (fixest `split`), in sorted order. */
  split?: string;
  /** As `split`, after the full sample (fixest `fsplit`). */
  fsplit?: string;
  /**
   * Rows to use (fixest `subset`): a boolean or 0/1 value per row, or a function of the data
   * returning them — `(data) => data.numeric('period').map((p) => (p > 2 ? 1 : 0))` for fixest's
   * `subset = ~period > 2` (formula text is never evaluated).
   */
  subset?: ArrayLike<boolean | number> | ((data: Frame) => ArrayLike<boolean | number>);
}

/**
 * What one fit of a multiple estimation was: its sample, left side and right side.
 *
 * @example
 * feolsMulti('y ~ x1 | id', data, { split: 'treat' }).labels[0].sample; // 'treat: 0'
 */
export interface MultiFitLabel {
  /** `'Full sample'`, or `'<column>: <value>'` of `split`/`fsplit`. */
  readonly sample: string;
  readonly lhs: string;
  readonly rhs: string;
  /** The single formula. */
  readonly formula: string;
  /** Rows of the input data in this sample (0-based); `fit.rows` index into them. */
  readonly sampleRows: Int32Array;
}

/**
 * The fits of a multiple estimation (fixest's `fixest_multi`).
 *
 * @example
 * const multi = feolsMulti('y ~ csw(x1, treat:post) | id + period', baseDid);
 * multi.fits.length; // 2
 * etable([multi]); // one column per fit
 */
export class FeolsMulti extends Result {
  readonly kind = 'feolsMulti' as const;
  /** The fits, in fixest's order. */
  readonly fits: readonly OlsFit[];
  /** What each fit is. */
  readonly labels: readonly MultiFitLabel[];

  /** @internal use {@link feolsMulti}. */
  constructor(fits: readonly OlsFit[], labels: readonly MultiFitLabel[]) {
    super([]);
    this.fits = Object.freeze([...fits]);
    this.labels = Object.freeze([...labels]);
  }

  /** Every fit's rows, with `model` (1-based, as etable's columns), `sample`, `lhs` and `rhs`. */
  tidy(level?: number): (Estimate & { model: number; sample: string; lhs: string; rhs: string })[] {
    return this.fits.flatMap((fit, m) => fit.tidy(level).map((row) => ({ ...row, model: m + 1, sample: this.labels[m]!.sample, lhs: this.labels[m]!.lhs, rhs: this.labels[m]!.rhs })));
  }

  protected summaryParts(): SummaryParts {
    return {
      title: `Multiple estimation: ${this.fits.length} models`,
      meta: this.labels.map((label, m) => [`Model ${m + 1}`, `${label.formula}${label.sample === 'Full sample' ? '' : `  (sample: ${label.sample})`}`] as [string, string]),
      tables: this.fits.map((fit, m) => ({ heading: `Model ${m + 1}: ${this.labels[m]!.formula}`, body: fit.summary() })),
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return { models: this.fits.map((fit, m) => ({ ...this.labels[m], sampleRows: undefined, fit: fit.toJSON() })) };
  }
}

const MULTI_OPTIONS = {
  split: opt.column(),
  fsplit: opt.column(),
  subset: opt.custom((value, at) => {
    if (value === undefined || typeof value === 'function') return value as FeolsMultiOptions['subset'];
    if (typeof value === 'object' && value !== null && typeof (value as ArrayLike<unknown>).length === 'number') return value as ArrayLike<boolean | number>;
    throw new CausalPanelError('invalid_option', `${at.fn}: option "subset" must be an array of booleans or 0/1 per row, or a function of the data returning one (got ${typeof value})`, { fn: at.fn, option: 'subset', value });
  }),
};

/**
 * Multiple estimation as fixest: `c(y1, y2)` on the left, `sw()` / `sw0()` / `csw()` / `csw0()` on
 * the right, and `split` / `fsplit` / `subset` samples; every other option goes to each `feols`.
 *
 * @throws {CausalPanelError} `formula_syntax`, `invalid_option` (a `subset` of the wrong length or
 *   type; `split` and `fsplit` together), `no_rows_left` (an empty subset), and feols's errors
 * @example
 * feolsMulti('c(y, x1) ~ treat:post | id + period', baseDid).labels.map((l) => l.lhs); // ['y', 'x1']
 * feolsMulti('y ~ x1 | id + period', baseDid, { split: 'treat' }).labels.map((l) => l.sample); // ['treat: 0', 'treat: 1']
 */
export function feolsMulti(formula: string, data: DataInput, options: FeolsMultiOptions = {}): FeolsMulti {
  const fn = 'feolsMulti';
  const { split, fsplit, subset, ...feolsOptions } = options;
  const params = readOptions(fn, { split, fsplit, subset }, MULTI_OPTIONS);
  if (params.split !== undefined && params.fsplit !== undefined) throw new CausalPanelError('invalid_option', `${fn}: give split or fsplit, not both`, { fn, option: 'fsplit' });
  const frame = toFrame(data, fn);
  let base = Int32Array.from({ length: frame.nrow }, (_, i) => i);
  if (params.subset !== undefined) {
    const flags = typeof params.subset === 'function' ? params.subset(frame) : params.subset;
    if (flags.length !== frame.nrow) throw new CausalPanelError('invalid_option', `${fn}: subset has ${flags.length} values for ${frame.nrow} rows`, { fn, option: 'subset', value: flags.length });
    const keep: number[] = [];
    for (let i = 0; i < frame.nrow; i++) if (flags[i] === true || flags[i] === 1) keep.push(i);
    if (keep.length === 0) throw new CausalPanelError('no_rows_left', `${fn}: subset selects no row`, { fn, option: 'subset' });
    base = Int32Array.from(keep);
  }
  const samples: { label: string; rows: Int32Array }[] = [];
  const splitColumn = params.split ?? params.fsplit;
  if (params.fsplit !== undefined || splitColumn === undefined) samples.push({ label: 'Full sample', rows: base });
  if (splitColumn !== undefined) {
    const coded = factor(frame.column(splitColumn, fn), { rows: base });
    coded.levels.forEach((level, l) => {
      const rows: number[] = [];
      for (let r = 0; r < base.length; r++) if (coded.codes[r] === l) rows.push(base[r]!);
      samples.push({ label: `${splitColumn}: ${level}`, rows: Int32Array.from(rows) });
    });
  }
  const formulas = expandMultiple(formula, fn) ?? [{ formula, lhs: formula.split('~')[0]!.trim(), rhs: formula.split('~')[1]!.split('|')[0]!.trim() }];
  const fits: OlsFit[] = [];
  const labels: MultiFitLabel[] = [];
  for (const sample of samples) {
    const sampleData = sample.rows.length === frame.nrow ? frame : frame.take(Array.from(sample.rows));
    for (const single of formulas) {
      fits.push(feols(single.formula, sampleData, feolsOptions));
      labels.push({ sample: sample.label, lhs: single.lhs, rhs: single.rhs, formula: single.formula, sampleRows: sample.rows });
    }
  }
  return new FeolsMulti(fits, labels);
}
