/**
 * Typed errors and non-fatal notes shared by every layer.
 *
 * Errors carry a machine-readable `code` (zod style) and a message in one fixed form:
 * `<function>: <what is wrong and where> (<value found>)`. Non-fatal events (dropped rows,
 * collinear terms, singletons) are returned as {@link Note}s on results, never printed.
 */

/**
 * Machine-readable error codes.
 *
 * @example
 * try { feols('y ~ nope', { y: [1, 2, 3] }); }
 * catch (e) { if (e instanceof CausalPanelError) e.code satisfies ErrorCode; } // 'missing_column'
 */
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
  | 'no_matches'
  | 'unknown_option'
  | 'unreadable_file';

/**
 * Where an error happened: the function, column, row (0-based), value or option involved.
 *
 * @example
 * try { feols('y ~ nope', { y: [1, 2, 3] }); }
 * catch (e) { if (e instanceof CausalPanelError) e.details; } // { fn: 'feols', column: 'nope' }
 */
export interface ErrorDetails {
  fn?: string;
  column?: string;
  row?: number;
  value?: unknown;
  option?: string;
  position?: number;
  /** For `unknown_option`: the option name suggested instead (or a hint such as `vcov: { CRV1: … }`). */
  suggestion?: string;
}

/**
 * The one error class thrown by causal-panel.
 *
 * @example
 * try { feols('y ~ nope', { y: [1, 2, 3] }); }
 * catch (e) { if (e instanceof CausalPanelError) e.code; } // 'missing_column'
 */
