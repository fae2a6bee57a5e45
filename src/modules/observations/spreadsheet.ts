/**
 * The data query as a spreadsheet in the government layout (platform/spreadsheet.ts): a cover with what was asked,
 * the source and the licence; notes with each metric's caveats and the query's notes; one metric per worksheet.
 */
import { spreadsheet, type SpreadsheetDoc } from '../../platform/spreadsheet.ts';
import type { ObservationsService } from './service.ts';

type DataResult = Awaited<ReturnType<ObservationsService['query']>>;

const STATUS_NOTE =
  'Status codes: x not available, c confidential (suppressed), z not applicable, u low reliability, p provisional, r revised, e estimated, b break in series.';

export function dataSpreadsheet(
  r: DataResult,
  query: { metric: string; area?: string | undefined; period?: string | undefined },
  generatedAt = new Date(),
): Promise<Buffer> {
  const notes: SpreadsheetDoc['notes'] = [{ number: 1, text: STATUS_NOTE }];
  const noteFor = (text: string) => {
    notes.push({ number: notes.length + 1, text });
    return notes.length;
  };
  const tables = r.metrics.map((m) => {
    const rows = r.observations.filter((o) => o.metric === m.id);
    const caveat = m.caveats ? noteFor(`${m.title} (${m.id}): ${m.caveats}`) : null;
    return {
      sheet: m.title,
      title: `${m.title} (${m.unit})`,
      about: [
        `This worksheet contains one table of ${rows.length} figure${rows.length === 1 ? '' : 's'} of the metric ${m.id}, one row per area and period.`,
        `Source: ${m.source.attribution ?? m.source.publisher}. Licence: ${m.source.licence}.${caveat ? ` Caveats: see [note ${caveat}].` : ''} Status codes: see [note 1].`,
      ],
      columns: [
        { header: 'Area code', width: 12 },
        { header: 'Area', width: 32 },
        { header: 'Period', width: 22 },
        { header: 'Period label', width: 16 },
        // A categorical metric's value is shown as its label (the position stored is a code, not a quantity).
        { header: m.categories ? m.unit : `Value (${m.unit})`, width: m.categories ? 24 : 14 },
        { header: 'Status', width: 8 },
        { header: 'Lower confidence limit', width: 12 },
        { header: 'Upper confidence limit', width: 12 },
        { header: 'Numerator', width: 12 },
        { header: 'Denominator', width: 12 },
        { header: 'Note', width: 40 },
      ],
      rows: rows.map((o) => [
        o.area,
        o.areaName,
        o.period,
        o.periodLabel,
        m.categories ? o.category : o.value,
        o.status.join(' '),
        o.lci,
        o.uci,
        o.numerator,
        o.denominator,
        o.note ?? '',
      ]),
    };
  });
  for (const n of r.notes) noteFor(n);
  const asked = [
    `metric=${query.metric}`,
    ...(query.area ? [`area=${query.area}`] : []),
    `period=${query.period ?? 'latest'}`,
  ].join('&');
  return spreadsheet({
    title: `Data: ${r.metrics.map((m) => m.title).join('; ')}`,
    cover: [
      {
        heading: 'About these tables',
        text: `The published figures asked for (${asked}), one metric per worksheet. The same figures are at /api/v1/data.json?${asked} and as CSV at /api/v1/data.csv?${asked}.`,
      },
      { heading: 'Source', text: r.attribution.join('; ') },
      { heading: 'Licence', text: r.licence },
      {
        heading: 'Made',
        text: `${generatedAt.toISOString().slice(0, 10)}, from the data published at that time. Figures may be revised when new data are published.`,
      },
    ],
    notes,
    tables,
  });
}
