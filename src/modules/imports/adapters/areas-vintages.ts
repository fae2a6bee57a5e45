/**
 * areas-vintages: English local government geography, 2019 to 2025, with what came before and after.
 *
 * Files (told apart by their header, in any order):
 * - england_ltla_vintages_2019_2025.csv (required): every LTLA per vintage year with its county, upper tier, region,
 *   metropolitan county, combined authority and (2021 and 2024 only) fire and rescue authority. Vintage N is the
 *   position in April of year N.
 * - ons_la_changes_2014_2025.csv (required): mergers, new codes and terminations, with the first year of the new code.
 * - mysociety_uk_local_authorities.csv (required): start and end dates, replaced-by and former GSS codes.
 * - ons_ltla14_lookup.csv (optional): the 2014 position, giving the counties and regions of the councils abolished in
 *   2019 (and the successors of the old Dorset county).
 *
 * Dates: an area created by a change starts on 1 April of the change's year and its predecessor ends on 31 March.
 * mySociety's start dates are used only when they fall on 1 April (the day reorganisations take effect) or belong to a
 * combined authority; its other dates (e.g. 2005-06-19) are when councils entered its register, not when they began.
 * Parents hold from the April of the first vintage showing them to the March before the first vintage that does not;
 * consecutive vintages with the same parent make one interval. Fire and rescue authorities are published for 2021 and
 * 2024 only: each vintage from 2021 takes the nearest of the two (the lookups agree on every council in both), and
 * none is claimed before 2021, when Hampshire and the Isle of Wight combined.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import { isIsoDate, type GeographyBundle } from '../../areas/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError, readCsv, readHeader, type CsvRow } from '../csv.ts';
import { buildGeography, type ParsedGeography } from './areas-vintages-build.ts';
import { COUNCILS_AND_COMBINED_AUTHORITIES, LOWER_TIER, UPPER_TIER } from './tiers.ts';
import { checkStoredText, normaliseText } from '../../../platform/text.ts';

const NAME = 'areas-vintages';

/** The adapter context, counting the problems reported (a row with any is left out). */
interface CountingContext extends AdapterContext {
  errors: number;
}

type Kind = 'vintages' | 'changes' | 'mysociety' | 'ltla14';
const COLUMNS: Record<Kind, string[]> = {
  vintages: [
    'vintage',
    'ltla_code',
    'ltla_name',
    'ltla_type',
    'county_code',
    'county_name',
    'utla_code',
    'utla_name',
    'region_code',
    'region_name',
    'met_county_code',
    'met_county_name',
    'combined_authority_code',
    'combined_authority_name',
    'fire_rescue_authority_code',
    'fire_rescue_authority_name',
  ],
  changes: ['oldcd', 'oldnm', 'newcd', 'newnm', 'type', 'start'],
  mysociety: [
    'local-authority-code',
    'nice-name',
    'gss-code',
    'start-date',
    'end-date',
    'replaced-by',
    'nation',
    'local-authority-type',
    'former-gss-codes',
  ],
  ltla14: ['ltlacd', 'ltlanm', 'ctycd', 'ctynm', 'mctycd', 'mctynm', 'rgncd', 'rgnnm', 'ctrycd'],
};
const FILE_NAMES: Record<Kind, string> = {
  vintages: 'england_ltla_vintages_2019_2025.csv',
  changes: 'ons_la_changes_2014_2025.csv',
  mysociety: 'mysociety_uk_local_authorities.csv',
  ltla14: 'ons_ltla14_lookup.csv',
};
/** Files derived or fixed in shape: a column we do not know means a different file, so it is refused, not ignored. */
const STRICT: ReadonlySet<Kind> = new Set(['vintages', 'changes']);
const REQUIRED: Kind[] = ['vintages', 'changes', 'mysociety'];

const LTLA_TYPES: Record<string, string> = {
  'Unitary authority': 'E06',
  'Non-metropolitan (shire) district': 'E07',
  'Metropolitan district': 'E08',
  'London borough': 'E09',
};
const CHANGE_TYPES = new Set(['merger', 'new_code', 'termination', 'new_geo']);
const display = (file: string) => path.relative(process.cwd(), file) || file;

/** Which of our files a header belongs to: a full match, else the closest (so readCsv can name the missing columns). */
function identify(header: string[]): Kind | undefined {
  const cols = new Set(header);
  const kinds = Object.keys(COLUMNS) as Kind[];
  const full = kinds.find((k) => COLUMNS[k].every((c) => cols.has(c)));
  if (full) return full;
  let best: Kind | undefined;
  let score = 0;
  for (const k of kinds) {
    const n = COLUMNS[k].filter((c) => cols.has(c)).length;
    if (n > score && n >= Math.ceil(COLUMNS[k].length / 2)) [best, score] = [k, n];
  }
  return best;
}

