/**
 * Few-cluster simulation (seeded; vitest project "slow", `npm run test:full`): 20 clusters of
 * unequal size (two of 20 units, the rest 2–4), 10 treated, 4 periods (treatment from period 3),
 * no treatment effect, cluster × period shocks with SD 2 in treated and 0.5 in control clusters,
 * unit and idiosyncratic noise. The known truth is H0: the ATT is 0, so a 5% test should reject
 * in about 5% of the samples. CRV1 (fixest's t(G − 1)) over-rejects; CR2 with Satterthwaite df
 * (clubSandwich) and the WCR wild cluster bootstrap (Rademacher, B = 399) stay near 5%.
 */
import { describe, expect, it } from 'vitest';
import { feols } from '../../src/models/feols.js';
import { boottest } from '../../src/estimators/boottest.js';
import { createRng } from '../../src/numerics/random.js';

const SAMPLES = 600;
const G = 20;
const T = 4;

describe('few clusters: rejection rates under H0 (10 treated of 20 clusters)', () => {
  it('CRV1 over-rejects; CR2 (Satterthwaite) and WCR stay near 5%', () => {
    const rng = createRng(2026);
    const rejected = { crv1: 0, cr2: 0, wcr: 0 };
    for (let s = 0; s < SAMPLES; s++) {
      const unit: number[] = [], cluster: number[] = [], period: number[] = [], treat: number[] = [], post: number[] = [], y: number[] = [];
      let u = 0;
      for (let g = 0; g < G; g++) {
        const size = g % 10 === 0 ? 20 : 2 + (g % 3);
        const shock = Array.from({ length: T }, () => rng.normal() * (g < 10 ? 2 : 0.5));
        for (let i = 0; i < size; i++, u++) {
          const a = rng.normal();
          for (let t = 0; t < T; t++) {
            unit.push(u);
            cluster.push(g);
            period.push(t);
            treat.push(g < 10 ? 1 : 0);
            post.push(t >= 2 ? 1 : 0);
            y.push(a + 0.1 * t + shock[t]! + rng.normal());
          }
        }
      }
      const fit = feols('y ~ treat:post | cluster + period', { unit, cluster, period, treat, post, y }, { vcov: { CRV1: 'cluster' } });
      if (fit.pvalue()['treat:post']! < 0.05) rejected.crv1++;
      if (fit.withVcov({ CR2: 'cluster' }).pvalue()['treat:post']! < 0.05) rejected.cr2++;
      if (boottest(fit, { param: 'treat:post', B: 399, seed: s + 1, confInt: false }).pValue < 0.05) rejected.wcr++;
    }
    const rates = { crv1: rejected.crv1 / SAMPLES, cr2: rejected.cr2 / SAMPLES, wcr: rejected.wcr / SAMPLES };
    console.log(`rejection rates at 5% over ${SAMPLES} samples (MC SE ≈ ${Math.sqrt(0.05 * 0.95 / SAMPLES).toFixed(3)} at 5%):`, rates);
    expect(rates.crv1).toBeGreaterThan(0.1);
    expect(rates.cr2).toBeLessThan(0.09);
    expect(rates.wcr).toBeLessThan(0.09);
    expect(rates.wcr).toBeGreaterThan(0.02);
    expect(rates.crv1 - rates.wcr).toBeGreaterThan(0.05);
  }, 600_000);
});
