/**
 * Option readers for the variance options of a regression (`vcov`, `ssc`), shared by the model
 * entry points and their `withVcov` re-inference, so each is checked in one place: the vcov
 * specification by `parseVcov`, the small-sample options by `resolveSsc` after their keys were
 * read like any other options (an unknown key is `unknown_option` with a suggestion).
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
    parseVcov(value as VcovOption, { fn: at.fn, combined: true }); // fail before any work
    return value as VcovOption;
  });
}

// Keys are read here (unknown ones rejected with a suggestion); values are checked by resolveSsc.
const passThrough = opt.custom((value) => value);
const SSC_KEYS = { adj: passThrough, fixefK: passThrough, clusterAdj: passThrough, clusterDf: passThrough, tDf: passThrough };
const SSC_UNSUPPORTED = {
  'fixef.force_exact': 'the fixed-effect count of fixefK is always exact here',
  fixefForceExact: 'the fixed-effect count of fixefK is always exact here',
};

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
  const keys = opt.object(SSC_KEYS, { unsupported: SSC_UNSUPPORTED });
  return opt.custom((value, at) => {
    const read = keys.read(value, at);
    if (read === undefined) return undefined;
    const given: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(read)) if (v !== undefined) given[key] = v;
    return resolveSsc(given as Partial<Ssc>, at.fn);
  });
}
