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
import type { DataInput } from '../../data/fromInput.js';
import { toFrame } from '../../data/fromInput.js';
import type { Estimate } from '../../estimate.js';
import { deltaMethodSe } from '../../inference/deltaMethod.js';
import { waldInference } from '../../inference/intervals.js';
import { feols } from '../../models/feols.js';
import { deparseName } from '../../models/formula/expr.js';
import { parseFormula } from '../../models/formula/parse.js';
import { opt, readOptions } from '../../options.js';
import { formatSignif } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { completeModelRows } from './completeModelRows.js';

/**
 * Options of {@link productOfCoefficients}.
 *
 * @example
 * const options: ProductOfCoefficientsOptions = {
 *   data: jobs, treat: 'treat', mediator: 'job_seek', variance: 'ml', level: 0.9,
 *   mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
 * };
 * productOfCoefficients(options).indirect.stdError; // 0.0124542 (lavaan 0.6-14, fixtures/oracles/lavaan_jobs_indirect.json)
 */
export interface ProductOfCoefficientsOptions {
  data: DataInput;
  /** Mediator model, e.g. `'job_seek ~ treat + econ_hard + sex + age'` (feols syntax; lavaan's `M ~ a*T + …`). */
  mediatorModel: string;
  /** Outcome model, e.g. `'depress2 ~ treat + job_seek + econ_hard + sex + age'`. */
  outcomeModel: string;
  /** Treatment variable (the a path starts here). */
  treat: string;
  /** Mediator variable (a ends, b starts here). */
  mediator: string;
  /** 'ols' (default; summary.lm variances) or 'ml' (lavaan's n-denominator variances, `sem(estimator = "ML")`). */
  variance?: 'ols' | 'ml';
  /** Confidence level (default 0.95; lavaan `level`). */
  level?: number;
}

const FN = 'productOfCoefficients';

const SPEC = {
  data: opt.required<DataInput>('a data set'),
  mediatorModel: opt.required<string>('a formula "M ~ T + X"'),
  outcomeModel: opt.required<string>('a formula "Y ~ T + M + X"'),
  treat: opt.column({ required: true }),
  mediator: opt.column({ required: true }),
  variance: opt.oneOf(['ols', 'ml'], 'ols'),
  level: opt.level(),
};

const UNSUPPORTED = {
  unsupported: {
    se: "lavaan's se: only the delta-method (Sobel) standard errors are computed; use mediate(boot: true) for bootstrap intervals",
    bootstrap: "lavaan's bootstrap: use mediate(boot: true) for bootstrap intervals",
  },
};

/** The variances and estimates behind a product-of-coefficients result. */
interface Paths {
  /** a, b, c and their variance (3×3; a is from the other equation, so Cov(a, ·) = 0). */
  a: number;
  b: number;
  c: number;
  V: Float64Array;
}

/** The five reported rows at `level`. */
function pathRows(p: Paths, level: number): Estimate[] {
  const dist = { kind: 'normal' as const };
  const row = (term: string, estimate: number, se: number): Estimate => ({ term, ...waldInference(estimate, se, dist, level) });
  const { a, b, c, V } = p;
  return [
    row('a', a, Math.sqrt(V[0]!)),
    row('b', b, Math.sqrt(V[4]!)),
    row('c', c, Math.sqrt(V[8]!)),
    row('indirect', a * b, deltaMethodSe(Float64Array.of(b, a, 0), V)),
    row('total', c + a * b, deltaMethodSe(Float64Array.of(b, a, 1), V)),
  ];
}

/**
 * Result of {@link productOfCoefficients}: the paths `a`, `b`, `c`, the `indirect` effect a·b
 * (Sobel SE) and the `total` c + a·b, each an {@link Estimate} with normal (z) inference.
 *
 * @example
 * poc.indirect.stdError; // 0.0124542 (lavaan 0.6-14, variance 'ml')
 * poc.tidy().map((r) => r.term); // ['a', 'b', 'c', 'indirect', 'total']
 */
export class ProductOfCoefficientsResult extends Result {
  readonly kind = 'productOfCoefficients' as const;
  /** T → M path. */
  readonly a: Estimate;
  /** M → Y path. */
  readonly b: Estimate;
  /** Direct effect T → Y. */
  readonly c: Estimate;
  /** a·b with the Sobel SE. */
  readonly indirect: Estimate;
  /** c + a·b. */
  readonly total: Estimate;
  /** Aroian's SE √(b²Va + a²Vb + VaVb) of a·b. */
  readonly aroianStdError: number;
  readonly variance: 'ols' | 'ml';
  readonly nobs: number;
  readonly level: number;
  readonly #paths: Paths;

