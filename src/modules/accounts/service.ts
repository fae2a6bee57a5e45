/**
 * Accounts: registered users with a role and (for council users) a council; sign-in with rate limiting; database
 * sessions. Public visitors need no account.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AreasService } from '../areas/index.ts';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import { accountsRepository as repo } from './repository.ts';
import { ROLES, type Role } from './tables.ts';

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  council: { code: string; name: string } | null;
  csrfToken: string;
}

export const SESSION_HOURS = 12;
/** Failed sign-ins allowed per address (and per client IP, ×4) in the window before sign-in is refused. */
export const LOGIN_LIMIT = 5;
export const LOGIN_WINDOW_MINUTES = 15;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
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
    input: { email: string; name: string; password: string; role: string; council?: string | undefined },
    now = new Date(),
  ): Promise<number> {
    const email = input.email.trim().toLowerCase();
    const errors: FieldError[] = [];
    if (!EMAIL.test(email)) errors.push({ field: 'email', value: input.email, message: 'is not an email address' });
    if (input.name.trim() === '') errors.push({ field: 'name', message: 'is required' });
    if (!(ROLES as readonly string[]).includes(input.role))
      errors.push({ field: 'role', value: input.role, message: `must be one of ${ROLES.join(', ')}` });
    for (const m of passwordProblems(input.password)) errors.push({ field: 'password', message: m });
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
      created_at: now.toISOString(),
    });
  }

  /**
   * Checks email and password and opens a session. Too many recent failures for the address or the client refuse the
   * attempt (429) before the password is checked; a wrong email or password gets one message that does not say which.
   */
  async function signIn(
    emailRaw: string,
    password: string,
    ip: string,
    now = new Date(),
  ): Promise<{ token: string; user: SessionUser; expiresAt: Date }> {
    const email = emailRaw.trim().toLowerCase();
    const since = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000).toISOString();
    const keys = [`email:${email}`, `ip:${ip}`];
    const [byEmail, byIp] = await Promise.all(keys.map((k) => repo.attemptsSince(db, k, since)));
    const blocked = byEmail!.n >= LOGIN_LIMIT ? byEmail! : byIp!.n >= LOGIN_LIMIT * 4 ? byIp! : undefined;
    if (blocked) {
      const retry = Math.max(
        1,
        Math.ceil((new Date(blocked.oldest!).getTime() + LOGIN_WINDOW_MINUTES * 60_000 - now.getTime()) / 60_000),
      );
      const limitedBy = blocked === byEmail ? 'email' : 'client';
      const fields = { event: 'sign-in-locked-out', limitedBy, client: clientOf(ip), retryMinutes: retry };
      log.warn(fields, 'sign-in refused: too many failed attempts');
      throw new AppError(
        429,
        'too-many-attempts',
        `Too many failed sign-in attempts. Try again in ${retry} minute${retry === 1 ? '' : 's'}.`,
        [],
        { 'retry-after': String(retry * 60) },
      );
    }
    const user = await repo.userByEmail(db, email);
    const ok =
      user && !user.disabled_at
        ? await verifyPassword(password, user.password_hash)
        : (await hashPassword(password), false); // same work either way
    if (!ok || !user) {
      await repo.recordAttempt(db, keys, now.toISOString());
      const reason = !user ? 'unknown-email' : user.disabled_at ? 'disabled' : 'wrong-password';
      const who = { userId: user?.id ?? null, role: user?.role ?? null };
      log.info({ event: 'sign-in-failed', reason, ...who, client: clientOf(ip) }, 'sign-in failed');
      throw new AppError(401, 'sign-in-failed', 'Enter a correct email address and password.', [
        { field: 'email', message: 'or password is not correct' },
      ]);
    }
    await repo.clearAttempts(db, keys[0]!);
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
    log.info({ event: 'sign-in', userId: user.id, role: user.role, client: clientOf(ip) }, 'signed in');
    return { token, expiresAt, user: opened! };
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
      csrfToken: r.csrf_token,
    };
  }

  return {
    addUser,
    signIn,
    session,
    signOut: (token: string) => repo.deleteSession(db, hashToken(token)),
    listUsers: () => repo.listUsers(db),
    async setDisabled(email: string, disabled: boolean, now = new Date()) {
      if (!(await repo.setDisabled(db, email.trim().toLowerCase(), disabled ? now.toISOString() : null)))
        throw new AppError(404, 'not-found', `There is no user ${email}.`);
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
