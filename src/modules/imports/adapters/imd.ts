/**
 * English Indices of Deprivation (IoD), council-level summaries, from the humaniverse/IMD R package (CSV exports):
 *   imd2019_england_lad19.csv                    official IoD2019 on 2019 councils        → imd2019.*
 *   imd2025_england_lad24.csv                    official IoD2025 on 2024 councils        → imd2025.*
 *   imd2019_england_lad23_reaggregated.csv       IoD2019 re-aggregated to 2023 councils   → imd2019-lad23-reagg.*
 *   imd2004_2015_england_lad21_reaggregated.csv  IMD 2004/2007/2010/2015 on 2021 councils → imd2015-lad21-reagg.* …
 * The re-aggregations are by the package authors, not official: they are separate metrics, labelled so.
 *
 * Period: the edition year as a calendar year (IoD2019 → 2019). An edition is a snapshot built from data of several
 * earlier years; the period says which edition, not when the deprivation happened.
 * Deprivation is context, not performance: topic `context`, polarity `not-applicable`.
 * The publisher's "rank of …" columns are not imported: the platform ranks councils itself.
 */
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { MetricDefinition, UnitType } from '../../metrics/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { ImportFileError, readCsv, readHeader } from '../csv.ts';
import { calendarYear } from '../../observations/index.ts';
import { parseValueCell } from '../../observations/index.ts';
import { LOWER_TIER } from './tiers.ts';

const NAME = 'imd';

interface Measure {
  key: string;
  title: string;
  short: string;
  description: string;
  unit: string;
  unitType: UnitType;
  decimalPlaces: number;
  min?: number;
  max?: number;
}
const PROPORTION_TEXT =
  'Proportion of the council’s neighbourhoods (LSOAs) that are among the 10% most deprived in England';
const MEASURES = {
  score: {
    key: 'score',
    title: 'average score',
    short: 'score',
    description:
      'Population-weighted average of the neighbourhood (LSOA) scores in the council area. Higher means more deprived.',
    unit: 'score',
    unitType: 'score',
    decimalPlaces: 3,
  },
  rate: {
    key: 'score',
    title: 'average score (share of residents deprived)',
    short: 'score',
    description:
      'Population-weighted average of the neighbourhood (LSOA) scores: the share of residents experiencing this deprivation, from 0 to 1.',
    unit: 'proportion of residents (0 to 1)',
    unitType: 'ratio',
    decimalPlaces: 3,
    min: 0,
    max: 1,
  },
  proportion: {
    key: 'proportion-most-deprived-10pc',
    title: 'proportion of neighbourhoods in the most deprived 10%',
    short: 'share of LSOAs in most deprived 10%',
    description: `${PROPORTION_TEXT}, from 0 to 1.`,
    unit: 'proportion of LSOAs (0 to 1)',
    unitType: 'ratio',
    decimalPlaces: 4,
    min: 0,
    max: 1,
  },
  extent: {
    key: 'extent',
    title: 'extent',
    short: 'extent',
    description:
      'Proportion of the council’s population living in the most deprived neighbourhoods nationally (the 10% most deprived in full, tapering to the 30%), from 0 to 1.',
    unit: 'proportion of residents (0 to 1)',
    unitType: 'ratio',
    decimalPlaces: 4,
    min: 0,
    max: 1,
  },
  averageRank: {
    key: 'average-rank',
    title: 'average rank',
    short: 'average rank',
    description:
      'Population-weighted average of the national ranks of the council’s neighbourhoods (LSOAs); rank 1 is the most deprived.',
    unit: 'average LSOA rank (1 = most deprived)',
    unitType: 'rank',
    decimalPlaces: 2,
    min: 1,
  },
  localConcentration: {
    key: 'local-concentration',
    title: 'local concentration',
    short: 'local concentration',
    description:
      'Population-weighted average rank of the council’s most deprived neighbourhoods that hold 10% of its population; rank 1 is the most deprived.',
    unit: 'average LSOA rank (1 = most deprived)',
    unitType: 'rank',
    decimalPlaces: 2,
    min: 1,
  },
  scale: {
    key: 'scale',
    title: 'scale (number of people deprived)',
    short: 'scale',
    description: 'Number of residents experiencing this deprivation.',
    unit: 'people',
    unitType: 'count',
    decimalPlaces: 0,
    min: 0,
  },
} satisfies Record<string, Measure>;

