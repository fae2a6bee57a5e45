import { Parser } from 'saxen';

/** An element of a parsed XML document: its name, attributes, text (entities decoded) and child elements. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/**
 * Parses an XML document into elements, refusing what is not well-formed: a parser error or warning, a closing tag
 * that does not close the open element, an element left open, or other than one root element.
 */
export function parseXml(xml: string): XmlElement {
  const parser = new Parser();
  const document: XmlElement = { name: '#document', attrs: {}, text: '', children: [] };
  const open = [document];
  const fail = (e: Error | string) => {
    throw e instanceof Error ? e : new Error(e);
  };
  parser.on('openTag', (name, attrs, _decode, selfClosing) => {
    const el: XmlElement = { name, attrs: attrs(), text: '', children: [] };
    open.at(-1)!.children.push(el);
    if (!selfClosing) open.push(el);
  });
  parser.on('closeTag', (name, _decode, selfClosing) => {
    if (selfClosing) return;
    const el = open.pop();
    if (!el || el === document || el.name !== name) fail(`</${name}> does not close <${el?.name ?? ''}>`);
  });
  parser.on('text', (text, decode) => {
    open.at(-1)!.text += decode(text);
  });
  parser.on('error', fail);
  parser.on('warn', fail);
  parser.parse(xml);
  if (open.length !== 1) fail(`<${open.at(-1)!.name}> is never closed`);
  if (document.children.length !== 1) fail(`${document.children.length} root elements`);
  if (document.text.trim() !== '') fail('text outside the root element');
  return document.children[0]!;
}

/** The child elements of a name. */
export const childrenNamed = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);
