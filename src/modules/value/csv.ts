/**
 * The value-for-money CSV: one row per service and measure (spend and outcomes), its columns described once for the
 * header and the CSVW metadata; the XLSX carries the same rows (spreadsheet.ts).
 */
import { columnNames, csvColumns } from '../../platform/csv.ts';
import { caveatLines, csvw } from '../../platform/csvw.ts';
import type { ValueProfile } from './types.ts';

export const VALUE_CSV = csvColumns([
  ['area', 'Area code', 'string', 'GSS code of the council the profile is for'],
  ['area_name', 'Area', 'string', "The council's name"],
  ['group', 'Group id', 'string', 'The comparison group'],
  ['service', 'Service', 'string', 'The service (MHCLG revenue outturn service line)'],
  ['role', 'Role', 'string', 'spend (net current expenditure per head or per household) or outcome'],
  ['metric', 'Metric id', 'string', "The metric's stable id"],
  ['metric_title', 'Measure', 'string', "The metric's title"],
  ['period', 'Period', 'string', 'The period, as an ISO 8601 interval'],
  ['period_label', 'Period label', 'string', 'The period as people write it: spend and outcome years may differ'],
  ['value', 'Value', 'decimal', "The council's figure, in the unit given"],
  ['figure_source', 'Figure source', 'string', "Where the figure came from when it is not the council's own"],
  ['unit', 'Unit', 'string', 'The unit of the value'],
  [
    'price_basis',
    'Price basis',
    'string',
    "For £ figures (value, group median, England): cash (each year's own prices) or real terms at the base year's prices, naming the deflator; empty for other units",
  ],
  ['rank', 'Rank', 'integer', 'Rank in the group, 1 the best (the highest where no direction is better); ties share'],
  ['rank_of', 'Councils ranked', 'integer', 'How many councils of the group are ranked'],
  ['tied', 'Tied', 'boolean', 'true when another council has the same value'],
  ['quartile_band', 'Quarter', 'integer', '1 the best (or highest) quarter of the group to 4'],
  ['group_median', 'Group median', 'decimal', 'Median of the group'],
  ['group_n', 'Councils with a figure', 'integer', 'How many councils of the group have a figure'],
  ['england', 'England', 'decimal', "England's figure, or the median of councils where england_kind says so"],
  ['england_kind', 'England figure kind', 'string', 'england (published), aggregate (computed) or median-of-councils'],
  ['direction_last_period', 'Direction since the previous period', 'string', 'improving, worsening, no-change …'],
  ['direction_over_window', 'Direction over the trend', 'string', 'The same over the whole trend window'],
  ['caveats', 'Caveats', 'string', "The metric's and the service's caveats"],
  ['licence', 'Licence', 'string', 'The licence the figure is published under'],
  ['source', 'Source', 'string', 'Whom to credit for the figure'],
]);
export const VALUE_CSV_COLUMNS = columnNames(VALUE_CSV);

export type ValueRow = (string | number | null)[];

/** One row per service and measure, spend first, in the mapping's order. */
export function valueRows(p: ValueProfile): ValueRow[] {
  const basis = priceBasis(p);
  return p.services.flatMap((s) =>
    [...s.spend, ...s.outcomes].map((f) => [
      p.area.code,
      p.area.name,
      p.group.id,
      s.title,
      f.role,
      f.metric.id,
      f.metric.title,
      f.period.period,
      f.period.label,
      f.value,
      f.figureSource,
      f.metric.unit,
      f.prices === null ? null : basis,
      f.rank,
      f.rankOf,
      String(f.tied),
      f.quartileBand,
      f.group.median,
      f.group.countWithData,
      f.england?.value ?? null,
      f.england?.kind ?? null,
      f.trend.lastStep,
      f.trend.overWindow,
      [f.metric.caveats, ...s.caveats].filter(Boolean).join(' '),
      f.licence,
      f.attribution,
    ]),
  );
}

/** The profile's price basis in a few words: "cash" or "real terms at 2023/24 prices (deflator hmt.gdp-deflator)". */
export function priceBasis(p: ValueProfile): string {
  const { base, deflator } = p.prices;
  return base && deflator ? `real terms at ${base.label} prices (deflator ${deflator.id})` : 'cash';
}

export function valueCsvw(p: ValueProfile, url: string) {
  const figures = p.services.flatMap((s) => [...s.spend, ...s.outcomes]);
  return csvw({
    url,
    title: `Value for money: ${p.area.name} (${p.area.code}) against ${p.group.name}`,
    description: `Spend per head beside outcome measures by service (mapping "${p.mapping.name}", ${p.mapping.id} version ${p.mapping.version}), one row per service and measure, with the caveats, licence and source on every row. £ figures are in ${priceBasis(p)}: ${p.prices.note}`,
    columns: VALUE_CSV,
    licences: p.licences,
    attribution: p.attribution,
    caveats: [
      ...caveatLines(figures.map((f) => f.metric)),
      ...p.services.flatMap((s) => s.caveats.map((c) => `${s.title}: ${c}`)),
      ...p.caveats,
    ],
    notes: p.notes,
  });
}
