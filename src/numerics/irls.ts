/**
 * Iteratively reweighted least squares for generalised linear models, reproducing R's
 * `glm.fit` (R 4.2 `src/library/stats/R/glm.R`; McCullagh & Nelder 1989, *Generalized Linear
 * Models*, §2.5) step for step, so that coefficients AND standard errors agree with R's:
 *
 * - start: μ₀ = the family's `mustart` (binomial (w·y + ½)/(w + 1), gaussian y); η₀ = g(μ₀);
 *   dev₀ = Σ dev(y, μ₀). Binomial rows with zero weight get y = 0 (R's `initialize`).
 * - each iteration: z = η + (y − μ)/μ′(η), working weight W = w·μ′(η)²/V(μ), then the weighted
 *   least-squares fit of z on X; new η = Xb, μ = g⁻¹(η), dev = Σ dev(y, μ).
 * - the weighted fit: R's is the pivoted Householder QR of √W·X (tolerance min(1e-7, ε/1000),
 *   `C_Cdqrls`), which `solver: 'qr'` runs at every iteration. The default `'auto'` solves the
 *   same least-squares problem through the normal equations while the column-scaled design is
 *   well conditioned (condition bound ≤ 100, so dqrdc2 would pivot nothing; `gramSolver.ts`):
 *   XᵀWX and XᵀWz are accumulated in the pass over the rows that computes η, μ and the deviance
 *   (`irlsPasses.ts`), and the final coefficients get one step of iterative refinement when
 *   κ̂ > 10. Ill-conditioned or collinear iterations fall back to the QR. Both reproduce R's
 *   coefficients and SEs to ~1e-14 (lalonde: 2e-14 vs 8e-16 for 'qr').
 * - a non-finite deviance halves the step towards the previous coefficients (R's inner loop).
 * - convergence: |dev − dev_old| / (|dev| + 0.1) < ε (default 1e-8), at most 25 iterations.
 * - the covariance (XᵀWX)⁻¹ comes from the R factor of the LAST weighted fit, i.e. with the
 *   working weights of the start of the final iteration — exactly what `summary.glm` uses. (At
 *   R's default ε these SEs differ from the exact-MLE SEs by up to ~5e-5 relative; we match R.)
 * - deviance, null deviance, AIC (the family's `aic` + 2·rank) and residual df as `glm.fit`.
 *
 * Links, μ′, variances, deviances and their clamping are the family module's (`family.ts`, R's
 * `family.c`). Fitted probabilities within 10·DBL_EPSILON of 0 or 1 are counted as `separation`
 * (R's warning "fitted probabilities numerically 0 or 1 occurred").
 *
 * Dimension symbols: n = rows, k = coefficients, r = rank.
 */
import { CausalPanelError } from '../errors.js';
import { DBL_EPSILON, glmFamily, type FamilyName, type GlmFamily, type LinkName } from './family.js';
import { BLOCK, GramSolver, REFINE_ABOVE } from './gramSolver.js';
import { fittedMeans, fusedPass, type PassState } from './irlsPasses.js';
import { PivotedQR } from './qr.js';

/**
 * Options for {@link irls} (R's `glm.fit` / `glm.control` arguments).
 *
 * @example
 * const options: IrlsOptions = { family: 'binomial', link: 'probit', epsilon: 1e-10, solver: 'qr' };
 * irls(X, 6, 2, y, options).converged; // true (X and y as in the example of irls)
 */
