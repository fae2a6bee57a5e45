/** All SQL of the monitor module. Each function takes a Kysely handle: the database's or a transaction's. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';
import type { MonitorDeliverablesTable, MonitorEventsTable } from './tables.ts';

type K = Kysely<Database>;
const n = (v: number | bigint | string | null | undefined) => Number(v ?? 0);
const trafficRow = (r: { day: string; kind: string; events: number | string; uniques: number | string }) => ({
  day: r.day,
  kind: r.kind,
  events: n(r.events),
  uniques: n(r.uniques),
});

export const monitorRepository = {
  /** The day's salt, made by whichever instance asks first (the others read the same one). */
  async salt(k: K, day: string, fresh: string, now: string): Promise<string> {
    await k
      .insertInto('monitor_salts')
      .values({ day, salt: fresh, created_at: now })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
    const r = await k.selectFrom('monitor_salts').select('salt').where('day', '=', day).executeTakeFirstOrThrow();
    return r.salt;
  },
  deleteSaltsBefore: async (k: K, day: string) =>
    n((await k.deleteFrom('monitor_salts').where('day', '<', day).executeTakeFirst()).numDeletedRows),
  salts: (k: K) => k.selectFrom('monitor_salts').select(['day', 'created_at']).orderBy('day').execute(),

  async insertEvents(k: K, rows: MonitorEventsTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000)
      await k
        .insertInto('monitor_events')
        .values(rows.slice(i, i + 1000))
        .execute();
  },
  /**
   * A batch of raw events and the running counts they add to (call in one transaction): each event written, the
   * visitors not yet seen that day per kind added to the day's set, and the day's events and uniques incremented by
   * the batch's events and by those new visitors only (ON CONFLICT DO NOTHING RETURNING gives the rows inserted, so
   * two instances never count one visitor twice).
   */
  async recordBatch(k: K, rows: MonitorEventsTable[]): Promise<void> {
    await monitorRepository.insertEvents(k, rows);
    const added = new Map<string, { day: string; kind: string; events: number; uniques: number }>();
    const tally = (day: string, kind: string) => {
      const key = `${day}|${kind}`;
      const t = added.get(key) ?? { day, kind, events: 0, uniques: 0 };
      added.set(key, t);
      return t;
    };
    const visitors = new Map<string, { day: string; kind: string; visitor: string }>();
    for (const r of rows) {
      tally(r.day, r.kind).events++;
      visitors.set(`${r.day}|${r.kind}|${r.visitor}`, { day: r.day, kind: r.kind, visitor: r.visitor });
    }
    const fresh = [...visitors.values()];
    for (let i = 0; i < fresh.length; i += 1000) {
      const inserted = await k
        .insertInto('monitor_visitors')
        .values(fresh.slice(i, i + 1000))
        .onConflict((oc) => oc.columns(['day', 'kind', 'visitor']).doNothing())
        .returning(['day', 'kind'])
        .execute();
      for (const v of inserted) tally(v.day, v.kind).uniques++;
    }
    if (!added.size) return;
    await k
      .insertInto('monitor_live')
      .values([...added.values()])
      .onConflict((oc) =>
        oc.columns(['day', 'kind']).doUpdateSet({
          events: sql`monitor_live.events + excluded.events`,
          uniques: sql`monitor_live.uniques + excluded.uniques`,
        }),
      )
      .execute();
  },
  /** The running counts and visitor sets of days before `day` (the rollup has totalled them). */
  async deleteLiveBefore(k: K, day: string): Promise<void> {
    await k.deleteFrom('monitor_visitors').where('day', '<', day).execute();
    await k.deleteFrom('monitor_live').where('day', '<', day).execute();
  },
  async insertCouncilDays(k: K, rows: { day: string; council_code: string }[]): Promise<void> {
    if (!rows.length) return;
    await k
      .insertInto('monitor_council_days')
      .values(rows)
      .onConflict((oc) => oc.columns(['day', 'council_code']).doNothing())
      .execute();
  },

  /**
   * Days before `before` with raw events and no totals yet, or on or after `redo` (their totals are written again).
   * The days are found by skipping through the index on (day, kind) one day at a time (a recursive query: one probe a
   * day, portable to both databases), never by reading the 60 days of raw events the table holds.
   */
  async daysToTotal(k: K, before: string, redo: string): Promise<string[]> {
    const rows = await sql<{ day: string }>`WITH RECURSIVE held(day) AS (
        SELECT min(day) FROM monitor_events WHERE day < ${before}
        UNION ALL
        SELECT (SELECT min(e.day) FROM monitor_events e WHERE e.day > held.day AND e.day < ${before})
        FROM held WHERE held.day IS NOT NULL
      )
      SELECT day FROM held WHERE day IS NOT NULL
        AND (day >= ${redo} OR NOT EXISTS (SELECT 1 FROM monitor_daily d WHERE d.day = held.day))
      ORDER BY day`.execute(k);
    return rows.rows.map((r) => r.day);
  },
  /** The day's totals from its raw events: per kind and route, and per kind over every route ('*'). */
  async totalDay(k: K, day: string): Promise<void> {
    await k.deleteFrom('monitor_daily').where('day', '=', day).execute();
    await sql`INSERT INTO monitor_daily (day, kind, route, events, uniques)
      SELECT day, kind, route, count(*), count(DISTINCT visitor) FROM monitor_events WHERE day = ${day}
      GROUP BY day, kind, route
      UNION ALL
      SELECT day, kind, '*', count(*), count(DISTINCT visitor) FROM monitor_events WHERE day = ${day}
      GROUP BY day, kind`.execute(k);
  },
  deleteEventsBefore: async (k: K, day: string) =>
    n((await k.deleteFrom('monitor_events').where('day', '<', day).executeTakeFirst()).numDeletedRows),

  /**
   * Per day and kind: events and uniques, from the rollup's totals where a day has them, else from the running counts
   * kept at write time, in one query; raw events are read only for a day of `days` with neither (events written
   * straight into the table), so the cost follows the number of days, not of events.
   */
  async traffic(k: K, from: string, to: string, days: string[]) {
    const counted = await k
      .selectFrom('monitor_daily')
      .select(['day', 'kind', 'events', 'uniques'])
      .where('route', '=', '*')
      .where('day', '>=', from)
      .where('day', '<=', to)
      .unionAll((eb) =>
        eb
          .selectFrom('monitor_live as l')
          .select(['l.day', 'l.kind', 'l.events', 'l.uniques'])
          .where('l.day', '>=', from)
          .where('l.day', '<=', to)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('monitor_daily as d').select('d.day').whereRef('d.day', '=', 'l.day'))),
          ),
      )
      .execute();
    const have = new Set(counted.map((r) => r.day));
    const uncounted = days.filter((d) => !have.has(d));
    if (!uncounted.length) return counted.map(trafficRow);
    const raw = await k
      .selectFrom('monitor_events')
      .select((eb) => [
        'day',
        'kind',
        eb.fn.countAll<number | string>().as('events'),
        sql<number | string>`count(DISTINCT visitor)`.as('uniques'),
      ])
      .where('day', 'in', uncounted)
      .groupBy(['day', 'kind'])
      .execute();
    return [...counted, ...raw].map(trafficRow);
  },
  /** Councils with a signed-in user's request on some day in [from, to], each with the last such day. */
  async activeCouncils(k: K, from: string, to: string): Promise<{ code: string; last: string }[]> {
    const rows = await k
      .selectFrom('monitor_council_days')
      .select((eb) => ['council_code', eb.fn.max('day').as('last')])
      .where('day', '>=', from)
      .where('day', '<=', to)
      .groupBy('council_code')
      .execute();
    return rows.map((r) => ({ code: r.council_code, last: r.last }));
  },
};

