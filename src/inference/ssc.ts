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
import { invalidOption, opt } from '../options.js';

/**
 * fixest's `ssc()` options in camelCase.
 *
 * @example
 * feols('y ~ x1 | id + period', baseDid, { ssc: { fixefK: 'full' } }).vcovInfo.ssc;
 * // { adj: true, fixefK: 'full', clusterAdj: true, clusterDf: 'min', tDf: 'min' }
 */
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

/** The `ssc` options as option readers, each with fixest's default. */
const SSC_SPEC = {
  adj: opt.boolean(DEFAULT_SSC.adj),
  fixefK: opt.oneOf(['nested', 'full', 'none'], DEFAULT_SSC.fixefK),
  clusterAdj: opt.boolean(DEFAULT_SSC.clusterAdj),
  clusterDf: opt.oneOf(['min', 'conventional'], DEFAULT_SSC.clusterDf),
  tDf: opt.custom((value, at): Ssc['tDf'] => {
    if (value === undefined) return DEFAULT_SSC.tDf;
    if (value === 'min' || value === 'conventional' || (typeof value === 'number' && value > 0)) return value;
    throw invalidOption(at, '"min", "conventional" or a positive number', value);
  }),
};

/** fixest's `ssc()` arguments we do not have, with why. */
const SSC_UNSUPPORTED = { 'fixef.force_exact': 'the fixed-effect count of fixefK is always exact here', fixefForceExact: 'the fixed-effect count of fixefK is always exact here' };

/**
 * Validates partial `ssc` options (fixest's dotted names are suggested in camelCase) and fills in
 * fixest's defaults.
 *
 * @throws {CausalPanelError} `unknown_option` for an unknown key, `invalid_option` for a bad value
 * @example
 * resolveSsc({ fixefK: 'full' }); // { adj: true, fixefK: 'full', clusterAdj: true, clusterDf: 'min', tDf: 'min' }
 */
export function resolveSsc(options: Partial<Ssc> | undefined, fn = 'ssc'): Ssc {
  if (options === undefined) return DEFAULT_SSC;
  return opt.object(SSC_SPEC, { unsupported: SSC_UNSUPPORTED }).read(options, { fn, key: 'ssc' })!;
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
