/**
 * Oflog adult social care metrics (ASC1 to ASC7) per upper-tier council, from the Office for Local Government's
 * prototype `oflog-automated-text` (ASC_data.csv): Financial year, Local authority code, Measure, Code, Value, MEDIAN,
 * MADs_from_median, rank_order. MEDIAN and MADs_from_median are the publisher's own group statistics: they are not
 * imported, because the platform computes its own from the values.
 */
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition, Polarity, UnitType } from '../../metrics/index.ts';
import { readCsv } from '../csv.ts';
import { financialYear, PeriodError, type Period } from '../../observations/index.ts';
import { parseValueCell } from '../../observations/index.ts';
import { UPPER_TIER } from './tiers.ts';

const NAME = 'oflog-asc';
const COLUMNS = [
  'Financial year',
  'Local authority code',
  'Local authority name',
  'Measure',
  'Code',
  'Value',
  'rank_order',
];

interface Spec {
  title: string;
  shortTitle: string;
  description: string;
  unit: string;
  unitType: UnitType;
  decimalPlaces: number;
  polarity: Polarity;
  source: string;
  caveats?: string;
  /** A council average of exactly 0 is impossible for this score: the publisher's 0 means no data. */
  zeroMeansMissing?: boolean;
}

const ASCOF = 'NHS England, Adult Social Care Outcomes Framework (ASCOF)';
const SURVEY_NOTE =
  'From the Personal Social Services Adult Social Care Survey or the Survey of Adult Carers in England, so subject to sampling error.';

/**
 * Polarity comes from the file's rank_order: desc (the highest ranks first) is higher-is-better; None is
 * not-applicable.
 */
const SPECS: Record<string, Spec> = {
  ASC1: {
    title: 'Carer-reported quality of life',
    shortTitle: 'Carer quality of life',
    description: 'Average quality of life score reported by carers (ASCOF 1D), on a scale of 0 to 12.',
    unit: 'score (0 to 12)',
    unitType: 'score',
    decimalPlaces: 1,
    polarity: 'higher-is-better',
    source: ASCOF,
    caveats: `${SURVEY_NOTE} The carers' survey runs every other year, so there are values for 2016-17, 2018-19 and 2021-22 only.`,
    zeroMeansMissing: true,
  },
  ASC2: {
    title: 'Social care-related quality of life: impact of services',
    shortTitle: 'ASC quality of life',
    description:
      'Oflog "ASC Quality of Life". Its values (about 0.3 to 0.5) match the ASCOF adjusted social care-related quality of life score (the impact of adult social care services, ASCOF 1J).',
    unit: 'score',
    unitType: 'score',
    decimalPlaces: 3,
    polarity: 'higher-is-better',
    source: ASCOF,
    caveats: `${SURVEY_NOTE} In 2019-20 the source gives 0 for five councils (Wokingham, City of London, Kent, Isles of Scilly, Trafford); a score of 0 is not possible, so these are imported as not available.`,
    zeroMeansMissing: true,
  },
  ASC3: {
    title: 'Service users who find it easy to find information about services',
    shortTitle: 'Ease of finding information: users',
    description:
      'Percentage of people who use services who find it easy to find information about services (ASCOF 3D part 1).',
    unit: '%',
    unitType: 'percentage',
    decimalPlaces: 1,
    polarity: 'higher-is-better',
    source: ASCOF,
    caveats: SURVEY_NOTE,
  },
  ASC4: {
    title: 'Carers who find it easy to find information about support',
    shortTitle: 'Ease of finding information: carers',
    description: 'Percentage of carers who find it easy to find information about support (ASCOF 3D part 2).',
    unit: '%',
    unitType: 'percentage',
    decimalPlaces: 1,
    polarity: 'higher-is-better',
    source: ASCOF,
    caveats: `${SURVEY_NOTE} Biennial: 2016-17, 2018-19 and 2021-22 only.`,
  },
  ASC5: {
    title: 'Outcome of short-term services: sequel to service',
    shortTitle: 'Short-term services: sequel',
    description:
      'Percentage of new clients who received short-term services during the year where the sequel was either no ongoing support or support of a lower level (ASCOF 2D).',
    unit: '%',
    unitType: 'percentage',
    decimalPlaces: 1,
    polarity: 'higher-is-better',
    source: ASCOF,
    caveats:
      'Small councils (the Isles of Scilly, the City of London) have very few clients, so their percentages swing between 0 and 100.',
  },
  ASC6: {
    title: 'Requests for support from new clients that resulted in a service',
    shortTitle: 'Requests resulting in a service',
    description:
      'Requests for support from new clients that resulted in a service, as a rate (from the Short and Long Term support return, SALT).',
    unit: 'per 100,000 adults',
    unitType: 'rate-per-100000',
    decimalPlaces: 1,
    polarity: 'not-applicable',
    source: 'NHS England, Short and Long Term (SALT) return',
    caveats:
      'The source file does not state the unit; the values (median about 1,600) match a rate per 100,000 adults. Oflog gives no polarity for this measure: more is not better or worse in itself.',
  },
  ASC7: {
    title: 'Adult social care workforce turnover rate',
    shortTitle: 'ASC workforce turnover',
    description:
      'Percentage of directly employed adult social care staff (council and independent sector) who left their role in the year.',
    unit: '%',
    unitType: 'percentage',
    decimalPlaces: 1,
    polarity: 'not-applicable',
    source: 'Skills for Care, Adult Social Care Workforce Data Set (ASC-WDS)',
    caveats:
      'Estimates from the Adult Social Care Workforce Data Set. Before 2022-23 between a quarter and a third of councils have no value. Oflog gives no polarity for this measure.',
  },
};

