/** The reports CSV: its columns and one tidy row per record, shared by the API route and the command line. */
import type { Headline as HeadlineT } from './headline.ts';

export const HEADLINE_CSV_COLUMNS = [
  'area',
  'area_name',
  'group',
  'theme',
  'metric',
  'metric_title',
  'period',
  'period_label',
  'value',
  'unit',
  'rank',
  'rank_of',
  'tied',
  'quartile_band',
  'group_median',
  'group_n',
  'england',
  'significance',
  'direction_last_period',
  'sentence',
  'caveats',
  'licence',
  'source',
] as const;

export function headlineCsvRows(h: HeadlineT): (string | number | null)[][] {
  return h.themes.flatMap((t) =>
    t.items.map((i) => [
      h.area.code,
      h.area.name,
      h.group.id,
      t.title,
      i.metric.id,
      i.metric.title,
      i.period.period,
      i.period.label,
      i.focus.value,
      i.metric.unit,
      i.focus.rank,
      i.focus.rankOf,
      String(i.focus.tied),
      i.focus.quartileBand,
      i.statistics.median,
      i.statistics.countWithData,
      i.england?.value ?? null,
      i.focus.significance,
      i.focus.direction.lastStep?.direction ?? null,
      i.sentence,
      i.metric.caveats,
      i.licence,
      i.attribution,
    ]),
  );
}
