/**
 * DRDID's 2×2 estimators (drdidPanel, drdidRc) and their pieces against closed forms: without
 * covariates every method is the difference of mean changes (panel) or of four means
 * (repeated cross-sections), with the two-sample SE sqrt(s²_T/n_T + s²_C/n_C) (population
 * variances) from the influence function; an intercept-only propensity score is the weighted
 * treated share; a weight of 2 equals a duplicated unit.
 */
import { describe, expect, it } from 'vitest';
import { CausalPanelError } from '../../../src/errors.js';
import { controlXpxInverse, normalizeWeights } from '../../../src/estimators/did/drdid.js';
import { drdidPanel } from '../../../src/estimators/did/drdidPanel.js';
import { fitPropensity } from '../../../src/estimators/did/drdidPropensity.js';
import { drdidRc } from '../../../src/estimators/did/drdidRc.js';
import { createRng } from '../../../src/numerics/random.js';
import { expectClose } from '../../helpers/expectClose.js';

const METHODS = ['dr', 'ipw', 'reg'] as const;

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const popVar = (v: readonly number[]) => mean(v.map((x) => (x - mean(v)) ** 2));
const seOf = (psi: Float64Array) => Math.sqrt(psi.reduce((s, x) => s + x * x, 0)) / psi.length;

/** A 2×2 panel: 30 treated and 50 control units with ΔY, and a covariate. */
function panelSample(seed: number) {
  const rng = createRng(seed);
  const n = 80;
  const D = Float64Array.from({ length: n }, (_, i) => (i < 30 ? 1 : 0));
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const deltaY = Float64Array.from({ length: n }, (_, i) => 0.4 * x[i]! + (D[i] === 1 ? 1 : 0) + rng.normal());
  return { n, D, x, deltaY };
}

describe('drdidPanel: closed forms without covariates (DRDID 1.2 drdid_panel / std_ipw_did_panel / reg_did_panel)', () => {
  const { n, D, deltaY } = panelSample(3);
  const treated = Array.from(deltaY).filter((_, i) => D[i] === 1);
  const control = Array.from(deltaY).filter((_, i) => D[i] === 0);
  const att = mean(treated) - mean(control);
  const se = Math.sqrt(popVar(treated) / treated.length + popVar(control) / control.length);

  it.each(METHODS)('%s: ATT = difference of mean changes, SE = two-sample SE, ψ has mean 0', (method) => {
    const res = drdidPanel({ deltaY, D, X: new Float64Array(n).fill(1), k: 1, method });
    expectClose(res.att, att, 1e-12, `${method} ATT`);
    expectClose(seOf(res.influence), se, 1e-12, `${method} SE`);
    expect(Math.abs(mean(Array.from(res.influence)))).toBeLessThan(1e-12);
  });

  it('the TSDoc example: 3 − mean(1, 2) = 1.5', () => {
    expectClose(drdidPanel({ deltaY: Float64Array.of(3, 1, 2), D: Float64Array.of(1, 0, 0), X: Float64Array.of(1, 1, 1), k: 1, method: 'dr' }).att, 1.5, 1e-15, 'ATT');
  });

  it.each(METHODS)('%s with a covariate: a weight of 2 on a unit equals duplicating it', (method) => {
    const { n: m, D: d, x, deltaY: dy } = panelSample(5);
    const X = new Float64Array(2 * m);
    X.fill(1, 0, m);
    X.set(x, m);
    const weights = new Float64Array(m).fill(1);
    weights[40] = 2;
    const weighted = drdidPanel({ deltaY: dy, D: d, X, k: 2, method, weights });
    const extend = (v: Float64Array) => Float64Array.from([...v, v[40]!]);
    const Xd = new Float64Array(2 * (m + 1));
    Xd.fill(1, 0, m + 1);
    Xd.set(extend(x), m + 1);
    const duplicated = drdidPanel({ deltaY: extend(dy), D: extend(d), X: Xd, k: 2, method });
    expectClose(weighted.att, duplicated.att, 1e-10, `${method} weighted ATT`);
  });

  it('no treated or no control units: typed errors', () => {
    const X = Float64Array.of(1, 1);
    expect(() => drdidPanel({ deltaY: Float64Array.of(1, 2), D: Float64Array.of(0, 0), X, k: 1, method: 'dr' })).toThrow(expect.objectContaining({ code: 'no_treated_units' }));
    expect(() => drdidPanel({ deltaY: Float64Array.of(1, 2), D: Float64Array.of(1, 1), X, k: 1, method: 'dr' })).toThrow(expect.objectContaining({ code: 'no_control_units' }));
  });
});

