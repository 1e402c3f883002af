/**
 * The Goodman-Bacon (2021, "Difference-in-differences with variation in treatment timing",
 * J. Econometrics 225:254–277) decomposition of the two-way fixed-effects DiD coefficient, as
 * `bacondecomp::bacon()`.
 *
 * Without covariates (Theorem 1): the TWFE coefficient of y on the treatment dummy with unit and
 * period effects is a weighted average of every 2×2 DiD between timing groups (cohorts): earlier
 * vs later treated (the later group before it is treated), later vs earlier treated (the
 * earlier group after it is treated — the "forbidden" comparison), treated vs never treated,
 * and later vs always treated. Each 2×2 estimate is the TWFE coefficient on its subsample; its
 * weight is bacondecomp's s = (n_k + n_l)²·(share variance)·(treatment variance) (with the
 * (1 − D̄_l)² and D̄_k² rescalings of eq. 10), and the weights are scaled to sum to 1, so that
 * Σ sᵢ β̂ᵢ equals the TWFE coefficient.
 *
 * With covariates (Theorem 2, bacondecomp's controlled decomposition): β̂_TWFE = Ω β̂_w +
 * (1 − Ω) β̂_b. The treatment is residualised on the covariates and both fixed effects (d);
 * Ω = V(d̃_ikt) / V(d̃_it) is the within-timing-group share of its variance and β̂_w the
 * within-group coefficient; β̂_b = Σ s_kl β̂_kl over one 2×2 per pair of timing groups (k earlier
 * than l, whole sample periods), each combining the treatment-variation coefficient (with the
 * group-mean covariates as controls) and the between coefficient on the group-level predicted
 * treatment, with weight N²((1 − R²)V_D + V_dp) (bacondecomp's calc_controlled_beta_weights).
 * A covariate constant within every unit is absorbed by the unit effects; it is dropped with a
 * note (bacondecomp would decompose rounding noise: see the oracle README on bacon_mpdta_lpop).
 *
 * The panel must be balanced and the treatment absorbing (0 until the unit's first treated
 * period, 1 from then on), as the decomposition assumes.
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import type { Column } from '../../data/frame.js';
import { Frame } from '../../data/frame.js';
import type { DataInput } from '../../data/fromInput.js';
import { factor } from '../../data/factor.js';
import { feols } from '../../models/feols.js';
import { demean } from '../../numerics/demean.js';
import { opt, readOptions } from '../../options.js';
import { BaconResult, type BaconComparison, type BaconType } from './baconResult.js';
import { panelOptionSpec, validateDidData } from './validateDid.js';
import { recode } from './untreatedFit.js';

/**
 * Options of {@link baconDecomposition}.
 *
 * @example
 * const options: BaconOptions = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' };
 * baconDecomposition(options).twfeCoefficient; // ≈ -0.0365489 (bacondecomp 0.1.1)
 */
export interface BaconOptions {
  data: DataInput;
  /** Outcome column (numeric). */
  outcome: string;
  /** Unit column. */
  unit: string;
  /** Period column (numeric). */
  time: string;
  /** 0/1 treatment column, absorbing: 0 before the unit's first treated period, 1 from it on. */
  treat: string;
  /** Numeric time-varying controls (Theorem 2's decomposition). */
  covariates?: readonly string[];
}

const FN = 'baconDecomposition';

const SPEC = {
  ...panelOptionSpec(),
  treat: opt.column({ required: true }),
  covariates: opt.columns(),
};

/** Population variance / covariance (denominator N), as bacondecomp's var·(N − 1)/N. */
function covN(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / n;
}

/** Means of x within the groups of `codes` (R's ave()). */
function ave(x: ArrayLike<number>, codes: Int32Array, nGroups: number): Float64Array {
  const sum = new Float64Array(nGroups);
  const count = new Float64Array(nGroups);
  for (let i = 0; i < x.length; i++) {
    sum[codes[i]!] += x[i]!;
    count[codes[i]!] += 1;
  }
  return Float64Array.from(codes, (c) => sum[c]! / count[c]!);
}

