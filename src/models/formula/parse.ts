/**
 * Formula text → {@link FormulaSpec}: a hand-written tokenizer and a precedence-climbing parser
 * for the fixest subset of R's formula language (never `eval`).
 *
 * Operator precedence is R's (`?Syntax`): `~` < `|` < `+ -` < `* /` < `:` < unary `-` < `^`.
 * The right side is then expanded with R's formula algebra (`terms.formula`): `a*b = a + b + a:b`,
 * `(a + b)^2`, `a/b = a + a:b`, `- x` removes a term, `0`/`-1` remove the intercept. Terms are
 * ordered as R's `terms()`: by interaction order, then in order of appearance; the variables
 * of an interaction are named in their order of first appearance (`b:a` stays `b:a` only if
 * `b` appears first in the formula).
 *
 * Reference: R Core, `src/library/stats/src/model.c` (TermCode, EncodeVars); fixest's `i()`
 * (Bergé 2018, fixest 0.12 documentation `?i`).
 */
import { CausalPanelError } from '../../errors.js';
import { deparse, deparseName, expressionColumns, isArithmeticFunction, type Expr } from './expr.js';
import { Parser, tokenize } from './syntax.js';

export { deparse, evaluate, expressionColumns, type Expr } from './expr.js';
export { parseExpression } from './syntax.js';

/**
 * One variable of the right-hand side (R's "variable"; a term is a set of them).
 *
 * @example
 * parseFormula('y ~ x + factor(g)').variables;
 * // [{ kind: 'column', label: 'x', column: 'x', columns: ['x'] },
 * //  { kind: 'factor', label: 'factor(g)', column: 'g', columns: ['g'] }]
 */
export type FormulaVariable =
  /**
   * A bare column: numeric regressor, or a factor when the column is text. fixest's panel
   * operators `l(x, k)`, `f(x, k)`, `d(x, k)` are columns too, named by their text and made from
   * `x` by `panelOperatorColumns` (`panel`: lag, lead or difference, `source` the column read).
   */
  | { kind: 'column'; label: string; column: string; columns: string[]; panel?: { op: 'l' | 'f' | 'd'; source: string; k: number } }
  /** Arithmetic on columns (`log(x)`, `I(x^2)`, `exp(x)`): one numeric regressor. */
  | { kind: 'expr'; label: string; expr: Expr; columns: string[] }
  /** `factor(x)`: the column coded as a factor even when numeric. */
  | { kind: 'factor'; label: string; column: string; columns: string[] }
  /**
   * fixest `i(factor_var, var, ref, keep)`: one dummy (× var) per kept level. Without `ref` and
   * `keep`, a bare `i(f)` in a model with an intercept (or fixed effects) drops its first level,
   * as fixest's `i_ref()` does; `i(f, var)` keeps every level.
   */
  | { kind: 'i'; label: string; factor: string; with?: string; ref: Level[]; refFirst: boolean; keep?: Level[]; columns: string[]; withFactor?: string; ref2?: Level[] }
  /**
   * fixest `sunab(cohort, period, ref.p = -1)`: Sun & Abraham's cohort × relative-period cells,
   * expanded into one column per cell by `sunabColumns` (`formula/sunab.ts`) before the design.
   */
  | { kind: 'sunab'; label: string; cohort: string; period: string; ref: number[]; columns: string[] };

/**
 * A level value written in a formula (`ref = 5`, `ref = "a"`).
 *
 * @example
 * const variable = parseFormula('y ~ i(period, treat, ref = 5)').variables[0];
 * if (variable.kind === 'i') variable.ref; // [5] (a Level[])
 */
export type Level = number | string;

/**
 * One term: a set of variables (indices into `FormulaSpec.variables`, ascending).
 *
 * @example
 * parseFormula('y ~ x1*x2').terms;
 * // [{ label: 'x1', variables: [0] }, { label: 'x2', variables: [1] }, { label: 'x1:x2', variables: [0, 1] }]
 */
