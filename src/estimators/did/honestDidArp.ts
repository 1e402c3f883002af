/**
 * The conditional and hybrid moment-inequality test of Andrews, Roth & Pakes (ARP, 2023) with
 * nuisance parameters, and the confidence set it gives over a grid of θ — HonestDiD 0.2.6's
 * `.lp_conditional_test_fn`, `.vlo_vup_dual_fn` and `.ARP_computeCI` (R/arp-nuisance.R), step for
 * step: the LP for η, the primal (binding moments of full rank, non-degenerate) or dual
 * (bisection on the dual vertex) truncation bounds, the truncated-normal critical value, and the
 * least-favourable (LF) and FLCI hybrids' first stages.
 *
 * The LP for η (min η s.t. y − X δ ≤ η σ) is solved through its dual, max λᵀy s.t.
 * λᵀ[σ, X] = e₁ᵀ, λ ≥ 0, whose optimal vertex λ is the multiplier vector HonestDiD reads from
 * lpSolveAPI. Matrices here are small: plain row-major `number[][]`.
 *
 * Notation: M = moments (rows of A), k = nuisance dimension (post periods − 1).
 */
import { PivotedQR } from '../../numerics/qr.js';
import { pow } from '../../numerics/elementary.js';
import { standardFormSolver, type LpSolution } from '../../numerics/linearProgram.js';
import { truncatedNormalQuantile } from '../../numerics/truncatedNormal.js';

export type Matrix = number[][];

/** A·B for row-major matrices. */
export function matMul(A: Matrix, B: Matrix): Matrix {
  const n = A.length;
  const k = B.length;
  const m = k === 0 ? 0 : B[0]!.length;
  const out: Matrix = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(m).fill(0);
    const a = A[i]!;
    for (let l = 0; l < k; l++) {
      const v = a[l]!;
      if (v === 0) continue;
      const b = B[l]!;
      for (let j = 0; j < m; j++) row[j] += v * b[j]!;
    }
    out.push(row);
  }
  return out;
}

/** A·x. */
export function matVec(A: Matrix, x: readonly number[]): number[] {
  return A.map((row) => dot(row, x));
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function transpose(A: Matrix): Matrix {
  if (A.length === 0) return [];
  return A[0]!.map((_, j) => A.map((row) => row[j]!));
}

/** A⁻¹ of a square matrix through the pivoted QR (NaN entries when singular). */
export function inverse(A: Matrix): Matrix {
  const n = A.length;
  const X = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) X[i + j * n] = A[i]![j]!;
  const qr = new PivotedQR(X, n, n);
  const columns: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    columns.push(qr.solve(e, 1));
  }
  return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]!));
}

/** Numerical rank of a matrix (pivoted QR, R's rankMatrix default tolerance order). */
function rank(A: Matrix): number {
  const n = A.length;
  const k = n === 0 ? 0 : A[0]!.length;
  if (n === 0 || k === 0) return 0;
  const X = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) X[i + j * n] = A[i]![j]!;
  return new PivotedQR(X, n, k, { tolerance: Math.max(n, k) * 2.220446049250313e-16 }).rank;
}

/** First-stage objects of the hybrid tests. */
export type Hybrid =
  | { kind: 'ARP' }
  | { kind: 'LF'; kappa: number; lfCv: number }
  | { kind: 'FLCI'; kappa: number; vbar: readonly number[]; dbar: readonly number[] };

/** The LPs of one ARP problem: max fᵀλ s.t. Wᵀλ = e₁, λ ≥ 0 with W = [sd, X] (M × (k+1)). */
export type DualPolytope = (f: ArrayLike<number>) => LpSolution;

/**
 * The dual polytope {λ ≥ 0 : Wᵀλ = e₁} of the LP for η, whose phase one is shared by every LP of
 * the problem (the LP for η at each θ and the dual bisection's programs all live on it).
 */
export function dualPolytope(X: Matrix, sd: readonly number[]): DualPolytope {
  const M = sd.length;
  const k = X.length === 0 ? 0 : X[0]!.length;
  const rows = k + 1;
  const A = new Float64Array(rows * M);
  for (let i = 0; i < M; i++) {
    A[0 + i * rows] = sd[i]!;
    for (let j = 0; j < k; j++) A[j + 1 + i * rows] = X[i]![j]!;
  }
  const b = new Float64Array(rows);
  b[0] = 1;
  return standardFormSolver(A, b, rows, M);
}

