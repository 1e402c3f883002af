/**
 * lmm against lme4 1.1-31 + lmerTest 3.1-3 on High School and Beyond (fixtures/oracles/lme4_hsb_*.json).
 *
 * lme4's default optimiser stops short of the optimum (the oracles' tightConvergence refits at
 * xtol_abs 1e-14 say by how much: maxAbsDiffFixef up to 3e-5, maxAbsDiffTheta up to 1e-5), and
 * lmm converges tighter. So the values that define the optimum — fixed effects, SEs,
 * Satterthwaite df, θ, σ, log-likelihood — are compared with tightConvergence at the brief's
 * tolerances (fixed effects 1e-6, SEs and variance components 1e-5, df and p 1e-4, log-lik 1e-8);
 * the default-fit fields (the summary table, VarCorr, ranef) are compared with tolerances above
 * each oracle's gap, as its README line says.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { lmm } from '../../src/models/lmm/lmm.js';
import { anova } from '../../src/models/lmm/anova.js';
import type { LmmFit } from '../../src/models/lmm/lmmResult.js';
import { tCdf } from '../../src/numerics/distributions.js';
import { loadDataset, loadOracle } from '../helpers/oracle.js';
import { expectClose } from '../helpers/expectClose.js';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';

const hsb = loadDataset('hsb.csv');

const CASES: { name: string; formula: string; reml: boolean }[] = [
  { name: 'lme4_hsb_null', formula: 'MathAch ~ 1 + (1 | School)', reml: true },
  { name: 'lme4_hsb_ses_ml', formula: 'MathAch ~ SES + Sector + (1 | School)', reml: false },
  { name: 'lme4_hsb_slope_reml', formula: 'MathAch ~ cses + MEANSES + Sector + (1 + cses | School)', reml: true },
  { name: 'lme4_hsb_slope_ml', formula: 'MathAch ~ cses + MEANSES + Sector + (1 + cses | School)', reml: false },
  { name: 'lme4_hsb_uncorrelated', formula: 'MathAch ~ cses + MEANSES + Sector + (1 + cses || School)', reml: true },
  { name: 'lme4_hsb_crossed', formula: 'MathAch ~ cses + MEANSES + Sector + (1 | School) + (1 | Minority:Sex)', reml: true },
];

const list = (x: number | number[]): number[] => (Array.isArray(x) ? x : [x]);

/** as.data.frame(VarCorr) from θ and σ: σ²TTᵀ per term, in lme4's row order. */
function varCorrFrom(theta: number[], sigma: number, sizes: number[]): { variance: number; sdOrCorrelation: number }[] {
  const rows: { variance: number; sdOrCorrelation: number }[] = [];
  let t = 0;
  for (const p of sizes) {
    const T = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let j = 0; j < p; j++) for (let i = j; i < p; i++) T[i]![j] = theta[t++]!;
    const S = T.map((ri) => T.map((rj) => sigma * sigma * ri.reduce((s, v, m) => s + v * rj[m]!, 0)));
    for (let i = 0; i < p; i++) rows.push({ variance: S[i]![i]!, sdOrCorrelation: Math.sqrt(S[i]![i]!) });
    for (let j = 0; j < p; j++) for (let i = j + 1; i < p; i++) rows.push({ variance: S[i]![j]!, sdOrCorrelation: S[i]![j]! / Math.sqrt(S[i]![i]! * S[j]![j]!) });
  }
  rows.push({ variance: sigma * sigma, sdOrCorrelation: sigma });
  return rows;
}

