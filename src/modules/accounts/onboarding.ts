/**
 * Getting an account and getting back into one: administrators invite a user by email to a role (and council), anyone
 * asks for a password reset, and an address on a council's registered domain registers itself as a user of that
 * council once it has followed the emailed link. Each emailed link is single-use, expires, and is stored only as its
 * SHA-256; the message is queued in the same transaction as the link (through the email service, handed in as a
 * Mailer). A reset or registration request gets the same answer whether or not the address has an account, and is
 * throttled per address and per client. Logs say what happened with ids and roles, never the address or the token.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { checkStoredText, normaliseText } from '../../platform/text.ts';
import { withTransaction } from '../../platform/transaction.ts';
import type { AreasService } from '../areas/index.ts';
import { hashPassword, passwordProblems } from './passwords.ts';
import { onboardingRepository as repo } from './onboarding-repository.ts';
import { accountsRepository } from './repository.ts';
import { clientAddressKey, EMAIL, hashToken } from './service.ts';
import { ROLES, type Role, type TokenPurpose } from './tables.ts';

/** What the accounts module needs of the email service (modules/email), handed in by the composition root. */
export interface Mailer {
  enqueue(
    m: { to: string; toName?: string; template: string; data: Record<string, unknown>; idempotencyKey?: string },
    into?: Kysely<Database>,
  ): Promise<{ id: number; queued: boolean }>;
}

export const INVITATION_DAYS = 7;
export const RESET_HOURS = 1;
export const REGISTRATION_HOURS = 24;
/** Emailed-link requests (reset, registration) per address and per client in an hour; more are quietly not sent. */
export const MAIL_REQUESTS_PER_ADDRESS = 3;
export const MAIL_REQUESTS_PER_CLIENT = 20;
const HOUR = 3_600_000;

