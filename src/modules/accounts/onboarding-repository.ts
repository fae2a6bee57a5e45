import type { Kysely } from 'kysely';
import type { Database, Db } from '../../platform/db.ts';
import type { AccountTokensTable, NewUser, TokenPurpose } from './tables.ts';

type Ex = Kysely<Database>;
type NewToken = Omit<AccountTokensTable, 'id' | 'used_at'>;

/** The SQL of invitations, resets, self-registration and council domains. */
export const onboardingRepository = {
  async insertToken(ex: Ex, t: NewToken): Promise<number> {
    const r = await ex.insertInto('account_tokens').values(t).returning('id').executeTakeFirstOrThrow();
    return r.id;
  },
  /** A live token (not used, not expired) with its council, for the page that asks for a password. */
  liveToken(db: Db, hash: string, now: string) {
    return db.kysely
      .selectFrom('account_tokens as t')
      .leftJoin('areas as a', 'a.id', 't.council_area_id')
      .select([
        't.id',
        't.purpose',
        't.email',
        't.name',
        't.role',
        't.user_id',
        't.political_group',
        'a.name as council_name',
      ])
      .where('t.token_hash', '=', hash)
      .where('t.used_at', 'is', null)
      .where('t.expires_at', '>', now)
      .executeTakeFirst();
  },
  /** Uses a live token: one statement, so two submissions of one link cannot both succeed. */
  useToken(ex: Ex, hash: string, now: string) {
    return ex
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['id', 'purpose', 'email', 'name', 'role', 'council_area_id', 'political_group', 'user_id'])
      .executeTakeFirst();
  },
  /** Every other live link of the same purpose for the address stops working (a second invitation, an older reset). */
  async retireTokens(ex: Ex, email: string, purpose: TokenPurpose, now: string): Promise<void> {
    await ex
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('email', '=', email)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  },
  pendingInvitations(db: Db, now: string) {
    return db.kysely
      .selectFrom('account_tokens as t')
      .leftJoin('areas as a', 'a.id', 't.council_area_id')
      .select([
        't.id',
        't.email',
        't.name',
        't.role',
        't.political_group',
        't.created_at',
        't.expires_at',
        'a.name as council_name',
      ])
      .where('t.purpose', '=', 'invitation')
      .where('t.used_at', 'is', null)
      .where('t.expires_at', '>', now)
      .orderBy('t.created_at', 'desc')
      .execute();
  },
  userByEmail(ex: Ex, email: string) {
    return ex.selectFrom('users').select(['id', 'name', 'disabled_at']).where('email', '=', email).executeTakeFirst();
  },
  async insertUser(ex: Ex, u: NewUser, now: string): Promise<number> {
    const r = await ex
      .insertInto('users')
      .values({ ...u, created_at: now, disabled_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
  /** A new password; every session of the user ends. */
  async setPassword(ex: Ex, userId: number, hash: string): Promise<void> {
    await ex.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
    await ex.deleteFrom('sessions').where('user_id', '=', userId).execute();
  },
  /** Disables (ending every session) or enables a user by id; false when there is none. */
  async setDisabled(db: Db, userId: number, at: string | null): Promise<boolean> {
    const r = await db.kysely.updateTable('users').set({ disabled_at: at }).where('id', '=', userId).executeTakeFirst();
    if (at) await db.kysely.deleteFrom('sessions').where('user_id', '=', userId).execute();
    return Number(r.numUpdatedRows) > 0;
  },
  listDomains(db: Db) {
    return db.kysely
      .selectFrom('council_domains as d')
      .innerJoin('areas as a', 'a.id', 'd.council_area_id')
      .select(['d.domain', 'a.code as council_code', 'a.name as council_name', 'd.created_at'])
      .orderBy('a.name')
      .orderBy('d.domain')
      .execute();
  },
  councilOfDomain(db: Db, domain: string) {
    return db.kysely
      .selectFrom('council_domains as d')
      .innerJoin('areas as a', 'a.id', 'd.council_area_id')
      .select(['a.id', 'a.code', 'a.name'])
      .where('d.domain', '=', domain)
      .executeTakeFirst();
  },
  async addDomain(db: Db, domain: string, councilId: number, now: string): Promise<boolean> {
    const r = await db.kysely
      .insertInto('council_domains')
      .values({ domain, council_area_id: councilId, created_at: now })
      .onConflict((oc) => oc.column('domain').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },
  async removeDomain(db: Db, domain: string): Promise<boolean> {
    const r = await db.kysely.deleteFrom('council_domains').where('domain', '=', domain).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
