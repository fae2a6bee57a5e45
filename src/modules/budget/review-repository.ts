/**
 * The SQL of the budget module's protection and review tables (migration 2026-12-11T0600-budget-safety): open-link
 * counts per source and window, comment themes, the budget the council set. The core tables are in repository.ts.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';

export interface BudgetOpenCountsTable {
  simulator_id: number;
  /** sha256(the day's salt + simulator + client address): never the address. */
  source: string;
  /** The ten-minute window: milliseconds since 1970 ÷ OPEN_WINDOW_MS, rounded down. */
  slot: number;
  n: number;
}
export interface BudgetCommentThemesTable {
  response_id: number;
  item_id: number;
  theme: string;
  tagged_by: string | null;
  tagged_at: string;
}
export interface BudgetOutcomesTable {
  item_id: number;
  simulator_id: number;
  amount: number;
  set_by: number | null;
  set_at: string;
}
export interface BudgetReviewTables {
  budget_open_counts: BudgetOpenCountsTable;
  budget_comment_themes: BudgetCommentThemesTable;
  budget_outcomes: BudgetOutcomesTable;
}
declare module '../../platform/db.ts' {
  interface Database extends BudgetReviewTables {}
}

type K = Kysely<Database>;

export const reviewRepository = {
  /** Counts one open-link submission of a source in a window, atomically: the count so far, this one included. */
  async countOpen(k: K, simulatorId: number, source: string, slot: number): Promise<number> {
    const r = await k
      .insertInto('budget_open_counts')
      .values({ simulator_id: simulatorId, source, slot, n: 1 })
      .onConflict((oc) =>
        oc.columns(['simulator_id', 'source', 'slot']).doUpdateSet({ n: sql`budget_open_counts.n + 1` }),
      )
      .returning('n')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async deleteOpenCountsBefore(k: K, slot: number): Promise<void> {
    await k.deleteFrom('budget_open_counts').where('slot', '<', slot).execute();
  },
  /** Is there a response of this simulator with one of these fingerprints since the time given? */
  async seenSince(k: K, simulatorId: number, fingerprints: string[], since: string): Promise<boolean> {
    const r = await k
      .selectFrom('budget_responses')
      .select('id')
      .where('simulator_id', '=', simulatorId)
      .where('fingerprint', 'in', fingerprints)
      .where('submitted_at', '>=', since)
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  },

  /** One item's counted comments, a page at a time, oldest first. */
  itemComments(k: K, itemId: number, offset: number, limit: number) {
    return k
      .selectFrom('budget_comments as c')
      .innerJoin('budget_responses as r', 'r.id', 'c.response_id')
      .select(['c.response_id', 'c.text', 'r.submitted_at', 'r.assisted'])
      .where('c.item_id', '=', itemId)
      .where('r.flag', '=', 'ok')
      .orderBy('c.response_id')
      .offset(offset)
      .limit(limit)
      .execute();
  },
  /** The themes of counted comments of a simulator's items. */
  themes(k: K, simulatorId: number) {
    return k
      .selectFrom('budget_comment_themes as t')
      .innerJoin('budget_responses as r', 'r.id', 't.response_id')
      .select(['t.response_id', 't.item_id', 't.theme'])
      .where('r.simulator_id', '=', simulatorId)
      .where('r.flag', '=', 'ok')
      .orderBy('t.theme')
      .execute();
  },
  commentExists: async (k: K, responseId: number, itemId: number) =>
    (await k
      .selectFrom('budget_comments')
      .select('response_id')
      .where('response_id', '=', responseId)
      .where('item_id', '=', itemId)
      .executeTakeFirst()) !== undefined,
  async replaceThemes(k: K, responseId: number, itemId: number, themes: string[], by: string, at: string) {
    await k
      .deleteFrom('budget_comment_themes')
      .where('response_id', '=', responseId)
      .where('item_id', '=', itemId)
      .execute();
    if (themes.length)
      await k
        .insertInto('budget_comment_themes')
        .values(
          themes.map((theme) => ({ response_id: responseId, item_id: itemId, theme, tagged_by: by, tagged_at: at })),
        )
        .execute();
  },

  outcomes(k: K, simulatorId: number) {
    return k
      .selectFrom('budget_outcomes')
      .select(['item_id', 'amount', 'set_at'])
      .where('simulator_id', '=', simulatorId)
      .execute();
  },
  /** Replaces the set budget of a simulator (items without a figure are left out). */
  async replaceOutcomes(
    k: K,
    simulatorId: number,
    rows: { item_id: number; amount: number }[],
    by: number | null,
    at: string,
  ) {
    await k.deleteFrom('budget_outcomes').where('simulator_id', '=', simulatorId).execute();
    if (rows.length)
      await k
        .insertInto('budget_outcomes')
        .values(rows.map((r) => ({ ...r, simulator_id: simulatorId, set_by: by, set_at: at })))
        .execute();
  },
};
