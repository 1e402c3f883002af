/**
 * Multi-model regression tables in the layout of fixest's `etable()`: coefficients with stars and
 * SEs in parentheses, then fixed-effects rows (Yes/No), the vcov type, observations and R².
 * Text (console layout of `etable`), Markdown, LaTeX (booktabs) and HTML.
 *
 * Number format (fixest `etable`, `digits = 4`): |x| ≥ 1 → `max(1, digits − 1 − ⌊log10|x|⌋)`
 * decimals; |x| < 1 → `digits` decimals; values that would round to 0 → 3 significant digits in
 * scientific notation (`1.41e-18`). Fit statistics use `digitsStats = 5`.
 */
import { CausalPanelError } from '../errors.js';
import type { Estimate } from '../estimate.js';
import { formatInteger, significanceStars, signif } from './format.js';
import { markdownTable, textTable } from './textTable.js';

/** What one column of an {@link etable} needs; fits provide it through `toEtableModel()`. */
export interface EtableModel {
  /** Column title (default `(1)`, `(2)`, …). */
  name?: string;
  /** Coefficient rows. */
  rows: readonly Estimate[];
  /** Number of observations. */
  nobs: number;
  /** R². */
  r2?: number;
  /** Within R² (fixed-effects models). */
  withinR2?: number;
  /** Names of the fixed effects absorbed, e.g. `['id', 'period']`. */
  fixedEffects?: readonly string[];
  /** Vcov label, e.g. `'IID'`, `'Heteroskedasticity-robust'`, `'Clustered (id)'`. */
  vcovType?: string;
  /** Dependent variable. */
  depVar?: string;
}

/**
 * Anything {@link etable} accepts: an {@link EtableModel}, an object with `toEtableModel()`, or a
 * fit-like object with `tidy()` and `nobs` (feols/glm fits: `r2`, `wr2`, `vcovInfo.label`,
 * `fixedEffects`, `formula` are read when present).
 */
export type EtableInput = EtableModel | { toEtableModel(): EtableModel } | { tidy(): Estimate[]; nobs: number };

/** Options of {@link etable}. */
export interface EtableOptions {
  /** Output format (default `'text'`). */
  format?: 'text' | 'markdown' | 'latex' | 'html';
  /** Significant digits of coefficients and SEs (default 4, as fixest). */
  digits?: number;
  /** Decimals of fit statistics (default 5, as fixest's `digits.stats`). */
  digitsStats?: number;
  /** An extra header row under the model names, one label per model. */
  headers?: readonly string[];
  /** Term order / subset: only these terms, in this order. */
  keep?: readonly string[];
  /** Rename terms for display: `{ treat_post: 'Treated × Post' }`. */
  dict?: Readonly<Record<string, string>>;
}

const STAR_NOTE = "Signif. codes: 0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1";

/**
 * One coefficient as etable prints it.
 *
 * @example
 * etableNumber(-145.73, 4); // '-145.7'
 * etableNumber(0.24601, 4); // '0.2460'
 * etableNumber(1.41e-18, 4); // '1.41e-18'
 */
export function etableNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(x)));
  if (e >= 0) return x.toFixed(Math.max(1, digits - 1 - e));
  const fixed = x.toFixed(digits);
  if (Number(fixed) !== 0) return fixed;
  const s = signif(x, 3).toExponential();
  return s.replace('e+', 'e');
}

// Reads the fields a fit or DiD result exposes (duck typing keeps report/ free of model imports):
// `tidy()`, `nobs`, `r2`, `wr2`, `vcovInfo.label` or `vcovLabel`, `fixedEffects[].name`, `formula`.
function fromFit(x: Record<string, unknown>): EtableModel | null {
  if (typeof x.tidy !== 'function' || typeof x.nobs !== 'number') return null;
  const rows = (x.tidy as () => Estimate[]).call(x);
  const vcovInfo = x.vcovInfo as { label?: unknown } | undefined;
  const vcovType = typeof vcovInfo?.label === 'string' ? vcovInfo.label : typeof x.vcovLabel === 'string' ? x.vcovLabel : undefined;
  const fe = Array.isArray(x.fixedEffects)
    ? (x.fixedEffects as unknown[]).map((f) => (typeof f === 'string' ? f : String((f as { name?: unknown }).name))).filter((f) => f !== 'undefined')
    : undefined;
  const formula = typeof x.formula === 'string' ? x.formula : '';
  const lhs = formula.includes('~') ? formula.slice(0, formula.indexOf('~')).trim() : '';
  return {
    rows,
    nobs: x.nobs,
    r2: typeof x.r2 === 'number' ? x.r2 : undefined,
    withinR2: typeof x.wr2 === 'number' && fe !== undefined && fe.length > 0 ? x.wr2 : undefined,
    fixedEffects: fe,
    vcovType,
    depVar: lhs === '' ? undefined : lhs,
  };
}

