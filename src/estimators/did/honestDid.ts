/**
 * `honestDid`: Rambachan & Roth's sensitivity analysis of an event study to violations of
 * parallel trends, as HonestDiD 0.2.6 computes it. The input is any event study — a result with
 * event-time `rows` (`e`) and a `vcov()` of them (`eventStudy` TWFE or Sun–Abraham, imputation and
 * two-stage results), an `attgt(...).aggregate('dynamic')` (vcov from its influence functions), or
 * plain `{ betahat, sigma, numPrePeriods, numPostPeriods }`.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { opt, readOptions, type OptionPath, invalidOption } from '../../options.js';
import { seqLength, type Matrix } from './honestDidArp.js';
import { breakdownValue, defaultSmoothnessGrid, originalCs, sensitivityRows, targetMoments, type HonestInput, type HonestMethod, type HonestType } from './honestDidCompute.js';
import { HonestDidResult } from './honestDidResult.js';
import { simulatedFoldedQuantile } from './honestDidSimulated.js';
import { foldedNormalQuantile } from '../../numerics/truncatedNormal.js';

const FN = 'honestDid';

/**
 * Options of {@link honestDid}.
 *
 * @example
 * const options: HonestDidOptions = { type: 'smoothness', M: [0, 0.01, 0.02], method: 'C-F', postPeriod: 'average' };
 * honestDid(es, options).rows.length; // 3
 */
export interface HonestDidOptions {
  /** 'relativeMagnitudes' (Δ^RM(M̄)) or 'smoothness' (Δ^SD(M)); default 'relativeMagnitudes'. */
  type?: HonestType;
  /** M̄ values for relative magnitudes (R's `Mbarvec`); default HonestDiD's `seq(0, 2, length.out = 10)`. */
  Mbar?: readonly number[];
  /** M values for smoothness (R's `Mvec`); default HonestDiD's: 10 values from 0 to the pre-periods' upper bound (`DeltaSD_upperBound_Mpre`). */
  M?: readonly number[];
  /**
   * 'Conditional' (ARP), 'C-LF' (conditional with the least-favourable first stage), and for
   * smoothness also 'FLCI' and 'C-F' (conditional with the FLCI first stage). Defaults as
   * HonestDiD's: 'C-LF' for relative magnitudes, 'FLCI' for smoothness.
   */
  method?: HonestMethod;
  /**
   * The FLCI's folded-normal critical value: 'simulated' (HonestDiD's: the quantile of 10⁶ draws
   * from R's `set.seed(0)` stream, reproduced exactly) or 'exact' (the quantile itself, to
   * machine precision). Default 'simulated'.
   */
  flciQuantile?: 'simulated' | 'exact';
  /** The post period of interest by its event time, or 'average' of all post periods; default the first post period. */
  postPeriod?: number | 'average';
  /** Explicit weights on the post periods (R's `l_vec`); overrides `postPeriod`. */
  lVec?: readonly number[];
  /** Confidence level; default 0.95 (R's `alpha = 0.05`). */
  level?: number;
  /** Points of the θ grid of the conditional methods (R's `gridPoints`); default 1000. */
  gridPoints?: number;
  /** Bounds of the θ grid (R's `grid.lb`, `grid.ub`); default HonestDiD's. */
  gridLb?: number;
  gridUb?: number;
}

/**
 * An event study as honestDid reads it structurally: plain HonestDiD inputs, a result with
 * event-time rows and `vcov()`, or an attgt aggregate with influence functions.
 *
 * @example
 * const input: HonestDidInput = { betahat: [0.01, 0.02, -0.05, -0.08], sigma, numPrePeriods: 2, numPostPeriods: 2 };
 * honestDid(input, { type: 'relativeMagnitudes', Mbar: [0, 1] }).rows.length; // 2
 */
export type HonestDidInput =
  | { betahat: readonly number[]; sigma: readonly (readonly number[])[]; numPrePeriods: number; numPostPeriods: number }
  | { rows: readonly { e?: number; estimate: number; reference?: boolean; term?: string }[]; vcov(): readonly (readonly number[])[]; terms?: readonly string[] }
  | { rows: readonly { e: number; estimate: number }[]; influence(): Float64Array; n: number };

const UNSUPPORTED = {
  monotonicityDirection: "HonestDiD's monotonicity restrictions (Δ^SDI, Δ^RMI, …) are not supported",
  biasDirection: "HonestDiD's sign restrictions (Δ^SDPB, Δ^RMPB, …) are not supported",
  bound: "HonestDiD's bound = 'deviation from linear trend' is not supported",
  parallel: 'computations are sequential',
  seed: "the simulations (C-LF's critical value, the FLCI's simulated quantile) use R's set.seed(0) stream, HonestDiD's default seed; other seeds are not supported",
};

