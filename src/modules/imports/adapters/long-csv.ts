/**
 * The generic long format for anyone's data (docs/long-csv.md): one observation per row
 * (metric, area, period, value, status, lci, uci, numerator, denominator [, ci_level, note]) and, optionally, a second
 * file defining the metrics it uses (code, title, unit, unit_type, …). Metrics not defined there must already be in
 * the catalogue. Every cell is checked; a problem names file:line and the column.
 */
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import {
  slugify,
  type MetricCategory,
  type MetricDefinition,
  type Polarity,
  type StatisticsStatus,
  type TopicId,
  type UnitType,
} from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError, readCsv, readHeader, type CsvRow } from '../csv.ts';
import {
  academicYear,
  financialYear,
  parseIsoPeriod,
  PeriodError,
  type Period,
  type PeriodType,
} from '../../observations/index.ts';
import { parseOptionalNumber, parseStatusCell, parseValueCell, type StatusCode } from '../../observations/index.ts';

const NAME = 'long-csv';
export const DATA_COLUMNS = ['metric', 'area', 'period', 'value', 'status', 'lci', 'uci', 'numerator', 'denominator'];
const DATA_OPTIONAL = ['ci_level', 'note'];
export const METRIC_COLUMNS = [
  'code',
  'title',
  'unit',
  'unit_type',
  'decimal_places',
  'polarity',
  'topic',
  'period_type',
  'applicable_area_types',
  'publisher',
  'licence',
  'source_url',
  'description',
  'caveats',
];
const METRIC_OPTIONAL = ['short_title', 'subtopic', 'definition', 'attribution', 'statistics_status', 'categories'];

// Allowed values, kept in step with the contract's types by `satisfies`. A categorical metric (unit type `category`)
// lists its ordered categories, best first, in the metrics file's optional `categories` column.
const keys = <T extends string>(o: Record<T, true>) => Object.keys(o) as T[];
const UNIT_TYPES = keys({
  count: true,
  percentage: true,
  'rate-per-1000': true,
  'rate-per-10000': true,
  'rate-per-100000': true,
  currency: true,
  'currency-per-head': true,
  ratio: true,
  index: true,
  score: true,
  rank: true,
  years: true,
  other: true,
  category: true,
} satisfies Record<UnitType, true>);
const POLARITIES = keys({ 'higher-is-better': true, 'lower-is-better': true, 'not-applicable': true } satisfies Record<
  Polarity,
  true
>);
const TOPICS = keys({
  'culture-tourism-sport': true,
  'children-young-people': true,
  'community-wellbeing': true,
  'environment-housing': true,
  'economy-transport': true,
  'safer-stronger-communities': true,
  'workforce-finance': true,
  context: true,
} satisfies Record<TopicId, true>);
const PERIOD_TYPES = keys({
  'financial-year': true,
  'academic-year': true,
  'calendar-year': true,
  'multi-year': true,
  'financial-multi-year': true,
  'academic-multi-year': true,
  quarter: true,
  month: true,
  day: true,
  interval: true,
} satisfies Record<PeriodType, true>);
const STATISTICS_STATUSES = keys({
  official: true,
  'official-accredited': true,
  experimental: true,
  'management-information': true,
  derived: true,
} satisfies Record<StatisticsStatus, true>);
const METRIC_CODE = /^[a-z0-9][a-z0-9._-]{1,119}$/;
const AREA_CODE = /^[EWSNK]\d{8}$/;

const display = (file: string) => path.relative(process.cwd(), file) || file;
const oneOf = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

/** What the data file needs to know about a metric defined in the metrics file. */
interface Defined {
  ok: boolean;
  periodType?: PeriodType;
  /** A categorical metric's categories, in order (the value stored is the 1-based position). */
  categories?: MetricCategory[];
}

/**
 * A label as compared: case, runs of spaces of any kind (no-break, thin, tabs), invisible characters (zero-width
 * spaces, a byte-order mark, soft hyphens), Unicode compatibility forms (NFKC: full-width letters, ligatures),
 * typographic dashes and quotes (as a spreadsheet's autocorrect leaves them) and hyphens or underscores between words
 * ("requires-improvement") do not matter.
 */