export interface IrlsOptions {
  /** Error family (R `family`). */
  family: FamilyName;
  /** Link (R `family(link =)`); logit/probit need binomial, identity needs gaussian. */
  link: LinkName;
  /** Prior weights (R `weights`), non-negative. */
  weights?: ArrayLike<number>;
  /** Convergence tolerance on the relative deviance change (R `glm.control(epsilon = 1e-8)`). */
  epsilon?: number;
  /** Maximum IRLS iterations (R `glm.control(maxit = 25)`). */
  maxIterations?: number;
  /**
   * Starting coefficients (R `glm(start =)`), length k: η₀ = X·start, and the deviance there is
   * R's `devold`, so the convergence test applies from iteration 1. A warm start (e.g. the
   * full-sample estimates for bootstrap refits) reaches the same MLE in fewer iterations.
   */
  start?: ArrayLike<number>;
  /**
   * Whether the model has an intercept, for the null deviance (R's `intercept`). Default: true
   * when some column of X is identically 1.
   */
  intercept?: boolean;
  /**
   * Weighted least-squares solver of the iterations. `'auto'` (default): the normal equations
   * (Cholesky of the column-scaled XᵀWX, formed in the same pass as η, μ and the deviance) while
   * the scaled design's condition bound is ≤ 100, refined once at the end, else R's pivoted QR;
   * `'qr'`: R's pivoted Householder QR of √W·X at every iteration (the reference path).
   * Both give R's coefficients and SEs to ~1e-13.
   */
  solver?: 'auto' | 'qr';
}

/**
 * Result of {@link irls}.
 *
 * @example
 * const X = Float64Array.of(1, 1, 1, 1, 1, 1,  0, 1, 2, 3, 4, 5);
 * const fit = irls(X, 6, 2, Float64Array.of(0, 0, 1, 0, 1, 1), { family: 'binomial', link: 'logit' });
 * fit.coef; // Float64Array [-3.03507, 1.21403]
 * fit.deviance; // ≈ 4.95597; fit.iterations = 5, fit.dfResidual = 4
 */
export interface IrlsResult {
  /** Coefficients, length k; NaN for columns dropped as collinear. */
  coef: Float64Array;
  /** Original indices of the kept columns, increasing. */
  kept: Int32Array;
  /** Numerical rank r. */
  rank: number;
  /** (XᵀWX)⁻¹ over the kept columns (r×r, column-major), W = working weights of the last fit. */
  xtwxInverse: Float64Array;
  /** Fitted means μ = g⁻¹(η), length n. */
  fitted: Float64Array;
  /** Linear predictor η = Xb, length n. */
  linearPredictor: Float64Array;
  /** Working weights W of the last weighted fit (R's `fit$weights`), length n. */
  workingWeights: Float64Array;
  /** Working residuals (y − μ)/μ′(η) at the final fit (R's `residuals(fit, "working")`). */
  workingResiduals: Float64Array;
  /** Residual deviance (R's `deviance`). */
  deviance: number;
  /** Null deviance (intercept-only fit, or μ = g⁻¹(0) without intercept). */
  nullDeviance: number;
  /** AIC as R's `glm.fit`: the family's `aic` + 2·rank (+∞ for gaussian with a zero weight, as R). */
  aic: number;
  /** Residual degrees of freedom: rows with positive weight − rank (R's `df.residual`). */
  dfResidual: number;
  /** IRLS iterations performed (R's `fit$iter`). */
  iterations: number;
  /** Whether the deviance criterion was met. */
  converged: boolean;
  /** True when the step had to be halved because the deviance was not finite (R's `boundary`). */
  boundary: boolean;
  /** True when some fitted probability is within 10·DBL_EPSILON of 0 or 1 (binomial only). */
  separation: boolean;
  /** Number of such fitted probabilities. */
  separationCount: number;
}

/**
 * Fits a GLM by IRLS exactly as R's `glm.fit` (see the file header for the algorithm).
 *
 * @throws {CausalPanelError} `invalid_option` (bad family/link pair, lengths, weights, or a
 * binomial response outside [0, 1]); `no_convergence` when no finite deviance can be found
 * (R: "no valid set of coefficients has been found"); `singular_design` when no column is kept
 * @example
 * // logit of y on (1, x)
 * const X = Float64Array.of(1, 1, 1, 1, 1, 1,  0, 1, 2, 3, 4, 5);
 * const fit = irls(X, 6, 2, Float64Array.of(0, 0, 1, 0, 1, 1), { family: 'binomial', link: 'logit' });
 * fit.converged; // true — coefficients as R's coef(glm(y ~ x, binomial))
 */
