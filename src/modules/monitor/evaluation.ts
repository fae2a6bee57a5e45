/**
 * The annual evaluation document, as far as the monitor module can join it: data-service usage month by month (the
 * scorecard), peer challenge delivery, surveys fielded with response rates, and leadership take-up (the lead module,
 * when joined). Each section with too little data says so instead of printing nothing; the sections the issue asks for
 * that are not joined yet (direction of travel of the key basket, the polling series, the perception survey) say that
 * plainly. A year with no evidence at all is refused with the reason. Written as HTML and as DOCX (the docx package),
 * a document a policy officer can edit.
 */
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from 'docx';
import { AppError } from '../../platform/errors.ts';
import type { deliveryService } from './delivery.ts';
import type { scorecardService } from './scorecard.ts';

export interface EvaluationSection {
  id: string;
  title: string;
  status: 'ok' | 'too-little-data' | 'not-joined';
  text: string;
  table: { caption: string; columns: string[]; rows: (string | number)[][] } | null;
}

const pc = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);

export function evaluationService(
  scorecards: ReturnType<typeof scorecardService>,
  delivery: ReturnType<typeof deliveryService>,
  today: () => string,
) {
  async function evaluation(year: number) {
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw new AppError(400, 'invalid-parameter', `year must be a year such as 2026 ("${year}").`, [
        { field: 'year', message: 'must be a year such as 2026', value: String(year) },
      ]);
    const now = today();
    const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`).filter(
      (m) => `${m}-01` <= now,
    );
    const sections: EvaluationSection[] = [];
    const cards = [];
    for (const m of months) cards.push(await scorecards.scorecard(m));
    const used = cards.some((c) => c.users.total > 0 || c.traffic.pageViews > 0);
    sections.push({
      id: 'usage',
      title: 'Use of the data service',
      status: used ? 'ok' : 'too-little-data',
      text: used
        ? 'Registered councils as a share of the councils current at each month end, the share of them active in the last 30 days, and traffic. Unique visitors are the average of daily counts.'
        : `Too little data: no registered users or recorded visits in ${year}.`,
      table: used
        ? {
            caption: `Data-service usage by month, ${year} (source: /api/v1/monitoring/scorecard.json)`,
            columns: [
              'Month',
              'Registered councils',
              'Active in 30 days',
              'Page views',
              'Average daily visitors',
              'API requests',
            ],
            rows: cards.map((c) => [
              c.month,
              `${c.councils.total.registered} of ${c.councils.total.councils} (${pc(c.councils.total.registeredShare)})`,
              pc(c.councils.total.active30Share),
              c.traffic.pageViews,
              c.traffic.averageDailyUniqueVisitors,
              c.traffic.apiRequests,
            ]),
          }
        : null,
    });
    const d = await delivery.delivery(`${year}-01-01`, `${year + 1}-01-01`);
    const peerData = d.peer.deliveredToDate > 0;
    sections.push({
      id: 'peer',
      title: 'Peer challenge',
      status: peerData ? 'ok' : 'too-little-data',
      text: peerData
        ? `${d.peer.delivered} peer challenges delivered in ${year} (${d.peer.deliveredToDate} on record to the year end), ${d.peer.daysDonated} peer days donated; ${d.peer.confirmed} confirmed and ${d.peer.requested} requested at the year end.`
        : `Too little data: no peer challenge delivered on record by the end of ${year}.`,
      table: null,
    });
    sections.push({
      id: 'surveys',
      title: 'Surveys fielded',
      status: d.surveys.length ? 'ok' : 'too-little-data',
      text: d.surveys.length
        ? 'Survey waves open during the year and their response rates (submitted responses as a share of the frame).'
        : `Too little data: no survey wave was open in ${year}.`,
      table: d.surveys.length
        ? {
            caption: `Survey waves fielded in ${year} (source: /api/v1/surveys)`,
            columns: ['Wave', 'Opened', 'Closed', 'Responses', 'Response rate'],
            rows: d.surveys.map((s) => [
              s.name,
              s.opensAt.slice(0, 10),
              s.closesAt.slice(0, 10),
              s.submitted,
              pc(s.rate),
            ]),
          }
        : null,
    });
    sections.push({
      id: 'leadership',
      title: 'Leadership programmes',
      status: d.leadership.available && d.leadership.taken + d.leadership.completed > 0 ? 'ok' : 'too-little-data',
      text: !d.leadership.available
        ? `Too little data: ${d.leadership.note}`
        : d.leadership.taken + d.leadership.completed > 0
          ? `${d.leadership.taken} leadership places taken and ${d.leadership.completed} completed in ${year}.`
          : `Too little data: no leadership place was taken or completed in ${year}.`,
      table: null,
    });
    for (const [id, title] of [
      ['basket', 'Direction of travel of the key basket'],
      ['polling', 'Residents polling: trust and satisfaction'],
      ['perception', 'Perception survey: awareness and support'],
    ] as const)
      sections.push({
        id,
        title,
        status: 'not-joined',
        text: 'Not yet joined into this report: see the sector pages and the survey tables for these figures.',
        table: null,
      });
    if (sections.every((s) => s.status !== 'ok'))
      throw new AppError(
        400,
        'no-evidence',
        `There is no evidence on this platform for ${year}: every section has too little data.`,
        [{ field: 'year', message: 'has no data in any section', value: String(year) }],
      );
    return { year, madeOn: now, sections };
  }
  return { evaluation };
}
export type Evaluation = Awaited<ReturnType<ReturnType<typeof evaluationService>['evaluation']>>;

const esc = (s: string | number) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function evaluationHtml(e: Evaluation, brand: string): string {
  const body = e.sections
    .map((s) => {
      const table = s.table
        ? `<table><caption>${esc(s.table.caption)}</caption><thead><tr>${s.table.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead><tbody>${s.table.rows.map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
        : '';
      return `<section id="${s.id}"><h2>${esc(s.title)}</h2><p>${esc(s.text)}</p>${table}</section>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Annual evaluation ${e.year}</title></head><body><main><h1>Annual evaluation ${e.year}</h1><p>Made by ${esc(brand)} from its own records on ${e.madeOn}.</p>\n${body}</main></body></html>\n`;
}

export function evaluationDocx(e: Evaluation, brand: string): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: `Annual evaluation ${e.year}`, heading: HeadingLevel.TITLE }),
    new Paragraph({ text: `Made by ${brand} from its own records on ${e.madeOn}.` }),
  ];
  const cell = (v: string | number) => new TableCell({ children: [new Paragraph({ text: String(v) })] });
  for (const s of e.sections) {
    children.push(new Paragraph({ text: s.title, heading: HeadingLevel.HEADING_1 }), new Paragraph({ text: s.text }));
    if (s.table)
      children.push(
        new Paragraph({ text: s.table.caption }),
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            new TableRow({ tableHeader: true, children: s.table.columns.map(cell) }),
            ...s.table.rows.map((r) => new TableRow({ children: r.map(cell) })),
          ],
        }),
      );
  }
  return Packer.toBuffer(
    new Document({ creator: brand, title: `Annual evaluation ${e.year}`, sections: [{ children }] }),
  );
}