/** Reads one row's cell as a GSS code with one of the given prefixes; reports and returns null when it is not one. */
function codeCell(
  row: CsvRow,
  ctx: AdapterContext,
  column: string,
  prefixes: readonly string[],
  optional: boolean,
): string | null | undefined {
  const raw = row.get(column) ?? '';
  const v = raw.trim();
  if (v === '') {
    if (optional) return undefined;
    ctx.error({
      at: row.at,
      field: column,
      value: raw,
      message: `is empty; a ${prefixes.join('/')} GSS code is needed`,
    });
    return null;
  }
  if (!/^E\d{8}$/.test(v) || !prefixes.includes(v.slice(0, 3))) {
    ctx.error({
      at: row.at,
      field: column,
      value: raw,
      message: `"${raw}" is not a ${prefixes.join(' or ')} GSS code (such as ${prefixes[0]}000001)`,
    });
    return null;
  }
  return v;
}

function yearCell(row: CsvRow, ctx: AdapterContext, column: string): number | null {
  const raw = row.get(column) ?? '';
  const y = Number(raw.trim());
  if (!/^\d{4}$/.test(raw.trim()) || y < 1974 || y > 2100) {
    ctx.error({ at: row.at, field: column, value: raw, message: `"${raw}" is not a year such as 2023` });
    return null;
  }
  return y;
}

function dateCell(row: CsvRow, ctx: AdapterContext, column: string): string | null | undefined {
  const raw = (row.get(column) ?? '').trim();
  if (raw === '') return undefined;
  if (!isIsoDate(raw)) {
    ctx.error({ at: row.at, field: column, value: raw, message: `"${raw}" is not a date written YYYY-MM-DD` });
    return null;
  }
  return raw;
}

const nameCell = (row: CsvRow, ctx: AdapterContext, column: string): string | null => {
  const v = (row.get(column) ?? '').trim();
  if (v === '') ctx.error({ at: row.at, field: column, value: '', message: 'is empty; a name is needed' });
  const unsafe = checkStoredText(column, v);
  if (unsafe) ctx.error({ at: row.at, ...unsafe });
  return v === '' || unsafe ? null : normaliseText(v);
};

async function readVintages(file: string, ctx: CountingContext, out: ParsedGeography): Promise<void> {
  const seen = new Set<string>();
  for await (const row of readCsv(file, { required: COLUMNS.vintages, adapter: NAME }, ctx)) {
    const before = ctx.errors;
    const year = yearCell(row, ctx, 'vintage');
    const code = codeCell(row, ctx, 'ltla_code', LOWER_TIER, false);
    const name = nameCell(row, ctx, 'ltla_name');
    const typeRaw = row.get('ltla_type') ?? '';
    if (code && LTLA_TYPES[typeRaw] !== code.slice(0, 3)) {
      ctx.error({
        at: row.at,
        field: 'ltla_type',
        value: typeRaw,
        message: `"${typeRaw}" does not fit ${code} (${Object.entries(LTLA_TYPES)
          .map(([t, p]) => `${p} ${t}`)
          .join(', ')})`,
      });
    }
    const district = code?.startsWith('E07') ?? false;
    const county = codeCell(row, ctx, 'county_code', ['E10'], !district);
    if (county && !district)
      ctx.error({
        at: row.at,
        field: 'county_code',
        value: county,
        message: `only shire districts (E07) have a county; ${code} is not one`,
      });
    const utla = codeCell(row, ctx, 'utla_code', UPPER_TIER, false);
    if (code && utla && utla !== (district ? county : code)) {
      ctx.error({
        at: row.at,
        field: 'utla_code',
        value: utla,
        message: `the upper tier of ${code} should be ${district ? `its county ${county ?? ''}` : 'the council itself'}`,
      });
    }
    const region = codeCell(row, ctx, 'region_code', ['E12'], false);
    const met = codeCell(row, ctx, 'met_county_code', ['E11'], true);
    const ca = codeCell(row, ctx, 'combined_authority_code', ['E47'], true);
    const fra = codeCell(row, ctx, 'fire_rescue_authority_code', ['E31'], true);
    const named = (c: string | null | undefined, col: string) => (c ? nameCell(row, ctx, col) : undefined);
    const names = {
      county: named(county, 'county_name'),
      region: named(region, 'region_name'),
      met: named(met, 'met_county_name'),
      ca: named(ca, 'combined_authority_name'),
      fra: named(fra, 'fire_rescue_authority_name'),
    };
    const key = `${year}|${code}`;
    if (year && code && seen.has(key))
      ctx.error({ at: row.at, field: 'ltla_code', value: code, message: `${code} appears twice in vintage ${year}` });
    seen.add(key);
    if (ctx.errors > before || year === null || !code || !name || !utla || !region) continue;
    const opt = (c: string | null | undefined, n: string | null | undefined) =>
      c && n ? { code: c, name: n } : undefined;
    out.vintages.push({
      year,
      code,
      name,
      region: { code: region, name: names.region! },
      county: opt(county, names.county),
      upperTier: utla,
      met: opt(met, names.met),
      ca: opt(ca, names.ca),
      fra: opt(fra, names.fra),
      at: row.at,
    });
  }
}

