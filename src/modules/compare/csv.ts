/**
 * The compare CSV: its columns (one list for the header and the CSVW metadata) and one tidy row per council, shared by
 * the API route and the command line.
 */
import { columnNames, csvColumns } from '../../platform/csv.ts';
import { caveatLines, csvw } from '../../platform/csvw.ts';
import type { Comparison as ComparisonT } from './service.ts';

export const COMPARE_CSV = csvColumns([
  ['metric', 'Metric id', 'string', "The metric's stable id"],
  ['metric_title', 'Metric', 'string', "The metric's title"],
  ['period', 'Period', 'string', 'The period compared, as an ISO 8601 interval'],
  ['period_label', 'Period label', 'string', 'The period as people write it'],
  ['group', 'Group id', 'string', 'The comparison group'],
  ['group_name', 'Group', 'string', "The comparison group's name"],
  ['compared_with', 'Council compared', 'string', 'GSS code of the council the comparison is for'],
  ['area', 'Area code', 'string', 'GSS code of the council on this row'],
  ['area_name', 'Area', 'string', "The council's name"],
  ['is_focus', 'Is the council compared', 'boolean', 'true on the row of the council the comparison is for'],
  ['value', 'Value', 'decimal', "The council's figure, in the unit given; empty when there is none"],
  [
    'category',
    'Category',
    'string',
    "A categorical measure only: the council's judgement (value holds its position in the ordered categories)",
  ],
  ['status', 'Status', 'string', 'Status codes, space-separated (x, c, z, u, p, r, e, b; see the API documentation)'],
  ['lci', 'Lower confidence limit', 'decimal', 'Lower limit of the confidence interval, where published'],
  ['uci', 'Upper confidence limit', 'decimal', 'Upper limit of the confidence interval, where published'],
  ['numerator', 'Numerator', 'decimal', 'The numerator, where published'],
  ['denominator', 'Denominator', 'decimal', 'The denominator, where published'],
  [
    'figure_source',
    'Figure source',
    'string',
    "Where the figure came from when it is not the council's own publication (an earlier code's or predecessors' figure, or an aggregate); empty for its own",
  ],
  ['rank', 'Rank', 'integer', 'Rank in the group, 1 the best (by polarity); equal values share the lowest rank'],
  ['rank_of', 'Councils ranked', 'integer', 'How many councils of the group have a figure and are ranked'],
  ['tied', 'Tied', 'boolean', 'true when another council has the same value'],
  ['quartile_band', 'Quarter', 'integer', '1 the best quarter of the group to 4 the worst (type-7 quartiles)'],
  ['distance_from_median', 'Distance from the median', 'decimal', "The council's value minus the group median"],
  ['robust_distance', 'Robust distance', 'decimal', 'Distance from the median in median absolute deviations'],
  ['significance', 'Against the group median', 'string', 'above, below or not-different, from the confidence interval'],
  ['excluded_because', 'Left out because', 'string', 'not-applicable or no-data, when the council is not ranked'],
  [
    'direction_last_period',
    'Direction since the previous period',
    'string',
    'improving, worsening, no change, or increasing/decreasing without a polarity',
  ],
  ['direction_over_window', 'Direction over the window', 'string', 'The direction over the periods compared'],
  ['group_median', 'Group median', 'decimal', 'Median of the councils with a figure'],
  ['group_mean', 'Group mean', 'decimal', 'Unweighted mean of the councils with a figure'],
  ['group_weighted_mean', 'Group weighted mean', 'decimal', 'Mean weighted by the denominators, where published'],
  ['group_q1', 'Group lower quartile', 'decimal', 'Lower quartile (type 7)'],
  ['group_q3', 'Group upper quartile', 'decimal', 'Upper quartile (type 7)'],
  ['group_min', 'Group minimum', 'decimal', 'The lowest figure in the group'],
  ['group_max', 'Group maximum', 'decimal', 'The highest figure in the group'],
  [
    'group_category_counts',
    'Group counts per category',
    'string',
    'A categorical measure only: councils with each judgement, best first (e.g. "Outstanding 3; Good 4; …"); never averaged',
  ],
  [
    'group_better',
    'Group at or above the better half',
    'string',
    'A categorical measure only: e.g. "6 of 10 Good or better"',
  ],
  ['unit', 'Unit', 'string', 'The unit of the values'],
  ['caveats', 'Caveats', 'string', "The metric's caveats"],
  ['licence', 'Licence', 'string', 'The licence the figures are published under'],
  ['source', 'Source', 'string', 'Whom to credit for the figures'],
]);
export const COMPARE_CSV_COLUMNS = columnNames(COMPARE_CSV);

/** One tidy row per council compared; group figures and the licence repeated on every row. */
export function comparisonCsvRows(c: ComparisonT): (string | number | null)[][] {
  const s = c.statistics;
  const d = c.categories;
  const counts = d ? d.counts.map((k) => `${k.label} ${k.count}`).join('; ') : null;
  const better = d?.better ? `${d.better.count} of ${d.of} ${d.better.label}` : null;
  return c.members.map((m) => [
    c.metric.id,
    c.metric.title,
    c.period.period,
    c.period.label,
    c.group.id,
    c.group.name,
    c.area.code,
    m.code,
    m.name,
    String(m.isFocus),
    m.value,
    m.category?.label ?? null,
    m.status.join(' '),
    m.lci,
    m.uci,
    m.numerator,
    m.denominator,
    m.source?.note ?? null,
    m.rank,
    m.rankOf,
    String(m.tied),
    m.quartileBand,
    m.distanceFromMedian,
    m.robustDistance,
    m.significance,
    m.excludedBecause,
    m.direction.lastStep?.direction ?? null,
    m.direction.overWindow?.direction ?? null,
    s.median,
    s.mean,
    s.weightedMean,
    s.q1,
    s.q3,
    s.min,
    s.max,
    counts,
    better,
    c.metric.unit,
    c.metric.caveats,
    c.licence,
    c.attribution,
  ]);
}

/** The CSVW metadata of a comparison's CSV at `url`. */
export function comparisonCsvw(c: ComparisonT, url: string) {
  return csvw({
    url,
    title: `${c.metric.title}: ${c.area.name} compared with ${c.group.name}, ${c.period.label}`,
    description:
      'One row per council of the group: its figure, rank, quarter, distance from the median, significance and direction of travel, with the group statistics, caveats, licence and source on every row.',
    columns: COMPARE_CSV,
    licences: [c.metric.source.licence, c.licence],
    attribution: [c.attribution],
    sources: [c.metric.source.url],
    caveats: caveatLines([{ id: c.metric.id, title: c.metric.title, caveats: c.metric.caveats }]),
    notes: c.notes,
  });
}
