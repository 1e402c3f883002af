/**
 * A minimal SVG element builder: elements are plain objects, rendered to a string with every
 * attribute value and text node XML-escaped, so labels such as `a<b & c` are always safe.
 */

/** Attribute values; `undefined` and `false` attributes are omitted. */
export type SvgAttrs = Record<string, string | number | boolean | undefined>;

/** One SVG element; string children are text (escaped when rendered). */
export interface SvgElement {
  readonly tag: string;
  readonly attrs: SvgAttrs;
  readonly children: readonly SvgChild[];
}

/** A child: an element, text, or nothing (skipped). */
export type SvgChild = SvgElement | string | null | undefined | false;

/**
 * Escapes `& < > " '` for XML text and attribute values.
 *
 * @example
 * escapeXml('a<b & "c"'); // 'a&lt;b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * Builds an element.
 *
 * @example
 * renderSvg(el('text', { x: 10, y: 20 }, ['a < b'])); // '<text x="10" y="20">a &lt; b</text>'
 */
export function el(tag: string, attrs: SvgAttrs = {}, children: readonly SvgChild[] = []): SvgElement {
  return { tag, attrs, children };
}

/**
 * A number for an SVG coordinate: at most 2 decimals, no `-0`, no exponent.
 *
 * @example
 * num(1.23456); // '1.23'
 */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function attrText(value: string | number | boolean): string {
  return typeof value === 'number' ? num(value) : escapeXml(String(value));
}

/**
 * Renders an element tree to an XML string.
 *
 * @example
 * renderSvg(el('g', { class: 'x' }, [el('circle', { r: 2 })])); // '<g class="x"><circle r="2"/></g>'
 */
export function renderSvg(node: SvgElement): string {
  const attrs = Object.entries(node.attrs)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => ` ${k}="${v === true ? k : attrText(v as string | number)}"`)
    .join('');
  const kids = node.children.filter((c): c is SvgElement | string => c !== null && c !== undefined && c !== false);
  if (kids.length === 0) return `<${node.tag}${attrs}/>`;
  const inner = kids.map((c) => (typeof c === 'string' ? escapeXml(c) : renderSvg(c))).join(node.tag === 'text' || node.tag === 'title' ? '' : '\n');
  return `<${node.tag}${attrs}>${node.tag === 'text' || node.tag === 'title' ? inner : `\n${inner}\n`}</${node.tag}>`;
}

/**
 * A complete standalone SVG document (XML prolog, namespace, white background, `<title>`).
 *
 * @example
 * svgDocument(640, 400, [el('circle', { cx: 10, cy: 10, r: 3 })], 'My plot');
 */
export function svgDocument(width: number, height: number, children: readonly SvgChild[], title?: string): string {
  const root = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${num(width)} ${num(height)}`, 'font-family': 'Helvetica, Arial, sans-serif', 'font-size': 12 },
    [title ? el('title', {}, [title]) : null, el('rect', { x: 0, y: 0, width, height, fill: 'white' }), ...children],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSvg(root)}\n`;
}
