/**
 * A whole CSV file as a header and rows with line numbers, read by the import engine's reader (UTF-8 checks, the line
 * of
 * a malformed row), with its refusals turned into the one error shape (400 `invalid-file`, naming file and line).
 */
import path from 'node:path';
import { AppError } from '../../../platform/errors.ts';
import { ImportFileError, readCsv } from '../../imports/index.ts';

export interface CsvRows {
  name: string;
  header: string[];
  rows: Array<{ line: number; cells: string[] }>;
}

export const fileError = (file: string, line: number, message: string, value?: string) =>
  new AppError(400, 'invalid-file', `${file}:${line}: ${message}`, [{ field: `${file}:${line}`, message, value }]);

export async function readCsvRows(file: string): Promise<CsvRows> {
  const name = path.relative(process.cwd(), file) || file;
  let header: string[] = [];
  const rows: CsvRows['rows'] = [];
  try {
    for await (const r of readCsv(file, {
      required: [],
      adapter: 'CSV',
      onHeader: (h) => {
        header = h;
      },
    }))
      rows.push({ line: r.at.line, cells: r.cells });
  } catch (e) {
    if (e instanceof ImportFileError) throw fileError(e.at.file, e.at.line, e.message);
    throw e;
  }
  if (header.length === 0) throw fileError(name, 1, 'the file has no header row');
  return { name, header, rows };
}
