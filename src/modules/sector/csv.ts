/** The sector CSV: its columns and one tidy row per record, shared by the API route and the command line. */
import type { SectorService } from './service.ts';

type Report = Awaited<ReturnType<SectorService['directionOfTravel']>>;
type EveryCouncil = Awaited<ReturnType<SectorService['directionForEveryCouncil']>>;

export const DIRECTION_CSV_COLUMNS = [
  'basket',
  'basket_version',
  'area',
  'theme',
  'metric',
  'metric_title',
  'polarity',
  'baseline_period',
  'baseline_label',
  'baseline_value',
  'baseline_source',
  'latest_period',
  'latest_label',
  'latest_value',
  'latest_source',
  'change',
  'relative_change',
  'classification',
  'reason',
  'group',
  'group_improved',
  'group_no_change',
  'group_worsened',
  'relative_to_group',
  'unit',
  'notes',
] as const;

export const EVERY_COUNCIL_CSV_COLUMNS = [
  'basket',
  'basket_version',
  'area',
  'area_name',
  'area_type',
  'metrics',
  'classified',
  'improved',
  'no_change',
  'worsened',
  'no_polarity',
  'not_comparable',
  'no_data',
  'flagged_service_areas',
] as const;

export function everyCouncilCsvRows(r: EveryCouncil): (string | number | null)[][] {
  return r.councils.map((c) => {
    const o = c.summary.overall;
    return [
      r.basket.id,
      r.basket.version,
      c.code,
      c.name,
      c.type,
      o.metrics,
      o.classified,
      o.improved,
      o.noChange,
      o.worsened,
      o.noPolarity,
      o.notComparable,
      o.noData,
      c.summary.byTheme
        .filter((t) => t.flagged)
        .map((t) => t.title)
        .join('; ') || null,
    ];
  });
}

export function directionCsvRows(r: Report): (string | number | null)[][] {
  return r.metrics.map((m) => [
    r.basket.id,
    r.basket.version,
    r.area?.code ?? 'E92000001',
    m.theme,
    m.metric.id,
    m.metric.title,
    m.metric.polarity,
    m.baseline?.period ?? null,
    m.baseline?.label ?? null,
    m.baseline?.value ?? null,
    m.baseline?.source ?? null,
    m.latest?.period ?? null,
    m.latest?.label ?? null,
    m.latest?.value ?? null,
    m.latest?.source ?? null,
    m.change,
    m.relativeChange,
    m.classification,
    m.reason,
    m.group?.id ?? null,
    m.group?.improved ?? null,
    m.group?.noChange ?? null,
    m.group?.worsened ?? null,
    m.group?.relativeToGroup ?? null,
    m.metric.unit,
    [m.baseline?.note, m.latest?.note, m.baseline?.method, m.latest?.method].filter((x) => !!x).join('; ') || null,
  ]);
}