const ROLE_TEXT: Record<Role, string> = {
  council: 'a council user',
  analyst: 'an analyst',
  admin: 'an administrator',
  peer_challenge_manager: 'a peer challenge manager',
  programme_office: 'a member of the programme office',
  group_office: "a political group's office",
};

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function createOnboarding(db: Db, deps: { areas: AreasService; mailer: Mailer; logger: Logger }) {
  const { areas, mailer } = deps;
  const log = deps.logger.child({ module: 'accounts' });
  const newToken = () => randomBytes(32).toString('base64url');
  const link = (origin: string, token: string) => `${origin}/password/${token}`;

  const BAD_EMAIL = 'Enter an email address in the correct format, like name@example.org';
  /** The address (lower case) and name (NFC) of a form, their problems added to `errors`. */
  function checkPerson(input: { email: string; name: string }, errors: FieldError[]) {
    const email = input.email.trim().toLowerCase();
    const name = normaliseText(input.name.trim());
    if (!EMAIL.test(email)) errors.push({ field: 'email', value: input.email, message: BAD_EMAIL });
    if (name === '') errors.push({ field: 'name', message: 'Enter their full name' });
    else if (name.length > 200) errors.push({ field: 'name', message: 'Name must be 200 characters or fewer' });
    const unsafe = checkStoredText('name', name);
    if (unsafe) errors.push(unsafe);
    return { email, name };
  }

  /**
   * The council a form names, by name or code (as the areas module matches names): its problems, in words, added to
   * `errors` under `council`.
   */
  async function councilByName(text: string | undefined, errors: FieldError[]) {
    const field = await areas.councilField(text);
    if (!field) {
      errors.push({ field: 'council', message: 'Enter the name of their council, such as Trafford' });
      return undefined;
    }
    if (!field.area) {
      errors.push({ field: 'council', value: field.value, message: field.error! });
      return undefined;
    }
    const found = (await areas.resolveCodes([field.area.code])).areas[0];
    if (!found) errors.push({ field: 'council', value: field.value, message: `No council is called “${field.value}”` });
    return found;
  }

  /**
   * Counts a request for an emailed link under `key`: after `limit` in an hour, refused until an hour after the last
   * one counted (one atomic statement, as sign-in's throttling).
   */
  const claim = (key: string, limit: number, nowMs: number) =>
    accountsRepository.claimAttempt(
      db,
      key,
      nowMs,
      HOUR,
      (a: RawBuilder<number>) => sql<number>`(CASE WHEN ${a} < ${sql.lit(limit)} THEN 0 ELSE ${sql.lit(HOUR)} END)`,
    );
  async function allowed(kind: string, email: string, ip: string, nowMs: number): Promise<boolean> {
    const byClient = await claim(`${kind}-ip:${clientAddressKey(ip)}`, MAIL_REQUESTS_PER_CLIENT, nowMs);
    const byAddress =
      byClient === undefined ? undefined : await claim(`${kind}:${email}`, MAIL_REQUESTS_PER_ADDRESS, nowMs);
    if (byAddress !== undefined) return true;
    log.warn(
      { event: `${kind}-throttled`, limitedBy: byClient === undefined ? 'client' : 'email' },
      'request not sent: too many',
    );
    return false;
  }

  async function issue(
    tx: Kysely<Database>,
    t: {
      purpose: TokenPurpose;
      email: string;
      name: string;
      role: Role;
      councilId: number | null;
      /** A group office's political group (invitations to that role only). */
      politicalGroup?: string | null;
      userId: number | null;
      by: number | null;
    },
    ttlMs: number,
    now: Date,
  ) {
    const token = newToken();
    await repo.retireTokens(tx, t.email, t.purpose, now.toISOString());
    const id = await repo.insertToken(tx, {
      token_hash: hashToken(token),
      purpose: t.purpose,
      email: t.email,
      name: t.name,
      role: t.role,
      council_area_id: t.councilId,
      political_group: t.politicalGroup ?? null,
      user_id: t.userId,
      created_by: t.by,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
    });
    return { id, token };
  }

  /**
   * A group office's political group as the form gave it (NFC, trimmed; blank is none): required for that role,
   * refused for any other.
   */
  function checkGroup(role: Role | undefined, text: string | undefined, errors: FieldError[]): string | null {
    const group = normaliseText((text ?? '').trim()) || null;
    if (role === 'group_office' && !group)
      errors.push({
        field: 'politicalGroup',
        message: 'Enter the political group whose members they will put forward',
      });
    else if (role !== 'group_office' && group)
      errors.push({ field: 'politicalGroup', value: group, message: 'Only a group office has a political group' });
    else if (group && group.length > 100)
      errors.push({ field: 'politicalGroup', message: 'Political group must be 100 characters or fewer' });
    const unsafe = group ? checkStoredText('politicalGroup', group) : null;
    if (unsafe) errors.push(unsafe);
    return group;
  }

  /**
   * An administrator invites someone: the link lets them choose a password, which makes the account (a group office's
   * with the political group the invitation names).
   */
  async function invite(
    input: {
      email: string;
      name: string;
      role: string;
      council?: string | undefined;
      politicalGroup?: string | undefined;
    },
    by: { id: number; name: string },
    origin: string,
    now = new Date(),
  ): Promise<number> {
    const errors: FieldError[] = [];
    const { email, name } = checkPerson(input, errors);
    const role = (ROLES as readonly string[]).includes(input.role) ? (input.role as Role) : undefined;
    if (!role) errors.push({ field: 'role', message: 'Select what they will do' });
    const council = role === 'council' ? await councilByName(input.council, errors) : undefined;
    const group = role ? checkGroup(role, input.politicalGroup, errors) : null;
    if (!errors.length && (await repo.userByEmail(db.kysely, email)))
      errors.push({ field: 'email', value: email, message: 'There is already an account for this email address' });
    if (errors.length) throw new AppError(400, 'invalid-invitation', 'The invitation could not be sent.', errors);
    const id = await withTransaction(db, async (tx) => {
      const t = {
        purpose: 'invitation' as const,
        email,
        name,
        role: role!,
        councilId: council?.id ?? null,
        politicalGroup: group,
        userId: null,
        by: by.id,
      };
      const { id, token } = await issue(tx.kysely, t, INVITATION_DAYS * 24 * HOUR, now);
      await mailer.enqueue(
        {
          to: email,
          toName: name,
          template: 'invitation',
          data: {
            name,
            inviter: by.name,
            roleText: ROLE_TEXT[role!],
            council: council?.name ?? null,
            group,
            days: INVITATION_DAYS,
            link: link(origin, token),
          },
        },
        tx.kysely,
      );
      return id;
    });
    log.info({ event: 'invitation-sent', invitationId: id, role, by: by.id }, 'invitation sent');
    return id;
  }

  /** Anyone asks for a reset link; the answer is the same whether or not the address has an account. */
  async function requestReset(emailRaw: string, ip: string, origin: string, now = new Date()): Promise<void> {
    const email = emailRaw.trim().toLowerCase();
    if (!EMAIL.test(email))
      throw new AppError(400, 'invalid-email', BAD_EMAIL, [{ field: 'email', message: BAD_EMAIL }]);
    if (!(await allowed('reset', email, ip, now.getTime()))) return;
    const user = await repo.userByEmail(db.kysely, email);
    if (!user || user.disabled_at) {
      log.info({ event: 'reset-requested', outcome: user ? 'disabled' : 'no-account' }, 'password reset not sent');
      return;
    }
    const id = await withTransaction(db, async (tx) => {
      const t = {
        purpose: 'reset' as const,
        email,
        name: user.name,
        role: 'council' as Role,
        councilId: null,
        userId: user.id,
        by: null,
      };
      const { id, token } = await issue(tx.kysely, t, RESET_HOURS * HOUR, now);
      await mailer.enqueue(
        {
          to: email,
          toName: user.name,
          template: 'password-reset',
          data: { name: user.name, hours: RESET_HOURS, link: link(origin, token) },
        },
        tx.kysely,
      );
      return id;
    });
    log.info({ event: 'reset-requested', outcome: 'sent', userId: user.id, tokenId: id }, 'password reset sent');
  }

  /**
   * Self-registration: an address on a council's registered domain gets a link that makes a council user of that
   * council once followed. An address with an account already gets nothing new (the page points to the reset).
   */
  async function register(input: { email: string; name: string }, ip: string, origin: string, now = new Date()) {
    const errors: FieldError[] = [];
    const { email, name } = checkPerson(input, errors);
    const council = errors.length ? undefined : await repo.councilOfDomain(db, email.split('@')[1]!);
    if (!errors.length && !council)
      errors.push({
        field: 'email',
        message: `Addresses at ${email.split('@')[1]} cannot register themselves: ask an administrator to invite you`,
      });
    if (errors.length) throw new AppError(400, 'invalid-registration', 'You could not be registered.', errors);
    if (!(await allowed('register', email, ip, now.getTime()))) return;
    if (await repo.userByEmail(db.kysely, email)) {
      log.info(
        { event: 'registration-requested', outcome: 'has-account', council: council!.code },
        'registration not sent',
      );
      return;
    }
    const id = await withTransaction(db, async (tx) => {
      const t = {
        purpose: 'registration' as const,
        email,
        name,
        role: 'council' as Role,
        councilId: council!.id,
        userId: null,
        by: null,
      };
      const { id, token } = await issue(tx.kysely, t, REGISTRATION_HOURS * HOUR, now);
      await mailer.enqueue(
        {
          to: email,
          toName: name,
          template: 'confirm-registration',
          data: { name, council: council!.name, hours: REGISTRATION_HOURS, link: link(origin, token) },
        },
        tx.kysely,
      );
      return id;
    });
    log.info(
      { event: 'registration-requested', outcome: 'sent', council: council!.code, tokenId: id },
      'registration link sent',
    );
  }

  /** What a live link is for (null: unknown, used or expired), for the page that asks for a password. */
  async function linkFor(token: string, now = new Date()) {
    if (!/^[\w-]{43}$/.test(token)) return null;
    const t = await repo.liveToken(db, hashToken(token), now.toISOString());
    return t ? { purpose: t.purpose, name: t.name, council: t.council_name, group: t.political_group } : null;
  }

  /**
   * Follows a link with the password chosen: makes the invited or registered user, or sets a reset's password (ending
   * the user's sessions). The token is used in the same transaction, so it works once.
   */
  async function setPassword(token: string, password: string, confirm: string, now = new Date()) {
    const errors: FieldError[] = passwordProblems(password).map((m) => ({ field: 'password', message: m }));
    if (!errors.length && password !== confirm)
      errors.push({ field: 'confirm', message: 'Enter the same password twice' });
    if (errors.length) throw new AppError(400, 'invalid-password', 'Choose another password.', errors);
    const hash = await hashPassword(password);
    const gone = () => new AppError(410, 'link-expired', 'This link has expired or has been used. Ask for a new one.');
    if (!/^[\w-]{43}$/.test(token)) throw gone();
    const done = await withTransaction(db, async (tx) => {
      const t = await repo.useToken(tx.kysely, hashToken(token), now.toISOString());
      if (!t) return undefined;
      if (t.purpose === 'reset') {
        await repo.setPassword(tx.kysely, t.user_id!, hash);
        return { purpose: t.purpose, userId: t.user_id!, role: t.role };
      }
      if (await repo.userByEmail(tx.kysely, t.email)) return { purpose: t.purpose, userId: null, role: t.role };
      const user = {
        email: t.email,
        name: t.name,
        password_hash: hash,
        role: t.role,
        council_area_id: t.council_area_id,
        political_group: t.political_group,
      };
      return { purpose: t.purpose, userId: await repo.insertUser(tx.kysely, user, now.toISOString()), role: t.role };
    });
    if (!done) throw gone();
    if (done.userId === null)
      throw new AppError(
        409,
        'already-registered',
        'There is already an account for this address. Sign in, or reset its password.',
      );
    const event = {
      reset: 'password-reset',
      invitation: 'invitation-accepted',
      registration: 'registration-confirmed',
    }[done.purpose];
    log.info({ event, userId: done.userId, role: done.role }, event);
    return done;
  }

  async function addDomain(domainRaw: string, council: string, by: number, now = new Date()) {
    const domain = domainRaw.trim().toLowerCase().replace(/^@/, '');
    const errors: FieldError[] = [];
    if (!DOMAIN.test(domain))
      errors.push({ field: 'domain', value: domainRaw, message: 'Enter an email domain, like trafford.gov.uk' });
    const found = await councilByName(council, errors);
    if (errors.length) throw new AppError(400, 'invalid-domain', 'The domain could not be added.', errors);
    if (!(await repo.addDomain(db, domain, found!.id, now.toISOString())))
      throw new AppError(409, 'domain-taken', `${domain} is already registered to a council; remove it there first.`, [
        { field: 'domain', value: domain, message: 'is already registered to a council' },
      ]);
    log.info({ event: 'council-domain-added', council: found!.code, by }, 'council domain added');
  }

  return {
    invite,
    /** A form's council field as typed, to show again with its problem and choices. */
    councilField: (text: string | undefined) => areas.councilField(text),
    requestReset,
    register,
    linkFor,
    setPassword,
    pendingInvitations: (now = new Date()) => repo.pendingInvitations(db, now.toISOString()),
    async setDisabled(userId: number, disabled: boolean, by: number, now = new Date()) {
      if (userId === by && disabled) throw new AppError(400, 'own-account', 'You cannot disable your own account.');
      if (!(await repo.setDisabled(db, userId, disabled ? now.toISOString() : null)))
        throw new AppError(404, 'not-found', `There is no user ${userId}.`);
      log.info(
        { event: disabled ? 'user-disabled' : 'user-enabled', userId, by },
        disabled ? 'user disabled' : 'user enabled',
      );
    },
    listDomains: () => repo.listDomains(db),
    addDomain,
    async removeDomain(domain: string, by: number) {
      if (!(await repo.removeDomain(db, domain.trim().toLowerCase())))
        throw new AppError(404, 'not-found', `${domain} is not a registered domain.`);
      log.info({ event: 'council-domain-removed', by }, 'council domain removed');
    },
  };
}
export type Onboarding = ReturnType<typeof createOnboarding>;
