/**
 * Linear mixed models as lme4's `lmer` (lme4 1.1-31) with lmerTest's Satterthwaite tests
 * (lmerTest 3.1-3).
 *
 * Pipeline: data → Frame → random-effect bars split out of the formula (`bars.ts`) → the fixed
 * design by the ordinary formula module, with the bars' columns joining the complete-case rows →
 * random-effects terms (`reTerms.ts`) → collinear fixed columns dropped by pivoted QR (as lme4's
 * `chkRank.drop.cols`) → the profiled deviance over θ (`deviance.ts`: sparse Cholesky of
 * ΛᵀZᵀZΛ + I) minimised by bounded Nelder–Mead with restarts (`numerics/nelderMead.ts`, see there
 * why) → β, σ, vcov(β̂) = σ²(RX RXᵀ)⁻¹, conditional modes and variances → Satterthwaite df
 * (`satterthwaite.ts`) → an {@link LmmFit}.
 *
 * Dimension symbols: n observations, p fixed effects, q random effects.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { opt, readOptions, type Params } from '../../options.js';
import { toFrame, type DataInput } from '../../data/fromInput.js';
import { Frame } from '../../data/frame.js';
import { leastSquares } from '../../numerics/leastSquares.js';
import { nelderMead } from '../../numerics/nelderMead.js';
import { parseFormula } from '../formula/parse.js';
import { buildDesign } from '../formula/design.js';
import { splitBars } from './bars.js';
import { buildReTerms, thetaBounds } from './reTerms.js';
import { LmmSystem, profiledDeviance } from './deviance.js';
import { LmmFit } from './lmmResult.js';
import { ddfTests, type DdfContext, type LmmDdf } from './ddf.js';

/**
 * Options of {@link lmm}; names mirror lme4's `lmer` and lmerTest's `summary` arguments.
 *
 * @example
 * const options: LmmOptions = { REML: false, ddf: 'Satterthwaite', level: 0.9 };
 * lmm('MathAch ~ SES + (1 | School)', hsb, options);
 */
export interface LmmOptions {
  /** lme4 `REML`: fit by REML (default true) or maximum likelihood (false). */
  REML?: boolean;
  /** lme4 `weights`: a column of positive prior weights (the residual variance of row i is σ²/wᵢ); rows with weight 0 are dropped (noted). */
  weights?: string;
  /**
   * lmerTest `ddf`: 'Satterthwaite' (default) t tests; 'Kenward-Roger' (pbkrtest's adjusted SEs
   * and df; REML fits whose random terms share one grouping factor); or 'normal' (z tests:
   * lme4's summary without df).
   */
  ddf?: LmmDdf;
  /** Confidence level of intervals (default 0.95). */
  level?: number;
  /** Optimiser: stop when the simplex spans less than this in θ (default 1e-10). */
  tolerance?: number;
  /** Optimiser: evaluation budget (default 100000). */
  maxEvaluations?: number;
}

const LMM_OPTIONS = {
  REML: opt.boolean(true),
  weights: opt.column(),
  ddf: opt.oneOf(['Satterthwaite', 'Kenward-Roger', 'normal'], 'Satterthwaite'),
  level: opt.level(),
  tolerance: opt.number({ min: 0, exclusiveMin: true, default: 1e-10 }),
  maxEvaluations: opt.integer({ min: 10, default: 100000 }),
};

export type LmmParams = Params<typeof LMM_OPTIONS>;

const LMM_UNSUPPORTED: Readonly<Record<string, string>> = {
  offset: 'subtract the offset from the outcome instead',
  subset: 'pass only the rows to use as data',
  'na.action': 'rows with missing values are always dropped (and counted in a note)',
  naAction: 'rows with missing values are always dropped (and counted in a note)',
  control: 'the optimiser is set by tolerance and maxEvaluations',
  start: 'the optimiser always starts from lme4\'s start (θ with unit diagonals)',
  verbose: 'nothing is printed',
  contrasts: 'factors use treatment contrasts, as R\'s default',
  devFunOnly: 'the deviance function is not returned',
};

/**
 * Fits a linear mixed model with lme4's formula syntax: `(1 | g)`, `(1 + x | g)`, `(0 + x | g)`,
 * `(1 + x || g)` (independent terms), `(1 | a) + (1 | b)` (crossed), `(1 | a/b)` (nested).
 *
 * @param formula lme4 formula, e.g. `'MathAch ~ cses + Sector + (1 + cses | School)'`
 * @param data rows, columns or a Frame (not modified)
 * @throws {CausalPanelError} `formula_syntax` (no random-effect term, bad bar), `missing_column`,
 *   `non_numeric`, `non_finite`, `too_few_clusters` (a grouping factor with one level),
 *   `singular_design` (levels or random effects ≥ observations, a random slope on a constant,
 *   a fixed-effect design with no usable column), `invalid_option`, `unknown_option`
 * @example
 * const fit = lmm('MathAch ~ SES + (1 | School)', hsb);
 * fit.coef().SES;            // 2.19
 * fit.varCorr();             // [{ group: 'School', var1: '(Intercept)', variance: 4.77, … }, { group: 'Residual', … }]
 * fit.tidy()[1].pValue;      // Satterthwaite t test
 */
