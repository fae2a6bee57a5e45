import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Budget simulator proof-of-work for open links (issue 19):
 * - budget_responses.proof: the id of the signed challenge whose proof-of-work came with an open-link budget; null when
 *   none came (no JavaScript, an expired or wrong solution) or the budget came by a panel link or with staff. Unique
 *   per simulator, so a solved challenge is spent once: a replay is refused by the response's own insert.
 * - budget_responses_sim_id: (simulator_id, id), so the long CSV reads a simulator's responses a page at a time in id
 *   order without sorting them for each page.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('budget_responses').addColumn('proof', 'text').execute();
  await db.schema
    .createIndex('budget_responses_proof')
    .on('budget_responses')
    .columns(['simulator_id', 'proof'])
    .unique()
    .execute();
  await db.schema
    .createIndex('budget_responses_sim_id')
    .on('budget_responses')
    .columns(['simulator_id', 'id'])
    .execute();
}
