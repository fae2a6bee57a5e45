/**
 * Accounts: registered users with a role and (for council users) a council; sign-in with rate limiting; database
 * sessions. Public visitors need no account.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AreasService } from '../areas/index.ts';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import { accountsRepository as repo } from './repository.ts';
import { PERMISSIONS, ROLES, type Permission, type Role } from './tables.ts';

const parsePermissions = (s: string): Permission[] =>
  s.split(',').filter((p): p is Permission => (PERMISSIONS as readonly string[]).includes(p));

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  council: { code: string; name: string } | null;
  /** Permissions beyond the role (PERMISSIONS): `consultation` for council users who set up budget simulators. */
  permissions?: readonly Permission[];
  /** A group office's political group: it puts forward members of this group only (from any council). */
  politicalGroup?: string | null;
  csrfToken: string;
}

export const SESSION_HOURS = 12;
/**
 * Sign-in throttling. Every attempt is counted before the password is checked, atomically in the database, under the
 * address signed in to (LOGIN_LIMIT), under the client's address (CLIENT_LIMIT: the socket's address, or the one a
 * trusted proxy forwarded; IPv6 by its /64), or, from a browser that has signed in to that account before, under the
 * account's known browsers instead (LOGIN_LIMIT). Once a key has had its limit of attempts with no success, each next
 * attempt must wait: 1 s after the limit, then 2 s, 4 s … up to LOGIN_MAX_DELAY_SECONDS. The right password works as
 * soon as the wait is over, so guessing cannot lock a user out for long, and a browser the user signed in with before
 * is not held up by an attacker's guesses at all. A success clears the count; after LOGIN_WINDOW_MINUTES without an
 * attempt it starts again.
 */
export const LOGIN_LIMIT = 5;
export const CLIENT_LIMIT = LOGIN_LIMIT * 4;
export const LOGIN_MAX_DELAY_SECONDS = 300;
export const LOGIN_WINDOW_MINUTES = 15;
/** How long a browser is remembered as one the user signed in with (the `sli_known` cookie). */
export const KNOWN_CLIENT_DAYS = 180;

/** Seconds to wait before the attempt after `attempts` counted ones, for a key with this limit. */
export function loginDelaySeconds(attempts: number, limit: number): number {
  return attempts < limit ? 0 : Math.min(2 ** (attempts - limit), LOGIN_MAX_DELAY_SECONDS);
}

/** The same rule in SQL (milliseconds), for the one statement that counts an attempt. */
export function delaySql(limit: number) {
  const whens: RawBuilder<unknown>[] = [];
  for (let k = 0; 2 ** k < LOGIN_MAX_DELAY_SECONDS; k++)
    whens.push(sql`WHEN ${sql.lit(limit + k)} THEN ${sql.lit(2 ** k * 1000)}`);
  return (attempts: RawBuilder<number>) =>
    sql<number>`(CASE WHEN ${attempts} < ${sql.lit(limit)} THEN 0 ELSE CASE ${attempts} ${sql.join(whens, sql` `)} ELSE ${sql.lit(LOGIN_MAX_DELAY_SECONDS * 1000)} END END)`;
}

