/**
 * etable's GLM statistics are fixest's defaults for a non-OLS table — "Squared Cor.", "Pseudo R2",
 * "BIC" — never an "R2" row. Reference values: R 4.2.2's glm() on fixtures/datasets/lalonde.csv
 * with fixest's definitions (fixest R/estimation.R: loglik = family$aic(…)/−2 = rank − aic/2;
 * R/fitstats.R: pr2 = 1 − loglik/ll_null; R/methods.R: BIC = −2·loglik + nparams·log(n);
 * sq.cor = cor(y, fitted)²):
 *
 *   d <- read.csv("fixtures/datasets/lalonde.csv")
 *   fixest_stats <- function(m, m0) { k <- m$rank; ll <- k - m$aic/2; ll0 <- m0$rank - m0$aic/2
 *     c(cor(m$y, fitted(m))^2, 1 - ll/ll0, -2*ll + k*log(nobs(m))) }
 *   f <- treat ~ age + educ + race + married + nodegree + re74 + re75
 *   fixest_stats(glm(f, binomial, d), glm(treat ~ 1, binomial, d))
 *   fixest_stats(glm(f, binomial("probit"), d), glm(treat ~ 1, binomial, d))
 *   fixest_stats(glm(re78 ~ treat + age + educ + re74, gaussian, d), glm(re78 ~ 1, gaussian, d))
 *
 * (For binomial models BIC equals R's BIC(m); for gaussian fixest's loglik is R's logLik − 1.)
 */
import { describe, expect, it } from 'vitest';
import { glm } from '../../src/models/glm.js';
import { feols } from '../../src/models/feols.js';
import { etable } from '../../src/report/etable.js';
import { etableModel } from '../../src/report/etableModel.js';
import { loadDataset } from '../helpers/oracle.js';
import { expectClose } from '../helpers/expectClose.js';

const lalonde = loadDataset('lalonde.csv');
const f = 'treat ~ age + educ + race + married + nodegree + re74 + re75';

const cases = [
  { name: 'binomial(logit)', fit: () => glm(f, lalonde, { family: 'binomial' }), squaredCor: 0.390772202749056, pseudoR2: 0.350832903946268, bic: 545.623885663822 },
  { name: 'binomial(probit)', fit: () => glm(f, lalonde, { family: 'binomial', link: 'probit' }), squaredCor: 0.391296154562514, pseudoR2: 0.353115379089002, bic: 543.908623671157 },
  { name: 'gaussian', fit: () => glm('re78 ~ treat + age + educ + re74', lalonde), squaredCor: 0.133254654401893, pseudoR2: 0.0069163834287882, bic: 12639.9701698968 },
];

describe('etable reads a GLM with fixest statistics (R 4.2.2 glm, fixest definitions)', () => {
  it.each(cases)('$name: squared correlation, pseudo R², BIC', ({ fit, squaredCor, pseudoR2, bic }) => {
    const model = etableModel(fit(), 0);
    expectClose(model.squaredCor!, squaredCor, 1e-9, 'squaredCor');
    expectClose(model.pseudoR2!, pseudoR2, 1e-9, 'pseudoR2');
    expectClose(model.bic!, bic, 1e-11, 'bic');
    expect(model.r2).toBeUndefined();
  });

  it('the printed table labels them as fixest does and has no R2 row', () => {
    const text = etable([glm(f, lalonde, { family: 'binomial' })]);
    const lines = text.split('\n');
    expect(lines.find((l) => l.startsWith('Squared Cor.'))).toMatch(/0\.39077$/);
    expect(lines.find((l) => l.startsWith('Pseudo R2'))).toMatch(/0\.35083$/);
    expect(lines.find((l) => l.startsWith('BIC'))).toMatch(/545\.62$/);
    expect(lines.find((l) => l.startsWith('S.E. type'))).toMatch(/IID$/);
    expect(lines.some((l) => /^(R2|Within R2|Adj\. R2)\s/.test(l))).toBe(false);
    const tex = etable([glm(f, lalonde, { family: 'binomial' })], { format: 'latex' });
    expect(tex).toContain('Pseudo R$^2$ & 0.35083');
    expect(tex).toContain('Squared Correlation & 0.39077');
  });

  it('an OLS column beside a GLM shows its squared correlation (= R² with an intercept) and -- for the GLM-only statistics', () => {
    const ols = feols('treat ~ age + educ', lalonde);
    const lines = etable([glm(f, lalonde, { family: 'binomial' }), ols]).split('\n');
    const cor = lines.find((l) => l.startsWith('Squared Cor.'))!.trim().split(/\s+/);
    expect(cor[cor.length - 1]).toBe(ols.r2.toFixed(5));
    expect(lines.find((l) => l.startsWith('Pseudo R2'))).toMatch(/0\.35083\s+--$/);
    expect(lines.find((l) => l.startsWith('BIC'))).toMatch(/545\.62\s+--$/);
  });
});
