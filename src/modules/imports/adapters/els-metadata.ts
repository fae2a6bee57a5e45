/**
 * The ONS Explore Local Statistics metadata (els_indicator_metadata.json) and the metric definitions built from it.
 *
 * The JSON holds one entry per dataset, `{"<dataset>": {"_note": …, "ess-beta-metadata": {…}}}`. A dataset with one
 * indicator has its fields (label, subtitle, longDescription, caveats, decimalPlaces, experimentalStatistic, sourceOrg,
 * sourceURL, sourceDate, …) directly in "ess-beta-metadata"; a dataset with several has a "shared" object plus one
 * object
 * per indicator, keyed by the indicator's name in els_indicators.csv (the indicator's own fields win over shared ones).
 * Every problem names the JSON path, e.g. `$["claimant-count"]["ess-beta-metadata"].sourceDate`.
 */
import path from 'node:path';
import type { AdapterContext } from '../adapter.ts';
import type { MetricDefinition } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError } from '../csv.ts';
import { readJsonFile, topLevelKeyLines } from '../json.ts';
import { slugify } from '../../metrics/index.ts';
import type { DatasetSpec } from './els-catalogue.ts';

const ROOT = 'ess-beta-metadata';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
export const jsonPath = (...keys: string[]) => `$${keys.map(key).join('')}`;

/** One row of els_indicators.csv. */
export interface IndicatorRow {
  id: number;
  dataset: string;
  indicator: string;
  measure: string;
  unit: string;
  at: SourceLocation;
}

export interface ElsMetadataFile {
  file: string;
  datasets: Map<string, { value: unknown; at: SourceLocation }>;
}

/** Reads the metadata file: a JSON object of datasets (syntax errors name the line and column). */
export async function readElsMetadata(file: string): Promise<ElsMetadataFile> {
  const name = path.relative(process.cwd(), file) || file;
  const { text, value } = await readJsonFile(file, 'ELS indicator metadata');
  if (!isRecord(value))
    throw new ImportFileError(
      { file: name, line: 1 },
      `$ must be a JSON object with one entry per dataset, such as {"claimant-count": {"${ROOT}": {…}}}`,
    );
  const lines = topLevelKeyLines(text);
  return {
    file: name,
    datasets: new Map(
      Object.entries(value).map(([k, v]) => [k, { value: v, at: { file: name, line: lines.get(k) ?? 1 } }]),
    ),
  };
}

/** The metadata of one indicator, checked. */
export interface IndicatorMetadata {
  label: string;
  subtitle?: string | undefined;
  longDescription?: string | undefined;
  caveats?: string | undefined;
  decimalPlaces: number;
  experimental: boolean;
  publishers: { org: string; url?: string | undefined; date?: string | undefined }[];
  /** Whether the dataset has several indicators (a "shared" object plus one object per indicator). */
  multi: boolean;
}

/** dd/mm/yyyy → yyyy-mm-dd, or undefined when it is not a real date. */
export function parseUkDate(raw: string): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(raw.trim());
  if (!m) return undefined;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso) ? iso : undefined;
}

/**
 * Finds and checks an indicator's metadata. Reports every problem (JSON path, value, reason) and returns undefined
 * when there is any.
 */