/** The key of a client's address: IPv4 (an IPv4-mapped IPv6 address as IPv4), or the /64 an IPv6 address is in. */
export function clientAddressKey(ip: string): string {
  const address = ip.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** Who is signing in: the client's address and the `sli_known` cookie's value, if the browser sent one. */
export interface SignInClient {
  ip: string;
  knownClient?: string | undefined;
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export function createAccountsService(db: Db, deps: { areas: AreasService; logger: Logger }) {
  const { areas } = deps;
  const log = deps.logger.child({ module: 'accounts' });
  /**
   * The client in the sign-in log lines: a short hash of its IP address keyed with a random key of this process, so
   * that a run of attempts from one client can be followed without the address being written (an unkeyed hash of an
   * IPv4 address is undone by hashing every address). Never the email address, the password or the token.
   */
  const clientKey = randomBytes(32);
  const clientOf = (ip: string) => createHmac('sha256', clientKey).update(ip).digest('hex').slice(0, 12);

  async function addUser(
    input: {
      email: string;
      name: string;
      password: string;
      role: string;
      council?: string | undefined;
      /** The political group of a group office (required for that role, refused for any other). */
      politicalGroup?: string | undefined;
    },
    now = new Date(),
  ): Promise<number> {
    const email = input.email.trim().toLowerCase();
    const errors: FieldError[] = [];
    if (!EMAIL.test(email)) errors.push({ field: 'email', value: input.email, message: 'is not an email address' });
    if (input.name.trim() === '') errors.push({ field: 'name', message: 'is required' });
    if (!(ROLES as readonly string[]).includes(input.role))
      errors.push({ field: 'role', value: input.role, message: `must be one of ${ROLES.join(', ')}` });
    for (const m of passwordProblems(input.password)) errors.push({ field: 'password', message: m });
    const group = input.politicalGroup?.trim() || null;
    if (input.role === 'group_office' && !group)
      errors.push({ field: 'politicalGroup', message: 'is required for a group office (the party it nominates for)' });
    if (input.role !== 'group_office' && group)
      errors.push({ field: 'politicalGroup', value: group, message: 'is only for the group_office role' });
    if (group && group.length > 100) errors.push({ field: 'politicalGroup', message: 'is longer than 100 characters' });
    let councilId: number | null = null;
    if (input.role === 'council' && !input.council)
      errors.push({ field: 'council', message: 'is required for a council user (the GSS code of their council)' });
    if (input.council) {
      const found = (await areas.resolveCodes([input.council.trim().toUpperCase()])).areas[0];
      if (!found) errors.push({ field: 'council', value: input.council, message: 'is not a council code we know' });
      else councilId = found.id;
    }
    if (!errors.length && (await repo.userByEmail(db, email)))
      errors.push({ field: 'email', value: email, message: 'already has an account' });
    if (errors.length) throw new AppError(400, 'invalid-user', 'The user could not be added.', errors);
    return repo.insertUser(db, {
      email,
      name: input.name.trim(),
      password_hash: await hashPassword(input.password),
      role: input.role as Role,
      council_area_id: councilId,
      political_group: group,
      created_at: now.toISOString(),
    });
  }

  /**
   * The value of the `sli_known` cookie a browser gets when it signs in to this account, keyed with the password hash,
   * so it cannot be made without the database and stops counting when the password changes.
   */
  const knownClientOf = (user: { id: number; password_hash: string }) =>
    `${user.id}.${createHmac('sha256', user.password_hash).update('sli known client').digest('base64url')}`;

  /**
   * Checks email and password and opens a session. Each attempt is counted first (see LOGIN_LIMIT): a key waiting out
   * its delay refuses the attempt (429, Retry-After) before the password is checked; a wrong email or password gets
   * one message that does not say which. `knownClient` is the value for the browser's `sli_known` cookie.
   */
  async function signIn(
    emailRaw: string,
    password: string,
    client: SignInClient | string,
    now = new Date(),
  ): Promise<{ token: string; user: SessionUser; expiresAt: Date; knownClient: string }> {
    const email = emailRaw.trim().toLowerCase();
    const { ip, knownClient } = typeof client === 'string' ? { ip: client, knownClient: undefined } : client;
    const nowMs = now.getTime();
    const user = await repo.userByEmail(db, email);
    const known =
      user && !user.disabled_at && knownClient !== undefined && sameText(knownClient, knownClientOf(user))
        ? user
        : undefined;
    const limits: { key: string; limit: number; limitedBy: string }[] = known
      ? [{ key: `known:${known.id}`, limit: LOGIN_LIMIT, limitedBy: 'known-client' }]
      : [
          { key: `ip:${clientAddressKey(ip)}`, limit: CLIENT_LIMIT, limitedBy: 'client' },
          { key: `email:${email}`, limit: LOGIN_LIMIT, limitedBy: 'email' },
        ];
    const counted: string[] = [];
    for (const { key, limit, limitedBy } of limits) {
      const n = await repo.claimAttempt(db, key, nowMs, LOGIN_WINDOW_MINUTES * 60_000, delaySql(limit));
      if (n !== undefined) {
        counted.push(key);
        continue;
      }
      for (const k of counted) await repo.releaseAttempt(db, k);
      const t = await repo.throttle(db, key);
      const waitMs = t ? t.lastAt + loginDelaySeconds(t.attempts, limit) * 1000 - nowMs : 1000;
      const retry = Math.max(1, Math.ceil(waitMs / 1000));
      const fields = { event: 'sign-in-locked-out', limitedBy, client: clientOf(ip), retrySeconds: retry };
      log.warn(fields, 'sign-in refused: too many failed attempts');
      const when = retry < 120 ? `${retry} second${retry === 1 ? '' : 's'}` : `${Math.ceil(retry / 60)} minutes`;
      throw new AppError(429, 'too-many-attempts', `Too many failed sign-in attempts. Try again in ${when}.`, [], {
        'retry-after': String(retry),
      });
    }
    const ok =
      user && !user.disabled_at
        ? await verifyPassword(password, user.password_hash)
        : (await hashPassword(password), false); // same work either way
    if (!ok || !user) {
      const reason = !user ? 'unknown-email' : user.disabled_at ? 'disabled' : 'wrong-password';
      const who = { userId: user?.id ?? null, role: user?.role ?? null };
      log.info({ event: 'sign-in-failed', reason, ...who, client: clientOf(ip) }, 'sign-in failed');
      throw new AppError(401, 'sign-in-failed', 'Enter a correct email address and password.', [
        { field: 'email', message: 'or password is not correct' },
      ]);
    }
    // A success is not a failure: the account's (or this browser's) count starts again, the client's loses this one.
    for (const k of counted) await (k.startsWith('ip:') ? repo.releaseAttempt(db, k) : repo.clearAttempts(db, k));
    await repo.pruneAttempts(db, nowMs - LOGIN_WINDOW_MINUTES * 60_000);
    await repo.deleteExpiredSessions(db, now.toISOString());
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
    await repo.insertSession(db, {
      token_hash: hashToken(token),
      user_id: user.id,
      csrf_token: csrf,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    });
    const opened = await session(token, now);
    const fields = { event: 'sign-in', userId: user.id, role: user.role, client: clientOf(ip), knownClient: !!known };
    log.info(fields, 'signed in');
    return { token, expiresAt, user: opened!, knownClient: knownClientOf(user) };
  }

  async function session(token: string, now = new Date()): Promise<SessionUser | null> {
    const r = await repo.sessionUser(db, hashToken(token), now.toISOString());
    if (!r) return null;
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      council: r.council_code ? { code: r.council_code, name: r.council_name! } : null,
      permissions: parsePermissions(r.permissions),
      politicalGroup: r.political_group,
      csrfToken: r.csrf_token,
    };
  }

  return {
    addUser,
    signIn,
    session,
    signOut: (token: string) => repo.deleteSession(db, hashToken(token)),
    listUsers: () => repo.listUsers(db),
    /** Grants or withdraws a permission (PERMISSIONS) of the user with this address. */
    async setPermission(email: string, permission: string, granted: boolean) {
      if (!(PERMISSIONS as readonly string[]).includes(permission))
        throw new AppError(400, 'invalid-permission', `There is no permission "${permission}".`, [
          { field: 'permission', value: permission, message: `must be one of ${PERMISSIONS.join(', ')}` },
        ]);
      const address = email.trim().toLowerCase();
      const user = await repo.userByEmail(db, address);
      if (!user) throw new AppError(404, 'not-found', `There is no user ${email}.`);
      const now = new Set(parsePermissions(user.permissions));
      if (granted) now.add(permission as Permission);
      else now.delete(permission as Permission);
      await repo.setPermissions(db, address, [...now].sort().join(','));
    },
    /** Users registered before `at` (an ISO time) and not disabled by then: role and council code (no one named). */
    registeredAt: (at: string) => repo.registeredAt(db, at),
    async setDisabled(email: string, disabled: boolean, now = new Date()) {
      if (!(await repo.setDisabled(db, email.trim().toLowerCase(), disabled ? now.toISOString() : null)))
        throw new AppError(404, 'not-found', `There is no user ${email}.`);
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