export class CausalPanelError extends Error {
  /**
   * `instanceof CausalPanelError` checks a brand registered with `Symbol.for`, so an error thrown by
   * another copy of the library (its CommonJS and ESM builds side by side, a bundle) matches too.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_BRAND] === true;
  }

  override readonly name = 'CausalPanelError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
    Object.defineProperty(this, ERROR_BRAND, { value: true });
  }
}

/** The brand every CausalPanelError carries, shared by all copies of the library in a process. */
const ERROR_BRAND = Symbol.for('causal-panel.CausalPanelError');

/**
 * Non-fatal events reported on a result, as fixest's `NOTE:` lines. Every note has a typed
 * `code`; its other fields are data (counts, names), rendered to text by {@link formatNote}.
 *
 * @example
 * feols('y ~ x', { y: [1, 2, 3, NaN], x: [1, 2, 4, 5] }).notes;
 * // [{ code: 'rows_dropped_missing', count: 1, byColumn: { y: 1 } }]
 */
export type Note =
  /** Rows dropped for missing (or, where the estimator drops them, infinite) values. */
  | { code: 'rows_dropped_missing'; count: number; byColumn: Record<string, number>; infinite?: number }
  | { code: 'collinear_dropped'; terms: string[] }
  | { code: 'singletons_removed'; count: number }
  | { code: 'zero_weight_dropped'; count: number }
  | { code: 'fixef_removed_all'; count: number; byFixef: Record<string, number> }
  | { code: 'demean_not_converged'; iterations: number; maxChange: number }
  | { code: 'units_dropped'; count: number; reason: string }
  | { code: 'glm_not_converged'; iterations: number }
  | { code: 'fitted_probabilities_extreme'; count: number }
  /** Matching: not every treated unit can get `ratio` controls (MatchIt's warning). */
  | { code: 'ratio_exceeds_controls'; message: string }
  /** A multiway variance had a negative diagonal and was made PSD (fixest, Cameron–Gelbach–Miller 2011). */
  | { code: 'vcov_psd_fixed' }
  /** A test that could not be computed (singular covariance): its statistic is NaN. */
  | { code: 'test_not_computed'; test: string; reason: string }
  /** Resamples or draws skipped (singular refit, empty group). */
  | { code: 'resamples_skipped'; count: number; reason: string }
  /** Cells of an estimator set to NA (did: no comparison units, an empty group, a failed fit). */
  | { code: 'cells_not_estimated'; cells: string[]; reason: string }
  /** Groups (cohorts) with very few units. */
  | { code: 'small_groups'; groups: string[]; minimum: number }
  /** How the sample or comparison group was changed to make the design estimable, as the reference does. */
  | { code: 'design_adjusted'; message: string }
  /** Missing estimates dropped before aggregation (did's `na.rm`). */
  | { code: 'missing_estimates_dropped'; count: number }
  /**
   * A clustered result with few clusters (< `threshold`, 42) or few clusters holding treated units
   * (< `treatedThreshold`, 10): its t tests can over-reject (`inference/fewClusters.ts` cites why).
   */
  | { code: 'few_clusters'; cluster: string; clusters: number; treatedClusters?: number; threshold: number; treatedThreshold: number }
  /** A mixed model's optimiser stopped at its evaluation budget. */
  | { code: 'lmm_not_converged'; evaluations: number }
  /** A mixed model's random-effects covariance is singular (lme4's isSingular: a relative-factor diagonal < 1e-4). */
  | { code: 'singular_fit' }
  /**
   * honestDid: robust intervals that reach an end of the θ grid (`open`, HonestDiD's "CI is open at
   * one of the endpoints") or accept no grid point (`empty`), by their M or Mbar.
   */
  | { code: 'honest_grid_limits'; parameter: 'M' | 'Mbar'; open: number[]; empty: number[] };

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Renders a note as a one-line `NOTE:` string (fixest wording where it has one).
 *
 * @example
 * formatNote({ code: 'rows_dropped_missing', count: 3, byColumn: { y: 2, x1: 1 } });
 * // 'NOTE: 3 observations removed because of NA values (y: 2, x1: 1).'
 */
export function formatNote(note: Note): string {
  switch (note.code) {
    case 'rows_dropped_missing': {
      const parts = Object.entries(note.byColumn).map(([column, count]) => `${column}: ${count}`);
      const why = note.infinite !== undefined && note.infinite > 0 ? 'NA or infinite values' : 'NA values';
      return `NOTE: ${plural(note.count, 'observation')} removed because of ${why} (${parts.join(', ')}).`;
    }
    case 'collinear_dropped':
      return `NOTE: ${note.terms.join(', ')} ${note.terms.length === 1 ? 'has' : 'have'} been removed because of collinearity.`;
    case 'zero_weight_dropped':
      return `NOTE: ${plural(note.count, 'observation')} removed because of 0-weight.`;
    case 'singletons_removed':
      return `NOTE: ${note.count} fixed-effect singleton${note.count === 1 ? ' was' : 's were'} removed.`;
    case 'fixef_removed_all': {
      const parts = Object.entries(note.byFixef).map(([fe, count]) => `${fe}: ${count}`);
      return `NOTE: ${note.count} observations removed because of only 0 (or only 1) outcomes (${parts.join(', ')}).`;
    }
    case 'demean_not_converged':
      return `NOTE: demeaning did not converge after ${note.iterations} iterations (max change ${note.maxChange.toExponential(2)}); results are unreliable.`;
    case 'units_dropped':
      return `NOTE: ${plural(note.count, 'unit')} dropped: ${note.reason}.`;
    case 'glm_not_converged':
      return `NOTE: IRLS did not converge after ${note.iterations} iterations.`;
    case 'fitted_probabilities_extreme':
      return `NOTE: fitted probabilities numerically 0 or 1 occurred (${note.count} observations).`;
    case 'vcov_psd_fixed':
      return "NOTE: Variance contained negative values in the diagonal and was 'fixed' (a la Cameron, Gelbach & Miller 2011).";
    case 'test_not_computed':
      return `NOTE: ${note.test} not computed: ${note.reason}.`;
    case 'resamples_skipped':
      return `NOTE: ${note.count} resamples skipped: ${note.reason}.`;
    case 'cells_not_estimated':
      return `NOTE: ${note.cells.join(', ')} set to NA: ${note.reason}.`;
    case 'small_groups':
      return `NOTE: some groups have fewer than ${note.minimum} units, which may make their estimates unreliable: ${note.groups.join(', ')}.`;
    case 'few_clusters': {
      const parts: string[] = [];
      if (note.clusters < note.threshold) parts.push(`${note.clusters} clusters (${note.cluster}), fewer than ${note.threshold}`);
      if (note.treatedClusters !== undefined && note.treatedClusters < note.treatedThreshold) {
        parts.push(`${note.treatedClusters} of ${note.clusters} clusters (${note.cluster}) with treated units, fewer than ${note.treatedThreshold}`);
      }
      // CR2 is one-way: a multiway clustering (`id & period`) only gets the bootstrap suggestion.
      const remedy = note.cluster.includes(' & ') ? 'the wild cluster bootstrap' : `vcov { CR2: "${note.cluster}" } (Satterthwaite df) or the wild cluster bootstrap`;
      return `NOTE: ${parts.join('; ')}: cluster-robust t tests can over-reject; consider ${remedy}.`;
    }
    case 'missing_estimates_dropped':
      return `NOTE: ${note.count} missing estimate${note.count === 1 ? '' : 's'} dropped before aggregation.`;
    case 'lmm_not_converged':
      return `NOTE: the mixed model's optimiser stopped after ${note.evaluations} evaluations without converging.`;
    case 'singular_fit':
      return 'NOTE: boundary (singular) fit: a random-effects variance is (near) zero or correlations are ±1 (see isSingular).';
    case 'honest_grid_limits': {
      const parts = [
        note.open.length > 0 ? `open at an end of the θ grid for ${note.parameter} = ${note.open.join(', ')} (its length may not be accurate; widen gridLb / gridUb)` : '',
        note.empty.length > 0 ? `empty (no θ on the grid accepted) for ${note.parameter} = ${note.empty.join(', ')}` : '',
      ].filter((part) => part !== '');
      return `NOTE: the robust interval is ${parts.join('; ')}.`;
    }
    case 'ratio_exceeds_controls':
    case 'design_adjusted':
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