function resolve(input: EtableInput, index: number): EtableModel {
  const x = input as unknown as Record<string, unknown>;
  let model: EtableModel | null = null;
  if (x !== null && typeof x === 'object') {
    if (typeof x.toEtableModel === 'function') model = (x.toEtableModel as () => EtableModel).call(x);
    else if (Array.isArray(x.rows) && typeof x.nobs === 'number' && (x.rows.length === 0 || typeof (x.rows[0] as Estimate).term === 'string')) model = x as unknown as EtableModel;
    else model = fromFit(x);
  }
  if (model === null || typeof model !== 'object' || !Array.isArray(model.rows) || typeof model.nobs !== 'number') {
    throw new CausalPanelError('invalid_option', `etable: model ${index + 1} is neither an EtableModel nor a fit with tidy() and nobs (${typeof input})`, {
      fn: 'etable',
      option: 'fits',
    });
  }
  return model;
}

/** The table as plain cells, shared by every output format. */
interface Grid {
  names: string[];
  headers?: string[];
  depVars?: string[];
  coefs: { label: string; coef: string[]; stars: string[]; se: string[] }[];
  fixedEffects: { label: string; values: string[] }[];
  stats: { label: string; values: string[] }[];
  vcovNote: string;
}

function shortVcov(type: string): string {
  const m = /^Clustered \((.*)\)$/.exec(type);
  if (m) return `by: ${m[1]}`;
  if (/^hetero/i.test(type)) return 'Heteroskedas.-rob.';
  return type;
}

function buildGrid(models: EtableModel[], options: EtableOptions): Grid {
  const digits = options.digits ?? 4;
  const digitsStats = options.digitsStats ?? 5;
  const dict = options.dict ?? {};
  const names = models.map((m, i) => m.name ?? `(${i + 1})`);
  let terms: string[] = [];
  const seen = new Set<string>();
  for (const m of models) for (const r of m.rows) if (!seen.has(r.term)) (seen.add(r.term), terms.push(r.term));
  // fixest lists the constant first, as "Constant".
  if (seen.has('(Intercept)')) terms = ['(Intercept)', ...terms.filter((t) => t !== '(Intercept)')];
  if (options.keep) terms = options.keep.filter((t) => seen.has(t));
  const coefs = terms.map((term) => {
    const coef: string[] = [];
    const stars: string[] = [];
    const se: string[] = [];
    for (const m of models) {
      const row = m.rows.find((r) => r.term === term);
      coef.push(row ? etableNumber(row.estimate, digits) : '');
      stars.push(row ? significanceStars(row.pValue) : '');
      se.push(row ? `(${etableNumber(row.stdError, digits)})` : '');
    }
    const label = Object.prototype.hasOwnProperty.call(dict, term) ? dict[term]! : term === '(Intercept)' ? 'Constant' : term;
    return { label, coef, stars, se };
  });
  const feNames: string[] = [];
  for (const m of models) for (const fe of m.fixedEffects ?? []) if (!feNames.includes(fe)) feNames.push(fe);
  const fixedEffects = feNames.map((fe) => ({ label: fe, values: models.map((m) => ((m.fixedEffects ?? []).includes(fe) ? 'Yes' : 'No')) }));

  const stats: { label: string; values: string[] }[] = [];
  const types = models.map((m) => m.vcovType ?? '');
  let vcovNote = '';
  if (types.some((t) => t !== '')) {
    const allClustered = types.every((t) => /^Clustered \(/.test(t));
    stats.push({ label: allClustered ? 'S.E.: Clustered' : 'S.E. type', values: types.map((t) => (t === '' ? '--' : shortVcov(t))) });
    const unique = [...new Set(types.filter((t) => t !== ''))];
    vcovNote = unique.length === 1 ? `${unique[0]} standard-errors in parentheses` : 'Standard-errors in parentheses';
  } else vcovNote = 'Standard-errors in parentheses';
  stats.push({ label: 'Observations', values: models.map((m) => formatInteger(m.nobs)) });
  const stat = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '--' : etableNumber(x, digitsStats));
  if (models.some((m) => m.r2 !== undefined)) stats.push({ label: 'R2', values: models.map((m) => stat(m.r2)) });
  if (models.some((m) => m.withinR2 !== undefined)) stats.push({ label: 'Within R2', values: models.map((m) => stat(m.withinR2)) });
  const depVars = models.some((m) => m.depVar !== undefined) ? models.map((m) => m.depVar ?? '') : undefined;
  const headers = options.headers ? models.map((_, i) => options.headers![i] ?? '') : undefined;
  return { names, headers, depVars, coefs, fixedEffects, stats, vcovNote };
}