async function readChanges(file: string, ctx: CountingContext, out: ParsedGeography): Promise<void> {
  for await (const row of readCsv(file, { required: COLUMNS.changes, adapter: NAME }, ctx)) {
    const old = (row.get('oldcd') ?? '').trim();
    const type = (row.get('type') ?? '').trim();
    if (!CHANGE_TYPES.has(type)) {
      ctx.error({
        at: row.at,
        field: 'type',
        value: type,
        message: `"${type}" is not one of ${[...CHANGE_TYPES].join(', ')}`,
      });
      continue;
    }
    if (!old.startsWith('E')) {
      ctx.skipped?.(row.at, 'changes outside England');
      continue;
    }
    if (type === 'new_geo') {
      ctx.skipped?.(row.at, 'combined-authority memberships (read from the vintage file)');
      continue;
    }
    const oldCode = codeCell(row, ctx, 'oldcd', COUNCILS_AND_COMBINED_AUTHORITIES, false);
    const newCode =
      type === 'termination' ? undefined : codeCell(row, ctx, 'newcd', COUNCILS_AND_COMBINED_AUTHORITIES, false);
    if (type === 'termination' && (row.get('newcd') ?? '').trim() !== '') {
      ctx.error({ at: row.at, field: 'newcd', value: row.get('newcd'), message: 'a termination has no new code' });
      continue;
    }
    const year = yearCell(row, ctx, 'start');
    const oldName = nameCell(row, ctx, 'oldnm');
    const newName = newCode ? nameCell(row, ctx, 'newnm') : undefined;
    if (!oldCode || newCode === null || year === null || !oldName || newName === null) continue;
    out.changes.push({
      old: oldCode,
      oldName,
      new: newCode,
      newName,
      type: type as 'merger' | 'new_code' | 'termination',
      year,
      at: row.at,
    });
  }
}

