/**
 * MHCLG Revenue Outturn Summary (RS), 2015-16 to 2017-18, long form (rs_revenue_summary_2015-16_to_2017-18_long.csv:
 * financial_year, ecode, ons_code, la_name, la_class, rs_line, item, value_gbp_thousands, marker), £ thousand.
 *
 * Imported: usable reserves at 1 April and at 31 March (lines 911 schools, 914 public health and 915 other earmarked
 * reserves, 916 unallocated reserves), net revenue expenditure (805), revenue support grant (851), retained business
 * rates (870, retained income from the rate retention scheme) and the council tax requirement (890). The service lines
 * (190 to 699) are left out and counted: service spend comes from `mhclg-service-spend`; so are the other lines
 * (financing and memorandum items), counted.
 *
 * Each reserves line names its date ("Reserves at 31 March 2018: …"), which must be the start (1 April) or the end
 * (31 March) of the row's financial year. 2017-18 is the provisional release (status p). A value with a fraction of
 * £1,000 is MHCLG's imputation for an authority that did not return the line (status e).
 */
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { StatusCode } from '../../observations/index.ts';
import { readCsv } from '../csv.ts';
import { FINANCE_AREA_TYPES, MHCLG_SOURCE, notes, rowPlace, rowValue, rowYear } from './mhclg-finance.ts';

const NAME = 'mhclg-revenue-summary';
const PREFIX = 'mhclg-rs';
const COLUMNS = [
  'financial_year',
  'ecode',
  'ons_code',
  'la_name',
  'la_class',
  'rs_line',
  'item',
  'value_gbp_thousands',
  'marker',
];
const URL = 'https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing';

interface Line {
  slug: string;
  title: string;
  short: string;
  description: string;
}

/** Lines read once a year. */
const YEAR_LINES: Record<string, Line> = {
  '805': {
    slug: 'net-revenue-expenditure',
    title: 'Net revenue expenditure',
    short: 'Net revenue expenditure',
    description:
      'Net current expenditure plus capital charges, levies and other items, less specific grants inside Aggregate External Finance (RS line 805).',
  },
  '851': {
    slug: 'revenue-support-grant',
    title: 'Revenue support grant',
    short: 'Revenue support grant',
    description: "The central government grant towards the authority's revenue spending (RS line 851).",
  },
  '870': {
    slug: 'retained-business-rates',
    title: 'Retained business rates',
    short: 'Retained business rates',
    description: 'Retained income from the business rates retention scheme (RS line 870).',
  },
  '890': {
    slug: 'council-tax-requirement',
    title: 'Council tax requirement',
    short: 'Council tax requirement',
    description: 'The amount the authority raises from council tax, as in its revenue outturn (RS line 890).',
  },
};

/** Reserves lines, each at two dates. */
const RESERVE_LINES: Record<string, { slug: string; title: string; kind: string }> = {
  '911': { slug: 'schools', title: 'schools reserves', kind: 'earmarked' },
  '914': { slug: 'public-health', title: 'public health reserves', kind: 'earmarked' },
  '915': { slug: 'other-earmarked', title: 'other earmarked reserves', kind: 'earmarked' },
  '916': { slug: 'unallocated', title: 'unallocated reserves', kind: 'unallocated' },
};
const DATES = { '1 April': '1-april', '31 March': '31-march' } as const;
type DateWord = keyof typeof DATES;

export const yearLineCode = (line: string) => `${PREFIX}.${YEAR_LINES[line]!.slug}`;
export const reserveCode = (line: string, date: DateWord) =>
  `${PREFIX}.usable-reserves.${RESERVE_LINES[line]!.slug}.${DATES[date]}`;

const CAVEATS =
  'From the Revenue Outturn Summary (RS) returns for 2015-16, 2016-17 and 2017-18 (the provisional release), in £ thousand at outturn prices. ' +
  "Values with a fraction of £1,000 are MHCLG's imputations for authorities that did not return the line (status e). " +
  "Councils abolished since 2019 keep their own figures under their old codes; a new council's page shows its predecessors' figures as theirs. " +
  'Police forces, national park authorities and joint waste authorities are not held by this platform and are left out; the GLA is left out because MHCLG files it under the London region code.';

const base = (
  code: string,
  publisherCode: string,
): Omit<MetricDefinition, 'title' | 'shortTitle' | 'description' | 'definition'> => ({
  code,
  caveats: CAVEATS,
  topic: 'workforce-finance',
  subtopic: 'Council finances',
  unit: '£ thousand',
  unitType: 'currency',
  decimalPlaces: 0,
  multiplier: 1000,
  polarity: 'not-applicable',
  periodType: 'financial-year',
  applicableAreaTypes: [...FINANCE_AREA_TYPES],
  source: MHCLG_SOURCE('Local authority revenue expenditure and financing: Revenue Outturn Summary (RS)', URL),
  statisticsStatus: 'official-accredited',
  publisherCode,
});

