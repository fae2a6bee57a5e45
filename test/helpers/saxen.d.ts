// saxen (a small SAX parser, already installed with read-excel-file) ships no types: the part test/helpers/xml.ts uses.
declare module 'saxen' {
  type Decode = (s: string) => string;
  export class Parser {
    on(
      event: 'openTag',
      cb: (name: string, attrs: () => Record<string, string>, decode: Decode, selfClosing: boolean) => void,
    ): void;
    on(event: 'closeTag', cb: (name: string, decode: Decode, selfClosing: boolean) => void): void;
    on(event: 'text', cb: (text: string, decode: Decode) => void): void;
    on(event: 'error' | 'warn', cb: (err: Error) => void): void;
    parse(xml: string): void;
  }
}
