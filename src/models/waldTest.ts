/**
 * `waldTest(fit, constraints, { test })`: a joint Wald test of linear constraints on a fit's
 * coefficients, as clubSandwich's `Wald_test(fit, constraints, vcov, test)`.
 *
 * - `'HTZ'` (default for CR2 fits): Hotelling T² with Pustejovsky & Tipton's (2018) degrees of
 *   freedom (`inference/satterthwaite.ts`); needs a fit with `vcov: { CR2: … }`.
 * - `'HTA'`, `'HTB'`: the same with the degrees of freedom of approximations A and B (CR2 only).
 * - `'F'` (default otherwise): Q/q on (q, df2) with df2 the degrees of freedom of the fit's t tests
 *   (`fit.dist`: G − 1 when clustered, n − K otherwise, as fixest's `wald()`; J − 1 for CR2 fits,
 *   clubSandwich's "Naive-F").
 * - `'chi2'` (default for fits with z statistics, e.g. logit): Q referred to χ²(q) (clubSandwich
 *   "chi-sq", which reports Q/q as its F).
 *
 * The CR2 state of a fit (what HTZ needs) is registered by `feols` when the fit is made, so the
 * test reads nothing private and a fit's public shape does not change.
 */
import { CausalPanelError, type Note } from '../errors.js';
import type { Cr2Result } from '../inference/cr2.js';
import { hotellingHT, hotellingHTZ, satterthwaiteDf } from '../inference/satterthwaite.js';
import { waldQuadraticForm } from '../inference/wald.js';
import { chisqUpper, fUpper, type Dist } from '../numerics/distributions.js';
import { opt, readOptions } from '../options.js';
import type { ModelFit } from './fit.js';

const CR2_STATE = new WeakMap<object, Cr2Result>();

/**
 * Records the CR2 computation behind a fit (called by `feols` and `withVcov`).
 *
 * @example
 * registerCr2(fit, cr2); // waldTest(fit, …, { test: 'HTZ' }) can now use it
 */
export function registerCr2(fit: object, cr2: Cr2Result): void {
  CR2_STATE.set(fit, cr2);
}

/**
 * The reference distribution of a t test of the combination Σ c_j β_j: t on its Satterthwaite
 * degrees of freedom for a CR2 fit (clubSandwich's `coef_test` applied to the contrast), the fit's
 * `dist` otherwise.
 *
 * @example
 * combinationDist(fit, [0.5, 0.5]); // { kind: 't', df: … } with CR2; fit.dist otherwise
 */
export function combinationDist(fit: ModelFit, c: ArrayLike<number>): Dist {
  const cr2 = CR2_STATE.get(fit);
  if (cr2 === undefined) return fit.dist;
  return { kind: 't', df: satterthwaiteDf(cr2.pMatrix(c), cr2.nClusters) };
}

/**
 * The constraints of {@link waldTest}: term names (each coefficient = 0, clubSandwich's
 * `constrain_zero`) or a q×k matrix given as q rows of k numbers (in the order of `fit.terms`).
 *
 * @example
 * const terms: WaldConstraints = ['x1', 'treat:post'];
 * const matrix: WaldConstraints = [[1, -1]]; // x1 = treat:post
 */
export type WaldConstraints = readonly string[] | readonly (readonly number[])[];

/**
 * Options of {@link waldTest}.
 *
 * @example
 * const options: WaldTestOptions = { test: 'F', nullValue: [0, 1] };
 */
export interface WaldTestOptions {
  /** `'HTZ'` (CR2 fits only; their default), `'HTA'`, `'HTB'` (CR2 only), `'F'` (default otherwise) or `'chi2'`. */
  test?: 'HTZ' | 'HTA' | 'HTB' | 'F' | 'chi2';
  /** Right-hand side d of Cβ = d: one number for every row, or one per row (default 0). */
  nullValue?: number | readonly number[];
}

/**
 * The result of {@link waldTest} (clubSandwich's `Wald_test` columns).
 *
 * @example
 * waldTest(fit, ['x1', 'treat:post']);
 * // { test: 'HTZ', statistic: ≈ 104.129, delta: ≈ 0.868, df1: 2, df2: ≈ 6.578, pValue: ≈ 1.048e-5, quadraticForm: ≈ 239.9, notes: [] }
 */
export interface WaldTestResult {
  readonly test: 'HTZ' | 'HTA' | 'HTB' | 'F' | 'chi2';
  /** F = δ·Q/q (HTZ), Q/q (F), Q (chi2); NaN when C V Cᵀ is singular. */
  readonly statistic: number;
  /** HTZ's δ (1 for F and chi2). */
  readonly delta: number;
  /** Number of constraints q. */
  readonly df1: number;
  /** Denominator degrees of freedom (Infinity for chi2). */
  readonly df2: number;
  readonly pValue: number;
  /** Q = (Cβ̂ − d)ᵀ(C V Cᵀ)⁻¹(Cβ̂ − d). */
  readonly quadraticForm: number;
  /** Why the test could not be computed, when it could not. */
  readonly notes: readonly Note[];
}

const WALD_OPTIONS = {
  test: opt.oneOf(['HTZ', 'HTA', 'HTB', 'F', 'chi2'] as const, undefined),
  nullValue: opt.custom<number | readonly number[]>((value, at) => {
    if (value === undefined) return 0;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return Object.freeze([...value]);
    throw new CausalPanelError('invalid_option', `${at.fn}: option "nullValue" must be a finite number or an array of them (got ${JSON.stringify(value)})`, { fn: at.fn, option: 'nullValue', value });
  }),
};