const labelKey = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212_-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/** The `categories` cell: labels best first, separated by semicolons; a problem, or the categories. */
function parseCategories(raw: string): MetricCategory[] | string {
  const labels = raw
    .split(';')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  if (labels.length < 2 || labels.length > 20)
    return `a categorical metric lists 2 to 20 categories, best first, separated by semicolons (e.g. "Outstanding; Good; Requires improvement; Inadequate"); ${labels.length} given`;
  const seen = new Map<string, string>();
  const categories: MetricCategory[] = [];
  for (const label of labels) {
    const code = slugify(label).slice(0, 60).replace(/-+$/, '');
    if (!code) return `"${label}" has no letters or digits to name the category by`;
    const twin = seen.get(labelKey(label)) ?? seen.get(code);
    if (twin) return `"${label}" is listed twice (as "${twin}")`;
    seen.set(labelKey(label), label).set(code, label);
    categories.push({ code, label });
  }
  return categories;
}

type Kind = 'data' | 'metrics';
async function kindOf(file: string): Promise<Kind> {
  const header = new Set(await readHeader(file).catch(() => []));
  if (header.has('code') && header.has('unit_type')) return 'metrics';
  if (header.has('metric') && header.has('value')) return 'data';
  // Let readCsv refuse an empty, UTF-16 or non-UTF-8 file, or say which data columns are missing.
  for await (const _row of readCsv(file, { required: DATA_COLUMNS, adapter: NAME })) break;
  throw new ImportFileError({ file: display(file), line: 1 }, `this is not a ${NAME} file`, { wrongHeader: true });
}

/** Refuses columns the format does not have (a misspelt "lci" would otherwise be ignored silently). */
async function checkColumns(file: string, allowed: string[]): Promise<void> {
  const extra = (await readHeader(file)).filter((h) => h !== '' && !allowed.includes(h));
  if (extra.length > 0) {
    throw new ImportFileError(
      { file: display(file), line: 1 },
      `unknown column${extra.length > 1 ? 's' : ''} ${extra.map((c) => `"${c}"`).join(', ')}; the columns are ${allowed.join(', ')} (see docs/long-csv.md)`,
    );
  }
}

/** Reads one metric definition row, reporting every bad field; undefined when any is bad. */
function metricRow(row: CsvRow, ctx: AdapterContext): MetricDefinition | undefined {
  let ok = true;
  const cell = (c: string) => (row.get(c) ?? '').trim();
  const fail = (field: string, message: string) => {
    ok = false;
    ctx.error({ at: row.at, field, value: cell(field), message });
  };
  const required = (c: string) => cell(c) || (fail(c, `${c} is required`), '');
  const choice = <T extends string>(c: string, list: readonly T[], fallback?: T): T => {
    const v = cell(c) || fallback || '';
    if (oneOf(list, v)) return v;
    fail(c, v === '' ? `${c} is required: one of ${list.join(', ')}` : `"${v}" is not one of ${list.join(', ')}`);
    return list[0]!;
  };

  const code = cell('code');
  if (!METRIC_CODE.test(code))
    fail(
      'code',
      `"${code}" is not a metric code: 2 to 120 lower-case letters, digits, dots, hyphens or underscores, e.g. mycouncil.missed-bins`,
    );
  const title = required('title');
  const unit = required('unit');
  const unitType = choice('unit_type', UNIT_TYPES);
  const dp = cell('decimal_places');
  const decimalPlaces = Number(dp);
  if (!/^\d$/.test(dp) || decimalPlaces > 6) fail('decimal_places', `"${dp}" is not a whole number from 0 to 6`);
  const polarity = choice('polarity', POLARITIES);
  const topic = choice('topic', TOPICS);
  const periodType = choice('period_type', PERIOD_TYPES);
  const types = cell('applicable_area_types')
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (types.length === 0)
    fail('applicable_area_types', 'applicable_area_types is required: GSS prefixes such as "E06 E07 E08 E09"');
  for (const t of types)
    if (!/^[EWSN]\d{2}$/.test(t)) fail('applicable_area_types', `"${t}" is not a GSS prefix such as E06`);
  const publisher = required('publisher');
  const licence = required('licence');
  const url = cell('source_url');
  if (url && !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(url))
    fail('source_url', `"${url}" is not a web address starting http:// or https://`);
  const statisticsStatus = choice('statistics_status', STATISTICS_STATUSES, 'management-information');
  let categories: MetricCategory[] | undefined;
  if (unitType === 'category') {
    const parsed = parseCategories(cell('categories'));
    if (typeof parsed === 'string') fail('categories', parsed);
    else categories = parsed;
    if (cell('decimal_places') !== '0') fail('decimal_places', 'a categorical metric has decimal_places 0');
    if (polarity === 'higher-is-better')
      fail(
        'polarity',
        'a categorical metric lists its categories best first: write lower-is-better (the first category is the best), or not-applicable when no category is better than another',
      );
  } else if (cell('categories') !== '') {
    fail('categories', `categories are only for unit_type category, not ${unitType}`);
  }
  if (!ok) return undefined;
  const optional = (c: string) => cell(c) || undefined;
  return {
    code,
    title,
    shortTitle: optional('short_title'),
    description: optional('description'),
    definition: optional('definition'),
    caveats: optional('caveats'),
    topic,
    subtopic: optional('subtopic'),
    unit,
    unitType,
    ...(categories ? { categories } : {}),
    decimalPlaces,
    polarity,
    periodType,
    applicableAreaTypes: types,
    source: { publisher, url: url || undefined, licence, attribution: optional('attribution') },
    statisticsStatus,
  };
}

