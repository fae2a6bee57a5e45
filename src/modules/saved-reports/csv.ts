/** The saved-reports CSV: its columns and one tidy row per record, shared by the API route and the command line. */
import type { ReportViewT } from './schemas.ts';

export const REPORT_CSV_COLUMNS = [
  'report',
  'metric',
  'metric_title',
  'period',
  'period_label',
  'area',
  'area_name',
  'chosen',
  'in_group',
  'applicable',
  'value',
  'status',
  'median_of_councils_compared',
  'councils_compared',
  'unit',
  'licence',
  'source',
] as const;

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
      m.source.licence,
      m.source.attribution ?? m.source.publisher,
    ];
  });
}