export function irls(X: Float64Array, n: number, k: number, y: ArrayLike<number>, options: IrlsOptions): IrlsResult {
  const { weights, epsilon = 1e-8, maxIterations = 25, start, solver = 'auto' } = options;
  const fn = 'irls';
  validate(X, n, k, y, options, fn);
  const family = glmFamily(options.family, options.link, fn);
  const prior = new Float64Array(n);
  if (weights === undefined) prior.fill(1);
  else prior.set(weights);
  const response = new Float64Array(n);
  response.set(y);
  if (family.family === 'binomial') for (let i = 0; i < n; i++) if (prior[i] === 0) response[i] = 0;

  // η at the current coefficients and at the last weighted fit's (whose W and z give R's
  // `fit$weights`, the final refinement and the QR fallback); swapped every iteration.
  let eta = new Float64Array(n);
  let lastEta = new Float64Array(n);
  const mu = new Float64Array(n);
  // W and z (the storing passes' outputs): the logit's iterations never store them, so they are
  // allocated only when the QR fallback or the final refinement needs them. The other links
  // store them in every pass, double-buffered like η: (prevW, prevZ) are those of the pass that
  // computed lastEta, i.e. of the last weighted fit, so the QR fallback, the refinement and
  // R's `fit$weights` need no extra pass.
  const storesAlways = !(family.family === 'binomial' && family.link === 'logit');
  const gram = new GramSolver(k);
  const empty = storesAlways ? n : 0;
  const state: PassState = { X, n, k, family, y: response, prior, mu, gram, W: new Float64Array(empty), z: new Float64Array(empty) };
  let prevW: Float64Array = new Float64Array(empty);
  let prevZ: Float64Array = new Float64Array(empty);
  /** W and z of the fit at `etaOfFit`: stored by the last pass, or (logit) recomputed. */
  const workingArrays = (etaOfFit: Float64Array): { W: Float64Array; z: Float64Array } => {
    if (storesAlways) return { W: prevW, z: prevZ };
    if (state.W.length !== n) {
      state.W = new Float64Array(n);
      state.z = new Float64Array(n);
    }
    fusedPass(state, null, etaOfFit, true);
    return { W: state.W, z: state.z };
  };
  let coefOld: Float64Array | null = null;
  let coef = new Float64Array(k);
  let dev: number;
  if (start !== undefined) {
    coef = Float64Array.from(start as ArrayLike<number>);
    dev = fusedPass(state, coef, eta, false);
    coefOld = Float64Array.from(coef);
  } else {
    // η₀ = g(μ₀); μ₀ takes few distinct values (two for a 0/1 response with unit weights), so
    // the last one is remembered instead of calling g on every row.
    let lastM = NaN;
    let lastValue = NaN;
    for (let i = 0; i < n; i++) {
      const m = family.mustart(response[i]!, prior[i]!);
      if (m !== lastM) {
        lastM = m;
        lastValue = family.linkfun(m);
      }
      eta[i] = lastValue;
    }
    dev = fusedPass(state, null, eta, false); // μ = g⁻¹(η₀), as glm.fit's `eval(family$linkinv(eta))`
  }
  let devOld = dev;
  let converged = false;
  let boundary = false;
  let iterations = 0;
  const tolerance = Math.min(1e-7, epsilon / 1000);
  // The last weighted fit: rank, kept columns and (XᵀWX)⁻¹ (from the Gram solver or the QR).
  let rank = 0;
  let kept: Int32Array = new Int32Array(0);
  let inverse: (() => Float64Array) | null = null;
  let lastByGram = false;
  let lastSolved = false; // coef is the last weighted fit's solution (not halved, finite)
  // Links that store W and z in every pass form the next fit's XᵀWX only once the deviance test
  // has failed (the converged pass's would be wasted), from the stored W and z, while X is small
  // enough to stay in cache (n·k ≤ 2¹⁶); with `solver: 'qr'` the Gram matrix is never used.
  const deferGram = solver === 'qr' || (storesAlways && n * k <= 65536);
  for (let iter = 1; iter <= maxIterations; iter++) {
    iterations = iter;
    // This fit is at the current η (its XᵀWX and XᵀWz were accumulated by the pass that
    // computed η); the pass below writes the new η into the other buffer.
    [lastEta, eta] = [eta, lastEta];
    if (storesAlways) {
      [prevW, state.W] = [state.W, prevW];
      [prevZ, state.z] = [state.z, prevZ];
    }
    let solution: Float64Array | null = solver === 'qr' ? null : gram.solve();
    lastByGram = solution !== null;
    if (solution !== null) {
      rank = k;
      kept = gram.kept;
      inverse = () => gram.inverse();
    } else {
      // Ill-conditioned or collinear: R's path, the pivoted QR of √W·X (dqrdc2 drops columns).
      const { W, z } = workingArrays(lastEta);
      const qr = qrStep(X, n, k, W, z, tolerance);
      solution = qr.solution;
      rank = qr.factor.rank;
      kept = qr.factor.kept;
      inverse = () => qr.factor.xtxInverse();
    }
    let finite = true;
    for (let p = 0; p < rank; p++) if (!Number.isFinite(solution[kept[p]!]!)) finite = false;
    if (!finite) {
      lastSolved = false;
      eta.set(lastEta); // η stays at the last coefficients (and this fit's W, z are at it)
      break; // R: "non-finite coefficients at iteration" → not converged
    }
    const next = new Float64Array(k);
    for (let p = 0; p < rank; p++) next[kept[p]!] = solution[kept[p]!]!;
    coef = next;
    lastSolved = true;
    gram.idle = deferGram;
    dev = fusedPass(state, coef, eta, false);
    boundary = false;
    if (!Number.isFinite(dev)) {
      if (coefOld === null) {
        throw new CausalPanelError('no_convergence', `${fn}: no valid set of coefficients has been found (deviance ${dev} at iteration ${iter})`, {
          fn,
          value: dev,
        });
      }
      let halvings = 1;
      while (!Number.isFinite(dev)) {
        if (halvings > maxIterations) {
          throw new CausalPanelError('no_convergence', `${fn}: cannot correct step size (deviance ${dev} after ${halvings - 1} halvings)`, {
            fn,
            value: dev,
          });
        }
        halvings++;
        for (let j = 0; j < k; j++) coef[j] = (coef[j]! + coefOld[j]!) / 2;
        dev = fusedPass(state, coef, eta, false);
      }
      boundary = true;
      lastSolved = false;
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = Float64Array.from(coef);
    if (deferGram && solver !== 'qr') {
      gram.idle = false;
      gram.begin();
      for (let start = 0; start < n; start += BLOCK) gram.accumulate(X, n, state.W, state.z, start, Math.min(n, start + BLOCK));
    }
  }
  gram.idle = false;
  // W of the last weighted fit (R's `fit$weights`), at its η; computed when needed.
  let workingWeights: Float64Array | undefined;
  if (lastByGram && lastSolved && gram.condition > REFINE_ABOVE) {
    // The Gram solve's error is O(κ²ε): above κ̂ = 10 one refinement step with the last fit's
    // (W, z) brings the final coefficients to QR accuracy (intermediate iterates need not be
    // exact: IRLS corrects them); η, μ and the deviance are then recomputed.
    const { W, z } = workingArrays(lastEta);
    workingWeights = W.slice();
    if (gram.refine(X, n, W, z, coef)) {
      gram.idle = true; // the Cholesky factor stays that of the last fit; no new XᵀWX needed
      dev = fusedPass(state, coef, eta, false);
    }
  }
  // μ at the final η: the logit's iteration passes do not store it; the other links' last pass
  // was at the final η and did.
  if (!storesAlways) fittedMeans(eta, mu, family);
  if (inverse === null || rank === 0) {
    throw new CausalPanelError('singular_design', `${fn}: no estimable coefficient (rank ${rank})`, { fn, value: rank });
  }
  const coefOut = new Float64Array(k).fill(NaN);
  for (let p = 0; p < rank; p++) coefOut[kept[p]!] = coef[kept[p]!]!;
  const weightsEta = lastEta;
  const computeWorkingWeights = (): Float64Array => {
    if (storesAlways) return prevW;
    const out = new Float64Array(n);
    fusedPass({ ...state, mu: new Float64Array(n), W: out, z: new Float64Array(n), gram: new GramSolver(k) }, null, weightsEta, true);
    return out;
  };
  const fit = { X, n, k, family, response, prior, mu, eta, rank, deviance: dev, intercept: options.intercept };
  return finalResult(fit, {
    coef: coefOut,
    kept,
    xtwxInverse: inverse(),
    workingWeights: () => (workingWeights ??= computeWorkingWeights()),
    iterations,
    converged,
    boundary,
  });
}

/** R's QR step: the pivoted QR of √W·X and the least-squares solution for √W·z (Björck-refined). */
function qrStep(X: Float64Array, n: number, k: number, W: Float64Array, z: Float64Array, tolerance: number): { factor: PivotedQR; solution: Float64Array } {
  const scaledX = new Float64Array(n * k); // kept by the QR for its refinement: fresh each time
  const scaledZ = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wi = Math.sqrt(W[i]!);
    scaledZ[i] = z[i]! * wi;
    for (let j = 0; j < k; j++) scaledX[j * n + i] = X[j * n + i]! * wi;
  }
  const factor = new PivotedQR(scaledX, n, k, { tolerance });
  // Björck refinement as in leastSquares (condition-gated on large problems).
  const solution = factor.solve(scaledZ, 2, n * k > 1e6 ? 100 : 0);
  return { factor, solution };
}

