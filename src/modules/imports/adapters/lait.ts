/**
 * DfE Local Authority Interactive Tool (LAIT): children's services indicators for the upper-tier councils that run
 * children's services, their regions and England. Three files, told apart by header, in any order:
 *   lait_indicators_long.csv            measure_short, period, dfe_la_number, gss_code, value
 *   lait_data_dictionary.csv            Measure_short, Topic, Measure, Polarity, dps, Year_Type, …
 *   lait_la_number_to_gss_crosswalk.csv dfe_la_number, gss_code, former_gss_codes, …
 *
 * LAIT writes periods in mixed forms and names a year by the year it ends: for an academic-year measure `2019` is
 * 2018/19 (results in summer 2019), for a financial-year measure `2019` is 2018/19 (year to 31 March 2019). `2019/20`
 * and `2019-20` are that year; `2016-18` three calendar years; `2013/14-15/16` three financial years. `(Rev)` marks a
 * revised figure, `(prov)` a provisional one, `(Final)` a final one and `(OT)` outturn (not a budget). Snapshot
 * measures
 * are dated: `Annual` (children in need and looked after) as at 31 March, `Annual (end of Sept)` (workforce) as at
 * 30 September, `Annual - January` (school census) the January census month.
 *
 * DfE kept its LA number when a county became a unitary (Buckinghamshire 2020, North Yorkshire and Somerset 2023) and
 * LAIT gives the current GSS code for every year; rows for periods that began before the unitary existed are filed
 * under the county's code from the crosswalk's `former_gss_codes`, since the county council ran children's services
 * then. A code retired before the period began whose one successor is the same council under a new code (the 2025
 * re-coding of Barnsley and Sheffield) is filed under the successor. Inner and Outer London (E13) rows are left out
 * when the
 * catalogue does not hold those groupings, and so are figures DfE still gives for a county after it was split between
 * several unitaries or merged (age-19 attainment and reoffending for the old Dorset, Poole, Bournemouth,
 * Northamptonshire
 * and Cumbria): each is counted.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition, Polarity, UnitType } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { filesByKind, ImportFileError, readCsv, readHeader } from '../csv.ts';
import {
  academicYear,
  calendarYear,
  financialYear,
  fromIso,
  multiYear,
  PeriodError,
  type Period,
} from '../../observations/index.ts';
import { parseValueCell, type StatusCode } from '../../observations/index.ts';
import { UPPER_TIER } from './tiers.ts';

const NAME = 'lait';
const PREFIX = 'dfe-lait';

const COLUMNS = {
  observations: ['measure_short', 'period', 'dfe_la_number', 'gss_code', 'value'],
  dictionary: ['Measure_short', 'Topic', 'Measure', 'Polarity', 'dps', 'Year_Type'],
  crosswalk: ['dfe_la_number', 'gss_code', 'former_gss_codes'],
} as const;
type Kind = keyof typeof COLUMNS;
const FILE_NAMES: Record<Kind, string> = {
  observations: 'lait_indicators_long.csv',
  dictionary: 'lait_data_dictionary.csv',
  crosswalk: 'lait_la_number_to_gss_crosswalk.csv',
};

const display = (file: string) => path.relative(process.cwd(), file) || file;

/** How LAIT's Year_Type says its periods run. */
export type YearType =
  'academic' | 'financial' | 'calendar' | 'as-at-31-march' | 'as-at-30-september' | 'january-census';
const YEAR_TYPES: Record<string, YearType> = {
  'Academic Year': 'academic',
  'Financial Year': 'financial',
  'Calendar Year': 'calendar',
  Annual: 'as-at-31-march',
  'Annual (end of Sept)': 'as-at-30-september',
  'Annual - January': 'january-census',
};
const PERIOD_TYPE_TEXT: Record<YearType, string> = {
  academic: 'academic-year',
  financial: 'financial-year',
  calendar: 'calendar-year',
  'as-at-31-march': 'as at 31 March',
  'as-at-30-september': 'as at 30 September',
  'january-census': 'January school census',
};

export interface LaitPeriod {
  period: Period;
  status: StatusCode[];
  note: string | null;
}