function renderText(g: Grid): string {
  const rows: string[][] = [];
  const header = ['', ...g.names];
  if (g.headers) rows.push(['', ...g.headers]);
  if (g.depVars) rows.push(['Dependent Var.:', ...g.depVars]);
  rows.push(['', ...g.names.map(() => '')]);
  for (const c of g.coefs) rows.push([c.label, ...c.coef.map((v, j) => (v === '' ? '' : `${v}${c.stars[j]} ${c.se[j]}`))]);
  const dashAt = g.fixedEffects.length > 0 ? rows.length : -1;
  if (g.fixedEffects.length > 0) rows.push(['Fixed-Effects:', ...g.names.map(() => '')]);
  for (const f of g.fixedEffects) rows.push([f.label, ...f.values]);
  const ruleAt = rows.length;
  rows.push(['', ...g.names.map(() => '')]);
  for (const s of g.stats) rows.push([s.label, ...s.values]);
  // Column widths first, then fill the rule rows with dashes / underscores of that width.
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((r) => (r[j] ?? '').length), j === 0 ? 15 : 0));
  if (dashAt >= 0) rows[dashAt] = ['Fixed-Effects:', ...widths.slice(1).map((w) => '-'.repeat(w))];
  rows[ruleAt] = widths.map((w) => '_'.repeat(w));
  return `${textTable(rows, { header })}\n---\n${STAR_NOTE}`;
}

function renderMarkdown(g: Grid): string {
  const rows: string[][] = [];
  if (g.headers) rows.push(['', ...g.headers]);
  if (g.depVars) rows.push(['Dependent Var.:', ...g.depVars]);
  for (const c of g.coefs) {
    rows.push([c.label, ...c.coef.map((v, j) => (v === '' ? '' : `${v}${c.stars[j]!.replace(/\*/g, '\\*')}`))]);
    rows.push(['', ...c.se]);
  }
  if (g.fixedEffects.length > 0) rows.push(['*Fixed effects*', ...g.names.map(() => '')]);
  for (const f of g.fixedEffects) rows.push([f.label, ...f.values]);
  for (const s of g.stats) rows.push([s.label, ...s.values]);
  const align = ['left' as const, ...g.names.map(() => 'right' as const)];
  return `${markdownTable(rows, { header: ['', ...g.names], align })}\n\n${g.vcovNote}. ${STAR_NOTE.replace(/\*/g, '\\*')}`;
}

/**
 * Escapes LaTeX special characters (`\ & % $ # _ { } ~ ^`).
 *
 * @example
 * escapeLatex('treat_post & 5%'); // 'treat\\_post \\& 5\\%'
 */
export function escapeLatex(text: string): string {
  return text.replace(/[\\&%$#_{}~^]/g, (c) => {
    if (c === '\\') return '\\textbackslash{}';
    if (c === '~') return '\\textasciitilde{}';
    if (c === '^') return '\\textasciicircum{}';
    return `\\${c}`;
  });
}