/** The converged fit, as {@link finalResult} reads it. */
interface FinalFit {
  X: Float64Array;
  n: number;
  k: number;
  family: GlmFamily;
  /** y, with zero-weight binomial rows set to 0 (R's `initialize`). */
  response: Float64Array;
  prior: Float64Array;
  mu: Float64Array;
  eta: Float64Array;
  rank: number;
  deviance: number;
  intercept: boolean | undefined;
}

/**
 * The {@link IrlsResult}: separation count and residual df now; working weights and residuals,
 * null deviance and AIC (a transcendental per row each, which most callers — propensity scores —
 * never read) on first read.
 */
function finalResult(
  fit: FinalFit,
  parts: Pick<IrlsResult, 'coef' | 'kept' | 'xtwxInverse' | 'iterations' | 'converged' | 'boundary'> & { workingWeights: () => Float64Array },
): IrlsResult {
  const { X, n, k, family, response, prior, mu, eta, rank, deviance } = fit;
  let separationCount = 0;
  if (family.family === 'binomial') {
    const eps = 10 * DBL_EPSILON;
    for (let i = 0; i < n; i++) if (mu[i]! > 1 - eps || mu[i]! < eps) separationCount++;
  }
  let nGood = 0;
  for (let i = 0; i < n; i++) if (prior[i]! > 0) nGood++;
  const computeWorkingResiduals = (): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (response[i]! - mu[i]!) / family.muEta(eta[i]!);
    return out;
  };
  // R: wtdmu = Σwy/Σw with an intercept, else g⁻¹(0) (no offset); nulldev = Σ dev.resids(y, wtdmu, w).
  const computeNullDeviance = (): number => {
    let nullMean: number;
    if (fit.intercept ?? hasUnitColumn(X, n, k)) {
      let sw = 0;
      let swy = 0;
      for (let i = 0; i < n; i++) {
        sw += prior[i]!;
        swy += prior[i]! * response[i]!;
      }
      nullMean = swy / sw;
    } else {
      nullMean = family.linkinv(0);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += family.devResid(response[i]!, nullMean, prior[i]!);
    return sum;
  };
  let workingResiduals: Float64Array | undefined;
  let nullDeviance: number | undefined;
  let aic: number | undefined;
  return {
    coef: parts.coef,
    kept: parts.kept,
    rank,
    xtwxInverse: parts.xtwxInverse,
    fitted: mu,
    linearPredictor: eta,
    get workingWeights(): Float64Array {
      return parts.workingWeights();
    },
    get workingResiduals(): Float64Array {
      return (workingResiduals ??= computeWorkingResiduals());
    },
    deviance,
    get nullDeviance(): number {
      return (nullDeviance ??= computeNullDeviance());
    },
    get aic(): number {
      return (aic ??= family.aic(response, mu, prior, deviance) + 2 * rank);
    },
    dfResidual: nGood - rank,
    iterations: parts.iterations,
    converged: parts.converged,
    boundary: parts.boundary,
    separation: separationCount > 0,
    separationCount,
  };
}

