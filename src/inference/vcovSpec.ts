/**
 * The `vcov` option → a normalised {@link VcovSpec}: `'iid'`, `'hetero'` (= `'HC1'`, fixest),
 * `'HC0'`, `'HC2'`, `'HC3'` (sandwich::vcovHC), `{ CRV1: 'id' }`, `{ CRV1: 'id + period' }`
 * (multiway), `{ CRV1: 'id^period' }` (fixest's combined cluster: one clustering by the observed
 * combinations; only where `context.combined`), `{ CRV3: 'id' }` (leave-one-cluster-out jackknife) and
 * `{ CR2: 'id' }` (Bell–McCaffrey CR2 with Satterthwaite degrees of freedom, clubSandwich; `'CR2'`
 * alone clusters by the default cluster). The default follows fixest: clustered by the first fixed
 * effect when there is one, else iid.
 */
import { CausalPanelError } from '../errors.js';

/**
 * What users pass as `vcov`.
 *
 * @example
 * const vcov: VcovOption = { CRV1: 'id + period' }; // or 'iid', 'hetero', 'HC3', { CRV3: 'id' }, { CR2: 'id' }, …
 * feols('y ~ x1 | id + period', baseDid, { vcov }).vcovInfo.label; // 'Clustered (id & period)'
 */
export type VcovOption =
  | 'iid'
  | 'hetero'
  | 'HC0'
  | 'HC1'
  | 'HC2'
  | 'HC3'
  | 'CR2'
  | { CRV1: string | readonly string[] }
  | { CRV3: string | readonly string[] }
  | { CR2: string | readonly string[] };

/**
 * A validated variance specification.
 *
 * @example
 * feols('y ~ x1 | id + period', baseDid, { vcov: 'hetero' }).vcovInfo.spec; // { type: 'hetero', hc: 'HC1' }
 * feols('y ~ x1 | id + period', baseDid, { vcov: { CRV1: 'id + period' } }).vcovInfo.spec;
 * // { type: 'CRV1', clusters: ['id', 'period'] }
 */
export type VcovSpec =
  | { readonly type: 'iid' }
  | { readonly type: 'hetero'; readonly hc: 'HC0' | 'HC1' | 'HC2' | 'HC3' }
  | { readonly type: 'CRV1'; readonly clusters: readonly string[] }
  | { readonly type: 'CRV3'; readonly clusters: readonly string[] }
  | { readonly type: 'CR2'; readonly clusters: readonly string[] };

/** What the default and the messages depend on. */
export interface VcovContext {
  /** Calling function, for messages. */
  fn: string;
  /** Names of the absorbed fixed effects, in formula order. */
  fixedEffects?: readonly string[];
  /**
   * Whether the caller can build combined clusters `a^b` (fixest: one clustering whose clusters
   * are the observed combinations). Callers that cannot keep the default `false`, which refuses them.
   */
  combined?: boolean;
  /** The cluster of `'CR2'` without a column (did, eventStudy: the unit); default: the first fixed effect. */
  defaultCluster?: string;
}

const ACCEPTED = '"iid", "hetero", "HC0", "HC1", "HC2", "HC3", "CR2", { CRV1: "<cluster>" }, { CRV3: "<cluster>" }, { CR2: "<cluster>" }';

function splitClusters(value: unknown, fn: string, key: string, combined: boolean): string[] {
  // fixest's `~id^period` is ONE cluster (the combination), not two-way clustering: callers that
  // cannot build combined codes refuse it rather than silently compute another variance.
  const hasCaret = typeof value === 'string' ? value.includes('^') : Array.isArray(value) && value.some((s) => typeof s === 'string' && s.includes('^'));
  if (hasCaret && !combined) {
    throw new CausalPanelError('invalid_option', `${fn}: vcov.${key} does not support combined clusters "a^b" here (got ${JSON.stringify(value)}); add a column with the combination, or write "a + b" for two-way clustering`, { fn, option: 'vcov', value });
  }
  const parts = typeof value === 'string'
    ? value.replace(/^\s*~/, '').split('+').map((s) => s.trim())
    : Array.isArray(value) && value.every((s) => typeof s === 'string')
      ? (value as string[]).map((s) => s.trim())
      : null;
  if (parts !== null) {
    // Normalise `id ^ period` to fixest's spelling `id^period`; every component must be a name.
    for (let i = 0; i < parts.length; i++) {
      const pieces = parts[i]!.split('^').map((s) => s.trim());
      if (pieces.length > 1 && pieces.some((s) => s === '')) {
        throw new CausalPanelError('invalid_option', `${fn}: vcov.${key} has an empty component in a combined cluster (got ${JSON.stringify(value)})`, { fn, option: 'vcov', value });
      }
      if (pieces.length > 1 && new Set(pieces).size !== pieces.length) {
        throw new CausalPanelError('invalid_option', `${fn}: vcov.${key} repeats a variable in a combined cluster (got ${JSON.stringify(value)})`, { fn, option: 'vcov', value });
      }
      parts[i] = pieces.join('^');
    }
  }
  if (parts === null || parts.length === 0 || parts.some((s) => s === '')) {
    throw new CausalPanelError('invalid_option', `${fn}: vcov.${key} must name one or more cluster columns, e.g. "id" or "id + period" (got ${JSON.stringify(value)})`, { fn, option: 'vcov', value });
  }
  if (new Set(parts).size !== parts.length) {
    throw new CausalPanelError('invalid_option', `${fn}: vcov.${key} names a cluster twice (got ${JSON.stringify(value)})`, { fn, option: 'vcov', value });
  }
  return parts;
}