export interface FormulaTerm {
  /** R's term label, e.g. `x1`, `treat:post`, `log(x)`. */
  label: string;
  variables: number[];
}

/**
 * One fixed effect: `id`, or `id^period` (the variables combined).
 *
 * @example
 * parseFormula('y ~ x | id^period').fixedEffects; // [{ name: 'id^period', variables: ['id', 'period'] }]
 */
export interface FixedEffectSpec {
  name: string;
  variables: string[];
  /** Varying slopes (fixest `id[x]`, `id[[x]]`): the slope columns. */
  slopes?: string[];
  /** With slopes: whether the fixed effect keeps its level intercepts (`id[x]`) or not (`id[[x]]`). */
  constant?: boolean;
}

/**
 * A parsed formula.
 *
 * @example
 * const spec = parseFormula('log(y) ~ x1 + i(period, treat, ref = 5) | id + period');
 * spec.responseLabel; // 'log(y)'
 * spec.terms.map((term) => term.label); // ['x1', 'i(period, treat, ref = 5)']
 * spec.columns; // ['y', 'x1', 'period', 'treat', 'id']
 */
export interface FormulaSpec {
  /** The formula text as given. */
  text: string;
  /** Left side (`y`, `log(y)`), or null for a one-sided formula (`~ x`). */
  response: Expr | null;
  /** R's text of the left side (`log(y)`), or null. */
  responseLabel: string | null;
  /** Whether the formula keeps the intercept (`-1`, `+0`, `0 +` remove it). */
  intercept: boolean;
  /** Right-side variables in R's variable order. */
  variables: FormulaVariable[];
  /** Right-side terms in R's `terms()` order. */
  terms: FormulaTerm[];
  /** Fixed effects after `|`, in order. */
  fixedEffects: FixedEffectSpec[];
  /** Every data column the formula reads (left, right, fixed effects), first appearance order. */
  columns: string[];
}

// ---------------------------------------------------------------------------------------------
// Formula algebra

interface TermSet {
  terms: number[][];
  intercept?: boolean;
}

class Algebra {
  readonly variables: FormulaVariable[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly text: string, private readonly fn: string) {}

  error(e: Expr, what: string): never {
    throw new CausalPanelError('formula_syntax', `${this.fn}: ${what} at position ${e.pos + 1} in "${this.text}"`, { fn: this.fn, position: e.pos, value: this.text });
  }

  variable(e: Expr): number {
    const v = this.describe(e);
    const existing = this.index.get(v.label);
    if (existing !== undefined) return existing;
    this.index.set(v.label, this.variables.length);
    this.variables.push(v);
    return this.variables.length - 1;
  }

  describe(e: Expr): FormulaVariable {
    const label = deparse(e);
    if (e.type === 'name') return { kind: 'column', label, column: e.name, columns: [e.name] };
    if (e.type === 'call') {
      if (e.fn === 'i') return this.describeI(e, label);
      if (e.fn === 'sunab') return this.describeSunab(e, label);
      if (e.fn === 'factor' || e.fn === 'as.factor') {
        if (e.args.length !== 1 || e.args[0]!.value.type !== 'name' || e.args[0]!.name !== undefined) this.error(e, `${e.fn}() takes one column name`);
        const column = (e.args[0]!.value as { name: string }).name;
        return { kind: 'factor', label, column, columns: [column] };
      }
      if (e.fn === 'l' || e.fn === 'f' || e.fn === 'd') {
        const [first, second] = e.args;
        if (first === undefined || first.value.type !== 'name' || e.args.length > 2) this.error(e, `${e.fn}() takes a column name and a number of periods, as fixest's ${e.fn}(x, 1)`);
        const k = second === undefined ? 1 : literal(second.value);
        if (typeof k !== 'number' || !Number.isInteger(k)) this.error(e, `${e.fn}(): the number of periods must be an integer`);
        const source = (first.value as { name: string }).name;
        return { kind: 'column', label, column: label, columns: [source], panel: { op: e.fn, source, k: k as number } };
      }
      if (e.fn === '[' || e.fn === '[[') this.error(e, `"${label}": varying slopes belong after "|" (y ~ x | id[x])`);
      if (isArithmeticFunction(e.fn)) {
        if (e.args.length !== 1 || e.args[0]!.name !== undefined) this.error(e, `${e.fn}() takes one argument`);
        checkArithmetic(e.args[0]!.value, this);
        return { kind: 'expr', label, expr: e, columns: expressionColumns(e) };
      }
      this.error(e, `unsupported function "${e.fn}()" (supported: i, sunab, factor, l, f, d, I, log, log2, log10, log1p, exp, expm1, sqrt, abs)`);
    }
    return this.error(e, `"${label}" is not a term`);
  }

