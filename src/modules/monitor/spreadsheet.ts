/** The quarterly report to the funder as XLSX (platform/spreadsheet.ts: cover, notes, one table per sheet). */
import { spreadsheet } from '../../platform/spreadsheet.ts';
import type { Quarterly } from './deliverables.ts';

export function quarterlyXlsx(r: Quarterly, brandName: string): Promise<Buffer> {
  const period = `${r.quarter} ${r.yearLabel} (${r.from} to ${r.to})`;
  const d = r.delivery;
  return spreadsheet({
    title: `Quarterly report to the funder: ${period}`,
    cover: [
      {
        heading: 'About this report',
        text: `The agreed deliverables and progress to the end of ${period}, and the programme's delivery in the quarter.`,
      },
      {
        heading: 'Source',
        text: `Computed by ${brandName} from its own records on ${new Date().toISOString().slice(0, 10)}.`,
      },
      { heading: 'Missing values', text: '[x] means no progress has been recorded or no target was set.' },
    ],
    notes: [
      {
        number: 1,
        text: 'Financial quarters: Q1 April to June, Q2 July to September, Q3 October to December, Q4 January to March.',
      },
      {
        number: 2,
        text: 'Computed progress is cumulative from the start of the financial year to the end of the quarter.',
      },
      { number: 3, text: d.leadership.note ?? 'Leadership places are recorded by the leadership programmes module.' },
    ],
    tables: [
      {
        sheet: 'Deliverables',
        title: `Deliverables and progress, ${period}`,
        about: ['One row per deliverable, by theme. See note 2.'],
        columns: [
          { header: 'Theme', width: 24 },
          { header: 'Deliverable', width: 50 },
          { header: 'Target', width: 10 },
          { header: 'Due quarter', width: 12 },
          { header: 'Progress', width: 10 },
          { header: 'How measured', width: 26 },
          { header: 'Status', width: 26 },
          { header: 'Note', width: 40 },
        ],
        rows: r.themes.flatMap((t) =>
          t.deliverables.map((x) => [
            t.theme,
            x.deliverable,
            x.target,
            x.dueQuarter,
            x.value,
            x.measure ?? 'Entered',
            x.status,
            x.note ?? '',
          ]),
        ),
      },
      {
        sheet: 'Delivery',
        title: `Programme delivery in ${period}`,
        about: ['Peer challenge and surveys from the platform; leadership places from the leadership module (note 3).'],
        columns: [
          { header: 'Measure', width: 50 },
          { header: 'Value', width: 12 },
        ],
        rows: [
          ['Peer challenges delivered in the quarter', d.peer.delivered],
          ['Peer challenges delivered, to date', d.peer.deliveredToDate],
          ['Peer challenges confirmed (scheduled), at the quarter end', d.peer.confirmed],
          ['Peer challenges requested or being scoped, at the quarter end', d.peer.requested],
          ['Peer days donated on challenges delivered in the quarter', d.peer.daysDonated],
          ['Survey waves fielded in the quarter', d.surveys.length],
          ['Leadership places taken', d.leadership.taken],
          ['Leadership places completed', d.leadership.completed],
        ],
      },
    ],
  });
}
