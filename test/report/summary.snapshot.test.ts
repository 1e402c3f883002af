/**
 * renderSummary prints like fixest 0.12.2 `summary(feols(y ~ x1 + treat_post | id + period,
 * base_did, cluster = ~id))`; numbers come from the oracle fixtures/oracles/fixest_twfe_did_cov_cluster.json.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderSummary, coefTable, intervalTable } from '../../src/report/summary.js';
import { markdownTable, textTable } from '../../src/report/textTable.js';
import type { Estimate } from '../../src/estimate.js';
import { formatInteger } from '../../src/report/format.js';
import { expectClose } from '../helpers/expectClose.js';

const oracle = JSON.parse(
  readFileSync(new URL('../../fixtures/oracles/fixest_twfe_did_cov_cluster.json', import.meta.url), 'utf8'),
) as { results: { coefficients: Omit<Estimate, 'confLow' | 'confHigh'>[]; nobs: number; fixefSizes: Record<string, number> } };

const rows: Estimate[] = oracle.results.coefficients.map((c) => ({ ...c, confLow: NaN, confHigh: NaN }));

describe('renderSummary as fixest 0.12.2 summary(feols(y ~ x1 + treat_post | id + period, base_did, cluster = ~id))', () => {
  const text = renderSummary({
    title: 'OLS estimation, Dep. Var.: y',
    meta: [
      ['Observations', formatInteger(oracle.results.nobs)],
      ['Fixed-effects', Object.entries(oracle.results.fixefSizes).map(([k, v]) => `${k}: ${v}`).join(',  ')],
      ['Standard-errors', 'Clustered (id)'],
    ],
    rows,
    notes: [{ code: 'rows_dropped_missing', count: 3, byColumn: { x1: 3 } }],
    footer: ['RMSE: 4.86493     Adj. R2: 0.461155'],
  });

  it('prints the coefficient table fixest prints (hand-derived from decimalFormat + format(digits = 7))', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('OLS estimation, Dep. Var.: y');
    expect(lines[1]).toBe('Observations: 1,080');
    expect(lines[2]).toBe('Fixed-effects: id: 108,  period: 10');
    expect(lines[3]).toBe('Standard-errors: Clustered (id)');
    expect(lines[4]).toBe('           Estimate Std. Error t value  Pr(>|t|)');
    expect(lines[5]).toBe('x1         0.972166   0.045972 21.1468 < 2.2e-16 ***');
    expect(lines[6]).toBe('treat_post 4.850645   0.455222 10.6556 < 2.2e-16 ***');
    expect(lines[7]).toBe('---');
    expect(lines[8]).toBe("Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1");
    expect(lines[9]).toBe('RMSE: 4.86493     Adj. R2: 0.461155');
    expect(lines[10]).toBe('NOTE: 3 observations removed because of NA values (x1: 3).');
    expect(lines).toHaveLength(11);
    // the printed numbers read back to the oracle within their printed precision
    expectClose(Number(lines[5]!.split(/\s+/)[1]), oracle.results.coefficients[0]!.estimate, 1e-6, 'x1 printed');
  });

  it('matches the inline snapshot', () => {
    expect(text).toMatchInlineSnapshot(`
      "OLS estimation, Dep. Var.: y
      Observations: 1,080
      Fixed-effects: id: 108,  period: 10
      Standard-errors: Clustered (id)
                 Estimate Std. Error t value  Pr(>|t|)
      x1         0.972166   0.045972 21.1468 < 2.2e-16 ***
      treat_post 4.850645   0.455222 10.6556 < 2.2e-16 ***
      ---
      Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1
      RMSE: 4.86493     Adj. R2: 0.461155
      NOTE: 3 observations removed because of NA values (x1: 3)."
    `);
  });

  it('z value / Pr(>|z|) headers, mixed p-values, stars with padding, NaN as NA', () => {
    const table = coefTable(
      [
        { term: 'a', estimate: 0.5, stdError: 0.25, statistic: 2, pValue: 0.0455, confLow: 0, confHigh: 1 },
        { term: 'long_name', estimate: -12.25, stdError: 10, statistic: -1.225, pValue: 0.2206, confLow: 0, confHigh: 1 },
        { term: 'b', estimate: NaN, stdError: NaN, statistic: NaN, pValue: NaN, confLow: NaN, confHigh: NaN },
      ],
      { statisticLabel: 'z value' },
    );
    expect(table).toMatchInlineSnapshot(`
      "          Estimate Std. Error z value Pr(>|z|)
      a             0.50       0.25   2.000   0.0455 *
      long_name   -12.25      10.00  -1.225   0.2206
      b               NA         NA      NA       NA"
    `);
    const lines = table.split('\n');
    expect(lines[0]).toContain('z value');
    expect(lines[0]).toContain('Pr(>|z|)');
    expect(lines[1]!.endsWith('*')).toBe(true);
    expect(lines[3]).toMatch(/^b\s+NA\s+NA\s+NA\s+NA$/);
  });
});

describe("renderSummary with rowsLayout 'intervals' prints mediation's summary.mediate table", () => {
  const e = (term: string, estimate: number, confLow: number, confHigh: number, pValue: number): Estimate => ({ term, estimate, stdError: NaN, statistic: NaN, pValue, confLow, confHigh });
  const rows = [e('ACME', 0.0788, 0.0351, 0.1273, 0), e('ADE', -0.0123, -0.1052, 0.0812, 0.786), e('Total Effect', 0.0665, -0.0271, 0.1583, 0.162), e('Prop. Mediated', 1.1845, -4.2, 6.8, 0.162)];
  it('estimates and bounds with common decimals (format(digits = 4)), p-values format(digits = 3), the level in the headers', () => {
    const text = renderSummary({ title: 'Causal Mediation Analysis', meta: [['Sample Size Used', '899'], ['Simulations', '1000']], rows, rowsLayout: 'intervals', level: 0.9, notes: [], footer: [] });
    expect(text).toMatchInlineSnapshot(`
      "Causal Mediation Analysis
      Sample Size Used: 899
      Simulations: 1000
                     Estimate 90% CI Lower 90% CI Upper   p-value
      ACME             0.0788       0.0351       0.1273 < 2.2e-16 ***
      ADE             -0.0123      -0.1052       0.0812     0.786
      Total Effect     0.0665      -0.0271       0.1583     0.162
      Prop. Mediated   1.1845      -4.2000       6.8000     0.162
      ---
      Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"
    `);
    expect(text).toContain(intervalTable(rows, { level: 0.9 }));
    expect(intervalTable(rows).split('\n')[0]).toContain('95% CI Lower');
  });
});

describe('textTable / markdownTable', () => {
  it('aligns columns like print.data.frame and escapes pipes in Markdown', () => {
    expect(textTable([['x1', '0.97'], ['treat', '5.00']], { header: ['', 'Estimate'] })).toBe(
      '      Estimate\nx1        0.97\ntreat     5.00',
    );
    expect(markdownTable([['x1', '0.97']], { header: ['term', 'estimate'] })).toBe(
      '| term | estimate |\n|:-----|---------:|\n| x1   |     0.97 |',
    );
    expect(markdownTable([['a|b', '1']], { header: ['t', 'v'] }).split('\n')[2]).toBe('| a\\|b |   1 |');
  });
  it('centre alignment, custom separator, trailing spaces kept on request, ragged rows padded', () => {
    expect(textTable([['a', 'bb'], ['ccc']], { align: ['center', 'left'], sep: ' | ', trimEnd: false })).toBe(' a  | bb\nccc |   ');
    expect(markdownTable([['x', 'y']], { header: ['h1', 'h2'], align: ['center', 'left'] }).split('\n')[1]).toBe('|:---:|:----|');
  });
});
