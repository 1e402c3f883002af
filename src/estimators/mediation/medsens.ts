/**
 * Sensitivity analysis for the sequential-ignorability assumption of causal mediation, as R's
 * mediation::medsens 4.5.1 for a linear mediator and a linear outcome (Imai, Keele & Yamamoto
 * 2010, Statistical Science 25(1), §4; Imai, Keele & Tingley 2010, §5).
 *
 * For each ρ on the grid seq(−1 + by, 1 − by, by), the mediator and outcome equations are
 * re-estimated jointly as a seemingly unrelated regression whose error correlation is *fixed* at
 * ρ: iterated feasible GLS with Ω = [[s₁², ρ·sd₁·sd₂], [ρ·sd₁·sd₂, s₂²]] (sᵢ² = eᵢᵀeᵢ/(n−1),
 * sdᵢ the sample SD of the residuals), started at OLS and iterated until ‖β_new − β_old‖² ≤ eps.
 * Then ACME(ρ) = a(ρ)·b(ρ) (with a T×M term: d0 = a·b, d1 = a·(b + b_TM)) and its variance by the
 * delta method a²·V(b) + b²·V(a) from V = (Xᵀ(Ω⁻¹ ⊗ I)X)⁻¹; CIs are normal.
 * ρ at which ACME = 0 is medsens's rule: the grid point with the smallest |ACME|; R²* = ρ² and
 * R̃² = ρ²(1 − R²_M)(1 − R²_Y) there.
 *
 * The SUR system is never formed at 2n×2n: with block-diagonal X, Xᵀ(Ω⁻¹ ⊗ I)X has blocks
 * ω^{ab}·X_aᵀX_b, so only the k×k cross-products (computed once) and the residuals enter.
 *
 * Dimension symbols: n = rows, km/ky = mediator/outcome coefficients.
 */
import { CausalPanelError, withFunctionName } from '../../errors.js';
import { normalQuantile } from '../../numerics/distributions.js';
import { invertSymmetric } from '../../numerics/cholesky.js';

/** The linear–linear system medsens needs (weighted rows, no absorbed fixed effects). */
export interface MedsensSystem {
  n: number;
  /** Mediator design n×km and response. */
  mediatorX: Float64Array;
  mediatorY: Float64Array;
  km: number;
  /** Outcome design n×ky and response. */
  outcomeX: Float64Array;
  outcomeY: Float64Array;
  ky: number;
  weights: Float64Array | null;
  /** Column of the treatment in the mediator design. */
  mediatorTreatIndex: number;
  /** Columns of the treatment, the mediator and the T×M interaction (−1 when absent) in the outcome design. */
  outcomeTreatIndex: number;
  outcomeMediatorIndex: number;
  outcomeInteractionIndex: number;
  /** R² of the two models (lm's `summary()$r.squared`). */
  r2Mediator: number;
  r2Outcome: number;
  /** Confidence level of the mediate() result. */
  level: number;
}

/** Options of {@link medsens}, mirroring R's `medsens(x, rho.by, eps, effect.type)`. */
export interface MedsensOptions {
  /** Grid step of ρ (R `rho.by`, default 0.1). */
  rhoBy?: number;
  /** Convergence tolerance of the iterated SUR (R `eps`, default √ε_mach). */
  eps?: number;
  /** Which effects to trace (R `effect.type`, default 'indirect'). */
  effectType?: 'indirect' | 'direct' | 'both';
}

/** One traced effect: its curve in ρ with normal CIs, and where it crosses zero. */
export interface SensitivityCurve {
  estimate: number[];
  confLow: number[];
  confHigh: number[];
  /** Grid point with the smallest |effect| (R `err.cr.*`). */
  rhoAtZero: number;
  /** ρ² at that point (R `R2star.*.thresh`). */
  r2StarAtZero: number;
  /** ρ²(1 − R²_M)(1 − R²_Y) at that point (R `R2tilde.*.thresh`). */
  r2TildeAtZero: number;
}

