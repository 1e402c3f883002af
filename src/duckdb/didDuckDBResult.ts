/**
 * The result of {@link didDuckDB}: the same fields, rows and JSON as `did()`'s `DidResult` (kind
 * `'did'`, so `etable`, `plotResult` and `effectSize` read it alike), without the regression fit
 * (the rows never left DuckDB), and with the SQL that computed it.
 */
import type { Note } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { waldInference } from '../inference/intervals.js';
import type { Dist } from '../numerics/distributions.js';
import { opt } from '../options.js';
import { Result, type SummaryParts } from '../report/result.js';
import { didJsonFields, didSummaryParts, type DidMeans } from '../estimators/did/didResult.js';
import { standardizeEstimate, type StandardizeBasis } from '../estimators/effectSize.js';

/** Everything a {@link DidDuckDBResult} holds. */
export interface DidDuckDBResultInit {
  title: string;
  att: Estimate;
  level: number;
  dist: Dist;
  standardize: StandardizeBasis;
  nobs: number;
  nUnits: number;
  nClusters: number;
  vcovLabel: string;
  means: DidMeans;
  notes: readonly Note[];
  sql: readonly string[];
}

/** The effect size row, NaN when σ is not a positive number (e.g. no control pre-period rows). */
function effectRow(att: Estimate, sd: number): Estimate {
  if (sd > 0 && Number.isFinite(sd)) return standardizeEstimate(att, sd, 'ATT (SD)');
  return { term: 'ATT (SD)', estimate: NaN, stdError: NaN, statistic: att.statistic, pValue: att.pValue, confLow: NaN, confHigh: NaN };
}

/**
 * A difference-in-differences estimate computed in DuckDB: `att`, `effectSize`, `nobs`, `nUnits`,
 * `nClusters`, `means`, `notes`, `sql`, with `tidy(level?)`, `summary()` and `toJSON()` (kind `'did'`).
 *
 * @example
 * const res = await didDuckDB(connection, { data: 'panel', outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
 * res.tidy().map((r) => r.term); // ['ATT', 'ATT (SD)']
 * res.sql.length;                // the statements DuckDB ran
 */
export class DidDuckDBResult extends Result {
  readonly kind: string = 'did';
  readonly title: string;
  readonly att: Estimate;
  readonly effectSize: Estimate;
  readonly standardize: StandardizeBasis;
  readonly level: number;
  readonly nobs: number;
  readonly nUnits: number;
  readonly nClusters: number;
  readonly vcovLabel: string;
  readonly means: DidMeans;
  /** Reference distribution of the t statistic (t with G − 1 df, as fixest's clustered default). */
  readonly dist: Dist;
  /** The SQL statements that computed the estimate, in order (run them on another engine). */
  readonly sql: readonly string[];

  /** @internal use `didDuckDB()`. */
  constructor(init: DidDuckDBResultInit) {
    super(init.notes);
    this.title = init.title;
    this.att = Object.freeze({ ...init.att });
    this.standardize = Object.freeze({ ...init.standardize });
    this.effectSize = Object.freeze(effectRow(this.att, this.standardize.sd));
    this.level = init.level;
    this.dist = Object.freeze({ ...init.dist });
    this.nobs = init.nobs;
    this.nUnits = init.nUnits;
    this.nClusters = init.nClusters;
    this.vcovLabel = init.vcovLabel;
    this.means = Object.freeze({
      treated: Object.freeze({ pre: Object.freeze({ ...init.means.treated.pre }), post: Object.freeze({ ...init.means.treated.post }) }),
      control: Object.freeze({ pre: Object.freeze({ ...init.means.control.pre }), post: Object.freeze({ ...init.means.control.post }) }),
      diffInDiff: init.means.diffInDiff,
    });
    this.sql = Object.freeze([...init.sql]);
  }

  /**
   * The ATT and the effect size as {@link Estimate} rows, with intervals at `level`.
   * @throws {CausalPanelError} `invalid_option` unless 0 < level < 1
   * @example res.tidy(0.9)[0].confLow; // the 90% lower bound of the ATT
   */
  tidy(level: number = this.level): Estimate[] {
    const checked = opt.level().read(level, { fn: this.kind, key: 'level' });
    const att: Estimate = checked === this.level ? { ...this.att } : { term: 'ATT', ...waldInference(this.att.estimate, this.att.stdError, this.dist, checked) };
    return [att, effectRow(att, this.standardize.sd)];
  }

  protected override statisticLabel(): 't value' | 'z value' {
    return this.dist.kind === 'normal' ? 'z value' : 't value';
  }

  protected summaryParts(): SummaryParts {
    return didSummaryParts(this, [['Computed', 'in DuckDB from group sums (see .sql)']]);
  }

  protected jsonFields(): Record<string, unknown> {
    return { ...didJsonFields(this), sql: this.sql };
  }
}
