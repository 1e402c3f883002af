/**
 * Plot functions take the result they plot — lovePlot(m), mediationPlot(med), eventStudyPlot(es
 * or an attgt dynamic aggregation), attgtPlot(cs), overlapPlot(m), coefPlot(anything with tidy())
 * — and draw the same figure as from the rows the result holds. A wrong first argument or option
 * is a CausalPanelError naming the function and what it accepts, never a TypeError.
 */
import { describe, expect, it } from 'vitest';
import { attgt, eventStudy, feols, matchit, mediate, type ErrorCode } from '../../src/index.js';
import { attgtPlot } from '../../src/report/svg/attgtPlot.js';
import { coefPlot } from '../../src/report/svg/coefPlot.js';
import { eventStudyPlot } from '../../src/report/svg/eventStudyPlot.js';
import { lovePlot } from '../../src/report/svg/lovePlot.js';
import { mediationPlot, mediationRows } from '../../src/report/svg/mediationPlot.js';
import { overlapPlot } from '../../src/report/svg/overlapPlot.js';
import { allText, byClass, findAll, parseXml } from '../helpers/xml.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const lalonde = loadDataset('lalonde.csv');
const mpdta = loadDataset('mpdta.csv');
const base = loadDataset('base_did.csv');

const m = matchit({ formula: 'treat ~ age + educ + married + re74', data: lalonde });
const cs = attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
const es = eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });
const med = mediate({ data: lalonde, mediatorModel: 're75 ~ treat + age', outcomeModel: 're78 ~ treat + re75 + age', treat: 'treat', mediator: 're75', sims: 50, seed: 1 });