/** The plan of deliverables and its progress. */
export const planRepository = {
  deliverables: (k: K, year: number) =>
    k
      .selectFrom('monitor_deliverables')
      .selectAll()
      .where('year', '=', year)
      .orderBy('theme')
      .orderBy('due_quarter')
      .orderBy('id')
      .execute(),
  deliverable: (k: K, id: number) =>
    k.selectFrom('monitor_deliverables').selectAll().where('id', '=', id).executeTakeFirst(),
  async upsertDeliverable(k: K, row: Omit<MonitorDeliverablesTable, 'id'>): Promise<number> {
    const r = await k
      .insertInto('monitor_deliverables')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['year', 'theme', 'deliverable'])
          .doUpdateSet({ target: row.target, due_quarter: row.due_quarter, measure: row.measure }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
  progress: (k: K, ids: number[]) =>
    k
      .selectFrom('monitor_progress')
      .selectAll()
      .where('deliverable_id', 'in', ids.length ? ids : [-1])
      .orderBy('quarter')
      .execute(),
  async setProgress(
    k: K,
    row: { deliverable_id: number; quarter: string; value: number | null; note: string | null; recorded_at: string },
  ) {
    await k
      .insertInto('monitor_progress')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['deliverable_id', 'quarter'])
          .doUpdateSet({ value: row.value, note: row.note, recorded_at: row.recorded_at }),
      )
      .execute();
  },
};
