import type { MetricDefinition, TopicId, UnitType, Polarity, StatisticsStatus } from './types.ts';
import type { MetricsTable } from './tables.ts';
import { valueRangeOf } from './range.ts';
import { checkStoredText, normaliseText } from '../../platform/text.ts';

/** The sector body's seven board themes (product.md), plus context measures such as population and deprivation. */
export const TOPICS: { id: TopicId; title: string; description: string }[] = [
  {
    id: 'children-young-people',
    title: 'Children and young people',
    description: "Education, early years, children's social care, youth justice and children's health.",
  },
  {
    id: 'community-wellbeing',
    title: 'Community wellbeing',
    description: 'Adult social care, public health, wellbeing and life expectancy.',
  },
  {
    id: 'culture-tourism-sport',
    title: 'Culture, tourism and sport',
    description: 'Libraries, culture, leisure, physical activity and the visitor economy.',
  },
  {
    id: 'economy-transport',
    title: 'Economy and transport',
    description: 'Jobs, earnings, productivity, skills, digital connectivity and transport.',
  },
  {
    id: 'environment-housing',
    title: 'Environment and housing',
    description: 'Waste and recycling, emissions, planning, housing supply and affordability.',
  },
  {
    id: 'safer-stronger-communities',
    title: 'Safer and stronger communities',
    description: 'Crime, community safety, fire and rescue, and cohesion.',
  },
  {
    id: 'workforce-finance',
    title: 'Workforce and finance',
    description: 'Council finance, spending, and the local government workforce.',
  },
  {
    id: 'context',
    title: 'Context',
    description: 'Population, households and deprivation: the setting councils work in, not performance.',
  },
];
const TOPIC_IDS = new Set<string>(TOPICS.map((t) => t.id));
const UNIT_TYPES = new Set<UnitType>([
  'count',
  'percentage',
  'rate-per-1000',
  'rate-per-10000',
  'rate-per-100000',
  'currency',
  'currency-per-head',
  'ratio',
  'index',
  'score',
  'rank',
  'years',
  'other',
  'category',
]);
const POLARITIES = new Set<Polarity>(['higher-is-better', 'lower-is-better', 'not-applicable']);
const STATUSES = new Set<StatisticsStatus>([
  'official',
  'official-accredited',
  'experimental',
  'management-information',
  'derived',
]);
const AREA_TYPE = /^[EWSN]\d{2}$/;

export interface MetricProblem {
  field: string;
  value?: string;
  message: string;
}

/** Checks a metric definition field by field. */
export function validateMetricDefinition(m: MetricDefinition): MetricProblem[] {
  const p: MetricProblem[] = [];
  if (!/^[a-z0-9][a-z0-9._-]{1,119}$/.test(m.code))
    p.push({
      field: 'code',
      value: m.code,
      message: 'must be 2 to 120 lower-case letters, digits, dots, hyphens or underscores',
    });
  if (!m.title?.trim()) p.push({ field: 'title', message: 'is required' });
  for (const [field, text] of [
    ['title', m.title],
    ['shortTitle', m.shortTitle],
    ['unit', m.unit],
    ['subtopic', m.subtopic],
  ] as const) {
    const unsafe = checkStoredText(field, text);
    if (unsafe) p.push(unsafe);
  }
  if (!TOPIC_IDS.has(m.topic))
    p.push({ field: 'topic', value: String(m.topic), message: `must be one of ${[...TOPIC_IDS].join(', ')}` });
  if (!UNIT_TYPES.has(m.unitType))
    p.push({ field: 'unitType', value: String(m.unitType), message: `must be one of ${[...UNIT_TYPES].join(', ')}` });
  if (!Number.isInteger(m.decimalPlaces) || m.decimalPlaces < 0 || m.decimalPlaces > 6)
    p.push({ field: 'decimalPlaces', value: String(m.decimalPlaces), message: 'must be a whole number from 0 to 6' });
  if (!POLARITIES.has(m.polarity))
    p.push({ field: 'polarity', value: String(m.polarity), message: `must be one of ${[...POLARITIES].join(', ')}` });
  if (!STATUSES.has(m.statisticsStatus))
    p.push({
      field: 'statisticsStatus',
      value: String(m.statisticsStatus),
      message: `must be one of ${[...STATUSES].join(', ')}`,
    });
  if (!m.unit?.trim()) p.push({ field: 'unit', message: 'is required' });
  if (!m.periodType?.trim()) p.push({ field: 'periodType', message: 'is required' });
  if (!m.source?.publisher?.trim()) p.push({ field: 'source.publisher', message: 'is required' });
  if (!m.source?.licence?.trim()) p.push({ field: 'source.licence', message: 'is required' });
  if (m.applicableAreaTypes.length === 0)
    p.push({ field: 'applicableAreaTypes', message: 'must list at least one GSS prefix' });
  for (const t of m.applicableAreaTypes)
    if (!AREA_TYPE.test(t))
      p.push({ field: 'applicableAreaTypes', value: t, message: 'is not a GSS prefix such as E06' });
  const range = m.valueRange ?? {};
  for (const side of ['min', 'max'] as const) {
    const v = range[side];
    if (v !== undefined && v !== null && !Number.isFinite(v))
      p.push({ field: `valueRange.${side}`, value: String(v), message: 'must be a finite number or null' });
  }
  const { min, max } = valueRangeOf(m);
  if (min !== null && max !== null && min > max)
    p.push({ field: 'valueRange', value: `${min} to ${max}`, message: 'must not have its minimum above its maximum' });
  if (m.multiplier !== undefined && !(m.multiplier > 0))
    p.push({ field: 'multiplier', value: String(m.multiplier), message: 'must be positive' });
  p.push(...categoryProblems(m));
  return p;
}