export function lmm(formula: string, data: DataInput, options: LmmOptions = {}): LmmFit {
  const fn = 'lmm';
  const params = readOptions(fn, options, LMM_OPTIONS, { unsupported: LMM_UNSUPPORTED });
  if (typeof formula !== 'string') throw new CausalPanelError('invalid_option', `${fn}: formula must be a string (got ${typeof formula})`, { fn, option: 'formula', value: formula });
  const frame = toFrame(data, fn);
  const split = splitBars(formula, fn);
  const spec = parseFormula(split.fixed, fn);
  if (spec.response === null) throw new CausalPanelError('formula_syntax', `${fn}: the formula needs a response (in "${formula}")`, { fn, value: formula });
  if (spec.fixedEffects.length > 0) throw new CausalPanelError('formula_syntax', `${fn}: absorbed fixed effects ("|" outside parentheses) are not part of a mixed model (in "${formula}")`, { fn, value: formula });
  const extra = split.bars.flatMap((bar) => [...bar.spec.columns, ...bar.group]);
  const design = buildDesign(spec, frame, { fn, extraVariables: extra, ...(params.weights !== undefined ? { weights: params.weights } : {}) });
  const notes: Note[] = [...design.notes];
  const n = design.n;
  // The columns the model reads, over the rows used (what random terms, predict and refits need).
  const used = [...new Set([...spec.columns, ...extra, ...(params.weights !== undefined ? [params.weights] : [])])].filter((name) => frame.has(name));
  const sub = new Frame(Object.fromEntries(used.map((name) => [name, frame.columns[name]!])), used).take(design.rows);
  const terms = buildReTerms(split.bars, sub, fn);

  // Collinear fixed columns are dropped as lme4 drops them (pivoted QR, R's tolerance).
  let X = design.X;
  let names = design.terms;
  let p = design.k;
  if (p > 0) {
    const ls = leastSquares(design.X, n, p, design.y);
    if (ls.dropped.length > 0) {
      const kept = [...ls.kept].sort((a, b) => a - b);
      notes.push({ code: 'collinear_dropped', terms: [...ls.dropped].map((j) => design.terms[j]!) });
      const Xk = new Float64Array(n * kept.length);
      kept.forEach((j, c) => Xk.set(design.X.subarray(j * n, (j + 1) * n), c * n));
      X = Xk;
      names = kept.map((j) => design.terms[j]!);
      p = kept.length;
    }
  }
  const system = new LmmSystem(terms, X, design.y, n, p, design.weights);
  const bounds = thetaBounds(terms);
  const objective = (theta: readonly number[]): number => {
    try {
      return system.deviance(theta, params.REML);
    } catch (error) {
      if (error instanceof CausalPanelError && error.code === 'singular_design') return Infinity;
      throw error;
    }
  };
  const opt = nelderMead(objective, bounds.start, { lower: bounds.lower, xTolerance: params.tolerance, maxEvaluations: params.maxEvaluations });
  // A variance at its bound: the simplex stops a few ulps of θ above 0. Put each such component
  // on the bound when that does not raise the deviance (bobyqa lands on it exactly).
  const theta = [...opt.x];
  let best = opt.value;
  for (let j = 0; j < theta.length; j++) {
    if (bounds.lower[j] !== 0 || theta[j] === 0 || theta[j]! > 1e-6) continue;
    const trial = [...theta];
    trial[j] = 0;
    const value = objective(trial);
    if (value <= best) {
      theta[j] = 0;
      best = value;
    }
  }
  if (!opt.converged) notes.push({ code: 'lmm_not_converged', evaluations: opt.evaluations });
  const state = system.evaluate(theta);
  const criterion = profiledDeviance(state, n, p, params.REML);
  const sigma = Math.sqrt(state.pwrss / (params.REML ? n - p : n));
  const vcov = system.vcovFromState(state, sigma);
  // lme4's isSingular: a diagonal element of some Tₖ below 1e-4.
  const singular = theta.some((v, j) => bounds.lower[j] === 0 && v < 1e-4);
  if (singular) notes.push({ code: 'singular_fit' });

  const ddfContext: DdfContext = { system, terms, X, n, p, theta, sigma, reml: params.REML, vcov, weighted: params.weights !== undefined };
  const tests = ddfTests(params.ddf, ddfContext);
  notes.push(...tests.notes);

  const b = system.lambda(theta, state.u);
  const condVar = system.conditionalVariances(theta, sigma);
  // Fitted values from the data (not from the cross-products).
  const fitted = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    const bj = state.beta[j]!;
    for (let i = 0; i < n; i++) fitted[i]! += X[i + j * n]! * bj;
  }
  const fixedFitted = Float64Array.from(fitted);
  for (const term of terms) {
    for (let i = 0; i < n; i++) {
      const base = term.offset + term.codes[i]! * term.p;
      let s = 0;
      for (let c = 0; c < term.p; c++) s += term.Z[i + c * n]! * b[base + c]!;
      fitted[i]! += s;
    }
  }
  return new LmmFit({
    formula,
    reml: params.REML,
    weights: params.weights,
    ddf: params.ddf,
    level: params.level,
    names,
    beta: state.beta,
    vcov,
    testVcov: tests.testVcov,
    df: tests.df,
    theta: Float64Array.from(theta),
    thetaNames: bounds.names,
    sigma,
    criterion,
    nobs: n,
    terms,
    b,
    condVar,
    y: design.y,
    fitted,
    fixedFitted,
    design,
    frame: sub,
    keptColumns: names,
    notes,
    singular,
    optimizer: { evaluations: opt.evaluations, converged: opt.converged, restarts: opt.restarts },
    satterthwaite: tests.satterthwaite,
    ddfContext,
  });
}
