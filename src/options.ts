/**
 * The one option reader of every public entry point.
 *
 * Each entry describes its options once as a spec of typed readers and calls
 * {@link readOptions}, which returns a frozen params object (did's `DIDparams`, pyfixest's
 * `EstimationConfig`): every value checked, every default filled in. Kernels trust it.
 *
 * An option the entry does not know is an `unknown_option` error, never ignored: the message
 * suggests the right name — R/Stata argument names users bring (`cluster`, `xformla`,
 * `control_group`, `std.caliper`, `sim`, …, see {@link R_NAMES}), else the nearest known key by
 * edit distance — or says that the reference package's option is not supported here.
 *
 * Messages have one form: `fn: option "key" must be … (got …)`.
 */
import { CausalPanelError } from './errors.js';

/** Where a value is read: the public function and the option key (`bootstrap.reps` when nested). */
export interface OptionPath {
  readonly fn: string;
  readonly key: string;
}

/** Reads and checks one option value; `undefined` means the option was not given. */
export interface Reader<T> {
  read(value: unknown, at: OptionPath): T;
}

/** A spec: option key → reader. */
export type OptionSpec = Record<string, Reader<unknown>>;

/** The params object a spec reads into. */
export type Params<S extends OptionSpec> = { readonly [K in keyof S]: S[K] extends Reader<infer T> ? T : never };

/** Per-call context of {@link readOptions}. */
export interface ReadOptionsContext {
  /**
   * Options of the reference package that this entry does not support, with why, e.g.
   * `{ 's.weights': "MatchIt's s.weights: sampling weights are not supported" }`.
   */
  unsupported?: Readonly<Record<string, string>>;
}

/**
 * A short, safe rendering of a value for messages.
 *
 * @example
 * showValue('HC5'); // '"HC5"'
 * showValue([1, 2]); // '[1,2]'
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The `invalid_option` error in the one message form.
 *
 * @example
 * invalidOption({ fn: 'feols', key: 'level' }, 'a number in (0, 1)', 2).message;
 * // 'feols: option "level" must be a number in (0, 1) (got 2)'
 */
export function invalidOption(at: OptionPath, expected: string, value: unknown): CausalPanelError {
  return new CausalPanelError('invalid_option', `${at.fn}: option "${at.key}" must be ${expected} (got ${showValue(value)})`, { fn: at.fn, option: at.key, value });
}

function reader<T>(read: (value: unknown, at: OptionPath) => T): Reader<T> {
  return { read };
}