  /** @internal use {@link productOfCoefficients}. */
  constructor(paths: Paths, fields: { variance: 'ols' | 'ml'; nobs: number; level: number; notes: readonly Note[] }) {
    super(fields.notes);
    this.#paths = paths;
    const [a, b, c, indirect, total] = pathRows(paths, fields.level).map((r) => Object.freeze(r));
    this.a = a!;
    this.b = b!;
    this.c = c!;
    this.indirect = indirect!;
    this.total = total!;
    const { V } = paths;
    this.aroianStdError = Math.sqrt(paths.b * paths.b * V[0]! + paths.a * paths.a * V[4]! + V[0]! * V[4]!);
    this.variance = fields.variance;
    this.nobs = fields.nobs;
    this.level = fields.level;
  }

  /**
   * The rows a, b, c, indirect, total with z statistics, normal p-values and intervals at `level`.
   * @throws {CausalPanelError} `invalid_option` when level is not in (0, 1)
   * @example poc.tidy(0.9)[3].term; // 'indirect'
   */
  tidy(level = this.level): Estimate[] {
    if (level === this.level) return [this.a, this.b, this.c, this.indirect, this.total].map((r) => ({ ...r }));
    return pathRows(this.#paths, readOptions(this.kind, { level }, { level: opt.level() }).level);
  }

  protected override statisticLabel(): 'z value' {
    return 'z value';
  }

  protected summaryParts(): SummaryParts {
    return {
      title: `Product of coefficients (Sobel), ${this.variance === 'ml' ? 'ML (lavaan)' : 'OLS'} variances`,
      meta: [['Observations', String(this.nobs)]],
      footer: [`Aroian SE of indirect: ${formatSignif(this.aroianStdError, 6)}`],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    return { a: this.a, b: this.b, c: this.c, indirect: this.indirect, total: this.total, aroianStdError: this.aroianStdError, variance: this.variance, nobs: this.nobs, level: this.level };
  }
}

function pick(terms: readonly string[], name: string, role: string): number {
  // Term names are R's: a non-syntactic column name (`__proto__`) appears backquoted.
  const at = terms.indexOf(deparseName(name));
  if (at < 0) {
    throw new CausalPanelError('invalid_option', `${FN}: "${name}" has no coefficient in the ${role} model (terms: ${terms.join(', ')})`, { fn: FN, value: name });
  }
  return at;
}

/**
 * Product-of-coefficients indirect effect a·b with its Sobel (delta-method) SE, and the total
 * effect c + a·b.
 *
 * Rows with a missing value in a variable of either model are dropped from both (one note);
 * ±Infinity is an error.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option` (variance, level, treat/mediator
 *   without a coefficient), `missing_column`, `non_finite`, and the errors of `feols`
 * @example
 * const poc = productOfCoefficients({
 *   data: jobs, treat: 'treat', mediator: 'job_seek', variance: 'ml',
 *   mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
 * });
 * poc.indirect.stdError; // 0.0124542 (lavaan 0.6-14, fixtures/oracles/lavaan_jobs_indirect.json)
 */
export function productOfCoefficients(options: ProductOfCoefficientsOptions): ProductOfCoefficientsResult {
  return withFunctionName(FN, () => {
    const { data, mediatorModel, outcomeModel, treat, mediator, variance, level } = readOptions(FN, options, SPEC, UNSUPPORTED);
    // Both models on the rows complete in every variable of either (lavaan's listwise deletion).
    const { frame, notes } = completeModelRows(toFrame(data, FN), [parseFormula(mediatorModel, FN), parseFormula(outcomeModel, FN)], [], FN);
    const med = feols(mediatorModel, frame, { vcov: 'iid' });
    const out = feols(outcomeModel, frame, { vcov: 'iid' });
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
    const va = vm[ia + ia * km]! * scaleM;
    const vb = vy[ib + ib * ky]! * scaleY;
    const vc = vy[ic + ic * ky]! * scaleY;
    const cbc = vy[ib + ic * ky]! * scaleY;
    const paths: Paths = { a: med.coefficients[ia]!, b: out.coefficients[ib]!, c: out.coefficients[ic]!, V: Float64Array.of(va, 0, 0, 0, vb, cbc, 0, cbc, vc) };
    return new ProductOfCoefficientsResult(paths, { variance, nobs: n, level, notes: [...notes, ...med.notes, ...out.notes] });
  });
}
