/**
 * The HonestDiD oracle battery: honestDid against HonestDiD 0.2.6 on the mpdta TWFE event study (fixtures/oracles/
 * honestdid_mpdta_first.json: θ = first post period; honestdid_mpdta_average.json: θ = average
 * of the four post periods). The β̂ and Σ of the oracle are the input, so the comparison isolates
 * the sensitivity computations.
 *
 * - original interval: 1e-10.
 * - Conditional (ARP) intervals, relative magnitudes and smoothness: the accepted grid points are
 *   the same grid points, so the bounds agree to 1e-6 (they agree to ~1e-16).
 * - C-LF: the least-favourable critical value is simulated from R's set.seed(0) stream, which
 *   numerics/rRandom.ts reproduces, so the bounds agree to 1e-6 as well.
 * - FLCI: HonestDiD's own intervals (`smoothness.FLCI`, folded-normal quantile simulated from R's
 *   seed-0 draws) with flciQuantile 'simulated', and the oracle's `flciExactFoldedNormal` with
 *   'exact', both to 1e-6 for M > 0. At M = 0 the optimum is the least-variance estimator, where
 *   ECOS's answer is imprecise (the SOCP's feasible set is a point; bounds differ by up to 6e-4
 *   relative): the half-length agrees to 1e-6, and our estimator's variance is at most the
 *   oracle's (we return the exact minimiser).
 * - C-F: to 1e-6 for M > 0; at M = 0 its θ grid comes from the M = 0 FLCI above, so the bounds
 *   agree to within 5 grid steps.
 */
import { describe, expect, it } from 'vitest';
import { honestDid } from '../../src/estimators/did/honestDid.js';
import { findOptimalFlci } from '../../src/estimators/did/honestDidFlci.js';
import { loadOracle } from './oracle.js';

