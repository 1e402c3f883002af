/**
 * The result of multilevel `mediate`: the population-average effects of {@link MediationResult}
 * and the group-specific effects (mediation 4.5.1's `d0.group`, `d1.group`, `z0.group`,
 * `z1.group`, `tau.coef.group`, `n0.group` … with their intervals and p-values), one entry per
 * group of the output grouping factor (R `group.out`) in data order.
 */
import type { EffectDraws } from './drawEffects.js';
import { MediationResult, type MediationResultFields } from './mediationResult.js';
import { summarizeMediation, type MediationEstimate, type MediationTriple } from './summarizeMediation.js';
import type { SummaryParts } from '../../report/result.js';

/**
 * The effects within one group (means over its rows of each draw's row-level contrasts).
 *
 * @example
 * mediate({ ...schoolModels }).byGroup[0];
 * // { group: '1', nobs: 18, acme: { control, treated, average }, ade: {…}, propMediated: {…}, total: {…} }
 */
export interface GroupMediationEffects {
  group: string;
  /** Outcome rows in the group. */
  nobs: number;
  acme: MediationTriple;
  ade: MediationTriple;
  propMediated: MediationTriple;
  total: MediationEstimate;
}

/** What multilevel `mediate` hands to the result. */
export interface MultilevelResultFields extends MediationResultFields {
  groupName: string;
  groupLabels: readonly string[];
  groupCounts: readonly number[];
  groupDraws: readonly EffectDraws[];
  /** Mediator model: 'lmm' or 'lm'; outcome model likewise. */
  models: { mediator: 'lmm' | 'lm'; outcome: 'lmm' | 'lm' };
  groupLevelMediator: boolean;
}

/**
 * Result of multilevel `mediate` (an `lmm` mediator or outcome model): `acme`, `ade`,
 * `propMediated`, `total` over all outcome rows, as {@link MediationResult}, and `byGroup`, the
 * same quantities within each group of `groupName`.
 *
 * @example
 * const res = mediate({ mediatorModel: 'smorale ~ free + catholic + coed', mediatorData: school, outcomeModel: outFit,
 *   treat: 'free', mediator: 'smorale', controlValue: 3, treatValue: 4, sims: 1000 });
 * res.groupName; // 'SCH_ID'
 * res.byGroup.length; // 568
 */
export class MultilevelMediationResult extends MediationResult {
  /** Grouping factor of {@link MultilevelMediationResult.byGroup} (R `group.name`). */
  readonly groupName: string;
  readonly #groupFields: MultilevelResultFields;
  #byGroup: readonly GroupMediationEffects[] | null = null;
  /** Whether the mediator is group-level (a least-squares mediator on one row per group). */
  readonly groupLevelMediator: boolean;
  readonly models: Readonly<{ mediator: 'lmm' | 'lm'; outcome: 'lmm' | 'lm' }>;

  /** @internal use `mediate`. */
  constructor(fields: MultilevelResultFields) {
    super(fields);
    this.groupName = fields.groupName;
    this.groupLevelMediator = fields.groupLevelMediator;
    this.models = Object.freeze({ ...fields.models });
    this.#groupFields = fields;
  }

  /**
   * Group-specific effects, groups in data order (R's `unique(group.id)`); summarised on first access.
   * @example res.byGroup[0].acme.average.estimate
   */
  get byGroup(): readonly GroupMediationEffects[] {
    if (this.#byGroup === null) {
      const fields = this.#groupFields;
      const level = fields.params.level;
      this.#byGroup = Object.freeze(
        fields.groupDraws.map((draws, g) => {
          const s = summarizeMediation(draws, null, { level, bca: false });
          return Object.freeze({ group: fields.groupLabels[g]!, nobs: fields.groupCounts[g]!, acme: s.acme, ade: s.ade, propMediated: s.propMediated, total: s.total });
        }),
      );
    }
    return this.#byGroup;
  }

  protected override summaryParts(): SummaryParts {
    const parts = super.summaryParts();
    const meta = [...(parts.meta ?? [])];
    meta.push(['Models', `mediator ${this.models.mediator}, outcome ${this.models.outcome}${this.groupLevelMediator ? ' (group-level mediator)' : ''}`]);
    meta.push(['Group-specific effects', `${this.groupName} (${this.#groupFields.groupLabels.length} groups, see byGroup)`]);
    return { ...parts, meta };
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), groupName: this.groupName, groupLevelMediator: this.groupLevelMediator, models: this.models, byGroup: this.byGroup };
  }
}