  describeI(e: Extract<Expr, { type: 'call' }>, label: string): FormulaVariable {
    const slots: Record<string, Expr> = Object.create(null);
    const positional = ['factor_var', 'var', 'ref', 'keep', 'ref2'];
    let p = 0;
    for (const a of e.args) {
      const name = a.name === 'f' ? 'factor_var' : a.name;
      if (name !== undefined) {
        if (!positional.includes(name)) this.error(a.value, `i(): unsupported argument "${name}"`);
        slots[name] = a.value;
      } else {
        while (p < positional.length && slots[positional[p]!] !== undefined) p++;
        if (p >= positional.length) this.error(a.value, 'i(): too many arguments');
        slots[positional[p++]!] = a.value;
      }
    }
    const f = slots.factor_var;
    if (f === undefined || f.type !== 'name') this.error(e, 'i() needs a column name as its first argument');
    const factorColumn = (f as { name: string }).name;
    let withColumn: string | undefined;
    if (slots.var !== undefined && slots.var.type !== 'name' && slots.ref === undefined) {
      // fixest: a second argument of one or two values (not a column) is the reference: i(period, 5)
      slots.ref = slots.var;
      delete slots.var;
    }
    let withFactor: string | undefined;
    if (slots.var !== undefined) {
      if (slots.var.type !== 'name') this.error(slots.var, 'i(): the second argument must be a column name');
      withColumn = (slots.var as { name: string }).name;
      // fixest: `i.f2` makes the second variable a factor too (factor × factor cells)
      if (withColumn.startsWith('i.') && withColumn.length > 2) {
        withFactor = withColumn.slice(2);
        withColumn = undefined;
      }
    }
    if (slots.ref2 !== undefined && withFactor === undefined) this.error(slots.ref2, 'i(): ref2 is for a factor second variable, i(f1, i.f2, ref2 = …)');
    let ref: Level[] = [];
    let refFirst = false;
    if (slots.ref !== undefined) {
      if (slots.ref.type === 'name' && slots.ref.name === 'TRUE') refFirst = true;
      else ref = this.levels(slots.ref);
    }
    const keep = slots.keep !== undefined ? this.levels(slots.keep) : undefined;
    const second = withColumn ?? withFactor;
    const columns = second !== undefined && second !== factorColumn ? [factorColumn, second] : [factorColumn];
    const ref2 = slots.ref2 !== undefined ? this.levels(slots.ref2) : undefined;
    return { kind: 'i', label, factor: factorColumn, ...(withColumn !== undefined ? { with: withColumn } : {}), ...(withFactor !== undefined ? { withFactor } : {}), ...(ref2 ? { ref2 } : {}), ref, refFirst, ...(keep ? { keep } : {}), columns };
  }

