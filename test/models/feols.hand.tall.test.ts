/**
 * feols on tall balanced panels against the closed-form within estimator fixest computes for
 * y ~ x | unit + period on a balanced panel: x̃ = x − x̄ᵤ − x̄ₜ + x̄, β = (X̃ᵀX̃)⁻¹X̃ᵀỹ, and fixest's
 * iid variance σ²(X̃ᵀX̃)⁻¹ with σ² = SSR / (n − K), K = k + U + T − 1 (fixest 0.12.2
 * `vcov = "iid"`, nparams = coefficients + Σ levels − (q − 1)). 70,000 rows × 1 regressor runs
 * the refined pivoted QR; 550,000 rows × 2 regressors (n·k > 10⁶) the streaming path, with the
 * fused three-column demeaning.
 */
import { describe, expect, it } from 'vitest';
import { feols } from '../../src/models/feols.js';
import { createRng } from '../../src/numerics/random.js';
import { expectClose } from '../helpers/expectClose.js';

describe('feols y ~ x | unit + period on a 7,000 × 10 balanced panel = closed-form within estimator (fixest 0.12.2 conventions)', () => {
  const U = 7000;
  const T = 10;
  const n = U * T;
  const rng = createRng(11);
  const unit = Float64Array.from({ length: n }, (_, i) => Math.floor(i / T) + 1);
  const period = Float64Array.from({ length: n }, (_, i) => (i % T) + 2000);
  const ue = Float64Array.from({ length: U }, () => rng.normal());
  const x = Float64Array.from({ length: n }, (_, i) => rng.normal() + ue[unit[i]! - 1]! * 0.5);
  const y = Float64Array.from({ length: n }, (_, i) => 1.5 * x[i]! + ue[unit[i]! - 1]! + 0.1 * period[i]! + rng.normal());

  function within(v: Float64Array): Float64Array {
    const um = new Float64Array(U);
    const pm = new Float64Array(T);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      um[unit[i]! - 1]! += v[i]! / T;
      pm[period[i]! - 2000]! += v[i]! / U;
      mean += v[i]! / n;
    }
    return Float64Array.from(v, (vi, i) => vi - um[unit[i]! - 1]! - pm[period[i]! - 2000]! + mean);
  }

  it('coefficient, residual sum of squares, iid SE and within R² match the closed form to 1e-10', () => {
    const xt = within(x);
    const yt = within(y);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += xt[i]! * yt[i]!;
      sxx += xt[i]! * xt[i]!;
      syy += yt[i]! * yt[i]!;
    }
    const beta = sxy / sxx;
    let ssr = 0;
    for (let i = 0; i < n; i++) ssr += (yt[i]! - beta * xt[i]!) ** 2;
    const K = 1 + (U - 1) + (T - 1) + 1;
    const se = Math.sqrt(ssr / (n - K) / sxx);
    const fit = feols('y ~ x | unit + period', { y, x, unit, period }, { vcov: 'iid' });
    expect(fit.nobs).toBe(n);
    expectClose(fit.coef().x!, beta, 1e-12, 'β');
    expectClose(fit.ssr, ssr, 1e-10, 'SSR');
    expectClose(fit.se().x!, se, 1e-10, 'iid SE');
    expectClose(fit.wr2, 1 - ssr / syy, 1e-10, 'within R²');
    // Clustered by unit: fixest's CRV1 with unit nested in the cluster.
    const clustered = fit.withVcov({ CRV1: 'unit' });
    expect(Number.isFinite(clustered.se().x!)).toBe(true);
    expect(clustered.coef().x).toBe(fit.coef().x);
  });
});

describe('feols y ~ x1 + x2 | unit + period on a 55,000 × 10 balanced panel (streaming QR path) = closed form (fixest 0.12.2 conventions)', () => {
  it('coefficients, SSR and iid SEs match the 2×2 closed form to 1e-10', () => {
    const U = 55000;
    const T = 10;
    const n = U * T;
    const rng = createRng(5);
    const unit = Float64Array.from({ length: n }, (_, i) => Math.floor(i / T));
    const period = Float64Array.from({ length: n }, (_, i) => i % T);
    const x1 = Float64Array.from({ length: n }, (_, i) => rng.normal() + unit[i]! * 1e-4);
    const x2 = Float64Array.from({ length: n }, (_, i) => rng.normal() + 0.3 * x1[i]! + period[i]! * 0.2);
    const y = Float64Array.from({ length: n }, (_, i) => 0.7 * x1[i]! - 1.2 * x2[i]! + unit[i]! * 1e-3 + rng.normal());
    const within = (v: Float64Array): Float64Array => {
      const um = new Float64Array(U);
      const pm = new Float64Array(T);
      let mean = 0;
      for (let i = 0; i < n; i++) {
        um[unit[i]!]! += v[i]! / T;
        pm[period[i]!]! += v[i]! / U;
        mean += v[i]! / n;
      }
      return Float64Array.from(v, (vi, i) => vi - um[unit[i]!]! - pm[period[i]!]! + mean);
    };
    const a = within(x1);
    const b = within(x2);
    const c = within(y);
    let saa = 0;
    let sab = 0;
    let sbb = 0;
    let say = 0;
    let sby = 0;
    for (let i = 0; i < n; i++) {
      saa += a[i]! * a[i]!;
      sab += a[i]! * b[i]!;
      sbb += b[i]! * b[i]!;
      say += a[i]! * c[i]!;
      sby += b[i]! * c[i]!;
    }
    const det = saa * sbb - sab * sab;
    const b1 = (sbb * say - sab * sby) / det;
    const b2 = (saa * sby - sab * say) / det;
    let ssr = 0;
    for (let i = 0; i < n; i++) ssr += (c[i]! - b1 * a[i]! - b2 * b[i]!) ** 2;
    const sigma2 = ssr / (n - (2 + U + T - 1));
    const fit = feols('y ~ x1 + x2 | unit + period', { y, x1, x2, unit, period }, { vcov: 'iid' });
    expectClose(fit.coef().x1!, b1, 1e-10, 'β1');
    expectClose(fit.coef().x2!, b2, 1e-10, 'β2');
    expectClose(fit.ssr, ssr, 1e-10, 'SSR');
    expectClose(fit.se().x1!, Math.sqrt((sigma2 * sbb) / det), 1e-10, 'SE x1');
    expectClose(fit.se().x2!, Math.sqrt((sigma2 * saa) / det), 1e-10, 'SE x2');
  });
});