/** Domain: [title, short title]. */
const DOMAINS = {
  income: ['Income Deprivation', 'income'],
  employment: ['Employment Deprivation', 'employment'],
  education: ['Education, Skills and Training', 'education'],
  health: ['Health Deprivation and Disability', 'health'],
  crime: ['Crime', 'crime'],
  barriers: ['Barriers to Housing and Services', 'barriers'],
  'living-environment': ['Living Environment', 'living environment'],
} as const;
type Domain = keyof typeof DOMAINS;

/** A column of a file and what it measures. */
type ColumnSpec = [column: string, measure: Measure, domain?: Domain];

interface Series {
  /** Code prefix, e.g. imd2019 or imd2015-lad21-reagg. */
  prefix: string;
  edition: number;
  boundaries: number;
  official: boolean;
  columns: ColumnSpec[];
}

/** The 2019 column layout (official file and the LAD23 re-aggregation share it). */
const V2019_DOMAIN_COLUMNS: [string, Domain][] = [
  ['Income', 'income'],
  ['Employment', 'employment'],
  ['Education', 'education'],
  ['Health', 'health'],
  ['Crime', 'crime'],
  ['Housing_and_Access', 'barriers'],
  ['Environment', 'living-environment'],
];
const V2019_COLUMNS: ColumnSpec[] = [
  ['Score', MEASURES.score],
  ['Proportion', MEASURES.proportion],
  ['Extent', MEASURES.extent],
  ...V2019_DOMAIN_COLUMNS.flatMap(([c, d]): ColumnSpec[] => [
    [`${c}_Score`, d === 'income' || d === 'employment' ? MEASURES.rate : MEASURES.score, d],
    [`${c}_Proportion`, MEASURES.proportion, d],
  ]),
];
const V2025_DOMAIN_COLUMNS: [string, Domain][] = [
  ['income', 'income'],
  ['employment', 'employment'],
  ['education_skills_and_training', 'education'],
  ['health_deprivation_and_disability', 'health'],
  ['crime', 'crime'],
  ['barriers_to_housing_and_services', 'barriers'],
  ['living_environment', 'living-environment'],
];
const P10 = 'proportion_of_lso_as_in_most_deprived_10_percent_nationally';
const V2025_COLUMNS: ColumnSpec[] = [
  ['imd_average_rank', MEASURES.averageRank],
  ['imd_average_score', MEASURES.score],
  [`imd_${P10}`, MEASURES.proportion],
  ['imd25_extent', MEASURES.extent],
  ['imd25_local_concentration', MEASURES.localConcentration],
  ...V2025_DOMAIN_COLUMNS.flatMap(([c, d]): ColumnSpec[] => [
    [`${c}_average_rank`, MEASURES.averageRank, d],
    [`${c}_average_score`, d === 'income' || d === 'employment' ? MEASURES.rate : MEASURES.score, d],
    [`${c}_${P10}`, MEASURES.proportion, d],
  ]),
  ['income_scale', MEASURES.scale, 'income'],
  ['employment_scale', MEASURES.scale, 'employment'],
];
const SUMMARY_COLUMNS: ColumnSpec[] = [
  ['Score', MEASURES.score],
  ['Proportion', MEASURES.proportion],
  ['Extent', MEASURES.extent],
];

/** One kind of input file: how to recognise it, where the area is, and which series each row belongs to. */
interface FileKind {
  id: string;
  signature: string[];
  areaColumn: string;
  series: Series[];
  /** Picks the row's series (files with one edition per row); default: the only series. */
  editionColumn?: string;
}