/** Result of {@link medsens}. */
export interface MedsensResult {
  kind: 'medsens';
  rho: number[];
  /** ACME(ρ) for the control condition (d0; equal to d1 without a T×M term). */
  acme: number[];
  acmeConfLow: number[];
  acmeConfHigh: number[];
  rhoAtZero: number;
  r2StarAtZero: number;
  r2TildeAtZero: number;
  /** ACME curves for the control (d0) and treated (d1) conditions. */
  acmeControl: SensitivityCurve | null;
  acmeTreated: SensitivityCurve | null;
  /** ADE curves (effectType 'direct' or 'both'; models without a T×M term only). */
  adeControl: SensitivityCurve | null;
  adeTreated: SensitivityCurve | null;
  /** R²* = ρ² and R̃² = ρ²(1 − R²_M)(1 − R²_Y) over the grid. */
  r2StarProd: number[];
  r2TildeProd: number[];
  r2Mediator: number;
  r2Outcome: number;
  interaction: boolean;
  summary(): string;
  toJSON(): object;
}

/**
 * medsens's ρ grid, R's `seq(-1 + by, 1 - by, by)`: from + i·by, with R's 1e-10 fuzz on the count.
 *
 * @example
 * rhoGrid(0.5); // [-0.5, 0, 0.5]
 */
export function rhoGrid(rhoBy: number): number[] {
  const from = -1 + rhoBy;
  const to = 1 - rhoBy;
  const count = Math.floor((to - from) / rhoBy + 1e-10);
  const out: number[] = [];
  for (let i = 0; i <= count; i++) out.push(from + i * rhoBy);
  return out;
}

interface Cross {
  mm: Float64Array; // km×km
  yy: Float64Array; // ky×ky
  my: Float64Array; // km×ky
  mResp: Float64Array; // Xmᵀm
  mRespY: Float64Array; // Xmᵀy
  yRespM: Float64Array; // Xyᵀm
  yResp: Float64Array; // Xyᵀy
}

function crossproducts(sys: MedsensSystem): Cross {
  const { n, km, ky, mediatorX: Xm, outcomeX: Xy, mediatorY: m, outcomeY: y, weights } = sys;
  const w = (i: number): number => (weights ? weights[i]! : 1);
  const dot = (A: Float64Array, a: number, B: Float64Array, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += w(i) * A[a * n + i]! * B[b * n + i]!;
    return s;
  };
  const dotV = (A: Float64Array, a: number, v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += w(i) * A[a * n + i]! * v[i]!;
    return s;
  };
  const mm = new Float64Array(km * km);
  const yy = new Float64Array(ky * ky);
  const my = new Float64Array(km * ky);
  for (let a = 0; a < km; a++) for (let b = 0; b < km; b++) mm[a + b * km] = dot(Xm, a, Xm, b);
  for (let a = 0; a < ky; a++) for (let b = 0; b < ky; b++) yy[a + b * ky] = dot(Xy, a, Xy, b);
  for (let a = 0; a < km; a++) for (let b = 0; b < ky; b++) my[a + b * km] = dot(Xm, a, Xy, b);
  const mResp = new Float64Array(km);
  const mRespY = new Float64Array(km);
  const yRespM = new Float64Array(ky);
  const yResp = new Float64Array(ky);
  for (let a = 0; a < km; a++) {
    mResp[a] = dotV(Xm, a, m);
    mRespY[a] = dotV(Xm, a, y);
  }
  for (let a = 0; a < ky; a++) {
    yRespM[a] = dotV(Xy, a, m);
    yResp[a] = dotV(Xy, a, y);
  }
  return { mm, yy, my, mResp, mRespY, yRespM, yResp };
}

/** Residuals √w·(resp − Xβ) of one equation. */
function residuals(X: Float64Array, n: number, k: number, resp: Float64Array, beta: Float64Array, offset: number, weights: Float64Array | null): Float64Array {
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = resp[i]!;
  for (let j = 0; j < k; j++) {
    const b = beta[offset + j]!;
    for (let i = 0; i < n; i++) e[i]! -= X[j * n + i]! * b;
  }
  if (weights) for (let i = 0; i < n; i++) e[i]! *= Math.sqrt(weights[i]!);
  return e;
}