describe('plots take the result they plot', () => {
  it('lovePlot(m): one before and one after mark per balance row, the same figure as from the rows', () => {
    const { before, after } = m.balance();
    const rows = before.map((b, i) => ({ term: b.term, before: b.stdMeanDiff ?? NaN, after: after[i]!.stdMeanDiff ?? NaN }));
    const svg = lovePlot(m, { title: 'Balance' });
    expect(svg).toBe(lovePlot(rows, { title: 'Balance' }));
    const doc = parseXml(svg);
    expect(byClass(doc, 'before')).toHaveLength(before.length);
    expect(byClass(doc, 'category').map((n) => n.text)).toEqual(before.map((b) => b.term));
  });

  it('mediationPlot(med): ACME, ADE and total (or both arms), axis labelled with the result level', () => {
    const doc = parseXml(mediationPlot(med));
    expect(byClass(doc, 'category').map((n) => n.text)).toEqual(['ACME', 'ADE', 'Total Effect']);
    expect(allText(byClass(doc, 'x-axis')[0]!)).toContain('Estimate and 95% CI');
    expect(mediationPlot(med)).toBe(mediationPlot(mediationRows(med), { xLabel: 'Estimate and 95% CI' }));
    expect(byClass(parseXml(mediationPlot(med, { which: 'both' })), 'point')).toHaveLength(5);
  });

  it('eventStudyPlot(es): its rows, with its reference period hollow at 0', () => {
    const doc = parseXml(eventStudyPlot(es));
    const refs = es.ref;
    expect(byClass(doc, 'point')).toHaveLength(es.rows.filter((r) => !refs.includes(r.e)).length);
    expect(byClass(doc, 'ref-point')).toHaveLength(refs.length);
    expect(eventStudyPlot(es)).toBe(eventStudyPlot(es.rows, { ref: [...refs] }));
  });

  it("eventStudyPlot(cs.aggregate('dynamic')): one point per event time, no reference period; other aggregations are refused", () => {
    const dynamic = cs.aggregate('dynamic');
    const doc = parseXml(eventStudyPlot(dynamic));
    expect(byClass(doc, 'point')).toHaveLength(dynamic.rows.length);
    expect(byClass(doc, 'ref-point')).toHaveLength(0);
    expect(() => eventStudyPlot(cs.aggregate('group'))).toThrow(/^eventStudyPlot: the first argument must be .*an aggregation of type "group" has no event times \(got a attgtAggregate result\)$/);
  });

  it('attgtPlot(cs): one panel per group, one point per ATT(g, t)', () => {
    const groups = new Set(cs.rows.map((r) => r.group));
    const doc = parseXml(attgtPlot(cs));
    expect(byClass(doc, 'panel')).toHaveLength(groups.size);
    expect(byClass(doc, 'point')).toHaveLength(cs.rows.length);
    // rows with did's `att` name only draw the same figure
    const attRows = cs.rows.map((r) => ({ group: r.group, time: r.time, att: r.estimate, confLow: r.confLow, confHigh: r.confHigh }));
    expect(attgtPlot(attRows)).toBe(attgtPlot(cs));
  });

  it('overlapPlot(m): all units by treatment, as overlapPlot({ distance, treat }) and the split groups', () => {
    const treat = lalonde.numeric('treat');
    const fromResult = overlapPlot(m, { bins: 10 });
    expect(fromResult).toBe(overlapPlot({ distance: m.distance, treat }, { bins: 10 }));
    const treated = Array.from(m.distance).filter((_, i) => treat[i] === 1);
    const control = Array.from(m.distance).filter((_, i) => treat[i] === 0);
    expect(fromResult).toBe(overlapPlot({ treated, control }, { bins: 10 }));
    expect(byClass(parseXml(fromResult), 'treated')).toHaveLength(10);
    // a result that discarded units does not record their treatment: it says what to pass instead
    const discarding = matchit({ formula: 'treat ~ age + educ + married + re74', data: lalonde, commonSupport: 'both' });
    expect(discarding.discarded.length).toBe(5);
    expect(() => overlapPlot(discarding)).toThrow(/discarded 5 units and does not record their treatment: pass \{ distance, treat \}/);
  });

  it('coefPlot(fit) draws tidy(level) with the level on the axis; coefPlot(any result with tidy())', () => {
    const fit = feols('y ~ x1 + treat', base);
    const doc = parseXml(coefPlot(fit, { level: 0.9 }));
    expect(byClass(doc, 'point')).toHaveLength(fit.tidy().length);
    expect(allText(byClass(doc, 'x-axis')[0]!)).toContain('Estimate and 90% CI');
    expect(coefPlot(fit, { level: 0.9 })).toBe(coefPlot(fit.tidy(0.9), { xLabel: 'Estimate and 90% CI' }));
    for (const result of [es, cs.aggregate('dynamic'), med, m.att({ outcome: 're78' })]) {
      expect(byClass(parseXml(coefPlot(result)), 'point').length).toBe(result.tidy().filter((r) => Number.isFinite(r.estimate)).length);
    }
  });
});