  describeSunab(e: Extract<Expr, { type: 'call' }>, label: string): FormulaVariable {
    const slots: Record<string, Expr> = Object.create(null);
    const positional = ['cohort', 'period', 'ref.c', 'ref.p'];
    let p = 0;
    for (const a of e.args) {
      if (a.name !== undefined) {
        if (a.name !== 'cohort' && a.name !== 'period' && a.name !== 'ref.p') this.error(a.value, `sunab(): argument "${a.name}" is not supported (supported: cohort, period, ref.p)`);
        slots[a.name] = a.value;
      } else {
        while (p < positional.length && slots[positional[p]!] !== undefined) p++;
        if (p >= positional.length) this.error(a.value, 'sunab(): too many arguments');
        if (positional[p] === 'ref.c') this.error(a.value, 'sunab(): ref.c is not supported (give ref.p by name)');
        slots[positional[p++]!] = a.value;
      }
    }
    const cohort = slots.cohort;
    const period = slots.period;
    if (cohort === undefined || cohort.type !== 'name' || period === undefined || period.type !== 'name') this.error(e, 'sunab() needs two column names: sunab(cohort, period)');
    const ref = slots['ref.p'] === undefined ? [-1] : this.levels(slots['ref.p']);
    if (!ref.every((r): r is number => typeof r === 'number' && Number.isFinite(r))) this.error(slots['ref.p']!, 'sunab(): ref.p must be numbers');
    const c = (cohort as { name: string }).name;
    const t = (period as { name: string }).name;
    return { kind: 'sunab', label, cohort: c, period: t, ref: [...new Set(ref as number[])], columns: c === t ? [c] : [c, t] };
  }

  levels(e: Expr): Level[] {
    if (e.type === 'call' && e.fn === 'c') return e.args.flatMap((a) => this.levels(a.value));
    const v = literal(e);
    if (v === undefined) this.error(e, `i(): "${deparse(e)}" is not a number or a string`);
    return [v];
  }

  expand(e: Expr): TermSet {
    switch (e.type) {
      case 'number':
        if (e.value === 0) return { terms: [], intercept: false };
        if (e.value === 1) return { terms: [], intercept: true };
        return this.error(e, `the number ${deparse(e)} is not a term (only 0 and 1)`);
      case 'paren':
        return this.expand(e.arg);
      case 'unary': {
        const inner = this.expand(e.arg);
        if (e.op === '+') return inner;
        // R's unary minus: `-1` drops the intercept, `-0` keeps it; `-x` alone removes nothing.
        return { terms: [], ...(inner.intercept !== undefined ? { intercept: !inner.intercept } : {}) };
      }
      case 'binary':
        return this.binary(e);
      default:
        return { terms: [[this.variable(e)]] };
    }
  }

  binary(e: Extract<Expr, { type: 'binary' }>): TermSet {
    if (e.op === '~' || e.op === '|') this.error(e, `unexpected "${e.op}"`);
    const left = this.expand(e.left);
    if (e.op === '^') {
      const r = e.right.type === 'paren' ? e.right.arg : e.right;
      if (r.type !== 'number' || !Number.isInteger(r.value) || r.value < 1) this.error(e.right, 'the power of a formula term must be a positive integer');
      let acc = left.terms;
      for (let k = 1; k < (r as { value: number }).value; k++) acc = union(acc, cross(acc, left.terms));
      return { terms: acc, ...(left.intercept !== undefined ? { intercept: left.intercept } : {}) };
    }
    const right = this.expand(e.right);
    const intercept = right.intercept ?? left.intercept;
    const withIntercept = (terms: number[][], value: boolean | undefined): TermSet => (value === undefined ? { terms } : { terms, intercept: value });
    switch (e.op) {
      case '+':
        return withIntercept(union(left.terms, right.terms), intercept);
      case '-': {
        const drop = new Set(right.terms.map(key));
        const terms = left.terms.filter((t) => !drop.has(key(t)));
        return withIntercept(terms, right.intercept !== undefined ? (right.intercept ? false : true) : left.intercept);
      }
      case ':':
        return withIntercept(cross(left.terms, right.terms), left.intercept);
      case '*':
        return withIntercept(union(union(left.terms, right.terms), cross(left.terms, right.terms)), intercept);
      case '/': {
        // R's nesting: a/b = a + (all variables of a):b
        const all = [...new Set(left.terms.flat())].sort((a, b) => a - b);
        return withIntercept(union(left.terms, cross(all.length ? [all] : [], right.terms)), left.intercept);
      }
      default:
        return this.error(e, `unexpected "${e.op}"`);
    }
  }
}