export function indicatorMetadata(
  meta: ElsMetadataFile,
  row: IndicatorRow,
  ctx: AdapterContext,
): IndicatorMetadata | undefined {
  const entry = meta.datasets.get(row.dataset);
  if (!entry) {
    ctx.error({
      at: row.at,
      field: 'dataset',
      value: row.dataset,
      message: `indicator ${row.id}: dataset "${row.dataset}" is not in ${meta.file} (no ${jsonPath(row.dataset)})`,
    });
    return undefined;
  }
  const at = entry.at;
  let ok = true;
  const fail = (field: string, value: unknown, message: string) => {
    ok = false;
    ctx.error({
      at,
      field,
      value: value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value),
      message: `indicator ${row.id} (${row.dataset}): ${field} ${message}`,
    });
  };
  const root = isRecord(entry.value) ? entry.value[ROOT] : undefined;
  if (!isRecord(root)) {
    fail(jsonPath(row.dataset, ROOT), undefined, 'is missing or is not an object');
    return undefined;
  }
  // Fields with the path they came from: a multi-indicator dataset merges "shared" and the indicator's own object.
  const fields = new Map<string, { value: unknown; path: string }>();
  const take = (obj: Record<string, unknown>, ...keys: string[]) => {
    for (const [k, v] of Object.entries(obj))
      fields.set(k, { value: v, path: jsonPath(row.dataset, ROOT, ...keys, k) });
  };
  const multi = !('label' in root);
  if (multi) {
    const own = root[row.indicator];
    if (!isRecord(own)) {
      const names = Object.keys(root).filter((k) => k !== 'shared');
      fail(
        jsonPath(row.dataset, ROOT, row.indicator),
        undefined,
        `is missing: indicator ${row.id} "${row.indicator}" (${path.basename(row.at.file)} line ${row.at.line}) has no metadata; the dataset has ${names.map((n) => `"${n}"`).join(', ')}`,
      );
      return undefined;
    }
    if (isRecord(root.shared)) take(root.shared, 'shared');
    take(own, row.indicator);
  } else {
    take(root);
  }
  const where = (k: string) => fields.get(k)?.path ?? jsonPath(row.dataset, ROOT, ...(multi ? [row.indicator] : []), k);
  const text = (k: string, required: boolean): string | undefined => {
    const f = fields.get(k);
    if (f === undefined || f.value === null || f.value === '') {
      if (required) fail(where(k), f?.value, 'is required');
      return undefined;
    }
    if (typeof f.value !== 'string') {
      fail(f.path, f.value, 'must be text');
      return undefined;
    }
    return f.value.trim();
  };

  const label = text('label', true);
  const dp = fields.get('decimalPlaces');
  const decimalPlaces = typeof dp?.value === 'number' ? dp.value : NaN;
  if (!Number.isInteger(decimalPlaces) || decimalPlaces < 0 || decimalPlaces > 6)
    fail(where('decimalPlaces'), dp?.value, 'must be a whole number from 0 to 6');
  const exp = fields.get('experimentalStatistic')?.value;
  if (exp !== undefined && exp !== null && exp !== 'T' && exp !== 'F')
    fail(where('experimentalStatistic'), exp, 'must be "T" or "F"');

  // sourceOrg, sourceURL and sourceDate may each list several publishers, separated by "|", in the same order.
  const orgs = (text('sourceOrg', true) ?? '').split('|').map((s) => s.trim());
  const urls = (text('sourceURL', false) ?? '').split('|').map((s) => s.trim());
  const dates = (text('sourceDate', false) ?? '').split('|').map((s) => s.trim());
  if (orgs.some((o) => o === '') && ok)
    fail(where('sourceOrg'), fields.get('sourceOrg')?.value, 'has an empty publisher name');
  const publishers = orgs.map((org, i) => {
    const url = urls[i] || undefined;
    if (url && !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(url))
      fail(where('sourceURL'), url, `"${url}" is not a web address starting http:// or https://`);
    const rawDate = dates[i] || undefined;
    const date = rawDate === undefined ? undefined : parseUkDate(rawDate);
    if (rawDate !== undefined && date === undefined)
      fail(where('sourceDate'), rawDate, `"${rawDate}" is not a date written dd/mm/yyyy`);
    return { org, url, date };
  });
  const optional = (k: string) => text(k, false);
  const subtitle = optional('subtitle');
  const longDescription = optional('longDescription');
  const caveats = optional('caveats');
  if (!ok || !label) return undefined;
  return { label, subtitle, longDescription, caveats, decimalPlaces, experimental: exp === 'T', publishers, multi };
}

/** The stable metric code: `ons-els.<dataset>`, plus `.<indicator slug>` in a dataset with several indicators. */
export const elsMetricCode = (row: Pick<IndicatorRow, 'dataset' | 'indicator'>, multi: boolean) =>
  `ons-els.${row.dataset}${multi ? `.${slugify(row.indicator)}` : ''}`;

/** Markdown links `[text](url)` read as `text (url)` in plain text. */
const plain = (s: string | undefined) =>
  s
    ?.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '$1 ($2)')
    .replace(/[ \t]+$/gm, '')
    .trim() || undefined;

export interface MetricInputs {
  row: IndicatorRow;
  meta: IndicatorMetadata;
  spec: DatasetSpec;
  unit: { unit: string; unitType: MetricDefinition['unitType'] };
  periodType: string;
  applicableAreaTypes: string[];
}

/** The metric definition of one indicator. */
export function elsMetricDefinition({
  row,
  meta,
  spec,
  unit,
  periodType,
  applicableAreaTypes,
}: MetricInputs): MetricDefinition {
  const direction = spec.indicators?.[row.indicator] ?? spec;
  // The file is England only: publishers of Northern Ireland's figures (listed beside the GB publisher) are left out.
  const england = meta.publishers.filter((p) => !/northern ireland/i.test(p.org));
  const used = england.length > 0 ? england : meta.publishers;
  const publisher = [...new Set(used.map((p) => p.org))].join(' and ');
  const released = used
    .map((p) => p.date)
    .filter((d): d is string => d !== undefined)
    .sort()
    .at(-1);
  const unitNote = `${spec.unit ? ` Unit: ${spec.unit.why}.` : ''}${spec.range ? ` Range: ${spec.range.why}.` : ''}`;
  return {
    code: elsMetricCode(row, meta.multi),
    title: meta.label,
    shortTitle: row.indicator !== meta.label && row.indicator.length < meta.label.length ? row.indicator : undefined,
    description: meta.subtitle,
    definition: `${meta.longDescription ? `${meta.longDescription} ` : ''}ONS Explore Local Statistics dataset "${row.dataset}", indicator "${row.indicator}" (measure: ${row.measure}). Polarity (${direction.polarity}): ${direction.why}.${unitNote}`,
    caveats: plain(meta.caveats),
    topic: spec.topic,
    unit: unit.unit,
    unitType: unit.unitType,
    ...(spec.range ? { valueRange: { min: spec.range.min, max: spec.range.max } } : {}),
    decimalPlaces: meta.decimalPlaces,
    polarity: direction.polarity,
    periodType,
    applicableAreaTypes,
    source: {
      publisher,
      url: used[0]?.url,
      licence: 'OGL-UK-3.0',
      attribution: `${publisher}, via ONS Explore Local Statistics (Office for National Statistics, explore-local-statistics-data). Open Government Licence v3.0.`,
    },
    statisticsStatus: meta.experimental ? 'experimental' : 'official',
    releasedAt: released,
    publisherCode: meta.multi ? `${row.dataset}/${row.indicator}` : row.dataset,
  };
}
