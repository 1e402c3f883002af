/**
 * From the fits of multilevel `mediate` to what every draw needs (mediation 4.5.1, `mediate()`
 * with `merMod` fits, "Case I-1-e" and its outcome block): per model the fixed-effect estimates
 * and variance, the prediction matrices with the treatment (and the mediator) set, and the random
 * part — the grouping level of each row, the conditional modes and conditional SDs of every
 * random-effect column (lme4's `ranef(condVar = TRUE)`), and what each column multiplies: 1 for
 * `(Intercept)`, the set treatment value for a treatment slope, the drawn mediator for a mediator
 * slope, the data column (or the product of the columns of an `a:b` name) otherwise.
 *
 * A least-squares mediator with a mixed outcome is mediation's group-level mediator: its data
 * have one row per group of the outcome model, and each outcome row takes the mediator draw of
 * its group's row (mediation's "J → NJ" step).
 *
 * Dimension symbols: n = rows of a model, k = fixed coefficients, J = groups, p = random-effect columns.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import type { Frame } from '../../data/frame.js';
import { formatRNumber } from '../../data/factor.js';
import { toFrame } from '../../data/fromInput.js';
import { feols } from '../../models/feols.js';
import { modelMatrix } from '../../models/formula/design.js';
import { LmmFit } from '../../models/lmm/lmmResult.js';
import { prepareMatrix, type PreparedMatrix } from './kernelModel.js';
import type { MultilevelMediateParams, MultilevelModel } from './multilevelOptions.js';

const FN = 'mediate';

/** What one random-effect column multiplies in a row. */
export type RandomSlot = { kind: 'one' } | { kind: 'treat' } | { kind: 'mediator' } | { kind: 'data'; values: Float64Array };

/** The random part of a mixed model: one grouping factor (mediation supports one per model). */
export interface RandomPart {
  /** Grouping column. */
  group: string;
  nLevels: number;
  levels: string[];
  /** Level of each model row. */
  codes: Int32Array;
  /** One per random-effect column (p). */
  slots: RandomSlot[];
  /** Conditional modes and SDs, level-major (J·p). */
  modes: Float64Array;
  sds: Float64Array;
}

/** A fitted model as the multilevel draws see it. */
export interface LevelModel {
  /** The model text (formula of the fit). */
  formula: string;
  mixed: boolean;
  frame: Frame;
  n: number;
  k: number;
  coef: Float64Array;
  vcov: Float64Array;
  sigma: number;
  /** Response on the model rows. */
  y: Float64Array;
  /** Notes of the fit (rows dropped for missing values, collinear terms, a singular or unconverged lmm fit). */
  notes: readonly Note[];
  random: RandomPart | null;
}

/** The two models, their link, and the groups of the group-specific effects. */
export interface MultilevelSystem {
  mediator: LevelModel;
  outcome: LevelModel;
  /** Mediator model matrices with the treatment set to treatValue / controlValue. */
  XTreat: PreparedMatrix;
  XControl: PreparedMatrix;
  /** Outcome: Xᵧ(t, M = 0) and Xᵧ(t, 1) − Xᵧ(t, 0) for t = control (0), treat (1). */
  base: [PreparedMatrix, PreparedMatrix];
  slope: [PreparedMatrix, PreparedMatrix];
  /** Mediator row of each outcome row. */
  mediatorRow: Int32Array;
  /** Whether the mediator is group-level (least-squares mediator, mixed outcome). */
  groupLevel: boolean;
  /** Grouping column of the group-specific effects, group of each outcome row, labels in data order. */
  groupName: string;
  rowGroup: Int32Array;
  groupLabels: string[];
}

function label(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? (Number.isNaN(value) ? null : formatRNumber(value)) : value;
}

function slotOf(name: string, frame: Frame, params: MultilevelMediateParams, role: string): RandomSlot {
  if (name === '(Intercept)') return { kind: 'one' };
  if (name === params.treat) return { kind: 'treat' };
  if (name === params.mediator) return { kind: 'mediator' };
  const parts = name.split(':');
  if (parts.every((part) => frame.has(part) && frame.isNumeric(part))) {
    const values = new Float64Array(frame.nrow).fill(1);
    for (const part of parts) {
      const column = frame.numeric(part, FN);
      for (let i = 0; i < values.length; i++) values[i]! *= column[i]!;
    }
    return { kind: 'data', values };
  }
  throw new CausalPanelError('invalid_option', `${FN}: the random-effect column "${name}" of the ${role} model is not the intercept, the treatment, the mediator or a numeric data column (as mediation requires)`, { fn: FN, option: `${role}Model`, value: name });
}