function literal(e: Expr): Level | undefined {
  if (e.type === 'number') return e.value;
  if (e.type === 'string') return e.value;
  if (e.type === 'unary' && e.arg.type === 'number') return e.op === '-' ? -e.arg.value : e.arg.value;
  if (e.type === 'paren') return literal(e.arg);
  return undefined;
}

function checkArithmetic(e: Expr, algebra: Algebra): void {
  switch (e.type) {
    case 'number':
    case 'name':
      return;
    case 'string':
      return algebra.error(e, 'a text constant cannot be used in arithmetic');
    case 'paren':
    case 'unary':
      return checkArithmetic(e.arg, algebra);
    case 'binary':
      if (!['+', '-', '*', '/', '^'].includes(e.op)) algebra.error(e, `operator "${e.op}" cannot be used inside a function`);
      checkArithmetic(e.left, algebra);
      return checkArithmetic(e.right, algebra);
    case 'call':
      if (!isArithmeticFunction(e.fn)) algebra.error(e, `unsupported function "${e.fn}()" inside arithmetic`);
      if (e.args.length !== 1 || e.args[0]!.name !== undefined) algebra.error(e, `${e.fn}() takes one argument`);
      return checkArithmetic(e.args[0]!.value, algebra);
  }
}

const key = (t: number[]): string => t.join(',');

function union(a: number[][], b: number[][]): number[][] {
  const seen = new Set(a.map(key));
  const out = [...a];
  for (const t of b) {
    if (!seen.has(key(t))) {
      seen.add(key(t));
      out.push(t);
    }
  }
  return out;
}

