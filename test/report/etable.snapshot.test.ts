/**
 * etable() layout as fixest 0.12.2 `etable(fit1, fit2)` on base_did; coefficients and SEs from
 * fixtures/oracles/fixest_twfe_did_cov_cluster.json and fixest_ols_hetero.json.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { etable } from '../../src/report/etable.js';
import type { EtableModel } from '../../src/report/etableModel.js';
import { escapeLatex, escapeHtml } from '../../src/report/etableFormats.js';
import { etableNumber } from '../../src/report/format.js';
import type { Estimate } from '../../src/estimate.js';
import { CausalPanelError } from '../../src/errors.js';

interface FixestOracle {
  results: { coefficients: Omit<Estimate, 'confLow' | 'confHigh'>[]; nobs: number; r2: number; wr2: number | null; vcovType: string; fixefSizes: Record<string, number> | null };
}
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/oracles/${name}.json`, import.meta.url), 'utf8')) as FixestOracle;

function model(name: string, o: FixestOracle): EtableModel {
  return {
    name,
    depVar: 'y',
    rows: o.results.coefficients.map((c) => ({ ...c, confLow: NaN, confHigh: NaN })),
    nobs: o.results.nobs,
    r2: o.results.r2,
    withinR2: o.results.wr2 ?? undefined,
    fixedEffects: o.results.fixefSizes ? Object.keys(o.results.fixefSizes) : [],
    vcovType: o.results.vcovType,
  };
}
const twfe = model('twfe', load('fixest_twfe_did_cov_cluster'));
const ols = model('ols', load('fixest_ols_hetero'));

describe('etableNumber follows fixest 0.12.2 etable(digits = 4) (values from its printed examples)', () => {
  it('-145.7 / 18.45 / 2.278 / 0.2460 / 0.0571 / 1.41e-18', () => {
    expect(etableNumber(-145.73, 4)).toBe('-145.7');
    expect(etableNumber(18.4512, 4)).toBe('18.45');
    expect(etableNumber(2.27832, 4)).toBe('2.278');
    expect(etableNumber(0.24601, 4)).toBe('0.2460');
    expect(etableNumber(0.057104, 4)).toBe('0.0571');
    expect(etableNumber(1.4123e-18, 4)).toBe('1.41e-18');
    expect(etableNumber(130.1234, 3)).toBe('130.1');
    expect(etableNumber(0.5103213, 5)).toBe('0.51032');
  });
});

describe('etable(twfe, ols) as fixest 0.12.2 etable()', () => {
  it('text: the console layout (hand-derived from the oracle numbers)', () => {
    const text = etable([twfe, ols]);
    expect(text).toMatchInlineSnapshot(`
      "                              twfe                ols
      Dependent Var.:                  y                  y

      Constant                           0.5916*** (0.1464)
      x1              0.9722*** (0.0460) 0.9738*** (0.0452)
      treat_post       4.851*** (0.4552)  5.488*** (0.3151)
      Fixed-Effects:  ------------------ ------------------
      id                             Yes                 No
      period                         Yes                 No
      _______________ __________________ __________________
      S.E. type                   by: id Heteroskedas.-rob.
      Observations                 1,080              1,080
      R2                         0.53213            0.43871
      Within R2                  0.36871                 --
      ---
      Signif. codes: 0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"
    `);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\s+twfe\s+ols$/);
    expect(lines[1]).toMatch(/^Dependent Var\.:\s+y\s+y$/);
    // x1 0.9722 (se 0.0460), clustered t = 21.1 → ***
    expect(text).toContain('0.9722*** (0.0460)');
    expect(text).toContain('4.851*** (0.4552)');
    expect(lines.find((l) => l.startsWith('id '))).toMatch(/Yes\s+No$/);
    expect(lines.find((l) => l.startsWith('Observations'))).toMatch(/1,080\s+1,080$/);
    expect(lines.find((l) => l.startsWith('R2'))).toContain('0.53213');
    expect(lines.find((l) => l.startsWith('Within R2'))).toMatch(/0\.36871\s+--$/);
    expect(lines.find((l) => l.startsWith('S.E. type'))).toMatch(/by: id\s+Heteroskedas\.-rob\.$/);
    // every line of the table body has the same width as the header's rule row
    const rule = lines.find((l) => l.startsWith('____'))!;
    expect(rule.length).toBe(lines.find((l) => l.startsWith('Fixed-Effects:'))!.length);
  });

  it('markdown', () => {
    const md = etable([twfe, ols], { format: 'markdown', headers: ['TWFE', 'OLS'] });
    expect(md).toMatchInlineSnapshot(`
      "|                 |         twfe |                ols |
      |:----------------|-------------:|-------------------:|
      |                 |         TWFE |                OLS |
      | Dependent Var.: |            y |                  y |
      | Constant        |              |       0.5916\\*\\*\\* |
      |                 |              |           (0.1464) |
      | x1              | 0.9722\\*\\*\\* |       0.9738\\*\\*\\* |
      |                 |     (0.0460) |           (0.0452) |
      | treat_post      |  4.851\\*\\*\\* |        5.488\\*\\*\\* |
      |                 |     (0.4552) |           (0.3151) |
      | *Fixed effects* |              |                    |
      | id              |          Yes |                 No |
      | period          |          Yes |                 No |
      | S.E. type       |       by: id | Heteroskedas.-rob. |
      | Observations    |        1,080 |              1,080 |
      | R2              |      0.53213 |            0.43871 |
      | Within R2       |      0.36871 |                 -- |

      Standard-errors in parentheses. Signif. codes: 0 '\\*\\*\\*' 0.001 '\\*\\*' 0.01 '\\*' 0.05 '.' 0.1 ' ' 1"
    `);
    expect(md.split('\n')[1]).toMatch(/^\|:-+\|-+:\|-+:\|$/);
  });

  it('latex escapes special characters and uses booktabs', () => {
    const tex = etable([{ ...twfe, name: 'a_b & 100%' }], { format: 'latex' });
    expect(tex).toMatchInlineSnapshot(`
      "\\begin{tabular}{lc}
         \\toprule
         Dependent Variable: & y\\\\
         Model: & a\\_b \\& 100\\%\\\\
         \\midrule
         \\emph{Variables}\\\\
         x1 & 0.9722$^{***}$\\\\
          & (0.0460)\\\\
         treat\\_post & 4.851$^{***}$\\\\
          & (0.4552)\\\\
         \\midrule
         \\emph{Fixed-effects}\\\\
         id & Yes\\\\
         period & Yes\\\\
         \\midrule
         \\emph{Fit statistics}\\\\
         S.E.: Clustered & by: id\\\\
         Observations & 1,080\\\\
         R$^2$ & 0.53213\\\\
         Within R$^2$ & 0.36871\\\\
         \\bottomrule
         \\multicolumn{2}{l}{\\emph{Clustered (id) standard-errors in parentheses}}\\\\
         \\multicolumn{2}{l}{\\emph{Signif. codes: ***: 0.001, **: 0.01, *: 0.05, $\\cdot$: 0.1}}\\\\
      \\end{tabular}"
    `);
    expect(tex).toContain('a\\_b \\& 100\\%');
    expect(tex).toContain('treat\\_post');
    expect(tex.startsWith('\\begin{tabular}{lc}')).toBe(true);
    expect(escapeLatex('x^2 ~ {y} # $ \\')).toBe('x\\textasciicircum{}2 \\textasciitilde{} \\{y\\} \\# \\$ \\textbackslash{}');
  });

  it('html escapes <&> in names and terms', () => {
    const html = etable([{ ...ols, name: '<b>&' , rows: ols.rows.map((r) => ({ ...r, term: r.term + '<x>' })) }], { format: 'html' });
    expect(html).toMatchInlineSnapshot(`
      "<table class="etable">
        <thead>
          <tr><th></th><th style="text-align:center">&lt;b&gt;&amp;</th></tr>
          <tr><td>Dependent Var.:</td><td style="text-align:center">y</td></tr>
        </thead>
        <tbody>
          <tr class="coef"><td>(Intercept)&lt;x&gt;</td><td style="text-align:center">0.5916***</td></tr>
          <tr class="se"><td></td><td style="text-align:center">(0.1464)</td></tr>
          <tr class="coef"><td>x1&lt;x&gt;</td><td style="text-align:center">0.9738***</td></tr>
          <tr class="se"><td></td><td style="text-align:center">(0.0452)</td></tr>
          <tr class="coef"><td>treat_post&lt;x&gt;</td><td style="text-align:center">5.488***</td></tr>
          <tr class="se"><td></td><td style="text-align:center">(0.3151)</td></tr>
          <tr class="stat"><td>S.E. type</td><td style="text-align:center">Heteroskedas.-rob.</td></tr>
          <tr class="stat"><td>Observations</td><td style="text-align:center">1,080</td></tr>
          <tr class="stat"><td>R2</td><td style="text-align:center">0.43871</td></tr>
        </tbody>
        <tfoot>
          <tr><td colspan="2">Heteroskedasticity-robust standard-errors in parentheses. Signif. codes: 0 &#39;***&#39; 0.001 &#39;**&#39; 0.01 &#39;*&#39; 0.05 &#39;.&#39; 0.1 &#39; &#39; 1</td></tr>
        </tfoot>
      </table>"
    `);
    expect(html).toContain('&lt;b&gt;&amp;');
    expect(html).not.toContain('<b>&');
    expect(escapeHtml(`a<'"`)).toBe('a&lt;&#39;&quot;');
  });

  it('accepts objects with toEtableModel(); rejects empty input and bad formats', () => {
    const text = etable([{ toEtableModel: () => twfe }]);
    expect(text).toContain('0.9722***');
    expect(() => etable([])).toThrow(CausalPanelError);
    expect(() => etable([twfe], { format: 'pdf' as 'text' })).toThrow('etable: option "format" must be one of "text", "markdown", "latex", "html" (got "pdf")');
    expect(() => etable([{} as EtableModel])).toThrow('etable: model 1 must be a result with tidy(), or { rows, nobs } (got {})');
    // a fit-like object: tidy(), nobs, r2, wr2, vcovInfo.label, fixedEffects, formula (feols's fields)
    const fitLike = { tidy: () => [...twfe.rows], nobs: 1080, r2: 0.5321324077374369, wr2: 0.36870554640153963, vcovInfo: { label: 'Clustered (id)' }, fixedEffects: [{ name: 'id' }, { name: 'period' }], formula: 'y ~ x1 + treat_post | id + period' };
    expect(etable([fitLike])).toBe(etable([{ ...twfe, name: undefined }]));
  });
});
