/**
 * Sensitivity analysis for the sequential-ignorability assumption of causal mediation, as R's
 * mediation::medsens 4.5.1 for a linear mediator and a linear outcome (Imai, Keele & Yamamoto
 * 2010, Statistical Science 25(1), §4; Imai, Keele & Tingley 2010, §5).
 *
 * For each ρ on the grid seq(−1 + by, 1 − by, by) the two equations are re-estimated as a SUR
 * with error correlation fixed at ρ (medsensSystem.ts). Then ACME(ρ) = a(ρ)·b(ρ) (with a T×M
 * term: d0 = a·b, d1 = a·(b + b_TM)) with the delta-method variance a²·V(b) + b²·V(a), and
 * ADE(ρ) = the treatment coefficient of the outcome equation; CIs are normal. ρ at which an
 * effect = 0 is medsens's rule: the grid point with the smallest |effect|; R²* = ρ² and
 * R̃² = ρ²(1 − R²_M)(1 − R²_Y) there.
 *
 * Dimension symbols: n = rows, km/ky = mediator/outcome coefficients, p = km + ky.
 */
import { CausalPanelError, withFunctionName } from '../../errors.js';
import type { Estimate } from '../../estimate.js';
import { normalCdf, normalQuantile } from '../../numerics/distributions.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { olsStart, surAtRho, surCrossproducts, type MedsensSystem } from './medsensSystem.js';

export type { MedsensSystem } from './medsensSystem.js';

/**
 * Options of {@link medsens}, mirroring R's `medsens(x, rho.by, eps, effect.type)`.
 *
 * @example
 * const options: MedsensOptions = { rhoBy: 0.1, effectType: 'both' };
 * medsens(mediate({ ...jobsModels, sims: 100 }), options).adeControl?.rhoAtZero; // ≈ 0.6
 */
export interface MedsensOptions {
  /** Grid step of ρ (R `rho.by`, default 0.1), in (0, 1). */
  rhoBy?: number;
  /** Convergence tolerance of the iterated SUR (R `eps`, default √ε_mach). */
  eps?: number;
  /** Which effects to trace (R `effect.type`, default 'indirect'). */
  effectType?: 'indirect' | 'direct' | 'both';
}

/**
 * One traced effect: its curve in ρ with normal CIs, and where it crosses zero.
 *
 * @example
 * const curve = medsens(mediate({ ...jobsModels, sims: 100 }), { rhoBy: 0.1 }).acmeControl;
 * curve?.estimate.length; // 19 (ρ = -0.9, -0.8, …, 0.9)
 * curve?.rhoAtZero;       // ≈ -0.3 (mediation 4.5.1, fixtures/oracles/mediation_jobs_medsens.json)
 * curve?.r2TildeAtZero;   // ≈ 0.0782613
 */
export interface SensitivityCurve {
  estimate: number[];
  /** Delta-method standard error at each ρ. */
  stdError: number[];
  confLow: number[];
  confHigh: number[];
  /** Grid point with the smallest |effect| (R `err.cr.*`). */
  rhoAtZero: number;
  /** ρ² at that point (R `R2star.*.thresh`). */
  r2StarAtZero: number;
  /** ρ²(1 − R²_M)(1 − R²_Y) at that point (R `R2tilde.*.thresh`). */
  r2TildeAtZero: number;
}

/**
 * What {@link medsens} needs of a mediation result (a `MediationResult` from `mediate`).
 *
 * @example
 * const mediation: MediationLike = mediate({ ...jobsModels, sims: 100 });
 * medsens(mediation).rhoAtZero; // ≈ -0.3
 */
export interface MediationLike {
  sensitivitySystem(): MedsensSystem | null;
}

const FN = 'medsens';

function readRhoBy(value: unknown, at: OptionPath): number {
  if (value === undefined) return 0.1;
  if (typeof value !== 'number' || !(value > 0 && value < 1)) throw invalidOption(at, 'a number in (0, 1)', value);
  return value;
}

const MEDSENS_SPEC = {
  rhoBy: opt.custom(readRhoBy),
  eps: opt.number({ min: 0, exclusiveMin: true, default: Math.sqrt(2.220446049250313e-16) }),
  effectType: opt.oneOf(['indirect', 'direct', 'both'], 'indirect'),
};

