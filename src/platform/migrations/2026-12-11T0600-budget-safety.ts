import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Budget consultations, safety and review:
 * - budget_open_counts: open-link submissions per source and ten-minute window, counted by one INSERT … ON CONFLICT
 *   DO UPDATE, so the rate limit holds across instances and parallel requests cannot all pass it. The source is
 *   sha256(the day's salt + simulator + client address): no address is stored, and none can be recovered once the
 *   salt is deleted (two days); windows older than the last two are deleted as new ones begin.
 * - budget_comment_themes: the themes staff tag residents' comments with (one row per response, item and theme).
 * - budget_outcomes: the budget the council set, £ per item, for the public "You said, we did" page.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const money = dialect === 'postgres' ? 'double precision' : 'real';
  await db.schema
    .createTable('budget_open_counts')
    .addColumn('simulator_id', 'integer', (c) => c.notNull().references('budget_simulators.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_open_counts_pk', ['simulator_id', 'source', 'slot'])
    .execute();
  await db.schema.createIndex('budget_open_counts_slot').on('budget_open_counts').column('slot').execute();
  await db.schema
    .createTable('budget_comment_themes')
    .addColumn('response_id', 'integer', (c) => c.notNull().references('budget_responses.id').onDelete('cascade'))
    .addColumn('item_id', 'integer', (c) => c.notNull().references('budget_items.id').onDelete('cascade'))
    .addColumn('theme', 'text', (c) => c.notNull())
    .addColumn('tagged_by', 'text')
    .addColumn('tagged_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_comment_themes_pk', ['response_id', 'item_id', 'theme'])
    .execute();
  await db.schema
    .createTable('budget_outcomes')
    .addColumn('item_id', 'integer', (c) => c.primaryKey().references('budget_items.id').onDelete('cascade'))
    .addColumn('simulator_id', 'integer', (c) => c.notNull().references('budget_simulators.id').onDelete('cascade'))
    .addColumn('amount', money, (c) => c.notNull())
    .addColumn('set_by', 'integer')
    .addColumn('set_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('budget_outcomes_sim').on('budget_outcomes').column('simulator_id').execute();
}
