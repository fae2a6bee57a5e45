import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { CsvError, parse, type Options } from 'csv-parse';
import type { AdapterContext } from './adapter.ts';
import type { SourceLocation } from '../../platform/source.ts';

/** A problem with a whole file (missing, empty, wrong encoding, wrong header): reading stops. */
export class ImportFileError extends Error {
  readonly at: SourceLocation;
  /** True when the header does not fit the adapter (so the engine can suggest the adapter it does fit). */
  readonly wrongHeader: boolean;
  constructor(at: SourceLocation, message: string, opts: { wrongHeader?: boolean } = {}) {
    super(message);
    this.at = at;
    this.wrongHeader = opts.wrongHeader ?? false;
  }
}

export interface CsvRow {
  /** Cells by header name. */
  get(column: string): string | undefined;
  cells: string[];
  at: SourceLocation;
}

export interface CsvOptions {
  /** Columns that must be present in the header. */
  required: string[];
  /** The adapter reading the file, named in messages. */
  adapter: string;
  /** Called with the header when a required column is missing, to say which adapter the file belongs to. */
  suggest?: (header: string[]) => string | undefined;
  delimiter?: string;
  /** Called once with the header, after the required columns were checked. */
  onHeader?: (header: string[]) => void;
}

const display = (file: string) => path.relative(process.cwd(), file) || file;

const SEPARATORS: [string, string][] = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

/**
 * What is wrong with a header as a whole, or undefined: a header cell holding another separator (a semicolon- or
 * tab-separated file read as commas), or a column named twice (which would otherwise resolve to the last one).
 */
export function headerProblem(header: string[]): string | undefined {
  for (const [sep, name] of SEPARATORS) {
    const count = header.reduce((n, h) => n + h.split(sep).length - 1, 0);
    if (count > 0 && count >= header.length) {
      return `the file is separated by ${name}, not commas: save it as "CSV (comma delimited)" or "CSV UTF-8" and import again`;
    }
  }
  const seen = new Map<string, number>();
  for (const [i, h] of header.entries()) {
    if (h === '') continue;
    const first = seen.get(h);
    if (first !== undefined)
      return `column "${h}" appears twice in the header (columns ${first + 1} and ${i + 1}); rename or remove one and import again`;
    seen.set(h, i);
  }
  return undefined;
}

/**
 * Streams a CSV file as rows with line numbers. It refuses (ImportFileError): a missing or empty file, a UTF-16 or
 * UTF-32 file, bytes that are not UTF-8 and NUL bytes (naming the line), malformed CSV (naming the line), a header
 * separated by semicolons or tabs, a column named twice and a header without the required columns. A UTF-8
 * byte-order mark is removed.
 */
