/**
 * Reviewing a consultation: themes on residents' comments (staff tag each comment with short themes by the evaluation
 * module's rule; the dashboard shows, per item, how many comments carry each theme) and "You said, we did" (the
 * officer enters the budget the council set per item; a public page sets it beside residents' choices, aggregates
 * only, withheld below MIN_PUBLIC counted responses).
 */
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { normaliseThemes, withThemes } from '../surveys/index.ts';
import { flatItems } from './model.ts';
import { budgetRepository } from './repository.ts';
import type { StoredSimulator } from './repository.ts';
import type { Dashboard } from './results.ts';
import { reviewRepository as repo } from './review-repository.ts';

/** "You said, we did" shows residents' figures only from this many counted responses (no resident identifiable). */
export const MIN_PUBLIC = 10;
export const COMMENTS_PAGE = 50;

const itemOf = (s: StoredSimulator, code: string) => {
  const i = flatItems(s.definition).findIndex((it) => it.code === code);
  if (i < 0) throw new AppError(404, 'not-found', `This consultation has no item "${code}".`);
  return { index: i, id: s.itemIds[i]!, item: flatItems(s.definition)[i]! };
};

/** Reads "£1,250,000" or "1250000"; undefined when blank, NaN when not an amount of pounds. */
export function parseAmount(raw: string | undefined): number | undefined {
  const t = (raw ?? '').trim().replace(/^£/, '').replace(/,/g, '');
  if (t === '') return undefined;
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

export function createReview(db: Db) {
  /** The set budget as stored: £ per item code. */
  async function outcome(s: StoredSimulator): Promise<Map<string, number>> {
    const rows = await repo.outcomes(db.kysely, s.id);
    const items = flatItems(s.definition);
    const code = new Map(s.itemIds.map((id, i) => [id, items[i]!.code]));
    return new Map(rows.map((r) => [code.get(r.item_id)!, r.amount]));
  }
  return {
    outcome,
    /** Per item (by item id): how many counted comments carry each theme (most first) and how many carry none. */
    async themesByItem(s: StoredSimulator) {
      const [comments, tags] = await Promise.all([
        budgetRepository.comments(db.kysely, s.id),
        repo.themes(db.kysely, s.id),
      ]);
      const out = new Map<number, { themeCounts: { theme: string; answers: number }[]; untagged: number }>();
      for (const id of s.itemIds) {
        const tagged = new Map<number, string[]>();
        for (const t of tags)
          if (t.item_id === id) tagged.set(t.response_id, [...(tagged.get(t.response_id) ?? []), t.theme]);
        const answers = comments.filter((c) => c.item_id === id).map((c) => ({ responseId: c.response_id }));
        const { themeCounts, untagged } = withThemes({ answers }, tagged);
        out.set(id, { themeCounts, untagged });
      }
      return out;
    },

    /** One item's counted comments with their themes, a page at a time (raw responses: the council and analysts). */
    async itemComments(s: StoredSimulator, code: string, page: number) {
      const { id, item } = itemOf(s, code);
      const rows = await repo.itemComments(db.kysely, id, (page - 1) * COMMENTS_PAGE, COMMENTS_PAGE + 1);
      const tags = (await repo.themes(db.kysely, s.id)).filter((t) => t.item_id === id);
      const tagged = new Map<number, string[]>();
      for (const t of tags) tagged.set(t.response_id, [...(tagged.get(t.response_id) ?? []), t.theme]);
      const answers = rows.slice(0, COMMENTS_PAGE).map((r) => ({
        responseId: r.response_id,
        text: r.text,
        submittedAt: r.submitted_at,
        assisted: r.assisted === 1,
      }));
      return { item, ...withThemes({ answers }, tagged), more: rows.length > COMMENTS_PAGE };
    },

    /** Replaces one comment's themes (the evaluation module's rule: short phrases, lower case, no repeats). */
    async tagComment(s: StoredSimulator, responseId: number, code: string, themes: string, by: string) {
      const { id } = itemOf(s, code);
      const list = normaliseThemes(themes);
      await withTransaction(db, async (tx) => {
        if (!(await repo.commentExists(tx.kysely, responseId, id)))
          throw new AppError(404, 'not-found', `Response ${responseId} has no comment on this item.`);
        await repo.replaceThemes(tx.kysely, responseId, id, list, by, new Date().toISOString());
      });
      return list;
    },

    /**
     * Stores the budget the council set from a form (`amount-<item code>` in £; blank: not entered). Refused with
     * every problem, naming the item, when a figure is not an amount of pounds; nothing is written then.
     */
    async setOutcome(s: StoredSimulator, form: Record<string, string>, by: number | null) {
      const errors: FieldError[] = [];
      const rows: { item_id: number; amount: number }[] = [];
      flatItems(s.definition).forEach((it, i) => {
        const raw = form[`amount-${it.code}`];
        const v = parseAmount(raw);
        if (v === undefined) return;
        if (!Number.isFinite(v) || v > 1e12)
          errors.push({
            field: `amount-${it.code}`,
            value: raw,
            message: `${it.title}: enter the budget set in pounds, like 1250000 or £1,250,000`,
          });
        else rows.push({ item_id: s.itemIds[i]!, amount: Math.round(v) });
      });
      if (errors.length) throw new AppError(400, 'invalid-outcome', 'The budget set could not be saved.', errors);
      await withTransaction(db, (tx) => repo.replaceOutcomes(tx.kysely, s.id, rows, by, new Date().toISOString()));
      return rows.length;
    },

    /**
     * "You said, we did": per item, the share of counted budgets choosing each level and their mean change in £
     * beside the change the council set (set budget − baseline). Residents' figures are withheld (null) below
     * MIN_PUBLIC responses; undefined when the council has entered no figure yet.
     */
    async youSaidWeDid(s: StoredSimulator, d: Dashboard) {
      const set = await outcome(s);
      if (set.size === 0) return undefined;
      const shown = d.responses >= MIN_PUBLIC;
      const items = flatItems(s.definition);
      return {
        responses: d.responses,
        shown,
        items: d.items.map((x, i) => {
          const it = items[i]!;
          const amount = set.get(it.code);
          return {
            title: x.title,
            section: x.section,
            baseline: it.baseline,
            meanChange: shown ? x.meanChange : null,
            levels: x.levels.map((l) => ({
              consequence: l.consequence,
              pctChange: l.pctChange,
              share: shown ? l.share : null,
            })),
            set: amount ?? null,
            setChange: amount === undefined ? null : amount - it.baseline,
            setChangePct:
              amount === undefined || it.baseline === 0 ? null : ((amount - it.baseline) / it.baseline) * 100,
          };
        }),
      };
    },
  };
}
export type Review = ReturnType<typeof createReview>;