describe('a wrong argument is a CausalPanelError naming the function and what it accepts', () => {
  const cases: [string, () => unknown, ErrorCode, RegExp][] = [
    ['lovePlot(42)', () => lovePlot(42 as never), 'invalid_option', /^lovePlot: the first argument must be a matchit result \(with balance\(\)\) or rows \{ term, before, after \} \(got 42\)$/],
    ['lovePlot(a feols fit)', () => lovePlot(feols('y ~ x1', base) as never), 'invalid_option', /^lovePlot: the first argument must be .* \(got a feols result\)$/],
    ['lovePlot([{ term: 1 }])', () => lovePlot([{ term: 1 }] as never), 'invalid_option', /^lovePlot: row 1 must have term \(string\), before \(number\), after \(number\) \(got \{"term":1\}\)$/],
    ['mediationPlot({})', () => mediationPlot({} as never), 'invalid_option', /^mediationPlot: the first argument must be a mediate\(\) result \(acme, ade, total\) or rows .* \(got \{\}\)$/],
    ['mediationPlot(null)', () => mediationPlot(null as never), 'invalid_option', /^mediationPlot: the first argument must be .* \(got null\)$/],
    ['eventStudyPlot("e")', () => eventStudyPlot('e' as never), 'invalid_option', /^eventStudyPlot: the first argument must be .* \(got "e"\)$/],
    ['eventStudyPlot(matchit result)', () => eventStudyPlot(m as never), 'invalid_option', /^eventStudyPlot: the first argument must be .* \(got a matchit result\)$/],
    ['attgtPlot(eventStudy result)', () => attgtPlot(es as never), 'invalid_option', /^attgtPlot: the first argument must be an attgt\(\) result .* \(got a eventStudy result\)$/],
    ['overlapPlot([0.1, 0.2])', () => overlapPlot([0.1, 0.2] as never), 'invalid_option', /^overlapPlot: the first argument must be a matchit result, \{ distance, treat \} or \{ treated, control \}/],
    ['overlapPlot({ distance, treat: short })', () => overlapPlot({ distance: [0.1, 0.2], treat: [1] }), 'invalid_option', /with treat as long as distance/],
    ['coefPlot({})', () => coefPlot({} as never), 'invalid_option', /^coefPlot: the first argument must be a result with tidy\(\) or rows/],
    ['coefPlot(rows, { level })', () => coefPlot([{ term: 'x', estimate: 1, confLow: 0, confHigh: 2 }], { level: 0.9 }), 'invalid_option', /^coefPlot: option "level" must be given only with a result/],
    ['coefPlot([])', () => coefPlot([]), 'empty_data', /^coefPlot: no rows to plot \(0\)$/],
  ];
  it.each(cases)('%s → %s', (_, run, code, message) => {
    const error = thrown(run);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('plot options are read like every entry point', () => {
  const rows = [{ term: 'x', estimate: 1, confLow: 0, confHigh: 2 }];
  const cases: [string, () => unknown, ErrorCode, RegExp][] = [
    ['coefPlot colour', () => coefPlot(rows, { colour: 'red' } as never), 'unknown_option', /^coefPlot: unknown option "colour" \(did you mean "color"\?\)$/],
    ['coefPlot main', () => coefPlot(rows, { main: 'T' } as never), 'unknown_option', /^coefPlot: option "main" is not supported \(use title\)$/],
    ['lovePlot treshold', () => lovePlot(m, { treshold: 0.2 } as never), 'unknown_option', /did you mean "threshold"\?/],
    ['lovePlot absolute "yes"', () => lovePlot(m, { absolute: 'yes' } as never), 'invalid_option', /^lovePlot: option "absolute" must be true or false \(got "yes"\)$/],
    ['overlapPlot bins 0', () => overlapPlot(m, { bins: 0 }), 'invalid_option', /^overlapPlot: option "bins" must be an integer ≥ 1 \(got 0\)$/],
    ['overlapPlot range', () => overlapPlot(m, { range: [1, 0] }), 'invalid_option', /^overlapPlot: option "range" must be \[min, max\] with max > min/],
    ['eventStudyPlot ref "a"', () => eventStudyPlot(es, { ref: 'a' as never }), 'invalid_option', /^eventStudyPlot: option "ref" must be a finite number, an array of them, or null/],
    ['attgtPlot width -1', () => attgtPlot(cs, { width: -1 }), 'invalid_option', /^attgtPlot: option "width" must be a finite number > 0 \(got -1\)$/],
    ['mediationPlot which', () => mediationPlot(med, { which: 'treated' as never }), 'invalid_option', /^mediationPlot: option "which" must be one of "average", "both"/],
    ['mediationPlot title 1', () => mediationPlot(med, { title: 1 as never }), 'invalid_option', /^mediationPlot: option "title" must be a string \(got 1\)$/],
  ];
  it.each(cases)('%s → %s', (_, run, code, message) => {
    const error = thrown(run);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('the accepted options change the figure', () => {
    const doc = parseXml(eventStudyPlot(es, { ref: null, band: false, width: 500 }));
    expect(doc.attrs.width).toBe('500');
    expect(byClass(doc, 'ref-point')).toHaveLength(0);
    expect(findAll(doc, (n) => n.attrs.class === 'ci-band')).toHaveLength(0);
  });
});