function sampleSd(e: Float64Array): number {
  const n = e.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += e[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (e[i]! - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Iterated SUR at fixed ρ → coefficients (km + ky) and their covariance. */
function surAtRho(sys: MedsensSystem, cross: Cross, rho: number, eps: number, start: Float64Array): { beta: Float64Array; vcov: Float64Array } {
  const { n, km, ky } = sys;
  const p = km + ky;
  let beta: Float64Array = Float64Array.from(start);
  let vcov: Float64Array = new Float64Array(p * p);
  let dif = 1;
  let iterations = 0;
  while (Math.abs(dif) > eps) {
    if (++iterations > 1000) {
      throw new CausalPanelError('no_convergence', `medsens: SUR iteration did not converge at rho = ${rho} (last change ${dif})`, { fn: 'medsens', value: rho });
    }
    const e1 = residuals(sys.mediatorX, n, km, sys.mediatorY, beta, 0, sys.weights);
    const e2 = residuals(sys.outcomeX, n, ky, sys.outcomeY, beta, km, sys.weights);
    let s11 = 0;
    let s22 = 0;
    for (let i = 0; i < n; i++) {
      s11 += e1[i]! * e1[i]!;
      s22 += e2[i]! * e2[i]!;
    }
    s11 /= n - 1;
    s22 /= n - 1;
    const s12 = rho * sampleSd(e1) * sampleSd(e2);
    const det = s11 * s22 - s12 * s12;
    const w11 = s22 / det;
    const w22 = s11 / det;
    const w12 = -s12 / det;
    const A = new Float64Array(p * p);
    const rhs = new Float64Array(p);
    for (let a = 0; a < km; a++) {
      for (let b = 0; b < km; b++) A[a + b * p] = w11 * cross.mm[a + b * km]!;
      for (let b = 0; b < ky; b++) {
        const v = w12 * cross.my[a + b * km]!;
        A[a + (km + b) * p] = v;
        A[km + b + a * p] = v;
      }
      rhs[a] = w11 * cross.mResp[a]! + w12 * cross.mRespY[a]!;
    }
    for (let a = 0; a < ky; a++) {
      for (let b = 0; b < ky; b++) A[km + a + (km + b) * p] = w22 * cross.yy[a + b * ky]!;
      rhs[km + a] = w12 * cross.yRespM[a]! + w22 * cross.yResp[a]!;
    }
    vcov = invertSymmetric(A, p, 'medsens');
    const next = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += vcov[a + b * p]! * rhs[b]!;
      next[a] = s;
    }
    dif = 0;
    for (let a = 0; a < p; a++) dif += (next[a]! - beta[a]!) ** 2;
    beta = next;
  }
  return { beta, vcov };
}

function olsStart(sys: MedsensSystem, cross: Cross): Float64Array {
  const { km, ky } = sys;
  const im = invertSymmetric(cross.mm, km, 'medsens');
  const iy = invertSymmetric(cross.yy, ky, 'medsens');
  const start = new Float64Array(km + ky);
  for (let a = 0; a < km; a++) {
    let s = 0;
    for (let b = 0; b < km; b++) s += im[a + b * km]! * cross.mResp[b]!;
    start[a] = s;
  }
  for (let a = 0; a < ky; a++) {
    let s = 0;
    for (let b = 0; b < ky; b++) s += iy[a + b * ky]! * cross.yResp[b]!;
    start[km + a] = s;
  }
  return start;
}

function curve(rho: number[], est: number[], variance: number[], level: number, r2Factor: number): SensitivityCurve {
  const zHigh = normalQuantile(1 - (1 - level) / 2);
  const zLow = normalQuantile((1 - level) / 2);
  let best = 0;
  for (let i = 1; i < est.length; i++) if (Math.abs(est[i]!) < Math.abs(est[best]!)) best = i;
  const at = rho[best]!;
  return {
    estimate: est,
    confLow: est.map((e, i) => e + zLow * Math.sqrt(variance[i]!)),
    confHigh: est.map((e, i) => e + zHigh * Math.sqrt(variance[i]!)),
    rhoAtZero: at,
    r2StarAtZero: at * at,
    r2TildeAtZero: at * at * r2Factor,
  };
}

/**
 * medsens's linear–linear computation on an explicit system (the kernel behind {@link medsens}).
 *
 * @throws {CausalPanelError} `invalid_option` for a bad `rhoBy`; `no_convergence`; `singular_design`
 * @example
 * const out = medsensLinear(system, { rhoBy: 0.1 });
 * out.rhoAtZero; // -0.3 on jobs.csv (mediation 4.5.1, fixtures/oracles/mediation_jobs_medsens.json)
 */
export function medsensLinear(sys: MedsensSystem, options: MedsensOptions = {}): MedsensResult {
  const { rhoBy = 0.1, eps = Math.sqrt(2.220446049250313e-16), effectType = 'indirect' } = options;
  if (!(rhoBy > 0 && rhoBy < 1)) {
    throw new CausalPanelError('invalid_option', `medsens: rhoBy must be in (0, 1) (got ${rhoBy})`, { fn: 'medsens', option: 'rhoBy', value: rhoBy });
  }
  if (!(eps > 0)) {
    throw new CausalPanelError('invalid_option', `medsens: eps must be positive (got ${eps})`, { fn: 'medsens', option: 'eps', value: eps });
  }
  const rho = rhoGrid(rhoBy);
  const cross = crossproducts(sys);
  const start = olsStart(sys, cross);
  const { km, ky } = sys;
  const p = km + ky;
  const ta = sys.mediatorTreatIndex;
  const tb = km + sys.outcomeTreatIndex;
  const mb = km + sys.outcomeMediatorIndex;
  const ib = sys.outcomeInteractionIndex >= 0 ? km + sys.outcomeInteractionIndex : -1;
  const interaction = ib >= 0;
  const indirect = effectType !== 'direct';
  const direct = effectType !== 'indirect';
  if (direct && interaction) {
    throw new CausalPanelError('invalid_option', 'medsens: effectType "direct" with a treatment×mediator interaction is not supported (use "indirect")', {
      fn: 'medsens',
      option: 'effectType',
      value: effectType,
    });
  }
  const d0: number[] = [];
  const d1: number[] = [];
  const d0Var: number[] = [];
  const d1Var: number[] = [];
  const z: number[] = [];
  const zVar: number[] = [];
  for (const r of rho) {
    const { beta, vcov } = surAtRho(sys, cross, r, eps, start);
    const a = beta[ta]!;
    const b = beta[mb]!;
    const va = vcov[ta + ta * p]!;
    const vb = vcov[mb + mb * p]!;
    if (interaction) {
      const bi = beta[ib]!;
      const vi = vcov[ib + ib * p]!;
      const cbi = vcov[mb + ib * p]!;
      d0.push(a * b);
      d1.push(a * (b + bi));
      d0Var.push(b * b * va + a * a * vb);
      d1Var.push((b + bi) ** 2 * va + a * a * (vb + vi + 2 * cbi));
    } else {
      d0.push(a * b);
      d1.push(a * b);
      const v = a * a * vb + b * b * va;
      d0Var.push(v);
      d1Var.push(v);
    }
    z.push(beta[tb]!);
    zVar.push(vcov[tb + tb * p]!);
  }
  const r2Factor = (1 - sys.r2Mediator) * (1 - sys.r2Outcome);
  const acmeControl = indirect ? curve(rho, d0, d0Var, sys.level, r2Factor) : null;
  const acmeTreated = indirect ? curve(rho, d1, d1Var, sys.level, r2Factor) : null;
  const adeControl = direct ? curve(rho, z, zVar, sys.level, r2Factor) : null;
  const adeTreated = direct ? curve(rho, z.slice(), zVar, sys.level, r2Factor) : null;
  const main = acmeControl ?? adeControl!;
  const r2StarProd = rho.map((r) => r * r);
  const r2TildeProd = rho.map((r) => r * r * r2Factor);
  // The plain data of the result, which toJSON() returns as is.
  const fields = {
    kind: 'medsens' as const,
    rho,
    acme: acmeControl ? acmeControl.estimate : [],
    acmeConfLow: acmeControl ? acmeControl.confLow : [],
    acmeConfHigh: acmeControl ? acmeControl.confHigh : [],
    rhoAtZero: main.rhoAtZero,
    r2StarAtZero: main.r2StarAtZero,
    r2TildeAtZero: main.r2TildeAtZero,
    acmeControl,
    acmeTreated,
    adeControl,
    adeTreated,
    r2StarProd,
    r2TildeProd,
    r2Mediator: sys.r2Mediator,
    r2Outcome: sys.r2Outcome,
    interaction,
  };
  const result: MedsensResult = {
    ...fields,
    summary: () => medsensSummary(result),
    toJSON: () => ({ ...fields }),
  };
  Object.defineProperty(result, Symbol.for('nodejs.util.inspect.custom'), { value: () => result.summary(), enumerable: false });
  return result;
}

function fmt(x: number): string {
  return (Math.round(x * 1e4) / 1e4).toFixed(4);
}

function medsensSummary(res: MedsensResult): string {
  const lines: string[] = ['', 'Mediation Sensitivity Analysis for Average Causal Mediation Effect', ''];
  const block = (title: string, c: SensitivityCurve, label: string): void => {
    lines.push(title, '', '    Rho   Est.  95% CI Lower  95% CI Upper  R^2_M*R^2_Y*  R^2_M~R^2_Y~');
    c.estimate.forEach((e, i) => {
      // medsens prints only the rows whose CI covers zero.
      if (c.confLow[i]! < 0 && c.confHigh[i]! > 0) {
        lines.push(
          [fmt(res.rho[i]!), fmt(e), fmt(c.confLow[i]!), fmt(c.confHigh[i]!), fmt(res.r2StarProd[i]!), fmt(res.r2TildeProd[i]!)]
            .map((s) => s.padStart(12))
            .join(''),
        );
      }
    });
    lines.push('', `Rho at which ${label} = 0: ${fmt(c.rhoAtZero)}`);
    lines.push(`R^2_M*R^2_Y* at which ${label} = 0: ${fmt(c.r2StarAtZero)}`);
    lines.push(`R^2_M~R^2_Y~ at which ${label} = 0: ${fmt(c.r2TildeAtZero)}`, '');
  };
  if (res.acmeControl) {
    if (res.interaction) {
      block('Sensitivity Region: ACME for Control Group', res.acmeControl, 'ACME for Control Group');
      block('Sensitivity Region: ACME for Treatment Group', res.acmeTreated!, 'ACME for Treatment Group');
    } else block('Sensitivity Region', res.acmeControl, 'ACME');
  }
  if (res.adeControl) block('Sensitivity Region: ADE', res.adeControl, 'ADE');
  return lines.join('\n');
}

/** What {@link medsens} needs of a mediation result (a `MediationResult` from `mediate`). */
export interface MediationLike {
  sensitivitySystem(): MedsensSystem | null;
}

/**
 * Sensitivity of the ACME to a correlation ρ between the mediator and outcome errors, as R's
 * `medsens(mediate(...), rho.by, eps, effect.type)` for a linear mediator and a linear outcome.
 *
 * @throws {CausalPanelError} `invalid_option` when the models are not both linear without
 *   absorbed fixed effects (mediation supports other pairs; this port does not yet), bad `rhoBy`
 * @example
 * const sens = medsens(mediate({ ...jobsModels, sims: 1000 }), { rhoBy: 0.1 });
 * sens.rhoAtZero;     // -0.3 (mediation 4.5.1, fixtures/oracles/mediation_jobs_medsens.json)
 * sens.r2TildeAtZero; // 0.0782613
 */
export function medsens(mediation: MediationLike, options: MedsensOptions = {}): MedsensResult {
  return withFunctionName('medsens', () => medsensUnlabelled(mediation, options));
}

/** {@link medsens} itself; errors of inner public functions are relabelled by the wrapper above. */
function medsensUnlabelled(mediation: MediationLike, options: MedsensOptions): MedsensResult {
  const system = mediation.sensitivitySystem();
  if (system === null) {
    throw new CausalPanelError('invalid_option', 'medsens: needs a linear mediator model and a linear outcome model without absorbed fixed effects', {
      fn: 'medsens',
    });
  }
  return medsensLinear(system, options);
}