function isColumnName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Reader factories; each reads `undefined` as "not given". */
export const opt = {
  /**
   * A column name; `required` makes it mandatory.
   * @example readOptions('did', { unit: 'id' }, { unit: opt.column({ required: true }) }).unit; // 'id'
   */
  column<R extends boolean = false>(options: { required?: R } = {}): Reader<R extends true ? string : string | undefined> {
    return reader((value, at) => {
      if (value === undefined) {
        if (options.required) throw new CausalPanelError('invalid_option', `${at.fn}: option "${at.key}" is required (a column name)`, { fn: at.fn, option: at.key });
        return undefined as R extends true ? string : string | undefined;
      }
      if (!isColumnName(value)) throw invalidOption(at, 'a column name', value);
      return value;
    });
  },
  /**
   * Column names: an array (or one name), duplicates removed; default `[]`.
   * @example readOptions('did', { covariates: 'x1' }, { covariates: opt.columns() }).covariates; // ['x1']
   */
  columns(): Reader<readonly string[]> {
    return reader((value, at) => {
      if (value === undefined) return Object.freeze([]);
      if (isColumnName(value)) return Object.freeze([value]);
      if (!Array.isArray(value) || !value.every(isColumnName)) throw invalidOption(at, 'an array of column names', value);
      return Object.freeze([...new Set(value as string[])]);
    });
  },
  /**
   * One of a fixed set of strings, with a default (or `undefined` when none is given).
   * @example readOptions('attgt', {}, { control: opt.oneOf(['never', 'notyet'], 'never') }).control; // 'never'
   */
  oneOf<const C extends string, D extends C | undefined = undefined>(choices: readonly C[], dflt?: D): Reader<D extends C ? C : C | undefined> {
    return reader((value, at) => {
      if (value === undefined) return dflt as D extends C ? C : C | undefined;
      if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
        throw invalidOption(at, `one of ${choices.map((c) => `"${c}"`).join(', ')}`, value);
      }
      return value as C;
    });
  },
  /**
   * A confidence level in (0, 1); default 0.95.
   * @example readOptions('feols', {}, { level: opt.level() }).level; // 0.95
   */
  level(dflt = 0.95): Reader<number> {
    return reader((value, at) => {
      if (value === undefined) return dflt;
      if (typeof value !== 'number' || !(value > 0 && value < 1)) throw invalidOption(at, 'a number in (0, 1)', value);
      return value;
    });
  },
  /**
   * A finite number within bounds (inclusive unless `exclusiveMin`).
   * @example readOptions('matchit', { caliper: 0.2 }, { caliper: opt.number({ min: 0, exclusiveMin: true }) }).caliper; // 0.2
   */
  number<D extends number | undefined = undefined>(options: { min?: number; max?: number; exclusiveMin?: boolean; default?: D } = {}): Reader<D extends number ? number : number | undefined> {
    return reader((value, at) => {
      if (value === undefined) return options.default as D extends number ? number : number | undefined;
      const { min = -Infinity, max = Infinity, exclusiveMin = false } = options;
      const ok = typeof value === 'number' && Number.isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max;
      if (!ok) throw invalidOption(at, `a finite number${bounds(min, max, exclusiveMin)}`, value);
      return value as number;
    });
  },
  /**
   * An integer within bounds.
   * @example readOptions('mediate', {}, { sims: opt.integer({ min: 1, default: 1000 }) }).sims; // 1000
   */
  integer<D extends number | undefined = undefined>(options: { min?: number; max?: number; default?: D } = {}): Reader<D extends number ? number : number | undefined> {
    return reader((value, at) => {
      if (value === undefined) return options.default as D extends number ? number : number | undefined;
      const { min = -Infinity, max = Infinity } = options;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalidOption(at, `an integer${bounds(min, max, false)}`, value);
      return value;
    });
  },
  /**
   * true or false, with a default.
   * @example readOptions('matchit', {}, { replace: opt.boolean(false) }).replace; // false
   */
  boolean(dflt: boolean): Reader<boolean> {
    return reader((value, at) => {
      if (value === undefined) return dflt;
      if (typeof value !== 'boolean') throw invalidOption(at, 'true or false', value);
      return value;
    });
  },
  /**
   * A seed of the deterministic generator: a finite number, or `undefined`.
   * @example readOptions('mediate', { seed: 1 }, { seed: opt.seed() }).seed; // 1
   */
  seed(): Reader<number | undefined> {
    return reader((value, at) => {
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidOption(at, 'a finite number', value);
      return value;
    });
  },
  /**
   * A required value of any type except null/undefined, checked later by its consumer (the data).
   * @example readOptions('did', { data: rows }, { data: opt.required<DataInput>('a data set') }).data;
   */
  required<T>(what: string): Reader<T> {
    return reader((value, at) => {
      if (value === undefined || value === null) throw new CausalPanelError('invalid_option', `${at.fn}: option "${at.key}" is required (${what})`, { fn: at.fn, option: at.key, value });
      return value as T;
    });
  },
  /**
   * A value read by a custom function (e.g. a vcov specification with its own parser); `dflt`
   * when not given.
   * @example readOptions('feols', {}, { vcov: opt.custom((v) => v as VcovOption | undefined) }).vcov; // undefined
   */
  custom<T>(read: (value: unknown, at: OptionPath) => T): Reader<T> {
    return reader(read);
  },
  /**
   * A function (callback), or `undefined`.
   * @example readOptions('mediate', { onProgress: () => {} }, { onProgress: opt.func() }).onProgress; // the function
   */
  func<F extends (...args: never[]) => unknown>(): Reader<F | undefined> {
    return reader((value, at) => {
      if (value === undefined) return undefined;
      if (typeof value !== 'function') throw invalidOption(at, 'a function', value);
      return value as F;
    });
  },
  /**
   * A nested options object read with its own spec (unknown keys rejected there too);
   * `undefined` when not given.
   * @example readOptions('attgt', { bootstrap: { reps: 99, seed: 1 } }, { bootstrap: opt.object({ reps: opt.integer({ min: 2 }) }) });
   */
  object<S extends OptionSpec>(spec: S, context: ReadOptionsContext = {}): Reader<Params<S> | undefined> {
    return reader((value, at) => {
      if (value === undefined) return undefined;
      return readSpec(at.fn, value, spec, context, `${at.key}.`);
    });
  },
  /**
   * A value that may also be given as `false` (e.g. `bootstrap: false`): `false` reads as `false`.
   * @example readOptions('attgt', { bootstrap: false }, { bootstrap: opt.orFalse(opt.object({})) }).bootstrap; // false
   */
  orFalse<T>(inner: Reader<T>): Reader<T | false> {
    return reader((value, at) => (value === false ? false : inner.read(value, at)));
  },
} as const;

