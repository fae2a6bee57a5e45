/**
 * The Office for Local Government's Local Authority Data Explorer download format: one long CSV per download with the
 * columns `Year, AreaCode, AreaName, AreaType, Region, Measure, Value, Units, Date source data accessed`, `-` for a
 * missing value, codes of the year. The waste download (performance/oflog_waste/) has three measures; the explorer's
 * other downloads (adult social care, skills, planning, roads, corporate) have the same columns, so this adapter reads
 * the format, not one file.
 *
 * A measure's metric code is a slug of its Measure text (`oflog.explorer.<slug>`), except for the measures in KNOWN,
 * which have codes, polarity, unit type and topic of their own. An unknown measure still imports, with a generic
 * definition built from its Units column (polarity not-applicable), and the summary names it. Applicable area types
 * are the GSS types of the areas the file gives for the measure. The explorer's household waste recycling rate is
 * left out and counted: DEFRA's (`defra.household-recycling-rate`, sli import defra-recycling) is the primary source
 * and has the longer series, including 2023/24 (docs/ARCHITECTURE.md). Each figure is filed under the code of its
 * year (docs/FIGURE-SOURCES.md); rows the geography cannot hold are left out and counted with the reason.
 */
import type { AdapterContext, ImportAdapter, ImportItem, ObservationRecord } from '../adapter.ts';
import type { MetricDefinition, Polarity, TopicId, UnitType } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { readCsv } from '../csv.ts';
import { financialYear, parseValueCell, PeriodError, type Period } from '../../observations/index.ts';
import { placeArea } from './mhclg-finance.ts';

const NAME = 'oflog';
const COLUMNS = ['Year', 'AreaCode', 'AreaName', 'AreaType', 'Measure', 'Value', 'Units'];
const URL = 'https://oflog.data.gov.uk/';

interface Known {
  code: string;
  title: string;
  shortTitle: string;
  description: string;
  unitType: UnitType;
  decimalPlaces: number;
  polarity: Polarity;
  topic: TopicId;
  subtopic: string;
  caveats: string;
  valueRange?: MetricDefinition['valueRange'];
}

const WASTE_CAVEATS =
  'From DEFRA WasteDataFlow as published in the Oflog Local Authority Data Explorer, per waste collection authority (districts, unitary councils, metropolitan and London boroughs). Councils that report jointly can be missing.';

/** Measures the platform knows, by their Measure text in lower case. */
const KNOWN: Record<string, Known> = {
  'recycling contamination rate': {
    code: 'oflog.waste.contamination-rate',
    title: 'Recycling contamination rate',
    shortTitle: 'Recycling contamination',
    description:
      'The percentage of household waste collected for recycling that was rejected as contaminated (not suitable for recycling).',
    unitType: 'percentage',
    decimalPlaces: 1,
    polarity: 'lower-is-better',
    topic: 'environment-housing',
    subtopic: 'Waste',
    caveats: WASTE_CAVEATS,
  },
  'residual household waste': {
    code: 'oflog.waste.residual-household-waste-per-household',
    title: 'Residual household waste per household',
    shortTitle: 'Residual waste per household',
    description: 'Household waste not sent for reuse, recycling or composting, in kilograms per household in the year.',
    unitType: 'other',
    decimalPlaces: 1,
    polarity: 'lower-is-better',
    topic: 'environment-housing',
    subtopic: 'Waste',
    caveats: WASTE_CAVEATS,
    valueRange: { min: 0 },
  },
};

/** Measures left out on purpose, by their Measure text in lower case, with the reason counted in the summary. */
const LEFT_OUT: Record<string, string> = {
  'household waste recycling rate':
    'the household waste recycling rate (held from DEFRA as defra.household-recycling-rate, the primary source, with the longer series including 2023/24)',
};

/** The explorer's AreaType text and the GSS types it stands for. */
const AREA_TYPES: Record<string, string[]> = {
  districts: ['E07'],
  'shire districts': ['E07'],
  'non-metropolitan districts': ['E07'],
  'unitary authorities': ['E06'],
  'metropolitan districts': ['E08'],
  'london boroughs': ['E09'],
  counties: ['E10'],
  'county councils': ['E10'],
  'shire counties': ['E10'],
  'combined authorities': ['E47'],
  'fire and rescue authorities': ['E31'],
};

/** A slug of a measure's text: lower case, words joined by hyphens, at most 80 characters. */
export function measureSlug(measure: string): string {
  return (
    measure
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/%/g, ' percent ')
      .replace(/£/g, ' gbp ')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80)
      .replace(/-+$/, '') || 'measure'
  );
}

