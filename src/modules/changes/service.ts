import type { Db } from '../../platform/db.ts';
import { invalidParameter } from '../../platform/errors.ts';
import { createChangesRepository } from './repository.ts';

/** Parses `since`: a date (YYYY-MM-DD) or a date-time; returns an ISO timestamp. */
export function parseSince(raw: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  const d = new Date(dateOnly ? `${raw}T00:00:00Z` : raw);
  if (!(dateOnly || dateTime) || Number.isNaN(d.getTime()) || (dateOnly && d.toISOString().slice(0, 10) !== raw)) {
    throw invalidParameter(
      'since',
      'must be a real date (YYYY-MM-DD) or an ISO 8601 date-time such as 2026-11-01T09:00:00Z',
      raw,
    );
  }
  return d.toISOString();
}

/**
 * What changed since a time: catalogue and geography changes, observations published (counts per import and metric),
 * and every revised or deleted observation with its previous and current value.
 */
export function createChangesService(db: Db) {
  const repo = createChangesRepository(db);
  return {
    async since(sinceRaw: string, limit: number) {
      const since = parseSince(sinceRaw);
      const [log, imports, revisions] = await Promise.all([
        repo.log(since, limit + 1),
        repo.publishedImports(since, limit + 1),
        repo.revisions(since, limit + 1),
      ]);
      return {
        since,
        truncated: log.length > limit || imports.length > limit || revisions.length > limit,
        catalogue: log.slice(0, limit).map((c) => ({
          at: c.at,
          entity: c.entity,
          action: c.action,
          key: c.entity_key,
          importId: c.import_id,
          detail: c.detail ? (JSON.parse(c.detail) as unknown) : null,
        })),
        published: imports.slice(0, limit).map((i) => ({
          at: i.published_at!,
          importId: i.import_id,
          adapter: i.adapter,
          metric: i.code,
          inserted: i.inserted,
          updated: i.updated,
          unchanged: i.unchanged,
        })),
        observations: revisions.slice(0, limit).map((r) => ({
          at: r.valid_until,
          action: r.deleted ? ('deleted' as const) : ('revised' as const),
          metric: r.metric,
          area: r.area,
          period: r.period,
          periodLabel: r.period_label,
          previous: { value: r.value, status: r.status ? r.status.split(',') : [], revision: r.revision },
          current:
            r.deleted || r.current_revision === null
              ? null
              : {
                  value: r.current_value,
                  status: r.current_status ? r.current_status.split(',') : [],
                  revision: r.current_revision,
                },
          importId: r.replaced_by_import_id,
        })),
      };
    },
  };
}

export type ChangesService = ReturnType<typeof createChangesService>;