function bounds(min: number, max: number, exclusiveMin: boolean): string {
  if (min === -Infinity && max === Infinity) return '';
  if (max === Infinity) return ` ${exclusiveMin ? '>' : '≥'} ${min}`;
  if (min === -Infinity) return ` ≤ ${max}`;
  return ` in ${exclusiveMin ? '(' : '['}${min}, ${max}]`;
}

/**
 * R / Stata argument names users bring, mapped to ours. A name maps to candidate keys; the first
 * key the entry has is suggested (`cluster` → `vcov` in feols, `cluster` itself in mediate).
 */
export const R_NAMES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  cluster: ['clusters', 'cluster', 'vcov'],
  clusters: ['cluster', 'vcov'],
  clustervars: ['clusters', 'cluster', 'vcov'],
  cluster_var: ['clusters', 'cluster', 'vcov'],
  se: ['vcov'],
  weight: ['weights'],
  reml: ['REML'],
  optimizer: ['tolerance'],
  weightsname: ['weights'],
  wt: ['weights'],
  xformla: ['covariates'],
  controls: ['covariates'],
  covs: ['covariates'],
  x: ['covariates'],
  control_group: ['control'],
  controlgroup: ['control'],
  comparison: ['control'],
  est_method: ['method'],
  estmethod: ['method'],
  bstrap: ['bootstrap'],
  allow_unbalanced_panel: ['allowUnbalanced'],
  biters: ['bootstrap'],
  cband: ['bootstrap'],
  boot: ['bootstrap', 'boot'],
  bootstrap: ['boot', 'bootstrap'],
  sim: ['sims'],
  nsim: ['sims'],
  nsims: ['sims'],
  m_order: ['order'],
  morder: ['order'],
  alp: ['level'],
  alpha: ['level'],
  lvec: ['lVec'],
  mbarvec: ['Mbar'],
  mvec: ['M'],
  conf_level: ['level'],
  conflevel: ['level'],
  yname: ['outcome'],
  idname: ['unit'],
  id: ['unit'],
  tname: ['time'],
  gname: ['cohort'],
  first_treat: ['cohort'],
  treatment: ['treat'],
  ref_p: ['ref'],
  reference: ['ref'],
  base_period: ['basePeriod'],
  family: ['mediatorFamily', 'outcomeFamily', 'family'],
  model_m: ['mediatorModel'],
  model_y: ['outcomeModel'],
  group_out: ['groupOut'],
  seed: ['seed'],
  boot_ci: ['bootCiType'],
  clustid: ['clusters', 'cluster'],
  bootcluster: ['bootCluster'],
  impose_null: ['impose'],
  p_val_type: ['pValueType'],
  sign_level: ['level'],
  conf_int: ['confInt'],
  boot_iter: ['B'],
  reps: ['reps', 'B'],
  horizon: ['horizons'],
  wname: ['weights'],
  first_stage: ['firstStage'],
  second_stage: ['secondStage'],
  id_var: ['unit'],
  time_var: ['time'],
});

/** R's hint for what the suggested key takes, when the names differ in kind. */
function hint(alias: string, key: string, value: unknown): string {
  if (key === 'vcov' && alias.startsWith('cluster')) return `vcov: { CRV1: ${showValue(typeof value === 'string' ? value : '<column>')} }`;
  if (key === 'level' && (alias === 'alp' || alias === 'alpha') && typeof value === 'number') return `level: ${1 - value}`;
  if (key === 'bootstrap' && alias === 'biters') return 'bootstrap: { reps, seed }';
  if (key === 'bootstrap' && alias === 'cband') return 'bootstrap: { reps, seed, uniform }';
  return `"${key}"`;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[._\-\s]/g, '');
}

