import type { Db } from '../../platform/db.ts';

/** All SQL of the change feed: it reads the log, per-import metric counts and observation revisions. */
export function createChangesRepository(db: Db) {
  const k = db.kysely;
  return {
    log: (since: string, limit: number) =>
      k
        .selectFrom('change_log')
        .selectAll()
        .where('at', '>=', since)
        // Only published imports' changes: a draft's stay private until it is published.
        .where((eb) =>
          eb.or([
            eb('import_id', 'is', null),
            eb('import_id', 'in', eb.selectFrom('imports').select('id').where('state', '=', 'published')),
          ]),
        )
        .orderBy('at')
        .orderBy('id')
        .limit(limit)
        .execute(),

    publishedImports: (since: string, limit: number) =>
      k
        .selectFrom('import_metrics as im')
        .innerJoin('imports as i', 'i.id', 'im.import_id')
        .innerJoin('metrics as m', 'm.id', 'im.metric_id')
        .select([
          'i.id as import_id',
          'i.adapter',
          'i.published_at',
          'm.code',
          'im.inserted',
          'im.updated',
          'im.unchanged',
        ])
        .where('i.state', '=', 'published')
        .where('i.published_at', '>=', since)
        .orderBy('i.published_at')
        .orderBy('m.code')
        .limit(limit)
        .execute(),

    revisions: (since: string, limit: number) =>
      k
        .selectFrom('observation_revisions as r')
        .innerJoin('metrics as m', 'm.id', 'r.metric_id')
        .innerJoin('areas as a', 'a.id', 'r.area_id')
        .innerJoin('periods as p', 'p.id', 'r.period_id')
        .leftJoin('observations as o', (j) =>
          j
            .onRef('o.metric_id', '=', 'r.metric_id')
            .onRef('o.area_id', '=', 'r.area_id')
            .onRef('o.period_id', '=', 'r.period_id'),
        )
        .select([
          'r.valid_until',
          'r.deleted',
          'r.revision',
          'r.value',
          'r.status',
          'r.replaced_by_import_id',
          'm.code as metric',
          'a.code as area',
          'p.iso as period',
          'p.label as period_label',
          'o.value as current_value',
          'o.status as current_status',
          'o.revision as current_revision',
        ])
        .where('r.valid_until', '>=', since)
        .orderBy('r.valid_until')
        .orderBy('r.id')
        .limit(limit)
        .execute(),
  };
}