/**
 * Validates a `vcov` option; `undefined` gives fixest's default.
 *
 * @throws {CausalPanelError} `invalid_option` for anything else (and for `a^b` unless `context.combined`)
 * @example
 * parseVcov(undefined, { fn: 'feols', fixedEffects: ['id', 'period'] }); // { type: 'CRV1', clusters: ['id'] }
 * parseVcov({ CRV1: 'id + period' }, { fn: 'feols' });                  // { type: 'CRV1', clusters: ['id', 'period'] }
 * parseVcov('hetero', { fn: 'feols' });                                  // { type: 'hetero', hc: 'HC1' }
 * parseVcov({ CRV1: 'id ^ period' }, { fn: 'feols', combined: true });   // { type: 'CRV1', clusters: ['id^period'] }
 * parseVcov('CR2', { fn: 'feols', fixedEffects: ['id', 'period'] });    // { type: 'CR2', clusters: ['id'] }
 */
export function parseVcov(option: VcovOption | undefined, context: VcovContext): VcovSpec {
  const { fn, fixedEffects = [], combined = false, defaultCluster } = context;
  if (option === undefined) {
    return fixedEffects.length > 0 ? Object.freeze({ type: 'CRV1', clusters: Object.freeze([fixedEffects[0]!]) }) : Object.freeze({ type: 'iid' });
  }
  if (typeof option === 'string') {
    switch (option) {
      case 'iid':
        return Object.freeze({ type: 'iid' });
      case 'hetero':
      case 'HC1':
        return Object.freeze({ type: 'hetero', hc: 'HC1' });
      case 'HC0':
      case 'HC2':
      case 'HC3':
        return Object.freeze({ type: 'hetero', hc: option });
      case 'CR2': {
        const cluster = defaultCluster ?? fixedEffects[0];
        if (cluster === undefined) {
          throw new CausalPanelError('invalid_option', `${fn}: vcov "CR2" needs a cluster when there is no fixed effect; write { CR2: "<cluster>" } (got "CR2")`, { fn, option: 'vcov', value: option });
        }
        return Object.freeze({ type: 'CR2', clusters: Object.freeze([cluster]) });
      }
      default:
        break;
    }
  } else if (option !== null && typeof option === 'object') {
    const keys = Object.keys(option);
    if (keys.length === 1 && (keys[0] === 'CRV1' || keys[0] === 'CRV3' || keys[0] === 'CR2')) {
      const key = keys[0];
      const clusters = splitClusters((option as Record<string, unknown>)[key], fn, key, combined);
      // The leave-one-cluster-out jackknife and the CR2 adjustment are defined for one clustering:
      // with two, the clusters overlap and there is no block to leave out or adjust (MacKinnon,
      // Nielsen & Webb 2023 and Pustejovsky & Tipton 2018 treat one-way clustering; clubSandwich
      // has no multiway CR2). An intersection `a^b` is one clustering.
      if ((key === 'CRV3' || key === 'CR2') && clusters.length > 1) {
        throw new CausalPanelError('invalid_option', `${fn}: vcov.${key} supports one clustering only; it is not defined for multiway clustering (got ${clusters.join(' + ')}); use { CRV1: "${clusters.join(' + ')}" } or one cluster`, { fn, option: 'vcov', value: option });
      }
      return Object.freeze({ type: key, clusters: Object.freeze(clusters) });
    }
  }
  throw new CausalPanelError('invalid_option', `${fn}: vcov must be one of ${ACCEPTED} (got ${JSON.stringify(option)})`, { fn, option: 'vcov', value: option });
}

/**
 * fixest's label of a variance type: `IID`, `Heteroskedasticity-robust`, `Clustered (id)`,
 * `Clustered (id & period)`.
 *
 * @example
 * vcovLabel({ type: 'CRV1', clusters: ['id', 'period'] }); // 'Clustered (id & period)'
 */
export function vcovLabel(spec: VcovSpec): string {
  switch (spec.type) {
    case 'iid':
      return 'IID';
    case 'hetero':
      return spec.hc === 'HC1' ? 'Heteroskedasticity-robust' : `Heteroskedasticity-robust (${spec.hc})`;
    case 'CRV1':
      return `Clustered (${spec.clusters.join(' & ')})`;
    case 'CRV3':
      return `Clustered CRV3 (${spec.clusters.join(' & ')})`;
    case 'CR2':
      return `Clustered CR2 (${spec.clusters.join(' & ')})`;
  }
}

/**
 * The data columns a clustered spec reads: the components of every term, each once, in order
 * (`['id', 'firm^year']` → `['id', 'firm', 'year']`); empty for non-clustered specs. Rows missing
 * any of them must be dropped before fitting, as fixest does.
 *
 * @example
 * clusterVariables({ type: 'CRV1', clusters: ['id', 'firm^year'] }); // ['id', 'firm', 'year']
 */
export function clusterVariables(spec: VcovSpec): string[] {
  if (spec.type !== 'CRV1' && spec.type !== 'CRV3' && spec.type !== 'CR2') return [];
  const out: string[] = [];
  for (const term of spec.clusters) for (const name of term.split('^')) if (!out.includes(name)) out.push(name);
  return out;
}
