/**
 * ONS Explore Local Statistics (ONSdigital/explore-local-statistics-data, England only, as restructured in
 * shared/data):
 *   els_observations_england.csv   indicator_id, areacd, period, observation, lci_95, uci_95, status, notes
 *   els_indicators.csv             indicator_id, dataset, indicator, measure, unit, …
 *   els_indicator_metadata.json    per dataset: label, subtitle, longDescription, caveats, source, decimal places…
 *   els_areas.csv (optional)       areacd, areanm, geography: checks that every area code is one ELS lists
 * told apart by header (or .json), in any order.
 *
 * Metrics: `ons-els.<dataset>[.<indicator slug>]` (see els-metadata.ts); polarity, topic and unit from
 * els-catalogue.ts;
 * period type from the indicator's periods and applicable area types from the geographies it covers, so the
 * observations file is read twice (a quiet first pass to learn those, then the checked pass that yields rows).
 * Periods are kept as given: ISO intervals through fromIso (`2015-11-16/P1Y`, `2011-01-01/P3Y`, `2023-07-01/P1M`),
 * and a bare date, a point in time, as the one-day interval `YYYY-MM-DD/P1D`.
 * Status: x, u, z, c are ours; a status cell holding prose goes to the note; a note saying the estimate is
 * "unreliable" adds u. Rows left out on purpose (counted, with the reason): areas outside England, geographies the
 * platform does not hold (police force areas, the GLA, ELS's combined Hackney/City and Cornwall/Scilly units), and
 * figures the publisher flags as under an obsolete code for periods after that code ended.
 */
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import { filesByKind, ImportFileError, readCsv, readHeader, type CsvRow } from '../csv.ts';
import { fromIso, PeriodError, type Period, type PeriodType } from '../../observations/index.ts';
import { parseOptionalNumber, parseStatusCell, parseValueCell, type StatusCode } from '../../observations/index.ts';
import { ELS_DATASETS, ELS_UNITS } from './els-catalogue.ts';
import { elsMetricDefinition, indicatorMetadata, readElsMetadata, type IndicatorRow } from './els-metadata.ts';
import { LOWER_TIER, UPPER_TIER } from './tiers.ts';

const NAME = 'els';
const COLUMNS = {
  observations: ['indicator_id', 'areacd', 'period', 'observation', 'lci_95', 'uci_95', 'status', 'notes'],
  indicators: ['indicator_id', 'dataset', 'indicator', 'measure', 'unit'],
  areas: ['areacd', 'areanm', 'geography'],
};
type Kind = keyof typeof COLUMNS | 'metadata';
const FILE_NAMES: Record<Kind, string> = {
  observations: 'els_observations_england.csv',
  indicators: 'els_indicators.csv',
  metadata: 'els_indicator_metadata.json',
  areas: 'els_areas.csv',
};

/** Area types the platform holds (areas-vintages); the councils among them decide a metric's applicable types. */
const HELD = new Set(['E06', 'E07', 'E08', 'E09', 'E10', 'E11', 'E12', 'E13', 'E47', 'E92']);
const COUNCILS = new Set(['E06', 'E07', 'E08', 'E09', 'E10', 'E11', 'E47']);
const NOT_HELD: Record<string, string> = {
  E23: 'police force areas (E23), not held as areas',
  E61: 'the Greater London Authority (E61), not a council type held',
  E67: 'combined statistical areas (E67: Hackney with the City of London, Cornwall with the Isles of Scilly), not held as areas',
};
export const ELS_SKIPPED = {
  outsideEngland: 'areas outside England',
  legacyCode:
    'figures under an area code for periods after it ended, flagged "obsolete code" by the publisher (not moved to the successor)',
  noObservations: 'indicators with no rows in the observations file (no metric defined)',
};
const OBSOLETE = /\bobsolete code\b/i;
const UNRELIABLE = /\bunreliable\b/i;
const BLANKING: StatusCode[] = ['x', 'c', 'z'];

const display = (file: string) => path.relative(process.cwd(), file) || file;

async function kindOf(file: string): Promise<Kind> {
  const handle = await open(file).catch(() => undefined);
  if (handle) {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    await handle.close();
    const start = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (file.toLowerCase().endsWith('.json') || start.startsWith('{')) return 'metadata';
  }
  const header = new Set(await readHeader(file).catch(() => []));
  for (const kind of ['observations', 'indicators', 'areas'] as const)
    if (COLUMNS[kind].every((c) => header.has(c))) return kind;
  // Let readCsv refuse a missing, empty, UTF-16 or non-UTF-8 file; otherwise the header is not one this adapter reads.
  for await (const _row of readCsv(file, { required: [], adapter: NAME })) break;
  throw new ImportFileError(
    { file: display(file), line: 1 },
    `this is not an ${NAME} file: its header has none of the column sets ${(['observations', 'indicators', 'areas'] as const).map((k) => `(${COLUMNS[k].join(', ')})`).join(' or ')}, and it is not the JSON metadata`,
    { wrongHeader: true },
  );
}

