/**
 * Relative-tolerance assertions for numeric results against reference values.
 *
 * Relative error is |a − e| / max(|e|, 1e-300); with `absTol` the check also passes when
 * |a − e| ≤ absTol (an absolute floor for values that should be ~0). NaN matches NaN only;
 * ±Infinity matches only itself. The failure message prints actual, expected, Δ and tolerance.
 */
import { expect } from 'vitest';

/** Options for {@link expectClose}. */
export interface CloseOptions {
  /** Absolute floor: |a − e| ≤ absTol also passes. */
  absTol?: number;
}

/** Relative error |a − e| / max(|e|, 1e-300). */
export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

function closeMessage(actual: number, expected: number, relTol: number, label: string, absTol?: number): string | null {
  if (Number.isNaN(expected) || Number.isNaN(actual)) {
    return Number.isNaN(expected) && Number.isNaN(actual)
      ? null
      : `${label}: actual ${actual}, expected ${expected} (NaN position mismatch)`;
  }
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
    return actual === expected ? null : `${label}: actual ${actual}, expected ${expected}`;
  }
  const delta = Math.abs(actual - expected);
  const rel = relativeError(actual, expected);
  if (rel <= relTol) return null;
  if (absTol !== undefined && delta <= absTol) return null;
  return (
    `${label}: actual ${actual}, expected ${expected}, Δ ${delta.toExponential(3)}, ` +
    `rel ${rel.toExponential(3)} > relTol ${relTol.toExponential(1)}` +
    (absTol !== undefined ? ` (absTol ${absTol.toExponential(1)})` : '')
  );
}

/**
 * Asserts |actual − expected| / max(|expected|, 1e-300) ≤ relTol (or |Δ| ≤ absTol when given).
 *
 * @example
 * expectClose(fit.coef()[0], oracle.results.coef[0], 1e-8, 'coef (Intercept)');
 */
export function expectClose(
  actual: number,
  expected: number,
  relTol: number,
  label = 'value',
  options: CloseOptions = {},
): void {
  const message = closeMessage(actual, expected, relTol, label, options.absTol);
  if (message !== null) expect.fail(message);
}

/**
 * Element-wise {@link expectClose} over two arrays (length checked first; NaN positions must agree).
 *
 * @example
 * expectAllClose(fit.coefficients, oracle.results.coef, 1e-8, 'coef');
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number | null>,
  relTol: number,
  label = 'values',
  options: CloseOptions = {},
): void {
  if (actual.length !== expected.length) {
    expect.fail(`${label}: length ${actual.length}, expected ${expected.length}`);
  }
  const failures: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const message = closeMessage(actual[i] as number, e === null ? NaN : (e as number), relTol, `${label}[${i}]`, options.absTol);
    if (message !== null) failures.push(message);
  }
  if (failures.length > 0) expect.fail(failures.join('\n'));
}
