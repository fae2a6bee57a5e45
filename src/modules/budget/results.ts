/**
 * Results: the dashboard's figures (responses per day, per item the share choosing each level and the mean £ change,
 * the average council tax change, comments per item, flagged responses reported) and the tidy long CSV (one row per
 * response × item: level, % and £, with the comment), formula-safe. Only responses flagged `ok` are counted; duplicates
 * and honeypot hits are kept and reported (the dashboard's counts, the CSV's `flag` column), not deleted; open-link
 * budgets sent without a solved proof-of-work are counted and reported (the dashboard's `unsolved`, the CSV's `proof`).
 * The dashboard's totals, days and comment counts are SQL aggregates; the per-item counts come from one narrow read of
 * the levels. The CSV reads the responses a page at a time in id order, so its memory does not grow with them.
 */
import { columnNames, csvColumns, csvField, csvLine, neutralise, type CsvValue } from '../../platform/csv.ts';
import type { Db } from '../../platform/db.ts';
import { flatItems } from './model.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';

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
  [
    'proof',
    'Proof-of-work',
    'string',
    "Open-link budgets only: solved (the page's script solved the proof-of-work) or unsolved (no JavaScript, or a bot); blank for panel links and staff entry",
  ],
]);

/** Responses the long CSV reads at a time. */
const PAGE = 5000;

export interface Dashboard {
  responses: number;
  /** Of the counted responses, those entered by staff at an outreach session. */
  assisted: number;
  flagged: { flag: string; n: number }[];
  /** Of the counted responses, open-link budgets sent without a solved proof-of-work (no JavaScript, or a bot). */
  unsolved: number;
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
      const [totals, days, flags, levels, comments] = await Promise.all([
        repo.totals(db.kysely, s.id),
        repo.perDay(db.kysely, s.id),
        repo.flagCounts(db.kysely, s.id),
        repo.countedLevels(db.kysely, s.id),
        repo.commentCounts(db.kysely, s.id),
      ]);
      const items = flatItems(s.definition);
      const counts = items.map((it) => new Array<number>(it.levels.length).fill(0));
      for (const lv of levels) {
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
      const commentsPer = new Map(comments.map((c) => [c.item_id, Number(c.n)]));
      const total = totals.n;
      return {
        responses: total,
        assisted: totals.assisted,
        flagged: flags.filter((f) => f.flag !== 'ok').map((f) => ({ flag: f.flag, n: Number(f.n) })),
        unsolved: totals.unsolved,
        perDay: days.map((d) => ({ day: d.day, n: Number(d.n) })),
        meanTaxChangePct: total ? totals.tax / total : null,
        meanGapClosed: total ? totals.closed / total : null,
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
      const comments = await repo.comments(db.kysely, s.id, false);
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
        for (let after = 0; ;) {
          const rows = await repo.responsePage(db.kysely, s.id, after, PAGE);
          if (rows.length === 0) break;
          after = rows[rows.length - 1]!.id;
          for (const r of rows) {
            const head = `${r.id},${r.submitted_at},${r.channel},${r.assisted === 1 ? 'true' : 'false'},${r.flag},`;
            const proof = r.channel === 'open' && r.assisted === 0 ? (r.proof ? ',solved\n' : ',unsolved\n') : ',\n';
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
              if (f !== undefined) chunk += `${head}${f}${notes?.[item] ?? ''}${proof}`;
              item++;
              n = 0;
            }
            if (chunk.length > 1 << 16) {
              yield chunk;
              chunk = '';
            }
          }
          if (rows.length < PAGE) break;
        }
        if (chunk) yield chunk;
      }
      return chunks();
    },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
