/**
 * Who is asking: the session cookie read on every request (one indexed lookup, only when the cookie is present),
 * role checks for routes, and CSRF protection for every form and every cookie-authenticated write.
 * Cookies are HttpOnly, SameSite=Lax and Secure (unless SLI_COOKIE_SECURE=false, for plain-HTTP development off
 * localhost).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import type { AccountsService, SessionUser } from './service.ts';
import type { Role } from './tables.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null for a public visitor. */
    user: SessionUser | null;
  }
}

export const SESSION_COOKIE = 'sli_session';
const CSRF_COOKIE = 'sli_csrf';

export async function registerAuth(app: App, accounts: AccountsService): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (req) => {
    const token = req.cookies?.[SESSION_COOKIE];
    req.user = token ? await accounts.session(token) : null;
  });
}

export function cookieOptions(secure: boolean, expires?: Date) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, ...(expires ? { expires } : {}) };
}

/**
 * Refuses the request unless the user is signed in with one of the roles: 401 for a visitor, 403 for the wrong role.
 */
export function requireRole(req: FastifyRequest, roles: readonly Role[]): SessionUser {
  if (!req.user)
    throw new AppError(
      401,
      'sign-in-required',
      'Sign in to see this. Screening results are for analysts and administrators.',
      [],
      { 'www-authenticate': 'Cookie realm="sli", form="/sign-in"' },
    );
  if (!roles.includes(req.user.role))
    throw new AppError(
      403,
      'forbidden',
      `This needs the ${roles.join(' or ')} role; you are signed in as ${req.user.role}.`,
    );
  return req.user;
}

/**
 * For a private page: a visitor is sent to sign in (false: the reply is sent), anyone signed in without one of the
 * roles gets 403; the page is not stored by any cache.
 */
export function pageFor(req: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): boolean {
  if (!req.user) {
    void reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
    return false;
  }
  requireRole(req, roles);
  reply.header('cache-control', 'private, no-store');
  return true;
}

/**
 * The CSRF token for a form on this page: the session's for a signed-in user, otherwise a random value also set as
 * a cookie (double submit), so the sign-in form is protected too.
 */
export function csrfToken(req: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  if (req.user) return req.user.csrfToken;
  let t = req.cookies?.[CSRF_COOKIE];
  if (!t || !/^[\w-]{32}$/.test(t)) {
    t = randomBytes(24).toString('base64url');
    void reply.setCookie(CSRF_COOKIE, t, cookieOptions(secure));
  }
  return t;
}

/** Equal strings, compared in constant time (by their bytes: `é` and `e` are the same length but not the same size). */
const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Checks a form's `_csrf` field or an `x-csrf-token` header against the session's (or the double-submit cookie's)
 * token.
 */
export function checkCsrf(req: FastifyRequest): void {
  const given = ((req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token']) as unknown;
  const expected = req.user ? req.user.csrfToken : req.cookies?.[CSRF_COOKIE];
  if (typeof given !== 'string' || !expected || !same(given, expected)) {
    throw new AppError(
      403,
      'csrf',
      'This form has expired or did not come from this service. Go back, reload the page and try again.',
    );
  }
}
