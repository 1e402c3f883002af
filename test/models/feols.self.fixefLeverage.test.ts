/**
 * HC2, HC3 and CR2 with absorbed fixed effects equal the same variances of the model with the
 * fixed effects as explicit dummies (`factor(id) + factor(period)`), where the leverage and the
 * hat-matrix blocks come from the dummy columns themselves: one-way and two-way fixed effects,
 * weighted and not (on units 31–78 of base_did_grid). And the two ways `hatOperator.ts` builds the full model's hat matrix — the
 * exact partitioned projection and iterative demeaning — agree, for two and three fixed effects:
 * leverage, CR2 blocks, (I − WQ)v and the Gram matrix the Satterthwaite df use.
 */
import { describe, expect, it } from 'vitest';
import { feols, type FeolsOptions } from '../../src/models/feols.js';
import { demean } from '../../src/numerics/demean.js';
import { exactHat, iterativeHat, type HatInputs } from '../../src/inference/hatOperator.js';
import { clusterCodes } from '../../src/inference/clusters.js';
import { vcovCR2 } from '../../src/inference/cr2.js';
import { loadDataset } from '../helpers/oracle.js';
import { expectAllClose } from '../helpers/expectClose.js';

// Units 31–78 of base_did_grid (25 treated, 23 control; ≈ 470 rows in 5 grp clusters): the dummy models and the
// iterative operator (which demeans one indicator column per row) stay cheap; the full data are
// checked against clubSandwich in test/inference/cr2.clubSandwich.test.ts.
const full = loadDataset('base_did_grid.csv');
const ids = full.numeric('id');
const grid = full.take(Int32Array.from({ length: full.nrow }, (_, i) => i).filter((i) => ids[i]! >= 31 && ids[i]! <= 78));
const TERMS = ['x1', 'treat:post'];

const CASES = [
  { label: 'two-way, unweighted', absorbed: 'y ~ x1 + treat:post | id + period', dummies: 'y ~ x1 + treat:post + factor(id) + factor(period)', weights: false },
  { label: 'two-way, weighted', absorbed: 'y ~ x1 + treat:post | id + period', dummies: 'y ~ x1 + treat:post + factor(id) + factor(period)', weights: true },
  { label: 'one-way (period), weighted', absorbed: 'y ~ x1 + treat:post | period', dummies: 'y ~ x1 + treat:post + factor(period)', weights: true },
] as const;

describe.each(CASES)('$label: absorbed fixed effects = explicit dummies', (c) => {
  // One fit of each (on the rows with a grp: clustered by it), the variances through withVcov.
  const base: FeolsOptions = { vcov: { CRV1: 'grp' }, ...(c.weights ? { weights: 'w' } : {}) };
  const absorbed = feols(c.absorbed, grid, base);
  const dummies = feols(c.dummies, grid, base);
  const se = (fit: typeof absorbed): number[] => TERMS.map((t) => fit.se()[t]!);

  it('same rows and estimates', () => {
    expect(dummies.nobs).toBe(absorbed.nobs);
    for (const fit of [absorbed, dummies]) expect(TERMS.every((t) => fit.terms.includes(t))).toBe(true);
    expectAllClose(TERMS.map((t) => absorbed.coef()[t]!), TERMS.map((t) => dummies.coef()[t]!), 1e-10, 'coef');
  });

  it.each(['HC2', 'HC3'] as const)('%s', (hc) => {
    expectAllClose(se(absorbed.withVcov(hc)), se(dummies.withVcov(hc)), 1e-9, hc);
  });

  it('CR2 by grp, with the Satterthwaite df', () => {
    const a = absorbed.withVcov({ CR2: 'grp' });
    const d = dummies.withVcov({ CR2: 'grp' });
    expectAllClose(se(a), se(d), 1e-9, 'CR2 SE');
    const df = (fit: typeof a): number[] => TERMS.map((t) => fit.vcovInfo.termDf![fit.terms.indexOf(t)]!);
    expectAllClose(df(a), df(d), 1e-9, 'Satterthwaite df');
  });
});

