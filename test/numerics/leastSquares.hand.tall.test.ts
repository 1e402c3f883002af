/**
 * The streaming path of leastSquares for tall problems (sequential TSQR + corrected semi-normal
 * equations) against hand-derivable answers: Walsh (±1) columns are exactly orthogonal, so
 * for y = 2 + 3·w₁ + 0.5·w₂ on X = [1, w₁] the least-squares solution is b = (2, 3), the residual
 * is 0.5·w₂, Σe² = n/4 and (XᵀX)⁻¹ = I/n — all exact in binary. Also: it agrees with R-style
 * pivoted QR + Björck refinement (the full path), falls back to that path for collinear or
 * ill-conditioned designs (R `lm` drops the later collinear column), and `streamingR` gives
 * RᵀR = XᵀX.
 */
import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../src/numerics/leastSquares.js';
import { streamingR } from '../../src/numerics/streamingR.js';
import { expectClose } from '../helpers/expectClose.js';

/** (−1)^(bit b of i): Walsh/Rademacher function b, exactly orthogonal to 1 and to other bits. */
function walsh(n: number, bit: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => ((i >> bit) & 1 ? -1 : 1));
}

function design(n: number, columns: Float64Array[]): Float64Array {
  const X = new Float64Array(n * columns.length);
  columns.forEach((c, j) => X.set(c, j * n));
  return X;
}

const n = 1 << 17; // ≥ the streaming threshold (65,536 rows)
const ones = new Float64Array(n).fill(1);
const w1 = walsh(n, 0);
const w2 = walsh(n, 1);
const w3 = walsh(n, 2);
const y = Float64Array.from({ length: n }, (_, i) => 2 + 3 * w1[i]! + 0.5 * w2[i]!);

describe('leastSquares streaming path (tall n, well conditioned) vs hand-derived OLS (R lm.fit conventions)', () => {
  it('X = [1, w1], y = 2 + 3·w1 + 0.5·w2: b = (2, 3), e = 0.5·w2, Σe² = n/4, (XᵀX)⁻¹ = I/n', () => {
    const fit = leastSquares(design(n, [ones, w1]), n, 2, y, { refineAbove: 100 });
    expectClose(fit.coef[0]!, 2, 1e-15, 'intercept');
    expectClose(fit.coef[1]!, 3, 1e-15, 'slope');
    expectClose(fit.rss, n / 4, 1e-14, 'rss');
    expectClose(fit.xtxInverse[0]!, 1 / n, 1e-14, '(XᵀX)⁻¹[0,0]');
    expectClose(fit.xtxInverse[3]!, 1 / n, 1e-14, '(XᵀX)⁻¹[1,1]');
    expectClose(fit.xtxInverse[1]!, 0, 0, '(XᵀX)⁻¹[1,0]', { absTol: 1e-20 });
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(fit.residuals[i]! - 0.5 * w2[i]!));
    expect(worst).toBeLessThan(1e-13);
    expectClose(fit.fitted[5]!, y[5]! - fit.residuals[5]!, 1e-15, 'fitted = y − e');
    expect(Array.from(fit.kept)).toEqual([0, 1]);
    expect(fit.rank).toBe(2);
    expect(fit.qr.rank).toBe(2); // the decomposition is built on demand
  });

  it('constant weights 4: (XᵀWX)⁻¹ = I/(4n), Σwe² = n, same b (lm.wfit)', () => {
    const fit = leastSquares(design(n, [ones, w1]), n, 2, y, { weights: new Float64Array(n).fill(4), refineAbove: 100 });
    expectClose(fit.coef[0]!, 2, 1e-15, 'intercept');
    expectClose(fit.coef[1]!, 3, 1e-15, 'slope');
    expectClose(fit.rss, n, 1e-14, 'weighted rss');
    expectClose(fit.xtxInverse[0]!, 1 / (4 * n), 1e-14, '(XᵀWX)⁻¹[0,0]');
  });

  it('correlated columns (x2 = w1 + w3, y = 1 + 2·w1 − x2 + 0.25·w2): b = (1, 2, −1) by default options at n·k > 10⁶', () => {
    const big = 1 << 19;
    const a = walsh(big, 0);
    const b = walsh(big, 1);
    const c = walsh(big, 2);
    const x2 = Float64Array.from({ length: big }, (_, i) => a[i]! + c[i]!);
    const yy = Float64Array.from({ length: big }, (_, i) => 1 + 2 * a[i]! - x2[i]! + 0.25 * b[i]!);
    const fit = leastSquares(design(big, [new Float64Array(big).fill(1), a, x2]), big, 3, yy);
    expectClose(fit.coef[0]!, 1, 1e-14, 'intercept');
    expectClose(fit.coef[1]!, 2, 1e-14, 'w1');
    expectClose(fit.coef[2]!, -1, 1e-14, 'x2');
    expectClose(fit.rss, big / 16, 1e-13, 'rss');
    // XᵀX = n·[[1,0,0],[0,1,1],[0,1,2]] → inverse = (1/n)·[[1,0,0],[0,2,−1],[0,−1,1]]
    // R⁻¹R⁻ᵀ from Householder sums over 5·10⁵ rows: ~n·ε·κ accumulation (measured 2.7e-13).
    expectClose(fit.xtxInverse[4]! * big, 2, 1e-12, 'inv[1,1]·n');
    expectClose(fit.xtxInverse[5]! * big, -1, 1e-12, 'inv[2,1]·n');
    expectClose(fit.xtxInverse[8]! * big, 1, 1e-12, 'inv[2,2]·n');
  });

  it('agrees with the pivoted QR + Björck refinement path to 1e-14 on a random-looking design', () => {
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.2 * w3[i]!);
    const z = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 1.3) * 2 + 0.5 * x[i]!);
    const yy = Float64Array.from({ length: n }, (_, i) => 0.3 * x[i]! - 1.7 * z[i]! + Math.sin(i * 2.9));
    const X = design(n, [x, z]);
    const tall = leastSquares(X, n, 2, yy, { refineAbove: 100 });
    const full = leastSquares(X, n, 2, yy, { refineAbove: 0 }); // R's pivoted QR, refined
    for (let j = 0; j < 2; j++) expectClose(tall.coef[j]!, full.coef[j]!, 1e-14, `coef ${j}`);
    for (let j = 0; j < 4; j++) expectClose(tall.xtxInverse[j]!, full.xtxInverse[j]!, 1e-13, `inverse ${j}`);
    expectClose(tall.rss, full.rss, 1e-14, 'rss');
  });
});

