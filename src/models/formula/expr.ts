/**
 * Expression trees of the formula language, their R text (`deparse`) and their numeric value.
 *
 * The parser (`parse.ts`) builds these nodes; the arithmetic inside `log()`, `I()` and friends
 * is evaluated here column-wise on `Float64Array`s — a tiny interpreter, never `eval`.
 * Term names keep R's text, so `deparse` follows R's `deparse()` spacing: `x + 1`, `x * z`,
 * `x - 1` with spaces, `x^2`, `x/2`, `a:b` without.
 */
import { CausalPanelError } from '../../errors.js';
import { formatRNumber } from '../../data/factor.js';
import type { Frame } from '../../data/frame.js';
import { exp, expm1, log, log10, log1p, log2, pow } from '../../numerics/elementary.js';

/**
 * A node of a parsed formula. `pos` is the 0-based character index where it starts.
 *
 * @example
 * parseFormula('log(y) ~ x').response;
 * // { type: 'call', fn: 'log', args: [{ value: { type: 'name', name: 'y', pos: 4 } }], pos: 0 }
 */
export type Expr =
  | { type: 'number'; value: number; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'name'; name: string; pos: number }
  | { type: 'call'; fn: string; args: CallArg[]; pos: number }
  | { type: 'unary'; op: '-' | '+'; arg: Expr; pos: number }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { type: 'paren'; arg: Expr; pos: number };

/**
 * One argument of a call: `value` or `name = value`.
 *
 * @example
 * const arg: CallArg = { name: 'ref', value: { type: 'number', value: 5, pos: 23 } }; // `ref = 5` of i(period, treat, ref = 5)
 * const response = parseFormula('log(y) ~ x').response;
 * if (response?.type === 'call') response.args; // [{ value: { type: 'name', name: 'y', pos: 4 } }]
 */
export interface CallArg {
  name?: string;
  value: Expr;
}

/**
 * Binary operators of the formula language.
 *
 * @example
 * const variable = parseFormula('y ~ I(x^2)').variables[0];
 * if (variable.kind === 'expr' && variable.expr.type === 'call') variable.expr.args[0].value; // { type: 'binary', op: '^', … }
 */
export type BinaryOp = '~' | '|' | '+' | '-' | '*' | '/' | ':' | '^';

/** Functions allowed in arithmetic (inside `I()`, on the left side, or as a term). */
const FUNCTIONS: Readonly<Record<string, (x: number) => number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, (x: number) => number>, {
    log,
    log2,
    log10,
    log1p,
    exp,
    expm1,
    sqrt: Math.sqrt,
    abs: Math.abs,
    I: (x: number) => x,
  }),
);

/**
 * True when `fn` is an arithmetic function we can evaluate (`log`, `exp`, `sqrt`, `I`, …).
 *
 * @example
 * isArithmeticFunction('log');  // true
 * isArithmeticFunction('poly'); // false
 */
export function isArithmeticFunction(fn: string): boolean {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, fn);
}

const SYNTACTIC = /^((([\p{L}]|[.][\p{L}._])[\p{L}\p{N}._]*)|[.])$/u;
const RESERVED = new Set(['if', 'else', 'repeat', 'while', 'function', 'for', 'next', 'break', 'TRUE', 'FALSE', 'NULL', 'Inf', 'NaN', 'NA', 'in']);

/**
 * A column name as R prints it: as-is when syntactic (`first.treat`, `re74`), else backquoted.
 *
 * @example
 * deparseName('first.treat'); // 'first.treat'
 * deparseName('my var');      // '`my var`'
 */