function randomPart(fit: LmmFit, frame: Frame, params: MultilevelMediateParams, role: string): RandomPart {
  const groups = fit.ranef();
  if (groups.length !== 1) {
    throw new CausalPanelError('invalid_option', `${FN}: the ${role} model has ${groups.length} grouping factors (${groups.map((g) => g.group).join(', ')}); mediation supports one per model`, { fn: FN, option: `${role}Model`, value: groups.length });
  }
  const g = groups[0]!;
  if (!frame.has(g.group)) {
    throw new CausalPanelError('invalid_option', `${FN}: the grouping factor "${g.group}" of the ${role} model is not a data column (mediation needs one grouping column)`, { fn: FN, option: `${role}Model`, value: g.group });
  }
  const index = new Map(g.levels.map((l, j) => [l, j]));
  const column = frame.column(g.group, FN);
  const codes = new Int32Array(frame.nrow);
  for (let i = 0; i < frame.nrow; i++) codes[i] = index.get(label(column[i]) ?? '') ?? -1;
  const p = g.terms.length;
  const modes = new Float64Array(g.levels.length * p);
  const sds = new Float64Array(g.levels.length * p);
  g.levels.forEach((_, l) => {
    for (let c = 0; c < p; c++) {
      modes[l * p + c] = g.modes[l]![c]!;
      sds[l * p + c] = Math.sqrt(Math.max(g.condVar[l]![c]![c]!, 0));
    }
  });
  return { group: g.group, nLevels: g.levels.length, levels: g.levels, codes, slots: g.terms.map((name) => slotOf(name, frame, params, role)), modes, sds };
}

/** The model matrix of a model on (modified) rows of its frame, kept columns in fit order. */
type Matrixer = (frame: Frame) => Float64Array;

function levelModel(model: MultilevelModel, data: unknown, params: MultilevelMediateParams, role: 'mediator' | 'outcome'): { model: LevelModel; matrix: Matrixer } {
  if (model instanceof LmmFit) {
    if (model.weights !== undefined) {
      throw new CausalPanelError('invalid_option', `${FN}: the ${role} lmm fit has weights ("${model.weights}"); multilevel mediation takes unweighted fits`, { fn: FN, option: `${role}Model`, value: model.weights });
    }
    const frame = model.modelFrame();
    const matrix: Matrixer = (f) => model.modelMatrix(f).X;
    const random = randomPart(model, frame, params, role);
    return { model: { formula: model.formula, mixed: true, frame, n: frame.nrow, k: model.coefficients.length, coef: model.coefficients, vcov: model.vcovMatrix, sigma: model.sigma, y: model.design.y, notes: model.notes, random }, matrix };
  }
  if (data === undefined) {
    throw new CausalPanelError('invalid_option', `${FN}: the ${role} model is a formula: give ${role}Data (or data)`, { fn: FN, option: `${role}Data` });
  }
  const fit = feols(model, toFrame(data as Parameters<typeof toFrame>[0], FN), { vcov: 'iid' });
  if (fit.fixedEffects.length > 0) {
    throw new CausalPanelError('invalid_option', `${FN}: the ${role} formula absorbs fixed effects; multilevel mediation takes an lm-type formula`, { fn: FN, option: `${role}Model`, value: model });
  }
  const frame = toFrame(data as Parameters<typeof toFrame>[0], FN).take(fit.rows);
  const terms = fit.terms;
  const matrix: Matrixer = (f) => {
    const mm = modelMatrix(fit.design.info, f, { fn: FN });
    const out = new Float64Array(f.nrow * terms.length);
    terms.forEach((term, j) => {
      const at = mm.terms.indexOf(term);
      out.set(mm.X.subarray(at * f.nrow, (at + 1) * f.nrow), j * f.nrow);
    });
    return out;
  };
  return { model: { formula: model, mixed: false, frame, n: frame.nrow, k: terms.length, coef: fit.coefficients, vcov: fit.vcovMatrix, sigma: fit.sigma, y: fit.design.y, notes: fit.notes, random: null }, matrix };
}