/** ISO 8601, or `2023/24` when the metric's period_type (from the metrics file) says which kind of year. */
function parsePeriod(raw: string, periodType: PeriodType | undefined): Period | string {
  const s = raw.trim();
  const label = /^(\d{4})\/(\d{2})$/.exec(s);
  if (label) {
    const y = Number(label[1]);
    if (Number(label[2]) !== (y + 1) % 100) return `"${s}" is not a year such as 2023/24`;
    try {
      if (periodType === 'financial-year') return financialYear(y);
      if (periodType === 'academic-year') return academicYear(y);
    } catch (e) {
      if (e instanceof PeriodError) return `"${s}": ${e.message}`; // `9998/99`
      throw e;
    }
    return `"${s}" could be a financial or an academic year: write ${y}-04-01/P1Y (financial) or ${y}-09-01/P1Y (academic), or define the metric in the metrics file with period_type financial-year or academic-year`;
  }
  try {
    return parseIsoPeriod(s);
  } catch (e) {
    if (e instanceof PeriodError)
      return `${e.message}; write an ISO 8601 period such as 2023-04-01/P1Y, 2023, 2024-01-01/P3M or 2023-06-30`;
    throw e;
  }
}

const BLANKING: StatusCode[] = ['x', 'c', 'z'];

/** A categorical metric's value: one of its labels (stored as its position), or empty or a marker; never a number. */
function categoryCell(raw: string, metric: string, categories: MetricCategory[]): ReturnType<typeof parseValueCell> {
  const position = categories.findIndex((c) => labelKey(c.label) === labelKey(raw)) + 1;
  if (position > 0) return { ok: true, value: position, status: [] };
  const expected = `one of ${categories.map((c) => `"${c.label}"`).join(', ')}`;
  const cell = parseValueCell(raw);
  if (cell.ok && cell.value === null) return cell; // empty, or a marker such as [c]
  if (cell.ok) return { ok: false, message: `${metric} is categorical: write ${expected}, not a number` };
  return { ok: false, message: `"${raw}" is not a category of ${metric}: expected ${expected}` };
}