/**
 * The optimal value η and dual vertex λ of the LP min η s.t. y − X δ ≤ η·sd, solved as its dual
 * max λᵀy over the polytope.
 */
export function etaLp(y: readonly number[], polytope: DualPolytope): { status: 'optimal' | 'failed'; eta: number; lambda: number[] } {
  const sol = polytope(y);
  if (sol.status !== 'optimal') return { status: 'failed', eta: NaN, lambda: new Array<number>(y.length).fill(NaN) };
  return { status: 'optimal', eta: sol.value, lambda: Array.from(sol.x) };
}

/** `.max_program` on the polytope: c ↦ max fᵀx s.t. Wᵀx = e₁, x ≥ 0 with f = s + b·c (value and x). */
function maxProgram(s: readonly number[], bVec: readonly number[], polytope: DualPolytope): (c: number) => { value: number; x: Float64Array } {
  const M = s.length;
  const f = new Float64Array(M);
  return (c) => {
    for (let i = 0; i < M; i++) f[i] = s[i]! + bVec[i]! * c;
    const sol = polytope(f);
    return { value: sol.status === 'optimal' ? sol.value : sol.status === 'unbounded' ? Infinity : NaN, x: sol.status === 'optimal' ? sol.x : new Float64Array(M) };
  };
}

const ROUND_EPS = pow(2.220446049250313e-16, 0.75);
const roundeps = (x: number): number => (Math.abs(x) < ROUND_EPS ? 0 : x);

/** `.vlo_vup_dual_fn`: truncation bounds given the dual vertex γ (ARP 2023, Appendix D, Algorithm 1). */
function vloVupDual(eta: number, y: readonly number[], gamma: readonly number[], sigma: Matrix, polytope: DualPolytope): { vlo: number; vup: number } {
  const tolC = 1e-6;
  const tolEquality = 1e-6;
  const sigmaGamma = matVec(sigma, gamma);
  const gSg = dot(gamma, sigmaGamma);
  const sigmaB = Math.sqrt(gSg);
  const bVec = sigmaGamma.map((v) => v / gSg);
  const gy = dot(gamma, y);
  const s = y.map((v, i) => v - bVec[i]! * gy);
  const program = maxProgram(s, bVec, polytope);
  const check = (c: number): { ok: boolean; x: Float64Array } => {
    const lp = program(c);
    return { ok: Math.abs(c - lp.value) <= tolEquality, x: lp.x };
  };
  const lowInitial = Math.min(-100, eta - 20 * sigmaB);
  const highInitial = Math.max(100, eta + 20 * sigmaB);
  const maxIters = 10000;
  const switchIters = 10;
  if (!check(eta).ok) return { vlo: eta, vup: Infinity };
  const shortcut = (x: Float64Array): number => roundeps(dot(x, s)) / (1 - dot(x, bVec));

  const bound = (initial: number, upper: boolean): number => {
    let lp = check(initial);
    if (lp.ok) return upper ? Infinity : -Infinity;
    let dif = 0;
    let iters = 1;
    let mid = shortcut(lp.x);
    while (!(lp = check(mid)).ok && iters < maxIters) {
      iters++;
      if (iters >= switchIters) {
        dif = tolC + 1;
        break;
      }
      mid = shortcut(lp.x);
    }
    // Bisection between η (a solution) and mid (not a solution).
    let low = upper ? eta : mid;
    let high = upper ? mid : eta;
    while (dif > tolC && iters < maxIters) {
      iters++;
      mid = (high + low) / 2;
      const ok = check(mid).ok;
      if (ok === upper) low = mid;
      else high = mid;
      dif = high - low;
    }
    return mid;
  };
  const vup = bound(highInitial, true);
  const vlo = bound(lowInitial, false);
  return { vlo, vup };
}

/** `.FLCI_computeVloVup`: truncation implied by the FLCI hybrid's first stage. */
function flciVloVup(vbar: readonly number[], dbar: readonly number[], S: readonly number[], c: readonly number[]): { vlo: number; vup: number } {
  const vS = dot(vbar, S);
  const vc = dot(vbar, c);
  const rows = [
    { num: dbar[0]! - vS, den: vc },
    { num: dbar[1]! + vS, den: -vc },
  ];
  let vlo = -Infinity;
  let vup = Infinity;
  for (const r of rows) {
    const q = r.num / r.den;
    if (r.den < 0) vlo = Math.max(vlo, q);
    if (r.den > 0) vup = Math.min(vup, q);
  }
  return { vlo, vup };
}