/**
 * Damerau–Levenshtein (optimal string alignment) distance.
 *
 * @example
 * editDistance('weight', 'weights'); // 1
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The suggestion for an unknown key: an R/Stata name's counterpart, else the nearest known key
 * (case, `.` and `_` ignored; at most a third of the name's letters apart), else undefined.
 *
 * @example
 * suggestOption('std.caliper', ['stdCaliper', 'ratio'], undefined); // '"stdCaliper"'
 * suggestOption('cluster', ['vcov', 'weights'], 'id'); // 'vcov: { CRV1: "id" }'
 */
export function suggestOption(key: string, known: readonly string[], value: unknown): string | undefined {
  const normalized = normalize(key);
  const byNormal = new Map(known.map((k) => [normalize(k), k]));
  const exact = byNormal.get(normalized);
  if (exact !== undefined && exact !== key) return `"${exact}"`;
  const aliasKey = Object.keys(R_NAMES).find((alias) => normalize(alias) === normalized);
  if (aliasKey !== undefined) {
    const target = R_NAMES[aliasKey]!.find((candidate) => known.includes(candidate) && candidate !== key);
    if (target !== undefined) return hint(aliasKey, target, value);
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const [norm, original] of byNormal) {
    const distance = editDistance(normalized, norm);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = original;
    }
  }
  const limit = Math.max(1, Math.floor(normalized.length / 3));
  return best !== undefined && bestDistance <= limit ? `"${best}"` : undefined;
}

function readSpec<S extends OptionSpec>(fn: string, options: unknown, spec: S, context: ReadOptionsContext, prefix: string): Params<S> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const key = prefix === '' ? 'options' : prefix.slice(0, -1);
    throw new CausalPanelError('invalid_option', `${fn}: ${prefix === '' ? 'options' : `option "${key}"`} must be an object (got ${showValue(options)})`, { fn, option: key, value: options });
  }
  const given = options as Record<string, unknown>;
  const known = Object.keys(spec);
  for (const key of Object.keys(given)) {
    if (Object.prototype.hasOwnProperty.call(spec, key)) continue;
    const unsupported = context.unsupported !== undefined && Object.prototype.hasOwnProperty.call(context.unsupported, key) ? context.unsupported[key] : undefined;
    if (unsupported !== undefined) {
      throw new CausalPanelError('unknown_option', `${fn}: option "${prefix}${key}" is not supported (${unsupported})`, { fn, option: `${prefix}${key}`, value: given[key] });
    }
    const suggestion = suggestOption(key, known, given[key]);
    const tail = suggestion !== undefined ? `did you mean ${suggestion}?` : `known options: ${known.join(', ')}`;
    throw new CausalPanelError('unknown_option', `${fn}: unknown option "${prefix}${key}" (${tail})`, {
      fn,
      option: `${prefix}${key}`,
      value: given[key],
      ...(suggestion !== undefined ? { suggestion: suggestion.replace(/^"(.*)"$/, '$1') } : {}),
    });
  }
  const out: Record<string, unknown> = {};
  for (const key of known) out[key] = spec[key]!.read(given[key], { fn, key: `${prefix}${key}` });
  return Object.freeze(out) as Params<S>;
}

/**
 * Reads `options` with `spec` into a frozen params object: each value checked and defaulted by
 * its reader; a key not in the spec is an `unknown_option` error with a suggestion.
 *
 * @param fn the public function, named in messages
 * @param options what the caller passed (`undefined` reads as `{}`)
 * @throws {CausalPanelError} `unknown_option` (with `details.suggestion`), `invalid_option`
 * @example
 * readOptions('feols', { weight: 'w' }, { weights: opt.column(), level: opt.level() });
 * // throws unknown_option: 'feols: unknown option "weight" (did you mean "weights"?)'
 * readOptions('feols', { weights: 'w' }, { weights: opt.column(), level: opt.level() });
 * // { weights: 'w', level: 0.95 } (frozen)
 */
export function readOptions<S extends OptionSpec>(fn: string, options: unknown, spec: S, context: ReadOptionsContext = {}): Params<S> {
  return readSpec(fn, options === undefined ? {} : options, spec, context, '');
}