export const REVENUE_SUMMARY_METRICS: MetricDefinition[] = [
  ...Object.entries(YEAR_LINES).map(([line, l]) => ({
    ...base(yearLineCode(line), `RS line ${line}`),
    title: l.title,
    shortTitle: l.short,
    description: l.description,
    definition: `MHCLG Revenue Outturn Summary (RS), line ${line}, £ thousand, per authority and financial year.`,
  })),
  ...Object.entries(RESERVE_LINES).flatMap(([line, r]) =>
    (Object.keys(DATES) as DateWord[]).map((date) => ({
      ...base(reserveCode(line, date), `RS line ${line} (${date})`),
      title: `Usable reserves: ${r.title} at ${date}`,
      shortTitle: `${r.title[0]!.toUpperCase()}${r.title.slice(1)}, ${date}`,
      description: `The level of the authority's ${r.title} (usable, ${r.kind}) at ${date === '1 April' ? 'the start' : 'the end'} of the financial year (${date}).`,
      definition: `MHCLG Revenue Outturn Summary (RS), line ${line}, reserves level at ${date} ${date === '1 April' ? 'of the year' : 'after the year'}, £ thousand. The period is the financial year the return covers.`,
    })),
  ),
];

/** "Reserves at 31 March 2018: …" → its date words and year. */
const RESERVE_ITEM = /^Reserves at (1 April|31 March) (\d{4}):/;

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length !== 1)
    throw new Error(`${NAME} takes one file (rs_revenue_summary_2015-16_to_2017-18_long.csv), not ${files.length}`);
  let first = true;
  for await (const row of readCsv(files[0]!, { required: COLUMNS, adapter: NAME }, ctx)) {
    if (first) {
      first = false;
      for (const metric of REVENUE_SUMMARY_METRICS)
        yield { kind: 'metric', metric, at: { file: row.at.file, line: 1 } };
    }
    const rawYear = row.get('financial_year');
    const period = rowYear(row, ctx, '2017-18');
    if (!period) continue;
    const line = (row.get('rs_line') ?? '').trim();
    if (!/^\d{3}$/.test(line)) {
      ctx.error({
        at: row.at,
        field: 'rs_line',
        value: line,
        message: `"${line}" is not an RS line number such as 916`,
      });
      continue;
    }
    let metric: string;
    if (YEAR_LINES[line]) metric = yearLineCode(line);
    else if (RESERVE_LINES[line]) {
      const item = row.get('item') ?? '';
      const m = RESERVE_ITEM.exec(item.trim());
      if (!m) {
        ctx.error({
          at: row.at,
          field: 'item',
          value: item,
          message: `RS line ${line} must name its date ("Reserves at 31 March 2018: …")`,
        });
        continue;
      }
      const date = m[1] as DateWord;
      const y = Number(m[2]);
      const startYear = Number(period.start.slice(0, 4));
      if (y !== (date === '1 April' ? startYear : startYear + 1)) {
        ctx.error({
          at: row.at,
          field: 'item',
          value: item,
          message: `reserves at ${date} ${y} are not at the start or end of ${period.label}`,
        });
        continue;
      }
      metric = reserveCode(line, date);
    } else {
      const n = Number(line);
      ctx.skipped?.(
        row.at,
        n <= 699
          ? 'RS service lines (190 to 699): service spend is imported by mhclg-service-spend'
          : 'RS lines this importer does not take (financing and memorandum items, HRA, prior-year adjustments)',
      );
      continue;
    }
    const place = rowPlace(row, period, ctx);
    if (!place) continue;
    const cell = rowValue(row, ctx);
    if (!cell) continue;
    const status: StatusCode[] = [...cell.status];
    let imputed: string | undefined;
    if (cell.value !== null && !Number.isInteger(cell.value)) {
      status.push('e');
      imputed = "a fraction of £1,000: MHCLG's imputation";
    }
    if (rawYear!.trim() === '2017-18') status.push('p');
    yield {
      kind: 'observation',
      observation: {
        metric,
        area: place.code,
        period,
        value: cell.value,
        status,
        note: notes(place.note, cell.note, imputed),
        at: row.at,
      },
    };
  }
}

export const mhclgRevenueSummaryAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'MHCLG Revenue Outturn Summary (RS) 2015-16 to 2017-18: usable reserves at 1 April and 31 March, grant, business rates, council tax requirement',
  files: 'rs_revenue_summary_2015-16_to_2017-18_long.csv',
  signatures: [COLUMNS],
  read,
};
