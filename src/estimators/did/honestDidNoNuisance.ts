/**
 * HonestDiD 0.2.6's test without nuisance parameters (one post period), R/arp-nonuisance.R:
 * `.testInIdentifiedSet` (the conditional test of Andrews, Roth & Pakes with the largest
 * standardized moment as statistic and Lee et al.'s truncation), its FLCI and least-favourable
 * hybrids, and `.APR_computeCI_NoNuis` over the θ grid, where y(θ) = β̂ − e_{numPre+1}·θ.
 */
import { quantileSorted } from '../../numerics/quantile.js';
import { truncatedNormalQuantile } from '../../numerics/truncatedNormal.js';
import { dot, matMul, matVec, transpose, type Matrix } from './honestDidArp.js';
import { rStream } from '../../numerics/rRandom.js';
import { symmetricRoot } from './honestDidSimulated.js';

/** First stage of the hybrids without nuisance parameters. */
export type NoNuisanceHybrid =
  | { kind: 'ARP' }
  | { kind: 'LF'; kappa: number; lfCv: number }
  | { kind: 'FLCI'; kappa: number; flciL: readonly number[]; halfLength: number };

/** `.norminvp_generalized`: the p-quantile of N(μ, sd²) truncated to [l, u]. */
function truncatedQuantile(p: number, l: number, u: number, mu: number, sd: number): number {
  return mu + truncatedNormalQuantile(p, (l - mu) / sd, (u - mu) / sd) * sd;
}

/**
 * `.testInIdentifiedSet` (with the hybrids' first stages): does the test of A δ ≤ d at
 * y = β̂ − e·θ reject at level α?
 */
function rejects(y: readonly number[], sigma: Matrix, A: Matrix, d: readonly number[], alpha: number, hybrid: NoNuisanceHybrid): boolean {
  const sigmaTilde = A.map((row) => Math.sqrt(dot(row, matVec(sigma, row))));
  const Atilde = A.map((row, i) => row.map((v) => v / sigmaTilde[i]!));
  const dtilde = d.map((v, i) => v / sigmaTilde[i]!);
  const moments = Atilde.map((row, i) => dot(row, y) - dtilde[i]!);
  let maxLocation = 0;
  for (let i = 1; i < moments.length; i++) if (moments[i]! > moments[maxLocation]!) maxLocation = i;
  const maxMoment = moments[maxLocation]!;
  let size = alpha;
  const extraA: Matrix = [];
  const extraD: number[] = [];
  if (hybrid.kind === 'LF') {
    if (maxMoment > hybrid.lfCv) return true;
    size = (alpha - hybrid.kappa) / (1 - hybrid.kappa);
  } else if (hybrid.kind === 'FLCI') {
    const ly = dot(hybrid.flciL, y);
    if (Math.max(ly - hybrid.halfLength, -ly - hybrid.halfLength) > 0) return true;
    size = (alpha - hybrid.kappa) / (1 - hybrid.kappa);
    extraA.push([...hybrid.flciL], hybrid.flciL.map((v) => -v));
    extraD.push(hybrid.halfLength, hybrid.halfLength);
  }
  const gamma = Atilde[maxLocation]!;
  const Abar = [...Atilde.map((row) => row.map((v, j) => v - gamma[j]!)), ...extraA];
  const dbar = [...dtilde.map((v) => v - dtilde[maxLocation]!), ...extraD];
  const sigmaGamma = matVec(sigma, gamma);
  const gSg = dot(gamma, sigmaGamma);
  const sigmaBar = Math.sqrt(gSg);
  const c = sigmaGamma.map((v) => v / gSg);
  const gy = dot(gamma, y);
  const z = y.map((v, i) => v - c[i]! * gy);
  // `.VLoVUpFN`: Lee et al.'s truncation of γ'y given z.
  let vlo = -Infinity;
  let vup = Infinity;
  Abar.forEach((row, i) => {
    const ac = dot(row, c);
    const objective = (dbar[i]! - dot(row, z)) / ac;
    if (ac < 0) vlo = Math.max(vlo, objective);
    else if (ac > 0) vup = Math.min(vup, objective);
  });
  const critical = Math.max(0, truncatedQuantile(1 - size, vlo, vup, dtilde[maxLocation]!, sigmaBar));
  return maxMoment + dtilde[maxLocation]! > critical;
}

/** `.APR_computeCI_NoNuis`: accept (true) / reject at each θ of the grid. */
export function noNuisanceConfidenceSet(betahat: readonly number[], sigma: Matrix, A: Matrix, d: readonly number[], numPre: number, alpha: number, grid: readonly number[], hybrid: NoNuisanceHybrid): boolean[] {
  return grid.map((theta) => {
    const y = betahat.map((v, i) => (i === numPre ? v - theta : v));
    return !rejects(y, sigma, A, d, alpha, hybrid);
  });
}

/**
 * `.compute_least_favorable_cv` without nuisance parameters: the (1 − κ)-quantile of the largest
 * standardized coordinate of 1000 draws N(0, AΣAᵀ) from R's set.seed(0) stream.
 *
 * @example
 * noNuisanceLfCv([[1, 0], [0, 1]], [[1, 0], [0, 1]], 0.005); // ≈ 2.8: the 99.5% point of max(Z₁, Z₂)
 */
export function noNuisanceLfCv(A: Matrix, sigma: Matrix, kappa: number, sims = 1000, seed = 0): number {
  const S = matMul(matMul(A, sigma), transpose(A));
  const d = S.length;
  const root = symmetricRoot(S);
  const sd = S.map((row, i) => Math.sqrt(row[i]!));
  const stream = rStream(seed);
  const maxima = new Float64Array(sims);
  const z = new Array<number>(d);
  for (let r = 0; r < sims; r++) {
    for (let i = 0; i < d; i++) z[i] = stream.norm();
    let best = -Infinity;
    for (let j = 0; j < d; j++) {
      let xi = 0;
      for (let i = 0; i < d; i++) xi += z[i]! * root[i]![j]!;
      best = Math.max(best, xi / sd[j]!);
    }
    maxima[r] = best;
  }
  return quantileSorted(maxima.sort(), 1 - kappa);
}
