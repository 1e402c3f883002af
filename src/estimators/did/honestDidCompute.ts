/**
 * The sensitivity computations of HonestDiD 0.2.6 for one (β̂, Σ, l) and a vector of M or M̄:
 * `constructOriginalCS`, `createSensitivityResults` (Δ^SD(M): FLCI, Conditional, C-F) and
 * `createSensitivityResults_relativeMagnitudes` (Δ^RM(M̄): Conditional), with HonestDiD's grids
 * (1000 points over ±20 sd(l'β̂) around the identified set, or over the κ-level FLCI for C-F) and
 * its reading of the interval as the smallest and largest accepted grid points.
 */
import { normalQuantile } from '../../numerics/distributions.js';
import { PivotedQR } from '../../numerics/qr.js';
import { arpConfidenceSet, arpMoments, dot, matVec, seqLength, type Hybrid, type Matrix } from './honestDidArp.js';
import { createARm, createASd, idSetSd, postPeriodRows } from './honestDidDeltas.js';
import { findOptimalFlci } from './honestDidFlci.js';
import { leastFavorableCv, type FoldedQuantile } from './honestDidSimulated.js';
import { noNuisanceConfidenceSet, noNuisanceLfCv, type NoNuisanceHybrid } from './honestDidNoNuisance.js';

/** The event-study input of the sensitivity analysis. */
export interface HonestInput {
  betahat: readonly number[];
  sigma: Matrix;
  numPre: number;
  numPost: number;
}

export type HonestType = 'relativeMagnitudes' | 'smoothness';
export type HonestMethod = 'Conditional' | 'C-LF' | 'FLCI' | 'C-F';

/** One robust interval. */
export interface SensitivityRow {
  /** M (smoothness) or M̄ (relative magnitudes). */
  M: number;
  lb: number;
  ub: number;
  /** FLCI method: the affine estimator's weights and half-length. */
  optimalVec?: readonly number[];
  halfLength?: number;
  /** Grid methods: the first or last θ of the grid was accepted (HonestDiD warns). */
  openAtGridEnd?: boolean;
}

/** θ̂ = l'β̂_post and its SD √(l'Σ_post l). */
export function targetMoments(input: HonestInput, lVec: readonly number[]): { estimate: number; sd: number } {
  const { betahat, sigma, numPre, numPost } = input;
  const post = betahat.slice(numPre, numPre + numPost);
  const sPost = sigma.slice(numPre).map((row) => row.slice(numPre, numPre + numPost));
  return { estimate: dot([...lVec], post), sd: Math.sqrt(dot([...lVec], matVec(sPost, [...lVec]))) };
}

/** `constructOriginalCS`: l'β̂ ± z_{1−α/2} sd. */
export function originalCs(input: HonestInput, lVec: readonly number[], alpha: number): { lb: number; ub: number } {
  const { estimate, sd } = targetMoments(input, lVec);
  const z = normalQuantile(1 - alpha / 2);
  return { lb: estimate - z * sd, ub: estimate + z * sd };
}

/** Smallest and largest accepted grid points (NaN when none is accepted), and whether an end of the grid was accepted. */
function acceptedRange(grid: readonly number[], accept: readonly boolean[]): { lb: number; ub: number; openAtGridEnd: boolean } {
  let lb = NaN;
  let ub = NaN;
  grid.forEach((theta, i) => {
    if (!accept[i]) return;
    if (Number.isNaN(lb)) lb = theta;
    ub = theta;
  });
  return { lb, ub, openAtGridEnd: accept[0] === true || accept[accept.length - 1] === true };
}

/** Grid settings: HonestDiD's `gridPoints`, `grid.lb`, `grid.ub`. */
export interface GridOptions {
  gridPoints: number;
  gridLb?: number;
  gridUb?: number;
}

/** The hybrid of a conditional method: none (ARP), least favourable (LF) or FLCI. */
export type HybridKind = 'ARP' | 'LF' | 'FLCI';

/** The ARP problem's hybrid at each θ; LF computes its critical value once per restriction set. */
function hybridFor(kind: 'ARP' | 'LF', problem: Parameters<typeof arpMoments>[0], alpha: number): (theta: number) => Hybrid {
  if (kind === 'ARP') return () => ({ kind: 'ARP' });
  const kappa = alpha / 10;
  const { sigmaY, X } = arpMoments(problem);
  const rows = problem.rowsForArp;
  const lfCv = leastFavorableCv(rows.map((r) => X[r]!), rows.map((r) => rows.map((c) => sigmaY[r]![c]!)), kappa);
  return () => ({ kind: 'LF', kappa, lfCv });
}