/**
 * The Goodman-Bacon decomposition of the TWFE DiD coefficient (as `bacondecomp::bacon()`):
 * every 2×2 comparison of timing groups, its estimate and weight, the weighted sum (equal to
 * the TWFE coefficient), and with covariates Ω and the within estimate β̂_w.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `non_finite`, `invalid_option`
 *   (treatment not 0/1 or not absorbing), `unbalanced_panel`, `no_treated_units`,
 *   `no_control_units` (a single timing group: nothing to compare), `no_rows_left`
 * @example
 * const bacon = baconDecomposition({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' });
 * bacon.weightedSum; // ≈ -0.0365489, = bacon.twfeCoefficient
 * bacon.comparisons.find((c) => c.treated === 2004 && c.untreated === Infinity)?.weight; // ≈ 0.0817796
 */
export function baconDecomposition(options: BaconOptions): BaconResult {
  return withFunctionName(FN, () => baconUnlabelled(options));
}

function baconUnlabelled(options: BaconOptions): BaconResult {
  const params = readOptions(FN, options, SPEC);
  const data = validateDidData(params.data, { outcome: params.outcome, unit: params.unit, time: params.time, covariates: params.covariates, numericTime: true }, FN);
  const frame = data.frame;
  const treatAll = frame.numeric(params.treat, FN);
  const rows = data.rows;
  const n = rows.length;
  const notes: Note[] = [...data.notes];
  const time = data.time as Float64Array;
  const t = Float64Array.from(rows, (r) => time[r]!);
  const y = Float64Array.from(rows, (r) => data.outcome[r]!);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = treatAll[rows[i]!]!;
    if (v !== 0 && v !== 1) throw new CausalPanelError('invalid_option', `${FN}: column "${params.treat}" must be 0/1 (row ${rows[i]! + 1}: ${v})`, { fn: FN, column: params.treat, row: rows[i]!, value: v });
    d[i] = v;
  }
  const unit = recode(data.unit.codes, rows);
  const periods = factor(t);
  const nUnits = unit.nLevels;
  const nPeriods = periods.levels.length;
  // Balanced: every unit once in every period.
  const seen = new Uint8Array(nUnits * nPeriods);
  for (let i = 0; i < n; i++) {
    const cell = unit.codes[i]! * nPeriods + periods.codes[i]!;
    if (seen[cell] === 1 || n !== nUnits * nPeriods) {
      throw new CausalPanelError('unbalanced_panel', `${FN}: the decomposition needs a balanced panel (${n} rows for ${nUnits} units × ${nPeriods} periods)`, { fn: FN, column: params.unit });
    }
    seen[cell] = 1;
  }
  // Timing group: the first treated period (Infinity = never treated); treatment must be absorbing.
  const first = new Float64Array(nUnits).fill(Infinity);
  for (let i = 0; i < n; i++) if (d[i] === 1) first[unit.codes[i]!] = Math.min(first[unit.codes[i]!]!, t[i]!);
  const group = Float64Array.from(unit.codes, (u) => first[u]!);
  for (let i = 0; i < n; i++) {
    if ((t[i]! >= group[i]!) !== (d[i] === 1)) {
      throw new CausalPanelError('invalid_option', `${FN}: treatment "${params.treat}" must be absorbing (0 before the unit's first treated period, 1 from it on; row ${rows[i]! + 1})`, { fn: FN, column: params.treat, row: rows[i]! });
    }
  }
  const groups = [...new Set(group)].sort((a, b) => a - b);
  if (!groups.some((g) => Number.isFinite(g))) throw new CausalPanelError('no_treated_units', `${FN}: no unit is ever treated (column "${params.treat}")`, { fn: FN, column: params.treat });
  if (groups.length < 2) throw new CausalPanelError('no_control_units', `${FN}: every unit is treated at the same time: there is no comparison group`, { fn: FN, column: params.treat });
  const minTime = Number(periods.values![0]);

  // Covariates: drop those constant within every unit (absorbed by the unit effects).
  const covariates: { name: string; values: Float64Array }[] = [];
  const absorbed: string[] = [];
  params.covariates.forEach((name, j) => {
    const values = Float64Array.from(rows, (r) => data.covariates[j]![r]!);
    const firstValue = new Float64Array(nUnits).fill(NaN);
    let varies = false;
    for (let i = 0; i < n && !varies; i++) {
      const u = unit.codes[i]!;
      if (Number.isNaN(firstValue[u]!)) firstValue[u] = values[i]!;
      else if (firstValue[u] !== values[i]) varies = true;
    }
    if (varies) covariates.push({ name, values });
    else absorbed.push(name);
  });
  if (absorbed.length > 0) notes.push({ code: 'collinear_dropped', terms: absorbed });

  const base: Record<string, Column> = { y, d, id: Float64Array.from(unit.codes), t };
  const twfeFormula = `y ~ d${covariates.map((_, j) => ` + x${j}`).join('')} | id + t`;
  const full: Record<string, Column> = { ...base };
  covariates.forEach((c, j) => (full[`x${j}`] = c.values));
  const twfe = feols(twfeFormula, new Frame(full), { vcov: 'iid' });
  const twfeCoefficient = twfe.coefficients[0]!;

  const comparisons: BaconComparison[] = [];
  let Omega: number | undefined;
  let betaWithin: number | undefined;
  if (covariates.length === 0) {
    for (const k of groups) {
      for (const l of groups) {
        if (k === l || !Number.isFinite(k) || k === minTime) continue;
        const type: BaconType = !Number.isFinite(l) ? 'Treated vs Untreated' : l === minTime ? 'Later vs Always Treated' : k > l ? 'Later vs Earlier Treated' : 'Earlier vs Later Treated';
        const keep: number[] = [];
        for (let i = 0; i < n; i++) {
          if (group[i] !== k && group[i] !== l) continue;
          if (k < l && !(t[i]! < l)) continue;
          if (k > l && !(t[i]! >= l)) continue;
          keep.push(i);
        }
        const sub = subset(base, keep);
        const estimate = feols('y ~ d | t + id', sub, { vcov: 'iid' }).coefficients[0]!;
        comparisons.push({ treated: k, untreated: l, estimate, weight: uncontrolledWeight(keep, group, d, k, l), type });
      }
    }
  } else {
    const controlled = controlledDecomposition(base, covariates, group, groups, minTime, n);
    Omega = controlled.Omega;
    betaWithin = controlled.betaWithin;
    comparisons.push(...controlled.comparisons);
  }
  let total = 0;
  for (const c of comparisons) total += c.weight;
  for (const c of comparisons) c.weight /= total;

  return new BaconResult({
    outcome: params.outcome,
    comparisons,
    twfeCoefficient,
    ...(Omega !== undefined ? { Omega, betaWithin: betaWithin! } : {}),
    nobs: n,
    nUnits,
    notes,
  });
}

