/**
 * Option readers for the variance options of a regression (`vcov`, `ssc`), shared by the model
 * entry points and their `withVcov` re-inference, so each is checked in one place: the vcov
 * specification by `parseVcov`, the small-sample options by `resolveSsc` (an unknown key is
 * `unknown_option` with a suggestion).
 */
import { opt, type Reader } from '../options.js';
import { resolveSsc, type Ssc } from '../inference/ssc.js';
import { parseVcov, type VcovOption } from '../inference/vcovSpec.js';

/**
 * Reads a `vcov` option (fixest's spellings, combined clusters `a^b` allowed); `undefined` when
 * not given (the model's default applies).
 *
 * @throws {CausalPanelError} `invalid_option` for a specification `parseVcov` refuses
 * @example
 * readOptions('feols', { vcov: { CRV1: 'id' } }, { vcov: vcovOption() }).vcov; // { CRV1: 'id' }
 */
export function vcovOption(): Reader<VcovOption | undefined> {
  return opt.custom((value, at) => {
    if (value === undefined) return undefined;
    // Fail before any work; `'CR2'` alone takes its cluster from the fixed effects, known later.
    parseVcov(value as VcovOption, { fn: at.fn, combined: true, defaultCluster: 'CR2' });
    return value as VcovOption;
  });
}

/**
 * Reads fixest's `ssc()` options in camelCase (`adj`, `fixefK`, `clusterAdj`, `clusterDf`,
 * `tDf`; fixest's dotted names are suggested as these), filled with fixest's defaults;
 * `undefined` when not given.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option`
 * @example
 * readOptions('feols', { ssc: { adj: false } }, { ssc: sscOption() }).ssc;
 * // { adj: false, fixefK: 'nested', clusterAdj: true, clusterDf: 'min', tDf: 'min' }
 */
export function sscOption(): Reader<Ssc | undefined> {
  return opt.custom((value, at) => (value === undefined ? undefined : resolveSsc(value as Partial<Ssc>, at.fn)));
}