function setColumns(frame: Frame, set: Record<string, number>): Frame {
  const columns: Record<string, Float64Array> = Object.create(null);
  for (const name of Object.keys(set)) columns[name] = new Float64Array(frame.nrow).fill(set[name]!);
  return frame.withColumns(columns);
}

function checkBinary(frame: Frame, treat: string): void {
  const values = frame.numeric(treat, FN);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) {
      throw new CausalPanelError('invalid_option', `${FN}: treatment "${treat}" is not binary 0/1 (row ${i + 1}: ${values[i]}); give controlValue and treatValue`, { fn: FN, option: 'treat', row: i, value: values[i] });
    }
  }
}

/** Mediator row of each outcome row: the same row, or the row of the outcome row's group. */
function linkRows(mediator: LevelModel, outcome: LevelModel): { mediatorRow: Int32Array; groupLevel: boolean } {
  const n = outcome.n;
  if (mediator.mixed || !outcome.mixed) {
    if (mediator.n !== n) {
      throw new CausalPanelError('invalid_option', `${FN}: the mediator and outcome models use ${mediator.n} and ${n} rows; they must be fitted on the same rows (or give a least-squares mediator on group-level data)`, { fn: FN, option: 'mediatorModel', value: mediator.n });
    }
    return { mediatorRow: Int32Array.from({ length: n }, (_, i) => i), groupLevel: false };
  }
  const group = outcome.random!.group;
  if (!mediator.frame.has(group)) {
    throw new CausalPanelError('missing_column', `${FN}: the group-level mediator data have no column "${group}" (the outcome model's grouping column)`, { fn: FN, column: group });
  }
  const byLabel = new Map<string, number>();
  const column = mediator.frame.column(group, FN);
  for (let j = 0; j < mediator.n; j++) {
    const key = label(column[j]) ?? '';
    if (byLabel.has(key)) {
      throw new CausalPanelError('invalid_option', `${FN}: group "${key}" has more than one row in the mediator data (a least-squares mediator with a mixed outcome is a group-level mediator: give one row per group, or fit the mediator with lmm)`, { fn: FN, column: group, row: j, value: key });
    }
    byLabel.set(key, j);
  }
  const used = new Uint8Array(mediator.n);
  const outColumn = outcome.frame.column(group, FN);
  const mediatorRow = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = label(outColumn[i]) ?? '';
    const j = byLabel.get(key);
    if (j === undefined) {
      throw new CausalPanelError('invalid_option', `${FN}: group "${key}" of the outcome data has no row in the mediator data`, { fn: FN, column: group, row: i, value: key });
    }
    mediatorRow[i] = j;
    used[j] = 1;
  }
  const unused = used.indexOf(0);
  if (unused >= 0) {
    const key = label(column[unused]) ?? '';
    throw new CausalPanelError('invalid_option', `${FN}: group "${key}" of the mediator data has no row in the outcome data (groups do not match between the models)`, { fn: FN, column: group, row: unused, value: key });
  }
  return { mediatorRow, groupLevel: true };
}

/** Groups of the group-specific effects over the outcome rows, in data order (R's `unique(group.id)`). */
function outputGroups(mediator: LevelModel, outcome: LevelModel, mediatorRow: Int32Array, groupOut: string | null): { groupName: string; rowGroup: Int32Array; groupLabels: string[] } {
  const names = [mediator.random?.group, outcome.random?.group].filter((g): g is string => g !== undefined);
  const useMediator = mediator.random !== null && (outcome.random === null || groupOut === mediator.random.group);
  const part = useMediator ? mediator.random! : outcome.random!;
  if (groupOut !== null && !names.includes(groupOut)) {
    throw new CausalPanelError('invalid_option', `${FN}: groupOut "${groupOut}" is not a grouping factor of the models (${names.join(', ')})`, { fn: FN, option: 'groupOut', value: groupOut });
  }
  const rowGroup = new Int32Array(outcome.n);
  const order = new Map<number, number>();
  const groupLabels: string[] = [];
  for (let i = 0; i < outcome.n; i++) {
    const code = part.codes[useMediator ? mediatorRow[i]! : i]!;
    let g = order.get(code);
    if (g === undefined) {
      g = groupLabels.length;
      order.set(code, g);
      groupLabels.push(part.levels[code]!);
    }
    rowGroup[i] = g;
  }
  return { groupName: part.group, rowGroup, groupLabels };
}

