/**
 * The tidy observations CSV (the data query, the bulk download, `sli export observations`): one column list gives the
 * header row and the CSVW metadata, and one row per observation carries its metric's caveats, licence and source.
 */
import { caveatLines, csvw, type CsvwInput } from '../../platform/csvw.ts';
import { columnNames, csvColumns } from '../../platform/csv.ts';
import type { Metric } from '../metrics/index.ts';
import type { ObservationDto } from './service.ts';

export const OBSERVATION_CSV = csvColumns([
  ['metric', 'Metric id', 'string', "The metric's stable id (see /api/v1/metrics/{id})"],
  ['metric_title', 'Metric', 'string', "The metric's title"],
  ['area', 'Area code', 'string', 'ONS GSS code of the area'],
  ['area_name', 'Area', 'string', "The area's name"],
  ['period', 'Period', 'string', 'The period as an ISO 8601 interval, start/duration (2023-04-01/P1Y is 2023/24)'],
  ['period_label', 'Period label', 'string', 'The period as people write it (2023/24)'],
  ['value', 'Value', 'decimal', 'The figure, in the unit given; empty when there is none (the status says why)'],
  [
    'category',
    'Category',
    'string',
    "A categorical metric only: the label of the value (value holds the category's position); never averaged",
  ],
  [
    'status',
    'Status',
    'string',
    'Status codes, space-separated: x not available, c confidential, z not applicable, u low reliability, p provisional, r revised, e estimated, b break in series',
  ],
  ['lci', 'Lower confidence limit', 'decimal', 'Lower limit of the confidence interval, where published'],
  ['uci', 'Upper confidence limit', 'decimal', 'Upper limit of the confidence interval, where published'],
  ['ci_level', 'Confidence level', 'decimal', 'The confidence level of the interval (0.95 is 95 per cent)'],
  ['numerator', 'Numerator', 'decimal', 'The numerator of a rate or percentage, where published'],
  ['denominator', 'Denominator', 'decimal', 'The denominator of a rate or percentage, where published'],
  ['note', 'Note', 'string', "The publisher's note on this figure"],
  [
    'figure_source',
    'Figure source',
    'string',
    "Where the figure came from when it is not the area's own publication (an earlier code's or predecessors' figure, or an aggregate); empty for the area's own",
  ],
  ['unit', 'Unit', 'string', 'The unit of the value'],
  [
    'revision',
    'Revision',
    'integer',
    'How many times this figure has been revised since first published here (0: never)',
  ],
  ['updated_at', 'Updated', 'dateTime', 'When this figure last changed here'],
  ['caveats', 'Caveats', 'string', "The metric's caveats: what to bear in mind when using its figures"],
  ['licence', 'Licence', 'string', 'The licence the figure is published under'],
  ['source', 'Source', 'string', 'Whom to credit: the attribution the publisher asks for, else the publisher'],
]);
export const CSV_COLUMNS = columnNames(OBSERVATION_CSV);

/** One tidy CSV row: the caveats, licence and source travel with every observation. */
export function toCsvRecord(
  m: Pick<Metric, 'title' | 'unit' | 'source' | 'caveats'>,
  o: ObservationDto,
): (string | number | null)[] {
  return [
    o.metric,
    m.title,
    o.area,
    o.areaName,
    o.period,
    o.periodLabel,
    o.value,
    o.category,
    o.status.join(' '),
    o.lci,
    o.uci,
    o.ciLevel,
    o.numerator,
    o.denominator,
    o.note,
    o.source?.note ?? null,
    m.unit,
    o.revision,
    o.updatedAt,
    m.caveats,
    m.source.licence,
    m.source.attribution ?? m.source.publisher,
  ];
}

/** The CSVW metadata of an observations CSV: its metrics' licences, attribution, sources and caveats. */
export function observationsCsvw(
  metrics: readonly Pick<Metric, 'code' | 'title' | 'caveats' | 'source'>[],
  at: Pick<CsvwInput, 'url' | 'title' | 'description' | 'notes' | 'modified'>,
) {
  return csvw({
    ...at,
    columns: OBSERVATION_CSV,
    licences: metrics.map((m) => m.source.licence),
    attribution: metrics.map((m) => m.source.attribution ?? m.source.publisher),
    sources: metrics.map((m) => m.source.url),
    caveats: caveatLines(metrics.map((m) => ({ id: m.code, title: m.title, caveats: m.caveats }))),
  });
}