/** An ELS period: an ISO interval `YYYY-MM-DD/P…`, or a bare date (a point in time) read as `YYYY-MM-DD/P1D`. */
export function parseElsPeriod(raw: string): Period | string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:\/(P\w+))?$/.exec(raw.trim());
  if (!m)
    return `"${raw}" is not an ELS period: an ISO 8601 interval such as 2019-01-01/P1Y or a date such as 2024-05-15`;
  try {
    return fromIso(m[1]!, m[2] ?? 'P1D');
  } catch (e) {
    if (e instanceof PeriodError) return `"${raw}": ${e.message}`;
    throw e;
  }
}

async function readIndicators(
  file: string,
  ctx: AdapterContext,
): Promise<{ rows: IndicatorRow[]; refused: Set<number> }> {
  const rows: IndicatorRow[] = [];
  const refused = new Set<number>();
  const lineOf = new Map<number, number>();
  for await (const row of readCsv(file, { required: COLUMNS.indicators, adapter: NAME })) {
    const cell = (c: string) => (row.get(c) ?? '').trim();
    const fail = (field: string, message: string) => ctx.error({ at: row.at, field, value: cell(field), message });
    const idText = cell('indicator_id');
    if (!/^[1-9]\d{0,8}$/.test(idText)) {
      fail('indicator_id', `"${idText}" is not an indicator number such as 20`);
      continue;
    }
    const id = Number(idText);
    const earlier = lineOf.get(id);
    if (earlier !== undefined) {
      fail('indicator_id', `indicator ${id} is already defined on line ${earlier}`);
      continue;
    }
    lineOf.set(id, row.at.line);
    const errors: [string, string][] = [];
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(cell('dataset')))
      errors.push(['dataset', `"${cell('dataset')}" is not an ELS dataset name such as claimant-count`]);
    for (const c of ['indicator', 'measure', 'unit']) if (cell(c) === '') errors.push([c, `${c} is required`]);
    for (const [field, message] of errors) fail(field, `indicator ${id}: ${message}`);
    if (errors.length > 0) refused.add(id);
    else
      rows.push({
        id,
        dataset: cell('dataset'),
        indicator: cell('indicator'),
        measure: cell('measure'),
        unit: cell('unit'),
        at: row.at,
      });
  }
  return { rows, refused };
}

async function readAreas(file: string, ctx: AdapterContext): Promise<Map<string, string>> {
  const areas = new Map<string, string>();
  for await (const row of readCsv(file, { required: COLUMNS.areas, adapter: NAME })) {
    const code = (row.get('areacd') ?? '').trim();
    if (!/^[A-Z]\d{8}$/.test(code))
      ctx.error({
        at: row.at,
        field: 'areacd',
        value: code,
        message: `"${code}" is not a GSS area code such as E08000009`,
      });
    else areas.set(code, (row.get('geography') ?? '').trim());
  }
  return areas;
}

interface Coverage {
  prefixes: Set<string>;
  periodTypes: Map<PeriodType, number>;
}

/** The quiet first pass: which area types and kinds of period each indicator has (bad rows are reported later). */
async function scan(file: string): Promise<Map<number, Coverage>> {
  const out = new Map<number, Coverage>();
  for await (const row of readCsv(file, { required: COLUMNS.observations, adapter: NAME })) {
    const id = Number((row.get('indicator_id') ?? '').trim());
    let c = out.get(id);
    if (!c) out.set(id, (c = { prefixes: new Set(), periodTypes: new Map() }));
    const prefix = (row.get('areacd') ?? '').trim().slice(0, 3);
    if (HELD.has(prefix)) c.prefixes.add(prefix);
    const period = parseElsPeriod(row.get('period') ?? '');
    if (typeof period !== 'string') c.periodTypes.set(period.type, (c.periodTypes.get(period.type) ?? 0) + 1);
  }
  return out;
}

/** Councils covered (a district means every lower tier, a county every upper tier), else the comparators present. */
export function applicableAreaTypes(prefixes: Set<string>): string[] {
  const out = new Set([...prefixes].filter((p) => COUNCILS.has(p)));
  if (prefixes.has('E07')) LOWER_TIER.forEach((p) => out.add(p));
  if (prefixes.has('E10')) UPPER_TIER.forEach((p) => out.add(p));
  return [...(out.size > 0 ? out : prefixes)].sort();
}

