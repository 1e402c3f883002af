/**
 * fixest's multiple estimation in the formula: several left-hand sides `c(y1, y2)` and one
 * stepwise function on the right — `sw(a, b)` (each alone), `sw0(a, b)` (none, then each),
 * `csw(a, b)` (cumulatively: a, then a + b), `csw0(a, b)` (none, then cumulatively). The formula
 * text is expanded into the formulas of the single estimations, in fixest's order (every right
 * side for the first left side, then the second, …), each written back as text with `deparse`.
 */
import { CausalPanelError } from '../../errors.js';
import { deparse, type Expr } from './expr.js';
import { parseExpression } from './syntax.js';

/**
 * One estimation of a multiple-estimation formula.
 *
 * @example
 * expandMultiple('c(y, z) ~ x')![1]; // { formula: 'z ~ x', lhs: 'z', rhs: 'x' }
 */
export interface ExpandedFormula {
  /** The single formula, e.g. `y ~ x1 + x2 | id`. */
  readonly formula: string;
  /** Its left-hand side as written (`y`). */
  readonly lhs: string;
  /** Its right-hand side without the fixed effects (`x1 + x2`; `1` when empty). */
  readonly rhs: string;
}

const STEPWISE = new Set(['sw', 'sw0', 'csw', 'csw0']);

/** The `+`-separated parts of an expression (`a + b + c` → [a, b, c]). */
function plusTerms(e: Expr): Expr[] {
  return e.type === 'binary' && e.op === '+' ? [...plusTerms(e.left), ...plusTerms(e.right)] : [e];
}

function isStepwise(e: Expr): e is Extract<Expr, { type: 'call' }> {
  return e.type === 'call' && STEPWISE.has(e.fn);
}

function contains(e: Expr, test: (x: Expr) => boolean): boolean {
  if (test(e)) return true;
  if (e.type === 'binary') return contains(e.left, test) || contains(e.right, test);
  if (e.type === 'unary' || e.type === 'paren') return contains(e.arg, test);
  if (e.type === 'call') return e.args.some((a) => contains(a.value, test));
  return false;
}

/** The right sides one stepwise call gives, as lists of terms. */
function steps(call: Extract<Expr, { type: 'call' }>): Expr[][] {
  const args = call.args.map((a) => a.value);
  const out: Expr[][] = [];
  if (call.fn === 'sw0' || call.fn === 'csw0') out.push([]);
  args.forEach((_, i) => out.push(call.fn.startsWith('csw') ? args.slice(0, i + 1) : [args[i]!]));
  return out;
}

/**
 * The single formulas of a multiple-estimation formula, or `null` when the formula has neither
 * `c()` on the left nor a stepwise function on the right.
 *
 * @throws {CausalPanelError} `formula_syntax` for two stepwise functions, or one nested in a term
 * @example
 * expandMultiple('y ~ csw(x1, x2) | id')!.map((e) => e.formula); // ['y ~ x1 | id', 'y ~ x1 + x2 | id']
 * expandMultiple('c(y, z) ~ x')!.map((e) => e.lhs); // ['y', 'z']
 * expandMultiple('y ~ x'); // null
 */
export function expandMultiple(text: string, fn = 'feolsMulti'): ExpandedFormula[] | null {
  const root = parseExpression(text, fn);
  if (root.type !== 'binary' || root.op !== '~') return null;
  const lhsList = root.left.type === 'call' && root.left.fn === 'c' ? root.left.args.map((a) => a.value) : [root.left];
  let rhs = root.right;
  let fixedEffects: Expr | null = null;
  if (rhs.type === 'binary' && rhs.op === '|') {
    fixedEffects = rhs.right;
    rhs = rhs.left;
  }
  const terms = plusTerms(rhs);
  const stepwise = terms.filter(isStepwise);
  const nested = terms.some((t) => !isStepwise(t) && contains(t, isStepwise)) || (fixedEffects !== null && contains(fixedEffects, isStepwise));
  if (nested) throw new CausalPanelError('formula_syntax', `${fn}: sw(), sw0(), csw() and csw0() must be whole terms of the right-hand side (got "${text}")`, { fn, value: text });
  if (stepwise.length > 1) throw new CausalPanelError('formula_syntax', `${fn}: only one stepwise function per formula, as fixest (got "${text}")`, { fn, value: text });
  if (stepwise.length === 0 && lhsList.length === 1) return null;
  const fixed = terms.filter((t) => !isStepwise(t));
  const variants = stepwise.length === 0 ? [[]] : steps(stepwise[0]!);
  const out: ExpandedFormula[] = [];
  for (const lhs of lhsList) {
    for (const extra of variants) {
      const parts = [...fixed, ...extra].map(deparse);
      const right = parts.length === 0 ? '1' : parts.join(' + ');
      const lhsText = deparse(lhs);
      out.push({ formula: `${lhsText} ~ ${right}${fixedEffects === null ? '' : ` | ${deparse(fixedEffects)}`}`, lhs: lhsText, rhs: right });
    }
  }
  return out;
}
