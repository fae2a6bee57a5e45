/** Reads a wide responses CSV (one row per respondent) into the column store, with file and line in every message. */
import { readCsv } from '../imports/index.ts';
import type { SurveyDefinition } from './definition/index.ts';
import { loadResponses, type ReadOptions, type ResponseData } from './responses.ts';

export async function readResponsesCsv(def: SurveyDefinition, file: string, opts: Omit<ReadOptions, 'source'>): Promise<ResponseData> {
  let header: string[] = [];
  const rows: Array<{ line: number; cells: string[] }> = [];
  for await (const r of readCsv(file, { required: [], adapter: 'survey responses', onHeader: (h) => { header = h; } })) {
    rows.push({ line: r.at.line, cells: r.cells });
  }
  if (header.length === 0) throw new Error(`${file}: the file has no header row`);
  return loadResponses(def, header, rows, { ...opts, source: file });
}
