/**
 * The product-of-coefficients (Baron & Kenny 1986) estimate of an indirect effect, with the Sobel
 * (1982) delta-method standard error, as a hand-computed Sobel test on two `lm` fits or as
 * lavaan 0.6's `ab := a*b` in a path model.
 *
 * a = coefficient of T in M ~ T + X; b, c = coefficients of M and T in Y ~ T + M + X.
 * indirect = a·b with Var = b²·Var(a) + a²·Var(b) (the two equations are estimated separately,
 * so Cov(a, b) = 0 — lavaan's ML estimates of a recursive model give the same block structure);
 * total = c + a·b with gradient (b, a, 1) over (a, b, c). Inference is normal (z), as Sobel's
 * test and lavaan.
 *
 * `variance: 'ols'` (default) uses the OLS variances σ̂²(XᵀX)⁻¹ with σ̂² = RSS/(n − p) (summary.lm;
 * fixtures/oracles/sobel_jobs_ols.json). `variance: 'ml'` uses lavaan's maximum-likelihood
 * variances RSS/n (fixtures/oracles/lavaan_jobs_indirect.json): every variance is scaled by (n − p)/n.
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { feols } from '../../models/feols.js';
import { deparseName } from '../../models/formula/expr.js';
import { deltaMethodSe } from '../../inference/deltaMethod.js';
import { waldInference } from '../../inference/intervals.js';
import type { Estimate } from '../../estimate.js';
import { coefTable } from '../../report/summary.js';

/** Options of {@link productOfCoefficients}. */
export interface ProductOfCoefficientsOptions {
  data: DataInput;
  /** Mediator model, e.g. `'job_seek ~ treat + econ_hard + sex + age'` (feols syntax). */
  mediatorModel: string;
  /** Outcome model, e.g. `'depress2 ~ treat + job_seek + econ_hard + sex + age'`. */
  outcomeModel: string;
  treat: string;
  mediator: string;
  /** 'ols' (default; summary.lm variances) or 'ml' (lavaan's n-denominator variances). */
  variance?: 'ols' | 'ml';
  /** Confidence level (default 0.95). */
  level?: number;
}

/** Result of {@link productOfCoefficients}. */
export interface ProductOfCoefficientsResult {
  kind: 'productOfCoefficients';
  /** T → M path. */
  a: Estimate;
  /** M → Y path. */
  b: Estimate;
  /** Direct effect T → Y. */
  c: Estimate;
  /** a·b with the Sobel SE. */
  indirect: Estimate;
  /** c + a·b. */
  total: Estimate;
  /** Aroian's SE √(b²Va + a²Vb + VaVb) of a·b. */
  aroianStdError: number;
  variance: 'ols' | 'ml';
  nobs: number;
  notes: readonly Note[];
  tidy(): Estimate[];
  summary(): string;
  toJSON(): object;
}

const FN = 'productOfCoefficients';

function pick(terms: readonly string[], name: string, role: string): number {
  // Term names are R's: a non-syntactic column name (`__proto__`) appears backquoted.
  const at = terms.indexOf(deparseName(name));
  if (at < 0) {
    throw new CausalPanelError('invalid_option', `${FN}: "${name}" has no coefficient in the ${role} model (terms: ${terms.join(', ')})`, { fn: FN, value: name });
  }
  return at;
}

/**
 * The notes of two models fitted on the same rows: their `rows_dropped_missing` notes describe the
 * same dropped rows (checked above), so they are reported once, with the columns of both.
 */
function mergeModelNotes(mediatorNotes: readonly Note[], outcomeNotes: readonly Note[]): Note[] {
  const notes = [...mediatorNotes];
  for (const note of outcomeNotes) {
    const twin = notes.find((n) => n.code === 'rows_dropped_missing');
    if (note.code !== 'rows_dropped_missing' || twin === undefined || twin.code !== 'rows_dropped_missing') {
      notes.push(note);
      continue;
    }
    // A row missing in several columns counts once per column in each model: keep the larger count.
    const byColumn: Record<string, number> = Object.create(null);
    for (const source of [twin.byColumn, note.byColumn]) {
      for (const column of Object.keys(source)) byColumn[column] = Math.max(byColumn[column] ?? 0, source[column]!);
    }
    notes[notes.indexOf(twin)] = { code: 'rows_dropped_missing', count: Math.max(twin.count, note.count), byColumn };
  }
  return notes;
}