const KINDS: FileKind[] = [
  {
    id: 'imd2019-lad19',
    signature: ['ltla19_code', 'Score', 'Proportion', 'Extent', 'Income_Score'],
    areaColumn: 'ltla19_code',
    series: [{ prefix: 'imd2019', edition: 2019, boundaries: 2019, official: true, columns: V2019_COLUMNS }],
  },
  {
    id: 'imd2025-lad24',
    signature: ['ltla24_code', 'imd_average_score', `imd_${P10}`],
    areaColumn: 'ltla24_code',
    series: [{ prefix: 'imd2025', edition: 2025, boundaries: 2024, official: true, columns: V2025_COLUMNS }],
  },
  {
    id: 'imd2019-lad23-reagg',
    signature: ['ltla23_code', 'Score', 'Proportion', 'Extent', 'Income_Score'],
    areaColumn: 'ltla23_code',
    series: [
      { prefix: 'imd2019-lad23-reagg', edition: 2019, boundaries: 2023, official: false, columns: V2019_COLUMNS },
    ],
  },
  {
    id: 'imd-2004-2015-lad21-reagg',
    signature: ['imd_edition', 'ltla21_code', 'Score', 'Proportion', 'Extent'],
    areaColumn: 'ltla21_code',
    editionColumn: 'imd_edition',
    series: [2004, 2007, 2010, 2015].map((edition) => ({
      prefix: `imd${edition}-lad21-reagg`,
      edition,
      boundaries: 2021,
      official: false,
      columns: SUMMARY_COLUMNS,
    })),
  },
];

const display = (file: string) => path.relative(process.cwd(), file) || file;
const metricCode = (s: Series, [, m, d]: ColumnSpec) => `${s.prefix}.${d ? `${d}.` : ''}${m.key}`;
const NOT_OFFICIAL = 're-aggregated by a third party, not official';

function metricFor(s: Series, spec: ColumnSpec): MetricDefinition {
  const [column, m, d] = spec;
  const edition = s.edition >= 2019 ? `IoD${s.edition}` : `IMD ${s.edition}`;
  const what = d ? `${DOMAINS[d][0]} domain` : 'Index of Multiple Deprivation';
  const where = s.official ? '' : ` on ${s.boundaries} council boundaries`;
  const common =
    'Deprivation is context for comparing councils, not a measure of their performance. Council summaries describe their neighbourhoods in different ways; no single measure is best. Editions differ in data, method and neighbourhood boundaries, so comparisons across editions are indicative only. The published ranks of these measures are not imported: the platform ranks councils itself.';
  return {
    code: metricCode(s, spec),
    title: `${edition} ${what}${where}: ${m.title}${s.official ? '' : ` (${NOT_OFFICIAL})`}`,
    shortTitle:
      [edition, d ? DOMAINS[d][1] : s.edition >= 2019 ? 'IMD' : '', m.short].filter(Boolean).join(' ') +
      (s.official ? '' : ` (${s.boundaries} boundaries, re-aggregated)`),
    description: m.description,
    definition: `English Indices of Deprivation ${s.edition}, council-level summary: ${what}, ${m.title} (source column "${column}"). The period is the edition year.`,
    caveats: s.official
      ? `${common} Published for ${s.boundaries} council boundaries: councils created later have no value in this edition.`
      : `Not an official statistic: the ${s.edition} neighbourhood data were re-aggregated to ${s.boundaries} council boundaries by the authors of the humaniverse/IMD R package. ${common}`,
    topic: 'context',
    subtopic: 'Deprivation',
    unit: m.unit,
    unitType: m.unitType,
    decimalPlaces: m.decimalPlaces,
    polarity: 'not-applicable',
    periodType: 'calendar-year',
    applicableAreaTypes: [...LOWER_TIER],
    source: s.official
      ? {
          publisher: 'Ministry of Housing, Communities and Local Government (MHCLG)',
          url: `https://www.gov.uk/government/statistics/english-indices-of-deprivation-${s.edition}`,
          licence: 'OGL-UK-3.0',
          attribution: `MHCLG, English Indices of Deprivation ${s.edition}, via the humaniverse/IMD R package. Open Government Licence v3.0.`,
        }
      : {
          publisher: 'humaniverse/IMD R package authors (re-aggregation of MHCLG data)',
          url: 'https://github.com/humaniverse/IMD',
          licence: 'OGL-UK-3.0',
          attribution: `Re-aggregated by the humaniverse/IMD R package from MHCLG's English Indices of Deprivation ${s.edition}; not an official statistic.`,
        },
    statisticsStatus: s.official ? 'official' : 'derived',
    publisherCode: column,
  };
}

