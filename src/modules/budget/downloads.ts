/**
 * Analysis-ready downloads for the council and analysts: the wide CSV (one row per counted response: each item's level,
 * £ change and comment, the "about you" answers, the assisted flag and the weight), its codebook (every column, what it
 * holds, its codes and labels) as CSV, and the results as XLSX in the government layout (platform/spreadsheet.ts:
 * cover, contents, notes, then the per-item results, the summary, each breakdown by an "about you" answer, suppressed,
 * and the codebook). Every text cell is neutralised (platform/csv.ts); raw responses never leave the council's pages.
 */
import { columnNames, csvColumns, csvLine, csvText, neutralise, type CsvColumn } from '../../platform/csv.ts';
import type { Db } from '../../platform/db.ts';
import { spreadsheet, type SpreadsheetTable } from '../../platform/spreadsheet.ts';
import { NOT_ASKED } from './about.ts';
import { MIN_CELL, SUPPRESSED, type Analysis, type Breakdown, type CommentBreakdown } from './analysis.ts';
import { flatItems, SECTION_TITLES } from './model.ts';
import { populationSource } from './population.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';
import type { Dashboard } from './results.ts';

export const CODEBOOK_CSV = csvColumns([
  ['column', 'Column', 'string', "The wide CSV's column name"],
  ['title', 'Title', 'string', 'A short title'],
  ['datatype', 'Datatype', 'string', 'string, integer, decimal, boolean or dateTime'],
  ['description', 'Meaning', 'string', 'What the column holds'],
  ['codes', 'Codes', 'string', 'Its codes and their labels (code = label; …), where it holds codes'],
]);

