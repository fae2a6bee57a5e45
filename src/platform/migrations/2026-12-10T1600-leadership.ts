import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Leadership programmes: programmes (kind, cross-party, completion rule), eligibility rules as dated data, subsidised
 * place windows, charges per place kind and financial year, numbered cohorts with capacity and dates, their dated
 * modules, participants (application, approval, booking, the waiting list with an arrival number and offers with an
 * expiry), every move on the list with its reason, and attendance per module. No data is seeded: the programme office
 * enters its programmes.
 */
// Migrations are frozen in time and typed loosely by design.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withId = <T extends CreateTableBuilder<any, any>>(t: T): T =>
    (dialect === 'postgres'
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;

  await db.schema
    .createTable('lead_programmes')
    .$call(withId)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cross_party', 'integer', (c) => c.notNull())
    .addColumn('completion_min_modules', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('lead_eligibility_rules')
    .$call(withId)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('lead_programmes.id'))
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('officer_grades', 'text')
    .addColumn('parties', 'text')
    .addColumn('council_types', 'text')
    .execute();
  await db.schema
    .createTable('lead_subsidy_windows')
    .$call(withId)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('lead_programmes.id'))
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('lead_charges')
    .$call(withId)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('lead_programmes.id'))
    .addColumn('place_kind', 'text', (c) => c.notNull())
    .addColumn('financial_year', 'text', (c) => c.notNull())
    .addColumn('amount_pence', 'integer', (c) => c.notNull())
    .addUniqueConstraint('lead_charges_kind_year', ['programme_id', 'place_kind', 'financial_year'])
    .execute();
  await db.schema
    .createTable('lead_cohorts')
    .$call(withId)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('lead_programmes.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('venue', 'text')
    .addColumn('online', 'integer', (c) => c.notNull())
    .addColumn('next_arrival', 'integer', (c) => c.notNull())
    .addUniqueConstraint('lead_cohorts_number', ['programme_id', 'number'])
    .execute();
  await db.schema
    .createTable('lead_modules')
    .$call(withId)
    .addColumn('cohort_id', 'integer', (c) => c.notNull().references('lead_cohorts.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addUniqueConstraint('lead_modules_number', ['cohort_id', 'number'])
    .execute();
  await db.schema
    .createTable('lead_participants')
    .$call(withId)
    .addColumn('cohort_id', 'integer', (c) => c.notNull().references('lead_cohorts.id'))
    .addColumn('area_id', 'integer', (c) => c.notNull().references('areas.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('officer_grade', 'text')
    .addColumn('party', 'text')
    .addColumn('place_kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('arrival', 'integer')
    .addColumn('offer_expires_at', 'text')
    .addColumn('charge_pence', 'integer')
    .addColumn('financial_year', 'text')
    .addColumn('nominated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .addColumn('completed_on', 'text')
    .execute();
  await db.schema
    .createIndex('lead_participants_cohort')
    .on('lead_participants')
    .columns(['cohort_id', 'status'])
    .execute();
  await db.schema.createIndex('lead_participants_area').on('lead_participants').column('area_id').execute();
  await db.schema
    .createTable('lead_list_moves')
    .$call(withId)
    .addColumn('participant_id', 'integer', (c) => c.notNull().references('lead_participants.id'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('by_user', 'integer', (c) => c.references('users.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lead_list_moves_participant').on('lead_list_moves').column('participant_id').execute();
  await db.schema
    .createTable('lead_attendance')
    .addColumn('participant_id', 'integer', (c) => c.notNull().references('lead_participants.id'))
    .addColumn('module_id', 'integer', (c) => c.notNull().references('lead_modules.id'))
    .addColumn('attended', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lead_attendance_pk', ['participant_id', 'module_id'])
    .execute();
}