describe('leastSquares streaming path falls back to R lm’s pivoted QR', () => {
  it('collinear later column (2·w1) is dropped as lm does: coef NaN, kept [0, 1]', () => {
    const X = design(n, [ones, w1, Float64Array.from(w1, (v) => 2 * v)]);
    const fit = leastSquares(X, n, 3, y, { refineAbove: 100 });
    expect(Array.from(fit.kept)).toEqual([0, 1]);
    expect(Array.from(fit.dropped)).toEqual([2]);
    expect(Number.isNaN(fit.coef[2]!)).toBe(true);
    // Plain Householder over 1.3·10⁵ rows is off by 6e-13 here (R lm's accuracy); the one
    // corrected-semi-normal-equations step the full path adds when it does not refine fixes it.
    expectClose(fit.coef[0]!, 2, 1e-14, 'intercept');
    expectClose(fit.coef[1]!, 3, 1e-14, 'slope');
    expectClose(fit.rss, n / 4, 1e-13, 'rss');
  });

  it('ill-conditioned (x2 = w1 + 1e-6·w2, κ ≈ 10⁶): exact fit y = 2 + (3 − 5·10⁵)·w1 + 5·10⁵·x2', () => {
    const x2 = Float64Array.from({ length: n }, (_, i) => w1[i]! + 1e-6 * w2[i]!);
    const fit = leastSquares(design(n, [ones, w1, x2]), n, 3, y, { refineAbove: 100 });
    expectClose(fit.coef[0]!, 2, 1e-9, 'intercept');
    expectClose(fit.coef[1]!, 3 - 5e5, 1e-9, 'w1');
    expectClose(fit.coef[2]!, 5e5, 1e-9, 'x2');
  });
});

describe('streamingR (sequential TSQR) vs XᵀX', () => {
  it('RᵀR = [X y]ᵀ[X y] for a 3,000-row block-crossing matrix; XᵀWy when not augmented', () => {
    const m = 3000;
    const X = new Float64Array(2 * m);
    const yy = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      X[i] = 1;
      X[m + i] = i % 7;
      yy[i] = (i % 5) - 2;
    }
    const { R, sumSquares } = streamingR(X, m, 2, yy);
    const cols = [X.subarray(0, m), X.subarray(m), yy];
    for (let a = 0; a < 3; a++) {
      for (let b = a; b < 3; b++) {
        let exact = 0;
        for (let i = 0; i < m; i++) exact += cols[a]![i]! * cols[b]![i]!;
        let rtr = 0;
        for (let l = 0; l <= a; l++) rtr += R[l + a * 3]! * R[l + b * 3]!;
        expectClose(rtr, exact, 1e-13, `RᵀR[${a},${b}]`, { absTol: 1e-9 });
      }
    }
    expectClose(sumSquares[0]!, m, 0, 'Σ1²');
    const plain = streamingR(X, m, 2, yy, null, false);
    let xty = 0;
    for (let i = 0; i < m; i++) xty += (i % 7) * yy[i]!;
    expectClose(plain.xty[1]!, xty, 1e-15, 'xᵀy', { absTol: 1e-12 });
    expect(plain.R.length).toBe(4);
  });

  it('overwriteY: the residuals come back in y\'s own array, bit for bit those of a fresh array (k = 2 and k = 3)', () => {
    for (const cols of [[ones, w1], [ones, w1, w3]]) {
      const yy = Float64Array.from({ length: n }, (_, i) => 2 + 3 * w1[i]! + 0.5 * w2[i]! + Math.sin(i) * 0.01);
      const X = design(n, cols);
      const fresh = leastSquares(X, n, cols.length, yy, { refineAbove: 100 });
      const target = Float64Array.from(yy);
      const inPlace = leastSquares(X, n, cols.length, target, { refineAbove: 100, overwriteY: true });
      expect(inPlace.residuals).toBe(target);
      for (let j = 0; j < cols.length; j++) expect(Object.is(inPlace.coef[j], fresh.coef[j])).toBe(true);
      expect(Object.is(inPlace.rss, fresh.rss)).toBe(true);
      for (let i = 0; i < n; i++) if (!Object.is(inPlace.residuals[i], fresh.residuals[i])) throw new Error(`residual ${i} differs`);
      // ŷ = Xb when y is gone
      expectClose(inPlace.fitted[5]!, yy[5]! - fresh.residuals[5]!, 1e-14, 'fitted');
    }
  });
});
