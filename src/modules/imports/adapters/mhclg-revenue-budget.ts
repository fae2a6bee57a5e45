/**
 * MHCLG Revenue Account budget (RA) data by authority, the raw files as published (RA_2021-22_data_by_LA.csv,
 * RA_2023-24_data_Part_1.csv): one wide row per authority after a preamble of title, notes, section headings, MHCLG's
 * line ids (2023-24 only: `eduerl`, …) and RA line numbers, then the `E-code,ONS Code,Local authority,…` header. £
 * thousand with thousands separators ("11,896").
 *
 * Imported: budgeted net current expenditure per RA line up to line 849 (NET CURRENT EXPENDITURE): every sub-service
 * (early years, street lighting, waste collection, libraries, …), the service totals, and the items between total
 * service expenditure and net current expenditure (housing benefits, precepts and levies, trading accounts). One
 * metric per RA line number (`mhclg-ra.line-110.net-current-expenditure`), named from the file's own heading and
 * section; line numbers mean the same in both years. The later columns (financing, reserves, council tax, HRA) are
 * other measures and are left out. MHCLG's ENGLAND row (2021-22; it has no codes) is England's figure as published,
 * every authority included; the class totals below it are left out and counted. Where MHCLG gives no England or
 * regional figure, the derivation after publication (imports/derived) sums the councils' figures, every line but those
 * in RA_NOT_SUMMED; each line's caveats say how.
 *
 * Encoding: the 2021-22 file is UTF-8 with a byte-order mark; the 2023-24 file is not UTF-8 and is decoded as Mac
 * Roman (its bytes are that encoding: 0xA3 `£`, 0xD0 `–` in "traffic management – bus lane enforcement", 0xC9 `…` as
 * a value marker, where Windows-1252 would read `Ð` and `É`). Cells: "Category discontinued" → null, status z (not
 * applicable) with a note; `...`/`…` → null, status x; blank → null, status x; negative values are kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { Period, StatusCode } from '../../observations/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError } from '../csv.ts';
import {
  FINANCE_AREA_TYPES,
  MHCLG_SOURCE,
  fieldError,
  financeCell,
  notes,
  parseFinancialYear,
  placeArea,
  NOT_SUMMED,
} from './mhclg-finance.ts';

const NAME = 'mhclg-revenue-budget';
const URL = 'https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing';
/** The last line imported: NET CURRENT EXPENDITURE. */
const LAST_LINE = 849;
const DISCONTINUED = 'category discontinued';
const ENGLAND = 'E92000001';
const ENGLAND_NOTE =
  "MHCLG's England total: every authority's budget, police, fire, national park and other authorities included";

export const raLineCode = (line: number | string) => `mhclg-ra.line-${line}.net-current-expenditure`;

const CAVEATS =
  'Budgets: what authorities planned to spend at the start of the financial year (Revenue Account budget returns, RA), not what they spent (the outturn, RO/RSX). ' +
  '£ thousand at budget-year prices; negative figures are net income. ' +
  '"Category discontinued" marks a line the return no longer collects that year (status z). ' +
  "Councils abolished since 2019 keep their own figures under their old codes; a new council's page shows its predecessors' figures as theirs. " +
  'Police forces, national park authorities and joint waste authorities are not held by this platform and are left out; the GLA is left out because MHCLG files it under the London region code. ';

/**
 * RA lines whose England and regional figures are never summed from councils (imports/derived/specs.ts
 * isSummableInput), and why: most of the spending is by bodies the platform does not hold or does not sum, so a sum
 * over councils would not be England's or a region's figure. Every other line is summed.
 */
export const RA_NOT_SUMMED: ReadonlyMap<number, string> = new Map([
  [601, NOT_SUMMED.police],
  [602, NOT_SUMMED.fire],
]);

/** What every RA line says of its England and regional figures: how they are computed, or why they are not. */
function aggregationCaveat(line: number): string {
  const published =
    "England's figure is MHCLG's own total where the file gives one (2021-22: every authority, police, fire and others included). ";
  const why = RA_NOT_SUMMED.get(line);
  if (why) return `${published}Where it gives none, no England or regional figure is computed for this line: ${why}.`;
  return (
    published +
    'Where MHCLG gives none (England 2023-24, every region), this platform computes one and says so in its note: the sum over every council of the types that hold any of the line that year (counties, districts, unitaries, metropolitan districts, London boroughs: each its own part; fire, combined and other authorities not included), only when every council live at the end of the year has a figure. ' +
    "A council whose return MHCLG had not received has no figures in the file (marked S in 2021-22, where MHCLG's England total includes its imputed figures; M in 2023-24), so England 2023-24 and the regions of such councils have none. " +
    "Levies and precepts are counted once: where a council pays them to a body not summed (a combined authority, a joint waste authority, a parish) the payment stands for that body's spending; where one council pays another, the receiver's negative levy line nets it off."
  );
}

