/** Reads a wide responses CSV (one row per respondent) into the column store, with file and line in every message. */
import type { SurveyDefinition } from '../definition/index.ts';
import { readCsvRows } from './csv-rows.ts';
import { loadResponses, type ReadOptions, type ResponseData } from './responses.ts';

export async function readResponsesCsv(
  def: SurveyDefinition,
  file: string,
  opts: Omit<ReadOptions, 'source'>,
): Promise<ResponseData> {
  const { name, header, rows } = await readCsvRows(file);
  return loadResponses(def, header, rows, { ...opts, source: name });
}