describe('drdidRc: closed forms without covariates (DRDID 1.2 drdid_rc / std_ipw_did_rc / reg_did_rc)', () => {
  const rng = createRng(9);
  const n = 120;
  const D = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const post = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const y = Float64Array.from({ length: n }, (_, i) => D[i]! * 0.5 + post[i]! * 0.2 + D[i]! * post[i]! + rng.normal());
  const cellMean = (d: number, p: number) => mean(Array.from(y).filter((_, i) => D[i] === d && post[i] === p));
  const att = cellMean(1, 1) - cellMean(1, 0) - (cellMean(0, 1) - cellMean(0, 0));

  it.each(METHODS)('%s: ATT = difference of four means; ψ has mean 0', (method) => {
    const res = drdidRc({ y, post, D, X: new Float64Array(n).fill(1), k: 1, method });
    expectClose(res.att, att, 1e-12, `${method} ATT`);
    expect(Math.abs(mean(Array.from(res.influence)))).toBeLessThan(1e-12);
  });

  it('the three methods give the same SE without covariates', () => {
    const [dr, ipw, reg] = METHODS.map((method) => seOf(drdidRc({ y, post, D, X: new Float64Array(n).fill(1), k: 1, method }).influence));
    expectClose(ipw!, dr!, 1e-10, 'ipw SE');
    expectClose(reg!, dr!, 1e-10, 'reg SE');
  });

  it('the TSDoc example: (4 − 1) − (2 − 1) = 2', () => {
    const r = drdidRc({ y: Float64Array.of(1, 4, 1, 2), post: Float64Array.of(0, 1, 0, 1), D: Float64Array.of(1, 1, 0, 0), X: Float64Array.of(1, 1, 1, 1), k: 1, method: 'reg' });
    expectClose(r.att, 2, 1e-15, 'ATT');
  });
});

describe('the pieces', () => {
  it('fitPropensity: intercept only = weighted treated share, Hessian term n·(Σ p(1−p)w)⁻¹', () => {
    const w = Float64Array.of(1, 2, 1, 4);
    const D = Float64Array.of(1, 0, 1, 0);
    const fit = fitPropensity(Float64Array.of(1, 1, 1, 1), 4, 1, D, w);
    const p = 2 / 8;
    expect(Array.from(fit.ps)).toEqual([p, p, p, p]);
    expectClose(fit.hessian[0]!, 4 / (p * (1 - p) * 8), 1e-14, 'Hessian');
    expect(fit.converged).toBe(true);
  });

  it('fitPropensity with a covariate reaches the logit MLE: the score Σ w(D − p)x is 0', () => {
    const { n, D, x } = panelSample(7);
    const X = new Float64Array(2 * n);
    X.fill(1, 0, n);
    X.set(x, n);
    const fit = fitPropensity(X, n, 2, D, new Float64Array(n).fill(1));
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < n; i++) {
      s0 += D[i]! - fit.ps[i]!;
      s1 += (D[i]! - fit.ps[i]!) * x[i]!;
    }
    expect(Math.abs(s0)).toBeLessThan(1e-9);
    expect(Math.abs(s1)).toBeLessThan(1e-9);
  });

  it('normalizeWeights: divided by the mean; negative weights and a zero mean are invalid_option', () => {
    expect(Array.from(normalizeWeights(Float64Array.of(1, 3), 2))).toEqual([0.5, 1.5]);
    expect(Array.from(normalizeWeights(undefined, 2))).toEqual([1, 1]);
    for (const bad of [Float64Array.of(1, -1), Float64Array.of(0, 0)]) {
      expect(() => normalizeWeights(bad, 2)).toThrow(CausalPanelError);
      expect(() => normalizeWeights(bad, 2)).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    }
  });

  it('controlXpxInverse: (XᵀWX/n)⁻¹ over the controls (intercept only: n / n_C)', () => {
    expectClose(controlXpxInverse(Float64Array.of(1, 1, 1), Float64Array.of(1, 0, 0), 1, undefined)[0]!, 1.5, 1e-15, '(XᵀX/n)⁻¹');
  });
});
