/**
 * Multi-model regression tables in the layout of fixest's `etable()`: coefficients with stars and
 * SEs in parentheses, then fixed-effects rows (Yes/No), the vcov type, observations and fixest's
 * default fit statistics (R² and within / adjusted R² for OLS; squared correlation, pseudo R² and
 * BIC as soon as a GLM is in the table). Text (console layout of `etable`), Markdown, LaTeX
 * (booktabs) and HTML.
 *
 * Numbers as fixest's `format_number` ({@link etableNumber}): `digits = 4` for coefficients and
 * SEs, `digitsStats = 5` for fit statistics.
 */
import { CausalPanelError } from '../errors.js';
import { invalidOption, opt, readOptions, type OptionPath, type Params } from '../options.js';
import { etableNumber, formatInteger, significanceStars } from './format.js';
import { etableModel, type EtableInput, type EtableModel } from './etableModel.js';
import { renderHtml, renderLatex, renderMarkdown, renderText, type EtableGrid } from './etableFormats.js';

/**
 * Options of {@link etable}; names mirror fixest's `etable` arguments.
 *
 * @example
 * const options: EtableOptions = { format: 'markdown', keep: ['x1'], dict: { x1: 'Covariate' } };
 * etable([feols('y ~ x1 | id + period', baseDid)], options);
 * // '|                 |          (1) |\n|:----------------|-------------:|\n| Dependent Var.: |            y |\n| Covariate       | 0.9779\*\*\* |\n…'
 */
export interface EtableOptions {
  /** Output format (default `'text'`; fixest's `tex = TRUE` is `'latex'`). */
  format?: 'text' | 'markdown' | 'latex' | 'html';
  /** fixest `digits`: significant digits of coefficients and SEs (default 4). */
  digits?: number;
  /** fixest `digits.stats`: significant digits of fit statistics (default 5). */
  digitsStats?: number;
  /** fixest `headers`: an extra header row under the model names, one label per model. */
  headers?: readonly string[];
  /** fixest `keep` (exact names): only these terms, in this order. */
  keep?: readonly string[];
  /** fixest `dict`: display names of terms, `{ treat_post: 'Treated × Post' }`. */
  dict?: Readonly<Record<string, string>>;
}

function strings(what: string): (value: unknown, at: OptionPath) => readonly string[] | undefined {
  return (value, at) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalidOption(at, what, value);
    return Object.freeze([...(value as string[])]);
  };
}

const ETABLE_OPTIONS = {
  format: opt.oneOf(['text', 'markdown', 'latex', 'html'], 'text'),
  digits: opt.integer({ min: 1, max: 15, default: 4 }),
  digitsStats: opt.integer({ min: 1, max: 15, default: 5 }),
  headers: opt.custom(strings('an array of strings, one per model')),
  keep: opt.custom(strings('an array of term names')),
  dict: opt.custom((value, at): Readonly<Record<string, string>> | undefined => {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      throw invalidOption(at, 'an object mapping terms to display names', value);
    }
    return Object.freeze(Object.assign(Object.create(null) as Record<string, string>, value));
  }),
};

const RESULT_VCOV = "each column shows its result's own standard errors: fit with vcov, or use fit.withVcov()";
const ETABLE_UNSUPPORTED: Readonly<Record<string, string>> = {
  vcov: RESULT_VCOV,
  se: RESULT_VCOV,
  cluster: RESULT_VCOV,
  ssc: RESULT_VCOV,
  tex: 'use format: "latex"',
  file: 'etable returns a string: write it to a file yourself',
  title: 'add a caption around the returned table',
  coefstat: 'standard errors are shown in parentheses',
  ci: 'standard errors are shown in parentheses',
  drop: 'list the terms to show in keep',
  order: 'list the terms in the order wanted in keep',
  fitstat: "the fit statistics are fixest's defaults",
  'signif.code': "the stars are fixest's defaults (*** 0.001, ** 0.01, * 0.05, . 0.1)",
  signifCode: "the stars are fixest's defaults (*** 0.001, ** 0.01, * 0.05, . 0.1)",
  extralines: 'add rows to the returned table yourself',
  notes: 'add notes around the returned table',
};

type EtableParams = Params<typeof ETABLE_OPTIONS>;

function shortVcov(type: string): string {
  const m = /^Clustered \((.*)\)$/.exec(type);
  if (m) return `by: ${m[1]}`;
  if (/^hetero/i.test(type)) return 'Heteroskedas.-rob.';
  return type;
}

