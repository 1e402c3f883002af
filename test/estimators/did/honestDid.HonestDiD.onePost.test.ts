/**
 * honestDid with one post period (HonestDiD's test without nuisance parameters,
 * `.APR_computeCI_NoNuis`) against HonestDiD's own R code run on the first four mpdta event-study
 * coefficients (fixtures/oracles/honestdid_mpdta_one_post_rm.json; its README line says how it
 * was run: HonestDiD's R/ sources with TruncatedNormal::norminvp replaced by a pnorm/qnorm
 * equivalent). Relative magnitudes and smoothness (on the oracle's θ grid), Conditional and C-LF:
 * the bounds are the same grid points, 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { honestDid } from '../../../src/estimators/did/honestDid.js';
import { loadOracle } from '../../helpers/oracle.js';

interface Row { Mbar: number; lb: number; ub: number }
interface MRow { M: number; lb: number; ub: number }
const o = loadOracle<{
  betahat: number[];
  sigma: number[][];
  relativeMagnitudes: { Conditional: Row[]; CLF: Row[] };
  smoothness: { gridLb: number; gridUb: number; Conditional: MRow[]; CLF: MRow[] };
}>('honestdid_mpdta_one_post_rm').results;
const input = { betahat: o.betahat, sigma: o.sigma, numPrePeriods: 3, numPostPeriods: 1 };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('honestDid, one post period, vs HonestDiD (honestdid_mpdta_one_post_rm)', () => {
  for (const [method, rows] of [['Conditional', o.relativeMagnitudes.Conditional], ['C-LF', o.relativeMagnitudes.CLF]] as const) {
    it(`relative magnitudes, ${method}: bounds to 1e-6`, () => {
      const hd = honestDid(input, { type: 'relativeMagnitudes', Mbar: rows.map((r) => r.Mbar), method });
      rows.forEach((want, i) => {
        expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
        expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
      });
    });
  }

  for (const [method, rows] of [['Conditional', o.smoothness.Conditional], ['C-LF', o.smoothness.CLF]] as const) {
    it(`smoothness, ${method}: bounds to 1e-6`, () => {
      const hd = honestDid(input, { type: 'smoothness', M: rows.map((r) => r.M), method, gridLb: o.smoothness.gridLb, gridUb: o.smoothness.gridUb });
      rows.forEach((want, i) => {
        expect(rel(hd.rows[i]!.lb, want.lb)).toBeLessThan(1e-6);
        expect(rel(hd.rows[i]!.ub, want.ub)).toBeLessThan(1e-6);
      });
    });
  }
});