const MEDSENS_UNSUPPORTED = {
  unsupported: { sims: 'only the linear mediator and linear outcome case is ported, which needs no simulation' },
};

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

/** Normal interval e + z·se at `level` (z = Φ⁻¹((1 ∓ level)/2)), as medsens. */
function normalInterval(estimate: readonly number[], stdError: readonly number[], level: number): { confLow: number[]; confHigh: number[] } {
  const zHigh = normalQuantile(1 - (1 - level) / 2);
  const zLow = normalQuantile((1 - level) / 2);
  return { confLow: estimate.map((e, i) => e + zLow * stdError[i]!), confHigh: estimate.map((e, i) => e + zHigh * stdError[i]!) };
}

function curve(rho: readonly number[], estimate: number[], variance: readonly number[], level: number, r2Factor: number): SensitivityCurve {
  let best = 0;
  for (let i = 1; i < estimate.length; i++) if (Math.abs(estimate[i]!) < Math.abs(estimate[best]!)) best = i;
  const at = rho[best]!;
  const stdError = variance.map(Math.sqrt);
  return { estimate, stdError, ...normalInterval(estimate, stdError, level), rhoAtZero: at, r2StarAtZero: at * at, r2TildeAtZero: at * at * r2Factor };
}

/** The traced curves of one medsens run. */
interface MedsensCurves {
  rho: number[];
  level: number;
  acmeControl: SensitivityCurve | null;
  acmeTreated: SensitivityCurve | null;
  adeControl: SensitivityCurve | null;
  adeTreated: SensitivityCurve | null;
  r2Mediator: number;
  r2Outcome: number;
  interaction: boolean;
}

function fmt(x: number): string {
  return (Math.round(x * 1e4) / 1e4).toFixed(4);
}

/**
 * Result of {@link medsens}: the effects as functions of ρ with normal CIs, and where they cross
 * zero. `tidy()` gives one {@link Estimate} row per effect and grid point (`'ACME, rho = -0.3'`),
 * with the delta-method SE, z statistic, normal p-value and the interval.
 *
 * @example
 * const sens = medsens(mediate({ ...jobsModels, sims: 100 }));
 * sens.rhoAtZero; // -0.3 (mediation 4.5.1, fixtures/oracles/mediation_jobs_medsens.json)
 * sens.tidy()[0].term; // 'ACME, rho = -0.9'
 */
export class MedsensResult extends Result {
  readonly kind = 'medsens' as const;
  readonly rho: number[];
  /** ACME(ρ) for the control condition (d0; equal to d1 without a T×M term) and its CI. */
  readonly acme: number[];
  readonly acmeConfLow: number[];
  readonly acmeConfHigh: number[];
  /** Where the main curve (ACME, or ADE for effectType 'direct') crosses zero. */
  readonly rhoAtZero: number;
  readonly r2StarAtZero: number;
  readonly r2TildeAtZero: number;
  /** ACME curves for the control (d0) and treated (d1) conditions. */
  readonly acmeControl: SensitivityCurve | null;
  readonly acmeTreated: SensitivityCurve | null;
  /** ADE curves (effectType 'direct' or 'both'; models without a T×M term only). */
  readonly adeControl: SensitivityCurve | null;
  readonly adeTreated: SensitivityCurve | null;
  /** R²* = ρ² and R̃² = ρ²(1 − R²_M)(1 − R²_Y) over the grid. */
  readonly r2StarProd: number[];
  readonly r2TildeProd: number[];
  readonly r2Mediator: number;
  readonly r2Outcome: number;
  readonly interaction: boolean;
  /** Confidence level of the intervals (the mediate() result's). */
  readonly level: number;

