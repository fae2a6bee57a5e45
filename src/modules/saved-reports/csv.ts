/**
 * The saved-reports CSV: its columns (one list for the header and the CSVW metadata) and one tidy row per figure.
 */
import { columnNames, csvColumns } from '../../platform/csv.ts';
import { caveatLines, csvw } from '../../platform/csvw.ts';
import type { ReportViewT } from './schemas.ts';

export const REPORT_CSV = csvColumns([
  ['report', 'Report', 'string', "The saved report's slug"],
  ['metric', 'Metric id', 'string', "The metric's stable id"],
  ['metric_title', 'Metric', 'string', "The metric's title"],
  ['period', 'Period', 'string', 'The period, as an ISO 8601 interval'],
  ['period_label', 'Period label', 'string', 'The period as people write it'],
  ['area', 'Area code', 'string', 'GSS code of the council'],
  ['area_name', 'Area', 'string', "The council's name"],
  ['chosen', 'Chosen', 'boolean', 'true for a council the report is about'],
  ['in_group', 'In the group', 'boolean', "true for a member of the report's group"],
  ['applicable', 'Applicable', 'boolean', 'false when the metric does not apply to this type of council'],
  ['value', 'Value', 'decimal', 'The figure, in the unit given; empty when there is none'],
  ['status', 'Status', 'string', 'Status codes, space-separated (x, c, z, u, p, r, e, b)'],
  [
    'median_of_councils_compared',
    'Median of the councils compared',
    'decimal',
    'Median of the group and the chosen councils for this metric and period',
  ],
  ['councils_compared', 'Councils compared', 'integer', 'How many councils the median is of'],
  ['unit', 'Unit', 'string', 'The unit of the value'],
  ['caveats', 'Caveats', 'string', "The metric's caveats"],
  ['licence', 'Licence', 'string', 'The licence the figure is published under'],
  ['source', 'Source', 'string', 'Whom to credit for the figure'],
]);
export const REPORT_CSV_COLUMNS = columnNames(REPORT_CSV);

/**
 * One tidy row per figure (metric × period × council), with the statistics of the councils compared and the licence.
 */
export function reportCsvRows(v: ReportViewT): (string | number | null)[][] {
  const metric = new Map(v.metrics.map((m) => [m.id, m]));
  const summary = new Map(v.summaries.map((s) => [`${s.metric}|${s.period}`, s]));
  return v.figures.map((f) => {
    const m = metric.get(f.metric)!;
    const s = summary.get(`${f.metric}|${f.period}`);
    return [
      v.report.slug,
      f.metric,
      m.title,
      f.period,
      f.periodLabel,
      f.area,
      f.areaName,
      String(f.chosen),
      String(f.inGroup),
      String(f.applicable),
      f.value,
      f.status.join(' '),
      s?.median ?? null,
      s?.n ?? null,
      m.unit,
      m.caveats,
      m.source.licence,
      m.source.attribution ?? m.source.publisher,
    ];
  });
}

/** The CSVW metadata of a saved report's CSV at `url`. */
export function reportCsvw(v: ReportViewT, url: string) {
  return csvw({
    url,
    title: v.report.title,
    description: `The figures of the saved report "${v.report.title}", computed from the published data at ${v.computedAt}: one row per metric, period and council, with the caveats, licence and source on every row.`,
    columns: REPORT_CSV,
    licences: v.metrics.map((m) => m.source.licence),
    attribution: v.metrics.map((m) => m.source.attribution ?? m.source.publisher),
    sources: v.metrics.map((m) => m.source.url),
    caveats: caveatLines(v.metrics),
    notes: [...v.notes, ...v.gaps.map((g) => g.message)],
    modified: v.dataAsAt,
  });
}
