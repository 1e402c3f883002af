/**
 * lme4's random-effect terms in a formula: `(lhs | g)` bars are split out of the formula text
 * (lme4's `findbars` / `nobars`), `||` is expanded into independent terms (`expandDoubleVerts`:
 * `(1 + x || g)` → `(1 | g) + (0 + x | g)`) and nested groups into one term per level of
 * nesting (`(1 | a/b)` → `(1 | a) + (1 | a:b)`, lme4's `expandSlash`). The fixed part is handed
 * back as formula text for the ordinary parser.
 *
 * Reference: lme4 1.1-31, R/utilities.R (findbars, nobars, expandSlash, expandDoubleVerts).
 */
import { CausalPanelError } from '../../errors.js';
import { parseFormula, type FormulaSpec } from '../formula/parse.js';

/**
 * One random-effect term after expansion: the model of its left side and its grouping factor.
 *
 * @example
 * splitBars('y ~ x + (1 + x | g)', 'lmm').bars[0];
 * // { lhs: '1 + x', spec: <parsed "~ 1 + x">, group: ['g'], groupLabel: 'g' }
 */
export interface RandomBar {
  /** Text of the left side (`1`, `1 + x`, `0 + x`). */
  lhs: string;
  /** `~ lhs` parsed by the ordinary formula parser. */
  spec: FormulaSpec;
  /** Columns whose interaction is the grouping factor (`['Minority', 'Sex']` for `Minority:Sex`). */
  group: string[];
  /** lme4's name of the grouping factor (`School`, `Minority:Sex`). */
  groupLabel: string;
}

/**
 * A formula split into its fixed part and its random-effect terms.
 *
 * @example
 * const split = splitBars('MathAch ~ cses + (1 | School)', 'lmm');
 * split.fixed; // 'MathAch ~ cses'
 * split.bars.map((bar) => bar.groupLabel); // ['School']
 */
export interface SplitFormula {
  fixed: string;
  bars: RandomBar[];
}

function syntaxError(fn: string, text: string, what: string, position: number): CausalPanelError {
  return new CausalPanelError('formula_syntax', `${fn}: ${what} at position ${position + 1} in "${text}"`, { fn, position, value: text });
}

/** The position of the ')' closing the '(' at `open`. */
function closing(text: string, open: number, fn: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw syntaxError(fn, text, 'unbalanced parenthesis', open);
}

/** Position of a top-level `|` inside a parenthesised group, or −1. */
function topLevelBar(inner: string): number {
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return i;
  }
  return -1;
}

/** Splits a group expression on top-level `/` (nesting) into the cumulative interactions. */
function groupLevels(text: string, fn: string, formula: string): string[][] {
  const parts = text.split('/').map((part) => part.split(':').map((name) => name.trim()));
  for (const part of parts) {
    for (const name of part) {
      if (!/^[A-Za-z.][A-Za-z0-9._]*$/.test(name) && !/^`[^`]+`$/.test(name)) {
        throw new CausalPanelError('formula_syntax', `${fn}: grouping factor "${text.trim()}" must be column names joined by ":" or "/" (in "${formula}")`, { fn, value: formula });
      }
    }
  }
  const out: string[][] = [];
  let acc: string[] = [];
  for (const part of parts) {
    acc = [...acc, ...part.map((name) => name.replace(/^`|`$/g, ''))];
    out.push(acc);
  }
  return out;
}

/**
 * Splits lme4 random-effect bars out of a formula.
 *
 * @throws {CausalPanelError} `formula_syntax` for unbalanced parentheses, an empty side of a
 *   bar, a grouping factor that is not columns joined by `:` or `/`, or no bar at all
 * @example
 * splitBars('y ~ x + (1 + x || g)', 'lmm').bars.map((b) => `${b.lhs} | ${b.groupLabel}`); // ['1 | g', '0 + x | g']
 */
export function splitBars(text: string, fn: string): SplitFormula {
  const tilde = text.indexOf('~');
  if (tilde < 0) throw syntaxError(fn, text, 'a formula needs "~"', 0);
  let rhs = text.slice(tilde + 1);
  const offset = tilde + 1;
  const bars: RandomBar[] = [];
  const spans: [number, number][] = [];
  for (let i = 0; i < rhs.length; i++) {
    if (rhs[i] !== '(') continue;
    const end = closing(rhs, i, fn);
    const inner = rhs.slice(i + 1, end);
    const bar = topLevelBar(inner);
    if (bar < 0) {
      i = end;
      continue;
    }
    const double = inner[bar + 1] === '|';
    const lhs = inner.slice(0, bar).trim();
    const groupText = inner.slice(bar + (double ? 2 : 1)).trim();
    if (lhs === '' || groupText === '') throw syntaxError(fn, text, 'a random-effect term needs "(terms | group)"', offset + i);
    const groups = groupLevels(groupText, fn, text);
    const lhsSpec = parseFormula(`~ ${lhs}`, fn);
    const lhsParts: string[] = [];
    if (double) {
      if (lhsSpec.intercept) lhsParts.push('1');
      for (const term of lhsSpec.terms) lhsParts.push(`0 + ${term.label}`);
    } else {
      lhsParts.push(lhs);
    }
    for (const group of groups) {
      for (const part of lhsParts) bars.push({ lhs: part, spec: part === lhs ? lhsSpec : parseFormula(`~ ${part}`, fn), group, groupLabel: group.join(':') });
    }
    spans.push([i, end]);
    i = end;
  }
  if (bars.length === 0) throw new CausalPanelError('formula_syntax', `${fn}: the formula has no random-effect term such as (1 | group) (in "${text}"); use feols for a model without one`, { fn, value: text });
  // Remove each bar with the '+' joining it to the rest (from the right, so positions stay valid).
  for (let s = spans.length - 1; s >= 0; s--) {
    const [start, end] = spans[s]!;
    let from = start;
    let to = end + 1;
    let k = start - 1;
    while (k >= 0 && /\s/.test(rhs[k]!)) k--;
    if (k >= 0 && rhs[k] === '+') from = k;
    else {
      let m = to;
      while (m < rhs.length && /\s/.test(rhs[m]!)) m++;
      if (rhs[m] === '+') to = m + 1;
    }
    rhs = rhs.slice(0, from) + rhs.slice(to);
  }
  if (rhs.trim() === '') rhs = ' 1';
  if (/\|/.test(rhs)) throw syntaxError(fn, text, 'a "|" outside a random-effect term (fixed effects after "|" are not part of a mixed model)', offset + rhs.indexOf('|'));
  return { fixed: `${text.slice(0, tilde).trimEnd()} ~ ${rhs.trim()}`, bars };
}