const numberList = (what: string) =>
  opt.custom((value: unknown, at: OptionPath): readonly number[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw invalidOption(at, what, value);
    return Object.freeze([...(value as number[])]);
  });

const SPEC = {
  type: opt.oneOf(['relativeMagnitudes', 'smoothness'], 'relativeMagnitudes'),
  Mbar: numberList('a non-empty array of numbers ≥ 0'),
  M: numberList('a non-empty array of numbers ≥ 0'),
  method: opt.oneOf(['Conditional', 'C-LF', 'FLCI', 'C-F']),
  flciQuantile: opt.oneOf(['simulated', 'exact'], 'simulated'),
  postPeriod: opt.custom((value: unknown, at: OptionPath): number | 'average' | undefined => {
    if (value === undefined || value === 'average') return value;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidOption(at, "an integer event time or 'average'", value);
    return value;
  }),
  lVec: opt.custom((value: unknown, at: OptionPath): readonly number[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v)) || value.every((v) => v === 0)) throw invalidOption(at, 'a non-zero array of finite numbers', value);
    return Object.freeze([...(value as number[])]);
  }),
  level: opt.level(),
  gridPoints: opt.integer({ min: 2, max: 1e6, default: 1000 }),
  gridLb: opt.number(),
  gridUb: opt.number(),
};