function hasUnitColumn(X: Float64Array, n: number, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let all = true;
    for (let i = 0; i < n && all; i++) if (X[i + j * n] !== 1) all = false;
    if (all) return true;
  }
  return false;
}

function validate(X: Float64Array, n: number, k: number, y: ArrayLike<number>, options: IrlsOptions, fn: string): void {
  const { family, link, weights, epsilon = 1e-8, maxIterations = 25, start } = options;
  const pairOk = family === 'binomial' ? link === 'logit' || link === 'probit' : family === 'gaussian' && link === 'identity';
  if (!pairOk) {
    throw new CausalPanelError('invalid_option', `${fn}: family/link must be binomial/logit, binomial/probit or gaussian/identity (got ${family}/${link})`, {
      fn,
      option: 'link',
      value: `${family}/${link}`,
    });
  }
  if (options.solver !== undefined && options.solver !== 'auto' && options.solver !== 'qr') {
    throw new CausalPanelError('invalid_option', `${fn}: solver must be 'auto' or 'qr' (${String(options.solver)})`, { fn, option: 'solver', value: String(options.solver) });
  }
  if (X.length !== n * k) {
    throw new CausalPanelError('invalid_option', `${fn}: X has ${X.length} entries, expected n·k = ${n * k}`, { fn, value: X.length });
  }
  if (y.length !== n) throw new CausalPanelError('invalid_option', `${fn}: y has length ${y.length}, expected ${n}`, { fn, value: y.length });
  if (!(epsilon > 0)) throw new CausalPanelError('invalid_option', `${fn}: epsilon must be positive (${epsilon})`, { fn, option: 'epsilon', value: epsilon });
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new CausalPanelError('invalid_option', `${fn}: maxIterations must be a positive integer (${maxIterations})`, {
      fn,
      option: 'maxIterations',
      value: maxIterations,
    });
  }
  if (start !== undefined && start.length !== k) {
    throw new CausalPanelError('invalid_option', `${fn}: start has length ${start.length}, expected ${k}`, { fn, option: 'start', value: start.length });
  }
  if (weights !== undefined) {
    if (weights.length !== n) {
      throw new CausalPanelError('invalid_option', `${fn}: weights have length ${weights.length}, expected ${n}`, { fn, option: 'weights' });
    }
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      if (!(w >= 0 && Number.isFinite(w))) {
        throw new CausalPanelError('invalid_option', `${fn}: weights must be finite and non-negative (row ${i}: ${w})`, { fn, option: 'weights', row: i, value: w });
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const v = y[i] as number;
    if (!Number.isFinite(v)) throw new CausalPanelError('non_finite', `${fn}: y is not finite (row ${i}: ${v})`, { fn, row: i, value: v });
    if (family === 'binomial' && (v < 0 || v > 1)) {
      throw new CausalPanelError('invalid_option', `${fn}: binomial y must be in [0, 1] (row ${i}: ${v})`, { fn, row: i, value: v });
    }
  }
}
