/**
 * MHCLG revenue outturn by service (RS to 2017-18, RSX from 2021-22), £ thousand per authority and financial year. One
 * or both of two files, told apart by header, in any order:
 *   service_net_current_expenditure_wide_2015-16_to_2023-24.csv  one row per authority and year, nce_* by service
 *   rsx_service_expenditure_2021-22_to_2023-24_long.csv          one row per authority, year, service and measure
 *
 * The wide file gives net current expenditure for 2015-16 to 2017-18 and 2021-22 to 2023-24; the long file gives, for
 * 2021-22 to 2023-24, employees, running expenses, total expenditure, sales, fees and charges, other income, total
 * income and net current expenditure. In the years both cover, the wide file's net current expenditure is kept: it is
 * the one series across all six years, and the long file's figure must equal it (a difference is an error naming both
 * lines; an equal one is counted as left out). The long file alone still gives its net current expenditure; the
 * authorities that sent no return (Birmingham 2022-23 and 2023-24, …) are in the long file only, marked, and imported
 * as not available.
 *
 * 2017-18 is MHCLG's provisional release (status p). Police, national park, waste and other joint authorities and the
 * GLA are left out and counted (mhclg-finance.ts says why); fire and combined authorities are kept.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { StatusCode } from '../../observations/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { filesByKind, ImportFileError, readCsv, readHeader } from '../csv.ts';
import {
  FINANCE_AREA_TYPES,
  financeCell,
  MHCLG_SOURCE,
  NOT_SUMMED,
  notes,
  rowPlace,
  rowValue,
  rowYear,
} from './mhclg-finance.ts';

const NAME = 'mhclg-service-spend';
const PREFIX = 'mhclg-rsx';

interface Service {
  slug: string;
  title: string;
  short: string;
}

/** MHCLG's service codes (nce_<code> in the wide file, service_code in the long file), in the returns' order. */
export const SERVICES: Record<string, Service> = {
  edu: { slug: 'education', title: 'education services', short: 'Education' },
  trans: { slug: 'highways-transport', title: 'highways and transport services', short: 'Highways and transport' },
  csc: { slug: 'childrens-social-care', title: "children's social care", short: "Children's social care" },
  asc: { slug: 'adult-social-care', title: 'adult social care', short: 'Adult social care' },
  phs: { slug: 'public-health', title: 'public health', short: 'Public health' },
  hous: { slug: 'housing', title: 'housing services (General Fund, not the HRA)', short: 'Housing (GF)' },
  cul: { slug: 'cultural', title: 'cultural and related services', short: 'Cultural' },
  env: { slug: 'environmental-regulatory', title: 'environmental and regulatory services', short: 'Environmental' },
  plan: { slug: 'planning-development', title: 'planning and development services', short: 'Planning' },
  pol: { slug: 'police', title: 'police services', short: 'Police' },
  frs: { slug: 'fire-rescue', title: 'fire and rescue services', short: 'Fire and rescue' },
  cen: { slug: 'central', title: 'central services', short: 'Central services' },
  oth: { slug: 'other', title: 'other services', short: 'Other services' },
  totsx: { slug: 'total', title: 'all services (total service expenditure)', short: 'Total service spend' },
};

interface Measure {
  slug: string;
  title: string;
  description: string;
}

/** The long file's measures. */
export const MEASURES: Record<string, Measure> = {
  net_current_expenditure: {
    slug: 'net-current-expenditure',
    title: 'Net current expenditure',
    description:
      'Total expenditure less total income (sales, fees and charges and other income); negative when income exceeds spending.',
  },
  employees: { slug: 'employees', title: 'Spending on employees', description: 'Expenditure on employees.' },
  running_expenses: {
    slug: 'running-expenses',
    title: 'Running expenses',
    description: 'Running expenses (all spending other than on employees).',
  },
  total_expenditure: {
    slug: 'total-expenditure',
    title: 'Total expenditure',
    description: 'Employees plus running expenses.',
  },
  sales_fees_charges: {
    slug: 'sales-fees-charges',
    title: 'Income from sales, fees and charges',
    description: 'Income from sales, fees and charges.',
  },
  other_income: {
    slug: 'other-income',
    title: 'Other income',
    description:
      'Income other than sales, fees and charges (for example grants outside Aggregate External Finance and contributions from other bodies).',
  },
  total_income: {
    slug: 'total-income',
    title: 'Total income',
    description: 'Sales, fees and charges plus other income.',
  },
};

export const serviceMetricCode = (service: string, measure: string) =>
  `${PREFIX}.${SERVICES[service]!.slug}.${MEASURES[measure]!.slug}`;

