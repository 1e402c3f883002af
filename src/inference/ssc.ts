/**
 * Small-sample corrections, knob for knob with fixest's `ssc()` (fixest 0.12.2, R/VCOV.R,
 * `vcov.fixest` "ssc" section and `vcov_cluster_internal`):
 *
 * - `adj`: multiply by (n − 1)/(n − K);
 * - `fixefK`: how fixed effects enter K — `'nested'` (default: a fixed effect nested in a
 *   cluster counts one parameter instead of its number of levels), `'full'` (every level counts,
 *   as `sandwich::vcovCL` and Stata's dummies), `'none'` (only the coefficients);
 * - `clusterAdj`: G/(G − 1) for clustered variances (and n/(n − 1) for `hetero`);
 * - `clusterDf`: `'min'` (one G_min/(G_min − 1) for every multiway term) or `'conventional'`
 *   (each term its own G/(G − 1));
 * - `tDf`: degrees of freedom of the t reference: `'min'` (G_min − 1 when clustered, else n − K),
 *   `'conventional'` (n − K) or a number.
 */
import { CausalPanelError } from '../errors.js';

/** fixest's `ssc()` options in camelCase. */
export interface Ssc {
  /** fixest `adj`: apply (n − 1)/(n − K). Default true. */
  readonly adj: boolean;
  /** fixest `fixef.K`: 'nested' (default), 'full' or 'none'. */
  readonly fixefK: 'nested' | 'full' | 'none';
  /** fixest `cluster.adj`: apply G/(G − 1). Default true. */
  readonly clusterAdj: boolean;
  /** fixest `cluster.df`: 'min' (default) or 'conventional'. */
  readonly clusterDf: 'min' | 'conventional';
  /** fixest `t.df`: 'min' (default), 'conventional' or a fixed number. */
  readonly tDf: 'min' | 'conventional' | number;
}

/**
 * fixest's default `ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE, cluster.df = "min", t.df = "min")`.
 *
 * @example
 * DEFAULT_SSC.fixefK; // 'nested'
 */
export const DEFAULT_SSC: Ssc = Object.freeze({ adj: true, fixefK: 'nested', clusterAdj: true, clusterDf: 'min', tDf: 'min' });

/**
 * Validates partial `ssc` options and fills in fixest's defaults.
 *
 * @throws {CausalPanelError} `invalid_option` for an unknown key or value
 * @example
 * resolveSsc({ fixefK: 'full' }); // { adj: true, fixefK: 'full', clusterAdj: true, clusterDf: 'min', tDf: 'min' }
 */
export function resolveSsc(options: Partial<Ssc> | undefined, fn = 'ssc'): Ssc {
  if (options === undefined) return DEFAULT_SSC;
  if (options === null || typeof options !== 'object') {
    throw new CausalPanelError('invalid_option', `${fn}: ssc must be an object (got ${String(options)})`, { fn, option: 'ssc', value: options });
  }
  for (const key of Object.keys(options)) {
    if (!['adj', 'fixefK', 'clusterAdj', 'clusterDf', 'tDf'].includes(key)) {
      throw new CausalPanelError('invalid_option', `${fn}: unknown ssc option "${key}" (accepted: adj, fixefK, clusterAdj, clusterDf, tDf)`, { fn, option: 'ssc', value: key });
    }
  }
  const merged = { ...DEFAULT_SSC, ...options };
  const bad = (option: string, value: unknown, accepted: string): never => {
    throw new CausalPanelError('invalid_option', `${fn}: ssc.${option} must be ${accepted} (got ${JSON.stringify(value)})`, { fn, option: `ssc.${option}`, value });
  };
  if (typeof merged.adj !== 'boolean') bad('adj', merged.adj, 'a boolean');
  if (typeof merged.clusterAdj !== 'boolean') bad('clusterAdj', merged.clusterAdj, 'a boolean');
  if (!['nested', 'full', 'none'].includes(merged.fixefK)) bad('fixefK', merged.fixefK, '"nested", "full" or "none"');
  if (!['min', 'conventional'].includes(merged.clusterDf)) bad('clusterDf', merged.clusterDf, '"min" or "conventional"');
  if (!(merged.tDf === 'min' || merged.tDf === 'conventional' || (typeof merged.tDf === 'number' && merged.tDf > 0))) {
    bad('tDf', merged.tDf, '"min", "conventional" or a positive number');
  }
  return Object.freeze(merged);
}

