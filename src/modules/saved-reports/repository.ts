import type { Db } from '../../platform/db.ts';
import type { SavedReportsTable } from './tables.ts';

export type SavedReportRow = Omit<SavedReportsTable, 'id'> & { id: number; owner_name: string };
export type NewSavedReport = Omit<SavedReportsTable, 'id'>;

/** All SQL of the saved-reports module. */
export function createSavedReportsRepository(db: Db) {
  const k = db.kysely;
  const withOwner = () =>
    k
      .selectFrom('saved_reports as r')
      .innerJoin('users as u', 'u.id', 'r.owner_user_id')
      .select([
        'r.id',
        'r.slug',
        'r.owner_user_id',
        'r.title',
        'r.description',
        'r.definition',
        'r.visibility',
        'r.created_at',
        'r.updated_at',
        'u.name as owner_name',
      ]);

  return {
    /** Saved reports made before `to`, and of them those made on or after `from` (ISO times). */
    async counts(from: string, to: string) {
      const r = await k
        .selectFrom('saved_reports')
        .select((eb) => [
          eb.fn.countAll<number | string>().as('total'),
          eb.fn.sum<number | string | null>(eb.case().when('created_at', '>=', from).then(1).else(0).end()).as('made'),
        ])
        .where('created_at', '<', to)
        .executeTakeFirstOrThrow();
      return { total: Number(r.total), made: Number(r.made ?? 0) };
    },
    async insert(row: NewSavedReport): Promise<number> {
      const r = await k.insertInto('saved_reports').values(row).returning('id').executeTakeFirstOrThrow();
      return r.id;
    },

    bySlug: (slug: string): Promise<SavedReportRow | undefined> =>
      withOwner().where('r.slug', '=', slug).executeTakeFirst(),

    ofOwner: (userId: number): Promise<SavedReportRow[]> =>
      withOwner()
        .where('r.owner_user_id', '=', userId)
        .orderBy('r.updated_at', 'desc')
        .orderBy('r.id', 'desc')
        .execute(),

    listPublic: (limit: number): Promise<SavedReportRow[]> =>
      withOwner()
        .where('r.visibility', '=', 'public')
        .orderBy('r.updated_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(limit)
        .execute(),

    update: (
      id: number,
      row: Partial<Pick<SavedReportsTable, 'title' | 'description' | 'definition' | 'visibility' | 'updated_at'>>,
    ) => k.updateTable('saved_reports').set(row).where('id', '=', id).execute(),

    delete: (id: number) => k.deleteFrom('saved_reports').where('id', '=', id).execute(),
  };
}
export type SavedReportsRepository = ReturnType<typeof createSavedReportsRepository>;
