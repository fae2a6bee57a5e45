/**
 * JSON input for adapters: reading a file as UTF-8 text, parsing it with the line and column of any syntax error,
 * and finding the line of a top-level key (so messages about a part of the document can say where it is).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportFileError } from './csv.ts';

const display = (file: string) => path.relative(process.cwd(), file) || file;

/** 1-based line and column of a character offset. */
export function lineAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Where JSON.parse failed: V8 names the position for most errors; for an unexpected token it does not, so find it. */
function parseErrorOffset(text: string, message: string): number {
  const m = /at position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (/Unexpected end/.test(message)) return text.length;
  // The shortest prefix that fails other than by being cut short ends at the bad token.
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const prefix = text.slice(0, mid + 1);
    let bad = false;
    try {
      JSON.parse(prefix);
    } catch (e) {
      // Errors at the very end of a prefix (unexpected end, unterminated string or number) only mean it is cut short.
      const msg = (e as Error).message;
      const at = /at position (\d+)/.exec(msg);
      bad = at ? Number(at[1]) < prefix.length : !/Unexpected end/.test(msg);
    }
    if (bad) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string };

/** Parses JSON text (a leading byte-order mark is ignored); on failure, says why and where. */
export function parseJson(text: string): JsonParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (e) {
    const message = (e as Error).message;
    const reason = message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
    const at = lineAt(text, parseErrorOffset(body, message) + (body === text ? 0 : 1));
    return { ok: false, ...at, reason };
  }
}

/**
 * Reads and parses a JSON file. Refuses (ImportFileError) a missing or empty file, bytes that are not UTF-8, and text
 * that
 * is not JSON, naming the line and column. `what` names the expected content in messages, e.g. "ELS indicator
 * metadata".
 */
export async function readJsonFile(file: string, what: string): Promise<{ text: string; value: unknown }> {
  const name = display(file);
  let bytes: Buffer;
  try {
    if ((await stat(file)).size === 0) throw new ImportFileError({ file: name, line: 0 }, 'the file is empty');
    bytes = await readFile(file);
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError({ file: name, line: 0 }, 'file not found or not readable');
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new ImportFileError({ file: name, line: 1 }, 'the file is UTF-16 encoded; save it as UTF-8 and import again');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ImportFileError({ file: name, line: 0 }, 'the file is not UTF-8 text');
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ImportFileError(
      { file: name, line: parsed.line },
      `this is not valid JSON (${what} expected): ${parsed.reason} at line ${parsed.line}, column ${parsed.column}`,
    );
  }
  return { text, value: parsed.value };
}

/** The line of each key of the root object (the first occurrence of a repeated key), for messages. */
export function topLevelKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] !== ':') continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (!lines.has(key)) lines.set(key, line);
    }
  }
  return lines;
}
