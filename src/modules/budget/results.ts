/**
 * Results: the dashboard's figures (responses per day, per item the share choosing each level and the mean £ change,
 * the average council tax change, comments per item, flagged responses reported) and the tidy long CSV (one row per
 * response × item: level, % and £, with the comment), formula-safe. Only responses flagged `ok` are counted; duplicates
 * and honeypot hits are kept and reported (the dashboard's counts, the CSV's `flag` column), not deleted.
 */
import { columnNames, csvColumns, csvField, csvLine, neutralise, type CsvValue } from '../../platform/csv.ts';
import type { Db } from '../../platform/db.ts';
import { flatItems } from './model.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';
import { reviewRepository } from './review-repository.ts';

export const LONG_CSV = csvColumns([
  ['response', 'Response', 'integer', 'Id of the response (one resident budget)'],
  ['submitted_at', 'Submitted at', 'dateTime', 'When the budget was submitted (UTC)'],
  ['channel', 'Channel', 'string', 'open (the open link) or link (a unique panel link)'],
  ['assisted', 'Assisted', 'boolean', 'Entered by staff with the resident at an outreach session'],
  [
    'flag',
    'Flag',
    'string',
    'ok (counted in the results), duplicate (the same budget and comments from the same source within a day) or honeypot (the bot check); flagged responses are kept and not counted',
  ],
  ['section', 'Section', 'string', 'spending, efficiencies, income or council-tax'],
  ['item', 'Item', 'string', "The item's code"],
  ['item_title', 'Item title', 'string', "The item's title"],
  ['level', 'Level', 'string', "The chosen level's code"],
  ['pct_change', 'Change (%)', 'decimal', 'The chosen change to the baseline, per cent'],
  ['change_gbp', 'Change (£)', 'decimal', 'The change to the item in £ a year (baseline × change)'],
  ['closes_gbp', 'Gap closed (£)', 'decimal', 'How much of the gap the choice closes, £ a year'],
  ['comment', 'Comment', 'string', "The resident's comment on the item, if any"],
]);

export interface Dashboard {
  responses: number;
  /** Of the counted responses, those entered by staff at an outreach session. */
  assisted: number;
  flagged: { flag: string; n: number }[];
  perDay: { day: string; n: number }[];
  meanTaxChangePct: number | null;
  meanGapClosed: number | null;
  items: {
    code: string;
    title: string;
    section: string;
    meanChange: number | null;
    comments: number;
    levels: { code: string; pctChange: number; consequence: string; n: number; share: number | null }[];
  }[];
}

export function createResults(db: Db) {
  return {
    async dashboard(s: StoredSimulator): Promise<Dashboard> {
      const [rows, flags, comments] = await Promise.all([
        repo.responses(db.kysely, s.id),
        repo.flagCounts(db.kysely, s.id),
        repo.comments(db.kysely, s.id),
      ]);
      const items = flatItems(s.definition);
      const counts = items.map((it) => new Array<number>(it.levels.length).fill(0));
      const perDay = new Map<string, number>();
      let tax = 0;
      let closed = 0;
      let assisted = 0;
      for (const r of rows) {
        assisted += r.assisted;
        const day = r.submitted_at.slice(0, 10);
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
        tax += r.tax_change_pct;
        closed += r.gap_closed;
        const lv = r.levels;
        let item = 0;
        let n = 0;
        for (let i = 0; i <= lv.length; i++) {
          const c = i < lv.length ? lv.charCodeAt(i) : 44;
          if (c === 44) {
            const row = counts[item++];
            if (row && n < row.length) row[n]!++;
            n = 0;
          } else n = n * 10 + (c - 48);
        }
      }
      const commentsPer = new Map<number, number>();
      for (const c of comments) commentsPer.set(c.item_id, (commentsPer.get(c.item_id) ?? 0) + 1);
      const total = rows.length;
      return {
        responses: total,
        assisted,
        flagged: flags.filter((f) => f.flag !== 'ok').map((f) => ({ flag: f.flag, n: Number(f.n) })),
        perDay: [...perDay].sort((a, b) => a[0].localeCompare(b[0])).map(([day, n]) => ({ day, n })),
        meanTaxChangePct: total ? tax / total : null,
        meanGapClosed: total ? closed / total : null,
        items: items.map((it, i) => {
          const c = counts[i]!;
          const sum = it.levels.reduce((a, l, li) => a + ((it.baseline * l.pctChange) / 100) * c[li]!, 0);
          return {
            code: it.code,
            title: it.title,
            section: it.kind,
            meanChange: total ? sum / total : null,
            comments: commentsPer.get(s.itemIds[i]!) ?? 0,
            levels: it.levels.map((l, li) => ({
              code: l.code,
              pctChange: l.pctChange,
              consequence: l.consequence,
              n: c[li]!,
              share: total ? c[li]! / total : null,
            })),
          };
        }),
      };
    },

    /**
     * The tidy long CSV as chunks of text: response × item, every text cell neutralised. The part of a line that
     * depends only on the item and level is written once per level, so 2 million lines cost one concatenation each.
     */
    async longCsv(s: StoredSimulator): Promise<AsyncGenerator<string>> {
      const [rows, comments] = await Promise.all([
        reviewRepository.allResponses(db.kysely, s.id),
        repo.comments(db.kysely, s.id, false),
      ]);
      const items = flatItems(s.definition);
      const itemIndex = new Map(s.itemIds.map((id, i) => [id, i]));
      const commentOf = new Map<number, string[]>();
      for (const c of comments) {
        const list = commentOf.get(c.response_id) ?? [];
        list[itemIndex.get(c.item_id)!] = csvField(neutralise(c.text));
        commentOf.set(c.response_id, list);
      }
      const fixed = items.map((it) =>
        it.levels.map((l) => {
          const change = (it.baseline * l.pctChange) / 100;
          const closes = (it.kind === 'spending' || it.kind === 'efficiencies' ? -1 : 1) * change;
          const cells: CsvValue[] = [it.kind, neutralise(it.code), neutralise(it.title), neutralise(l.code)];
          return `${cells.map(csvField).join(',')},${l.pctChange},${round2(change)},${round2(closes)},`;
        }),
      );
      async function* chunks(): AsyncGenerator<string> {
        let chunk = csvLine(columnNames(LONG_CSV));
        for (const r of rows) {
          const head = `${r.id},${r.submitted_at},${r.channel},${r.assisted === 1 ? 'true' : 'false'},${r.flag},`;
          const notes = commentOf.get(r.id);
          const lv = r.levels;
          let item = 0;
          let n = 0;
          for (let i = 0; i <= lv.length; i++) {
            const c = i < lv.length ? lv.charCodeAt(i) : 44;
            if (c !== 44) {
              n = n * 10 + (c - 48);
              continue;
            }
            const f = fixed[item]?.[n];
            if (f !== undefined) chunk += `${head}${f}${notes?.[item] ?? ''}\n`;
            item++;
            n = 0;
          }
          if (chunk.length > 1 << 16) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      return chunks();
    },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