/** What K depends on: the coefficients kept and the fixed effects with their nesting. */
export interface DofKInput {
  /** Number of estimated (kept) coefficients. */
  nCoef: number;
  /** Number of levels of each fixed effect (q entries). */
  fixefSizes: readonly number[];
  /** For each fixed effect, whether it is nested in one of the clusters (null when not clustered). */
  nested: readonly boolean[] | null;
  /** fixest `fixef.K`. */
  fixefK: Ssc['fixefK'];
}

/**
 * fixest's number of parameters `nparams`: coefficients + Σ levels − (q − 1) when there are q ≥ 1
 * fixed effects (one reference level per extra fixed effect).
 *
 * @example
 * fixestNparams(1, [108, 10]); // 118
 */
export function fixestNparams(nCoef: number, fixefSizes: readonly number[]): number {
  const q = fixefSizes.length;
  if (q === 0) return nCoef;
  let total = 0;
  for (const size of fixefSizes) total += size;
  return nCoef + total - (q - 1);
}

/**
 * K of the (n − 1)/(n − K) correction, as fixest's `dof.K` attribute.
 *
 * With `fixefK = 'nested'` a nested fixed effect counts one parameter instead of its levels;
 * when every fixed effect is nested only the coefficients and one intercept remain. K is never
 * below nCoef + 1 in the nested case (fixest's safeguard).
 *
 * @example
 * dofK({ nCoef: 1, fixefSizes: [108, 10], nested: [true, false], fixefK: 'nested' }); // 11
 * dofK({ nCoef: 2, fixefSizes: [108, 10], nested: [true, true], fixefK: 'nested' }); // 3
 */
export function dofK(input: DofKInput): number {
  const { nCoef, fixefSizes, nested, fixefK } = input;
  const q = fixefSizes.length;
  const nparams = fixestNparams(nCoef, fixefSizes);
  if (q === 0) return nparams;
  if (fixefK === 'none') return nCoef;
  const anyNested = nested !== null && nested.some(Boolean);
  if (fixefK === 'full' || !anyNested) return nparams;
  let K: number;
  if (nested.every(Boolean)) {
    K = nCoef + 1;
  } else {
    let removed = 0;
    for (let f = 0; f < q; f++) if (nested[f]) removed += fixefSizes[f]! - (fixefSizes[f]! > 0 ? 1 : 0);
    K = nparams - removed;
  }
  return Math.max(K, nCoef + 1);
}

/**
 * The (n − 1)/(n − K) factor (1 when `adj` is false).
 *
 * @example
 * adjFactor(1080, 11, DEFAULT_SSC); // 1079 / 1069
 */
export function adjFactor(n: number, K: number, ssc: Ssc): number {
  return ssc.adj ? (n - 1) / (n - K) : 1;
}

/**
 * Degrees of freedom of the t reference, fixest's `df.t` attribute.
 *
 * @param minClusters G_min when the variance is clustered, else null
 * @example
 * tDegreesOfFreedom(1080, 11, 108, DEFAULT_SSC); // 107
 */
export function tDegreesOfFreedom(n: number, K: number, minClusters: number | null, ssc: Ssc): number {
  if (typeof ssc.tDf === 'number') return ssc.tDf;
  if (ssc.tDf === 'min' && minClusters !== null) return Math.max(minClusters - 1, 1);
  return Math.max(n - K, 1);
}