const CATEGORY_CODE = /^[a-z0-9][a-z0-9-]{0,59}$/;

/**
 * A categorical metric lists 2 to 20 categories in order, each with a unique code and a label; its values are whole
 * positions, so it has no decimal places, multiplier or range of its own. A numeric metric lists none.
 */
function categoryProblems(m: MetricDefinition): MetricProblem[] {
  const p: MetricProblem[] = [];
  const list = m.categories;
  if (m.unitType !== 'category') {
    if (list !== undefined)
      p.push({
        field: 'categories',
        message: `are only for a categorical metric (unitType category), not ${m.unitType}`,
      });
    return p;
  }
  if (!Array.isArray(list) || list.length < 2 || list.length > 20)
    return [{ field: 'categories', message: 'a categorical metric must list 2 to 20 categories in order' }];
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const field = `categories[${i}]`;
    if (typeof c?.code !== 'string' || !CATEGORY_CODE.test(c.code))
      p.push({
        field: `${field}.code`,
        value: String(c?.code),
        message: 'must be lower-case letters, digits or hyphens',
      });
    else if (seen.has(c.code)) p.push({ field: `${field}.code`, value: c.code, message: 'is listed twice' });
    else seen.add(c.code);
    if (typeof c?.label !== 'string' || !c.label.trim()) p.push({ field: `${field}.label`, message: 'is required' });
    else {
      const unsafe = checkStoredText(`${field}.label`, c.label);
      if (unsafe) p.push(unsafe);
    }
  });
  if (m.decimalPlaces !== 0)
    p.push({ field: 'decimalPlaces', value: String(m.decimalPlaces), message: 'must be 0 for a categorical metric' });
  if (m.multiplier !== undefined && m.multiplier !== 1)
    p.push({ field: 'multiplier', value: String(m.multiplier), message: 'must be 1 for a categorical metric' });
  if (m.valueRange !== undefined)
    p.push({ field: 'valueRange', message: "a categorical metric's range is its categories' positions" });
  return p;
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/%/g, ' percent ')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export type MetricRowFields = Omit<MetricsTable, 'id' | 'slug' | 'import_id' | 'created_at' | 'updated_at'>;

/** The catalogue fields a definition sets (everything but ids, slug and timestamps). */
export function toMetricFields(m: MetricDefinition, adapter: string): MetricRowFields {
  return {
    code: m.code,
    title: normaliseText(m.title.trim()),
    short_title: m.shortTitle === undefined ? null : normaliseText(m.shortTitle),
    description: m.description ?? null,
    definition: m.definition ?? null,
    caveats: m.caveats ?? null,
    topic_id: m.topic,
    subtopic: m.subtopic ?? null,
    unit: m.unit,
    unit_type: m.unitType,
    decimal_places: m.decimalPlaces,
    multiplier: m.multiplier ?? 1,
    polarity: m.polarity,
    period_type: m.periodType,
    applicable_area_types: JSON.stringify([...m.applicableAreaTypes].sort()),
    source_publisher: m.source.publisher,
    source_url: m.source.url ?? null,
    licence: m.source.licence,
    attribution: m.source.attribution ?? null,
    statistics_status: m.statisticsStatus,
    numerator_label: m.numeratorLabel ?? null,
    denominator_label: m.denominatorLabel ?? null,
    calculation: m.calculation ?? null,
    released_at: m.releasedAt ?? null,
    next_release_at: m.nextReleaseAt ?? null,
    adapter,
    publisher_code: m.publisherCode ?? null,
    value_min: valueRangeOf(m).min,
    value_max: valueRangeOf(m).max,
    categories:
      m.categories === undefined
        ? null
        : JSON.stringify(m.categories.map((c) => ({ code: c.code, label: normaliseText(c.label.trim()) }))),
  };
}

/** Fields whose values differ between the stored metric and a new definition. */
export function changedFields(stored: MetricRowFields, next: MetricRowFields): (keyof MetricRowFields)[] {
  return (Object.keys(next) as (keyof MetricRowFields)[]).filter((k) => (stored[k] ?? null) !== (next[k] ?? null));
}