function cross(a: number[][], b: number[][]): number[][] {
  const out: number[][] = [];
  for (const x of a) for (const y of b) out.push([...new Set([...x, ...y])].sort((p, q) => p - q));
  return union([], out);
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/**
 * Parses a fixest-style formula: `y ~ x1 + a*b + i(period, treat, ref = 5) + log(x) | fe1 + fe1^fe2`.
 *
 * The right side is expanded into R's terms (see the file header); fixed effects follow `|`.
 * Nothing is evaluated: the result only names variables, and `buildDesign` reads the data.
 *
 * @param text the formula
 * @param fn calling function, named in errors (default `'feols'`)
 * @throws {CausalPanelError} `formula_syntax`, e.g.
 *   `feols: unexpected ")" at position 7 in "y ~ x1)"` (`details.position` is 0-based)
 * @example
 * parseFormula('y ~ treat*post | id').terms.map((t) => t.label); // ['treat', 'post', 'treat:post']
 */
export function parseFormula(text: string, fn = 'feols'): FormulaSpec {
  if (typeof text !== 'string') {
    throw new CausalPanelError('formula_syntax', `${fn}: the formula must be a string (got ${typeof text})`, { fn, value: text });
  }
  const root = new Parser(tokenize(text, fn), text, fn).parseAll();
  if (root.type !== 'binary' || root.op !== '~') {
    throw new CausalPanelError('formula_syntax', `${fn}: a formula needs "~" (got "${text}")`, { fn, position: 0, value: text });
  }
  const oneSided = root.left.type === 'name' && root.left.name === '';
  const response = oneSided ? null : root.left;
  const algebra = new Algebra(text, fn);
  if (response !== null) {
    if (response.type === 'call' && response.fn === 'c') algebra.error(response, 'several left-hand sides are not supported');
    checkArithmetic(response, algebra);
  }
  let rhs = root.right;
  let feExpr: Expr | null = null;
  if (rhs.type === 'binary' && rhs.op === '|') {
    feExpr = rhs.right;
    rhs = rhs.left;
    if (rhs.type === 'binary' && rhs.op === '|') algebra.error(rhs, 'only one "|" (fixed effects) is supported');
  }
  const expanded = algebra.expand(rhs);
  const intercept = expanded.intercept ?? true;
  // R's terms(): by interaction order (stable, so formula order within an order).
  const sorted = expanded.terms.map((t, j) => ({ t, j })).sort((a, b) => a.t.length - b.t.length || a.j - b.j);
  const terms: FormulaTerm[] = sorted.map(({ t }) => ({ label: t.map((v) => algebra.variables[v]!.label).join(':'), variables: t }));
  const fixedEffects = feExpr === null ? [] : fixedEffectList(feExpr, algebra);
  const columns: string[] = [];
  const add = (c: string) => {
    if (!columns.includes(c)) columns.push(c);
  };
  if (response !== null) expressionColumns(response).forEach(add);
  for (const v of algebra.variables) v.columns.forEach(add);
  for (const fe of fixedEffects) [...fe.variables, ...(fe.slopes ?? [])].forEach(add);
  return {
    text,
    response,
    responseLabel: response === null ? null : deparse(response),
    intercept,
    variables: algebra.variables,
    terms,
    fixedEffects,
    columns,
  };
}

function fixedEffectList(e: Expr, algebra: Algebra): FixedEffectSpec[] {
  const out: FixedEffectSpec[] = [];
  const walk = (x: Expr): void => {
    if (x.type === 'binary' && x.op === '+') {
      walk(x.left);
      walk(x.right);
      return;
    }
    const variables: string[] = [];
    if (x.type === 'call' && (x.fn === '[' || x.fn === '[[')) {
      const [fe, ...slopeArgs] = x.args;
      const slopes = slopeArgs.map((a) => (a.value.type === 'name' && a.name === undefined ? a.value.name : algebra.error(a.value, `"${deparse(a.value)}" is not a slope variable (use column names: id[x1, x2])`)));
      const name = (fe!.value as { name: string }).name;
      if (out.some((f) => f.name === name)) algebra.error(x, `the fixed effect "${name}" is given twice`);
      out.push({ name, variables: [name], slopes, constant: x.fn === '[' });
      return;
    }
    const combine = (y: Expr): void => {
      if (y.type === 'binary' && y.op === '^') {
        combine(y.left);
        combine(y.right);
      } else if (y.type === 'name') variables.push(y.name);
      else algebra.error(y, `"${deparse(y)}" is not a fixed effect (use column names, combined with ^)`);
    };
    combine(x);
    const name = variables.map(deparseName).join('^');
    if (!out.some((f) => f.name === name)) out.push({ name, variables });
  };
  if (e.type === 'number' && e.value === 0) return out; // `| 0`: no fixed effects
  walk(e);
  return out;
}

/**
 * Parses a list of variables such as a cluster specification `'id + period'` (a leading `~` is
 * allowed). Combined variables (`'id^period'`) come back joined by `^`.
 *
 * @throws {CausalPanelError} `formula_syntax`
 * @example
 * parseVariableList('id + period'); // ['id', 'period']
 * parseVariableList('~ `first.treat`'); // ['first.treat']
 */
export function parseVariableList(text: string, fn = 'parseVariableList'): string[] {
  return parseFixedEffectList(text, fn).map((f) => f.variables.join('^'));
}

/**
 * Parses a fixed-effect list `'id + period + id^period'` into {@link FixedEffectSpec}s.
 *
 * @throws {CausalPanelError} `formula_syntax`
 * @example
 * parseFixedEffectList('id + id^period')[1]; // { name: 'id^period', variables: ['id', 'period'] }
 */
export function parseFixedEffectList(text: string, fn = 'parseFixedEffectList'): FixedEffectSpec[] {
  let root = new Parser(tokenize(text, fn), text, fn).parseAll();
  if (root.type === 'binary' && root.op === '~' && root.left.type === 'name' && root.left.name === '') root = root.right;
  return fixedEffectList(root, new Algebra(text, fn));
}

/**
 * Every data column a formula reads (for missing-value checks), first appearance order.
 *
 * @example
 * formulaColumns(parseFormula('log(y) ~ x + i(period, treat) | id')); // ['y', 'x', 'period', 'treat', 'id']
 */
export function formulaColumns(spec: FormulaSpec): string[] {
  return [...spec.columns];
}