describe('hatOperator: the exact partitioned projection equals iterative demeaning', () => {
  const fit = feols('y ~ x1 + treat:post | id + period', grid, { weights: 'w', vcov: { CRV1: 'grp' } });
  const d = fit.design;
  const n = d.n;
  // A third fixed effect: the (id mod 7) groups.
  const third = { codes: Int32Array.from(d.fixedEffects[0]!.codes, (c) => c % 7), nLevels: 7 };
  for (const [label, fixedEffects, weighted] of [
    ['two-way, weighted', d.fixedEffects, true],
    ['three-way, weighted', [...d.fixedEffects, third], true],
  ] as const) {
    it(label, () => {
      const weights = weighted ? d.weights : undefined;
      const raw = fit.terms.map((t) => d.X.subarray(d.terms.indexOf(t) * n, (d.terms.indexOf(t) + 1) * n));
      const columns = demean(raw, [...fixedEffects], { weights, tolerance: 1e-13 }).columns;
      // B = (X̃ᵀWX̃)⁻¹ for the two columns.
      const g = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const w = weights === undefined ? 1 : weights[i]!;
        g[0]! += w * columns[0]![i]! ** 2;
        g[1]! += w * columns[0]![i]! * columns[1]![i]!;
        g[2]! += w * columns[1]![i]! ** 2;
      }
      const det = g[0]! * g[2]! - g[1]! * g[1]!;
      const bread = Float64Array.of(g[2]! / det, -g[1]! / det, -g[1]! / det, g[0]! / det);
      const inputs: HatInputs = { fn: 'test', n, k: 2, columns, bread, weights, fixedEffects };
      const exact = exactHat(inputs)!;
      const iterative = iterativeHat(inputs);
      expectAllClose(exact.leverage(), iterative.leverage(), 1e-9, 'leverage', { absTol: 1e-12 });
      const rows = Int32Array.from({ length: 40 }, (_, t) => t * 7);
      expectAllClose(exact.adjustmentBlock(rows), iterative.adjustmentBlock(rows), 1e-9, 'G block', { absTol: 1e-12 });
      const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
      expectAllClose(exact.residualize([v])[0]!, iterative.residualize([v])[0]!, 1e-9, '(I − WQ)v', { absTol: 1e-11 });
      // The Gram matrix of residualized cluster-supported vectors without forming them (what the
      // Satterthwaite df use) equals the Gram of the iteratively residualized full vectors.
      const blocks = [Int32Array.from({ length: 30 }, (_, t) => t), Int32Array.from({ length: 25 }, (_, t) => 40 + 2 * t), Int32Array.of(n - 90, n - 89, n - 1)];
      const zs = blocks.map((rows) => Float64Array.from(rows, (row) => Math.cos(row)));
      const zt = blocks.map((rows) => Float64Array.from(rows, (row) => 1 + Math.sin(3 * row)));
      const full = (z: Float64Array[]) => iterative.residualize(z.map((block, g) => {
        const out = new Float64Array(n);
        blocks[g]!.forEach((row, t) => (out[row] = block[t]!));
        return out;
      }));
      const ys = full(zs);
      const yt = full(zt);
      const gram = Float64Array.from({ length: 9 }, (_, cell) => {
        const [g, h] = [cell % 3, Math.floor(cell / 3)];
        let sum = 0;
        for (let i = 0; i < n; i++) sum += ys[g]![i]! * yt[h]![i]!;
        return sum;
      });
      expectAllClose(exact.residualGram!(blocks, zs, zt), gram, 1e-9, 'residual Gram', { absTol: 1e-11 });
      // CR2 end to end on either operator (the iterative one serves designs too large for the exact).
      const grp = fit.design.extra.grp as readonly (string | null)[] | undefined;
      expect(grp).toBeDefined();
      {
        const clustering = clusterCodes('grp', grp!);
        const cr2Inputs = { ...inputs, residuals: fit.residuals(), clustering };
        const viaExact = vcovCR2(cr2Inputs, exact);
        const viaIterative = vcovCR2(cr2Inputs, iterative);
        expectAllClose(viaExact.vcov, viaIterative.vcov, 1e-9, 'CR2 vcov');
        expectAllClose(viaExact.pMatrix([1, 0], [0, 1]), viaIterative.pMatrix([1, 0], [0, 1]), 1e-9, 'P array', { absTol: 1e-14 });
      }
    });
  }
});
