/**
 * The one base of every result: a `kind` tag (lower camelCase), typed `notes`, `tidy(level?)`
 * rows in the {@link Estimate} vocabulary, `summary()` through the one renderer
 * ({@link renderSummary}), `toJSON()` through the one NaN → null path ({@link toJsonValue}), and
 * Node's inspect hook (so logging a result in Node prints the summary; nothing node-specific is
 * imported — ml-matrix's way).
 *
 * A subclass stores its numbers and says three things: its rows (`tidy`), the parts of its
 * printed summary (`summaryParts`) and its plain data (`jsonFields`).
 */
import { formatNote, type Note } from '../errors.js';
import { toJsonValue, type Estimate } from '../estimate.js';
import { renderSummary, type SummaryInput } from './summary.js';

/**
 * What a result contributes to its printed summary; rows default to `tidy()`, notes are added.
 *
 * @example
 * // what the fit of feols('y ~ x1 | id + period', baseDid) contributes to fit.summary():
 * const parts: SummaryParts = {
 *   title: 'OLS estimation, Dep. Var.: y',
 *   meta: [['Observations', '1,080'], ['Fixed-effects', 'id: 108,  period: 10'], ['Standard-errors', 'Clustered (id)']],
 *   footer: ['RMSE: 4.08574     Adj. R2: 0.424564', '                Within R2: 0.307756'],
 * };
 */
export type SummaryParts = Omit<SummaryInput, 'notes' | 'rows' | 'footer'> & { rows?: readonly Estimate[]; footer?: readonly string[] };

/**
 * Base class of every result.
 *
 * @example
 * const fit = feols('y ~ x1', data);
 * fit instanceof Result;     // true
 * fit.toJSON().kind;         // 'feols'
 * fit.summary();             // the fixest-style table, then NOTE: lines
 */
export abstract class Result {
  /** Which estimator made the result (lower camelCase: `'feols'`, `'attgt'`, `'attgtAggregate'`, …). */
  abstract readonly kind: string;
  /** Non-fatal events (dropped rows, collinear terms, cells set to NA), as fixest's `NOTE:` lines. */
  readonly notes: readonly Note[];

  protected constructor(notes: readonly Note[]) {
    this.notes = Object.freeze(notes.map((note) => Object.freeze({ ...note })));
  }

  /** One {@link Estimate} row per reported quantity (broom's `tidy`), at `level`. */
  abstract tidy(level?: number): Estimate[];

  /** Title, meta lines, tables and footer of the printed summary. */
  protected abstract summaryParts(): SummaryParts;

  /** The result's own plain fields for `toJSON()` (numbers may be NaN and arrays typed: they are converted). */
  protected abstract jsonFields(): Record<string, unknown>;

  /**
   * A printed summary in fixest's layout: title, meta lines, the estimate table, further tables,
   * footer and `NOTE:` lines.
   * @example result.summary(); // a multi-line string
   */
  summary(): string {
    const parts = this.summaryParts();
    return renderSummary({ statisticLabel: this.statisticLabel(), ...parts, rows: parts.rows ?? this.tidy(), footer: parts.footer ?? [], notes: this.notes });
  }

  /** Label of the statistic column of the summary table (a subclass with z statistics says so). */
  protected statisticLabel(): 't value' | 'z value' {
    return 't value';
  }

  /**
   * Plain JSON-serialisable data with the `kind` tag and the notes; NaN and ±Infinity become null.
   * @example JSON.parse(JSON.stringify(result)).kind; // e.g. 'feols'
   */
  toJSON(): Record<string, unknown> {
    const fields = toJsonValue(this.jsonFields()) as Record<string, unknown>;
    return { kind: this.kind, ...fields, notes: toJsonValue(this.notes) };
  }

  /**
   * The notes as fixest's `NOTE:` lines.
   * @example fit.noteLines(); // ['NOTE: 3 observations removed because of NA values (y: 3).']
   */
  noteLines(): string[] {
    return this.notes.map(formatNote);
  }

  /** Node's `util.inspect` hook: logging a result shows its summary. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.summary();
  }
}