/** Fixest's default statistics: `[label, field]` rows, chosen by the kinds of models in the table. */
function statisticRows(models: readonly EtableModel[]): [string, keyof EtableModel][] {
  if (models.some((m) => m.pseudoR2 !== undefined)) return [['Squared Cor.', 'squaredCor'], ['Pseudo R2', 'pseudoR2'], ['BIC', 'bic']];
  const anyFixedEffects = models.some((m) => (m.fixedEffects ?? []).length > 0);
  return anyFixedEffects ? [['R2', 'r2'], ['Within R2', 'withinR2']] : [['R2', 'r2'], ['Adj. R2', 'adjR2']];
}

function buildGrid(models: readonly EtableModel[], params: EtableParams): EtableGrid {
  const { digits, digitsStats } = params;
  const dict = params.dict ?? {};
  const names = models.map((m, i) => m.name ?? `(${i + 1})`);
  let terms: string[] = [];
  const seen = new Set<string>();
  for (const m of models) for (const r of m.rows) if (!seen.has(r.term)) (seen.add(r.term), terms.push(r.term));
  // fixest lists the constant first, as "Constant".
  if (seen.has('(Intercept)')) terms = ['(Intercept)', ...terms.filter((t) => t !== '(Intercept)')];
  if (params.keep) terms = params.keep.filter((t) => seen.has(t));
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
  let vcovNote = 'Standard-errors in parentheses';
  if (types.some((t) => t !== '')) {
    const allClustered = types.every((t) => /^Clustered \(/.test(t));
    stats.push({ label: allClustered ? 'S.E.: Clustered' : 'S.E. type', values: types.map((t) => (t === '' ? '--' : shortVcov(t))) });
    const unique = [...new Set(types.filter((t) => t !== ''))];
    if (unique.length === 1) vcovNote = `${unique[0]} standard-errors in parentheses`;
  }
  stats.push({ label: 'Observations', values: models.map((m) => (m.nobs === undefined ? '--' : formatInteger(m.nobs))) });
  const stat = (x: unknown) => (typeof x !== 'number' || Number.isNaN(x) ? '--' : etableNumber(x, digitsStats));
  for (const [label, field] of statisticRows(models)) {
    if (models.some((m) => m[field] !== undefined)) stats.push({ label, values: models.map((m) => stat(m[field])) });
  }
  const depVars = models.some((m) => m.depVar !== undefined) ? models.map((m) => m.depVar ?? '') : undefined;
  const headers = params.headers ? models.map((_, i) => params.headers![i] ?? '') : undefined;
  return { names, headers, depVars, coefs, fixedEffects, stats, vcovNote };
}

/** A multiple estimation (`feolsMulti`): its fits become columns. */
function isMultiple(fit: unknown): fit is { fits: readonly EtableInput[] } {
  return typeof fit === 'object' && fit !== null && Array.isArray((fit as { fits?: unknown }).fits);
}

/**
 * A side-by-side table of several results, as fixest's `etable()`.
 *
 * Each column is a result with `tidy()` — feols / glm fits, did, eventStudy, attgt aggregations,
 * matchedAtt, mediation results, … — read through its public fields, an {@link EtableModel}, or
 * an object with `toEtableModel()`, or a multiple estimation (`feolsMulti`), spread into one column per fit. Terms appear in order of first appearance (or `keep`'s
 * order). A GLM's fit statistics are labelled as fixest labels them ("Squared Cor.", "Pseudo R2",
 * "BIC"), never as an R².
 *
 * @throws {CausalPanelError} `invalid_option` when `fits` is empty or a model is none of the
 *   above; `unknown_option` / `invalid_option` for options
 * @example
 * etable([feols('y ~ x1 | id', data), feols('y ~ x1', data, { vcov: 'hetero' })]);
 * // '                              (1)                (2)\nDependent Var.:                y                  y\n...'
 * etable([glm('treat ~ age + educ', lalonde, { family: 'binomial' })]);
 * // '... Squared Cor. ... Pseudo R2 ... BIC ...'
 */
export function etable(fits: readonly (EtableInput | { fits: readonly EtableInput[] })[], options: EtableOptions = {}): string {
  const params = readOptions('etable', options, ETABLE_OPTIONS, { unsupported: ETABLE_UNSUPPORTED });
  if (!Array.isArray(fits) || fits.length === 0) {
    throw new CausalPanelError('invalid_option', `etable: fits must be a non-empty array of results (got ${Array.isArray(fits) ? 'an empty array' : typeof fits})`, { fn: 'etable', option: 'fits', value: fits });
  }
  // A multiple estimation (feolsMulti) is spread into one column per fit, as fixest's etable does.
  const spread = fits.flatMap((fit) => (isMultiple(fit) ? fit.fits : [fit]));
  const grid = buildGrid(spread.map((fit, i) => etableModel(fit, i)), params);
  switch (params.format) {
    case 'text':
      return renderText(grid);
    case 'markdown':
      return renderMarkdown(grid);
    case 'latex':
      return renderLatex(grid);
    case 'html':
      return renderHtml(grid);
  }
}