/**
 * Whether two arrays differ in some entry.
 *
 * @example
 * differs(Float64Array.of(1, 2), Float64Array.of(1, 3)); // true
 */
export function differs(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
}

/**
 * Builds the {@link MultilevelSystem} of a multilevel `mediate` call.
 *
 * @throws {CausalPanelError} `invalid_option` (more than one grouping factor, an unsupported
 *   random-effect column, models on different rows, groups that do not match between a
 *   group-level mediator and the outcome, a bad groupOut, a non-binary treatment without
 *   controlValue/treatValue, an outcome not linear in the mediator), `missing_column`, and
 *   the errors of `feols`
 * @example
 * const system = multilevelSystem(readMultilevelOptions({ mediatorModel: 'smorale ~ free', mediatorData: school, outcomeModel: fit, treat: 'free', mediator: 'smorale' }));
 * system.groupLevel; // true: each student row takes its school's mediator draw
 */
export function multilevelSystem(params: MultilevelMediateParams): MultilevelSystem {
  const med = levelModel(params.mediatorModel, params.mediatorData ?? params.data, params, 'mediator');
  const out = levelModel(params.outcomeModel, params.outcomeData ?? params.data, params, 'outcome');
  const mediator = med.model;
  const outcome = out.model;
  const { treat, mediator: mName, treatValue, controlValue } = params;
  for (const model of [mediator, outcome]) model.frame.numeric(treat, FN);
  outcome.frame.numeric(mName, FN);
  if (!params.explicitValues) for (const model of [mediator, outcome]) checkBinary(model.frame, treat);
  const { mediatorRow, groupLevel } = linkRows(mediator, outcome);
  const XTreat = med.matrix(setColumns(mediator.frame, { [treat]: treatValue }));
  const XControl = med.matrix(setColumns(mediator.frame, { [treat]: controlValue }));
  if (!differs(XTreat, XControl) && !mediator.random?.slots.some((s) => s.kind === 'treat')) {
    throw new CausalPanelError('invalid_option', `${FN}: treatment "${treat}" has no coefficient in the mediator model`, { fn: FN, option: 'treat', value: treat });
  }
  const n = outcome.n;
  const ky = outcome.k;
  const base: PreparedMatrix[] = [];
  const slope: PreparedMatrix[] = [];
  for (const t of [controlValue, treatValue]) {
    const at0 = out.matrix(setColumns(outcome.frame, { [treat]: t, [mName]: 0 }));
    const at1 = out.matrix(setColumns(outcome.frame, { [treat]: t, [mName]: 1 }));
    const at2 = out.matrix(setColumns(outcome.frame, { [treat]: t, [mName]: 2 }));
    const b = new Float64Array(n * ky);
    for (let c = 0; c < b.length; c++) {
      b[c] = at1[c]! - at0[c]!;
      const expected = at0[c]! + 2 * b[c]!;
      if (Math.abs(at2[c]! - expected) > 1e-9 * (1 + Math.abs(expected))) {
        throw new CausalPanelError('invalid_option', `${FN}: the outcome model must be linear in the mediator "${mName}"`, { fn: FN, option: 'outcomeModel', value: outcome.formula });
      }
    }
    base.push(prepareMatrix(at0, n, ky));
    slope.push(prepareMatrix(b, n, ky));
  }
  return {
    mediator,
    outcome,
    XTreat: prepareMatrix(XTreat, mediator.n, mediator.k),
    XControl: prepareMatrix(XControl, mediator.n, mediator.k),
    base: [base[0]!, base[1]!],
    slope: [slope[0]!, slope[1]!],
    mediatorRow,
    groupLevel,
    ...outputGroups(mediator, outcome, mediatorRow, params.groupOut),
  };
}
