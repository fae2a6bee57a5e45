/**
 * Writing CSV safely, and the one description of a CSV's columns that both the file and its CSVW metadata come from.
 *
 * Formula injection: a spreadsheet opening a CSV (or a cell copied out of an XLSX) runs a cell that starts with `=`,
 * `+`, `-` or `@` (or a tab or carriage return before them) as a formula, so a council's custom group named
 * `=HYPERLINK(…)` or a respondent's free text would become a live link or worse. Following OWASP's advice, every such
 * string cell gets a leading single quote; numbers written as numbers are never touched, nor is a string that is a
 * plain number in a numeric column ("-5"), nor a lone "-" (the surveys' "not applicable" shorthand, which no
 * spreadsheet reads as a formula). Every CSV and XLSX writer of the service goes through `neutralise`.
 */
import { Readable } from 'node:stream';
import { stringify as stringifySync } from 'csv-stringify/sync';

/** The CSVW datatypes the service's columns use (https://www.w3.org/TR/tabular-data-primer/#datatypes). */
export type CsvDatatype = 'string' | 'integer' | 'decimal' | 'boolean' | 'date' | 'dateTime';

/** One column of a CSV: its header name, a human title, its CSVW datatype and what it holds. */
export interface CsvColumn {
  name: string;
  title: string;
  datatype: CsvDatatype;
  description: string;
}

export type CsvCell = string | number | boolean | null | undefined;
/** A row as an array in column order, or an object keyed by column name. */
export type CsvRow = readonly CsvCell[] | object;

/** A column list from compact entries: [name, title, datatype, description]. */
export const csvColumns = (entries: readonly (readonly [string, string, CsvDatatype, string])[]): CsvColumn[] =>
  entries.map(([name, title, datatype, description]) => ({ name, title, datatype, description }));

/** The header row: the columns' names, in order. */
export const columnNames = (columns: readonly CsvColumn[]): string[] => columns.map((c) => c.name);

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const NUMERIC: ReadonlySet<CsvDatatype> = new Set(['integer', 'decimal']);

/**
 * A string cell made safe to open in a spreadsheet: prefixed with `'` when it starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return, unless it is a plain number in a numeric column, or a lone "-".
 */
export function neutralise(value: string, numeric = false): string {
  if (!FORMULA_START.test(value) || value === '-') return value;
  if (numeric && PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}

const cell = (v: unknown, numeric: boolean): string | number | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return String(v);
  return neutralise(typeof v === 'string' ? v : JSON.stringify(v), numeric);
};

/**
 * A row in column order with every string cell neutralised. An array row must have one cell per column: a builder
 * that drifted from its column list fails loudly rather than shifting values under the wrong headers.
 */
export function safeRow(row: CsvRow, columns: readonly CsvColumn[]): (string | number | null)[] {
  if (Array.isArray(row)) {
    const cells = row as readonly CsvCell[];
    if (cells.length !== columns.length)
      throw new Error(`A CSV row has ${cells.length} cells for ${columns.length} columns (${columns[0]?.name} …)`);
    return cells.map((v, i) => cell(v, NUMERIC.has(columns[i]!.datatype)));
  }
  const record = row as Readonly<Record<string, unknown>>;
  return columns.map((c) => cell(record[c.name], NUMERIC.has(c.datatype)));
}

/**
 * Streams rows as CSV (UTF-8, a header row, RFC 4180 quoting), every cell through `safeRow`, written straight to text
 * in chunks of lines (csvChunks below).
 */
export function csvStream(rows: Iterable<CsvRow> | AsyncIterable<CsvRow>, columns: readonly CsvColumn[]): Readable {
  async function* safe() {
    for await (const r of rows) yield safeRow(r, columns);
  }
  return Readable.from(csvChunks(columnNames(columns), safe()));
}

/** The same as one string, for small files and the command line. */
export function csvText(rows: Iterable<CsvRow>, columns: readonly CsvColumn[]): string {
  const safe = [...rows].map((r) => safeRow(r, columns));
  return stringifySync(safe, { header: true, columns: columnNames(columns) });
}

/*
 * CSV written straight to text for large downloads: the same output as csv-stringify's defaults (comma, `"` quotes
 * doubled inside, a field quoted only when it holds a comma, a quote or a line break; null empty; lines ending in
 * `\n`), without its per-field option handling and a stream step per row, which took most of a download's time
 * (measured: data.csv of 3,000 rows spent 15% of the server's time in csv-stringify). Rows go out in chunks of lines.
 */
export type CsvValue = string | number | null | undefined;

const NEEDS_QUOTES = /[",\n\r]/;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly CsvValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvField(values[i]);
  return `${line}\n`;
}

/** The header and the rows as text, `linesPerChunk` lines at a time (for Readable.from). */
export async function* csvChunks(
  columns: readonly string[],
  rows: Iterable<readonly CsvValue[]> | AsyncIterable<readonly CsvValue[]>,
  linesPerChunk = 500,
): AsyncGenerator<string> {
  let chunk = csvLine(columns);
  let n = 1;
  for await (const r of rows) {
    chunk += csvLine(r);
    if (++n >= linesPerChunk) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (chunk) yield chunk;
}