const oflogCode = (code: string) => `oflog.${code.toLowerCase()}`;

export const OFLOG_ASC_METRICS: MetricDefinition[] = Object.entries(SPECS).map(([code, s]) => ({
  code: oflogCode(code),
  title: s.title,
  shortTitle: s.shortTitle,
  description: s.description,
  definition: `Oflog adult social care metric ${code}, as in the Oflog Local Authority Data Explorer. Source data: ${s.source}. The publisher's median and distance from the median (in median absolute deviations) are not imported: this platform computes its own group statistics.`,
  caveats:
    `${s.caveats ?? ''} Values are as held in Oflog's prototype repository (communitiesuk/oflog-automated-text), which has no licence file; the underlying statistics are published under OGL v3.`.trim(),
  topic: 'community-wellbeing',
  subtopic: 'Adult social care',
  unit: s.unit,
  unitType: s.unitType,
  decimalPlaces: s.decimalPlaces,
  polarity: s.polarity,
  periodType: 'financial-year',
  applicableAreaTypes: [...UPPER_TIER],
  source: {
    publisher: 'Office for Local Government (Oflog), MHCLG',
    url: 'https://github.com/communitiesuk/oflog-automated-text',
    licence: 'OGL-UK-3.0',
    attribution: `Oflog Local Authority Data Explorer; ${s.source}. Open Government Licence v3.0.`,
  },
  statisticsStatus: 'official',
  publisherCode: code,
}));

const RANK_ORDER: Record<string, Polarity> = {
  desc: 'higher-is-better',
  asc: 'lower-is-better',
  none: 'not-applicable',
};

/** `2015-16` → financial year 2015/16. */
export function parseDashFinancialYear(raw: string): Period | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  if (Number(m[2]) !== (y + 1) % 100) return undefined;
  try {
    return financialYear(y);
  } catch (e) {
    if (e instanceof PeriodError) return undefined; // out of range: `9998-99`
    throw e;
  }
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length !== 1)
    throw new Error(`${NAME} takes one file (oflog_adult_social_care_2015_2023.csv), not ${files.length}`);
  let first = true;
  for await (const row of readCsv(files[0]!, { required: COLUMNS, adapter: NAME }, ctx)) {
    if (first) {
      first = false;
      for (const metric of OFLOG_ASC_METRICS) yield { kind: 'metric', metric, at: { file: row.at.file, line: 1 } };
    }
    const fail = (field: string, message: string) => ctx.error({ at: row.at, field, value: row.get(field), message });
    const code = (row.get('Code') ?? '').trim();
    const spec = SPECS[code];
    if (!spec) {
      fail('Code', `"${code}" is not one of the Oflog adult social care codes ${Object.keys(SPECS).join(', ')}`);
      continue;
    }
    const area = (row.get('Local authority code') ?? '').trim();
    if (!/^E\d{8}$/.test(area)) {
      fail('Local authority code', `"${area}" is not an English GSS code such as E08000009`);
      continue;
    }
    const rawPeriod = row.get('Financial year') ?? '';
    const period = parseDashFinancialYear(rawPeriod);
    if (!period) {
      fail('Financial year', `"${rawPeriod}" is not a financial year such as 2015-16`);
      continue;
    }
    // The file's polarity must agree with the metric's (a blank rank_order says nothing).
    const order = (row.get('rank_order') ?? '').trim().toLowerCase();
    if (order !== '' && RANK_ORDER[order] !== spec.polarity) {
      fail('rank_order', `"${row.get('rank_order')}" does not match ${code}'s polarity (${spec.polarity})`);
      continue;
    }
    const cell = parseValueCell(row.get('Value'));
    if (!cell.ok) {
      fail('Value', cell.message);
      continue;
    }
    let { value, status } = cell;
    let note: string | undefined;
    if (spec.zeroMeansMissing && value === 0) {
      value = null;
      status = ['x'];
      note = 'The source gives 0, which is not a possible score; imported as not available.';
    }
    if (value !== null && spec.unitType === 'percentage' && (value < 0 || value > 100)) {
      fail('Value', `${value} is not a percentage between 0 and 100`);
      continue;
    }
    yield {
      kind: 'observation',
      observation: { metric: oflogCode(code), area, period, value, status, ...(note ? { note } : {}), at: row.at },
    };
  }
}

export const oflogAscAdapter: ImportAdapter = {
  name: NAME,
  summary: 'Oflog adult social care metrics ASC1 to ASC7 per upper-tier council, 2015-16 to 2022-23',
  files: 'oflog_adult_social_care_2015_2023.csv (Oflog ASC_data.csv)',
  signatures: [['Financial year', 'Local authority code', 'Code', 'Value', 'MEDIAN', 'rank_order']],
  read,
};