const URL = 'https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing';
const CAVEATS =
  'Figures are as the authorities returned them to MHCLG, in £ thousand, at outturn prices (not adjusted for inflation). ' +
  'There are no figures for 2018-19 to 2020-21 in the files imported here. 2017-18 figures are the provisional release. ' +
  'Authorities that did not send a return (Birmingham 2022-23 and 2023-24, several districts in 2021-22 to 2023-24) have no figure. ' +
  "Councils abolished since 2019 keep their own figures under their old codes; a new council's page shows its predecessors' figures as theirs. " +
  'Services a type of authority does not run (fire for a district, education for a fire authority) are returned as 0. ' +
  'Police forces, national park authorities and joint waste authorities are not held by this platform and are left out; the GLA is left out because MHCLG files it under the London region code.';

/**
 * Services whose England and regional figures are never summed from councils (imports/derived/specs.ts
 * isSummableInput), and why: most of their spending is by bodies the platform does not hold or does not sum, so a sum
 * over councils would not be England's or a region's figure (London's police would be the City of London's alone).
 */
export const RSX_NOT_SUMMED: ReadonlyMap<string, string> = new Map([
  ['police', NOT_SUMMED.police],
  ['fire-rescue', NOT_SUMMED.fire],
]);

/** What a service's caveats say of England's and the regions' figures where MHCLG gives none. */
function aggregationCaveat(slug: string): string {
  const why = RSX_NOT_SUMMED.get(slug);
  return why
    ? ` Where MHCLG gives no England figure, none is computed for this service, nor any regional figure: ${why}.`
    : ' Where MHCLG gives no England figure (and for every region) this platform sums the councils’ figures and says so in the figure’s note.';
}

/** The definition of one service's measure (its code is serviceMetricCode). */
export function metricFor(service: string, measure: string): MetricDefinition {
  const s = SERVICES[service]!;
  const m = MEASURES[measure]!;
  const nce = measure === 'net_current_expenditure';
  return {
    code: serviceMetricCode(service, measure),
    title: `${m.title}: ${s.title}`,
    shortTitle: `${s.short}: ${m.title.toLowerCase()}`,
    description: `${m.description} For ${s.title}, per authority and financial year.`,
    definition:
      `MHCLG revenue outturn (${nce ? 'Revenue Outturn Summary RS to 2017-18, ' : ''}Revenue Outturn Service Expenditure Summary RSX from 2021-22), ` +
      `service ${service} (${s.title}), ${m.title.toLowerCase()}, £ thousand.`,
    caveats: CAVEATS + aggregationCaveat(s.slug),
    topic: 'workforce-finance',
    subtopic: 'Council spending',
    unit: '£ thousand',
    unitType: 'currency',
    decimalPlaces: 0,
    multiplier: 1000,
    polarity: 'not-applicable',
    periodType: 'financial-year',
    applicableAreaTypes: [...FINANCE_AREA_TYPES],
    source: MHCLG_SOURCE('Local authority revenue expenditure and financing: revenue outturn (RS and RSX)', URL),
    statisticsStatus: 'official-accredited',
    publisherCode: `${nce ? 'RS/RSX' : 'RSX'} ${service} ${measure}`,
  };
}

const WIDE_COLUMNS = [
  'financial_year',
  'ons_code',
  'ecode',
  'la_name',
  'la_class',
  ...Object.keys(SERVICES).map((s) => `nce_${s}`),
  'source',
];
const LONG_COLUMNS = [
  'financial_year',
  'ecode',
  'ons_code',
  'la_name',
  'la_class',
  'service_code',
  'measure',
  'value_gbp_thousands',
  'marker',
];
type Kind = 'wide' | 'long';
const FILE_NAMES: Record<Kind, string> = {
  wide: 'service_net_current_expenditure_wide_2015-16_to_2023-24.csv',
  long: 'rsx_service_expenditure_2021-22_to_2023-24_long.csv',
};

const display = (file: string) => path.relative(process.cwd(), file) || file;

async function kindOf(file: string): Promise<Kind> {
  const header = new Set(await readHeader(file));
  if (LONG_COLUMNS.every((c) => header.has(c))) return 'long';
  if (WIDE_COLUMNS.every((c) => header.has(c))) return 'wide';
  throw new ImportFileError(
    { file: display(file), line: 1 },
    `this is not a ${NAME} file: its header has neither the wide columns (${WIDE_COLUMNS.slice(0, 7).join(', ')}, …) nor the long ones (${LONG_COLUMNS.join(', ')})`,
    { wrongHeader: true },
  );
}