const SUFFIXES: Record<string, { status: StatusCode[]; note: string | null }> = {
  rev: { status: ['r'], note: null },
  prov: { status: ['p'], note: null },
  final: { status: [], note: 'final figure' },
  ot: { status: [], note: 'outturn' },
};

/** Reads a LAIT period for a measure of the given year type; a string is the reason it could not be read. */
export function parseLaitPeriod(raw: string, yearType: YearType): LaitPeriod | string {
  const m = /^(\d{4})(?:([/-])(\d{2})(?:-(\d{2})\/(\d{2}))?)?(?:\s*\((Rev|prov|Final|OT)\))?$/i.exec(raw.trim());
  if (!m) return `"${raw}" is not a LAIT period such as 2019, 2019/20, 2019-20, 2016-18, 2013/14-15/16 or 2018 (Rev)`;
  const year = Number(m[1]);
  const sep = m[2];
  const second = m[3] === undefined ? undefined : Number(m[3]);
  const suffix = SUFFIXES[(m[6] ?? '').toLowerCase()] ?? { status: [], note: null };
  const century = Math.floor(year / 100) * 100;
  let period: Period;
  try {
    if (second === undefined) {
      // A bare year names the year the period ends (or the snapshot's year).
      period =
        yearType === 'academic'
          ? academicYear(year - 1)
          : yearType === 'financial'
            ? financialYear(year - 1)
            : yearType === 'calendar'
              ? calendarYear(year)
              : yearType === 'as-at-31-march'
                ? fromIso(`${year}-03-31`, 'P1D')
                : yearType === 'as-at-30-september'
                  ? fromIso(`${year}-09-30`, 'P1D')
                  : fromIso(`${year}-01-01`, 'P1M');
    } else if (m[4] !== undefined) {
      // 2013/14-15/16: several financial (or academic) years, first to last.
      const last = century + Number(m[4]);
      if (second !== (year + 1) % 100 || Number(m[5]) !== (last + 1) % 100)
        return `"${raw}" is not a span of consecutive years such as 2013/14-15/16`;
      if (yearType !== 'financial' && yearType !== 'academic')
        return `"${raw}" is a span of financial or academic years but the measure's Year_Type is ${PERIOD_TYPE_TEXT[yearType]}`;
      period = multiYear(year, last < year ? last + 100 : last, yearType);
    } else {
      const end = century + second < year ? century + 100 + second : century + second;
      if (end === year + 1 && (sep === '/' || yearType !== 'calendar')) {
        // 2019/20 or 2019-20: one financial or academic year.
        if (yearType === 'academic') period = academicYear(year);
        else if (yearType === 'financial') period = financialYear(year);
        else
          return `"${raw}" is a financial or academic year but the measure's Year_Type is ${PERIOD_TYPE_TEXT[yearType]}`;
      } else if (sep === '-' && yearType === 'calendar' && end > year) {
        period = multiYear(year, end, 'calendar'); // 2016-18: three calendar years
      } else {
        return `"${raw}" does not fit the measure's Year_Type (${PERIOD_TYPE_TEXT[yearType]})`;
      }
    }
  } catch (e) {
    if (e instanceof PeriodError) return `"${raw}": ${e.message}`;
    throw e;
  }
  return { period, status: [...suffix.status], note: suffix.note };
}