function renderLatex(g: Grid): string {
  const k = g.names.length;
  const line = (cells: string[]) => `   ${cells.join(' & ')}\\\\`;
  const out: string[] = [`\\begin{tabular}{l${'c'.repeat(k)}}`, '   \\toprule'];
  if (g.headers) out.push(line(['', ...g.headers.map(escapeLatex)]));
  if (g.depVars) out.push(line(['Dependent Variable:', ...g.depVars.map(escapeLatex)]));
  out.push(line(['Model:', ...g.names.map(escapeLatex)]), '   \\midrule', '   \\emph{Variables}\\\\');
  for (const c of g.coefs) {
    out.push(line([escapeLatex(c.label), ...c.coef.map((v, j) => (v === '' ? '' : `${v}${c.stars[j] ? `$^{${c.stars[j] === '.' ? '\\cdot' : c.stars[j]}}$` : ''}`))]));
    out.push(line(['', ...c.se]));
  }
  if (g.fixedEffects.length > 0) {
    out.push('   \\midrule', '   \\emph{Fixed-effects}\\\\');
    for (const f of g.fixedEffects) out.push(line([escapeLatex(f.label), ...f.values]));
  }
  out.push('   \\midrule', '   \\emph{Fit statistics}\\\\');
  for (const s of g.stats) out.push(line([s.label === 'R2' ? 'R$^2$' : s.label === 'Within R2' ? 'Within R$^2$' : escapeLatex(s.label), ...s.values.map(escapeLatex)]));
  out.push(
    '   \\bottomrule',
    `   \\multicolumn{${k + 1}}{l}{\\emph{${escapeLatex(g.vcovNote)}}}\\\\`,
    `   \\multicolumn{${k + 1}}{l}{\\emph{Signif. codes: ***: 0.001, **: 0.01, *: 0.05, $\\cdot$: 0.1}}\\\\`,
    '\\end{tabular}',
  );
  return out.join('\n');
}

/**
 * Escapes `& < > " '` for HTML text and attribute values.
 *
 * @example
 * escapeHtml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function renderHtml(g: Grid): string {
  const k = g.names.length;
  const tr = (cells: string[], tag = 'td', cls?: string) =>
    `    <tr${cls ? ` class="${cls}"` : ''}>${cells.map((c, j) => `<${tag}${j > 0 ? ' style="text-align:center"' : ''}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  const out: string[] = ['<table class="etable">', '  <thead>', tr(['', ...g.names], 'th')];
  if (g.headers) out.push(tr(['', ...g.headers], 'th'));
  if (g.depVars) out.push(tr(['Dependent Var.:', ...g.depVars]));
  out.push('  </thead>', '  <tbody>');
  for (const c of g.coefs) {
    out.push(tr([c.label, ...c.coef.map((v, j) => (v === '' ? '' : `${v}${c.stars[j]}`))], 'td', 'coef'));
    out.push(tr(['', ...c.se], 'td', 'se'));
  }
  if (g.fixedEffects.length > 0) out.push(`    <tr><td colspan="${k + 1}"><em>Fixed effects</em></td></tr>`);
  for (const f of g.fixedEffects) out.push(tr([f.label, ...f.values]));
  for (const s of g.stats) out.push(tr([s.label, ...s.values], 'td', 'stat'));
  out.push('  </tbody>', '  <tfoot>', `    <tr><td colspan="${k + 1}">${escapeHtml(g.vcovNote)}. ${escapeHtml(STAR_NOTE)}</td></tr>`, '  </tfoot>', '</table>');
  return out.join('\n');
}

/**
 * A side-by-side table of several models, as fixest's `etable()`.
 *
 * Each model is an {@link EtableModel} or any object with a `toEtableModel()` method (the fits
 * and DiD results provide one). Terms appear in order of first appearance (or `keep`'s order).
 *
 * @throws CausalPanelError `invalid_option` when `fits` is empty, a model has neither the
 *   fields nor `toEtableModel()`, or `format` is unknown.
 * @example
 * etable([fit1, fit2], { format: 'markdown', headers: ['TWFE', 'with x1'] });
 * etable([{ name: 'm1', rows: fit.tidy(), nobs: 1080, r2: 0.53, fixedEffects: ['id'], vcovType: 'Clustered (id)' }]);
 */
export function etable(fits: readonly EtableInput[], options: EtableOptions = {}): string {
  if (!Array.isArray(fits) || fits.length === 0) {
    throw new CausalPanelError('invalid_option', 'etable: no models given (0)', { fn: 'etable', option: 'fits', value: 0 });
  }
  const grid = buildGrid(fits.map(resolve), options);
  const format = options.format ?? 'text';
  switch (format) {
    case 'text':
      return renderText(grid);
    case 'markdown':
      return renderMarkdown(grid);
    case 'latex':
      return renderLatex(grid);
    case 'html':
      return renderHtml(grid);
    default:
      throw new CausalPanelError('invalid_option', `etable: unknown format (${String(format)})`, { fn: 'etable', option: 'format', value: format });
  }
}