/** What the ARP test reuses across θ: the ARP rows of X and Σ, the SDs and the dual polytope. */
export interface ArpContext {
  XA: Matrix;
  sigmaA: Matrix;
  sd: number[];
  polytope: DualPolytope;
}

/** The {@link ArpContext} of X, Σ and the ARP rows. */
export function arpContext(X: Matrix, sigma: Matrix, rows: readonly number[]): ArpContext {
  const XA = rows.map((r) => X[r]!);
  const sigmaA = rows.map((r) => rows.map((c) => sigma[r]![c]!));
  const sd = sigmaA.map((row, i) => Math.sqrt(row[i]!));
  return { XA, sigmaA, sd, polytope: dualPolytope(XA, sd) };
}

/**
 * `.lp_conditional_test_fn`: does the ARP test of E[y − X δ] ≤ 0 reject at level α?
 * `rows` selects the moments used by the ARP stage (HonestDiD's rowsForARP); y and sigma are full.
 */
export function arpTestRejects(y: readonly number[], X: Matrix, sigma: Matrix, alpha: number, hybrid: Hybrid, rows: readonly number[], context: ArpContext = arpContext(X, sigma, rows)): boolean {
  const yA = rows.map((r) => y[r]!);
  const { XA, sigmaA, sd, polytope } = context;
  const M = rows.length;
  const k = XA[0]!.length;
  const lin = etaLp(yA, polytope);
  if (lin.status !== 'optimal') return false;
  const eta = lin.eta;

  let modSize = alpha;
  if (hybrid.kind === 'LF') {
    modSize = (alpha - hybrid.kappa) / (1 - hybrid.kappa);
    if (eta > hybrid.lfCv) return true;
  } else if (hybrid.kind === 'FLCI') {
    modSize = (alpha - hybrid.kappa) / (1 - hybrid.kappa);
    const vy = dot(hybrid.vbar, y);
    if (Math.max(vy - hybrid.dbar[0]!, -vy - hybrid.dbar[1]!) > 0) return true;
  }

  const tolLambda = 1e-6;
  const binding = lin.lambda.map((l) => l > tolLambda);
  const nBinding = binding.filter(Boolean).length;
  const degenerate = nBinding !== k + 1;
  const XB = XA.filter((_, i) => binding[i]);
  const xDim = Math.min(XB.length, k);
  const fullRank = xDim > 0 && rank(XB) === xDim;

  /** The FLCI hybrid's truncation for a direction γ over the ARP rows. */
  const flciBounds = (gammaArp: readonly number[]): { vlo: number; vup: number } => {
    if (hybrid.kind !== 'FLCI') return { vlo: -Infinity, vup: Infinity };
    const gammaFull = new Array<number>(y.length).fill(0);
    rows.forEach((r, i) => (gammaFull[r] = gammaArp[i]!));
    const sg = matVec(sigma, gammaFull);
    const gsg = dot(gammaFull, sg);
    const c = sg.map((v) => v / gsg);
    const gy = dot(gammaFull, y);
    const S = y.map((v, i) => v - c[i]! * gy);
    return flciVloVup(hybrid.vbar, hybrid.dbar, S, c);
  };

  // The conditioning direction γ (the dual vertex, or v_B of the binding moments), its SD and the
  // truncation bounds of η it implies (dual bisection, or the primal closed form).
  let direction: number[];
  let sigmaB: number;
  let vlo = -Infinity;
  let vup = Infinity;
  if (!fullRank || degenerate) {
    direction = lin.lambda;
    const sigmaB2 = dot(direction, matVec(sigmaA, direction));
    if (Math.abs(sigmaB2) < 2.220446049250313e-16) return eta > 0;
    ({ vlo, vup } = vloVupDual(eta, yA, direction, sigmaA, polytope));
    sigmaB = Math.sqrt(sigmaB2);
  } else {
    const B = binding.map((b, i) => (b ? i : -1)).filter((i) => i >= 0);
    const Bc = binding.map((b, i) => (b ? -1 : i)).filter((i) => i >= 0);
    const MBinv = inverse(B.map((i) => [sd[i]!, ...XA[i]!]));
    // v_B = first row of M_B⁻¹, placed at the binding moments.
    direction = new Array<number>(M).fill(0);
    B.forEach((i, j) => (direction[i] = MBinv[0]![j]!));
    const sigmaVB = matVec(sigmaA, direction);
    const sigma2B = dot(direction, sigmaVB);
    sigmaB = Math.sqrt(sigma2B);
    const vBy = dot(direction, yA);
    for (const i of Bc) {
      // Row of Γ_B: [sd_i, X_i] M_B⁻¹ S_B − e_iᵀ.
      const wi = [sd[i]!, ...XA[i]!];
      let gy = -yA[i]!;
      let gsv = -sigmaVB[i]!;
      B.forEach((b, j) => {
        let coef = 0;
        for (let l = 0; l < wi.length; l++) coef += wi[l]! * MBinv[l]![j]!;
        gy += coef * yA[b]!;
        gsv += coef * sigmaVB[b]!;
      });
      const rho = gsv / sigma2B;
      const value = -gy / rho + vBy;
      if (rho > 0) vlo = Math.max(vlo, value);
      else if (rho < 0) vup = Math.min(vup, value);
    }
  }
  if (hybrid.kind === 'LF') vup = Math.min(vup, hybrid.lfCv);
  else if (hybrid.kind === 'FLCI') {
    const f = flciBounds(direction);
    vlo = Math.max(vlo, f.vlo);
    vup = Math.min(vup, f.vup);
  }
  const zlo = vlo / sigmaB;
  const zup = vup / sigmaB;
  const maxstat = eta / sigmaB;
  // HonestDiD does not reject when the statistic falls outside its truncation interval. At the
  // edge of the FLCI hybrid's first stage the statistic equals a truncation bound in exact
  // arithmetic, and rounding alone may put it outside: compare with a 1e-10 relative slack.
  const slack = 1e-10 * Math.max(1, Math.abs(maxstat));
  if (!(zlo - slack <= maxstat && maxstat <= zup + slack)) return false;
  const cval = Math.max(0, truncatedNormalQuantile(1 - modSize, zlo, zup));
  return maxstat > cval;
}

