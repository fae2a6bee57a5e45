import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';

/** Which entries of the feed a read wants: after or before a position, optionally one metric's. */
export interface FeedWindow {
  after?: number;
  before?: number;
  metricId?: number;
  /** Newest first (before a position, or the latest) instead of oldest first. */
  newestFirst: boolean;
  limit: number;
}

/**
 * All SQL of the change feed. Its order is feed_entries (written by the imports module when an import is published,
 * in the publishing transaction): each entry's id is its position. A page is one read of the positions joined to what
 * they point at: the change_log row, the observation revision (with the value that replaced it: the version the
 * replacing import wrote, still current or itself revised since), or the per-metric publication counts.
 */
export function createChangesRepository(db: Db) {
  const k = db.kysely;
  return {
    page(w: FeedWindow) {
      let q = k
        .selectFrom('feed_entries as f')
        .leftJoin('change_log as c', (j) => j.on('f.kind', '=', 'catalogue').onRef('c.id', '=', 'f.ref_id'))
        .leftJoin('observation_revisions as r', (j) =>
          j.on('f.kind', '=', 'observation').onRef('r.id', '=', 'f.ref_id'),
        )
        .leftJoin('import_metrics as im', (j) =>
          j
            .on('f.kind', '=', 'publication')
            .onRef('im.import_id', '=', 'f.ref_id')
            .onRef('im.metric_id', '=', 'f.metric_id'),
        )
        .leftJoin('imports as i', 'i.id', 'f.import_id')
        .leftJoin('metrics as m', 'm.id', 'f.metric_id')
        .leftJoin('areas as a', 'a.id', 'r.area_id')
        .leftJoin('periods as p', 'p.id', 'r.period_id')
        .leftJoin('areas as ca', (j) => j.on('c.entity', '=', 'area').onRef('ca.code', '=', 'c.entity_key'))
        // The version the replacing import wrote: still current, or revised (or withdrawn) since.
        .leftJoin('observations as o', (j) =>
          j
            .onRef('o.metric_id', '=', 'r.metric_id')
            .onRef('o.period_id', '=', 'r.period_id')
            .onRef('o.area_id', '=', 'r.area_id')
            .onRef('o.import_id', '=', 'r.replaced_by_import_id'),
        )
        .leftJoin('observation_revisions as r2', (j) =>
          j
            .onRef('r2.metric_id', '=', 'r.metric_id')
            .onRef('r2.period_id', '=', 'r.period_id')
            .onRef('r2.area_id', '=', 'r.area_id')
            .onRef('r2.import_id', '=', 'r.replaced_by_import_id'),
        )
        .select([
          'f.id',
          'f.kind',
          'f.at',
          'f.import_id',
          'i.adapter',
          sql<string | null>`CASE WHEN i.adapter = 'withdraw' THEN i.summary END`.as('withdrawal'),
          'c.entity',
          'c.action',
          'c.entity_key',
          'c.detail',
          'ca.name as entity_name',
          'm.code as metric',
          'm.title as metric_title',
          'm.slug as metric_slug',
          'm.unit',
          'm.decimal_places',
          'm.categories',
          'im.inserted',
          'im.updated',
          'im.unchanged',
          'r.deleted',
          'r.revision',
          'r.value',
          'r.status',
          'a.code as area',
          'a.name as area_name',
          'p.iso as period',
          'p.label as period_label',
          'o.revision as o_revision',
          'o.value as o_value',
          'o.status as o_status',
          'r2.revision as r2_revision',
          'r2.value as r2_value',
          'r2.status as r2_status',
        ]);
      if (w.after !== undefined) q = q.where('f.id', '>', w.after);
      if (w.before !== undefined) q = q.where('f.id', '<', w.before);
      if (w.metricId !== undefined) q = q.where('f.metric_id', '=', w.metricId);
      return q
        .orderBy('f.id', w.newestFirst ? 'desc' : 'asc')
        .limit(w.limit)
        .execute();
    },

    /** Whether any entry lies after (or before) a position. */
    async any(side: 'after' | 'before', position: number, metricId?: number): Promise<boolean> {
      let q = k
        .selectFrom('feed_entries')
        .select('id')
        .where('id', side === 'after' ? '>' : '<', position);
      if (metricId !== undefined) q = q.where('metric_id', '=', metricId);
      return (await q.limit(1).executeTakeFirst()) !== undefined;
    },

    /** The position just before the first entry published at or after `at` (the last position when there is none). */
    async positionBefore(at: string): Promise<number> {
      const first = await k
        .selectFrom('feed_entries')
        .select((eb) => eb.fn.min('id').as('id'))
        .where('at', '>=', at)
        .executeTakeFirst();
      if (first?.id != null) return Number(first.id) - 1;
      const last = await k
        .selectFrom('feed_entries')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      return Number(last?.id ?? 0);
    },

    /** When the newest entry was published. */
    async lastPublished(metricId?: number): Promise<string | null> {
      let q = k.selectFrom('feed_entries').select('at').orderBy('id', 'desc').limit(1);
      if (metricId !== undefined) q = q.where('metric_id', '=', metricId);
      return (await q.executeTakeFirst())?.at ?? null;
    },

    /**
     * Per metric with entries published before `to`: when it was first published and whether any entry (a
     * publication, a catalogue change, a revision) falls in [from, to). Times are ISO; compared as text.
     */
    metricActivity: (from: string, to: string) =>
      k
        .selectFrom('feed_entries')
        .select((eb) => [
          'metric_id',
          eb.fn.min(eb.case().when('kind', '=', 'publication').then(eb.ref('at')).end()).as('first_published'),
          eb.fn.max(eb.case().when('at', '>=', from).then(1).else(0).end()).as('in_period'),
        ])
        .where('metric_id', 'is not', null)
        .where('at', '<', to)
        .groupBy('metric_id')
        .execute(),

    /** A metric by code or slug. */
    metric: (id: string) =>
      k
        .selectFrom('metrics')
        .select(['id', 'code', 'slug', 'title'])
        .where((eb) => eb.or([eb('code', '=', id), eb('slug', '=', id)]))
        .executeTakeFirst(),
  };
}

export type FeedRow = Awaited<ReturnType<ReturnType<typeof createChangesRepository>['page']>>[number];