interface Bound { lb: number; ub: number }
interface MRow extends Bound { M: number }
interface MbarRow extends Bound { Mbar: number }
interface FlciRow extends MRow { optimalVec: number[]; optimalHalfLength: number }
interface HonestOracle {
  betahat: number[];
  sigma: number[][];
  numPrePeriods: number;
  numPostPeriods: number;
  lVec: number[];
  alpha: number;
  original: Bound;
  relativeMagnitudes: { Conditional: MbarRow[]; CLF: MbarRow[] };
  smoothness: { Conditional: MRow[]; CF: MRow[]; CLF: MRow[]; FLCI: MRow[] };
  flciExactFoldedNormal: FlciRow[];
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** A case of the battery. */
export type HonestCase = 'original' | 'rmClf' | 'sdClf' | 'rmConditional' | 'sdConditional' | 'flciSimulated' | 'flciExact' | 'cf';
export const ALL_HONEST_CASES: readonly HonestCase[] = ['original', 'rmClf', 'sdClf', 'rmConditional', 'sdConditional', 'flciSimulated', 'flciExact', 'cf'];

/**
 * Runs the chosen cases against one honestdid oracle.
 * @example describeHonestOracle('honestdid_mpdta_first', ALL_HONEST_CASES);
 */
export function describeHonestOracle(name: 'honestdid_mpdta_first' | 'honestdid_mpdta_average', cases: readonly HonestCase[]): void {
  const o = loadOracle<HonestOracle>(name).results;
  const input = { betahat: o.betahat, sigma: o.sigma, numPrePeriods: o.numPrePeriods, numPostPeriods: o.numPostPeriods };
  const lVec = o.lVec;

  describe(`honestDid vs HonestDiD 0.2.6: ${name}`, () => {
    if (cases.includes('original')) it('original interval to 1e-10', () => {
      const hd = honestDid(input, { type: 'smoothness', M: [0.05], method: 'FLCI', lVec, flciQuantile: 'exact' });
      expect(rel(hd.original.lb, o.original.lb)).toBeLessThan(1e-10);
      expect(rel(hd.original.ub, o.original.ub)).toBeLessThan(1e-10);
    });

    if (cases.includes('rmClf')) it('relative magnitudes, C-LF (the default): bounds to 1e-6', () => {
      const Mbar = o.relativeMagnitudes.CLF.map((r) => r.Mbar);
      const hd = honestDid(input, { type: 'relativeMagnitudes', Mbar, lVec });
      expect(hd.method).toBe('C-LF');
      o.relativeMagnitudes.CLF.forEach((want, i) => {
        expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
        expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
      });
    });

    if (cases.includes('sdClf')) it('smoothness, C-LF: bounds to 1e-6', () => {
      const M = o.smoothness.CLF.map((r) => r.M);
      const hd = honestDid(input, { type: 'smoothness', M, method: 'C-LF', lVec });
      o.smoothness.CLF.forEach((want, i) => {
        expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
        expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
      });
    });

    if (cases.includes('rmConditional')) it('relative magnitudes, Conditional: bounds to 1e-6', () => {
      const Mbar = o.relativeMagnitudes.Conditional.map((r) => r.Mbar);
      const hd = honestDid(input, { type: 'relativeMagnitudes', Mbar, lVec, method: 'Conditional' });
      o.relativeMagnitudes.Conditional.forEach((want, i) => {
        expect(hd.rows[i]!.M).toBe(want.Mbar);
        expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
        expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
      });
    });

    if (cases.includes('sdConditional')) it('smoothness, Conditional: bounds to 1e-6', () => {
      const M = o.smoothness.Conditional.map((r) => r.M);
      const hd = honestDid(input, { type: 'smoothness', M, method: 'Conditional', lVec });
      o.smoothness.Conditional.forEach((want, i) => {
        expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
        expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
      });
    });

    if (cases.includes('flciSimulated')) it("smoothness, FLCI (HonestDiD's simulated quantile): bounds to 1e-6 for M > 0", () => {
      const M = o.smoothness.FLCI.map((r) => r.M);
      const hd = honestDid(input, { type: 'smoothness', M, lVec });
      expect(hd.method).toBe('FLCI');
      o.smoothness.FLCI.forEach((want, i) => {
        if (want.M === 0) return;
        expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
        expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
      });
    });

    if (cases.includes('flciExact')) it('smoothness, FLCI (exact quantile): the exact-quantile oracle to 1e-6 (M > 0); at M = 0 the half-length to 1e-6 and a variance no larger', () => {
      const M = o.flciExactFoldedNormal.map((r) => r.M);
      const hd = honestDid(input, { type: 'smoothness', M, method: 'FLCI', lVec, flciQuantile: 'exact' });
      const variance = (w: readonly number[]): number => w.reduce((acc, wi, i) => acc + wi * w.reduce((s, wj, j) => s + o.sigma[i]![j]! * wj, 0), 0);
      o.flciExactFoldedNormal.forEach((want, i) => {
        const got = hd.rows[i]!;
        expect(rel(got.halfLength!, want.optimalHalfLength)).toBeLessThan(1e-6);
        if (want.M > 0) {
          expect(rel(got.lb, want.lb)).toBeLessThan(1e-6);
          expect(rel(got.ub, want.ub)).toBeLessThan(1e-6);
        } else {
          expect(variance(got.optimalVec!)).toBeLessThanOrEqual(variance(want.optimalVec));
        }
      });
    });

    if (cases.includes('cf')) it('smoothness, C-F: bounds to 1e-6 for M > 0, within 5 grid steps at M = 0', () => {
      const M = o.smoothness.CF.map((r) => r.M);
      const hd = honestDid(input, { type: 'smoothness', M, method: 'C-F', lVec });
      o.smoothness.CF.forEach((want, i) => {
        if (want.M > 0) {
          expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
          expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
          return;
        }
        const flci = findOptimalFlci(o.betahat, o.sigma, want.M, o.numPrePeriods, o.numPostPeriods, lVec, o.alpha / 10);
        const step = (2 * flci.optimalHalfLength) / 999;
        expect(Math.abs(hd.rows[i]!.lb - want.lb)).toBeLessThan(5 * step);
        expect(Math.abs(hd.rows[i]!.ub - want.ub)).toBeLessThan(5 * step);
      });
    });
  });
}
