/**
 * The result of psmDid(): did()'s result (the matched, weighted DiD) with the unit-level matching
 * it was run on and the balance of the baseline covariates before and after matching.
 */
import { formatFixed, formatInteger } from '../report/format.js';
import type { SummaryParts } from '../report/result.js';
import { textTable } from '../report/textTable.js';
import { DidResult, type DidResultInit } from './did/didResult.js';
import type { BalanceRow } from './matching/balance.js';
import type { MatchitResult } from './matching/matchitResult.js';

/** How psmDid matched, beside the matching result itself. */
export interface PsmDidDesign {
  /** Baseline covariate values: the first pre-period row of each unit, or the mean over them. */
  baseline: 'first' | 'mean';
  /** Cluster of the DiD SEs: matched set or unit; null when the caller gave `vcov`. */
  clusterBy: 'subclass' | 'unit' | null;
  /** Unit ids in the order of the unit table used by `matching`. */
  unitIds: readonly (string | number)[];
}

/** A balance statistic as MatchIt prints it: 4 decimals, NA as ".". */
function cell(value: number | null): string {
  return value === null ? '.' : formatFixed(value, 4);
}

/**
 * A PSM-DiD result (kind `'psmDid'`): did()'s shape (`att`, `effectSize`, `nobs`, `nUnits`,
 * `means`, `fit`, `tidy()`, `summary()`, `toJSON()`) plus the unit-level `matching`, its
 * `balance`, the `baseline` rule, `clusterBy` and the `unitIds` of the unit table.
 *
 * @example
 * const res = psmDid({ data: panel, outcome: 'y', unit: 'id', time: 'period', treat: 'treated', post: 'post', covariates: ['x'] });
 * res.tidy()[0].term;            // 'ATT'
 * res.matching.nMatched;         // { treated, control } units
 * res.balance.after[0].term;     // 'distance'
 */
export class PsmDidResult extends DidResult {
  override readonly kind: string = 'psmDid';
  /** Balance of the baseline covariates before and after matching (MatchIt's summary). */
  readonly balance: { readonly before: readonly BalanceRow[]; readonly after: readonly BalanceRow[] };
  /** The unit-level matching (pairs, weights, subclasses refer to rows of the unit table). */
  readonly matching: MatchitResult;
  readonly baseline: 'first' | 'mean';
  /** Cluster of the DiD SEs: matched set or unit; null when the caller gave `vcov`. */
  readonly clusterBy: 'subclass' | 'unit' | null;
  /** Unit ids in the order of the unit table used by `matching`. */
  readonly unitIds: readonly (string | number)[];

  /** @internal use `psmDid()`. */
  constructor(init: DidResultInit, matching: MatchitResult, design: PsmDidDesign) {
    super(init);
    this.matching = matching;
    const balance = matching.balance();
    this.balance = Object.freeze({ before: Object.freeze(balance.before), after: Object.freeze(balance.after) });
    this.baseline = design.baseline;
    this.clusterBy = design.clusterBy;
    this.unitIds = Object.freeze([...design.unitIds]);
  }

  protected override summaryParts(): SummaryParts {
    const parts = super.summaryParts();
    const m = this.matching;
    const before = new Map(this.balance.before.map((row) => [row.term, row]));
    const balance = textTable(
      this.balance.after.map((row) => [row.term, cell(before.get(row.term)?.stdMeanDiff ?? null), cell(row.stdMeanDiff), cell(row.meanTreated), cell(row.meanControl)]),
      { header: ['', 'Std. Mean Diff. (all)', 'Std. Mean Diff. (matched)', 'Means Treated', 'Means Control'] },
    );
    return {
      ...parts,
      meta: [
        ...parts.meta,
        ['Matched units', `${formatInteger(m.nMatched.treated)} treated, ${formatInteger(m.nMatched.control)} control (unmatched treated: ${m.unmatched.length}, discarded: ${m.discarded.length})`],
        ['Baseline covariates', this.baseline === 'first' ? 'first pre-period row of each unit' : 'mean over the pre-period rows of each unit'],
      ],
      tables: [...(parts.tables ?? []), { heading: 'Balance of the baseline covariates (units):', body: balance }],
    };
  }

  protected override jsonFields(): Record<string, unknown> {
    const m = this.matching;
    return {
      ...super.jsonFields(),
      matching: {
        baseline: this.baseline,
        clusterBy: this.clusterBy,
        unitsMatched: { ...m.nMatched },
        unitsUnmatched: m.unmatched.length,
        unitsDiscarded: m.discarded.length,
        caliper: m.caliper,
      },
      balance: this.balance,
    };
  }
}
