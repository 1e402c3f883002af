/**
 * Typed errors and non-fatal notes shared by every layer.
 *
 * Errors carry a machine-readable `code` (zod style) and a message in one fixed form:
 * `<function>: <what is wrong and where> (<value found>)`. Non-fatal events (dropped rows,
 * collinear terms, singletons) are returned as {@link Note}s on results, never printed.
 */

/** Machine-readable error codes. */
export type ErrorCode =
  | 'missing_column'
  | 'non_numeric'
  | 'non_finite'
  | 'no_rows_left'
  | 'no_treated_units'
  | 'no_control_units'
  | 'singular_design'
  | 'perfect_separation'
  | 'too_few_clusters'
  | 'formula_syntax'
  | 'invalid_option'
  | 'no_convergence'
  | 'empty_data'
  | 'unbalanced_panel'
  | 'no_matches';

/** Where an error happened: the function, column, row (0-based), value or option involved. */
export interface ErrorDetails {
  fn?: string;
  column?: string;
  row?: number;
  value?: unknown;
  option?: string;
  position?: number;
}

/**
 * The one error class thrown by causal-panel.
 *
 * @example
 * try { feols('y ~ nope', { y: [1, 2, 3] }); }
 * catch (e) { if (e instanceof CausalPanelError) e.code; } // 'missing_column'
 */
export class CausalPanelError extends Error {
  override readonly name = 'CausalPanelError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** Non-fatal events reported on a result, as fixest's `NOTE:` lines. */
export type Note =
  | { code: 'rows_dropped_missing'; count: number; byColumn: Record<string, number> }
  | { code: 'collinear_dropped'; terms: string[] }
  | { code: 'singletons_removed'; count: number }
  | { code: 'zero_weight_dropped'; count: number }
  | { code: 'fixef_removed_all'; count: number; byFixef: Record<string, number> }
  | { code: 'demean_not_converged'; iterations: number; maxChange: number }
  | { code: 'units_dropped'; count: number; reason: string }
  | { code: 'glm_not_converged'; iterations: number }
  | { code: 'fitted_probabilities_extreme'; count: number }
  | { code: 'ratio_exceeds_controls'; message: string }
  | { code: 'info'; message: string };

/** Renders a note as a one-line `NOTE:` string (fixest wording where it has one). */
export function formatNote(note: Note): string {
  switch (note.code) {
    case 'rows_dropped_missing': {
      const parts = Object.entries(note.byColumn).map(([column, count]) => `${column}: ${count}`);
      return `NOTE: ${note.count} observation${note.count === 1 ? '' : 's'} removed because of NA values (${parts.join(', ')}).`;
    }
    case 'collinear_dropped':
      return `NOTE: ${note.terms.join(', ')} ${note.terms.length === 1 ? 'has' : 'have'} been removed because of collinearity.`;
    case 'zero_weight_dropped':
      return `NOTE: ${note.count} observation${note.count === 1 ? '' : 's'} removed because of 0-weight.`;
    case 'singletons_removed':
      return `NOTE: ${note.count} fixed-effect singleton${note.count === 1 ? ' was' : 's were'} removed.`;
    case 'fixef_removed_all': {
      const parts = Object.entries(note.byFixef).map(([fe, count]) => `${fe}: ${count}`);
      return `NOTE: ${note.count} observations removed because of only 0 (or only 1) outcomes (${parts.join(', ')}).`;
    }
    case 'demean_not_converged':
      return `NOTE: demeaning did not converge after ${note.iterations} iterations (max change ${note.maxChange.toExponential(2)}); results are unreliable.`;
    case 'units_dropped':
      return `NOTE: ${note.count} unit${note.count === 1 ? '' : 's'} dropped: ${note.reason}.`;
    case 'glm_not_converged':
      return `NOTE: IRLS did not converge after ${note.iterations} iterations.`;
    case 'fitted_probabilities_extreme':
      return `NOTE: fitted probabilities numerically 0 or 1 occurred (${note.count} observations).`;
    case 'ratio_exceeds_controls':
    case 'info':
      return `NOTE: ${note.message}`;
  }
}

/**
 * Runs `body` as the public function `fn`: a {@link CausalPanelError} raised by an inner public
 * function (feols inside did, matchit inside psmDid, …) is re-thrown with `fn` in front, so that
 * every message starts with the function the user called and still names the inner step:
 * `mediate: feols: column "W" not found in data (…)`. Other errors pass through unchanged.
 *
 * @throws {CausalPanelError} whatever `body` throws, relabelled
 * @example
 * withFunctionName('did', () => feols('y ~ x', data, { vcov: { CRV1: 'g' } }));
 * // CausalPanelError 'too_few_clusters': 'did: feols: clustering by "g" needs at least 2 clusters (found 1)'
 */
export function withFunctionName<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof CausalPanelError && !error.message.startsWith(`${fn}: `)) {
      const relabelled = new CausalPanelError(error.code, `${fn}: ${error.message}`, { ...error.details, fn });
      if (error.stack !== undefined) relabelled.stack = `${relabelled.name}: ${relabelled.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
      throw relabelled;
    }
    throw error;
  }
}