/** 2017-18 comes from MHCLG's provisional RS release. */
const provisional = (year: string): StatusCode[] => (year === '2017-18' ? ['p'] : []);

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length < 1 || files.length > 2)
    throw new ImportFileError(
      { file: display(files[0] ?? '.'), line: 0 },
      `${NAME} takes one or both of ${FILE_NAMES.wide} and ${FILE_NAMES.long}; ${files.length} file(s) given`,
    );
  const byKind = await filesByKind(files, kindOf);
  const wide = byKind.get('wide');
  const long = byKind.get('long');
  const metricsAt = { file: display(files[0]!), line: 1 };
  for (const service of Object.keys(SERVICES))
    for (const measure of long ? Object.keys(MEASURES) : ['net_current_expenditure'])
      yield { kind: 'metric', metric: metricFor(service, measure), at: metricsAt };

  /** The wide file's net current expenditure by year, code and service, to check the long file's against. */
  const fromWide = new Map<string, { value: number | null; at: SourceLocation }>();
  let offset = 0;
  if (wide) {
    for await (const row of readCsv(wide, { required: WIDE_COLUMNS, adapter: NAME }, ctx)) {
      const rawYear = row.get('financial_year');
      const period = rowYear(row, ctx);
      if (!period) continue;
      const place = rowPlace(row, period, ctx);
      if (!place) continue;
      const year = rawYear!.trim();
      for (const service of Object.keys(SERVICES)) {
        const field = `nce_${service}`;
        const cell = financeCell(row.get(field));
        if (!cell.ok) {
          ctx.error({ at: row.at, field, value: row.get(field), message: cell.message });
          continue;
        }
        fromWide.set(`${year}|${(row.get('ons_code') ?? '').trim()}|${service}`, { value: cell.value, at: row.at });
        yield {
          kind: 'observation',
          observation: {
            metric: serviceMetricCode(service, 'net_current_expenditure'),
            area: place.code,
            period,
            value: cell.value,
            status: [...cell.status, ...provisional(year)],
            note: notes(place.note, cell.note),
            at: row.at,
          },
        };
      }
    }
    offset = statSync(wide).size;
  }
  if (!long) return;
  for await (const row of readCsv(
    long,
    { required: LONG_COLUMNS, adapter: NAME },
    { progress: (b) => ctx.progress(offset + b) },
  )) {
    const rawYear = row.get('financial_year');
    const period = rowYear(row, ctx);
    if (!period) continue;
    const service = (row.get('service_code') ?? '').trim();
    if (!SERVICES[service]) {
      ctx.error({
        at: row.at,
        field: 'service_code',
        value: service,
        message: `"${service}" is not one of MHCLG's service codes ${Object.keys(SERVICES).join(', ')}`,
      });
      continue;
    }
    const measure = (row.get('measure') ?? '').trim();
    if (!MEASURES[measure]) {
      ctx.error({
        at: row.at,
        field: 'measure',
        value: measure,
        message: `"${measure}" is not one of the measures ${Object.keys(MEASURES).join(', ')}`,
      });
      continue;
    }
    const place = rowPlace(row, period, ctx);
    if (!place) continue;
    const cell = rowValue(row, ctx);
    if (!cell) continue;
    const year = rawYear!.trim();
    if (measure === 'net_current_expenditure') {
      const w = fromWide.get(`${year}|${(row.get('ons_code') ?? '').trim()}|${service}`);
      if (w) {
        if (w.value !== cell.value) {
          ctx.error({
            at: row.at,
            field: 'value_gbp_thousands',
            value: row.get('value_gbp_thousands'),
            message: `net current expenditure ${cell.value ?? 'blank'} differs from the wide file's ${w.value ?? 'blank'} (${w.at.file}:${w.at.line}); the two files must agree`,
          });
        } else
          ctx.skipped?.(
            row.at,
            'net current expenditure also in the wide file, the same figure: the wide file’s is kept',
          );
        continue;
      }
    }
    yield {
      kind: 'observation',
      observation: {
        metric: serviceMetricCode(service, measure),
        area: place.code,
        period,
        value: cell.value,
        status: [...cell.status, ...provisional(year)],
        note: notes(place.note, cell.note),
        at: row.at,
      },
    };
  }
}

export const mhclgServiceSpendAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'MHCLG revenue outturn by service (£ thousand): net current expenditure 2015-16 to 2023-24, spending and income 2021-22 to 2023-24',
  files: `${FILE_NAMES.wide} and/or ${FILE_NAMES.long}, in any order`,
  signatures: [WIDE_COLUMNS, LONG_COLUMNS],
  read,
};