/** The constraints as a q×k column-major matrix. */
function constraintMatrix(fit: ModelFit, constraints: WaldConstraints, fn: string): { C: Float64Array; q: number } {
  const k = fit.terms.length;
  if (!Array.isArray(constraints) || constraints.length === 0) {
    throw new CausalPanelError('invalid_option', `${fn}: constraints must be term names or rows of ${k} numbers (got ${JSON.stringify(constraints)})`, { fn, option: 'constraints', value: constraints });
  }
  const q = constraints.length;
  const C = new Float64Array(q * k);
  if (constraints.every((c) => typeof c === 'string')) {
    const seen = new Set<string>();
    (constraints as readonly string[]).forEach((term, s) => {
      const j = fit.terms.indexOf(term);
      if (j < 0) throw new CausalPanelError('invalid_option', `${fn}: "${term}" is not a coefficient of the fit (terms: ${fit.terms.join(', ')})`, { fn, option: 'constraints', value: term });
      if (seen.has(term)) throw new CausalPanelError('invalid_option', `${fn}: "${term}" is constrained twice`, { fn, option: 'constraints', value: term });
      seen.add(term);
      C[s + j * q] = 1;
    });
    return { C, q };
  }
  (constraints as readonly unknown[]).forEach((row, s) => {
    if (!Array.isArray(row) || row.length !== k || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new CausalPanelError('invalid_option', `${fn}: constraint row ${s + 1} must be ${k} finite numbers, one per term (${fit.terms.join(', ')}) (got ${JSON.stringify(row)})`, { fn, option: 'constraints', row: s, value: row });
    }
    row.forEach((v: number, j: number) => (C[s + j * q] = v));
  });
  return { C, q };
}

/**
 * Joint Wald test of Cβ = d (clubSandwich `Wald_test`; fixest `wald()` for `'F'`).
 *
 * @throws {CausalPanelError} `invalid_option` (unknown term, malformed rows, `'HTZ'` without a CR2
 *   variance), `unknown_option`
 * @example
 * const fit = feols('y ~ x1 + treat:post | id + period', grid, { vcov: { CR2: 'grp' } });
 * waldTest(fit, ['x1', 'treat:post']).df2; // ≈ 6.5782 (clubSandwich 0.5.8 Wald_test HTZ)
 */
export function waldTest(fit: ModelFit, constraints: WaldConstraints, options: WaldTestOptions = {}): WaldTestResult {
  const fn = 'waldTest';
  const params = readOptions(fn, options, WALD_OPTIONS);
  const { C, q } = constraintMatrix(fit, constraints, fn);
  const cr2 = CR2_STATE.get(fit);
  const test = params.test ?? (cr2 !== undefined ? 'HTZ' : fit.dist.kind === 'normal' ? 'chi2' : 'F');
  if ((test === 'HTZ' || test === 'HTA' || test === 'HTB') && cr2 === undefined) {
    throw new CausalPanelError('invalid_option', `${fn}: test "${test}" needs a fit with vcov { CR2: "<cluster>" } (this fit: ${fit.vcovInfo.label}); use test "F" or "chi2", or fit.withVcov({ CR2: … })`, { fn, option: 'test', value: test });
  }
  const nullValue = params.nullValue;
  const d = typeof nullValue === 'number' ? new Float64Array(q).fill(nullValue) : Float64Array.from(nullValue);
  if (d.length !== q) {
    throw new CausalPanelError('invalid_option', `${fn}: nullValue needs ${q} numbers, one per constraint (got ${d.length})`, { fn, option: 'nullValue', value: nullValue });
  }
  const k = fit.terms.length;
  const { Q } = waldQuadraticForm(C, q, fit.coefficients, fit.vcovMatrix, k, d);
  const notes: Note[] = [];
  if (Number.isNaN(Q)) notes.push({ code: 'test_not_computed', test: `Wald test (${test})`, reason: `the covariance matrix of the ${q} constrained combinations is singular` });
  if (test === 'chi2') {
    return Object.freeze({ test, statistic: Q, delta: 1, df1: q, df2: Infinity, pValue: chisqUpper(Q, q), quadraticForm: Q, notes: Object.freeze(notes) });
  }
  if (test === 'F') {
    const df2 = fit.dist.kind === 't' ? fit.dist.df : Infinity;
    const statistic = Q / q;
    // F(q, ∞) is χ²(q)/q (a fit with z statistics).
    const pValue = Number.isFinite(df2) ? fUpper(statistic, q, df2) : chisqUpper(Q, q);
    return Object.freeze({ test, statistic, delta: 1, df1: q, df2, pValue, quadraticForm: Q, notes: Object.freeze(notes) });
  }
  const rows = Array.from({ length: q }, (_, s) => {
    const c = new Float64Array(k);
    for (let j = 0; j < k; j++) c[j] = C[s + j * q]!;
    return c;
  });
  const P = (s: number, t: number): Float64Array => cr2!.pMatrix(rows[s]!, rows[t]!);
  const J = cr2!.nClusters;
  const ht = test === 'HTZ' ? hotellingHTZ(P, q, J, Q) : hotellingHT(test === 'HTA' ? 'A' : 'B', P, q, J, Q);
  return Object.freeze({ test, ...ht, quadraticForm: Q, notes: Object.freeze(notes) });
}