/** Reads β̂, Σ, the event times and the pre/post split from any accepted input. */
function readInput(input: unknown): { data: HonestInput; times: number[] } {
  if (input === null || typeof input !== 'object') throw new CausalPanelError('invalid_option', `${FN}: the first argument must be an event-study result or { betahat, sigma, numPrePeriods, numPostPeriods } (got ${input === null ? 'null' : typeof input})`, { fn: FN, value: input });
  const obj = input as Record<string, unknown>;
  let betahat: number[];
  let sigma: Matrix;
  let numPre: number;
  let numPost: number;
  let times: number[];
  if (Array.isArray(obj.betahat)) {
    betahat = [...(obj.betahat as number[])];
    if (!Array.isArray(obj.sigma)) throw new CausalPanelError('invalid_option', `${FN}: sigma must be a matrix (an array of rows)`, { fn: FN, option: 'sigma' });
    sigma = (obj.sigma as unknown[]).map((row) => (Array.isArray(row) ? [...(row as number[])] : []));
    numPre = obj.numPrePeriods as number;
    numPost = obj.numPostPeriods as number;
    if (!Number.isInteger(numPre) || !Number.isInteger(numPost) || numPre < 1 || numPost < 1) {
      throw new CausalPanelError('invalid_option', `${FN}: numPrePeriods and numPostPeriods must be integers ≥ 1 (got ${String(numPre)}, ${String(numPost)})`, { fn: FN, value: [numPre, numPost] });
    }
    times = [...Array.from({ length: numPre }, (_, i) => i - numPre - 1), ...Array.from({ length: numPost }, (_, i) => i)];
  } else if (Array.isArray(obj.rows) && (typeof obj.vcov === 'function' || typeof obj.influence === 'function')) {
    const rows = obj.rows as { term?: string; e?: number; estimate: number; reference?: boolean }[];
    // Event-time rows: a finite e, not a reference period (rows without e, such as covariates
    // or a static ATT, are not event-study coefficients).
    const kept = rows.map((row, i) => ({ row, i })).filter(({ row }) => typeof row.e === 'number' && Number.isFinite(row.e) && row.reference !== true);
    if (typeof obj.vcov === 'function') {
      const V = (obj.vcov as () => number[][])();
      if (Array.isArray(obj.terms)) {
        // vcov() in the order of `terms` (didImputation, did2s): pick the event-time rows' terms.
        const terms = obj.terms as string[];
        const at = kept.map(({ row }) => terms.indexOf(String(row.term)));
        if (at.some((j) => j < 0 || j >= V.length)) throw new CausalPanelError('invalid_option', `${FN}: an event-time row's term is not in terms (the order of vcov())`, { fn: FN });
        sigma = at.map((a) => at.map((b) => V[a]![b]!));
      } else {
        if (V.length !== kept.length) throw new CausalPanelError('invalid_option', `${FN}: vcov() has ${V.length} rows for ${kept.length} estimated event times`, { fn: FN });
        sigma = V.map((row) => [...row]);
      }
    } else {
      const inf = (obj.influence as () => Float64Array)();
      const n = obj.n as number;
      // did's analytic variance of the aggregated rows: Ψᵀ Ψ / n² (Ψ n × rows, column-major).
      sigma = kept.map(({ i: a }) =>
        kept.map(({ i: b }) => {
          let s = 0;
          for (let u = 0; u < n; u++) s += inf[u + a * n]! * inf[u + b * n]!;
          return s / (n * n);
        }),
      );
    }
    if (kept.length === 0) throw new CausalPanelError('invalid_option', `${FN}: the result has no event-time rows (rows with e)`, { fn: FN });
    if (typeof obj.influence === 'function' && typeof obj.vcov !== 'function') {
      // did's varying base period estimates e = −1 against e = −2: the pre-period rows are then not
      // relative to one reference, and HonestDiD's honest_did() refuses such an aggregate.
      const base = kept.findIndex(({ row }) => row.e === -1);
      if (base >= 0 && sigma[base]![base]! > 0) {
        throw new CausalPanelError('invalid_option', `${FN}: the attgt aggregate has an estimated e = -1 row (a varying base period); use attgt(..., { basePeriod: 'universal' }) as HonestDiD requires`, { fn: FN, option: 'basePeriod' });
      }
    }
    betahat = kept.map(({ row }) => row.estimate);
    times = kept.map(({ row }) => row.e!);
    numPre = times.filter((e) => e < 0).length;
    numPost = times.length - numPre;
    // A base-period row estimated as exactly 0 with no variance (did's universal base period) is the reference.
    const zeroVar = sigma.map((row, i) => !(row[i]! > 0));
    if (zeroVar.some(Boolean)) {
      const keep = zeroVar.map((z, i) => !z || betahat[i] !== 0);
      if (keep.some((k, i) => !k && times[i]! >= 0)) throw new CausalPanelError('invalid_option', `${FN}: a post-period row has no variance`, { fn: FN });
      const idx = keep.map((k, i) => (k ? i : -1)).filter((i) => i >= 0);
      betahat = idx.map((i) => betahat[i]!);
      times = idx.map((i) => times[i]!);
      sigma = idx.map((i) => idx.map((j) => sigma[i]![j]!));
      numPre = times.filter((e) => e < 0).length;
      numPost = times.length - numPre;
    }
    if (times.some((e, i) => i > 0 && e <= times[i - 1]!)) throw new CausalPanelError('invalid_option', `${FN}: event times must be increasing`, { fn: FN, value: times });
  } else {
    throw new CausalPanelError('invalid_option', `${FN}: the first argument must be an event-study result (rows with e and vcov() or influence()) or { betahat, sigma, numPrePeriods, numPostPeriods }`, { fn: FN });
  }
  const T = betahat.length;
  if (T !== numPre + numPost || sigma.length !== T || sigma.some((row) => row.length !== T)) {
    throw new CausalPanelError('invalid_option', `${FN}: betahat (${T}) and sigma (${sigma.length} × ${sigma[0]?.length ?? 0}) do not conform with ${numPre} + ${numPost} periods`, { fn: FN });
  }
  if (betahat.some((v) => !Number.isFinite(v)) || sigma.some((row) => row.some((v) => !Number.isFinite(v)))) {
    throw new CausalPanelError('non_finite', `${FN}: betahat and sigma must be finite`, { fn: FN });
  }
  if (sigma.some((row, i) => row.some((v, j) => Math.abs(v - sigma[j]![i]!) > 1e-10 * Math.max(1e-300, Math.abs(v)))) || sigma.some((row, i) => !(row[i]! > 0))) {
    throw new CausalPanelError('invalid_option', `${FN}: sigma must be symmetric with a positive diagonal`, { fn: FN });
  }
  if (numPre < 1) throw new CausalPanelError('invalid_option', `${FN}: at least one pre-period coefficient is needed (got none)`, { fn: FN });
  if (numPost < 1) throw new CausalPanelError('invalid_option', `${FN}: at least one post-period coefficient is needed (got none)`, { fn: FN });
  return { data: { betahat, sigma, numPre, numPost }, times };
}

/**
 * Sensitivity of an event study's post-period effect (one period or their average) to
 * violations of parallel trends (Rambachan & Roth 2023; HonestDiD 0.2.6): robust confidence
 * intervals for each M̄ (relative magnitudes: post-period trend changes at most M̄ times the
 * largest pre-period one) or M (smoothness: the slope of the violation changes by at most M per
 * period), the original interval, and the breakdown value.
 *
 * @throws {CausalPanelError} `invalid_option` (bad input shapes, options, or an unsupported
 *   combination), `unknown_option` (with a suggestion: `alpha` → `level`, `l_vec` → `lVec`, …),
 *   `non_finite`
 * @example
 * const es = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
 * const hd = honestDid(es, { type: 'relativeMagnitudes', Mbar: [0, 0.5, 1] });
 * hd.rows[0]; // { M: 0, lb: ≈ −0.0398, ub: ≈ 0.0033 } (HonestDiD's C-LF on the same β̂ and Σ)
 * hd.breakdown; // largest M̄ whose interval excludes 0, or null
 */