/** One RA line as a file names it. */
interface Line {
  line: number;
  label: string;
  section: string;
  id?: string;
}

/** One file, decoded and parsed: its year, its lines (by column) and its data rows with their file lines. */
interface RaFile {
  name: string;
  period: Period;
  columns: { index: number; line: Line }[];
  ecode: number;
  ons: number;
  /** The "Local authority" column (names the England and class totals, which have no codes); -1 when absent. */
  authority: number;
  rows: { cells: string[]; at: SourceLocation }[];
}

/** UTF-8 (a byte-order mark removed) when the bytes are UTF-8, otherwise Mac Roman (see the header comment). */
export function decodeRa(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('macintosh').decode(bytes);
  }
}

/** "Street lighting (including energy costs)", "Waste Disposal Authority levy *", "Business Support (b)" → cleaned. */
const clean = (s: string) =>
  s
    .replace(/\s+/g, ' ')
    .replace(/\s*(\*|\([a-z]\))$/, '')
    .trim();

function load(file: string): RaFile {
  const name = path.relative(process.cwd(), file) || file;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ImportFileError({ file: name, line: 0 }, `cannot read the file: ${(e as Error).message}`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(decodeRa(bytes), {
      info: true,
      relax_column_count: true,
      skip_empty_lines: false,
    }) as unknown as typeof records;
  } catch (e) {
    const line = e instanceof CsvError ? Number((e as CsvError & { lines?: number }).lines ?? 0) : 0;
    throw new ImportFileError({ file: name, line }, `not a readable CSV file: ${(e as Error).message}`);
  }
  const h = records.findIndex((r) => r.record[0]?.trim() === 'E-code');
  if (h < 1)
    throw new ImportFileError(
      { file: name, line: 1 },
      'no "E-code,ONS Code,Local authority,…" header: not an RA data-by-authority file as MHCLG publishes it',
      { wrongHeader: true },
    );
  const header = records[h]!.record.map((c) => c.trim());
  const headerLine = records[h]!.info.lines;
  const ecode = header.indexOf('E-code');
  const ons = header.indexOf('ONS Code');
  if (ons < 0)
    throw new ImportFileError({ file: name, line: headerLine }, 'the header has no "ONS Code" column', {
      wrongHeader: true,
    });
  const preamble = records.slice(0, h).map((r) => r.record);
  const title = preamble.map((r) => r[0] ?? '').find((c) => /Revenue Account Budget \(RA\) \d{4}-\d{2}/.test(c));
  const period = parseFinancialYear(/\(RA\) (\d{4}-\d{2})/.exec(title ?? '')?.[1]);
  if (!period)
    throw new ImportFileError(
      { file: name, line: 1 },
      'the title does not name the year ("Revenue Account Budget (RA) 2023-24: …")',
    );
  // The line numbers are the row just above the header; line ids (2023-24) and section headings sit above them.
  const numbers = preamble[h - 1]!;
  const first = numbers.findIndex((c, i) => i > ons && /^\d+$/.test(c.trim()));
  const rowWith = (test: (cells: string[]) => boolean) => preamble.slice(0, h - 1).find(test);
  const ids = rowWith((r) => r[first]?.trim() !== '' && /^[a-z][a-z0-9]*$/.test(r[first]?.trim() ?? ''));
  const sections = rowWith((r) => (r[first] ?? '').trim() !== '' && /[A-Z][a-z]/.test(r[first] ?? ''));
  if (first < 0 || !sections)
    throw new ImportFileError(
      { file: name, line: headerLine - 1 },
      'no row of RA line numbers and section headings above the header',
    );
  const columns: RaFile['columns'] = [];
  const seen = new Map<number, number>();
  let section = '';
  for (let i = first; i < header.length; i++) {
    if ((sections[i] ?? '').trim() !== '') section = clean(sections[i]!);
    const raw = (numbers[i] ?? '').trim();
    if (!/^\d+$/.test(raw)) continue;
    const line = Number(raw);
    if (line > LAST_LINE) continue;
    if (seen.has(line))
      throw new ImportFileError(
        { file: name, line: headerLine - 1 },
        `RA line ${line} is in columns ${seen.get(line)! + 1} and ${i + 1}`,
      );
    seen.set(line, i);
    const id = ids?.[i]?.trim();
    columns.push({ index: i, line: { line, label: clean(header[i] ?? ''), section, ...(id ? { id } : {}) } });
  }
  const rows = records
    .slice(h + 1)
    .filter((r) => r.record.some((c) => c.trim() !== ''))
    .map((r) => ({ cells: r.record, at: { file: name, line: r.info.lines } }));
  return { name, period, columns, ecode, ons, authority: header.indexOf('Local authority'), rows };
}

