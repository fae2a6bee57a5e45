/**
 * The headline CSV: its columns (one list for the header and the CSVW metadata) and one row per measure, shared by
 * the API route and the command line.
 */
import { columnNames, csvColumns } from '../../platform/csv.ts';
import { caveatLines, csvw } from '../../platform/csvw.ts';
import type { Headline as HeadlineT } from './headline.ts';

export const HEADLINE_CSV = csvColumns([
  ['area', 'Area code', 'string', 'GSS code of the council the report is for'],
  ['area_name', 'Area', 'string', "The council's name"],
  ['group', 'Group id', 'string', 'The comparison group'],
  ['theme', 'Service area', 'string', 'The service area (board theme) of the measure'],
  ['metric', 'Metric id', 'string', "The metric's stable id"],
  ['metric_title', 'Measure', 'string', "The metric's title"],
  ['period', 'Period', 'string', 'The period, as an ISO 8601 interval'],
  ['period_label', 'Period label', 'string', 'The period as people write it'],
  ['value', 'Value', 'decimal', "The council's figure, in the unit given"],
  [
    'category',
    'Category',
    'string',
    "A categorical measure only: the council's judgement (value holds its position in the ordered categories)",
  ],
  [
    'figure_source',
    'Figure source',
    'string',
    "Where the figure came from when it is not the council's own publication (an earlier code's or predecessors' figure, or an aggregate); empty for its own",
  ],
  ['unit', 'Unit', 'string', 'The unit of the value'],
  ['rank', 'Rank', 'integer', 'Rank in the group, 1 the best; equal values share a rank'],
  ['rank_of', 'Councils ranked', 'integer', 'How many councils of the group are ranked'],
  ['tied', 'Tied', 'boolean', 'true when another council has the same value'],
  ['quartile_band', 'Quarter', 'integer', '1 the best quarter of the group to 4 the worst'],
  ['group_median', 'Group median', 'decimal', 'Median of the group'],
  ['group_n', 'Councils with a figure', 'integer', 'How many councils of the group have a figure'],
  [
    'group_category_counts',
    'Group counts per category',
    'string',
    'A categorical measure only: councils with each judgement, best first; never averaged',
  ],
  [
    'group_better',
    'Group at or above the better half',
    'string',
    'A categorical measure only: e.g. "6 of 10 Good or better"',
  ],
  [
    'england',
    'England',
    'decimal',
    "England's figure: the publisher's, or where it gives none one this platform computed from the councils (england_method says how)",
  ],
  [
    'england_method',
    'How England was computed',
    'string',
    "Empty for the publisher's own England figure; else how this platform computed it from the councils",
  ],
  ['significance', 'Against the group median', 'string', 'above, below or not-different (95% interval)'],
  ['direction_last_period', 'Direction since the previous period', 'string', 'improving, worsening or no change'],
  ['sentence', 'Summary', 'string', 'A neutral plain-English sentence about the figure'],
  ['caveats', 'Caveats', 'string', "The metric's caveats"],
  ['licence', 'Licence', 'string', 'The licence the figure is published under'],
  ['source', 'Source', 'string', 'Whom to credit for the figure'],
]);
export const HEADLINE_CSV_COLUMNS = columnNames(HEADLINE_CSV);

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
      i.focus.category?.label ?? null,
      i.focus.source?.note ?? null,
      i.metric.unit,
      i.focus.rank,
      i.focus.rankOf,
      String(i.focus.tied),
      i.focus.quartileBand,
      i.statistics.median,
      i.statistics.countWithData,
      i.categories ? i.categories.counts.map((k) => `${k.label} ${k.count}`).join('; ') : null,
      i.categories?.better ? `${i.categories.better.count} of ${i.categories.of} ${i.categories.better.label}` : null,
      i.england?.value ?? null,
      i.england?.method ?? null,
      i.focus.significance,
      i.focus.direction.lastStep?.direction ?? null,
      i.sentence,
      i.metric.caveats,
      i.licence,
      i.attribution,
    ]),
  );
}

/** The CSVW metadata of a headline report's CSV at `url`. */
export function headlineCsvw(h: HeadlineT, url: string) {
  const items = h.themes.flatMap((t) => t.items);
  return csvw({
    url,
    title: `Headline report: ${h.area.name} (${h.area.code}) against ${h.group.name}`,
    description: `The key measures of the basket "${h.basket.name}" (${h.basket.id}, version ${h.basket.version}), one row per measure, with the caveats, licence and source on every row.`,
    columns: HEADLINE_CSV,
    licences: h.licences,
    attribution: h.attribution,
    sources: items.map((i) => i.metric.source.url),
    caveats: caveatLines(items.map((i) => i.metric)),
    notes: h.notes,
  });
}