/**
 * Product-of-coefficients indirect effect a·b with its Sobel (delta-method) SE, and the total
 * effect c + a·b.
 *
 * @throws {CausalPanelError} `invalid_option` (variance, level, treat/mediator without a
 *   coefficient, models on different rows), and the errors of `feols`
 * @example
 * const poc = productOfCoefficients({
 *   data: jobs, treat: 'treat', mediator: 'job_seek', variance: 'ml',
 *   mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
 * });
 * poc.indirect.stdError; // 0.0124542 (lavaan 0.6-14, fixtures/oracles/lavaan_jobs_indirect.json)
 */
export function productOfCoefficients(options: ProductOfCoefficientsOptions): ProductOfCoefficientsResult {
  return withFunctionName('productOfCoefficients', () => productOfCoefficientsUnlabelled(options));
}

/** {@link productOfCoefficients} itself; errors of inner public functions are relabelled by the wrapper above. */
function productOfCoefficientsUnlabelled(options: ProductOfCoefficientsOptions): ProductOfCoefficientsResult {
  const { data, mediatorModel, outcomeModel, treat, mediator, variance = 'ols', level = 0.95 } = options;
  if (variance !== 'ols' && variance !== 'ml') {
    throw new CausalPanelError('invalid_option', `${FN}: variance must be "ols" or "ml" (got ${JSON.stringify(variance)})`, { fn: FN, option: 'variance', value: variance });
  }
  if (!(level > 0 && level < 1)) {
    throw new CausalPanelError('invalid_option', `${FN}: level must be in (0, 1) (got ${level})`, { fn: FN, option: 'level', value: level });
  }
  const frame = toFrame(data, FN);
  const med = feols(mediatorModel, frame, { vcov: 'iid' });
  const out = feols(outcomeModel, frame, { vcov: 'iid' });
  if (med.nobs !== out.nobs || med.rows.some((r, i) => r !== out.rows[i])) {
    throw new CausalPanelError('invalid_option', `${FN}: the two models use different rows (${med.nobs} and ${out.nobs}); remove missing values first`, { fn: FN });
  }
  const n = med.nobs;
  // ML variances divide the RSS by n instead of n − p.
  const scaleM = variance === 'ml' ? (n - med.nparams) / n : 1;
  const scaleY = variance === 'ml' ? (n - out.nparams) / n : 1;
  const ia = pick(med.terms, treat, 'mediator');
  const ib = pick(out.terms, mediator, 'outcome');
  const ic = pick(out.terms, treat, 'outcome');
  const vm = med.vcovMatrix;
  const vy = out.vcovMatrix;
  const km = med.k;
  const ky = out.k;
  const a = med.coefficients[ia]!;
  const b = out.coefficients[ib]!;
  const c = out.coefficients[ic]!;
  const va = vm[ia + ia * km]! * scaleM;
  const vb = vy[ib + ib * ky]! * scaleY;
  const vc = vy[ic + ic * ky]! * scaleY;
  const cbc = vy[ib + ic * ky]! * scaleY;
  // (a, b, c) covariance: a is from the other equation, so its covariances are zero.
  const V = Float64Array.of(va, 0, 0, 0, vb, cbc, 0, cbc, vc);
  const dist = { kind: 'normal' as const };
  const row = (term: string, estimate: number, se: number): Estimate => ({ term, ...waldInference(estimate, se, dist, level) });
  const aRow = row('a', a, Math.sqrt(va));
  const bRow = row('b', b, Math.sqrt(vb));
  const cRow = row('c', c, Math.sqrt(vc));
  const indirect = row('indirect', a * b, deltaMethodSe(Float64Array.of(b, a, 0), V));
  const total = row('total', c + a * b, deltaMethodSe(Float64Array.of(b, a, 1), V));
  const aroianStdError = Math.sqrt(b * b * va + a * a * vb + va * vb);
  const notes = mergeModelNotes(med.notes, out.notes);
  const rows = [aRow, bRow, cRow, indirect, total];
  const result: ProductOfCoefficientsResult = {
    kind: 'productOfCoefficients',
    a: aRow,
    b: bRow,
    c: cRow,
    indirect,
    total,
    aroianStdError,
    variance,
    nobs: n,
    notes,
    tidy: () => rows.map((r) => ({ ...r })),
    summary: () =>
      [
        `Product of coefficients (Sobel), ${variance === 'ml' ? 'ML (lavaan)' : 'OLS'} variances`,
        `Observations: ${n}`,
        coefTable(rows, { statisticLabel: 'z value' }),
        `Aroian SE of indirect: ${Number(aroianStdError.toPrecision(6))}`,
      ].join('\n'),
    toJSON: () => ({ kind: 'productOfCoefficients', a: aRow, b: bRow, c: cRow, indirect, total, aroianStdError, variance, nobs: n, notes }),
  };
  Object.defineProperty(result, Symbol.for('nodejs.util.inspect.custom'), { value: () => result.summary(), enumerable: false });
  return result;
}
