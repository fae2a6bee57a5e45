/**
 * Spreadsheets laid out as the Government Analysis Function's guidance on releasing statistics in spreadsheets asks:
 * a cover sheet, a contents sheet, a notes sheet, then one table per sheet; every sheet starts at A1 with its title,
 * then a line or two about it, then the table with one header row; no merged cells, no blank rows or columns inside a
 * table, numbers stored as numbers, missing values as a shorthand in square brackets explained on the cover.
 * Written with write-excel-file (plain .xlsx, no macros; a string is always a text cell, never a formula), every text
 * cell neutralised as in CSV (platform/csv.ts), so a cell copied or saved out of the workbook cannot become a formula.
 */
import writeXlsxFile, { type Cell, type Row, type Sheet } from 'write-excel-file/node';
import { neutralise } from './csv.ts';

export interface SpreadsheetColumn {
  header: string;
  /** Column width in characters. */
  width?: number;
}

export interface SpreadsheetTable {
  /** Sheet name: up to 31 characters, none of []:*?/\ (made safe and unique here). */
  sheet: string;
  title: string;
  /** Lines between the title and the table (what it shows, its notes). */
  about: string[];
  columns: SpreadsheetColumn[];
  /** Numbers stay numbers; null becomes the `missing` shorthand. */
  rows: (string | number | null)[][];
}

export interface SpreadsheetDoc {
  title: string;
  /** The cover: short paragraphs (what this is, source, licence, contact, when it was made). */
  cover: { heading: string; text: string }[];
  notes: { number: number; text: string }[];
  tables: SpreadsheetTable[];
  /** Shorthand for a cell with no figure, explained on the cover. Default "[x]". */
  missing?: string;
}

const BAD_SHEET_CHARS = /[[\]:*?/\\]/g;

/** Safe, unique sheet names (Excel's 31-character limit, no reserved characters). */
export function sheetNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const base = n.replace(BAD_SHEET_CHARS, ' ').replace(/\s+/g, ' ').trim().slice(0, 31) || 'Table';
    let name = base;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
    used.add(name.toLowerCase());
    return name;
  });
}

const title = (text: string): Cell => ({ value: neutralise(text), type: String, fontWeight: 'bold', fontSize: 14 });
const header = (text: string): Cell => ({ value: neutralise(text), type: String, fontWeight: 'bold', wrap: true });
const bold = (text: string): Cell => ({ value: neutralise(text), type: String, fontWeight: 'bold' });
const text = (value: string): Cell => ({ value: neutralise(value), type: String, wrap: true });

export async function spreadsheet(doc: SpreadsheetDoc): Promise<Buffer> {
  const missing = doc.missing ?? '[x]';
  const names = sheetNames(['Cover', 'Contents', 'Notes', ...doc.tables.map((t) => t.sheet)]);
  const tableNames = names.slice(3);
  const cover: Row[] = [[title(doc.title)]];
  for (const c of doc.cover) cover.push([bold(c.heading)], [text(c.text)]);
  cover.push(
    [bold('Shorthand')],
    [text(`${missing}: no figure (not published, not applicable or suppressed; the notes say which).`)],
  );
  /** A sheet holding one table of text: its title, a line about it, the header row, the rows. */
  const listSheet = (heading: string, about: string, headers: string[], rows: string[][]): Row[] => [
    [title(heading)],
    [text(about)],
    headers.map(header),
    ...rows.map((r) => r.map(text)),
  ];
  const contents = listSheet(
    'Contents',
    'This worksheet contains one table. Each other table is on its own worksheet.',
    ['Worksheet', 'Table'],
    doc.tables.map((t, i) => [tableNames[i]!, t.title]),
  );
  const notes = listSheet(
    'Notes',
    'This worksheet contains one table. Notes are referred to in the tables as [note N].',
    ['Note number', 'Note text'],
    doc.notes.map((n) => [`[note ${n.number}]`, n.text]),
  );
  const sheets: Sheet<never>[] = [
    { sheet: names[0]!, data: cover, columns: [{ width: 100 }] },
    { sheet: names[1]!, data: contents, columns: [{ width: 32 }, { width: 80 }] },
    { sheet: names[2]!, data: notes, columns: [{ width: 14 }, { width: 100 }] },
    ...doc.tables.map((t, i): Sheet<never> => ({
      sheet: tableNames[i]!,
      columns: t.columns.map((c) => ({ width: c.width ?? 16 })),
      data: [
        [title(t.title)],
        ...t.about.map((line): Row => [text(line)]),
        t.columns.map((c) => header(c.header)),
        ...t.rows.map((r): Row =>
          r.map((v): Cell =>
            v === null
              ? { value: neutralise(missing), type: String }
              : typeof v === 'number'
                ? { value: v, type: Number }
                : text(v),
          ),
        ),
      ],
    })),
  ];
  return writeXlsxFile(sheets).toBuffer();
}