/** The rows `keep` of a column set, as a Frame. */
function subset(columns: Record<string, Column>, keep: readonly number[]): Frame {
  const out: Record<string, Column> = {};
  for (const [name, column] of Object.entries(columns)) out[name] = Float64Array.from(keep, (i) => (column as Float64Array)[i]!);
  return new Frame(out);
}

/** Residuals of x on the period and unit effects of a subsample (fixest's `x ~ 1 | t + id`). */
function twoWayResiduals(x: Float64Array, sub: Frame): Float64Array {
  const codes = (name: string) => {
    const f = factor(sub.numeric(name));
    return { codes: f.codes, nLevels: f.levels.length };
  };
  return demean([x], [codes('t'), codes('id')], { tolerance: 1e-13 }).columns[0]!;
}

/** bacondecomp's calculate_weights: the unscaled weight of one uncontrolled 2×2 (row counts and treatment shares on its subsample). */
function uncontrolledWeight(keep: readonly number[], group: Float64Array, d: Float64Array, k: number, l: number): number {
  let nk = 0;
  let nl = 0;
  let dk = 0;
  let dl = 0;
  for (const i of keep) {
    if (group[i] === k) {
      nk++;
      dk += d[i]!;
    } else {
      nl++;
      dl += d[i]!;
    }
  }
  const Dk = dk / nk;
  const Dl = dl / nl;
  if (!Number.isFinite(l)) {
    const share = nk / (nk + nl);
    return (nk + nl) ** 2 * share * (1 - share) * Dk * (1 - Dk);
  }
  if (k < l) {
    const share = nk / (nk + nl);
    return ((nk + nl) * (1 - Dl)) ** 2 * share * (1 - share) * ((Dk - Dl) / (1 - Dl)) * ((1 - Dk) / (1 - Dl));
  }
  // Later (k) vs earlier (l) treated: the earlier group plays bacondecomp's k.
  const share = nl / (nk + nl);
  return ((nk + nl) * Dl) ** 2 * share * (1 - share) * (Dk / Dl) * ((Dl - Dk) / Dl);
}