  /** @internal use {@link medsens}. */
  constructor(c: MedsensCurves) {
    super([]);
    const main = c.acmeControl ?? c.adeControl!;
    const r2Factor = (1 - c.r2Mediator) * (1 - c.r2Outcome);
    this.rho = c.rho;
    this.acme = c.acmeControl ? c.acmeControl.estimate : [];
    this.acmeConfLow = c.acmeControl ? c.acmeControl.confLow : [];
    this.acmeConfHigh = c.acmeControl ? c.acmeControl.confHigh : [];
    this.rhoAtZero = main.rhoAtZero;
    this.r2StarAtZero = main.r2StarAtZero;
    this.r2TildeAtZero = main.r2TildeAtZero;
    this.acmeControl = c.acmeControl;
    this.acmeTreated = c.acmeTreated;
    this.adeControl = c.adeControl;
    this.adeTreated = c.adeTreated;
    this.r2StarProd = c.rho.map((r) => r * r);
    this.r2TildeProd = c.rho.map((r) => r * r * r2Factor);
    this.r2Mediator = c.r2Mediator;
    this.r2Outcome = c.r2Outcome;
    this.interaction = c.interaction;
    this.level = c.level;
  }

  /** The traced curves with their labels (control/treated apart only with a T×M term). */
  private curves(): [string, SensitivityCurve][] {
    const out: [string, SensitivityCurve][] = [];
    if (this.acmeControl) {
      if (this.interaction) out.push(['ACME (control)', this.acmeControl], ['ACME (treated)', this.acmeTreated!]);
      else out.push(['ACME', this.acmeControl]);
    }
    if (this.adeControl) out.push(['ADE', this.adeControl]);
    return out;
  }

  /**
   * One row per traced effect and grid point: term `'<effect>, rho = <ρ>'`, the effect, its
   * delta-method SE, z = estimate / SE, the normal p-value and the normal interval at `level`.
   *
   * @throws {CausalPanelError} `invalid_option` when level is not in (0, 1)
   * @example sens.tidy().find((r) => r.term === 'ACME, rho = 0')?.estimate; // a·b of the OLS fits
   */
  tidy(level = this.level): Estimate[] {
    if (typeof level !== 'number' || !(level > 0 && level < 1)) throw invalidOption({ fn: this.kind, key: 'level' }, 'a number in (0, 1)', level);
    return this.curves().flatMap(([label, c]) => {
      const { confLow, confHigh } = level === this.level ? c : normalInterval(c.estimate, c.stdError, level);
      return this.rho.map((r, i) => {
        const statistic = c.estimate[i]! / c.stdError[i]!;
        return { term: `${label}, rho = ${Number(r.toPrecision(12))}`, estimate: c.estimate[i]!, stdError: c.stdError[i]!, statistic, pValue: 2 * normalCdf(-Math.abs(statistic)), confLow: confLow[i]!, confHigh: confHigh[i]! };
      });
    });
  }

  /** medsens's printout: per effect, the grid rows whose CI covers zero, then ρ, R²* and R̃² at zero. */
  protected summaryParts(): SummaryParts {
    const pct = `${Number((100 * this.level).toPrecision(6))}%`;
    const tables = this.curves().map(([label, c]) => {
      const lines = [`    Rho   Est.  ${pct} CI Lower  ${pct} CI Upper  R^2_M*R^2_Y*  R^2_M~R^2_Y~`];
      c.estimate.forEach((e, i) => {
        if (c.confLow[i]! < 0 && c.confHigh[i]! > 0) {
          lines.push([fmt(this.rho[i]!), fmt(e), fmt(c.confLow[i]!), fmt(c.confHigh[i]!), fmt(this.r2StarProd[i]!), fmt(this.r2TildeProd[i]!)].map((s) => s.padStart(12)).join(''));
        }
      });
      const name = label === 'ACME (control)' ? 'ACME for Control Group' : label === 'ACME (treated)' ? 'ACME for Treatment Group' : label;
      lines.push('', `Rho at which ${name} = 0: ${fmt(c.rhoAtZero)}`, `R^2_M*R^2_Y* at which ${name} = 0: ${fmt(c.r2StarAtZero)}`, `R^2_M~R^2_Y~ at which ${name} = 0: ${fmt(c.r2TildeAtZero)}`);
      return { heading: label === 'ACME' ? 'Sensitivity Region' : `Sensitivity Region: ${name}`, body: lines.join('\n') };
    });
    return { title: 'Mediation Sensitivity Analysis for Average Causal Mediation Effect', meta: [], rows: [], tables };
  }

