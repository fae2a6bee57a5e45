/**
 * A comparison as a spreadsheet in the government layout (platform/spreadsheet.ts): a cover with the source and the
 * licence, notes with the metric's caveats and the methods, then the councils, the group statistics and the trend,
 * one table per worksheet.
 */
import { spreadsheet, type SpreadsheetDoc } from '../../platform/spreadsheet.ts';
import type { Comparison } from './service.ts';

const QUARTER = ['', 'top quarter', 'second quarter', 'third quarter', 'bottom quarter'];

/** A categorical measure's label for a stored position (its value is a code, shown as the label, never a number). */
const labelOf = (c: Comparison, value: number | null): string | null =>
  value === null ? null : (c.metric.categories?.[value - 1]?.label ?? null);

/** The group statistics rows: counts per category for a categorical measure, else the numeric statistics. */
function statisticsRows(c: Comparison): (string | number | null)[][] {
  const s = c.statistics;
  const counted: (string | number | null)[][] = [
    ['Councils compared', s.n],
    ['Councils with a figure', s.countWithData],
    ['Councils with no figure', s.noData],
    ['Councils to which the measure does not apply', s.notApplicable],
  ];
  const d = c.categories;
  if (d)
    return [
      ...counted,
      ...d.counts.map((k) => [`Councils judged ${k.label}`, k.count]),
      ...(d.better ? [[`Councils judged ${d.better.label}`, d.better.count]] : []),
    ];
  return [
    ...counted,
    ['Median', s.median],
    ['Lower quartile', s.q1],
    ['Upper quartile', s.q3],
    ['Minimum', s.min],
    ['Maximum', s.max],
    ['Mean (unweighted)', s.mean],
    [`Weighted mean${s.weightedMeanMethod ? ` (${s.weightedMeanMethod})` : ''}`, s.weightedMean],
    [c.england?.method ? 'England (computed from councils: see the notes)' : 'England', c.england?.value ?? null],
  ];
}

export function comparisonSpreadsheet(c: Comparison, generatedAt = new Date()): Promise<Buffer> {
  const s = c.statistics;
  const categorical = !!c.categories;
  const notes: SpreadsheetDoc['notes'] = [];
  const note = (text: string) => {
    notes.push({ number: notes.length + 1, text });
    return notes.length;
  };
  const caveat = c.metric.caveats ? note(`${c.metric.title} (${c.metric.id}): ${c.metric.caveats}`) : null;
  const methods = note(
    `Ranks: ${s.methods.rank}. Quartiles: ${s.methods.quartiles}. Distance: ${s.methods.distance}. Significance: ${s.methods.significance}.`,
  );
  const status = note(
    'Status codes: x not available, c confidential (suppressed), z not applicable, u low reliability, p provisional, r revised, e estimated, b break in series.',
  );
  for (const n of c.notes) note(n);
  if (c.england?.method) note(`England's figure is not published: ${c.england.method}.`);
  const unit = c.metric.unit;
  const about = `${caveat ? `Caveats: see [note ${caveat}]. ` : ''}Methods: see [note ${methods}].`;
  return spreadsheet({
    title: `${c.metric.title}: ${c.area.name} compared with ${c.group.name}, ${c.period.label}`,
    cover: [
      {
        heading: 'About these tables',
        text: `${c.sentence} The councils of ${c.group.name} (group ${c.group.id}) on ${c.metric.title} (${c.metric.id}) for ${c.period.label}, the group's statistics and the trend. The same comparison is at /api/v1/compare.json.`,
      },
      { heading: 'Compared with', text: `${c.group.name} (group ${c.group.id}), ${c.members.length} councils` },
      { heading: 'Source', text: c.attribution },
      { heading: 'Licence', text: c.licence },
      {
        heading: 'Made',
        text: `${generatedAt.toISOString().slice(0, 10)}, from the data published at that time. The comparison changes when new data are published.`,
      },
    ],
    notes,
    tables: [
      {
        sheet: 'Councils',
        title: `${c.metric.title} (${unit}), ${c.period.label}: the councils of ${c.group.name}`,
        about: [
          `This worksheet contains one table of ${c.members.length} councils, best rank first. Rank 1 is the best; councils with the same value share a rank. ${about} Status codes: see [note ${status}].`,
        ],
        columns: [
          { header: 'Area code', width: 12 },
          { header: 'Area', width: 32 },
          { header: 'Council compared', width: 10 },
          { header: `Value (${unit})`, width: 12 },
          { header: 'Status', width: 8 },
          { header: 'Rank', width: 8 },
          { header: 'Councils ranked', width: 10 },
          { header: 'Quarter', width: 16 },
          { header: 'Distance from the group median', width: 14 },
          { header: 'Against the group median (95% interval)', width: 16 },
          { header: 'Direction since the previous period', width: 16 },
          { header: 'Left out because', width: 16 },
        ],
        rows: c.members.map((m) => [
          m.code,
          m.name,
          m.isFocus ? 'yes' : 'no',
          categorical ? (m.category?.label ?? null) : m.value,
          m.status.join(' '),
          m.rank,
          m.rankOf,
          m.quartileBand ? QUARTER[m.quartileBand]! : null,
          m.distanceFromMedian,
          m.significance ?? '',
          m.direction.lastStep?.direction ?? '',
          m.excludedBecause ?? '',
        ]),
      },
      {
        sheet: 'Group statistics',
        title: `${c.group.name}: statistics of ${c.metric.title} (${unit}), ${c.period.label}`,
        about: [`This worksheet contains one table. ${about}`],
        columns: [
          { header: 'Statistic', width: 40 },
          { header: 'Value', width: 14 },
        ],
        rows: statisticsRows(c),
      },
      {
        sheet: 'Trend',
        title: `${c.metric.title} (${unit}): ${c.area.name}, the group median and England over time`,
        about: [`This worksheet contains one table, one row per period, oldest first. ${about}`],
        columns: [
          { header: 'Period', width: 22 },
          { header: 'Period label', width: 16 },
          { header: c.area.name, width: 14 },
          { header: 'Group median', width: 14 },
          { header: 'England', width: 14 },
        ],
        rows: c.trend.map((t) => [
          t.period,
          t.label,
          categorical ? labelOf(c, t.value) : t.value,
          t.groupMedian,
          t.england,
        ]),
      },
    ],
  });
}