/** Theorem 2's decomposition with controls (bacondecomp's run_fwl … calc_controlled_beta_weights). */
function controlledDecomposition(
  base: Record<string, Column>,
  covariates: readonly { name: string; values: Float64Array }[],
  group: Float64Array,
  groups: readonly number[],
  minTime: number,
  n: number,
): { Omega: number; betaWithin: number; comparisons: BaconComparison[] } {
  const t = base.t as Float64Array;
  const y = base.y as Float64Array;
  const id = base.id as Float64Array;
  const xs: Record<string, Column> = {};
  covariates.forEach((c, j) => (xs[`x${j}`] = c.values));
  const xNames = Object.keys(xs);
  const fwl = feols(`d ~ ${xNames.join(' + ')} | t + id`, new Frame({ ...base, ...xs }), { vcov: 'iid' });
  const dRes = fwl.residuals();
  const p = fwl.fitted();

  const idCodes = Int32Array.from(id);
  const nId = idCodes.reduce((m, c) => Math.max(m, c), 0) + 1;
  const tFactor = factor(t);
  const nT = tFactor.levels.length;
  const nG = groups.length;
  const groupCodes = Int32Array.from(group, (g) => groups.indexOf(g));
  const cellCodes = Int32Array.from(groupCodes, (g, i) => g * nT + tFactor.codes[i]!);
  const nCells = nG * nT;
  const dI = ave(dRes, idCodes, nId);
  const dT = ave(dRes, tFactor.codes, nT);
  let dBar = 0;
  for (let i = 0; i < n; i++) dBar += dRes[i]!;
  dBar /= n;
  const dKT = ave(dRes, cellCodes, nCells);
  const dK = ave(dRes, groupCodes, nG);
  const dItTil = Float64Array.from(dRes, (v, i) => v - dI[i]! - dT[i]! + dBar);
  const dIktTil = Float64Array.from(dRes, (v, i) => v - dI[i]! - (dKT[i]! - dK[i]!));
  const Omega = covN(dIktTil, dIktTil) / covN(dItTil, dItTil);
  const betaWithin = covN(y, dIktTil) / covN(dIktTil, dIktTil);

  // Group × period means of the controls and of the predicted treatment.
  const gx: Record<string, Float64Array> = {};
  xNames.forEach((name) => (gx[`g${name}`] = ave(xs[name] as Float64Array, cellCodes, nCells)));
  const gp = ave(p, cellCodes, nCells);

  const comparisons: BaconComparison[] = [];
  for (const k of groups) {
    if (!Number.isFinite(k)) continue;
    for (const l of groups) {
      if (!(l > k)) continue;
      const type: BaconType = !Number.isFinite(l) ? 'Treated vs Untreated' : k === minTime || l === minTime ? 'Later vs Always Treated' : 'Both Treated';
      const keep: number[] = [];
      for (let i = 0; i < n; i++) if (group[i] === k || group[i] === l) keep.push(i);
      const N = keep.length;
      const sub = subset({ ...base, ...gx, gp }, keep);
      const within = (name: string): Float64Array => twoWayResiduals(sub.numeric(name), sub);
      const Dtilde = within('d');
      const VD = covN(Dtilde, Dtilde);
      const partialled: Record<string, Column> = { Dtilde };
      const gNames = Object.keys(gx);
      for (const name of gNames) partialled[`p${name}`] = within(name);
      const fitPg = feols(`Dtilde ~ ${gNames.map((g) => `p${g}`).join(' + ')}`, new Frame(partialled), { vcov: 'iid' });
      const pgjtilde = fitPg.fitted();
      const Rsq = fitPg.r2;
      const ptilde = within('gp');
      const dp = Float64Array.from(pgjtilde, (v, i) => v - ptilde[i]!);
      const Vdp = covN(dp, dp);
      const BD = feols(`y ~ d + ${gNames.join(' + ')} | id + t`, sub, { vcov: 'iid' }).coefficients[0]!;
      const Bb = feols('y ~ dp | t + id', sub.withColumns({ dp }), { vcov: 'iid' }).coefficients[0]!;
      const between = (1 - Rsq) * VD;
      comparisons.push({ treated: k, untreated: l, estimate: (between * BD + Vdp * Bb) / (between + Vdp), weight: N * N * (between + Vdp), type });
    }
  }
  return { Omega, betaWithin, comparisons };
}