for (const c of CASES) {
  describe(`lmm vs lme4: ${c.name}`, () => {
    const o = loadOracle(c.name).results;
    const tight = o.tightConvergence;
    let fit: LmmFit;
    beforeAll(() => {
      fit = lmm(c.formula, hsb, { REML: c.reml });
    });

    it('fixed effects, SEs and Satterthwaite df match the tight-convergence fit (1e-6, 1e-5, 1e-4)', () => {
      const se = list(tight.stdError);
      const df = list(tight.satterthwaiteDf);
      const expected = Object.entries(tight.fixef as Record<string, number>).map(([term, estimate], j) => {
        const t = estimate / se[j]!;
        return { term, estimate, stdError: se[j]!, statistic: t, df: df[j]!, pValue: 2 * tCdf(-Math.abs(t), df[j]!) };
      });
      // A tiny p is steep in t: its relative change is κ = (ν + 1)t²/(ν + t²) times t's (≤ 1e-6 here).
      const steep = (row: object): number => {
        const { statistic: t, df: nu, pValue } = row as { statistic: number; df: number; pValue: number };
        return pValue * (((nu + 1) * t * t) / (nu + t * t)) * 1e-6;
      };
      expectEstimatesMatch(fit.tidy(), expected, { estimate: 1e-6, stdError: 1e-5, df: 1e-4, pValue: { rel: 1e-4, abs: steep } }, { label: c.name });
      expect(fit.terms).toEqual(Object.keys(tight.fixef));
    });

    it('θ, σ and the log-likelihood match the tight-convergence fit', () => {
      for (const [name, value] of Object.entries(tight.theta as Record<string, number>)) expectClose(fit.theta[name]!, value, 0, `theta ${name}`, { absTol: 1e-6 });
      expect(Object.keys(fit.theta)).toEqual(Object.keys(tight.theta));
      expectClose(fit.sigma, tight.sigma, 1e-6, 'sigma');
      expectClose(fit.logLik, tight.logLik, 1e-8, 'logLik');
    });

    it('variance components: σ²TTᵀ at the tight θ, σ (1e-5), and the default fit within its gap', () => {
      const termSizes = [...new Set(fit.varCorr().filter((r) => r.group !== 'Residual').map((r) => r.group))].map(
        (g) => fit.varCorr().filter((r) => r.group === g && r.var2 === null).length,
      );
      const fromTight = varCorrFrom(Object.values(tight.theta as Record<string, number>), tight.sigma, termSizes);
      const ours = fit.varCorr();
      expectEstimatesMatch(ours, fromTight, { variance: { rel: 1e-5, abs: 1e-8 }, sdOrCorrelation: { rel: 1e-5, abs: 1e-8 } }, { by: 'position', label: 'VarCorr vs tight' });
      expectEstimatesMatch(ours, o.varianceComponents, { variance: 1e-3, sdOrCorrelation: 1e-3 }, { by: 'position', label: 'VarCorr vs default fit' });
      expect(ours.map((r) => [r.group, r.var1, r.var2])).toEqual(o.varianceComponents.map((r: { group: string; var1: string | null; var2: string | null }) => [r.group, r.var1, r.var2]));
    });

    it('the summary table (default fit) within the default optimiser gap', () => {
      // Estimates move by maxAbsDiffFixef between the default and the tight fit; SEs, t and df by
      // ~1e-4 relative; p-values by up to df·Δt/t (tiny p are steep in t).
      const gap = tight.maxAbsDiffFixef as number;
      expectEstimatesMatch(fit.tidy(), o.fixedEffects, { estimate: { rel: 1e-6, abs: 2 * gap }, stdError: 1e-4, statistic: 1e-4, df: 2e-4, pValue: 1e-2 }, { label: `${c.name} default fit` });
    });

    it('F tests of the terms (lmerTest anova, Satterthwaite) within the default optimiser gap', () => {
      // For 1-df terms F = t², so F moves twice as much as t between the default and the tight fit.
      expectEstimatesMatch(fit.anova().filter((row) => !Number.isNaN(row.F)), o.anovaSatterthwaite, { sumSq: 2e-4, meanSq: 2e-4, numDf: 0, denDf: 2e-4, F: 2e-4, pValue: 1e-2 }, { label: `${c.name} anova` });
      expect(fit.anova().map((row) => row.term)).toEqual((o.anovaSatterthwaite as { term: string }[]).map((row) => row.term));
    });

    if (o.fixedEffectsKenwardRoger !== undefined) {
      it("ddf 'Kenward-Roger': pbkrtest's adjusted SEs and df (default fit: within the optimiser gap; the null model, gap 2e-9, to 1e-6)", () => {
        const kr = fit.withDdf('Kenward-Roger');
        const gap = tight.maxAbsDiffFixef as number;
        const tight6 = gap < 1e-8;
        const tol = tight6 ? { estimate: 1e-8, stdError: 1e-6, df: 1e-6, statistic: 1e-6, pValue: 1e-4 } : { estimate: { rel: 1e-6, abs: 2 * gap }, stdError: 1e-4, df: 1e-4, statistic: 1e-4, pValue: 1e-2 };
        expectEstimatesMatch(kr.tidy(), o.fixedEffectsKenwardRoger, tol, { label: `${c.name} Kenward-Roger` });
      });
    }

    it('likelihood statistics, sizes and singularity', () => {
      const crit = c.reml ? fit.remlCriterion : fit.deviance;
      expectClose(crit, c.reml ? o.REMLcriterion : o.deviance, 1e-8, c.reml ? 'REMLcrit' : 'deviance');
      expectClose(fit.aic, o.AIC, 1e-8, 'AIC');
      expectClose(fit.bic, o.BIC, 1e-8, 'BIC');
      expect(fit.nParameters).toBe(o.nParameters);
      expect(fit.nobs).toBe(o.nobs);
      expect({ ...fit.ngroups }).toEqual(o.ngroups);
      expect(fit.isSingular).toBe(o.isSingular);
      expect(fit.reml).toBe(o.REML);
    });

    it('conditional modes and variances of the first levels (ranef, condVar) within the gap', () => {
      const ours = fit.ranef();
      for (const group of o.ranef as { group: string; nLevels: number; terms: string | string[]; first: { level: string; mode: number | number[]; condVar: number[][] }[] }[]) {
        const g = ours.find((x) => x.group === group.group)!;
        expect(g.levels.length).toBe(group.nLevels);
        expect(g.terms).toEqual(list(group.terms as never));
        for (const level of group.first) {
          const i = g.levels.indexOf(level.level);
          expect(i, level.level).toBeGreaterThanOrEqual(0);
          list(level.mode).forEach((m, j) => expectClose(g.modes[i]![j]!, m, 1e-3, `${group.group} ${level.level} mode[${j}]`, { absTol: 1e-4 }));
          level.condVar.forEach((row, a) => row.forEach((v, b) => expectClose(g.condVar[i]![a]![b]!, v, 1e-3, `${group.group} ${level.level} condVar[${a},${b}]`, { absTol: 1e-12 })));
        }
      }
    });
  });
}

