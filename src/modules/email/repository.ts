import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, Db } from '../../platform/db.ts';
import type { EmailMessagesTable, EmailStatus } from './tables.ts';

/** A Kysely handle: the database's, or one bound to a caller's transaction (Tx.kysely). */
export type Executor = Kysely<Database>;

type Row = Selectable<EmailMessagesTable>;
export type NewMessage = Pick<Row, 'template' | 'to_address' | 'to_name' | 'subject' | 'idempotency_key'> & {
  body_text: string;
  body_html: string;
};
export type ClaimedMessage = Pick<
  Row,
  'id' | 'template' | 'to_address' | 'to_name' | 'subject' | 'body_text' | 'body_html' | 'attempts'
> & { claim_token: string };

const STATUS_COLUMNS = ['id', 'status', 'attempts', 'template', 'created_at', 'sent_at', 'next_attempt_at'] as const;

/** All SQL of the mail queue. */
export const emailRepository = {
  /** Queues a message; with an idempotency key already queued, nothing is written and undefined is answered. */
  async insert(ex: Executor, m: NewMessage, now: string): Promise<number | undefined> {
    const values = { ...m, status: 'queued' as const, next_attempt_at: now, created_at: now, updated_at: now };
    const q = ex.insertInto('email_messages').values(values);
    const r = await (m.idempotency_key ? q.onConflict((oc) => oc.column('idempotency_key').doNothing()) : q)
      .returning('id')
      .executeTakeFirst();
    return r?.id;
  },
  byKey(ex: Executor, key: string) {
    return ex
      .selectFrom('email_messages')
      .select([...STATUS_COLUMNS, 'idempotency_key', 'last_error'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  },
  byIds(db: Db, ids: number[]) {
    if (!ids.length) return Promise.resolve([]);
    return db.kysely
      .selectFrom('email_messages')
      .select([...STATUS_COLUMNS, 'idempotency_key', 'last_error'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  },
  /**
   * Claims up to `limit` messages that are due (queued and past next_attempt_at, or still "sending" under a claim that
   * has run out: a worker that stopped mid-send) in one UPDATE … RETURNING, marking them sending under `token` until
   * `until` and counting the attempt. The due condition is repeated outside the subquery so that PostgreSQL, re-reading
   * a row another worker claimed first, leaves it out; the subquery skips rows locked by another claim. SQLite has one
   * writer at a time. A message is thus claimed by one worker at a time.
   */
  async claim(db: Db, token: string, now: string, until: string, limit: number): Promise<ClaimedMessage[]> {
    const due = (t: 'email_messages' | 'm') =>
      sql<boolean>`((${sql.ref(`${t}.status`)} = 'queued' AND ${sql.ref(`${t}.next_attempt_at`)} <= ${now}) OR (${sql.ref(`${t}.status`)} = 'sending' AND ${sql.ref(`${t}.claimed_until`)} <= ${now}))`;
    const rows = await db.kysely
      .updateTable('email_messages')
      .set({
        status: 'sending',
        claim_token: token,
        claimed_until: until,
        attempts: sql<number>`attempts + 1`,
        updated_at: now,
      })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('email_messages as m')
          .select('m.id')
          .where(due('m'))
          .orderBy('m.next_attempt_at')
          .orderBy('m.id')
          .limit(limit)
          .$if(db.dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
      )
      .where(due('email_messages'))
      .returning([
        'id',
        'template',
        'to_address',
        'to_name',
        'subject',
        'body_text',
        'body_html',
        'attempts',
        'claim_token',
      ])
      .execute();
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts), claim_token: r.claim_token! }));
  },
  /** Sent: the bodies are erased (they may hold a single-use link). Only under the worker's own claim. */
  async markSent(db: Db, id: number, token: string, smtpId: string | null, now: string): Promise<boolean> {
    const r = await db.kysely
      .updateTable('email_messages')
      .set({
        status: 'sent',
        sent_at: now,
        updated_at: now,
        body_text: null,
        body_html: null,
        claim_token: null,
        claimed_until: null,
        last_error: null,
        smtp_message_id: smtpId,
      })
      .where('id', '=', id)
      .where('claim_token', '=', token)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
  /** A failed attempt: back to the queue until `nextAt`, or to the dead letters (`nextAt` null). */
  async markFailed(db: Db, id: number, token: string, error: string, nextAt: string | null, now: string) {
    await db.kysely
      .updateTable('email_messages')
      .set({
        status: nextAt ? 'queued' : 'dead',
        next_attempt_at: nextAt ?? now,
        last_error: error,
        claim_token: null,
        claimed_until: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('claim_token', '=', token)
      .execute();
  },
  async counts(db: Db): Promise<Partial<Record<EmailStatus, number>>> {
    const rows = await db.kysely
      .selectFrom('email_messages')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  },
  deadLetters(db: Db, limit: number) {
    return db.kysely
      .selectFrom('email_messages')
      .select([
        'id',
        'template',
        'to_address',
        'to_name',
        'subject',
        'attempts',
        'last_error',
        'created_at',
        'updated_at',
      ])
      .where('status', '=', 'dead')
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  },
  /** A dead letter back in the queue, its attempts counted afresh. */
  async requeue(db: Db, id: number, now: string): Promise<boolean> {
    const r = await db.kysely
      .updateTable('email_messages')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
  async discard(db: Db, id: number, now: string): Promise<boolean> {
    const r = await db.kysely
      .updateTable('email_messages')
      .set({ status: 'discarded', body_text: null, body_html: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
  /**
   * Erases the address, name and bodies of these messages (a caller's retention rule); one still waiting to be sent
   * (queued, sending or dead) is discarded, as it can no longer be. How many held an address.
   */
  async erase(ex: Executor, ids: number[], now: string): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const r = await ex
        .updateTable('email_messages')
        .set({
          to_address: '',
          to_name: null,
          body_text: null,
          body_html: null,
          status: sql<EmailStatus>`CASE WHEN status IN ('queued', 'sending', 'dead') THEN 'discarded' ELSE status END`,
          claim_token: null,
          claimed_until: null,
          updated_at: now,
        })
        .where('id', 'in', ids.slice(i, i + 500))
        .where('to_address', '<>', '')
        .executeTakeFirst();
      n += Number(r.numUpdatedRows);
    }
    return n;
  },
};