/** `computeConditionalCS_DeltaRM` (hybrid 'ARP' or 'LF'): union over s and the sign of the max violation. */
export function relativeMagnitudesConditional(input: HonestInput, lVec: readonly number[], mbar: number, alpha: number, grid: GridOptions, hybrid: 'ARP' | 'LF' = 'ARP'): SensitivityRow {
  const { numPre, numPost } = input;
  const sd = targetMoments(input, lVec).sd;
  const thetas = seqLength(grid.gridLb ?? -20 * sd, grid.gridUb ?? 20 * sd, grid.gridPoints);
  const accept = new Array<boolean>(thetas.length).fill(false);
  for (let s = -(numPre - 1); s <= 0; s++) {
    for (const maxPositive of [true, false]) {
      const A = createARm(numPre, numPost, mbar, s, maxPositive);
      if (numPost === 1) {
        // One post period: HonestDiD keeps the rows on it and tests without nuisance parameters.
        const rows = postPeriodRows(A, numPre).map((r) => A[r]!);
        const noNuisance: NoNuisanceHybrid = hybrid === 'LF' ? { kind: 'LF', kappa: alpha / 10, lfCv: noNuisanceLfCv(rows, input.sigma, alpha / 10) } : { kind: 'ARP' };
        noNuisanceConfidenceSet(input.betahat, input.sigma, rows, rows.map(() => 0), numPre, alpha, thetas, noNuisance).forEach((a, i) => {
          if (a) accept[i] = true;
        });
        continue;
      }
      const problem = { betahat: input.betahat, sigma: input.sigma, numPre, numPost, A, d: A.map(() => 0), lVec, alpha, rowsForArp: postPeriodRows(A, numPre) };
      const result = arpConfidenceSet(problem, thetas, hybridFor(hybrid, problem, alpha));
      result.forEach((a, i) => {
        if (a) accept[i] = true;
      });
    }
  }
  return { M: mbar, ...acceptedRange(thetas, accept) };
}

/** Least-squares v minimising ‖l − Aᵀv‖ (HonestDiD's vbar; every minimiser gives the same test). */
function leastSquaresVbar(A: Matrix, l: readonly number[]): number[] {
  const n = l.length;
  const m = A.length;
  const X = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) X[j + i * n] = A[i]![j]!;
  const coef = new PivotedQR(X, n, m).solve(l, 2);
  return Array.from(coef, (v) => (Number.isNaN(v) ? 0 : v));
}

/** `computeConditionalCS_DeltaSD` with hybrid 'ARP' (Conditional), 'LF' (C-LF) or 'FLCI' (C-F). */
export function smoothnessConditional(input: HonestInput, lVec: readonly number[], M: number, alpha: number, grid: GridOptions, hybrid: HybridKind, quantile?: FoldedQuantile): SensitivityRow {
  const { numPre, numPost, betahat, sigma } = input;
  const A = createASd(numPre, numPost);
  const d = A.map(() => M);
  const rowsForArp = postPeriodRows(A, numPre);
  let gridLb = grid.gridLb;
  let gridUb = grid.gridUb;
  let hybridAt: (theta: number) => Hybrid = () => ({ kind: 'ARP' });
  const kappa = alpha / 10;
  let flciForGrid: { optimalVec: number[]; optimalHalfLength: number } | undefined;
  if (hybrid === 'FLCI') {
    const flci = findOptimalFlci(betahat, sigma, M, numPre, numPost, lVec, kappa, quantile);
    flciForGrid = flci;
    const vbar = leastSquaresVbar(A, flci.optimalVec);
    const centre = dot(flci.optimalVec, [...betahat]);
    gridUb ??= centre + flci.optimalHalfLength;
    gridLb ??= centre - flci.optimalHalfLength;
    const aOne = arpMoments({ betahat, sigma, numPre, numPost, A, d, lVec, alpha, rowsForArp }).aOne;
    const vd = dot(vbar, d);
    const va = dot(vbar, aOne);
    const half = flci.optimalHalfLength;
    hybridAt = (theta) => ({ kind: 'FLCI', kappa, vbar, dbar: [half - vd + (1 - va) * theta, half + vd - (1 - va) * theta] });
  } else if (gridLb === undefined || gridUb === undefined) {
    const id = idSetSd(M, lVec, numPre, numPost);
    const sd = targetMoments(input, lVec).sd;
    gridUb ??= id.ub + 20 * sd;
    gridLb ??= id.lb - 20 * sd;
  }
  const thetas = seqLength(gridLb!, gridUb!, grid.gridPoints);
  if (numPost === 1) {
    // One post period: HonestDiD's test without nuisance parameters, on every row of A.
    let noNuisance: NoNuisanceHybrid = { kind: 'ARP' };
    if (hybrid === 'LF') noNuisance = { kind: 'LF', kappa, lfCv: noNuisanceLfCv(A, sigma, kappa) };
    if (hybrid === 'FLCI') noNuisance = { kind: 'FLCI', kappa, flciL: flciForGrid!.optimalVec, halfLength: flciForGrid!.optimalHalfLength };
    return { M, ...acceptedRange(thetas, noNuisanceConfidenceSet(betahat, sigma, A, d, numPre, alpha, thetas, noNuisance)) };
  }
  const problem = { betahat, sigma, numPre, numPost, A, d, lVec, alpha, rowsForArp };
  if (hybrid === 'LF') hybridAt = hybridFor('LF', problem, alpha);
  const accept = arpConfidenceSet(problem, thetas, hybridAt);
  return { M, ...acceptedRange(thetas, accept) };
}