function definition(l: Line): MetricDefinition {
  const total = /^total\b|^net current expenditure$/i.test(l.label);
  const label = total ? l.label[0] + l.label.slice(1).toLowerCase() : l.label;
  // "Net current expenditure" is its own section: the section is named only when it says more than the label.
  const where = l.section.toLowerCase() === label.toLowerCase() ? '' : ` (${l.section})`;
  const ra = `RA line ${l.line}${l.id ? ` (${l.id})` : ''}`;
  return {
    code: raLineCode(l.line),
    title: `${label}${where}: budgeted net current expenditure`,
    shortTitle: `${label}, budget`,
    description: `What the authority planned, at the start of the financial year, to spend net of income: ${label}${where}, ${ra}.`,
    definition: `MHCLG Revenue Account budget (RA), ${ra}, net current expenditure, £ thousand, per authority and financial year.`,
    caveats: CAVEATS + aggregationCaveat(l.line),
    topic: 'workforce-finance',
    subtopic: 'Council finances',
    unit: '£ thousand',
    unitType: 'currency',
    decimalPlaces: 0,
    multiplier: 1000,
    polarity: 'not-applicable',
    periodType: 'financial-year',
    applicableAreaTypes: [...FINANCE_AREA_TYPES],
    source: MHCLG_SOURCE('Local authority revenue expenditure and financing: Revenue Account budget (RA)', URL),
    statisticsStatus: 'official',
    publisherCode: `RA line ${l.line}${l.id ? ` (${l.id})` : ''}`,
  };
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length === 0) throw new Error(`${NAME} takes one or more RA files (RA_2023-24_data_Part_1.csv, …)`);
  const loaded = files.map(load).sort((a, b) => b.period.start.localeCompare(a.period.start));
  // The newest file names each line (its labels are MHCLG's latest wording).
  const lines = new Map<number, Line>();
  for (const f of loaded) for (const c of f.columns) if (!lines.has(c.line.line)) lines.set(c.line.line, c.line);
  for (const l of [...lines.values()].sort((a, b) => a.line - b.line))
    yield { kind: 'metric', metric: definition(l), at: { file: loaded[0]!.name, line: 1 } };
  for (const f of loaded) {
    for (const row of f.rows) {
      let place: ReturnType<typeof placeArea>;
      if ((row.cells[f.ecode] ?? '').trim() === '' && (row.cells[f.ons] ?? '').trim() === '') {
        // MHCLG's own England total (2021-22 gives one) is England's figure, as published.
        if (f.authority < 0 || (row.cells[f.authority] ?? '').trim().toUpperCase() !== 'ENGLAND') {
          ctx.skipped?.(
            row.at,
            'a row with neither E-code nor ONS code: the class totals (London boroughs, …) and the notes below the table',
          );
          continue;
        }
        place = { code: ENGLAND, note: ENGLAND_NOTE };
      } else place = placeArea(row.cells[f.ons], row.cells[f.ecode], f.period, ctx);
      if ('skip' in place) {
        ctx.skipped?.(row.at, place.skip);
        continue;
      }
      for (const { index, line } of f.columns) {
        const raw = row.cells[index] ?? '';
        let value: number | null;
        let status: StatusCode[];
        let note: string | undefined;
        if (raw.trim().toLowerCase() === DISCONTINUED) {
          value = null;
          status = ['z'];
          note = 'MHCLG gives "Category discontinued": the return no longer collects this line';
        } else {
          const cell = financeCell(raw);
          if (!cell.ok) {
            fieldError(ctx, row.at, `RA line ${line.line} (${line.label})`, raw, cell.message);
            continue;
          }
          ({ value, status, note } = cell);
        }
        yield {
          kind: 'observation',
          observation: {
            metric: raLineCode(line.line),
            area: place.code,
            period: f.period,
            value,
            status,
            note: notes(place.note, note),
            at: row.at,
          },
        };
      }
    }
  }
}

export const mhclgRevenueBudgetAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'MHCLG Revenue Account budget (RA), the raw files as published: budgeted net current expenditure per RA line (sub-services such as libraries, waste collection, street lighting)',
  files: 'RA_2021-22_data_by_LA.csv RA_2023-24_data_Part_1.csv',
  signatures: [],
  read,
};