/** The unit type a Units cell stands for, for a measure the platform does not know. */
export function unitTypeOf(units: string): UnitType {
  const u = units.trim().toLowerCase();
  if (u === '%' || u.includes('percent') || u.startsWith('% ')) return 'percentage';
  if (u.includes('£') || u.includes('pounds') || u.includes('gbp'))
    return /per (head|person|resident|capita)/.test(u) ? 'currency-per-head' : 'currency';
  if (/per 100,?000\b/.test(u)) return 'rate-per-100000';
  if (/per 10,?000\b/.test(u)) return 'rate-per-10000';
  if (/per 1,?000\b/.test(u)) return 'rate-per-1000';
  if (u === 'years' || u === 'year') return 'years';
  if (u.includes('score')) return 'score';
  if (u.includes('index')) return 'index';
  if (u.includes('ratio')) return 'ratio';
  if (u.includes('rank')) return 'rank';
  if (u === '' || /^(number|count|people|persons|households|dwellings|homes|adults|children|n)\b/.test(u))
    return 'count';
  return 'other';
}

/** Amounts of something (kilograms, tonnes, days, kilometres) cannot be negative; other units are left unbounded. */
const AMOUNT = /\b(kg|kilogram|tonne|tonnes|days|weeks|hours|km|miles|metres)\b/;

/** A topic for a measure the platform does not know, from words in its text; `context` when none fits. */
function topicOf(measure: string): { topic: TopicId; subtopic?: string } {
  const m = measure.toLowerCase();
  if (/waste|recycl|fly-?tip/.test(m)) return { topic: 'environment-housing', subtopic: 'Waste' };
  if (/planning|applications? (decided|determined)|housing|homes|dwelling/.test(m))
    return { topic: 'environment-housing', subtopic: 'Planning' };
  if (/social care|carer|asc\b|care home|reablement|discharge|people who use services/.test(m))
    return { topic: 'community-wellbeing', subtopic: 'Adult social care' };
  if (/road|highway|carriageway/.test(m)) return { topic: 'economy-transport', subtopic: 'Roads' };
  if (/skill|apprentice|qualification|nvq|adult education|employment/.test(m))
    return { topic: 'economy-transport', subtopic: 'Skills' };
  if (/council tax|reserve|debt|spend|expenditure|revenue|financ|workforce|sickness|corporate/.test(m))
    return { topic: 'workforce-finance', subtopic: 'Corporate' };
  return { topic: 'context' };
}