  protected jsonFields(): Record<string, unknown> {
    return {
      rho: this.rho,
      acme: this.acme,
      acmeConfLow: this.acmeConfLow,
      acmeConfHigh: this.acmeConfHigh,
      rhoAtZero: this.rhoAtZero,
      r2StarAtZero: this.r2StarAtZero,
      r2TildeAtZero: this.r2TildeAtZero,
      acmeControl: this.acmeControl,
      acmeTreated: this.acmeTreated,
      adeControl: this.adeControl,
      adeTreated: this.adeTreated,
      r2StarProd: this.r2StarProd,
      r2TildeProd: this.r2TildeProd,
      r2Mediator: this.r2Mediator,
      r2Outcome: this.r2Outcome,
      interaction: this.interaction,
      level: this.level,
    };
  }
}

/** medsens's linear–linear computation on a system, with read options. */
function medsensLinear(sys: MedsensSystem, options: { rhoBy: number; eps: number; effectType: 'indirect' | 'direct' | 'both' }): MedsensResult {
  const { rhoBy, eps, effectType } = options;
  const rho = rhoGrid(rhoBy);
  const cross = surCrossproducts(sys);
  const start = olsStart(sys, cross);
  const p = sys.km + sys.ky;
  const ta = sys.mediatorTreatIndex;
  const tb = sys.km + sys.outcomeTreatIndex;
  const mb = sys.km + sys.outcomeMediatorIndex;
  const ib = sys.outcomeInteractionIndex >= 0 ? sys.km + sys.outcomeInteractionIndex : -1;
  const interaction = ib >= 0;
  const indirect = effectType !== 'direct';
  const direct = effectType !== 'indirect';
  if (direct && interaction) {
    throw new CausalPanelError('invalid_option', `${FN}: effectType "${effectType}" with a treatment×mediator interaction is not supported (use "indirect")`, { fn: FN, option: 'effectType', value: effectType });
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
  return new MedsensResult({
    rho,
    level: sys.level,
    acmeControl: indirect ? curve(rho, d0, d0Var, sys.level, r2Factor) : null,
    acmeTreated: indirect ? curve(rho, d1, d1Var, sys.level, r2Factor) : null,
    adeControl: direct ? curve(rho, z, zVar, sys.level, r2Factor) : null,
    adeTreated: direct ? curve(rho, z.slice(), zVar, sys.level, r2Factor) : null,
    r2Mediator: sys.r2Mediator,
    r2Outcome: sys.r2Outcome,
    interaction,
  });
}

/**
 * Sensitivity of the ACME to a correlation ρ between the mediator and outcome errors, as R's
 * `medsens(mediate(...), rho.by, eps, effect.type)` for a linear mediator and a linear outcome.
 *
 * @throws {CausalPanelError} `unknown_option`; `invalid_option` when the models are not both
 *   linear without absorbed fixed effects (mediation supports other pairs; this port does not),
 *   a bad `rhoBy`/`eps`/`effectType`; `no_convergence`; `singular_design`
 * @example
 * const sens = medsens(mediate({ ...jobsModels, sims: 1000 }), { rhoBy: 0.1 });
 * sens.rhoAtZero;     // -0.3 (mediation 4.5.1, fixtures/oracles/mediation_jobs_medsens.json)
 * sens.r2TildeAtZero; // 0.0782613
 */
export function medsens(mediation: MediationLike, options: MedsensOptions = {}): MedsensResult {
  return withFunctionName(FN, () => {
    const params = readOptions(FN, options, MEDSENS_SPEC, MEDSENS_UNSUPPORTED);
    const system = mediation !== null && typeof mediation === 'object' && typeof mediation.sensitivitySystem === 'function' ? mediation.sensitivitySystem() : undefined;
    if (system === undefined) throw invalidOption({ fn: FN, key: 'mediation' }, 'a mediate() result', mediation);
    if (system === null) {
      throw new CausalPanelError('invalid_option', `${FN}: needs a linear mediator model and a linear outcome model without absorbed fixed effects`, { fn: FN });
    }
    return medsensLinear(system, params);
  });
}