export async function* readCsv(
  file: string,
  opts: CsvOptions,
  ctx?: Pick<AdapterContext, 'progress'>,
): AsyncGenerator<CsvRow> {
  const name = display(file);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ImportFileError({ file: name, line: 0 }, `file not found`);
  }
  if (size === 0) throw new ImportFileError({ file: name, line: 0 }, 'the file is empty');

  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let line = 1;
  let first = true;
  let bytes = 0;
  async function* decoded(): AsyncGenerator<string> {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
          throw new ImportFileError(
            { file: name, line: 1 },
            'the file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8) and import again',
          );
        }
      }
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // Find the line of the first bad byte for the message.
        const good = findValidPrefix(chunk);
        const before = chunk.subarray(0, good);
        let l = line;
        for (const b of before) if (b === 0x0a) l++;
        throw new ImportFileError(
          { file: name, line: l },
          `the file is not valid UTF-8 (byte 0x${chunk[good]?.toString(16)} at line ${l}); it may be Windows-1252 or Latin-1. Save it as UTF-8 and import again`,
        );
      }
      const nul = text.indexOf('\0');
      if (nul >= 0) {
        let l = line;
        for (let i = 0; i < nul; i++) if (text.charCodeAt(i) === 10) l++;
        throw new ImportFileError(
          { file: name, line: l },
          `the file holds a NUL byte (0x00) at line ${l}: it is not a text file, or not UTF-8; save it as CSV UTF-8 and import again`,
        );
      }
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
      bytes += chunk.length;
      ctx?.progress(bytes);
      yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  }

  /** Refuses a header that is wrong as a whole or lacks a required column. */
  const checkHeader = (header: string[], at: SourceLocation) => {
    const problem = headerProblem(header);
    if (problem) throw new ImportFileError(at, problem);
    const missing = opts.required.filter((c) => !header.includes(c));
    if (missing.length > 0) {
      const hint = opts.suggest?.(header);
      throw new ImportFileError(
        at,
        `this is not a ${opts.adapter} file: the header lacks ${missing.map((m) => `"${m}"`).join(', ')} (found ${header
          .slice(0, 8)
          .map((h) => `"${h}"`)
          .join(', ')}${header.length > 8 ? ', …' : ''})${hint ? `; ${hint}` : ''}`,
        { wrongHeader: !hint },
      );
    }
  };
  let headerChecked = false;
  const parser = parse({
    delimiter: opts.delimiter ?? ',',
    relax_column_count: false,
    skip_empty_lines: true,
    bom: true,
    // Each record with its line. The header is checked as soon as it is parsed, before any later record: the parser
    // reads ahead a whole chunk, and a semicolon file's first stray comma (line 1,156) must not be reported first.
    // (csv-parse's types have on_record return a record of the input's type; it may return any value.)
    on_record: ((record: string[], info: { lines: number }) => {
      if (!headerChecked) {
        headerChecked = true;
        checkHeader(
          record.map((h) => h.trim()),
          { file: name, line: info.lines },
        );
      }
      return { record, info: { lines: info.lines } };
    }) as unknown as Options['on_record'],
  });
  const source = decoded();
  // Set when the reader stops early (a wrong header, or an adapter giving up): the feed must not wait for a drain.
  let stopped = false;
  const drainOrClose = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done);
        parser.off('close', done);
        resolve();
      };
      parser.once('drain', done);
      parser.once('close', done);
    });
  const feed = (async () => {
    try {
      for await (const text of source) {
        if (stopped) break;
        if (!parser.write(text)) await drainOrClose();
        if (stopped) break;
      }
      if (!stopped) parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();

  let header: string[] | undefined;
  let index = new Map<string, number>();
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const at = { file: name, line: rec.info.lines };
      if (!header) {
        header = rec.record.map((h) => h.trim());
        index = new Map(header.map((h, i) => [h, i]));
        opts.onHeader?.(header);
        continue;
      }
      const cells = rec.record;
      yield {
        cells,
        at,
        get: (c: string) => {
          const i = index.get(c);
          return i === undefined ? undefined : cells[i];
        },
      };
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    // Every error of the CSV parser is about the file (its codes do not all start CSV_: INVALID_OPENING_QUOTE).
    if (e instanceof CsvError) {
      const err = e as CsvError & { lines?: number };
      throw new ImportFileError(
        { file: name, line: err.lines ?? line },
        `malformed CSV: ${err.message.replace(/^Invalid [^:]*: /, '')}${quoteHint(err.code)}`,
      );
    }
    throw e;
  } finally {
    stopped = true;
    parser.destroy();
    await feed;
  }
  if (!header) throw new ImportFileError({ file: name, line: 1 }, 'the file has no header row');
}

/** What to do about a quote in the wrong place. */
function quoteHint(code: string): string {
  return code === 'INVALID_OPENING_QUOTE' || code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'CSV_QUOTE_NOT_CLOSED'
    ? '; a cell holding a quote (") must be enclosed in quotes, with the quote doubled ("")'
    : '';
}

function findValidPrefix(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** Reads a CSV header only (for sniffing which adapter a file belongs to). */
export async function readHeader(file: string): Promise<string[]> {
  for await (const chunk of createReadStream(file, { start: 0, end: 64 * 1024 }) as AsyncIterable<Buffer>) {
    const text = chunk.toString('utf8').replace(/^\uFEFF/, '');
    const first = text.split(/\r?\n/, 1)[0] ?? '';
    return first.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  }
  return [];
}

/**
 * Sorts an adapter's files into kinds (told apart by `kindOf`, usually by header), in any order; two files of one kind
 * are refused, naming both.
 */
export async function filesByKind<K extends string>(
  files: string[],
  kindOf: (file: string) => Promise<K>,
): Promise<Map<K, string>> {
  const byKind = new Map<K, string>();
  for (const f of files) {
    const kind = await kindOf(f);
    const earlier = byKind.get(kind);
    if (earlier)
      throw new ImportFileError(
        { file: display(f), line: 1 },
        `two ${kind} files given (${display(earlier)} and this one); give one of each`,
      );
    byKind.set(kind, f);
  }
  return byKind;
}
