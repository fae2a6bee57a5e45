/**
 * Test helpers: a small well-formedness check for the SVG strings (balanced tags, quoted attributes, no raw & or <)
 * and element counting. Enough for strings we generate ourselves; not a general XML parser.
 */
export function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|#39|#\d+);)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(svg))) {
    if (m[2] === undefined)
      throw new Error(`unescaped ${m[0]} at ${m.index}: …${svg.slice(Math.max(0, m.index - 40), m.index + 40)}…`);
    if (m[4]) continue;
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}> at ${m.index}`);
    } else stack.push(m[2]);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

export const countElements = (svg: string, name: string): number =>
  (svg.match(new RegExp(`<${name}[\\s>/]`, 'g')) ?? []).length;

/** Text content of every <text> element, unescaped. */
export const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
