/**
 * The evaluation written out: HTML (the body the page shows, and a standalone document for `sli report evaluation`)
 * and DOCX (the docx package), a document a policy officer can edit. In HTML each figure is a link to the platform page
 * of the table it came from; in DOCX each paragraph refers to its tables by number. Tables carry their base and source.
 */
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { formatDate } from '../../platform/dates.ts';
import type { Evaluation } from './evaluation.ts';
import type { Approach, EvalTable, EvaluationSection, Paragraph as Para } from './evaluation-model.ts';

const PARTS: [Approach, string][] = [
  ['approach', 'Evaluating the approach to sector-led improvement'],
  ['offer', 'Evaluating the offer of support to the sector'],
];
export const evaluationTitle = (year: number) => `Evaluation of sector-led improvement, ${year}`;
const SIGNIFICANCE =
  'Throughout the report, differences in survey results between waves are only highlighted as significant if the difference is statistically significant (95 per cent, two-tailed); the test used is named.';
const madeBy = (e: Evaluation, brand: string) =>
  `Made by ${brand} from the platform’s own records on ${formatDate(e.madeOn)}.`;

const esc = (s: string | number) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const tablesOf = (e: Evaluation) => new Map(e.sections.flatMap((s) => s.tables.map((t) => [t.id, t] as const)));

/** The document's body with GOV.UK classes: the evaluation page shows it, the standalone HTML wraps it. */
export function evaluationBody(e: Evaluation, brand: string, origin = ''): string {
  const tables = tablesOf(e);
  const para = (p: Para) =>
    p
      .map((x) => {
        if (typeof x === 'string') return esc(x);
        const t = tables.get(x.table);
        return t ? `<a class="govuk-link" href="${esc(origin + t.source)}">${esc(x.figure)}</a>` : esc(x.figure);
      })
      .join('');
  const tableHtml = (t: EvalTable) =>
    `<div class="app-table-scroll" role="region" aria-label="Table ${t.number}" tabindex="0"><table class="govuk-table" id="table-${t.number}">` +
    `<caption class="govuk-table__caption govuk-table__caption--s">Table ${t.number}: ${esc(t.caption)}</caption>` +
    `<thead class="govuk-table__head"><tr class="govuk-table__row">${t.columns.map((c) => `<th scope="col" class="govuk-table__header">${esc(c)}</th>`).join('')}</tr></thead>` +
    `<tbody class="govuk-table__body">${t.rows.map((r) => `<tr class="govuk-table__row">${r.map((v, i) => (i === 0 ? `<th scope="row" class="govuk-table__header">${esc(v)}</th>` : `<td class="govuk-table__cell">${esc(v)}</td>`)).join('')}</tr>`).join('')}</tbody></table></div>` +
    `<p class="govuk-body-s">${esc(t.base)} Source: <a class="govuk-link" href="${esc(origin + t.source)}">${esc(t.source)}</a></p>`;
  const section = (s: EvaluationSection) =>
    `<section id="${s.id}" aria-labelledby="${s.id}-title"><h3 class="govuk-heading-m" id="${s.id}-title">${esc(s.title)}</h3>` +
    s.paragraphs.map((p) => `<p class="govuk-body">${para(p)}</p>`).join('') +
    s.tables.map(tableHtml).join('') +
    '</section>';
  const key = e.sections.filter((s) => s.headline);
  return [
    `<p class="govuk-body">${esc(madeBy(e, brand))} ${esc(SIGNIFICANCE)}</p>`,
    '<h2 class="govuk-heading-l">Key messages</h2>',
    key.length
      ? `<ul class="govuk-list govuk-list--bullet">${key.map((s) => `<li>${esc(s.title)}: ${para(s.headline!)}</li>`).join('')}</ul>`
      : '<p class="govuk-body">No section has enough data for a key message.</p>',
    ...PARTS.map(
      ([part, title]) =>
        `<h2 class="govuk-heading-l">${title}</h2>` +
        e.sections
          .filter((s) => s.part === part)
          .map(section)
          .join(''),
    ),
  ].join('\n');
}

/** A standalone HTML document (what `sli report evaluation` writes). */
export function evaluationHtml(e: Evaluation, brand: string, origin = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(evaluationTitle(e.year))}</title></head><body><main><h1>${esc(evaluationTitle(e.year))}</h1>\n${evaluationBody(e, brand, origin)}\n</main></body></html>\n`;
}

/** The DOCX: headings by part and section, each paragraph naming its tables by number. */
export function evaluationDocx(e: Evaluation, brand: string, origin = ''): Promise<Buffer> {
  const tables = tablesOf(e);
  const runs = (p: Para): TextRun[] => {
    // The reference follows the last figure from each table in the paragraph: "12 of 20 … 5 worsened (Table 1)".
    const last = new Map<string, number>();
    p.forEach((x, i) => typeof x !== 'string' && last.set(x.table, i));
    return p.flatMap((x, i) => {
      if (typeof x === 'string') return [new TextRun(x)];
      const t = tables.get(x.table);
      const out = [new TextRun(x.figure)];
      if (t && last.get(x.table) === i) out.push(new TextRun(` (Table ${t.number})`));
      return out;
    });
  };
  const text = (p: Para | string, heading?: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
    new Paragraph({ children: runs(typeof p === 'string' ? [p] : p), ...(heading ? { heading } : {}) });
  const cell = (v: string | number, header = false) =>
    new TableCell({
      children: [
        new Paragraph({
          children: [new TextRun({ text: String(v), bold: header })],
          alignment: typeof v === 'number' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        }),
      ],
    });
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: evaluationTitle(e.year), heading: HeadingLevel.TITLE }),
    text(madeBy(e, brand)),
    text(SIGNIFICANCE),
    text('Key messages', HeadingLevel.HEADING_1),
  ];
  const key = e.sections.filter((s) => s.headline);
  for (const s of key)
    children.push(
      new Paragraph({ children: [new TextRun(`${s.title}: `), ...runs(s.headline!)], bullet: { level: 0 } }),
    );
  if (!key.length) children.push(text('No section has enough data for a key message.'));
  for (const [part, title] of PARTS) {
    children.push(text(title, HeadingLevel.HEADING_1));
    for (const s of e.sections.filter((x) => x.part === part)) {
      children.push(text(s.title, HeadingLevel.HEADING_2), ...s.paragraphs.map((p) => text(p)));
      for (const t of s.tables)
        children.push(
          new Paragraph({ children: [new TextRun({ text: `Table ${t.number}: ${t.caption}`, bold: true })] }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({ tableHeader: true, children: t.columns.map((c) => cell(c, true)) }),
              ...t.rows.map((r) => new TableRow({ children: r.map((v) => cell(v)) })),
            ],
          }),
          text(`${t.base} Source: ${origin}${t.source}`),
        );
    }
  }
  return Packer.toBuffer(new Document({ creator: brand, title: evaluationTitle(e.year), sections: [{ children }] }));
}