function* metricsFor(
  indicators: IndicatorRow[],
  meta: Awaited<ReturnType<typeof readElsMetadata>>,
  coverage: Map<number, Coverage>,
  ctx: AdapterContext,
): Generator<[number, MetricDefinition]> {
  const codes = new Map<string, IndicatorRow>();
  for (const row of indicators) {
    const spec = ELS_DATASETS[row.dataset];
    if (!spec)
      ctx.error({
        at: row.at,
        field: 'dataset',
        value: row.dataset,
        message: `indicator ${row.id}: dataset "${row.dataset}" has no polarity and topic yet; decide them in src/modules/imports/adapters/els-catalogue.ts (ELS_DATASETS), with a reason`,
      });
    const unit = spec?.unit ?? ELS_UNITS[row.unit];
    if (!unit)
      ctx.error({
        at: row.at,
        field: 'unit',
        value: row.unit,
        message: `indicator ${row.id}: unit "${row.unit}" is not one the adapter knows (${Object.keys(ELS_UNITS).join('; ')}); add it to ELS_UNITS in els-catalogue.ts`,
      });
    const m = indicatorMetadata(meta, row, ctx);
    const cov = coverage.get(row.id);
    if (!cov) {
      ctx.skipped?.(row.at, ELS_SKIPPED.noObservations);
      continue;
    }
    if (!spec || !unit || !m) continue;
    const periodType = [...cov.periodTypes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'interval';
    const def = elsMetricDefinition({
      row,
      meta: m,
      spec,
      unit,
      periodType,
      applicableAreaTypes: applicableAreaTypes(cov.prefixes),
    });
    const other = codes.get(def.code);
    if (other) {
      ctx.error({
        at: row.at,
        field: 'indicator',
        value: row.indicator,
        message: `indicator ${row.id} would get the metric code ${def.code}, already given to indicator ${other.id} (line ${other.at.line}); indicator names must differ within a dataset`,
      });
      continue;
    }
    codes.set(def.code, row);
    yield [row.id, def];
  }
}

/** A status cell holding prose (two or more words) rather than codes: ELS puts some notes there. */
const isNote = (s: string) => /[A-Za-z]{2,}\S*\s+\S*[A-Za-z]{2,}/.test(s);

function observationRow(
  row: CsvRow,
  metric: MetricDefinition,
  knownCodes: Map<string, string> | undefined,
  ctx: AdapterContext,
): ImportItem | undefined {
  const cell = (c: string) => (row.get(c) ?? '').trim();
  const errors: [string, string][] = [];
  const area = cell('areacd');
  if (!/^[A-Z]\d{8}$/.test(area)) errors.push(['areacd', `"${area}" is not a GSS area code such as E08000009`]);
  else if (!area.startsWith('E')) return void ctx.skipped?.(row.at, ELS_SKIPPED.outsideEngland);
  else if (knownCodes && !knownCodes.has(area)) errors.push(['areacd', `${area} is not in els_areas.csv`]);
  else if (!HELD.has(area.slice(0, 3))) {
    const prefix = area.slice(0, 3);
    return void ctx.skipped?.(
      row.at,
      NOT_HELD[prefix] ?? `${knownCodes?.get(area) || 'other'} areas (${prefix}), not held as areas`,
    );
  }
  const period = parseElsPeriod(cell('period'));
  if (typeof period === 'string') errors.push(['period', period]);
  else if (period.type !== metric.periodType)
    errors.push([
      'period',
      `${period.label} is a ${period.type} period, but the other periods of ${metric.code} are ${metric.periodType}`,
    ]);

  const rawStatus = cell('status');
  const flags = parseStatusCell(rawStatus);
  const status: StatusCode[] = flags.ok ? [...flags.status] : [];
  const statusNote = !flags.ok && isNote(rawStatus) ? rawStatus : undefined;
  if (!flags.ok && !statusNote)
    errors.push(['status', `"${rawStatus}" is neither a status code (x, u, z, c) nor a note`]);
  const rawValue = cell('observation');
  const cellValue = parseValueCell(rawValue);
  let value: number | null = null;
  if (!cellValue.ok) errors.push(['observation', cellValue.message]);
  else if (cellValue.value === null) {
    // An empty observation: explained by the status, else not available.
    for (const s of rawValue === '' && status.length > 0 ? [] : cellValue.status)
      if (!status.includes(s)) status.push(s);
  } else {
    value = cellValue.value;
    const blanking = status.filter((s) => BLANKING.includes(s));
    if (blanking.length > 0)
      errors.push([
        'status',
        `status ${blanking.join(',')} says there is no value, but the observation is ${rawValue}`,
      ]);
    if (metric.unitType === 'percentage' && (value < 0 || value > 100))
      errors.push(['observation', `${value} is not a percentage between 0 and 100`]);
    if (metric.unitType === 'score' && (value < 0 || value > 10))
      errors.push(['observation', `${value} is not a score from 0 to 10`]);
  }
  const lci = parseOptionalNumber(row.get('lci_95'));
  const uci = parseOptionalNumber(row.get('uci_95'));
  if (!lci.ok) errors.push(['lci_95', lci.message]);
  if (!uci.ok) errors.push(['uci_95', uci.message]);
  if (lci.ok && uci.ok) {
    if ((lci.value === null) !== (uci.value === null))
      errors.push([lci.value === null ? 'uci_95' : 'lci_95', 'one confidence limit is given without the other']);
    else if (lci.value !== null && uci.value !== null && lci.value > uci.value)
      errors.push(['lci_95', `the lower confidence limit ${lci.value} is above the upper ${uci.value}`]);
  }
  for (const [field, message] of errors) ctx.error({ at: row.at, field, value: cell(field), message });
  if (errors.length > 0 || typeof period === 'string' || !lci.ok || !uci.ok) return undefined;

  const notes = cell('notes');
  const known = ctx.area?.(area);
  if (known?.validTo && period.start > known.validTo && OBSOLETE.test(notes))
    return void ctx.skipped?.(row.at, ELS_SKIPPED.legacyCode);
  if (UNRELIABLE.test(notes) && !status.includes('u')) status.push('u');
  const note = [statusNote, notes].filter(Boolean).join('; ') || null;
  const ci = lci.value !== null ? { lci: lci.value, uci: uci.value, ciLevel: 95 } : {};
  return {
    kind: 'observation',
    observation: { metric: metric.code, area, period, value, status, ...ci, note, at: row.at },
  };
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length < 3 || files.length > 4) {
    throw new ImportFileError(
      { file: display(files[0] ?? '.'), line: 0 },
      `${NAME} takes ${FILE_NAMES.observations}, ${FILE_NAMES.indicators} and ${FILE_NAMES.metadata}, and optionally ${FILE_NAMES.areas}; ${files.length} file(s) given`,
    );
  }
  const byKind = await filesByKind(files, kindOf);
  const missing = (['observations', 'indicators', 'metadata'] as const).filter((k) => !byKind.has(k));
  if (missing.length > 0)
    throw new ImportFileError(
      { file: display(files[0]!), line: 0 },
      `missing the ${missing.map((k) => `${k} file (${FILE_NAMES[k]})`).join(' and the ')}`,
    );
  const observations = byKind.get('observations')!;

  const { rows: indicators, refused } = await readIndicators(byKind.get('indicators')!, ctx);
  const meta = await readElsMetadata(byKind.get('metadata')!);
  const areasFile = byKind.get('areas');
  const knownCodes = areasFile ? await readAreas(areasFile, ctx) : undefined;
  const defined = new Map<number, MetricDefinition>();
  const byId = new Map(indicators.map((r) => [r.id, r]));
  for (const [id, metric] of metricsFor(indicators, meta, await scan(observations), ctx)) {
    defined.set(id, metric);
    yield { kind: 'metric', metric, at: byId.get(id)!.at };
  }

  const offset = [...byKind].filter(([k]) => k !== 'observations').reduce((s, [, f]) => s + statSync(f).size, 0);
  for await (const row of readCsv(
    observations,
    { required: COLUMNS.observations, adapter: NAME },
    { progress: (b) => ctx.progress(offset + b) },
  )) {
    const idText = (row.get('indicator_id') ?? '').trim();
    const id = Number(idText);
    const metric = defined.get(id);
    if (!metric) {
      // An indicator refused above has its error already; anything else is unknown.
      if (!byId.has(id) && !refused.has(id))
        ctx.error({
          at: row.at,
          field: 'indicator_id',
          value: idText,
          message: `indicator_id "${idText}" is not in ${FILE_NAMES.indicators}`,
        });
      continue;
    }
    const item = observationRow(row, metric, knownCodes, ctx);
    if (item) yield item;
  }
}

export const elsAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'ONS Explore Local Statistics indicators for English councils, combined authorities, regions and England (53 datasets in the 2026 files)',
  files: `${FILE_NAMES.observations}, ${FILE_NAMES.indicators}, ${FILE_NAMES.metadata} and optionally ${FILE_NAMES.areas}, in any order`,
  signatures: [COLUMNS.observations, COLUMNS.indicators, COLUMNS.areas],
  read,
};