function* dataRow(
  row: CsvRow,
  defined: Map<string, Defined>,
  known: (code: string) => MetricCategory[] | undefined,
  ctx: AdapterContext,
): Generator<ImportItem> {
  const errors: [string, string][] = [];
  const cell = (c: string) => (row.get(c) ?? '').trim();
  const metric = cell('metric');
  const def = defined.get(metric);
  if (!METRIC_CODE.test(metric))
    errors.push(['metric', `"${metric}" is not a metric code such as mycouncil.missed-bins`]);
  const area = cell('area');
  if (!AREA_CODE.test(area)) errors.push(['area', `"${area}" is not a GSS area code such as E08000009`]);
  const period = parsePeriod(cell('period'), def?.periodType);
  if (typeof period === 'string') errors.push(['period', period]);
  else if (def?.periodType && period.type !== def.periodType)
    errors.push([
      'period',
      `${period.label} is a ${period.type} period, but ${metric} is defined with period_type ${def.periodType}`,
    ]);
  // A categorical metric's labels: from this import's metrics file, else from the catalogue's metric of that code.
  const categories = def ? def.categories : known(metric);
  const value = categories ? categoryCell(cell('value'), metric, categories) : parseValueCell(row.get('value'));
  if (!value.ok) errors.push(['value', value.message]);
  const flags = parseStatusCell(row.get('status'));
  if (!flags.ok) errors.push(['status', flags.message]);
  const numbers: Record<string, number | null> = {};
  for (const c of ['lci', 'uci', 'numerator', 'denominator', 'ci_level']) {
    const n = parseOptionalNumber(row.get(c));
    if (n.ok) numbers[c] = n.value;
    else errors.push([c, n.message]);
  }
  const ciLevel = numbers.ci_level ?? null;
  if (ciLevel !== null && !(ciLevel > 0 && ciLevel < 100))
    errors.push(['ci_level', `${ciLevel} is not a confidence level between 0 and 100, such as 95`]);

  let status: StatusCode[] = [];
  if (value.ok && flags.ok) {
    const blanking = flags.status.filter((s) => BLANKING.includes(s));
    if (value.value !== null && blanking.length > 0) {
      errors.push([
        'status',
        `status ${blanking.join(',')} says there is no value, but value is ${value.value}; leave value empty`,
      ]);
    } else if (value.value === null && cell('value') === '' && blanking.length > 0) {
      status = flags.status; // an empty value explained by the status column
    } else {
      status = [...new Set([...value.status, ...flags.status])];
    }
  }
  for (const [field, message] of errors) ctx.error({ at: row.at, field, value: cell(field), message });
  if (errors.length > 0 || !value.ok || typeof period === 'string') return;
  if (def && !def.ok) return; // its definition was refused: that error explains
  const note = cell('note');
  yield {
    kind: 'observation',
    observation: {
      metric,
      area,
      period,
      value: value.value,
      status,
      lci: numbers.lci,
      uci: numbers.uci,
      ciLevel,
      numerator: numbers.numerator,
      denominator: numbers.denominator,
      note: note || null,
      at: row.at,
    },
  };
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length < 1 || files.length > 2)
    throw new Error(`${NAME} takes a data file and, optionally, a metrics file (see docs/long-csv.md)`);
  const byKind = new Map<Kind, string>();
  for (const f of files) {
    const kind = await kindOf(f);
    if (byKind.has(kind))
      throw new ImportFileError(
        { file: display(f), line: 1 },
        `two ${kind} files given (${display(byKind.get(kind)!)} and this one); give one data file and at most one metrics file`,
      );
    byKind.set(kind, f);
  }
  const data = byKind.get('data');
  if (!data)
    throw new ImportFileError(
      { file: display(files[0]!), line: 1 },
      'a metrics file was given without a data file (metric, area, period, value, …)',
    );

  const defined = new Map<string, Defined & { at: SourceLocation }>();
  const metricsFile = byKind.get('metrics');
  if (metricsFile) {
    await checkColumns(metricsFile, [...METRIC_COLUMNS, ...METRIC_OPTIONAL]);
    for await (const row of readCsv(metricsFile, { required: METRIC_COLUMNS, adapter: NAME }, ctx)) {
      const code = (row.get('code') ?? '').trim();
      const earlier = defined.get(code);
      if (earlier) {
        ctx.error({
          at: row.at,
          field: 'code',
          value: code,
          message: `${code} is already defined on line ${earlier.at.line}`,
        });
        continue;
      }
      const metric = metricRow(row, ctx);
      defined.set(code, {
        ok: metric !== undefined,
        periodType: metric?.periodType as PeriodType | undefined,
        ...(metric?.categories ? { categories: metric.categories } : {}),
        at: row.at,
      });
      if (metric) yield { kind: 'metric', metric, at: row.at };
    }
  }
  await checkColumns(data, [...DATA_COLUMNS, ...DATA_OPTIONAL]);
  // The catalogue's categorical metrics, looked up once per code.
  const catalogued = new Map<string, MetricCategory[] | undefined>();
  const known = (code: string) => {
    if (!catalogued.has(code)) catalogued.set(code, ctx.metric?.(code)?.categories);
    return catalogued.get(code);
  };
  for await (const row of readCsv(data, { required: DATA_COLUMNS, adapter: NAME }, ctx))
    yield* dataRow(row, defined, known, ctx);
}

export const longCsvAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'Any metric in the documented long format: one observation per row, with an optional metrics file (docs/long-csv.md)',
  files:
    'a data file (metric, area, period, value, status, lci, uci, numerator, denominator) and optionally a metrics file (code, title, unit, …)',
  signatures: [DATA_COLUMNS, METRIC_COLUMNS],
  read,
};