export function honestDid(input: HonestDidInput, options: HonestDidOptions = {}): HonestDidResult {
  const params = readOptions(FN, options, SPEC, { unsupported: UNSUPPORTED });
  const { data, times } = readInput(input);
  const type = params.type;
  const method: HonestMethod = params.method ?? (type === 'smoothness' ? 'FLCI' : 'C-LF');
  if (type === 'relativeMagnitudes' && method !== 'Conditional' && method !== 'C-LF') {
    throw new CausalPanelError('invalid_option', `${FN}: relative magnitudes support methods "Conditional" and "C-LF" (got "${method}"; HonestDiD has no FLCI for Δ^RM)`, { fn: FN, option: 'method', value: method });
  }
  if (type === 'relativeMagnitudes' && params.M !== undefined) throw new CausalPanelError('invalid_option', `${FN}: relative magnitudes take Mbar, not M`, { fn: FN, option: 'M' });
  if (type === 'smoothness' && params.Mbar !== undefined) throw new CausalPanelError('invalid_option', `${FN}: smoothness takes M, not Mbar`, { fn: FN, option: 'Mbar' });
  const postTimes = times.slice(data.numPre);
  let lVec: number[];
  if (params.lVec !== undefined) {
    if (params.lVec.length !== data.numPost) throw new CausalPanelError('invalid_option', `${FN}: lVec has ${params.lVec.length} weights for ${data.numPost} post periods`, { fn: FN, option: 'lVec' });
    lVec = [...params.lVec];
  } else if (params.postPeriod === 'average') {
    lVec = postTimes.map(() => 1 / data.numPost);
  } else {
    const e = params.postPeriod ?? postTimes[0]!;
    const at = postTimes.indexOf(e);
    if (at < 0) throw new CausalPanelError('invalid_option', `${FN}: postPeriod ${e} is not a post-period event time (${postTimes.join(', ')})`, { fn: FN, option: 'postPeriod', value: e });
    lVec = postTimes.map((_, i) => (i === at ? 1 : 0));
  }
  // HonestDiD's default Mbarvec: seq(0, 2, length.out = 10).
  const values = type === 'smoothness' ? (params.M ?? defaultSmoothnessGrid(data)) : (params.Mbar ?? seqLength(0, 2, 10));
  // R's alpha as the user wrote it: 1 − 0.95 is 0.050000000000000044 in doubles, HonestDiD's 0.05.
  const alphaOf = (level: number): number => Number((1 - level).toPrecision(15));
  const alpha = alphaOf(params.level);
  const grid = { gridPoints: params.gridPoints, ...(params.gridLb !== undefined ? { gridLb: params.gridLb } : {}), ...(params.gridUb !== undefined ? { gridUb: params.gridUb } : {}) };
  const quantile = params.flciQuantile === 'exact' ? foldedNormalQuantile : simulatedFoldedQuantile();
  const rows = sensitivityRows(data, type, method, values, lVec, alpha, grid, quantile);
  const { estimate, sd } = targetMoments(data, lVec);
  // HonestDiD warns when a grid interval is open at an end of the grid (not for the FLCI hybrid,
  // whose grid is the first-stage FLCI itself); an empty interval is reported too.
  const open = method === 'C-F' ? [] : rows.filter((r) => r.openAtGridEnd === true).map((r) => r.M);
  const empty = rows.filter((r) => Number.isNaN(r.lb)).map((r) => r.M);
  const notes: Note[] = open.length > 0 || empty.length > 0 ? [{ code: 'honest_grid_limits', parameter: type === 'smoothness' ? 'M' : 'Mbar', open, empty }] : [];
  return new HonestDidResult({
    type,
    method,
    level: params.level,
    lVec,
    times,
    numPre: data.numPre,
    numPost: data.numPost,
    estimate,
    stdError: sd,
    original: originalCs(data, lVec, alpha),
    rows,
    breakdown: breakdownValue(rows),
    flciQuantile: params.flciQuantile,
    notes,
    recompute: (level) => ({ original: originalCs(data, lVec, alphaOf(level)), rows: sensitivityRows(data, type, method, values, lVec, alphaOf(level), grid, quantile) }),
  });
}