/** `2021-22`, `2021/22`, `2021-2022` or `2021/2022` → the financial year 2021/22 (`2021-04-01/P1Y`). */
export function parseExplorerYear(raw: string | undefined): Period | undefined {
  const m = /^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$/.exec((raw ?? '').trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const next = m[2]!.length === 2 ? Number(m[2]) === (y + 1) % 100 : Number(m[2]) === y + 1;
  if (!next) return undefined;
  try {
    return financialYear(y);
  } catch (e) {
    if (e instanceof PeriodError) return undefined;
    throw e;
  }
}

const SOURCE: MetricDefinition['source'] = {
  publisher: 'Office for Local Government (Oflog), MHCLG',
  url: URL,
  licence: 'OGL-UK-3.0',
  attribution:
    'Oflog, Local Authority Data Explorer. Contains public sector information licensed under the Open Government Licence v3.0.',
};

/** What the file says of one measure: where it first appears, its Units, the GSS types of its areas. */
interface Seen {
  measure: string;
  units: string;
  at: SourceLocation;
  types: Set<string>;
}

/** The metric definition for a measure: its own where known, else a generic one from its Units. */
export function explorerMetric(seen: Seen): { metric: MetricDefinition; generic: boolean } {
  const known = KNOWN[seen.measure.toLowerCase()];
  const types = [...seen.types].sort();
  const common = {
    unit: seen.units,
    periodType: 'financial-year',
    applicableAreaTypes: types,
    source: SOURCE,
    statisticsStatus: 'official' as const,
    publisherCode: seen.measure,
    definition: `Oflog Local Authority Data Explorer, measure "${seen.measure}" (Units: ${seen.units || 'none given'}), by financial year.`,
  };
  if (known) {
    const { code, valueRange, ...rest } = known;
    return { metric: { code, ...rest, ...common, ...(valueRange ? { valueRange } : {}) }, generic: false };
  }
  const unitType = unitTypeOf(seen.units);
  const { topic, subtopic } = topicOf(seen.measure);
  const metric: MetricDefinition = {
    code: `oflog.explorer.${measureSlug(seen.measure)}`,
    title: seen.measure,
    description: `${seen.measure}, as published in the Oflog Local Authority Data Explorer.`,
    caveats:
      'Defined generically from the explorer download: the unit type is read from its Units column and no polarity is given. Check the measure in the explorer before comparing councils on it.',
    topic,
    ...(subtopic ? { subtopic } : {}),
    unitType,
    decimalPlaces: unitType === 'count' ? 0 : 1,
    polarity: 'not-applicable',
    ...common,
    ...(unitType === 'other' && AMOUNT.test(seen.units.toLowerCase()) ? { valueRange: { min: 0 } } : {}),
  };
  return { metric, generic: true };
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length === 0) throw new Error(`${NAME} takes one or more Oflog Local Authority Data Explorer downloads`);
  // Read every row first: a measure's definition (its area types) depends on all its rows, and definitions come first.
  const seen = new Map<string, Seen>();
  const pending: { key: string; observation: ObservationRecord }[] = [];
  for (const file of files) {
    for await (const row of readCsv(file, { required: COLUMNS, adapter: NAME }, ctx)) {
      const fail = (field: string, message: string) => ctx.error({ at: row.at, field, value: row.get(field), message });
      const measure = (row.get('Measure') ?? '').trim().replace(/\s+/g, ' ');
      if (measure === '') {
        fail('Measure', 'the measure is empty');
        continue;
      }
      const key = measure.toLowerCase();
      const period = parseExplorerYear(row.get('Year'));
      if (!period) {
        fail('Year', `"${row.get('Year')}" is not a financial year such as 2021-22 or 2021/22`);
        continue;
      }
      const units = (row.get('Units') ?? '').trim();
      const known = seen.get(key);
      if (known && known.units !== units) {
        fail('Units', `"${units}" differs from "${known.units}" given for "${measure}" at line ${known.at.line}`);
        continue;
      }
      const cell = parseValueCell(row.get('Value'));
      if (!cell.ok) {
        fail('Value', cell.message);
        continue;
      }
      const rawCode = (row.get('AreaCode') ?? '').trim();
      const areaType = (row.get('AreaType') ?? '').trim().toLowerCase();
      const typed = AREA_TYPES[areaType];
      if (typed && /^E\d{8}$/.test(rawCode) && !typed.includes(rawCode.slice(0, 3))) {
        fail('AreaCode', `${rawCode} is not a code of the area type "${row.get('AreaType')}" (${typed.join(', ')})`);
        continue;
      }
      const left = LEFT_OUT[key];
      if (left) {
        ctx.skipped?.(row.at, left);
        continue;
      }
      if (rawCode === 'E92000001' || /^E1[25]\d{6}$/.test(rawCode)) {
        ctx.skipped?.(row.at, "England's and regions' rows (the platform computes its own aggregates)");
        continue;
      }
      const place = placeArea(rawCode, undefined, period, ctx);
      if ('skip' in place) {
        ctx.skipped?.(row.at, place.skip);
        continue;
      }
      const entry = known ?? { measure, units, at: row.at, types: new Set<string>() };
      if (!known) seen.set(key, entry);
      entry.types.add(typed && typed.length === 1 ? typed[0]! : place.code.slice(0, 3));
      const { value, status } = cell;
      pending.push({
        key,
        observation: {
          metric: '',
          area: place.code,
          period,
          value,
          status,
          note: place.note ?? null,
          at: row.at,
        },
      });
    }
  }
  const codes = new Map<string, string>();
  const byCode = new Map<string, string>();
  const generic: string[] = [];
  for (const [key, s] of seen) {
    const { metric, generic: isGeneric } = explorerMetric(s);
    const other = byCode.get(metric.code);
    if (other !== undefined) {
      ctx.error({
        at: s.at,
        field: 'Measure',
        value: s.measure,
        message: `"${s.measure}" and "${other}" give the same metric code ${metric.code}`,
      });
      continue;
    }
    byCode.set(metric.code, s.measure);
    codes.set(key, metric.code);
    if (isGeneric) generic.push(`"${s.measure}" (${metric.code}, ${metric.unitType})`);
    yield { kind: 'metric', metric, at: s.at };
  }
  if (generic.length > 0) ctx.notice?.(`measures defined generically from their Units: ${generic.join(', ')}`);
  for (const { key, observation } of pending) {
    const metric = codes.get(key);
    if (metric) yield { kind: 'observation', observation: { ...observation, metric } };
  }
}

export const oflogAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'Oflog Local Authority Data Explorer downloads (waste: contamination rate, residual waste per household; other downloads with generic definitions)',
  files: 'one or more explorer downloads, e.g. oflog_waste_measures_2015-16_to_2022-23.csv',
  signatures: [['Year', 'AreaCode', 'AreaName', 'AreaType', 'Measure', 'Value', 'Units']],
  read,
};
