/**
 * The data checks of `mediate` at the boundary (mediation 4.5.1's checks at the top of
 * `mediate()`): the two formulas name the mediator and the treatment where they must appear,
 * the treatment is 0/1 unless `controlValue`/`treatValue` are given, and the rows are the complete
 * cases over every variable of both models and the cluster column (completeModelRows.ts).
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { parseFormula, type FormulaSpec } from '../../models/formula/parse.js';
import { invalidOption } from '../../options.js';
import { completeModelRows } from './completeModelRows.js';
import type { MediateParams } from './mediateOptions.js';

const FN = 'mediate';

/** The complete rows of a `mediate` call and the note on what was dropped. */
export interface MediationData {
  /** The rows complete in every variable of both models (and the cluster). */
  frame: Frame;
  notes: Note[];
}

function regressorColumns(spec: FormulaSpec): Set<string> {
  return new Set(spec.variables.flatMap((v) => v.columns));
}

/**
 * Checks the formulas and the data of a `mediate` call and keeps the complete rows.
 *
 * @throws {CausalPanelError} `formula_syntax`; `invalid_option` (the mediator model's response is
 *   not the mediator, the outcome's response is the treatment or the mediator, the treatment or
 *   mediator is not a regressor where needed, a non-binary treatment without
 *   controlValue/treatValue); `missing_column`, `non_numeric`; `non_finite` (±Infinity in a model
 *   variable); `no_rows_left`
 * @example
 * validateMediate(jobs, params).frame.nrow; // 899 (jobs.csv has no missing values)
 */
export function validateMediate(frame: Frame, params: MediateParams): MediationData {
  const { treat, mediator } = params;
  const med = parseFormula(params.mediatorModel, FN);
  const out = parseFormula(params.outcomeModel, FN);
  if (med.response === null || med.response.type !== 'name' || med.response.name !== mediator) {
    throw invalidOption({ fn: FN, key: 'mediatorModel' }, `a formula whose response is the mediator "${mediator}"`, params.mediatorModel);
  }
  if (out.response === null || (out.response.type === 'name' && (out.response.name === mediator || out.response.name === treat))) {
    throw invalidOption({ fn: FN, key: 'outcomeModel' }, `a formula whose response is the outcome (not the treatment or the mediator)`, params.outcomeModel);
  }
  if (!regressorColumns(med).has(treat)) {
    throw new CausalPanelError('invalid_option', `${FN}: treatment "${treat}" is not a regressor of the mediator model ("${params.mediatorModel}")`, { fn: FN, option: 'treat', value: treat });
  }
  const outcomeRegressors = regressorColumns(out);
  if (!outcomeRegressors.has(treat)) {
    throw new CausalPanelError('invalid_option', `${FN}: treatment "${treat}" is not a regressor of the outcome model ("${params.outcomeModel}")`, { fn: FN, option: 'treat', value: treat });
  }
  if (!outcomeRegressors.has(mediator)) {
    throw new CausalPanelError('invalid_option', `${FN}: mediator "${mediator}" is not a regressor of the outcome model ("${params.outcomeModel}")`, { fn: FN, option: 'mediator', value: mediator });
  }
  frame.numeric(treat, FN);
  frame.numeric(mediator, FN);

  const { frame: used, rows, notes } = completeModelRows(frame, [med, out], params.cluster === null ? [] : [params.cluster], FN);

  if (!params.explicitValues) {
    const values = used.numeric(treat, FN);
    for (let a = 0; a < values.length; a++) {
      const v = values[a]!;
      if (v !== 0 && v !== 1) {
        const row = rows[a]!;
        throw new CausalPanelError('invalid_option', `${FN}: treatment "${treat}" is not binary 0/1 (row ${row + 1}: ${v}); give controlValue and treatValue`, { fn: FN, option: 'treat', row, value: v });
      }
    }
  }
  return { frame: used, notes };
}
