/**
 * Numerical derivatives by Richardson extrapolation, as R's numDeriv 2016.8 (`jacobian` and
 * `hessian` with method "Richardson", the Bates & Watts `genD` scheme): central differences at
 * r = 4 step sizes h, h/2, h/4, h/8, extrapolated to h → 0. Step h = |d·x| + eps·[|x| < zero.tol]
 * with numDeriv's defaults (eps = 1e-4, zero.tol = √(2.2e-16 / 7e-7); d = 1e-4 for the
 * Jacobian, d = 0.1 for the Hessian). lmerTest's Satterthwaite degrees of freedom are built on
 * exactly these two calls, so mirroring the scheme (not just "a derivative") reproduces them.
 *
 * Dimension symbols: n = parameters, m = function values.
 */

const EPS = 1e-4;
const ZERO_TOL = Math.sqrt(2.220446049250313e-16 / 7e-7);
const R = 4;

function steps(x: readonly number[], d: number): number[] {
  return x.map((v) => Math.abs(d * v) + EPS * (Math.abs(v) < ZERO_TOL ? 1 : 0));
}

/** Richardson's extrapolation of r approximations (h halved each time) in place; returns the limit. */
function extrapolate(a: number[]): number {
  for (let m = 1, f = 4; m < R; m++, f *= 4) {
    for (let k = 0; k < R - m; k++) a[k] = (a[k + 1]! * f - a[k]!) / (f - 1);
  }
  return a[0]!;
}

/**
 * m×n Jacobian of a vector function (numDeriv::jacobian, Richardson, d = 1e-4), column-major.
 *
 * @example
 * richardsonJacobian(([a, b]) => [a! * b!, a! + b!], [2, 3]); // [3, 1, 2, 1] (∂/∂a then ∂/∂b)
 */
export function richardsonJacobian(f: (x: readonly number[]) => ArrayLike<number>, x: readonly number[], d = 1e-4): Float64Array {
  const n = x.length;
  const m = f(x).length;
  const J = new Float64Array(m * n);
  const h0 = steps(x, d);
  const a: number[][] = Array.from({ length: m * n }, () => new Array<number>(R).fill(0));
  const h = [...h0];
  for (let k = 0; k < R; k++) {
    for (let i = 0; i < n; i++) {
      const plus = [...x];
      const minus = [...x];
      plus[i] = x[i]! + h[i]!;
      minus[i] = x[i]! - h[i]!;
      const fp = f(plus);
      const fm = f(minus);
      for (let r = 0; r < m; r++) a[r + i * m]![k] = (fp[r]! - fm[r]!) / (2 * h[i]!);
    }
    for (let i = 0; i < n; i++) h[i] = h[i]! / 2;
  }
  for (let c = 0; c < m * n; c++) J[c] = extrapolate(a[c]!);
  return J;
}

/**
 * n×n Hessian of a scalar function (numDeriv::hessian, Richardson via genD, d = 0.1), column-major.
 *
 * @example
 * richardsonHessian(([a, b]) => a! * a! * b! + 3 * b! * b!, [1, 2]); // [4, 2, 2, 6]
 */
export function richardsonHessian(f: (x: readonly number[]) => number, x: readonly number[], d = 0.1): Float64Array {
  const n = x.length;
  const f0 = f(x);
  const h0 = steps(x, d);
  const H = new Float64Array(n * n);
  const diag = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const a = new Array<number>(R).fill(0);
    let h = h0[i]!;
    for (let k = 0; k < R; k++) {
      const plus = [...x];
      const minus = [...x];
      plus[i] = x[i]! + h;
      minus[i] = x[i]! - h;
      a[k] = (f(plus) - 2 * f0 + f(minus)) / (h * h);
      h /= 2;
    }
    diag[i] = extrapolate(a);
    H[i + i * n] = diag[i]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const a = new Array<number>(R).fill(0);
      let hi = h0[i]!;
      let hj = h0[j]!;
      for (let k = 0; k < R; k++) {
        const plus = [...x];
        const minus = [...x];
        plus[i] = plus[i]! + hi;
        plus[j] = plus[j]! + hj;
        minus[i] = minus[i]! - hi;
        minus[j] = minus[j]! - hj;
        a[k] = (f(plus) - 2 * f0 + f(minus) - diag[i]! * hi * hi - diag[j]! * hj * hj) / (2 * hi * hj);
        hi /= 2;
        hj /= 2;
      }
      const v = extrapolate(a);
      H[i + j * n] = v;
      H[j + i * n] = v;
    }
  }
  return H;
}
