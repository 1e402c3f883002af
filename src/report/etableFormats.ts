/**
 * The output formats of `etable`: fixest's console layout, Markdown, LaTeX (booktabs) and HTML,
 * each rendered from the same grid of already formatted cells.
 */
import { markdownTable, textTable } from './textTable.js';

/** The table as plain cells, shared by every output format. */
export interface EtableGrid {
  names: string[];
  headers?: string[];
  depVars?: string[];
  coefs: { label: string; coef: string[]; stars: string[]; se: string[] }[];
  fixedEffects: { label: string; values: string[] }[];
  stats: { label: string; values: string[] }[];
  vcovNote: string;
}

// The significance legend under a console or Markdown etable (fixest's, with one space).
const STAR_NOTE = "Signif. codes: 0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1";

// fixest's tex aliases of the fit statistics (fitstat's `tex_alias`).
const TEX_LABELS: Readonly<Record<string, string>> = {
  R2: 'R$^2$',
  'Adj. R2': 'Adjusted R$^2$',
  'Within R2': 'Within R$^2$',
  'Squared Cor.': 'Squared Correlation',
  'Pseudo R2': 'Pseudo R$^2$',
};

/**
 * The console layout of fixest's `etable`: coefficients with stars and SEs in parentheses on one
 * line, the fixed-effects block, a rule, the statistics, the significance legend.
 *
 * @example
 * renderText(grid); // '                  (1)\nDependent Var.:     y\n...'
 */
export function renderText(g: EtableGrid): string {
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

/**
 * A GitHub-flavoured Markdown table (stars escaped), SEs on their own rows.
 *
 * @example
 * renderMarkdown(grid); // '|                 | (1) |\n|:----|----:|\n...'
 */
export function renderMarkdown(g: EtableGrid): string {
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

/**
 * A booktabs LaTeX tabular in the layout of fixest's `etable(tex = TRUE)`.
 *
 * @example
 * renderLatex(grid); // '\\begin{tabular}{lc}\n   \\toprule\n...'
 */
export function renderLatex(g: EtableGrid): string {
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
  for (const s of g.stats) out.push(line([TEX_LABELS[s.label] ?? escapeLatex(s.label), ...s.values.map(escapeLatex)]));
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

/**
 * An HTML `<table class="etable">` (every cell escaped).
 *
 * @example
 * renderHtml(grid); // '<table class="etable">\n  <thead>...'
 */
export function renderHtml(g: EtableGrid): string {
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
