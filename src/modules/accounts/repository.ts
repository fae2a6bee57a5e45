import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db.ts';
import type { NewUser } from './tables.ts';

/** All accounts SQL. */
export const accountsRepository = {
  async insertUser(db: Db, u: NewUser & { created_at: string }): Promise<number> {
    const r = await db.kysely
      .insertInto('users')
      .values({ ...u, disabled_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
  userByEmail(db: Db, email: string) {
    return db.kysely.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  },
  listUsers(db: Db) {
    return db.kysely
      .selectFrom('users as u')
      .leftJoin('areas as a', 'a.id', 'u.council_area_id')
      .select([
        'u.id',
        'u.email',
        'u.name',
        'u.role',
        'u.created_at',
        'u.disabled_at',
        'u.permissions',
        'u.political_group',
        'a.code as council_code',
        'a.name as council_name',
      ])
      .orderBy('u.email')
      .execute();
  },
  /** Users registered before `at` and not disabled by then, with their council's code (null for none). */
  registeredAt(db: Db, at: string) {
    return db.kysely
      .selectFrom('users as u')
      .leftJoin('areas as a', 'a.id', 'u.council_area_id')
      .select(['u.role', 'a.code as council_code'])
      .where('u.created_at', '<', at)
      .where((eb) => eb.or([eb('u.disabled_at', 'is', null), eb('u.disabled_at', '>=', at)]))
      .execute();
  },
  async setDisabled(db: Db, email: string, at: string | null): Promise<boolean> {
    const r = await db.kysely
      .updateTable('users')
      .set({ disabled_at: at })
      .where('email', '=', email)
      .executeTakeFirst();
    if (at) {
      const u = await db.kysely.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (u) await db.kysely.deleteFrom('sessions').where('user_id', '=', u.id).execute();
    }
    return Number(r.numUpdatedRows) > 0;
  },
  async setPermissions(db: Db, email: string, permissions: string): Promise<boolean> {
    const r = await db.kysely.updateTable('users').set({ permissions }).where('email', '=', email).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
  async insertSession(
    db: Db,
    s: { token_hash: string; user_id: number; csrf_token: string; created_at: string; expires_at: string },
  ): Promise<void> {
    await db.kysely.insertInto('sessions').values(s).execute();
  },
  /** The live session and its user (not expired, user not disabled). */
  sessionUser(db: Db, tokenHash: string, now: string) {
    return db.kysely
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('areas as a', 'a.id', 'u.council_area_id')
      .select([
        's.csrf_token',
        's.expires_at',
        'u.id',
        'u.email',
        'u.name',
        'u.role',
        'u.permissions',
        'u.political_group',
        'a.code as council_code',
        'a.name as council_name',
      ])
      .where('s.token_hash', '=', tokenHash)
      .where('s.expires_at', '>', now)
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
  },
  async deleteSession(db: Db, tokenHash: string): Promise<void> {
    await db.kysely.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  },
  async deleteExpiredSessions(db: Db, now: string): Promise<void> {
    await db.kysely.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  },
  /**
   * Counts one sign-in attempt for `key` in a single statement (INSERT … ON CONFLICT DO UPDATE … RETURNING), unless the
   * key is waiting out its delay: `delayMs` is the SQL for the wait after a given number of attempts. The count starts
   * again after `windowMs` without an attempt. Answers the attempt's number, or undefined when refused; the database
   * serialises the statements of one key (a row lock on PostgreSQL, the write lock on SQLite): parallel attempts each
   * see the one before.
   */
  async claimAttempt(
    db: Db,
    key: string,
    nowMs: number,
    windowMs: number,
    delayMs: (attempts: RawBuilder<number>) => RawBuilder<number>,
  ): Promise<number | undefined> {
    const r = await db.kysely
      .insertInto('login_throttles')
      .values({ key, attempts: 1, last_at: nowMs })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({
            attempts: sql<number>`CASE WHEN login_throttles.last_at <= ${nowMs - windowMs} THEN 1 ELSE login_throttles.attempts + 1 END`,
            last_at: nowMs,
          })
          .where(sql<boolean>`login_throttles.last_at + ${delayMs(sql<number>`login_throttles.attempts`)} <= ${nowMs}`),
      )
      .returning('attempts')
      .executeTakeFirst();
    return r ? Number(r.attempts) : undefined;
  },
  async throttle(db: Db, key: string): Promise<{ attempts: number; lastAt: number } | undefined> {
    const r = await db.kysely
      .selectFrom('login_throttles')
      .select(['attempts', 'last_at'])
      .where('key', '=', key)
      .executeTakeFirst();
    return r ? { attempts: Number(r.attempts), lastAt: Number(r.last_at) } : undefined;
  },
  /** Takes back one counted attempt (it was not a failure: refused by another key, or it succeeded). */
  async releaseAttempt(db: Db, key: string): Promise<void> {
    await db.kysely
      .updateTable('login_throttles')
      .set({ attempts: sql<number>`attempts - 1` })
      .where('key', '=', key)
      .where('attempts', '>', 0)
      .execute();
  },
  async clearAttempts(db: Db, key: string): Promise<void> {
    await db.kysely.deleteFrom('login_throttles').where('key', '=', key).execute();
  },
  /** Forgets keys with no attempt since `beforeMs` (their count would start again anyway). */
  async pruneAttempts(db: Db, beforeMs: number): Promise<void> {
    await db.kysely.deleteFrom('login_throttles').where('last_at', '<', beforeMs).execute();
  },
};