/** A public metric code from LAIT's Measure_short: `KS2_NEW_RWM` → `dfe-lait.ks2-new-rwm`, `%` → pct, `&` → and. */
export function laitMetricCode(measure: string): string {
  const slug = measure
    .toLowerCase()
    .replace(/%/g, '-pct-')
    .replace(/&/g, '-and-')
    .replace(/</g, '-lt-')
    .replace(/>/g, '-gt-')
    .replace(/\+/g, '-plus-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${PREFIX}.${slug}`;
}

/**
 * LAIT percentages that leave 0 to 100 by the publisher's own definition (each seen in the published data), so an
 * import does not refuse them; a side left out keeps 0 or 100. A "% gap" axis is a difference in percentage points.
 */
const RANGES: Record<string, { min?: number | null; max?: number | null; why: string }> = {
  '%_2yr_olds': {
    max: null,
    why: 'children are counted where they take up a place, over the children living there, so an area whose places take children from elsewhere passes 100 (City of London 233.3 in 2024/25)',
  },
  '%_3&4yr_olds': {
    max: null,
    why: 'children are counted where they take up a place, over the children living there, so an area whose places take children from elsewhere passes 100 (Isles of Scilly 150.9)',
  },
  SpecFixedEx: {
    max: null,
    why: 'suspensions per 100 pupils: a pupil may be suspended more than once (Newham 289.6 in 2017/18)',
  },
  Sept_Guarantee: {
    max: null,
    why: 'offers are counted against the cohort at the September count, which a few areas pass (Thurrock 100.21 in 2022)',
  },
  PreChildDea: {
    max: null,
    why: "LAIT's regional rows give the number of reviews, not a percentage (North West 215 in 2017/18)",
  },
};

/** The metric's range where it differs from a percentage's, with the reason for its caveats. */
function laitRange(
  measure: string,
  axis: string,
): { min?: number | null; max?: number | null; why: string } | undefined {
  if (RANGES[measure]) return RANGES[measure];
  if (/^%\s*gap$/i.test(axis.trim()))
    return { min: -100, why: 'a gap in percentage points, negative where the group it is measured for does better' };
  return undefined;
}

/** Unit, unit type and default decimals from LAIT's y-axis name. */
export function unitFromAxis(axis: string): { unit: string; unitType: UnitType; decimals: number } {
  const a = axis.trim();
  const lower = a.toLowerCase();
  if (/rate per 100,?000/.test(lower)) return { unit: 'per 100,000', unitType: 'rate-per-100000', decimals: 1 };
  if (/rate per 10,?000/.test(lower)) return { unit: 'per 10,000', unitType: 'rate-per-10000', decimals: 1 };
  if (/rate per 1,?000/.test(lower))
    return { unit: a.replace(/^rate\s+/i, ''), unitType: 'rate-per-1000', decimals: 1 };
  if (lower.startsWith('%') || lower.includes('percentage') || lower.includes('% '))
    return { unit: '%', unitType: 'percentage', decimals: 1 };
  if (lower.includes('spend') || lower.includes('cost') || lower.includes('£') || lower.includes('expenditure'))
    return { unit: '£', unitType: 'currency', decimals: 0 };
  if (lower.startsWith('number') || lower === 'entries' || lower.startsWith('count'))
    return { unit: a || 'number', unitType: 'count', decimals: 0 };
  if (lower.includes('score') || lower.includes('average')) return { unit: a, unitType: 'score', decimals: 1 };
  if (lower.includes('days') || lower.includes('weeks')) return { unit: a, unitType: 'other', decimals: 0 };
  return { unit: a || 'value', unitType: 'other', decimals: 1 };
}

const POLARITY: Record<string, Polarity> = { high: 'higher-is-better', low: 'lower-is-better' };

/** An Excel serial day number (as LAIT's dictionary stores dates) as YYYY-MM-DD; undefined for text like TBC. */
export function excelDate(raw: string | undefined): string | undefined {
  const s = (raw ?? '').trim();
  if (!/^\d{5}$/.test(s)) return undefined;
  const d = new Date(Date.UTC(1899, 11, 30) + Number(s) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

const clean = (s: string | undefined): string | undefined => {
  const t = (s ?? '').replace(/\r/g, '').trim();
  return t === '' || t === 'NA' || t === '-' || t === '0' ? undefined : t;
};
const firstUrl = (s: string | undefined): string | undefined => /https?:\/\/[^\s,;"]+/.exec(s ?? '')?.[0];

interface DictionaryEntry {
  metric: MetricDefinition;
  yearType: YearType;
  at: SourceLocation;
}

async function readDictionary(file: string, ctx: AdapterContext): Promise<Map<string, DictionaryEntry>> {
  const out = new Map<string, DictionaryEntry>();
  for await (const row of readCsv(file, { required: [...COLUMNS.dictionary], adapter: NAME })) {
    const measure = (row.get('Measure_short') ?? '').trim();
    if (measure === '') {
      ctx.error({ at: row.at, field: 'Measure_short', value: '', message: 'every measure needs a Measure_short' });
      continue;
    }
    const earlier = out.get(measure);
    if (earlier) {
      // LAIT lists some measures under two topics (e.g. absence of children in need under both): the first is kept.
      ctx.skipped?.(
        row.at,
        `${measure} is listed again (under ${row.get('Topic')}); the listing on line ${earlier.at.line} is kept`,
      );
      continue;
    }
    const yearTypeText = (row.get('Year_Type') ?? '').trim();
    const yearType = YEAR_TYPES[yearTypeText];
    if (!yearType) {
      ctx.error({
        at: row.at,
        field: 'Year_Type',
        value: yearTypeText,
        message: `unknown Year_Type "${yearTypeText}"; expected one of ${Object.keys(YEAR_TYPES).join(', ')}`,
      });
      continue;
    }
    const polarityText = (row.get('Polarity') ?? '').trim();
    const polarity =
      POLARITY[polarityText.toLowerCase()] ??
      (['-', 'na', ''].includes(polarityText.toLowerCase()) ? 'not-applicable' : undefined);
    if (!polarity) {
      ctx.error({
        at: row.at,
        field: 'Polarity',
        value: polarityText,
        message: `Polarity "${polarityText}" is not High, Low, - or NA`,
      });
      continue;
    }
    const dpsText = (row.get('dps') ?? '').trim();
    const axis = (row.get('y_axis_name') ?? '').trim();
    const unit = unitFromAxis(axis);
    const range = unit.unitType === 'percentage' ? laitRange(measure, axis) : undefined;
    let decimals = unit.decimals;
    if (dpsText !== '' && dpsText !== 'NA') {
      const n = Number(dpsText);
      if (!Number.isInteger(n) || n < 0 || n > 6) {
        ctx.error({
          at: row.at,
          field: 'dps',
          value: dpsText,
          message: `dps "${dpsText}" is not a whole number of decimal places from 0 to 6 (or NA)`,
        });
        continue;
      }
      decimals = n;
    }
    const topic = (row.get('Topic') ?? '').trim();
    const owner = clean(row.get('Data Owner (DO) /Supplier and Contact Details'))?.replace(/\s+/g, ' ');
    const title = clean(row.get('Measure')) ?? measure;
    const chartTitle = clean(row.get('Chart_title'));
    const caveats = [
      `LAIT names a year by the year it ends; stored here as ${PERIOD_TYPE_TEXT[yearType]} periods.`,
      polarity === 'not-applicable'
        ? 'LAIT gives no polarity for this measure: a higher value is neither better nor worse.'
        : undefined,
      clean(row.get('state_funded_flag')) === 'State Funded' ? 'State-funded schools only.' : undefined,
      range ? `Values may fall outside 0 to 100: ${range.why}.` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    const metric: MetricDefinition = {
      code: laitMetricCode(measure),
      title: chartTitle && chartTitle.length > title.length ? chartTitle : title,
      shortTitle: title.length <= 80 ? title : undefined,
      description: clean(row.get('Description')),
      definition: clean(row.get('Methodology')),
      caveats,
      topic: topic === 'Contextual\\Other' || topic === 'Economic Factors' ? 'context' : 'children-young-people',
      subtopic: topic || undefined,
      unit: unit.unit,
      unitType: unit.unitType,
      ...(range ? { valueRange: { min: range.min, max: range.max } } : {}),
      decimalPlaces: decimals,
      polarity,
      periodType: PERIOD_TYPE_TEXT[yearType],
      applicableAreaTypes: [...UPPER_TIER],
      source: {
        publisher:
          owner && owner !== 'DfE'
            ? `Department for Education (LAIT), from ${owner}`
            : 'Department for Education (LAIT)',
        url:
          firstUrl(row.get('Hyperlink(s)')) ??
          'https://www.gov.uk/government/publications/local-authority-interactive-tool-lait',
        licence: 'OGL-UK-3.0',
        attribution: 'Department for Education, Local Authority Interactive Tool. Open Government Licence v3.0.',
      },
      statisticsStatus: 'official',
      releasedAt: excelDate(row.get('Last Update')),
      nextReleaseAt: excelDate(row.get('Next Update')),
      publisherCode: measure,
    };
    out.set(measure, { metric, yearType, at: row.at });
  }
  return out;
}

export interface CrosswalkEntry {
  gss: string;
  former: string[];
}

/** The columns of the DfE LA number to GSS crosswalk, and its file name (other DfE adapters join through it too). */
export const LAIT_CROSSWALK = { columns: COLUMNS.crosswalk, file: FILE_NAMES.crosswalk };

/**
 * The crosswalk from DfE's three-digit LA number to today's GSS code and the codes the council had before (a county
 * that became a unitary); `adapter` names the command reading it in its messages.
 */
export async function readCrosswalk(
  file: string,
  ctx: AdapterContext,
  adapter: string = NAME,
): Promise<Map<string, CrosswalkEntry>> {
  const out = new Map<string, CrosswalkEntry>();
  for await (const row of readCsv(file, { required: [...COLUMNS.crosswalk], adapter })) {
    const number = (row.get('dfe_la_number') ?? '').trim();
    const gss = (row.get('gss_code') ?? '').trim();
    if (!/^\d{3}$/.test(number)) {
      ctx.error({
        at: row.at,
        field: 'dfe_la_number',
        value: number,
        message: `"${number}" is not a three-digit DfE LA number`,
      });
      continue;
    }
    if (!/^E\d{8}$/.test(gss)) {
      ctx.error({
        at: row.at,
        field: 'gss_code',
        value: gss,
        message: `"${gss}" is not an English GSS code such as E06000060`,
      });
      continue;
    }
    const former = (row.get('former_gss_codes') ?? '')
      .split(/[;,\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = former.find((c) => !/^E\d{8}$/.test(c));
    if (bad) {
      ctx.error({ at: row.at, field: 'former_gss_codes', value: bad, message: `"${bad}" is not an English GSS code` });
      continue;
    }
    out.set(number, { gss, former });
  }
  return out;
}

async function kindOf(file: string): Promise<Kind> {
  const header = new Set(await readHeader(file).catch(() => []));
  for (const kind of ['observations', 'dictionary', 'crosswalk'] as const)
    if (COLUMNS[kind].every((c) => header.has(c))) return kind;
  // refuses a missing, empty or non-UTF-8 file
  for await (const _row of readCsv(file, { required: [], adapter: NAME })) break;
  throw new ImportFileError(
    { file: display(file), line: 1 },
    `this is not a ${NAME} file: its header has none of the column sets ${(['observations', 'dictionary', 'crosswalk'] as const).map((k) => `(${COLUMNS[k].join(', ')})`).join(' or ')}`,
    { wrongHeader: true },
  );
}

/**
 * The code an observation belongs under: the former county code for a period that began before the unitary existed,
 * the single successor for a code retired before the period began, else the code as given. Undefined: leave it out.
 */
export function fileUnder(
  gss: string,
  period: Period,
  former: string[],
  ctx: AdapterContext,
): { code: string; note?: string } | { skip: string } {
  const known = ctx.area?.(gss);
  if (!ctx.area) return { code: gss };
  if (!known) {
    if (gss.startsWith('E13')) return { skip: `${gss} (Inner or Outer London) is not in the catalogue` };
    return { code: gss }; // the engine reports the unknown code with its line
  }
  if (known.validFrom && period.start < known.validFrom) {
    const earlier = former.find((c) => {
      const f = ctx.area!(c);
      return f && (!f.validTo || period.start <= f.validTo) && (!f.validFrom || period.start >= f.validFrom);
    });
    if (earlier)
      return {
        code: earlier,
        note: `DfE LA number kept by ${known.name}; filed under ${earlier}, the council that ran the service then`,
      };
  }
  const renamed = known.successors.length === 1 ? ctx.area(known.successors[0]!) : undefined;
  if (known.validTo && period.start > known.validTo && renamed && renamed.name === known.name) {
    // The same council under a new code (Barnsley and Sheffield in 2025), not a merger.
    const next = renamed.code;
    return { code: next, note: `LAIT gives ${gss}; ONS re-coded it to ${next} after ${known.validTo}` };
  }
  if (known.validTo && period.start > known.validTo) {
    // DfE still publishes some series (age-19 attainment, reoffending) for councils that were merged or split.
    return {
      skip: `a figure for ${known.name} (${gss}) for a period after it ended on ${known.validTo} (succeeded by ${known.successors.join(' and ') || 'no council'})`,
    };
  }
  return { code: gss };
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length !== 3) {
    throw new ImportFileError(
      { file: display(files[0] ?? '.'), line: 0 },
      `${NAME} takes three files, in any order: ${Object.values(FILE_NAMES).join(', ')}; ${files.length} file(s) given`,
    );
  }
  const byKind = await filesByKind(files, kindOf);
  const dictionary = await readDictionary(byKind.get('dictionary')!, ctx);
  const crosswalk = await readCrosswalk(byKind.get('crosswalk')!, ctx);
  for (const entry of dictionary.values()) yield { kind: 'metric', metric: entry.metric, at: entry.at };

  const observations = byKind.get('observations')!;
  const offset = statSync(byKind.get('dictionary')!).size + statSync(byKind.get('crosswalk')!).size;
  const unknownMeasures = new Set<string>();
  for await (const row of readCsv(
    observations,
    { required: [...COLUMNS.observations], adapter: NAME },
    { progress: (b) => ctx.progress(offset + b) },
  )) {
    const measure = (row.get('measure_short') ?? '').trim();
    const entry = dictionary.get(measure);
    if (!entry) {
      if (!unknownMeasures.has(measure))
        ctx.error({
          at: row.at,
          field: 'measure_short',
          value: measure,
          message: `measure "${measure}" is not in ${FILE_NAMES.dictionary}`,
        });
      unknownMeasures.add(measure);
      continue;
    }
    const number = (row.get('dfe_la_number') ?? '').trim();
    const gss = (row.get('gss_code') ?? '').trim();
    const cw = crosswalk.get(number);
    if (!cw) {
      ctx.error({
        at: row.at,
        field: 'dfe_la_number',
        value: number,
        message: `DfE LA number "${number}" is not in ${FILE_NAMES.crosswalk}`,
      });
      continue;
    }
    if (cw.gss !== gss) {
      ctx.error({
        at: row.at,
        field: 'gss_code',
        value: gss,
        message: `the crosswalk maps DfE LA number ${number} to ${cw.gss}, not ${gss}`,
      });
      continue;
    }
    const rawPeriod = row.get('period') ?? '';
    const parsed = parseLaitPeriod(rawPeriod, entry.yearType);
    if (typeof parsed === 'string') {
      ctx.error({ at: row.at, field: 'period', value: rawPeriod, message: parsed });
      continue;
    }
    const cell = parseValueCell(row.get('value'));
    if (!cell.ok) {
      ctx.error({ at: row.at, field: 'value', value: row.get('value'), message: cell.message });
      continue;
    }
    // Percentages above 100 are real in LAIT (take-up measured against a population estimate), so no range check.
    const where = fileUnder(gss, parsed.period, cw.former, ctx);
    if ('skip' in where) {
      ctx.skipped?.(row.at, where.skip);
      continue;
    }
    const note = [parsed.note, where.note].filter(Boolean).join('; ') || null;
    yield {
      kind: 'observation',
      observation: {
        metric: entry.metric.code,
        area: where.code,
        period: parsed.period,
        value: cell.value,
        status: [...new Set([...cell.status, ...parsed.status])],
        note,
        at: row.at,
      },
    };
  }
}

export const laitAdapter: ImportAdapter = {
  name: NAME,
  summary:
    "DfE Local Authority Interactive Tool: 434 children's services indicators for upper-tier councils, regions and England",
  files: `${FILE_NAMES.observations}, ${FILE_NAMES.dictionary} and ${FILE_NAMES.crosswalk}, in any order`,
  signatures: [[...COLUMNS.observations], [...COLUMNS.dictionary], [...COLUMNS.crosswalk]],
  read,
};
