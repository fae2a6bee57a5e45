/**
 * Checks a CSV download against its CSVW metadata: the CSV names its metadata in a Link header, the metadata parses,
 * describes this CSV, lists the CSV's header columns in order, and carries a licence and attribution.
 */
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { App } from '../../src/platform/app-types.ts';

export interface CsvwDoc {
  '@context': string;
  url: string;
  'dc:title': string;
  'dc:license': string[];
  'dc:rights': string[];
  'dc:publisher': string[];
  'rdfs:comment': string[];
  tableSchema: { columns: { name: string; titles: string; datatype: string; null: string }[] };
}

type Inject = string | { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; payload?: unknown };

/** Fetches the CSV (a URL or inject options), follows its Link header to the metadata and checks the two agree. */
export async function csvWithMetadata(
  app: App,
  request: Inject,
  headers: Record<string, string> = {},
): Promise<{ rows: string[][]; header: string[]; meta: CsvwDoc; body: string }> {
  const req = typeof request === 'string' ? { url: request, headers } : request;
  const res = await app.inject(req as never);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(String(res.headers['content-type'])).toMatch(/^text\/csv/);
  const link = String(res.headers.link ?? '');
  const m = /^<([^>]+)>; rel="describedby"; type="application\/csvm\+json"$/.exec(link);
  expect(m, `Link header: ${link}`).not.toBeNull();
  const metaRes = await app.inject({ url: m![1]!, headers });
  expect(metaRes.statusCode, metaRes.body.slice(0, 300)).toBe(200);
  expect(String(metaRes.headers['content-type'])).toMatch(/^application\/csvm\+json/);
  const meta = JSON.parse(metaRes.body) as CsvwDoc;
  const all = parse(res.body, { relax_column_count: false }) as string[][];
  const header = all[0]!;
  expect(meta['@context']).toBe('http://www.w3.org/ns/csvw');
  expect(new URL(meta.url).pathname + new URL(meta.url).search).toBe(
    m![1]!.replace(/-metadata\.json(\?|$)/, (_all, q: string) => q),
  );
  expect(meta.tableSchema.columns.map((c) => c.name)).toEqual(header);
  for (const c of meta.tableSchema.columns) {
    expect(c.titles).not.toBe('');
    expect(['string', 'integer', 'decimal', 'boolean', 'date', 'dateTime']).toContain(c.datatype);
  }
  expect(meta['dc:title']).not.toBe('');
  return { rows: all.slice(1), header, meta, body: res.body };
}

/** The rows of a CSV as records by header. */
export const records = (header: string[], rows: string[][]) =>
  rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));
