/**
 * etable takes every result with tidy() — fits, DiD, event study, Callaway–Sant'Anna aggregations,
 * matching, mediation — read through the fields the public API promises; each column shows the
 * result's tidy() rows with their SEs, its observations and the variance label. Its options are
 * read like every entry's: unknown ones are unknown_option, fixest ones it lacks say why.
 */
import { describe, expect, it } from 'vitest';
import { attgt, did, etable, eventStudy, feols, glm, matchit, mediate, CausalPanelError } from '../../src/index.js';
import { etableModel } from '../../src/report/etableModel.js';
import { etableNumber } from '../../src/report/format.js';
import type { Estimate } from '../../src/estimate.js';
import { loadDataset } from '../helpers/oracle.js';
import { thrown } from '../helpers/thrown.js';

const base = loadDataset('base_did.csv');
const mpdta = loadDataset('mpdta.csv');
const lalonde = loadDataset('lalonde.csv');

const matched = () => matchit({ formula: 'treat ~ age + educ + married + re74', data: lalonde });
const cs = () => attgt({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' });

const results: { kind: string; make: () => { tidy(): Estimate[]; nobs?: number } }[] = [
  { kind: 'feols', make: () => feols('y ~ x1 | id', base) },
  { kind: 'glm', make: () => glm('treat ~ age + educ', lalonde, { family: 'binomial' }) },
  { kind: 'did', make: () => did({ data: base, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' }) },
  { kind: 'eventStudy', make: () => eventStudy({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' }) },
  { kind: 'attgt', make: cs },
  { kind: 'attgtAggregate (simple)', make: () => cs().aggregate('simple') },
  { kind: 'attgtAggregate (dynamic)', make: () => cs().aggregate('dynamic') },
  { kind: 'matchit', make: matched },
  { kind: 'matchedAtt', make: () => matched().att({ outcome: 're78' }) },
  { kind: 'mediate', make: () => mediate({ data: lalonde, mediatorModel: 're75 ~ treat + age', outcomeModel: 're78 ~ treat + re75 + age', treat: 'treat', mediator: 're75', sims: 50, seed: 1 }) },
];

describe('etable accepts every result with tidy()', () => {
  it.each(results)('$kind: one column with its tidy() rows, SEs and observations', ({ make }) => {
    const result = make();
    const rows = result.tidy();
    const text = etable([result]);
    const lines = text.split('\n');
    for (const row of rows) {
      const label = row.term === '(Intercept)' ? 'Constant' : row.term;
      const line = lines.find((l) => l.startsWith(`${label} `));
      expect(line, `row ${row.term}`).toBeDefined();
      expect(line).toContain(etableNumber(row.estimate, 4));
      expect(line).toContain(`(${etableNumber(row.stdError, 4)})`);
    }
    const observations = lines.find((l) => l.startsWith('Observations'))!;
    expect(observations).toMatch(result.nobs === undefined ? /--$/ : new RegExp(`${result.nobs.toLocaleString('en-US')}$`));
  });

  it('results side by side: fixed effects, variance labels and dependent variables come from the results', () => {
    const twfe = did({ data: base, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' });
    const simple = cs().aggregate('simple');
    const lines = etable([twfe, simple, matched().att({ outcome: 're78' })]).split('\n');
    // did and matchedAtt name their outcome; an attgt aggregation does not (blank)
    expect(lines.find((l) => l.startsWith('Dependent Var.:'))).toMatch(/^Dependent Var\.:\s+y\s+re78$/);
    expect(lines.find((l) => l.startsWith('id '))).toMatch(/Yes\s+No\s+No$/);
    expect(lines.find((l) => l.startsWith('S.E. type'))).toMatch(/^S\.E\. type\s+by: id\s+--\s+by: subclass$/);
    // the DiD regression is OLS with fixed effects: R2 and within R2 from its fit
    expect(lines.find((l) => l.startsWith('R2'))).toMatch(new RegExp(`^R2\\s+${etableNumber(twfe.fit.r2, 5)}\\s+--\\s+\\S+$`));
    expect(lines.find((l) => l.startsWith('Within R2'))).toMatch(new RegExp(`^Within R2\\s+${etableNumber(twfe.fit.wr2, 5)}\\s+--\\s+--$`));
  });

  it('OLS tables without fixed effects show the adjusted R², as fixest', () => {
    const fit = feols('re78 ~ treat + age', lalonde);
    const lines = etable([fit]).split('\n');
    expect(lines.find((l) => l.startsWith('Adj. R2'))).toMatch(new RegExp(`${etableNumber(fit.adjR2, 5)}$`));
    expect(lines.some((l) => l.startsWith('Within R2'))).toBe(false);
    expect(etableModel(fit, 0)).toMatchObject({ nobs: 614, depVar: 're78', vcovType: 'IID', fixedEffects: [] });
  });
});

describe('etable rejects what is not a result, with the position and what it accepts', () => {
  const bad: [string, unknown][] = [
    ['a number', 42],
    ['an empty object', {}],
    ['rows that are not estimates', { rows: [{ term: 'x' }], nobs: 3 }],
    ['tidy() returning junk', { tidy: () => [1, 2] }],
  ];
  it.each(bad)('%s → invalid_option', (_, input) => {
    const error = thrown(() => etable([feols('y ~ x1', base), input as never]));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(/^etable: (model 2|row 1 of model 2|row 2 of model 2) must /);
  });
  it('no results at all', () => {
    expect(() => etable([])).toThrow('etable: fits must be a non-empty array of results (got an empty array)');
  });
});

describe('etable options', () => {
  const fit = feols('y ~ x1 + treat', base);
  const codeOf = (options: Record<string, unknown>) => {
    try {
      etable([fit], options as never);
    } catch (e) {
      return [(e as CausalPanelError).code, (e as Error).message];
    }
    return ['no error', ''];
  };
  it.each([
    [{ vcov: 'hetero' }, 'unknown_option', /option "vcov" is not supported \(each column shows its result's own standard errors/],
    [{ tex: true }, 'unknown_option', /use format: "latex"/],
    [{ 'digits.stats': 3 }, 'unknown_option', /did you mean "digitsStats"\?/],
    [{ dict: { x1: 2 } }, 'invalid_option', /^etable: option "dict" must be an object mapping terms to display names/],
    [{ digits: 0 }, 'invalid_option', /^etable: option "digits" must be an integer in \[1, 15\] \(got 0\)$/],
    [{ keep: 'x1' }, 'invalid_option', /^etable: option "keep" must be an array of term names \(got "x1"\)$/],
  ] as const)('%o → %s', (options, code, message) => {
    const [actualCode, actualMessage] = codeOf(options);
    expect(actualCode).toBe(code);
    expect(actualMessage).toMatch(message);
  });
  it('keep, dict, digits and headers shape the table', () => {
    const text = etable([fit], { keep: ['treat', 'x1'], dict: { treat: 'Treated' }, digits: 3, headers: ['OLS'] });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^\s+OLS$/);
    const treated = lines.findIndex((l) => l.startsWith('Treated '));
    const x1 = lines.findIndex((l) => l.startsWith('x1 '));
    expect(treated).toBeGreaterThan(0);
    expect(x1).toBeGreaterThan(treated);
    expect(text).not.toContain('Constant');
    expect(lines[x1]).toContain(etableNumber(fit.coef().x1!, 3));
  });
});