export function deparseName(name: string): string {
  return SYNTACTIC.test(name) && !RESERVED.has(name) ? name : '`' + name.replace(/`/g, '\\`') + '`';
}

/**
 * R's text for an expression, as `deparse()` writes it (term and coefficient names use it).
 *
 * @example
 * deparse(parseExpression('I( x ^ 2 )')); // 'I(x^2)'
 */
export function deparse(e: Expr): string {
  switch (e.type) {
    case 'number':
      return formatRNumber(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'name':
      return deparseName(e.name);
    case 'call':
      // fixest's varying slopes id[x] / id[[x]] (parsed as a call of '[' / '[[')
      if (e.fn === '[' || e.fn === '[[') return `${deparse(e.args[0]!.value)}${e.fn}${e.args.slice(1).map((a) => deparse(a.value)).join(', ')}${e.fn === '[' ? ']' : ']]'}`;
      return `${e.fn}(${e.args.map((a) => (a.name !== undefined ? `${a.name} = ${deparse(a.value)}` : deparse(a.value))).join(', ')})`;
    case 'unary':
      return e.op + deparse(e.arg);
    case 'paren':
      return `(${deparse(e.arg)})`;
    case 'binary': {
      const tight = e.op === '^' || e.op === ':' || e.op === '/';
      return tight ? `${deparse(e.left)}${e.op}${deparse(e.right)}` : `${deparse(e.left)} ${e.op} ${deparse(e.right)}`;
    }
  }
}

/**
 * Column names an expression reads, in order of first appearance.
 *
 * @example
 * expressionColumns(parseExpression('I(x * z + x)')); // ['x', 'z']
 */
export function expressionColumns(e: Expr, out: string[] = []): string[] {
  switch (e.type) {
    case 'name':
      if (!out.includes(e.name)) out.push(e.name);
      break;
    case 'call':
      for (const a of e.args) expressionColumns(a.value, out);
      break;
    case 'unary':
    case 'paren':
      expressionColumns(e.arg, out);
      break;
    case 'binary':
      expressionColumns(e.left, out);
      expressionColumns(e.right, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * Evaluates an arithmetic expression over every row of `frame` (NaN propagates).
 *
 * Columns are read with `frame.numeric`, so a text column throws `non_numeric`. Results that
 * are NaN or ±Infinity (log of 0 or a negative value) are left for the caller to treat as
 * missing, as fixest does.
 *
 * @throws {CausalPanelError} `missing_column`, `non_numeric`, `formula_syntax` (unknown function)
 * @example
 * evaluate(parseExpression('log(x)'), new Frame({ x: new Float64Array([1, Math.E]) })); // [0, 1]
 */
export function evaluate(e: Expr, frame: Frame, fn: string): Float64Array {
  const n = frame.nrow;
  switch (e.type) {
    case 'number':
      return new Float64Array(n).fill(e.value);
    case 'name':
      return frame.numeric(e.name, fn);
    case 'paren':
      return evaluate(e.arg, frame, fn);
    case 'unary': {
      const x = evaluate(e.arg, frame, fn);
      if (e.op === '+') return x;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return out;
    }
    case 'call': {
      const f = FUNCTIONS[e.fn];
      if (f === undefined || e.args.length !== 1 || e.args[0]!.name !== undefined) {
        throw new CausalPanelError('formula_syntax', `${fn}: cannot evaluate "${deparse(e)}": only log, log2, log10, log1p, exp, expm1, sqrt, abs and I of one argument are supported`, { fn, position: e.pos, value: deparse(e) });
      }
      const x = evaluate(e.args[0]!.value, frame, fn);
      if (e.fn === 'I') return x;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = f(x[i]!);
      return out;
    }
    case 'binary': {
      const a = evaluate(e.left, frame, fn);
      const b = evaluate(e.right, frame, fn);
      const out = new Float64Array(n);
      switch (e.op) {
        case '+': for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!; break;
        case '-': for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!; break;
        case '*': for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!; break;
        case '/': for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!; break;
        case '^': for (let i = 0; i < n; i++) out[i] = rPow(a[i]!, b[i]!); break;
        default:
          throw new CausalPanelError('formula_syntax', `${fn}: operator "${e.op}" cannot be used in arithmetic ("${deparse(e)}"); wrap arithmetic in I()`, { fn, position: e.pos, value: deparse(e) });
      }
      return out;
    }
    case 'string':
      throw new CausalPanelError('formula_syntax', `${fn}: a text constant cannot be used in arithmetic (${deparse(e)})`, { fn, position: e.pos, value: e.value });
  }
}

/** R's `^`: `1^y` and `x^0` are 1 even for NaN (as C99 `pow`, unlike JS's `**` for NaN). */
function rPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  return pow(x, y);
}