/** `findOptimalFLCI` at M, level 1 − α. */
export function smoothnessFlci(input: HonestInput, lVec: readonly number[], M: number, alpha: number, quantile?: FoldedQuantile): SensitivityRow {
  const flci = findOptimalFlci(input.betahat, input.sigma, M, input.numPre, input.numPost, lVec, alpha, quantile);
  return { M, lb: flci.lb, ub: flci.ub, optimalVec: flci.optimalVec, halfLength: flci.optimalHalfLength };
}

/** The robust intervals for every M (or M̄) of `values`. */
export function sensitivityRows(
  input: HonestInput,
  type: HonestType,
  method: HonestMethod,
  values: readonly number[],
  lVec: readonly number[],
  alpha: number,
  grid: GridOptions,
  quantile?: FoldedQuantile,
): SensitivityRow[] {
  const hybrid: HybridKind = method === 'C-LF' ? 'LF' : method === 'C-F' ? 'FLCI' : 'ARP';
  return values.map((M) => {
    if (type === 'relativeMagnitudes') return relativeMagnitudesConditional(input, lVec, M, alpha, grid, hybrid === 'LF' ? 'LF' : 'ARP');
    if (method === 'FLCI') return smoothnessFlci(input, lVec, M, alpha, quantile);
    return smoothnessConditional(input, lVec, M, alpha, grid, hybrid, quantile);
  });
}

/**
 * The breakdown value read off the M grid: the largest M such that the robust interval excludes
 * 0 at it and at every smaller M of the grid (null when the first interval already includes 0).
 */
export function breakdownValue(rows: readonly SensitivityRow[]): number | null {
  const sorted = [...rows].sort((a, b) => a.M - b.M);
  let value: number | null = null;
  for (const row of sorted) {
    const excludes = row.lb > 0 || row.ub < 0;
    if (!excludes) break;
    value = row.M;
  }
  return value;
}

/**
 * HonestDiD's default M grid for smoothness (`createSensitivityResults` with `Mvec = NULL`):
 * `seq(0, sd(β̂₁), length.out = 10)` with one pre-period, else `seq(0, Mub, length.out = 10)` with
 * Mub = `DeltaSD_upperBound_Mpre(alpha = 0.05)`, the largest pre-period second difference plus
 * z₀.₉₅ times its SE.
 */
export function defaultSmoothnessGrid(input: HonestInput): number[] {
  const { betahat, sigma, numPre } = input;
  if (numPre === 1) return seqLength(0, Math.sqrt(sigma[0]![0]!), 10);
  const A = createASd(numPre, 0);
  const pre = betahat.slice(0, numPre);
  const sPre = sigma.slice(0, numPre).map((row) => row.slice(0, numPre));
  const z = normalQuantile(0.95);
  let upper = -Infinity;
  for (const row of A) upper = Math.max(upper, dot(row, pre) + z * Math.sqrt(dot(row, matVec(sPre, row))));
  return seqLength(0, upper, 10);
}
