/**
 * Public result types, checked at compile time with vitest's `expectTypeOf`: a failed assertion
 * is a type error, reported by `tsc --noEmit` (the first half of `npm test`; tsconfig.json
 * includes test/). The shapes are those of the public API contract (../shared/API.md), which
 * mirror fixest 0.12.2 / did 2.5.1 / MatchIt 4.5.1 / mediation 4.5.1 outputs; everything is
 * imported from the package entry, as a user would.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  attgt,
  CausalPanelError,
  did,
  eventStudy,
  feols,
  glm,
  matchit,
  matchedAtt,
  mediate,
  mediateMany,
  medsens,
  productOfCoefficients,
  psmDid,
  toFrame,
  type AggregateRow,
  type AttgtAggregate,
  type BalanceRow,
  type DataInput,
  type ErrorCode,
  type Estimate,
  type Frame,
  type GlmFit,
  type Note,
  type OlsFit,
} from '../src/index.js';

declare const data: DataInput;

describe('public result types (API contract)', () => {
  it('feols → OlsFit with coef(): Record<string, number>, tidy(): Estimate[]', () => {
    const fit = feols('y ~ x', data);
    expectTypeOf(fit).toEqualTypeOf<OlsFit>();
    expectTypeOf(fit.coef()).toEqualTypeOf<Record<string, number>>();
    expectTypeOf(fit.se()).toEqualTypeOf<Record<string, number>>();
    expectTypeOf(fit.pvalue()).toEqualTypeOf<Record<string, number>>();
    expectTypeOf(fit.confint()).toEqualTypeOf<Record<string, [number, number]>>();
    expectTypeOf(fit.vcov()).toEqualTypeOf<number[][]>();
    expectTypeOf(fit.tidy()).toEqualTypeOf<Estimate[]>();
    expectTypeOf(fit.nobs).toEqualTypeOf<number>();
    expectTypeOf(fit.r2).toEqualTypeOf<number>();
    expectTypeOf(fit.summary()).toEqualTypeOf<string>();
    expectTypeOf(fit.notes).toEqualTypeOf<readonly Note[]>();
    expectTypeOf(feols).parameter(2).toMatchTypeOf<{ vcov?: unknown; weights?: string; level?: number } | undefined>();
  });

  it('Estimate has exactly the seven fields', () => {
    expectTypeOf<Estimate>().toEqualTypeOf<{
      term: string;
      estimate: number;
      stdError: number;
      statistic: number;
      pValue: number;
      confLow: number;
      confHigh: number;
    }>();
  });

  it('glm → GlmFit with fitted(): Float64Array', () => {
    const fit = glm('d ~ x', data, { family: 'binomial', link: 'probit' });
    expectTypeOf(fit).toEqualTypeOf<GlmFit>();
    expectTypeOf(fit.coef()).toEqualTypeOf<Record<string, number>>();
    expectTypeOf(fit.tidy()).toEqualTypeOf<Estimate[]>();
    expectTypeOf(fit.fitted()).toEqualTypeOf<Float64Array>();
  });

  it('did → att: Estimate, effectSize: Estimate, nobs, nUnits', () => {
    const res = did({ data, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    expectTypeOf(res.att).toEqualTypeOf<Estimate>();
    expectTypeOf(res.effectSize).toEqualTypeOf<Estimate>();
    expectTypeOf(res.nobs).toEqualTypeOf<number>();
    expectTypeOf(res.nUnits).toEqualTypeOf<number>();
    expectTypeOf(res.tidy()).toEqualTypeOf<Estimate[]>();
    expectTypeOf(res.summary()).toEqualTypeOf<string>();
  });

  it('eventStudy → rows with e: number, pretest, overall?: Estimate', () => {
    const es = eventStudy({ data, outcome: 'y', unit: 'id', time: 'period', cohort: 'g', method: 'sunab' });
    expectTypeOf(es.rows[0]!.e).toEqualTypeOf<number>();
    expectTypeOf(es.rows[0]!).toMatchTypeOf<Estimate>();
    expectTypeOf(es.pretest.statistic).toEqualTypeOf<number>();
    expectTypeOf(es.pretest.df1).toEqualTypeOf<number>();
    expectTypeOf(es.pretest.df2).toEqualTypeOf<number>();
    expectTypeOf(es.pretest.pValue).toEqualTypeOf<number>();
    expectTypeOf(es.overall).toEqualTypeOf<Estimate | undefined>();
    expectTypeOf(es.tidy()).toEqualTypeOf<Estimate[]>();
  });

  it("attgt(...).aggregate('dynamic').rows[0].e: number; rows carry group/time/att", () => {
    const res = attgt({ data, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', bootstrap: { reps: 99, seed: 1 } });
    expectTypeOf(res.rows[0]!.group).toEqualTypeOf<number>();
    expectTypeOf(res.rows[0]!.att).toEqualTypeOf<number>();
    expectTypeOf(res.pretestPValue).toEqualTypeOf<number>();
    const agg = res.aggregate('dynamic');
    expectTypeOf(agg).toEqualTypeOf<AttgtAggregate>();
    expectTypeOf(agg.rows[0]!.e).toEqualTypeOf<number>();
    expectTypeOf(agg.rows[0]!).toEqualTypeOf<AggregateRow>();
    expectTypeOf(agg.overall).toEqualTypeOf<Estimate>();
    expectTypeOf(res.aggregate).parameter(0).toEqualTypeOf<'simple' | 'dynamic' | 'group' | 'calendar'>();
  });

  it('matchit → weights: Float64Array, distance: Float64Array, subclass, pairs, balance(), matchedData(): Frame', () => {
    const m = matchit({ formula: 'treat ~ age + educ', data, ratio: 2, order: 'random', seed: 1 });
    expectTypeOf(m.weights).toEqualTypeOf<Float64Array>();
    expectTypeOf(m.distance).toEqualTypeOf<Float64Array>();
    expectTypeOf(m.subclass).toEqualTypeOf<(number | null)[]>();
    expectTypeOf(m.pairs[0]!.controls).toEqualTypeOf<number[]>();
    expectTypeOf(m.balance().after).toEqualTypeOf<BalanceRow[]>();
    expectTypeOf(m.matchedData()).toEqualTypeOf<Frame>();
    expectTypeOf(matchedAtt(m, { outcome: 're78' }).estimate).toEqualTypeOf<Estimate>();
    expectTypeOf(psmDid({ data, outcome: 'y', unit: 'id', time: 't', treat: 'd', post: 'p', covariates: ['x'] }).att).toEqualTypeOf<Estimate>();
  });

  it('mediate → acme.average.estimate: number (every leaf { estimate, confLow, confHigh, pValue })', () => {
    const res = mediate({ data, mediatorModel: 'M ~ T', outcomeModel: 'Y ~ T + M', treat: 'T', mediator: 'M', sims: 100, seed: 1 });
    expectTypeOf(res.acme.average.estimate).toEqualTypeOf<number>();
    expectTypeOf(res.ade.control.confLow).toEqualTypeOf<number>();
    expectTypeOf(res.propMediated.treated.pValue).toEqualTypeOf<number>();
    expectTypeOf(res.total.confHigh).toEqualTypeOf<number>();
    expectTypeOf(mediateMany({ data, treat: 'T', mediators: ['M'], mediatorModel: '{mediator} ~ T', outcomeModel: 'Y ~ T + {mediator}' }).tidy()).toEqualTypeOf<Estimate[]>();
    const sens = medsens(res, { rhoBy: 0.1 });
    expectTypeOf(sens.rho).toEqualTypeOf<number[]>();
    expectTypeOf(sens.acme).toEqualTypeOf<number[]>();
    expectTypeOf(sens.rhoAtZero).toEqualTypeOf<number>();
    const poc = productOfCoefficients({ data, mediatorModel: 'M ~ T', outcomeModel: 'Y ~ T + M', treat: 'T', mediator: 'M', variance: 'ml' });
    expectTypeOf(poc.indirect).toEqualTypeOf<Estimate>();
  });

  it('errors: code is the ErrorCode union; bad option values do not compile', () => {
    expectTypeOf<CausalPanelError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<'missing_column'>().toMatchTypeOf<ErrorCode>();
    expectTypeOf<'perfect_separation'>().toMatchTypeOf<ErrorCode>();
    expectTypeOf<'no_such_code'>().not.toMatchTypeOf<ErrorCode>();
    expectTypeOf(toFrame).returns.toEqualTypeOf<Frame>();
    // @ts-expect-error — 'HC5' is not a vcov option
    feols('y ~ x', data, { vcov: 'HC5' });
    // @ts-expect-error — method must be 'dr' | 'ipw' | 'reg'
    attgt({ data, outcome: 'y', unit: 'id', time: 't', cohort: 'g', method: 'foo' });
    // @ts-expect-error — aggregation types are a closed union
    attgt({ data, outcome: 'y', unit: 'id', time: 't', cohort: 'g' }).aggregate('weekly');
  });
});