async function readMySociety(file: string, ctx: CountingContext, out: ParsedGeography): Promise<void> {
  for await (const row of readCsv(file, { required: COLUMNS.mysociety, adapter: NAME }, ctx)) {
    if ((row.get('nation') ?? '').trim() !== 'England') {
      ctx.skipped?.(row.at, 'councils outside England');
      continue;
    }
    const laCode = (row.get('local-authority-code') ?? '').trim();
    const rawGss = (row.get('gss-code') ?? '').trim();
    if (/^E61\d{6}$/.test(rawGss)) {
      ctx.skipped?.(row.at, 'the Greater London Authority (not a council type held)');
      continue;
    }
    const gss = codeCell(row, ctx, 'gss-code', COUNCILS_AND_COMBINED_AUTHORITIES, false);
    const start = dateCell(row, ctx, 'start-date');
    const end = dateCell(row, ctx, 'end-date');
    const name = nameCell(row, ctx, 'nice-name');
    const list = (col: string) =>
      (row.get(col) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    const former = list('former-gss-codes');
    const badFormer = former.filter((c) => !/^E\d{8}$/.test(c));
    if (badFormer.length > 0)
      ctx.error({
        at: row.at,
        field: 'former-gss-codes',
        value: row.get('former-gss-codes'),
        message: `"${badFormer.join(', ')}" is not a GSS code`,
      });
    if (!/^[A-Z]{3,5}$/.test(laCode))
      ctx.error({
        at: row.at,
        field: 'local-authority-code',
        value: laCode,
        message: `"${laCode}" is not a mySociety register code such as BNS`,
      });
    if (!gss || start === null || end === null || !name || badFormer.length > 0 || !/^[A-Z]{3,5}$/.test(laCode))
      continue;
    out.mysociety.push({ laCode, gss, name, start, end, replacedBy: list('replaced-by'), former, at: row.at });
  }
}

async function readLtla14(file: string, ctx: CountingContext, out: ParsedGeography): Promise<void> {
  for await (const row of readCsv(file, { required: COLUMNS.ltla14, adapter: NAME }, ctx)) {
    if ((row.get('ctrycd') ?? '').trim() !== 'E92000001') {
      ctx.skipped?.(row.at, 'councils outside England');
      continue;
    }
    const code = codeCell(row, ctx, 'ltlacd', LOWER_TIER, false);
    const county = codeCell(row, ctx, 'ctycd', ['E10'], !code?.startsWith('E07'));
    const met = codeCell(row, ctx, 'mctycd', ['E11'], true);
    const region = codeCell(row, ctx, 'rgncd', ['E12'], false);
    if (!code || county === null || met === null || !region) continue;
    const name = (row.get('ltlanm') ?? '').trim();
    const unsafe = checkStoredText('ltlanm', name);
    if (unsafe) ctx.error({ at: row.at, ...unsafe });
    out.ltla14.push({ code, name: normaliseText(name), county, met, region, at: row.at });
  }
}

const READERS: Record<Kind, (file: string, ctx: CountingContext, out: ParsedGeography) => Promise<void>> = {
  vintages: readVintages,
  changes: readChanges,
  mysociety: readMySociety,
  ltla14: readLtla14,
};

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  const byKind = new Map<Kind, string>();
  for (const file of files) {
    const at: SourceLocation = { file: display(file), line: 1 };
    if (!existsSync(file)) throw new ImportFileError({ ...at, line: 0 }, 'file not found');
    const header = await readHeader(file);
    const kind = identify(header);
    if (!kind) {
      throw new ImportFileError(
        at,
        `this is not a file the ${NAME} importer reads (found ${header
          .slice(0, 6)
          .map((h) => `"${h}"`)
          .join(', ')}${header.length > 6 ? ', …' : ''}); it takes ${Object.values(FILE_NAMES).join(', ')}`,
        { wrongHeader: true },
      );
    }
    if (byKind.has(kind))
      throw new ImportFileError(
        at,
        `two ${FILE_NAMES[kind]} files were given (${display(byKind.get(kind)!)} and this one); give each file once`,
      );
    const lacking = COLUMNS[kind].filter((c) => !header.includes(c));
    const unknown = STRICT.has(kind) ? header.filter((h) => h !== '' && !COLUMNS[kind].includes(h)) : [];
    if (lacking.length > 0 || unknown.length > 0) {
      const list = (cs: string[]) => cs.map((c) => `"${c}"`).join(', ');
      throw new ImportFileError(
        at,
        `${lacking.length > 0 ? `this looks like ${FILE_NAMES[kind]} but the header lacks ${list(lacking)}` : `unknown column ${list(unknown)} in ${FILE_NAMES[kind]}`}${lacking.length > 0 && unknown.length > 0 ? ` and has unknown column ${list(unknown)}` : ''}; its columns are ${COLUMNS[kind].join(', ')}`,
      );
    }
    byKind.set(kind, file);
  }
  const missing = REQUIRED.filter((k) => !byKind.has(k));
  if (missing.length > 0) {
    throw new ImportFileError(
      { file: FILE_NAMES[missing[0]!], line: 0 },
      `${NAME} also needs ${missing.map((k) => FILE_NAMES[k]).join(' and ')} (told apart by their header: ${missing.map((k) => COLUMNS[k].slice(0, 4).join(',')).join('; ')})`,
    );
  }
  const parsed: ParsedGeography = {
    vintages: [],
    changes: [],
    mysociety: [],
    ltla14: [],
    hasLtla14: byKind.has('ltla14'),
  };
  const counting: CountingContext = {
    errors: 0,
    error(issue) {
      this.errors++;
      ctx.error(issue);
    },
    progress: (bytes) => ctx.progress(done + bytes),
    skipped: (at, reason) => ctx.skipped?.(at, reason),
  };
  let done = 0; // bytes of the files already read: progress is across all files
  for (const kind of ['vintages', 'changes', 'mysociety', 'ltla14'] as Kind[]) {
    const file = byKind.get(kind);
    if (!file) continue;
    await READERS[kind](file, counting, parsed);
    done += statSync(file).size;
  }
  if (counting.errors > 0) return; // every row problem is reported; a bundle from partial files would be wrong
  const geography: GeographyBundle = buildGeography(parsed, counting);
  if (counting.errors > 0) return;
  yield { kind: 'geography', geography };
}

export const areasVintagesAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'English council geography 2019 to 2025: councils, counties, regions, combined and fire authorities, parents over time, predecessors and successors',
  files: `${FILE_NAMES.vintages}, ${FILE_NAMES.changes} and ${FILE_NAMES.mysociety} (optionally ${FILE_NAMES.ltla14})`,
  signatures: (Object.keys(COLUMNS) as Kind[]).map((k) => COLUMNS[k]),
  read,
};