describe('anova vs lme4: lme4_hsb_lrt (ML fits, χ² of the deviance drop)', () => {
  const o = loadOracle('lme4_hsb_lrt').results;
  const rhs = 'cses + MEANSES + Sector';
  let mSlope: LmmFit;
  let mInt: LmmFit;
  let mNoSector: LmmFit;
  beforeAll(() => {
    mSlope = lmm(`MathAch ~ ${rhs} + (1 + cses | School)`, hsb, { REML: false, ddf: 'normal' });
    mInt = lmm(`MathAch ~ ${rhs} + (1 | School)`, hsb, { REML: false, ddf: 'normal' });
    mNoSector = lmm('MathAch ~ cses + MEANSES + (1 + cses | School)', hsb, { REML: false, ddf: 'normal' });
  });
  const fields = { npar: 0, AIC: 1e-8, BIC: 1e-8, logLik: 1e-8, deviance: 1e-8, chisq: 1e-6, df: 0, pValue: 1e-6 };
  const asOracle = (rows: readonly { npar: number; aic: number; bic: number; logLik: number; deviance: number; chisq: number; df: number; pValue: number }[]) =>
    rows.map((r) => ({ npar: r.npar, AIC: r.aic, BIC: r.bic, logLik: r.logLik, deviance: r.deviance, chisq: r.chisq, df: r.df, pValue: r.pValue }));
  it('random slope: anova(mInt, mSlope)', () => {
    expectEstimatesMatch(asOracle(anova(mInt, mSlope).rows), o.randomSlope, fields, { by: 'position', label: 'randomSlope' });
  });
  it('Sector: anova(mNoSector, mSlope), and the order of the arguments does not matter', () => {
    expectEstimatesMatch(asOracle(anova(mSlope, mNoSector).rows), o.sector, fields, { by: 'position', label: 'sector' });
  });
  it('the smaller models: fixed effects and log-likelihoods', () => {
    for (const [fit, ref] of [[mInt, o.mInt], [mNoSector, o.mNoSector]] as const) {
      expectClose(fit.logLik, ref.logLik, 1e-8, 'logLik');
      for (const [term, value] of Object.entries(ref.fixef as Record<string, number>)) expectClose(fit.coef()[term]!, value, 1e-5, term);
    }
  });
});
