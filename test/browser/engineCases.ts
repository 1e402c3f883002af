/**
 * The seeded computations that must give the same bits in every JavaScript engine (issue 13
 * item 6): run in Node and, through `runEngineCases.toString()`, in headless Chromium by
 * test/browser/engines.self.test.ts. The function is self-contained on purpose — it uses only its
 * arguments (the package namespace and the datasets' CSV text), so that its source runs unchanged
 * in a page — and returns every number as its IEEE 754 bit pattern (16 hex digits), NaN included.
 */
import type * as CausalPanel from '../../src/index.js';

/** CSV text of the datasets the cases use. */
export interface EngineData {
  lalonde: string;
  mpdta: string;
  jobs: string;
}

/** Case name → the hex bit patterns of its numbers. */
export type EngineBits = Record<string, string[]>;

/**
 * createRng normal and uniform draws, glm logit on lalonde (coefficients, SEs, fitted values),
 * matchit's propensity scores and weights, attgt with a covariate (doubly robust, analytic and
 * multiplier bootstrap), and quasi-Bayesian mediate with a seed.
 *
 * @example
 * runEngineCases(await import('causal-panel'), data).rngNormal.length; // 1000
 */
export function runEngineCases(cp: typeof CausalPanel, data: EngineData): EngineBits {
  const view = new DataView(new ArrayBuffer(8));
  const hex = (x: number): string => {
    view.setFloat64(0, x);
    return view.getBigUint64(0).toString(16).padStart(16, '0');
  };
  const bits = (values: ArrayLike<number>): string[] => Array.from(values, hex);
  const rows = (estimates: readonly CausalPanel.Estimate[]): string[] =>
    estimates.flatMap((r) => bits([r.estimate, r.stdError, r.statistic, r.pValue, r.confLow, r.confHigh]));
  const out: EngineBits = {};

  const rng = cp.createRng(20260613);
  out.rngNormal = bits(Array.from({ length: 1000 }, () => rng.normal()));
  const rng2 = cp.createRng(7);
  out.rngUniform = bits(Array.from({ length: 100 }, () => rng2.uniform()));

  const lalonde = cp.parseCsv(data.lalonde);
  const formula = 'treat ~ age + educ + race + married + nodegree + re74 + re75';
  const fit = cp.glm(formula, lalonde, { family: 'binomial' });
  out.glmLogit = [...rows(fit.tidy()), ...bits([fit.deviance, fit.aic]), ...bits(fit.fitted())];
  const probit = cp.glm(formula, lalonde, { family: 'binomial', link: 'probit' });
  out.glmProbit = [...rows(probit.tidy()), ...bits([probit.deviance, probit.aic])];

  const m = cp.matchit({ formula, data: lalonde });
  out.matchitDistance = bits(m.distance);
  out.matchitWeights = bits(m.weights);
  out.matchitAtt = rows(m.att({ outcome: 're78' }).tidy());

  const mpdta = cp.parseCsv(data.mpdta);
  const same = { data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', covariates: ['lpop'] } as const;
  const cs = cp.attgt({ ...same, method: 'dr' });
  out.attgtDr = [...rows(cs.tidy()), ...rows(cs.aggregate('dynamic').tidy())];
  const csBoot = cp.attgt({ ...same, method: 'ipw', bootstrap: { reps: 199, seed: 11 } });
  out.attgtIpwBootstrap = rows(csBoot.aggregate('simple').tidy());

  const jobs = cp.parseCsv(data.jobs);
  const med = cp.mediate({
    data: jobs,
    treat: 'treat',
    mediator: 'job_seek',
    mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
    outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
    sims: 200,
    seed: 2014,
  });
  out.mediateQuasiBayes = rows(med.tidy());
  return out;
}
