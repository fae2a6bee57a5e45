/**
 * Results: the dashboard's figures (responses per day, per item the share choosing each level and the mean £ change,
 * the average council tax change, comments per item, flagged responses reported) and the tidy long CSV (one row per
 * response × item: level, % and £, with the comment), formula-safe. Only responses flagged `ok` are counted; duplicates
 * and honeypot hits are kept and reported, not deleted.
 */
import { columnNames, csvChunks, csvColumns, neutralise, type CsvValue } from '../../platform/csv.ts';
import type { Db } from '../../platform/db.ts';
import { flatItems } from './model.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';

export const LONG_CSV = csvColumns([
  ['response', 'Response', 'integer', 'Id of the response (one resident budget)'],
  ['submitted_at', 'Submitted at', 'dateTime', 'When the budget was submitted (UTC)'],
  ['channel', 'Channel', 'string', 'open (the open link) or link (a unique panel link)'],
  ['assisted', 'Assisted', 'boolean', 'Entered by staff with the resident at an outreach session'],
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
      for (const r of rows) {
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

    /** The tidy long CSV as chunks of text: response × item, every text cell neutralised. */
    async longCsv(s: StoredSimulator): Promise<AsyncGenerator<string>> {
      const [rows, comments] = await Promise.all([repo.responses(db.kysely, s.id), repo.comments(db.kysely, s.id)]);
      const items = flatItems(s.definition);
      const itemIndex = new Map(s.itemIds.map((id, i) => [id, i]));
      const commentOf = new Map<string, string>();
      for (const c of comments) commentOf.set(`${c.response_id}|${itemIndex.get(c.item_id)}`, neutralise(c.text));
      // Everything about a level is the same on every row: worked out once.
      const fixed = items.map((it) => ({
        section: it.kind,
        code: neutralise(it.code),
        title: neutralise(it.title),
        levels: it.levels.map((l) => {
          const change = (it.baseline * l.pctChange) / 100;
          const closes = (it.kind === 'spending' || it.kind === 'efficiencies' ? -1 : 1) * change;
          return { code: neutralise(l.code), pct: l.pctChange, change: round2(change), closes: round2(closes) };
        }),
      }));
      function* lines(): Generator<CsvValue[]> {
        for (const r of rows) {
          const levels = r.levels.split(',');
          const assisted = r.assisted === 1 ? 'true' : 'false';
          for (let i = 0; i < fixed.length; i++) {
            const f = fixed[i]!;
            const l = f.levels[Number(levels[i])];
            if (!l) continue;
            yield [
              r.id,
              r.submitted_at,
              r.channel,
              assisted,
              f.section,
              f.code,
              f.title,
              l.code,
              l.pct,
              l.change,
              l.closes,
              commentOf.get(`${r.id}|${i}`) ?? null,
            ];
          }
        }
      }
      return csvChunks(columnNames(LONG_CSV), lines(), 2000);
    },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
