/**
 * Tokenizer and precedence-climbing parser for the formula language: text → {@link Expr} tree.
 *
 * Operator precedence is R's (`?Syntax`): `~` < `|` < `+ -` < `* /` < `:` < unary `-` < `^`
 * (`^` right-associative). Names are R names (letters of any script, digits, `.`, `_`) or
 * backquoted; numbers as R writes them (`5`, `.5`, `1e3`, `5L`); strings in either quotes.
 * Errors give the 1-based position in the message and the 0-based index in `details.position`.
 */
import { CausalPanelError } from '../../errors.js';
import type { CallArg, Expr } from './expr.js';

// ---------------------------------------------------------------------------------------------
// Tokenizer

export type TokenType = 'number' | 'string' | 'name' | 'op' | 'eof';
export interface Token {
  type: TokenType;
  text: string;
  value?: number;
  pos: number;
}

const OPERATORS = '~|+-*/:^(),=[]';

/**
 * Splits formula text into tokens (names, numbers, strings, operators).
 *
 * @throws {CausalPanelError} `formula_syntax` for a character that starts no token
 * @example
 * tokenize('log(y)', 'feols').map((t) => t.text); // ['log', '(', 'y', ')', '']
 */
export function tokenize(text: string, fn: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?L?/.exec(text.slice(i))!;
      i += m[0].length;
      if (/[\p{L}_.]/u.test(text[i] ?? '')) syntaxError(fn, text, i);
      tokens.push({ type: 'number', text: m[0], value: Number(m[0].replace(/L$/, '')), pos: start });
      continue;
    }
    if (/[\p{L}.]/u.test(c)) {
      // R names: letters (any script), digits, '.', '_'; not starting with a digit or '_'
      const m = /^[\p{L}.][\p{L}\p{N}._]*/u.exec(text.slice(i))!;
      i += m[0].length;
      tokens.push({ type: 'name', text: m[0], pos: start });
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw new CausalPanelError('formula_syntax', `${fn}: unterminated backquote at position ${i + 1} in "${text}"`, { fn, position: i, value: text });
      tokens.push({ type: 'name', text: text.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new CausalPanelError('formula_syntax', `${fn}: unterminated string at position ${i + 1} in "${text}"`, { fn, position: i, value: text });
      tokens.push({ type: 'string', text: text.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    if (OPERATORS.includes(c)) {
      tokens.push({ type: 'op', text: c, pos: start });
      i++;
      continue;
    }
    syntaxError(fn, text, i);
  }
  tokens.push({ type: 'eof', text: '', pos: n });
  return tokens;
}

function syntaxError(fn: string, text: string, pos: number, what?: string): never {
  const found = pos >= text.length ? 'end of formula' : `"${what ?? text[pos]}"`;
  throw new CausalPanelError('formula_syntax', `${fn}: unexpected ${found} at position ${pos + 1} in "${text}"`, { fn, position: pos, value: text });
}

// ---------------------------------------------------------------------------------------------
// Parser (precedence climbing over R's operator table)

const BINARY: Record<string, { prec: number; right: boolean }> = {
  '~': { prec: 1, right: false },
  '|': { prec: 2, right: false },
  '+': { prec: 4, right: false },
  '-': { prec: 4, right: false },
  '*': { prec: 5, right: false },
  '/': { prec: 5, right: false },
  ':': { prec: 7, right: false },
  '^': { prec: 9, right: true },
};
const UNARY_PREC = 8;

/**
 * Parser over a token list; `parseAll` reads one complete expression.
 *
 * @throws {CausalPanelError} `formula_syntax`
 * @example
 * new Parser(tokenize('y ~ x', 'feols'), 'y ~ x', 'feols').parseAll().type; // 'binary'
 */
export class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly text: string, private readonly fn: string) {}

  peek(): Token {
    return this.tokens[this.i]!;
  }

  fail(token: Token): never {
    syntaxError(this.fn, this.text, token.pos, token.type === 'string' ? `"${token.text}"` : token.text);
  }

  expectOp(op: string): Token {
    const t = this.peek();
    if (t.type !== 'op' || t.text !== op) this.fail(t);
    this.i++;
    return t;
  }

  parseAll(): Expr {
    const e = this.parse(0);
    if (this.peek().type !== 'eof') this.fail(this.peek());
    return e;
  }

  parse(minPrec: number): Expr {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op') break;
      const info = BINARY[t.text];
      if (info === undefined || info.prec < minPrec) break;
      this.i++;
      const right = this.parse(info.right ? info.prec : info.prec + 1);
      left = { type: 'binary', op: t.text as never, left, right, pos: t.pos };
    }
    return left;
  }

  prefix(): Expr {
    const t = this.peek();
    this.i++;
    switch (t.type) {
      case 'number':
        return { type: 'number', value: t.value!, pos: t.pos };
      case 'string':
        return { type: 'string', value: t.text, pos: t.pos };
      case 'name': {
        const next = this.peek();
        if (next.type === 'op' && next.text === '(') {
          this.i++;
          return { type: 'call', fn: t.text, args: this.args(), pos: t.pos };
        }
        if (next.type === 'op' && next.text === '[') {
          // fixest's varying slopes `fe[x1, x2]` / `fe[[x]]`: a call of '[' or '[[' on (fe, x1, …)
          this.i++;
          const double = this.peek().type === 'op' && this.peek().text === '[';
          if (double) this.i++;
          const args: CallArg[] = [{ value: { type: 'name', name: t.text, pos: t.pos } }];
          for (;;) {
            args.push({ value: this.parse(2) });
            if (this.peek().type === 'op' && this.peek().text === ',') {
              this.i++;
              continue;
            }
            break;
          }
          this.expectOp(']');
          if (double) this.expectOp(']');
          return { type: 'call', fn: double ? '[[' : '[', args, pos: t.pos };
        }
        return { type: 'name', name: t.text, pos: t.pos };
      }
      case 'op':
        if (t.text === '(') {
          const inner = this.parse(0);
          this.expectOp(')');
          return { type: 'paren', arg: inner, pos: t.pos };
        }
        if (t.text === '-' || t.text === '+') {
          return { type: 'unary', op: t.text, arg: this.parse(UNARY_PREC), pos: t.pos };
        }
        if (t.text === '~') {
          // One-sided formula `~ x`: an empty left side.
          return { type: 'binary', op: '~', left: { type: 'name', name: '', pos: t.pos }, right: this.parse(2), pos: t.pos };
        }
        this.i--;
        return this.fail(t);
      default:
        this.i--;
        return this.fail(t);
    }
  }

  args(): CallArg[] {
    const out: CallArg[] = [];
    if (this.peek().type === 'op' && this.peek().text === ')') {
      this.i++;
      return out;
    }
    for (;;) {
      const t = this.peek();
      const after = this.tokens[this.i + 1]!;
      if (t.type === 'name' && after.type === 'op' && after.text === '=') {
        this.i += 2;
        out.push({ name: t.text, value: this.parse(2) });
      } else {
        out.push({ value: this.parse(2) });
      }
      const sep = this.peek();
      if (sep.type === 'op' && sep.text === ',') {
        this.i++;
        continue;
      }
      this.expectOp(')');
      return out;
    }
  }
}

/**
 * Parses a single expression (no formula algebra), e.g. a left side `log(y)`.
 *
 * @throws {CausalPanelError} `formula_syntax` with the 0-based `position` in `details`
 * @example
 * deparse(parseExpression('I(x*z)')); // 'I(x * z)'
 */
export function parseExpression(text: string, fn = 'parseExpression'): Expr {
  return new Parser(tokenize(text, fn), text, fn).parseAll();
}
