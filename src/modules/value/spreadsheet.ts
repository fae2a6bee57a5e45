/**
 * The value-for-money profile as a spreadsheet in the government layout: cover, contents, notes, the figures (the
 * same rows as the CSV) and the spend-against-outcome associations.
 */
import { spreadsheet } from '../../platform/spreadsheet.ts';
import { priceBasis, VALUE_CSV, valueRows } from './csv.ts';
import type { ValueProfile } from './types.ts';

export function valueSpreadsheet(p: ValueProfile, generatedAt = new Date()): Promise<Buffer> {
  const notes = [
    ...p.caveats,
    ...p.services.flatMap((s) => [
      ...(s.notRunReason ? [`${s.title}: ${s.notRunReason}`] : []),
      ...s.missing.map((m) => `${s.title}: ${m.title}: ${m.reason}.`),
    ]),
    ...p.notes,
  ].map((text, i) => ({ number: i + 1, text }));
  const associations = p.services.flatMap((s) =>
    s.scatters.map((x) => [
      s.title,
      `${x.spend.title} (${x.spend.period})`,
      `${x.outcome.title} (${x.outcome.period})`,
      x.group.n,
      x.group.r,
      x.sameType?.n ?? null,
      x.sameType?.r ?? null,
      x.group.sentence,
    ]),
  );
  return spreadsheet({
    title: `Value for money: ${p.area.name} (${p.area.code}) against ${p.group.name}`,
    cover: [
      {
        heading: 'About these tables',
        text: `Spend per head beside outcome measures, by service, for ${p.area.name} compared with ${p.group.name} (group ${p.group.id}) and England. The same figures are at ${apiAddress(p)}. Spend and outcome years may differ: each row names its period.`,
      },
      { heading: 'Prices', text: `£ figures are in ${priceBasis(p)}. ${p.prices.note}` },
      { heading: 'Source', text: p.attribution.join('; ') || 'No figures' },
      { heading: 'Licence', text: p.licences.join('; ') || 'No figures' },
      {
        heading: 'Made',
        text: `${generatedAt.toISOString().slice(0, 10)}, from the data published at that time. The profile changes when new data are published.`,
      },
    ],
    notes,
    tables: [
      {
        sheet: 'Figures',
        title: `Spend and outcomes: ${p.area.name} against ${p.group.name}${p.prices.base ? `, £ figures at ${p.prices.base.label} prices` : ''}`,
        about: [
          `This worksheet contains one table of ${valueRows(p).length} rows, one per service and measure. Rank 1 is the best; councils with the same value share a rank.`,
        ],
        columns: VALUE_CSV.map((c) => ({ header: c.title, width: c.name === 'caveats' ? 60 : 16 })),
        rows: valueRows(p),
      },
      {
        sheet: 'Spend and outcome',
        title: `Spend against outcome: the association among councils`,
        about: [
          "Pearson's r between spend and each outcome among the group's councils with both figures, and among every council of the same type where the group is narrower. An association, not evidence of cause.",
        ],
        columns: [
          { header: 'Service', width: 30 },
          { header: 'Spend', width: 40 },
          { header: 'Outcome', width: 40 },
          { header: 'Councils in the group with both', width: 12 },
          { header: 'r in the group', width: 10 },
          { header: 'Councils of the type with both', width: 12 },
          { header: 'r among councils of the type', width: 10 },
          { header: 'In words', width: 80 },
        ],
        rows: associations,
      },
    ],
  });
}

/** The JSON address of the same profile: its group, and its prices and deflator when in real terms. */
function apiAddress(p: ValueProfile): string {
  const q = new URLSearchParams({ group: p.group.id });
  if (p.prices.base) {
    q.set('prices', 'real');
    q.set('base', p.prices.base.label.replace('/', '-'));
    if (p.prices.deflator) q.set('deflator', p.prices.deflator.id);
  }
  // ':' and '@' may stand in a query as they are (RFC 3986), and read better there.
  return `/api/v1/value-for-money/${p.area.code}.json?${q.toString().replace(/%3A/g, ':').replace(/%40/g, '@')}`;
}