interface WideColumn extends CsvColumn {
  codes: string;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const percent = (share: number | null) => (share === null ? null : Math.round(share * 100));

/** The wide CSV's columns, each with its codes: the codebook. */
export function wideColumns(s: StoredSimulator): WideColumn[] {
  const col = (name: string, title: string, datatype: CsvColumn['datatype'], description: string, codes = '') => ({
    name,
    title,
    datatype,
    description,
    codes,
  });
  const out: WideColumn[] = [
    col('response', 'Response', 'integer', 'Id of the response (one resident budget)'),
    col('submitted_at', 'Submitted at', 'dateTime', 'When the budget was submitted (UTC)'),
    col('channel', 'Channel', 'string', 'How it came', 'open = the open link; link = a unique panel link'),
    col('assisted', 'Assisted', 'boolean', 'Entered by staff with the resident at an outreach session', 'true; false'),
    col(
      'weight',
      'Weight',
      'decimal',
      s.definition.population
        ? `The response's weight to the council's population by age and sex as entered for this simulator (${populationSource(s.definition.population)}; raked on both margins; 1 where not weighted: no age or sex answer, or one with no population figure); mean 1 over those weighted`
        : "The response's weight to the council's population (age raked to the ONS mid-year estimate; sex not weighted; 1 where not weighted); mean 1 over those weighted",
    ),
    col('gap_closed_gbp', 'Gap closed (£)', 'decimal', 'How much of the gap the budget closes, £ a year'),
    col('tax_change_pct', 'Council tax change (%)', 'decimal', 'The Band D council tax change chosen, per cent'),
  ];
  for (const it of flatItems(s.definition)) {
    const levels = it.levels.map((l) => `${l.code} = ${l.consequence} (${l.pctChange}%)`).join('; ');
    out.push(
      col(`${it.code}.level`, `${it.title}: option`, 'string', `The option chosen for ${it.title}`, levels),
      col(
        `${it.code}.gbp`,
        `${it.title}: change (£)`,
        'decimal',
        `The change to ${it.title} in £ a year (baseline £${it.baseline.toLocaleString('en-GB')} × the option's %)`,
      ),
      col(`${it.code}.comment`, `${it.title}: comment`, 'string', `The resident's comment on ${it.title}, if any`),
    );
  }
  for (const q of s.aboutYou?.questions ?? [])
    out.push(
      col(
        `about.${q.code}`,
        `About you: ${q.code}`,
        'string',
        `${q.text} (optional; blank when not answered${q.routing ? `; ${NOT_ASKED} when not asked: ${q.routing}` : ''}; from ${s.aboutYou!.survey} version ${s.aboutYou!.version})`,
        q.kind === 'text' ? 'free text' : q.choices.map((c) => `${c.code} = ${c.label}`).join('; '),
      ),
    );
  return out;
}

export function createDownloads(db: Db, analysis: Analysis) {
  return {
    /** The wide CSV as chunks of text, every text cell neutralised. */
    async wideCsv(s: StoredSimulator): Promise<AsyncGenerator<string>> {
      const [a, comments] = await Promise.all([analysis.analyse(s), repo.comments(db.kysely, s.id)]);
      const items = flatItems(s.definition);
      const columns = wideColumns(s);
      const itemIndex = new Map(s.itemIds.map((id, i) => [id, i]));
      const commentOf = new Map<number, string[]>();
      for (const c of comments) {
        const list = commentOf.get(c.response_id) ?? [];
        list[itemIndex.get(c.item_id)!] = neutralise(c.text);
        commentOf.set(c.response_id, list);
      }
      const questions = s.aboutYou?.questions ?? [];
      async function* chunks(): AsyncGenerator<string> {
        let chunk = csvLine(columnNames(columns));
        for (const [r, row] of a.rows.entries()) {
          const cells: (string | number | null)[] = [
            row.id,
            row.submittedAt,
            row.channel,
            row.assisted ? 'true' : 'false',
            round(a.weighting.weights[r]!, 6),
            row.gapClosed,
            row.taxChangePct,
          ];
          const notes = commentOf.get(row.id);
          a.levels[r]!.forEach((l, i) => {
            const it = items[i]!;
            const level = it.levels[l];
            cells.push(
              level ? neutralise(level.code) : null,
              level ? round((it.baseline * level.pctChange) / 100) : null,
              notes?.[i] ?? null,
            );
          });
          for (const q of questions) {
            const v = a.answers[r]?.[q.code];
            cells.push(v === undefined ? null : v === null ? NOT_ASKED : neutralise(v));
          }
          chunk += csvLine(cells);
          if (chunk.length > 1 << 16) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      return chunks();
    },

    /** The codebook as CSV text. */
    codebookCsv(s: StoredSimulator): string {
      return csvText(
        wideColumns(s).map((c) => [c.name, c.title, c.datatype, c.description, c.codes]),
        CODEBOOK_CSV,
      );
    },

    /** The results in the government layout. */
    async resultsXlsx(s: StoredSimulator, d: Dashboard, when = new Date()): Promise<Buffer> {
      const a = await analysis.analyse(s);
      const wd = analysis.withWeights(s, d, a);
      const byComments = await analysis.commentBreakdowns(s, a);
      const w = a.weighting;
      const base = `Base: ${a.rows.length} counted responses; effective base ${Math.round(w.effectiveBase)} (Kish)${w.weighted ? ', weighted' : ', unweighted'}. [note 1]`;
      const results: SpreadsheetTable = {
        sheet: 'Results',
        title: `Choices for each item: ${s.definition.title}`,
        about: [base, "Shares are of all counted responses; the weighted share uses each response's weight. [note 2]"],
        columns: [
          { header: 'Section', width: 20 },
          { header: 'Item', width: 28 },
          { header: 'Option', width: 48 },
          { header: 'Option code', width: 12 },
          { header: 'Change (%)', width: 10 },
          { header: 'Change (£ a year)', width: 16 },
          { header: 'Responses', width: 11 },
          { header: 'Share (%)', width: 10 },
          { header: 'Weighted share (%)', width: 12 },
        ],
        rows: wd.items.flatMap((it, i) => {
          const { baseline, kind } = flatItems(s.definition)[i]!;
          return it.levels.map((l) => [
            SECTION_TITLES[kind],
            it.title,
            l.consequence,
            l.code,
            l.pctChange,
            round((baseline * l.pctChange) / 100),
            l.n,
            percent(l.share),
            percent(l.weightedShare),
          ]);
        }),
      };
      const summary: SpreadsheetTable = {
        sheet: 'Summary',
        title: 'Responses, effective base and averages',
        about: ['Counted responses only; duplicates and bot-check hits are kept but not counted. [note 3]'],
        columns: [
          { header: 'Measure', width: 48 },
          { header: 'Value', width: 16 },
        ],
        rows: [
          ['Responses counted', a.rows.length],
          ['Responses weighted by age', w.byAge],
          ['Responses weighted by sex', w.bySex],
          ...w.margins.flatMap((m) =>
            m.categories.map((c): [string, number] => [
              `Population share, ${m.variable} ${c.label} (%); weighted responses meet it`,
              round(c.population * 100, 1),
            ]),
          ),
          ['Effective base (Kish)', round(w.effectiveBase, 1)],
          ['Weighting efficiency (%)', round(w.efficiency * 100, 1)],
          ['Average gap closed (£ a year)', d.meanGapClosed === null ? null : round(d.meanGapClosed)],
          ['Average council tax change (%)', d.meanTaxChangePct === null ? null : round(d.meanTaxChangePct)],
          [
            'Weighted average gap closed (£ a year)',
            wd.weightedMeanGapClosed === null ? null : round(wd.weightedMeanGapClosed),
          ],
          [
            'Weighted average council tax change (%)',
            wd.weightedMeanTaxChangePct === null ? null : round(wd.weightedMeanTaxChangePct),
          ],
          ...d.flagged.map((f): [string, number] => [`Kept, not counted: ${f.flag}`, f.n]),
        ],
      };
      const codebook: SpreadsheetTable = {
        sheet: 'Codebook',
        title: 'Codebook of the wide CSV (one row per response)',
        about: ['Each column of the wide CSV download, its meaning, and its codes and labels.'],
        columns: [
          { header: 'Column', width: 28 },
          { header: 'Title', width: 28 },
          { header: 'Datatype', width: 10 },
          { header: 'Meaning', width: 60 },
          { header: 'Codes', width: 80 },
        ],
        rows: wideColumns(s).map((c) => [c.name, c.title, c.datatype, c.description, c.codes || null]),
      };
      return spreadsheet({
        title: `${s.definition.title} (${s.definition.council}): results`,
        cover: [
          {
            heading: 'What this is',
            text: `Results of the budget consultation "${s.definition.title}" for ${s.definition.council}, ${s.definition.year}: what residents chose for each item, overall and by their "about you" answers.`,
          },
          { heading: 'Weighting', text: w.notes.join(' ') },
          {
            heading: 'Conventions',
            text: `Percentages are whole numbers and may not sum to 100. ${SUPPRESSED}: suppressed (fewer than ${MIN_CELL} residents, or suppressed with such a cell so it cannot be worked out). [x]: no figure (nobody in the group).`,
          },
          { heading: 'Made', text: when.toISOString().slice(0, 10) },
        ],
        notes: [
          { number: 1, text: w.notes.join(' ') },
          {
            number: 2,
            text: 'Each resident chose one option for every item; an item left unchanged counts as its "no change" option.',
          },
          {
            number: 3,
            text: 'Duplicate submissions (the same choices and comments from the same connection) and bot-check hits are kept and reported here, never deleted.',
          },
          {
            number: 4,
            text: `Breakdowns: a group or a cell of fewer than ${MIN_CELL} residents is shown as ${SUPPRESSED}, and another cell of the same row or column with it, so no resident can be identified.`,
          },
        ],
        tables: [
          results,
          summary,
          ...analysis.breakdowns(s, a).map((b, i) => breakdownSheet(b, byComments[i]!)),
          codebook,
        ],
      });
    },
  };
}

function breakdownSheet(b: Breakdown, comments: CommentBreakdown): SpreadsheetTable {
  const shown = (v: number | null) => (v === null ? SUPPRESSED : v);
  return {
    sheet: `By ${b.question.code}`,
    title: `Choices and comments by: ${b.question.text}`,
    about: [
      `Option rows: weighted percentages of each group choosing the option. Base row: residents in the group. Comment rows (after each item's options): numbers of comments from the group, in all and carrying each theme. [note 4]`,
    ],
    columns: [
      { header: 'Item', width: 28 },
      { header: 'Option', width: 48 },
      ...b.columns.map((c) => ({ header: c.label, width: 14 })),
    ],
    rows: [
      ['Base', 'Residents in the group', ...b.columns.map((c) => shown(c.base))],
      ...b.items.flatMap((it, i) => {
        const c = comments.items[i]!;
        return [
          ...it.levels.map((l) => [
            it.title,
            l.consequence,
            ...l.cells.map((x) => (x.n === null ? SUPPRESSED : percent(x.share))),
          ]),
          [it.title, 'Comments (number)', ...c.comments.map(shown)],
          ...c.themes.map((t) => [it.title, `Comments with the theme “${t.theme}” (number)`, ...t.cells.map(shown)]),
        ];
      }),
    ],
  };
}
