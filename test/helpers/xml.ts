/**
 * A tiny non-validating XML parser for tests: checks well-formedness (balanced tags, quoted
 * attributes, known entities, one root) and returns the element tree. No regex over the
 * whole document: a single left-to-right scan.
 */

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, where: number): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '<') throw new Error(`xml: raw '<' in text at ${where + i}`);
    if (c !== '&') {
      out += c;
      continue;
    }
    const end = text.indexOf(';', i);
    if (end < 0) throw new Error(`xml: unterminated entity at ${where + i}`);
    const name = text.slice(i + 1, end);
    if (name.startsWith('#')) out += String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    else if (name in ENTITIES) out += ENTITIES[name];
    else throw new Error(`xml: unknown entity &${name}; at ${where + i}`);
    i = end;
  }
  return out;
}

const isNameChar = (c: string) => /[A-Za-z0-9_:.-]/.test(c);

/** Parses `source`; throws an Error naming the offset of the first problem. */
export function parseXml(source: string): XmlNode {
  let i = 0;
  const stack: XmlNode[] = [];
  let root: XmlNode | null = null;
  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
  };
  if (source.startsWith('<?xml')) {
    i = source.indexOf('?>');
    if (i < 0) throw new Error('xml: unterminated prolog');
    i += 2;
  }
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = source.slice(i, lt < 0 ? source.length : lt);
    if (text.trim() !== '') {
      if (stack.length === 0) throw new Error(`xml: text outside the root at ${i}`);
      stack[stack.length - 1]!.text += decode(text, i);
    } else if (text.includes('&')) decode(text, i);
    if (lt < 0) break;
    i = lt + 1;
    if (source[i] === '/') {
      i++;
      const start = i;
      while (i < source.length && isNameChar(source[i]!)) i++;
      const name = source.slice(start, i);
      skipSpace();
      if (source[i] !== '>') throw new Error(`xml: bad closing tag at ${i}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`xml: </${name}> closes <${open?.name}> at ${start}`);
      continue;
    }
    const start = i;
    while (i < source.length && isNameChar(source[i]!)) i++;
    const node: XmlNode = { name: source.slice(start, i), attrs: {}, children: [], text: '' };
    if (node.name === '') throw new Error(`xml: empty tag name at ${start}`);
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else if (root) throw new Error(`xml: second root element at ${start}`);
    else root = node;
    for (;;) {
      skipSpace();
      if (source[i] === '/' && source[i + 1] === '>') {
        i += 2;
        break;
      }
      if (source[i] === '>') {
        i++;
        stack.push(node);
        break;
      }
      const a = i;
      while (i < source.length && isNameChar(source[i]!)) i++;
      const attr = source.slice(a, i);
      if (attr === '' || source[i] !== '=' || source[i + 1] !== '"') throw new Error(`xml: bad attribute at ${a}`);
      const close = source.indexOf('"', i + 2);
      if (close < 0) throw new Error(`xml: unterminated attribute at ${a}`);
      if (attr in node.attrs) throw new Error(`xml: duplicate attribute ${attr} at ${a}`);
      node.attrs[attr] = decode(source.slice(i + 2, close), i + 2);
      i = close + 1;
    }
  }
  if (stack.length > 0) throw new Error(`xml: unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('xml: no root element');
  return root;
}

/** All descendants (depth-first) matching `pred`. */
export function findAll(node: XmlNode, pred: (n: XmlNode) => boolean): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    if (pred(n)) out.push(n);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}

/** Elements whose class list contains `cls`. */
export const byClass = (node: XmlNode, cls: string) => findAll(node, (n) => (n.attrs.class ?? '').split(/\s+/).includes(cls));

/** All text below `node`, concatenated. */
export function allText(node: XmlNode): string {
  return node.text + node.children.map(allText).join(' ');
}