/** `base::seq(lb, ub, length.out = n)` as R computes it (from + (0:(n−1)) · by, last = to). */
export function seqLength(lb: number, ub: number, n: number): number[] {
  if (n === 1) return [lb];
  const by = (ub - lb) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => lb + i * by);
  out[n - 1] = ub;
  return out;
}

/** Inputs of {@link arpConfidenceSet}. */
export interface ArpProblem {
  betahat: readonly number[];
  sigma: Matrix;
  numPre: number;
  numPost: number;
  /** The restriction set Δ = {δ : A δ ≤ d}. */
  A: Matrix;
  d: readonly number[];
  lVec: readonly number[];
  alpha: number;
  rowsForArp: readonly number[];
}

/** Γ: the invertible matrix with lᵀ as its first row (`.construct_Gamma`, via RREF pivots). */
export function constructGamma(l: readonly number[]): Matrix {
  const T = l.length;
  let last = -1;
  for (let i = 0; i < T; i++) if (l[i] !== 0) last = i;
  const out: Matrix = [[...l]];
  for (let j = 0; j < T; j++) {
    if (j === last) continue;
    const e = new Array<number>(T).fill(0);
    e[j] = 1;
    out.push(e);
  }
  return out;
}

/** The moments of the ARP test at θ: y(θ) = Ã β̂ − d − (A Γ⁻¹)₁ θ, X = (A Γ⁻¹)₋₁, Σ_Y = A Σ Aᵀ. */
export function arpMoments(p: ArpProblem): { Y: number[]; sigmaY: Matrix; aOne: number[]; X: Matrix } {
  const { A, numPre, numPost } = p;
  const Apost = A.map((row) => row.slice(numPre, numPre + numPost));
  const AGammaInv = matMul(Apost, inverse(constructGamma(p.lVec)));
  const aOne = AGammaInv.map((row) => row[0]!);
  const X = AGammaInv.map((row) => row.slice(1));
  const Y = matVec(A, [...p.betahat]).map((v, i) => v - p.d[i]!);
  const sigmaY = matMul(matMul(A, p.sigma), transpose(A));
  return { Y, sigmaY, aOne, X };
}

/** `.ARP_computeCI`: the accept (true) / reject (false) decision at each point of `grid`. */
export function arpConfidenceSet(p: ArpProblem, grid: readonly number[], hybridAt: (theta: number) => Hybrid): boolean[] {
  const { Y, sigmaY, aOne, X } = arpMoments(p);
  const context = arpContext(X, sigmaY, p.rowsForArp);
  return grid.map((theta) => {
    const y = Y.map((v, i) => v - aOne[i]! * theta);
    return !arpTestRejects(y, X, sigmaY, p.alpha, hybridAt(theta), p.rowsForArp, context);
  });
}
