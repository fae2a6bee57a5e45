import type { Db } from '../../platform/db.ts';
import { badRequest, invalidParameter, notFound } from '../../platform/errors.ts';
import { createChangesRepository, type FeedRow } from './repository.ts';
import { decodeCursor, encodeCursor, toEntry } from './text.ts';

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

/** A cursor's position, or a 400 naming the parameter. */
function positionOf(field: string, cursor: string): number {
  const p = decodeCursor(cursor);
  if (p === null)
    throw invalidParameter(field, 'is not a cursor this feed gave out (use a `next` or `position`)', cursor);
  return p;
}

/** A page of the feed, newest first, with the positions to page from (null when there is nothing that way). */
export interface RecentPage {
  rows: FeedRow[];
  /** Entries newer than this page: ask with `after`. */
  newer: string | null;
  /** Entries older than this page: ask with `before`. */
  older: string | null;
}

/**
 * The change feed: one order over catalogue changes, publications, and revised or withdrawn observations (the
 * positions the imports module writes as it publishes). Followers page forward with an opaque cursor (`feed`); the
 * page and the Atom feeds show the latest entries and page back (`recent`).
 */
export function createChangesService(db: Db) {
  const repo = createChangesRepository(db);

  async function metricId(id: string | undefined): Promise<number | undefined> {
    if (id === undefined) return undefined;
    const m = await repo.metric(id);
    if (!m) throw notFound('Metric', id);
    return m.id;
  }

  return {
    /**
     * Entries after a position, oldest first: the cursor's, the one before the first published at or after `since`,
     * else the start. `next` resumes after the last entry returned (or where this page started, when it is empty).
     */
    async feed(q: { cursor?: string; since?: string; metric?: string; limit: number }) {
      if (q.cursor !== undefined && q.since !== undefined) {
        throw badRequest('Give either `cursor` (to resume) or `since` (to start at a time), not both.');
      }
      const metric = await metricId(q.metric);
      const start =
        q.cursor !== undefined
          ? positionOf('cursor', q.cursor)
          : q.since !== undefined
            ? await repo.positionBefore(parseSince(q.since))
            : 0;
      const rows = await repo.page({ after: start, metricId: metric, newestFirst: false, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      return {
        entries: page.map(toEntry),
        next: encodeCursor(page.at(-1)?.id ?? start),
        more: rows.length > q.limit,
      };
    },

    /** The latest entries, or those after (or before) a position, newest first, `limit` at a time. */
    async recent(q: { after?: string; before?: string; metric?: string; limit: number }): Promise<RecentPage> {
      const metric = await metricId(q.metric);
      const after = q.after === undefined ? undefined : positionOf('after', q.after);
      const before = q.before === undefined ? undefined : positionOf('before', q.before);
      let rows: FeedRow[];
      if (after !== undefined && before === undefined) {
        rows = (await repo.page({ after, metricId: metric, newestFirst: false, limit: q.limit })).reverse();
      } else {
        rows = await repo.page({ before, metricId: metric, newestFirst: true, limit: q.limit });
      }
      const newest = rows[0]?.id;
      const oldest = rows.at(-1)?.id;
      const [newer, older] = await Promise.all([
        newest === undefined ? false : repo.any('after', newest, metric),
        oldest === undefined ? false : repo.any('before', oldest, metric),
      ]);
      return {
        rows,
        newer: newer && newest !== undefined ? encodeCursor(newest) : null,
        older: older && oldest !== undefined ? encodeCursor(oldest) : null,
      };
    },

    /** A metric by id or slug (404 otherwise), for its own feed's title. */
    async metric(id: string) {
      const m = await repo.metric(id);
      if (!m) throw notFound('Metric', id);
      return m;
    },

    /**
     * Metrics published before `to` (an ISO time), those first published in [from, to), and those published earlier
     * and changed in it (a new publication, a catalogue change or a revision): the programme's data-service figures.
     */
    async metricActivity(from: string, to: string) {
      const rows = (await repo.metricActivity(from, to)).filter((r) => r.first_published !== null);
      const fresh = rows.filter((r) => String(r.first_published) >= from).length;
      const updated = rows.filter((r) => String(r.first_published) < from && Number(r.in_period) === 1).length;
      return { published: rows.length, newlyPublished: fresh, updated };
    },

    /** When the newest entry (of a metric) was published, or null. */
    lastPublished: async (metric?: string) => repo.lastPublished(await metricId(metric)),
  };
}

export type ChangesService = ReturnType<typeof createChangesService>;
