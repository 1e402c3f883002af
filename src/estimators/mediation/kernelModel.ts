/**
 * The mediator and outcome models as the simulation kernel sees them: design matrices on the
 * estimation rows, point estimates and their variance, the GLM family record, and the prediction
 * matrices with the treatment (and, for the outcome, the mediator) set — built once by
 * `prepareMediation.ts`, read by every draw (`drawEffects.ts`) and resample (`bootstrap.ts`).
 *
 * A {@link PreparedMatrix} is a prediction matrix with its columns classified once: all-constant
 * columns (intercepts, a treatment fixed at t, a slope of 1) are folded into one scalar per draw,
 * so a matrix–vector product only passes over the columns that vary by row.
 *
 * Dimension symbols: n = rows used, k = coefficients. Matrices are column-major (`X[i + j * n]`).
 */
import type { GlmFamily } from '../../numerics/family.js';
import type { FixedEffectCodes } from '../../numerics/demean.js';

/** What the kernel needs of either model (mediator or outcome). */
export interface KernelModelBase {
  /** The model's family and link (numerics/family.ts): gaussian/identity or binomial/logit|probit. */
  family: GlmFamily;
  /** Rows and coefficients. */
  n: number;
  k: number;
  /**
   * Refit design (n×kRefit, not demeaned) and response, for bootstrap refits. Its first k columns
   * are the model's; further columns are dummies of small fixed-effect dimensions
   * (see `refitDesign` in prepareMediation.ts).
   */
  X: Float64Array;
  kRefit: number;
  y: Float64Array;
  /** Point estimates and their variance (k×k). */
  coef: Float64Array;
  vcov: Float64Array;
  /** Degrees of freedom absorbed by fixed effects in the full-sample fit; 0 without FE. */
  absorbedDof: number;
  /** Per-row contribution held fixed in every draw (absorbed fixed effects); null when none. */
  offset: Float64Array | null;
  /** Absorbed fixed effects (re-swept on each bootstrap resample); null when none. */
  fixedEffects: FixedEffectCodes[] | null;
}

/** The mediator model as the kernel sees it. */
export interface MediatorKernelModel extends KernelModelBase {
  /** Model matrices on the same rows with the treatment set to treatValue / controlValue. */
  XTreat: PreparedMatrix;
  XControl: PreparedMatrix;
  /** Residual SD (gaussian); NaN otherwise. */
  sigma: number;
}

/** The outcome model as the kernel sees it. */
export interface OutcomeKernelModel extends KernelModelBase {
  /** Xᵧ(t, M = 0) for t = control (index 0) and t = treat (index 1). */
  base: [PreparedMatrix, PreparedMatrix];
  /** Xᵧ(t, M = 1) − Xᵧ(t, M = 0) for t = control, treat. */
  slope: [PreparedMatrix, PreparedMatrix];
}

/** A prediction matrix with constant and varying columns classified (see the file header). */
export interface PreparedMatrix {
  n: number;
  k: number;
  data: Float64Array;
  varying: Int32Array;
  constant: Int32Array;
  constantValues: Float64Array;
}

/**
 * Whether a kernel model is linear (gaussian with the identity link).
 *
 * @example
 * isLinear({ ...model, family: glmFamily('gaussian') }); // true
 */
export function isLinear(model: KernelModelBase): boolean {
  return model.family.family === 'gaussian' && model.family.link === 'identity';
}

/**
 * Classifies the columns of an n×k matrix for {@link PreparedMatrix} products.
 *
 * @example
 * prepareMatrix(Float64Array.of(1, 1, 0, 2), 2, 2); // constant: [0] (value 1), varying: [1]
 */
export function prepareMatrix(data: Float64Array, n: number, k: number): PreparedMatrix {
  const varying: number[] = [];
  const constant: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < k; j++) {
    const first = data[j * n]!;
    let same = true;
    for (let i = 1; i < n && same; i++) same = data[j * n + i] === first;
    if (same) {
      if (first !== 0) {
        constant.push(j);
        values.push(first);
      }
    } else varying.push(j);
  }
  return { n, k, data, varying: Int32Array.from(varying), constant: Int32Array.from(constant), constantValues: Float64Array.from(values) };
}

/** out += b · A[, j] (A n×k column-major); a zero coefficient costs nothing. */
function addScaledColumn(out: Float64Array, A: Float64Array, n: number, j: number, b: number): void {
  if (b === 0) return;
  const base = j * n;
  for (let i = 0; i < n; i++) out[i]! += A[base + i]! * b;
}

/**
 * out = A β (+ offset) for an n×k column-major matrix.
 *
 * @example
 * const out = new Float64Array(2);
 * matvecInto(out, Float64Array.of(1, 1, 0, 2), 2, 2, [3, 1], null); // out = [3, 5]
 */
export function matvecInto(out: Float64Array, A: Float64Array, n: number, k: number, beta: ArrayLike<number>, offset: Float64Array | null): void {
  if (offset) out.set(offset);
  else out.fill(0);
  for (let j = 0; j < k; j++) addScaledColumn(out, A, n, j, beta[j] as number);
}

/**
 * out = A β (+ offset) for a {@link PreparedMatrix}: the constant columns as one scalar, then the
 * varying columns.
 *
 * @example
 * const out = new Float64Array(2);
 * preparedMatvec(out, prepareMatrix(Float64Array.of(1, 1, 0, 2), 2, 2), [3, 1], null); // out = [3, 5]
 */
export function preparedMatvec(out: Float64Array, A: PreparedMatrix, beta: ArrayLike<number>, offset: Float64Array | null): void {
  const { n, data, varying, constant, constantValues } = A;
  let scalar = 0;
  for (let c = 0; c < constant.length; c++) scalar += constantValues[c]! * (beta[constant[c]!] as number);
  if (offset) for (let i = 0; i < n; i++) out[i] = offset[i]! + scalar;
  else out.fill(scalar);
  for (let c = 0; c < varying.length; c++) addScaledColumn(out, data, n, varying[c]!, beta[varying[c]!] as number);
}
