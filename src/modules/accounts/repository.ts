import type { Db } from '../../platform/db.ts';
import type { Role } from './tables.ts';

/** All accounts SQL. */
export const accountsRepository = {
  async insertUser(
    db: Db,
    u: {
      email: string;
      name: string;
      password_hash: string;
      role: Role;
      council_area_id: number | null;
      created_at: string;
    },
  ): Promise<number> {
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
        'a.code as council_code',
        'a.name as council_name',
      ])
      .orderBy('u.email')
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
  async recordAttempt(db: Db, keys: string[], at: string): Promise<void> {
    await db.kysely
      .insertInto('login_attempts')
      .values(keys.map((key) => ({ key, attempted_at: at })))
      .execute();
  },
  async attemptsSince(db: Db, key: string, since: string): Promise<{ n: number; oldest: string | null }> {
    const r = await db.kysely
      .selectFrom('login_attempts')
      .select((e) => [e.fn.countAll<number>().as('n'), e.fn.min('attempted_at').as('oldest')])
      .where('key', '=', key)
      .where('attempted_at', '>', since)
      .executeTakeFirstOrThrow();
    return { n: Number(r.n), oldest: (r.oldest as string | null) ?? null };
  },
  async clearAttempts(db: Db, key: string): Promise<void> {
    await db.kysely.deleteFrom('login_attempts').where('key', '=', key).execute();
  },
};
