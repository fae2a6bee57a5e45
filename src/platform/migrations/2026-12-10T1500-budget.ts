import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * The resident budget simulator: simulators (a council, a year, the gap, council tax Band D, tax base and the
 * referendum cap copied from the dated caps), their sections, items (baseline £, floor with its reason, ring-fenced and
 * contractual flags, the source line a pre-filled item came from), each item's discrete levels, constraints (requires /
 * excludes), unique links (SHA-256 only), responses (one row per submitted budget, the chosen level of every item in
 * one compact text column) and comments per item. Referendum caps are dated data, seeded with the published
 * principles (core and the adult social care precept). A `permissions` list on users carries "consultation".
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withId = <T extends CreateTableBuilder<any, any>>(t: T): T =>
    (dialect === 'postgres'
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;
  const money = dialect === 'postgres' ? 'double precision' : 'real';

  await db.schema
    .alterTable('users')
    .addColumn('permissions', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  await db.schema
    .createTable('budget_tax_caps')
    .$call(withId)
    .addColumn('year', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cap_pct', money, (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addUniqueConstraint('budget_tax_caps_year_kind', ['year', 'kind', 'valid_from'])
    .execute();
  const src = 'Referendums relating to council tax increases (principles), approved by the House of Commons';
  await db
    .insertInto('budget_tax_caps')
    .values([
      { year: '2022-23', kind: 'core', cap_pct: 1.99, valid_from: '2022-02-09', source: src },
      { year: '2022-23', kind: 'social-care', cap_pct: 1, valid_from: '2022-02-09', source: src },
      { year: '2023-24', kind: 'core', cap_pct: 2.99, valid_from: '2023-02-08', source: src },
      { year: '2023-24', kind: 'social-care', cap_pct: 2, valid_from: '2023-02-08', source: src },
      { year: '2024-25', kind: 'core', cap_pct: 2.99, valid_from: '2024-02-07', source: src },
      { year: '2024-25', kind: 'social-care', cap_pct: 2, valid_from: '2024-02-07', source: src },
    ])
    .execute();

  await db.schema
    .createTable('budget_simulators')
    .$call(withId)
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('year', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('gap_kind', 'text', (c) => c.notNull())
    /** JSON [{year, amount}]: the first year is the one residents balance; the later ones are shown. */
    .addColumn('gap_years', 'text', (c) => c.notNull())
    .addColumn('stated_total', money)
    .addColumn('band_d', money)
    .addColumn('tax_base', money)
    .addColumn('tax_cap_pct', money)
    .addColumn('tax_cap_valid_from', 'text')
    .addColumn('open_key', 'text', (c) => c.notNull().unique())
    .addColumn('source_note', 'text')
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('budget_sections')
    .$call(withId)
    .addColumn('simulator_id', 'integer', (c) => c.notNull().references('budget_simulators.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('intro', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('budget_items')
    .$call(withId)
    .addColumn('simulator_id', 'integer', (c) => c.notNull().references('budget_simulators.id').onDelete('cascade'))
    .addColumn('section_id', 'integer', (c) => c.notNull().references('budget_sections.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('baseline', money, (c) => c.notNull())
    .addColumn('floor', money)
    .addColumn('floor_reason', 'text')
    .addColumn('ring_fenced', 'integer', (c) => c.notNull())
    .addColumn('contractual', 'integer', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('budget_items_code', ['simulator_id', 'code'])
    .execute();
  await db.schema
    .createTable('budget_levels')
    .$call(withId)
    .addColumn('item_id', 'integer', (c) => c.notNull().references('budget_items.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('pct_change', money, (c) => c.notNull())
    .addColumn('consequence', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('budget_levels_code', ['item_id', 'code'])
    .execute();
  await db.schema
    .createTable('budget_constraints')
    .$call(withId)
    .addColumn('simulator_id', 'integer', (c) => c.notNull().references('budget_simulators.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('other_item', 'text', (c) => c.notNull())
    .addColumn('other_level', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('budget_links')
    .$call(withId)
    .addColumn('simulator_id', 'integer', (c) => c.notNull().references('budget_simulators.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createTable('budget_responses')
    .$call(withId)
    .addColumn('simulator_id', 'integer', (c) => c.notNull().references('budget_simulators.id').onDelete('cascade'))
    .addColumn('link_id', 'integer', (c) => c.references('budget_links.id').unique())
    /** The chosen level's position for every item, in item order, comma-separated ("2,1,0,3"). */
    .addColumn('levels', 'text', (c) => c.notNull())
    .addColumn('gap_closed', money, (c) => c.notNull())
    .addColumn('tax_change_pct', money, (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('assisted', 'integer', (c) => c.notNull())
    /** open | honeypot | duplicate: kept, never deleted; results count only `ok`. */
    .addColumn('flag', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('budget_responses_sim')
    .on('budget_responses')
    .columns(['simulator_id', 'submitted_at'])
    .execute();
  await db.schema
    .createIndex('budget_responses_fingerprint')
    .on('budget_responses')
    .columns(['simulator_id', 'fingerprint'])
    .execute();
  await db.schema
    .createTable('budget_comments')
    .addColumn('response_id', 'integer', (c) => c.notNull().references('budget_responses.id').onDelete('cascade'))
    .addColumn('item_id', 'integer', (c) => c.notNull().references('budget_items.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('budget_comments_pk', ['response_id', 'item_id'])
    .execute();
}