export const IMD_KINDS = KINDS.map((k) => ({
  id: k.id,
  metrics: k.series.flatMap((s) => s.columns.map((c) => metricFor(s, c))),
}));

async function kindOf(file: string): Promise<FileKind> {
  const header = new Set(await readHeader(file).catch(() => []));
  const kind = KINDS.find((k) => k.signature.every((c) => header.has(c)));
  if (kind) return kind;
  // Let readCsv refuse an empty, UTF-16 or non-UTF-8 file; otherwise the header is not one this adapter reads.
  for await (const _row of readCsv(file, { required: [], adapter: NAME })) break;
  throw new ImportFileError(
    { file: display(file), line: 1 },
    `this is not an ${NAME} file: its header has none of the column sets ${KINDS.map((k) => `(${k.signature.join(', ')})`).join(' or ')}`,
    { wrongHeader: true },
  );
}

async function* read(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length === 0) throw new Error(`${NAME} takes one to four IoD files`);
  const kinds: FileKind[] = [];
  for (const f of files) kinds.push(await kindOf(f));
  const yielded = new Set<string>();
  for (const [i, kind] of kinds.entries()) {
    if (yielded.has(kind.id)) continue;
    yielded.add(kind.id);
    const at: SourceLocation = { file: display(files[i]!), line: 1 };
    for (const s of kind.series) for (const c of s.columns) yield { kind: 'metric', metric: metricFor(s, c), at };
  }
  for (const [i, file] of files.entries()) yield* readFile(file, kinds[i]!, ctx);
}

async function* readFile(file: string, kind: FileKind, ctx: AdapterContext): AsyncGenerator<ImportItem> {
  const required = [
    kind.areaColumn,
    ...(kind.editionColumn ? [kind.editionColumn] : []),
    ...new Set(kind.series.flatMap((s) => s.columns.map(([c]) => c))),
  ];
  for await (const row of readCsv(file, { required, adapter: NAME }, ctx)) {
    const area = (row.get(kind.areaColumn) ?? '').trim();
    if (!/^E0[6-9]\d{6}$/.test(area)) {
      ctx.error({
        at: row.at,
        field: kind.areaColumn,
        value: area,
        message: `"${area}" is not the GSS code of an English council (E06, E07, E08 or E09)`,
      });
      continue;
    }
    let series = kind.series[0]!;
    if (kind.editionColumn) {
      const edition = (row.get(kind.editionColumn) ?? '').trim();
      const found = kind.series.find((s) => String(s.edition) === edition);
      if (!found) {
        ctx.error({
          at: row.at,
          field: kind.editionColumn,
          value: edition,
          message: `"${edition}" is not one of the editions ${kind.series.map((s) => s.edition).join(', ')}`,
        });
        continue;
      }
      series = found;
    }
    const period = calendarYear(series.edition);
    for (const spec of series.columns) {
      const [column, m] = spec;
      const cell = parseValueCell(row.get(column));
      if (!cell.ok) {
        ctx.error({ at: row.at, field: column, value: row.get(column), message: cell.message });
        continue;
      }
      if (
        cell.value !== null &&
        ((m.min !== undefined && cell.value < m.min) || (m.max !== undefined && cell.value > m.max))
      ) {
        ctx.error({
          at: row.at,
          field: column,
          value: row.get(column),
          message: `${cell.value} is out of range for ${m.title} (${m.min ?? '…'} to ${m.max ?? '…'})`,
        });
        continue;
      }
      yield {
        kind: 'observation',
        observation: {
          metric: metricCode(series, spec),
          area,
          period,
          value: cell.value,
          status: cell.status,
          at: row.at,
        },
      };
    }
  }
}

export const imdAdapter: ImportAdapter = {
  name: NAME,
  summary:
    'English Indices of Deprivation council summaries: IoD2019 and IoD2025 (official) and third-party re-aggregations',
  files:
    'imd2019_england_lad19.csv, imd2025_england_lad24.csv, and optionally imd2019_england_lad23_reaggregated.csv, imd2004_2015_england_lad21_reaggregated.csv',
  signatures: KINDS.map((k) => k.signature),
  read,
};
