/**
 * The headline report as a spreadsheet in the government layout: cover, contents, notes, one service area per sheet.
 */
import { spreadsheet, type SpreadsheetDoc } from '../../platform/spreadsheet.ts';
import type { Headline, HeadlineItem } from './headline.ts';

const QUARTER = ['', 'top quarter', 'second quarter', 'third quarter', 'bottom quarter'];

/** The columns of a headline measure as a table row (the spreadsheet's, and other modules' tables of it). */
export const HEADLINE_COLUMNS = [
  'Measure',
  'Period',
  'Value',
  'Unit',
  'Rank',
  'Councils ranked',
  'Quarter',
  'Group median',
  'England',
  'Against the group median (95% interval)',
  'Direction since the previous period',
  'Summary',
] as const;

/** A headline measure's cells, in the order of HEADLINE_COLUMNS (numbers stay numbers; null where there is none). */
export function headlineCells(i: HeadlineItem): (string | number | null)[] {
  return [
    i.metric.title,
    i.period.label,
    i.categories ? (i.focus.category?.label ?? null) : i.focus.value,
    i.metric.unit,
    i.focus.rank,
    i.focus.rankOf,
    i.focus.quartileBand ? QUARTER[i.focus.quartileBand]! : null,
    i.categories?.better
      ? `${i.categories.better.count} of ${i.categories.of} ${i.categories.better.label}`
      : i.statistics.median,
    i.england?.value ?? null,
    i.focus.significance ?? null,
    i.focus.direction.lastStep?.direction ?? null,
    i.sentence,
  ];
}

export function headlineSpreadsheet(h: Headline, generatedAt = new Date()): Promise<Buffer> {
  const notes: SpreadsheetDoc['notes'] = [];
  const noteFor = (text: string): number => {
    const found = notes.find((n) => n.text === text);
    if (found) return found.number;
    notes.push({ number: notes.length + 1, text });
    return notes.length;
  };
  const tables = h.themes.map((t) => ({
    sheet: t.title,
    title: `${t.title}: ${h.area.name} against ${h.group.name}`,
    about: [
      `This worksheet contains one table of ${t.items.length} measure${t.items.length === 1 ? '' : 's'}. Rank 1 is the best; councils with the same value share a rank. Quarter: where the council's value falls among the group's quarters, the top quarter being the best.`,
    ],
    columns: [
      ...HEADLINE_COLUMNS.map((header, k) => ({ header, width: [48, 14, 12, 14, 8, 10, 16, 12, 12, 18, 18, 70][k] })),
      { header: 'Notes', width: 16 },
    ],
    rows: t.items.map((i) => {
      // The caveats, and how England's figure was computed where the publisher gives none.
      const refs = [
        i.metric.caveats ? noteFor(`${i.metric.title}: ${i.metric.caveats}`) : null,
        i.england?.method ? noteFor(`${i.metric.title}, England (computed from councils): ${i.england.method}`) : null,
      ].filter((n) => n !== null);
      return [...headlineCells(i), refs.length ? refs.map((n) => `[note ${n}]`).join(' ') : null];
    }),
  }));
  for (const n of h.notApplicable) noteFor(`${n.title} is not in these tables: ${n.reason}.`);
  for (const n of h.noData) noteFor(`${n.title} is not in these tables: ${n.reason}.`);
  for (const n of h.notes) noteFor(n);
  return spreadsheet({
    title: `Headline report: ${h.area.name} (${h.area.code}) against ${h.group.name}`,
    cover: [
      {
        heading: 'About these tables',
        text: `The key measures of the basket "${h.basket.name}" (${h.basket.id}, version ${h.basket.version}) for ${h.area.name}, compared with ${h.group.name} (group ${h.group.id}), one service area per worksheet. The same figures are at /api/v1/areas/${h.area.code}/headline.json.`,
      },
      { heading: 'Source', text: h.attribution.join('; ') },
      { heading: 'Licence', text: h.licences.join('; ') },
      {
        heading: 'Made',
        text: `${generatedAt.toISOString().slice(0, 10)}, from the data published at that time. The report changes when new data are published.`,
      },
    ],
    notes,
    tables,
  });
}
